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
    /// Exact, by iFUB (iterative fringe upper bound) with eccentricity upper bounds:
    /// 1. a double sweep (BFS from `node`, then from the farthest node a) gives a lower bound
    ///    ecc(a) and a path a…b whose middle node(s) u are central;
    /// 2. nodes are examined from the deepest BFS layer i of u upwards; once the best
    ///    eccentricity found exceeds 2(i − 1), no pair of shallower nodes can be farther apart
    ///    and the search stops;
    /// 3. every BFS from s also bounds ecc(w) <= ecc(s) + d(s, w) for all w; a fringe node whose
    ///    bound cannot beat the current best is skipped (this, and a BFS from both middle nodes
    ///    when the a…b path has odd length, makes trees and tree-like access networks take a
    ///    handful of BFS even when the deepest layer holds thousands of nodes).
    /// Worst case O(n·m); typically a few BFS on sparse real networks, which makes 550k-node
    /// graphs tractable where all-pairs BFS (networkx) is not.
    ///
    /// - Multigraph rule: parallel edges and self-loops change nothing.
    /// - Reference: Crescenzi, Grossi, Habib, Lanzi, Marino, "On computing the diameter of
    ///   real-world undirected graphs", Theoretical Computer Science 514, 2013; the bound in 3 is
    ///   the one of Takes & Kosters, "Determining the diameter of small world networks", CIKM 2011.
    public func diameter(ofComponentContaining node: Int) -> Int {
        var dist = [Int32](repeating: -1, count: nodeCount)
        var queue = [Int32](repeating: 0, count: nodeCount)
        var parent = [Int32](repeating: -1, count: nodeCount)
        var eccUpper = [Int32](repeating: .max, count: nodeCount)
        // One BFS from `src` recording parents; tightens eccUpper over the component; resets
        // `dist` unless `keep` (then `queue[0..<visited]` is the BFS order, by depth).
        func sweep(_ src: Int, keep: Bool = false) -> (ecc: Int, far: Int, visited: Int) {
            dist[src] = 0; parent[src] = -1; queue[0] = Int32(src)
            var head = 0, tail = 1
            while head < tail {
                let v = Int(queue[head]); head += 1
                let dv = dist[v] + 1
                var i = Int(adjacencyStart[v])
                let end = Int(adjacencyStart[v + 1])
                while i < end {
                    let w = Int(adjacentNode[i]); i += 1
                    if dist[w] < 0 { dist[w] = dv; parent[w] = Int32(v); queue[tail] = Int32(w); tail += 1 }
                }
            }
            let far = Int(queue[tail - 1])
            let ecc = dist[far]
            for i in 0..<tail {
                let w = Int(queue[i])
                let bound = ecc + dist[w]
                if bound < eccUpper[w] { eccUpper[w] = bound }
                if !keep { dist[w] = -1 }
            }
            return (Int(ecc), far, tail)
        }
        let a = sweep(node).far
        let fromA = sweep(a)
        var lower = fromA.ecc
        // Middle of the a…b path: walk lower/2 parent steps from b towards a; with an odd
        // length there are two middle nodes, and both are swept.
        var u = fromA.far
        for _ in 0..<(lower / 2) { u = Int(parent[u]) }
        if lower % 2 == 1 { lower = max(lower, sweep(Int(parent[u])).ecc) }

        let root = sweep(u, keep: true)
        let componentSize = root.visited
        let order = Array(queue[0..<componentSize])
        let depth = order.map { dist[Int($0)] }
        for v in order { dist[Int(v)] = -1 }
        lower = max(lower, root.ecc)
        var layer = root.ecc
        var idx = componentSize - 1   // `order` is by nondecreasing depth
        while 2 * layer > lower && layer > 0 {
            while idx >= 0 && Int(depth[idx]) == layer {
                let x = Int(order[idx]); idx -= 1
                if Int(eccUpper[x]) <= lower { continue }   // cannot beat the best found
                lower = max(lower, sweep(x).ecc)
                if lower >= 2 * layer { return lower }      // reached this layer's upper bound
            }
            if lower > 2 * (layer - 1) { return lower }
            layer -= 1
        }
        return lower
    }
}
