import Testing
@testable import TopologyCoverage

/// Missing capacity data must not be reported as a confirmed miss.
///
///     B (backbone) --fiber, capacity unknown-- V1 (100 hh)
///     B            --fiber, 1000 Mbps--------- V2 (100 hh)
///
/// Without --unknown-capacity the unknown link counts 0 Mbps: V1 would have no broadband and
/// 0 Mbps per household, so "villages with broadband > 98 %" would read 50 % MISSED although
/// the data simply lack V1's capacity. The rule: the topology has 1 link of unknown capacity
/// and no --unknown-capacity was given → every check is "not measurable" (met nil, so
/// --fail-on-miss cannot fire), reason "1 link of unknown capacity; pass --unknown-capacity MBPS".
/// With --unknown-capacity 1000: V1 and V2 both 1000 × 20 / 100 = 200 Mbps per household ≥ 12,
/// broadband 100 % > 98 % → every check of broadband-china-2020 met.
/// With --unknown-capacity 10: V1 10 × 20 / 100 = 2 Mbps < 12 → the speed check is missed (a
/// real miss under a stated assumption), broadband still 100 %.
@Suite struct UnknownCapacityTests {
    func topology() -> Topology {
        var t = Topology(name: "unknown-capacity")
        t.nodes = [
            TopologyNode(id: "B", tier: .backbone),
            TopologyNode(id: "V1", tier: .village, households: 100),
            TopologyNode(id: "V2", tier: .village, households: 100),
        ]
        t.links = [
            TopologyLink(a: 0, b: 1, medium: .fiber, capacityMbps: nil, lengthKm: 5),
            TopologyLink(a: 0, b: 2, medium: .fiber, capacityMbps: 1000, lengthKm: 5),
        ]
        return t
    }

    func results(unknownCapacity: Double?) throws -> [TargetResult] {
        let profile = try #require(try TargetCatalog.bundled().profile(named: "broadband-china-2020"))
        var o = CoverageOptions(unknownCapacityMbps: unknownCapacity ?? 0)
        o.unknownCapacityGiven = unknownCapacity != nil
        o.thresholdsMbps = Array(Set(o.thresholdsMbps + profile.speedsMbps)).sorted()
        let t = topology()
        return TargetScorer.score(profile, report: CoverageScorer.score(t, options: o), topology: t)
    }

    @Test func unknownCapacityWithoutAnAssumptionIsNotMeasurable() throws {
        let r = try results(unknownCapacity: nil)
        #expect(!r.isEmpty)
        for x in r {
            #expect(x.met == nil && x.measured == nil && x.gap == nil, "\(x.check.id)")
            #expect(x.status == "not measurable")
            #expect(x.notMeasurable == "1 link of unknown capacity; pass --unknown-capacity MBPS")
        }
    }

    @Test func statedAssumptionIsScored() throws {
        let fast = try results(unknownCapacity: 1000)
        #expect(fast.allSatisfy { $0.met == true && $0.notMeasurable == nil })
        let slow = try results(unknownCapacity: 10)
        let speed = try #require(slow.first { $0.check.kind == .householdSpeed })
        #expect(speed.met == false && speed.status == "missed")
        let share = try #require(slow.first { $0.check.kind == .villageBroadbandShare })
        #expect(share.met == true && share.measured == 100)
    }

    /// A topology whose capacities are all known is scored as before, with or without the option.
    @Test func knownCapacitiesAreUnaffected() throws {
        var t = topology()
        t.links[0].capacityMbps = 1000
        let profile = try #require(try TargetCatalog.bundled().profile(named: "broadband-china-2020"))
        let r = TargetScorer.score(profile, report: CoverageScorer.score(t, options: CoverageOptions()), topology: t)
        #expect(r.allSatisfy { $0.notMeasurable == nil && $0.met == true })
    }
}
