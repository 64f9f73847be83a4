import NetworkGraph

/// Scores a topology: builds the multigraph once and runs every metric of `CoverageReport`.
///
/// Complexity: O((n + m) log n) — four label-setting searches (widest, widest over fiber,
/// shortest km, lowest latency; two more widest searches when capacities are unknown and no
/// `--unknown-capacity` is given), two BFS (hops, IPv6), one DFS for bridges, articulation
/// points and behind-a-bridge together (`cutStructure`), a diameter search on the largest
/// component, plus `InfrastructureAnalysis` (IDC reach, international egress, backbone cuts).
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
        // One low-link pass gives bridges, articulation points and behind-a-bridge flags.
        let cuts = g.cutStructure(backbone: sel.backbone)
        lap("cut_structure")
        let hops = g.hopDistances(from: sel.backbone)
        lap("bfs_hops")
        let cap = t.linkCapacitiesMbps(unknown: options.unknownCapacityMbps)
        let wide = g.widestPaths(from: sel.backbone, capacity: cap)
        lap("widest_path")
        var capFiber = cap
        for j in 0..<m where t.links[j].medium != .fiber { capFiber[j] = 0 }
        let wideFiber = g.widestPaths(from: sel.backbone, capacity: capFiber)
        lap("widest_path_fiber")
        var noCapacity = 0
        for l in t.links where l.capacityMbps == nil { noCapacity += 1 }
        var dependsOnUnknown = [Bool](repeating: false, count: n)
        if noCapacity > 0 && !options.unknownCapacityGiven {
            // Bounds: the same searches with every unknown link at +infinity. A node whose W or
            // W_fiber moves between the bounds depends on a capacity the data lack.
            let capHigh = t.linkCapacitiesMbps(unknown: .infinity)
            var capFiberHigh = capHigh
            for j in 0..<m where t.links[j].medium != .fiber { capFiberHigh[j] = 0 }
            let wHigh = g.widestPaths(from: sel.backbone, capacity: capHigh).bottleneckMbps
            let wfHigh = g.widestPaths(from: sel.backbone, capacity: capFiberHigh).bottleneckMbps
            for v in 0..<n where wHigh[v] != wide.bottleneckMbps[v] || wfHigh[v] != wideFiber.bottleneckMbps[v] {
                dependsOnUnknown[v] = true
            }
            lap("unknown_capacity_bounds")
        }
        var incident = [Int32](repeating: 0, count: n)
        for e in cuts.bridges { let (a, b) = g.endpoints(of: e); incident[a] += 1; incident[b] += 1 }
        lap("incident_bridges")

        // km by medium (links with a length), links by medium (every link), and the per-link
        // km / latency weights for the two Dijkstras (unknown length = 0 km, flagged below).
        let lengths = t.linkLengthsKm()
        var kmByMedium: [String: Double] = [:], linksByMedium: [String: Int] = [:]
        var noLength = 0
        var km = [Double](repeating: 0, count: m), lat = [Double](repeating: 0, count: m)
        var unknownLength = [Bool](repeating: false, count: m)
        for j in 0..<m {
            let l = t.links[j]
            let name = l.medium.rawValue
            linksByMedium[name, default: 0] += 1
            if l.a == l.b { continue }
            if let L = lengths[j] {
                kmByMedium[name, default: 0] += L; km[j] = L
            } else { noLength += 1; unknownLength[j] = true }
            lat[j] = options.latency.milliseconds(medium: l.medium, km: km[j])
        }
        lap("km_by_medium")
        let shortest = g.shortestPaths(from: sel.backbone, length: km)
        lap("path_km")
        let fastest = g.shortestPaths(from: sel.backbone, length: lat)
        lap("latency")
        let kmLowerBound = noLength > 0 ? pathHoldsFlaggedEdge(g, parentEdge: shortest.parentEdge, flagged: unknownLength) : [Bool](repeating: false, count: n)
        let latLowerBound = noLength > 0 ? pathHoldsFlaggedEdge(g, parentEdge: fastest.parentEdge, flagged: unknownLength) : [Bool](repeating: false, count: n)
        lap("lower_bound_flags")

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
        var reached5G = [Bool](repeating: false, count: n)
        for l in t.links where l.is5GCellular {
            if hops[l.a] >= 0 { reached5G[l.a] = true }
            if hops[l.b] >= 0 { reached5G[l.b] = true }
        }
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
            bridges: cuts.bridges.count, articulationPoints: cuts.articulationPoints.count, diameterHops: diameter,
            kmByMedium: kmByMedium, linksByMedium: linksByMedium, linksWithoutLength: noLength,
            linksWithoutCapacity: noCapacity, backbone: sel.backbone.map { t.nodes[$0].id },
            backboneRule: sel.backboneRule, villageRule: sel.villageRule)

        // The report is built once; the aggregates below read its per-node columns.
        var report = CoverageReport(
            options: options, network: network, selection: sel, hops: hops, bottleneckMbps: W,
            fiberBottleneckMbps: WF, fiberPath: fiberPath, firstNonFiberLink: firstNonFiber, firstNonFiberFrom: firstNonFiberFrom,
            pathKm: shortest.distanceKm, latencyMs: fastest.distanceKm, pathKmLowerBound: kmLowerBound,
            latencyMsLowerBound: latLowerBound, dependsOnUnknownCapacity: dependsOnUnknown, behindBridge: cuts.behindBridge,
            incidentBridges: incident, ipv6EndToEnd: v6, reached5G: reached5G, households: hh,
            villages: AccessSummary(group: "villages"), urban: nil, byRegion: [], regionVillages: [], byTier: [], worstVillages: [],
            infrastructure: InfrastructureReport(), timings: [])
        report.villages = report.summarize(sel.villages, group: "villages")
        if !sel.urbanAccess.isEmpty { report.urban = report.summarize(sel.urbanAccess, group: "urban") }
        // Group villages by region key; consecutive villages usually share a region, so the key
        // string is rebuilt only when the region path changes.
        var regionMembers: [String: [Int]] = [:]
        var lastPath: [String]? = nil, lastKey = ""
        for v in sel.villages {
            let path = t.nodes[v].region
            if path != lastPath { lastPath = path; lastKey = report.regionKey(v, in: t) }
            regionMembers[lastKey, default: []].append(v)
        }
        report.regionVillages = regionMembers.keys.sorted().map { (region: $0, villages: regionMembers[$0]!) }
        func withWorst(_ g: AccessSummary, _ members: [Int]) -> AccessSummary {
            var g = g
            for v in worstNodes(members, report: report, topology: t, count: 3) {
                g.worstVillageIds.append(t.nodes[v].id)
                g.worstVillageMbps.append(report.perHouseholdMbps(v) ?? 0)
            }
            return g
        }
        report.byRegion = report.regionVillages.map { withWorst(report.summarize($0.villages, group: $0.region), $0.villages) }
        var byTier: [AccessSummary] = []
        for tier in [Tier.township, .village, .building, .urbanAccess] {
            let members = sel.accessNodes.filter { t.nodes[$0].tier == tier }
            if !members.isEmpty { byTier.append(withWorst(report.summarize(members, group: tier.rawValue), members)) }
        }
        report.byTier = byTier
        report.worstVillages = worstNodes(sel.villages, report: report, topology: t, count: options.worstCount)
        lap("shares")
        report.infrastructure = InfrastructureAnalysis.analyze(t, graph: g, report: report, linkKm: km, linkLatencyMs: lat,
                                                               capacityMbps: cap, lap: lap)
        report.timings = timings
        return report
    }

    /// Per node: the recorded path (its parent-edge chain) holds an edge with `flagged[e]`.
    /// Memoised walk up the chains, O(n) overall.
    static func pathHoldsFlaggedEdge(_ g: Multigraph, parentEdge: [Int32], flagged: [Bool]) -> [Bool] {
        let n = parentEdge.count
        var state = [Int8](repeating: -1, count: n)   // -1 unknown, 0 no, 1 yes
        var chain: [Int] = []
        for v in 0..<n where state[v] < 0 {
            var x = v
            while state[x] < 0 && parentEdge[x] >= 0 {
                chain.append(x)
                x = g.opposite(of: x, along: Int(parentEdge[x]))
            }
            var flag: Int8 = state[x] == 1 ? 1 : 0
            if state[x] < 0 { state[x] = 0 }   // a source or an unreached node
            while let y = chain.popLast() {
                if flagged[Int(parentEdge[y])] { flag = 1 }
                state[y] = flag
            }
        }
        return state.map { $0 == 1 }
    }

    /// The `count` members with households and the lowest per-household capacity, unreached
    /// (0 Mbps) first; ties keep the members' order (ascending node index for villages).
    static func worstNodes(_ members: [Int], report r: CoverageReport, topology t: Topology, count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var best: [(Double, Int)] = []
        for v in members where r.households[v] > 0 {
            let p = r.perHouseholdMbps(v)!
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
