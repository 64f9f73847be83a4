import Testing
import CaptureSamples
import PacketDecoding
import TrafficAnalysis
@testable import TransitionAnalysis

/// Devices joined through Neighbor Discovery options (RFC 4861 section 4.6.1) and DHCPv6
/// (RFC 8415, RFC 6939), where the device's IPv6 frames reach the capture with a router's
/// source MAC (docs/transition.md "Devices"). Figures worked out by hand in the comments.
@Suite struct DeviceBindingTests {
    static let router = CraftedCapture.mac("02:00:00:00:00:01")
    static let upstream = CraftedCapture.mac("02:00:00:00:00:98")   // next hop beyond the router
    static let dhcpServer = CraftedCapture.mac("02:00:00:00:00:99")
    static let d = CraftedCapture.mac("02:00:00:00:00:21")
    static let e = CraftedCapture.mac("02:00:00:00:00:31"), e2 = CraftedCapture.mac("02:00:00:00:00:32")

    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
    static func be32(_ v: Int) -> [UInt8] { be16(v >> 16) + be16(v) }
    /// A DHCPv6 option (RFC 8415 section 21.1): code, length, data.
    static func option(_ code: Int, _ data: [UInt8]) -> [UInt8] { be16(code) + be16(data.count) + data }
    /// DUID-LL (RFC 8415 section 11.4), hardware type 1 (Ethernet).
    static func duidLL(_ mac: [UInt8]) -> [UInt8] { [0, 3, 0, 1] + mac }
    /// IA_NA (section 21.4) with one IAADDR (section 21.6): preferred 3600 s, valid `valid` s.
    static func iaNA(_ address: String, valid: Int) -> [UInt8] {
        option(3, be32(1) + be32(1800) + be32(2880) + option(5, CraftedCapture.a(address) + be32(3600) + be32(valid)))
    }

