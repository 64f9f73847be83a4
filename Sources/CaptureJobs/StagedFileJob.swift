import Foundation
import CaptureCore
import CaptureFiles
import PacketDecoding
import TrafficAnalysis
import TransitionAnalysis

/// One capture file on two cores, with the same result as `CaptureFileJob.run`.
///
/// The file is read twice at once, by two readers of the same page-cached file, and each reading
/// runs one group of analyzers (`AnalyzerRoles`): this thread the packet figures (families,
/// layers, hosts, SYN and DNS message counts, warnings), a second thread the flows (connections,
/// DNS transactions, and the pipeline extension that lives on their records, the CDN analysis).
/// Every analyzer still sees every packet in file order, so nothing is stitched or estimated:
/// the summary is the one a single pass gives. Decoding is done twice; it is cheaper than
/// handing decoded packets between threads (a decoded packet holds an array, and the reader's
/// bytes are only borrowed for the call).
///
/// With the transition analysis (`capture analyze`) the split is different: the second thread
/// runs the core analyzers but the family figures (this thread counts those) and hands the DNS
/// transactions and connection records that finish at each packet (`RecordRelay`) to this
/// thread, which decodes the packets again for the family figures and the transition analysis;
/// the analysis gets packet N, then the records finished at packet N, in the same order as in
/// one pass (DNS first, then connections). The transition analysis costs about as much as the core analyzers, so the
/// two threads carry similar loads.
///
/// A gzip input is not staged (each reader would inflate the whole stream): it runs in one pass.
public enum StagedFileJob {
    /// `CaptureFileJob.run(path:extension:...)` on two threads.
    /// - Parameters:
    ///   - filters: the record filter of each thread, the same rule twice (a libpcap BPF program
    ///     is per-handle state, so each thread has its own); nil keeps every record. A run that
    ///     falls back to one pass uses the first.
    ///   - progress: called on this thread with the packets processed so far, every 65,536.
    /// - Returns: the same result as `CaptureFileJob.run` (its documentation gives the fields).
    public static func run<Ext: PipelineExtension>(path: String, extension ext: inout Ext,
                                                   options: AnalysisOptions = AnalysisOptions(),
                                                   decoderOptions: DecoderOptions = DecoderOptions(),
                                                   filters: StagedFilters = StagedFilters(),
                                                   progress: ((UInt64) -> Void)? = nil,
                                                   extraWarnings: ([LinkType]) -> [CaptureWarning] = { _ in [] }) -> CaptureFileResult {
        var options = options
        if ext.wantsRecords { options.emitConnectionRecords = true; options.emitDNSRecords = true }
        guard let (readerA, readerB) = twoReaders(path) else {
            return CaptureFileJob.run(path: path, extension: &ext, options: options, decoderOptions: decoderOptions,
                                      filter: filters.first, progress: progress, extraWarnings: extraWarnings)
        }
        var reader = readerA
        let flows = FlowHalf(pipeline: AnalysisPipeline(source: path, options: options, decoderOptions: decoderOptions, roles: .flows),
                             reader: readerB, filter: filters.second, extension: ext)
        let other = SecondThread.start { flows.runWithExtension() }
        var figures = AnalysisPipeline(source: path, options: options, decoderOptions: decoderOptions, roles: .packetFigures)
        let report = figures.run(&reader, filter: filters.first, progress: progress)
        other.join()
        for w in extraWarnings(report.linkTypes) { figures.add(warning: w) }
        var summary = AdoptionSummary()
        var none = NoPipelineExtension()
        figures.finish(extension: &none, into: &summary)
        flows.pipeline.finish(extension: &flows.ext, into: &summary)
        ext = flows.ext
        return result(path: path, reader: reader, report: report, summary: summary)
    }

