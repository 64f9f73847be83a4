import CaptureCore
@testable import CaptureFiles
import Foundation
import Testing
import TestSupport

@Suite("Writers, façade, gzip and input expansion")
struct RoundTripTests {
    static let packets: [(Int64, [UInt8])] = [
        (1_700_000_000_123_456_000, Array(0..<60)),
        (1_700_000_001_000_000_000, [UInt8](repeating: 0x55, count: 1514)),
        (1_700_000_002_999_999_000, [0x45]),
    ]

    @Test(arguments: [(CaptureByteOrder.little, false), (.little, true), (.big, false), (.big, true)])
    func pcapAllFourMagicsRoundTrip(order: CaptureByteOrder, nanoseconds: Bool) throws {
        var w = PcapWriter(linkType: .linuxSLL, snaplen: 1000, byteOrder: order, nanoseconds: nanoseconds)
        for (ts, p) in Self.packets { w.append(timestamp: ts, packet: p) }
        let path = try temporaryFile(w.bytes, name: "rt.pcap")
        let reader = try CaptureFileReader(path: path)
        #expect(reader.format == .pcap)
        var got: [Got] = []
        let report = reader.forEachPacket { r in
            got.append(Got(timestamp: r.timestamp, capturedLength: r.capturedLength, originalLength: r.originalLength,
                           linkType: r.linkType, interfaceIndex: r.interfaceIndex, fileOffset: r.fileOffset, bytes: Array(r.bytes)))
        }
        #expect(report.warnings.isEmpty && report.sectionByteOrders == [order])
        #expect(report.interfaces.first?.timestampResolution == (nanoseconds ? .nanoseconds : .microseconds))
        #expect(got.count == 3)
        #expect(got.map(\.timestamp) == Self.packets.map(\.0))   // all three are whole microseconds
        // Packet 2 (1514 bytes) is cut to snaplen 1000.
        #expect(got.map(\.capturedLength) == [60, 1000, 1])
        #expect(got.map(\.originalLength) == [60, 1514, 1])
        #expect(got.map(\.bytes) == Self.packets.map { Array($0.1.prefix(1000)) })
        #expect(report.truncatedPackets == 1 && report.capturedBytes == 1061 && report.originalBytes == 1575)
        // Offsets: header 24; record 1 at 24 (16 + 60); record 2 at 100 (16 + 1000); record 3 at 1116.
        #expect(got.map(\.fileOffset) == [24, 100, 1116])
    }

    @Test func pcapngSeveralInterfacesAndLinkTypesRoundTrip() throws {
        var w = PcapngWriter(byteOrder: .big, comment: "round trip")
        w.addInterface(linkType: .ethernet, name: "eth0")
        w.addInterface(linkType: .ipv6, tsresol: 9, name: "tun0")
        w.addInterface(linkType: .linuxSLL2, tsresol: 0x94, tsoffset: -10, name: "any")  // 2^-20
        w.appendEnhancedPacket(interface: 0, timestamp: 1_000_000_000, packet: [1, 2, 3], comment: "first")
        w.appendEnhancedPacket(interface: 1, timestamp: 1_000_000_007, packet: [0x60])
        // 2^-20 s units: 5 s - (-10 s) offset = 15 s = 15 << 20 units; 0.5 s = 2^19 units -> exact.
        w.appendEnhancedPacket(interface: 2, timestamp: 5_500_000_000, packet: [9])
        let path = try temporaryFile(w.bytes, name: "rt.pcapng")
        let reader = try CaptureFileReader(path: path)
        var got: [(Int64, LinkType, Int)] = []
        let report = reader.forEachPacket { got.append(($0.timestamp, $0.linkType, $0.interfaceIndex)) }
        #expect(report.warnings.isEmpty)
        #expect(report.interfaces.map(\.name) == ["eth0", "tun0", "any"])
        #expect(report.interfaces.map(\.timestampResolution.description) == ["usec", "nsec", "2^-20"])
        #expect(report.interfaces[2].timestampOffsetSeconds == -10)
        #expect(report.linkTypes == [.ethernet, .ipv6, .linuxSLL2])
        #expect(got.map(\.0) == [1_000_000_000, 1_000_000_007, 5_500_000_000])
        #expect(got.map(\.1) == [.ethernet, .ipv6, .linuxSLL2])
        #expect(got.map(\.2) == [0, 1, 2])
    }

