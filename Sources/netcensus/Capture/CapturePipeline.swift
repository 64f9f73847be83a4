import Foundation
import CaptureCore
import CaptureFiles
import LiveCapture
import PacketDecoding
import Reporting
import TrafficAnalysis
import TransitionAnalysis
import CaptureJobs
#if canImport(Glibc)
import Glibc
#endif

/// Reads one capture file through the pipeline (`CaptureFileJob`: records -> optional
/// BPF filter -> decoder -> analyzer), with the command's progress line and BPF warnings.
struct CapturePipeline {
    typealias FileResult = CaptureFileResult

    var filter: BPFFilter?
    var progress: ProgressLine?
    var decoderOptions: DecoderOptions
    var analysisOptions: AnalysisOptions
    /// 2: each file is read by two threads, one per analyzer group (`StagedFileJob`); 1: one
    /// pass. The output is the same.
    var threadsPerFile: Int
    /// The core analyzers a transition run needs (`capture analyze` without `--state-out`
    /// prints no host or packet-count figure, so it leaves them out).
    var transitionRoles: AnalyzerRoles = .all

    init(filter: BPFFilter?, progress: ProgressLine?, decoderOptions: DecoderOptions = DecoderOptions(),
         analysisOptions: AnalysisOptions = AnalysisOptions(), threadsPerFile: Int = 1) {
        self.filter = filter
        self.progress = progress
        self.decoderOptions = decoderOptions
        self.analysisOptions = analysisOptions
        self.threadsPerFile = threadsPerFile
    }

    /// Threads per file for `jobs` threads over `files` inputs: two when every file can have two
    /// (the files run in parallel first), else one.
    static func threadsPerFile(jobs: Int, files: Int) -> Int { jobs >= 2 * max(1, files) ? 2 : 1 }

    /// The record filters of a staged run's two threads: this pipeline's BPF program, then a
    /// second one compiled from the same expression (libpcap programs are per-handle state).
    /// nil when the second cannot be compiled (the run then takes one pass).
    func stagedFilters() -> StagedFilters? {
        guard let f = filter else { return StagedFilters() }
        guard let second = try? BPFFilter(f.expression) else { return nil }
        return StagedFilters(first: { f.matches($0) }, second: { second.matches($0) })
    }

    static func unopened(path: String, reason: String) -> FileResult {
        CaptureFileJob.unopened(path: path, reason: reason)
    }

    /// - Parameter connections: receives connection records as they finish (turns on
    ///   `emitConnectionRecords`).
    func summarize(path: String, connections: (([ConnectionRecord]) -> Void)? = nil,
                   dns: (([DNSTransaction]) -> Void)? = nil) -> FileResult {
        var none = NoPipelineExtension()
        return summarize(path: path, extension: &none, connections: connections, dns: dns)
    }

    /// One input of a record log (`capture conns`, `capture dns`): only the connections and DNS
    /// transactions, plus the family analyzer for the warnings the log prints on stderr (hosts
    /// and packet counts, which it never prints, are left out: ~15 % of the run; so are the
    /// summary's connection and DNS figures, `AnalysisOptions.countFlowFigures`).
    func records(path: String, connections: (([ConnectionRecord]) -> Void)? = nil,
                 dns: (([DNSTransaction]) -> Void)? = nil) -> FileResult {
        var logging = self
        logging.analysisOptions.countFlowFigures = false   // the log prints records, not the summary's figures
        var none = NoPipelineExtension()
        return logging.summarize(path: path, extension: &none, connections: connections, dns: dns, roles: [.families, .flows])
    }

    /// `summarize` with an analysis from another module in the same pass (the CDN analysis).
    /// `roles`: the analyzers to run (`.all` but for the record logs, which take one pass).
    func summarize<Ext: PipelineExtension>(path: String, extension ext: inout Ext,
                                           connections: (([ConnectionRecord]) -> Void)? = nil,
                                           dns: (([DNSTransaction]) -> Void)? = nil,
                                           roles: AnalyzerRoles = .all) -> FileResult {
        let filter = self.filter
        let progress = self.progress
        progress?.start(file: path)
        defer { progress?.finish() }
        if threadsPerFile >= 2 && connections == nil && dns == nil && roles == .all, let filters = stagedFilters() {
            return StagedFileJob.run(
                path: path, extension: &ext, options: optionsForRun(records: false), decoderOptions: decoderOptions,
                filters: filters, progress: progress.map { p in { p.update(packets: $0) } },
                extraWarnings: { linkTypes in Self.filterWarnings(filter, path: path, linkTypes) })
        }
        return CaptureFileJob.run(
            path: path, extension: &ext, options: optionsForRun(records: connections != nil), decoderOptions: decoderOptions,
            filter: filter.map { f in { f.matches($0) } },
            progress: progress.map { p in { p.update(packets: $0) } },
            connections: connections, dns: dns, roles: roles,
            // One warning per distinct link type (the source lists one per interface, and a
            // pcapng may have 65,536 of them): a set, not a scan of what was seen.
            extraWarnings: { linkTypes in Self.filterWarnings(filter, path: path, linkTypes) })
    }
}

