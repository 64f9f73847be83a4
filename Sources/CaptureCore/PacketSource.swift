/// Anything that hands over packet records in order: a capture file, a live interface, a
/// replay buffer. The one source abstraction the analysis pipeline is written against, so files
/// and interfaces go through the same code (Zeek's packet sources, gopacket's `PacketDataSource`).
///
/// `deliver` calls `body` once per record, in capture order; the record's bytes are borrowed
/// and valid only during the call. Returning `false` from `body` stops the source early (a
/// `--count` limit, a signal). Faults never throw: they become warnings in the report, and every
/// record before a fault has been delivered.
public protocol PacketSource {
    /// File path or interface name, used in warnings and summaries.
    var sourceName: String { get }

    /// Delivers records until the source ends or `body` returns false.
    mutating func deliver(_ body: (PacketRecord) -> Bool) -> PacketSourceReport
}

/// What a source reports once it has delivered its records.
public struct PacketSourceReport: Sendable {
    /// Records delivered to the body (before any filter).
    public var recordsDelivered: Int
    /// Link types of the source's interfaces, in interface order (one for a pcap or a live
    /// handle; one per interface description block for pcapng).
    public var linkTypes: [LinkType]
    /// Faults found while reading, in file order.
    public var warnings: [CaptureWarning]

    public init(recordsDelivered: Int = 0, linkTypes: [LinkType] = [], warnings: [CaptureWarning] = []) {
        self.recordsDelivered = recordsDelivered
        self.linkTypes = linkTypes
        self.warnings = warnings
    }
}
