import NetworkGraph

/// The first non-fibre link (counted from the backbone) on each access node's recorded widest
/// path, and whether that node's widest path is fibre all the way.
enum FirstNonFiber {
    /// - Parameters: the graph `g` of `t`, the access nodes, the widest-path bottleneck `W` and
    ///   fibre-only bottleneck `WF` (Mbps, indexed by node) and the widest search's `parentEdge`
    ///   (-1 at sources and unreached nodes).
    /// - Returns: per node (n entries): `fiberPath` (W == WF > 0); `link`, the first non-fibre
    ///   link of the parent chain nearest the source, and `from`, its source-side end; both -1
    ///   for nodes that are not access nodes, are unreached (W == 0), have `fiberPath`, or whose
    ///   chain is all fibre.
    /// - Complexity: O(n): each chain node's answer is computed once (memoised), where walking
    ///   every access node's chain to the source is O(n × depth).
    static func compute(_ t: Topology, graph g: Multigraph, accessNodes: [Int], bottleneck W: [Double],
                        fiberBottleneck WF: [Double], parentEdge: [Int32]) -> (fiberPath: [Bool], link: [Int32], from: [Int32]) {
        let n = W.count
        var fiberPath = [Bool](repeating: false, count: n)
        var link = [Int32](repeating: -1, count: n)
        var from = [Int32](repeating: -1, count: n)
        // Per chain node: the answer for a walk starting there; -2 = not computed yet.
        var memoLink = [Int32](repeating: -2, count: n)
        var memoFrom = [Int32](repeating: -1, count: n)
        var chain: [Int] = []
        t.links.withUnsafeBufferPointer { links in
            for v in accessNodes {
                let w = W[v]
                if w > 0 && WF[v] == w { fiberPath[v] = true; continue }
                guard w > 0 else { continue }
                // Up to a node already answered, or a source.
                var x = v
                while memoLink[x] == -2 && parentEdge[x] >= 0 {
                    chain.append(x)
                    x = g.opposite(of: x, along: Int(parentEdge[x]))
                }
                if memoLink[x] == -2 { memoLink[x] = -1; memoFrom[x] = -1 }
                // Back down: a node's answer is its parent's when the parent's chain holds a
                // non-fibre link (that one is nearer the source), else its own edge if non-fibre.
                while let y = chain.popLast() {
                    let e = Int(parentEdge[y])
                    let up = g.opposite(of: y, along: e)
                    if memoLink[up] >= 0 { memoLink[y] = memoLink[up]; memoFrom[y] = memoFrom[up] }
                    else if links[e].medium != .fiber { memoLink[y] = Int32(e); memoFrom[y] = Int32(up) }
                    else { memoLink[y] = -1; memoFrom[y] = -1 }
                }
                link[v] = memoLink[v]; from[v] = memoFrom[v]
            }
        }
        return (fiberPath, link, from)
    }
}
