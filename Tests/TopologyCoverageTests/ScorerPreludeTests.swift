import Foundation
import NetworkGraph
import Testing
import TestSupport
@testable import TopologyCoverage

/// The pieces the scorer and the CSV importer split into concurrent stages: each must give what
/// the one-pass code gave.
@Suite struct ScorerPreludeTests {
    /// The walk the scorer did before memoising: every access node's chain up to the source.
    static func naiveFirstNonFiber(_ t: Topology, _ g: Multigraph, _ access: [Int], _ W: [Double], _ WF: [Double],
                                   _ parent: [Int32]) -> ([Bool], [Int32], [Int32]) {
        let n = W.count
        var fiber = [Bool](repeating: false, count: n), first = [Int32](repeating: -1, count: n), from = first
        for v in access {
            let w = W[v]
            if w > 0 && WF[v] == w { fiber[v] = true; continue }
            guard w > 0 else { continue }
            var x = v, f: Int32 = -1, fr: Int32 = -1
            while parent[x] >= 0 {
                let e = Int(parent[x]), up = g.opposite(of: x, along: e)
                if t.links[e].medium != .fiber { f = Int32(e); fr = Int32(up) }
                x = up
            }
            first[v] = f; from[v] = fr
        }
        return (fiber, first, from)
    }

    @Test func memoisedFirstNonFiberEqualsTheWalk() {
        for seed in [UInt64(3), 5, 8] {
            var t = SyntheticNetwork.generate(villages: 2000, seed: seed, cityBuildings: 100)
            // Non-fibre links spread over every level, some unreachable capacity.
            let media: [Medium] = [.copper, .microwave, .wireless, .fiber]
            for j in stride(from: Int(seed), to: t.links.count, by: 7) { t.links[j].medium = media[j % media.count] }
            for j in stride(from: 1, to: t.links.count, by: 53) { t.links[j].capacityMbps = 0 }
            let g = t.multigraph()
            let sel = BackboneSelection(topology: t, graph: g, backboneIds: nil)
            let wide = g.widestPaths(from: sel.backbone, capacity: t.linkCapacitiesMbps())
            var capFiber = t.linkCapacitiesMbps()
            for j in t.links.indices where t.links[j].medium != .fiber { capFiber[j] = 0 }
            let WF = g.widestPaths(from: sel.backbone, capacity: capFiber).bottleneckMbps
            let got = FirstNonFiber.compute(t, graph: g, accessNodes: sel.accessNodes, bottleneck: wide.bottleneckMbps,
                                            fiberBottleneck: WF, parentEdge: wide.parentEdge)
            let want = Self.naiveFirstNonFiber(t, g, sel.accessNodes, wide.bottleneckMbps, WF, wide.parentEdge)
            #expect(got.fiberPath == want.0, "seed \(seed)")
            #expect(got.link == want.1, "seed \(seed)")
            #expect(got.from == want.2, "seed \(seed)")
            // The case is exercised: some nodes have a non-fibre link, some are fibre all the way.
            #expect(got.link.contains { $0 >= 0 } && got.fiberPath.contains(true))
        }
    }

    @Test func villageTierSummaryIsTheVillagesSummary() {
        let t = ScoringConcurrencyTests.network()
        let r = CoverageScorer.score(t)
        let members = r.selection.accessNodes.filter { t.nodes[$0].tier == .village }
        #expect(members == r.selection.villages)
        var want = r.summarize(members, group: "village")
        for v in CoverageScorer.worstNodes(members, report: r, topology: t, count: 3) {
            want.worstVillageIds.append(t.nodes[v].id); want.worstVillageMbps.append(r.perHouseholdMbps(v) ?? 0)
        }
        #expect(r.byTier.first { $0.group == "village" } == want)
        #expect(!want.worstVillageIds.isEmpty)
        // Tiers keep their order, the village tier among them.
        #expect(r.byTier.map(\.group) == ["township", "village", "building"])
    }

    @Test func tierMembersAndRegionGroups() {
        var t = Topology(name: "x", nodes: (0..<8).map { TopologyNode(id: "n\($0)") })
        let tiers: [Tier] = [.backbone, .village, .township, .village, .building, .village, .urbanAccess, .village]
        let regions: [[String]] = [[], ["P1", "A"], ["P1"], ["P2", "B"], [], ["P1", "C"], [], []]
        for i in t.nodes.indices { t.nodes[i].tier = tiers[i]; t.nodes[i].region = regions[i] }
        let members = CoverageScorer.accessTierMembers(tiers, accessNodes: [1, 3, 5, 7, 2, 4, 6])
        #expect(members == [[2], [1, 3, 5, 7], [4], [6]])
        // Level 1: P1 for nodes 1 and 5 (not consecutive), P2 for 3, no region for 7.
        let groups = CoverageScorer.regionGroups(t, villages: [1, 3, 5, 7], level: 1)
        #expect(groups.map(\.region) == ["P1", "P2", "(no region)"])
        #expect(groups.map(\.villages) == [[1, 5], [3], [7]])
        #expect(CoverageScorer.regionGroups(t, villages: [1, 3, 5, 7], level: 2).map(\.region) == ["P1/A", "P2/B", "P1/C", "(no region)"])
    }

    @Test func nodeRoleErrorWinsOverLinkMarkError() {
        var t = Topology(name: "x", nodes: [TopologyNode(id: "a"), TopologyNode(id: "b")],
                         links: [TopologyLink(a: 0, b: 1, medium: .fiber)])
        t.links[0].attributes["generation"] = "6g"
        do { try t.validateInfrastructureAttributes(); Issue.record("no error") } catch {
            #expect("\(error)".hasPrefix("link 1 (a–b): generation '6g'"))
        }
        t.nodes[1].attributes["role"] = "idc mall"
        do { try t.validateInfrastructureAttributes(); Issue.record("no error") } catch {
            #expect("\(error)".hasPrefix("node 'b': role 'mall'"))
        }
    }


    /// Ends are resolved in two halves: a bad end in each half reports the earlier row.
    @Test func unknownEndInBothHalvesNamesTheEarlierRow() {
        let d = ImporterTests.writePair("id\na\nb\n", "a,b\na,b\nb,zz\na,b\nyy,a\n")
        #expect(throws: TopologyImportError(file: d.appendingPathComponent("links.csv").path, location: "line 3",
                                            reason: "link end b='zz' is not a node id in \(d.appendingPathComponent("nodes.csv").path)")) {
            try CSVPairImporter.load(directory: d.path)
        }
        // Only the second half bad: that row.
        let d2 = ImporterTests.writePair("id\na\nb\n", "a,b\na,b\nb,a\na,b\nyy,a\n")
        #expect(throws: TopologyImportError(file: d2.appendingPathComponent("links.csv").path, location: "line 5",
                                            reason: "link end a='yy' is not a node id in \(d2.appendingPathComponent("nodes.csv").path)")) {
            try CSVPairImporter.load(directory: d2.path)
        }
        // Both halves' self-loops and unrecognised media are counted once each.
        let d3 = ImporterTests.writePair("id\na\nb\n", "a,b,medium\na,a,qqq\nb,a,qqq\na,b,fiber\nb,b,qqq\n")
        let t = try? CSVPairImporter.load(directory: d3.path)
        #expect(t?.links.map { [$0.a, $0.b] } == [[0, 0], [1, 0], [0, 1], [1, 1]])
        #expect(t?.importNotes.contains { $0.contains("2 self-loop") } == true)
        #expect(t?.importNotes.contains { $0.contains("medium 'qqq' not recognised on 3 link(s)") } == true)
    }
}
