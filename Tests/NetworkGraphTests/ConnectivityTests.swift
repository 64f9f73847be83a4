import Testing
import NetworkGraph
import TestSupport

private func complete(_ n: Int) -> Multigraph {
    var e: [(Int, Int)] = []
    for i in 0..<n { for j in (i + 1)..<n { e.append((i, j)) } }
    return Multigraph(nodeCount: n, edges: e)
}

@Suite struct ConnectivityTests {
    @Test func handExamples() {
        // C_5: removing any one edge/node leaves a path; two are needed: λ = κ = 2.
        let c5 = Multigraph(nodeCount: 5, edges: (0..<5).map { ($0, ($0 + 1) % 5) })
        #expect(c5.edgeConnectivity() == 2 && c5.nodeConnectivity() == 2)
        // K_4: every node has degree 3 and no 2 nodes/edges separate it: λ = κ = 3 (= n − 1).
        #expect(complete(4).edgeConnectivity() == 3 && complete(4).nodeConnectivity() == 3)
        // K_2: λ = κ = 1; a single node and a disconnected graph: 0 (networkx convention).
        #expect(complete(2).edgeConnectivity() == 1 && complete(2).nodeConnectivity() == 1)
        #expect(complete(1).edgeConnectivity() == 0 && complete(1).nodeConnectivity() == 0)
        #expect(example.edgeConnectivity() == 0 && example.nodeConnectivity() == 0)
        // Bow-tie (two triangles sharing node 0): node 0 is a cut vertex (κ = 1), but every cut
        // of edges needs two (λ = 2).
        let bowtie = Multigraph(nodeCount: 5, edges: [(0, 1), (1, 2), (2, 0), (0, 3), (3, 4), (4, 0)])
        #expect(bowtie.edgeConnectivity() == 2 && bowtie.nodeConnectivity() == 1)
        // Petersen graph: 3-regular, λ = κ = 3.
        var p: [(Int, Int)] = []
        for i in 0..<5 { p.append((i, (i + 1) % 5)); p.append((i, i + 5)); p.append((i + 5, (i + 2) % 5 + 5)) }
        let petersen = Multigraph(nodeCount: 10, edges: p)
        #expect(petersen.edgeConnectivity() == 3 && petersen.nodeConnectivity() == 3)
    }

    @Test func parallelEdgeRule() {
        // Triangle with 0-1 and 1-2 doubled. Collapsed: a triangle, λ = 2. Counted: isolating
        // node 0 cuts 2 + 1 = 3 edges, node 2 cuts 2 + 1 = 3, node 1 cuts 4: λ = 3 (networkx
        // on the MultiGraph also says 3). κ ignores parallels: 2.
        let g = Multigraph(nodeCount: 3, edges: [(0, 1), (0, 1), (1, 2), (1, 2), (2, 0)])
        #expect(g.edgeConnectivity() == 2)
        #expect(g.edgeConnectivity(parallelEdges: .counted) == 3)
        #expect(g.nodeConnectivity() == 2)
        // A doubled link between two nodes: one cut of the simple graph, two of the multigraph.
        let pair = Multigraph(nodeCount: 2, edges: [(0, 1), (1, 0), (0, 0)])
        #expect(pair.edgeConnectivity() == 1 && pair.edgeConnectivity(parallelEdges: .counted) == 2)
    }

    @Test func twoCliquesJoined() {
        // Two K_4 (0-3, 4-7) joined by 0-4 and 1-5: two disjoint links, λ = κ = 2.
        var e: [(Int, Int)] = []
        for i in 0..<4 { for j in (i + 1)..<4 { e.append((i, j)); e.append((i + 4, j + 4)) } }
        let disjoint = Multigraph(nodeCount: 8, edges: e + [(0, 4), (1, 5)])
        #expect(disjoint.edgeConnectivity() == 2 && disjoint.nodeConnectivity() == 2)
        // Joined by 0-4 and 0-5 instead: still two edges to cut, but node 0 alone separates: κ = 1.
        let shared = Multigraph(nodeCount: 8, edges: e + [(0, 4), (0, 5)])
        #expect(shared.edgeConnectivity() == 2 && shared.nodeConnectivity() == 1)
    }

    @Test func randomAgainstBruteForce() {
        // Oracles: λ = min over proper nonempty node subsets S of the edges leaving S (parallel
        // edges collapsed or counted); κ = the smallest node set whose removal leaves a
        // disconnected graph, or n − 1 when there is none (complete simple graph).
        var rng = SplitMix64(seed: 1234)
        for _ in 0..<150 {
            let n = Int.random(in: 1...8, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...18, using: &rng), rng: &rng)
            let simple = g.simplified().graph
            func cut(_ h: Multigraph, _ mask: Int) -> Int {
                (0..<h.edgeCount).filter { e in
                    let (a, b) = h.endpoints(of: e)
                    return (mask >> a) & 1 != (mask >> b) & 1
                }.count
            }
            var lambdaSimple = n < 2 ? 0 : Int.max, lambdaMulti = n < 2 ? 0 : Int.max
            if n >= 2 {
                for mask in 1..<((1 << n) - 1) {
                    lambdaSimple = min(lambdaSimple, cut(simple, mask)); lambdaMulti = min(lambdaMulti, cut(g, mask))
                }
            }
            #expect(g.edgeConnectivity() == lambdaSimple)
            #expect(g.edgeConnectivity(parallelEdges: .counted) == lambdaMulti)

            var kappa = n < 2 ? 0 : n - 1
            if n >= 2 {
                if componentCount(g) > 1 { kappa = 0 } else {
                    for mask in 1..<(1 << n) where mask.nonzeroBitCount < kappa && mask.nonzeroBitCount <= n - 2 {
                        // components of g − mask, by union-find over surviving edges
                        var parent = Array(0..<n)
                        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
                        for e in 0..<g.edgeCount {
                            let (a, b) = g.endpoints(of: e)
                            if (mask >> a) & 1 == 1 || (mask >> b) & 1 == 1 { continue }
                            parent[find(a)] = find(b)
                        }
                        let roots = Set((0..<n).filter { (mask >> $0) & 1 == 0 }.map(find))
                        if roots.count > 1 { kappa = mask.nonzeroBitCount }
                    }
                }
            }
            #expect(g.nodeConnectivity() == kappa)
        }
    }
}

extension ConnectivityTests {
    @Test func largeRingsUseTheDegreeBound() {
        // A 200,000-node ring: no bridge and no articulation point, every degree 2, so
        // λ = κ = 2 (one cut is never enough, two always are). Answered without n flows.
        let n = 200_000
        let ring = Multigraph(nodeCount: n, edges: (0..<n).map { ($0, ($0 + 1) % n) })
        #expect(ring.edgeConnectivity() == 2)
        #expect(ring.nodeConnectivity() == 2)
        // The same ring with every link doubled: the multigraph cut needs 4 edges, the simple one 2.
        let doubled = Multigraph(nodeCount: 8, edges: (0..<16).map { ($0 % 8, ($0 % 8 + 1) % 8) })
        #expect(doubled.edgeConnectivity() == 2 && doubled.edgeConnectivity(parallelEdges: .counted) == 4)
    }
}
