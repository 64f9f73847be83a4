import ArgumentParser
import CaptureCore
import LiveCapture
import PacketDecoding
import Reporting
import TrafficAnalysis

/// `netcensus capture live -i IFACE --duration S [--filter EXPR] [--count N] [--json|--csv]`
///
/// Captures on a live interface through libpcap for a bounded time (never hangs: non-blocking
/// handle polled every 100 ms) and prints the same summary as `summarize`. Needs root or
/// CAP_NET_RAW. `--list` prints the capturable interfaces (pseudo devices left out).
struct CaptureLive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "IPv6 adoption summary of a live interface, for a bounded time.")

    @Option(name: .shortAndLong, help: "Interface to capture on (see --list).")
    var interface: String?

    @Option(name: .long, help: "Seconds to capture (0 < S <= 86400).")
    var duration: Double = 10

    @Option(name: .long, help: "Stop after this many packets.")
    var count: Int?

    @Option(name: .long, help: "BPF filter (tcpdump syntax), applied in the kernel.")
    var filter: String?

    @Option(name: .long, help: "Bytes kept per packet.")
    var snaplen: Int = 262_144

    @Flag(name: .long, help: "List capturable interfaces and exit.")
    var list = false

    @OptionGroup var output: CaptureLiveOutputOptions
    @OptionGroup var decoding: CaptureDecodingOptions
    @OptionGroup(title: "Connection state") var state: AnalysisStateOptions

    func validate() throws {
        if list { return }
        guard interface != nil else { throw ValidationError("Give an interface with -i (see --list).") }
        guard duration > 0 && duration <= 86_400 else { throw ValidationError("--duration must be in (0, 86400] seconds.") }
        if let c = count, c <= 0 { throw ValidationError("--count must be positive.") }
        guard snaplen >= 64 && snaplen <= 262_144 else { throw ValidationError("--snaplen must be in [64, 262144].") }
    }

    func run() throws {
        if list {
            let interfaces: [LiveInterface]
            do { interfaces = try LiveCaptureSource.interfaces() } catch {
                StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
                throw NetCensusExit.cannotOpen
            }
            try StandardOutput.write(interfaces.map {
                Escaping.terminal($0.name) + ($0.isLoopback ? " (loopback)" : "") + ($0.description.map { " - " + Escaping.terminal($0) } ?? "") + "\n"
            }.joined())
            return
        }
        let name = interface!
        let source: LiveCaptureSource
        do { source = try LiveCaptureSource(interface: name, snaplen: snaplen, filter: filter) } catch let e as PcapError {
            StandardError.line("netcensus: error: \(Escaping.terminal(e.description))")
            if case .invalidFilter = e { throw NetCensusExit.usage }
            throw NetCensusExit.cannotOpen
        }
        // The same pipeline as files: the interface is a PacketSource.
        var pass = AnalysisPipeline(source: name, options: state.analysisOptions, decoderOptions: decoding.decoderOptions)
        var run = LiveCaptureRun(source: source, duration: duration, maxPackets: count ?? .max)
        let report = pass.run(&run)
        if let failure = report.warnings.first(where: { $0.code == "read_failed" }) {
            StandardError.line("netcensus: error: \(Escaping.terminal(failure.reason))")
            throw NetCensusExit.failure
        }
        let stats = run.statistics
        if stats.dropped > 0 && !output.quiet {
            StandardError.line("netcensus: warning: \(Escaping.terminal(name)): the kernel dropped \(stats.dropped) packets")
        }
        let summary = pass.finish()
        if summary.packets == 0 {
            StandardError.line("netcensus: error: no packets captured on \(Escaping.terminal(name)) in \(duration) s")
            throw NetCensusExit.noData
        }
        if !output.quiet { for w in summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) } }
        let document = CaptureSummaryReport.document(
            files: [(CaptureSummaryReport.FileFacts(path: name, format: "live", recordsRead: stats.packets), summary)],
            total: summary, filter: filter, tool: "netcensus \(NetCensusCommand.configuration.version)")
        if output.json { try StandardOutput.line(JSONRenderer.render(document)) }
        else if output.csv { try StandardOutput.write(CSVRenderer.render(rows: CaptureSummaryReport.csvRows(document))) }
        else { try StandardOutput.write(CaptureTableRenderer.render(document, perFile: false)) }
    }
}
