/// One access node's figures, ready for rendering (a row view over `CoverageReport`'s columns).
public struct AccessNodeRow: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var tier: String
    public var region: String
    public var households: Int
    /// Connected to a backbone node by some path (any link).
    public var connected: Bool
    /// Broadband: bottleneck capacity > 0.
    public var broadband: Bool
    public var hops: Int?
    public var pathKm: Double?
    public var latencyMs: Double?
    /// Bottleneck (widest-path) capacity to the backbone in Mbps; +infinity is written as nil.
    public var bottleneckMbps: Double?
    public var perHouseholdMbps: Double?
    public var fiberAllTheWay: Bool
    /// The first non-fiber link of the widest path, from the backbone (nil when fiber all the
    /// way or unreached). Structured; renderers format it.
    public var firstNonFiberSegment: NonFiberSegment?
    /// 0 not connected, 1 behind a bridge, 2 = two or more.
    public var edgeConnectivity: Int
    public var behindBridge: Bool
    public var incidentBridges: Int
    public var ipv6EndToEnd: Bool
}

/// A link on an access node's widest path that is not fiber: node ids of its backbone-side end
/// (`from`) and far end (`to`), and its medium (`Medium` raw value).
public struct NonFiberSegment: Sendable, Codable, Equatable {
    public var from: String
    public var to: String
    public var medium: String
    public init(from: String, to: String, medium: String) { self.from = from; self.to = to; self.medium = medium }
}

extension CoverageReport {
    /// Row for node `v` of `t`.
    public func row(_ v: Int, in t: Topology) -> AccessNodeRow {
        let n = t.nodes[v]
        let w = bottleneckMbps[v]
        var seg: NonFiberSegment?
        let e = Int(firstNonFiberLink[v])
        if e >= 0 {
            let l = t.links[e]
            let from = Int(firstNonFiberFrom[v]) == l.b ? l.b : l.a
            seg = NonFiberSegment(from: t.nodes[from].id, to: t.nodes[from == l.a ? l.b : l.a].id, medium: l.medium.rawValue)
        }
        return AccessNodeRow(
            id: n.id, name: n.name, tier: n.tier.rawValue, region: n.region.joined(separator: "/"),
            households: n.households, connected: hops[v] >= 0, broadband: w > 0,
            hops: hops[v] >= 0 ? Int(hops[v]) : nil,
            pathKm: pathKm[v].isFinite ? pathKm[v] : nil, latencyMs: latencyMs[v].isFinite ? latencyMs[v] : nil,
            bottleneckMbps: w.isFinite ? w : nil, perHouseholdMbps: perHouseholdMbps(v).flatMap { $0.isFinite ? $0 : nil },
            fiberAllTheWay: fiberPath[v], firstNonFiberSegment: seg, edgeConnectivity: edgeConnectivity(v),
            behindBridge: behindBridge[v], incidentBridges: Int(incidentBridges[v]), ipv6EndToEnd: ipv6EndToEnd[v])
    }

    /// The worst villages of a member set (see `worstVillages`).
    public func worst(among members: [Int], in t: Topology, count: Int) -> [Int] {
        CoverageScorer.worstNodes(members, report: self, topology: t, count: count)
    }
}
