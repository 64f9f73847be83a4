import Testing
import PacketDecoding
import TrafficAnalysis
@testable import TransitionAnalysis

/// The shortcuts of the transition analysis give what the plain computations gave: the race
/// order without a tuple sort, the NAT64 top-32-bit filter, frame bindings counted in the cache.
@Suite struct TransitionFastPathTests {
    static func race(_ start: Int64, _ name: String, mac: UInt64?, tag: Int) -> RaceResult {
        RaceResult(device: DeviceKey(mac: mac, address: mac == nil ? IPAddress(v4: UInt32(tag)) : nil), name: name, start: start,
                   aAnswered: tag, aaaaAnswered: 0, aaaaSynthesized: 0, attemptsV4: 0, attemptsV6: 0,
                   quicAttemptsV4: 0, quicAttemptsV6: 0, fallback: false, loserResetByClient: false, dualStackEligible: false)
    }

    @Test func raceOrderIsTheStableTupleSort() {
        // Out of order starts, equal starts told apart by name, then by device, and fully equal
        // keys (told apart only by `aAnswered`), which keep their input order.
        let input = [
            Self.race(30, "b", mac: 2, tag: 0), Self.race(10, "z", mac: 1, tag: 1), Self.race(30, "a", mac: 9, tag: 2),
            Self.race(30, "b", mac: 1, tag: 3), Self.race(30, "b", mac: 2, tag: 4), Self.race(-5, "q", mac: nil, tag: 5),
            Self.race(30, "b", mac: nil, tag: 6), Self.race(30, "b", mac: 2, tag: 7), Self.race(.min, "", mac: 3, tag: 8),
        ]
        let ordered = HappyEyeballsRaces.inSummaryOrder(input)
        #expect(ordered.map(\.aAnswered) == [8, 5, 1, 2, 3, 0, 4, 7, 6])
        // Every prefix of the input: the same as a stable sort by the tuple.
        for n in 0...input.count {
            let part = Array(input.prefix(n))
            let expected = part.enumerated().sorted { x, y in
                let a = x.element, b = y.element
                if (a.start, a.name, a.device) < (b.start, b.name, b.device) { return true }
                if (b.start, b.name, b.device) < (a.start, a.name, a.device) { return false }
                return x.offset < y.offset
            }.map(\.element)
            #expect(HappyEyeballsRaces.inSummaryOrder(part) == expected, "first \(n)")
        }
        // Input already in order comes back as it is.
        #expect(HappyEyeballsRaces.inSummaryOrder(ordered) == ordered)
    }
}
