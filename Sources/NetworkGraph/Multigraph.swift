// The graph every algorithm in this module runs on: an undirected multigraph stored as
// compressed sparse rows (CSR), the layout networkx's scipy export and Boost's
// `compressed_sparse_row_graph` use. Two flat arrays per direction, no per-node allocation,
// so a 550,000-node access network fits in a few tens of MB and is trivially `Sendable`.

/// An undirected multigraph on nodes `0..<nodeCount` with edges `0..<edgeCount`.
///
/// - Parallel edges are kept: each is its own edge id (two fibres between the same pair of
///   sites are two links). Algorithms state how they treat them; the structural rule is the
///   networkx `MultiGraph` one: a pair joined by two or more parallel edges is not a bridge.
/// - Self-loops are kept as edge ids (so `edgeCount` and `endpoints(of:)` match the input) but
///   they are left out of the adjacency: no algorithm, `neighbors(of:)` or `degree(of:)` sees
///   them, as networkx's scorers drop them before every structural metric.
///
/// Adjacency is CSR: the incident (neighbor, edge) pairs of node `v` are
/// `adjacentNode[adjacencyStart[v]..<adjacencyStart[v+1]]` (and `adjacentEdge` likewise), in
/// ascending edge-id order, so every traversal is deterministic.
///
/// Memory: 4 bytes × (2 × edges + 4 × non-loop edges + nodes + 1). Construction is O(n + m).
public struct Multigraph: Sendable {
    /// Number of nodes; node ids are `0..<nodeCount`.
    public let nodeCount: Int
    /// Edge endpoints, two per edge: edge `e` joins `edgeEnds[2e]` and `edgeEnds[2e+1]`.
    @usableFromInline let edgeEnds: [Int32]
    /// CSR row starts, `nodeCount + 1` entries.
    @usableFromInline let adjacencyStart: [Int32]
    /// CSR neighbor ids, one per (node, incident non-loop edge).
    @usableFromInline let adjacentNode: [Int32]
    /// CSR edge ids, parallel to `adjacentNode`.
    @usableFromInline let adjacentEdge: [Int32]
    /// Number of self-loop edges (kept as ids, left out of the adjacency).
    public let selfLoopCount: Int

    /// Builds the graph from an edge list.
    ///
    /// - Parameters:
    ///   - nodeCount: number of nodes (isolated nodes included); must be below `Int32.max`
    ///     (ids are stored in 32 bits; so are edge ids).
    ///   - edges: endpoint pairs; edge `i` of the result is `edges[i]`. Order of the two
    ///     endpoints does not matter (undirected). Both must be in `0..<nodeCount`.
    /// - Precondition: every endpoint is a valid node id (importers validate their input and
    ///   report bad rows before building a graph, so a violation here is a programming error).
    /// - Complexity: O(n + m) time, two passes (count, then fill).
    public init(nodeCount: Int, edges: [(Int, Int)]) {
        var flat: [Int32] = []
        flat.reserveCapacity(edges.count * 2)
        for (a, b) in edges {
            flat.append(Int32(truncatingIfNeeded: a)); flat.append(Int32(truncatingIfNeeded: b))
        }
        self.init(nodeCount: nodeCount, flatEndpoints: flat, validating: edges)
    }

    /// Builds the graph from a flat endpoint array `[a0, b0, a1, b1, ...]` (no tuple array:
    /// the cheapest input for half-million-edge synthetic networks).
    public init(nodeCount: Int, flatEndpoints: [Int32]) {
        self.init(nodeCount: nodeCount, flatEndpoints: flatEndpoints, validating: nil)
    }

