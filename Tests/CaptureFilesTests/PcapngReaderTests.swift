import TestSupport
import CaptureCore
@testable import CaptureFiles
import Testing

/// Hand-built pcapng byte vectors, and writer-built files whose expected records are computed
/// by hand in the comments.
@Suite("pcapng: sections, interfaces, blocks and faults")
struct PcapngReaderTests {
    /// Big-endian: SHB (28 bytes, version 1.0, section length -1), IDB (20 bytes, ETHERNET,
    /// snaplen 0, no options), EPB (36 bytes): interface 0, timestamp 0x000f4240 = 1_000_000 us
    /// = 1 s, caplen 3, original length 5, data aabbcc + 1 pad byte.
    static let bigEndian = hex("""
        0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffffffffffff 0000001c
        00000001 00000014 0001 0000 00000000 00000014
        00000006 00000024 00000000 00000000 000f4240 00000003 00000005 aabbcc00 00000024
        """)

    @Test func bigEndianSectionInterfaceAndEnhancedPacket() {
        let (got, report) = readBytes(Self.bigEndian)
        #expect(report.warnings.isEmpty)
        #expect(report.format == .pcapng && report.sectionByteOrders == [.big])
        #expect(report.versionMajor == 1 && report.versionMinor == 0)
        #expect(report.interfaces.count == 1 && report.interfaces[0].linkType == .ethernet && report.interfaces[0].snaplen == 0)
        // EPB starts after SHB (28) and IDB (20): offset 48.
        #expect(got == [Got(timestamp: 1_000_000_000, capturedLength: 3, originalLength: 5, linkType: .ethernet,
                            interfaceIndex: 0, fileOffset: 48, bytes: [0xaa, 0xbb, 0xcc])])
        #expect(report.truncatedPackets == 1)
    }

    @Test func writerMatchesHandBuiltBigEndianBytes() {
        var w = PcapngWriter(byteOrder: .big)
        w.addInterface(linkType: .ethernet, snaplen: 0)
        w.appendEnhancedPacket(interface: 0, timestamp: 1_000_000_000, packet: [0xaa, 0xbb, 0xcc], originalLength: 5)
        #expect(w.bytes == Self.bigEndian)
    }

    @Test func binaryTsresolAndTsoffset() {
        // Little-endian. IDB 0: if_tsresol 0x88 = 2^-8 s. IDB 1: if_tsresol 9 (ns) and if_tsoffset 100 s.
        let bytes = hex("""
            0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000
            01000000 20000000 0100 0000 00000000  0900 0100 88000000  00000000  20000000
            01000000 2c000000 6500 0000 00000000  0900 0100 09000000  0e00 0800 6400000000000000  00000000  2c000000
            06000000 20000000 00000000 00000000 80010000 00000000 00000000 20000000
            06000000 20000000 01000000 00000000 05000000 00000000 00000000 20000000
            """)
        let (got, report) = readBytes(bytes)
        #expect(report.warnings.isEmpty)
        #expect(report.interfaces.map(\.timestampResolution.description) == ["2^-8", "nsec"])
        #expect(report.interfaces[1].timestampOffsetSeconds == 100 && report.interfaces[1].linkType == .raw)
        // 0x180 = 384 units of 1/256 s = 1.5 s.
        #expect(got.count == 2 && got[0].timestamp == 1_500_000_000 && got[0].linkType == .ethernet)
        // 5 ns + 100 s offset.
        #expect(got[1].timestamp == 100_000_000_005 && got[1].interfaceIndex == 1 && got[1].linkType == .raw)
        #expect(got[1].capturedLength == 0)
    }

    @Test func multipleSectionsChangeByteOrderAndRestartInterfaceIDs() {
        var w = PcapngWriter(byteOrder: .little)
        w.addInterface(linkType: .ethernet)                    // global 0
        w.addInterface(linkType: .null)                        // global 1
        w.appendEnhancedPacket(interface: 1, timestamp: 1_000, packet: [1])
        w.startSection(byteOrder: .big)
        w.addInterface(linkType: .raw, tsresol: 9)             // global 2, section-local 0
        w.appendEnhancedPacket(interface: 0, timestamp: 2_000_000_001, packet: [2, 2])
        w.startSection(byteOrder: .little)
        w.addInterface(linkType: .linuxSLL2)                   // global 3
        w.appendEnhancedPacket(interface: 0, timestamp: 3_000_000_000, packet: [3, 3, 3])
        let (got, report) = readBytes(w.bytes)
        #expect(report.warnings.isEmpty)
        #expect(report.sectionByteOrders == [.little, .big, .little] && report.byteOrders == [.big, .little])
        #expect(report.interfaces.map(\.linkType) == [.ethernet, .null, .raw, .linuxSLL2])
        #expect(report.interfaces.map(\.section) == [0, 0, 1, 2])
        #expect(got.map(\.interfaceIndex) == [1, 2, 3])
        #expect(got.map(\.linkType) == [.null, .raw, .linuxSLL2])
        // usec interface: 1000 ns is 1 us; nsec interface keeps the 1 ns.
        #expect(got.map(\.timestamp) == [1_000, 2_000_000_001, 3_000_000_000])
        #expect(got.map(\.bytes) == [[1], [2, 2], [3, 3, 3]])
    }

    @Test func simpleAndObsoletePacketBlocks() {
        var w = PcapngWriter()
        w.addInterface(linkType: .ethernet, snaplen: 4)
        w.addInterface(linkType: .raw)
        w.appendSimplePacket(packet: [1, 2, 3, 4, 5, 6])                      // orig 6, cut to snaplen 4
        w.appendObsoletePacket(interface: 1, timestamp: 7_000_000_000, packet: [9, 9], originalLength: 60)
        let (got, report) = readBytes(w.bytes)
        #expect(report.warnings.isEmpty)
        #expect(got.count == 2)
        #expect(got[0].interfaceIndex == 0 && got[0].capturedLength == 4 && got[0].originalLength == 6 && got[0].bytes == [1, 2, 3, 4])
        #expect(got[0].timestamp == 0)  // an SPB has no timestamp
        #expect(got[1].interfaceIndex == 1 && got[1].linkType == .raw && got[1].timestamp == 7_000_000_000)
        #expect(got[1].capturedLength == 2 && got[1].originalLength == 60)
    }

    @Test func nonPacketBlocksAreSkippedByLength() {
        var w = PcapngWriter()
        w.addInterface(linkType: .ethernet)
        w.appendNameResolution(ipv4: [192, 0, 2, 1], name: "host.example")
        w.appendEnhancedPacket(interface: 0, timestamp: 1, packet: [1])
        w.appendInterfaceStatistics(interface: 0, timestamp: 2, received: 1)
        w.appendDecryptionSecrets(secretsType: 0x544c_534b, data: Array("CLIENT_RANDOM x y".utf8))
        w.appendCustomBlock(copiable: true, enterpriseNumber: 32473, data: [1, 2, 3])
        w.appendCustomBlock(copiable: false, enterpriseNumber: 32473, data: [4])
        w.appendBlock(type: 0x1234_5678, body: [0xff, 0xff, 0xff, 0xff, 0xff])   // unknown type
        w.appendEnhancedPacket(interface: 0, timestamp: 3_000, packet: [2])
        let (got, report) = readBytes(w.bytes)
        #expect(report.warnings.isEmpty)
        #expect(got.map(\.bytes) == [[1], [2]])
    }

    @Test func unsupportedSectionVersionStopsAndKeepsEarlierPackets() {
        var w = PcapngWriter()
        w.addInterface(linkType: .ethernet)
        w.appendEnhancedPacket(interface: 0, timestamp: 1_000, packet: [1])
        let secondSection = w.bytes.count
        w.startSection(byteOrder: .little, versionMajor: 2, versionMinor: 0)
        w.addInterface(linkType: .ethernet)
        w.appendEnhancedPacket(interface: 0, timestamp: 1_000, packet: [2])
        let (got, report) = readBytes(w.bytes, path: "v2.pcapng")
        #expect(got.map(\.bytes) == [[1]])
        #expect(report.warnings.map(\.code) == ["unsupported_version"] && report.warnings[0].byteOffset == secondSection)
        #expect(report.interfaces.count == 1)
    }

    /// A file: SHB (28) + IDB (20) + EPB (36, 1 data byte) = offsets 0, 28, 48; a bad block at 84.
    static func withBadBlockAt84(_ bad: [UInt8]) -> [UInt8] {
        var w = PcapngWriter()
        w.addInterface(linkType: .ethernet)
        w.appendEnhancedPacket(interface: 0, timestamp: 5, packet: [1])
        precondition(w.bytes.count == 84)
        return w.bytes + bad
    }

    @Test(arguments: [
        // length 0: must not loop forever on a zero advance.
        ("06000000 00000000 00000000", "bad_block_length"),
        // length 13: not a multiple of 4.
        ("06000000 0d000000 00000000 00", "bad_block_length"),
        // length 64 but only 12 bytes left.
        ("06000000 40000000 00000000", "truncated_block"),
        // trailing length 16 differs from the leading 12.
        ("06000000 0c000000 10000000", "block_length_mismatch"),
        // fewer than 12 bytes left.
        ("06000000 0c00", "truncated_block"),
        // an SHB whose byte-order magic is neither order.
        ("0a0d0d0a 1c000000 01020304 0100 0000 ffffffffffffffff 1c000000", "bad_byte_order_magic"),
    ])
    func framingFaultsWarnWithOffsetAndKeepEarlierPackets(bad: String, code: String) {
        let (got, report) = readBytes(Self.withBadBlockAt84(hex(bad)), path: "bad.pcapng")
        #expect(got.map(\.bytes) == [[1]])
        #expect(report.warnings.map(\.code) == [code])
        #expect(report.warnings.first?.byteOffset == 84)
        #expect(report.warnings.first?.description.hasPrefix("bad.pcapng: offset 84: ") == true)
    }

    @Test func packetBlockNamingAnUndefinedInterfaceIsSkipped() {
        var w = PcapngWriter()
        w.addInterface(linkType: .ethernet)
        w.appendEnhancedPacket(interface: 0, timestamp: 1, packet: [1])
        let badOffset = w.bytes.count
        w.appendEnhancedPacket(interface: 5, timestamp: 1, packet: [2])
        w.appendEnhancedPacket(interface: 0, timestamp: 1, packet: [3])
        let (got, report) = readBytes(w.bytes)
        #expect(got.map(\.bytes) == [[1], [3]])
        #expect(report.warnings.map(\.code) == ["unknown_interface"] && report.warnings[0].byteOffset == badOffset)
    }

    @Test func enhancedPacketCaplenPastItsBlockIsSkipped() {
        // EPB of 32 bytes (no data) claiming caplen 100.
        var w = PcapngWriter()
        w.addInterface(linkType: .ethernet)
        w.appendBlock(type: 6, body: hex("00000000 00000000 00000000 64000000 64000000"))
        w.appendEnhancedPacket(interface: 0, timestamp: 1, packet: [7])
        let (got, report) = readBytes(w.bytes)
        #expect(got.map(\.bytes) == [[7]])
        #expect(report.warnings.map(\.code) == ["bad_caplen"])
    }

    @Test func timestampResolutionConversions() {
        // 10^-3: 1500 ms = 1.5 s.
        #expect(TimestampResolution(ifTsresol: 3).nanoseconds(1500) == 1_500_000_000)
        // 10^-12: 2_000_000 ps = 2 us.
        #expect(TimestampResolution(ifTsresol: 12).nanoseconds(2_000_000) == 2_000)
        // 2^-10: 1024 + 512 units = 1.5 s.
        #expect(TimestampResolution(ifTsresol: 0x8a).nanoseconds(1536) == 1_500_000_000)
        // 2^-30: 2^30 units = 1 s; 1 unit = 0.93 ns -> 0 (rounded down).
        #expect(TimestampResolution(ifTsresol: 0x9e).nanoseconds(1 << 30) == 1_000_000_000)
        #expect(TimestampResolution(ifTsresol: 0x9e).nanoseconds(1) == 0)
        #expect(TimestampResolution(ifTsresol: 0x88).description == "2^-8")
    }
}
