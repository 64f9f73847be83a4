import CaptureCore
import PacketDecoding

/// Which analyzers of an `AnalyzerSet` run. One pass runs them all; a staged run
/// (`CaptureJobs.StagedFileJob`) reads a file twice at once and splits the groups between the
/// threads, writing every group's figures into one summary; a command that prints none of a
/// group's figures leaves it out (`capture analyze` without `--state-out` needs no hosts). The
/// groups share no state: the packet figures are per-packet counts and distinct sets, the flows
/// are the connection and DNS tables (and what hangs on their records: pipeline extensions, the
/// transition analysis).
public struct AnalyzerRoles: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Families, layers, link types, truncation, warnings (`FamilyAnalyzer`).
    public static let families = AnalyzerRoles(rawValue: 1)
    /// Connections (`ConnectionAnalyzer`, with the 5-tuple set) and DNS transactions.
    public static let flows = AnalyzerRoles(rawValue: 2)
    /// Hosts and distinct addresses (`HostAnalyzer`).
    public static let hosts = AnalyzerRoles(rawValue: 4)
    /// SYN / SYN-ACK counts and DNS message counts.
    public static let packetCounts = AnalyzerRoles(rawValue: 8)
    /// Every figure of a packet alone: families, hosts, packet counts.
    public static let packetFigures: AnalyzerRoles = [.families, .hosts, .packetCounts]
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
        } else if roles == .packetFigures {
            // The two halves of a staged summarize, spelled out: through `addSelected` they cost
            // ~3 % more instructions per thread (callgrind, synth-100M: 570 / 619 M vs 553 / 602 M).
            let hostHashes = hosts.prefetch(packet)
            family.add(record, &packet)
            hosts.add(record, &packet, prehashed: hostHashes)
            handshakes.add(record, &packet)
            dnsMessages.add(record, &packet)
        } else if roles == .families {
            // The transition thread of a staged `capture analyze` (its other half is `.flows`).
            family.add(record, &packet)
        } else if roles == .flows {
            var prepared = ConnectionAnalyzer.prepare(record, &packet)
            if prepared.isConnection { connections.prefetch(&prepared) }
            connections.add(prepared: &prepared)
            dnsTransactions.add(record, &packet)
        } else {
            addSelected(record, &packet)
        }
    }

    /// `add` for any other choice of roles, in the same order as `.all`.
    @inlinable
    mutating func addSelected(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        var prepared = ConnectionAnalyzer.Prepared.none
        if roles.contains(.flows) {
            prepared = ConnectionAnalyzer.prepare(record, &packet)
            if prepared.isConnection { connections.prefetch(&prepared) }
        }
        if roles.contains(.families) { family.add(record, &packet) }
        if roles.contains(.hosts) { hosts.add(record, &packet) }
        if roles.contains(.flows) { connections.add(prepared: &prepared) }
        if roles.contains(.packetCounts) {
            handshakes.add(record, &packet)
            dnsMessages.add(record, &packet)
        }
        if roles.contains(.flows) { dnsTransactions.add(record, &packet) }
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
        if roles.contains(.families) { family.finish(into: &s) }
        if roles.contains(.hosts) { hosts.finish(into: &s) }
        if roles.contains(.flows) { connections.finish(into: &s) }
        if roles.contains(.packetCounts) {
            handshakes.finish(into: &s)
            dnsMessages.finish(into: &s)
        }
        if roles.contains(.flows) { dnsTransactions.finish(into: &s) }
    }
}
