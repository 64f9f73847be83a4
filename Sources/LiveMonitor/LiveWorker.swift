import CaptureCore
import CaptureFiles
import CDNReachability
import LiveCapture
import PacketDecoding
import TrafficAnalysis
import TransitionAnalysis
#if canImport(Glibc)
import Glibc
#endif

/// One capture handle and the analyzers it feeds, run on its own thread (Zeek's worker: one
/// packet source, one analysis state). Between polls it publishes the interval figures, rotates
/// or reopens its file, and sees a stop request; after the stop it drains what the kernel
/// already queued, so nothing accepted before the signal is lost, then closes its file with an
/// interface statistics block.
public final class LiveWorker: @unchecked Sendable {
    public let index: Int
    public let source: LiveCaptureSource
    public private(set) var pipeline: AnalysisPipeline
    private var cdn: CDNAnalyzer?
    private var output: RotatingCaptureFile?
    /// `--transition`: a second pipeline and the transition analyzer fed with the same records,
    /// exactly as `capture summarize --transition` reads a file a second time
    /// (`CaptureFileJob.run(transition:)`), so the live section equals the offline one.
    private var transitionPipeline: AnalysisPipeline?
    private var transitionAnalyzer: TransitionAnalyzer?
    /// Packets libpcap handed over.
    public private(set) var delivered: UInt64 = 0
    /// The first read or write failure (the run then stops).
    public private(set) var failure: String?
    /// Figures after the final drain (set when `run` returns).
    public private(set) var finalFigures = LiveFigures()
    /// Files written (with `--write`).
    public var files: [String] { output?.paths ?? [] }

    /// - Parameter transition: the transition analysis and the analyzer options of its own
    ///   pipeline (records are turned on for it here); nil leaves it out.
    public init(index: Int, source: LiveCaptureSource, pipeline: AnalysisPipeline, cdn: CDNAnalyzer?,
                output: CaptureFileOptions?, workers: Int, application: String,
                transition: (analyzer: TransitionAnalyzer, options: AnalysisOptions, decoder: DecoderOptions)? = nil) {
        self.index = index
        if let t = transition {
            var o = t.options
            o.emitConnectionRecords = true
            o.emitDNSRecords = true
            transitionPipeline = AnalysisPipeline(source: source.interface, options: o, decoderOptions: t.decoder)
            transitionAnalyzer = t.analyzer
        }
        self.source = source
        self.pipeline = pipeline
        self.cdn = cdn
        self.output = output.map {
            RotatingCaptureFile(options: $0, worker: index, workers: workers,
                                interface: .init(name: source.interface, linkType: source.linkType,
                                                 snaplen: UInt32(source.snaplen), tsresol: source.timestampResolution),
                                application: application)
        }
    }

    /// Opens the output file, if any. Throws `CaptureWriteError`.
    public func prepare() throws {
        try output?.open(now: LiveCaptureSource.monotonicNanoseconds(), counters: source.counters(), delivered: 0)
    }

    /// The figures of this worker now.
    public func figures() -> LiveFigures {
        LiveFigures(pipeline: pipeline, pcap: source.counters(), delivered: delivered)
    }

    /// Captures until `control` says stop (or the deadline passes: then it asks for the stop).
    /// - Parameters:
    ///   - start: monotonic nanoseconds the intervals count from (shared by all workers).
    ///   - interval: nanoseconds between published figures; nil publishes none.
    ///   - deadline: monotonic nanoseconds of `--duration`'s end; nil for none.
    public func run(control: LiveControl, board: LiveBoard, start: Int64, interval: Int64?, deadline: Int64?) {
        defer { board.workerDone() }
        var tick = 1
        var nextTick = interval.map { start + $0 } ?? .max
        var reopened = control.reopenRequests
        let wake = control.wakeDescriptor
        while !control.stopRequested && failure == nil {
            let now = LiveCaptureSource.monotonicNanoseconds()
            if let d = deadline, now >= d { control.requestStop("duration"); break }
            if now >= nextTick, let step = interval {
                // What the kernel queued before the boundary belongs to this interval.
                processQueued(control: control)
                board.publish(tick: tick, worker: index, figures: figures())
                tick += 1
                nextTick += step
                continue
            }
            if control.reopenRequests != reopened {
                reopened = control.reopenRequests
                fileOperation { try $0.reopen(now: now, counters: source.counters(), delivered: delivered) }
            }
            if output?.rotationDue(now: now) == true {
                fileOperation { try $0.rotate(now: now, counters: source.counters(), delivered: delivered) }
            }
            var waitNs = min(100_000_000, nextTick - now)
            if let d = deadline { waitNs = min(waitNs, d - now) }
            source.wait(milliseconds: Int32(max(1, (waitNs + 999_999) / 1_000_000)), wake: wake)
            processQueued(control: control)
        }
        // What the kernel queued before the stop still belongs to the run (not past --count).
        if control.stopReason != "count" { processQueued(control: control) }
        let counters = source.counters()
        finalFigures = LiveFigures(pipeline: pipeline, pcap: counters, delivered: delivered)
        fileOperation { try $0.close(counters: counters, delivered: delivered) }
        if failure != nil { control.requestStop("error") }
    }

