import CaptureCore
import TestSupport
import Testing
@testable import PacketDecoding

/// Every hand-built packet of the suites, with its link type.
enum Corpus {
    static var all: [(String, [UInt8], LinkType)] {
        let syn6 = TunnelTests.innerSyn6
        let teredo = Build.ipv4("192.0.2.10", "65.54.227.120", proto: 17, Build.udp(49152, 3544,
            [0, 1, 2, 3, 0x61, 0x62, 1, 2, 3] + [UInt8](repeating: 7, count: 8) + [0] + [0, 0, 0xff, 0xfe, 0x3f, 0x57, 0xfe, 0xfe] + syn6))
        let gtp: [UInt8] = {
            let rest: [UInt8] = [0, 0, 0, 0x85, 1, 0x09, 0x01, 0] + syn6
            return [0x34, 0xFF] + be16(rest.count) + be32(1) + rest
        }()
        let pppoe: [UInt8] = {
            let ip = Build.ipv6("2001:db8::1", "2001:db8::2", next: 6, Build.tcp(443, 5000, flags: 0x12))
            return [0x11, 0x00] + be16(1) + be16(ip.count + 2) + be16(0x0057) + ip
        }()
        let hbh = Build.extensionHeader(next: 43, [1, 4, 0, 0, 0, 0])
        let rt = Build.extensionHeader(next: 44, [4, 0, 0, 0, 0, 0])
        let frag = Build.fragmentHeader(next: 51, offset: 0, more: true)
        let ah: [UInt8] = [17, 1, 0, 0] + be32(1) + be32(1)
        let quoted = Build.ipv4("10.0.0.2", "10.0.0.1", proto: 17, Build.udp(5000, 53, Build.dnsQuery(id: 9, qtypes: [1])))
        let ra: [UInt8] = [134, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + [38, 2] + be16(600 << 3) + [UInt8](repeating: 0x11, count: 12)
        let vx: [UInt8] = [0x08, 0, 0, 0, 0, 0, 0x64, 0] + Build.ethernet(0x8100, Build.vlan(5, 0x0800,
            Build.ipv4("10.8.0.1", "10.8.0.2", proto: 6, Build.tcp(1, 53, flags: 0x18, be16(29) + Build.dnsQuery(id: 1, qtypes: [1])))))
        let gre: [UInt8] = be16(0x3081) + be16(0x880B) + be16(24) + be16(7) + be32(5) + be32(4) + [0xff, 0x03, 0x00, 0x21]
            + Build.ipv4("172.16.0.2", "172.16.0.1", proto: 59, [])
        let geneve: [UInt8] = [0x01, 0, 0x86, 0xDD, 0, 0, 1, 0, 1, 2, 3, 4] + syn6
        return [
            ("ethernet_ipv4_tcp_syn", LinkLayerTests.ethernetIPv4TCPSyn, .ethernet),
            ("teredo_origin_bubble_hex", TunnelTests.teredoOriginBubble, .ethernet),
            ("raw_ipv6_dns_aaaa_hex", TransportAndDNSTests.rawIPv6DNSQueryAAAA, .raw),
            ("qinq_pppoe_ipv6", Build.ethernet(0x88A8, Build.vlan(1, 0x8100, Build.vlan(2, 0x8864, pppoe))), .ethernet),
            ("mpls_ipv6", Build.ethernet(0x8847, be32(0x0001_0040) + be32(0x0001_1140) + syn6), .ethernet),
            ("null_ipv6", [30, 0, 0, 0] + syn6, .null),
            ("loop_ipv6", [0, 0, 0, 24] + syn6, .loop),
            ("sll", be16(0) + be16(1) + be16(6) + Build.macA + [0, 0] + be16(0x86DD) + syn6, .linuxSLL),
            ("sll2", be16(0x86DD) + [0, 0] + be32(3) + be16(1) + [4, 6] + Build.macA + [0, 0] + syn6, .linuxSLL2),
            ("ppp", [0xff, 0x03, 0x00, 0x57] + syn6, .ppp),
            ("ipv6_ext_chain_ah_udp_dns", Build.ipv6("2001:db8::1", "2001:db8::53", next: 0,
                hbh + rt + frag + ah + Build.udp(1000, 53, Build.dnsQuery(id: 4, qtypes: [28]))), .raw),
            ("icmpv4_unreachable_quote", Build.ipv4("10.0.0.1", "10.0.0.2", proto: 1, [3, 3, 0, 0, 0, 0, 0, 0] + quoted), .ipv4),
            ("icmpv6_ra_pref64", Build.ipv6("fe80::1", "ff02::1", next: 58, ra), .ipv6),
            ("sixtofour", Build.ipv4("192.0.2.1", "192.88.99.1", proto: 41, Build.ipv6("2002:c000:201::1", "2001:db8::2", next: 6, Build.tcp(1, 2, flags: 2))), .raw),
            ("teredo_auth_origin", teredo, .raw),
            ("gtp_u", Build.ipv4("10.0.0.1", "10.0.0.2", proto: 17, Build.udp(2152, 2152, gtp)), .raw),
            ("vxlan_vlan_dns_tcp", Build.ipv4("192.0.2.1", "192.0.2.2", proto: 17, Build.udp(49000, 4789, vx)), .raw),
            ("gre_v1_ppp", Build.ipv6("2001:db8::1", "2001:db8::2", next: 47, gre), .raw),
            ("geneve_ipv6", Build.ipv4("192.0.2.1", "192.0.2.2", proto: 17, Build.udp(1, 6081, geneve)), .raw),
            ("dns_response", Build.ipv4("192.0.2.53", "192.0.2.1", proto: 17, Build.udp(53, 40000, Build.dnsResponse(id: 2, qtype: 28, answers: [5, 28, 1]))), .raw),
        ]
    }
}

@Suite struct RobustnessTests {
    @Test func corpusDecodesWholeWithoutTruncation() {
        for (name, bytes, link) in Corpus.all {
            let p = decode(bytes, link)
            #expect(!p.truncated && p.linkDecoded && !p.ipLayers.isEmpty, "\(name)")
        }
    }