    /// `CaptureFileJob.run(path:...transition:...)` on two threads: one runs the core analyzers
    /// of `roles` but the family figures and hands the records finishing at
    /// each packet to this thread, which decodes the packets again for the transition analysis
    /// and gives it packet N, then the records of packet N.
    public static func run(path: String, options: AnalysisOptions = AnalysisOptions(),
                           decoderOptions: DecoderOptions = DecoderOptions(),
                           filters: StagedFilters = StagedFilters(),
                           progress: ((UInt64) -> Void)? = nil,
                           transition: inout TransitionAnalyzer,
                           roles: AnalyzerRoles = .all,
                           extraWarnings: ([LinkType]) -> [CaptureWarning] = { _ in [] }) -> CaptureFileResult {
        guard let (readerA, readerB) = twoReaders(path) else {
            return CaptureFileJob.run(path: path, options: options, decoderOptions: decoderOptions, filter: filters.first,
                                      progress: progress, transition: &transition, roles: roles, extraWarnings: extraWarnings)
        }
        var o = options
        o.emitConnectionRecords = true
        o.emitDNSRecords = true
        var reader = readerA
        let relay = RecordRelay()
        // The family figures (and with them the warnings) are counted here, the rest of the core
        // analyzers there: the core thread was the longer one (perf: 1.71 s vs 1.5 s of CPU).
        let core = FlowHalf(pipeline: AnalysisPipeline(source: path, options: o, decoderOptions: decoderOptions,
                                                       roles: roles.union(.flows).subtracting(.families)),
                            reader: readerB, filter: filters.second, extension: NoPipelineExtension())
        let other = SecondThread.start { core.runRelaying(to: relay) }
        var decoding = AnalysisPipeline(source: path, options: o, decoderOptions: decoderOptions, roles: roles.intersection(.families))
        let filter = filters.first
        var inbox = RecordRelay.Batch()
        var next = 0, dnsAt = 0, connectionAt = 0
        var completeThrough: UInt64 = 0
        let report = reader.deliver { record in
            if let f = filter, !f(record) { return true }
            decoding.process(record)
            transition.add(record, &decoding.packet)
            let n = decoding.packetCount
            // The core thread has published every record of packets 1...completeThrough; what
            // is in the inbox then is all of them not yet delivered.
            if n > completeThrough {
                completeThrough = relay.take(through: n, into: &inbox)
                next = 0; dnsAt = 0; connectionAt = 0
            }
            while next < inbox.marks.count && inbox.marks[next].packet == n {
                let mark = inbox.marks[next]
                while dnsAt < mark.dnsEnd { transition.add(dns: inbox.dns[dnsAt]); dnsAt += 1 }
                while connectionAt < mark.connectionsEnd { transition.add(connection: inbox.connections[connectionAt]); connectionAt += 1 }
                next += 1
            }
            if n & 0xffff == 0 { progress?(n) }
            return true
        }
        relay.close()
        other.join()
        // From here on as the one-pass run ends: the family figures first (they start the
        // summary), then the core thread's analyzers into the same summary.
        for w in report.warnings { decoding.add(warning: w) }
        for w in extraWarnings(report.linkTypes) { decoding.add(warning: w) }
        var summary = AdoptionSummary()
        var none = NoPipelineExtension()
        decoding.finish(extension: &none, into: &summary)
        var pipeline = core.pipeline
        // Records still open at the end: DNS first (pending queries), then connections.
        var t = transition
        pipeline.analyzers.dnsTransactions.flush()
        for d in pipeline.analyzers.dnsTransactions.finished { t.add(dns: d) }
        pipeline.analyzers.dnsTransactions.finished.removeAll()
        pipeline.finish(extension: &none, connections: { batch in for c in batch { t.add(connection: c) } }, dns: { _ in },
                        into: &summary)
        transition = t
        return result(path: path, reader: reader, report: report, summary: summary)
    }

    static func result(path: String, reader: CaptureFileReader, report: PacketSourceReport, summary: AdoptionSummary) -> CaptureFileResult {
        CaptureFileResult(path: path, format: reader.format, recordsRead: report.recordsDelivered, summary: summary,
                          openError: nil, formatError: nil)
    }

    /// Two readers of an uncompressed capture, or nil when the file should run in one pass
    /// (it cannot be opened, is not a capture, or is gzip: those go to `CaptureFileJob`, which
    /// gives their result).
    static func twoReaders(_ path: String) -> (CaptureFileReader, CaptureFileReader)? {
        guard case .success(let a) = CaptureFileJob.open(path), !a.file.wasCompressed,
              case .success(let b) = CaptureFileJob.open(path) else { return nil }
        return (a, b)
    }
}

/// One record filter per thread of a staged run: the same rule, compiled twice.
public struct StagedFilters {
    /// This thread's filter (and the one-pass fallback's).
    public var first: ((PacketRecord) -> Bool)?
    /// The second thread's filter.
    public var second: ((PacketRecord) -> Bool)?
    public init(first: ((PacketRecord) -> Bool)? = nil, second: ((PacketRecord) -> Bool)? = nil) {
        self.first = first; self.second = second
    }
}

/// The second thread's half of a staged run (the flows, or the core analyzers of `capture
/// analyze`): its reader, filter and pipeline, run on the second thread and read back by the
/// first after `join` (the thread's end orders the accesses).
final class FlowHalf<Ext: PipelineExtension>: @unchecked Sendable {
    var pipeline: AnalysisPipeline
    var reader: CaptureFileReader
    let filter: ((PacketRecord) -> Bool)?
    var ext: Ext

    init(pipeline: AnalysisPipeline, reader: CaptureFileReader, filter: ((PacketRecord) -> Bool)?, extension ext: Ext) {
        self.pipeline = pipeline; self.reader = reader; self.filter = filter; self.ext = ext
    }

    /// The whole file through the flow analyzers and the extension (records go to it as they
    /// finish, as in one pass).
    func runWithExtension() {
        // Locals, not the stored properties, in the loop: a class property access is checked
        // for exclusivity at run time, once per packet.
        var p = pipeline, r = reader, e = ext
        // The first thread's reader reports the same file: this report is not needed.
        _ = p.run(&r, extension: &e, filter: filter)
        pipeline = p; reader = r; ext = e
    }

