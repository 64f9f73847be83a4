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
    /// km of the shortest path to the backbone; nil when unreached.
    public var pathKm: Double?
    /// `pathKm` is a lower bound: its path uses a link of unknown length (counted 0 km).
    public var pathKmLowerBound: Bool
    public var latencyMs: Double?
    /// `latencyMs` is a lower bound: its path uses a link of unknown length.
    public var latencyMsLowerBound: Bool
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
    /// Bottleneck figures read a link of unknown capacity (see `CoverageReport.dependsOnUnknownCapacity`).
    public var dependsOnUnknownCapacity: Bool
    /// Nearest IDC (node id), hops, latency (ms; lower bound when `idcLatencyLowerBound`) and
    /// widest-path capacity (Mbps) to it; nil when the topology has no IDC or none is connected.
    public var nearestIdc: String?
    public var idcHops: Int?
    public var idcLatencyMs: Double?
    public var idcLatencyLowerBound: Bool?
    public var idcBottleneckMbps: Double?

    /// JSON keys, named explicitly (docs/topology-schema.md).
    enum CodingKeys: String, CodingKey {
        case id, name, tier, region, households, connected, broadband, hops
        case pathKm = "path_km", pathKmLowerBound = "path_km_lower_bound"
        case latencyMs = "latency_ms", latencyMsLowerBound = "latency_ms_lower_bound"
        case bottleneckMbps = "bottleneck_mbps", perHouseholdMbps = "per_household_mbps"
        case fiberAllTheWay = "fiber_all_the_way", firstNonFiberSegment = "first_non_fiber_segment"
        case edgeConnectivity = "edge_connectivity", behindBridge = "behind_bridge"
        case incidentBridges = "incident_bridges", ipv6EndToEnd = "ipv6_end_to_end"
        case dependsOnUnknownCapacity = "depends_on_unknown_capacity"
        case nearestIdc = "nearest_idc", idcHops = "idc_hops", idcLatencyMs = "idc_latency_ms"
        case idcLatencyLowerBound = "idc_latency_lower_bound", idcBottleneckMbps = "idc_bottleneck_mbps"
    }
}

/// A link on an access node's widest path that is not fiber: node ids of its backbone-side end
/// (`from`) and far end (`to`), and its medium (`Medium` raw value).
public struct NonFiberSegment: Sendable, Codable, Equatable {
    public var from: String
    public var to: String
    public var medium: String
    enum CodingKeys: String, CodingKey { case from, to, medium }
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
        var row = AccessNodeRow(
            id: n.id, name: n.name, tier: n.tier.rawValue, region: n.region.joined(separator: "/"),
            households: n.households, connected: hops[v] >= 0, broadband: w > 0,
            hops: hops[v] >= 0 ? Int(hops[v]) : nil,
            pathKm: pathKm[v].isFinite ? pathKm[v] : nil, pathKmLowerBound: pathKmLowerBound[v],
            latencyMs: latencyMs[v].isFinite ? latencyMs[v] : nil, latencyMsLowerBound: latencyMsLowerBound[v],
            bottleneckMbps: w.isFinite ? w : nil, perHouseholdMbps: perHouseholdMbps(v).flatMap { $0.isFinite ? $0 : nil },
            fiberAllTheWay: fiberPath[v], firstNonFiberSegment: seg, edgeConnectivity: edgeConnectivity(v),
            behindBridge: behindBridge[v], incidentBridges: Int(incidentBridges[v]), ipv6EndToEnd: ipv6EndToEnd[v],
            dependsOnUnknownCapacity: dependsOnUnknownCapacity[v])
        if let idc = infrastructure.idcReach, idc.nearest[v] >= 0 {
            let d = Int(idc.nearest[v])
            row.nearestIdc = t.nodes[d].id
            row.idcHops = Int(idc.hops[v])
            row.idcLatencyMs = idc.latencyMs[v]
            row.idcLatencyLowerBound = idc.latencyLowerBound[v]
            row.idcBottleneckMbps = idc.bottleneckMbps[v].isFinite ? idc.bottleneckMbps[v] : nil
        }
        return row
    }

    /// The worst villages of a member set (see `worstVillages`).
    public func worst(among members: [Int], in t: Topology, count: Int) -> [Int] {
        CoverageScorer.worstNodes(members, report: self, topology: t, count: count)
    }
}