    private init(nodeCount: Int, flatEndpoints: [Int32], validating edges: [(Int, Int)]?) {
        precondition(nodeCount >= 0 && nodeCount < Int(Int32.max), "Multigraph: node count \(nodeCount) out of range")
        precondition(flatEndpoints.count % 2 == 0, "Multigraph: odd endpoint array")
        precondition(flatEndpoints.count / 2 < Int(Int32.max), "Multigraph: more than Int32.max edges")
        if let edges {
            for (i, (a, b)) in edges.enumerated() {
                precondition(a >= 0 && a < nodeCount && b >= 0 && b < nodeCount,
                             "Multigraph: edge \(i) (\(a), \(b)) has an endpoint outside 0..<\(nodeCount)")
            }
        } else {
            for (i, v) in flatEndpoints.enumerated() {
                precondition(v >= 0 && Int(v) < nodeCount,
                             "Multigraph: edge \(i / 2) has endpoint \(v) outside 0..<\(nodeCount)")
            }
        }
        self.nodeCount = nodeCount
        self.edgeEnds = flatEndpoints
        let m = flatEndpoints.count / 2
        // Pass 1: degrees (self-loops skipped), prefix sums into row starts.
        var start = [Int32](repeating: 0, count: nodeCount + 1)
        var loops = 0
        for e in 0..<m {
            let a = Int(flatEndpoints[2 * e]), b = Int(flatEndpoints[2 * e + 1])
            if a == b { loops += 1; continue }
            start[a + 1] += 1; start[b + 1] += 1
        }
        for v in 0..<nodeCount { start[v + 1] += start[v] }
        // Pass 2: fill, in ascending edge order, so each row is sorted by edge id.
        let total = Int(start[nodeCount])
        var fill = start
        var nbr = [Int32](repeating: 0, count: total)
        var eid = [Int32](repeating: 0, count: total)
        for e in 0..<m {
            let a = flatEndpoints[2 * e], b = flatEndpoints[2 * e + 1]
            if a == b { continue }
            let ia = Int(fill[Int(a)]); fill[Int(a)] += 1
            nbr[ia] = b; eid[ia] = Int32(e)
            let ib = Int(fill[Int(b)]); fill[Int(b)] += 1
            nbr[ib] = a; eid[ib] = Int32(e)
        }
        self.adjacencyStart = start
        self.adjacentNode = nbr
        self.adjacentEdge = eid
        self.selfLoopCount = loops
    }

    /// Number of edges, self-loops and parallel edges included.
    @inlinable public var edgeCount: Int { edgeEnds.count / 2 }

    /// The two endpoints of `edge`, in input order.
    @inlinable public func endpoints(of edge: Int) -> (Int, Int) {
        (Int(edgeEnds[2 * edge]), Int(edgeEnds[2 * edge + 1]))
    }

    /// The endpoint of `edge` that is not `node` (for a self-loop, `node` itself).
    @inlinable public func opposite(of node: Int, along edge: Int) -> Int {
        let a = Int(edgeEnds[2 * edge])
        return a == node ? Int(edgeEnds[2 * edge + 1]) : a
    }

    /// True when `edge` is a self-loop (ignored by every algorithm).
    @inlinable public func isSelfLoop(_ edge: Int) -> Bool { edgeEnds[2 * edge] == edgeEnds[2 * edge + 1] }

    /// Number of non-loop edges at `node` (parallel edges each count; self-loops do not).
    @inlinable public func degree(of node: Int) -> Int {
        Int(adjacencyStart[node + 1] - adjacencyStart[node])
    }

    /// The (neighbor, edge) pairs at `node`, in ascending edge-id order; a neighbor joined by
    /// k parallel edges appears k times. Self-loops are not listed.
    @inlinable public func neighbors(of node: Int) -> Neighbors {
        Neighbors(graph: self, lower: Int(adjacencyStart[node]), upper: Int(adjacencyStart[node + 1]))
    }

    /// Calls `body(neighbor, edge)` for every incident non-loop edge of `node`.
    @inlinable public func forEachNeighbor(of node: Int, _ body: (_ neighbor: Int, _ edge: Int) throws -> Void) rethrows {
        var i = Int(adjacencyStart[node])
        let end = Int(adjacencyStart[node + 1])
        while i < end {
            try body(Int(adjacentNode[i]), Int(adjacentEdge[i]))
            i += 1
        }
    }

    /// A random-access view of one node's incident (neighbor, edge) pairs.
    public struct Neighbors: RandomAccessCollection, Sendable {
        @usableFromInline let graph: Multigraph
        public let startIndex: Int
        public let endIndex: Int
        @inlinable init(graph: Multigraph, lower: Int, upper: Int) {
            self.graph = graph; self.startIndex = lower; self.endIndex = upper
        }
        @inlinable public subscript(position: Int) -> (node: Int, edge: Int) {
            (Int(graph.adjacentNode[position]), Int(graph.adjacentEdge[position]))
        }
    }

