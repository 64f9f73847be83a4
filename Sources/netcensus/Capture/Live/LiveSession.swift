import Foundation
import CaptureCore
import CDNAttribution
import CDNReachability
import LiveCapture
import LiveMonitor
import PacketDecoding
import Reporting
import TrafficAnalysis
import TransitionAnalysis
#if canImport(Glibc)
import Glibc
#endif

/// One `capture live` run: opens the handles (one per worker, in one PACKET_FANOUT group when
/// there are several), starts a thread per worker, prints the interval figures as workers
/// publish them (merged), feeds the metrics endpoint, and after the stop (signal, duration,
/// count, error) finishes every worker's analyzers and merges them into the final summary.
struct LiveSession {
    let interface: String
    let options: CaptureLive
    let rules: CDNMatcher?

    /// What the run gave.
    struct Outcome {
        var summary: AdoptionSummary
        var cdn: CDNSummary?
        /// `--transition` only.
        var transition: TransitionSummary?
        /// libpcap counters and delivered packets over all workers, after the final drain.
        var figures: LiveFigures
        var stoppedBy: String
        var workers: Int
        var files: [String]
        var seconds: Double
        var bufferBytes: Int
    }

    init(interface: String, options: CaptureLive, rules: CDNMatcher?) {
        self.interface = interface
        self.options = options
        self.rules = rules
    }

    /// Opens one handle; libpcap's errors become a one-line error saying what to do.
    func open(group: UInt16?) throws -> LiveCaptureSource {
        var o = LiveCaptureOptions()
        o.snaplen = options.snaplen
        o.filter = options.filter
        o.bufferBytes = options.bufferBytes
        o.fanoutGroup = group
        do { return try LiveCaptureSource(interface: interface, options: o) } catch let e as PcapError {
            let name = Escaping.terminal(interface)
            switch e {
            case .invalidFilter:
                StandardError.line("netcensus: error: \(Escaping.terminal(e.description))")
                throw NetCensusExit.usage
            case .cannotOpen(_, let message):
                let m = message.lowercased()
                if m.contains("no such device") || m.contains("doesn't exist") || m.contains("not found") {
                    StandardError.line("netcensus: error: no interface named \(name); `netcensus capture live --list` shows the interfaces")
                } else if m.contains("permission") || m.contains("not permitted") {
                    StandardError.line("netcensus: error: no permission to capture on \(name): run as root or give the binary CAP_NET_RAW and CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin=eip netcensus)")
                } else {
                    StandardError.line("netcensus: error: \(Escaping.terminal(e.description))")
                }
                throw NetCensusExit.cannotOpen
            case .readFailed:
                StandardError.line("netcensus: error: \(Escaping.terminal(e.description))")
                throw NetCensusExit.cannotOpen
            }
        }
    }

