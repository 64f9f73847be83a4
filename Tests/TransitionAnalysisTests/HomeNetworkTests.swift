import Testing
import PacketDecoding
import TrafficAnalysis
@testable import TransitionAnalysis

/// The crafted home network (HomeNetwork.build) against figures worked out by hand; the
/// reasoning for each number is in the comments and in docs/transition.md "Worked example".
@Suite struct HomeNetworkTests {
    static let result: (TransitionSummary, AdoptionSummary, [String: (packets: UInt64, bytes: UInt64)]) = {
        let c = HomeNetwork.build()
        let (t, s) = try! c.analyze()
        return (t, s, c.expected)
    }()
    var t: TransitionSummary { Self.result.0 }
    var summary: AdoptionSummary { Self.result.1 }
    var labelled: [String: (packets: UInt64, bytes: UInt64)] { Self.result.2 }

    func row(_ m: TransitionMechanism) -> TransitionSummary.MechanismRow { t.mechanisms.first { $0.mechanism == m }! }

    @Test func packetsAndBytesPerMechanismMatchTheHandLabels() {
        for m in TransitionMechanism.allCases {
            let e = labelled[m.name] ?? (0, 0)
            #expect(row(m).packets == e.packets, "\(m.name) packets")
            #expect(row(m).bytes == e.bytes, "\(m.name) bytes")
        }
        #expect(t.nonIPPackets == labelled["non_ip"]!.packets)
        // DS-Lite: 2 packets up, 1 down, the inner B4 address 192.0.0.2 in all 3.
        #expect(row(.dsLite).packets == 3)
        #expect(t.dsLiteB4AddressedPackets == 3)
        #expect(row(.xlat464).packets == 2)
        #expect(row(.nat64).packets == 10)   // two 5-packet TCP connections
    }

    @Test func censusAgreesWithTheSummaryFamilies() {
        let v6 = t.mechanisms.filter { $0.mechanism.family == .v6 }.reduce(0) { $0 + $1.packets }
        let v4 = t.mechanisms.filter { $0.mechanism.family == .v4 }.reduce(0) { $0 + $1.packets }
        #expect(v6 == summary.innermost.ipv6.packets)
        #expect(v4 == summary.innermost.ipv4.packets)
        #expect(t.nonIPPackets == summary.innermost.other.packets)
    }

    @Test func connectionsPerMechanism() {
        // IPv4: laptop DNS 6 + d.example 1, broken DNS 2 + fallback 1, printer 1.
        #expect(row(.nativeIPv4).connections == 11)
        // NAT64: v4only.example (ipv4only.arpa prefix) and the PREF64 one.
        #expect(row(.nat64).connections == 2)
        #expect(row(.xlat464).connections == 1)
        #expect(row(.dsLite).connections == 1)
        // Native IPv6: NTP, a.example, b.example SYN, c.example QUIC, d.example, 2 DNS over IPv6, the RA.
        #expect(row(.nativeIPv6).connections == 8)
        #expect(t.connections.translated == 3)
    }

    @Test func nat64PrefixesLearnt() {
        let learnt = t.nat64Prefixes.filter { $0.learntAt != nil }.map { "\($0.prefix) \($0.source.rawValue)" }
        #expect(learnt == ["2001:db8:64::/96 ipv4only_arpa", "2001:db8:6464::/96 pref64"])
        // ipv4only.arpa's two answers and v4only.example's one are synthesized.
        #expect(t.destinations.synthesizedAAAAAnswers == 3)
        #expect(t.destinations.aaaaSynthesizedOnly == 2)
    }

    @Test func happyEyeballsAggregates() {
        let h = t.happyEyeballs
        #expect(h.races == 5)                       // a, b, c, d, v4only.example
        #expect(h.dualStackEligibleRaces == 4)       // v4only.example has no A and a synthesized AAAA
        #expect(h.lookupsWithoutAttempt == 1)        // ipv4only.arpa
        #expect(h.racesBothFamiliesAttempted == 2)   // b, d
        #expect(h.ipv6First == 4 && h.ipv4First == 0)
        #expect(h.ipv6Won == 2 && h.ipv4Won == 2)    // a, c / b (fallback), d (data over IPv4)
        #expect(h.ipv6WonShare == 0.5)
        #expect(h.fallbacks == 1 && h.racesWithIPv6Attempt == 4 && h.fallbackRate == 0.25)
        #expect(h.loserResetByClient == 1)
        #expect(h.attemptsV4 == 2 && h.attemptsV6 == 4 && h.quicAttemptsV6 == 1 && h.quicAttemptsV4 == 0)
        // CAD: b 1265 - 1015 = 250 ms, d 4315 - 4015 = 300 ms; nearest rank: median = 1st of 2, p90 = 2nd.
        #expect(h.connectionAttemptDelay.count == 2)
        #expect(h.connectionAttemptDelay.percentileMilliseconds(50) == 250)
        #expect(h.connectionAttemptDelay.percentileMilliseconds(90) == 300)
        // RD: c.example, A answer 3005, first attempt 3041 -> 36 ms.
        #expect(h.resolutionDelay.count == 1)
        #expect(h.resolutionDelay.percentileMilliseconds(50) == 36)
        #expect(h.brokenIPv6Devices == 1)
    }

