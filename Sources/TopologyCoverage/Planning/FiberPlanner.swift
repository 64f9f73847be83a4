import NetworkGraph

/// Settings of a fiber plan (see `FiberPlanner` for the model they enter).
public struct FiberPlanOptions: Sendable, Codable, Equatable {
    /// Cost per km of fiber laid (any currency); the estimate is km × this.
    public var costPerKm: Double
    public var currency: String
    /// Nearest fiber-reached nodes (and nearest other terminals) offered as new-link ends.
    public var nearestFiber: Int
    /// Route length / great-circle length for new links (roads and terrain; 1.0 = straight).
    public var routeFactor: Double
    /// Capacity in Mbps given to new and upgraded fiber links.
    public var newFiberMbps: Double
    /// Build costs by method and terrain (`--costs`, `--budget`, `--reach`); nil = the flat
    /// `costPerKm` on every km (the plan before cost files, kept byte for byte).
    public var costs: PlanCosts?
    /// JSON keys (plan `options`), named explicitly (docs/topology-schema.md).
    enum CodingKeys: String, CodingKey {
        case costPerKm = "cost_per_km", currency, nearestFiber = "nearest_fiber", routeFactor = "route_factor"
        case newFiberMbps = "new_fiber_mbps", costs
    }
    public init(costPerKm: Double = 20_000, currency: String = "USD", nearestFiber: Int = 3, routeFactor: Double = 1.0, newFiberMbps: Double = 10_000,
                costs: PlanCosts? = nil) {
        self.costPerKm = costPerKm; self.currency = currency; self.nearestFiber = nearestFiber
        self.routeFactor = routeFactor; self.newFiberMbps = newFiberMbps; self.costs = costs
    }
}

/// One link of the plan.
public struct PlannedLink: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case newFiber = "new", upgrade }
    public var kind: Kind
    /// Node indices into the topology.
    public var a: Int
    public var b: Int
    public var km: Double
    /// Build cost in the plan's currency (km × the rate of the link's terrain and method).
    public var cost: Double = 0
    /// For upgrades: the link index in the topology and its current medium.
    public var existingLink: Int?
    public var existingMedium: Medium?
    enum CodingKeys: String, CodingKey { case kind, a, b, km, cost, existingLink = "existing_link", existingMedium = "existing_medium" }
}

/// A connected piece of the plan hanging off existing fiber.
public struct PlannedWork: Sendable, Codable, Equatable {
    public var links: [PlannedLink]
    /// Villages (node indices) this work brings onto fiber.
    public var villages: [Int]
    public var households: Int
    public var km: Double
    public var cost: Double
    enum CodingKeys: String, CodingKey { case links, villages, households, km, cost }
    public var householdsPerKm: Double { km > 0 ? Double(households) / km : .infinity }
    public var householdsPerCost: Double { cost > 0 ? Double(households) / cost : .infinity }
}

/// The outcome of `FiberPlanner.plan`; node indices into the planned topology, km, and cost in
/// `options.currency`.
public struct FiberPlan: Sendable {
    public var options: FiberPlanOptions
    /// Villages that miss the target, before the plan.
    public var missing: [Int]
    /// Of those, already fiber all the way (need capacity, not fiber).
    public var missingOnFiber: [Int]
    /// Of those, with no coordinates and no existing link to upgrade: not plannable.
    public var unplannable: [Int]
    /// Works in build order: most households served per km first.
    public var works: [PlannedWork]
    /// Sum of the works' km (every planned link, new and upgraded).
    public var totalKm: Double
    /// Sum of the works' costs (`totalKm` × `options.costPerKm` without a cost file).
    public var totalCost: Double
    /// The topology with the plan applied, and its score.
    public var after: Topology
    public var afterReport: CoverageReport
}

