import CaptureCore
import PacketDecoding

/// One pass over a capture's packets: a reusable decoder, its reusable `DecodedPacket` and an
/// `AdoptionAnalyzer`, kept together so the per-packet step works on them in place. (Holding the
/// decoded packet in a closure-captured variable instead makes Swift copy it for every call.)
///
/// ```swift
/// var pass = CapturePass(source: path)
/// _ = reader.forEachPacket { pass.process($0) }
/// let summary = pass.summary()
/// ```
public struct CapturePass: Sendable {
    public var decoder: PacketDecoder
    public var packet = DecodedPacket()
    public var analyzer: AdoptionAnalyzer

    /// - Parameters:
    ///   - source: file path or interface name for the summary and warnings.
    ///   - expectedFlows: flow-table size hint (it grows as needed).
    ///   - options: decoder ports and limits.
    public init(source: String, expectedFlows: Int = 1 << 12, options: DecoderOptions = DecoderOptions()) {
        decoder = PacketDecoder(options: options)
        analyzer = AdoptionAnalyzer(source: source, expectedFlows: expectedFlows)
    }

    /// Decodes and counts one packet. No allocation once the tables are warm.
    @inlinable
    public mutating func process(_ record: PacketRecord) {
        decoder.decode(record.bytes, linkType: record.linkType, originalLength: record.originalLength, into: &packet)
        analyzer.add(record, packet)
    }

    /// Records a reader warning.
    public mutating func add(warning: CaptureWarning) { analyzer.add(warning: warning) }

    /// The summary of every packet processed so far.
    public func summary() -> AdoptionSummary { analyzer.summary() }

    /// Packets processed so far.
    public var packetCount: UInt64 { analyzer.packetCount }
}
