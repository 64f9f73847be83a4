import Testing
import NetworkGraph
import TestSupport

/// Hand example for the weighted searches:
///
///          100        10
///     0 ───────── 1 ───────── 3 ══ 4 ─── 5
///      \                     /   e4: 1000 Mbps, 2 km
///   50  \                   / 40  e5:    5 Mbps, 1 km
///        2 ────────────────      e6: 4-5, capacity 0 / length -1 (unusable)
///
/// e0 0-1, e1 1-3, e2 0-2, e3 2-3, e4 and e5 3-4 (parallel), e6 4-5.
private let weighted = Multigraph(nodeCount: 6, edges: [(0, 1), (1, 3), (0, 2), (2, 3), (3, 4), (3, 4), (4, 5)])

@Suite struct WeightedPathsTests {
    @Test func widestHandExample() {
        let cap: [Double] = [100, 10, 50, 40, 1000, 5, 0]
        let w = weighted.widestPaths(from: [0], capacity: cap)
        // W(1) = 100 (direct); W(2) = 50; W(3) = max(min(100, 10), min(50, 40)) = 40 via 2;
        // W(4) = max(min(40, 1000), min(40, 5)) = 40 via e4 (parallel links are separate paths,
        // not summed); W(5) = 0: its only link has capacity 0. Source: +inf.
        #expect(w.bottleneckMbps == [.infinity, 100, 50, 40, 40, 0])
        #expect(w.parentEdge == [-1, 0, 2, 3, 4, -1])
        #expect(w.origin == [0, 0, 0, 0, 0, -1])
        #expect(weighted.pathEdges(to: 4, parentEdge: w.parentEdge) == [2, 3, 4])
        #expect(weighted.pathEdges(to: 5, parentEdge: w.parentEdge) == [])
    }

    @Test func widestFromTwoSources() {
        // Sources {0, 4}: node 3 now gets min(+inf, 1000) = 1000 from 4; 1 keeps 100 from 0
        // (via 3 it would be min(1000, 10) = 10); 2 gets max(50, min(1000, 40)) = 50.
        let w = weighted.widestPaths(from: [0, 4], capacity: [100, 10, 50, 40, 1000, 5, 0])
        #expect(w.bottleneckMbps == [.infinity, 100, 50, 1000, .infinity, 0])
        #expect(w.origin[3] == 4 && w.origin[1] == 0)
    }

    @Test func shortestHandExample() {
        let km: [Double] = [1, 1, 1, 5, 2, 1, -1]
        let s = weighted.shortestPaths(from: [0], length: km)
        // d(1) = 1, d(2) = 1, d(3) = min(1+1, 1+5) = 2, d(4) = 2 + min(2, 1) = 3 over e5,
        // d(5) = +inf (negative length: unusable).
        #expect(s.distanceKm == [0, 1, 1, 2, 3, .infinity])
        #expect(s.parentEdge == [-1, 0, 2, 1, 5, -1])
        #expect(weighted.pathEdges(to: 4, parentEdge: s.parentEdge) == [0, 1, 5])
    }

    @Test func randomWidestAgainstThresholds() {
        // Oracle: W(v) is the largest capacity c such that v reaches a source using only edges of
        // capacity >= c (a path's bottleneck is >= c iff all its edges are): check every c.
        var rng = SplitMix64(seed: 21)
        for _ in 0..<300 {
            let n = Int.random(in: 1...10, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...16, using: &rng), rng: &rng)
            let cap = (0..<g.edgeCount).map { _ in Double(Int.random(in: -2...8, using: &rng) * 10) }
            let sources = (0..<Int.random(in: 1...2, using: &rng)).map { _ in Int.random(in: 0..<n, using: &rng) }
            let w = g.widestPaths(from: sources, capacity: cap)
            for v in 0..<n {
                var expected = 0.0
                if sources.contains(v) { expected = .infinity } else {
                    for c in Set(cap) where c > 0 {
                        var seen = [Bool](repeating: false, count: n), stack = sources
                        for s in sources { seen[s] = true }
                        while let x = stack.popLast() {
                            for (y, e) in g.neighbors(of: x) where cap[e] >= c && !seen[y] { seen[y] = true; stack.append(y) }
                        }
                        if seen[v] { expected = max(expected, c) }
                    }
                }
                #expect(w.bottleneckMbps[v] == expected)
                // The recorded path really has that bottleneck.
                let path = g.pathEdges(to: v, parentEdge: w.parentEdge)
                if expected > 0 && expected.isFinite { #expect(path.map { cap[$0] }.min() == expected) }
            }
        }
    }

