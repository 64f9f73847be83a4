import ArgumentParser
import Reporting
import TopologyCoverage

/// `netcensus topology targets [NAME]`: lists the bundled target profiles, or one profile's checks.
struct TopologyTargets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets",
        abstract: "List the target profiles shipped with NetCensus (derived from shared/targets), or show one.")

    @Argument(help: "Profile name or alias to show in full.") var name: String?

    func run() throws {
        let cat: TargetCatalog
        do { cat = try TargetCatalog.bundled() } catch { TopologyOutput.error("\(error)"); throw NetCensusExit.failure }
        guard let name else { return try TopologyOutput.print(TopologyText.profileList(cat)) }
        guard let p = cat.profile(named: name) else {
            TopologyOutput.error("no profile '\(name)'; profiles: \(cat.profiles.map(\.name).joined(separator: ", "))")
            throw NetCensusExit.usage
        }
        try TopologyOutput.print(TopologyText.profileDetail(p, catalog: cat))
    }
}
