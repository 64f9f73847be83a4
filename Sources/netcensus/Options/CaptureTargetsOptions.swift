import ArgumentParser
import CaptureTargets
import Reporting
import TopologyCoverage
import TransitionAnalysis

/// `--targets NAME --network fixed|mobile|metro`: score a capture against a profile's capture
/// rows (docs/targets.md, "Capture checks"). Needs the transition analysis (devices, names,
/// bytes with NAT64 apart), which `--targets` turns on.
struct CaptureTargetsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Score the capture against a target profile with capture checks (e.g. ipv6-work-plan-2025, ipv6-notice-2021, us-omb-m-21-07; `netcensus topology targets` lists them). Implies --transition.",
        valueName: "NAME"))
    var targets: String?

    @Option(name: .long, help: ArgumentHelp(
        "The network the capture comes from: fixed, mobile or metro. Traffic-share targets are per network; without it they are not measurable.",
        valueName: "NETWORK"))
    var network: String?

    func validate() throws {
        if let n = network, CaptureNetwork(rawValue: n.lowercased()) == nil {
            throw ValidationError("--network must be fixed, mobile or metro, not '\(Escaping.terminal(n))'.")
        }
        if network != nil && targets == nil { throw ValidationError("--network needs --targets.") }
    }

    /// The chosen profile, checked to have capture rows; nil without `--targets`. A name that is
    /// not a profile, or a profile a capture cannot score, is a usage error (exit 64).
    func profile() throws -> TargetProfile? {
        guard let name = targets else { return nil }
        let profile: TargetProfile
        do { profile = try TargetCatalog.resolve(name).0 } catch {
            StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
            throw NetCensusExit.usage
        }
        guard !(profile.captureChecks ?? []).isEmpty else {
            let usable = ((try? TargetCatalog.bundled())?.profiles ?? []).filter { !($0.captureChecks ?? []).isEmpty }.map(\.name)
            StandardError.line("netcensus: error: profile '\(Escaping.terminal(profile.name))' has no capture checks (it is scored from topologies); profiles with capture checks: \(usable.joined(separator: ", "))")
            throw NetCensusExit.usage
        }
        return profile
    }

    var captureNetwork: CaptureNetwork? { network.flatMap { CaptureNetwork(rawValue: $0.lowercased()) } }

    /// The `targets` section for `summary` under `profile`.
    func section(_ profile: TargetProfile, summary: TransitionSummary) -> ReportValue {
        CaptureTargetsReport.section(profile: profile, network: captureNetwork,
                                     rows: CaptureTargetScorer.score(profile, summary: summary, network: captureNetwork))
    }
}

