import CaptureCore
import CaptureFiles
import PacketDecoding

/// What summarizing one capture file gave: its summary (empty when it could not be read), its
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

    /// The file was opened (whether or not it held packets).
    public var opened: Bool { openError == nil }
}

/// The per-file step of `netcensus capture summarize`, as a library call so tools and tests run
/// exactly what the command runs: reader -> optional record filter -> `CapturePass` -> summary.
public enum CaptureFileSummarizer {
    /// The result for an input that could not be opened at all: no figures, one `cannot_open`
    /// warning at offset 0 whose reason does not repeat the path.
    public static func unopened(path: String, reason: String) -> CaptureFileResult {
        var a = AdoptionAnalyzer(source: path, expectedFlows: 16)
        a.add(warning: CaptureWarning(file: path, byteOffset: 0, code: "cannot_open", reason: reason))
        return CaptureFileResult(path: path, format: nil, recordsRead: 0, summary: a.summary(), openError: reason, formatError: nil)
    }

    /// Reads and summarizes one capture file. Never throws: faults become warnings.
    ///
    /// - Parameters:
    ///   - path: the capture file (pcap, pcapng, or their gzip forms).
    ///   - options: decoder ports and limits.
    ///   - filter: keeps a record when it returns true (e.g. a libpcap BPF program); nil keeps all.
    ///   - progress: called with the packets processed so far, every 65,536 packets.
    ///   - extraWarnings: warnings to add once the file has been read, given its link types
    ///     (the command uses it to say a BPF filter could not apply to a link type).
    /// - Returns: the summary; in a `.gz` input every warning except the gzip layer's own says
    ///   "(decompressed offset)", because reader and decoder offsets are positions in the
    ///   inflated stream while gzip warnings give positions in the file on disk.
    public static func summarize(path: String, options: DecoderOptions = DecoderOptions(),
                                 filter: ((PacketRecord) -> Bool)? = nil,
                                 progress: ((UInt64) -> Void)? = nil,
                                 extraWarnings: ([LinkType]) -> [CaptureWarning] = { _ in [] }) -> CaptureFileResult {
        let reader: CaptureFileReader
        do { reader = try CaptureFileReader(path: path) } catch let e as CaptureFileError {
            if case .cannotOpen = e { return unopened(path: path, reason: e.reason) }
            var a = AdoptionAnalyzer(source: path, expectedFlows: 16)
            a.add(warning: CaptureWarning(file: path, byteOffset: 0, code: "not_a_capture", reason: e.reason))
            return CaptureFileResult(path: path, format: nil, recordsRead: 0, summary: a.summary(), openError: nil, formatError: e.reason)
        } catch {
            return unopened(path: path, reason: "\(error)")
        }
        // The flow table starts small and doubles as flows appear: heap follows the number of
        // flows and addresses, never the file size.
        var pass = CapturePass(source: path, options: options)
        let report = reader.forEachPacket { record in
            if let f = filter, !f(record) { return }
            pass.process(record)
            if let p = progress, pass.packetCount & 0xffff == 0 { p(pass.packetCount) }
        }
        for w in report.warnings { pass.add(warning: w) }
        for w in extraWarnings(report.linkTypes) { pass.add(warning: w) }
        var summary = pass.summary()
        if reader.file.wasCompressed {
            for i in summary.warnings.indices where !summary.warnings[i].code.hasPrefix("gzip_") {
                summary.warnings[i].reason += " (decompressed offset)"
            }
        }
        return CaptureFileResult(path: path, format: reader.format, recordsRead: report.packetsRead, summary: summary,
                                 openError: nil, formatError: nil)
    }
}
