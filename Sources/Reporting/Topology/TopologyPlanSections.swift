import Foundation
import TopologyCoverage

/// The `budget_plan` block of `topology plan --json --budget X`. Costs in `currency`.
public struct BudgetPlanJSON: Codable, Sendable {
    public var budget: Double
    public var currency: String
    public var speedMbps: Double
    public var needsFiber: Bool
    public var spent: Double
    public var households: Int
    public var householdsMissing: Int
    public var candidates: Int
    public var works: [Work]
    /// One chosen work: `kind` fiber (with `fiber_work`, the 1-based rank in `works` of the
    /// plan), satellite or microwave (with `from`, the node id of the hop's fibre end).
    public struct Work: Codable, Sendable {
        public var kind: String
        public var fiberWork: Int?
        public var from: String?
        public var villages: [String]
        public var households: Int
        public var cost: Double
        enum CodingKeys: String, CodingKey { case kind, fiberWork = "fiber_work", from, villages, households, cost }
    }
    enum CodingKeys: String, CodingKey {
        case budget, currency, speedMbps = "speed_mbps", needsFiber = "needs_fiber", spent, households
        case householdsMissing = "households_missing", candidates, works
    }
    public init(_ b: BudgetPlan, topology t: Topology) {
        budget = b.budget; currency = b.currency; speedMbps = b.speedMbps; needsFiber = b.needsFiber; spent = b.spent
        households = b.households; householdsMissing = b.householdsMissing; candidates = b.candidates
        works = b.chosen.map { w in
            Work(kind: w.kind.rawValue, fiberWork: w.fiberWork.map { $0 + 1 }, from: w.from.map { t.nodes[$0].id },
                 villages: w.villages.map { t.nodes[$0].id }, households: w.households, cost: w.cost)
        }
    }
}

/// The `reach` block of `topology plan --json --reach PROFILE`.
public struct ReachPlanJSON: Codable, Sendable {
    public var profile: String
    public var reached: Bool
    /// 1-based ranks (in the plan's `works`) of the works kept.
    public var works: [Int]
    public var cost: Double
    public var km: Double
    public var dropped: Int
    public var reasons: [String]
    public var resultsAfter: [TargetResult]
    enum CodingKeys: String, CodingKey { case profile, reached, works, cost, km, dropped, reasons, resultsAfter = "results_after" }
    public init(_ r: ReachPlan) {
        profile = r.profile; reached = r.reached; works = r.works.map { $0 + 1 }; cost = r.cost; km = r.km
        dropped = r.dropped; reasons = r.reasons; resultsAfter = r.resultsAfter
    }
}

extension TopologyText {
    /// Text of the budget and reach sections of `topology plan` (empty arrays when not asked).
    public static func planSections(budget b: BudgetPlan?, reach: ReachPlan?, topology t: Topology, worksShown: Int = 20) -> [String] {
        var o: [String] = []
        if let b {
            o.append("")
            o.append("Budget plan (\(mbps(b.budget)) \(clean(b.currency, max: 8)); most households brought to the target per unit of cost, greedy)")
            o.append("  target: \(b.needsFiber ? "fibre all the way, " : "")\(mbps(b.speedMbps)) Mbps per household; \(b.candidates) candidate works")
            o.append(String(format: "  spent %.0f of %.0f; %d of %d households missing the target brought to it", b.spent, b.budget, b.households, b.householdsMissing))
            let rows = b.chosen.prefix(worksShown).enumerated().map { i, w -> [String] in
                [String(i + 1), w.kind.rawValue + (w.fiberWork.map { " (work \($0 + 1))" } ?? "") + (w.from.map { " from \(clean(t.nodes[$0].id, max: 16))" } ?? ""),
                 String(w.villages.count), String(w.households), String(format: "%.0f", w.cost),
                 w.villages.prefix(3).map { clean(t.nodes[$0].name, max: 14) }.joined(separator: " ") + (w.villages.count > 3 ? " …" : "")]
            }
            o.append(table(["#", "work", "villages", "households", "cost", "villages served"], rows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        if let r = reach {
            o.append("")
            o.append("Reach \(clean(r.profile)): \(r.reached ? "every scorable check met" : "cannot be reached by this plan")")
            o.append(String(format: "  works kept %d (dropped %d), %.1f km, cost %.0f", r.works.count, r.dropped, r.km, r.cost))
            for line in r.reasons { o.append("  " + clean(line, max: 300)) }
            for x in r.resultsAfter { o.append("  \(x.check.id): \(num(x.measured, 2)) (\(x.status))") }
        }
        return o
    }
}