    /// The whole file through the pipeline's analyzers; the records finished at each packet go
    /// to `relay` with the packet's number, published every 1,024 packets and at the end.
    func runRelaying(to relay: RecordRelay) {
        var batch = RecordRelay.Batch()
        let filter = self.filter
        var pipeline = self.pipeline, reader = self.reader
        defer { self.pipeline = pipeline; self.reader = reader }
        _ = reader.deliver { record in
            if let f = filter, !f(record) { return true }
            pipeline.process(record)
            let n = pipeline.packetCount
            if !pipeline.analyzers.dnsTransactions.finished.isEmpty || !pipeline.analyzers.connections.finished.isEmpty {
                batch.append(packet: n, dns: &pipeline.analyzers.dnsTransactions.finished,
                             connections: &pipeline.analyzers.connections.finished)
            }
            if n & 1023 == 0 { return relay.publish(&batch, through: n) }
            return true
        }
        _ = relay.publish(&batch, through: .max)
    }
}

/// Records finished on the flow thread, handed to the transition analysis on the other thread
/// in packet order. The flow thread publishes batches with the packet number through which they
/// are complete; the reader waits until that number reaches the packet it is at. Bounded: the
/// flow thread waits while more than `maxQueued` packets' records are unread (so memory does not
/// grow with the file when the flow half runs ahead), and stops when the reader has closed.
///
/// A batch is three flat arrays (marks, DNS transactions, connection records), and the reader
/// hands its emptied batch back for the writer to fill again: a message per packet with its own
/// two arrays cost an allocation and a cross-thread free each (perf: malloc, free and
/// retain/release were ~9 % of the reading thread).
final class RecordRelay: @unchecked Sendable {
    /// The records that finished at one packet: `dns[previous mark's dnsEnd..<dnsEnd]` and
    /// `connections[previous mark's connectionsEnd..<connectionsEnd]`.
    struct Mark: Equatable {
        /// 1-based number of the packet at which the records finished.
        var packet: UInt64
        var dnsEnd: Int
        var connectionsEnd: Int
    }

    /// The records of consecutive packets, in order.
    struct Batch {
        var marks: [Mark] = []
        var dns: [DNSTransaction] = []
        var connections: [ConnectionRecord] = []

        /// Moves the records that finished at `packet` in (the arrays are left empty, their
        /// capacity kept).
        mutating func append(packet: UInt64, dns d: inout [DNSTransaction], connections c: inout [ConnectionRecord]) {
            dns.append(contentsOf: d)
            connections.append(contentsOf: c)
            d.removeAll(keepingCapacity: true)
            c.removeAll(keepingCapacity: true)
            marks.append(Mark(packet: packet, dnsEnd: dns.count, connectionsEnd: connections.count))
        }

        /// Appends another batch's records after these (marks re-based).
        mutating func append(contentsOf other: Batch) {
            let d = dns.count, c = connections.count
            dns.append(contentsOf: other.dns)
            connections.append(contentsOf: other.connections)
            for m in other.marks { marks.append(Mark(packet: m.packet, dnsEnd: m.dnsEnd + d, connectionsEnd: m.connectionsEnd + c)) }
        }

        mutating func removeAll() {
            marks.removeAll(keepingCapacity: true)
            dns.removeAll(keepingCapacity: true)
            connections.removeAll(keepingCapacity: true)
        }
    }

    let maxQueued: Int
    private let condition = NSCondition()
    /// Unread records; when empty, its storage is what the reader handed back last.
    private var queued = Batch()
    private var through: UInt64 = 0
    private var closed = false

    init(maxQueued: Int = 1 << 13) { self.maxQueued = maxQueued }

    /// Adds `batch` as complete through packet `packet`; `batch` comes back empty (its storage
    /// recycled). Waits while `maxQueued` or more packets' records are unread. Returns false when
    /// the reading side has closed (the writer should stop).
    func publish(_ batch: inout Batch, through packet: UInt64) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queued.marks.count >= maxQueued && !closed { condition.wait() }
        if closed { return false }
        if queued.marks.isEmpty {
            // The usual case: hand the batch over whole and take back the emptied storage.
            swap(&queued, &batch)
        } else {
            queued.append(contentsOf: batch)
            batch.removeAll()
        }
        through = packet
        condition.broadcast()
        return true
    }

    /// Every record published so far, into `inbox` (whose previous content is recycled), and
    /// the packet number through which they are complete; waits until that number is at least
    /// `packet`.
    func take(through packet: UInt64, into inbox: inout Batch) -> UInt64 {
        inbox.removeAll()   // outside the lock: it releases the records' strings and arrays
        condition.lock()
        defer { condition.unlock() }
        while through < packet { condition.wait() }
        swap(&inbox, &queued)
        condition.broadcast()
        return through
    }

    /// The reading side is done: a waiting or later `publish` returns false.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A plain thread running one closure, joined once. (`DispatchQueue.concurrentPerform` ran
/// work on the calling thread on this Linux toolchain; see `ParallelFiles`.)
struct SecondThread {
    private let done: DispatchSemaphore

    static func start(_ body: @escaping @Sendable () -> Void) -> SecondThread {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        return SecondThread(done: done)
    }

    func join() { done.wait() }
}
