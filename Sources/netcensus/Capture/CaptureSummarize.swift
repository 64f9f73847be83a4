import ArgumentParser
import CaptureCore
import CaptureFiles
import LiveCapture
import Reporting
import TrafficAnalysis
import CaptureJobs
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
        timestamp; truncated and undecodable packets. Warnings (file, byte offset, reason) go to \
        stderr. JSON schema: docs/summary-schema.md.
        """)

    @Argument(help: "Capture files or directories (searched recursively).")
    var paths: [String] = []

    @Option(name: .long, help: "BPF filter (tcpdump syntax), compiled by libpcap per link type and applied to every packet.")
    var filter: String?

    @OptionGroup var output: CaptureOutputOptions
    @OptionGroup var decoding: CaptureDecodingOptions
    @OptionGroup(title: "Connection state") var state: AnalysisStateOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one capture file or directory.") }
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

        let pipeline = CapturePipeline(filter: bpf, progress: ProgressLine.make(quiet: output.quiet, files: inputs.count),
                                       decoderOptions: decoding.decoderOptions, analysisOptions: state.analysisOptions)
        var results: [CapturePipeline.FileResult] = []
        var total = AdoptionSummary()
        // The transition section (docs/transition.md) covers every input read one after another.
        var transition = TransitionAnalyzer()
        for input in inputs {
            let r = input.openError.map { CapturePipeline.unopened(path: input.path, reason: $0) }
                ?? pipeline.summarize(path: input.path, transition: &transition)
            // A lone input that cannot be read at all gets only the error line below (which
            // names the file and the reason), not the same text twice.
            let lonelyFailure = inputs.count == 1 && (r.openError ?? r.formatError) != nil
            if !output.quiet && !lonelyFailure {
                for w in r.summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) }
            }
            total.merge(r.summary)
            results.append(r)
        }

        try Self.checkRecordsRead(results)

        let document = CaptureSummaryReport.document(
            files: results.map { (CaptureSummaryReport.FileFacts(path: $0.path, format: $0.format?.rawValue, recordsRead: $0.recordsRead), $0.summary) },
            total: total, filter: filter, tool: "netcensus \(NetCensusCommand.configuration.version)",
            transition: TransitionReport.section(transition.finish()))
        if output.json { try StandardOutput.line(JSONRenderer.render(document)) }
        else if output.csv { try StandardOutput.write(CSVRenderer.render(rows: CaptureSummaryReport.csvRows(document))) }
        else { try StandardOutput.write(CaptureTableRenderer.render(document, perFile: output.perFile)) }
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
