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
    /// - Complexity: O((n + m) log n), binary heap with lazy deletion. Ties between equal
    ///   bottlenecks go to the first label settled (deterministic for a given graph).
    /// - Reference: M. Pollack, "The maximum capacity through a network", Operations Research
    ///   8(5), 1960; networkx `_dijkstra_multisource` for the search skeleton.
    public func widestPaths(from sources: [Int], capacity: [Double]) -> WidestPaths {
        precondition(capacity.count == edgeCount, "widestPaths: \(capacity.count) capacities for \(edgeCount) edges")
        let r = labelSetting(sources: sources, weight: capacity, Widest.self)
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
    /// - Complexity: O((n + m) log n), binary heap with lazy deletion.
    /// - Reference: E. W. Dijkstra, "A note on two problems in connexion with graphs",
    ///   Numerische Mathematik 1, 1959; networkx `multi_source_dijkstra`.
    public func shortestPaths(from sources: [Int], length: [Double]) -> ShortestPaths {
        precondition(length.count == edgeCount, "shortestPaths: \(length.count) lengths for \(edgeCount) edges")
        let r = labelSetting(sources: sources, weight: length, Shortest.self)
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

/// Heap entry: a tentative label for a node. Ordered by label, then node id, so pops are
/// deterministic.
private struct Entry: Comparable {
    var label: Double
    var node: Int32
    static func < (a: Entry, b: Entry) -> Bool { a.label < b.label || (a.label == b.label && a.node > b.node) }
}

extension Multigraph {
    fileprivate func labelSetting<A: PathAlgebra>(sources: [Int], weight: [Double], _: A.Type)
        -> (label: [Double], parent: [Int32], origin: [Int32]) {
        let n = nodeCount
        var label = [Double](repeating: A.unreachedLabel, count: n)
        var parent = [Int32](repeating: -1, count: n)
        var origin = [Int32](repeating: -1, count: n)
        var done = [Bool](repeating: false, count: n)
        var heap = Heap<Entry>()
        for s in sources where origin[s] < 0 {
            label[s] = A.sourceLabel; origin[s] = Int32(s)
            heap.insert(Entry(label: A.sourceLabel, node: Int32(s)))
        }
        while let top = (A.maximises ? heap.popMax() : heap.popMin()) {
            let v = Int(top.node)
            if done[v] || top.label != label[v] { continue }   // stale entry (lazy deletion)
            done[v] = true
            let lv = label[v]
            var i = Int(adjacencyStart[v])
            let end = Int(adjacencyStart[v + 1])
            while i < end {
                let w = Int(adjacentNode[i]), e = Int(adjacentEdge[i]); i += 1
                if done[w] { continue }
                guard let cand = A.extend(lv, weight[e]) else { continue }
                if A.better(cand, label[w]) {
                    label[w] = cand; parent[w] = Int32(e); origin[w] = origin[v]
                    heap.insert(Entry(label: cand, node: Int32(w)))
                }
            }
        }
        return (label, parent, origin)
    }
}
