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
        --geojson writes the planned links and villages for QGIS.
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

    func validate() throws {
        // "inf"/"nan" parse as Doubles; refused like any other out-of-range value (exit 64).
        for (name, v) in [("--cost-per-km", costPerKm), ("--route-factor", routeFactor), ("--fiber-mbps", fiberMbps)] where !v.isFinite {
            throw ValidationError("\(name) must be a finite number (got \(v))")
        }
        guard costPerKm >= 0 else { throw ValidationError("--cost-per-km must be >= 0") }
        guard nearest >= 1 else { throw ValidationError("--nearest must be >= 1") }
        guard routeFactor >= 1 else { throw ValidationError("--route-factor must be >= 1 (a route is never shorter than the great circle)") }
        guard fiberMbps > 0 else { throw ValidationError("--fiber-mbps must be > 0") }
    }

    func run() throws {
        let (topo, profile, _) = try input.load()
        let report = CoverageScorer.score(topo, options: input.coverageOptions(for: profile))
        let before = TargetScorer.score(profile, report: report, topology: topo)
        let missing = FiberPlanner.missingVillages(report, profile: profile)
        let opts = FiberPlanOptions(costPerKm: costPerKm, currency: currency, nearestFiber: nearest, routeFactor: routeFactor, newFiberMbps: fiberMbps)
        let plan = FiberPlanner.plan(topo, report: report, missing: missing, options: opts)
        let after = TargetScorer.score(profile, report: plan.afterReport, topology: plan.after)
        if json {
            let doc = FiberPlanDocument(input: input.file, topology: topo, profile: profile, plan: plan, before: report,
                                        targetsBefore: before, targetsAfter: after,
                                        tool: "netcensus \(NetCensusCommand.configuration.version)")
            try emit(try doc.jsonData() + Data("\n".utf8), to: output)
        } else {
            let text = TopologyText.plan(input: input.file, topology: topo, profile: profile, plan: plan, before: report,
                                         targetsBefore: before, targetsAfter: after)
            try emit(Data(text.utf8), to: output)
        }
        if let g = geojson { try emit(try TopologyGeoJSON.plan(topology: topo, plan: plan) + Data("\n".utf8), to: g) }
    }
}
