import Testing
@testable import NetworkGraph

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
