// Global edge and node connectivity (networkx `algorithms/connectivity/connectivity.py`):
// minimum cuts through unit-capacity maximum flows, with augmenting paths found by BFS
// (Edmonds–Karp on unit capacities; each flow stops once it reaches the best cut so far).

/// How parallel edges count in a cut.
public enum ParallelEdgeRule: Sendable {
    /// A group of parallel edges counts as one edge: the value networkx reports for the
    /// simple graph, and the one in FACTS.tsv (`lcc_edge_connectivity`).
    case collapsed
    /// Every parallel edge counts (the multigraph cut: two fibres on one pair need two cuts).
    case counted
}

extension Multigraph {
    /// Global edge connectivity λ(G): the fewest edges whose removal disconnects the graph.
    ///
    /// Definition: λ = min over node pairs (s, t) of the maximum number of edge-disjoint s–t
    /// paths (Menger). 0 when the graph is disconnected or has fewer than 2 nodes (networkx
    /// convention). Computed as min over t ≠ s of maxflow(s, t) for a fixed s (any global cut
    /// separates s from some t), starting from the minimum degree bound and stopping each flow
    /// at the best value so far; a connected graph with a bridge answers 1 immediately.
    ///
    /// - Parameter parallelEdges: ``ParallelEdgeRule/collapsed`` (default; networkx's value for
    ///   the simple graph, used by FACTS.tsv) or ``ParallelEdgeRule/counted``.
    /// - Returns: λ, a count of edges.
    /// - Complexity: O(n + m) when λ = 1 or δ <= 2 (bridge test, degree bound); else O(n · λ · m).
    /// - Reference: Esfahanian & Hakimi, "On computing the connectivities of graphs and
    ///   digraphs", Networks 14(2), 1984; networkx `edge_connectivity`.
    public func edgeConnectivity(parallelEdges: ParallelEdgeRule = .collapsed) -> Int {
        if parallelEdges == .collapsed {
            return simplified().graph.edgeConnectivity(parallelEdges: .counted)
        }
        guard nodeCount >= 2, isConnected else { return 0 }
        if !bridges().isEmpty { return 1 }
        var best = Int.max
        for v in 0..<nodeCount { best = min(best, degree(of: v)) }
        // No bridge: λ >= 2; λ <= δ always. So δ = 2 settles it without any flow (the common
        // case of ring-protected access networks, where n − 1 flows would be costly).
        if best <= 2 { return best }
        var flow = UnitFlowNetwork(edgeGraph: self)
        for t in 1..<nodeCount where best > 0 {
            best = min(best, flow.maxFlow(source: 0, sink: t, limit: best))
        }
        return best
    }

    /// Global node connectivity κ(G): the fewest nodes whose removal disconnects the graph
    /// (or leaves a single node).
    ///
    /// Definition: κ = min over non-adjacent pairs (s, t) of the maximum number of internally
    /// node-disjoint s–t paths; a complete graph K_n has κ = n − 1. 0 when disconnected or
    /// smaller than 2 nodes (networkx convention). Even's algorithm: with v of minimum degree δ,
    /// κ = min(δ, κ(v, w) for w not adjacent to v, κ(x, y) for non-adjacent neighbours x, y of v)
    /// — a minimum cut either avoids v (then it separates v from some w) or contains v (then it
    /// separates two neighbours of v). Local connectivity is a unit max flow on the split graph
    /// (each node an in/out pair joined by a unit arc).
    ///
    /// - Returns: κ, a count of nodes.
    /// - Multigraph rule: parallel edges and self-loops change nothing (networkx computes it on
    ///   the simple graph; on a `MultiGraph` networkx's auxiliary digraph is not meaningful).
    /// - Complexity: O(n + m) when κ = 1 or δ <= 2 (articulation test, degree bound); else
    ///   O((n + δ²) · κ · m).
    /// - Reference: S. Even, "An algorithm for determining whether the connectivity of a graph is
    ///   at least k", SIAM J. Computing 4(3), 1975; Esfahanian & Hakimi 1984; networkx
    ///   `node_connectivity`.
    public func nodeConnectivity() -> Int {
        let g = simplified().graph
        guard g.nodeCount >= 2, g.isConnected else { return 0 }
        if !g.articulationPoints().isEmpty { return 1 }
        var v = 0
        for u in 1..<g.nodeCount where g.degree(of: u) < g.degree(of: v) { v = u }
        var best = g.degree(of: v)
        // No articulation point in a connected graph of >= 3 nodes: κ >= 2; κ <= δ always.
        if best <= 2 { return best }
        var adjacent = [Bool](repeating: false, count: g.nodeCount)
        var flow = UnitFlowNetwork(splitGraph: g)
        func isAdjacent(_ x: Int, _ y: Int) -> Bool {
            g.neighbors(of: x).contains { $0.node == y }
        }
        g.forEachNeighbor(of: v) { w, _ in adjacent[w] = true }
        for w in 0..<g.nodeCount where w != v && !adjacent[w] && best > 0 {
            best = min(best, flow.maxFlow(source: 2 * v + 1, sink: 2 * w, limit: best))
        }
        let nb = g.neighbors(of: v).map(\.node)
        for i in 0..<nb.count {
            for j in (i + 1)..<nb.count where !isAdjacent(nb[i], nb[j]) {
                best = min(best, flow.maxFlow(source: 2 * nb[i] + 1, sink: 2 * nb[j], limit: best))
            }
        }
        return best
    }
}

