/// Aggregate figures over a set of access nodes (all villages, a region's, a tier's), with the
/// definitions of `shared/bench/topology_networkx.py`:
///
/// - broadband: bottleneck capacity W > 0 (reached over links of known, positive capacity);
/// - fiber: some widest path is fiber on every link (W_fiber == W > 0);
/// - meets t Mbps: W × contention ≥ t × households, over nodes with households > 0 only
///   (unreached nodes count as not meeting); shares by node and weighted by households;
/// - behind a bridge: some bridge separates the node from every backbone node.
public struct AccessSummary: Sendable, Codable, Equatable {
    /// Group label: "all", a region name, or a tier name.
    public var group: String
    public var nodes: Int = 0
    public var nodesWithHouseholds: Int = 0
    public var households: Int = 0
    /// Connected to the backbone at all (any link, even of unknown capacity).
    public var connected: Int = 0
    public var broadband: Int = 0
    public var fiber: Int = 0
    public var behindBridge: Int = 0
    public var ipv6EndToEnd: Int = 0
    public var householdsBroadband: Int = 0
    public var householdsFiber: Int = 0
    public var householdsIPv6: Int = 0
    /// Per threshold (same order as `thresholdsMbps`): nodes / households meeting it, and meeting it over fiber.
    public var thresholdsMbps: [Double] = []
    public var meets: [Int] = []
    public var meetsHouseholds: [Int] = []
    public var meetsAndFiber: [Int] = []
    public var meetsAndFiberHouseholds: [Int] = []
    public var hopsMax: Int?
    public var hopsMean: Double?
    /// Upper median (element n/2 of the sorted values), as the reference script.
    public var bottleneckMedianMbps: Double?
    public var perHouseholdMedianMbps: Double?
    /// The group's worst villages (lowest per-household capacity first; ids), at most 3.
    public var worstVillageIds: [String] = []
    /// Per-household Mbps of those villages, same order.
    public var worstVillageMbps: [Double] = []

    public init(group: String) { self.group = group }

    /// JSON keys, named explicitly: `.convertToSnakeCase` would turn `householdsIPv6` into
    /// `households_i_pv6` (documented in docs/topology-schema.md).
    enum CodingKeys: String, CodingKey {
        case group, nodes, households, connected, broadband, fiber, meets
        case nodesWithHouseholds = "nodes_with_households"
        case behindBridge = "behind_bridge"
        case ipv6EndToEnd = "ipv6_end_to_end"
        case householdsBroadband = "households_broadband"
        case householdsFiber = "households_fiber"
        case householdsIPv6 = "households_ipv6"
        case thresholdsMbps = "thresholds_mbps"
        case meetsHouseholds = "meets_households"
        case meetsAndFiber = "meets_and_fiber"
        case meetsAndFiberHouseholds = "meets_and_fiber_households"
        case hopsMax = "hops_max"
        case hopsMean = "hops_mean"
        case bottleneckMedianMbps = "bottleneck_median_mbps"
        case perHouseholdMedianMbps = "per_household_median_mbps"
        case worstVillageIds = "worst_village_ids"
        case worstVillageMbps = "worst_village_mbps"
    }

    func share(_ x: Int, _ n: Int) -> Double? { n > 0 ? Double(x) / Double(n) : nil }
    public var broadbandShare: Double? { share(broadband, nodes) }
    public var fiberShare: Double? { share(fiber, nodes) }
    public var behindBridgeShare: Double? { share(behindBridge, nodes) }
    public var ipv6Share: Double? { share(ipv6EndToEnd, nodes) }
    public var fiberHouseholdsShare: Double? { share(householdsFiber, households) }
    public var broadbandHouseholdsShare: Double? { share(householdsBroadband, households) }
    /// Share of nodes with households meeting threshold `i`.
    public func meetsShare(_ i: Int) -> Double? { share(meets[i], nodesWithHouseholds) }
    public func meetsHouseholdsShare(_ i: Int) -> Double? { share(meetsHouseholds[i], households) }
    public func meetsAndFiberShare(_ i: Int) -> Double? { share(meetsAndFiber[i], nodesWithHouseholds) }
}

/// Element n/2 of the values sorted ascending (the upper median, as the reference script):
/// selected in O(n) (`OrderStatistics`), sorted when a value is NaN so the old order rules hold.
func upperMedian(_ values: inout [Double]) -> Double {
    if values.contains(where: \.isNaN) { values.sort(); return values[values.count / 2] }
    return OrderStatistics.kthSmallest(&values, values.count / 2)
}

extension CoverageReport {
    /// Aggregates over `members` (node indices).
    public func summarize(_ members: [Int], group: String) -> AccessSummary {
        var s = AccessSummary(group: group)
        let th = options.thresholdsMbps, c = options.contentionRatio
        s.thresholdsMbps = th
        s.meets = Array(repeating: 0, count: th.count); s.meetsHouseholds = s.meets
        s.meetsAndFiber = s.meets; s.meetsAndFiberHouseholds = s.meets
        var hopSum = 0, hopN = 0
        var ws: [Double] = [], pv: [Double] = []
        ws.reserveCapacity(members.count)
        for v in members {
            s.nodes += 1
            let hh = households[v]
            let w = bottleneckMbps[v]
            let fib = fiberPath[v]
            ws.append(w)
            if hops[v] >= 0 { s.connected += 1; hopSum += Int(hops[v]); hopN += 1; s.hopsMax = max(s.hopsMax ?? 0, Int(hops[v])) }
            if w > 0 { s.broadband += 1 }
            if fib { s.fiber += 1 }
            if behindBridge[v] { s.behindBridge += 1 }
            if ipv6EndToEnd[v] { s.ipv6EndToEnd += 1 }
            guard hh > 0 else { continue }
            s.nodesWithHouseholds += 1
            s.households += hh
            if w > 0 { s.householdsBroadband += hh }
            if fib { s.householdsFiber += hh }
            if ipv6EndToEnd[v] && w > 0 { s.householdsIPv6 += hh }
            pv.append(CoverageReport.perHouseholdMbps(bottleneckMbps: w, households: hh, contention: c))
            for (i, t) in th.enumerated() where CoverageReport.meetsPerHousehold(bottleneckMbps: w, households: hh, contention: c, thresholdMbps: t) {
                s.meets[i] += 1; s.meetsHouseholds[i] += hh
                if fib { s.meetsAndFiber[i] += 1; s.meetsAndFiberHouseholds[i] += hh }
            }
        }
        if hopN > 0 { s.hopsMean = Double(hopSum) / Double(hopN) }
        if !ws.isEmpty { s.bottleneckMedianMbps = upperMedian(&ws) }
        if !pv.isEmpty { s.perHouseholdMedianMbps = upperMedian(&pv) }
        return s
    }
}
