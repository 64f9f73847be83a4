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
        let n = t.nodes.count, m = t.links.count
        let threadCount = threads ?? ConcurrentStages.threads(forWork: n + m)

        // The graph, the per-link weights and the per-node columns (tiers, households, IPv6) at the
        // same time: each only reads the topology. The backbone choice may read degrees: after.
        let graphStage = StageResult<Multigraph>(), weightsStage = StageResult<LinkWeights>()
        let nodeTiersStage = StageResult<[Tier]>(), householdsStage = StageResult<[Int]>(), nodeIPv6Stage = StageResult<[Bool]>()
        ConcurrentStages.run([
            { graphStage.value = stages.time("build_graph") { t.multigraph() } },
            { weightsStage.value = stages.time("km_by_medium") { LinkWeights(t, options: options) } },
            {
                var tiers = [Tier](repeating: .unknown, count: n), households = [Int](repeating: 0, count: n)
                var ipv6 = [Bool](repeating: false, count: n)
                t.nodes.withUnsafeBufferPointer { nodes in
                    for i in 0..<n { tiers[i] = nodes[i].tier; households[i] = nodes[i].households; ipv6[i] = nodes[i].ipv6 == true }
                }
                nodeTiersStage.value = tiers; householdsStage.value = households; nodeIPv6Stage.value = ipv6
            },
        ], threads: threadCount)
        let g = graphStage.get, weights = weightsStage.get, nodeTiers = nodeTiersStage.get
        let sel = BackboneSelection(topology: t, graph: g, tiers: nodeTiers, backboneIds: options.backboneIds,
                                    perComponent: options.backbonePerComponent)
        let cap = weights.capacity, capFiberLinks = weights.fiberCapacity
        let kmLinks = weights.km, latLinks = weights.latencyMs
        let noCapacity = weights.noCapacity, noLength = weights.noLength

        // The searches are independent of one another: each runs as a stage, longest first.
        // The per-node columns that need no search (region groups, tier members and counts) are
        // stages too, so they fill the round's tail instead of running after it on one core.
        let compsStage = StageResult<Components>(), diameterStage = StageResult<Int?>()
        let cutsStage = StageResult<CutStructure>(), hopsStage = StageResult<[Int32]>(), v6Stage = StageResult<[Bool]>()
        let reached5GStage = StageResult<[Bool]>()
        let wideStage = StageResult<WidestPaths>(), wideFiberStage = StageResult<WidestPaths>()
        let shortestStage = StageResult<ShortestPaths>(), fastestStage = StageResult<ShortestPaths>()
        let wHighStage = StageResult<[Double]>(), wfHighStage = StageResult<[Double]>()
        let tierCountsStage = StageResult<[Int]>()
        let groupsStage = StageResult<[(region: String, villages: [Int])]>(), tierMembersStage = StageResult<[[Int]]>()
        let boundsNeeded = noCapacity > 0 && !options.unknownCapacityGiven
        let backbone = sel.backbone, villages = sel.villages, accessNodes = sel.accessNodes, regionLevel = options.regionLevel
        let fiveG = weights.fiveGCellular, linkIPv6 = weights.ipv6, nodeIPv6 = nodeIPv6Stage.get
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
                v6Stage.value = stages.time("ipv6_end_to_end") {
                    ipv6EndToEnd(graph: g, backbone: backbone, nodeIPv6: nodeIPv6, linkIPv6: linkIPv6)
                }
            },
            { groupsStage.value = regionGroups(t, villages: villages, level: regionLevel) },
            {
                let hops = stages.time("bfs_hops") { g.hopDistances(from: backbone) }
                hopsStage.value = hops
                var reached5G = [Bool](repeating: false, count: n)
                for j in fiveG {
                    let a = t.links[j].a, b = t.links[j].b
                    if hops[a] >= 0 { reached5G[a] = true }
                    if hops[b] >= 0 { reached5G[b] = true }
                }
                reached5GStage.value = reached5G
            },
            {
                var tierCounts = [Int](repeating: 0, count: Tier.allCases.count)
                for tier in nodeTiers { tierCounts[tier.caseIndex] += 1 }
                tierCountsStage.value = tierCounts
                tierMembersStage.value = accessTierMembers(nodeTiers, accessNodes: accessNodes)
            },
        ]
        if boundsNeeded {
            // Bounds: the same searches with every unknown link at +infinity. A node whose W or
            // W_fiber moves between the bounds depends on a capacity the data lack.
            let capHigh = t.linkCapacitiesMbps(unknown: .infinity)
            var capFiberHigh = capHigh
            for j in 0..<m where t.links[j].medium != .fiber { capFiberHigh[j] = 0 }
            let capFiberHighLinks = capFiberHigh
            // Before the short stages, so they are started while the long ones run.
            jobs.insert({ wHighStage.value = stages.time("unknown_capacity_bounds") { g.widestPaths(from: backbone, capacity: capHigh).bottleneckMbps } }, at: 6)
            jobs.insert({ wfHighStage.value = stages.time("unknown_capacity_bounds_fiber") { g.widestPaths(from: backbone, capacity: capFiberHighLinks).bottleneckMbps } }, at: 7)
        }
        ConcurrentStages.run(jobs, threads: threadCount)
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
        for (i, medium) in Medium.allCases.enumerated() where weights.linksByMedium[i] > 0 {
            linksByMedium[medium.rawValue] = weights.linksByMedium[i]
            if weights.kmSeen[i] { kmByMedium[medium.rawValue] = weights.kmByMedium[i] }
        }
        let shortest = shortestStage.get, fastest = fastestStage.get
        let kmLowerBound = noLength > 0 ? pathHoldsFlaggedEdge(g, parentEdge: shortest.parentEdge, flagged: weights.unknownLength) : [Bool](repeating: false, count: n)
        let latLowerBound = noLength > 0 ? pathHoldsFlaggedEdge(g, parentEdge: fastest.parentEdge, flagged: weights.unknownLength) : [Bool](repeating: false, count: n)
        let comps = compsStage.get, diameter = diameterStage.get, v6 = v6Stage.get

        // Fiber on a widest path here (the aggregates read it); the first non-fiber link of the
        // recorded widest path is a stage of the aggregates' round (only the rows read it).
        let rowsClock = ContinuousClock.now
        let W = wide.bottleneckMbps, WF = wideFiber.bottleneckMbps
        var fiberPath = [Bool](repeating: false, count: n)
        for v in sel.accessNodes where W[v] > 0 && WF[v] == W[v] { fiberPath[v] = true }
        let hh = householdsStage.get, tierCounts = tierCountsStage.get
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
            fiberBottleneckMbps: WF, fiberPath: fiberPath, firstNonFiberLink: [], firstNonFiberFrom: [],
            pathKm: shortest.distanceKm, latencyMs: fastest.distanceKm, pathKmLowerBound: kmLowerBound,
            latencyMsLowerBound: latLowerBound, dependsOnUnknownCapacity: dependsOnUnknown, behindBridge: cuts.behindBridge,
            incidentBridges: incident, ipv6EndToEnd: v6, reached5G: reached5GStage.get, households: hh,
            villages: AccessSummary(group: "villages"), urban: nil, byRegion: [], regionVillages: [], byTier: [], worstVillages: [],
            infrastructure: InfrastructureReport(), timings: [])
        let sharesClock = ContinuousClock.now
        report.regionVillages = groupsStage.get.sorted { $0.region < $1.region }
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
        // Per access tier, its members; the village tier is usually exactly `villages` (rule
        // "tier == village"), whose summary the villages stage computes: not summarised twice.
        let tierList = accessTiers, tierMembers = tierMembersStage.get
        let villageTier = tierList.firstIndex(of: .village)!
        let villageTierIsVillages = tierMembers[villageTier] == sel.villages
        let villagesStage = StageResult<AccessSummary>(), urbanStage = StageResult<AccessSummary?>()
        let regionsLow = StageResult<[AccessSummary]>(), regionsHigh = StageResult<[AccessSummary]>()
        let tiersStage = StageResult<[AccessSummary?]>(), worstStage = StageResult<[Int]>()
        let villageTierWorst = StageResult<AccessSummary>()
        let infrastructureStage = StageResult<InfrastructureReport>()
        let nonFiberStage = StageResult<(fiberPath: [Bool], link: [Int32], from: [Int32])>()
        let half = base.regionVillages.count / 2
        let wideParent = wide.parentEdge
        ConcurrentStages.run([
            { villagesStage.value = base.summarize(sel.villages, group: "villages") },
            // Reads the selection, households and region groups only (all in `base`), so it runs
            // beside the aggregates rather than after them.
            {
                infrastructureStage.value = InfrastructureAnalysis.analyze(t, graph: g, report: base, linkKm: kmLinks,
                                                                           linkLatencyMs: latLinks, capacityMbps: cap, stages: stages)
            },
            {
                nonFiberStage.value = FirstNonFiber.compute(t, graph: g, accessNodes: accessNodes, bottleneck: W,
                                                            fiberBottleneck: WF, parentEdge: wideParent)
            },
            { regionsLow.value = regions(0..<half) },
            { regionsHigh.value = regions(half..<base.regionVillages.count) },
            {
                tiersStage.value = tierList.indices.map { i in
                    let members = tierMembers[i]
                    if members.isEmpty || (i == villageTier && villageTierIsVillages) { return nil }
                    return withWorst(base.summarize(members, group: tierList[i].rawValue), members)
                }
            },
            {
                urbanStage.value = sel.urbanAccess.isEmpty ? nil : base.summarize(sel.urbanAccess, group: "urban")
                worstStage.value = worstNodes(sel.villages, report: base, topology: t, count: worstCount)
                if villageTierIsVillages && !sel.villages.isEmpty {
                    villageTierWorst.value = withWorst(AccessSummary(group: Tier.village.rawValue), sel.villages)
                }
            },
        ], threads: threadCount)
        report.villages = villagesStage.get
        report.urban = urbanStage.get
        report.byRegion = regionsLow.get + regionsHigh.get
        var byTier: [AccessSummary] = []
        for (i, summary) in tiersStage.get.enumerated() {
            if let summary { byTier.append(summary); continue }
            guard i == villageTier && villageTierIsVillages && !tierMembers[i].isEmpty else { continue }
            // The villages summary under the tier's name, with the tier's worst villages.
            var s = report.villages
            let worst = villageTierWorst.get
            s.group = worst.group; s.worstVillageIds = worst.worstVillageIds; s.worstVillageMbps = worst.worstVillageMbps
            byTier.append(s)
        }
        report.byTier = byTier
        report.worstVillages = worstStage.get
        report.infrastructure = infrastructureStage.get
        let nonFiber = nonFiberStage.get
        report.firstNonFiberLink = nonFiber.link
        report.firstNonFiberFrom = nonFiber.from
        stages.record("shares", since: sharesClock)
        report.timings = stages.entries
        return report
    }

    /// The tiers of `CoverageReport.byTier`, in its order.
    static let accessTiers: [Tier] = [.township, .village, .building, .urbanAccess]

    /// The access nodes of each of `accessTiers` (same order), each list in `accessNodes` order;
    /// `tiers[v]` is node v's tier.
    static func accessTierMembers(_ tiers: [Tier], accessNodes: [Int]) -> [[Int]] {
        accessTiers.map { tier in accessNodes.filter { tiers[$0] == tier } }
    }

    /// Villages grouped by region key (`CoverageReport.regionKey(path:level:)`), groups in order
    /// of first appearance, members ascending as in `villages`. Consecutive villages usually
    /// share a region, so the key is built and hashed only when the region path changes.
    static func regionGroups(_ t: Topology, villages: [Int], level: Int) -> [(region: String, villages: [Int])] {
        var groupOfKey: [String: Int] = [:]
        var groups: [(region: String, villages: [Int])] = []
        var lastPath: [String]? = nil, current = -1
        for v in villages {
            let path = t.nodes[v].region
            if current < 0 || path != lastPath {
                lastPath = path
                let key = CoverageReport.regionKey(path: path, level: level)
                if let g = groupOfKey[key] { current = g } else {
                    current = groups.count; groupOfKey[key] = current; groups.append((region: key, villages: []))
                }
            }
            groups[current].villages.append(v)
        }
        return groups
    }

    /// IPv6 end to end: BFS from IPv6 backbone nodes over IPv6 links into IPv6 nodes.
    /// `nodeIPv6[v]` / `linkIPv6[e]`: the node's / link's `ipv6 == true` (unknown counts as no),
    /// read beforehand so the search touches two flat arrays, not the node and link records.
    static func ipv6EndToEnd(graph g: Multigraph, backbone: [Int], nodeIPv6: [Bool], linkIPv6: [Bool]) -> [Bool] {
        let n = nodeIPv6.count
        var v6 = [Bool](repeating: false, count: n)
        var queue: [Int32] = []
        queue.reserveCapacity(n)
        for b in backbone where nodeIPv6[b] && !v6[b] { v6[b] = true; queue.append(Int32(b)) }
        var head = 0
        while head < queue.count {
            let u = Int(queue[head]); head += 1
            g.forEachNeighbor(of: u) { w, e in
                if !v6[w] && linkIPv6[e] && nodeIPv6[w] { v6[w] = true; queue.append(Int32(w)) }
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
