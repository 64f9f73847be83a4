import Testing
import CaptureSamples
import PacketDecoding
import TrafficAnalysis
@testable import TransitionAnalysis

/// Regression tests for the findings of the adversarial review of issue 8 (docs/transition.md
/// "NAT64 prefixes" and "Devices"), each in a capture crafted by hand; every test fails on the
/// code before its fix.
@Suite struct AdversarialReviewTests {
    static let router = CraftedCapture.mac("02:00:00:00:00:01")
    static let upstream = CraftedCapture.mac("02:00:00:00:00:98")
    static let laptop = CraftedCapture.mac("02:00:00:00:00:0a")
    static let e2 = CraftedCapture.mac("02:00:00:00:00:32")
    static let allNodes = CraftedCapture.mac("33:33:00:00:00:01")

    /// The router forwards from two public IPv4 addresses (9.9.9.9 and 1.1.1.1 answer the
    /// laptop): with an RA of its own it meets the router rule, so its PREF64 options are used.
    static func routerForwards(_ c: inout CraftedCapture, at ms: Double) {
        c.tcp(ms, clientMAC: laptop, routerMAC: router, client: CraftedCapture.a("192.168.1.10"), server: CraftedCapture.a("9.9.9.9"),
              cport: 41000, sport: 443, rtt: 5, mechanism: "native_ipv4")
        c.tcp(ms + 20, clientMAC: laptop, routerMAC: router, client: CraftedCapture.a("192.168.1.10"), server: CraftedCapture.a("1.1.1.1"),
              cport: 41001, sport: 443, rtt: 5, mechanism: "native_ipv4")
    }

    // MARK: 1. ND hop limit and code (RFC 4861 sections 6.1.1, 6.1.2, 7.1.1, 7.1.2)

