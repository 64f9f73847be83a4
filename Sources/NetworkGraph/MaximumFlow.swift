// Maximum flow and minimum cut on capacitated undirected multigraphs (networkx
// `algorithms/flow/` — `maximum_flow`, `minimum_cut` — and `connectivity/disjoint_paths.py`).
// One private Dinic core over Double capacities behind thin wrappers. The unit-capacity search
// of Connectivity.swift stays apart: it serves global connectivity, not capacities.

/// Result of ``Multigraph/minimumCut(sources:sinks:capacity:)``.
public struct MinimumCut: Sendable, Equatable {
    /// Maximum flow value = minimum cut capacity, in Mbps (the unit of the `capacity` argument).
    /// +infinity when a source is also a sink or an edge of infinite capacity must be cut.
    public let valueMbps: Double
    /// The edges of one minimum cut, ascending ids: the usable edges with exactly one end on the
    /// source side. The source side is the set of nodes still reachable from the sources in the
    /// residual network (the cut nearest the sources, as networkx `minimum_cut`).
    public let cutEdges: [Int]
    /// Per node: on the source side of that cut.
    public let sourceSide: [Bool]
}

extension Multigraph {
    /// Minimum cut (equivalently maximum flow) between two node sets.
    ///
    /// Definition: the smallest total capacity of a set of edges whose removal leaves no path from
    /// any node of `sources` to any node of `sinks` (max-flow min-cut theorem: equal to the
    /// maximum flow from a super-source joined to every source to a super-sink joined to every
    /// sink, each such arc of infinite capacity).
    ///
    /// - Parameters:
    ///   - sources: node ids (duplicates allowed; empty gives value 0).
    ///   - sinks: node ids (duplicates allowed; empty gives value 0). A node in both sets makes the
    ///     value +infinity and the cut empty.
    ///   - capacity: per edge id, in Mbps. An undirected edge carries up to its capacity in either
    ///     direction (two opposite arcs). Capacity `<= 0` or NaN: the edge is unusable (absent).
    /// - Returns: ``MinimumCut``: value in Mbps, the cut edges and the source side.
    /// - Multigraph rule: parallel edges **add** (two 10 Mbps links between a pair carry 20 Mbps
    ///   and both must be cut), unlike the widest path where each is its own path. Self-loops are
    ///   ignored.
    /// - Complexity: O(n² m) (Dinic's blocking flows); far less on sparse national backbones.
    /// - Reference: E. A. Dinitz, "Algorithm for solution of a problem of maximum flow in networks
    ///   with power estimation", Soviet Math. Doklady 11, 1970; Ford & Fulkerson 1956 for the
    ///   theorem; networkx `minimum_cut`.
    public func minimumCut(sources: [Int], sinks: [Int], capacity: [Double]) -> MinimumCut {
        precondition(capacity.count == edgeCount, "minimumCut: \(capacity.count) capacities for \(edgeCount) edges")
        var net = FlowNetwork(nodeCount: nodeCount + 2)
        let s = nodeCount, t = nodeCount + 1
        var arcOfEdge = [Int32](repeating: -1, count: edgeCount)
        for e in 0..<edgeCount where !isSelfLoop(e) && capacity[e] > 0 {
            let (a, b) = endpoints(of: e)
            arcOfEdge[e] = Int32(net.addEdge(a, b, capacity: capacity[e], capacityBack: capacity[e]))
        }
        var isSource = [Bool](repeating: false, count: nodeCount), isSink = isSource
        for v in sources where !isSource[v] { isSource[v] = true; _ = net.addEdge(s, v, capacity: .infinity, capacityBack: 0) }
        for v in sinks where !isSink[v] { isSink[v] = true; _ = net.addEdge(v, t, capacity: .infinity, capacityBack: 0) }
        if (0..<nodeCount).contains(where: { isSource[$0] && isSink[$0] }) {
            return MinimumCut(valueMbps: .infinity, cutEdges: [], sourceSide: isSource)
        }
        let value = net.maxFlow(source: s, sink: t)
        let side = net.residualReach(from: s)
        var cut: [Int] = []
        for e in 0..<edgeCount where arcOfEdge[e] >= 0 {
            let (a, b) = endpoints(of: e)
            if side[a] != side[b] { cut.append(e) }
        }
        return MinimumCut(valueMbps: value, cutEdges: cut, sourceSide: Array(side[0..<nodeCount]))
    }

