import ArgumentParser
import CaptureCore
import CaptureFiles
import LiveCapture
import Reporting
import TrafficAnalysis

/// `netcensus capture summarize PATH... [--filter EXPR] [--json|--csv] [--per-file] [--quiet]`
///
/// Reads every capture (files, or directories searched recursively for .pcap/.pcapng/.cap and
/// their .gz forms) and prints the IPv6 adoption summary, per file and in total.
/// Exit status: 0 when packets were read (warnings go to stderr); 65 when no packet could be
/// read from any input; 66 when no input could be opened; 64 for usage errors.
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

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one capture file or directory.") }
    }

    func run() throws {
        let files: [String]
        do { files = try CaptureInputs.expand(paths) } catch {
            StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
            throw NetCensusExit.cannotOpen
        }
        if files.isEmpty {
            StandardError.line("netcensus: error: no capture files (.pcap, .pcapng, .cap, .gz) under \(Escaping.terminal(paths.joined(separator: " ")))")
            throw NetCensusExit.cannotOpen
        }
        var bpf: BPFFilter? = nil
        if let f = filter {
            do { bpf = try BPFFilter(f) } catch {
                StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
                throw NetCensusExit.usage
            }
        }

        let pipeline = CapturePipeline(filter: bpf, progress: ProgressLine.make(quiet: output.quiet, files: files.count),
                                       decoderOptions: decoding.decoderOptions)
        var results: [CapturePipeline.FileResult] = []
        var total = AdoptionSummary()
        for path in files {
            let r = pipeline.summarize(path: path)
            if !output.quiet {
                for w in r.summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) }
            }
            total.merge(r.summary)
            results.append(r)
        }

        let recordsRead = results.reduce(0) { $0 + $1.recordsRead }
        if recordsRead == 0 {
            let opened = results.filter { $0.openError == nil }.count
            if opened == 0 {
                let first = results.first?.openError ?? "cannot read"
                StandardError.line("netcensus: error: \(Escaping.terminal(first))\(files.count > 1 ? " (and \(files.count - 1) more unreadable)" : "")")
                throw NetCensusExit.cannotOpen
            }
            StandardError.line("netcensus: error: no packets could be read from \(files.count == 1 ? Escaping.terminal(files[0]) : "\(files.count) capture files")")
            throw NetCensusExit.noData
        }

        let document = CaptureSummaryReport.document(
            files: results.map { (CaptureSummaryReport.FileFacts(path: $0.path, format: $0.format?.rawValue, recordsRead: $0.recordsRead), $0.summary) },
            total: total, filter: filter, tool: "netcensus \(NetCensusCommand.configuration.version)")
        if output.json { try StandardOutput.line(JSONRenderer.render(document)) }
        else if output.csv { try StandardOutput.write(CSVRenderer.render(rows: CaptureSummaryReport.csvRows(document))) }
        else { try StandardOutput.write(CaptureTableRenderer.render(document, perFile: output.perFile)) }
    }
}
