import CaptureCore
import CaptureFiles
import PacketDecoding
import TrafficAnalysis

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
                           extraWarnings: ([LinkType]) -> [CaptureWarning] = { _ in [] }) -> CaptureFileResult {
        var none = NoPipelineExtension()
        return run(path: path, extension: &none, options: options, decoderOptions: decoderOptions, filter: filter,
                   progress: progress, connections: connections, dns: dns, extraWarnings: extraWarnings)
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
                                                   extraWarnings: ([LinkType]) -> [CaptureWarning] = { _ in [] }) -> CaptureFileResult {
        var options = options
        if ext.wantsRecords { options.emitConnectionRecords = true; options.emitDNSRecords = true }
        var reader: CaptureFileReader
        do { reader = try CaptureFileReader(path: path) } catch let e as CaptureFileError {
            if case .cannotOpen = e { return unopened(path: path, reason: e.reason) }
            var p = AnalysisPipeline(source: path)
            p.add(warning: CaptureWarning(file: path, byteOffset: 0, code: "not_a_capture", reason: e.reason))
            return CaptureFileResult(path: path, format: nil, recordsRead: 0, summary: p.finish(), openError: nil, formatError: e.reason)
        } catch {
            return unopened(path: path, reason: "\(error)")
        }
        // Tables start small and double as flows appear: heap follows live state, never file size.
        var pipeline = AnalysisPipeline(source: path, options: options, decoderOptions: decoderOptions)
        let report = pipeline.run(&reader, extension: &ext, filter: filter, progress: progress, connections: connections, dns: dns)
        for w in extraWarnings(report.linkTypes) { pipeline.add(warning: w) }
        var summary = pipeline.finish(extension: &ext, connections: connections, dns: dns)
        if reader.file.wasCompressed {
            for i in summary.warnings.indices where !summary.warnings[i].code.hasPrefix("gzip_") {
                summary.warnings[i].reason += " (decompressed offset)"
            }
        }
        return CaptureFileResult(path: path, format: reader.format, recordsRead: report.recordsDelivered, summary: summary,
                                 openError: nil, formatError: nil)
    }
}