    /// The largest number of edge-disjoint paths from a node set to *distinct* target nodes.
    ///
    /// Definition: the most paths that share no edge, each starting at a node of `sources` and
    /// ending at a node of `targets`, no two ending at the same target (a target that is also a
    /// source counts as one path of length 0). Computed as a unit max flow: every usable edge
    /// carries 1 in either direction, every target drains at most 1 into the super-sink.
    ///
    /// - Parameters:
    ///   - sources: node ids (duplicates allowed).
    ///   - targets: node ids (duplicates ignored).
    ///   - usable: optional per-edge mask; edges with `false` are absent.
    /// - Returns: the path count, at most the number of distinct targets.
    /// - Multigraph rule: parallel edges are distinct edges (each may carry its own path);
    ///   self-loops are ignored.
    /// - Complexity: O(k (n + m)) for k paths found (one augmenting search per path at most).
    /// - Reference: Menger's theorem; networkx `edge_disjoint_paths` (super-sink form).
    public func edgeDisjointPathCount(from sources: [Int], toDistinct targets: [Int], usable: [Bool]? = nil) -> Int {
        var net = FlowNetwork(nodeCount: nodeCount + 2)
        let s = nodeCount, t = nodeCount + 1
        for e in 0..<edgeCount where !isSelfLoop(e) && (usable?[e] ?? true) {
            let (a, b) = endpoints(of: e)
            _ = net.addEdge(a, b, capacity: 1, capacityBack: 1)
        }
        var seenS = [Bool](repeating: false, count: nodeCount), seenT = seenS
        for v in sources where !seenS[v] { seenS[v] = true; _ = net.addEdge(s, v, capacity: .infinity, capacityBack: 0) }
        for v in targets where !seenT[v] { seenT[v] = true; _ = net.addEdge(v, t, capacity: 1, capacityBack: 0) }
        return Int(net.maxFlow(source: s, sink: t).rounded())
    }
}

// MARK: - The Dinic core

/// A residual network: arcs in pairs (arc `i` and its reverse `i ^ 1`), adjacency as per-node
/// arc lists built once before the first search.
struct FlowNetwork {
    private(set) var nodeCount: Int
    private var tail: [Int32] = [], head: [Int32] = []
    private var residual: [Double] = []
    private var start: [Int32] = [], arcs: [Int32] = []
    private var built = false
    /// Residual capacities at or below this count as saturated (1e-12 of the largest finite
    /// capacity), so floating-point rounding never loops.
    private var eps = 1e-12

    init(nodeCount: Int) { self.nodeCount = nodeCount }

    /// Adds the arc pair a→b (`capacity`) and b→a (`capacityBack`); returns the id of a→b.
    mutating func addEdge(_ a: Int, _ b: Int, capacity: Double, capacityBack: Double) -> Int {
        precondition(!built, "FlowNetwork: arcs added after the first search")
        let id = head.count
        tail.append(Int32(a)); head.append(Int32(b)); residual.append(capacity)
        tail.append(Int32(b)); head.append(Int32(a)); residual.append(capacityBack)
        return id
    }

    private mutating func build() {
        built = true
        eps = max(1e-12, (residual.filter { $0.isFinite }.max() ?? 1) * 1e-12)
        var s = [Int32](repeating: 0, count: nodeCount + 1)
        for x in tail { s[Int(x) + 1] += 1 }
        for i in 0..<nodeCount { s[i + 1] += s[i] }
        var fill = s
        arcs = [Int32](repeating: 0, count: tail.count)
        for (i, x) in tail.enumerated() { arcs[Int(fill[Int(x)])] = Int32(i); fill[Int(x)] += 1 }
        start = s
    }

    /// Maximum flow from `source` to `sink` (Dinic: BFS levels, then blocking flows by DFS with
    /// per-node arc cursors).
    mutating func maxFlow(source: Int, sink: Int) -> Double {
        if !built { build() }
        var total = 0.0
        var level = [Int32](repeating: -1, count: nodeCount)
        var cursor = [Int32](repeating: 0, count: nodeCount)
        var queue = [Int32](repeating: 0, count: nodeCount)
        while true {
            for i in 0..<nodeCount { level[i] = -1 }
            level[source] = 0
            var qh = 0, qt = 1
            queue[0] = Int32(source)
            while qh < qt {
                let x = Int(queue[qh]); qh += 1
                for k in Int(start[x])..<Int(start[x + 1]) {
                    let a = Int(arcs[k]), y = Int(head[a])
                    if residual[a] > eps && level[y] < 0 { level[y] = level[x] + 1; queue[qt] = Int32(y); qt += 1 }
                }
            }
            if level[sink] < 0 { return total }
            for i in 0..<nodeCount { cursor[i] = start[i] }
            // Iterative DFS for one augmenting path at a time within the level graph.
            var pathArcs: [Int] = []
            var x = source
            while true {
                if x == sink {
                    var push = Double.infinity
                    for a in pathArcs { push = min(push, residual[a]) }
                    if push.isInfinite { return .infinity }
                    total += push
                    for a in pathArcs { residual[a] -= push; residual[a ^ 1] += push }
                    pathArcs.removeAll(keepingCapacity: true); x = source
                    continue
                }
                var advanced = false
                while cursor[x] < start[x + 1] {
                    let a = Int(arcs[Int(cursor[x])]), y = Int(head[a])
                    if residual[a] > eps && level[y] == level[x] + 1 { pathArcs.append(a); x = y; advanced = true; break }
                    cursor[x] += 1
                }
                if advanced { continue }
                // Dead end: retreat and drop the arc that led here.
                if x == source { break }
                level[x] = -1
                let a = pathArcs.removeLast()
                x = Int(tail[a])
                cursor[x] += 1
            }
        }
    }

    /// Nodes reachable from `source` over arcs with residual capacity (after `maxFlow`).
    func residualReach(from source: Int) -> [Bool] {
        var seen = [Bool](repeating: false, count: nodeCount)
        var stack = [source]
        seen[source] = true
        while let x = stack.popLast() {
            for k in Int(start[x])..<Int(start[x + 1]) {
                let a = Int(arcs[k]), y = Int(head[a])
                if residual[a] > eps && !seen[y] { seen[y] = true; stack.append(y) }
            }
        }
        return seen
    }
}