extension CapturePipeline {
    /// `summarize` with the transition analysis beside the core analyzers (one analyzer shared
    /// by every input of the command).
    func summarize(path: String, transition: inout TransitionAnalyzer) -> FileResult {
        let filter = self.filter
        let progress = self.progress
        progress?.start(file: path)
        defer { progress?.finish() }
        if threadsPerFile >= 2, let filters = stagedFilters() {
            return StagedFileJob.run(
                path: path, options: analysisOptions, decoderOptions: decoderOptions, filters: filters,
                progress: progress.map { p in { p.update(packets: $0) } }, transition: &transition, roles: transitionRoles,
                extraWarnings: { linkTypes in Self.filterWarnings(filter, path: path, linkTypes) })
        }
        return CaptureFileJob.run(
            path: path, options: analysisOptions, decoderOptions: decoderOptions,
            filter: filter.map { f in { f.matches($0) } },
            progress: progress.map { p in { p.update(packets: $0) } },
            transition: &transition, roles: transitionRoles,
            extraWarnings: { linkTypes in Self.filterWarnings(filter, path: path, linkTypes) })
    }

    /// One warning per distinct link type a BPF filter cannot apply to.
    static func filterWarnings(_ filter: BPFFilter?, path: String, _ linkTypes: [LinkType]) -> [CaptureWarning] {
        guard let f = filter else { return [] }
        var seen = Set<LinkType>()
        return linkTypes.compactMap { lt in
            guard seen.insert(lt).inserted else { return nil }
            guard case .invalidFilter(_, _, let message)? = f.error(for: lt) else { return nil }
            return CaptureWarning(file: path, byteOffset: 0, code: "filter_not_applicable",
                                  reason: "filter '\(f.expression)' cannot apply to \(lt) (\(message)); its packets were skipped")
        }
    }

    func optionsForRun(records: Bool) -> AnalysisOptions {
        var o = analysisOptions
        o.emitConnectionRecords = records
        return o
    }
}

/// A one-line progress display on stderr, used only when stderr is a terminal: files done of
/// all, the current file and its size, packets read from it and the rate (packets/s over the
/// file so far). Safe to share between `--jobs` threads: a lock orders the updates, and the
/// line shows the latest file.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var file = ""
    private var fileBytes: Int64 = 0
    private var fileStart: Int64 = 0
    private var lastDraw: Int64 = 0
    private let total: Int
    private var index = 0

    /// nil unless stderr is a TTY and the user did not ask for quiet.
    static func make(quiet: Bool, files: Int) -> ProgressLine? {
        (quiet || isatty(2) == 0) ? nil : ProgressLine(files: files)
    }

    private init(files: Int) { total = files }

    static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    func start(file: String) {
        var st = stat()
        let size = stat(file, &st) == 0 ? Int64(st.st_size) : 0
        lock.lock(); self.file = file; fileBytes = size; fileStart = Self.nowMilliseconds(); index += 1; lock.unlock()
    }

    func update(packets: UInt64) {
        let now = Self.nowMilliseconds()
        lock.lock(); defer { lock.unlock() }
        guard now - lastDraw >= 250 else { return }
        lastDraw = now
        let seconds = Double(max(1, now - fileStart)) / 1000
        let rate = UInt64(Double(packets) / seconds)
        StandardError.write("\r\u{1b}[K[\(index)/\(total)] \(Escaping.terminalName(file)) (\(Self.megabytes(fileBytes))): \(packets) packets, \(rate) packets/s")
    }

    static func megabytes(_ b: Int64) -> String {
        let tenths = (b * 10 + 524_288) / 1_048_576
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if lastDraw != 0 { StandardError.write("\r\u{1b}[K") }
        lastDraw = 0
    }
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
