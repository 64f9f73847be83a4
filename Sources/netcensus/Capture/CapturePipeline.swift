import CaptureCore
import CaptureFiles
import LiveCapture
import PacketDecoding
import TrafficAnalysis
#if canImport(Glibc)
import Glibc
#endif

/// Reads one capture file through the pipeline: records -> optional BPF filter -> decoder ->
/// analyzer. One reusable decoder and one `DecodedPacket` per run, so the loop allocates nothing
/// per packet.
struct CapturePipeline {
    /// A file's outcome: its summary (empty when it could not be opened), format, records read
    /// before filtering, and the error that stopped it from being opened at all.
    struct FileResult {
        var path: String
        var format: CaptureFileFormat?
        var recordsRead: Int
        var summary: AdoptionSummary
        var openError: String?
    }

    var filter: BPFFilter?
    var progress: ProgressLine?
    private var decoder = PacketDecoder()
    private var packet = DecodedPacket()

    init(filter: BPFFilter?, progress: ProgressLine?) {
        self.filter = filter
        self.progress = progress
    }

    mutating func summarize(path: String) -> FileResult {
        let reader: CaptureFileReader
        do { reader = try CaptureFileReader(path: path) } catch {
            var a = AdoptionAnalyzer(source: path, expectedFlows: 16)
            let reason = "\(error)"
            a.add(warning: CaptureWarning(file: path, byteOffset: 0, code: "cannot_read", reason: reason))
            return FileResult(path: path, format: nil, recordsRead: 0, summary: a.summary(), openError: reason)
        }
        // Size the flow table from the file size (about one flow per 10 kB of capture in typical
        // traffic); it grows if that is too small.
        var analyzer = AdoptionAnalyzer(source: path, expectedFlows: max(1 << 10, min(1 << 20, reader.file.bytes.count / 10_000)))
        let filter = self.filter
        let progress = self.progress
        var decoder = self.decoder, packet = self.packet
        progress?.start(file: path)
        let report = reader.forEachPacket { record in
            if let f = filter, !f.matches(record) { return }
            decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
            analyzer.add(record, packet)
            if let p = progress, analyzer.packetCount & 0xffff == 0 { p.update(packets: analyzer.packetCount) }
        }
        progress?.finish()
        self.decoder = decoder; self.packet = packet
        for w in report.warnings { analyzer.add(warning: w) }
        return FileResult(path: path, format: reader.format, recordsRead: report.packetsRead, summary: analyzer.summary(), openError: nil)
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

import Reporting

extension Escaping {
    /// The last path component, escaped for the terminal (progress line).
    static func terminalName(_ path: String) -> String {
        terminal(path.split(separator: "/").last.map(String.init) ?? path)
    }
}

/// Unbuffered writes to stderr (warnings, progress, the one-line error).
enum StandardError {
    static func write(_ s: String) {
        var s = s
        s.withUTF8 { p in
            var off = 0
            while off < p.count {
                let n = Glibc.write(2, p.baseAddress! + off, p.count - off)
                if n <= 0 { break }
                off += n
            }
        }
    }
    static func line(_ s: String) { write(s + "\n") }
}
