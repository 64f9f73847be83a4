import NetworkGraph

/// Everything scoring computes for one topology: per-node columns (index = node index), the
/// network summary, and aggregates over villages, per region and per tier.
///
/// Per-node definitions (same as `shared/bench/topology_networkx.py` where it has them):
/// - `hops`: BFS distance from the nearest backbone node (-1 = not connected);
/// - `bottleneckMbps` W: widest-path capacity from the backbone (max over paths of the min link
///   capacity; parallel links not aggregated; unknown capacity = `unknownCapacityMbps`, default
///   0 = unusable); backbone +infinity, unreached 0;
/// - `fiberPath`: W_fiber == W > 0, W_fiber the widest path over fiber links only;
/// - `firstNonFiberLink`: on the recorded widest path, the first link (from the backbone) that is
///   not fiber; -1 when fiber all the way or unreached;
/// - per-household Mbps = W × contention / households;
/// - `pathKm`: shortest path length in km (Dijkstra on link km; unknown lengths count 0);
///   `latencyMs`: lowest one-way propagation latency under `LatencyModel` (its own Dijkstra).
///   `pathKmLowerBound` / `latencyMsLowerBound`: the recorded path holds a link of unknown
///   length (no given length, no coordinates at both ends), so the figure is only a lower bound.
///   When the recorded path has no such link the figure is exact: every other path is at least
///   as long even with its unknown links counted 0;
/// - `edgeConnectivity`: 0 not connected, 1 behind a bridge (a single link failure cuts the node
///   off from every backbone node), 2 meaning "2 or more" (exact higher values are not computed);
/// - `ipv6EndToEnd`: a path from a backbone node exists on which every node and link has
///   `ipv6 == true` (unknown counts as no).
public struct CoverageReport: Sendable {
    public let options: CoverageOptions
    public let network: NetworkSummary
    public let selection: BackboneSelection

    public let hops: [Int32]
    public let bottleneckMbps: [Double]
    public let fiberBottleneckMbps: [Double]
    public let fiberPath: [Bool]
    public internal(set) var firstNonFiberLink: [Int32]
    /// The backbone-side end (node index) of `firstNonFiberLink`; -1 when there is none.
    public internal(set) var firstNonFiberFrom: [Int32]
    public let pathKm: [Double]
    public let latencyMs: [Double]
    /// Per node: `pathKm` is a lower bound (its path uses a link of unknown length).
    public let pathKmLowerBound: [Bool]
    /// Per node: `latencyMs` is a lower bound (its path uses a link of unknown length).
    public let latencyMsLowerBound: [Bool]
    /// Per node: the figures that read capacity (bottleneck, fiber all the way) would change if
    /// links of unknown capacity had any capacity — W or W_fiber differs between unknown = 0 and
    /// unknown = +infinity. All false when every capacity is known or `--unknown-capacity` is
    /// given. Target checks over such nodes are "not measurable" (`TargetScorer`).
    public let dependsOnUnknownCapacity: [Bool]
    public let behindBridge: [Bool]
    public let incidentBridges: [Int32]
    public let ipv6EndToEnd: [Bool]
    /// Per node: connected to the backbone and an end of a `cellular` link marked `generation`
    /// `5g` (`TopologyLink.is5GCellular`).
    public let reached5G: [Bool]
    public let households: [Int]

    /// Aggregates over all villages (the reference script's `villages` block).
    public internal(set) var villages: AccessSummary
    /// Aggregates over urban access nodes (tier building / urban_access); nil when there are none.
    public internal(set) var urban: AccessSummary?
    /// Per region (path prefix of depth `regionLevel`, joined by "/"), villages only, by name.
    public internal(set) var byRegion: [AccessSummary]
    /// Villages grouped by region key (see `regionKey`), groups sorted by name.
    public internal(set) var regionVillages: [(region: String, villages: [Int])]
    /// Per access tier (township, village, building, urban_access; those present).
    public internal(set) var byTier: [AccessSummary]
    /// Villages with households, lowest per-household capacity first (unreached first), at most `worstCount`.
    public internal(set) var worstVillages: [Int]
    /// Data centre reach, international egress and backbone capacity between regions.
    public internal(set) var infrastructure: InfrastructureReport
    /// Wall time of each stage in seconds, in order.
    public internal(set) var timings: [(stage: String, seconds: Double)]

    /// Edge connectivity of node `v` to the backbone, capped at 2: 0 unreached, 1 behind a bridge
    /// (a single point of failure; a pair joined by parallel links is not a bridge), 2 for two or
    /// more edge-disjoint paths.
    public func edgeConnectivity(_ v: Int) -> Int { hops[v] < 0 ? 0 : (behindBridge[v] ? 1 : 2) }
    /// Capacity per household of node `v` in Mbps under the contention ratio N (N:1) of
    /// `options`: bottleneck capacity × N / households. nil when `v` has no households.
    public func perHouseholdMbps(_ v: Int) -> Double? {
        households[v] > 0 ? Self.perHouseholdMbps(bottleneckMbps: bottleneckMbps[v], households: households[v],
                                                  contention: options.contentionRatio) : nil
    }

    /// The one per-household formula: bottleneck Mbps × contention ratio N / households.
    /// `households` must be > 0.
    @inline(__always)
    public static func perHouseholdMbps(bottleneckMbps w: Double, households: Int, contention: Double) -> Double {
        w * contention / Double(households)
    }

    /// Whether a node meets `thresholdMbps` per household: W × N >= t × households, compared in
    /// that multiplied form as `topology_networkx.py` does (no division, so no rounding at the
    /// boundary). Same figure as `perHouseholdMbps(...) >= thresholdMbps` up to rounding.
    @inline(__always)
    public static func meetsPerHousehold(bottleneckMbps w: Double, households: Int, contention: Double, thresholdMbps t: Double) -> Bool {
        w * contention >= t * Double(households)
    }
    /// Region key of node `v` at `regionLevel`.
    public func regionKey(_ v: Int, in t: Topology) -> String {
        Self.regionKey(path: t.nodes[v].region, level: options.regionLevel)
    }

    /// The key of a region path at `level` (1 = first element): the first `level` elements
    /// joined with "/", or "(no region)" for an empty path.
    static func regionKey(path r: [String], level: Int) -> String {
        r.isEmpty ? "(no region)" : r.prefix(max(1, level)).joined(separator: "/")
    }
}
