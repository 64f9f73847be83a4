// Steiner tree approximation (networkx `algorithms/approximation/steinertree.py`,
// method="mehlhorn"), plus the minimum spanning forest it needs.

/// Disjoint-set forest with path halving and union by size (Tarjan 1975).
struct UnionFind {
    private var parent: [Int32]
    private var size: [Int32]
    init(count: Int) {
        parent = (0..<count).map { Int32($0) }
        size = [Int32](repeating: 1, count: count)
    }
    mutating func find(_ x: Int) -> Int {
        var x = x
        while Int(parent[x]) != x {
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }
    /// Joins the sets of a and b; false when they were already one set.
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        var ra = find(a), rb = find(b)
        if ra == rb { return false }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = Int32(ra); size[ra] += size[rb]
        return true
    }
}

extension Multigraph {
    /// Minimum spanning forest by Kruskal's algorithm.
    ///
    /// - Parameters:
    ///   - length: per edge id (km or any additive unit); negative, NaN or infinite = unusable.
    ///   - allowed: optional per-edge mask; edges with `false` are left out.
    /// - Returns: edge ids of the forest, ascending. Ties between equal lengths go to the lower
    ///   edge id. Parallel edges: the shortest of a group can be chosen; self-loops never.
    /// - Complexity: O(m log m).
    /// - Reference: J. B. Kruskal, Proc. AMS 7(1), 1956; networkx `minimum_spanning_edges`.
    public func minimumSpanningForest(length: [Double], allowed: [Bool]? = nil) -> [Int] {
        precondition(length.count == edgeCount, "minimumSpanningForest: \(length.count) lengths for \(edgeCount) edges")
        var candidates: [Int] = []
        for e in 0..<edgeCount where !isSelfLoop(e) && (allowed?[e] ?? true) {
            let l = length[e]
            if l >= 0 && l.isFinite { candidates.append(e) }
        }
        candidates.sort { (length[$0], $0) < (length[$1], $1) }
        var uf = UnionFind(count: nodeCount)
        var out: [Int] = []
        for e in candidates {
            let (a, b) = endpoints(of: e)
            if uf.union(a, b) { out.append(e) }
        }
        return out.sorted()
    }

    /// An approximate minimum Steiner tree: a least-length set of edges connecting `terminals`.
    ///
    /// Mehlhorn's version of the Kou–Markowsky–Berman heuristic:
    /// 1. a multi-source Dijkstra from all terminals gives each node its nearest terminal
    ///    (a Voronoi region) and distance;
    /// 2. every edge (u, v) joining two regions gives the terminal pair a candidate of length
    ///    d(u) + l(u, v) + d(v); a minimum spanning forest of these candidates is taken;
    /// 3. each chosen candidate is expanded to its path (u's parent chain, the edge, v's chain);
    ///    a minimum spanning forest of the union is taken and non-terminal leaves are pruned
    ///    repeatedly.
    /// The result weighs at most 2(1 − 1/t) times the optimum for t terminals.
    ///
    /// - Parameters:
    ///   - terminals: node ids to connect (duplicates ignored).
    ///   - length: per edge id in km; negative, NaN or infinite lengths are unusable edges.
    /// - Returns: edge ids (ascending) of a forest with one tree per group of mutually reachable
    ///   terminals (terminals in different components stay apart: a Steiner forest). Empty for
    ///   fewer than two terminals.
    /// - Multigraph rule: of parallel edges only the shortest can be used; self-loops never.
    /// - Complexity: O((n + m) log n).
    /// - References: K. Mehlhorn, "A faster approximation algorithm for the Steiner problem in
    ///   graphs", IPL 27(3), 1988; Kou, Markowsky, Berman, Acta Informatica 15, 1981.
    public func steinerTree(terminals: [Int], length: [Double]) -> [Int] {
        precondition(length.count == edgeCount, "steinerTree: \(length.count) lengths for \(edgeCount) edges")
        var isTerminal = [Bool](repeating: false, count: nodeCount)
        var terms: [Int] = []
        for t in terminals where !isTerminal[t] { isTerminal[t] = true; terms.append(t) }
        guard terms.count >= 2 else { return [] }
        let sp = shortestPaths(from: terms, length: length)
        // Step 2: candidate (length, edge) for each usable edge joining two Voronoi regions.
        var bridgesBetweenRegions: [(Double, Int)] = []
        for e in 0..<edgeCount where !isSelfLoop(e) {
            let l = length[e]
            guard l >= 0 && l.isFinite else { continue }
            let (u, v) = endpoints(of: e)
            let ou = sp.origin[u], ov = sp.origin[v]
            if ou >= 0 && ov >= 0 && ou != ov {
                bridgesBetweenRegions.append((sp.distanceKm[u] + l + sp.distanceKm[v], e))
            }
        }
        bridgesBetweenRegions.sort { $0 < $1 }
        var uf = UnionFind(count: nodeCount)   // over terminal node ids
        var inUnion = [Bool](repeating: false, count: edgeCount)
        func markChain(_ from: Int) {
            var x = from
            while sp.parentEdge[x] >= 0 {
                let pe = Int(sp.parentEdge[x])
                if inUnion[pe] { break }   // the rest of the chain is already marked
                inUnion[pe] = true
                x = opposite(of: x, along: pe)
            }
        }
        for (_, e) in bridgesBetweenRegions {
            let (u, v) = endpoints(of: e)
            if uf.union(Int(sp.origin[u]), Int(sp.origin[v])) {
                inUnion[e] = true
                markChain(u); markChain(v)
            }
        }
        // Step 3: spanning forest of the union, then prune non-terminal leaves.
        var tree = minimumSpanningForest(length: length, allowed: inUnion)
        var inTree = [Bool](repeating: false, count: edgeCount)
        var treeDegree = [Int32](repeating: 0, count: nodeCount)
        for e in tree {
            inTree[e] = true
            let (a, b) = endpoints(of: e)
            treeDegree[a] += 1; treeDegree[b] += 1
        }
        var leaves: [Int] = []
        for v in 0..<nodeCount where treeDegree[v] == 1 && !isTerminal[v] { leaves.append(v) }
        while let leaf = leaves.popLast() {
            guard treeDegree[leaf] == 1 else { continue }
            forEachNeighbor(of: leaf) { w, e in
                guard inTree[e] else { return }
                inTree[e] = false
                treeDegree[leaf] -= 1; treeDegree[w] -= 1
                if treeDegree[w] == 1 && !isTerminal[w] { leaves.append(w) }
            }
        }
        tree = tree.filter { inTree[$0] }
        return tree
    }
}
