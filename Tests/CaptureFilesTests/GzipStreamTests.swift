import CaptureCore
@testable import CaptureFiles
import Foundation
import Testing
import TestSupport

/// `.gz` captures are inflated as they are read, through the same window as plain files.
@Suite("capture readers: streamed gzip")
struct GzipStreamTests {
    /// 60,000 records of 1,000 zero bytes (24 + 60,000 * 1,016 = 60,960,024 bytes inflated) compress about 300:1.
    /// Read through the window, every record arrives and the buffer never grows past its first
    /// 256 KiB chunk: memory follows the record size, not the inflated size (the old reader
    /// allocated the whole 61 MB).
    @Test func memoryIsBoundedByTheWindow() throws {
        var w = PcapWriter(linkType: .raw)
        for i in 0..<60_000 { w.append(timestamp: Int64(i) * 1_000, packet: [UInt8](repeating: 0, count: 1_000)) }
        #expect(w.bytes.count == 60_960_024)
        let gz = try #require(Gzip.compress(w.bytes, level: 9))
        #expect(gz.count < w.bytes.count / 100)
        let path = try temporaryFile(gz, name: "zeros.pcap.gz")
        let file = try CaptureInputFile(path: path)
        var window = file.makeWindow()
        defer { window.release() }
        var n = 0
        let report = PcapReader.read(path: path, window: &window) { r in
            if r.bytes.count == 1_000 { n += 1 }
        }
        #expect(n == 60_000 && report.packetsRead == 60_000 && report.warnings.isEmpty)
        #expect(window.bufferCapacity == CaptureByteWindow.chunkBytes)
        #expect(window.sourceWarning == nil)
    }

    /// A pcapng block claiming 48 MiB inside a gzip stream that holds only a few kilobytes:
    /// the window grows only as inflated bytes arrive, so it ends at its first chunk and the
    /// block is reported cut (`truncated_block`, with the bytes really left).
    @Test func claimedHugeBlockDoesNotAllocateItsLength() throws {
        var w = PcapngWriter()
        w.addInterface(linkType: .raw)
        w.appendEnhancedPacket(interface: 0, timestamp: 1, packet: [1, 2, 3, 4])
        let at = w.bytes.count
        let bytes = w.bytes + hex("06000000 00000003") + [UInt8](repeating: 0, count: 4_000)
        let path = try temporaryFile(try #require(Gzip.compress(bytes)), name: "claim.pcapng.gz")
        let file = try CaptureInputFile(path: path)
        var window = file.makeWindow()
        defer { window.release() }
        let report = PcapngReader.read(path: path, window: &window) { _ in }
        #expect(report.packetsRead == 1)
        #expect(report.warnings.map(\.code) == ["truncated_block"])
        #expect(report.warnings.first?.byteOffset == at)
        #expect(report.warnings.first?.reason.contains("(4008 bytes left)") == true)
        #expect(window.bufferCapacity == CaptureByteWindow.chunkBytes)
    }

    /// The same bytes plain and gzip-compressed give identical records and reports, also for a
    /// file larger than one window and with a record straddling every chunk boundary.
    @Test func plainAndGzipReadAlike() throws {
        var w = PcapWriter(linkType: .ethernet)
        var rng = SplitMix64(seed: 3)
        for i in 0..<3_000 {
            let n = 60 + Int(rng.next() % 1_455)
            w.append(timestamp: Int64(i) * 1_000_000, packet: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        }
        let plainPath = try temporaryFile(w.bytes, name: "p.pcap")
        let gzPath = try temporaryFile(try #require(Gzip.compress(w.bytes)), name: "p.pcap.gz")
        var a: [[UInt8]] = [], b: [[UInt8]] = []
        let ra = try CaptureFileReader(path: plainPath).forEachPacket { a.append(Array($0.bytes)) }
        let rb = try CaptureFileReader(path: gzPath).forEachPacket { b.append(Array($0.bytes)) }
        #expect(a.count == 3_000 && a == b)
        #expect(ra.capturedBytes == rb.capturedBytes && ra.warnings.isEmpty && rb.warnings.isEmpty)
        #expect(!ra.compressed && rb.compressed)
        let (memory, _) = readBytes(w.bytes)
        #expect(memory.map(\.bytes) == a)
    }
}
