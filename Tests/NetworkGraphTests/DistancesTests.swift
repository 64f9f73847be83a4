import Testing
import NetworkGraph
import TestSupport

@Suite struct DistancesTests {
    @Test func exampleHops() {
        // From 0: 1 and 2 adjacent (1 hop), 3 via 2 (2), 4 via 3 (3), 5 via 4 (4), 6 unreachable.
        #expect(example.hopDistances(from: [0]) == [0, 1, 1, 2, 3, 4, -1])
        // From {0, 5}: the nearer source wins; 3 is 2 hops from both.
        #expect(example.hopDistances(from: [0, 5, 5]) == [0, 1, 1, 2, 1, 0, -1])
        #expect(example.hopDistances(from: []) == [Int32](repeating: -1, count: 7))
    }

    @Test func exampleDiameterAndEccentricity() {
        // Farthest pair in {0..5}: 0 or 1 to 5 = 4 hops (0-2-3-4-5). Isolated 6: diameter 0.
        #expect(example.diameter(ofComponentContaining: 3) == 4)
        #expect(example.diameter(ofComponentContaining: 6) == 0)
        #expect(example.eccentricity(of: 3) == 2)   // 3 to 0 or 1 is 2 hops, to 5 is 2 hops
        #expect(example.eccentricity(of: 5) == 4)
    }

    @Test func cycleDiameter() {
        // C_9: the farthest node is 4 hops away either way round; C_10: 5.
        for n in [9, 10] {
            let g = Multigraph(nodeCount: n, edges: (0..<n).map { ($0, ($0 + 1) % n) })
            #expect(g.diameter(ofComponentContaining: 0) == n / 2)
        }
    }

    @Test func randomAgainstFloydWarshall() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<300 {
            let n = Int.random(in: 1...14, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...20, using: &rng), rng: &rng)
            let d = floydHops(g)
            let sources = (0..<Int.random(in: 1...3, using: &rng)).map { _ in Int.random(in: 0..<n, using: &rng) }
            let expected = (0..<n).map { v -> Int32 in
                let r = sources.map { d[$0][v] }.filter { $0 >= 0 }
                return Int32(r.min() ?? -1)
            }
            #expect(g.hopDistances(from: sources) == expected)
            for v in 0..<n {
                let ecc = d[v].max()!
                #expect(g.eccentricity(of: v) == ecc)
                #expect(g.diameter(ofComponentContaining: v) == (0..<n).filter { d[v][$0] >= 0 }.map { d[$0].max()! }.max()!)
            }
        }
    }
}

@Suite struct DiameterScalingTests {
    @Test func spiderWithOddDiameter() {
        // Centre edge c1–c2 (nodes 0, 1); each end carries k legs of length L. The farthest pair
        // is a leaf on c1's side and one on c2's side: L + 1 + L = 2L + 1 hops. The deepest
        // BFS layer from either centre holds k leaves; the eccentricity bounds must let the
        // search skip them (this test would take k full BFS otherwise).
        let k = 400, L = 40
        var edges: [(Int, Int)] = [(0, 1)]
        var next = 2
        for centre in [0, 1] {
            for _ in 0..<k {
                var prev = centre
                for _ in 0..<L { edges.append((prev, next)); prev = next; next += 1 }
            }
        }
        let g = Multigraph(nodeCount: next, edges: edges)
        #expect(g.diameter(ofComponentContaining: 0) == 2 * L + 1)
        #expect(g.diameter(ofComponentContaining: next - 1) == 2 * L + 1)
    }
}

extension DiameterScalingTests {
    @Test func randomTreeLikeGraphsAgainstFloydWarshall() {
        // Random trees with 0–3 extra edges (the shape of access networks), up to 40 nodes:
        // the pruned iFUB must equal the all-pairs maximum.
        var rng = SplitMix64(seed: 42)
        for _ in 0..<300 {
            let n = Int.random(in: 1...40, using: &rng)
            var edges = (1..<max(n, 1)).map { ($0, Int.random(in: 0..<$0, using: &rng)) }
            for _ in 0..<Int.random(in: 0...3, using: &rng) where n > 1 {
                edges.append((Int.random(in: 0..<n, using: &rng), Int.random(in: 0..<n, using: &rng)))
            }
            let g = Multigraph(nodeCount: n, edges: edges)
            let d = floydHops(g)
            let expected = d.map { $0.max()! }.max()!
            #expect(g.diameter(ofComponentContaining: Int.random(in: 0..<n, using: &rng)) == expected)
        }
    }
}
