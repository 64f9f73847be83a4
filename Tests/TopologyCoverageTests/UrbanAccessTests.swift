import Testing
@testable import TopologyCoverage

/// Urban access nodes beside villages, every figure by hand (contention 20:1):
///
///   B ── fiber 10 000 ── U1 (building, 100 hh)       10 000 × 20 / 100 = 2000 Mbps/hh, fibre
///   B ── copper 100 ──── U2 (urban_access, 200 hh)       100 × 20 / 200 = 10 Mbps/hh
///   B ── fiber 1000 ──── V1 (village, 30 hh)           1000 × 20 / 30 ≈ 666.7 Mbps/hh
///   B ── wireless 100 ── V2 (village, 10 hh)
///                        V3 (village, 25 hh) not connected
///
/// Urban: 2 nodes, 300 households, fibre 1 (U1). Villages: V1, V2, V3 only (urban nodes are not
/// villages). Urban access 50 Mbps for every household: worst 10 → missed by 40. Gigabit fibre
/// (fibre all the way, W ≥ 1000): U1's 100 of 300 urban households = 33.3 % < 80 %. Settlements of
/// ≥ 20 households (V1, V3): V1 has broadband, V3 not → 50 %.
@Suite struct UrbanAccessTests {
    func topology() -> Topology {
        var t = Topology(name: "urban")
        t.nodes = [
            TopologyNode(id: "B", tier: .backbone),
            TopologyNode(id: "U1", tier: .building, households: 100),
            TopologyNode(id: "U2", tier: .urbanAccess, households: 200),
            TopologyNode(id: "V1", tier: .village, households: 30),
            TopologyNode(id: "V2", tier: .village, households: 10),
            TopologyNode(id: "V3", tier: .village, households: 25),
        ]
        t.links = [
            TopologyLink(a: 0, b: 1, medium: .fiber, capacityMbps: 10_000, lengthKm: 2),
            TopologyLink(a: 0, b: 2, medium: .copper, capacityMbps: 100, lengthKm: 1),
            TopologyLink(a: 0, b: 3, medium: .fiber, capacityMbps: 1000, lengthKm: 8),
            TopologyLink(a: 0, b: 4, medium: .wireless, capacityMbps: 100, lengthKm: 5),
        ]
        return t
    }

    func check(_ kind: TargetCheckKind, _ value: Double, population: CheckPopulation? = nil, threshold: Double? = nil,
               minHouseholds: Int? = nil) -> TargetCheck {
        TargetCheck(id: kind.rawValue, source: "S", metric: "m", value: value, unit: "u", comparator: .atLeast, targetYear: 2020, scope: nil,
                    confidence: .confirmed, valueTextOriginal: nil, note: nil, kind: kind, thresholdMbps: threshold,
                    requiredPercent: kind == .householdSpeed ? 100 : nil, proxy: nil, population: population, minHouseholds: minHouseholds)
    }

    @Test func urbanNodesAreScoredApartFromVillages() throws {
        let t = topology()
        let r = CoverageScorer.score(t)
        #expect(r.selection.villages == [3, 4, 5] && r.selection.urbanAccess == [1, 2])
        #expect(r.selection.accessNodes == [3, 4, 5, 1, 2])
        let u = try #require(r.urban)
        #expect(u.nodes == 2 && u.households == 300 && u.fiber == 1 && u.broadband == 2 && u.householdsFiber == 100)
        #expect(r.villages.nodes == 3 && r.villages.households == 65)
        #expect(r.byTier.map(\.group) == ["village", "building", "urban_access"])
        #expect(r.perHouseholdMbps(1) == 2000 && r.perHouseholdMbps(2) == 10)
    }

    @Test func urbanAndSettlementChecks() {
        let t = topology()
        let r = CoverageScorer.score(t)
        let p = TargetProfile(name: "p", aliases: [], title: "p", sources: ["S"], checks: [
            check(.householdSpeed, 50, population: .urban),
            check(.gigabitFibreHouseholdShare, 80, population: .urban, threshold: 1000),
            check(.settlementBroadbandShare, 100, minHouseholds: 20),
            check(.householdSpeed, 12),
        ], context: [])
        let res = TargetScorer.score(p, report: r, topology: t)
        #expect(res[0].measured == 10 && res[0].met == false && res[0].gap == 40 && res[0].population == 300)
        #expect(abs(res[1].measured! - 100.0 / 3) < 1e-9 && res[1].met == false)
        #expect(res[2].measured == 50 && res[2].population == 2 && res[2].populationUnit == "settlements of 20+ households")
        // Villages only: V3 unreached → worst household 0 Mbps.
        #expect(res[3].measured == 0 && res[3].met == false)
    }

    @Test func urbanChecksAreNotApplicableWithoutUrbanNodes() throws {
        let t = handBuiltTopology()
        let p = try #require(try TargetCatalog.bundled().profile(named: "gigabit-plan"))
        let res = TargetScorer.score(p, report: CoverageScorer.score(t), topology: t)
        #expect(res.count == 1 && res[0].status == .notApplicable && res[0].notApplicable != nil)
        // With the urban topology the same bundled check is scored: 33.3 % of 80 %.
        let u = topology()
        let scored = TargetScorer.score(p, report: CoverageScorer.score(u), topology: u)
        #expect(scored[0].status == .missed && abs(scored[0].measured! - 100.0 / 3) < 1e-9)
    }
}
