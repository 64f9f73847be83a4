import CaptureCore
import PacketDecoding

/// An analysis that lives outside `TrafficAnalysis` (so this module need not depend on what it
/// uses -- the CDN analysis needs swift-crypto for QUIC Initials) but runs in the same pass as
/// the built-in analyzers. The pipeline calls it with static dispatch (generic, no existential):
///
/// 1. for each packet, after the built-in analyzers: first the connection records and DNS
///    transactions that finished at this packet (`finished(connections:)`, `finished(dns:)`,
///    only when `wantsRecords`), then `add(record, packet)`. So a record that ends because this
///    packet restarts its 5-tuple (reuse, idle timeout) is delivered before the packet that
///    starts the next connection: an extension keeping per-connection state can join the
///    record with its state exactly;
/// 2. at the end, the DNS transactions still pending, then every connection record still open
///    (end of capture, in start order), then the summary is written.
///
/// Its own figures are its own business (it keeps and merges them); `AdoptionSummary` is
/// unchanged by it.
public protocol PipelineExtension {
    /// True when the extension wants finished connection records and DNS transactions (the
    /// pipeline then collects them even when no log consumer asked).
    var wantsRecords: Bool { get }
    /// Not called for packets of a connection the extension marked done.
    /// - Parameters:
    ///   - packetNumber: 1-based number of this packet among those the pipeline analysed.
    ///   - connectionPackets: packets so far of the packet's connection (both directions, this
    ///     one included; `ConnectionAnalyzer.currentConnectionPackets`), 0 when it belongs to none.
    ///   - connectionState: the extension's scratch value for the packet's connection, kept in
    ///     the connection analyzer's own table slot (`ConnectionExtensionState`); what the
    ///     extension leaves in it is there at the connection's next packet. A packet of no
    ///     connection gets a zero value that is not kept.
    /// - Returns: true when the extension needs no more packets of this connection (the
    ///   connection analyzer keeps the mark; its record is still delivered).
    mutating func add(_ record: PacketRecord, _ packet: DecodedPacket, packetNumber: UInt64, connectionPackets: UInt64,
                      connectionState: inout ConnectionExtensionState) -> Bool
    mutating func finished(connections: [ConnectionRecord])
    mutating func finished(dns: [DNSTransaction])
}

/// The extension that does nothing (what `run` without an extension uses); specialised away.
public struct NoPipelineExtension: PipelineExtension {
    public init() {}
    @inlinable public var wantsRecords: Bool { false }
    @inlinable public mutating func add(_ record: PacketRecord, _ packet: DecodedPacket, packetNumber: UInt64, connectionPackets: UInt64,
                                        connectionState: inout ConnectionExtensionState) -> Bool { false }
    @inlinable public mutating func finished(connections: [ConnectionRecord]) {}
    @inlinable public mutating func finished(dns: [DNSTransaction]) {}
}

/// A pipeline extension's per-connection scratch, stored in the connection analyzer's table slot
/// (in `LiveConnection`'s padding: the slot size does not change). It lets an extension keep a
/// little state for every connection (the CDN analysis: the client's SYN sequence number until
/// the first payload shows what the connection carries, and the ids of the DNS answers current
/// at its first packet) without a table and a lookup of its own. Zero when a connection starts,
/// including when its 5-tuple restarts; the value at the connection's end comes with its record
/// (`ConnectionRecord.extensionState`).
public struct ConnectionExtensionState: Sendable, Equatable {
    /// 32 bits for the extension's use.
    public var word: UInt32
    /// Two more 32-bit words for the extension's use.
    public var word2: UInt32
    public var word3: UInt32
    /// 8 bits for the extension's use.
    public var flags: UInt8

    @inlinable public init(word: UInt32 = 0, word2: UInt32 = 0, word3: UInt32 = 0, flags: UInt8 = 0) {
        self.word = word; self.word2 = word2; self.word3 = word3; self.flags = flags
    }
}
