import TestSupport
import CaptureCore
import Testing
@testable import PacketDecoding

// Every encapsulation: the inner IPLayer records the mechanism directly outside it.

@Suite struct TunnelTests {
    static let innerSyn6 = Build.ipv6("2001:db8:1::1", "2001:db8:2::2", next: 6, Build.tcp(50000, 443, flags: 0x02))

    @Test func sixInFourPlain() {
        let p = decode(Build.ipv4("192.0.2.1", "198.51.100.1", proto: 41, Self.innerSyn6), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[0].tunnel == nil && p.ipLayers[1].tunnel == .sixInFour)
        #expect(p.transport?.isSYN == true && p.transport?.ipLayerIndex == 1)
        #expect(p.outermost?.family == .v4 && p.innermost?.family == .v6)
    }

    @Test func sixToFourFromInnerAddress() {
        // 2002:c000:0201::1 embeds 192.0.2.1 (RFC 3056).
        let inner = Build.ipv6("2002:c000:201::1", "2001:db8::2", next: 59, [])
        let p = decode(Build.ipv4("192.0.2.1", "192.88.99.1", proto: 41, inner), .raw)
        #expect(p.ipLayers[1].tunnel == .sixToFour)
    }

    @Test(arguments: ["fe80::5efe:c000:201", "2001:db8::200:5efe:c000:201"])
    func isatapFromInterfaceIdentifier(source: String) {
        let inner = Build.ipv6(source, "fe80::5efe:c000:202", next: 59, [])
        let p = decode(Build.ipv4("192.0.2.1", "192.0.2.2", proto: 41, inner), .raw)
        #expect(p.ipLayers[1].tunnel == .isatap)
    }

    @Test func sixInSixAndFourInSixAndFourInFour() {
        let p66 = decode(Build.ipv6("2001:db8::a", "2001:db8::b", next: 41, Self.innerSyn6), .raw)
        #expect(p66.ipLayers[1].tunnel == .ipv6InIPv6)
        // DS-Lite (RFC 6333): IPv4 in IPv6, next header 4.
        let inner4 = Build.ipv4("192.168.0.10", "203.0.113.5", proto: 6, Build.tcp(40000, 80, flags: 0x02))
        let p46 = decode(Build.ipv6("2001:db8::b4", "2001:db8::af", next: 4, inner4), .raw)
        #expect(p46.ipLayers[1].tunnel == .ipv4InIPv6 && p46.transport?.ipLayerIndex == 1)
        let p44 = decode(Build.ipv4("192.0.2.1", "192.0.2.2", proto: 4, inner4), .raw)
        #expect(p44.ipLayers[1].tunnel == .ipv4InIPv4)
    }

    /// Ethernet / IPv4 / UDP 3544 / Teredo origin indication / IPv6 bubble, as hex, hand-decoded:
    /// IPv4 total length 0x4c = 76 (20 + UDP 8 + origin 8 + IPv6 40), protocol 0x11,
    /// 65.55.227.120 (41 37 e3 78) -> 192.0.2.10 (c0 00 02 0a);
    /// UDP 0x0dd8 = 3544 -> 0xc350 = 50000, length 0x38 = 56;
    /// origin indication 00 00, port 0xc350 ^ 0xffff = 3c af, address 192.0.2.10 ^ 0xffffffff = 3f ff fd f5;
    /// IPv6 payload length 0, next header 0x3b (59), 2001:0:4137:e378:8000:3caf:3fff:fdf5 -> fe80::1
    /// (RFC 4380 section 4: server 65.55.227.120, flags 0x8000, obfuscated port and address).
    static let teredoOriginBubble = hex("""
        00 11 22 33 44 55 66 77 88 99 aa bb 08 00
        45 00 00 4c 00 01 00 00 80 11 00 00 41 37 e3 78 c0 00 02 0a
        0d d8 c3 50 00 38 00 00
        00 00 3c af 3f ff fd f5
        60 00 00 00 00 00 3b ff
        20 01 00 00 41 37 e3 78 80 00 3c af 3f ff fd f5
        fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01
        """)

