import ArgumentParser
import CaptureCore
import CaptureFiles
import CaptureJobs
import Foundation
import LiveCapture
import PacketDecoding
import Reporting
import TrafficAnalysis
import TransitionAnalysis

/// `netcensus capture analyze PATH... [--by device|mechanism|name|race] [--local-prefix P,...]
/// [--nat64-prefix P,...] [--6rd-prefix P] [--clat-prefix P,...] [--show-addresses]
/// [--anonymize-key FILE] [--json|--csv] [--state-out FILE]`
///
/// IPv4-to-IPv6 transition behaviour of capture files (docs/transition.md): the mechanism
/// census with NAT64 apart, Happy Eyeballs races, the IPv6-preferred share of dual-stack-
/// eligible connections, devices. Each input is analysed on its own and the analyses are merged
/// (`TransitionState.merged`: devices joined through their bindings, names united; docs/
/// transition.md "Several inputs"), so `--state-out` states of single inputs merge, with
/// `capture merge`, into exactly this document. Exit status as `capture summarize`.
struct CaptureAnalyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "IPv4-to-IPv6 transition: mechanisms, NAT64/DNS64, Happy Eyeballs races, devices.",
        discussion: """
        Without --by: the aggregate figures (mechanism census, IPv6 shares with NAT64 and \
        464XLAT apart, DNS64, destinations, the IPv6-preferred share of dual-stack-eligible \
        connections, Happy Eyeballs aggregates, devices). --by prints one row per device, \
        mechanism, looked-up name or race. Device addresses are anonymized with prefix-preserving \
        Crypto-PAn (a random key per run unless --anonymize-key) unless --show-addresses; MACs are \
        shown only with --show-addresses. Definitions: docs/transition.md.
        """)

    @Argument(help: "Capture files or directories (searched recursively).")
    var paths: [String] = []

    @Option(name: .long, help: "Rows to print: device, mechanism, name or race.")
    var by: String?

    @Option(name: .long, parsing: .singleValue, help: "Local (operator) prefixes, comma-separated or repeated, e.g. 192.168.0.0/16,2001:db8:1::/48.")
    var localPrefix: [String] = []

    @Option(name: .long, parsing: .singleValue, help: "Network-specific NAT64 prefixes (RFC 6052 lengths 32/40/48/56/64/96), comma-separated or repeated.")
    var nat64Prefix: [String] = []

    @Option(name: .customLong("6rd-prefix"), help: "The 6rd prefix (RFC 5969): protocol-41 traffic inside it counts as 6rd.")
    var sixRDPrefix: String?

    @Option(name: .long, parsing: .singleValue, help: "CLAT prefixes (RFC 6877) besides the 192.0.0.0/29 rule, comma-separated or repeated.")
    var clatPrefix: [String] = []

    @Flag(name: .long, help: "Show device addresses and MACs as they are (default: addresses anonymized, MACs hidden).")
    var showAddresses = false

    @Option(name: .long, help: "Crypto-PAn key file: 32 raw bytes or 64 hex digits (default: a random key per run).")
    var anonymizeKey: String?

    @Option(name: .long, help: "BPF filter (tcpdump syntax), compiled by libpcap per link type and applied to every packet.")
    var filter: String?

    @Flag(name: .long, help: "Write JSON (docs/transition.md) instead of the table.")
    var json = false

    @Flag(name: .long, help: "Write CSV (RFC 4180): the rows of --by (mechanism rows without --by).")
    var csv = false

    @Flag(name: .shortAndLong, help: "No progress and no warnings on stderr (errors still print).")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp(
        "Also write the mergeable state of this run to FILE (docs/state-format.md); `capture merge` of such states prints this command's document over all their inputs.",
        valueName: "FILE"))
    var stateOut: String?

    @Option(name: .long, help: ArgumentHelp(
        "Threads (default: the machine's cores). With 2 or more, each file is read by two threads at once, one for connections and DNS transactions and one for the family figures and the transition analysis (docs/state-format.md, \"--jobs N\"); inputs are analysed one after another. Output is identical for every N.",
        valueName: "N"))
    var jobs: Int?

    @OptionGroup var decoding: CaptureDecodingOptions
    @OptionGroup(title: "Connection state") var state: AnalysisStateOptions

    static func prefixes(_ values: [String], option: String, allowed: Set<Int>? = nil) throws -> [IPPrefix] {
        try values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { text in
            let t = String(text).trimmingCharacters(in: .whitespaces)
            guard let p = IPPrefix(t) else {
                throw ValidationError("\(option): '\(Escaping.terminal(t))' is not a prefix (address/length with host bits zero).")
            }
            if let allowed, !(p.address.family == .v6 && allowed.contains(p.length)) {
                throw ValidationError("\(option): \(p) must be an IPv6 prefix of length 32, 40, 48, 56, 64 or 96 (RFC 6052 section 2.2).")
            }
            return p
        }
    }

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one capture file or directory.") }
        try ParallelFiles.validate(jobs: jobs)
        if json && csv { throw ValidationError("--json and --csv cannot be used together.") }
        if let b = by, TransitionReport.View(rawValue: b) == nil {
            throw ValidationError("--by must be one of device, mechanism, name, race.")
        }
        if showAddresses && anonymizeKey != nil { throw ValidationError("--show-addresses and --anonymize-key cannot be used together.") }
        _ = try transitionOptions()
    }

    func transitionOptions() throws -> TransitionOptions {
        var o = TransitionOptions()
        o.localPrefixes = try Self.prefixes(localPrefix, option: "--local-prefix")
        o.nat64Prefixes = try Self.prefixes(nat64Prefix, option: "--nat64-prefix", allowed: Set(NAT64Embedding.prefixLengths))
        o.clatPrefixes = try Self.prefixes(clatPrefix, option: "--clat-prefix")
        if let p = sixRDPrefix {
            let list = try Self.prefixes([p], option: "--6rd-prefix")
            guard list.count == 1, list[0].address.family == .v6 else { throw ValidationError("--6rd-prefix takes one IPv6 prefix.") }
            o.sixRDPrefix = list[0]
        }
        return o
    }

    func addressPolicy() throws -> TransitionReport.AddressPolicy {
        try Self.addressPolicy(showAddresses: showAddresses, anonymizeKey: anonymizeKey)
    }

    /// Plain addresses (`--show-addresses`), or Crypto-PAn with the key of `--anonymize-key`
    /// (a random key without it). An unreadable key file exits 66, a malformed one 64.
    static func addressPolicy(showAddresses: Bool, anonymizeKey: String?) throws -> TransitionReport.AddressPolicy {
        if showAddresses { return .plain }
        var key = CryptoPAn.randomKey()
        if let path = anonymizeKey {
            guard let data = FileManager.default.contents(atPath: path) else {
                StandardError.line("netcensus: error: \(Escaping.terminal(path)): cannot read the key file")
                throw NetCensusExit.cannotOpen
            }
            guard let k = CryptoPAn.key(fromFile: Array(data)) else {
                StandardError.line("netcensus: error: \(Escaping.terminal(path)): a key is 32 raw bytes or 64 hexadecimal digits")
                throw NetCensusExit.usage
            }
            key = k
        }
        return TransitionReport.AddressPolicy(anonymizer: CryptoPAn(key: key), showMACs: false)
    }

    func run() throws {
        let inputs = try CaptureInputList.resolve(paths, quiet: quiet)
        var bpf: BPFFilter? = nil
        if let f = filter {
            do { bpf = try BPFFilter(f) } catch {
                StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
                throw NetCensusExit.usage
            }
        }
        let policy = try addressPolicy()
        var pipeline = CapturePipeline(filter: bpf, progress: ProgressLine.make(quiet: quiet, files: inputs.count),
                                       decoderOptions: decoding.decoderOptions, analysisOptions: state.analysisOptions,
                                       threadsPerFile: CapturePipeline.threadsPerFile(jobs: jobs ?? ParallelFiles.defaultJobs, files: 1))
        // The document shows only transition figures, warnings and inputs: without a state to
        // write, neither hosts and packet counts nor the summary's connection and DNS figures are
        // computed (the records still feed the analysis).
        if stateOut == nil {
            pipeline.transitionRoles = [.families, .flows]
            pipeline.analysisOptions.countFlowFigures = false
        }
        let options = try transitionOptions()
        var results: [CapturePipeline.FileResult] = []
        // One analysis per input, merged (docs/transition.md "Several inputs"): the same rule a
        // `capture merge` of per-input states follows, so the two give the same document.
        var states: [TransitionState] = []
        for input in inputs {
            var transition = TransitionAnalyzer(options: options)
            let r = input.openError.map { CapturePipeline.unopened(path: input.path, reason: $0) }
                ?? pipeline.summarize(path: input.path, transition: &transition)
            if input.openError == nil { states.append(transition.state()) }
            let lonelyFailure = inputs.count == 1 && (r.openError ?? r.formatError) != nil
            if !quiet && !lonelyFailure {
                for w in r.summary.warnings { StandardError.line("netcensus: warning: " + Escaping.terminal(w.description)) }
            }
            results.append(r)
        }
        var merged = TransitionState.merged(states)
        if states.isEmpty { merged = TransitionState(options: options) }
        if let out = stateOut {
            // Written even when no input yielded a packet, as `capture summarize --state-out`.
            let settings = CaptureState.settings(filter: filter, decoder: decoding.decoderOptions, analysis: state.analysisOptions)
                .merging(CaptureState.transitionSettings(options)) { a, _ in a }
            try StateFile.write(CaptureState(tool: "netcensus \(NetCensusCommand.configuration.version)", settings: settings,
                                             results: results, transition: merged), to: out)
        }
        try CaptureSummarize.checkRecordsRead(results)

        let s = merged.finish()
        try Self.print(s, view: by.flatMap(TransitionReport.View.init(rawValue:)), policy: policy, inputs: results.map(\.path),
                       json: json, csv: csv)
    }

    /// The document of `capture analyze` (and of `capture merge` of its states): JSON, CSV rows,
    /// the `--by` table or the overview.
    static func print(_ s: TransitionSummary, view: TransitionReport.View?, policy: TransitionReport.AddressPolicy,
                      inputs: [String], json: Bool, csv: Bool) throws {
        if json {
            let doc = TransitionReport.document(s, view: view, addresses: policy, inputs: inputs,
                                                tool: "netcensus \(NetCensusCommand.configuration.version)")
            try StandardOutput.line(JSONRenderer.render(doc))
        } else if csv {
            try StandardOutput.write(CSVRenderer.render(rows: TransitionReport.rows(s, view: view ?? .mechanism, addresses: policy)))
        } else if let v = view {
            try StandardOutput.write(TransitionReport.table(TransitionReport.rows(s, view: v, addresses: policy)))
        } else {
            try StandardOutput.write(TransitionReport.overview(s))
        }
    }
}
