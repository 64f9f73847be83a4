import NetworkGraph

/// Scores a topology: builds the multigraph once and runs every metric of `CoverageReport`.
///
/// Complexity: O((n + m) log n) — four label-setting searches (widest, widest over fiber,
/// shortest km, lowest latency), two BFS (hops, IPv6), one DFS (bridges / articulation points),
/// the bridge tree, and a diameter search on the largest component.
public enum CoverageScorer {
    /// Scores `t` under `options` (contention ratio, unknown-capacity rule, backbone choice,
    /// latency model, region level).
    /// - Returns: a `CoverageReport` whose per-node arrays are indexed like `t.nodes`; capacities
    ///   in Mbps, lengths in km, latencies in ms, `timings` in seconds. Never throws: unreachable
    ///   nodes get hop count -1 and capacity 0.
    public static func score(_ t: Topology, options: CoverageOptions = CoverageOptions()) -> CoverageReport {
        var timings: [(String, Double)] = []
        let clock = ContinuousClock()
        var mark = clock.now
        func lap(_ stage: String) {
            let now = clock.now
            let d = now - mark
            timings.append((stage, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18))
            mark = now
        }
        let g = t.multigraph()
        let n = t.nodes.count, m = t.links.count
        lap("build_graph")
        let sel = BackboneSelection(topology: t, graph: g, backboneIds: options.backboneIds, perComponent: options.backbonePerComponent)
        let comps = g.connectedComponents()
        lap("components")
        let bridgeIds = g.bridges()
        lap("bridges")
        let arts = g.articulationPoints()
        lap("articulation_points")
        let hops = g.hopDistances(from: sel.backbone)
        lap("bfs_hops")
        let cap = t.linkCapacitiesMbps(unknown: options.unknownCapacityMbps)
        let wide = g.widestPaths(from: sel.backbone, capacity: cap)
        lap("widest_path")
        var capFiber = cap
        for j in 0..<m where t.links[j].medium != .fiber { capFiber[j] = 0 }
        let wideFiber = g.widestPaths(from: sel.backbone, capacity: capFiber)
        lap("widest_path_fiber")
        let behind = g.behindBridge(backbone: sel.backbone)
        lap("behind_bridge")
        var incident = [Int32](repeating: 0, count: n)
        for e in bridgeIds { let (a, b) = g.endpoints(of: e); incident[a] += 1; incident[b] += 1 }
        lap("incident_bridges")

        // km by medium, and the per-link km / latency weights for the two Dijkstras.
        let lengths = t.linkLengthsKm()
        var kmByMedium: [String: Double] = [:], linksByMedium: [String: Int] = [:]
        var noLength = 0, noCapacity = 0
        var km = [Double](repeating: 0, count: m), lat = [Double](repeating: 0, count: m)
        for j in 0..<m {
            let l = t.links[j]
            if l.capacityMbps == nil { noCapacity += 1 }
            if l.a == l.b { continue }
            let name = l.medium.rawValue
            if let L = lengths[j] {
                kmByMedium[name, default: 0] += L; linksByMedium[name, default: 0] += 1; km[j] = L
            } else { noLength += 1 }
            lat[j] = options.latency.milliseconds(medium: l.medium, km: km[j])
        }
        lap("km_by_medium")
        let shortest = g.shortestPaths(from: sel.backbone, length: km)
        lap("path_km")
        let fastest = g.shortestPaths(from: sel.backbone, length: lat)
        lap("latency")

        // IPv6 end to end: BFS from IPv6 backbone nodes over IPv6 links into IPv6 nodes.
        var v6 = [Bool](repeating: false, count: n)
        var queue: [Int32] = []
        queue.reserveCapacity(n)
        for b in sel.backbone where t.nodes[b].ipv6 == true && !v6[b] { v6[b] = true; queue.append(Int32(b)) }
        var head = 0
        while head < queue.count {
            let u = Int(queue[head]); head += 1
            g.forEachNeighbor(of: u) { w, e in
                if !v6[w] && t.links[e].ipv6 == true && t.nodes[w].ipv6 == true { v6[w] = true; queue.append(Int32(w)) }
            }
        }
        lap("ipv6_end_to_end")

        // Fiber on a widest path, and the first non-fiber link of the recorded widest path.
        var fiberPath = [Bool](repeating: false, count: n)
        var firstNonFiber = [Int32](repeating: -1, count: n)
        var firstNonFiberFrom = [Int32](repeating: -1, count: n)
        let W = wide.bottleneckMbps, WF = wideFiber.bottleneckMbps
        for v in sel.accessNodes {
            let w = W[v]
            if w > 0 && WF[v] == w { fiberPath[v] = true; continue }
            guard w > 0 else { continue }
            var x = v, first: Int32 = -1, from: Int32 = -1
            while wide.parentEdge[x] >= 0 {
                let e = Int(wide.parentEdge[x])
                let up = g.opposite(of: x, along: e)
                // Last seen walking up = nearest the backbone; `up` is its backbone-side end.
                if t.links[e].medium != .fiber { first = Int32(e); from = Int32(up) }
                x = up
            }
            firstNonFiber[v] = first; firstNonFiberFrom[v] = from
        }
        let hh = t.nodes.map { $0.households }
        lap("per_village_rows")

        var tiers: [String: Int] = [:]
        for node in t.nodes { tiers[node.tier.rawValue, default: 0] += 1 }
        var diameter: Int?
        if let big = comps.largest {
            // The representative: the smallest node id of the largest component.
            if let rep = comps.label.firstIndex(of: Int32(big)) { diameter = g.diameter(ofComponentContaining: rep) }
        }
        lap("diameter")
        let network = NetworkSummary(
            name: t.name, nodes: n, links: m, selfLoops: g.selfLoopCount, tiers: tiers,
            components: comps.count, largestComponentNodes: comps.largest.map { comps.size[$0] } ?? 0,
            bridges: bridgeIds.count, articulationPoints: arts.count, diameterHops: diameter,
            kmByMedium: kmByMedium, linksByMedium: linksByMedium, linksWithoutLength: noLength,
            linksWithoutCapacity: noCapacity, backbone: sel.backbone.map { t.nodes[$0].id },
            backboneRule: sel.backboneRule, villageRule: sel.villageRule)

        var partial = CoverageReport(
            options: options, network: network, selection: sel, hops: hops, bottleneckMbps: W,
            fiberBottleneckMbps: WF, fiberPath: fiberPath, firstNonFiberLink: firstNonFiber, firstNonFiberFrom: firstNonFiberFrom,
            pathKm: shortest.distanceKm, latencyMs: fastest.distanceKm, behindBridge: behind,
            incidentBridges: incident, ipv6EndToEnd: v6, households: hh,
            villages: AccessSummary(group: "villages"), byRegion: [], regionVillages: [], byTier: [], worstVillages: [], timings: [])
        let villages = partial.summarize(sel.villages, group: "villages")
        // Group villages by region key; consecutive villages usually share a region, so the key
        // string is rebuilt only when the region path changes.
        var regionMembers: [String: [Int]] = [:]
        var lastPath: [String]? = nil, lastKey = ""
        for v in sel.villages {
            let path = t.nodes[v].region
            if path != lastPath { lastPath = path; lastKey = partial.regionKey(v, in: t) }
            regionMembers[lastKey, default: []].append(v)
        }
        let regionVillages = regionMembers.keys.sorted().map { (region: $0, villages: regionMembers[$0]!) }
        func withWorst(_ g: AccessSummary, _ members: [Int]) -> AccessSummary {
            var g = g
            for v in worstNodes(members, report: partial, topology: t, count: 3) {
                g.worstVillageIds.append(t.nodes[v].id)
                g.worstVillageMbps.append(partial.bottleneckMbps[v] * options.contentionRatio / Double(hh[v]))
            }
            return g
        }
        let byRegion = regionVillages.map { withWorst(partial.summarize($0.villages, group: $0.region), $0.villages) }
        var byTier: [AccessSummary] = []
        for tier in [Tier.township, .village] {
            let members = sel.accessNodes.filter { t.nodes[$0].tier == tier }
            if !members.isEmpty { byTier.append(withWorst(partial.summarize(members, group: tier.rawValue), members)) }
        }
        let worst = worstNodes(sel.villages, report: partial, topology: t, count: options.worstCount)
        lap("shares")
        partial = CoverageReport(
            options: options, network: network, selection: sel, hops: hops, bottleneckMbps: W,
            fiberBottleneckMbps: WF, fiberPath: fiberPath, firstNonFiberLink: firstNonFiber, firstNonFiberFrom: firstNonFiberFrom,
            pathKm: shortest.distanceKm, latencyMs: fastest.distanceKm, behindBridge: behind,
            incidentBridges: incident, ipv6EndToEnd: v6, households: hh,
            villages: villages, byRegion: byRegion, regionVillages: regionVillages, byTier: byTier, worstVillages: worst, timings: timings)
        return partial
    }

    /// The `count` members with households and the lowest per-household capacity, unreached
    /// (0 Mbps) first; ties keep the members' order (ascending node index for villages).
    static func worstNodes(_ members: [Int], report r: CoverageReport, topology t: Topology, count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var best: [(Double, Int)] = []
        let c = r.options.contentionRatio
        for v in members where r.households[v] > 0 {
            let p = r.bottleneckMbps[v] * c / Double(r.households[v])
            if best.count < count || p < best[best.count - 1].0 {
                var i = best.count
                best.append((p, v))
                while i > 0 && best[i - 1].0 > p { best[i] = best[i - 1]; i -= 1 }
                best[i] = (p, v)
                if best.count > count { best.removeLast() }
            }
        }
        return best.map { $0.1 }
    }
}
