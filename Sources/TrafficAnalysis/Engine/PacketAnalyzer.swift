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
    /// Looks at one packet. `record.bytes` is borrowed for the call only. The packet is
    /// `inout` only so the ~270-byte value is passed by address: Swift copies a large struct
    /// read from memory before passing it by value (or `borrowing`) to a function it does not
    /// inline, once per packet and call. An analyzer must not change it.
    mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket)
    /// Finishes live state (emitting what is still open) and writes this analyzer's figures.
    mutating func finish(into summary: inout AdoptionSummary)
}

extension PacketAnalyzer {
    /// `add` for a packet held by value (tests and one-off callers; it copies the packet once).
    @inlinable
    public mutating func add(_ record: PacketRecord, _ packet: DecodedPacket) {
        var p = packet
        add(record, &p)
    }
}