    /// Every proper prefix of every test packet, as a snaplen cut, decodes without a trap and
    /// reports truncation whenever the cut falls inside a header the full packet decoded.
    @Test func truncationSweep() {
        for (name, bytes, link) in Corpus.all {
            let full = decode(bytes, link)
            for n in 0..<bytes.count {
                let p = decode(Array(bytes[0..<n]), link, originalLength: bytes.count)
                // A cut never yields more IP layers than the whole packet has.
                #expect(p.ipLayers.count <= full.ipLayers.count, "\(name) cut at \(n)")
                // Whatever was read must agree with the whole packet's layers (a cut removes, never invents).
                for (i, layer) in p.ipLayers.enumerated() where i < full.ipLayers.count {
                    #expect(layer.family == full.ipLayers[i].family, "\(name) cut at \(n)")
                    if let s = layer.source { #expect(s == full.ipLayers[i].source, "\(name) cut at \(n)") }
                }
                // Fewer layers, transport or DNS than the full decode means the cut was reported.
                let lostSomething = p.ipLayers.count < full.ipLayers.count || (full.transport != nil && p.transport == nil)
                    || p.ipLayers.last?.destination == nil
                if lostSomething { #expect(p.truncated, "\(name) cut at \(n) lost a layer without truncation") }
            }
        }
    }

    /// Random byte flips over the corpus must never trap or hang (bounded loops, checked reads).
    @Test func mutationsNeverTrap() {
        var rng = SplitMix64(seed: 0x5EED)
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        for (_, bytes, link) in Corpus.all {
            for _ in 0..<300 {
                var m = bytes
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let i = Int(rng.next() % UInt64(m.count))
                    m[i] = UInt8(truncatingIfNeeded: rng.next())
                }
                let cut = Int(rng.next() % UInt64(m.count + 1))
                m.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[0..<cut]), linkType: link,
                                                   originalLength: m.count, into: &packet) }
                #expect(packet.ipLayers.count <= 2 * (DecoderOptions().maxTunnelDepth + 1))
            }
        }
    }

    /// One reused DecodedPacket: a rich packet followed by a bare ARP must leave nothing behind.
    @Test func nothingLeaksBetweenPackets() {
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        for (_, bytes, link) in Corpus.all {
            bytes.withUnsafeBytes { decoder.decode($0, linkType: link, originalLength: bytes.count + 10, into: &packet) }
            let arp = Build.ethernet(0x0806, [UInt8](repeating: 0, count: 28))
            arp.withUnsafeBytes { decoder.decode($0, linkType: .ethernet, originalLength: arp.count, into: &packet) }
            #expect(packet.linkDecoded && packet.etherType == 0x0806 && packet.ipLayers.isEmpty)
            #expect(packet.transport == nil && packet.outerTransport == nil && packet.dns == nil)
            #expect(packet.icmpType == nil && packet.icmpCode == nil && packet.icmpFamily == nil)
            #expect(packet.pref64Prefix == nil && packet.packetTooBigMTU == nil && !packet.truncated)
            #expect(packet.anomalies == 0 && packet.vlanTags == 0 && packet.mplsLabels == 0 && !packet.pppoe)
            // And decoding the same packet again gives the same answer as a fresh decode.
            bytes.withUnsafeBytes { decoder.decode($0, linkType: link, originalLength: bytes.count, into: &packet) }
            let fresh = decode(bytes, link)
            #expect(packet.ipLayers == fresh.ipLayers && packet.transport == fresh.transport && packet.dns == fresh.dns)
        }
    }
}
