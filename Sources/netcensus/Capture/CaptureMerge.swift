import ArgumentParser
import CaptureJobs
import Reporting
import TrafficAnalysis
import TransitionAnalysis

/// `netcensus capture merge STATE... [--json|--csv] [--per-file] [--state-out FILE]
/// [--by VIEW] [--show-addresses | --anonymize-key FILE]`
///
/// Combines the states written by `capture summarize --state-out` (one per shard, probe or
/// file) into the summary one `capture summarize` over all their inputs gives: the same
/// document, per file and in total. States written by `capture analyze --state-out` (they carry a
/// transition section) merge into the document of `capture analyze` over all their inputs
/// (`--by`, `--show-addresses`, `--anonymize-key` as there). Exit status: 0; 1 when the output cannot be written; 64
/// usage; 65 when a state is not usable (not a state, other version, truncated, damaged, other
/// settings, an input given twice) or when no input of any state yielded a packet (as
/// `capture summarize` over those inputs); 66 when a state cannot be opened. Nothing is printed or
/// written unless every state is usable.
struct CaptureMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge states of capture summarize runs into one summary.",
        discussion: """
        Each STATE comes from `netcensus capture summarize --state-out STATE ...`. Counters add; \
        distinct addresses, hosts and flows merge as sets while they fit --max-distinct (then as \
        HyperLogLog sketches, marked as estimates); response-time and RTT distributions merge \
        exactly. States must come from runs with the same settings (filter, decoder and \
        connection-state options). States of `capture analyze --state-out` give the \
        `capture analyze` document over all their inputs instead (--by, --show-addresses, \
        --anonymize-key as there; states from other --local-prefix, --nat64-prefix, --6rd-prefix \
        or --clat-prefix are refused). Format: docs/state-format.md.
        """)

    @Argument(help: "State files written by `capture summarize --state-out`.")
    var states: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also write the merged state to FILE (for a further merge: tree reductions).", valueName: "FILE"))
    var stateOut: String?

    @OptionGroup var output: CaptureOutputOptions

    @Option(name: .long, help: "States of capture analyze: rows to print (device, mechanism, name or race).")
    var by: String?

    @Flag(name: .long, help: "States of capture analyze: show device addresses and MACs as they are.")
    var showAddresses = false

    @Option(name: .long, help: "States of capture analyze: Crypto-PAn key file (32 raw bytes or 64 hex digits).")
    var anonymizeKey: String?

    func validate() throws {
        if states.isEmpty { throw ValidationError("Give at least one state file.") }
        if let b = by, TransitionReport.View(rawValue: b) == nil {
            throw ValidationError("--by must be one of device, mechanism, name, race.")
        }
        if showAddresses && anonymizeKey != nil { throw ValidationError("--show-addresses and --anonymize-key cannot be used together.") }
    }

    func run() throws {
        var loaded: [(path: String, state: CaptureState)] = []
        for path in states { loaded.append((path, try StateFile.read(path))) }
        let merged: CaptureState
        do { merged = try CaptureState.merge(loaded) } catch {
            StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
            throw NetCensusExit.noData
        }
        if merged.transition == nil && (by != nil || showAddresses || anonymizeKey != nil) {
            StandardError.line("netcensus: error: --by, --show-addresses and --anonymize-key apply to states of capture analyze only")
            throw NetCensusExit.usage
        }
        if let out = stateOut { try StateFile.write(merged, to: out) }
        if !output.quiet {
            for f in merged.files {
                for w in f.summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) }
            }
        }
        // The exit rule of `capture summarize` over the same inputs: no packet anywhere is 65
        // (66 when no input could even be opened), after the merged state is written.
        if merged.files.allSatisfy({ $0.recordsRead == 0 }) {
            let opened = merged.files.contains { $0.openError == nil }
            StandardError.line("netcensus: error: no packets could be read from any of the \(merged.files.count) inputs of the states")
            throw opened ? NetCensusExit.noData : NetCensusExit.cannotOpen
        }
        if let transition = merged.transition {
            // States of `capture analyze`: its document over every input of the states.
            if output.perFile { StandardError.line("netcensus: warning: --per-file does not apply to states of capture analyze") }
            let policy = try CaptureAnalyze.addressPolicy(showAddresses: showAddresses, anonymizeKey: anonymizeKey)
            try CaptureAnalyze.print(transition.finish(), view: by.flatMap(TransitionReport.View.init(rawValue:)), policy: policy,
                                     inputs: merged.files.map(\.path), json: output.json, csv: output.csv)
            return
        }
        let filter = merged.settings["filter"].flatMap { $0.isEmpty ? nil : $0 }
        let document = CaptureSummaryReport.document(
            files: merged.files.map { (CaptureSummaryReport.FileFacts(path: $0.path, format: $0.format, recordsRead: $0.recordsRead), $0.summary) },
            total: merged.total, filter: filter, tool: merged.tool, cdn: merged.cdn.map { ($0.files, $0.total, $0.rules) })
        try output.print(document)
    }
}
