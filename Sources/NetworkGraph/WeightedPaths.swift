import HeapModule

// Weighted single- and multi-source path searches (networkx `algorithms/shortest_paths/weighted.py`
// `_dijkstra_multisource`). One private label-setting core; the shortest path (sum, minimise) and
// the widest path (min, maximise: bottleneck capacity) are thin wrappers that choose the combine.
// networkx has no widest path; the max-min Dijkstra is the textbook one (Pollack 1960).

/// Result of ``Multigraph/widestPaths(from:capacity:)``.
public struct WidestPaths: Sendable {
    /// Bottleneck capacity in Mbps per node: the largest, over paths from any source, of the
    /// smallest edge capacity on the path. Sources: `+infinity`. Unreachable nodes: 0.
    public let bottleneckMbps: [Double]
    /// Edge by which each node is reached on one widest path; -1 for sources and unreachable nodes.
    public let parentEdge: [Int32]
    /// The source each node's widest path starts from; -1 when unreachable.
    public let origin: [Int32]
}

/// Result of ``Multigraph/shortestPaths(from:length:)``.
public struct ShortestPaths: Sendable {
    /// Path length in km (the unit of the `length` argument) from the nearest source;
    /// sources 0, unreachable `+infinity`.
    public let distanceKm: [Double]
    /// Edge by which each node is reached on one shortest path; -1 for sources and unreachable nodes.
    public let parentEdge: [Int32]
    /// The nearest source (the start of the recorded path); -1 when unreachable.
    public let origin: [Int32]
}

extension Multigraph {
    /// The edges of the recorded path from its source to `node`, source end first; empty for a
    /// source or an unreachable node. `parentEdge` is a result's parent-edge array.
    public func pathEdges(to node: Int, parentEdge: [Int32]) -> [Int] {
        var edges: [Int] = []
        var v = node
        while parentEdge[v] >= 0 {
            let e = Int(parentEdge[v])
            edges.append(e)
            v = opposite(of: v, along: e)
        }
        return edges.reversed()
    }

    /// Widest (maximum-bottleneck) paths from a set of sources.
    ///
    /// Definition: W(v) = max over paths P from any source to v of min over edges e in P of
    /// `capacity[e]` (bottleneck capacity); W(source) = +infinity (a source needs no link).
    ///
    /// - Parameters:
    ///   - sources: node ids (duplicates allowed).
    ///   - capacity: per edge id, in Mbps. Edges with capacity `<= 0` or NaN are unusable
    ///     (unknown capacity is the caller's choice: pass 0 to exclude, a default to include).
    /// - Returns: ``WidestPaths``: bottleneck Mbps per node (0 = unreachable), parent edge and
    ///   origin source per node.
    /// - Multigraph rule: parallel edges are **not** aggregated: each is its own path, so a pair
    ///   joined by 10 and 10 Mbps links has bottleneck 10 (model a LAG as one link with the summed
    ///   capacity). Self-loops are ignored.
    /// - Complexity: O(n + m) with at most 4096 distinct capacities (bucket queue over capacity
    ///   levels), else O((n + m) log n) (binary heap with lazy deletion). Ties between equal
    ///   bottlenecks go to the first label settled (deterministic for a given input).
    /// - Reference: M. Pollack, "The maximum capacity through a network", Operations Research
    ///   8(5), 1960; networkx `_dijkstra_multisource` for the search skeleton.
    public func widestPaths(from sources: [Int], capacity: [Double]) -> WidestPaths {
        precondition(capacity.count == edgeCount, "widestPaths: \(capacity.count) capacities for \(edgeCount) edges")
        // Link speeds come from a short catalogue (2, 10, 100, 1000, 10000 Mbps...). With few
        // distinct capacities the search runs on their ranks ("levels") with a bucket queue:
        // a strictly increasing relabelling keeps every max-min comparison, and bottlenecks
        // only fall along a path, so the buckets are visited once, top down (Dial 1969).
        if let levels = CapacityLevels(capacity, limit: 4096) {
            let r = labelSetting(sources: sources, weight: levels.level, Widest.self,
                                 queue: LevelBuckets(levelCount: levels.value.count))
            let label = r.label.map { $0.isInfinite ? Double.infinity : levels.value[Int($0)] }
            return WidestPaths(bottleneckMbps: label, parentEdge: r.parent, origin: r.origin)
        }
        let r = labelSetting(sources: sources, weight: capacity, Widest.self, queue: HeapFrontier<Widest>())
        return WidestPaths(bottleneckMbps: r.label, parentEdge: r.parent, origin: r.origin)
    }