    @Test func gzipInputIsDetectedByMagicAndInflated() throws {
        var w = PcapWriter(linkType: .raw)
        for (ts, p) in Self.packets { w.append(timestamp: ts, packet: p) }
        let gz = try #require(Gzip.compress(w.bytes))
        #expect(gz.prefix(2) == [0x1f, 0x8b])
        // Named without .gz: detection is by content.
        let path = try temporaryFile(gz, name: "compressed.bin")
        let reader = try CaptureFileReader(path: path)
        let report = reader.scan()
        #expect(report.compressed && report.packetsRead == 3 && report.warnings.isEmpty)
        #expect(reader.file.prefix(1 << 20) == w.bytes)

        // Two concatenated gzip members (RFC 1952 section 2.2) inflate to both parts.
        let half = w.bytes.count / 2
        let twoMembers = try #require(Gzip.compress(Array(w.bytes[..<half]))) + (try #require(Gzip.compress(Array(w.bytes[half...]))))
        let r2 = try CaptureFileReader(path: try temporaryFile(twoMembers, name: "two.pcap.gz")).scan()
        #expect(r2.packetsRead == 3 && r2.warnings.isEmpty)

        // A gzip stream cut in half: a warning, the packets inflated before the cut, no crash.
        let cut = Array(gz.prefix(gz.count / 2))
        let r3 = try CaptureFileReader(path: try temporaryFile(cut, name: "cut.pcap.gz")).scan()
        #expect(r3.warnings.contains { $0.code == "gzip_truncated" })
        #expect(r3.packetsRead < 3)

        // Just the gzip magic (2 and 3 bytes): a warning, no packets, no crash.
        for n in [2, 3, 10] {
            let stub = try temporaryFile(Array(gz.prefix(n)), name: "stub\(n).gz")
            let m = try CaptureInputFile(path: stub)
            var window = m.makeWindow()
            #expect(m.wasCompressed && window.bytesUpTo(at: 0, count: 4, keeping: 0).isEmpty && window.sourceWarning != nil)
            window.release()
        }
    }

    @Test func facadeErrors() throws {
        let empty = try temporaryFile([], name: "empty.pcap")
        #expect(throws: CaptureFileError.unrecognizedFormat(path: empty, magic: nil)) { try CaptureFileReader(path: empty) }
        let text = try temporaryFile(Array("hello world".utf8), name: "notes.pcap")
        #expect(throws: CaptureFileError.unrecognizedFormat(path: text, magic: 0x6865_6c6c)) { try CaptureFileReader(path: text) }
        #expect(throws: CaptureFileError.self) { try CaptureFileReader(path: "/nonexistent/x.pcap") }
        let dir = SharedData.temporaryDirectory("capturefiles-dir").path
        #expect(throws: CaptureFileError.cannotOpen(path: dir, reason: "not a regular file")) { try CaptureFileReader(path: dir) }
        let m = try CaptureInputFile(path: empty)
        #expect(m.prefix(4).isEmpty && m.fileSize == 0 && !m.wasCompressed)
    }

    @Test func inputExpansion() throws {
        let root = SharedData.temporaryDirectory("capturefiles-inputs")
        let fm = FileManager.default
        for rel in ["b/z.pcap", "b/a.PCAPNG.gz", "a.cap", "b/c/deep.pcapng", "notes.txt", "b/trace.bin", ".hidden/x.pcap", "y.pcap.gz.txt"] {
            let url = root.appendingPathComponent(rel)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([0]).write(to: url)
        }
        let dir = root.path
        // Sorted by path bytes: "a.cap" < "b/a.PCAPNG.gz" < "b/c/deep.pcapng" < "b/z.pcap".
        #expect(try CaptureInputs.expand([dir]) == ["a.cap", "b/a.PCAPNG.gz", "b/c/deep.pcapng", "b/z.pcap"].map { dir + "/" + $0 })
        // An explicit file is taken whatever its extension; duplicates are dropped.
        let bin = dir + "/b/trace.bin"
        #expect(try CaptureInputs.expand([bin, dir + "/b/z.pcap", bin]) == [bin, dir + "/b/z.pcap"])
        #expect(throws: CaptureInputs.InputError.notFound(dir + "/missing")) { try CaptureInputs.expand([dir + "/missing"]) }
        #expect(CaptureInputs.isCaptureFileName("x.pcap.gz") && CaptureInputs.isCaptureFileName("X.CAP"))
        #expect(!CaptureInputs.isCaptureFileName("x.gz") && !CaptureInputs.isCaptureFileName("pcap"))
    }
}