    @Test func randomShortestAgainstBellmanFord() {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<300 {
            let n = Int.random(in: 1...10, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...16, using: &rng), rng: &rng)
            let len = (0..<g.edgeCount).map { _ in Double(Int.random(in: -1...9, using: &rng)) }
            let sources = (0..<Int.random(in: 1...2, using: &rng)).map { _ in Int.random(in: 0..<n, using: &rng) }
            var d = [Double](repeating: .infinity, count: n)
            for s in sources { d[s] = 0 }
            for _ in 0..<n {
                for e in 0..<g.edgeCount where len[e] >= 0 {
                    let (a, b) = g.endpoints(of: e)
                    d[b] = min(d[b], d[a] + len[e]); d[a] = min(d[a], d[b] + len[e])
                }
            }
            let s = g.shortestPaths(from: sources, length: len)
            #expect(s.distanceKm == d)
            for v in 0..<n where d[v].isFinite {
                #expect(g.pathEdges(to: v, parentEdge: s.parentEdge).map { len[$0] }.reduce(0, +) == d[v])
            }
        }
    }
}

extension WeightedPathsTests {
    @Test func heapAndBucketQueuesAgree() {
        // With <= 4096 distinct capacities the widest search uses a bucket queue over capacity
        // levels, otherwise a heap. Appending 4,100 self-loops with distinct capacities (ignored
        // by the search) forces the heap on the same graph: the bottlenecks must be identical,
        // and each recorded path must achieve its node's bottleneck.
        var rng = SplitMix64(seed: 8)
        for _ in 0..<100 {
            let n = Int.random(in: 2...30, using: &rng)
            var edges = (0..<Int.random(in: 1...60, using: &rng)).map { _ in
                (Int.random(in: 0..<n, using: &rng), Int.random(in: 0..<n, using: &rng))
            }
            var cap = edges.map { _ in Double(Int.random(in: -1...6, using: &rng)) * 2.5 }
            let sources = [Int.random(in: 0..<n, using: &rng)]
            let bucket = Multigraph(nodeCount: n, edges: edges).widestPaths(from: sources, capacity: cap)
            for i in 0..<4100 { edges.append((0, 0)); cap.append(1000.0 + Double(i)) }
            let g = Multigraph(nodeCount: n, edges: edges)
            let heap = g.widestPaths(from: sources, capacity: cap)
            #expect(heap.bottleneckMbps == bucket.bottleneckMbps)
            for v in 0..<n where heap.bottleneckMbps[v] > 0 && heap.bottleneckMbps[v].isFinite {
                #expect(g.pathEdges(to: v, parentEdge: heap.parentEdge).map { cap[$0] }.min() == heap.bottleneckMbps[v])
                #expect(g.pathEdges(to: v, parentEdge: bucket.parentEdge).map { cap[$0] }.min() == bucket.bottleneckMbps[v])
            }
        }
    }

    @Test func pathWithManyDistinctCapacities() {
        // Path 0-1-...-5000, edge i has capacity 10,000 − i (all distinct: heap queue).
        // W(k) = min of the first k capacities = 10,000 − (k − 1); from source 0.
        let n = 5001
        let g = Multigraph(nodeCount: n, edges: (0..<(n - 1)).map { ($0, $0 + 1) })
        let w = g.widestPaths(from: [0], capacity: (0..<(n - 1)).map { 10_000 - Double($0) })
        #expect(w.bottleneckMbps[1] == 10_000 && w.bottleneckMbps[5000] == 5001)
        #expect(w.parentEdge[5000] == 4999)
    }
}
