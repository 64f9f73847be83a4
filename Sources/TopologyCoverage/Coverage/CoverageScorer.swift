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
    public static func score(_ t: Topology, options: CoverageOptions = CoverageOptions(),
                             threads: Int? = nil) -> CoverageReport {
        let stages = StageTimings()
        let g = stages.time("build_graph") { t.multigraph() }
        let n = t.nodes.count, m = t.links.count
        let sel = BackboneSelection(topology: t, graph: g, backboneIds: options.backboneIds, perComponent: options.backbonePerComponent)

        // Per-link inputs of the searches, one pass over the links (no copy of a link or node:
        // their attribute dictionaries and strings would be retained and released per link).
        let cap = t.linkCapacitiesMbps(unknown: options.unknownCapacityMbps)
        var capFiber = cap
        var noCapacity = 0, noLength = 0
        var kmByMediumCase = [Double](repeating: 0, count: Medium.allCases.count)
        var kmSeen = [Bool](repeating: false, count: Medium.allCases.count)
        var linksByMediumCase = [Int](repeating: 0, count: Medium.allCases.count)
        var km = [Double](repeating: 0, count: m), lat = [Double](repeating: 0, count: m)
        var unknownLength = [Bool](repeating: false, count: m)
        stages.time("km_by_medium") {
            // km by medium (links with a length), links by medium (every link), and the per-link
            // km / latency weights for the two Dijkstras (unknown length = 0 km, flagged below).
            t.links.withUnsafeBufferPointer { links in
                t.nodes.withUnsafeBufferPointer { nodes in
                    for j in 0..<m {
                        let medium = links[j].medium
                        let mi = medium.caseIndex
                        linksByMediumCase[mi] += 1
                        if medium != .fiber { capFiber[j] = 0 }
                        if links[j].capacityMbps == nil { noCapacity += 1 }
                        let a = links[j].a, b = links[j].b
                        if a == b { continue }
                        // `Topology.linkLengthsKm`'s rule, read in place.
                        var length = links[j].lengthKm
                        if length == nil, let la = nodes[a].latitude, let oa = nodes[a].longitude,
                           let lb = nodes[b].latitude, let ob = nodes[b].longitude {
                            length = greatCircleKm(lat1: la, lon1: oa, lat2: lb, lon2: ob)
                        }
                        if let L = length {
                            kmByMediumCase[mi] += L; kmSeen[mi] = true; km[j] = L
                        } else { noLength += 1; unknownLength[j] = true }
                        lat[j] = options.latency.milliseconds(medium: medium, km: km[j])
                    }
                }
            }
        }
        let capFiberLinks = capFiber, kmLinks = km, latLinks = lat

        // The searches are independent of one another: each runs as a stage, longest first.
        let compsStage = StageResult<Components>(), diameterStage = StageResult<Int?>()
        let cutsStage = StageResult<CutStructure>(), hopsStage = StageResult<[Int32]>(), v6Stage = StageResult<[Bool]>()
        let wideStage = StageResult<WidestPaths>(), wideFiberStage = StageResult<WidestPaths>()
        let shortestStage = StageResult<ShortestPaths>(), fastestStage = StageResult<ShortestPaths>()
        let wHighStage = StageResult<[Double]>(), wfHighStage = StageResult<[Double]>()
        let boundsNeeded = noCapacity > 0 && !options.unknownCapacityGiven
        let backbone = sel.backbone
        var jobs: [@Sendable () -> Void] = [
            {
                compsStage.value = stages.time("components") { g.connectedComponents() }
                diameterStage.value = stages.time("diameter") { () -> Int? in
                    // The representative: the smallest node id of the largest component.
                    guard let big = compsStage.get.largest, let rep = compsStage.get.label.firstIndex(of: Int32(big)) else { return nil }
                    return g.diameter(ofComponentContaining: rep)
                }
            },
            { shortestStage.value = stages.time("path_km") { g.shortestPaths(from: backbone, length: kmLinks) } },
            { fastestStage.value = stages.time("latency") { g.shortestPaths(from: backbone, length: latLinks) } },
            // One low-link pass gives bridges, articulation points and behind-a-bridge flags.
            { cutsStage.value = stages.time("cut_structure") { g.cutStructure(backbone: backbone) } },
            { wideStage.value = stages.time("widest_path") { g.widestPaths(from: backbone, capacity: cap) } },
            { wideFiberStage.value = stages.time("widest_path_fiber") { g.widestPaths(from: backbone, capacity: capFiberLinks) } },
            {
                hopsStage.value = stages.time("bfs_hops") { g.hopDistances(from: backbone) }
                v6Stage.value = stages.time("ipv6_end_to_end") { ipv6EndToEnd(t, graph: g, backbone: backbone) }
            },
        ]
        if boundsNeeded {
            // Bounds: the same searches with every unknown link at +infinity. A node whose W or
            // W_fiber moves between the bounds depends on a capacity the data lack.
            let capHigh = t.linkCapacitiesMbps(unknown: .infinity)
            var capFiberHigh = capHigh
            for j in 0..<m where t.links[j].medium != .fiber { capFiberHigh[j] = 0 }
            let capFiberHighLinks = capFiberHigh
            jobs.append { wHighStage.value = stages.time("unknown_capacity_bounds") { g.widestPaths(from: backbone, capacity: capHigh).bottleneckMbps } }
            jobs.append { wfHighStage.value = stages.time("unknown_capacity_bounds_fiber") { g.widestPaths(from: backbone, capacity: capFiberHighLinks).bottleneckMbps } }
        }
        ConcurrentStages.run(jobs, threads: threads ?? ConcurrentStages.threads(forWork: n + m))
        let wide = wideStage.get, wideFiber = wideFiberStage.get, hops = hopsStage.get, cuts = cutsStage.get
        var dependsOnUnknown = [Bool](repeating: false, count: n)
        if boundsNeeded {
            let hi = wHighStage.get, fhi = wfHighStage.get
            for v in 0..<n where hi[v] != wide.bottleneckMbps[v] || fhi[v] != wideFiber.bottleneckMbps[v] {
                dependsOnUnknown[v] = true
            }
        }
        var incident = [Int32](repeating: 0, count: n)
        for e in cuts.bridges { let (a, b) = g.endpoints(of: e); incident[a] += 1; incident[b] += 1 }
        var kmByMedium: [String: Double] = [:], linksByMedium: [String: Int] = [:]
        for (i, medium) in Medium.allCases.enumerated() where linksByMediumCase[i] > 0 {
            linksByMedium[medium.rawValue] = linksByMediumCase[i]
            if kmSeen[i] { kmByMedium[medium.rawValue] = kmByMediumCase[i] }
        }
        let shortest = shortestStage.get, fastest = fastestStage.get
        let kmLowerBound = noLength > 0 ? pathHoldsFlaggedEdge(g, parentEdge: shortest.parentEdge, flagged: unknownLength) : [Bool](repeating: false, count: n)
        let latLowerBound = noLength > 0 ? pathHoldsFlaggedEdge(g, parentEdge: fastest.parentEdge, flagged: unknownLength) : [Bool](repeating: false, count: n)
        let comps = compsStage.get, diameter = diameterStage.get, v6 = v6Stage.get

        // Fiber on a widest path, and the first non-fiber link of the recorded widest path.
        let rowsClock = ContinuousClock.now
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
        let hh = t.nodes.indices.map { t.nodes[$0].households }
        var reached5G = [Bool](repeating: false, count: n)
        for j in 0..<m where t.links[j].medium == .cellular && t.links[j].is5GCellular {
            let a = t.links[j].a, b = t.links[j].b
            if hops[a] >= 0 { reached5G[a] = true }
            if hops[b] >= 0 { reached5G[b] = true }
        }
        var tierCounts = [Int](repeating: 0, count: Tier.allCases.count)
        t.nodes.withUnsafeBufferPointer { nodes in for i in 0..<n { tierCounts[nodes[i].tier.caseIndex] += 1 } }
        var tiers: [String: Int] = [:]
        for (i, tier) in Tier.allCases.enumerated() where tierCounts[i] > 0 { tiers[tier.rawValue] = tierCounts[i] }
        stages.record("per_village_rows", since: rowsClock)
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
        let sharesClock = ContinuousClock.now
        // Group villages by region key; consecutive villages usually share a region, so the key
        // string is rebuilt only when the region path changes.
        // The key is hashed only when the path changes too (not once per village).
        var groupOfKey: [String: Int] = [:]
        var groups: [(region: String, villages: [Int])] = []
        var lastPath: [String]? = nil, current = -1
        for v in sel.villages {
            let path = t.nodes[v].region
            if current < 0 || path != lastPath {
                lastPath = path
                let key = report.regionKey(v, in: t)
                if let g = groupOfKey[key] { current = g } else {
                    current = groups.count; groupOfKey[key] = current; groups.append((region: key, villages: []))
                }
            }
            groups[current].villages.append(v)
        }
        report.regionVillages = groups.sorted { $0.region < $1.region }
        // The aggregates read the per-node columns only: each group is a stage, the regions in
        // two halves, over the same snapshot of the report.
        let base = report, worstCount = options.worstCount
        @Sendable func withWorst(_ g: AccessSummary, _ members: [Int]) -> AccessSummary {
            var g = g
            for v in worstNodes(members, report: base, topology: t, count: 3) {
                g.worstVillageIds.append(t.nodes[v].id)
                g.worstVillageMbps.append(base.perHouseholdMbps(v) ?? 0)
            }
            return g
        }
        @Sendable func regions(_ range: Range<Int>) -> [AccessSummary] {
            base.regionVillages[range].map { withWorst(base.summarize($0.villages, group: $0.region), $0.villages) }
        }
        let villagesStage = StageResult<AccessSummary>(), urbanStage = StageResult<AccessSummary?>()
        let regionsLow = StageResult<[AccessSummary]>(), regionsHigh = StageResult<[AccessSummary]>()
        let tiersStage = StageResult<[AccessSummary]>(), worstStage = StageResult<[Int]>()
        let infrastructureStage = StageResult<InfrastructureReport>()
        let half = base.regionVillages.count / 2
        ConcurrentStages.run([
            // Reads the selection, households and region groups only (all in `base`), so it runs
            // beside the aggregates rather than after them.
            {
                infrastructureStage.value = InfrastructureAnalysis.analyze(t, graph: g, report: base, linkKm: kmLinks,
                                                                           linkLatencyMs: latLinks, capacityMbps: cap, stages: stages)
            },
            { villagesStage.value = base.summarize(sel.villages, group: "villages") },
            { regionsLow.value = regions(0..<half) },
            { regionsHigh.value = regions(half..<base.regionVillages.count) },
            {
                var byTier: [AccessSummary] = []
                for tier in [Tier.township, .village, .building, .urbanAccess] {
                    let members = sel.accessNodes.filter { t.nodes[$0].tier == tier }
                    if !members.isEmpty { byTier.append(withWorst(base.summarize(members, group: tier.rawValue), members)) }
                }
                tiersStage.value = byTier
            },
            {
                urbanStage.value = sel.urbanAccess.isEmpty ? nil : base.summarize(sel.urbanAccess, group: "urban")
                worstStage.value = worstNodes(sel.villages, report: base, topology: t, count: worstCount)
            },
        ], threads: threads ?? ConcurrentStages.threads(forWork: n + m))
        report.villages = villagesStage.get
        report.urban = urbanStage.get
        report.byRegion = regionsLow.get + regionsHigh.get
        report.byTier = tiersStage.get
        report.worstVillages = worstStage.get
        report.infrastructure = infrastructureStage.get
        stages.record("shares", since: sharesClock)
        report.timings = stages.entries
        return report
    }

    /// IPv6 end to end: BFS from IPv6 backbone nodes over IPv6 links into IPv6 nodes.
    static func ipv6EndToEnd(_ t: Topology, graph g: Multigraph, backbone: [Int]) -> [Bool] {
        var v6 = [Bool](repeating: false, count: t.nodes.count)
        var queue: [Int32] = []
        queue.reserveCapacity(t.nodes.count)
        for b in backbone where t.nodes[b].ipv6 == true && !v6[b] { v6[b] = true; queue.append(Int32(b)) }
        var head = 0
        while head < queue.count {
            let u = Int(queue[head]); head += 1
            g.forEachNeighbor(of: u) { w, e in
                if !v6[w] && t.links[e].ipv6 == true && t.nodes[w].ipv6 == true { v6[w] = true; queue.append(Int32(w)) }
            }
        }
        return v6
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
