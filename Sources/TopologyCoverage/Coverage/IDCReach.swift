import NetworkGraph

/// How far every node is from an Internet data centre (IDC: a node with role `idc`).
///
/// Definitions, per node v:
/// - nearest IDC: the IDC with the lowest one-way propagation latency to v under the scoring
///   `LatencyModel` (the same rule as `latencyMs`: guided 5 µs/km, radio 3.34 µs/km, satellite
///   240 ms + ground km; links of unknown length count 0 km); ties go to the IDC listed first in
///   the input. An IDC is its own nearest (latency 0, hops 0, capacity +infinity).
/// - `latencyMs`: that latency; `latencyLowerBound`: the lowest-latency path holds a link of
///   unknown length, so the figure is a lower bound.
/// - `hops`: fewest links between v and its nearest IDC (any path; -1 when not connected).
/// - `bottleneckMbps`: widest-path capacity between v and its nearest IDC (max over paths of the
///   least link capacity; parallel links not summed; unknown capacity under the scoring rule).
/// Per group (villages, urban access nodes, each region of villages): households whose nearest
/// IDC is within 10, 20 and 50 ms (`withinMs`), counted over nodes with households; nodes not
/// connected to any IDC, and nodes whose latency is only a lower bound, count within no bound.
///
/// Complexity: O(k (n + m) log n) for k IDCs (one Dijkstra, one BFS and one widest-path search
/// per IDC, so ties resolve exactly by input order).
public struct IDCReach: Sendable {
    /// The latency bounds (ms) of `withinMs`, ascending.
    public static let boundsMs: [Double] = [10, 20, 50]
    /// IDC node indices, ascending.
    public var idcs: [Int]
    /// Per node: index of the nearest IDC, -1 when none is connected.
    public var nearest: [Int32]
    public var hops: [Int32]
    public var latencyMs: [Double]
    public var latencyLowerBound: [Bool]
    public var bottleneckMbps: [Double]
    /// Villages, urban access nodes (when any), then each region of villages by name.
    public var groups: [IDCGroupSummary]

    static func compute(_ t: Topology, graph g: Multigraph, report r: CoverageReport, idcs: [Int], linkKm: [Double],
                        linkLatencyMs: [Double], capacityMbps: [Double]) -> IDCReach {
        let n = t.nodes.count
        var unknownLength = [Bool](repeating: false, count: t.links.count)
        let lengths = t.linkLengthsKm()
        for j in t.links.indices where lengths[j] == nil && t.links[j].a != t.links[j].b { unknownLength[j] = true }
        var out = IDCReach(idcs: idcs, nearest: [Int32](repeating: -1, count: n), hops: [Int32](repeating: -1, count: n),
                           latencyMs: [Double](repeating: .infinity, count: n), latencyLowerBound: [Bool](repeating: false, count: n),
                           bottleneckMbps: [Double](repeating: 0, count: n), groups: [])
        for d in idcs {
            let sp = g.shortestPaths(from: [d], length: linkLatencyMs)
            var improved: [Int] = []
            for v in 0..<n where sp.distanceKm[v] < out.latencyMs[v] {   // strict: ties keep the earlier IDC
                out.latencyMs[v] = sp.distanceKm[v]; out.nearest[v] = Int32(d); improved.append(v)
            }
            guard !improved.isEmpty else { continue }
            let hop = g.hopDistances(from: [d])
            let wide = g.widestPaths(from: [d], capacity: capacityMbps).bottleneckMbps
            let lower = CoverageScorer.pathHoldsFlaggedEdge(g, parentEdge: sp.parentEdge, flagged: unknownLength)
            for v in improved { out.hops[v] = hop[v]; out.bottleneckMbps[v] = wide[v]; out.latencyLowerBound[v] = lower[v] }
        }
        out.groups.append(out.summarize(r.selection.villages, group: "villages", households: r.households))
        if !r.selection.urbanAccess.isEmpty {
            out.groups.append(out.summarize(r.selection.urbanAccess, group: "urban", households: r.households))
        }
        if r.regionVillages.count > 1 {
            for (region, members) in r.regionVillages { out.groups.append(out.summarize(members, group: region, households: r.households)) }
        }
        return out
    }

    /// Aggregates over `members` (node indices); see the type's definitions.
    public func summarize(_ members: [Int], group: String, households hh: [Int]) -> IDCGroupSummary {
        var s = IDCGroupSummary(group: group, boundsMs: Self.boundsMs)
        s.withinMs = [Int](repeating: 0, count: Self.boundsMs.count)
        var lat: [Double] = [], cap: [Double] = []
        var hopSum = 0
        for v in members {
            s.nodes += 1
            guard nearest[v] >= 0 else { continue }
            s.reached += 1
            lat.append(latencyMs[v]); cap.append(bottleneckMbps[v])
            hopSum += Int(hops[v]); s.hopsMax = max(s.hopsMax ?? 0, Int(hops[v]))
            // A lower bound says nothing about "within X ms": such nodes count within no bound.
            if latencyLowerBound[v] { s.latencyLowerBounds += 1; continue }
            guard hh[v] > 0 else { continue }
            for (i, b) in Self.boundsMs.enumerated() where latencyMs[v] <= b { s.withinMs[i] += hh[v] }
        }
        for v in members where hh[v] > 0 { s.households += hh[v] }
        if !lat.isEmpty { lat.sort(); s.latencyMedianMs = lat[lat.count / 2]; s.latencyMaxMs = lat[lat.count - 1] }
        if s.reached > 0 { s.hopsMean = Double(hopSum) / Double(s.reached) }
        // Upper median; an IDC's own +infinity is left out (JSON cannot hold it).
        cap = cap.filter(\.isFinite).sorted()
        if !cap.isEmpty { s.bottleneckMedianMbps = cap[cap.count / 2] }
        return s
    }
}

/// IDC reach of one group of access nodes.
public struct IDCGroupSummary: Sendable, Codable, Equatable {
    public var group: String
    public var nodes = 0
    /// Nodes connected to some IDC.
    public var reached = 0
    /// Households of the group's nodes (nodes with households > 0).
    public var households = 0
    /// Latency bounds in ms, and per bound the households whose nearest IDC is within it.
    public var boundsMs: [Double]
    public var withinMs: [Int] = []
    /// Upper median and maximum latency (ms) to the nearest IDC over reached nodes.
    public var latencyMedianMs: Double?
    public var latencyMaxMs: Double?
    /// Reached nodes whose latency is a lower bound (path over a link of unknown length).
    public var latencyLowerBounds = 0
    /// Mean and maximum hops to the nearest IDC, over reached nodes.
    public var hopsMean: Double?
    public var hopsMax: Int?
    /// Upper median widest-path capacity (Mbps) to the nearest IDC, over reached nodes (an IDC's
    /// own unbounded capacity left out).
    public var bottleneckMedianMbps: Double?

    public init(group: String, boundsMs: [Double]) { self.group = group; self.boundsMs = boundsMs }

    /// Share (0...1) of the group's households within bound `i`; nil without households.
    public func withinShare(_ i: Int) -> Double? { households > 0 ? Double(withinMs[i]) / Double(households) : nil }

    enum CodingKeys: String, CodingKey {
        case group, nodes, reached, households
        case boundsMs = "bounds_ms"
        case withinMs = "households_within_ms"
        case latencyMedianMs = "latency_median_ms"
        case latencyMaxMs = "latency_max_ms"
        case latencyLowerBounds = "latency_lower_bounds"
        case hopsMean = "hops_mean", hopsMax = "hops_max", bottleneckMedianMbps = "bottleneck_median_mbps"
    }
}
