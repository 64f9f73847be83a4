import CaptureCore
import CaptureFiles
import PacketDecoding
import TrafficAnalysis
import TransitionAnalysis

/// What analysing one capture file gave: its summary (empty when it could not be read), its
/// format, the records read before any filter, and why it yielded nothing at all.
public struct CaptureFileResult: Sendable {
    public var path: String
    /// pcap or pcapng; nil when the file could not be opened or is not a capture.
    public var format: CaptureFileFormat?
    /// Packet records the reader delivered, before filtering.
    public var recordsRead: Int
    public var summary: AdoptionSummary
    /// Set when the input could not be opened (missing, permission denied, not a regular file).
    public var openError: String?
    /// Set when the file was opened but is not a pcap/pcapng capture (wrong magic, < 4 bytes).
    public var formatError: String?

    @inlinable
    public init(path: String, format: CaptureFileFormat?, recordsRead: Int, summary: AdoptionSummary, openError: String?,
                formatError: String?) {
        self.path = path; self.format = format; self.recordsRead = recordsRead; self.summary = summary
        self.openError = openError; self.formatError = formatError
    }

    /// The file was opened (whether or not it held packets).
    public var opened: Bool { openError == nil }

    /// The same result under another name: path, warnings and summary sources (a copy analysed
    /// in place of the original, named by the original's URI).
    public func renamed(_ name: String) -> CaptureFileResult {
        var r = self
        let old = path
        r.path = name
        r.summary.sources = r.summary.sources.map { $0 == old ? name : $0 }
        for i in r.summary.warnings.indices where r.summary.warnings[i].file == old { r.summary.warnings[i].file = name }
        return r
    }
}

/// The per-file step of the `capture` commands, as a library call so tools and tests run
/// exactly what the command runs: open the file -> `AnalysisPipeline` (optional record filter,
/// decoder, analyzers) -> summary, with records streamed to a consumer when asked.
public enum CaptureFileJob {
    /// The result for an input that could not be opened at all: no figures, one `cannot_open`
    /// warning at offset 0 whose reason does not repeat the path.
    public static func unopened(path: String, reason: String) -> CaptureFileResult {
        var p = AnalysisPipeline(source: path)
        p.add(warning: CaptureWarning(file: path, byteOffset: 0, code: "cannot_open", reason: reason))
        return CaptureFileResult(path: path, format: nil, recordsRead: 0, summary: p.finish(), openError: reason, formatError: nil)
    }

    /// The job's result when a file cannot be read at all, as an error value.
    public struct Unreadable: Error { public var value: CaptureFileResult }

    /// Opens a capture; a file that cannot be opened or is not a capture gives its finished
    /// result (`cannot_open` / `not_a_capture` warning at offset 0) instead of a reader.
    @usableFromInline static func open(_ path: String) -> Result<CaptureFileReader, Unreadable> {
        do { return .success(try CaptureFileReader(path: path)) } catch let e as CaptureFileError {
            if case .cannotOpen = e { return .failure(Unreadable(value: unopened(path: path, reason: e.reason))) }
            var p = AnalysisPipeline(source: path)
            p.add(warning: CaptureWarning(file: path, byteOffset: 0, code: "not_a_capture", reason: e.reason))
            return .failure(Unreadable(value: CaptureFileResult(path: path, format: nil, recordsRead: 0, summary: p.finish(),
                                                                openError: nil, formatError: e.reason)))
        } catch {
            return .failure(Unreadable(value: unopened(path: path, reason: "\(error)")))
        }
    }

    /// In a `.gz` input, reader and decoder offsets are positions in the inflated stream: every
    /// warning but the gzip layer's own says so.
    @usableFromInline static func markDecompressedOffsets(_ summary: inout AdoptionSummary) {
        for i in summary.warnings.indices where !summary.warnings[i].code.hasPrefix("gzip_") {
            summary.warnings[i].reason += " (decompressed offset)"
        }
    }

    /// Reads and analyses one capture file. Never throws: faults become warnings.
    ///
    /// - Parameters:
    ///   - path: the capture file (pcap, pcapng, or their gzip forms).
    ///   - options: analyzer bounds and timeouts.
    ///   - decoderOptions: decoder ports and limits.
    ///   - filter: keeps a record when it returns true (e.g. a libpcap BPF program); nil keeps all.
    ///   - progress: called with the packets processed so far, every 65,536 packets.
    ///   - connections: receives connection records as they finish (set
    ///     `options.emitConnectionRecords`).
    ///   - roles: the analyzers to run (`.all`; the record logs need only `.families`, for the
    ///     warnings, and `.flows`): figures of the groups left out stay empty in the summary.
    ///   - extraWarnings: warnings to add once the file has been read, given its link types
    ///     (the command uses it to say a BPF filter could not apply to a link type).
    /// - Returns: the summary; in a `.gz` input every warning except the gzip layer's own says
    ///   "(decompressed offset)", because reader and decoder offsets are positions in the
    ///   inflated stream while gzip warnings give positions in the file on disk.
    public static func run(path: String, options: AnalysisOptions = AnalysisOptions(),
                           decoderOptions: DecoderOptions = DecoderOptions(),
                           filter: ((PacketRecord) -> Bool)? = nil,
                           progress: ((UInt64) -> Void)? = nil,
                           connections: (([ConnectionRecord]) -> Void)? = nil,
                           dns: (([DNSTransaction]) -> Void)? = nil,
                           roles: AnalyzerRoles = .all,
                           extraWarnings: ([LinkType]) -> [CaptureWarning] = { _ in [] }) -> CaptureFileResult {
        var none = NoPipelineExtension()
        return run(path: path, extension: &none, options: options, decoderOptions: decoderOptions, filter: filter,
                   progress: progress, connections: connections, dns: dns, roles: roles, extraWarnings: extraWarnings)
    }

