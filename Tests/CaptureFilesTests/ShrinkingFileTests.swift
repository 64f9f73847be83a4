import CaptureCore
@testable import CaptureFiles
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A capture that shrinks while it is read (log rotation, a `tcpdump -C/-W` ring buffer): with
/// the old mmap reader the first page past the new end raised SIGBUS (exit 135, no summary).
@Suite("capture readers: a file that shrinks while read")
struct ShrinkingFileTests {
    /// 4,000 records of 1,000 bytes (each 1,016 with its header; 4,064,024 bytes in all), so the
    /// reader's 256 KiB window cannot hold the file. After the first record the callback truncates
    /// the file to 2,000,000 bytes. Records wholly inside it: 24 + n * 1,016 <= 2,000,000, so
    /// n = floor(1,999,976 / 1,016) = 1,968, the last ending at 24 + 1,968 * 1,016 = 1,999,512.
    /// Expected: those 1,968 records, byte for byte; `file_shrank` at 2,000,000 (where the data
    /// ends); then `truncated_record` at 1,999,512 for the record cut by the shrink.
    @Test func truncatedDuringTheReadKeepsWhatWasReadAndWarns() throws {
        var w = PcapWriter(linkType: .raw)
        for i in 0..<4_000 {
            w.append(timestamp: Int64(1_700_000_000 + i) * 1_000_000_000, packet: (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &+ i) })
        }
        #expect(w.bytes.count == 4_064_024)
        let path = try temporaryFile(w.bytes, name: "rotating.pcap")
        let reader = try CaptureFileReader(path: path)
        var got: [[UInt8]] = []
        let report = reader.forEachPacket { r in
            if got.isEmpty { #expect(truncate(path, 2_000_000) == 0) }
            got.append(Array(r.bytes))
        }
        #expect(got.count == 1_968)
        #expect(got.enumerated().allSatisfy { i, b in b == (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &+ i) } })
        #expect(report.packetsRead == 1_968)
        #expect(report.warnings.map(\.code) == ["file_shrank", "truncated_record"])
        #expect(report.warnings.map(\.byteOffset) == [2_000_000, 1_999_512])
        #expect(report.warnings.first?.reason.contains("file shrank while being read") == true)
        #expect(report.warnings.allSatisfy { $0.file == path })
    }

    /// The same with pcapng (SHB 28 + IDB 20, then EPBs of 8 + 20 + 1,000 + 4 = 1,032 bytes):
    /// blocks wholly inside 2,000,000 bytes: 48 + n * 1,032 <= 2,000,000, n = floor(1,999,952 /
    /// 1,032) = 1,937, ending at 48 + 1,937 * 1,032 = 1,999,032. The block there is cut:
    /// `truncated_block` at 1,999,032 after `file_shrank` at 2,000,000.
    @Test func pcapngTruncatedDuringTheRead() throws {
        var w = PcapngWriter()
        w.addInterface(linkType: .raw)
        for i in 0..<4_000 { w.appendEnhancedPacket(interface: 0, timestamp: Int64(i) * 1_000, packet: [UInt8](repeating: UInt8(i & 0xff), count: 1_000)) }
        let path = try temporaryFile(w.bytes, name: "rotating.pcapng")
        var count = 0
        let report = try CaptureFileReader(path: path).forEachPacket { r in
            if count == 0 { #expect(truncate(path, 2_000_000) == 0) }
            #expect(r.bytes.allSatisfy { $0 == UInt8(count & 0xff) })
            count += 1
        }
        #expect(count == 1_937)
        #expect(report.warnings.map(\.code) == ["file_shrank", "truncated_block"])
        #expect(report.warnings.map(\.byteOffset) == [2_000_000, 1_999_032])
    }
}