/// A residual network with unit arc capacities, reset before every flow.
///
/// Arcs come in pairs (arc `a` and its reverse `a ^ 1`). For the edge network an undirected edge
/// is one pair with capacity 1 each way (undirected max flow); for the split graph, node x has
/// arc x_in(2x) → x_out(2x+1) of capacity 1 and every edge {x, y} gives x_out → y_in and
/// y_out → x_in of capacity 1 with zero-capacity reverses.
private struct UnitFlowNetwork {
    var head: [Int32] = []       // per arc: target node
    var start: [Int32] = []      // CSR over flow nodes: arc ids
    var arcsOf: [Int32] = []
    var initial: [Int8] = []     // capacity per arc before any flow
    var residual: [Int8] = []
    var pred: [Int32] = []       // BFS: arc used to enter each flow node
    var queue: [Int32] = []
    var flowNodeCount = 0

    init(edgeGraph g: Multigraph) {
        var arcs: [(Int32, Int32, Int8)] = []    // (tail, head, cap)
        for e in 0..<g.edgeCount where !g.isSelfLoop(e) {
            let (a, b) = g.endpoints(of: e)
            arcs.append((Int32(a), Int32(b), 1)); arcs.append((Int32(b), Int32(a), 1))
        }
        build(nodes: g.nodeCount, arcs: arcs)
    }

    init(splitGraph g: Multigraph) {
        var arcs: [(Int32, Int32, Int8)] = []
        for x in 0..<g.nodeCount {
            arcs.append((Int32(2 * x), Int32(2 * x + 1), 1)); arcs.append((Int32(2 * x + 1), Int32(2 * x), 0))
        }
        for e in 0..<g.edgeCount where !g.isSelfLoop(e) {
            let (a, b) = g.endpoints(of: e)
            arcs.append((Int32(2 * a + 1), Int32(2 * b), 1)); arcs.append((Int32(2 * b), Int32(2 * a + 1), 0))
            arcs.append((Int32(2 * b + 1), Int32(2 * a), 1)); arcs.append((Int32(2 * a), Int32(2 * b + 1), 0))
        }
        build(nodes: 2 * g.nodeCount, arcs: arcs)
    }

    private mutating func build(nodes: Int, arcs: [(Int32, Int32, Int8)]) {
        flowNodeCount = nodes
        head = arcs.map(\.1)
        initial = arcs.map(\.2)
        residual = initial
        var s = [Int32](repeating: 0, count: nodes + 1)
        for a in arcs { s[Int(a.0) + 1] += 1 }
        for i in 0..<nodes { s[i + 1] += s[i] }
        var fill = s
        var list = [Int32](repeating: 0, count: arcs.count)
        for (i, a) in arcs.enumerated() { list[Int(fill[Int(a.0)])] = Int32(i); fill[Int(a.0)] += 1 }
        start = s; arcsOf = list
        pred = [Int32](repeating: -1, count: nodes)
        queue = [Int32](repeating: 0, count: nodes)
    }

    /// Maximum flow from `source` to `sink`, stopping once it reaches `limit`.
    mutating func maxFlow(source: Int, sink: Int, limit: Int) -> Int {
        // Residual capacities can exceed 1 on undirected pairs (1 + 1), Int8 is plenty: unit flows.
        for i in residual.indices { residual[i] = initial[i] }
        var flow = 0
        while flow < limit {
            for i in 0..<flowNodeCount { pred[i] = -1 }
            pred[source] = -2
            var qh = 0, qt = 0
            queue[qt] = Int32(source); qt += 1
            var found = false
            search: while qh < qt {
                let x = Int(queue[qh]); qh += 1
                for k in Int(start[x])..<Int(start[x + 1]) {
                    let a = Int(arcsOf[k])
                    let y = Int(head[a])
                    if residual[a] > 0 && pred[y] == -1 {
                        pred[y] = Int32(a)
                        if y == sink { found = true; break search }
                        queue[qt] = Int32(y); qt += 1
                    }
                }
            }
            if !found { break }
            var y = sink
            while y != source {
                let a = Int(pred[y])
                residual[a] -= 1; residual[a ^ 1] += 1
                y = Int(head[a ^ 1])
            }
            flow += 1
        }
        return flow
    }
}
