import ArgumentParser
import Foundation
import Reporting
import TopologyCoverage

/// `netcensus topology score FILE --targets NAME [--contention N] [--json|--csv|--geojson]`.
struct TopologyScore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score village broadband/fiber coverage of a topology against a target profile.",
        discussion: """
        Per access node: reached, hops, path km and propagation latency, bottleneck capacity, \
        capacity per household under the contention ratio, fiber all the way (or the first \
        non-fiber segment), edge connectivity to the backbone (1 = behind a bridge), IPv6 end to end. \
        Per network: counts, components, bridges, articulation points, diameter, km by medium. \
        Per region and tier: shares with broadband, fiber and target speeds; worst villages. \
        Exit codes: 0 ok, 3 a target missed (with --fail-on-miss), 64 usage, 65 no data, 66 cannot open.
        """)

    @OptionGroup var input: TopologyInputOptions

    @Flag(name: .long, help: "JSON document instead of the table.") var json = false
    @Flag(name: .long, help: "CSV, one row per access node (village, township).") var csv = false
    @Flag(name: .long, help: "GeoJSON FeatureCollection: access nodes with their figures, links with medium/capacity.") var geojson = false
    @Flag(name: .long, help: "With --json: include one row per access node.") var perNode = false
    @Option(name: .shortAndLong, help: "Write the output here instead of stdout.") var output: String?
    @Flag(name: .long, help: "Exit 3 when any scorable target is missed.") var failOnMiss = false

    func validate() throws {
        if [json, csv, geojson].filter({ $0 }).count > 1 { throw ValidationError("choose one of --json, --csv, --geojson") }
        if perNode && !json { throw ValidationError("--per-node goes with --json") }
    }

    func run() throws {
        let (topo, profile, sources) = try input.load()
        let report = CoverageScorer.score(topo, options: input.coverageOptions(for: profile))
        let results = TargetScorer.score(profile, report: report, topology: topo)
        if json {
            let doc = TopologyScoreDocument(input: input.file, topology: topo, report: report, profile: profile,
                                            results: results, sources: sources, perNode: perNode,
                                            tool: "netcensus \(NetCensusCommand.configuration.version)")
            try emit(try doc.jsonData() + Data("\n".utf8), to: output)
        } else if csv {
            try emit(try TopologyCSV.accessNodesData(topology: topo, report: report), to: output)
        } else if geojson {
            try emit(try TopologyGeoJSON.score(topology: topo, report: report) + Data("\n".utf8), to: output)
        } else {
            let text = TopologyText.score(input: input.file, topology: topo, report: report, profile: profile, results: results)
            try emit(Data(text.utf8), to: output)
        }
        KeptUntilExit.keep((topo, report, results))
        if failOnMiss && results.contains(where: { $0.met == false }) { throw NetCensusExit.targetMissed }
    }
}