    @Test func racesOneByOne() throws {
        func race(_ name: String) throws -> RaceResult { try #require(t.races.first { $0.name == name }) }
        let a = try race("a.example")
        #expect(a.firstFamily == .v6 && a.winner == .v6 && a.connectionAttemptDelay == nil && a.resolutionDelay == nil)
        #expect(a.aaaaQuery.map { $0 - a.start } == 0 && a.aaaaAnswer.map { $0 - a.start } == 10_000_000)
        let b = try race("b.example")
        #expect(b.fallback && b.winner == .v4 && b.connectionAttemptDelay == 250_000_000 && b.firstHandshakeFamily == .v4)
        let c = try race("c.example")
        #expect(c.resolutionDelay == 36_000_000 && c.winner == .v6 && c.quicAttemptsV6 == 1)
        let d = try race("d.example")
        // v4 handshake completes at 4315 + 11 = 4326, v6 at 4015 + 351 = 4366.
        #expect(d.firstHandshakeFamily == .v4 && d.dataFamily == .v4 && d.winner == .v4 && d.loserResetByClient)
        #expect(d.connectionAttemptDelay == 300_000_000 && !d.fallback)
        let n = try race("v4only.example")
        #expect(!n.dualStackEligible && n.aaaaSynthesized == 1 && n.attemptsV6 == 1)
    }

    @Test func preferredShareAndDestinations() {
        // Used connections to names with A and real AAAA: a v6, b v4, c v6 (QUIC), d v4 (the v6
        // one was reset before any payload).
        #expect(t.preference.eligibleConnections == 4 && t.preference.ipv6 == 2 && t.preference.share == 0.5)
        #expect(t.destinations.namesLookedUp == 6)
        #expect(t.destinations.withAAAA == 4)
        #expect(t.destinations.reachedOnlyOverIPv4DespiteAAAA == 2)   // b, d
        #expect(t.destinations.aaaaEmpty == 0)
    }

    @Test func devices() throws {
        let d = t.deviceCounts
        // laptop, broken, IPv6-only, phone, 192.0.0.2 (DS-Lite inner, no MAC of its own), printer.
        #expect(d.devices == 6)
        #expect(d.routerMACs == 1)
        #expect(d.dualStack == 2 && d.ipv6Only == 2 && d.ipv4Only == 2 && d.localOnly == 0)
        #expect(d.usingIPv6 == 4 && d.usingIPv6Natively == 3)
        #expect(t.deviceShare.ipv6 == 3 && t.deviceShare.translated == 1 && t.deviceShare.ipv4 == 2)
        #expect(d.ipv6Addresses == 6 && d.eui64 == 1 && d.stable == 3 && d.temporary == 2)
        let laptop = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_0a })
        #expect(laptop.stack == .dualStack && laptop.ipv4Addresses == 1 && laptop.ipv6Addresses == 3)
        let iids = laptop.addresses.filter { $0.interfaceID != nil }.map { "\($0.address) \($0.interfaceID!.rawValue)" }
        #expect(iids == ["2001:db8:1:1:1111:2222:3333:4444 stable", "2001:db8:1:1:aaaa::1 temporary", "2001:db8:1:1:bbbb::2 temporary"])
        #expect(laptop.eligibleConnections == 3 && laptop.eligibleIPv6 == 2)
        #expect(laptop.mechanisms == [.nat64, .nativeIPv6, .nativeIPv4])
        let broken = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_0b })
        #expect(broken.brokenIPv6 && broken.eui64 == 1)
        let printer = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_0f })
        #expect(printer.stack == .ipv4Only && !printer.usesIPv6)
        let phone = try #require(t.devices.first { $0.key.mac == 0x02_00_00_00_00_0d })
        #expect(phone.stack == .ipv6Only && phone.usesIPv6 && !phone.usesIPv6Natively && phone.mechanisms == [.xlat464])
        #expect(!t.devices.contains { $0.key.mac == 0x02_00_00_00_00_01 })
    }
}
