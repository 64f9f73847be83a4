import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// Plans an operator can fund: costs by method and terrain, budget and reach, on networks small
/// enough that the optimum is known by hand (no coordinates, so the only candidates are the
/// existing non-fibre routes to lay fibre along, and satellite terminals).
@Suite struct FundablePlanTests {
    func check(_ kind: TargetCheckKind, _ value: Double, required: Double? = nil) -> TargetCheck {
        TargetCheck(id: kind.rawValue, source: "S", metric: "m", value: value, unit: "u", comparator: .atLeast, targetYear: 2025, scope: nil,
                    confidence: .confirmed, valueTextOriginal: nil, note: nil, kind: kind, thresholdMbps: nil,
                    requiredPercent: required, proxy: nil)
    }
    func profile(_ checks: [TargetCheck]) -> TargetProfile {
        TargetProfile(name: "p", aliases: [], title: "p", sources: ["S"], checks: checks, context: [])
    }

    /// Two routes to fibre for V (plain): wireless 10 km from B, whose site is mountain (link
    /// terrain = the harder end: mountain, 10 × 45 000 = 450 000), or copper 20 km from F (plain,
    /// on fibre): 20 × 20 000 = 400 000. By km the plan takes B–V (10 km); by cost F–V.
    func twoRoutes() -> Topology {
        var t = Topology(name: "two-routes")
        t.nodes = [
            TopologyNode(id: "B", tier: .backbone, attributes: ["terrain": "Mountain"]),
            TopologyNode(id: "F", tier: .township, attributes: ["terrain": "plain"]),
            TopologyNode(id: "V", tier: .village, households: 100),
        ]
        t.links = [
            TopologyLink(a: 0, b: 1, medium: .fiber, capacityMbps: 10_000, lengthKm: 5),
            TopologyLink(a: 0, b: 2, medium: .wireless, capacityMbps: 100, lengthKm: 10),
            TopologyLink(a: 1, b: 2, medium: .copper, capacityMbps: 50, lengthKm: 20),
        ]
        return t
    }

    @Test func terrainCostsChooseTheCheaperRoute() throws {
        let t = twoRoutes()
        let r = CoverageScorer.score(t)
        let p = profile([check(.villageFiberShare, 100)])
        let missing = FiberPlanner.missingVillages(r, profile: p)
        #expect(missing == [2])
        let byKm = FiberPlanner.plan(t, report: r, missing: missing)
        #expect(byKm.works.flatMap(\.links).map(\.existingLink) == [1] && byKm.totalKm == 10 && byKm.totalCost == 200_000)
        let costs = try PlanCosts.bundled()
        let byCost = FiberPlanner.plan(t, report: r, missing: missing, options: FiberPlanOptions(costs: costs))
        #expect(byCost.works.flatMap(\.links).map(\.existingLink) == [2])
        #expect(byCost.totalKm == 20 && byCost.totalCost == 400_000 && byCost.works[0].cost == 400_000)
        // Aerial fibre on plain terrain: 20 × 8000.
        var aerial = costs; aerial.fiberMethod = .aerial
        #expect(FiberPlanner.plan(t, report: r, missing: missing, options: FiberPlanOptions(costs: aerial)).totalCost == 160_000)
    }

    /// B (backbone) – V1 (100 hh) copper 10 Mbps, 1 km; B – V2 (10 hh) copper 2 Mbps, 2 km.
    /// Target 12 Mbps per household at 20:1: V1 10 × 20 / 100 = 2, V2 2 × 20 / 10 = 4: both miss.
    /// Candidates (bundled costs): fibre upgrades V1 20 000 (100 hh), V2 40 000 (10 hh); a
    /// satellite terminal (100 Mbps, 1500) suffices for both (100 × 20 / 100 = 20 ≥ 12).
    /// Budget 2000: only one terminal fits; V1's brings 100 households (the optimum).
    /// Budget 3000: both terminals, 110 households (everything). Budget 1000: nothing.
    func twoVillages() -> Topology {
        var t = Topology(name: "two-villages")
        t.nodes = [
            TopologyNode(id: "B", tier: .backbone),
            TopologyNode(id: "V1", tier: .village, households: 100),
            TopologyNode(id: "V2", tier: .village, households: 10),
        ]
        t.links = [
            TopologyLink(a: 0, b: 1, medium: .copper, capacityMbps: 10, lengthKm: 1),
            TopologyLink(a: 0, b: 2, medium: .copper, capacityMbps: 2, lengthKm: 2),
        ]
        return t
    }

