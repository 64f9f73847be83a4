import Testing
import NetworkGraph
import TestSupport

@Suite struct MultigraphTests {
    @Test func countsAndAdjacency() {
        // 7 nodes, 8 edges as given (parallel pair e4/e5 and self-loop e7 included).
        #expect(example.nodeCount == 7)
        #expect(example.edgeCount == 8)
        #expect(example.selfLoopCount == 1)
        // Node 3: e3 (to 2), e4 and e5 (to 4) -> degree 3, neighbour 4 listed twice, ascending edge ids.
        #expect(example.degree(of: 3) == 3)
        #expect(example.neighbors(of: 3).map(\.edge) == [3, 4, 5])
        #expect(example.neighbors(of: 3).map(\.node) == [2, 4, 4])
        // Node 5: e6 only; the self-loop e7 is not in the adjacency.
        #expect(example.degree(of: 5) == 1)
        #expect(example.neighbors(of: 5).map(\.node) == [4])
        #expect(example.degree(of: 6) == 0)
        #expect(example.endpoints(of: 5) == (4, 3))
        #expect(example.opposite(of: 4, along: 5) == 3)
        #expect(example.isSelfLoop(7) && !example.isSelfLoop(6))
        var seen: [Int] = []
        example.forEachNeighbor(of: 2) { _, e in seen.append(e) }
        #expect(seen == [1, 2, 3])
    }

    @Test func simplifiedCollapsesParallelsAndDropsLoops() {
        // Simple pairs: 0-1, 1-2, 2-0, 2-3, 3-4, 4-5 = 6; e4 and e5 share simple edge 4; e7 dropped.
        let s = example.simplified()
        #expect(s.graph.edgeCount == 6)
        #expect(s.representative == [0, 1, 2, 3, 4, 6])
        #expect(s.simpleEdge == [0, 1, 2, 3, 4, 4, 5, -1])
        #expect(s.graph.selfLoopCount == 0)
        #expect(s.graph.degree(of: 3) == 2)
    }

    @Test func inducedSubgraph() {
        // Nodes {3, 4, 5}: edges e4, e5 (3-4), e6 (4-5), e7 (5-5 loop) survive; renumbered 0, 1, 2.
        let (sub, origin) = example.inducedSubgraph([3, 4, 5])
        #expect(sub.nodeCount == 3)
        #expect(origin == [4, 5, 6, 7])
        #expect(sub.endpoints(of: 2) == (1, 2))
    }

    @Test func emptyGraph() {
        let g = Multigraph(nodeCount: 0, edges: [])
        #expect(g.connectedComponents().count == 0)
        #expect(g.bridges().isEmpty)
        #expect(g.edgeConnectivity() == 0 && g.nodeConnectivity() == 0)
        #expect(!g.isConnected)
    }
}

@Suite struct ComponentsTests {
    @Test func example() {
        // {0..5} joined; 6 isolated counts as its own component.
        let c = NetworkGraphTests.example.connectedComponents()
        #expect(c.count == 2)
        #expect(c.label == [0, 0, 0, 0, 0, 0, 1])
        #expect(c.size == [6, 1])
        #expect(c.largest == 0)
        #expect(c.nodes(in: 1) == [6])
    }

    @Test func randomAgainstUnionFind() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<200 {
            let n = Int.random(in: 1...12, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...15, using: &rng), rng: &rng)
            let c = g.connectedComponents()
            #expect(c.count == componentCount(g))
            #expect(c.size.reduce(0, +) == n)
            // Same label iff joined: endpoints of every edge share a label.
            for e in 0..<g.edgeCount {
                let (a, b) = g.endpoints(of: e)
                #expect(c.label[a] == c.label[b])
            }
        }
    }
}

@Suite struct LargestComponentTests {
    @Test func tieRules() {
        // Components: A = path 0-1-2 (3 nodes, 2 edges, diameter 2), B = triangle 3-4-5
        // (3 nodes, 3 edges, diameter 1), C = path 6-7-8 with 7-8 doubled (3 nodes, 2 simple
        // edges). Most nodes: all tie at 3; most simple edges: B wins although C has 3 edges
        // in the multigraph.
        let g = Multigraph(nodeCount: 9, edges: [(0, 1), (1, 2), (3, 4), (4, 5), (5, 3), (6, 7), (7, 8), (8, 7)])
        #expect(g.largestComponent().nodes == [3, 4, 5])
        #expect(g.largestComponent().diameter == 1)
        // Star 0-{1,2,3} (4 nodes, 3 edges, diameter 2) vs path 4-5-6-7 (4 nodes, 3 edges,
        // diameter 3): tie on nodes and edges, the larger diameter wins.
        let h = Multigraph(nodeCount: 8, edges: [(0, 1), (0, 2), (0, 3), (4, 5), (5, 6), (6, 7)])
        #expect(h.largestComponent().nodes == [4, 5, 6, 7])
        #expect(h.largestComponent().diameter == 3)
        #expect(Multigraph(nodeCount: 0, edges: []).largestComponent().nodes == [])
    }
}

extension MultigraphTests {
    @Test func randomSimplifiedAgainstPairSets() {
        // Oracle: the simple graph has one edge per distinct unordered non-loop pair, numbered
        // in order of the pair's first input edge; every input edge maps to its pair's edge.
        var rng = SplitMix64(seed: 2024)
        for _ in 0..<200 {
            let n = Int.random(in: 1...8, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...20, using: &rng), rng: &rng)
            var firstEdge: [[Int]: Int] = [:]
            var order: [[Int]] = []
            for e in 0..<g.edgeCount where !g.isSelfLoop(e) {
                let (a, b) = g.endpoints(of: e)
                let key = [min(a, b), max(a, b)]
                if firstEdge[key] == nil { firstEdge[key] = e; order.append(key) }
            }
            let s = g.simplified()
            #expect(s.graph.edgeCount == order.count)
            #expect(s.representative == order.map { firstEdge[$0]! })
            for e in 0..<g.edgeCount {
                if g.isSelfLoop(e) { #expect(s.simpleEdge[e] == -1); continue }
                let (a, b) = g.endpoints(of: e)
                let (c, d) = s.graph.endpoints(of: s.simpleEdge[e])
                #expect([min(a, b), max(a, b)] == [min(c, d), max(c, d)])
            }
        }
    }
}
