// Bridges, articulation points, 2-edge-connected components and "behind a bridge"
// (networkx `algorithms/bridges.py`, `components/biconnected.py`, `connectivity/edge_kcomponents.py`).
// One private low-link search serves all of them.

/// The cut structure of a graph relative to a backbone set; see
/// ``Multigraph/cutStructure(backbone:)``.
public struct CutStructure: Sendable {
    /// Bridge edge ids, ascending (multigraph rule: doubled links are not bridges).
    public let bridges: [Int]
    /// Articulation point node ids, ascending.
    public let articulationPoints: [Int]
    /// Components after deleting every bridge.
    public let twoEdgeConnected: Components
    /// Per node: connected to the backbone but separated from all of it by some bridge.
    public let behindBridge: [Bool]
}

extension Multigraph {
    /// Result of one depth-first low-link pass (Hopcroft–Tarjan).
    private struct LowLink {
        var isBridge: [Bool]          // per edge
        var isArticulation: [Bool]    // per node
    }

    /// The shared core: iterative DFS computing discovery times and low-links.
    ///
    /// The search skips only the *edge id* it arrived by, not every edge to the parent: a second
    /// parallel edge to the parent is then a back edge, so low(child) <= disc(parent) and the
    /// doubled link is correctly not a bridge (the networkx MultiGraph rule).
    private func lowLink() -> LowLink {
        let n = nodeCount
        var disc = [Int32](repeating: -1, count: n)
        var low = [Int32](repeating: 0, count: n)
        var parentEdge = [Int32](repeating: -1, count: n)
        var cursor = [Int32](repeating: 0, count: n)
        var stack: [Int32] = []
        var isBridge = [Bool](repeating: false, count: edgeCount)
        var isArticulation = [Bool](repeating: false, count: n)
        var time: Int32 = 0
        for root in 0..<n where disc[root] < 0 {
            disc[root] = time; low[root] = time; time += 1
            cursor[root] = adjacencyStart[root]
            stack.append(Int32(root))
            var rootChildren = 0
            while let top = stack.last {
                let v = Int(top)
                let c = Int(cursor[v])
                if c < Int(adjacencyStart[v + 1]) {
                    cursor[v] += 1
                    let w = Int(adjacentNode[c]), e = adjacentEdge[c]
                    if e == parentEdge[v] { continue }
                    if disc[w] < 0 {
                        parentEdge[w] = e
                        disc[w] = time; low[w] = time; time += 1
                        cursor[w] = adjacencyStart[w]
                        stack.append(Int32(w))
                        if v == root { rootChildren += 1 }
                    } else if disc[w] < low[v] {
                        low[v] = disc[w]
                    }
                } else {
                    stack.removeLast()
                    let pe = Int(parentEdge[v])
                    guard pe >= 0 else { continue }
                    let p = opposite(of: v, along: pe)
                    if low[v] < low[p] { low[p] = low[v] }
                    if low[v] > disc[p] { isBridge[pe] = true }
                    if p != root && low[v] >= disc[p] { isArticulation[p] = true }
                }
            }
            if rootChildren >= 2 { isArticulation[root] = true }
        }
        return LowLink(isBridge: isBridge, isArticulation: isArticulation)
    }

    /// Bridges: edges whose removal increases the number of connected components.
    ///
    /// Multigraph rule: a node pair joined by two or more parallel edges is **not** a bridge
    /// (losing one of them disconnects nothing), as `nx.bridges` on a `MultiGraph`. For the
    /// simple-graph count (`bridges_simple` in FACTS.tsv) call `simplified().graph.bridges()`.
    /// Self-loops are never bridges.
    ///
    /// - Returns: edge ids, ascending.
    /// - Complexity: O(n + m), iterative DFS.
    /// - Reference: R. E. Tarjan, "A note on finding the bridges of a graph", IPL 2(6), 1974.
    public func bridges() -> [Int] {
        let ll = lowLink()
        return ll.isBridge.indices.filter { ll.isBridge[$0] }
    }

    /// Articulation points (cut vertices): nodes whose removal increases the number of
    /// connected components.
    ///
    /// Multigraph rule: parallel edges and self-loops change nothing (same set as on the
    /// collapsed simple graph, as `nx.articulation_points`).
    ///
    /// - Returns: node ids, ascending.
    /// - Complexity: O(n + m), iterative DFS.
    /// - Reference: Hopcroft & Tarjan, "Algorithm 447: efficient algorithms for graph
    ///   manipulation", CACM 16(6), 1973.
    public func articulationPoints() -> [Int] {
        let ll = lowLink()
        return ll.isArticulation.indices.filter { ll.isArticulation[$0] }
    }

    /// 2-edge-connected components: the components left after deleting every bridge.
    ///
    /// Two nodes share one when two edge-disjoint paths join them (parallel edges count as
    /// disjoint paths). An isolated node is its own component.
    ///
    /// - Returns: ``Components`` over the bridge-free graph.
    /// - Complexity: O(n + m).
    /// - Reference: networkx `k_edge_components(G, k=2)`; Tarjan 1974.
    public func twoEdgeConnectedComponents() -> Components {
        twoEdgeConnectedComponents(isBridge: lowLink().isBridge)
    }

