import PacketDecoding

/// Connection figures of a capture, per family of the innermost header. Mergeable: counters
/// add, distributions merge.
public struct ConnectionSummary: Sendable, Equatable, Codable {
    public struct PerFamily: Sendable, Equatable, Codable {
        /// Connections finished, all protocols.
        public var connections: UInt64 = 0
        /// TCP connections by outcome (`ConnState.outcome`), keyed by outcome name.
        public var tcpByOutcome: [String: UInt64] = [:]
        /// TCP connections by Zeek `conn_state`, keyed by state name.
        public var tcpByState: [String: UInt64] = [:]
        /// UDP connections, and those where the responder sent something back.
        public var udp: UInt64 = 0
        public var udpAnswered: UInt64 = 0
        /// Connections of other protocols (ICMP, ICMPv6, ESP, GRE...).
        public var other: UInt64 = 0
        /// SYN retransmissions over all TCP connections.
        public var synRetransmissions: UInt64 = 0
        /// Initial RTT (`ConnectionRecord.initialRTT`, tshark's rule) of each TCP connection whose
        /// handshake (SYN, SYN-ACK, the ACK of it) was seen whole.
        public var handshakeRTT = DurationDistribution()
        /// SYN -> SYN-ACK (`ConnectionRecord.synToSynAck`) of each TCP connection where both were seen.
        public var synToSynAck = DurationDistribution()

        public init() {}

        /// Counts one connection; the TCP outcome and state go into `tcpByOutcome` / `tcpByState`
        /// unless `stateTally` takes them (see `ConnectionSummary.Tally`).
        mutating func count(_ c: LiveConnection, transportProtocol: UInt8, state: ConnState, stateTally: Bool = false) {
            connections += 1
            switch transportProtocol {
            case 6:
                if !stateTally {
                    tcpByOutcome[state.outcome.rawValue, default: 0] += 1
                    tcpByState[state.rawValue, default: 0] += 1
                }
                synRetransmissions += UInt64(c.synRetransmissions)
                if let a = c.synToSynAck {
                    synToSynAck.record(nanoseconds: a)
                    // A complete handshake (SYN, SYN-ACK, the ACK of it): its initial RTT.
                    if c.synAckToAck != nil, c.tsharkInitialRTT != LiveConnection.unseen { handshakeRTT.record(nanoseconds: c.tsharkInitialRTT) }
                }
            case 17:
                udp += 1
                if c.responder.packets > 0 { udpAnswered += 1 }
            default:
                other += 1
            }
        }

        public mutating func merge(_ o: PerFamily) {
            connections += o.connections
            tcpByOutcome.merge(o.tcpByOutcome, uniquingKeysWith: +)
            tcpByState.merge(o.tcpByState, uniquingKeysWith: +)
            udp += o.udp; udpAnswered += o.udpAnswered; other += o.other
            synRetransmissions += o.synRetransmissions
            handshakeRTT.merge(o.handshakeRTT)
            synToSynAck.merge(o.synToSynAck)
        }

        enum CodingKeys: String, CodingKey {
            case connections, tcpByOutcome = "tcp_by_outcome", tcpByState = "tcp_by_state", udp, udpAnswered = "udp_answered"
            case other, synRetransmissions = "syn_retransmissions", handshakeRTT = "handshake_rtt", synToSynAck = "syn_to_syn_ack"
        }
    }

    public var ipv4 = PerFamily()
    public var ipv6 = PerFamily()
    /// Connections that left the table, by cause (`ConnectionEnd` raw values).
    public var endedBy: [String: UInt64] = [:]

    public init() {}

    public subscript(family: IPFamily) -> PerFamily {
        get { family == .v4 ? ipv4 : ipv6 }
        set { if family == .v4 { ipv4 = newValue } else { ipv6 = newValue } }
    }

    /// Connections removed to stay under the cap (never silent: the figure is in every output).
    public var evictions: UInt64 { endedBy[ConnectionEnd.evicted.rawValue] ?? 0 }

    mutating func count(_ c: LiveConnection, key: FlowKey, state: ConnState, end: ConnectionEnd) {
        endedBy[end.rawValue, default: 0] += 1
        // In place: copying a PerFamily out and back would copy its distributions' arrays on
        // every connection (copy-on-write with two owners).
        if key.family == .v4 { ipv4.count(c, transportProtocol: key.transportProtocol, state: state) }
        else { ipv6.count(c, transportProtocol: key.transportProtocol, state: state) }
    }

    /// `count` with the string-keyed figures (end cause, TCP outcome and state) tallied in
    /// `tally`'s fixed slots instead: three dictionary updates with a hashed `String` key per
    /// finished connection cost more than the rest of counting it. `tally.fold(into:)` adds
    /// them to the dictionaries (same keys and sums as `count`).
    mutating func count(_ c: LiveConnection, key: FlowKey, state: ConnState, end: ConnectionEnd, tally: inout Tally) {
        tally.ends[end.tallyIndex] &+= 1
        if key.family == .v4 { ipv4.count(c, transportProtocol: key.transportProtocol, state: state, stateTally: true) }
        else { ipv6.count(c, transportProtocol: key.transportProtocol, state: state, stateTally: true) }
        if key.transportProtocol == 6 { tally.states[(key.family == .v4 ? 0 : ConnState.allCases.count) + state.tallyIndex] &+= 1 }
    }

    /// Connections by end cause and TCP connections by (family, state) not yet in the
    /// dictionaries of a `ConnectionSummary`.
    struct Tally: Sendable {
        var ends = [UInt64](repeating: 0, count: ConnectionEnd.allCases.count)
        var states = [UInt64](repeating: 0, count: 2 * ConnState.allCases.count)

        /// Adds the tallies to `s` (keys only for non-zero counts, as `count` makes them).
        func fold(into s: inout ConnectionSummary) {
            for (i, end) in ConnectionEnd.allCases.enumerated() where ends[i] != 0 { s.endedBy[end.rawValue, default: 0] += ends[i] }
            let n = ConnState.allCases.count
            for (i, state) in ConnState.allCases.enumerated() {
                if states[i] != 0 {
                    s.ipv4.tcpByOutcome[state.outcome.rawValue, default: 0] += states[i]
                    s.ipv4.tcpByState[state.rawValue, default: 0] += states[i]
                }
                if states[n + i] != 0 {
                    s.ipv6.tcpByOutcome[state.outcome.rawValue, default: 0] += states[n + i]
                    s.ipv6.tcpByState[state.rawValue, default: 0] += states[n + i]
                }
            }
        }
    }

    public mutating func merge(_ o: ConnectionSummary) {
        ipv4.merge(o.ipv4); ipv6.merge(o.ipv6)
        endedBy.merge(o.endedBy, uniquingKeysWith: +)
    }

    enum CodingKeys: String, CodingKey { case ipv4, ipv6, endedBy = "ended_by" }
}

extension ConnState {
    /// Position in `allCases` (the `ConnectionSummary.Tally` slot).
    var tallyIndex: Int {
        switch self {
        case .s0: 0
        case .s1: 1
        case .sf: 2
        case .rej: 3
        case .s2: 4
        case .s3: 5
        case .rsto: 6
        case .rstr: 7
        case .rstos0: 8
        case .rstrh: 9
        case .sh: 10
        case .shr: 11
        case .oth: 12
        }
    }
}

extension ConnectionEnd {
    /// Position in `allCases` (the `ConnectionSummary.Tally` slot).
    var tallyIndex: Int {
        switch self {
        case .idleTimeout: 0
        case .activeTimeout: 1
        case .reused: 2
        case .evicted: 3
        case .endOfCapture: 4
        }
    }
}