    /// Device D (…:21) has IPv4 192.168.1.21 on the capture's segment; its IPv6 address
    /// 2001:db8:1:2::21 is on another segment behind the router, so its IPv6 frames carry the
    /// router's MAC. The relay (the router, 2001:db8:1:1::1) forwards D's Request with a Client
    /// Link-Layer Address option (RFC 6939) and peer address fe80::21; the server's Relay-Reply
    /// carries a Reply with D's DUID-LL and IA_NA 2001:db8:1:2::21. The router advertises
    /// (RA at -10 ms), which makes it a router: two source /64s alone would not.
    static func routedCapture(withDHCPv6: Bool) -> CraftedCapture {
        var c = CraftedCapture()
        c.routerAdvertisement(-10, sourceMAC: router, source: "fe80::1", pref64: "64:ff9b::")
        c.tcp(0, clientMAC: d, routerMAC: router, client: CraftedCapture.a("192.168.1.21"), server: CraftedCapture.a("9.9.9.9"),
              cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv4")
        if withDHCPv6 {
            let relay = CraftedCapture.a("2001:db8:1:1::1"), server = CraftedCapture.a("2001:db8:ffff::547")
            let link = CraftedCapture.a("2001:db8:1:2::1"), peer = CraftedCapture.a("fe80::21")
            let request: [UInt8] = [3, 0x12, 0x34, 0x56] + option(1, duidLL(d))
            let forward: [UInt8] = [12, 0] + link + peer + option(79, [0, 1] + d) + option(9, request)
            c.add(100, CraftedCapture.frame(router, dhcpServer, CraftedCapture.udpIP(relay, server, 547, 547, forward)), "native_ipv6")
            let reply: [UInt8] = [7, 0x12, 0x34, 0x56] + option(1, duidLL(d)) + iaNA("2001:db8:1:2::21", valid: 7200)
            let relayReply: [UInt8] = [13, 0] + link + peer + option(9, reply)
            c.add(110, CraftedCapture.frame(dhcpServer, router, CraftedCapture.udpIP(server, relay, 547, 547, relayReply)), "native_ipv6")
        }
        c.tcp(200, clientMAC: router, routerMAC: upstream, client: CraftedCapture.a("2001:db8:1:2::21"), server: CraftedCapture.a("2001:db8:ff::80"),
              cport: 40001, sport: 443, rtt: 5, mechanism: "native_ipv6")
        return c
    }

    @Test func dhcpv6JoinsARoutedDeviceToItsMAC() throws {
        let (t, _) = try Self.routedCapture(withDHCPv6: true).analyze()
        // The router forwards from 2001:db8:1:1::/64 and 2001:db8:1:2::/64: a router. D is one
        // dual-stack device with its IPv4, its DHCPv6 address and the relay's peer address.
        #expect(t.deviceCounts.devices == 1 && t.deviceCounts.dualStack == 1 && t.deviceCounts.routerMACs == 1)
        let dev = try #require(t.devices.first)
        #expect(dev.key.mac == 0x02_00_00_00_00_21)
        #expect(dev.ipv4Addresses == 1 && dev.ipv6Addresses == 1 && dev.ipv6LinkLocal == 1)
        #expect(dev.connectionsV4 == 1 && dev.connectionsV6 == 1)
        #expect(t.bindingAnomalies.malformedOptions == 0)
    }

    @Test func withoutDHCPv6TheRoutedAddressIsTheRoutersOwn() throws {
        // Without the DHCPv6 exchange the routed IPv6 address is bound only to the router's MAC
        // (a router: it advertised), so its connection makes no device and D is IPv4-only.
        let (t, _) = try Self.routedCapture(withDHCPv6: false).analyze()
        #expect(t.deviceCounts.devices == 1 && t.deviceCounts.ipv4Only == 1 && t.deviceCounts.ipv6Only == 0)
        #expect(t.deviceCounts.dualStack == 0 && t.deviceCounts.routerMACs == 1)
    }

    /// E (…:31) and E2 (…:32): IPv4 from their own MACs; their IPv6 connections reach the capture
    /// with the router's MAC. E is seen in IPv6 only through its duplicate address detection NS
    /// (source ::, target 2001:db8:1:1::31, RFC 4862 section 5.4.2); E2's routed traffic comes
    /// first, then its unsolicited NA with a Target Link-Layer Address option. Three malformed
    /// messages from E2 follow: an NA option of length 0, an NS option running past the end,
    /// and a direct DHCPv6 Reply whose option length runs past the datagram.
    static func ndCapture(withND: Bool) -> CraftedCapture {
        var c = CraftedCapture()
        c.tcp(0, clientMAC: e, routerMAC: router, client: CraftedCapture.a("192.168.1.31"), server: CraftedCapture.a("9.9.9.9"),
              cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv4")
        c.tcp(20, clientMAC: e2, routerMAC: router, client: CraftedCapture.a("192.168.1.32"), server: CraftedCapture.a("1.1.1.1"),
              cport: 40001, sport: 443, rtt: 5, mechanism: "native_ipv4")
        if withND {
            c.icmpv6(50, sourceMAC: e, destinationMAC: CraftedCapture.mac("33:33:ff:00:00:31"), source: "::", destination: "ff02::1:ff00:31",
                     type: 135, body: [0, 0, 0, 0] + CraftedCapture.a("2001:db8:1:1::31"))
        }
        c.tcp(100, clientMAC: router, routerMAC: upstream, client: CraftedCapture.a("2001:db8:1:1::31"), server: CraftedCapture.a("2001:db8:ff::80"),
              cport: 40002, sport: 443, rtt: 5, mechanism: "native_ipv6")
        c.tcp(200, clientMAC: router, routerMAC: upstream, client: CraftedCapture.a("2001:db8:1:1::32"), server: CraftedCapture.a("2001:db8:ff::80"),
              cport: 40003, sport: 443, rtt: 5, mechanism: "native_ipv6")
        if withND {
            let allNodes = CraftedCapture.mac("33:33:00:00:00:01")
            c.icmpv6(300, sourceMAC: e2, destinationMAC: allNodes, source: "2001:db8:1:1::32", destination: "ff02::1",
                     type: 136, body: [0x20, 0, 0, 0] + CraftedCapture.a("2001:db8:1:1::32") + [2, 1] + e2)
            // Malformed: option length 0; an SLLA claiming 16 octets with 8 present.
            c.icmpv6(400, sourceMAC: e2, destinationMAC: allNodes, source: "fe80::32", destination: "ff02::1",
                     type: 136, body: [0x20, 0, 0, 0] + CraftedCapture.a("2001:db8:1:1::99") + [2, 0] + e2)
            c.icmpv6(410, sourceMAC: e2, destinationMAC: router, source: "fe80::32", destination: "fe80::1",
                     type: 135, body: [0, 0, 0, 0] + CraftedCapture.a("fe80::1") + [1, 2] + e2)
            let bad: [UInt8] = [7, 1, 2, 3] + Self.be16(3) + Self.be16(0xffff) + [0, 0, 0, 1]
            c.add(420, CraftedCapture.frame(router, e2, CraftedCapture.udpIP(CraftedCapture.a("fe80::1"), CraftedCapture.a("fe80::32"), 547, 546, bad)), "native_ipv6")
        }
        return c
    }

    /// H (…:0b) after the router's RA: IPv6 from a global address (2001:db8:1::b to 2600::1)
    /// and from a ULA (fd00:1::b to fd00:1::53; RFC 6724 picks the ULA for a ULA destination),
    /// and IPv4. Two source /64s are an ordinary host, not a router (adversarial h1: it vanished).
    /// F (…:0f) forwards from four /64s and is a router without advertising.
    @Test func ulaAndGlobalHostIsADeviceAndFourNetsMakeARouter() throws {
        let h = CraftedCapture.mac("02:00:00:00:00:0b"), f = CraftedCapture.mac("02:00:00:00:00:0f")
        var c = CraftedCapture()
        c.routerAdvertisement(0, sourceMAC: Self.router, source: "fe80::1", pref64: "64:ff9b::")
        c.tcp(10, clientMAC: h, routerMAC: Self.router, client: CraftedCapture.a("2001:db8:1::b"), server: CraftedCapture.a("2600::1"),
              cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv6")
        c.tcp(20, clientMAC: h, routerMAC: Self.router, client: CraftedCapture.a("fd00:1::b"), server: CraftedCapture.a("fd00:1::53"),
              cport: 40001, sport: 443, rtt: 5, mechanism: "native_ipv6")
        c.tcp(30, clientMAC: h, routerMAC: Self.router, client: CraftedCapture.a("192.168.1.11"), server: CraftedCapture.a("93.184.216.34"),
              cport: 40002, sport: 443, rtt: 5, mechanism: "native_ipv4")
        let (t, _) = try c.analyze()
        #expect(t.deviceCounts.devices == 1 && t.deviceCounts.dualStack == 1 && t.deviceCounts.routerMACs == 1)
        let dev = try #require(t.devices.first)
        #expect(dev.key.mac == 0x02_00_00_00_00_0b && dev.ipv6Addresses == 2 && dev.ipv4Addresses == 1 && dev.connectionsV6 == 2)

        // F originates from 2001:db8:a:1::1, …:2::1, …:3::1: three /64s, still a device; the
        // fourth (…:4::1) makes it a router and its connections no device's.
        var r = CraftedCapture()
        for n in 1...4 {
            r.tcp(Double(n * 10), clientMAC: f, routerMAC: Self.upstream, client: CraftedCapture.a("2001:db8:a:\(n)::1"),
                  server: CraftedCapture.a("2600::1"), cport: UInt16(40000 + n), sport: 443, rtt: 2, mechanism: "native_ipv6")
            let (tr, _) = try r.analyze()
            #expect(tr.deviceCounts.devices == (n < 4 ? 1 : 0) && tr.deviceCounts.routerMACs == (n < 4 ? 0 : 1), "\(n) /64s")
        }
    }

    /// Identity takeover (RFC 3756 section 4.1.1), adversarial a1, c1, a1c, e6b. After the
    /// router's RA, V (…:0b) connects from 2001:db8:1::b and 192.168.1.11. A (…:0a) then claims
    /// them: an unsolicited NA for ::b with its own TLLAO (1), an NA from A's MAC whose TLLAO
    /// names V (option is not the frame's source, RFC 4861 section 7.1: 2), a DAD probe for ::b
    /// (3), a gratuitous ARP for 192.168.1.11 (4), an ARP from A's MAC with V's sender MAC (5), a
    /// DHCPv6 Reply to the router's MAC assigning ::b (6). A also DADs 2001:db8:1::c first; C
    /// (…:0c) then uses it in frames and takes it over (7: a claim is not a use). Seven
    /// conflicts; V keeps both addresses, C has ::c, A only its own.
    @Test func explicitClaimsDoNotTakeOverAddressesSeenInFrames() throws {
        let v = CraftedCapture.mac("02:00:00:00:00:0b"), a = CraftedCapture.mac("02:00:00:00:00:0a"), cc = CraftedCapture.mac("02:00:00:00:00:0c")
        let allNodes = CraftedCapture.mac("33:33:00:00:00:01"), bcast: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        var c = CraftedCapture()
        c.routerAdvertisement(0, sourceMAC: Self.router, source: "fe80::1", pref64: "64:ff9b::")
        c.tcp(10, clientMAC: v, routerMAC: Self.router, client: CraftedCapture.a("2001:db8:1::b"), server: CraftedCapture.a("2600::1"),
              cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv6")
        c.tcp(20, clientMAC: v, routerMAC: Self.router, client: CraftedCapture.a("192.168.1.11"), server: CraftedCapture.a("93.184.216.34"),
              cport: 40001, sport: 443, rtt: 5, mechanism: "native_ipv4")
        c.tcp(30, clientMAC: a, routerMAC: Self.router, client: CraftedCapture.a("2001:db8:1::a"), server: CraftedCapture.a("2600::2"),
              cport: 40002, sport: 443, rtt: 5, mechanism: "native_ipv6")
        let victim6 = CraftedCapture.a("2001:db8:1::b")
        c.icmpv6(100, sourceMAC: a, destinationMAC: allNodes, source: "fe80::a", destination: "ff02::1", type: 136, body: [0x20, 0, 0, 0] + victim6 + [2, 1] + a)
        c.icmpv6(110, sourceMAC: a, destinationMAC: allNodes, source: "fe80::a", destination: "ff02::1", type: 136, body: [0x20, 0, 0, 0] + victim6 + [2, 1] + v)
        c.icmpv6(120, sourceMAC: a, destinationMAC: CraftedCapture.mac("33:33:ff:00:00:0b"), source: "::", destination: "ff02::1:ff00:b",
                 type: 135, body: [0, 0, 0, 0] + victim6)
        let v4 = CraftedCapture.a("192.168.1.11")
        c.add(130, PacketBuilder.ethernet(destination: bcast, source: a, etherType: 0x0806, payload: [0, 1, 0x08, 0, 6, 4, 0, 2] + a + v4 + bcast + v4), "non_ip")
        c.add(140, PacketBuilder.ethernet(destination: bcast, source: a, etherType: 0x0806, payload: [0, 1, 0x08, 0, 6, 4, 0, 2] + v + v4 + bcast + v4), "non_ip")
        let reply: [UInt8] = [7, 1, 2, 3] + Self.option(1, Self.duidLL(a)) + Self.iaNA("2001:db8:1::b", valid: 7200)
        c.add(150, CraftedCapture.frame(a, Self.router, CraftedCapture.udpIP(CraftedCapture.a("fe80::a"), CraftedCapture.a("fe80::1"), 547, 546, reply)), "native_ipv6")
        c.icmpv6(200, sourceMAC: a, destinationMAC: CraftedCapture.mac("33:33:ff:00:00:0c"), source: "::", destination: "ff02::1:ff00:c",
                 type: 135, body: [0, 0, 0, 0] + CraftedCapture.a("2001:db8:1::c"))
        c.tcp(300, clientMAC: cc, routerMAC: Self.router, client: CraftedCapture.a("2001:db8:1::c"), server: CraftedCapture.a("2600::3"),
              cport: 40003, sport: 443, rtt: 5, mechanism: "native_ipv6")
        let (t, _) = try c.analyze()
        #expect(t.bindingAnomalies.bindingConflicts == 7)
        #expect(t.deviceCounts.devices == 3 && t.deviceCounts.routerMACs == 1 && t.deviceCounts.dualStack == 1 && t.deviceCounts.ipv6Only == 2)
        let devV = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_0b })
        #expect(devV.addresses.map { $0.address } == [NAT64PrefixTests.ip("192.168.1.11"), NAT64PrefixTests.ip("2001:db8:1::b")])
        #expect(devV.connectionsV4 == 1 && devV.connectionsV6 == 1)
        let devA = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_0a })
        #expect(devA.addresses.map { $0.address } == [NAT64PrefixTests.ip("2001:db8:1::a"), NAT64PrefixTests.ip("fe80::a")])
        let devC = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_0c })
        #expect(devC.addresses.map { $0.address } == [NAT64PrefixTests.ip("2001:db8:1::c")] && devC.connectionsV6 == 1)
    }

    /// Adversarial a3: A (…:0a) DAD-probes 2001:db8:7::1 and 2001:db8:8::1 (third-party claims
    /// in two /64s, no frame from them) and sends an NA for 2001:db8:9::1 with its own TLLAO,
    /// then an RA with PREF64 2001:db8:bad::/96. Claims are not forwarding evidence: A's only
    /// frame source besides fe80::a is none, so the PREF64 waits and is never used (refused at
    /// the end, with R's 64:ff9b:: option: R forwards nothing here either: 2);
    /// V's connection into it stays native IPv6. A is a router MAC (it advertised), as is R.
    @Test func claimedAddressesDoNotFeedTheRouterRule() throws {
        let v = CraftedCapture.mac("02:00:00:00:00:0b"), a = CraftedCapture.mac("02:00:00:00:00:0a")
        var c = CraftedCapture()
        c.routerAdvertisement(0, sourceMAC: Self.router, source: "fe80::1", pref64: "64:ff9b::")
        for (ms, target) in [(10.0, "2001:db8:7::1"), (20, "2001:db8:8::1")] {
            c.icmpv6(ms, sourceMAC: a, destinationMAC: CraftedCapture.mac("33:33:ff:00:00:01"), source: "::", destination: "ff02::1:ff00:1",
                     type: 135, body: [0, 0, 0, 0] + CraftedCapture.a(target))
        }
        c.icmpv6(30, sourceMAC: a, destinationMAC: CraftedCapture.mac("33:33:00:00:00:01"), source: "fe80::a", destination: "ff02::1",
                 type: 136, body: [0x20, 0, 0, 0] + CraftedCapture.a("2001:db8:9::1") + [2, 1] + a)
        c.routerAdvertisement(40, sourceMAC: a, source: "fe80::a", pref64: "2001:db8:bad::")
        c.tcp(50, clientMAC: v, routerMAC: Self.router, client: CraftedCapture.a("2001:db8:1::b"), server: CraftedCapture.a("2001:db8:bad::c633:6401"),
              cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv6")
        let (t, _) = try c.analyze()
        #expect(NAT64PoisoningTests.learnt(t).isEmpty)
        #expect(t.nat64Drops.pref64NotFromRouter == 2 && t.bindingAnomalies.bindingConflicts == 0)
        #expect(t.deviceCounts.devices == 1 && t.deviceCounts.ipv6Only == 1 && t.deviceCounts.routerMACs == 2)
        #expect(t.devices.first?.connectionsV6 == 1 && t.devices.first?.connectionsTranslated == 0)
    }

    /// Adversarial b1: an NA from E2's MAC with its TLLAO and then an option of length 0 is
    /// discarded whole (RFC 4861 section 7.1.2): 2001:db8:1:1::77 is not bound to E2.
    @Test func lengthZeroOptionDiscardsTheWholeMessage() throws {
        var c = CraftedCapture()
        c.icmpv6(0, sourceMAC: Self.e2, destinationMAC: CraftedCapture.mac("33:33:00:00:00:01"), source: "fe80::32", destination: "ff02::1",
                 type: 136, body: [0x20, 0, 0, 0] + CraftedCapture.a("2001:db8:1:1::77") + [2, 1] + Self.e2 + [3, 0, 0, 0, 0, 0, 0, 0])
        c.tcp(10, clientMAC: Self.router, routerMAC: Self.upstream, client: CraftedCapture.a("2001:db8:1:1::77"), server: CraftedCapture.a("2600::1"),
              cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv6")
        let (t, _) = try c.analyze()
        // ::77 belongs to the MAC its frames came from, not to E2.
        // (E2 itself is a local-only device by its NA to ff02::1.)
        #expect(t.bindingAnomalies.malformedOptions == 1)
        #expect(t.devices.first { $0.key.mac == 0x02_00_00_00_00_01 }?.connectionsV6 == 1)
        #expect(t.devices.first { $0.key.mac == 0x02_00_00_00_00_32 }?.connectionsV6 ?? 0 == 0)
    }

    @Test func neighborDiscoveryJoinsRoutedDevices() throws {
        let (t, _) = try Self.ndCapture(withND: true).analyze()
        // The router forwarded from 9.9.9.9 and 1.1.1.1: a router. E and E2 are each one
        // dual-stack device; the malformed messages count and bind nothing.
        #expect(t.deviceCounts.devices == 2 && t.deviceCounts.dualStack == 2 && t.deviceCounts.routerMACs == 1)
        #expect(t.deviceCounts.usingIPv6Natively == 2)
        let devE = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_31 })
        #expect(devE.ipv4Addresses == 1 && devE.ipv6Addresses == 1 && devE.connectionsV6 == 1)
        let devE2 = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_32 })
        #expect(devE2.ipv6Addresses == 1 && devE2.ipv6LinkLocal == 1 && devE2.connectionsV6 == 1)
        #expect(t.bindingAnomalies.malformedOptions == 3)
        #expect(!devE2.addresses.contains { $0.address == NAT64PrefixTests.ip("2001:db8:1:1::99") })

        let (plain, _) = try Self.ndCapture(withND: false).analyze()
        // Without ND the IPv6 connections belong to the router's MAC: two IPv4-only devices.
        #expect(plain.deviceCounts.devices == 2 && plain.deviceCounts.ipv4Only == 2 && plain.deviceCounts.usingIPv6 == 0)
    }

    /// An NA whose Target Link-Layer Address option is cut by the snapshot length (captured 4
    /// bytes short of the original) is short, not malformed: not counted, no binding. The same
    /// bytes recorded as the whole frame are malformed (the option runs past the message).
    @Test func snapshotLengthCutIsNotMalformed() throws {
        let s = CraftedCapture.a("2001:db8:1:1::32"), d = CraftedCapture.a("ff02::1")
        let body: [UInt8] = [0x20, 0, 0, 0] + s + [2, 1] + Self.e2
        let ip = PacketBuilder.ipv6(source: s, destination: d, nextHeader: 58,
                                    payload: PacketBuilder.icmpv6(source: s, destination: d, type: 136, body: body), hopLimit: 255)
        let frame = PacketBuilder.ethernet(destination: CraftedCapture.mac("33:33:00:00:00:01"), source: Self.e2, etherType: 0x86dd, payload: ip)
        for (original, malformed) in [(frame.count, 0), (frame.count - 4, 1)] {
            var c = CraftedCapture()
            c.writer.append(timestamp: CraftedCapture.base, packet: frame.prefix(frame.count - 4), originalLength: original)
            let (t, _) = try c.analyze()
            #expect(t.bindingAnomalies.malformedOptions == UInt64(malformed), "original length \(original)")
        }
    }

    /// Unit level: truncated and nonsense ND/DHCPv6 bodies give no crash and no binding.
    @Test func fuzzedBindingMessagesDoNotCrash() throws {
        var c = CraftedCapture()
        var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt8 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: seed >> 33) }
        for i in 0..<200 {
            let body = (0..<(i % 48)).map { _ in next() }
            c.icmpv6(Double(i), sourceMAC: Self.e, destinationMAC: Self.router, source: "fe80::31", destination: "fe80::1",
                     type: UInt8(133 + i % 4), body: body)
            let dhcp = [UInt8(i % 2 == 0 ? 7 : 13)] + (0..<(i % 60)).map { _ in next() }
            c.add(Double(i) + 0.5, CraftedCapture.frame(Self.router, Self.e, CraftedCapture.udpIP(CraftedCapture.a("fe80::1"), CraftedCapture.a("fe80::31"), 547, 546, dhcp)), "native_ipv6")
        }
        let (t, _) = try c.analyze()
        #expect(t.bindingAnomalies.malformedOptions > 0)
        #expect(t.deviceCounts.devices <= 2)
    }
}
