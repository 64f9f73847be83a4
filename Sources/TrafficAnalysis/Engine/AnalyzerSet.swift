import CaptureCore
import PacketDecoding

/// The fixed composition of analyzers the pipeline runs, called in order with static dispatch
/// (no existentials in the per-packet loop). Each analyzer lives in its own file; adding one is
/// a stored property here plus a line in `add` and `finish`.
public struct AnalyzerSet: Sendable {
    public var family: FamilyAnalyzer
    public var hosts: HostAnalyzer
    public var connections: ConnectionAnalyzer
    public var handshakes = TCPHandshakeAnalyzer()
    public var dnsMessages = DNSMessageCounter()
    public var dnsTransactions: DNSTransactionAnalyzer

    public init(source: String, options: AnalysisOptions) {
        family = FamilyAnalyzer(source: source)
        hosts = HostAnalyzer(options: options)
        connections = ConnectionAnalyzer(options: options)
        dnsTransactions = DNSTransactionAnalyzer(options: options)
    }

    /// `packet` is `inout` only to be passed by address to the analyzers (see
    /// `PacketAnalyzer.add`); nothing changes it.
    @inlinable @inline(__always)
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        // The connection key first, so its table slot and the hosts' slots are fetched while
        // the family and host steps run (the slot loads were the pipeline's largest stalls).
        // Filled in place and passed by address: an `Optional` return was copied twice.
        var prepared = ConnectionAnalyzer.prepare(record, packet)
        if prepared.isConnection { connections.prefetch(&prepared) }
        let hostHashes = hosts.prefetch(packet)
        family.add(record, &packet)
        hosts.add(record, &packet, prehashed: hostHashes)
        connections.add(prepared: &prepared)
        handshakes.add(record, &packet)
        dnsMessages.add(record, &packet)
        dnsTransactions.add(record, &packet)
    }

    /// `add` for a packet held by value (tests and one-off callers; it copies the packet once).
    @inlinable
    public mutating func add(_ record: PacketRecord, _ packet: DecodedPacket) {
        var p = packet
        add(record, &p)
    }

    /// Finishes every analyzer (live state emitted) into one summary.
    public mutating func finish() -> AdoptionSummary {
        var s = AdoptionSummary()
        family.finish(into: &s)
        hosts.finish(into: &s)
        connections.finish(into: &s)
        handshakes.finish(into: &s)
        dnsMessages.finish(into: &s)
        dnsTransactions.finish(into: &s)
        return s
    }
}