    @Test func teredoOriginIndicationBubbleHexVector() {
        let p = decode(Self.teredoOriginBubble)
        #expect(p.ipLayers.count == 2 && !p.truncated && p.anomalies == 0)
        #expect(p.ipLayers[0] == IPLayer(family: .v4, source: addr("65.55.227.120"), destination: addr("192.0.2.10"),
                                         upperProtocol: 17, datagramLength: 76).at(offset: 14))
        // Ethernet 14 + IPv4 20 + UDP 8 + origin indication 8: the IPv6 header starts at 50.
        #expect(p.ipLayers[1] == IPLayer(family: .v6, source: addr("2001:0:4137:e378:8000:3caf:3fff:fdf5"),
                                         destination: addr("fe80::1"), upperProtocol: 59, datagramLength: 40,
                                         tunnel: .teredo).at(offset: 50))
        // UDP payload (the Teredo packet) at 14 + 20 + 8 = 42, 76 - 28 = 48 bytes.
        #expect(p.transport == TransportLayer(protocolNumber: 17, sourcePort: 3544, destinationPort: 50000,
                                              tcpFlags: 0, ipLayerIndex: 0).with(payloadAt: 42, captured: 48, length: 48))
    }

    @Test func teredoPlainBubble() {
        // A bubble: IPv6 with next header 59 and payload length 0, on UDP 3544.
        let bubble = Build.ipv6("2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:4136:e378::1", next: 59, [])
        let p = decode(Build.ipv4("192.0.2.10", "65.54.227.120", proto: 17, Build.udp(49152, 3544, bubble)), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].tunnel == .teredo && p.ipLayers[1].upperProtocol == 59)
        #expect(p.transport?.destinationPort == 3544 && p.outerTransport == p.transport)
    }

    @Test func teredoWithAuthenticationAndOriginIndication() {
        // Auth: 00 01, ID-len 2, AU-len 3, id "ab", au 3 octets, nonce 8, confirmation 1 = 18 octets.
        // Origin: 00 00, port ^ 0xffff, address ^ 0xffffffff = 8 octets.
        let auth: [UInt8] = [0, 1, 2, 3, 0x61, 0x62, 1, 2, 3] + [UInt8](repeating: 7, count: 8) + [0]
        let origin: [UInt8] = [0, 0, 0xff, 0xfe, 0x3f, 0x57, 0xfe, 0xfe]
        let inner = Build.ipv6("2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1", next: 6, Build.tcp(80, 3000, flags: 0x12))
        let p = decode(Build.ipv4("65.54.227.120", "192.0.2.10", proto: 17, Build.udp(3544, 40000, auth + origin + inner)), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].tunnel == .teredo)
        #expect(p.transport?.isSYNACK == true && p.transport?.ipLayerIndex == 1 && p.outerTransport?.sourcePort == 3544)
    }

    @Test func teredoPortWithoutIPv6IsPlainUDP() {
        let p = decode(Build.ipv4("192.0.2.10", "192.0.2.11", proto: 17, Build.udp(3544, 5000, [0x45, 1, 2, 3])), .raw)
        #expect(p.ipLayers.count == 1 && p.transport?.protocolNumber == 17)
    }

    @Test func teredoPayloadLengthMustFitDatagram() {
        // The IPv6 header claims 100 octets of payload but the datagram holds 40 + 0.
        let inner = Build.ipv6("2001::1", "2001::2", next: 59, [], payloadLength: 100)
        let p = decode(Build.ipv4("192.0.2.10", "192.0.2.11", proto: 17, Build.udp(3544, 5000, inner)), .raw)
        #expect(p.ipLayers.count == 1)
    }

    @Test func teredoOnOtherPortIsNotDecoded() {
        let bubble = Build.ipv6("2001::1", "2001::2", next: 59, [])
        // Off 3544, only strict content counts (DecoderOptions.teredoByContent): a Teredo-prefix
        // address and an IPv6 payload length that fills the UDP payload. Without the option, or
        // without a 2001::/32 address, the datagram is plain UDP.
        let portOnly = DecoderOptions()   // the default: port 3544 only
        #expect(portOnly.teredoByContent == false)
        let p = decode(Build.ipv4("192.0.2.10", "192.0.2.11", proto: 17, Build.udp(3797, 32900, bubble)), .raw, options: portOnly)
        #expect(p.ipLayers.count == 1)
        var content = DecoderOptions()
        content.teredoByContent = true
        let byContent = decode(Build.ipv4("192.0.2.10", "192.0.2.11", proto: 17, Build.udp(3797, 32900, bubble)), .raw, options: content)
        #expect(byContent.ipLayers.count == 2 && byContent.ipLayers[1].tunnel == .teredo)
        let notTeredo = Build.ipv6("2001:db8::1", "2001:db8::2", next: 59, [])
        #expect(decode(Build.ipv4("192.0.2.10", "192.0.2.11", proto: 17, Build.udp(3797, 32900, notTeredo)), .raw, options: content).ipLayers.count == 1)
        let padded = bubble + [0, 0]   // payload length no longer fills the datagram
        #expect(decode(Build.ipv4("192.0.2.10", "192.0.2.11", proto: 17, Build.udp(3797, 32900, padded)), .raw, options: content).ipLayers.count == 1)
        var options = portOnly
        options.teredoPort = 3797
        #expect(decode(Build.ipv4("192.0.2.10", "192.0.2.11", proto: 17, Build.udp(3797, 32900, bubble)), .raw,
                       options: options).ipLayers.count == 2)
    }

    @Test func greVersion0WithKeyAndSequenceCarryingIPv6() {
        // Flags K|S = 0x3000, protocol 0x86DD, key, sequence.
        let gre: [UInt8] = be16(0x3000) + be16(0x86DD) + be32(42) + be32(1) + Self.innerSyn6
        let p = decode(Build.ipv4("192.0.2.1", "192.0.2.2", proto: 47, gre), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].tunnel == .gre && p.transport?.isSYN == true)
    }

    @Test func greChecksumPresent() {
        let gre: [UInt8] = be16(0x8000) + be16(0x0800) + [0, 0, 0, 0] + Build.ipv4("10.0.0.1", "10.0.0.2", proto: 59, [])
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 47, gre), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].family == .v4 && p.ipLayers[1].tunnel == .gre)
    }

    @Test func enhancedGREv1WithPPPCarryingIPv4DNS() {
        // RFC 2637: flags K|S|A + version 1 = 0x3081, protocol 0x880B, payload length, call ID,
        // sequence, ack; PPP ff 03 00 21 then IPv4/UDP/DNS asking A.
        let ip = Build.ipv4("172.16.0.2", "172.16.0.1", proto: 17, Build.udp(1025, 53, Build.dnsQuery(id: 77, qtypes: [1])))
        let ppp: [UInt8] = [0xff, 0x03, 0x00, 0x21] + ip
        let gre: [UInt8] = be16(0x3081) + be16(0x880B) + be16(ppp.count) + be16(7) + be32(5) + be32(4) + ppp
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 47, gre), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].tunnel == .gre && p.dns?.asksA == true)
        #expect(p.dns?.transactionID == 77)
    }

    @Test func greTransparentEthernetBridging() {
        let frame = Build.ethernet(0x0800, Build.ipv4("10.9.0.1", "10.9.0.2", proto: 59, []))
        let gre: [UInt8] = be16(0) + be16(0x6558) + frame
        let p = decode(Build.ethernet(0x0800, Build.ipv4("192.0.2.1", "192.0.2.2", proto: 47, gre)))
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].tunnel == .gre && p.etherType == 0x0800)
    }

    @Test func ayiyaForwardIPv6() {
        // IDLen 4 (16 octets), IDType 1; SigLen 5 (20 octets), hash 2; auth 2, opcode 1; next 41.
        let header: [UInt8] = [0x41, 0x52, 0x21, 41] + be32(1_700_000_000) + [UInt8](repeating: 0xEE, count: 36)
        let p = decode(Build.ipv4("192.0.2.1", "192.0.2.2", proto: 17, Build.udp(5072, 5072, header + Self.innerSyn6)), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].tunnel == .ayiya && p.transport?.isSYN == true)
    }

    @Test func gtpUWithExtensionHeaderCarryingIPv6() {
        // Flags 0x34 (v1, PT, E), G-PDU, length, TEID; seq 0, N-PDU 0, next ext 0x85 (PDU session
        // container): length 1 (4 octets) = [1, 0x09, 0x01, next 0].
        let ext: [UInt8] = [1, 0x09, 0x01, 0]
        let rest: [UInt8] = [0, 0, 0, 0x85] + ext + Self.innerSyn6
        let gtp: [UInt8] = [0x34, 0xFF] + be16(rest.count) + be32(0x1234_5678) + rest
        let p = decode(Build.ipv4("10.0.0.1", "10.0.0.2", proto: 17, Build.udp(2152, 2152, gtp)), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].tunnel == .gtpU && p.transport?.destinationPort == 443)
    }

    @Test func gtpUExtensionLengthZeroIsAnomaly() {
        let rest: [UInt8] = [0, 0, 0, 0x85, 0, 0, 0, 0] + Self.innerSyn6
        let gtp: [UInt8] = [0x34, 0xFF] + be16(rest.count) + be32(1) + rest
        let p = decode(Build.ipv4("10.0.0.1", "10.0.0.2", proto: 17, Build.udp(2152, 2152, gtp)), .raw)
        #expect(p.has(.gtpUBadExtensionHeader) && p.ipLayers.count == 1)
    }

    @Test func vxlanInnerEthernetIPv4() {
        let frame = Build.ethernet(0x0800, Build.ipv4("10.8.0.1", "10.8.0.2", proto: 6, Build.tcp(1, 2, flags: 2)))
        let vx: [UInt8] = [0x08, 0, 0, 0, 0, 0, 0x64, 0] + frame
        let p = decode(Build.ipv4("192.0.2.1", "192.0.2.2", proto: 17, Build.udp(49000, 4789, vx)), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].tunnel == .vxlan && p.transport?.protocolNumber == 6)
        #expect(p.outerTransport?.destinationPort == 4789)
    }

    @Test func geneveWithOptionCarryingEthernet() {
        // Opt len 2 (8 octets of options), protocol 0x6558.
        let frame = Build.ethernet(0x86DD, Self.innerSyn6)
        let gen: [UInt8] = [0x02, 0, 0x65, 0x58, 0, 0, 1, 0] + [0, 0x80, 1, 1, 0, 0, 0, 0] + frame
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 17, Build.udp(50000, 6081, gen)), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].tunnel == .geneve && p.transport?.isSYN == true)
    }

    @Test func tunnelDepthLimit() {
        // 10 nested IPv6-in-IPv6 headers with the default limit 8.
        var pkt = Build.ipv6("2001:db8::1", "2001:db8::2", next: 59, [])
        for _ in 0..<10 { pkt = Build.ipv6("2001:db8::1", "2001:db8::2", next: 41, pkt) }
        let p = decode(pkt, .raw)
        #expect(p.has(.tunnelDepthExceeded) && p.ipLayers.count == 9)
    }
}