    @Test func budgetPlanKnownOptima() throws {
        let t = twoVillages()
        let r = CoverageScorer.score(t)
        let p = profile([check(.householdSpeed, 12, required: 100), check(.villageBroadbandShare, 98)])
        let costs = try PlanCosts.bundled()
        let plan = FiberPlanner.plan(t, report: r, missing: FiberPlanner.missingVillages(r, profile: p), options: FiberPlanOptions(costs: costs))
        #expect(plan.works.map(\.cost).sorted() == [20_000, 40_000])
        let b2000 = BudgetPlanner.plan(t, report: r, profile: p, fiberPlan: plan, costs: costs, budget: 2000)
        #expect(b2000.candidates == 4 && b2000.householdsMissing == 110)
        #expect(b2000.chosen.map(\.kind) == [.satellite] && b2000.chosen[0].villages == [1] && b2000.households == 100 && b2000.spent == 1500)
        let b3000 = BudgetPlanner.plan(t, report: r, profile: p, fiberPlan: plan, costs: costs, budget: 3000)
        #expect(b3000.households == 110 && b3000.spent == 3000)
        #expect(BudgetPlanner.plan(t, report: r, profile: p, fiberPlan: plan, costs: costs, budget: 1000).chosen.isEmpty)
        // A fibre check rules out satellite terminals: only the upgrades, V1's first (5 hh per 1000).
        let fiber = profile([check(.villageFiberShare, 100)])
        let planF = FiberPlanner.plan(t, report: r, missing: FiberPlanner.missingVillages(r, profile: fiber), options: FiberPlanOptions(costs: costs))
        let bF = BudgetPlanner.plan(t, report: r, profile: fiber, fiberPlan: planF, costs: costs, budget: 50_000)
        #expect(bF.chosen.map(\.kind) == [.fiber] && bF.chosen[0].villages == [1] && bF.spent == 20_000 && bF.households == 100)
    }

    /// Fibre to 50 % of villages: the full plan upgrades both links (60 000); dropping V2's
    /// (fewest households per cost) keeps 50 % ≥ 50 %, dropping V1's too would not → V1's work
    /// alone, 20 000: the cheapest way (V2's alone costs 40 000).
    @Test func reachDropsWhatTheTargetDoesNotNeed() {
        let t = twoVillages()
        let r = CoverageScorer.score(t)
        let p = profile([check(.villageFiberShare, 50)])
        let plan = FiberPlanner.plan(t, report: r, missing: FiberPlanner.missingVillages(r, profile: p))
        let reach = ReachPlanner.plan(t, report: r, profile: p, fiberPlan: plan)
        #expect(reach.reached && reach.dropped == 1 && reach.cost == 20_000)
        #expect(reach.works.map { plan.works[$0].villages } == [[1]])
        #expect(reach.resultsAfter.map(\.measured) == [50])
        // 5G reach is not something fibre builds: the reason names it.
        let fiveG = profile([check(.village5GShare, 80)])
        let plan5 = FiberPlanner.plan(t, report: r, missing: FiberPlanner.missingVillages(r, profile: fiveG))
        let cannot = ReachPlanner.plan(t, report: r, profile: fiveG, fiberPlan: plan5)
        #expect(!cannot.reached && cannot.reasons.count == 1 && cannot.reasons[0].contains("5G reach is not built by a fibre plan"))
    }

    @Test func costFilesAreCheckedWithFileAndKey() throws {
        let dir = SharedData.temporaryDirectory("costs")
        let bundled = try PlanCosts.bundled()
        #expect(bundled.fiberPerKm(.plain) == 20_000 && bundled.currency == "USD")
        let enc = JSONEncoder()
        var bad = bundled; bad.aerialFiberPerKm.hill = -1
        let file = dir.appendingPathComponent("bad.json")
        try enc.encode(bad).write(to: file)
        #expect(throws: TopologyImportError.self) { try PlanCosts.load(path: file.path) }
        do { _ = try PlanCosts.load(path: file.path) } catch {
            #expect("\(error)".contains("aerial_fiber_per_km.hill") && "\(error)".contains(file.path))
        }
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "\"trenched\"", with: "\"ploughed\"")
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: TopologyImportError.self) { try PlanCosts.load(path: file.path) }
        var t = twoRoutes()
        t.nodes[2].attributes["terrain"] = "swamp"
        #expect(throws: InfrastructureAttributeError.self) { try t.terrainClasses(default: .plain) }
    }
}
