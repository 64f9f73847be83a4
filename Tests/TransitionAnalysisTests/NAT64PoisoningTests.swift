import Testing
import CaptureSamples
import PacketDecoding
import TrafficAnalysis
@testable import TransitionAnalysis

/// The NAT64 prefix poisoning attacks of adversarial testing (docs/transition.md "NAT64
/// prefixes": ranks, local-address refusal, DNS64 corroboration, learnt prefixes apply from the
/// time they are learnt), each in a crafted capture with figures worked out by hand.
@Suite struct NAT64PoisoningTests {
    static let router = CraftedCapture.mac("02:00:00:00:00:01")
    static let laptop = CraftedCapture.mac("02:00:00:00:00:0a")
    static let v6only = CraftedCapture.mac("02:00:00:00:00:0c")
    static let laptop6 = CraftedCapture.a("2001:db8:1:1::10"), laptop4 = CraftedCapture.a("192.168.1.10")
    static let v6only6 = CraftedCapture.a("2001:db8:1:1::c")
    static let resolver4 = CraftedCapture.a("192.168.1.1"), resolver6 = CraftedCapture.a("2001:db8:1:1::1")

    /// The laptop looks `name` up over IPv4: A query at ms, answer ms+1; AAAA query ms+2,
    /// answer ms+3 (4 packets, 2 native IPv4 connections).
    static func lookup(_ c: inout CraftedCapture, _ ms: Double, _ name: String, a: String, aaaa: String, id: UInt16) {
        c.dns(ms, answerMs: ms + 1, clientMAC: laptop, routerMAC: router, client: laptop4, resolver: resolver4,
              port: 20000 + 2 * id, id: id, name: name, type: 1, answers: [a], mechanism: "native_ipv4")
        c.dns(ms + 2, answerMs: ms + 3, clientMAC: laptop, routerMAC: router, client: laptop4, resolver: resolver4,
              port: 20001 + 2 * id, id: id, name: name, type: 28, answers: [aaaa], mechanism: "native_ipv4")
    }

    /// A laptop TCP connection through the router (5 packets, RTT 5 ms, with data).
    static func connect(_ c: inout CraftedCapture, _ ms: Double, from client: [UInt8], to server: String, port: UInt16, _ mechanism: String) {
        c.tcp(ms, clientMAC: laptop, routerMAC: router, client: client, server: CraftedCapture.a(server), cport: port, sport: 443,
              rtt: 5, mechanism: mechanism)
    }

    static func row(_ t: TransitionSummary, _ m: TransitionMechanism) -> TransitionSummary.MechanismRow { t.mechanisms.first { $0.mechanism == m }! }
    static func learnt(_ t: TransitionSummary) -> [String] {
        t.nat64Prefixes.filter { $0.learntAt != nil }.map { "\($0.prefix) \($0.source.rawValue)" }
    }

    /// The zone owner of evil1/evil2.example answers A 198.51.100.77/.78 and AAAAs embedding them
    /// at the RFC 6052 /48 position under the LAN's own 2001:db8:1::/48 (198.51 = c633 in bits
    /// 48-63, 100.77 = 644d in bits 72-87). Two names with different IPv4 addresses corroborate
    /// 2001:db8:1::/48, which then covers the LAN's /64 2001:db8:1:1::/64.
    static func zoneOwnerCapture(localHostFirst: Bool) -> CraftedCapture {
        var c = CraftedCapture()
        // The laptop's own IPv6 SYN (5 packets) at 0 or 50 ms: 2001:db8:1:1::/64 is local from
        // then on. (Frames are written in call order, so the calls follow the times.)
        func own(_ ms: Double) {
            c.tcp(ms, clientMAC: laptop, routerMAC: router, client: laptop6, server: CraftedCapture.a("2001:db8:ff::80"),
                  cport: 40000, sport: 443, rtt: 5, mechanism: "native_ipv6")
        }
        if localHostFirst { own(0) }
        lookup(&c, 10, "evil1.example", a: "198.51.100.77", aaaa: "2001:db8:1:c633:64:4d00::", id: 1)
        lookup(&c, 20, "evil2.example", a: "198.51.100.78", aaaa: "2001:db8:1:c633:64:4e00::", id: 2)
        if !localHostFirst { own(50) }
        // A LAN server in another /64 of the /48, then evil1's AAAA itself: both native.
        c.tcp(100, clientMAC: laptop, routerMAC: router, client: laptop6, server: CraftedCapture.a("2001:db8:1:2::5"),
              cport: 40001, sport: 443, rtt: 5, mechanism: "native_ipv6")
        c.tcp(200, clientMAC: laptop, routerMAC: router, client: laptop6, server: CraftedCapture.a("2001:db8:1:c633:64:4d00::"),
              cport: 40002, sport: 443, rtt: 5, mechanism: "native_ipv6")
        return c
    }

