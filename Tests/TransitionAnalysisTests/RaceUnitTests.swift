import Testing
import PacketDecoding
import TrafficAnalysis
@testable import TransitionAnalysis

/// Race boundaries (docs/transition.md "Happy Eyeballs") on hand-made transactions.
@Suite struct RaceUnitTests {
    static let ms: Int64 = 1_000_000
    static let device = DeviceKey(mac: 0x02_00_00_00_00_0a, address: nil)
    static let v4 = IPAddress(v4: 0xc633_6401), v6 = IPAddress(v6High: 0x2001_0db8_00ff_0000, low: 1)

    static func tx(_ type: UInt16, query: Int64?, response: Int64?) -> DNSTransaction {
        var t = DNSTransaction(client: IPAddress(v4: 0xc0a8_010a), clientPort: 5000, server: IPAddress(v4: 0xc0a8_0101), serverPort: 53,
                               transport: .udp, family: .v4, id: 1, qname: "x.example", qtype: type, qclass: 1,
                               status: response == nil ? .unanswered : .answered)
        t.queryTimestamp = query.map { $0 * ms }
        t.responseTimestamp = response.map { $0 * ms }
        return t
    }

    static func attempt(_ family: IPFamily, at start: Int64, established: Bool = true) -> RaceAttempt {
        RaceAttempt(family: family, mechanism: family == .v4 ? .nativeIPv4 : .nativeIPv6, transportProtocol: 6,
                    responder: family == .v4 ? v4 : v6, start: start * ms, established: established,
                    completedAt: established ? (start + 20) * ms : nil, payloadBytes: established ? 100 : 0,
                    state: established ? .sf : .s0, connectionID: 1)
    }

    @Test func anEarlierQueryAnsweredLaterJoinsTheRace() {
        var r = HappyEyeballsRaces(window: 10_000 * Self.ms, maxRaces: 16)
        // A asked at 0 ms, answered at 50; AAAA asked at 1, answered at 5: the AAAA record finishes first.
        r.add(Self.tx(28, query: 1, response: 5), device: Self.device, addresses: [Self.v6])
        r.add(Self.tx(1, query: 0, response: 50), device: Self.device, addresses: [Self.v4])
        #expect(r.races.count == 1)
        #expect(r.races[0].start == 0 && r.races[0].aQuery == 0 && r.races[0].aaaaAnswer == 5 * Self.ms)
        // AAAA answered first: no Resolution Delay; IPv6 at 60, IPv4 at 310: CAD 250 ms.
        r.add(attempt: Self.attempt(.v6, at: 60), device: Self.device)
        r.add(attempt: Self.attempt(.v4, at: 310), device: Self.device)
        let res = r.results(isSynthesized: { _ in false })[0]
        #expect(res.resolutionDelay == nil && res.connectionAttemptDelay == 250 * Self.ms && res.firstFamily == .v6)
    }

    @Test func aLaterLookupStartsANewRaceAndTakesLaterAttempts() {
        var r = HappyEyeballsRaces(window: 10_000 * Self.ms, maxRaces: 16)
        r.add(Self.tx(1, query: 0, response: 10), device: Self.device, addresses: [Self.v4])
        r.add(Self.tx(1, query: 20_000, response: 20_010), device: Self.device, addresses: [Self.v4])
        #expect(r.races.count == 2)
        #expect(r.add(attempt: Self.attempt(.v4, at: 100), device: Self.device) == 0)
        #expect(r.add(attempt: Self.attempt(.v4, at: 20_100), device: Self.device) == 1)
        // Outside every window: no race.
        #expect(r.add(attempt: Self.attempt(.v4, at: 50_000), device: Self.device) == nil)
        // Another device was not answered these addresses.
        #expect(r.add(attempt: Self.attempt(.v4, at: 100), device: DeviceKey(mac: 1, address: nil)) == nil)
    }

    @Test func resolutionDelayWhenTheAAnswerComesFirst() {
        var r = HappyEyeballsRaces(window: 10_000 * Self.ms, maxRaces: 16)
        r.add(Self.tx(1, query: 0, response: 5), device: Self.device, addresses: [Self.v4])
        r.add(Self.tx(28, query: 0, response: 40), device: Self.device, addresses: [Self.v6])
        r.add(attempt: Self.attempt(.v6, at: 41), device: Self.device)
        let res = r.results(isSynthesized: { _ in false })[0]
        #expect(res.resolutionDelay == 36 * Self.ms && res.winner == .v6 && res.dualStackEligible)
        // The same race with the AAAA synthesized is not dual-stack-eligible.
        #expect(!r.results(isSynthesized: { $0 == Self.v6 })[0].dualStackEligible)
    }
}
