import CaptureCore
import PacketDecoding

/// Which analyzers of an `AnalyzerSet` run. One pass runs both groups; a staged run
/// (`CaptureJobs.StagedFileJob`) reads a file twice at once, one group per thread, and writes
/// both groups' figures into one summary. The groups share no state: the packet figures are
/// per-packet counts and distinct sets, the flows are the connection and DNS tables (and what
/// hangs on their records: pipeline extensions, the transition analysis).
public struct AnalyzerRoles: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Families, layers, link types, warnings (`FamilyAnalyzer`), hosts and distinct addresses
    /// (`HostAnalyzer`), SYN / SYN-ACK counts, DNS message counts.
    public static let packetFigures = AnalyzerRoles(rawValue: 1)
    /// Connections (`ConnectionAnalyzer`, with the 5-tuple set) and DNS transactions.
    public static let flows = AnalyzerRoles(rawValue: 2)
    public static let all: AnalyzerRoles = [.packetFigures, .flows]
}

/// The fixed composition of analyzers the pipeline runs, called in order with static dispatch
/// (no existentials in the per-packet loop). Each analyzer lives in its own file; adding one is
/// a stored property here plus a line in `add` and `finish`.
public struct AnalyzerSet: Sendable {
    /// The groups this set runs (`.all` but in a staged run).
    public let roles: AnalyzerRoles
    public var family: FamilyAnalyzer
    public var hosts: HostAnalyzer
    public var connections: ConnectionAnalyzer
    public var handshakes = TCPHandshakeAnalyzer()
    public var dnsMessages = DNSMessageCounter()
    public var dnsTransactions: DNSTransactionAnalyzer

    public init(source: String, options: AnalysisOptions, roles: AnalyzerRoles = .all) {
        self.roles = roles
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
        if roles == .all {
            var prepared = ConnectionAnalyzer.prepare(record, &packet)
            if prepared.isConnection { connections.prefetch(&prepared) }
            let hostHashes = hosts.prefetch(packet)
            family.add(record, &packet)
            hosts.add(record, &packet, prehashed: hostHashes)
            connections.add(prepared: &prepared)
            handshakes.add(record, &packet)
            dnsMessages.add(record, &packet)
            dnsTransactions.add(record, &packet)
        } else if roles.contains(.packetFigures) {
            let hostHashes = hosts.prefetch(packet)
            family.add(record, &packet)
            hosts.add(record, &packet, prehashed: hostHashes)
            handshakes.add(record, &packet)
            dnsMessages.add(record, &packet)
        } else if roles.contains(.flows) {
            var prepared = ConnectionAnalyzer.prepare(record, &packet)
            if prepared.isConnection { connections.prefetch(&prepared) }
            connections.add(prepared: &prepared)
            dnsTransactions.add(record, &packet)
        }
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
        finish(into: &s)
        return s
    }

    /// Finishes the analyzers of `roles` into `s`. The packet figures replace the summary
    /// (keeping other groups' members, see `FamilyAnalyzer.finish`), so a staged run finishes
    /// its packet-figure set first and the flow set into the same summary after it.
    public mutating func finish(into s: inout AdoptionSummary) {
        if roles.contains(.packetFigures) {
            family.finish(into: &s)
            hosts.finish(into: &s)
        }
        if roles.contains(.flows) { connections.finish(into: &s) }
        if roles.contains(.packetFigures) {
            handshakes.finish(into: &s)
            dnsMessages.finish(into: &s)
        }
        if roles.contains(.flows) { dnsTransactions.finish(into: &s) }
    }
}
