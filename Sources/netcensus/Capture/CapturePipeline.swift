import CaptureCore
import CaptureFiles
import LiveCapture
import PacketDecoding
import Reporting
import TrafficAnalysis
#if canImport(Glibc)
import Glibc
#endif

/// Reads one capture file through the pipeline: records -> optional BPF filter -> decoder ->
/// analyzer (`CapturePass`), so the loop allocates nothing per packet.
struct CapturePipeline {
    /// A file's outcome: its summary (empty when it could not be read), format, records read
    /// before filtering, and why it yielded nothing at all.
    struct FileResult {
        var path: String
        var format: CaptureFileFormat?
        var recordsRead: Int
        var summary: AdoptionSummary
        /// Set when the input could not be opened (missing, permission denied, not a regular
        /// file): it counts toward exit 66 only.
        var openError: String?
        /// Set when the file was opened but is not a pcap/pcapng capture (wrong magic, fewer
        /// than 4 bytes): it was opened, so it counts toward exit 65.
        var formatError: String?

        /// The file was opened (whether or not it held packets).
        var opened: Bool { openError == nil }
    }

    var filter: BPFFilter?
    var progress: ProgressLine?
    var decoderOptions: DecoderOptions

    init(filter: BPFFilter?, progress: ProgressLine?, decoderOptions: DecoderOptions = DecoderOptions()) {
        self.filter = filter
        self.progress = progress
        self.decoderOptions = decoderOptions
    }

    /// The result for an input that could not be opened at all (e.g. a missing path): no
    /// figures, one `cannot_open` warning at offset 0 whose reason does not repeat the path.
    static func unopened(path: String, reason: String) -> FileResult {
        var a = AdoptionAnalyzer(source: path, expectedFlows: 16)
        a.add(warning: CaptureWarning(file: path, byteOffset: 0, code: "cannot_open", reason: reason))
        return FileResult(path: path, format: nil, recordsRead: 0, summary: a.summary(), openError: reason, formatError: nil)
    }

    func summarize(path: String) -> FileResult {
        let reader: CaptureFileReader
        do { reader = try CaptureFileReader(path: path) } catch let e as CaptureFileError {
            if case .cannotOpen = e { return Self.unopened(path: path, reason: e.reason) }
            var a = AdoptionAnalyzer(source: path, expectedFlows: 16)
            a.add(warning: CaptureWarning(file: path, byteOffset: 0, code: "not_a_capture", reason: e.reason))
            return FileResult(path: path, format: nil, recordsRead: 0, summary: a.summary(), openError: nil, formatError: e.reason)
        } catch {
            return Self.unopened(path: path, reason: "\(error)")
        }
        // The flow table starts small and doubles as flows appear: heap follows the number of
        // flows and addresses, never the file size.
        var pass = CapturePass(source: path, options: decoderOptions)
        let filter = self.filter
        let progress = self.progress
        progress?.start(file: path)
        let report = reader.forEachPacket { record in
            if let f = filter, !f.matches(record) { return }
            pass.process(record)
            if let p = progress, pass.packetCount & 0xffff == 0 { p.update(packets: pass.packetCount) }
        }
        progress?.finish()
        for w in report.warnings { pass.add(warning: w) }
        if let f = filter {
            for lt in report.linkTypes {
                if case .invalidFilter(_, _, let message)? = f.error(for: lt) {
                    pass.add(warning: CaptureWarning(file: path, byteOffset: 0, code: "filter_not_applicable",
                                                         reason: "filter '\(f.expression)' cannot apply to \(lt) (\(message)); its packets were skipped"))
                }
            }
        }
        var summary = pass.summary()
        if reader.file.wasCompressed {
            // Reader and decoder offsets in a .gz are positions in the inflated stream, while the
            // gzip warnings' own offsets are in the file on disk (their reasons say so): name the
            // kind on every other warning so a user can tell them apart.
            for i in summary.warnings.indices where !summary.warnings[i].code.hasPrefix("gzip_") {
                summary.warnings[i].reason += " (decompressed offset)"
            }
        }
        return FileResult(path: path, format: reader.format, recordsRead: report.packetsRead, summary: summary,
                          openError: nil, formatError: nil)
    }
}

/// A one-line progress display on stderr, used only when stderr is a terminal.
final class ProgressLine {
    private var file = ""
    private var lastDraw: Int64 = 0
    private let total: Int
    private var index = 0

    /// nil unless stderr is a TTY and the user did not ask for quiet.
    static func make(quiet: Bool, files: Int) -> ProgressLine? {
        (quiet || isatty(2) == 0) ? nil : ProgressLine(files: files)
    }

    private init(files: Int) { total = files }

    func start(file: String) { self.file = file; index += 1 }

    func update(packets: UInt64) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let now = Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
        guard now - lastDraw >= 250 else { return }
        lastDraw = now
        StandardError.write("\r\u{1b}[K[\(index)/\(total)] \(Escaping.terminalName(file)): \(packets) packets")
    }

    func finish() { if lastDraw != 0 { StandardError.write("\r\u{1b}[K") }; lastDraw = 0 }
}

extension Escaping {
    /// The last path component, escaped for the terminal (progress line).
    static func terminalName(_ path: String) -> String {
        terminal(path.split(separator: "/").last.map(String.init) ?? path)
    }
}

/// Unbuffered writes to stderr (warnings, progress, the one-line error).
enum StandardError {
    static func write(_ s: String) {
        // Best effort: there is nowhere left to report a failing stderr.
        var s = s
        _ = s.withUTF8 { writeFully(UnsafeRawBufferPointer($0), to: 2) }
    }
    static func line(_ s: String) { write(s + "\n") }
}