    /// E2 (…:32) has IPv4 192.168.1.32; its IPv6 2001:db8:1:1::32 reaches the capture behind the
    /// router's MAC (the router forwarded 9.9.9.9 and 1.1.1.1: a router). E2's unsolicited NA
    /// with its TLLAO joins the two (as in DeviceBindingTests) only when the NA has hop limit
    /// 255 and code 0; with hop limit 254 (it crossed a router) or code 1 it is discarded and
    /// counted, and E2 stays IPv4-only.
    @Test func ndWithWrongHopLimitOrCodeBindsNothing() throws {
        for (hopLimit, code, valid) in [(UInt8(255), UInt8(0), true), (254, 0, false), (255, 1, false)] {
            var c = CraftedCapture()
            c.tcp(0, clientMAC: Self.e2, routerMAC: Self.router, client: CraftedCapture.a("192.168.1.32"), server: CraftedCapture.a("9.9.9.9"),
                  cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv4")
            c.tcp(20, clientMAC: Self.e2, routerMAC: Self.router, client: CraftedCapture.a("192.168.1.32"), server: CraftedCapture.a("1.1.1.1"),
                  cport: 40001, sport: 443, rtt: 5, mechanism: "native_ipv4")
            c.tcp(100, clientMAC: Self.router, routerMAC: Self.upstream, client: CraftedCapture.a("2001:db8:1:1::32"),
                  server: CraftedCapture.a("2001:db8:ff::80"), cport: 40002, sport: 443, rtt: 5, mechanism: "native_ipv6")
            c.icmpv6(300, sourceMAC: Self.e2, destinationMAC: Self.allNodes, source: "2001:db8:1:1::32", destination: "ff02::1",
                     type: 136, code: code, body: [0x20, 0, 0, 0] + CraftedCapture.a("2001:db8:1:1::32") + [2, 1] + Self.e2, hopLimit: hopLimit)
            let (t, _) = try c.analyze()
            let dev = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_32 })
            #expect(t.invalidNDMessages == (valid ? 0 : 1), "hop limit \(hopLimit) code \(code)")
            #expect(dev.stack == (valid ? .dualStack : .ipv4Only) && dev.connectionsV6 == (valid ? 1 : 0), "hop limit \(hopLimit) code \(code)")
            #expect(t.deviceCounts.routerMACs == 1)
        }
    }

    /// The router's valid RA carries PREF64 2001:db8:6464::/96; two more RAs from it, one with
    /// hop limit 64 (PREF64 2001:db8:bad::/96) and one with code 1 (2001:db8:bad:1::/96), are
    /// discarded: only the first prefix is learnt (when the router qualifies at its second
    /// forwarded address), and the laptop's connection into 2001:db8:bad:: stays native.
    @Test func raWithWrongHopLimitOrCodeTeachesNoPREF64() throws {
        var c = CraftedCapture()
        c.routerAdvertisement(0, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:6464::")
        c.routerAdvertisement(1, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:bad::", hopLimit: 64)
        c.routerAdvertisement(2, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:bad:1::", code: 1)
        Self.routerForwards(&c, at: 10)
        c.tcp(100, clientMAC: Self.laptop, routerMAC: Self.router, client: CraftedCapture.a("2001:db8:1:1::10"),
              server: CraftedCapture.a("2001:db8:bad::c633:6401"), cport: 41002, sport: 443, rtt: 5, mechanism: "native_ipv6")
        let (t, _) = try c.analyze()
        #expect(NAT64PoisoningTests.learnt(t) == ["2001:db8:6464::/96 pref64"])
        #expect(t.invalidNDMessages == 2 && t.nat64Drops.pref64NotFromRouter == 0)
        #expect(NAT64PoisoningTests.row(t, .nat64).connections == 0)
        #expect(t.devices.first { $0.key.mac == 0x02_00_00_00_00_0a }.map { $0.connectionsV6 == 1 && $0.connectionsTranslated == 0 } == true)
        for m in TransitionMechanism.allCases { #expect(NAT64PoisoningTests.row(t, m).packets == (c.expected[m.name]?.packets ?? 0), "\(m.name)") }
    }

    // MARK: 2. PREF64 only in Router Advertisements (RFC 8781 section 4)

    /// The router (an RA sender that forwards) puts PREF64 options into a Router Solicitation
    /// (2001:db8:bad::/96), a Neighbor Solicitation (2001:db8:bad:1::/96) and a Neighbor
    /// Advertisement (2001:db8:bad:2::/96), all valid ND (hop limit 255, code 0): none is used,
    /// three are counted; its RA's 2001:db8:6464::/96 is learnt.
    @Test func pref64OutsideRouterAdvertisementsIsNotUsed() throws {
        var c = CraftedCapture()
        c.routerAdvertisement(0, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:6464::")
        c.icmpv6(1, sourceMAC: Self.router, destinationMAC: CraftedCapture.mac("33:33:00:00:00:02"), source: "fe80::1", destination: "ff02::2",
                 type: 133, body: [0, 0, 0, 0] + CraftedCapture.pref64Option("2001:db8:bad::"))
        c.icmpv6(2, sourceMAC: Self.router, destinationMAC: Self.laptop, source: "fe80::1", destination: "fe80::a",
                 type: 135, body: [0, 0, 0, 0] + CraftedCapture.a("fe80::a") + CraftedCapture.pref64Option("2001:db8:bad:1::"))
        c.icmpv6(3, sourceMAC: Self.router, destinationMAC: Self.laptop, source: "fe80::1", destination: "fe80::a",
                 type: 136, body: [0x60, 0, 0, 0] + CraftedCapture.a("fe80::1") + CraftedCapture.pref64Option("2001:db8:bad:2::"))
        Self.routerForwards(&c, at: 10)
        c.tcp(100, clientMAC: Self.laptop, routerMAC: Self.router, client: CraftedCapture.a("2001:db8:1:1::10"),
              server: CraftedCapture.a("2001:db8:bad:1::c633:6401"), cport: 41002, sport: 443, rtt: 5, mechanism: "native_ipv6")
        let (t, _) = try c.analyze()
        #expect(NAT64PoisoningTests.learnt(t) == ["2001:db8:6464::/96 pref64"])
        #expect(t.pref64OutsideRA == 3 && t.invalidNDMessages == 0 && t.nat64Drops.pref64NotFromRouter == 0)
        #expect(NAT64PoisoningTests.row(t, .nat64).connections == 0)
        for m in TransitionMechanism.allCases { #expect(NAT64PoisoningTests.row(t, m).packets == (c.expected[m.name]?.packets ?? 0), "\(m.name)") }
    }

    // MARK: 3. Anomalies dropped without a counter

    static let d = CraftedCapture.mac("02:00:00:00:00:21")
    static let dhcpServer = CraftedCapture.mac("02:00:00:00:00:99")

    /// D (…:21) makes an IPv4 connection, so it is a device whose addresses can be listed.
    static func deviceD(_ c: inout CraftedCapture) {
        c.tcp(0, clientMAC: d, routerMAC: router, client: CraftedCapture.a("192.168.1.21"), server: CraftedCapture.a("9.9.9.9"),
              cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv4")
    }

    static func addresses(_ t: TransitionSummary, _ mac: UInt64) -> [IPAddress] {
        t.devices.first { $0.key.mac == mac }?.addresses.map { $0.address } ?? []
    }

    /// An NA from E2 whose TLLAO follows 63 or 64 unknown options (type 200, 8 octets each):
    /// 64 options are read, so the TLLAO as the 64th binds 2001:db8:1:1::32 to E2 and as the
    /// 65th is not read; that message is counted once.
    @Test func ndOptionsPastTheLimitAreCounted() throws {
        for padding in [63, 64] {
            var c = CraftedCapture()
            c.tcp(0, clientMAC: Self.e2, routerMAC: Self.router, client: CraftedCapture.a("192.168.1.32"), server: CraftedCapture.a("9.9.9.9"),
                  cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv4")
            var body: [UInt8] = [0x20, 0, 0, 0] + CraftedCapture.a("2001:db8:1:1::32")
            for _ in 0..<padding { body += [200, 1, 0, 0, 0, 0, 0, 0] }
            body += [2, 1] + Self.e2
            c.icmpv6(10, sourceMAC: Self.e2, destinationMAC: Self.allNodes, source: "fe80::32", destination: "ff02::1", type: 136, body: body)
            let (t, _) = try c.analyze()
            #expect(t.bindingAnomalies.optionsPastLimit == (padding == 63 ? 0 : 1), "\(padding)")
            #expect(Self.addresses(t, 0x02_00_00_00_00_32).contains(NAT64PrefixTests.ip("2001:db8:1:1::32")) == (padding == 63), "\(padding)")
            #expect(t.bindingAnomalies.malformedOptions == 0)
        }
    }

    /// A Reply (DUID-LL of D, IA_NA 2001:db8:1:2::21) inside `levels` nested Relay-Reply
    /// messages from the server to the relay (547 -> 547): 8 levels are walked and bind the
    /// address to D; at 9 the innermost relay message is not walked, and counted.
    @Test func relaysNestedTooDeepAreCounted() throws {
        for levels in [8, 9] {
            var c = CraftedCapture()
            Self.deviceD(&c)
            var message: [UInt8] = [7, 0x12, 0x34, 0x56] + DeviceBindingTests.option(1, DeviceBindingTests.duidLL(Self.d))
                + DeviceBindingTests.iaNA("2001:db8:1:2::21", valid: 7200)
            let link = CraftedCapture.a("2001:db8:1:2::1"), peer = CraftedCapture.a("fe80::21")
            for _ in 0..<levels { message = [13, 0] + link + peer + DeviceBindingTests.option(9, message) }
            c.add(100, CraftedCapture.frame(Self.dhcpServer, Self.router, CraftedCapture.udpIP(CraftedCapture.a("2001:db8:ffff::547"),
                                                                                                CraftedCapture.a("2001:db8:1:1::1"), 547, 547, message)), "native_ipv6")
            let (t, _) = try c.analyze()
            #expect(t.bindingAnomalies.relaysTooDeep == (levels == 8 ? 0 : 1), "\(levels)")
            #expect(Self.addresses(t, 0x02_00_00_00_00_21).contains(NAT64PrefixTests.ip("2001:db8:1:2::21")) == (levels == 8), "\(levels)")
        }
    }

    /// A direct Reply to D with five IAADDRs in one IA_NA: the first four are bound, the fifth
    /// is counted.
    @Test func replyAddressesPastTheFourthAreCounted() throws {
        var c = CraftedCapture()
        Self.deviceD(&c)
        var iaaddrs: [UInt8] = []
        for n in 1...5 {
            let address: [UInt8] = CraftedCapture.a("2001:db8:1:1::\(n)")
            iaaddrs += DeviceBindingTests.option(5, address + DeviceBindingTests.be32(3600) + DeviceBindingTests.be32(7200))
        }
        let ia: [UInt8] = DeviceBindingTests.be32(1) + DeviceBindingTests.be32(1800) + DeviceBindingTests.be32(2880) + iaaddrs
        let clientID: [UInt8] = DeviceBindingTests.option(1, DeviceBindingTests.duidLL(Self.d))
        let reply: [UInt8] = [7, 1, 2, 3] + clientID + DeviceBindingTests.option(3, ia)
        c.add(100, CraftedCapture.frame(Self.dhcpServer, Self.d, CraftedCapture.udpIP(CraftedCapture.a("fe80::99"), CraftedCapture.a("fe80::21"), 547, 546, reply)), "native_ipv6")
        let (t, _) = try c.analyze()
        #expect(t.bindingAnomalies.replyAddressesPastLimit == 1 && t.bindingAnomalies.malformedOptions == 0)
        let bound = Self.addresses(t, 0x02_00_00_00_00_21).filter { $0.family == .v6 }
        #expect(bound == (1...4).map { NAT64PrefixTests.ip("2001:db8:1:1::\($0)") })
    }

    /// One RA with two PREF64 options: the first (2001:db8:6464::/96) is learnt, the second
    /// (2001:db8:6565::/96) is not read and is counted.
    @Test func secondPREF64InOneRAIsCounted() throws {
        var c = CraftedCapture()
        let body: [UInt8] = [64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0] + CraftedCapture.pref64Option("2001:db8:6464::")
            + CraftedCapture.pref64Option("2001:db8:6565::")
        c.icmpv6(0, sourceMAC: Self.router, destinationMAC: Self.allNodes, source: "fe80::1", destination: "ff02::1", type: 134, body: body)
        Self.routerForwards(&c, at: 10)
        let (t, _) = try c.analyze()
        #expect(NAT64PoisoningTests.learnt(t) == ["2001:db8:6464::/96 pref64"])
        #expect(t.bindingAnomalies.extraPREF64Options == 1)
    }

    // MARK: 6. DHCPv6 acceptance (RFC 8415 section 7.2, RFC 6939)

    static func directReply(_ c: inout CraftedCapture, _ ms: Double, address: String, sourcePort: UInt16 = 547, destinationPort: UInt16 = 546) {
        let reply: [UInt8] = [7, 1, 2, 3] + DeviceBindingTests.option(1, DeviceBindingTests.duidLL(d)) + DeviceBindingTests.iaNA(address, valid: 7200)
        c.add(ms, CraftedCapture.frame(dhcpServer, d, CraftedCapture.udpIP(CraftedCapture.a("fe80::99"), CraftedCapture.a("fe80::21"),
                                                                           sourcePort, destinationPort, reply)), "native_ipv6")
    }

    /// Direct Replies to D: 547 -> 546 binds 2001:db8:1:1::1; the same Reply from 546 to 547,
    /// from 547 to 547 and from 1234 to 546 is not read (3 counted). A Relay-Reply to port 546
    /// is not read either (4).
    @Test func dhcpv6OnTheWrongPortsIsNotRead() throws {
        var c = CraftedCapture()
        Self.deviceD(&c)
        Self.directReply(&c, 10, address: "2001:db8:1:1::1")
        Self.directReply(&c, 20, address: "2001:db8:1:1::2", sourcePort: 546, destinationPort: 547)
        Self.directReply(&c, 30, address: "2001:db8:1:1::3", sourcePort: 547, destinationPort: 547)
        Self.directReply(&c, 40, address: "2001:db8:1:1::4", sourcePort: 1234, destinationPort: 546)
        let reply: [UInt8] = [7, 1, 2, 3] + DeviceBindingTests.option(1, DeviceBindingTests.duidLL(Self.d)) + DeviceBindingTests.iaNA("2001:db8:1:1::5", valid: 7200)
        let relayReply: [UInt8] = [13, 0] + CraftedCapture.a("2001:db8:1:1::1") + CraftedCapture.a("fe80::21") + DeviceBindingTests.option(9, reply)
        c.add(50, CraftedCapture.frame(Self.dhcpServer, Self.router, CraftedCapture.udpIP(CraftedCapture.a("2001:db8:ffff::547"),
                                                                                            CraftedCapture.a("2001:db8:1:1::1"), 547, 546, relayReply)), "native_ipv6")
        let (t, _) = try c.analyze()
        #expect(t.bindingAnomalies.dhcpv6WrongPorts == 4)
        #expect(Self.addresses(t, 0x02_00_00_00_00_21).filter { $0.family == .v6 } == [NAT64PrefixTests.ip("2001:db8:1:1::1")])
    }

    /// A Relay-Reply (547 -> 547) carrying option 79 naming D and a Reply without a Client
    /// Identifier: option 79 is not read in a Relay-Reply (RFC 6939 puts it in Relay-Forward),
    /// so the Reply has no client MAC and binds nothing. The same option in a Relay-Forward
    /// binds its peer address fe80::21 to D.
    @Test func clientLinkLayerOptionIsReadOnlyInRelayForward() throws {
        var c = CraftedCapture()
        Self.deviceD(&c)
        let link = CraftedCapture.a("2001:db8:1:2::1"), peer = CraftedCapture.a("fe80::21"), o79 = DeviceBindingTests.option(79, [0, 1] + Self.d)
        let reply: [UInt8] = [7, 1, 2, 3] + DeviceBindingTests.iaNA("2001:db8:1:2::21", valid: 7200)
        let relayReply: [UInt8] = [13, 0] + link + peer + o79 + DeviceBindingTests.option(9, reply)
        let server = CraftedCapture.a("2001:db8:ffff::547"), relay = CraftedCapture.a("2001:db8:1:1::1")
        c.add(50, CraftedCapture.frame(Self.dhcpServer, Self.router, CraftedCapture.udpIP(server, relay, 547, 547, relayReply)), "native_ipv6")
        let (t, _) = try c.analyze()
        #expect(!Self.addresses(t, 0x02_00_00_00_00_21).contains(NAT64PrefixTests.ip("2001:db8:1:2::21")))

        let forward: [UInt8] = [12, 0] + link + peer + o79 + DeviceBindingTests.option(9, [3, 1, 2, 3])
        c.add(60, CraftedCapture.frame(Self.router, Self.dhcpServer, CraftedCapture.udpIP(relay, server, 547, 547, forward)), "native_ipv6")
        let (t2, _) = try c.analyze()
        #expect(Self.addresses(t2, 0x02_00_00_00_00_21).contains(NAT64PrefixTests.ip("fe80::21")))
    }

    /// A Reply assigning D 64:ff9b::c633:6401 (inside the well-known NAT64 prefix) and
    /// 2001:db8:1:1::21: only the second is bound; the first is counted.
    @Test func dhcpv6DoesNotBindNAT64Addresses() throws {
        var c = CraftedCapture()
        Self.deviceD(&c)
        let reply: [UInt8] = [7, 1, 2, 3] + DeviceBindingTests.option(1, DeviceBindingTests.duidLL(Self.d))
            + DeviceBindingTests.iaNA("64:ff9b::c633:6401", valid: 7200) + DeviceBindingTests.iaNA("2001:db8:1:1::21", valid: 7200)
        c.add(10, CraftedCapture.frame(Self.dhcpServer, Self.d, CraftedCapture.udpIP(CraftedCapture.a("fe80::99"), CraftedCapture.a("fe80::21"), 547, 546, reply)), "native_ipv6")
        let (t, _) = try c.analyze()
        #expect(t.bindingAnomalies.dhcpv6NAT64Addresses == 1)
        #expect(Self.addresses(t, 0x02_00_00_00_00_21).filter { $0.family == .v6 } == [NAT64PrefixTests.ip("2001:db8:1:1::21")])
    }

    // MARK: 4. Fragmented DHCPv6 (RFC 8200 section 4.5)

    /// A direct Reply to D (DUID-LL, IA_NA 2001:db8:1:1::21, then a 200-byte option 23)
    /// split after 96 bytes of UDP datagram (the IA_NA fits in the first fragment): neither
    /// fragment is read as a message (the first is counted), so nothing is bound and nothing
    /// is malformed. The whole datagram unfragmented binds the address.
    @Test func fragmentedReplyIsNotReadAsAWholeMessage() throws {
        let reply: [UInt8] = [7, 1, 2, 3] + DeviceBindingTests.option(1, DeviceBindingTests.duidLL(Self.d))
            + DeviceBindingTests.iaNA("2001:db8:1:1::21", valid: 7200) + DeviceBindingTests.option(23, [UInt8](repeating: 0x20, count: 200))
        let s = CraftedCapture.a("fe80::99"), dst = CraftedCapture.a("fe80::21")
        let udp = PacketBuilder.udp(source: s, destination: dst, sourcePort: 547, destinationPort: 546, payload: reply)
        for fragmented in [false, true] {
            var c = CraftedCapture()
            Self.deviceD(&c)
            if fragmented {
                let cut = 96
                for (offset, part, more) in [(0, Array(udp[0..<cut]), true), (cut, Array(udp[cut...]), false)] {
                    let fragmentHeader: [UInt8] = [17, 0, UInt8(offset >> 8), UInt8(offset & 0xf8) | (more ? 1 : 0), 0, 0, 0x12, 0x34]
                    let ip = PacketBuilder.ipv6(source: s, destination: dst, nextHeader: 44, payload: fragmentHeader + part)
                    c.add(Double(10 + offset), PacketBuilder.ethernet(destination: Self.d, source: Self.dhcpServer, etherType: 0x86dd, payload: ip), "native_ipv6")
                }
            } else {
                c.add(10, PacketBuilder.ethernet(destination: Self.d, source: Self.dhcpServer, etherType: 0x86dd,
                                                 payload: PacketBuilder.ipv6(source: s, destination: dst, nextHeader: 17, payload: udp)), "native_ipv6")
            }
            let (t, _) = try c.analyze()
            #expect(t.bindingAnomalies.dhcpv6Fragments == (fragmented ? 1 : 0) && t.bindingAnomalies.malformedOptions == 0, "fragmented \(fragmented)")
            #expect(Self.addresses(t, 0x02_00_00_00_00_21).contains(NAT64PrefixTests.ip("2001:db8:1:1::21")) == !fragmented, "fragmented \(fragmented)")
        }
    }

    // MARK: 5. The u octet on match (RFC 6052 section 2.2)

    /// With `--nat64-prefix` 2001:db8:122:344::/64 and 2001:db8::/32: 192.0.2.33 embedded
    /// with u octet 0 (RFC 6052 section 2.4 examples) is NAT64; the same addresses with u octet
    /// 0xff (bits 64-71) embed nothing and stay native IPv6, as do their packets.
    @Test func nonZeroUOctetIsNotNAT64() throws {
        var options = CraftedCapture.craftedOptions
        options.nat64Prefixes = [IPPrefix("2001:db8:122:344::/64")!, IPPrefix("2001:db8::/32")!]
        var c = CraftedCapture()
        let me = CraftedCapture.a("2a00:1::10")
        let servers = [("2001:db8:122:344:c0:2:2100:0", "nat64"), ("2001:db8:122:344:ffc0:2:2100:0", "native_ipv6"),
                       ("2001:db8:c000:221::", "nat64"), ("2001:db8:c000:221:ff00::", "native_ipv6")]
        for (i, (server, mechanism)) in servers.enumerated() {
            c.tcp(Double(100 * i), clientMAC: Self.laptop, routerMAC: Self.router, client: me, server: CraftedCapture.a(server),
                  cport: UInt16(41000 + i), sport: 443, rtt: 10, data: false, mechanism: mechanism)
        }
        let (t, _) = try c.analyze(options: options)
        #expect(NAT64PoisoningTests.row(t, .nat64).connections == 2 && NAT64PoisoningTests.row(t, .nativeIPv6).connections == 2)
        for m in TransitionMechanism.allCases { #expect(NAT64PoisoningTests.row(t, m).packets == (c.expected[m.name]?.packets ?? 0), "\(m.name)") }
        let book = NAT64PrefixBook(configured: options.nat64Prefixes)
        #expect(book.match(NAT64PrefixTests.ip("2001:db8:122:344:c0:2:2100:0"))?.ipv4 == NAT64PrefixTests.ip("192.0.2.33"))
        #expect(book.match(NAT64PrefixTests.ip("2001:db8:122:344:ffc0:2:2100:0")) == nil)
        #expect(!book.contains(NAT64PrefixTests.ip("2001:db8:c000:221:ff00::")))
    }

    // MARK: 7. ipv4only.arpa positions (RFC 7050 section 3)

    /// 2001:db8:c000:aa::c000:aa holds 192.0.0.170 at the /32 position (bits 32-63) and at the
    /// /96 position. Alone it is ambiguous: nothing learnt, one refusal (the code before took
    /// the /96 without noticing). With its twin ::c000:ab, only /96 has 170 in one answer and
    /// 171 in the other: 2001:db8:c000:aa::/96 is learnt. An unambiguous /32 answer
    /// (2001:db8:c000:aa::) still teaches its /32.
    @Test func ipv4onlyArpaAmbiguousPositionTeachesNothing() throws {
        let ambiguous = NAT64PrefixTests.ip("2001:db8:c000:aa::c000:aa"), twin = NAT64PrefixTests.ip("2001:db8:c000:aa::c000:ab")
        #expect(NAT64PrefixBook.wellKnownPositions(ambiguous).map(\.length) == [32, 96])
        #expect(NAT64PrefixBook.prefixesFromIPv4onlyAnswers([ambiguous]).prefixes.isEmpty)
        #expect(NAT64PrefixBook.prefixesFromIPv4onlyAnswers([ambiguous, twin]).prefixes == [IPPrefix("2001:db8:c000:aa::/96")!])
        #expect(NAT64PrefixBook.prefixFromIPv4onlyAnswer(NAT64PrefixTests.ip("2001:db8:c000:aa::")) == IPPrefix("2001:db8::/32")!)

        for answers in [["2001:db8:c000:aa::c000:aa"], ["2001:db8:c000:aa::c000:aa", "2001:db8:c000:aa::c000:ab"]] {
            var c = CraftedCapture()
            c.dns(0, answerMs: 5, clientMAC: Self.laptop, routerMAC: Self.router, client: CraftedCapture.a("192.168.1.10"),
                  resolver: CraftedCapture.a("192.168.1.1"), port: 50000, id: 1, name: "ipv4only.arpa", type: 28, answers: answers,
                  mechanism: "native_ipv4")
            let (t, _) = try c.analyze()
            #expect(NAT64PoisoningTests.learnt(t) == (answers.count == 1 ? [] : ["2001:db8:c000:aa::/96 ipv4only_arpa"]), "\(answers)")
            #expect(t.ipv4onlyAmbiguous == (answers.count == 1 ? 1 : 0), "\(answers)")
        }
    }

    // MARK: 9. Backwards timestamps

    /// The router forwards (from 10 ms) and advertises PREF64 2001:db8:6464::/96 at 1000 ms;
    /// then comes a laptop connection into that prefix stamped 500 ms (timestamps go back
    /// once). Its packets and its connection are both native IPv6 (the prefix applies from
    /// 1000 ms); a connection stamped 1100 ms is NAT64 in both.
    @Test func backwardTimestampsGiveOneClassToPacketsAndConnections() throws {
        var c = CraftedCapture()
        Self.routerForwards(&c, at: 10)
        c.routerAdvertisement(1000, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:6464::")
        c.tcp(500, clientMAC: Self.laptop, routerMAC: Self.router, client: CraftedCapture.a("2001:db8:1:1::10"),
              server: CraftedCapture.a("2001:db8:6464::c633:6401"), cport: 41002, sport: 443, rtt: 5, mechanism: "native_ipv6")
        c.tcp(1100, clientMAC: Self.laptop, routerMAC: Self.router, client: CraftedCapture.a("2001:db8:1:1::10"),
              server: CraftedCapture.a("2001:db8:6464::c633:6402"), cport: 41003, sport: 443, rtt: 5, mechanism: "nat64")
        let (t, _) = try c.analyze()
        #expect(NAT64PoisoningTests.learnt(t) == ["2001:db8:6464::/96 pref64"])
        #expect(t.backwardTimestamps == 1)
        #expect(NAT64PoisoningTests.row(t, .nat64).connections == 1)
        #expect(t.devices.first { $0.key.mac == 0x02_00_00_00_00_0a }.map { $0.connectionsV6 == 1 && $0.connectionsTranslated == 1 } == true)
        for m in TransitionMechanism.allCases { #expect(NAT64PoisoningTests.row(t, m).packets == (c.expected[m.name]?.packets ?? 0), "\(m.name)") }
    }

    // MARK: 8. Documentation range (RFC 3849)

    /// The home network of docs/transition.md learns 2001:db8:64::/96 (ipv4only.arpa) and
    /// 2001:db8:6464::/96 (PREF64) with the crafted-capture options. With the defaults both are
    /// in 2001:db8::/32 and refused (2 counted), so v4only.example's connection and the laptop's
    /// PREF64 connection are native IPv6, not NAT64; a configured prefix there still applies.
    @Test func documentationPrefixesAreNotLearntByDefault() throws {
        let c = HomeNetwork.build()
        let (crafted, _) = try c.analyze()
        #expect(NAT64PoisoningTests.learnt(crafted) == ["2001:db8:64::/96 ipv4only_arpa", "2001:db8:6464::/96 pref64"])
        let (t, _) = try c.analyze(options: TransitionOptions())
        #expect(NAT64PoisoningTests.learnt(t).isEmpty && t.nat64Drops.specialPurpose == 2)
        #expect(NAT64PoisoningTests.row(t, .nat64).connections == 0)
        var configured = TransitionOptions()
        configured.nat64Prefixes = [IPPrefix("2001:db8:64::/96")!]
        let (k, _) = try c.analyze(options: configured)
        #expect(NAT64PoisoningTests.row(k, .nat64).connections == 1)
    }
}
