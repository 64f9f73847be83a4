import PacketDecoding

/// DNS transaction figures of a capture (queries paired with responses by `DNSTransactionTracker`),
/// per family of the IP header carrying the DNS messages, plus what the looked-up names showed.
/// Mergeable: counters add, distributions merge, name flags union.
public struct DNSSummary: Sendable, Equatable, Codable {
    public struct PerFamily: Sendable, Equatable, Codable {
        /// Transactions by status (`DNSTransactionStatus` raw values).
        public var byStatus: [String: UInt64] = [:]
        /// Transactions over UDP and over TCP.
        public var udp: UInt64 = 0
        public var tcp: UInt64 = 0
        /// Response time (tshark's `dns.time`: response minus the first copy of the query) of
        /// every answered transaction.
        public var responseTime = DurationDistribution()

        public init() {}

        public mutating func merge(_ o: PerFamily) {
            byStatus.merge(o.byStatus, uniquingKeysWith: +)
            udp += o.udp; tcp += o.tcp
            responseTime.merge(o.responseTime)
        }

        enum CodingKeys: String, CodingKey { case byStatus = "by_status", udp, tcp, responseTime = "response_time" }
    }

    /// What was seen for one looked-up name (bits of `NameFlags`).
    public struct NameFlags: OptionSet, Sendable, Hashable, Codable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// A query of type A (1) / AAAA (28) for the name.
        public static let askedA = NameFlags(rawValue: 1)
        public static let askedAAAA = NameFlags(rawValue: 2)
        /// A response to an AAAA query held at least one AAAA record (RFC 3596).
        public static let aaaaAnswered = NameFlags(rawValue: 4)
        /// A response to an AAAA query held no AAAA record (NOERROR/NODATA or an error rcode).
        public static let aaaaEmpty = NameFlags(rawValue: 8)
        /// A response to an A query held at least one A record.
        public static let aAnswered = NameFlags(rawValue: 16)
    }

    public var ipv4 = PerFamily()
    public var ipv6 = PerFamily()
    /// Looked-up names (first question, presentation form, lower case) and what they showed;
    /// at most `maxNames` names are kept, the rest counted in `namesOverflow`.
    public var names: [String: NameFlags] = [:]
    public var namesOverflow: UInt64 = 0
    /// Names kept per summary (1,048,576 by default).
    public static let maxNames = 1 << 20
    /// mDNS (UDP 5353) and LLMNR (UDP 5355) packets: other protocols, kept apart, not paired.
    public var mdnsPackets: UInt64 = 0
    public var llmnrPackets: UInt64 = 0

    public init() {}

    public subscript(family: IPFamily) -> PerFamily {
        get { family == .v4 ? ipv4 : ipv6 }
        set { if family == .v4 { ipv4 = newValue } else { ipv6 = newValue } }
    }

    mutating func count(_ t: DNSTransaction) {
        if t.family == .v4 { ipv4.count(t) } else { ipv6.count(t) }
        guard !t.qname.isEmpty else { return }
        var flags: NameFlags = []
        if t.qtype == 1 { flags.insert(.askedA) }
        if t.qtype == 28 { flags.insert(.askedAAAA) }
        if t.status == .answered || t.status == .responseWithoutQuery {
            if t.qtype == 28 {
                flags.insert(t.answers.contains { $0.type == 28 } ? .aaaaAnswered : .aaaaEmpty)
            } else if t.qtype == 1, t.answers.contains(where: { $0.type == 1 }) {
                flags.insert(.aAnswered)
            }
        }
        guard !flags.isEmpty else { return }
        // One hash of the name when it is known already (the common case): changed in place.
        if let i = names.index(forKey: t.qname) { names.values[i].formUnion(flags) }
        else if names.count < Self.maxNames { names[t.qname] = flags }
        else { namesOverflow += 1 }
    }

    /// Names asked with A and never with AAAA.
    public var namesAskedAOnly: Int { names.values.reduce(0) { $0 + ($1.contains(.askedA) && !$1.contains(.askedAAAA) ? 1 : 0) } }
    /// Names asked with AAAA.
    public var namesAskedAAAA: Int { names.values.reduce(0) { $0 + ($1.contains(.askedAAAA) ? 1 : 0) } }
    /// Names with at least one AAAA record in an answer ("IPv6-enabled destinations").
    public var namesWithAAAA: Int { names.values.reduce(0) { $0 + ($1.contains(.aaaaAnswered) ? 1 : 0) } }
    /// Names whose AAAA queries were answered, never with an AAAA record.
    public var namesAAAAEmpty: Int { names.values.reduce(0) { $0 + ($1.contains(.aaaaEmpty) && !$1.contains(.aaaaAnswered) ? 1 : 0) } }

    public mutating func merge(_ o: DNSSummary) {
        ipv4.merge(o.ipv4); ipv6.merge(o.ipv6)
        for (k, v) in o.names {
            if let old = names[k] { names[k] = old.union(v) }
            else if names.count < Self.maxNames { names[k] = v }
            else { namesOverflow += 1 }
        }
        namesOverflow += o.namesOverflow
        mdnsPackets += o.mdnsPackets; llmnrPackets += o.llmnrPackets
    }

    enum CodingKeys: String, CodingKey {
        case ipv4, ipv6, names, namesOverflow = "names_overflow", mdnsPackets = "mdns_packets", llmnrPackets = "llmnr_packets"
    }
}

extension DNSSummary.PerFamily {
    mutating func count(_ t: DNSTransaction) {
        byStatus[t.status.rawValue, default: 0] += 1
        if t.transport == .udp { udp += 1 } else { tcp += 1 }
        if t.status == .answered, let ns = t.responseTimeNanoseconds { responseTime.record(nanoseconds: ns) }
    }
}
