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

@Suite struct TopologySampleTests {
    /// `Topologies/synth-60-seed2.geojson` was written by `topology score --geojson` from
    /// `topology synth --villages 60 --seed 2`; read back, it must score like the generator's output.
    @Test func geojsonSampleRoundTrips() throws {
        let path = SharedData.repoRoot.appendingPathComponent("Topologies/synth-60-seed2.geojson").path
        let back = try TopologyLoader.load(path)
        let gen = SyntheticNetwork.generate(villages: 60, seed: 2)
        #expect(back.nodes.count == gen.nodes.count && back.links.count == gen.links.count)
        let a = CoverageScorer.score(gen), b = CoverageScorer.score(back)
        #expect(a.bottleneckMbps == b.bottleneckMbps && a.fiberPath == b.fiberPath && a.hops == b.hops)
        #expect(a.ipv6EndToEnd == b.ipv6EndToEnd && a.behindBridge == b.behindBridge)
        #expect(a.network.kmByMedium.mapValues { ($0 * 1000).rounded() } == b.network.kmByMedium.mapValues { ($0 * 1000).rounded() })
    }

    /// `Topologies/synth-300-seed7/` is the generator's output for 300 villages, seed 7.
    @Test func csvSampleIsTheGeneratorsOutput() throws {
        let t = try TopologyLoader.load(SharedData.repoRoot.appendingPathComponent("Topologies/synth-300-seed7").path)
        let g = SyntheticNetwork.generate(villages: 300, seed: 7)
        #expect(t.nodes.map(\.name) == g.nodes.map(\.name) && t.links.map(\.medium) == g.links.map(\.medium))
    }
}
