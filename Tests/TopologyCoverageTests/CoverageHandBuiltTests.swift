import Testing
@testable import TopologyCoverage

/// A hand-built access network whose every figure is computed by hand below.
///
///        B (backbone, IPv6)
///       / \
///  fiber   fiber 50 Mbps, 20 km
///  1000     \
///  10 km     V3 (10 hh)
///     |      |
///     T ---- | ------------- fiber 200, 4 km (IPv6) ---- V2 (100 hh, IPv6)
///     |      +-- wireless 500, 2 km --------------------/
///     |-- copper 100, 3 km -- V1 (50 hh, IPv6 node, link not IPv6)
///     |== fiber 300 ×2 (parallel), 5 km each == V5 (40 hh)
///   V4 (20 hh) isolated
///
/// Widest paths: T 1000; V1 min(1000,100)=100; V2 max(min(1000,200), min(50,500)) = 200;
/// V3 max(50, min(1000,200,500)) = 200; V5 min(1000,300) = 300 (parallel links NOT summed);
/// V4 0. Fiber-only widest: V1 0 (copper), V2 200, V3 50 (its 200 path uses the wireless
/// link), V5 300. So fiber all the way: V2, V5 only; V3 is the case where a fiber path exists
/// (50) but not on a widest path (200): its first non-fiber segment is V2–V3 (wireless).
/// Bridges: only T–V1 (B-T-V2-V3-B is a cycle; T=V5 is a parallel pair). Articulation
/// points: T. Behind a bridge: V1. Components: 2. Diameter of the big one: 3 (V1 to V3).
/// Per household at 20:1: V1 100×20/50 = 40; V2 200×20/100 = 40; V3 200×20/10 = 400;
/// V5 300×20/40 = 150; V4 0.
/// Hops: T 1, V1 2, V2 2, V3 1, V5 2. Path km: V3 min(20, 10+4+2) = 16.
/// Latency V3: min(20×5 µs, (10+4)×5 µs + 2×3.34 µs) = min(0.1, 0.07668) ms = 0.07668 ms.
/// IPv6 end to end: B, T, V2 (B–T and T–V2 links IPv6); V1 no (its link is not).
/// km by medium: fiber 10+4+20+5+5 = 44, copper 3, wireless 2.
func handBuiltTopology() -> Topology {
    var t = Topology(name: "hand")
    t.nodes = [
        TopologyNode(id: "B", tier: .backbone, region: ["R1"], ipv6: true),
        TopologyNode(id: "T", tier: .township, region: ["R1"], ipv6: true),
        TopologyNode(id: "V1", tier: .village, region: ["R1"], households: 50, ipv6: true),
        TopologyNode(id: "V2", tier: .village, region: ["R2"], households: 100, ipv6: true),
        TopologyNode(id: "V3", tier: .village, region: ["R2"], households: 10),
        TopologyNode(id: "V4", tier: .village, region: ["R2"], households: 20),
        TopologyNode(id: "V5", tier: .village, region: ["R1"], households: 40),
    ]
    t.links = [
        TopologyLink(a: 0, b: 1, medium: .fiber, capacityMbps: 1000, lengthKm: 10, ipv6: true),
        TopologyLink(a: 1, b: 2, medium: .copper, capacityMbps: 100, lengthKm: 3, ipv6: false),
        TopologyLink(a: 1, b: 3, medium: .fiber, capacityMbps: 200, lengthKm: 4, ipv6: true),
        TopologyLink(a: 3, b: 4, medium: .wireless, capacityMbps: 500, lengthKm: 2),
        TopologyLink(a: 0, b: 4, medium: .fiber, capacityMbps: 50, lengthKm: 20),
        TopologyLink(a: 1, b: 6, medium: .fiber, capacityMbps: 300, lengthKm: 5),
        TopologyLink(a: 1, b: 6, medium: .fiber, capacityMbps: 300, lengthKm: 5),
    ]
    return t
}

@Suite struct CoverageHandBuiltTests {
    let t = handBuiltTopology()
    var r: CoverageReport { CoverageScorer.score(t) }

    @Test func widestPathsAndFiber() {
        let r = self.r
        #expect(r.bottleneckMbps == [.infinity, 1000, 100, 200, 200, 0, 300])
        #expect(r.fiberBottleneckMbps[2] == 0 && r.fiberBottleneckMbps[4] == 50 && r.fiberBottleneckMbps[6] == 300)
        #expect(r.fiberPath[2] == false && r.fiberPath[3] == true && r.fiberPath[4] == false && r.fiberPath[5] == false && r.fiberPath[6] == true)
        #expect(r.firstNonFiberLink[2] == 1)   // T–V1 copper
        #expect(r.firstNonFiberLink[4] == 3)   // V2–V3 wireless
        // From the backbone: B –fiber– T –fiber– V2 –wireless– V3, so the wireless link runs V2 → V3.
        #expect(r.row(4, in: t).firstNonFiberSegment == NonFiberSegment(from: "V2", to: "V3", medium: "wireless"))
    }