    /// Shortest weighted paths (Dijkstra) from a set of sources.
    ///
    /// Definition: d(v) = min over paths P from any source to v of the sum of `length[e]`.
    ///
    /// - Parameters:
    ///   - sources: node ids (duplicates allowed).
    ///   - length: per edge id, in km (any non-negative unit works; results are in that unit).
    ///     Edges with a negative, NaN or infinite length are unusable.
    /// - Returns: ``ShortestPaths``: km per node (+infinity = unreachable), parent edge, origin.
    /// - Multigraph rule: of parallel edges the shortest counts; self-loops are ignored.
    /// - Complexity: O((n + m) log n), binary heap with lazy deletion; nodes of degree 1 never
    ///   enter the heap (their label is final when their one neighbour settles).
    /// - Reference: E. W. Dijkstra, "A note on two problems in connexion with graphs",
    ///   Numerische Mathematik 1, 1959; networkx `multi_source_dijkstra`.
    public func shortestPaths(from sources: [Int], length: [Double]) -> ShortestPaths {
        precondition(length.count == edgeCount, "shortestPaths: \(length.count) lengths for \(edgeCount) edges")
        let r = labelSetting(sources: sources, weight: length, Shortest.self, queue: HeapFrontier<Shortest>())
        return ShortestPaths(distanceKm: r.label, parentEdge: r.parent, origin: r.origin)
    }
}

// MARK: - The label-setting core

/// How a path label is built and compared: `better(a, b)` is a strict total preference,
/// `extend(label, weight)` the label after one more edge, nil when the edge is unusable.
private protocol PathAlgebra {
    static var sourceLabel: Double { get }
    static var unreachedLabel: Double { get }
    static func extend(_ label: Double, _ weight: Double) -> Double?
    static func better(_ a: Double, _ b: Double) -> Bool
    static var maximises: Bool { get }
}

private enum Shortest: PathAlgebra {
    static var sourceLabel: Double { 0 }
    static var unreachedLabel: Double { .infinity }
    @inline(__always) static func extend(_ label: Double, _ w: Double) -> Double? {
        (w >= 0 && w.isFinite) ? label + w : nil
    }
    @inline(__always) static func better(_ a: Double, _ b: Double) -> Bool { a < b }
    static var maximises: Bool { false }
}

private enum Widest: PathAlgebra {
    static var sourceLabel: Double { .infinity }
    static var unreachedLabel: Double { 0 }
    @inline(__always) static func extend(_ label: Double, _ w: Double) -> Double? {
        w > 0 ? min(label, w) : nil   // NaN > 0 is false: unusable
    }
    @inline(__always) static func better(_ a: Double, _ b: Double) -> Bool { a > b }
    static var maximises: Bool { true }
}

/// The search frontier: tentative (label, node) pairs, best first. Stale pairs are allowed
/// (lazy deletion): the core skips a pair whose label is no longer the node's.
private protocol Frontier {
    mutating func push(_ label: Double, _ node: Int32)
    mutating func popBest() -> Entry?
}

/// Heap entry: a tentative label for a node. Ordered by label, then node id, so pops are
/// deterministic.
private struct Entry: Comparable {
    var label: Double
    var node: Int32
    static func < (a: Entry, b: Entry) -> Bool { a.label < b.label || (a.label == b.label && a.node > b.node) }
}

/// swift-collections' min-max heap: pops the smallest label (shortest) or the largest (widest).
private struct HeapFrontier<A: PathAlgebra>: Frontier {
    var heap = Heap<Entry>()
    @inline(__always) mutating func push(_ label: Double, _ node: Int32) { heap.insert(Entry(label: label, node: node)) }
    @inline(__always) mutating func popBest() -> Entry? { A.maximises ? heap.popMax() : heap.popMin() }
}

