import ArgumentParser
import CaptureCore
import CaptureFiles
import CaptureJobs
import CDNReachability
import LiveCapture
import Reporting
import TrafficAnalysis

/// `netcensus capture cdn PATH... [--cdn-rules FILE] [--by provider|name] [--json|--csv]`
///
/// CDN reachability per provider (or destination name) and IP family: attempts, handshakes,
/// successes, handshake RTT median/p90, bytes, QUIC attempts answered, and a verdict
/// (definitions: docs/cdn.md). Exit statuses as `capture summarize` (65 nothing read, 66
/// nothing opened), and 65/66 for a rules file that does not validate / cannot be read.
struct CaptureCDN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdn",
        abstract: "CDN reachability over IPv4 and IPv6 per provider or destination name.",
        discussion: """
        Each TCP connection and QUIC flow is attributed to a provider by its TLS SNI (ClientHello \
        on any port, split segments gathered; with ECH the outer public name), its QUIC Initial \
        ClientHello (v1/v2, decrypted), its HTTP/1.x Host, the DNS answer that gave the server \
        address (a name whose CNAME chain ends under a provider's suffix), or the provider's \
        published prefixes (--cdn-rules, docs/cdn-rules.md). Per provider and family: attempts \
        (SYN seen), handshakes completed, successes (handshake + ServerHello when a ClientHello \
        was read), success rate, handshake RTT median/p90 (nearest rank), bytes, QUIC attempts \
        answered; verdict reachable_ipv6 / ipv6_broken / ipv4_only / undetermined. \
        Definitions: docs/cdn.md.
        """)

    @Argument(help: "Capture files or directories (searched recursively).")
    var paths: [String] = []

    @Option(name: .long, help: "BPF filter (tcpdump syntax), compiled by libpcap per link type and applied to every packet.")
    var filter: String?

    @Option(name: .long, help: "Rows per provider (default) or per destination name.")
    var by: CDNReport.Grouping = .provider

    @Flag(name: .long, help: "Write JSON (docs/cdn.md) instead of the table.")
    var json = false

    @Flag(name: .long, help: "Write CSV (RFC 4180): one row per provider or name.")
    var csv = false

    @Flag(name: .shortAndLong, help: "No progress and no warnings on stderr (errors still print).")
    var quiet = false

    @OptionGroup(title: "CDN reachability") var cdnRules: CDNRulesOptions
    @OptionGroup var decoding: CaptureDecodingOptions
    @OptionGroup(title: "Connection state") var state: AnalysisStateOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one capture file or directory.") }
        if json && csv { throw ValidationError("--json and --csv cannot be used together.") }
    }

    func run() throws {
        let rules = try cdnRules.load()
        let inputs = try CaptureInputList.resolve(paths, quiet: quiet)
        let bpf = try BPFFilter.forCommand(filter)
        let pipeline = CapturePipeline(filter: bpf, progress: ProgressLine.make(quiet: quiet, files: inputs.count),
                                       decoderOptions: decoding.decoderOptions, analysisOptions: state.analysisOptions)
        var total = CDNSummary()
        total.ruleProviders = rules.matcher.rules.providers.map(\.name)
        var recordsRead = 0, opened = 0
        for input in inputs {
            let r: CapturePipeline.FileResult
            if let e = input.openError { r = CapturePipeline.unopened(path: input.path, reason: e) } else {
                var cdn = CDNAnalyzer(matcher: rules.matcher)
                r = pipeline.summarize(path: input.path, extension: &cdn)
                total.merge(cdn.finish())
            }
            if !quiet { for w in r.summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) } }
            recordsRead += r.recordsRead
            if r.opened { opened += 1 }
        }
        if recordsRead == 0 {
            StandardError.line("netcensus: error: no packets could be read from \(inputs.count == 1 ? Escaping.terminal(inputs[0].path) : "any of the \(inputs.count) inputs")")
            throw opened == 0 ? NetCensusExit.cannotOpen : NetCensusExit.noData
        }
        let document = CDNReport.document(total, by: by, rules: rules.label, files: inputs.map(\.path),
                                          tool: "netcensus \(NetCensusCommand.configuration.version)")
        if json { try StandardOutput.line(JSONRenderer.render(document)) }
        else if csv { try StandardOutput.write(CSVRenderer.render(rows: CDNReport.csvRows(document), untrustedText: true)) }
        else { try StandardOutput.write(CDNReport.table(document)) }
    }
}

extension CDNReport.Grouping: ExpressibleByArgument {}
