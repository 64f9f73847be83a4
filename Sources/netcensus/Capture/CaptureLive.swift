import ArgumentParser
import CaptureCore
import CDNReachability
import LiveCapture
import LiveMonitor
import PacketDecoding
import Reporting
import TrafficAnalysis
import TransitionAnalysis

/// `netcensus capture live -i IFACE [--duration S] [--count N] [--interval S] [--write FILE.pcapng]
/// [--rotate-mb M] [--rotate-seconds S] [--workers N] [--filter EXPR] [--json|--csv]`
///
/// Captures on a live interface through libpcap and prints the same summary as `summarize`
/// (plus a `capture` member with libpcap's counters). Without `--duration` or `--count` it runs
/// until SIGINT or SIGTERM, then stops cleanly (what the kernel already queued is analysed),
/// prints the final summary and exits 0; SIGHUP reopens the `--write` files. Never hangs: every
/// handle is non-blocking and polled at most 100 ms at a time. Needs root or CAP_NET_RAW.
/// `--list` prints the capturable interfaces with their addresses. Definitions: docs/live.md.
struct CaptureLive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "IPv6 adoption of a live interface: until SIGINT/SIGTERM, or for a duration or packet count.",
        discussion: """
        Without --duration or --count the capture runs until SIGINT or SIGTERM, then prints the \
        final summary and exits 0. --interval S prints the figures of every interval and of the \
        run so far (one JSON object per line with --json). libpcap's counters (received, dropped by \
        the kernel, dropped by the interface) are in every interval and in the summary's `capture` \
        member; a warning goes to stderr when drops exceed 0.1% of received. SIGHUP reopens the \
        --write files. Definitions and metric names: docs/live.md.
        """)

    @Option(name: .shortAndLong, help: "Interface to capture on (see --list).")
    var interface: String?

    @Option(name: .long, help: "Seconds to capture (0 < S <= 86400); default: until SIGINT/SIGTERM.")
    var duration: Double?

    @Option(name: .long, help: "Stop after this many packets (over all workers).")
    var count: Int?

    @Option(name: .long, help: "BPF filter (tcpdump syntax), applied in the kernel.")
    var filter: String?

    @Option(name: .long, help: "Bytes kept per packet.")
    var snaplen: Int = 262_144

    @Option(name: .long, help: ArgumentHelp("Print the figures of every S seconds and of the run so far (0.1 <= S <= 86400).", valueName: "S"))
    var interval: Double?

    @Option(name: .long, help: ArgumentHelp("Save the captured packets as pcapng (docs/live.md for the names with rotation or workers).", valueName: "FILE"))
    var write: String?

    @Option(name: .customLong("rotate-mb"), help: ArgumentHelp("With --write: start a new file after M megabytes (10^6 bytes), as tcpdump -C.", valueName: "M"))
    var rotateMB: Double?

    @Option(name: .customLong("rotate-seconds"), help: ArgumentHelp("With --write: start a new file every S seconds, as tcpdump -G.", valueName: "S"))
    var rotateSeconds: Double?

    @Option(name: .long, help: ArgumentHelp("Capture handles in one PACKET_FANOUT group (flow hash), one analyzer each, merged (1...64).", valueName: "N"))
    var workers: Int = 1

    @Option(name: .customLong("buffer-mb"), help: ArgumentHelp("Kernel capture buffer per handle in MiB (1...2048).", valueName: "M"))
    var bufferMB: Int = 32
    /// `--buffer-mb` in bytes (the one place the unit changes).
    var bufferBytes: Int { bufferMB << 20 }

    @Option(name: .customLong("metrics-listen"), help: ArgumentHelp("Serve Prometheus metrics on ADDRESS:PORT (e.g. 127.0.0.1:9464), path /metrics.", valueName: "ADDRESS:PORT"))
    var metricsListen: String?

    @Flag(name: .long, help: "List capturable interfaces with their addresses and exit.")
    var list = false

    @Flag(name: .long, help: ArgumentHelp(
        "Add the transition section (as `summarize --transition`, docs/transition.md), from a second analysis of the same packets. Needs --workers 1: not mergeable yet."))
    var transition = false

    @Flag(name: .customLong("no-cdn"), help: "Leave out the CDN analysis (the JSON's cdn members are null).")
    var noCDN = false

    @OptionGroup var output: CaptureLiveOutputOptions
    @OptionGroup var decoding: CaptureDecodingOptions
    @OptionGroup(title: "Connection state") var state: AnalysisStateOptions
    @OptionGroup(title: "CDN reachability") var cdnRules: CDNRulesOptions

    func validate() throws {
        if list { return }
        guard interface != nil else { throw ValidationError("Give an interface with -i (see --list).") }
        if let d = duration, !(d > 0 && d <= 86_400) { throw ValidationError("--duration must be in (0, 86400] seconds.") }
        if let c = count, c <= 0 { throw ValidationError("--count must be positive.") }
        guard snaplen >= 64 && snaplen <= 262_144 else { throw ValidationError("--snaplen must be in [64, 262144].") }
        if let i = interval, !(i >= 0.1 && i <= 86_400) { throw ValidationError("--interval must be in [0.1, 86400] seconds.") }
        if interval != nil && output.csv { throw ValidationError("--interval writes table lines or, with --json, NDJSON; not with --csv.") }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be in [1, 64].") }
        if transition && workers > 1 { throw ValidationError("--transition needs --workers 1: transition figures are not mergeable yet.") }
        guard (1...2048).contains(bufferMB) else { throw ValidationError("--buffer-mb must be in [1, 2048].") }
        if (rotateMB != nil || rotateSeconds != nil) && write == nil { throw ValidationError("--rotate-mb and --rotate-seconds need --write.") }
        if let m = rotateMB, !(m >= 0.001 && m <= 1_000_000) { throw ValidationError("--rotate-mb must be in [0.001, 1000000].") }
        if let s = rotateSeconds, !(s >= 1 && s <= 86_400 * 31) { throw ValidationError("--rotate-seconds must be in [1, 2678400].") }
        if let w = write, w.isEmpty { throw ValidationError("--write needs a file name.") }
        if let m = metricsListen, MetricsEndpoint.parse(m) == nil {
            throw ValidationError("--metrics-listen must be ADDRESS:PORT with a numeric IPv4 or [IPv6] address, e.g. 127.0.0.1:9464.")
        }
    }

    func run() throws {
        if list { return try listInterfaces() }
        let name = interface!
        let rules = noCDN ? nil : try cdnRules.load()
        var session = LiveSession(interface: name, options: self, rules: rules?.matcher)
        let outcome = try session.run()
        let summary = outcome.summary
        if !output.quiet { for w in summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) } }
        let tool = "netcensus \(NetCensusCommand.configuration.version)"
        var document = CaptureSummaryReport.document(
            files: [(CaptureSummaryReport.FileFacts(path: name, format: "live", recordsRead: Int(outcome.figures.delivered)), summary)],
            total: summary, filter: filter, tool: tool,
            cdn: rules.map { ([outcome.cdn ?? CDNSummary()], outcome.cdn ?? CDNSummary(), $0.label) },
            transition: outcome.transition.map { TransitionReport.section($0) })
        if case .object(var members) = document {
            members.append(("capture", LiveReport.captureSection(interface: name, outcome: outcome)))
            document = .object(members)
        }
        // With --interval the whole stdout is NDJSON: the summary is its last line.
        if output.json { try StandardOutput.line(interval == nil ? JSONRenderer.render(document) : JSONRenderer.renderCompact(document)) }
        else if output.csv { try StandardOutput.write(CSVRenderer.render(rows: CaptureSummaryReport.csvRows(document))) }
        else {
            try StandardOutput.write(CaptureTableRenderer.render(document, perFile: false))
            try StandardOutput.write(LiveReport.captureLines(outcome))
        }
    }

    /// `--list`: one line per interface: name, (loopback), addresses, whether it has IPv6.
    func listInterfaces() throws {
        let interfaces: [LiveInterface]
        do { interfaces = try LiveCaptureSource.interfaces() } catch {
            StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
            throw NetCensusExit.cannotOpen
        }
        try StandardOutput.write(interfaces.map { i in
            var line = Escaping.terminal(i.name) + (i.isLoopback ? " (loopback)" : "")
            line += i.hasIPv6 ? " ipv6" : " no-ipv6"
            if !i.addresses.isEmpty { line += " " + i.addresses.map { Escaping.terminal($0) }.joined(separator: " ") }
            if let d = i.description { line += " - " + Escaping.terminal(d) }
            return line + "\n"
        }.joined())
    }
}
