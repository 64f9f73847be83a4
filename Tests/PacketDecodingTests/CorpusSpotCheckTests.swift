import CaptureCore
import Foundation
import Testing
import TestSupport
@testable import PacketDecoding

// Light spot check of the decoder against the public corpus: per-file counts of frames by
// outermost / any-layer IP family and by tunnel, computed straight from DecodedPacket and
// compared with EXPECTED.tsv (definitions in HOW_EXPECTED_WAS_MADE.md). The full per-file
// comparison (addresses, DNS, SYNs, pcapng) belongs to CaptureCorpusTests; this one only needs
// classic pcap framing, read by the minimal iterator below so the test target depends on
// PacketDecoding alone.

/// Classic pcap records (all four magics), enough for well-formed corpus files. Stops at the
/// first record that does not fit. Not a reader: CaptureFiles is the real one.
func forEachClassicPcapRecord(_ data: [UInt8], _ body: (UnsafeRawBufferPointer, LinkType, Int) -> Void) -> Bool {
    data.withUnsafeBytes { raw in
        guard let magic: UInt32 = raw.readBigEndian(at: 0) else { return false }
        let little: Bool
        switch magic {
        case 0xA1B2_C3D4, 0xA1B2_3C4D: little = false
        case 0xD4C3_B2A1, 0x4D3C_B2A1: little = true
        default: return false
        }
        func u32(_ o: Int) -> Int? {
            (little ? raw.readLittleEndian(UInt32.self, at: o) : raw.readBigEndian(UInt32.self, at: o)).map(Int.init)
        }
        guard let linkField = u32(20) else { return false }
        let link = LinkType(rawValue: UInt16(linkField & 0xFFFF))   // upper bits: FCS flags
        var offset = 24
        while let caplen = u32(offset + 8), let len = u32(offset + 12), offset + 16 + caplen <= raw.count {
            body(UnsafeRawBufferPointer(rebasing: raw[(offset + 16)..<(offset + 16 + caplen)]), link, len)
            offset += 16 + caplen
        }
        return true
    }
}

@Suite struct CorpusSpotCheckTests {
    static let columns = ["ipv4_outer", "ipv6_outer", "ipv4_any", "ipv6_any", "ipv6_in_ipv4", "ipv4_in_ipv6",
                          "proto41_packets", "teredo_packets"]

    /// Counts one file's frames the way HOW_EXPECTED_WAS_MADE.md defines the columns:
    /// outer = first IP header; any = some IP header, ICMP quotes included; X_in_Y = an X header
    /// after a Y header, both outside ICMP quotes; proto41 = some IPv4 header with protocol 41.
    static func count(_ data: [UInt8], options: DecoderOptions) -> [String: Int]? {
        var decoder = PacketDecoder(options: options)
        var p = DecodedPacket()
        var c = [String: Int]()
        let ok = forEachClassicPcapRecord(data) { bytes, link, originalLength in
            decoder.decode(bytes, linkType: link, originalLength: originalLength, into: &p)
            if let o = p.outermost { c[o.family == .v4 ? "ipv4_outer" : "ipv6_outer", default: 0] += 1 }
            if p.ipLayers.contains(where: { $0.family == .v4 }) { c["ipv4_any", default: 0] += 1 }
            if p.ipLayers.contains(where: { $0.family == .v6 }) { c["ipv6_any", default: 0] += 1 }
            var seen4 = false, seen6 = false, v6in4 = false, v4in6 = false
            for l in p.ipLayers where !l.isICMPQuote {
                if l.family == .v6 && seen4 { v6in4 = true }
                if l.family == .v4 && seen6 { v4in6 = true }
                if l.family == .v4 { seen4 = true } else { seen6 = true }
            }
            if v6in4 { c["ipv6_in_ipv4", default: 0] += 1 }
            if v4in6 { c["ipv4_in_ipv6", default: 0] += 1 }
            if p.ipLayers.contains(where: { $0.family == .v4 && $0.upperProtocol == 41 }) { c["proto41_packets", default: 0] += 1 }
            if p.ipLayers.contains(where: { $0.tunnel == .teredo }) { c["teredo_packets", default: 0] += 1 }
        }
        return ok ? c : nil
    }

    @Test func classicPcapFilesMatchExpectedFamilyAndTunnelCounts() throws {
        guard let dir = SharedData.path("captures/public") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let tsv = try String(contentsOfFile: dir + "/EXPECTED.tsv", encoding: .utf8)
        var rows = tsv.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let header = rows.removeFirst()
        // EXPECTED counts Teredo on port 3544 only (TShark's default), so compare port-only.
        var options = DecoderOptions()
        options.teredoByContent = false
        var checked = 0
        for row in rows {
            let file = row[0]
            // pcapng and the files whose pcap framing itself is broken are the readers' tests.
            guard file.hasSuffix(".pcap"), !file.hasPrefix("malformed_pcap"), !file.hasPrefix("empty") else { continue }
            let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file)))
            guard let counts = Self.count(data, options: options) else {
                Issue.record("\(file): not classic pcap"); continue
            }
            for column in Self.columns {
                let expected = header.firstIndex(of: column).flatMap { Int(row[$0]) }
                #expect(counts[column, default: 0] == expected, "\(file) \(column)")
            }
            checked += 1
        }
        // 77 files = 14 pcapng + 63 pcap; of the pcap, 3 malformed_pcap_* and empty_header_only.pcap
        // are skipped -> 59 checked.
        #expect(checked == 59)
    }

    @Test func teredoByContentCountsTheRelayedFramesOfAUDIT() throws {
        // AUDIT.md point 1: by content, teredo_zeek.pcap has 29 Teredo frames (EXPECTED 4) and
        // teredo_bubble_with_payload.pcap 27 (EXPECTED 4) with `teredoByContent` on.
        for (file, expected) in [("teredo_zeek.pcap", 29), ("teredo_bubble_with_payload.pcap", 27)] {
            guard let path = SharedData.path("captures/public/" + file) else {
                #expect(!SharedData.isCI, "shared data missing under CI"); return
            }
            let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            var options = DecoderOptions()
            options.teredoByContent = true
            let counts = Self.count(data, options: options)
            #expect(counts?["teredo_packets"] == expected, "\(file)")
            #expect(counts?["ipv6_in_ipv4"] == expected, "\(file)")
        }
    }
}
