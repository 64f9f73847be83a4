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
        try RecordLogRun.run(inputs: inputs, log: log, quiet: output.quiet) { path, emit in
            pipeline.records(path: path, dns: { for r in $0 { emit(DNSLog.values(r, source: path)) } })
        }
    }
}
