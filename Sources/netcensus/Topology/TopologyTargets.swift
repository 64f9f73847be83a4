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
        var out: [String] = []
        let cat: TargetCatalog
        do { cat = try TargetCatalog.bundled() } catch { TopologyOutput.error("\(error)"); throw NetCensusExit.failure }
        guard let name else {
            for p in cat.profiles {
                out.append("\(p.name)\(p.aliases.isEmpty ? "" : " (\(p.aliases.joined(separator: ", ")))"): \(p.title)")
                out.append("    \(p.checks.count) scorable check(s), \(p.context.count) context row(s); sources \(p.sources.joined(separator: ", "))")
            }
            return try TopologyOutput.print(out)
        }
        guard let p = cat.profile(named: name) else {
            TopologyOutput.error("no profile '\(name)'; profiles: \(cat.profiles.map(\.name).joined(separator: ", "))")
            throw NetCensusExit.usage
        }
        out.append(TopologyText.targets(p, []))
        out.append("Scorable checks")
        for c in p.checks {
            let src = c.source.flatMap { cat.sources[$0] }
            out.append("  \(c.id): \(c.metric) \(c.comparator) \(TopologyText.threshold(TopologyText.mbpsText(c.value), unit: c.unit))\(c.thresholdMbps.map { " (at \($0) Mbps per household)" } ?? "") — \(c.kind.rawValue), \(c.confidence)")
            if let s = src { out.append("      source: \(s.titleEn ?? s.title ?? "-"), \(s.issuingBody ?? "-"), \(s.date ?? "-")") }
            if let o = c.valueTextOriginal { out.append("      original: \(o)") }
        }
        try TopologyOutput.print(out)
    }
}