    private func fileOperation(_ body: (RotatingCaptureFile) throws -> Void) {
        guard let o = output, failure == nil else { return }
        do { try body(o) } catch { failure = "\(error)" }
    }

    /// Every packet queued now through the file writer and the analyzers.
    private func processQueued(control: LiveControl) {
        var batch = QueuedPackets(source: source, control: control, output: failure == nil ? output : nil,
                                  transition: transitionAnalyzer == nil ? nil : { [unowned self] in self.addTransition($0) })
        if var c = cdn {
            cdn = nil    // keep the analyzer's storage uniquely referenced while it runs
            _ = pipeline.run(&batch, extension: &c)
            cdn = c
        } else {
            _ = pipeline.run(&batch)
        }
        delivered += UInt64(batch.delivered)
        if let e = batch.failure, failure == nil { failure = e }
    }

    /// One record through the transition pass: the loop of `CaptureFileJob.run(transition:)`
    /// (packet, then the DNS transactions, then the connections that finished on it).
    private func addTransition(_ record: PacketRecord) {
        transitionPipeline!.process(record)
        transitionAnalyzer!.add(record, transitionPipeline!.packet)
        if !transitionPipeline!.analyzers.dnsTransactions.finished.isEmpty {
            for t in transitionPipeline!.analyzers.dnsTransactions.finished { transitionAnalyzer!.add(dns: t) }
            transitionPipeline!.analyzers.dnsTransactions.finished.removeAll(keepingCapacity: true)
        }
        if !transitionPipeline!.analyzers.connections.finished.isEmpty {
            for c in transitionPipeline!.analyzers.connections.finished { transitionAnalyzer!.add(connection: c) }
            transitionPipeline!.analyzers.connections.finished.removeAll(keepingCapacity: true)
        }
    }

    /// Finishes the transition pass as `CaptureFileJob.run(transition:)` ends a file (DNS still
    /// open first, then connections); nil without `--transition`. Call once, after `run`.
    public func finishTransition() -> TransitionSummary? {
        guard var p = transitionPipeline, var t = transitionAnalyzer else { return nil }
        transitionPipeline = nil; transitionAnalyzer = nil
        p.analyzers.dnsTransactions.flush()
        for d in p.analyzers.dnsTransactions.finished { t.add(dns: d) }
        p.analyzers.dnsTransactions.finished.removeAll()
        _ = p.finish(connections: { batch in for c in batch { t.add(connection: c) } }, dns: { _ in })
        return t.finish()
    }

    /// Finishes the analyzers: the worker's summary and CDN figures (nil without CDN rules).
    /// Call once, after `run`.
    public func finish() -> (summary: AdoptionSummary, cdn: CDNSummary?) {
        if var c = cdn {
            cdn = nil
            let s = pipeline.finish(extension: &c)
            return (s, c.finish())
        }
        return (pipeline.finish(), nil)
    }
}

/// The packets queued on a handle right now, as a `PacketSource` (one per poll wake-up), so they
/// go through `AnalysisPipeline.run` exactly as a file's records do. Each record is claimed from
/// the `--count` budget and written to the file before it is analysed.
struct QueuedPackets: PacketSource {
    let source: LiveCaptureSource
    let control: LiveControl
    let output: RotatingCaptureFile?
    /// Called with each record after it was written, before the main pipeline (the transition pass).
    let transition: ((PacketRecord) -> Void)?
    var delivered = 0
    var failure: String?

    var sourceName: String { source.interface }

    mutating func deliver(_ body: (PacketRecord) -> Bool) -> PacketSourceReport {
        let counted = control.packetBudget != .max
        let output = self.output
        var writeFailure: String?
        var n = 0
        do {
            _ = try source.drain { record in
                if counted && !control.claimPacket() { return false }
                n += 1
                if let o = output, writeFailure == nil {
                    do { try o.append(record) } catch { writeFailure = "\(error)"; return false }
                }
                transition?(record)
                return body(record)
            }
        } catch {
            failure = "\(error)"
        }
        if failure == nil { failure = writeFailure }
        delivered = n
        return PacketSourceReport(recordsDelivered: n, linkTypes: [source.linkType], warnings: [])
    }
}