    private func twoEdgeConnectedComponents(isBridge: [Bool]) -> Components {
        componentsByBFS(skipping: isBridge)
    }

    /// Which nodes lie behind a bridge as seen from the backbone: a single point of failure.
    ///
    /// Definition: `result[v]` is true when v is connected to some backbone node and some bridge
    /// separates v from *every* backbone node, i.e. v's edge connectivity to the backbone set is 1.
    /// Computed on the bridge tree (2-edge-connected components contracted; bridges are its
    /// edges): v is behind a bridge iff its component lies outside the minimal subtree spanning
    /// the components that hold backbone nodes. This matches `behind_bridge` in
    /// `shared/bench/topology_networkx.py`.
    ///
    /// - Parameter backbone: backbone node ids (duplicates allowed; may be empty).
    /// - Returns: one flag per node. Backbone nodes, nodes in a backbone node's 2-edge-connected
    ///   component, and nodes **not connected to any backbone node** are false (callers tell
    ///   unreachable nodes apart with ``hopDistances(from:)``).
    /// - Multigraph rule: parallel links make their pair 2-edge-connected (no bridge).
    /// - Complexity: O(n + m).
    public func behindBridge(backbone: [Int]) -> [Bool] {
        let isBridge = lowLink().isBridge
        return behindBridge(backbone: backbone, isBridge: isBridge,
                            tec: twoEdgeConnectedComponents(isBridge: isBridge))
    }

    /// Bridges, articulation points, 2-edge-connected components and behind-bridge flags from a
    /// single depth-first pass (a scorer needs all four; calling ``bridges()``,
    /// ``articulationPoints()`` and ``behindBridge(backbone:)`` separately costs three passes).
    /// Each field is defined as in the method of the same name.
    /// - Complexity: O(n + m).
    public func cutStructure(backbone: [Int]) -> CutStructure {
        let ll = lowLink()
        let tec = twoEdgeConnectedComponents(isBridge: ll.isBridge)
        return CutStructure(
            bridges: ll.isBridge.indices.filter { ll.isBridge[$0] },
            articulationPoints: ll.isArticulation.indices.filter { ll.isArticulation[$0] },
            twoEdgeConnected: tec,
            behindBridge: behindBridge(backbone: backbone, isBridge: ll.isBridge, tec: tec))
    }

    private func behindBridge(backbone: [Int], isBridge: [Bool], tec: Components) -> [Bool] {
        let k = tec.count
        // Bridge tree adjacency (CSR over components).
        var deg = [Int32](repeating: 0, count: k + 1)
        var bridgeIds: [Int] = []
        for e in 0..<edgeCount where isBridge[e] {
            bridgeIds.append(e)
            let (a, b) = endpoints(of: e)
            deg[Int(tec.label[a]) + 1] += 1; deg[Int(tec.label[b]) + 1] += 1
        }
        for c in 0..<k { deg[c + 1] += deg[c] }
        var fill = deg
        var treeAdj = [Int32](repeating: 0, count: Int(deg[k]))
        for e in bridgeIds {
            let (a, b) = endpoints(of: e)
            let ca = Int(tec.label[a]), cb = Int(tec.label[b])
            treeAdj[Int(fill[ca])] = Int32(cb); fill[ca] += 1
            treeAdj[Int(fill[cb])] = Int32(ca); fill[cb] += 1
        }
        var terminal = [Int32](repeating: 0, count: k)   // backbone nodes per component
        for b in backbone { terminal[Int(tec.label[b])] = 1 }
        // Root every tree that holds a terminal at a terminal component; BFS order, then count
        // terminals per subtree bottom-up. With a terminal root, a component is on the minimal
        // spanning subtree iff its subtree holds a terminal.
        var parent = [Int32](repeating: -2, count: k)     // -2 unvisited, -1 root
        var order: [Int32] = []
        order.reserveCapacity(k)
        var reached = [Bool](repeating: false, count: k)
        for r in 0..<k where terminal[r] > 0 && parent[r] == -2 {
            parent[r] = -1
            var head = order.count
            order.append(Int32(r))
            while head < order.count {
                let c = Int(order[head]); head += 1
                reached[c] = true
                for i in Int(deg[c])..<Int(deg[c + 1]) {
                    let d = Int(treeAdj[i])
                    if parent[d] == -2 { parent[d] = Int32(c); order.append(Int32(d)) }
                }
            }
        }
        var count = terminal
        for c in order.reversed() where parent[Int(c)] >= 0 {
            count[Int(parent[Int(c)])] += count[Int(c)]
        }
        var result = [Bool](repeating: false, count: nodeCount)
        for v in 0..<nodeCount {
            let c = Int(tec.label[v])
            result[v] = reached[c] && count[c] == 0
        }
        return result
    }
}