/// Distinct usable capacities, ascending, and each edge's level: 1-based rank of its capacity
/// (0 = unusable: <= 0 or NaN). nil when there are more than `limit` distinct values.
private struct CapacityLevels {
    var value: [Double] = [0]     // value[level]; level 0 = unusable / unreached
    var level: [Double]           // per edge, the level as a Double weight for the core
    init?(_ capacity: [Double], limit: Int) {
        // One hash per edge: provisional ids in order of first appearance, then remapped to
        // ascending ranks through a table of at most `limit` entries.
        var provisional: [Double: Int32] = [:]
        var firstSeen: [Double] = []
        var ids = [Int32](repeating: -1, count: capacity.count)
        for (e, c) in capacity.enumerated() where c > 0 {
            if let id = provisional[c] { ids[e] = id; continue }
            if firstSeen.count == limit { return nil }
            provisional[c] = Int32(firstSeen.count); ids[e] = Int32(firstSeen.count); firstSeen.append(c)
        }
        let order = firstSeen.indices.sorted { firstSeen[$0] < firstSeen[$1] }
        var rank = [Double](repeating: 0, count: firstSeen.count)
        for (r, id) in order.enumerated() { rank[id] = Double(r + 1) }
        value += order.map { firstSeen[$0] }
        level = ids.map { $0 < 0 ? 0 : rank[Int($0)] }
    }
}

/// Dial's bucket queue for widest paths over capacity levels: one LIFO list per level plus one
/// for +infinity (the sources), scanned from the top. Valid because a label pushed while
/// settling level L is min(L, edge level) <= L: the scan never has to go back up.
private struct LevelBuckets: Frontier {
    var head: [Int32]             // per bucket: last entry, -1 empty
    var next: [Int32] = []        // per entry: previous entry in its bucket
    var node: [Int32] = []
    var cursor: Int               // highest bucket that may be non-empty
    init(levelCount: Int) {
        head = [Int32](repeating: -1, count: levelCount + 1)   // last bucket = +infinity
        cursor = levelCount
    }
    @inline(__always) mutating func push(_ label: Double, _ v: Int32) {
        let b = label.isInfinite ? head.count - 1 : Int(label)
        next.append(head[b]); node.append(v); head[b] = Int32(node.count - 1)
        if b > cursor { cursor = b }
    }
    @inline(__always) mutating func popBest() -> Entry? {
        while cursor >= 0 {
            let i = Int(head[cursor])
            if i >= 0 {
                head[cursor] = next[i]
                return Entry(label: cursor == head.count - 1 ? .infinity : Double(cursor), node: node[i])
            }
            cursor -= 1
        }
        return nil
    }
}

extension Multigraph {
    fileprivate func labelSetting<A: PathAlgebra, Q: Frontier>(sources: [Int], weight: [Double], _: A.Type, queue: Q)
        -> (label: [Double], parent: [Int32], origin: [Int32]) {
        let n = nodeCount
        var label = [Double](repeating: A.unreachedLabel, count: n)
        var parent = [Int32](repeating: -1, count: n)
        var origin = [Int32](repeating: -1, count: n)
        var done = [Bool](repeating: false, count: n)
        var heap = queue
        for s in sources where origin[s] < 0 {
            label[s] = A.sourceLabel; origin[s] = Int32(s)
            heap.push(A.sourceLabel, Int32(s))
        }
        // The CSR arrays were checked when the graph was built (every node id < nodeCount, every
        // edge id < edgeCount == weight.count), so the loop reads them without bounds checks:
        // this loop is the largest single cost of scoring a national network.
        adjacencyStart.withUnsafeBufferPointer { start in
        adjacentNode.withUnsafeBufferPointer { adjNode in
        adjacentEdge.withUnsafeBufferPointer { adjEdge in
        weight.withUnsafeBufferPointer { weight in
        label.withUnsafeMutableBufferPointer { label in
        parent.withUnsafeMutableBufferPointer { parent in
        origin.withUnsafeMutableBufferPointer { origin in
        done.withUnsafeMutableBufferPointer { done in
            while let top = heap.popBest() {
                let v = Int(top.node)
                if done[v] || top.label != label[v] { continue }   // stale entry (lazy deletion)
                done[v] = true
                let lv = label[v]
                var i = Int(start[v])
                let end = Int(start[v + 1])
                while i < end {
                    let w = Int(adjNode[i]), e = Int(adjEdge[i]); i += 1
                    if done[w] { continue }
                    guard let cand = A.extend(lv, weight[e]) else { continue }
                    if A.better(cand, label[w]) {
                        label[w] = cand; parent[w] = Int32(e); origin[w] = origin[v]
                        // A node of degree 1 is reached only through v: its label is already final
                        // and it relaxes nothing (its one neighbour is settled), so it skips the
                        // queue. Access networks are mostly such leaves (single-homed villages).
                        if start[w + 1] - start[w] == 1 { done[w] = true } else { heap.push(cand, Int32(w)) }
                    }
                }
            }
        }}}}}}}}
        return (label, parent, origin)
    }
}