/// Plans a least-length fiber extension that connects villages missing a target to existing
/// fiber, as a Steiner tree over candidate links (Mehlhorn's 2-approximation in NetworkGraph).
///
/// Model:
/// - Fiber-reached set F: nodes with a fiber widest path from the backbone (W_fiber > 0) and the
///   backbone itself. A super-root joins every node of F at length 0, so "connect to existing
///   fiber" becomes "connect to the root".
/// - Terminals: the root and every village that misses the target and is not fiber all the way
///   (`missing`). Villages already on fiber that still miss a speed target need capacity, not
///   fiber; they are reported as not fixable by this plan.
/// - Candidate links and their lengths (km):
///   existing fiber links 0 (already built); existing terrestrial non-fiber links their km (fiber
///   laid along the same route: an upgrade; satellite links have no ground route and are not offered); new links from each terminal to its `nearestFiber` nearest nodes
///   of F and to its `nearestFiber` nearest other terminals, great-circle km × `routeFactor`.
/// - Works: the new and upgraded links of the tree, grouped into connected pieces (each hangs off
///   existing fiber); ordered by households served per km, most first.
/// - Coverage after: the topology with upgraded links turned to fiber (capacity raised to at
///   least `newFiberMbps`) and new fiber links of `newFiberMbps`, scored again.
public enum FiberPlanner {
    /// Plans the extension for `missing` over `t` as scored in `r`.
    /// - Returns: the `FiberPlan`: works in order of households per km, total km and cost
    ///   (`costPerKm` × km, in `options.currency`), and the topology and report after the plan.
    ///   Never throws; villages it cannot plan are listed in `unplannable` / `missingOnFiber`.
    /// - Parameters:
    ///   - missing: villages (node indices) that miss the target.
    /// - Complexity: O((n + m + c) log n) for c candidate links (c ≈ 2 × nearestFiber × terminals).
    public static func plan(_ t: Topology, report r: CoverageReport, missing: [Int],
                            options o: FiberPlanOptions = FiberPlanOptions()) -> FiberPlan {
        let n = t.nodes.count, m = t.links.count
        let root = n
        var inF = [Bool](repeating: false, count: n)
        for v in 0..<n where r.fiberBottleneckMbps[v] > 0 { inF[v] = true }
        for b in r.selection.backbone { inF[b] = true }
        let missingOnFiber = missing.filter { r.fiberPath[$0] }
        let terms = missing.filter { !r.fiberPath[$0] && !inF[$0] }

        var ends: [Int32] = []
        var length: [Double] = []
        var origin: [Int] = []          // >= 0 existing link, -1 root edge, -2 new candidate
        ends.reserveCapacity(2 * (m + n)); length.reserveCapacity(m + n)
        let lens = t.linkLengthsKm()
        // With a cost file the tree minimises cost: km × the rate of the link's harder terrain.
        let terrain = o.costs.map { c in (try? t.terrainClasses(default: c.defaultTerrain)) ?? Array(repeating: c.defaultTerrain, count: n) }
        func rate(_ a: Int, _ b: Int) -> Double {
            guard let c = o.costs, let tr = terrain else { return o.costPerKm }
            return c.fiberPerKm(max(tr[a], tr[b]))
        }
        func weight(_ km: Double, _ a: Int, _ b: Int) -> Double { o.costs == nil ? km : km * rate(a, b) }
        var kmOf: [Double] = []        // per candidate edge, its km (the weight may be a cost)
        for j in 0..<m {
            let l = t.links[j]
            if l.a == l.b { continue }
            let len: Double
            if l.medium == .fiber { len = 0 }
            else if l.medium == .satellite { continue }   // no ground route to lay fiber along
            else if let k = lens[j] { len = k } else { continue }
            ends.append(Int32(l.a)); ends.append(Int32(l.b)); length.append(weight(len, l.a, l.b)); origin.append(j); kmOf.append(len)
        }
        for v in 0..<n where inF[v] {
            ends.append(Int32(root)); ends.append(Int32(v)); length.append(0); origin.append(-1); kmOf.append(0)
        }
        // Candidate new links by great circle.
        var fiberGrid = GeoGrid(cellDegrees: 0.1), termGrid = GeoGrid(cellDegrees: 0.1)
        var hasCoords = [Bool](repeating: false, count: n)
        for v in 0..<n {
            guard let la = t.nodes[v].latitude, let lo = t.nodes[v].longitude else { continue }
            hasCoords[v] = true
            if inF[v] { fiberGrid.insert(id: v, latitude: la, longitude: lo) }
        }
        for v in terms where hasCoords[v] { termGrid.insert(id: v, latitude: t.nodes[v].latitude!, longitude: t.nodes[v].longitude!) }
        var seenPair = Set<Int64>()
        for v in terms where hasCoords[v] {
            let la = t.nodes[v].latitude!, lo = t.nodes[v].longitude!
            let near = fiberGrid.nearest(latitude: la, longitude: lo, k: o.nearestFiber)
                + termGrid.nearest(latitude: la, longitude: lo, k: o.nearestFiber + 1, exclude: { $0 == v })
            for (w, km) in near {
                let key = Int64(min(v, w)) << 32 | Int64(max(v, w))
                if !seenPair.insert(key).inserted { continue }
                ends.append(Int32(v)); ends.append(Int32(w)); length.append(weight(km * o.routeFactor, v, w)); origin.append(-2)
                kmOf.append(km * o.routeFactor)
            }
        }
        let g = Multigraph(nodeCount: n + 1, flatEndpoints: ends)
        let tree = g.steinerTree(terminals: [root] + terms, length: length)

        // Works: connected pieces of the chosen non-root edges, cut at fiber-reached nodes (each
        // piece hangs off existing fiber on its own). Union-find over nodes plus one slot per edge.
        var parent = Array(0..<(n + 1 + g.edgeCount))
        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }; return x }
        func union(_ a: Int, _ b: Int) { let ra = find(a), rb = find(b); if ra != rb { parent[ra] = rb } }
        var chosen: [Int] = []
        for e in tree where origin[e] != -1 {
            chosen.append(e)
            let (a, b) = g.endpoints(of: e)
            if !inF[a] { union(n + 1 + e, a) }
            if !inF[b] { union(n + 1 + e, b) }
        }
        var byPiece: [Int: PlannedWork] = [:]
        for e in chosen where kmOf[e] > 0 {
            let (a, b) = g.endpoints(of: e)
            let piece = find(n + 1 + e)
            let j = origin[e]
            let link = PlannedLink(kind: j >= 0 ? .upgrade : .newFiber, a: a, b: b, km: kmOf[e], cost: kmOf[e] * rate(a, b),
                                   existingLink: j >= 0 ? j : nil, existingMedium: j >= 0 ? t.links[j].medium : nil)
            byPiece[piece, default: PlannedWork(links: [], villages: [], households: 0, km: 0, cost: 0)].links.append(link)
            byPiece[piece]!.km += kmOf[e]
            byPiece[piece]!.cost += link.cost
        }
        var connectedTerms = Set<Int>()
        var reachable = [Bool](repeating: false, count: n + 1)
        for e in tree { let (a, b) = g.endpoints(of: e); reachable[a] = true; reachable[b] = true }
        for v in terms where reachable[v] {
            connectedTerms.insert(v)
            if byPiece[find(v)] != nil { byPiece[find(v)]!.villages.append(v); byPiece[find(v)]!.households += t.nodes[v].households }
        }
        var works = Array(byPiece.values)
        for i in works.indices {
            if o.costs == nil { works[i].cost = works[i].km * o.costPerKm }   // as before cost files, to the last bit
            works[i].villages.sort()
        }
        works.sort { ($0.householdsPerKm, -$0.km, $0.villages.first ?? 0) > ($1.householdsPerKm, -$1.km, $1.villages.first ?? 0) }
        let unplannable = terms.filter { !connectedTerms.contains($0) }

        // Apply and rescore.
        let after = apply(works, to: t, newFiberMbps: o.newFiberMbps)
        let afterReport = CoverageScorer.score(after, options: r.options)
        let km = works.reduce(0) { $0 + $1.km }
        let cost = o.costs == nil ? km * o.costPerKm : works.reduce(0) { $0 + $1.cost }
        return FiberPlan(options: o, missing: missing, missingOnFiber: missingOnFiber, unplannable: unplannable,
                         works: works, totalKm: km, totalCost: cost, after: after, afterReport: afterReport)
    }

    /// `t` with `works` built: upgraded links turned to fiber (capacity raised to at least
    /// `newFiberMbps`, attribute `planned` = `upgrade`), new links appended as fiber of
    /// `newFiberMbps` (`planned` = `new`).
    public static func apply(_ works: [PlannedWork], to t: Topology, newFiberMbps: Double) -> Topology {
        var after = t
        for w in works {
            for l in w.links {
                if let j = l.existingLink {
                    after.links[j].medium = .fiber
                    after.links[j].capacityMbps = max(after.links[j].capacityMbps ?? 0, newFiberMbps)
                    after.links[j].attributes["planned"] = "upgrade"
                } else {
                    after.links.append(TopologyLink(a: l.a, b: l.b, medium: .fiber, capacityMbps: newFiberMbps,
                                                    lengthKm: l.km, ipv6: true, attributes: ["planned": "new"]))
                }
            }
        }
        return after
    }

    /// Villages that miss a profile's village checks (urban checks are left out): not fiber all
    /// the way when the profile has a fiber check,
    /// no broadband for broadband checks, and per-household capacity below every speed check's
    /// threshold (`household_speed` value, `household_speed_share` threshold).
    public static func missingVillages(_ r: CoverageReport, profile: TargetProfile) -> [Int] {
        // Village checks only: urban checks measure urban access nodes, which this plan does not reach.
        let villageChecks = profile.checks.filter { $0.population != .urban }
        let kinds = Set(villageChecks.map(\.kind))
        var speed = 0.0
        for c in villageChecks {
            if c.kind == .householdSpeed { speed = max(speed, c.value) }
            if c.kind == .householdSpeedShare { speed = max(speed, c.thresholdMbps ?? 0) }
        }
        let c = r.options.contentionRatio
        return r.selection.villages.filter { v in
            let w = r.bottleneckMbps[v]
            if kinds.contains(.villageFiberShare) && !r.fiberPath[v] { return true }
            if (kinds.contains(.villageBroadbandShare) || kinds.contains(.broadbandHouseholdShare)) && w <= 0 { return true }
            if speed > 0 && r.households[v] > 0
                && !CoverageReport.meetsPerHousehold(bottleneckMbps: w, households: r.households[v], contention: c, thresholdMbps: speed) { return true }
            return false
        }
    }
}
