import CaptureCore
import PacketDecoding

/// The one pipeline for files and live interfaces: records -> optional filter -> reusable
/// decoder -> analyzers -> mergeable summary (and, when wanted, connection records as they
/// finish).
///
/// The decoder's `DecodedPacket` and the analyzers are stored together so the per-packet step
/// works on them in place (holding the decoded packet in a closure-captured variable made Swift
/// copy it for every call). No allocation per packet once the tables are warm.
///
/// ```swift
/// var pipeline = AnalysisPipeline(source: path)
/// var reader = try CaptureFileReader(path: path)
/// let report = pipeline.run(&reader)
/// let summary = pipeline.finish()
/// ```
public struct AnalysisPipeline: Sendable {
    public var decoder: PacketDecoder
    public var packet = DecodedPacket()
    public var analyzers: AnalyzerSet
    public let source: String
    /// Records decoded and analysed so far (after the filter); the same count in both halves of
    /// a staged run, whichever analyzers each runs.
    @inlinable public var packetCount: UInt64 { processed }
    @usableFromInline var processed: UInt64 = 0

    /// - Parameters:
    ///   - source: file path or interface name for the summary and warnings.
    ///   - options: state bounds and timeouts.
    ///   - decoderOptions: decoder ports and limits.
    ///   - roles: the analyzer groups to run (`.all` but in a staged run, see `AnalyzerRoles`).
    public init(source: String, options: AnalysisOptions = AnalysisOptions(), decoderOptions: DecoderOptions = DecoderOptions(),
                roles: AnalyzerRoles = .all) {
        self.source = source
        decoder = PacketDecoder(options: decoderOptions)
        analyzers = AnalyzerSet(source: source, options: options, roles: roles)
    }

    /// Decodes and analyses one record.
    @inlinable
    public mutating func process(_ record: PacketRecord) {
        decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
        processed &+= 1
        analyzers.add(record, &packet)
    }

    /// Reads a whole source through the pipeline.
    /// - Parameters:
    ///   - filter: keeps a record when it returns true (a libpcap BPF program); nil keeps all.
    ///   - progress: called with the packets processed so far, every 65,536 packets.
    ///   - connections: receives finished connection records in batches as they finish (only
    ///     when the analysis options ask for records).
    ///   - shouldStop: polled every 65,536 packets; true stops the source early.
    /// - Returns: the source's report (records delivered, link types, reader warnings, which
    ///   are also added to the summary's warnings).
    public mutating func run<Source: PacketSource>(_ source: inout Source, filter: ((PacketRecord) -> Bool)? = nil,
                                                   progress: ((UInt64) -> Void)? = nil,
                                                   connections: (([ConnectionRecord]) -> Void)? = nil,
                                                   dns: (([DNSTransaction]) -> Void)? = nil,
                                                   shouldStop: (() -> Bool)? = nil) -> PacketSourceReport {
        var none = NoPipelineExtension()
        return run(&source, extension: &none, filter: filter, progress: progress, connections: connections, dns: dns,
                   shouldStop: shouldStop)
    }

    /// `run` with an analysis from another module in the same pass (see `PipelineExtension` for
    /// the order of calls). When `ext.wantsRecords`, set `emitConnectionRecords` and
    /// `emitDNSRecords` in the options this pipeline was made with.
    /// Inlinable so it is specialised for the caller's extension: called generically, the
    /// decoded packet was copied for every `ext.add` (seen in perf, ~5% of a summarize run).
    @inlinable
    public mutating func run<Source: PacketSource, Ext: PipelineExtension>(
        _ source: inout Source, extension ext: inout Ext, filter: ((PacketRecord) -> Bool)? = nil,
        progress: ((UInt64) -> Void)? = nil, connections: (([ConnectionRecord]) -> Void)? = nil,
        dns: (([DNSTransaction]) -> Void)? = nil, shouldStop: (() -> Bool)? = nil) -> PacketSourceReport {
        let extWants = ext.wantsRecords
        let report = source.deliver { record in
            if let f = filter, !f(record) { return true }
            process(record, extension: &ext, extensionWantsRecords: extWants, connections: connections, dns: dns)
            if packetCount & 0xffff == 0 {
                progress?(packetCount)
                if let stop = shouldStop, stop() { return false }
            }
            return true
        }
        for w in report.warnings { add(warning: w) }
        return report
    }

