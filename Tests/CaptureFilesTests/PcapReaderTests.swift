import TestSupport
import CaptureCore
@testable import CaptureFiles
import Testing

/// Hand-built classic pcap byte vectors, one per header/record edge case.
@Suite("pcap: hand-built headers and records")
struct PcapReaderTests {
    // Record: ts_sec 0x5f5e1000 = 1_600_000_000, fraction 0x0007a120 = 500_000, caplen 4, len 4.
    static let leUsec = hex("""
        d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000
        00105e5f 20a10700 04000000 04000000 deadbeef
        """)

    @Test func littleEndianMicroseconds() {
        let (got, report) = readBytes(Self.leUsec)
        #expect(report.warnings.isEmpty)
        #expect(report.sectionByteOrders == [CaptureByteOrder.little])
        #expect(report.interfaces.count == 1 && report.interfaces[0].linkType == .ethernet && report.interfaces[0].snaplen == 65535)
        #expect(report.interfaces[0].timestampResolution == .microseconds)
        // 1_600_000_000 s + 500_000 us = 1_600_000_000_500_000_000 ns
        #expect(got == [Got(timestamp: 1_600_000_000_500_000_000, capturedLength: 4, originalLength: 4, linkType: .ethernet,
                            interfaceIndex: 0, fileOffset: 24, bytes: [0xde, 0xad, 0xbe, 0xef])])
    }

    @Test func bigEndianNanoseconds() {
        // a1b23c4d, version 2.4, snaplen 0xffff, LINKTYPE_RAW (101 = 0x65); one record:
        // ts 1_600_000_000 s + 7 ns, caplen 2 < len 40 (cut by snaplen).
        let bytes = hex("""
            a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065
            5f5e1000 00000007 00000002 00000028 4500
            """)
        let (got, report) = readBytes(bytes)
        #expect(report.warnings.isEmpty)
        #expect(report.sectionByteOrders == [.big])
        #expect(report.interfaces[0].timestampResolution == .nanoseconds)
        #expect(report.interfaces[0].linkType == .raw)
        #expect(got.count == 1)
        #expect(got.first?.timestamp == 1_600_000_000_000_000_007)
        #expect(got.first?.capturedLength == 2 && got.first?.originalLength == 40)
        #expect(report.truncatedPackets == 1)
    }

    @Test func littleEndianNanosecondsAndBigEndianMicroseconds() {
        // 4d3cb2a1: LE nsec; fraction 0x3b9ac9ff = 999_999_999 ns.
        let leNsec = hex("4d3cb2a1 0200 0400 00000000 00000000 ffff0000 00000000  01000000 ffc99a3b 01000000 01000000 aa")
        let (a, ra) = readBytes(leNsec)
        #expect(ra.warnings.isEmpty && ra.interfaces[0].linkType == .null)
        #expect(a.first?.timestamp == 1_999_999_999)
        // a1b2c3d4: BE usec; 2 s + 3 us.
        let beUsec = hex("a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000001  00000002 00000003 00000001 00000001 bb")
        let (b, rb) = readBytes(beUsec)
        #expect(rb.warnings.isEmpty && rb.sectionByteOrders == [.big])
        #expect(b.first?.timestamp == 2_000_003_000)
    }

    @Test func majorVersionOtherThanTwoIsRejected() {
        // Version 1.4 (libpcap's pcap-invalid-version-1 case): no packets, a warning at offset 4.
        var bytes = Self.leUsec
        bytes[4] = 1
        let (got, report) = readBytes(bytes, path: "v1.pcap")
        #expect(got.isEmpty)
        #expect(report.warnings.map(\.code) == ["unsupported_version"])
        #expect(report.warnings.first?.byteOffset == 4)
        #expect(report.warnings.first?.description.hasPrefix("v1.pcap: offset 4: ") == true)
        #expect(report.versionMajor == 1 && report.versionMinor == 4)
    }

    @Test func versionBelow2Point3HasCaplenAndLenSwapped() {
        // Version 2.2: the first length field is len (16), the second caplen (4); 4 data bytes.
        let bytes = hex("d4c3b2a1 0200 0200 00000000 00000000 ffff0000 01000000  00000000 00000000 10000000 04000000 01020304")
        let (got, report) = readBytes(bytes)
        #expect(report.warnings.isEmpty)
        #expect(got.first?.capturedLength == 4 && got.first?.originalLength == 16)
    }

    @Test func version2Point3SwapsOnlyWhenCaplenExceedsLen() {
        // 2.3 with fields (16, 4): caplen > len is impossible, so swapped -> caplen 4, len 16.
        let swapped = hex("d4c3b2a1 0200 0300 00000000 00000000 ffff0000 01000000  00000000 00000000 10000000 04000000 01020304")
        #expect(readBytes(swapped).0.first.map { ($0.capturedLength, $0.originalLength) } ?? (0, 0) == (4, 16))
        // 2.3 with fields (4, 16): already in the right order.
        let plain = hex("d4c3b2a1 0200 0300 00000000 00000000 ffff0000 01000000  00000000 00000000 04000000 10000000 01020304")
        #expect(readBytes(plain).0.first.map { ($0.capturedLength, $0.originalLength) } ?? (0, 0) == (4, 16))
        // 2.4 with fields (16, 4): no quirk, caplen 16 runs past the 4 bytes left -> truncated_record.
        let modern = hex("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000  00000000 00000000 10000000 04000000 01020304")
        let (got, report) = readBytes(modern)
        #expect(got.isEmpty && report.warnings.map(\.code) == ["truncated_record"] && report.warnings[0].byteOffset == 24)
    }

    @Test func fcsBitsOfTheLinkTypeField() {
        // 0x24000001: LT_FCS_LENGTH_PRESENT (0x04000000), LT_FCS_LENGTH = 2 (16-bit words) -> 4 bytes, ETHERNET.
        var bytes = Self.leUsec
        bytes.replaceSubrange(20..<24, with: [0x01, 0x00, 0x00, 0x24])
        let (got, report) = readBytes(bytes)
        #expect(report.interfaces[0].linkType == .ethernet && report.interfaces[0].fcsLength == 4)
        #expect(got.first?.linkType == .ethernet)
        // 0x40000000 (malformed_pcap_cut_short.pcap): FCS length bits without the present flag -> no FCS, NULL.
        bytes.replaceSubrange(20..<24, with: [0x00, 0x00, 0x00, 0x40])
        let (_, r2) = readBytes(bytes)
        #expect(r2.interfaces[0].linkType == .null && r2.interfaces[0].fcsLength == nil)
        let header = Self.leUsec.withUnsafeBytes { PcapFileHeader($0) }
        #expect(header?.fcsLength == nil && header?.reservedLinkTypeBits == 0)
    }

    @Test func absurdCaplenIsAFaultAndStopsReading() {
        // Record 1 fine (4 bytes); record 2 claims caplen 0x00050000 = 327_680 > max(65535, 262144).
        let bytes = Self.leUsec + hex("00000000 00000000 00000500 00000500") + [UInt8](repeating: 0, count: 64)
        let (got, report) = readBytes(bytes, path: "huge.pcap")
        #expect(got.count == 1)
        // Record 2 starts after the 24-byte header and record 1 (16 + 4 bytes): offset 44.
        #expect(report.warnings.map(\.code) == ["bad_caplen"] && report.warnings[0].byteOffset == 44)
        #expect(report.warnings[0].reason.contains("327680"))
    }

    @Test func caplenAboveSnaplenButBelowTheLibpcapMaximumIsRead() {
        // snaplen 16, record caplen 20: libpcap accepts up to max(snaplen, 262144).
        let bytes = hex("d4c3b2a1 0200 0400 00000000 00000000 10000000 01000000  00000000 00000000 14000000 14000000")
            + [UInt8](repeating: 7, count: 20)
        let (got, report) = readBytes(bytes)
        #expect(report.warnings.isEmpty && got.count == 1 && got[0].capturedLength == 20)
    }

    @Test func truncatedFinalRecordKeepsEverythingBefore() {
        let cutHeader = Self.leUsec + hex("00000000 0000")  // 6 of 16 header bytes
        let (a, ra) = readBytes(cutHeader)
        #expect(a.count == 1 && ra.warnings.map(\.code) == ["truncated_record_header"] && ra.warnings[0].byteOffset == 44)
        let cutData = Self.leUsec + hex("00000000 00000000 08000000 08000000 0102")  // 2 of 8 data bytes
        let (b, rb) = readBytes(cutData)
        #expect(b.count == 1 && rb.warnings.map(\.code) == ["truncated_record"] && rb.warnings[0].byteOffset == 44)
    }

    @Test func shortFileHeader() {
        let (got, report) = readBytes(Array(Self.leUsec.prefix(10)))
        #expect(got.isEmpty && report.warnings.map(\.code) == ["truncated_file_header"])
        #expect(report.sectionByteOrders == [.little])
    }

    @Test func writerMatchesHandBuiltBytes() {
        var w = PcapWriter(linkType: .ethernet, snaplen: 65535)
        w.append(timestamp: 1_600_000_000_500_000_000, packet: [0xde, 0xad, 0xbe, 0xef])
        #expect(w.bytes == Self.leUsec)
    }
}
