import Testing
@testable import TopologyCoverage

/// A hand-built national network with data centres, landing stations and three provinces:
///
///   B1 (P1) ══ e0 100 G, e3 10 G (parallel), 100 km ══ B2 (P2) ── e1 40 G, 200 km ── B3 (P3)
///   B1 ── e2 10 G, 300 km ── B3
///   B1 ── e4 10 G, 10 km ── IDC1 (role idc) ── e5 1 G, 20 km ── V1 (100 hh)
///                                   IDC1 ── e12 1 G, no length, no coordinates ── V3 (10 hh)
///   B2 ── e6 1 G, 3000 km ── V2 (50 hh)
///   B2 ── e7 100 G, 50 km ── L1 (role landing) ══ e9 20 G, e11 5 G (international) ══ F (abroad)
///   B3 ── e8 100 G, 50 km ── L2 (role international_gateway) ── e10 30 G (international) ── F
///
/// IDC reach (guided 5 µs/km): V1 20 km → 0.1 ms, 1 hop, 1000 Mbps; V2 over B2–B1–IDC1:
/// (3000 + 100 + 10) km → 15.55 ms, 3 hops, min(1000, 100 000, 10 000) = 1000 Mbps; V3 0 ms but
/// only a lower bound (unknown length). Households within 10 ms: 100 (V1); within 20 and 50 ms:
/// 150 (V1 + V2); V3 counts within no bound; 160 households.
///
/// International: links e9, e10, e11 in service (L1 and L2 reached over domestic links):
/// 20 000 + 30 000 + 5000 = 55 000 Mbps. Diversity: B2–L1 and B3–L2 are edge-disjoint → 2.
/// Failures: e7 or B2 lose e9 + e11 = 25 000; e8, e10, L2 or B3 lose 30 000; F is abroad (not a
/// candidate). Worst: 30 000, the tie going to a link first, lowest index → e8 (B3–L2).
///
/// Backbone min cuts (backbone links e0, e1, e2, e3 only):
/// P1–P2: flow B1→B2 directly 100 000 + 10 000, via B3 min(10 000, 40 000) → 120 000; residual
/// from B1 reaches nothing else, cut {e0, e2, e3}.
/// P1–P3: directly 10 000, via B2 min(110 000, 40 000) → 50 000; B2 stays on B1's side, cut
/// {e1, e2}. P2–P3: directly 40 000, via B1 min(110 000, 10 000) → 50 000; cut {e1, e2}.
func infrastructureTopology() -> Topology {
    var t = Topology(name: "infra")
    t.nodes = [
        TopologyNode(id: "B1", tier: .backbone, region: ["P1"]),
        TopologyNode(id: "B2", tier: .backbone, region: ["P2"]),
        TopologyNode(id: "B3", tier: .backbone, region: ["P3"]),
        TopologyNode(id: "IDC1", tier: .metro, region: ["P1"], attributes: ["role": "idc"]),
        TopologyNode(id: "L1", tier: .metro, region: ["P2"], attributes: ["role": "Landing"]),
        TopologyNode(id: "L2", tier: .metro, region: ["P3"], attributes: ["role": "international_gateway; ixp"]),
        TopologyNode(id: "V1", tier: .village, region: ["P1"], households: 100),
        TopologyNode(id: "V2", tier: .village, region: ["P2"], households: 50),
        TopologyNode(id: "F", tier: .unknown),
        TopologyNode(id: "V3", tier: .village, region: ["P1"], households: 10),
    ]
    func fiber(_ a: Int, _ b: Int, _ cap: Double, _ km: Double?, _ attrs: [String: String] = [:]) -> TopologyLink {
        TopologyLink(a: a, b: b, medium: .fiber, capacityMbps: cap, lengthKm: km, attributes: attrs)
    }
    t.links = [
        fiber(0, 1, 100_000, 100), fiber(1, 2, 40_000, 200), fiber(0, 2, 10_000, 300), fiber(0, 1, 10_000, 100),
        fiber(0, 3, 10_000, 10), fiber(3, 6, 1000, 20), fiber(1, 7, 1000, 3000), fiber(1, 4, 100_000, 50), fiber(2, 5, 100_000, 50),
        fiber(4, 8, 20_000, 1000, ["international": "true"]), fiber(5, 8, 30_000, 1000, ["international": "1"]),
        fiber(4, 8, 5000, 1000, ["international": "yes"]), fiber(3, 9, 1000, nil),
    ]
    return t
}

@Suite struct InfrastructureTests {
    let t = infrastructureTopology()

    @Test func idcReachPerNodeAndGroup() throws {
        let r = CoverageScorer.score(t)
        let idc = try #require(r.infrastructure.idcReach)
        #expect(idc.idcs == [3])
        #expect(idc.nearest[6] == 3 && idc.nearest[7] == 3 && idc.nearest[9] == 3 && idc.nearest[3] == 3 && idc.latencyMs[3] == 0)
        #expect(abs(idc.latencyMs[6] - 0.1) < 1e-12 && idc.hops[6] == 1 && idc.bottleneckMbps[6] == 1000)
        #expect(abs(idc.latencyMs[7] - 15.55) < 1e-9 && idc.hops[7] == 3 && idc.bottleneckMbps[7] == 1000)
        #expect(idc.latencyMs[9] == 0 && idc.latencyLowerBound[9] && !idc.latencyLowerBound[6] && !idc.latencyLowerBound[7])
        let villages = try #require(idc.groups.first)
        #expect(villages.group == "villages" && villages.nodes == 3 && villages.reached == 3 && villages.households == 160)
        #expect(villages.withinMs == [100, 150, 150] && villages.latencyLowerBounds == 1)
        // Hops V1 1, V2 3, V3 1 → mean 5/3, max 3; capacities 1000 each → median 1000.
        #expect(abs(villages.hopsMean! - 5.0 / 3) < 1e-12 && villages.hopsMax == 3 && villages.bottleneckMedianMbps == 1000)
        #expect(abs(villages.withinShare(0)! - 100.0 / 160) < 1e-12)
        // Per region (P1: V1, V3; P2: V2).
        #expect(idc.groups.map(\.group) == ["villages", "P1", "P2"])
        #expect(idc.groups[2].withinMs == [0, 50, 50])
    }

