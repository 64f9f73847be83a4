import ArgumentParser
import Foundation
import Reporting
import TopologyCoverage

/// `netcensus topology plan FILE --targets NAME [--cost-per-km X]`.
struct TopologyPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan a least-length fiber extension for villages that miss a target.",
        discussion: """
        Steiner-tree approximation (Mehlhorn) over candidate links: existing non-fiber links \
        (fiber laid along them) and great-circle links to the nearest fiber-reached nodes. \
        Works are ordered by households served per km; coverage is scored again after the plan. \
        --geojson writes the planned links and villages for QGIS. \
        --costs prices fibre by method and terrain (node attribute terrain: plain, hill, mountain); \
        --budget adds the works bringing the most households to the target per unit of cost \
        (fibre works, satellite terminals, microwave hops); --reach PROFILE keeps the cheapest \
        set of works found that meets every scorable check, or says why it cannot.
        """)

    @OptionGroup var input: TopologyInputOptions
    @Option(name: .long, help: "Cost per km of fiber laid (stated assumption).") var costPerKm: Double = 20_000
    @Option(name: .long, help: "Currency label for costs.") var currency: String = "USD"
    @Option(name: .long, help: "Nearest fiber-reached nodes (and villages) offered as new-link ends.") var nearest: Int = 3
    @Option(name: .long, help: "Route length / great-circle length for new links.") var routeFactor: Double = 1.0
    @Option(name: .long, help: "Capacity (Mbps) of new and upgraded fiber links.") var fiberMbps: Double = 10_000
    @Flag(name: .long, help: "JSON document instead of the table.") var json = false
    @Option(name: .long, help: "Also write the plan as GeoJSON to this file.") var geojson: String?
    @Option(name: .shortAndLong, help: "Write the table/JSON here instead of stdout.") var output: String?
    @Option(name: .long, help: ArgumentHelp("Cost file (JSON; keys in docs/topology-schema.md): fibre per km by method and terrain, microwave per hop, satellite terminal per site. Default with --budget/--reach: the bundled plan-costs.json (trenched fibre 20000 USD/km on plain terrain). With a cost file, --cost-per-km and --currency are not used.", valueName: "FILE"))
    var costs: String?
    @Option(name: .long, help: ArgumentHelp("Budget (in the cost file's currency): choose the works that bring the most households to the target per unit of cost within it.", valueName: "AMOUNT"))
    var budget: Double?
    @Option(name: .long, help: ArgumentHelp("Target profile to reach (replaces --targets): the cheapest works found that make every scorable check met, or the reasons it cannot be.", valueName: "PROFILE"))
    var reach: String?

    func validate() throws {
        // "inf"/"nan" parse as Doubles; refused like any other out-of-range value (exit 64).
        for (name, v) in [("--cost-per-km", costPerKm), ("--route-factor", routeFactor), ("--fiber-mbps", fiberMbps)] where !v.isFinite {
            throw ValidationError("\(name) must be a finite number (got \(v))")
        }
        guard costPerKm >= 0 else { throw ValidationError("--cost-per-km must be >= 0") }
        guard nearest >= 1 else { throw ValidationError("--nearest must be >= 1") }
        guard routeFactor >= 1 else { throw ValidationError("--route-factor must be >= 1 (a route is never shorter than the great circle)") }
        guard fiberMbps > 0 else { throw ValidationError("--fiber-mbps must be > 0") }
        if let b = budget, !(b.isFinite && b >= 0) { throw ValidationError("--budget must be a finite number >= 0") }
    }

    func run() throws {
        var (topo, profile, _) = try input.load()
        if let name = reach {
            do { profile = try TargetCatalog.resolve(name).0 } catch { TopologyOutput.error("--reach: \(error)"); throw NetCensusExit.usage }
        }
        // A cost file only when asked for (or needed by --budget / --reach): without one the plan
        // is the flat --cost-per-km plan, byte for byte.
        var planCosts: PlanCosts?
        if costs != nil || budget != nil || reach != nil {
            do {
                let c = try costs.map { try PlanCosts.load(path: $0) } ?? PlanCosts.bundled()
                _ = try topo.terrainClasses(default: c.defaultTerrain)
                planCosts = c
            } catch let e as TopologyImportError {
                TopologyOutput.error("\(e)"); throw e.cannotOpen ? NetCensusExit.cannotOpen : NetCensusExit.noData
            } catch {
                TopologyOutput.error("\(input.file): \(error)"); throw NetCensusExit.noData
            }
        }
        let report = CoverageScorer.score(topo, options: input.coverageOptions(for: profile))
        let before = TargetScorer.score(profile, report: report, topology: topo)
        let missing = FiberPlanner.missingVillages(report, profile: profile)
        let opts = FiberPlanOptions(costPerKm: costPerKm, currency: planCosts?.currency ?? currency, nearestFiber: nearest, routeFactor: routeFactor,
                                    newFiberMbps: fiberMbps, costs: planCosts)
        let plan = FiberPlanner.plan(topo, report: report, missing: missing, options: opts)
        let after = TargetScorer.score(profile, report: plan.afterReport, topology: plan.after)
        let budgetPlan = budget.flatMap { b in planCosts.map { BudgetPlanner.plan(topo, report: report, profile: profile, fiberPlan: plan, costs: $0, budget: b) } }
        let reachPlan = reach == nil ? nil : ReachPlanner.plan(topo, report: report, profile: profile, fiberPlan: plan)
        if json {
            var doc = FiberPlanDocument(input: input.file, topology: topo, profile: profile, plan: plan, before: report,
                                        targetsBefore: before, targetsAfter: after,
                                        tool: "netcensus \(NetCensusCommand.configuration.version)")
            doc.budgetPlan = budgetPlan.map { BudgetPlanJSON($0, topology: topo) }
            doc.reach = reachPlan.map(ReachPlanJSON.init)
            try emit(try doc.jsonData() + Data("\n".utf8), to: output)
        } else {
            var text = TopologyText.plan(input: input.file, topology: topo, profile: profile, plan: plan, before: report,
                                         targetsBefore: before, targetsAfter: after)
            let extra = TopologyText.planSections(budget: budgetPlan, reach: reachPlan, topology: topo)
            if !extra.isEmpty { text += extra.joined(separator: "\n") + "\n" }
            try emit(Data(text.utf8), to: output)
        }
        if let g = geojson { try emit(try TopologyGeoJSON.plan(topology: topo, plan: plan) + Data("\n".utf8), to: g) }
    }
}