    /// All edges as endpoint pairs (input order), self-loops included.
    public var edgeList: [(Int, Int)] { (0..<edgeCount).map { endpoints(of: $0) } }
}

extension Multigraph {
    /// The simple graph underneath: self-loops dropped and each group of parallel edges collapsed
    /// to one edge, as networkx's `nx.Graph(multigraph)` does for the structural metrics in
    /// FACTS.tsv (`simple_edges`, `bridges_simple`, connectivity).
    ///
    /// - Returns: `graph`, whose edge `i` joins the pair first met at input edge
    ///   `representative[i]` (the lowest id of the group); `simpleEdge[e]` maps every input edge
    ///   to its simple edge (-1 for self-loops).
    /// - Complexity: O(n + m) with a per-node marker array (no hashing).
    public func simplified() -> (graph: Multigraph, representative: [Int], simpleEdge: [Int]) {
        var simpleEdge = [Int](repeating: -1, count: edgeCount)
        var representative: [Int] = []
        var flat: [Int32] = []
        // markEdge[w] = provisional simple edge of (v, w) while scanning v; valid when markOwner[w] == v.
        var markOwner = [Int32](repeating: -1, count: nodeCount)
        var markEdge = [Int32](repeating: -1, count: nodeCount)
        for v in 0..<nodeCount {
            var i = Int(adjacencyStart[v])
            let end = Int(adjacencyStart[v + 1])
            while i < end {
                let w = Int(adjacentNode[i]), e = Int(adjacentEdge[i])
                i += 1
                if markOwner[w] == Int32(v) {
                    simpleEdge[e] = Int(markEdge[w]); continue
                }
                markOwner[w] = Int32(v)
                if w < v {
                    // Pair already created while scanning w: it has the lowest edge id of the group.
                    markEdge[w] = Int32(simpleEdge[e])
                } else {
                    let s = representative.count
                    representative.append(e)
                    flat.append(Int32(v)); flat.append(Int32(w))
                    markEdge[w] = Int32(s)
                    simpleEdge[e] = s
                }
            }
        }
        // Rows are in edge-id order, so the first edge met for a pair is the lowest of its group.
        // Renumber simple edges in order of their representative (one pass over edge ids, no
        // sort), so simple edge ids follow input order.
        var provisionalOf = [Int32](repeating: -1, count: edgeCount)   // representative -> provisional id
        for (p, e) in representative.enumerated() { provisionalOf[e] = Int32(p) }
        var rank = [Int](repeating: 0, count: representative.count)
        var flat2 = [Int32](repeating: 0, count: flat.count)
        var rep2: [Int] = []
        rep2.reserveCapacity(representative.count)
        for e in 0..<edgeCount where provisionalOf[e] >= 0 {
            let old = Int(provisionalOf[e]), newId = rep2.count
            rank[old] = newId
            flat2[2 * newId] = flat[2 * old]; flat2[2 * newId + 1] = flat[2 * old + 1]
            rep2.append(e)
        }
        for e in 0..<edgeCount where simpleEdge[e] >= 0 { simpleEdge[e] = rank[simpleEdge[e]] }
        return (Multigraph(nodeCount: nodeCount, flatEndpoints: flat2), rep2, simpleEdge)
    }

    /// The subgraph induced by `nodes` (every edge with both endpoints in the set, parallel edges
    /// kept, self-loops kept as ids).
    ///
    /// - Returns: `graph` on nodes `0..<nodes.count` (new id i is `nodes[i]`), and `edgeOrigin[i]`,
    ///   the input edge id of new edge i (ascending).
    /// - Complexity: O(n + m).
    public func inducedSubgraph(_ nodes: [Int]) -> (graph: Multigraph, edgeOrigin: [Int]) {
        var newId = [Int32](repeating: -1, count: nodeCount)
        for (i, v) in nodes.enumerated() { newId[v] = Int32(i) }
        var flat: [Int32] = []
        var origin: [Int] = []
        for e in 0..<edgeCount {
            let a = newId[Int(edgeEnds[2 * e])], b = newId[Int(edgeEnds[2 * e + 1])]
            if a >= 0 && b >= 0 { flat.append(a); flat.append(b); origin.append(e) }
        }
        return (Multigraph(nodeCount: nodes.count, flatEndpoints: flat), origin)
    }
}
