import ArgumentParser
import FlowRecords
import Reporting
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT/SIGTERM: the collector finishes and prints its summary.
nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0

/// `netcensus flows collect --listen HOST:PORT [--duration S] [--count N] [--json|--csv]`
///
/// A UDP collector for IPFIX and NetFlow v9 export. Runs until `--duration`, `--count`
/// datagrams, or SIGINT/SIGTERM, then prints the same summary as `flows summarize`. Exit
/// status: 0; 64 usage (a bad address); 65 when no flow message arrived; 69 when the socket
/// cannot be bound (port in use, permission).
struct FlowsCollect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Collect IPFIX / NetFlow v9 export over UDP and summarize it.",
        discussion: "Stop with Ctrl-C (SIGINT) or SIGTERM: the summary is printed and the exit status is 0. Definitions: docs/flows.md.")

    @Option(name: .long, help: ArgumentHelp("Address to listen on: HOST:PORT or [IPv6]:PORT (IPFIX's port is 4739).", valueName: "HOST:PORT"))
    var listen: String = "127.0.0.1:4739"

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds (default: until SIGINT/SIGTERM).", valueName: "S"))
    var duration: Double?

    @Option(name: .long, help: ArgumentHelp("Stop after this many datagrams.", valueName: "N"))
    var count: Int?

    @Flag(name: .long, help: "Write JSON (schema: docs/flows.md).") var json = false
    @Flag(name: .long, help: "Write CSV.") var csv = false
    @Flag(name: .shortAndLong, help: "No warnings on stderr.") var quiet = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be used together.") }
        if let d = duration, !(d.isFinite && d > 0 && d <= 31_536_000) { throw ValidationError("--duration must be in (0, 31536000] seconds.") }
        if let c = count, c <= 0 { throw ValidationError("--count must be positive.") }
    }

    func run() throws {
        let collector: FlowCollector
        do { collector = try FlowCollector(listen: listen) } catch let e as FlowCollector.CollectorError {
            StandardError.line("netcensus: error: \(Escaping.terminal(e.description))")
            if case .badAddress = e { throw NetCensusExit.usage }
            throw NetCensusExit.unavailable
        }
        defer { collector.close() }
        signal(SIGINT) { _ in stopRequested = 1 }
        signal(SIGTERM) { _ in stopRequested = 1 }
        let result = collector.run(seconds: duration, maxMessages: count) { stopRequested != 0 }
        if !quiet { for w in result.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) } }
        guard result.counters.ipfixMessages + result.counters.netflowV9Messages > 0 else {
            StandardError.line("netcensus: error: no IPFIX or NetFlow v9 message arrived on \(Escaping.terminal(listen))")
            throw NetCensusExit.noData
        }
        let doc = FlowsDocument(results: [result], total: result.summary, counters: result.counters,
                                tool: "netcensus \(NetCensusCommand.configuration.version)")
        if json { try StandardOutput.line(doc.json()) }
        else if csv { try StandardOutput.write(CSVRenderer.render(rows: doc.csvRows())) }
        else { try StandardOutput.write(doc.table()) }
    }
}
