/// One candidate work of a budget plan.
public struct BudgetWork: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// A work of the fibre plan (`FiberPlan.works[fiberWork]`).
        case fiber
        /// A VSAT terminal at one village.
        case satellite
        /// One microwave hop from the nearest fibre-reached node (`from`) to one village.
        case microwave
    }
    public var kind: Kind
    /// Index into `FiberPlan.works` (fiber works only).
    public var fiberWork: Int?
    /// Node index of the far end of a microwave hop.
    public var from: Int?
    /// Villages (node indices) this work brings to the target, ascending.
    public var villages: [Int]
    /// Households of those villages.
    public var households: Int
    /// Cost in the cost file's currency.
    public var cost: Double
}

/// The outcome of `BudgetPlanner.plan`.
public struct BudgetPlan: Sendable {
    public var budget: Double
    public var currency: String
    /// The per-household speed (Mbps) a village must reach, and whether it must be on fibre.
    public var speedMbps: Double
    public var needsFiber: Bool
    /// Works chosen, in the order the greedy took them.
    public var chosen: [BudgetWork]
    public var spent: Double
    /// Households brought to the target by the chosen works.
    public var households: Int
    /// Households of the villages missing the target before the plan.
    public var householdsMissing: Int
    /// Candidate works considered.
    public var candidates: Int
}

/// A budget-constrained plan (`topology plan --budget X`): the works that bring the most
/// households to the target per unit of cost, within the budget.
///
/// Target of a village (as `FiberPlanner.missingVillages`): broadband, fibre all the way when the
/// profile has a fibre check, and the profile's highest per-household speed.
/// Candidates:
/// - each work of the fibre plan (`FiberPlanner.plan` under the cost file): its cost, and the
///   villages it serves that meet the target once built (works hang off existing fibre on their
///   own, so any subset can be built);
/// - when the profile has no fibre check, per missing village the cheaper of a VSAT terminal
///   (`satellite_terminal_per_site`, `satellite_mbps`) and a microwave hop from the nearest
///   fibre-reached node within `microwave_max_km` (`microwave_per_link` of the hop's harder
///   terrain; capacity the smaller of `microwave_mbps` and that node's bottleneck), when its
///   capacity meets the speed for the village's households under the contention ratio.
/// Choice: greedy by households newly brought to the target per unit of cost (lazy
/// re-evaluation: a village served by an earlier pick no longer counts), taking a work only when
/// it fits in what is left of the budget. A greedy knapsack heuristic, not an optimum.
/// Complexity: O(C log C + C · R) for C candidates and R re-evaluations.
public enum BudgetPlanner {
    public static func plan(_ t: Topology, report r: CoverageReport, profile: TargetProfile, fiberPlan p: FiberPlan,
                            costs: PlanCosts, budget: Double) -> BudgetPlan {
        let villageChecks = profile.checks.filter { $0.population != .urban }
        let kinds = Set(villageChecks.map(\.kind))
        let needsFiber = kinds.contains(.villageFiberShare)
        let speed = villageChecks.reduce(0.0) { acc, c in
            c.kind == .householdSpeed ? max(acc, c.value) : c.kind == .householdSpeedShare ? max(acc, c.thresholdMbps ?? 0) : acc
        }
        let missing = FiberPlanner.missingVillages(r, profile: profile)
        let stillMissing = Set(FiberPlanner.missingVillages(p.afterReport, profile: profile))
        let hh = r.households
        var candidates: [BudgetWork] = []
        for (i, w) in p.works.enumerated() {
            let vs = w.villages.filter { !stillMissing.contains($0) }
            if !vs.isEmpty { candidates.append(BudgetWork(kind: .fiber, fiberWork: i, villages: vs, households: vs.reduce(0) { $0 + hh[$1] }, cost: w.cost)) }
        }
        if !needsFiber {
            let terrain = (try? t.terrainClasses(default: costs.defaultTerrain)) ?? Array(repeating: costs.defaultTerrain, count: t.nodes.count)
            var grid = GeoGrid(cellDegrees: 0.1)
            for v in t.nodes.indices where (r.fiberBottleneckMbps[v] > 0 || r.bottleneckMbps[v].isInfinite) {
                if let la = t.nodes[v].latitude, let lo = t.nodes[v].longitude { grid.insert(id: v, latitude: la, longitude: lo) }
            }
            func enough(_ mbps: Double, _ v: Int) -> Bool {
                mbps > 0 && (speed <= 0 || hh[v] <= 0
                    || CoverageReport.meetsPerHousehold(bottleneckMbps: mbps, households: hh[v], contention: r.options.contentionRatio, thresholdMbps: speed))
            }
            for v in missing {
                var best: BudgetWork?
                if enough(costs.satelliteMbps, v) {
                    best = BudgetWork(kind: .satellite, villages: [v], households: hh[v], cost: costs.satelliteTerminalPerSite)
                }
                if let la = t.nodes[v].latitude, let lo = t.nodes[v].longitude,
                   let w = grid.nearest(latitude: la, longitude: lo, k: 1, maxKm: costs.microwaveMaxKm).first?.id,
                   enough(min(costs.microwaveMbps, r.bottleneckMbps[w]), v) {
                    let cost = costs.microwavePerLink[max(terrain[v], terrain[w])]
                    if best == nil || cost < best!.cost {
                        best = BudgetWork(kind: .microwave, from: w, villages: [v], households: hh[v], cost: cost)
                    }
                }
                if let best { candidates.append(best) }
            }
        }
        // Lazy greedy: candidates sorted by ratio (households per cost), best last; a popped
        // candidate is re-evaluated and put back when villages it counted are already served.
        func ratio(_ w: BudgetWork) -> Double { w.cost > 0 ? Double(w.households) / w.cost : .infinity }
        var queue = candidates.enumerated().sorted { (ratio($0.element), -$0.element.cost, -$0.offset) < (ratio($1.element), -$1.element.cost, -$1.offset) }
            .map(\.element)
        var served = Set<Int>(), chosen: [BudgetWork] = []
        var left = budget, gained = 0
        while var w = queue.popLast() {
            guard w.cost <= left else { continue }
            let fresh = w.villages.filter { !served.contains($0) }
            if fresh.count < w.villages.count {
                w.villages = fresh; w.households = fresh.reduce(0) { $0 + hh[$1] }
                if w.households == 0 { continue }
                let r = ratio(w)
                let at = queue.firstIndex { ratio($0) > r } ?? queue.count   // ascending by ratio
                queue.insert(w, at: at)
                continue
            }
            if w.households == 0 { continue }
            chosen.append(w); left -= w.cost; gained += w.households
            for v in w.villages { served.insert(v) }
        }
        return BudgetPlan(budget: budget, currency: costs.currency, speedMbps: speed, needsFiber: needsFiber, chosen: chosen,
                          spent: budget - left, households: gained, householdsMissing: missing.reduce(0) { $0 + hh[$1] },
                          candidates: candidates.count)
    }
}
