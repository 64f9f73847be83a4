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

    /// - Parameters:
    ///   - source: file path or interface name for the summary and warnings.
    ///   - options: state bounds and timeouts.
    ///   - decoderOptions: decoder ports and limits.
    public init(source: String, options: AnalysisOptions = AnalysisOptions(), decoderOptions: DecoderOptions = DecoderOptions()) {
        self.source = source
        decoder = PacketDecoder(options: decoderOptions)
        analyzers = AnalyzerSet(source: source, options: options)
    }

    /// Decodes and analyses one record.
    @inlinable
    public mutating func process(_ record: PacketRecord) {
        decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
        analyzers.add(record, packet)
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
        let report = source.deliver { record in
            if let f = filter, !f(record) { return true }
            process(record)
            if let sink = connections, !analyzers.connections.finished.isEmpty {
                sink(analyzers.connections.finished)
                analyzers.connections.finished.removeAll(keepingCapacity: true)
            }
            if let sink = dns, !analyzers.dnsTransactions.finished.isEmpty {
                sink(analyzers.dnsTransactions.finished)
                analyzers.dnsTransactions.finished.removeAll(keepingCapacity: true)
            }
            if analyzers.family.packetCount & 0xffff == 0 {
                progress?(analyzers.family.packetCount)
                if let stop = shouldStop, stop() { return false }
            }
            return true
        }
        for w in report.warnings { add(warning: w) }
        return report
    }

    /// Records a reader or pipeline warning.
    public mutating func add(warning: CaptureWarning) { analyzers.family.add(warning: warning) }

    /// Packets processed so far.
    public var packetCount: UInt64 { analyzers.family.packetCount }

    /// Finishes every analyzer and returns the summary. Connection records still open are
    /// finished (`end_of_capture`) and handed to `connections` first.
    public mutating func finish(connections: (([ConnectionRecord]) -> Void)? = nil,
                                dns: (([DNSTransaction]) -> Void)? = nil) -> AdoptionSummary {
        if let sink = connections {
            analyzers.connections.flush()
            if !analyzers.connections.finished.isEmpty { sink(analyzers.connections.finished) }
            analyzers.connections.finished.removeAll()
        }
        if let sink = dns {
            analyzers.dnsTransactions.flush()
            if !analyzers.dnsTransactions.finished.isEmpty { sink(analyzers.dnsTransactions.finished) }
            analyzers.dnsTransactions.finished.removeAll()
        }
        return analyzers.finish()
    }
}
