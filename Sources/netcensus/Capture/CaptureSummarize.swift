import ArgumentParser
import CaptureCore
import CaptureFiles
import LiveCapture
import Reporting
import TrafficAnalysis
import CaptureJobs
import CDNReachability
import TransitionAnalysis

/// `netcensus capture summarize PATH... [--filter EXPR] [--json|--csv] [--per-file] [--quiet]`
///
/// Reads every capture (files, or directories searched recursively for .pcap/.pcapng/.cap and
/// their .gz forms) and prints the IPv6 adoption summary, per file and in total.
/// Exit status: 0 when packets were read from at least one input (problems with the others are
/// warnings on stderr, and their entries carry no figures); 1 when the output cannot be written;
/// 64 for usage errors; 65 when inputs were opened but no packet could be read from any (not a
/// capture, empty, header only); 66 when no input could be opened (missing, unreadable).
struct CaptureSummarize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "IPv6 adoption summary of capture files.",
        discussion: """
        Figures per file and in total: packets and bytes by outermost and innermost family; IPv6 \
        share of packets, bytes, flows and hosts; tunnelled packets per mechanism; DNS A/AAAA \
        queries; TCP SYN and SYN-ACK per family; addresses per class; link types; first/last \
        timestamp; truncated and undecodable packets; CDN reachability per provider and family \
        (JSON only, docs/cdn.md; --no-cdn leaves it out). Warnings (file, byte offset, reason) go to \
        stderr. JSON schema: docs/summary-schema.md.
        """)

    @Argument(help: "Capture files or directories (searched recursively).")
    var paths: [String] = []

    @Option(name: .long, help: "BPF filter (tcpdump syntax), compiled by libpcap per link type and applied to every packet.")
    var filter: String?

    @Option(name: .long, help: ArgumentHelp(
        "Also write the run's mergeable state to FILE, for `netcensus capture merge` (docs/state-format.md).",
        valueName: "FILE"))
    var stateOut: String?

    @Option(name: .long, help: ArgumentHelp(
        "Threads (default: the machine's cores): files in parallel, and when N is at least twice the number of files, each file read by two threads at once, one for the packet figures and one for connections, DNS transactions and CDN (docs/state-format.md, \"--jobs N\"). Output is identical for every N; each running file keeps its own state, bounded by --max-connections.",
        valueName: "N"))
    var jobs: Int?

    @Flag(name: .long, help: ArgumentHelp(
        "Add the transition section (mechanisms, NAT64/DNS64, Happy Eyeballs, devices; docs/transition.md), computed in a second pass (each input on its own, merged as capture analyze does). Not with --state-out: `capture analyze --state-out` writes mergeable transition states. `capture analyze` gives the same figures with more views."))
    var transition = false

    @Option(name: .long, help: ArgumentHelp(
        "With one input: call it NAME in the output, warnings and state (e.g. the URI of a copy being analysed, as the Spark job in Scale/ does).",
        valueName: "NAME"))
    var inputName: String?

    @OptionGroup var output: CaptureOutputOptions
    @OptionGroup var decoding: CaptureDecodingOptions
    @OptionGroup(title: "Connection state") var state: AnalysisStateOptions
    @OptionGroup(title: "CDN reachability") var cdnRules: CDNRulesOptions
    @OptionGroup(title: "Targets") var targets: CaptureTargetsOptions

    @Flag(name: .customLong("no-cdn"), help: "Leave out the CDN analysis (the JSON's cdn members are null).")
    var noCDN = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one capture file or directory.") }
        try ParallelFiles.validate(jobs: jobs)
        if inputName != nil && paths.count != 1 { throw ValidationError("--input-name needs exactly one input.") }
        if (transition || targets.targets != nil) && stateOut != nil {
            throw ValidationError("--transition and --targets cannot be used with --state-out: use `capture analyze --state-out` for mergeable transition figures.")
        }
    }

    func run() throws {
        let inputs = try CaptureInputList.resolve(paths, quiet: output.quiet)
        var bpf: BPFFilter? = nil
        if let f = filter {
            do { bpf = try BPFFilter(f) } catch {
                StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
                throw NetCensusExit.usage
            }
        }

        let profile = try targets.profile()
        let rules = noCDN ? nil : try cdnRules.load()
        let progress = ProgressLine.make(quiet: output.quiet, files: inputs.count)
        let jobs = self.jobs ?? ParallelFiles.defaultJobs
        let threadsPerFile = CapturePipeline.threadsPerFile(jobs: jobs, files: inputs.count)
        let perFile = try ParallelFiles.run(inputs, jobs: jobs) {
            () throws -> ((path: String, openError: String?)) -> (CapturePipeline.FileResult, CDNSummary?) in
            // Each worker has its own BPF programs (libpcap's compiled filters are per-handle state)
            // and its own CDN analyzer per file; the rules are an immutable value shared by all.
            let worker = CapturePipeline(filter: try bpf.map { try BPFFilter($0.expression) }, progress: progress,
                                         decoderOptions: decoding.decoderOptions, analysisOptions: state.analysisOptions,
                                         threadsPerFile: threadsPerFile)
            return { input in
                if let e = input.openError {
                    let empty = rules.map { m -> CDNSummary in var s = CDNSummary(); s.ruleProviders = m.matcher.rules.providers.map(\.name); return s }
                    return (CapturePipeline.unopened(path: input.path, reason: e), empty)
                }
                guard let m = rules?.matcher else { return (worker.summarize(path: input.path), nil) }
                var cdn = CDNAnalyzer(matcher: m)
                let r = worker.summarize(path: input.path, extension: &cdn)
                return (r, cdn.finish())
            }
        }
        var results = perFile.map(\.0)
        let cdnFiles = perFile.compactMap(\.1)
        var cdnTotal = CDNSummary()
        for s in cdnFiles { cdnTotal.merge(s) }
        if let name = inputName, inputs.count == 1 { results = results.map { $0.renamed(name) } }
        var total = AdoptionSummary()
        for r in results {
            // A lone input that cannot be read at all gets only the error line below (which
            // names the file and the reason), not the same text twice.
            let lonelyFailure = inputs.count == 1 && (r.openError ?? r.formatError) != nil
            if !output.quiet && !lonelyFailure {
                for w in r.summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) }
            }
            total.merge(r.summary)
        }

        // The transition section (opt-in, docs/transition.md): each input analysed on its own and
        // the analyses merged (devices joined through their bindings, names united; "Several
        // inputs"), as `capture analyze` does, in a second pass so the per-file pass above stays
        // parallel.
        var transitionSection: ReportValue? = nil
        var targetsSection: ReportValue? = nil
        if self.transition || profile != nil {
            var states: [TransitionState] = []
            for input in inputs where input.openError == nil {
                var analyzer = TransitionAnalyzer()
                _ = CaptureFileJob.run(path: input.path, options: state.analysisOptions, decoderOptions: decoding.decoderOptions,
                                       filter: bpf.map { f in { f.matches($0) } }, transition: &analyzer)
                states.append(analyzer.state())
            }
            let summary = (states.isEmpty ? TransitionState(options: TransitionOptions()) : TransitionState.merged(states)).finish()
            if self.transition { transitionSection = TransitionReport.section(summary) }
            if let profile { targetsSection = targets.section(profile, summary: summary) }
        }
        // The state is written even when no input yielded a packet: a shard's unreadable files
        // still belong in the merged document, as they do in one run over every input.
        let tool = "netcensus \(NetCensusCommand.configuration.version)"
        if let out = stateOut {
            var settings = CaptureState.settings(filter: filter, decoder: decoding.decoderOptions, analysis: state.analysisOptions)
            settings["cdn.rules"] = rules?.label ?? "off"
            var st = CaptureState(tool: tool, settings: settings, results: results)
            if rules != nil { for i in st.files.indices where i < cdnFiles.count { st.files[i].cdn = cdnFiles[i] } }
            try StateFile.write(st, to: out)
        }
        try Self.checkRecordsRead(results)

        let document = CaptureSummaryReport.document(
            files: results.map { (CaptureSummaryReport.FileFacts(path: $0.path, format: $0.format?.rawValue, recordsRead: $0.recordsRead), $0.summary) },
            total: total, filter: filter, tool: tool, cdn: rules.map { (cdnFiles, cdnTotal, $0.label) }, transition: transitionSection,
            targets: targetsSection)
        try output.print(document)
    }

    /// Exit status (README "Exit codes"): returns when packets were read from at least one
    /// input; otherwise prints the one error line and throws 65 (inputs opened, none yielded a
    /// packet) or 66 (none could be opened). Shared with `capture analyze`.
    static func checkRecordsRead(_ results: [CapturePipeline.FileResult]) throws {
        let recordsRead = results.reduce(0) { $0 + $1.recordsRead }
        if recordsRead == 0 {
            let opened = results.filter(\.opened).count
            if results.count == 1, let r = results.first {
                if let why = r.openError ?? r.formatError {
                    StandardError.line("netcensus: error: \(Escaping.terminal(r.path)): \(Escaping.terminal(why))")
                } else {
                    StandardError.line("netcensus: error: \(Escaping.terminal(r.path)): no packets could be read")
                }
            } else if opened == 0 {
                StandardError.line("netcensus: error: none of the \(results.count) inputs could be opened")
            } else {
                StandardError.line("netcensus: error: no packets could be read from any of the \(results.count) inputs")
            }
            throw opened == 0 ? NetCensusExit.cannotOpen : NetCensusExit.noData
        }
    }
}
