import Testing
import NetworkGraph
import TestSupport

@Suite struct SteinerTreeTests {
    @Test func starThroughASteinerPoint() {
        // Corners 0-3 of a square, centre 4. Corner–centre links 1 km (e0–e3), square sides
        // 3 km (e4–e7). Terminals: the corners. The star through 4 costs 4 km; any tree on the
        // sides alone costs 9 km; Mehlhorn's candidates through 4 cost 1 + 1 = 2 < 3, so it
        // finds the star: edges e0–e3, total 4.
        let g = Multigraph(nodeCount: 5, edges: [(0, 4), (1, 4), (2, 4), (3, 4), (0, 1), (1, 2), (2, 3), (3, 0)])
        let km: [Double] = [1, 1, 1, 1, 3, 3, 3, 3]
        #expect(g.steinerTree(terminals: [0, 1, 2, 3], length: km) == [0, 1, 2, 3])
        // Two terminals: the shortest path, 0-4-2 (2 km) beats two sides (6 km).
        #expect(g.steinerTree(terminals: [0, 2], length: km) == [0, 2])
        #expect(g.steinerTree(terminals: [1], length: km) == [])
    }

    @Test func prunesAndSkipsUnusableEdges() {
        // Path 0-1-2-3 (1 km each) plus a spur 1-4 (1 km) and an unusable direct 0-3 link
        // (length -1). Terminals {0, 3}: the path e0, e1, e2; the spur is not in the tree.
        let g = Multigraph(nodeCount: 5, edges: [(0, 1), (1, 2), (2, 3), (1, 4), (0, 3)])
        #expect(g.steinerTree(terminals: [0, 3, 3], length: [1, 1, 1, 1, -1]) == [0, 1, 2])
    }

    @Test func terminalsInTwoComponentsGiveAForest() {
        // 0-1-2 and 3-4: terminals {0, 2, 3, 4} give one tree per component.
        let g = Multigraph(nodeCount: 5, edges: [(0, 1), (1, 2), (3, 4)])
        #expect(g.steinerTree(terminals: [0, 2, 3, 4], length: [1, 1, 1]) == [0, 1, 2])
    }

    @Test func minimumSpanningForest() {
        // Triangle 0-1 (1), 1-2 (2), 2-0 (3) plus a doubled 2-3 (5, 4): MST picks 1, 2 and the
        // 4 km copy of 2-3; total 7.
        let g = Multigraph(nodeCount: 4, edges: [(0, 1), (1, 2), (2, 0), (2, 3), (3, 2)])
        #expect(g.minimumSpanningForest(length: [1, 2, 3, 5, 4]) == [0, 1, 4])
    }

    @Test func randomMinimumSpanningForestAgainstPrim() {
        // Kruskal's forest must weigh what a naive O(n²) Prim gives on connected graphs, have
        // n − 1 edges and skip unusable (negative) lengths.
        var rng = SplitMix64(seed: 31)
        for _ in 0..<200 {
            let n = Int.random(in: 1...10, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: 0...25, using: &rng), rng: &rng)
            let km = (0..<g.edgeCount).map { _ in Double(Int.random(in: -1...9, using: &rng)) }
            let forest = g.minimumSpanningForest(length: km)
            #expect(forest.allSatisfy { km[$0] >= 0 && !g.isSelfLoop($0) })
            if let w = primWeight(g, km, nodes: Array(0..<n)) {
                #expect(forest.map { km[$0] }.reduce(0, +) == w)
                #expect(forest.count == n - 1)
            }
        }
    }

    @Test func randomWithinTwiceTheOptimum() {
        // Oracle: the optimum Steiner tree is the cheapest minimum spanning tree of the subgraph
        // induced by the terminals plus some subset of the other nodes (enumerated). The result
        // must be a forest whose leaves are terminals, connect every pair of terminals that the
        // graph connects, and weigh at most 2 × the optimum.
        var rng = SplitMix64(seed: 77)
        var checked = 0
        for _ in 0..<200 {
            let n = Int.random(in: 2...8, using: &rng)
            let g = randomMultigraph(n: n, m: Int.random(in: n...(3 * n), using: &rng), rng: &rng)
            guard componentCount(g) == 1 else { continue }
            let km = (0..<g.edgeCount).map { _ in Double(Int.random(in: 1...9, using: &rng)) }
            let k = Int.random(in: 2...n, using: &rng)
            let terminals = Array((0..<n).shuffled(using: &rng).prefix(k))
            let tree = g.steinerTree(terminals: terminals, length: km)
            let weight = tree.map { km[$0] }.reduce(0, +)
            // Forest + connects terminals + terminal leaves.
            var parent = Array(0..<n)
            func find(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
            var degree = [Int](repeating: 0, count: n)
            for e in tree {
                let (a, b) = g.endpoints(of: e)
                #expect(find(a) != find(b), "cycle")
                parent[find(a)] = find(b); degree[a] += 1; degree[b] += 1
            }
            #expect(Set(terminals.map(find)).count == 1)
            for v in 0..<n where degree[v] == 1 { #expect(terminals.contains(v)) }
            // Optimum by enumeration.
            let others = (0..<n).filter { !terminals.contains($0) }
            var best = Double.infinity
            for mask in 0..<(1 << others.count) {
                let keep = terminals + others.indices.filter { (mask >> $0) & 1 == 1 }.map { others[$0] }
                if let w = primWeight(g, km, nodes: keep) { best = min(best, w) }
            }
            #expect(weight <= 2 * best + 1e-9)
            #expect(weight >= best - 1e-9)
            checked += 1
        }
        #expect(checked > 50)
    }
}

/// Minimum spanning tree weight of the subgraph induced by `nodes` (usable lengths >= 0 only) by
/// naive Prim, or nil when that subgraph is disconnected: an oracle independent of Kruskal.
func primWeight(_ g: Multigraph, _ km: [Double], nodes: [Int]) -> Double? {
    guard let first = nodes.first else { return 0 }
    let inSet = Set(nodes)
    var inTree: Set<Int> = [first], total = 0.0
    while inTree.count < inSet.count {
        var best: (Double, Int)? = nil
        for e in 0..<g.edgeCount where km[e] >= 0 {
            let (a, b) = g.endpoints(of: e)
            guard inSet.contains(a), inSet.contains(b), inTree.contains(a) != inTree.contains(b) else { continue }
            if best == nil || km[e] < best!.0 { best = (km[e], inTree.contains(a) ? b : a) }
        }
        guard let (w, v) = best else { return nil }
        total += w; inTree.insert(v)
    }
    return total
}