    @Test func pathLengthLowerBoundFlags() {
        let r = CoverageScorer.score(t)
        // V3 is reached over e12 (no length): its 10 km (B1–IDC1) is a lower bound; V1's is exact.
        #expect(r.pathKm[9] == 10 && r.pathKmLowerBound[9] && r.latencyMsLowerBound[9])
        #expect(r.pathKm[6] == 30 && !r.pathKmLowerBound[6] && !r.latencyMsLowerBound[6])
        #expect(r.row(9, in: t).pathKmLowerBound == true && r.row(6, in: t).pathKmLowerBound == false)
        // Every link is counted by medium (13 fiber links); km leaves the unknown one out.
        #expect(r.network.linksByMedium == ["fiber": 13] && r.network.linksWithoutLength == 1)
    }

    @Test func internationalEgress() throws {
        let r = CoverageScorer.score(t)
        let x = try #require(r.infrastructure.international)
        #expect(x.landingStations == [4, 5])
        #expect(x.internationalLinks == [9, 10, 11] && x.linksInService == [9, 10, 11])
        #expect(x.capacityMbps == 55_000 && x.linksUnknownCapacity == 0)
        #expect(x.diversity == 2)
        let w = try #require(x.worstFailure)
        #expect(w.link == 8 && w.node == nil && w.lostMbps == 30_000 && w.linksLost == [10])
    }

    @Test func singleHomedLandingHasDiversityOne() throws {
        // Cut B3–L2 and hang L2 behind L1: both landing stations now sit behind e7.
        var t = self.t
        t.links[8] = TopologyLink(a: 4, b: 5, medium: .fiber, capacityMbps: 100_000, lengthKm: 5)
        let x = try #require(CoverageScorer.score(t).infrastructure.international)
        #expect(x.diversity == 1)
        let w = try #require(x.worstFailure)
        #expect(w.link == 7 && w.lostMbps == 55_000 && w.linksLost == [9, 10, 11])
    }

    @Test func backboneRegionMinCuts() throws {
        let r = CoverageScorer.score(t)
        let b = try #require(r.infrastructure.backboneCuts)
        #expect(b.regions == ["P1", "P2", "P3"] && b.backboneLinks == [0, 1, 2, 3] && b.linksUnknownCapacity == 0)
        #expect(b.pairs.map(\.minCutMbps) == [120_000, 50_000, 50_000])
        #expect(b.pairs.map(\.bottleneckLinks) == [[0, 2, 3], [1, 2], [1, 2]])
        #expect(b.weakest(1).first.map { "\($0.regionA)-\($0.regionB)" } == "P1-P3")
    }

    /// Found by FuzzCSVPair: a backbone whose every node is its own level-1 region made the
    /// pairwise cuts grow as r² max flows (56 regions: 13 s in a sanitized build). 300 regions in a
    /// ring: only the 64 with the most backbone nodes (here: ties, so the first 64 by name) take
    /// part, the other 236 are named as omitted, and a ring's cut between any two regions is two
    /// links (2 × 10 Gbps).
    @Test func regionPairsAreBounded() throws {
        var t = Topology(name: "ring")
        for i in 0..<300 { t.nodes.append(TopologyNode(id: "B\(i)", tier: .backbone, region: [String(format: "R%03d", i)])) }
        for i in 0..<300 { t.links.append(TopologyLink(a: i, b: (i + 1) % 300, medium: .fiber, capacityMbps: 10_000, lengthKm: 10)) }
        let b = try #require(CoverageScorer.score(t).infrastructure.backboneCuts)
        #expect(b.regions.count == BackboneCapacity.maxRegions && b.regionsOmitted.count == 300 - BackboneCapacity.maxRegions)
        #expect(b.regions.first == "R000" && b.regions.last == "R063" && b.regionsOmitted.first == "R064")
        #expect(b.pairs.count == 64 * 63 / 2)
        #expect(b.pairs.allSatisfy { $0.minCutMbps == 20_000 })
    }

    @Test func rolesAreValidatedWithTheNodeNamed() {
        var t = self.t
        #expect(throws: Never.self) { try t.validateInfrastructureAttributes() }
        #expect(t.nodeRoles()[5] == [.internationalGateway, .ixp])
        t.nodes[3].attributes["role"] = "idc, datacentre"
        #expect(throws: InfrastructureAttributeError.self) { try t.validateInfrastructureAttributes() }
        do { try t.validateInfrastructureAttributes() } catch {
            #expect("\(error)".hasPrefix("node 'IDC1': role 'datacentre': not a role"))
        }
        t.nodes[3].attributes["role"] = "idc"
        t.links[9].attributes["international"] = "maybe"
        #expect(throws: InfrastructureAttributeError.self) { try t.validateInfrastructureAttributes() }
    }

    @Test func noRolesNoSections() {
        var t = handBuiltTopology()
        t.links.append(TopologyLink(a: 0, b: 0, medium: .fiber))
        let r = CoverageScorer.score(t)
        #expect(r.infrastructure.idcReach == nil && r.infrastructure.international == nil && r.infrastructure.backboneCuts == nil)
    }
}
