import ArgumentParser
import CaptureCore
import CaptureFiles
import LiveCapture
import Reporting
import TrafficAnalysis
import CaptureJobs

/// `netcensus capture dns PATH... [--filter EXPR] [--json | --csv]`
///
/// One record per DNS transaction (query paired with its response), written as transactions
/// finish. Schema: docs/dns-log.md.
struct CaptureDNS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns",
        abstract: "DNS transaction log of capture files (Zeek dns.log semantics).",
        discussion: """
        Queries and responses over UDP and TCP (length-prefixed messages reassembled across \
        segments, several per segment), fragmented datagrams reassembled, paired by client, \
        server, ports, transport, transaction ID and question. Per transaction: name, type, \
        rcode, flags (AA, TC, RD, RA, AD), answers with TTLs (A, AAAA, CNAME chain, PTR, \
        HTTPS/SVCB hints), response time in ms (as tshark's dns.time), and the status: answered, \
        unanswered (no response within 10 s), response_without_query, evicted. mDNS (5353) and \
        LLMNR (5355) are other protocols and are left out. TSV by default, --json for NDJSON, \
        --csv for CSV. Schema: docs/dns-log.md.
        """)

    @Argument(help: "Capture files or directories (searched recursively).")
    var paths: [String] = []

    @Option(name: .long, help: "BPF filter (tcpdump syntax), compiled by libpcap per link type and applied to every packet.")
    var filter: String?

    @OptionGroup var output: RecordLogOutputOptions
    @OptionGroup var decoding: CaptureDecodingOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one capture file or directory.") }
    }

    func run() throws {
        let inputs = try CaptureInputList.resolve(paths, quiet: output.quiet)
        let bpf = try BPFFilter.forCommand(filter)
        let log = DNSLog.log(output.format)
        var options = AnalysisOptions()
        options.emitDNSRecords = true
        let pipeline = CapturePipeline(filter: bpf, progress: ProgressLine.make(quiet: output.quiet, files: inputs.count),
                                       decoderOptions: decoding.decoderOptions, analysisOptions: options)
        var out = BufferedOutput()
        try out.write(log.header)
        var recordsRead = 0, opened = 0
        var writeError: Error? = nil
        for input in inputs {
            let r = input.openError.map { CapturePipeline.unopened(path: input.path, reason: $0) }
                ?? pipeline.summarize(path: input.path, dns: { records in
                    guard writeError == nil else { return }
                    do { for rec in records { try out.write(log.line(DNSLog.values(rec, source: input.path))) } }
                    catch { writeError = error }
                })
            if let e = writeError { throw e }
            if !output.quiet { for w in r.summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) } }
            recordsRead += r.recordsRead
            if r.opened { opened += 1 }
        }
        try out.flush()
        if recordsRead == 0 {
            StandardError.line("netcensus: error: no packets could be read from \(inputs.count == 1 ? Escaping.terminal(inputs[0].path) : "any of the \(inputs.count) inputs")")
            throw opened == 0 ? NetCensusExit.cannotOpen : NetCensusExit.noData
        }
    }
}
