import CaptureCore
import PacketDecoding

/// The contract of every analysis unit (Zeek's analyzers; DESIGN practice 13): it sees each
/// packet once, after decoding, keeps its own bounded state, and writes its figures into the
/// mergeable `AdoptionSummary` when the source ends. Summaries, not analyzers, are merged.
///
/// The pipeline composes the analyzers as stored properties of `AnalyzerSet` and calls them
/// directly, so there is no existential or dynamic dispatch per packet; a new analysis is a new
/// conforming type in its own file plus one line in `AnalyzerSet`.
public protocol PacketAnalyzer: Sendable {
    /// Looks at one packet. `record.bytes` is borrowed for the call only.
    mutating func add(_ record: PacketRecord, _ packet: DecodedPacket)
    /// Finishes live state (emitting what is still open) and writes this analyzer's figures.
    mutating func finish(into summary: inout AdoptionSummary)
}
