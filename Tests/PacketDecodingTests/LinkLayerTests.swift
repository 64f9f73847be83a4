import TestSupport
import CaptureCore
import Testing
@testable import PacketDecoding

// Link types: every LINKTYPE the decoder handles, with hand-built headers.

@Suite struct LinkLayerTests {
    /// Ethernet II / IPv4 / TCP SYN as hex, hand-decoded:
    /// dst 00:11:22:33:44:55, src 66:77:88:99:aa:bb, EtherType 0x0800;
    /// IPv4 IHL 5, total length 0x28 = 40, DF, TTL 64, protocol 6, 192.168.1.10 -> 93.184.216.34;
    /// TCP 0xc350 = 50000 -> 80, data offset 5, flags 0x02 (SYN); then 6 octets of Ethernet padding.
    static let ethernetIPv4TCPSyn = hex("""
        00 11 22 33 44 55 66 77 88 99 aa bb 08 00
        45 00 00 28 12 34 40 00 40 06 00 00 c0 a8 01 0a 5d b8 d8 22
        c3 50 00 50 00 00 00 01 00 00 00 00 50 02 ff ff 00 00 00 00
        00 00 00 00 00 00
        """)

    @Test func ethernetIPv4TCPSynWithPadding() {
        let p = decode(Self.ethernetIPv4TCPSyn)
        #expect(p.linkDecoded && p.etherType == 0x0800 && !p.truncated && p.anomalies == 0)
        #expect(p.ipLayers.count == 1)
        #expect(p.ipLayers[0] == IPLayer(family: .v4, source: addr("192.168.1.10"), destination: addr("93.184.216.34"),
                                         upperProtocol: 6, datagramLength: 40).at(offset: 14))
        // Ethernet 14 + IPv4 20 + TCP 20: the (empty) payload starts at 54; seq 1, window 65535.
        #expect(p.transport == TransportLayer(protocolNumber: 6, sourcePort: 50000, destinationPort: 80,
                                              tcpFlags: 0x02, ipLayerIndex: 0).with(seq: 1, window: 65535, payloadAt: 54, captured: 0, length: 0))
        #expect(p.transport?.isSYN == true && p.transport?.isSYNACK == false)
    }

    @Test func ethernetArpIsDecodedWithoutIP() {
        let p = decode(Build.ethernet(0x0806, [UInt8](repeating: 0, count: 28)))
        #expect(p.linkDecoded && p.etherType == 0x0806 && p.ipLayers.isEmpty)
    }

    @Test func ethernetUnknownEtherTypeIsUndecoded() {
        let p = decode(Build.ethernet(0x1234, [1, 2, 3]))
        #expect(!p.linkDecoded && p.etherType == 0x1234 && p.has(.unknownLinkPayload))
    }

    @Test func ethernet8023LLCIsKnownNonIP() {
        // 802.3 length 3, LLC 42 42 03 (spanning tree).
        let p = decode(Build.ethernet(3, [0x42, 0x42, 0x03]))
        #expect(p.linkDecoded && p.ipLayers.isEmpty)
    }

    @Test func ethernet8023SNAPCarriesIPv6() {
        let ip = Build.ipv6("fe80::1", "ff02::1", next: 59, [])
        let llc: [UInt8] = [0xAA, 0xAA, 0x03, 0, 0, 0] + be16(0x86DD) + ip
        let p = decode(Build.ethernet(llc.count, llc))
        #expect(p.ipLayers.count == 1 && p.ipLayers[0].family == .v6 && p.ipLayers[0].upperProtocol == 59)
    }

    @Test func vlanTagThen8023LengthWithCiscoSNAP() {
        // As vlan_8021q_packets.pcap frame 20: tag, then length 0x0165 and LLC AA AA 03 with
        // OUI 00-00-0C protocol 0x2000 (CDP): a known non-IP payload, not EtherType 0x2000.
        let snap: [UInt8] = [0xAA, 0xAA, 0x03, 0x00, 0x00, 0x0C, 0x20, 0x00, 2, 180]
        let p = decode(Build.ethernet(0x8100, Build.vlan(118, snap.count, snap)))
        #expect(p.linkDecoded && p.vlanTags == 1 && p.ipLayers.isEmpty && p.anomalies == 0)
    }

    @Test func vlan8021QThenIPv6() {
        let ip = Build.ipv6("2001:db8::1", "2001:db8::2", next: 59, [])
        let p = decode(Build.ethernet(0x8100, Build.vlan(100, 0x86DD, ip)))
        #expect(p.vlanTags == 1 && p.etherType == 0x86DD && p.ipLayers.count == 1)
        #expect(p.ipLayers[0].destination == addr("2001:db8::2"))
    }

    @Test func qinq8021adOuterTagThen8021QInnerTag() {
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 17, Build.udp(1000, 2000, [1]))
        let p = decode(Build.ethernet(0x88A8, Build.vlan(10, 0x8100, Build.vlan(20, 0x0800, ip))))
        #expect(p.vlanTags == 2 && p.ipLayers.count == 1 && p.transport?.destinationPort == 2000)
    }

    @Test func vlanStackBeyondLimitStops() {
        // 9 stacked tags with the default limit of 8.
        var payload = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 59, [])
        payload = Build.vlan(9, 0x0800, payload)
        for _ in 0..<8 { payload = Build.vlan(1, 0x8100, payload) }
        let p = decode(Build.ethernet(0x8100, payload))
        #expect(p.has(.vlanStackTooDeep) && p.ipLayers.isEmpty)
    }

    @Test func deeplyNestedSNAPIsBoundedNotRecursedWithoutEnd() {
        // 5000 SNAP headers, each announcing another 802.3/SNAP frame via EtherType... the
        // innermost is IPv4. Each level costs 8 octets, so only the nesting limit stops it.
        var payload = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 59, [])
        var type = 0x0800
        for _ in 0..<5000 {
            payload = [0xAA, 0xAA, 0x03, 0, 0, 0] + be16(type) + payload
            type = min(payload.count, 1500)
        }
        let p = decode(Build.ethernet(type, payload))
        #expect(p.has(.linkNestingTooDeep) && p.ipLayers.isEmpty)
    }

    @Test func ethernetInEthernetVia6558IsBounded() {
        var frame = Build.ethernet(0x0800, Build.ipv4("10.0.0.1", "10.0.0.2", proto: 59, []))
        for _ in 0..<3000 { frame = Build.ethernet(0x6558, frame) }
        let p = decode(frame)
        #expect(p.has(.linkNestingTooDeep) && p.ipLayers.isEmpty)
        // Within the limit (3 levels) the inner IPv4 is found.
        var shallow = Build.ethernet(0x0800, Build.ipv4("10.0.0.1", "10.0.0.2", proto: 59, []))
        for _ in 0..<3 { shallow = Build.ethernet(0x6558, shallow) }
        #expect(decode(shallow).ipLayers.count == 1)
    }

    @Test func mplsTwoLabelsThenIPv4GuessedFromNibble() {
        // Label 16, S=0, TTL 64: 0x00010040; label 17, S=1: 0x00011140.
        let ip = Build.ipv4("198.51.100.1", "198.51.100.2", proto: 1, [8, 0, 0, 0, 0, 0, 0, 0])
        let p = decode(Build.ethernet(0x8847, be32(0x0001_0040) + be32(0x0001_1140) + ip))
        #expect(p.mplsLabels == 2 && p.linkDecoded && p.ipLayers.count == 1)
        #expect(p.icmpType == 8 && p.icmpFamily == .v4)
    }

    @Test func mplsMulticastThenIPv6() {
        let ip = Build.ipv6("2001:db8::1", "ff0e::1", next: 59, [])
        let p = decode(Build.ethernet(0x8848, be32(0x0001_0140) + ip))
        #expect(p.mplsLabels == 1 && p.ipLayers.first?.family == .v6)
    }

    @Test func mplsControlWordPayloadIsNotGuessed() {
        let p = decode(Build.ethernet(0x8847, be32(0x0001_0140) + [0, 0, 0, 0] + Build.ethernet(0x0800, [])))
        #expect(p.has(.mplsUnknownPayload) && !p.linkDecoded && p.ipLayers.isEmpty)
    }

    @Test func pppoeSessionIPv4StopsAtPPPoELength() {
        // PPPoE length counts the 2-octet PPP protocol plus the IPv4 datagram.
        let ip = Build.ipv4("100.64.0.1", "8.8.8.8", proto: 17, Build.udp(5353, 53, Build.dnsQuery(id: 7, qtypes: [1])))
        let pppoe: [UInt8] = [0x11, 0x00] + be16(0x1234) + be16(ip.count + 2) + be16(0x0021) + ip
        let p = decode(Build.ethernet(0x8864, pppoe + [0xEE, 0xEE]))
        #expect(p.pppoe && p.etherType == 0x8864 && p.ipLayers.count == 1 && p.ipLayers[0].family == .v4)
        #expect(p.dns?.asksA == true && !p.has(.dnsMalformed))
    }

    @Test func pppoeSessionIPv6OverQinQ() {
        let ip = Build.ipv6("2001:db8::1", "2001:db8::2", next: 6, Build.tcp(443, 5000, flags: 0x12))
        let pppoe: [UInt8] = [0x11, 0x00] + be16(1) + be16(ip.count + 2) + be16(0x0057) + ip
        let p = decode(Build.ethernet(0x88A8, Build.vlan(1, 0x8100, Build.vlan(2, 0x8864, pppoe))))
        #expect(p.pppoe && p.vlanTags == 2 && p.transport?.isSYNACK == true)
        #expect(p.transport?.ipLayerIndex == 0 && p.ipLayers[0].family == .v6)
    }

    @Test func pppoeSessionLCPIsDecodedNonIP() {
        let pppoe: [UInt8] = [0x11, 0x00] + be16(1) + be16(6) + be16(0xC021) + [1, 1, 0, 4]
        let p = decode(Build.ethernet(0x8864, pppoe))
        #expect(p.linkDecoded && p.pppoe && p.ipLayers.isEmpty)
    }

    @Test func nullLittleEndianAFInet() {
        let ip = Build.ipv4("127.0.0.1", "127.0.0.1", proto: 59, [])
        let p = decode([2, 0, 0, 0] + ip, .null)
        #expect(p.linkDecoded && p.etherType == 0x0800 && p.ipLayers.count == 1)
    }

    @Test(arguments: [10, 24, 28, 30])
    func nullBigEndianAFInet6Values(af: Int) {
        // Written by a big-endian host: 00 00 00 af.
        let ip = Build.ipv6("::1", "::1", next: 59, [])
        let p = decode([0, 0, 0, UInt8(af)] + ip, .null)
        #expect(p.linkDecoded && p.ipLayers.first?.family == .v6)
    }

    @Test func nullHeaderAbove1500IsAnEtherType() {
        // AUDIT.md, null_loopback_v4_v6.pcap frame 3: 0f 00 08 00 is read as EtherType 0x0800.
        let ip = Build.ipv4("10.0.0.138", "10.0.0.1", proto: 59, [])
        let p = decode([0x0f, 0x00, 0x08, 0x00] + ip, .null)
        #expect(p.linkDecoded && p.ipLayers.first?.source == addr("10.0.0.138"))
    }

    @Test func nullUnknownFamilyIsUndecoded() {
        let p = decode([7, 0, 0, 0, 0x45], .null)
        #expect(!p.linkDecoded && p.ipLayers.isEmpty && p.has(.unknownLinkPayload))
    }

    @Test func loopNetworkOrderAFInet6() {
        let ip = Build.ipv6("::1", "::1", next: 59, [])
        let p = decode([0, 0, 0, 24] + ip, .loop)
        #expect(p.linkDecoded && p.ipLayers.first?.family == .v6)
    }

    @Test func rawVersionNibbleDecides() {
        let ip4 = Build.ipv4("192.0.2.1", "192.0.2.2", proto: 59, [])
        let ip6 = Build.ipv6("2001:db8::1", "2001:db8::2", next: 59, [])
        #expect(decode(ip4, .raw).ipLayers.first?.family == .v4)
        #expect(decode(ip6, .raw).ipLayers.first?.family == .v6)
        #expect(decode(ip6, .raw).anomalies == 0)
    }

    @Test func linktypeIPv4CarryingIPv6FollowsNibble() {
        // AUDIT.md malformed_linktype_ipv4_has_ipv6.pcap: IPv6 only, no IPv4 layer.
        let ip6 = Build.ipv6("2001:db8::1", "2620:fe::9", next: 59, [])
        let p = decode(ip6, .ipv4)
        #expect(p.ipLayers.count == 1 && p.ipLayers[0].family == .v6 && p.has(.ipVersionMismatch))
    }

    @Test func linktypeIPv6CarryingIPv4FollowsNibble() {
        // AUDIT.md malformed_linktype_ipv6_invalid.pcap: a valid IPv4 DNS query A example.com.
        let ip4 = Build.ipv4("192.168.1.100", "9.9.9.9", proto: 17, Build.udp(12345, 53, Build.dnsQuery(id: 1, qtypes: [1])))
        let p = decode(ip4, .ipv6)
        #expect(p.ipLayers.first?.family == .v4 && p.dns?.asksA == true && p.has(.ipVersionMismatch))
    }

    @Test func rawBadVersionIsNoIPLayer() {
        let p = decode([0x00] + [UInt8](repeating: 0, count: 39), .raw)
        #expect(p.ipLayers.isEmpty && p.has(.ipBadVersion) && !p.linkDecoded)
    }

    @Test func linuxSLLProtocolAt14() {
        let ip = Build.ipv6("2001:db8::1", "2001:db8::2", next: 17, Build.udp(1, 2, []))
        let sll: [UInt8] = be16(0) + be16(1) + be16(6) + Build.macA + [0, 0] + be16(0x86DD)
        let p = decode(sll + ip, .linuxSLL)
        #expect(p.linkDecoded && p.etherType == 0x86DD && p.transport?.protocolNumber == 17)
    }

    @Test func linuxSLLNonEtherTypeProtocolIsKnownNonIP() {
        let sll: [UInt8] = be16(0) + be16(1) + be16(6) + Build.macA + [0, 0] + be16(0x0004)
        let p = decode(sll + [0x42, 0x42, 0x03], .linuxSLL)
        #expect(p.linkDecoded && p.ipLayers.isEmpty)
    }

    @Test func linuxSLL2ProtocolAt0() {
        let ip = Build.ipv4("10.1.1.1", "10.1.1.2", proto: 6, Build.tcp(1, 2, flags: 0x02))
        let sll2: [UInt8] = be16(0x0800) + [0, 0] + be32(3) + be16(1) + [4, 6] + Build.macA + [0, 0]
        let p = decode(sll2 + ip, .linuxSLL2)
        #expect(p.linkDecoded && p.ipLayers.first?.family == .v4 && p.transport?.isSYN == true)
    }

    @Test func pppWithAndWithoutAddressControl() {
        let ip6 = Build.ipv6("2001:db8::1", "2001:db8::2", next: 59, [])
        let ip4 = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 59, [])
        #expect(decode([0xff, 0x03, 0x00, 0x57] + ip6, .ppp).ipLayers.first?.family == .v6)
        #expect(decode([0x00, 0x21] + ip4, .ppp).ipLayers.first?.family == .v4)
        // Protocol-field compression: a single odd octet 0x21.
        #expect(decode([0x21] + ip4, .pppHDLC).ipLayers.first?.family == .v4)
        #expect(decode([0xff, 0x03, 0x00, 0x21] + ip4, .pppHDLC).linkDecoded)
    }

    @Test func unknownLinkTypeIsUndecoded() {
        let p = decode([1, 2, 3, 4], .unknown(147))
        #expect(!p.linkDecoded && p.ipLayers.isEmpty && p.has(.unknownLinkPayload))
    }

    @Test func ethernetHeaderCutIsTruncated() {
        let p = decode(Array(Self.ethernetIPv4TCPSyn[0..<10]), originalLength: 60)
        #expect(p.truncated && p.has(.linkHeaderTruncated) && !p.linkDecoded)
    }
}
