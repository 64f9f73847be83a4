// Unweighted distances: multi-source BFS, eccentricity and diameter
// (networkx `algorithms/traversal/breadth_first_search.py` `bfs_layers`,
// `algorithms/distance_measures.py` `diameter`).

extension Multigraph {
    /// Hop distances from the nearest of several sources (multi-source BFS).
    ///
    /// Definition: `result[v]` = min over sources s of the number of edges on a shortest s–v path
    /// (networkx `bfs_layers(G, sources)` layer index).
    ///
    /// - Parameter sources: node ids; duplicates allowed; empty gives all -1.
    /// - Returns: hops per node (sources 0), -1 when no source reaches the node.
    /// - Multigraph rule: parallel edges and self-loops change no distance.
    /// - Complexity: O(n + m).
    public func hopDistances(from sources: [Int]) -> [Int32] {
        var dist = [Int32](repeating: -1, count: nodeCount)
        var queue = [Int32](repeating: 0, count: nodeCount)
        var tail = 0
        for s in sources where dist[s] < 0 { dist[s] = 0; queue[tail] = Int32(s); tail += 1 }
        _ = bfs(&dist, &queue, tail: tail)
        return dist
    }

    /// BFS core over a `dist` array already seeded (sources at 0, queued); returns the number of
    /// nodes visited (queue length). Nodes with `dist >= 0` are not re-entered.
    @inline(__always)
    private func bfs(_ dist: inout [Int32], _ queue: inout [Int32], tail start: Int) -> Int {
        var head = 0, tail = start
        while head < tail {
            let v = Int(queue[head]); head += 1
            let dv = dist[v] + 1
            var i = Int(adjacencyStart[v])
            let end = Int(adjacencyStart[v + 1])
            while i < end {
                let w = Int(adjacentNode[i]); i += 1
                if dist[w] < 0 { dist[w] = dv; queue[tail] = Int32(w); tail += 1 }
            }
        }
        return tail
    }

    /// Eccentricity of `node`: the largest hop distance from it to any node of its component.
    /// - Complexity: O(size of the component).
    public func eccentricity(of node: Int) -> Int {
        var dist = [Int32](repeating: -1, count: nodeCount)
        var queue = [Int32](repeating: 0, count: nodeCount)
        dist[node] = 0; queue[0] = Int32(node)
        let visited = bfs(&dist, &queue, tail: 1)
        return Int(dist[Int(queue[visited - 1])])
    }

    /// Diameter in hops of the connected component containing `node`: the largest eccentricity
    /// (unweighted, as `nx.diameter` on that component). A single node has diameter 0.
    ///
    /// Exact, by iFUB (iterative fringe upper bound): a double sweep picks a central start u;
    /// nodes are then examined from the deepest BFS layer of u upwards, and the search stops once
    /// the best eccentricity found exceeds twice the layer depth left (no pair of shallower
    /// nodes can be farther apart). Worst case O(n·m), typically a handful of BFS on sparse
    /// real networks, which makes 550k-node graphs tractable where all-pairs BFS is not.
    ///
    /// - Multigraph rule: parallel edges and self-loops change nothing.
    /// - Reference: Crescenzi, Grossi, Habib, Lanzi, Marino, "On computing the diameter of
    ///   real-world undirected graphs", Theoretical Computer Science 514, 2013.
    public func diameter(ofComponentContaining node: Int) -> Int {
        var dist = [Int32](repeating: -1, count: nodeCount)
        var queue = [Int32](repeating: 0, count: nodeCount)
        // One BFS from `src`; returns (eccentricity, farthest node); leaves `queue` in BFS order
        // for the visited count and resets `dist` afterwards unless `keep`.
        func sweep(_ src: Int, keep: Bool = false) -> (ecc: Int, far: Int, visited: Int) {
            dist[src] = 0; queue[0] = Int32(src)
            let visited = bfs(&dist, &queue, tail: 1)
            let far = Int(queue[visited - 1])
            let ecc = Int(dist[far])
            if !keep { for i in 0..<visited { dist[Int(queue[i])] = -1 } }
            return (ecc, far, visited)
        }
        // Double sweep: a = farthest from node, b = farthest from a; u = middle of an a–b path.
        let a = sweep(node).far
        // BFS from a with parents to find the middle of the a–b path.
        var parent = [Int32](repeating: -1, count: nodeCount)
        dist[a] = 0; queue[0] = Int32(a)
        var head = 0, tail = 1
        while head < tail {
            let v = Int(queue[head]); head += 1
            forEachNeighbor(of: v) { w, _ in
                if dist[w] < 0 { dist[w] = dist[v] + 1; parent[w] = Int32(v); queue[tail] = Int32(w); tail += 1 }
            }
        }
        let b = Int(queue[tail - 1])
        var lower = Int(dist[b])
        var u = b
        for _ in 0..<(lower / 2) { u = Int(parent[u]) }
        for i in 0..<tail { dist[Int(queue[i])] = -1 }

        // BFS from u, kept: layers by depth.
        let root = sweep(u, keep: true)
        let componentSize = root.visited
        let order = Array(queue[0..<componentSize])
        let depth = order.map { dist[Int($0)] }
        for v in order { dist[Int(v)] = -1 }
        lower = max(lower, root.ecc)
        var layer = root.ecc
        var upper = 2 * layer
        var idx = componentSize - 1   // order is by nondecreasing depth
        while upper > lower && layer > 0 {
            var layerBest = 0
            while idx >= 0 && Int(depth[idx]) == layer {
                layerBest = max(layerBest, sweep(Int(order[idx])).ecc)
                idx -= 1
            }
            lower = max(lower, layerBest)
            if lower > 2 * (layer - 1) { return lower }
            upper = 2 * (layer - 1)
            layer -= 1
        }
        return lower
    }
}
