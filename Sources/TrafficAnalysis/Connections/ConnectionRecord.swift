import PacketDecoding

/// Zeek's `conn_state` (Zeek `base/protocols/conn/main.zeek`), computed from the TCP flags
/// each side sent (RFC 9293 section 3.5 handshake and closing).
///
/// | state | meaning |
/// |---|---|
/// | `S0` | connection attempt seen (SYN), no reply |
/// | `S1` | established (SYN, SYN-ACK, ACK), not terminated |
/// | `SF` | established and closed normally (FIN from both sides); for UDP/ICMP: both sides sent |
/// | `REJ` | attempt rejected: the responder answered the SYN with RST |
/// | `S2` | established, the originator sent FIN, no FIN from the responder |
/// | `S3` | established, the responder sent FIN, no FIN from the originator |
/// | `RSTO` | established, the originator aborted with RST |
/// | `RSTR` | established, the responder sent RST |
/// | `RSTOS0` | the originator sent SYN then RST; no SYN-ACK seen |
/// | `RSTRH` | the responder sent SYN-ACK then RST; no SYN from the originator seen |
/// | `SH` | the originator sent SYN then FIN; no SYN-ACK seen (half-open) |
/// | `SHR` | the responder sent SYN-ACK then FIN; no SYN from the originator seen |
/// | `OTH` | no SYN seen: traffic from the middle of a connection; for UDP/ICMP: only the originator sent |
///
/// UDP and other protocols without a handshake get `SF` when both sides sent and `S0` when only
/// the originator did (as Zeek reports them).
public enum ConnState: String, Sendable, Codable, CaseIterable {
    case s0 = "S0", s1 = "S1", sf = "SF", rej = "REJ", s2 = "S2", s3 = "S3"
    case rsto = "RSTO", rstr = "RSTR", rstos0 = "RSTOS0", rstrh = "RSTRH", sh = "SH", shr = "SHR", oth = "OTH"

    /// The summary's coarser outcome of a connection.
    public var outcome: ConnectionOutcome {
        switch self {
        case .sf, .s1, .s2, .s3: .established
        case .rsto, .rstr: .reset
        case .s0, .sh, .rstos0: .unanswered
        case .rej: .rejected
        case .rstrh, .shr, .oth: .partial
        }
    }
}

/// Outcome of a TCP connection as the summary counts it.
public enum ConnectionOutcome: String, Sendable, Codable, CaseIterable {
    /// Three-way handshake seen complete (S1, SF, S2, S3).
    case established
    /// Established, then reset by either side (RSTO, RSTR).
    case reset
    /// SYN never answered (S0, SH, RSTOS0).
    case unanswered
    /// SYN answered by RST (REJ).
    case rejected
    /// Started before the capture or missing the originator's side (OTH, RSTRH, SHR).
    case partial
}

/// Why a connection record was written.
public enum ConnectionEnd: String, Sendable, Codable, CaseIterable {
    /// No packet for the protocol's inactivity timeout (TCP 5 min, UDP and others 1 min).
    case idleTimeout = "idle_timeout"
    /// Longer than the active timeout (off unless configured).
    case activeTimeout = "active_timeout"
    /// A new SYN reused the 5-tuple after this connection had closed.
    case reused
    /// Removed to stay under the connection cap (least recently seen of a sample).
    case evicted
    /// The capture ended with the connection still open.
    case endOfCapture = "end_of_capture"
}

/// One connection as `netcensus capture conns` writes it (Zeek `conn.log` semantics): a
/// bidirectional conversation on the innermost 5-tuple, oriented from its originator.
///
/// Plain data (no reference-counted member): `history` and `tunnels` are kept in the connection
/// table's compact form and written out when read, so making, copying and dropping a record
/// costs no allocation, retain or release (the summary builds one for every connection when the
/// CDN analysis runs, and reads neither).
public struct ConnectionRecord: Sendable, Equatable {
    /// 1-based order in which the connection started in its source.
    public var id: UInt64
    /// First and last packet, nanoseconds since the Unix epoch.
    public var firstTimestamp: Int64
    public var lastTimestamp: Int64
    public var originator: IPAddress
    public var originatorPort: UInt16
    public var responder: IPAddress
    public var responderPort: UInt16
    /// IP protocol (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...).
    public var transportProtocol: UInt8
    /// Family of the innermost IP header (the connection's family).
    public var family: IPFamily
    /// Family of the outermost IP header (differs when tunnelled).
    public var outerFamily: IPFamily
    /// Tunnel mechanisms crossed, outermost first (empty when native).
    public var tunnels: [TunnelMechanism] { Self.tunnels(tunnelStack) }
    /// `tunnels` as the connection table keeps them: raw value + 1 in 4-bit nibbles, outermost
    /// in the low nibble (at most 8).
    public var tunnelStack: UInt32
    /// Packets and wire bytes (frame lengths) sent by the originator and by the responder.
    public var originatorTraffic: TrafficCounters
    public var responderTraffic: TrafficCounters
    /// Transport payload bytes announced by the headers, each way.
    public var originatorPayloadBytes: UInt64
    public var responderPayloadBytes: UInt64
    public var state: ConnState
    /// Zeek-style history: S h A D F R (originator upper case, responder lower case), each
    /// letter once, in order of first appearance; `^` first when the direction was flipped
    /// because the capture started after the SYN. Written from `historyCodes` when read.
    public var history: String { historyCodes.text }
    public var historyCodes: ConnectionHistory
    /// SYNs from the originator after the first (retransmissions).
    public var synRetransmissions: Int
    /// The most recent SYN before the SYN-ACK -> the first SYN-ACK from the responder, and the
    /// SYN-ACK -> the originator's ACK of it (ack = SYN-ACK sequence + 1), nanoseconds; nil when
    /// not seen.
    public var synToSynAck: Int64?
    public var synAckToAck: Int64?
    /// tshark's `tcp.analysis.initial_rtt`, nanoseconds: the first segment with ACK set and SYN
    /// clear after a SYN (whoever sent it) minus the most recent SYN (SYN set, ACK clear). For a
    /// complete handshake it is `synToSynAck + synAckToAck`; for a SYN rejected with RST-ACK it
    /// is SYN -> RST, as tshark reports it. nil when no such pair was seen.
    public var initialRTT: Int64?
    /// The first packet seen was not the opening SYN (TCP) — the connection began before the capture.
    public var startedBeforeCapture: Bool
    public var end: ConnectionEnd
    /// The pipeline extension's scratch value for this connection when it finished
    /// (`ConnectionExtensionState`; zero without an extension). Not part of `conn.log`: it lets
    /// the extension join the record with what it kept in the connection's slot, without a
    /// table of its own.
    public var extensionState = ConnectionExtensionState()

    /// The mechanisms of a `tunnelStack`, outermost first.
    public static func tunnels(_ stack: UInt32) -> [TunnelMechanism] {
        var r: [TunnelMechanism] = []
        var s = stack
        while s != 0 {
            if let m = TunnelMechanism(rawValue: UInt8(s & 0xf) - 1) { r.append(m) }
            s >>= 4
        }
        return r
    }
}