    /// One record through the decoder, the analyzers and the extension (finished records first).
    /// A method rather than closure code: `packet` read in the closure (captured `self`) was
    /// copied for every `ext.add` call (perf: DecodedPacket's value-witness copy per packet).
    @inlinable
    mutating func process<Ext: PipelineExtension>(_ record: PacketRecord, extension ext: inout Ext, extensionWantsRecords extWants: Bool,
                                                  connections: (([ConnectionRecord]) -> Void)?,
                                                  dns: (([DNSTransaction]) -> Void)?) {
        process(record)
        if !analyzers.connections.finished.isEmpty && (connections != nil || extWants) {
            if extWants { ext.finished(connections: analyzers.connections.finished) }
            connections?(analyzers.connections.finished)
            analyzers.connections.finished.removeAll(keepingCapacity: true)
        }
        if !analyzers.dnsTransactions.finished.isEmpty && (dns != nil || extWants) {
            if extWants { ext.finished(dns: analyzers.dnsTransactions.finished) }
            dns?(analyzers.dnsTransactions.finished)
            analyzers.dnsTransactions.finished.removeAll(keepingCapacity: true)
        }
        guard !analyzers.connections.currentConnectionExtensionDone else { return }
        var state = analyzers.connections.currentConnectionExtensionState
        let done = ext.add(record, packet, packetNumber: packetCount,
                           connectionPackets: analyzers.connections.currentConnectionPackets, connectionState: &state)
        if state != analyzers.connections.currentConnectionExtensionState {
            analyzers.connections.setCurrentConnectionExtensionState(state)
        }
        if done { analyzers.connections.markCurrentConnectionDoneForExtension() }
    }

    /// Records a reader or pipeline warning.
    @inlinable
    public mutating func add(warning: CaptureWarning) { analyzers.family.add(warning: warning) }

    /// Finishes every analyzer and returns the summary. Connection records still open are
    /// finished (`end_of_capture`) and handed to `connections` first.
    public mutating func finish(connections: (([ConnectionRecord]) -> Void)? = nil,
                                dns: (([DNSTransaction]) -> Void)? = nil) -> AdoptionSummary {
        var none = NoPipelineExtension()
        return finish(extension: &none, connections: connections, dns: dns)
    }

    /// `finish` that first hands the records still open to `ext` (and to the sinks).
    public mutating func finish<Ext: PipelineExtension>(extension ext: inout Ext,
                                                        connections: (([ConnectionRecord]) -> Void)? = nil,
                                                        dns: (([DNSTransaction]) -> Void)? = nil) -> AdoptionSummary {
        var s = AdoptionSummary()
        finish(extension: &ext, connections: connections, dns: dns, into: &s)
        return s
    }

    /// `finish` writing this pipeline's analyzer groups into `summary` (a staged run finishes
    /// its packet-figure half first, then its flow half into the same summary; `AnalyzerRoles`).
    public mutating func finish<Ext: PipelineExtension>(extension ext: inout Ext,
                                                        connections: (([ConnectionRecord]) -> Void)? = nil,
                                                        dns: (([DNSTransaction]) -> Void)? = nil,
                                                        into summary: inout AdoptionSummary) {
        let extWants = ext.wantsRecords
        let wantConnections = connections != nil || extWants, wantDNS = dns != nil || extWants
        if wantConnections { analyzers.connections.flush() }
        if wantDNS { analyzers.dnsTransactions.flush() }
        // The extension gets the last DNS transactions (TCP answers drained only now) before the
        // last connection records, as it would have during the capture: answers first, then the
        // records still open, in start order. Both orders are fixed by the file, not by a hash seed.
        if extWants {
            if !analyzers.dnsTransactions.finished.isEmpty { ext.finished(dns: analyzers.dnsTransactions.finished) }
            if !analyzers.connections.finished.isEmpty { ext.finished(connections: analyzers.connections.finished) }
        }
        if wantConnections {
            if !analyzers.connections.finished.isEmpty { connections?(analyzers.connections.finished) }
            analyzers.connections.finished.removeAll()
        }
        if wantDNS {
            if !analyzers.dnsTransactions.finished.isEmpty { dns?(analyzers.dnsTransactions.finished) }
            analyzers.dnsTransactions.finished.removeAll()
        }
        analyzers.finish(into: &summary)
    }
}