    @Test func bridgesAndConnectivity() {
        let r = self.r
        #expect(r.network.bridges == 1)
        #expect(r.network.articulationPoints == 1)
        #expect(r.network.components == 2)
        #expect(r.network.diameterHops == 3)
        #expect(r.behindBridge == [false, false, true, false, false, false, false])
        #expect([2, 3, 4, 5, 6].map { r.edgeConnectivity($0) } == [1, 2, 2, 0, 2])
        #expect(r.incidentBridges[1] == 1 && r.incidentBridges[2] == 1 && r.incidentBridges[6] == 0)
    }

    @Test func perHouseholdHopsLengthLatencyIPv6() {
        let r = self.r
        #expect([2, 3, 4, 5, 6].map { r.perHouseholdMbps($0)! } == [40, 40, 400, 0, 150])
        #expect(r.hops == [0, 1, 2, 2, 1, -1, 2])
        #expect(r.pathKm[4] == 16)
        #expect(abs(r.latencyMs[4] - 0.07668) < 1e-12)
        #expect(r.ipv6EndToEnd == [true, true, false, true, false, false, false])
        #expect(r.network.kmByMedium == ["fiber": 44, "copper": 3, "wireless": 2])
    }

    /// Shares over the 5 villages (all with households, 220 households): broadband 4/5;
    /// fiber 2/5; meets 50 Mbps: V3 (400) and V5 (150) → 2/5 villages, (10+40)/220 households.
    @Test func aggregates() {
        let r = self.r
        let v = r.villages
        #expect(v.nodes == 5 && v.households == 220)
        #expect(v.broadbandShare == 0.8 && v.fiberShare == 0.4)
        let i50 = r.options.thresholdsMbps.firstIndex(of: 50)!
        #expect(v.meetsShare(i50) == 0.4)
        #expect(v.meetsHouseholdsShare(i50) == 50.0 / 220.0)
        #expect(r.byRegion.map(\.group) == ["R1", "R2"])
        #expect(r.byRegion[0].nodes == 2 && r.byRegion[1].nodes == 3)
        // R2 = V2 (40 Mbps/hh), V3 (400), V4 (0): worst first; R1 = V1 (40), V5 (150).
        #expect(r.byRegion[1].worstVillageIds == ["V4", "V2", "V3"] && r.byRegion[1].worstVillageMbps == [0, 40, 400])
        #expect(r.byRegion[0].worstVillageIds == ["V1", "V5"])
        #expect(r.byRegion[1].householdsBroadband == 110)   // V2 100 + V3 10; V4 unreached
        // Worst first: V4 (0), then V1/V2 (40 each), V5, V3.
        #expect(r.worstVillages.first == 5)
        #expect(r.worstVillages.last == 4)
    }

    @Test func contentionRatioChangesPerHousehold() {
        let r = CoverageScorer.score(t, options: CoverageOptions(contentionRatio: 1))
        // V2: 200 × 1 / 100 = 2 Mbps.
        #expect(r.perHouseholdMbps(3) == 2)
    }

    @Test func unknownCapacityIsUnusableUnlessGiven() {
        var u = t
        u.links[0].capacityMbps = nil   // B–T unknown
        let r0 = CoverageScorer.score(u)
        // T now only via V3–V2–T: min(50, 500, 200) = 50 (B–V3 50).
        #expect(r0.bottleneckMbps[1] == 50)
        let r1 = CoverageScorer.score(u, options: CoverageOptions(unknownCapacityMbps: 1000))
        #expect(r1.bottleneckMbps[1] == 1000)
    }
}

/// The first non-fiber segment is oriented from the backbone whatever the order of the link's
/// ends in the input: B –fiber– T, then the copper link written as (V, T). From the backbone the
/// path is B → T → V, so the segment is from T to V, medium copper; the CSV splits it into columns.
@Test func firstNonFiberSegmentIsOrientedFromTheBackbone() throws {
    var t = Topology(name: "orient")
    t.nodes = [TopologyNode(id: "B", tier: .backbone), TopologyNode(id: "T", tier: .township), TopologyNode(id: "V", tier: .village, households: 10)]
    t.links = [TopologyLink(a: 0, b: 1, medium: .fiber, capacityMbps: 1000), TopologyLink(a: 2, b: 1, medium: .copper, capacityMbps: 100)]
    let r = CoverageScorer.score(t)
    #expect(r.row(2, in: t).firstNonFiberSegment == NonFiberSegment(from: "T", to: "V", medium: "copper"))
    #expect(r.row(1, in: t).firstNonFiberSegment == nil)   // T is on fiber all the way
}
