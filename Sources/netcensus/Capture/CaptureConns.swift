import ArgumentParser
import CaptureCore
import CaptureFiles
import LiveCapture
import Reporting
import TrafficAnalysis
import CaptureJobs

/// `netcensus capture conns PATH... [--filter EXPR] [--json | --csv]`
///
/// One record per connection (Zeek `conn.log` semantics), written as connections finish, so
/// memory follows live connections, not the file. Schema: docs/conn-log.md.
struct CaptureConns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conns",
        abstract: "Connection log of capture files (Zeek conn.log semantics).",
        discussion: """
        One line per bidirectional connection on the innermost 5-tuple: originator and \
        responder, protocol, family and tunnels, packets and bytes each way, Zeek conn_state and \
        history, SYN retransmissions and handshake timing (SYN -> SYN-ACK -> ACK, ms; their sum is \
        tshark's tcp.analysis.initial_rtt). Records are written as connections finish (idle \
        timeout, reuse, eviction, end of file). TSV with Zeek-style '#' headers by default, \
        --json for NDJSON, --csv for CSV. Schema: docs/conn-log.md.
        """)

    @Argument(help: "Capture files or directories (searched recursively).")
    var paths: [String] = []

    @Option(name: .long, help: "BPF filter (tcpdump syntax), compiled by libpcap per link type and applied to every packet.")
    var filter: String?

    @OptionGroup var output: RecordLogOutputOptions
    @OptionGroup var decoding: CaptureDecodingOptions
    @OptionGroup(title: "Connection state") var state: AnalysisStateOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one capture file or directory.") }
    }

    func run() throws {
        let inputs = try CaptureInputList.resolve(paths, quiet: output.quiet)
        let bpf = try BPFFilter.forCommand(filter)
        let log = ConnectionLog.log(output.format)
        let pipeline = CapturePipeline(filter: bpf, progress: ProgressLine.make(quiet: output.quiet, files: inputs.count),
                                       decoderOptions: decoding.decoderOptions, analysisOptions: state.analysisOptions)
        try RecordLogRun.run(inputs: inputs, log: log, quiet: output.quiet) { path, emit in
            pipeline.records(path: path, connections: { for r in $0 { emit(ConnectionLog.values(r, source: path)) } })
        }
    }
}

/// Output options of the record logs (`conns`, `dns`).
struct RecordLogOutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Write one JSON object per line (NDJSON) instead of TSV.")
    var json = false

    @Flag(name: .long, help: "Write CSV (RFC 4180) with a header row instead of TSV.")
    var csv = false

    @Flag(name: .shortAndLong, help: "No progress and no warnings on stderr (errors still print).")
    var quiet = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be used together.") }
    }

    var format: RecordLogFormat { json ? .ndjson : csv ? .csv : .tsv }
}

/// Stdout in 64 KiB chunks: record logs write many short lines.
struct BufferedOutput {
    private var buffer = ""
    mutating func write(_ s: String) throws {
        buffer += s
        if buffer.utf8.count >= 1 << 16 { try flush() }
    }
    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try StandardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

extension BPFFilter {
    /// The command's `--filter`, compiled; a bad expression is a usage error (exit 64).
    static func forCommand(_ expression: String?) throws -> BPFFilter? {
        guard let f = expression else { return nil }
        do { return try BPFFilter(f) } catch {
            StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
            throw NetCensusExit.usage
        }
    }
}