    mutating func run() throws -> Outcome {
        let n = options.workers
        // A group id of our own (the process id): several runs on one host never share a group.
        let group: UInt16? = n > 1 ? UInt16(truncatingIfNeeded: getpid()) : nil
        var sources: [LiveCaptureSource] = []
        for _ in 0..<n { sources.append(try open(group: group)) }
        // Every handle is in the group now: what each queued before that (all traffic, in every
        // handle) is thrown away and the counters restart.
        for s in sources { s.discardQueued() }

        let control = LiveControl(packetBudget: options.count ?? .max)
        let watch = SignalWatch(control: control)
        defer { watch.cancel() }
        let board = LiveBoard(workers: n)
        let tool = "netcensus \(NetCensusCommand.configuration.version)"
        let fileOptions = options.write.map {
            CaptureFileOptions(path: $0, rotateBytes: options.rotateMB.map { UInt64($0 * 1_000_000) },
                               rotateNanoseconds: options.rotateSeconds.map { Int64($0 * 1e9) })
        }
        var analysisOptions = options.state.analysisOptions
        if rules != nil { analysisOptions.emitConnectionRecords = true; analysisOptions.emitDNSRecords = true }
        let workers = sources.enumerated().map { k, source in
            LiveWorker(index: k, source: source,
                       pipeline: AnalysisPipeline(source: interface, options: analysisOptions, decoderOptions: options.decoding.decoderOptions),
                       cdn: rules.map { CDNAnalyzer(matcher: $0) }, output: fileOptions, workers: n, application: tool,
                       transition: options.transition
                           ? (TransitionAnalyzer(), options.state.analysisOptions, options.decoding.decoderOptions) : nil)
        }
        for w in workers {
            do { try w.prepare() } catch {
                StandardError.line("netcensus: error: --write: \(Escaping.terminal("\(error)"))")
                throw NetCensusExit.failure
            }
        }
        let metrics: MetricsExporter?
        if let listen = options.metricsListen {
            do { metrics = try MetricsExporter(listen: listen) } catch {
                StandardError.line("netcensus: error: --metrics-listen \(Escaping.terminal(listen)): \(Escaping.terminal(MetricsExporter.reason(error)))")
                throw NetCensusExit.unavailable
            }
        } else {
            metrics = nil
        }
        defer { metrics?.stop() }

        let start = LiveCaptureSource.monotonicNanoseconds()
        let deadline = options.duration.map { start + Int64($0 * 1e9) }
        // Interval figures are taken every --interval seconds; with only --metrics-listen, every
        // second (for the endpoint, nothing printed).
        let step: Int64? = options.interval.map { Int64($0 * 1e9) } ?? (metrics != nil ? 1_000_000_000 : nil)
        var threads: [Thread] = []
        for w in workers {
            let t = Thread { w.run(control: control, board: board, start: start, interval: step, deadline: deadline) }
            t.name = "netcensus-worker-\(w.index)"
            t.stackSize = 8 << 20
            threads.append(t)
        }
        if !options.output.quiet {
            StandardError.line("netcensus: capturing on \(Escaping.terminal(interface)) (\(n) worker\(n == 1 ? "" : "s"), linktype \(sources[0].linkType.name), buffer \(options.bufferMB) MiB)")
        }
        for t in threads { t.start() }

        var tick = 1
        var previous = LiveFigures()
        var writeFailure: Error?
        loop: while true {
            switch board.next(tick: tick, timeout: 0.5) {
            case .idle:
                continue
            case .finished:
                break loop
            case .interval(_, let figures):
                var run = LiveFigures()
                for f in figures { run.merge(f) }
                let delta = run.minus(previous)
                previous = run
                metrics?.add(delta, liveConnections: run.liveConnections)
                if options.interval != nil, writeFailure == nil {
                    do { try printInterval(sequence: tick, interval: delta, run: run) } catch {
                        writeFailure = error
                        control.requestStop("error")
                    }
                }
                tick += 1
            }
        }
        let seconds = Double(LiveCaptureSource.monotonicNanoseconds() - start) / 1e9
        if let e = writeFailure { throw e }
        for w in workers where w.failure != nil {
            StandardError.line("netcensus: error: \(Escaping.terminal(w.failure!))")
            throw NetCensusExit.failure
        }
        var figures = LiveFigures()
        for w in workers { figures.merge(w.finalFigures) }
        // The analyzers of every worker finished and merged, as `summarize` merges files.
        var summary = AdoptionSummary()
        var cdn: CDNSummary? = rules == nil ? nil : CDNSummary()
        for w in workers {
            let r = w.finish()
            summary.merge(r.summary)
            if let c = r.cdn { cdn?.merge(c) }
        }
        // The endpoint's last figures are the summary's: the connections still open at the stop
        // were finished by it (end_of_capture), so they count now and none is live.
        var closing = figures
        closing.connections = LiveFigures.labels(summary.connections)
        closing.liveConnections = 0
        metrics?.add(closing.minus(previous), liveConnections: closing.liveConnections)
        let stoppedBy = control.stopReason ?? "SIGINT"
        if figures.pcap.dropShare > 0.001 && !options.output.quiet {
            StandardError.line("netcensus: warning: \(Escaping.terminal(interface)): the kernel dropped \(figures.pcap.dropped) of \(figures.pcap.received) packets received (\(String(format: "%.3f", figures.pcap.dropShare * 100))%); try a larger --buffer-mb or more --workers")
        }
        if summary.packets == 0 && stoppedBy == "duration" {
            StandardError.line("netcensus: error: no packets captured on \(Escaping.terminal(interface)) in \(options.duration ?? 0) s")
            throw NetCensusExit.noData
        }
        return Outcome(summary: summary, cdn: cdn, transition: workers.first?.finishTransition(), figures: figures, stoppedBy: stoppedBy, workers: n,
                       files: workers.flatMap(\.files), seconds: seconds, bufferBytes: options.bufferBytes)
    }

    /// One interval: an NDJSON object with --json, else a table line; a warning when the
    /// interval's drops exceed 0.1% of what it received.
    func printInterval(sequence: Int, interval: LiveFigures, run: LiveFigures) throws {
        // RFC 3339 UTC through the project's one timestamp formatter (no Foundation formatter per line).
        let end = CaptureSummaryReport.isoTimestamp(wallClockNanoseconds())
        if options.output.json {
            try StandardOutput.line(JSONRenderer.renderCompact(
                LiveReport.intervalObject(sequence: sequence, end: end, seconds: options.interval ?? 0, interval: interval, run: run)))
        } else {
            try StandardOutput.line(LiveReport.intervalLine(sequence: sequence, end: end, interval: interval, run: run))
        }
        if interval.pcap.dropShare > 0.001 && !options.output.quiet {
            StandardError.line("netcensus: warning: \(Escaping.terminal(interface)): interval \(sequence): the kernel dropped \(interval.pcap.dropped) of \(interval.pcap.received) packets received")
        }
    }
}
