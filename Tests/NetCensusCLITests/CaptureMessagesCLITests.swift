import Testing
import Foundation
import TestSupport

/// Warning and error wording: the file is named once per line, and in a `.gz` capture every
/// offset says whether it counts compressed or decompressed bytes.
@Suite(.serialized) struct CaptureMessagesCLITests {
    static func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
    static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }

    /// A pcap (little-endian, ETHERNET) with one whole 4-byte record and a second record whose
    /// header claims caplen 100 but is followed by only 10 bytes:
    /// 24 (file header) + 16 + 4 (record 1) = 44 = offset of record 2; total 44 + 16 + 10 = 70.
    static let innerPcap: [UInt8] = {
        var b: [UInt8] = [0xd4, 0xc3, 0xb2, 0xa1] + le16(2) + le16(4) + le32(0) + le32(0) + le32(65535) + le32(1)
        b += le32(1) + le32(0) + le32(4) + le32(4) + [1, 2, 3, 4]
        b += le32(2) + le32(0) + le32(100) + le32(100) + [UInt8](repeating: 0xee, count: 10)
        return b
    }()

    /// The pcap in one gzip member (RFC 1952) holding one stored deflate block (RFC 1951
    /// section 3.2.4), cut before the 8-byte CRC32/ISIZE trailer:
    /// 10 (gzip header) + 5 (BFINAL=1 BTYPE=00, LEN, NLEN) + 70 = 85 compressed bytes.
    static let cutGzip: [UInt8] = {
        let n = UInt16(innerPcap.count)
        return [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff] + [0x01] + le16(n) + le16(~n) + innerPcap
    }()

    @Test func gzipOffsetsSayCompressedOrDecompressed() throws {
        #expect(Self.innerPcap.count == 70 && Self.cutGzip.count == 85)
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("cut.pcap.gz").path
        try Data(Self.cutGzip).write(to: URL(fileURLWithPath: path))
        let r = try CaptureCLI.run(["capture", "summarize", "--json", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.json?["total"] as? [String: Any])?["records_read"] as? Int == 1)
        #expect(r.stderr.contains("netcensus: warning: \(path): offset 85: gzip stream ends before its trailer (compressed offset) [gzip_truncated]\n"), "\(r.stderr)")
        #expect(r.stderr.contains("netcensus: warning: \(path): offset 44: file ends inside a record: caplen 100, only 10 bytes left (decompressed offset) [truncated_record]\n"), "\(r.stderr)")
        // Every warning line of the .gz says which kind of offset it gives.
        for line in r.stderr.split(separator: "\n") {
            #expect(line.contains("(compressed offset) [gzip_") || line.contains("(decompressed offset) ["), "\(line)")
        }
    }

    @Test func plainFileWarningsCarryNoOffsetKind() throws {
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("cut.pcap").path
        try Data(Self.innerPcap).write(to: URL(fileURLWithPath: path))
        let r = try CaptureCLI.run(["capture", "summarize", path])
        #expect(r.status == 0)
        #expect(r.stderr.contains("netcensus: warning: \(path): offset 44: file ends inside a record: caplen 100, only 10 bytes left [truncated_record]\n"), "\(r.stderr)")
        #expect(!r.stderr.contains("compressed offset"))
    }

    /// argument-parser's usage errors (exit 64) also start `netcensus: error: `; its usage
    /// lines follow.
    @Test func usageErrorsStartTheSameWay() throws {
        for args in [["capture", "summarize", "--json", "--csv", "x.pcap"], ["capture", "summarize"],
                     ["capture", "summarize", "--no-such-option", "x.pcap"], ["capture", "live", "--duration", "0", "-i", "lo"]] {
            let r = try CaptureCLI.run(args)
            #expect(r.status == 64, "\(args)")
            #expect(r.stderr.hasPrefix("netcensus: error: "), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Error: "), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        // Help still goes to stdout with status 0.
        let help = try CaptureCLI.run(["capture", "summarize", "--help"])
        #expect(help.status == 0 && help.stdout.hasPrefix("OVERVIEW: "))
    }

    @Test func everyErrorLineStartsTheSameWay() throws {
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("README.md").path
        try Data("# not a capture\n".utf8).write(to: URL(fileURLWithPath: text))
        for args in [["capture", "summarize", text], ["capture", "summarize", text, text + ".missing"],
                     ["capture", "summarize", "--filter", "udp port", text],
                     ["capture", "summarize", dir.appendingPathComponent("none.pcap").path],
                     ["capture", "live", "-i", "no-such-if0", "--duration", "1"]] {
            let r = try CaptureCLI.run(args)
            #expect(r.status != 0)
            let errors = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("netcensus: warning: ") }
            #expect(errors.count == 1, "\(args): \(r.stderr)")
            #expect(errors.allSatisfy { $0.hasPrefix("netcensus: error: ") }, "\(args): \(r.stderr)")
            // No line names the same file twice.
            for line in r.stderr.split(separator: "\n") {
                #expect(line.components(separatedBy: text).count <= 2, "\(line)")
            }
        }
    }
}