    /// `run` with an analysis from another module in the same pass (the CDN analysis): see
    /// `PipelineExtension`. When `ext.wantsRecords`, the options' record switches are turned on
    /// here (records the caller did not ask for go to `ext` only).
    @inlinable  // specialised for the caller's extension (see AnalysisPipeline.run(_:extension:...))
    public static func run<Ext: PipelineExtension>(path: String, extension ext: inout Ext,
                                                   options: AnalysisOptions = AnalysisOptions(),
                                                   decoderOptions: DecoderOptions = DecoderOptions(),
                                                   filter: ((PacketRecord) -> Bool)? = nil,
                                                   progress: ((UInt64) -> Void)? = nil,
                                                   connections: (([ConnectionRecord]) -> Void)? = nil,
                                                   dns: (([DNSTransaction]) -> Void)? = nil,
                                                   roles: AnalyzerRoles = .all,
                                                   extraWarnings: ([LinkType]) -> [CaptureWarning] = { _ in [] }) -> CaptureFileResult {
        var options = options
        if ext.wantsRecords { options.emitConnectionRecords = true; options.emitDNSRecords = true }
        var reader: CaptureFileReader
        switch open(path) {
        case .success(let r): reader = r
        case .failure(let result): return result.value
        }
        // Tables start small and double as flows appear: heap follows live state, never file size.
        var pipeline = AnalysisPipeline(source: path, options: options, decoderOptions: decoderOptions, roles: roles)
        let report = pipeline.run(&reader, extension: &ext, filter: filter, progress: progress, connections: connections, dns: dns)
        for w in extraWarnings(report.linkTypes) { pipeline.add(warning: w) }
        var summary = pipeline.finish(extension: &ext, connections: connections, dns: dns)
        if reader.file.wasCompressed { markDecompressedOffsets(&summary) }
        return CaptureFileResult(path: path, format: reader.format, recordsRead: report.recordsDelivered, summary: summary,
                                 openError: nil, formatError: nil)
    }

    /// `run`, with the transition analysis beside the core analyzers: each packet goes to
    /// `transition` after the pipeline decoded it, and every DNS transaction and connection
    /// record goes to it as it finishes (DNS first, so a lookup is known before the connections
    /// finishing on the same packet), then on to `connections` / `dns` when given. The summary
    /// is the same `run` gives (the core analyzers do not change); several files can share one
    /// `transition`, read one after another. `roles`: the core analyzers to run (the flows always
    /// run, the transition analysis needs their records); a caller that prints only the
    /// transition figures can leave out hosts and packet counts.
    public static func run(path: String, options: AnalysisOptions = AnalysisOptions(),
                           decoderOptions: DecoderOptions = DecoderOptions(),
                           filter: ((PacketRecord) -> Bool)? = nil,
                           progress: ((UInt64) -> Void)? = nil,
                           transition: inout TransitionAnalyzer,
                           roles: AnalyzerRoles = .all,
                           connections: (([ConnectionRecord]) -> Void)? = nil,
                           dns: (([DNSTransaction]) -> Void)? = nil,
                           extraWarnings: ([LinkType]) -> [CaptureWarning] = { _ in [] }) -> CaptureFileResult {
        var reader: CaptureFileReader
        switch open(path) {
        case .success(let r): reader = r
        case .failure(let result): return result.value
        }
        var o = options
        o.emitConnectionRecords = true
        o.emitDNSRecords = true
        var pipeline = AnalysisPipeline(source: path, options: o, decoderOptions: decoderOptions, roles: roles.union(.flows))
        // The loop of AnalysisPipeline.run plus the transition hook (that method's closures are
        // escaping, so they cannot update an inout analyzer).
        let report = reader.deliver { record in
            if let f = filter, !f(record) { return true }
            pipeline.process(record)
            transition.add(record, &pipeline.packet)
            if !pipeline.analyzers.dnsTransactions.finished.isEmpty {
                for t in pipeline.analyzers.dnsTransactions.finished { transition.add(dns: t) }
                dns?(pipeline.analyzers.dnsTransactions.finished)
                pipeline.analyzers.dnsTransactions.finished.removeAll(keepingCapacity: true)
            }
            if !pipeline.analyzers.connections.finished.isEmpty {
                for c in pipeline.analyzers.connections.finished { transition.add(connection: c) }
                connections?(pipeline.analyzers.connections.finished)
                pipeline.analyzers.connections.finished.removeAll(keepingCapacity: true)
            }
            if pipeline.packetCount & 0xffff == 0 { progress?(pipeline.packetCount) }
            return true
        }
        for w in report.warnings { pipeline.add(warning: w) }
        for w in extraWarnings(report.linkTypes) { pipeline.add(warning: w) }
        // Records still open at the end: DNS first (pending queries), then connections.
        var t = transition
        pipeline.analyzers.dnsTransactions.flush()
        for d in pipeline.analyzers.dnsTransactions.finished { t.add(dns: d) }
        if !pipeline.analyzers.dnsTransactions.finished.isEmpty { dns?(pipeline.analyzers.dnsTransactions.finished) }
        pipeline.analyzers.dnsTransactions.finished.removeAll()
        var summary = pipeline.finish(connections: { batch in
            for c in batch { t.add(connection: c) }
            connections?(batch)
        }, dns: { batch in dns?(batch) })
        transition = t
        if reader.file.wasCompressed { markDecompressedOffsets(&summary) }
        return CaptureFileResult(path: path, format: reader.format, recordsRead: report.recordsDelivered, summary: summary,
                                 openError: nil, formatError: nil)
    }
}
