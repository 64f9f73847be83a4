/// The outcome of `ReachPlanner.plan`.
public struct ReachPlan: Sendable {
    public var profile: String
    /// Every scorable check (met not nil after the full plan) is met with `works`.
    public var reached: Bool
    /// Indices into `FiberPlan.works` kept, in build order.
    public var works: [Int]
    public var cost: Double
    public var km: Double
    /// Target results with the kept works built.
    public var resultsAfter: [TargetResult]
    /// Why the profile cannot be reached, one line per check still missed (empty when reached).
    public var reasons: [String]
    /// Works of the full plan dropped because the checks stay met without them.
    public var dropped: Int
}

/// A target-driven plan (`topology plan --reach PROFILE`): the cheapest set of works found that
/// makes every scorable check of the profile met, or the reasons it cannot be.
///
/// Method: the fibre plan for the profile's missing villages (`FiberPlanner.plan`, cost-weighted
/// Steiner tree) is built in full and scored; when a scorable check is still missed, the plan
/// cannot reach the profile and each such check gets a reason. Otherwise works are dropped one at
/// a time, the least households per unit of cost first, whenever every scorable check stays met
/// without them (share targets below 100 % leave room): a greedy reverse-delete, not an optimum.
/// Checks that are "not measurable" or "n/a" are not scorable and do not block.
/// Complexity: one rescoring per work tried, O(W (n + m) log n); at most `maxTrials` works are
/// tried (the rest are kept).
public enum ReachPlanner {
    public static func plan(_ t: Topology, report r: CoverageReport, profile: TargetProfile, fiberPlan p: FiberPlan,
                            maxTrials: Int = 64) -> ReachPlan {
        func results(_ kept: [Int]) -> (Topology, CoverageReport, [TargetResult]) {
            let after = FiberPlanner.apply(kept.map { p.works[$0] }, to: t, newFiberMbps: p.options.newFiberMbps)
            let rep = CoverageScorer.score(after, options: r.options)
            return (after, rep, TargetScorer.score(profile, report: rep, topology: after))
        }
        let full = TargetScorer.score(profile, report: p.afterReport, topology: p.after)
        let all = Array(p.works.indices)
        func total(_ kept: [Int]) -> (Double, Double) { kept.reduce((0, 0)) { ($0.0 + p.works[$1].cost, $0.1 + p.works[$1].km) } }
        let missed = full.filter { $0.met == false }
        if !missed.isEmpty {
            let onFiber = p.missingOnFiber.count, unplannable = p.unplannable.count
            let reasons = missed.map { x -> String in
                let c = x.check
                var why: [String] = []
                if c.population == .urban { why.append("urban access nodes are not planned (the plan extends fibre to villages)") }
                if c.kind == .village5GShare { why.append("5G reach is not built by a fibre plan") }
                if c.kind == .householdSpeed || c.kind == .householdSpeedShare, onFiber > 0 {
                    why.append("\(onFiber) village(s) already on fibre miss the speed: they need capacity, not fibre")
                }
                if unplannable > 0 { why.append("\(unplannable) village(s) have no coordinates and no existing route to lay fibre along") }
                if why.isEmpty { why.append("the planned fibre (\(Int(p.options.newFiberMbps)) Mbps) does not bring enough villages to the target") }
                let measured = x.measured.map { String(format: "%.2f", $0) } ?? "-"
                return "\(c.id): \(measured) after every planned work vs \(c.comparator) \(c.value) — " + why.joined(separator: "; ")
            }
            let (cost, km) = total(all)
            return ReachPlan(profile: profile.name, reached: false, works: all, cost: cost, km: km, resultsAfter: full, reasons: reasons, dropped: 0)
        }
        // Reverse delete, the least households per unit of cost first.
        var kept = all
        var last = full
        let order = all.sorted { (p.works[$0].householdsPerCost, $0) < (p.works[$1].householdsPerCost, $1) }
        for w in order.prefix(maxTrials) {
            let trial = kept.filter { $0 != w }
            let (_, _, res) = results(trial)
            if !res.contains(where: { $0.met == false }) && res.filter({ $0.met == true }).count == full.filter({ $0.met == true }).count {
                kept = trial; last = res
            }
        }
        let (cost, km) = total(kept)
        return ReachPlan(profile: profile.name, reached: true, works: kept, cost: cost, km: km, resultsAfter: last, reasons: [],
                         dropped: all.count - kept.count)
    }
}
