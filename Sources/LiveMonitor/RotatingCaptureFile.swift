#if canImport(Glibc)
import Glibc
#endif
import CaptureCore
import CaptureFiles
import LiveCapture

/// Where and how `--write` saves a live capture: the path, rotation by size and/or time (as
/// tcpdump's `-C` / `-G`), and the worker's suffix when several workers each write their own file.
///
/// File names (docs/live.md "Rotation naming"): `STEM` is the path without a final `.pcapng`,
/// `EXT` that extension (or nothing). One worker without rotation writes the path as given.
/// With `--workers N` (N > 1) worker K writes `STEM.wK EXT`. With rotation every file is
/// numbered from 1: `STEM-00001 EXT`, `STEM-00002 EXT`, ... (`STEM.wK-00001 EXT` per worker).
/// Every file is a complete pcapng: section header, interface description, packets, and an
/// interface statistics block with the counters of the span that file covers.
public struct CaptureFileOptions: Sendable {
    public var path: String
    /// Start a new file once the current one reaches this many bytes (nil: no size rotation).
    public var rotateBytes: UInt64?
    /// Start a new file every this many nanoseconds (nil: no time rotation).
    public var rotateNanoseconds: Int64?
    public init(path: String, rotateBytes: UInt64? = nil, rotateNanoseconds: Int64? = nil) {
        self.path = path; self.rotateBytes = rotateBytes; self.rotateNanoseconds = rotateNanoseconds
    }

    var rotates: Bool { rotateBytes != nil || rotateNanoseconds != nil }

    /// The name of file number `sequence` (1-based) of worker `worker` of `workers`.
    public func fileName(worker: Int, workers: Int, sequence: Int) -> String {
        var stem = path, ext = ""
        if path.hasSuffix(".pcapng") { stem = String(path.dropLast(7)); ext = ".pcapng" }
        if workers > 1 { stem += ".w\(worker)" }
        if rotates {
            let n = String(sequence)
            stem += "-" + String(repeating: "0", count: max(0, 5 - n.count)) + n
        }
        return stem + ext
    }
}

/// One worker's `--write` output: a `PcapngStreamWriter` that rotates, reopens on SIGHUP, and
/// closes each file with an interface statistics block holding the libpcap counters of the span
/// that file covers (counter deltas since the file was opened).
final class RotatingCaptureFile {
    let options: CaptureFileOptions
    let worker: Int, workers: Int
    let interface: PcapngStreamWriter.Interface
    let application: String
    private var writer: PcapngStreamWriter?
    private var sequence = 1
    private var openedAt: Int64 = 0              // monotonic, for time rotation
    private var openedWall: Int64 = 0            // epoch ns, for isb_starttime
    private var countersAtOpen = PcapCounters()
    private var deliveredAtOpen: UInt64 = 0
    /// Files written so far (closed or current).
    private(set) var paths: [String] = []

    init(options: CaptureFileOptions, worker: Int, workers: Int, interface: PcapngStreamWriter.Interface, application: String) {
        self.options = options; self.worker = worker; self.workers = workers
        self.interface = interface; self.application = application
    }

    /// Opens the first file.
    func open(now: Int64, counters: PcapCounters, delivered: UInt64, append: Bool = false) throws {
        let path = options.fileName(worker: worker, workers: workers, sequence: sequence)
        writer = try PcapngStreamWriter(path: path, interface: interface, application: application, append: append)
        if paths.last != path { paths.append(path) }
        openedAt = now
        openedWall = RotatingCaptureFile.wallClock()
        countersAtOpen = counters
        deliveredAtOpen = delivered
    }

    @inline(__always)
    func append(_ record: PacketRecord) throws {
        guard let w = writer else { return }
        try w.append(record)
    }

    /// Whether the size or time limit of the current file is reached.
    func rotationDue(now: Int64) -> Bool {
        guard let w = writer else { return false }
        if let b = options.rotateBytes, w.bytesWritten >= b { return true }
        if let t = options.rotateNanoseconds, now - openedAt >= t { return true }
        return false
    }

    /// Closes the current file (statistics block included) and opens the next one.
    func rotate(now: Int64, counters: PcapCounters, delivered: UInt64) throws {
        try close(counters: counters, delivered: delivered)
        sequence += 1
        try open(now: now, counters: counters, delivered: delivered)
    }

    /// SIGHUP: closes the current file and opens the same name again, appending a new section if
    /// the file is still there (a pcapng file may hold several sections), creating it if log
    /// rotation moved it away.
    func reopen(now: Int64, counters: PcapCounters, delivered: UInt64) throws {
        try close(counters: counters, delivered: delivered)
        try open(now: now, counters: counters, delivered: delivered, append: true)
    }

    /// Writes the statistics block of the current file's span and closes it.
    func close(counters: PcapCounters, delivered: UInt64) throws {
        guard let w = writer else { return }
        writer = nil
        let span = counters.minus(countersAtOpen)
        try w.appendStatistics(.init(start: openedWall, end: RotatingCaptureFile.wallClock(), received: span.received,
                                     interfaceDropped: span.interfaceDropped, osDropped: span.dropped,
                                     delivered: delivered - deliveredAtOpen))
        try w.close()
    }

    static func wallClock() -> Int64 { wallClockNanoseconds() }
}

/// Wall-clock time, ns since the Unix epoch (CLOCK_REALTIME): statistics block times and
/// interval end times.
public func wallClockNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}
