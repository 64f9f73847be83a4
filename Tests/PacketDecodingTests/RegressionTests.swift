import CaptureCore
import PacketDecoding
import Testing

/// Hostile packets for the decoder: hand-crafted attacks on its bounds (and fuzz findings, with
/// the minimised bytes inlined). Harness: `Fuzz/run.sh FuzzPacketDecoder` / `FuzzSummarize`.
@Suite("decoder: fuzz regressions and hostile packets")
struct RegressionTests {
    /// 100 destination-options headers (8 octets each, next header 60 = another one), then UDP.
    /// The chain walk stops after `maxIPv6ExtensionHeaders` (16) with
    /// `ipv6_extension_header_too_many`; the IPv6 layer itself is kept, no transport is invented.
    @Test func ipv6ChainOfOneHundredExtensionHeaders() {
        var chain: [UInt8] = []
        for i in 0..<100 { chain += Build.extensionHeader(next: i == 99 ? 17 : 60, [1, 4, 0, 0, 0, 0]) }
        #expect(chain.count == 800)
        let packet = decode(Build.ethernet(0x86DD, Build.ipv6("2001:db8::1", "2001:db8::2", next: 60,
                                                             chain + Build.udp(1, 2, []))))
        #expect(packet.has(.ipv6ExtensionHeaderTooMany))
        #expect(packet.ipLayers.count == 1)
        #expect(packet.ipLayers.first?.extensionHeaderCount == 16)
        #expect(packet.transport == nil)
    }

    /// IPv4 / GRE / IPv4 / GRE / ... twelve times. GRE (RFC 2784) with protocol 0x0800 and no
    /// optional fields is 4 octets: 00 00 08 00. Layers at tunnel depth 0...8 are decoded
    /// (maxTunnelDepth 8 = eight encapsulations entered), the ninth GRE is refused with
    /// `tunnel_depth_exceeded`: 9 IPv4 layers, all but the first tagged GRE.
    @Test func greInGreBeyondTheDepthLimit() {
        var inner = Build.ipv4("10.0.0.99", "10.0.0.100", proto: 17, Build.udp(1000, 2000, [0xAA]))
        for i in 0..<12 {
            inner = Build.ipv4("192.0.2.\(i + 1)", "198.51.100.\(i + 1)", proto: 47, [0x00, 0x00, 0x08, 0x00] + inner)
        }
        let packet = decode(Build.ethernet(0x0800, inner))
        #expect(packet.has(.tunnelDepthExceeded))
        #expect(packet.ipLayers.count == DecoderOptions().maxTunnelDepth + 1)
        #expect(packet.ipLayers.dropFirst().allSatisfy { $0.tunnel == .gre })
        #expect(packet.transport == nil)   // the innermost UDP is beyond the limit
    }

    /// DNS names with compression pointers that point at themselves (offset 12 -> 12) or loop
    /// between records. The decoder never follows pointers (it only needs types and counts), so
    /// this cannot loop; the message still counts: 1 question of type A, 2 answers of type A.
    @Test func dnsCompressionPointerLoop() {
        var m = be16(0x1234) + [0x81, 0x80] + be16(1) + be16(2) + be16(0) + be16(0)
        m += [0xC0, 0x0C] + be16(1) + be16(1)                             // question: name = pointer to itself
        let second = m.count
        m += [0xC0, UInt8(second + 16)] + be16(1) + be16(1) + be32(60) + be16(4) + v4("192.0.2.1")   // -> next record's name
        m += [0xC0, UInt8(second)] + be16(1) + be16(1) + be32(60) + be16(4) + v4("192.0.2.2")        // -> previous one
        #expect(m.count == second + 32)
        let packet = decode(Build.ethernet(0x0800, Build.ipv4("192.0.2.53", "192.0.2.10", proto: 17, Build.udp(53, 40000, m))))
        #expect(packet.dns?.isResponse == true)
        #expect(packet.dns?.asksA == true)
        #expect(packet.dns?.answersA == 2)
        #expect(!packet.has(.dnsMalformed))
    }

    /// A DNS name of 200 one-octet labels ("a.a.a...") is over the 255-octet limit of RFC 1035
    /// section 2.3.4 after 127 labels: the walk is bounded and reports the message malformed
    /// rather than scanning on.
    @Test func dnsNameWithTooManyLabels() {
        var name: [UInt8] = []
        for _ in 0..<200 { name += [1, 0x61] }
        let m = be16(1) + [0x01, 0x00] + be16(1) + be16(0) + be16(0) + be16(0) + name + [0] + be16(1) + be16(1)
        let packet = decode(Build.ethernet(0x0800, Build.ipv4("192.0.2.10", "192.0.2.53", proto: 17, Build.udp(40000, 53, m))))
        #expect(packet.has(.dnsMalformed))
        #expect(packet.dns == nil || packet.dns?.asksA == false)
    }

    /// DNS names carrying control characters and an ANSI escape (ESC [ 2 J clears a terminal):
    /// the decoder keeps no name text (only types and counts), so nothing hostile can reach a
    /// renderer from here; the query is still counted as an A question.
    @Test func dnsNameWithControlCharactersIsCountedNotKept() {
        let label: [UInt8] = [0x1B, 0x5B, 0x32, 0x4A, 0x07, 0x0A, 0x3C, 0x62, 0x3E]   // ESC[2J BEL LF <b>
        let m = be16(7) + [0x01, 0x00] + be16(1) + be16(0) + be16(0) + be16(0)
            + [UInt8(label.count)] + label + [0] + be16(1) + be16(1)
        let packet = decode(Build.ethernet(0x0800, Build.ipv4("192.0.2.10", "192.0.2.53", proto: 17, Build.udp(40000, 53, m))))
        #expect(packet.dns?.asksA == true)
        #expect(!packet.has(.dnsMalformed))
    }
}