    @Test func embeddedAddressesOfTheZoneOwnerAreWhatTheTestSays() {
        let p = IPPrefix("2001:db8:1::/48")!
        #expect(NAT64Embedding.address(embedding: NAT64PrefixTests.ip("198.51.100.77"), in: p) == NAT64PrefixTests.ip("2001:db8:1:c633:64:4d00::"))
        #expect(NAT64PrefixBook.prefixEmbedding(NAT64PrefixTests.ip("2001:db8:1:c633:64:4e00::"), anyOf: [NAT64PrefixTests.ip("198.51.100.78")]) == p)
    }

    @Test func zoneOwnerCannotMakeTheLANPrefixNAT64() throws {
        let c = Self.zoneOwnerCapture(localHostFirst: true)
        let (t, _) = try c.analyze()
        // 3 TCP connections of 5 packets, all native; 8 DNS transactions over IPv4.
        #expect(Self.row(t, .nat64).connections == 0 && Self.row(t, .nat64).packets == 0)
        #expect(Self.row(t, .nativeIPv6).connections == 3 && Self.row(t, .nativeIPv6).packets == 15)
        #expect(Self.row(t, .nativeIPv4).connections == 4)
        for m in TransitionMechanism.allCases { #expect(Self.row(t, m).packets == (c.expected[m.name]?.packets ?? 0), "\(m.name)") }
        // evil1 made a candidate, evil2 corroborated it, and the learn was refused as covering
        // the local /64: one refusal, nothing learnt, nothing pending, nothing synthesized.
        #expect(t.nat64Drops.coversLocal == 1 && t.nat64Drops.withdrawnCoversLocal == 0 && t.nat64Drops.dns64Uncorroborated == 0)
        #expect(Self.learnt(t).isEmpty)
        #expect(t.destinations.synthesizedAAAAAnswers == 0 && t.destinations.withAAAA == 2)
    }

    @Test func aPoisonedPrefixIsWithdrawnWhenALocalHostTurnsUpInside() throws {
        // The poisoned prefix is learnt at 23 ms (evil2's AAAA answer), before any local IPv6
        // host; the laptop's SYN at 50 ms withdraws it, so the connections at 100 and 200 ms
        // (first packets after the withdrawal) are native.
        let (t, _) = try Self.zoneOwnerCapture(localHostFirst: false).analyze()
        #expect(t.nat64Drops.withdrawnCoversLocal == 1 && t.nat64Drops.coversLocal == 0)
        #expect(Self.row(t, .nat64).connections == 0 && Self.row(t, .nat64).packets == 0)
        #expect(Self.row(t, .nativeIPv6).connections == 3)
        #expect(Self.learnt(t).isEmpty)
    }

    @Test func localPrefixRefusesTheLANPrefixWithoutAnyTraffic() throws {
        var c = CraftedCapture()
        Self.lookup(&c, 10, "evil1.example", a: "198.51.100.77", aaaa: "2001:db8:1:c633:64:4d00::", id: 1)
        Self.lookup(&c, 20, "evil2.example", a: "198.51.100.78", aaaa: "2001:db8:1:c633:64:4e00::", id: 2)
        var options = CraftedCapture.craftedOptions
        options.localPrefixes = [IPPrefix("2001:db8:1::/48")!, IPPrefix("192.168.1.0/24")!]
        let (t, _) = try c.analyze(options: options)
        #expect(t.nat64Drops.coversLocal == 1 && Self.learnt(t).isEmpty)
        // Without --local-prefix and without a local IPv6 host the prefix is learnt (what the
        // capture shows is all there is): the refusal above is the option's doing.
        let (plain, _) = try c.analyze()
        #expect(Self.learnt(plain) == ["2001:db8:1::/48 dns64_a_match"])
    }

    /// The real RFC 7050 prefix 2001:db8:64::/96 at 1 ms, then 70 poisoned prefixes
    /// 2001:db8:f0XX::/96 (XX = 00...45 hex), each corroborated by two names embedding
    /// 198.51.100.(i+1) and 198.51.101.(i+1). The table holds 64: well-known, local-use, the
    /// ipv4only.arpa one and 61 DNS64 ones; the 62nd-70th evict the oldest DNS64 ones (rank 0),
    /// never the ipv4only.arpa one (rank 1).
    @Test func seventyPoisonedPrefixesDoNotPushOutIPv4onlyArpa() throws {
        var c = CraftedCapture()
        c.dns(0, answerMs: 1, clientMAC: Self.laptop, routerMAC: Self.router, client: Self.laptop4, resolver: Self.resolver4,
              port: 19999, id: 999, name: "ipv4only.arpa", type: 28, answers: ["2001:db8:64::c000:aa"], mechanism: "native_ipv4")
        func hex2(_ v: Int) -> String { (v < 16 ? "0" : "") + String(v, radix: 16) }
        for i in 0..<70 {
            for j in 0..<2 {
                let v4 = "198.51.\(100 + j).\(i + 1)"
                let aaaa = "2001:db8:f0\(hex2(i))::c633:\(String(100 + j, radix: 16))\(hex2(i + 1))"
                Self.lookup(&c, Double(10 + 8 * i + 4 * j), "p\(i)-\(j).evil.example", a: v4, aaaa: aaaa, id: UInt16(2 * i + j + 1))
            }
        }
        c.tcp(1000, clientMAC: Self.v6only, routerMAC: Self.router, client: Self.v6only6, server: CraftedCapture.a("2001:db8:64::cb00:7107"),
              cport: 40006, sport: 443, rtt: 30, mechanism: "nat64")
        let (t, _) = try c.analyze()
        #expect(t.nat64Prefixes.count == 64)
        #expect(t.nat64Prefixes.contains { $0.prefix == IPPrefix("2001:db8:64::/96")! && $0.source == .ipv4onlyArpa })
        #expect(t.nat64Prefixes.filter { $0.source == .dns64Match }.count == 61)
        #expect(t.nat64Drops.evicted == 9 && t.nat64Drops.tableFull == 0)
        // The oldest nine (f000...f008) went, the newest stayed.
        #expect(!t.nat64Prefixes.contains { $0.prefix == IPPrefix("2001:db8:f008::/96")! })
        #expect(t.nat64Prefixes.contains { $0.prefix == IPPrefix("2001:db8:f009::/96")! })
        #expect(t.nat64Prefixes.contains { $0.prefix == IPPrefix("2001:db8:f045::/96")! })
        #expect(Self.row(t, .nat64).connections == 1 && Self.row(t, .nat64).packets == 5)
        // Synthesized when answered: ipv4only.arpa's answer and the second name of each prefix
        // (the first came while its prefix was only a candidate): 1 + 70.
        #expect(t.destinations.synthesizedAAAAAnswers == 71)
    }

    @Test func bookRanksAndEvictions() {
        var book = NAT64PrefixBook(learnDocumentationPrefixes: true)
        func p(_ i: Int) -> IPPrefix { IPPrefix("2001:db8:\(String(0x100 + i, radix: 16))::/96")! }
        for i in 0..<62 { book.learn(p(i), source: .pref64, at: Int64(i)) }
        #expect(book.prefixes.count == 64)
        // Lower ranks are refused by a table of PREF64 prefixes; a PREF64 evicts the oldest one.
        let dns64 = book.learn(p(100), source: .dns64Match, at: 100)
        let arpa = book.learn(p(101), source: .ipv4onlyArpa, at: 101)
        let pref = book.learn(p(102), source: .pref64, at: 102)
        #expect(!dns64 && !arpa && pref)
        #expect(book.drops.tableFull == 2 && book.drops.evicted == 1)
        #expect(!book.prefixes.contains { $0.prefix == p(0) } && book.prefixes.contains { $0.prefix == p(1) })
        #expect(book.prefixes.contains { $0.source == .wellKnown } && book.prefixes.contains { $0.source == .localUse })
        // One DNS64 match is a candidate; the same IPv4 again does not corroborate; another does.
        var b2 = NAT64PrefixBook(learnDocumentationPrefixes: true)
        let v4a = NAT64PrefixTests.ip("192.0.2.1"), v4b = NAT64PrefixTests.ip("192.0.2.2")
        let first = b2.corroborateDNS64(p(1), ipv4: v4a, at: 1)
        let same = b2.corroborateDNS64(p(1), ipv4: v4a, at: 2)
        #expect(!first && !same && b2.pendingCandidates == 1 && !b2.contains(NAT64PrefixTests.ip("2001:db8:101::c000:201")))
        let second = b2.corroborateDNS64(p(1), ipv4: v4b, at: 3)
        #expect(second && b2.pendingCandidates == 0 && b2.prefixes.first { $0.prefix == p(1) }?.learntAt == 3)
        // Learnt again from a higher rank: the source rises, the time stays.
        b2.learn(p(1), source: .ipv4onlyArpa, at: 9)
        let upgraded = b2.prefixes.first { $0.prefix == p(1) }
        #expect(upgraded?.source == .ipv4onlyArpa && upgraded?.learntAt == 3)
        // Applies from its time: not to a record that started at 2, to one at 3.
        #expect(!b2.contains(NAT64PrefixTests.ip("2001:db8:101::c000:201"), at: 2))
        #expect(b2.contains(NAT64PrefixTests.ip("2001:db8:101::c000:201"), at: 3))
    }

    /// The laptop sends an RA with PREF64 2001:db8:bad::/96 (it forwards nothing: a rogue);
    /// the router, which forwarded replies from two public IPv4 addresses (9.9.9.9 and 1.1.1.1,
    /// by 25 ms) before, sends one
    /// with 2001:db8:6464::/96; an RA from the router's global address (RFC 4861 section 6.1.2
    /// wants link-local) with 2001:db8:6565::/96 is refused too.
    @Test func rogueRouterAdvertisementIsNotUsed() throws {
        var c = CraftedCapture()
        Self.connect(&c, 0, from: Self.laptop4, to: "9.9.9.9", port: 41000, "native_ipv4")
        Self.connect(&c, 20, from: Self.laptop4, to: "1.1.1.1", port: 41001, "native_ipv4")
        c.routerAdvertisement(100, sourceMAC: Self.laptop, source: "fe80::a", pref64: "2001:db8:bad::")
        c.routerAdvertisement(200, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:6464::")
        c.routerAdvertisement(250, sourceMAC: Self.router, source: "2001:db8:1:1::1", pref64: "2001:db8:6565::")
        Self.connect(&c, 300, from: Self.laptop6, to: "2001:db8:bad::c633:6401", port: 41002, "native_ipv6")
        Self.connect(&c, 350, from: Self.laptop6, to: "2001:db8:6565::c633:6403", port: 41003, "native_ipv6")
        Self.connect(&c, 400, from: Self.laptop6, to: "2001:db8:6464::c633:6402", port: 41004, "nat64")
        let (t, _) = try c.analyze()
        #expect(Self.learnt(t) == ["2001:db8:6464::/96 pref64"])
        #expect(t.nat64Drops.pref64NotFromRouter == 2)
        #expect(Self.row(t, .nat64).connections == 1 && Self.row(t, .nat64).packets == 5)
        for m in TransitionMechanism.allCases { #expect(Self.row(t, m).packets == (c.expected[m.name]?.packets ?? 0), "\(m.name)") }
    }

    /// RFC 8781 section 4 (adversarial n4): the router (two public IPv4 sources by 25 ms) sends
    /// PREF64 2001:db8:6464::/96 (600 s) at 100 ms and withdraws it (lifetime 0) at 300 ms; it
    /// sends 2001:db8:6565::/96 with lifetime 8 s at 500 ms. NAT64: the connections at 200 ms
    /// and 1000 ms; native: 400 ms (withdrawn) and 9000 ms (expired at 8500 ms).
    @Test func pref64WithdrawalAndExpiryEndThePrefix() throws {
        var c = CraftedCapture()
        Self.connect(&c, 0, from: Self.laptop4, to: "9.9.9.9", port: 41000, "native_ipv4")
        Self.connect(&c, 20, from: Self.laptop4, to: "1.1.1.1", port: 41001, "native_ipv4")
        c.routerAdvertisement(100, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:6464::")
        Self.connect(&c, 200, from: Self.laptop6, to: "2001:db8:6464::c633:6401", port: 41002, "nat64")
        c.routerAdvertisement(300, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:6464::", lifetime: 0)
        Self.connect(&c, 400, from: Self.laptop6, to: "2001:db8:6464::c633:6402", port: 41003, "native_ipv6")
        c.routerAdvertisement(500, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:6565::", lifetime: 8)
        Self.connect(&c, 1000, from: Self.laptop6, to: "2001:db8:6565::c633:6403", port: 41004, "nat64")
        Self.connect(&c, 9000, from: Self.laptop6, to: "2001:db8:6565::c633:6404", port: 41005, "native_ipv6")
        let (t, _) = try c.analyze()
        #expect(Self.learnt(t) == ["2001:db8:6464::/96 pref64", "2001:db8:6565::/96 pref64"])
        let withdrawn = try #require(t.nat64Prefixes.first { $0.prefix == IPPrefix("2001:db8:6464::/96")! })
        #expect(withdrawn.until == CraftedCapture.base + 300_000_000)
        let expired = try #require(t.nat64Prefixes.first { $0.prefix == IPPrefix("2001:db8:6565::/96")! })
        #expect(expired.until == CraftedCapture.base + 8_500_000_000)
        #expect(Self.row(t, .nat64).connections == 2 && Self.row(t, .nat64).packets == 10)
        for m in TransitionMechanism.allCases { #expect(Self.row(t, m).packets == (c.expected[m.name]?.packets ?? 0), "\(m.name)") }
    }

    /// Adversarial n10: once 4,096 local /64s are noted, a 4,097th cannot be tracked; learnt
    /// prefixes are then refused (the overlap check would be blind), configured ones are not.
    @Test func fullLocalNetSetRefusesLearntPrefixes() {
        var book = NAT64PrefixBook(learnDocumentationPrefixes: true)
        for n in 0..<NAT64PrefixBook.maxLocalNets { book.noteLocal(IPAddress(v6High: 0x2001_0db8_0000_0000 | UInt64(n), low: 1)) }
        let first = book.learn(IPPrefix("2001:db8:6464::/96")!, source: .pref64, at: 1)
        #expect(first)
        book.noteLocal(IPAddress(v6High: 0x2001_0db8_0001_0000, low: 1))
        #expect(book.localNetsOverflowed && book.localNets.count == NAT64PrefixBook.maxLocalNets)
        let pref = book.learn(IPPrefix("2001:db8:6565::/96")!, source: .pref64, at: 2)
        let arpa = book.learn(IPPrefix("2001:db8:6666::/96")!, source: .ipv4onlyArpa, at: 3)
        let configured = book.learn(IPPrefix("2001:db8:6767::/96")!, source: .configured, at: nil)
        #expect(!pref && !arpa && configured)
        #expect(book.drops.localTableFull == 2 && book.drops.coversLocal == 0)
    }

    /// Adversarial n1 (RFC 6890): A/AAAA pairs embedding 0.0.0.0, 127.0.0.1, 169.254.1.1 and
    /// 224.0.0.1 under 2a00:1450:99::/96 are not DNS64 evidence (not even candidates); two
    /// forwardable pairs (93.184.216.34 at 40 ms, 8.8.8.8 at 50 ms) teach it at 53 ms.
    @Test func dns64MatchesIgnoreNonForwardableIPv4() throws {
        var c = CraftedCapture()
        for (n, v4, v6) in [(1, "0.0.0.0", "2a00:1450:99::"), (2, "127.0.0.1", "2a00:1450:99::7f00:1"),
                            (3, "169.254.1.1", "2a00:1450:99::a9fe:101"), (4, "224.0.0.1", "2a00:1450:99::e000:1")] {
            Self.lookup(&c, Double(n * 10 - 10), "n\(n).example", a: v4, aaaa: v6, id: UInt16(n))
        }
        let (bad, _) = try c.analyze()
        #expect(Self.learnt(bad).isEmpty && bad.nat64Drops.dns64Uncorroborated == 0)
        Self.lookup(&c, 40, "n5.example", a: "93.184.216.34", aaaa: "2a00:1450:99::5db8:d822", id: 5)
        Self.lookup(&c, 50, "n6.example", a: "8.8.8.8", aaaa: "2a00:1450:99::808:808", id: 6)
        let (t, _) = try c.analyze()
        #expect(Self.learnt(t) == ["2a00:1450:99::/96 dns64_a_match"])
        #expect(t.nat64Prefixes.first { $0.source == .dns64Match }?.learntAt == CraftedCapture.base + 53_000_000)
    }

    /// A PREF64 from an RA sender not yet shown to forward waits, and is learnt when the sender
    /// forwards from a second public IPv4 address (9.9.9.9 at 205 ms, then 1.1.1.1's SYN-ACK at
    /// 305 ms; the NAT64 server's /64 at 105 ms is its only IPv6 /64).
    @Test func pendingPREF64IsLearntWhenItsSenderProvesToBeTheRouter() throws {
        var c = CraftedCapture()
        c.routerAdvertisement(0, sourceMAC: Self.router, source: "fe80::1", pref64: "2001:db8:6464::")
        Self.connect(&c, 100, from: Self.laptop6, to: "2001:db8:6464::c633:6401", port: 41000, "native_ipv6")
        Self.connect(&c, 200, from: Self.laptop4, to: "9.9.9.9", port: 41001, "native_ipv4")
        Self.connect(&c, 300, from: Self.laptop4, to: "1.1.1.1", port: 41002, "native_ipv4")
        Self.connect(&c, 400, from: Self.laptop6, to: "2001:db8:6464::c633:6402", port: 41003, "nat64")
        let (t, _) = try c.analyze()
        let learnt = try #require(t.nat64Prefixes.first { $0.source == .pref64 })
        #expect(learnt.learntAt == CraftedCapture.base + 305_000_000)
        #expect(t.nat64Drops.pref64NotFromRouter == 0)
        // The connection at 100 ms started before the prefix applied: native; the one at 400 ms
        // is NAT64.
        #expect(Self.row(t, .nat64).connections == 1)
        for m in TransitionMechanism.allCases { #expect(Self.row(t, m).packets == (c.expected[m.name]?.packets ?? 0), "\(m.name)") }
    }

    /// ipv4only.arpa is answered at 1000 ms. The IPv6-only client's connection to
    /// 2001:db8:64::c633:6401 started at 0 ms (SYN, SYN-ACK 10, ACK 11: native) and carried
    /// data at 2000 and 2001 ms (after the prefix: NAT64 packets); as a record it started before
    /// the prefix applied, so it is native. A connection at 1500 ms is NAT64. The AAAA of
    /// early.example (answered 501 ms) is not synthesized; late.example's (1601 ms) is.
    static func midCapture() -> CraftedCapture {
        var c = CraftedCapture()
        let server1 = CraftedCapture.a("2001:db8:64::c633:6401"), me = v6only6
        c.add(0, CraftedCapture.frame(v6only, router, CraftedCapture.tcpIP(me, server1, 42000, 443, seq: 1000, ack: 0, flags: 0x02)), "native_ipv6")
        c.add(10, CraftedCapture.frame(router, v6only, CraftedCapture.tcpIP(server1, me, 443, 42000, seq: 5000, ack: 1001, flags: 0x12)), "native_ipv6")
        c.add(11, CraftedCapture.frame(v6only, router, CraftedCapture.tcpIP(me, server1, 42000, 443, seq: 1001, ack: 5001, flags: 0x10)), "native_ipv6")
        c.dns(500, answerMs: 501, clientMAC: v6only, routerMAC: router, client: me, resolver: resolver6, port: 50001, id: 1,
              name: "early.example", type: 28, answers: ["2001:db8:64::c633:6403"], mechanism: "native_ipv6")
        c.dns(995, answerMs: 1000, clientMAC: v6only, routerMAC: router, client: me, resolver: resolver6, port: 50002, id: 2,
              name: "ipv4only.arpa", type: 28, answers: ["2001:db8:64::c000:aa"], mechanism: "native_ipv6")
        c.tcp(1500, clientMAC: v6only, routerMAC: router, client: me, server: CraftedCapture.a("2001:db8:64::c633:6402"),
              cport: 42001, sport: 443, rtt: 5, mechanism: "nat64")
        c.dns(1600, answerMs: 1601, clientMAC: v6only, routerMAC: router, client: me, resolver: resolver6, port: 50003, id: 3,
              name: "late.example", type: 28, answers: ["2001:db8:64::c633:6404"], mechanism: "native_ipv6")
        c.add(2000, CraftedCapture.frame(v6only, router, CraftedCapture.tcpIP(me, server1, 42000, 443, seq: 1001, ack: 5001, flags: 0x18, payload: 100)), "nat64")
        c.add(2001, CraftedCapture.frame(router, v6only, CraftedCapture.tcpIP(server1, me, 443, 42000, seq: 5001, ack: 1101, flags: 0x18, payload: 500)), "nat64")
        return c
    }

    @Test func learntPrefixAppliesFromTheTimeItIsLearnt() throws {
        let c = Self.midCapture()
        let (t, _) = try c.analyze()
        for m in TransitionMechanism.allCases { #expect(Self.row(t, m).packets == (c.expected[m.name]?.packets ?? 0), "\(m.name)") }
        #expect(Self.row(t, .nat64).packets == 7 && Self.row(t, .nativeIPv6).packets == 9)
        #expect(Self.row(t, .nat64).connections == 1 && Self.row(t, .nativeIPv6).connections == 4)
        #expect(t.nat64Prefixes.first { $0.source == .ipv4onlyArpa }?.learntAt == CraftedCapture.base + 1_000_000_000)
        #expect(t.destinations.synthesizedAAAAAnswers == 2 && t.destinations.aaaaSynthesizedOnly == 2 && t.destinations.withAAAA == 1)
        #expect(t.names.first { $0.name == "early.example" }?.aaaaSynthesized == 0)
    }

    @Test func configuredPrefixAppliesFromTheStart() throws {
        var options = CraftedCapture.craftedOptions
        options.nat64Prefixes = [IPPrefix("2001:db8:64::/96")!]
        let (t, _) = try Self.midCapture().analyze(options: options)
        #expect(Self.row(t, .nat64).packets == 10 && Self.row(t, .nat64).connections == 2)
        #expect(t.destinations.synthesizedAAAAAnswers == 3 && t.destinations.withAAAA == 0)
        #expect(Self.learnt(t).isEmpty)   // ipv4only.arpa taught nothing new
    }
}
