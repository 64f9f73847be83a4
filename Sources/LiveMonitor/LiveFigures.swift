import LiveCapture
import TrafficAnalysis

/// A connection counter's labels: family (`ipv4`/`ipv6`), protocol (`tcp`/`udp`/`other`) and
/// outcome (for TCP the summary's outcome names, e.g. `established`, `rejected`,
/// `no_answer`; for UDP `answered`/`unanswered`; `other` otherwise).
public struct ConnectionLabel: Hashable, Sendable, Comparable {
    public var family: String
    public var transport: String
    public var outcome: String
    public static func < (a: Self, b: Self) -> Bool { (a.family, a.transport, a.outcome) < (b.family, b.transport, b.outcome) }
}

/// The counters a live run reports every interval, cheap to take from a running pipeline (no
/// table is copied or finished): packets and bytes per family, tunnels, DNS messages, TCP
/// openings, connections *finished* so far by outcome, the live-connection gauge, and
/// libpcap's counters. Every field but `liveConnections` only grows, so an interval's figures
/// are `run(k) - run(k-1)` (`minus`), and the figures of several workers add (`merge`).
public struct LiveFigures: Sendable, Equatable {
    /// Packets and wire bytes analysed.
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    public var outermost = FamilyCounters()
    public var innermost = FamilyCounters()
    /// Tunnelled packets per mechanism name (`6in4`, `teredo`, ... as in the summary).
    public var tunnelled: [String: UInt64] = [:]
    public var dns = DNSCounters()
    public var tcp = HandshakeCounters()
    /// Connections that left the table, by label.
    public var connections: [ConnectionLabel: UInt64] = [:]
    /// Connections in the table now (a gauge: merged by adding, not subtracted by `minus`).
    public var liveConnections: Int = 0
    /// libpcap's counters (`pcap_stats`), widened to 64 bits.
    public var pcap = PcapCounters()
    /// Packets libpcap handed to NetCensus (`pcap_next_ex`).
    public var delivered: UInt64 = 0

    public init() {}

    /// The figures of a running pipeline.
    public init(pipeline: AnalysisPipeline, pcap: PcapCounters, delivered: UInt64) {
        var s = AdoptionSummary()
        var family = pipeline.analyzers.family       // copies share storage: finish(into:) only reads them
        family.finish(into: &s)
        var handshakes = pipeline.analyzers.handshakes
        handshakes.finish(into: &s)
        var dnsMessages = pipeline.analyzers.dnsMessages
        dnsMessages.finish(into: &s)
        packets = s.packets; bytes = s.bytes
        outermost = s.outermost; innermost = s.innermost
        tunnelled = s.tunnelledPackets
        dns = s.dns; tcp = s.tcp
        connections = Self.labels(pipeline.analyzers.connections.finishedSummary)
        liveConnections = pipeline.analyzers.connections.liveCount
        self.pcap = pcap
        self.delivered = delivered
    }

    /// Connection counts of a summary by label.
    public static func labels(_ c: ConnectionSummary) -> [ConnectionLabel: UInt64] {
        var out: [ConnectionLabel: UInt64] = [:]
        for (name, f) in [("ipv4", c.ipv4), ("ipv6", c.ipv6)] {
            for (outcome, n) in f.tcpByOutcome where n > 0 { out[ConnectionLabel(family: name, transport: "tcp", outcome: outcome), default: 0] += n }
            if f.udpAnswered > 0 { out[ConnectionLabel(family: name, transport: "udp", outcome: "answered")] = f.udpAnswered }
            if f.udp > f.udpAnswered { out[ConnectionLabel(family: name, transport: "udp", outcome: "unanswered")] = f.udp - f.udpAnswered }
            if f.other > 0 { out[ConnectionLabel(family: name, transport: "other", outcome: "other")] = f.other }
        }
        return out
    }

    /// Adds another worker's figures (the interface's own drops are kept once, see `PcapCounters.merge`).
    public mutating func merge(_ o: LiveFigures) {
        packets += o.packets; bytes += o.bytes
        outermost.merge(o.outermost); innermost.merge(o.innermost)
        tunnelled.merge(o.tunnelled, uniquingKeysWith: +)
        dns.merge(o.dns); tcp.merge(o.tcp)
        connections.merge(o.connections, uniquingKeysWith: +)
        liveConnections += o.liveConnections
        pcap.merge(o.pcap)
        delivered += o.delivered
    }

    /// What happened between `earlier` and these figures (the gauge stays as it is now).
    public func minus(_ e: LiveFigures) -> LiveFigures {
        func d(_ a: UInt64, _ b: UInt64) -> UInt64 { a >= b ? a - b : 0 }
        func fam(_ a: FamilyCounters, _ b: FamilyCounters) -> FamilyCounters {
            var r = FamilyCounters()
            r.ipv4 = TrafficCounters(packets: d(a.ipv4.packets, b.ipv4.packets), bytes: d(a.ipv4.bytes, b.ipv4.bytes))
            r.ipv6 = TrafficCounters(packets: d(a.ipv6.packets, b.ipv6.packets), bytes: d(a.ipv6.bytes, b.ipv6.bytes))
            r.other = TrafficCounters(packets: d(a.other.packets, b.other.packets), bytes: d(a.other.bytes, b.other.bytes))
            return r
        }
        var r = LiveFigures()
        r.packets = d(packets, e.packets); r.bytes = d(bytes, e.bytes)
        r.outermost = fam(outermost, e.outermost); r.innermost = fam(innermost, e.innermost)
        for (k, v) in tunnelled { let x = d(v, e.tunnelled[k] ?? 0); if x > 0 { r.tunnelled[k] = x } }
        r.dns.queriesA = d(dns.queriesA, e.dns.queriesA); r.dns.queriesAAAA = d(dns.queriesAAAA, e.dns.queriesAAAA)
        r.dns.queriesOther = d(dns.queriesOther, e.dns.queriesOther)
        r.dns.responsesA = d(dns.responsesA, e.dns.responsesA); r.dns.responsesAAAA = d(dns.responsesAAAA, e.dns.responsesAAAA)
        r.dns.responsesOther = d(dns.responsesOther, e.dns.responsesOther)
        r.dns.answersA = d(dns.answersA, e.dns.answersA); r.dns.answersAAAA = d(dns.answersAAAA, e.dns.answersAAAA)
        r.tcp.synV4 = d(tcp.synV4, e.tcp.synV4); r.tcp.synV6 = d(tcp.synV6, e.tcp.synV6)
        r.tcp.synAckV4 = d(tcp.synAckV4, e.tcp.synAckV4); r.tcp.synAckV6 = d(tcp.synAckV6, e.tcp.synAckV6)
        for (k, v) in connections { let x = d(v, e.connections[k] ?? 0); if x > 0 { r.connections[k] = x } }
        r.liveConnections = liveConnections
        r.pcap = pcap.minus(e.pcap)
        r.delivered = d(delivered, e.delivered)
        return r
    }

    /// IPv6 share of innermost-IP packets, 0...1 (nil without IP packets), as the summary's `ipv6_share.packets`.
    public var ipv6PacketShare: Double? {
        let t = innermost.ipv4.packets + innermost.ipv6.packets
        return t == 0 ? nil : Double(innermost.ipv6.packets) / Double(t)
    }

    /// Packets received by the kernel but neither dropped nor handed over yet (in the ring when
    /// the counters were read); 0 after the final drain.
    public var inFlight: UInt64 {
        let accounted = pcap.dropped + delivered
        return pcap.received > accounted ? pcap.received - accounted : 0
    }
}
