import Testing
@testable import TopologyCoverage

/// `BackboneSelection.resolveBackboneIds`: the one id-or-name rule the scorer and the CLI's
/// exit-64 check share.
@Suite struct BackboneIdResolutionTests {
    @Test func idsThenNamesAndUnmatchedInOrder() {
        // Nodes 0..2; node 2's name equals node 0's id, so "a" resolves by id to 0 (id wins).
        let t = Topology(name: "t", nodes: [TopologyNode(id: "a", name: "Alpha"),
                                            TopologyNode(id: "b", name: "Beta"),
                                            TopologyNode(id: "c", name: "a")])
        let r = BackboneSelection.resolveBackboneIds(["Beta", "zz", "a", "Gamma"], in: t)
        #expect(r.nodes == [1, 0])
        #expect(r.unmatched == ["zz", "Gamma"])
        #expect(BackboneSelection.resolveBackboneIds([], in: t).unmatched.isEmpty)
    }
}
