import Testing
import NetworkGraph
import TestSupport

/// Brute-force oracle: the least total capacity of an edge set whose removal separates every
/// source from every sink (all 2^m subsets; m <= 12).
private func bruteMinCut(_ g: Multigraph, sources: [Int], sinks: [Int], capacity: [Double]) -> Double {
    let m = g.edgeCount
    var best = Double.infinity
    for mask in 0..<(1 << m) {
        var cost = 0.0
        for e in 0..<m where mask & (1 << e) != 0 { cost += max(0, capacity[e]) }
        if cost >= best { continue }
        if !connects(g, sources, sinks, removed: mask, usable: capacity.map { $0 > 0 }) { best = cost }
    }
    return best
}

/// Union-find reachability with the edges of `removed` (bit mask) and unusable edges deleted.
private func connects(_ g: Multigraph, _ sources: [Int], _ sinks: [Int], removed: Int, usable: [Bool]) -> Bool {
    var parent = Array(0..<g.nodeCount)
    func find(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
    for e in 0..<g.edgeCount where removed & (1 << e) == 0 && usable[e] {
        let (a, b) = g.endpoints(of: e)
        let ra = find(a), rb = find(b)
        if ra != rb { parent[ra] = rb }
    }
    for s in sources { for t in sinks where find(s) == find(t) { return true } }
    return false
}

/// Brute-force oracle for edge-disjoint paths to distinct targets (Menger with target
/// capacities 1): min over edge subsets X and target subsets Y of |X| + |Y| such that removing X
/// leaves no source connected to a target outside Y.
private func bruteDisjoint(_ g: Multigraph, sources: [Int], targets: [Int]) -> Int {
    let m = g.edgeCount, k = targets.count
    var best = Int.max
    for mask in 0..<(1 << m) {
        let xs = mask.nonzeroBitCount
        if xs >= best { continue }
        for ymask in 0..<(1 << k) {
            let cost = xs + ymask.nonzeroBitCount
            if cost >= best { continue }
            let rest = targets.indices.filter { ymask & (1 << $0) == 0 }.map { targets[$0] }
            if !connects(g, sources, rest, removed: mask, usable: [Bool](repeating: true, count: m)) { best = cost }
        }
    }
    return best
}

@Suite struct MaximumFlowTests {
    /// Hand example:
    ///
    ///        e0 10      e2 4
    ///     0 ─────── 1 ─────── 3
    ///      \        │e4 3    ╱
    ///  e1 5 \       │       ╱ e3 8  (e5: a second 3-2 link of 2 Mbps, parallel to e3)
    ///        ────── 2 ──────
    ///
    /// Max flow 0 → 3: 0 sends 10 to 1 but 1 can pass on only 4 (to 3) + 3 (to 2) = 7; 0 sends
    /// 5 to 2; 2 receives 5 + 3 = 8 and passes it to 3 over e3 + e5 (8 + 2 = 10 ≥ 8). Value
    /// 4 + 8 = 12 (the cuts around 0 and around 3 are 15 and 14). The residual network still
    /// reaches 1 from 0 (0→1 carries 7 of 10), so the cut nearest the sources is {e1, e2, e4}:
    /// 5 + 4 + 3 = 12.
    @Test func handExample() {
        let g = Multigraph(nodeCount: 4, edges: [(0, 1), (0, 2), (1, 3), (2, 3), (1, 2), (3, 2)])
        let cap: [Double] = [10, 5, 4, 8, 3, 2]
        let c = g.minimumCut(sources: [0], sinks: [3], capacity: cap)
        #expect(c.valueMbps == 12)
        #expect(c.cutEdges == [1, 2, 4])
        #expect(c.sourceSide == [true, true, false, false])
        #expect(bruteMinCut(g, sources: [0], sinks: [3], capacity: cap) == 12)
    }

    @Test func parallelEdgesAddAndUnusableEdgesAreAbsent() {
        // 0 = 1 by 10 + 10, then 1 - 2 by 30 and a 0-capacity shortcut 0 - 2.
        let g = Multigraph(nodeCount: 3, edges: [(0, 1), (0, 1), (1, 2), (0, 2), (2, 2)])
        let c = g.minimumCut(sources: [0], sinks: [2], capacity: [10, 10, 30, 0, 99])
        #expect(c.valueMbps == 20)
        #expect(c.cutEdges == [0, 1])
        // A node in both sets: nothing can separate it.
        #expect(g.minimumCut(sources: [0, 1], sinks: [1], capacity: [10, 10, 30, 0, 99]).valueMbps == .infinity)
        // Disconnected: 0.
        #expect(Multigraph(nodeCount: 2, edges: []).minimumCut(sources: [0], sinks: [1], capacity: []).valueMbps == 0)
    }

    @Test func randomGraphsMatchBruteForce() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<150 {
            let n = Int.random(in: 2...6, using: &rng), m = Int.random(in: 0...10, using: &rng)
            let g = randomMultigraph(n: n, m: m, rng: &rng)
            let cap = (0..<m).map { _ in [0, 1, 2.5, 10, 40][Int.random(in: 0..<5, using: &rng)] }
            var src = [Int.random(in: 0..<n, using: &rng)], snk = [Int.random(in: 0..<n, using: &rng)]
            if src == snk { continue }
            if Bool.random(using: &rng), n > 3 { let x = Int.random(in: 0..<n, using: &rng); if !snk.contains(x) { src.append(x) } }
            if Bool.random(using: &rng), n > 3 { let x = Int.random(in: 0..<n, using: &rng); if !src.contains(x) { snk.append(x) } }
            let c = g.minimumCut(sources: src, sinks: snk, capacity: cap)
            let oracle = bruteMinCut(g, sources: src, sinks: snk, capacity: cap)
            #expect(abs(c.valueMbps - oracle) < 1e-9, "n \(n) edges \(g.edgeList) cap \(cap) \(src)->\(snk)")
            // The reported edges are a cut of that value.
            var mask = 0
            for e in c.cutEdges { mask |= 1 << e }
            #expect(!connects(g, src, snk, removed: mask, usable: cap.map { $0 > 0 }))
            #expect(abs(c.cutEdges.reduce(0) { $0 + cap[$1] } - oracle) < 1e-9)
        }
    }

    @Test func edgeDisjointPathsToDistinctTargets() {
        // Star: 0 joined to 1 and 2 by one link each, 1 = 3 doubled. Targets {1, 3}: path 0-1
        // ends at 1, a second path to 3 must leave 0 by the other link: 0-2 does not reach 3,
        // so 1 path. Targets {1, 2}: 2 paths. With 0-3 added: {1, 3} gives 2.
        let g = Multigraph(nodeCount: 4, edges: [(0, 1), (0, 2), (1, 3), (1, 3)])
        #expect(g.edgeDisjointPathCount(from: [0], toDistinct: [1, 3]) == 1)
        #expect(g.edgeDisjointPathCount(from: [0], toDistinct: [1, 2]) == 2)
        let h = Multigraph(nodeCount: 4, edges: [(0, 1), (0, 2), (1, 3), (1, 3), (0, 3)])
        #expect(h.edgeDisjointPathCount(from: [0], toDistinct: [1, 3]) == 2)
        // A target that is a source is one path of length 0; masked edges are absent.
        #expect(h.edgeDisjointPathCount(from: [0, 3], toDistinct: [3]) == 1)
        #expect(h.edgeDisjointPathCount(from: [0], toDistinct: [1, 3], usable: [false, true, true, true, true]) == 1)

        var rng = SplitMix64(seed: 7)
        for _ in 0..<120 {
            let n = Int.random(in: 2...6, using: &rng), m = Int.random(in: 0...8, using: &rng)
            let g = randomMultigraph(n: n, m: m, rng: &rng)
            let src = [0]
            let targets = Array(Set((0..<Int.random(in: 1...3, using: &rng)).map { _ in Int.random(in: 1..<n, using: &rng) })).sorted()
            #expect(g.edgeDisjointPathCount(from: src, toDistinct: targets) == bruteDisjoint(g, sources: src, targets: targets),
                    "edges \(g.edgeList) targets \(targets)")
        }
    }
}
