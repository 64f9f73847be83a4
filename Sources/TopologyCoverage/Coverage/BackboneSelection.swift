import NetworkGraph

/// Which nodes are the backbone (the sources every metric is measured from) and which are the
/// access nodes scored, by the rules of `shared/bench/topology_networkx.py`:
///
/// - Backbone B: the ids (or, failing that, names) given by the user; else nodes with tier
///   backbone; else the single node of highest degree (ties: smallest id compared as a string),
///   or with `perComponent` the highest-degree node of every component of 2+ nodes (not in the
///   reference script: for datasets holding several separate national networks).
/// - Villages: tier village; else (no node has tier village) every node not in B and not an
///   urban access node.
/// - Urban access nodes: tier building or urban_access (`Tier.isUrbanAccess`), scored with the
///   same widest-path figures as villages but summarised apart (`CoverageReport.urban`).
/// - Access nodes reported per node: villages, townships, then urban access nodes.
public struct BackboneSelection: Sendable {
    public var backbone: [Int]
    public var backboneRule: String
    public var villages: [Int]
    public var villageRule: String
    /// Urban access nodes (tier building or urban_access), ascending.
    public var urbanAccess: [Int]
    /// Villages, townships, then urban access nodes, each ascending.
    public var accessNodes: [Int]
    /// User-given ids that matched no node.
    public var unmatchedIds: [String]

    /// Resolves user-given backbone ids: each matches the first node with that id, else the
    /// first node with that name (as `topology_networkx.py` does).
    /// - Returns: `nodes`, the matched node indices in the order given (one per matched id), and
    ///   `unmatched`, the ids that matched no node id or name, in the order given.
    public static func resolveBackboneIds(_ ids: [String], in t: Topology) -> (nodes: [Int], unmatched: [String]) {
        var byId: [String: Int] = [:], byName: [String: Int] = [:]
        for (i, n) in t.nodes.enumerated() { byId[n.id] = byId[n.id] ?? i; byName[n.name] = byName[n.name] ?? i }
        var nodes: [Int] = [], unmatched: [String] = []
        for id in ids {
            if let i = byId[id] ?? byName[id] { nodes.append(i) } else { unmatched.append(id) }
        }
        return (nodes, unmatched)
    }

    public init(topology t: Topology, graph g: Multigraph, backboneIds: [String]?, perComponent: Bool = false) {
        // Tiers read once, by index (iterating the nodes would copy each with its strings).
        self.init(topology: t, graph: g, tiers: t.nodes.indices.map { t.nodes[$0].tier }, backboneIds: backboneIds,
                  perComponent: perComponent)
    }

    /// The same selection from the nodes' tiers read beforehand (`tiers[i]` is `t.nodes[i].tier`).
    init(topology t: Topology, graph g: Multigraph, tiers: [Tier], backboneIds: [String]?, perComponent: Bool = false) {
        unmatchedIds = []
        if let ids = backboneIds, !ids.isEmpty {
            let r = Self.resolveBackboneIds(ids, in: t)
            unmatchedIds = r.unmatched
            backbone = r.nodes; backboneRule = "--backbone"
        } else if tiers.contains(.backbone) {
            backbone = tiers.indices.filter { tiers[$0] == .backbone }; backboneRule = "tier == backbone"
        } else if perComponent && !t.nodes.isEmpty {
            // One national network per component (e.g. 16 countries in one dataset): the
            // highest-degree node of every component of two or more nodes.
            let comps = g.connectedComponents()
            var best = [Int](repeating: -1, count: comps.count)
            for i in t.nodes.indices {
                let c = Int(comps.label[i])
                guard comps.size[c] >= 2 else { continue }
                let b = best[c]
                if b < 0 || g.degree(of: i) > g.degree(of: b) || (g.degree(of: i) == g.degree(of: b) && t.nodes[i].id < t.nodes[b].id) { best[c] = i }
            }
            backbone = best.filter { $0 >= 0 }.sorted(); backboneRule = "highest degree node per component"
        } else if !t.nodes.isEmpty {
            var best = 0
            for i in 1..<t.nodes.count {
                let d = g.degree(of: i), bd = g.degree(of: best)
                if d > bd || (d == bd && t.nodes[i].id < t.nodes[best].id) { best = i }
            }
            backbone = [best]; backboneRule = "highest degree node"
        } else { backbone = []; backboneRule = "empty graph" }
        if tiers.contains(.village) {
            villages = tiers.indices.filter { tiers[$0] == .village }; villageRule = "tier == village"
        } else {
            var isB = [Bool](repeating: false, count: t.nodes.count)
            for b in backbone { isB[b] = true }
            villages = tiers.indices.filter { !isB[$0] && !tiers[$0].isUrbanAccess }; villageRule = "all non-backbone nodes"
        }
        urbanAccess = tiers.indices.filter { tiers[$0].isUrbanAccess }
        accessNodes = villages + tiers.indices.filter { tiers[$0] == .township } + urbanAccess
    }
}
