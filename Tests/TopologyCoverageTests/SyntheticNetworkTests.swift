import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

@Suite struct SyntheticNetworkTests {
    @Test func deterministicAndShaped() throws {
        let a = SyntheticNetwork.generate(villages: 1500, seed: 3)
        let b = SyntheticNetwork.generate(villages: 1500, seed: 3)
        let c = SyntheticNetwork.generate(villages: 1500, seed: 4)
        #expect(a.nodes == b.nodes && a.links == b.links)
        #expect(a.links != c.links)
        #expect(a.nodes.filter { $0.tier == .village }.count == 1500)
        #expect(a.nodes.filter { $0.tier == .backbone }.count == 30)
        #expect(a.nodes.filter { $0.tier == .village }.allSatisfy { (50...800).contains($0.households) && $0.region.count == 4 })
        let media = Set(a.links.map(\.medium))
        #expect(media == [.fiber, .copper, .wireless, .satellite])
        let r = CoverageScorer.score(a)
        #expect(r.network.components == 1)            // every village hangs off its township
        #expect(r.villages.connected == 1500 && r.villages.broadband == 1500)
        // Fibre share near the 70 % first-hop mix (dual homing can only add fibre paths, a
        // non-fibre township uplink removes some): a loose band that would catch a broken mix.
        #expect((0.6...0.8).contains(r.villages.fiberShare!))
    }

    @Test func csvRoundTrip() throws {
        let t = SyntheticNetwork.generate(villages: 200, seed: 9)
        let dir = SharedData.temporaryDirectory().appendingPathComponent("s").path
        try SyntheticNetwork.writeCSV(t, to: dir)
        let u = try TopologyLoader.load(dir)
        #expect(u.nodes.count == t.nodes.count && u.links.count == t.links.count)
        #expect(u.nodes.map(\.region) == t.nodes.map(\.region))
        let r1 = CoverageScorer.score(t), r2 = CoverageScorer.score(u)
        #expect(r1.bottleneckMbps == r2.bottleneckMbps && r1.fiberPath == r2.fiberPath && r1.hops == r2.hops)
    }
}
