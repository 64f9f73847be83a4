import NetworkGraph
import TestSupport

/// A random multigraph with parallel edges and self-loops likely: `n` nodes, `m` edges.
func randomMultigraph(n: Int, m: Int, rng: inout SplitMix64) -> Multigraph {
    var edges: [(Int, Int)] = []
    for _ in 0..<m { edges.append((Int.random(in: 0..<n, using: &rng), Int.random(in: 0..<n, using: &rng))) }
    return Multigraph(nodeCount: n, edges: edges)
}

/// The hand-checked example used across the structural tests ("triangle, bridge, doubled link,
/// bridge, pendant with a self-loop, isolated node"):
///
///     0 ─ 1          e0 0-1   e1 1-2   e2 2-0   (triangle)
///      \ /           e3 2-3               (bridge)
///       2 ─ 3 ═ 4 ─ 5 ⟲    e4, e5 3-4    (parallel pair: not a bridge)
///                    e6 4-5               (bridge)
///     6 (isolated)   e7 5-5               (self-loop, ignored)
let example = Multigraph(nodeCount: 7, edges: [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 3), (4, 5), (5, 5)])

/// Components of `g` with edges `removed` deleted and nodes `removedNodes` deleted, by
/// union-find (independent of the library's BFS): the brute-force oracle.
func componentCount(_ g: Multigraph, removingEdge removed: Int? = nil, removingNode removedNode: Int? = nil) -> Int {
    var parent = Array(0..<g.nodeCount)
    func find(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
    for e in 0..<g.edgeCount where e != removed {
        let (a, b) = g.endpoints(of: e)
        if a == removedNode || b == removedNode { continue }
        let ra = find(a), rb = find(b)
        if ra != rb { parent[ra] = rb }
    }
    return (0..<g.nodeCount).filter { $0 != removedNode && find($0) == $0 }.count
}

/// All-pairs hop distances by Floyd–Warshall (-1 = unreachable): the oracle for BFS and diameter.
func floydHops(_ g: Multigraph) -> [[Int]] {
    let n = g.nodeCount, inf = Int.max / 4
    var d = [[Int]](repeating: [Int](repeating: inf, count: n), count: n)
    for v in 0..<n { d[v][v] = 0 }
    for e in 0..<g.edgeCount {
        let (a, b) = g.endpoints(of: e)
        if a != b { d[a][b] = 1; d[b][a] = 1 }
    }
    for k in 0..<n { for i in 0..<n { for j in 0..<n where d[i][k] + d[k][j] < d[i][j] { d[i][j] = d[i][k] + d[k][j] } } }
    return d.map { $0.map { $0 >= inf ? -1 : $0 } }
}
