import Testing
import NetworkGraph
import TestSupport

@Suite struct BridgesTests {
    @Test func exampleBridgesFollowTheMultigraphRule() {
        // e3 (2-3) and e6 (4-5) disconnect something; e4/e5 are a doubled 3-4 link (losing one
        // leaves the other), triangle edges lie on a cycle, the self-loop e7 never counts.
        #expect(example.bridges() == [3, 6])
        // On the simple graph the 3-4 pair is one edge and becomes a bridge: 2-3, 3-4, 4-5.
        #expect(example.simplified().graph.bridges().count == 3)
    }

    @Test func exampleArticulationPoints() {
        // 2 cuts {0,1} from {3,4,5}; 3 cuts {4,5} off; 4 cuts 5 off. 0, 1, 5, 6 cut nothing.
        #expect(example.articulationPoints() == [2, 3, 4])
    }

    @Test func twoEdgeConnectedComponents() {
        // Bridges e3 and e6 removed: {0,1,2}, {3,4}, {5}, {6}.
        let c = example.twoEdgeConnectedComponents()
        #expect(c.count == 4)
        #expect(c.label == [0, 0, 0, 1, 1, 2, 3])
    }

    @Test func behindBridgeFromOneBackboneNode() {
        // Backbone {0}: bridge 2-3 separates 3, 4, 5 from 0. Node 6 is unreachable: false.
        #expect(example.behindBridge(backbone: [0]) == [false, false, false, true, true, true, false])
    }

    @Test func behindBridgeBetweenTwoBackboneNodes() {
        // Backbone {0, 5}: every 2-edge-connected block lies on the bridge-tree path between
        // them, so no bridge separates any node from *every* backbone node.
        #expect(example.behindBridge(backbone: [0, 5]) == [false, false, false, false, false, false, false])
    }

    @Test func behindBridgeFromTheMiddle() {
        // Backbone {3}: 0, 1, 2 hang behind bridge 2-3; 5 behind bridge 4-5; 4 shares 3's block
        // through the doubled link.
        #expect(example.behindBridge(backbone: [3]) == [true, true, true, false, false, true, false])
        #expect(example.behindBridge(backbone: []) == [Bool](repeating: false, count: 7))
    }

    @Test func pathGraphIsAllBridges() {
        // A path 0-1-2-3: three bridges, inner nodes 1 and 2 are articulation points.
        let g = Multigraph(nodeCount: 4, edges: [(0, 1), (1, 2), (2, 3)])
        #expect(g.bridges() == [0, 1, 2])
        #expect(g.articulationPoints() == [1, 2])
    }

    @Test func longPathDoesNotOverflowTheStack() {
        // 300,000-node path: a recursive DFS would overflow; the iterative one must not.
        let n = 300_000
        var flat: [Int32] = []
        for v in 0..<(n - 1) { flat.append(Int32(v)); flat.append(Int32(v + 1)) }
        let g = Multigraph(nodeCount: n, flatEndpoints: flat)
        #expect(g.bridges().count == n - 1)
        #expect(g.articulationPoints().count == n - 2)
        #expect(g.diameter(ofComponentContaining: 0) == n - 1)
    }

    @Test func randomAgainstRemoval() {
        // Oracle: an edge is a bridge iff deleting it raises the component count; a node is an
        // articulation point iff deleting it raises the count among the remaining nodes.
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let n = Int.random(in: 1...10, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...14, using: &rng), rng: &rng)
            let base = componentCount(g)
            let expectedBridges = (0..<g.edgeCount).filter { componentCount(g, removingEdge: $0) > base }
            #expect(g.bridges() == expectedBridges)
            let expectedAP = (0..<n).filter { v in
                // removing v itself loses one component when v was isolated
                let isolated = g.degree(of: v) == 0
                return componentCount(g, removingNode: v) > base - (isolated ? 1 : 0)
            }
            #expect(g.articulationPoints() == expectedAP)
        }
    }

    @Test func randomBehindBridgeAgainstRemoval() {
        // Oracle: v is behind a bridge iff some backbone node reaches v and deleting a single
        // edge leaves v reaching no backbone node.
        var rng = SplitMix64(seed: 99)
        for _ in 0..<300 {
            let n = Int.random(in: 1...10, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...14, using: &rng), rng: &rng)
            let backbone = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Int.random(in: 0..<n, using: &rng) }
            func reachesBackbone(_ v: Int, without removed: Int?) -> Bool {
                var seen = [Bool](repeating: false, count: n), stack = [v]
                seen[v] = true
                while let x = stack.popLast() {
                    if backbone.contains(x) { return true }
                    for (w, e) in g.neighbors(of: x) where e != removed && !seen[w] { seen[w] = true; stack.append(w) }
                }
                return false
            }
            let expected = (0..<n).map { v in
                reachesBackbone(v, without: nil) && (0..<g.edgeCount).contains { !reachesBackbone(v, without: $0) }
            }
            #expect(g.behindBridge(backbone: backbone) == expected)
        }
    }
}

extension BridgesTests {
    @Test func cutStructureEqualsTheSeparateCalls() {
        // One pass must give exactly what the three separate methods give.
        var rng = SplitMix64(seed: 5150)
        for _ in 0..<200 {
            let n = Int.random(in: 1...15, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...20, using: &rng), rng: &rng)
            let backbone = [Int.random(in: 0..<n, using: &rng)]
            let c = g.cutStructure(backbone: backbone)
            #expect(c.bridges == g.bridges())
            #expect(c.articulationPoints == g.articulationPoints())
            #expect(c.twoEdgeConnected == g.twoEdgeConnectedComponents())
            #expect(c.behindBridge == g.behindBridge(backbone: backbone))
        }
        // The hand example: bridges e3, e6; cut vertices 2, 3, 4; 3, 4, 5 behind bridge 2-3.
        let c = example.cutStructure(backbone: [0])
        #expect(c.bridges == [3, 6] && c.articulationPoints == [2, 3, 4])
        #expect(c.behindBridge == [false, false, false, true, true, true, false])
    }
}
