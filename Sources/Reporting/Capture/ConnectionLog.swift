import PacketDecoding
import TrafficAnalysis

/// `netcensus capture conns`: one line per connection (`ConnectionRecord`), Zeek `conn.log`
/// field names where Zeek has the figure. Schema: docs/conn-log.md.
public enum ConnectionLog {
    public static let schemaVersion = 1
    public static let fields: [(name: String, type: String)] = [
        ("ts", "time"), ("ts_ns", "int"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"), ("id.resp_h", "addr"),
        ("id.resp_p", "port"), ("proto", "string"), ("family", "string"), ("outer_family", "string"),
        ("tunnels", "vector[string]"), ("duration", "interval"), ("orig_pkts", "count"), ("orig_ip_bytes", "count"),
        ("resp_pkts", "count"), ("resp_ip_bytes", "count"), ("orig_bytes", "count"), ("resp_bytes", "count"),
        ("conn_state", "string"), ("history", "string"), ("syn_retransmissions", "count"),
        ("syn_synack_ms", "double"), ("synack_ack_ms", "double"), ("initial_rtt_ms", "double"),
        ("started_before_capture", "bool"), ("ended_by", "string"), ("source", "string"),
    ]

    public static func log(_ format: RecordLogFormat) -> RecordLog {
        RecordLog(path: "conn", schemaVersion: schemaVersion, fields: fields, format: format)
    }

    /// Protocol name as Zeek writes it (`tcp`, `udp`, `icmp`), else the number.
    static func protocolName(_ p: UInt8, _ family: IPFamily) -> String {
        switch p {
        case 6: "tcp"
        case 17: "udp"
        case 1: "icmp"
        case 58: "icmp6"
        default: String(p)
        }
    }

    /// Seconds since the epoch with nanosecond digits (`1700000000.123456789`).
    public static func epochSeconds(_ ns: Int64) -> String {
        let s = ns >= 0 ? ns / 1_000_000_000 : (ns - 999_999_999) / 1_000_000_000
        let frac = ns - s * 1_000_000_000
        return "\(s)." + String(frac).leftPadded(9)
    }

    static func milliseconds(_ ns: Int64?) -> ReportValue { ns.map { .number(Double($0) / 1_000_000) } ?? .null }

    /// The field values of one record, in `fields` order.
    public static func values(_ r: ConnectionRecord, source: String) -> [ReportValue] {
        [
            .string(epochSeconds(r.firstTimestamp)), .integer(r.firstTimestamp), .string("C\(r.id)"),
            .string(r.originator.description), .unsigned(UInt64(r.originatorPort)),
            .string(r.responder.description), .unsigned(UInt64(r.responderPort)),
            .string(protocolName(r.transportProtocol, r.family)),
            .string(r.family == .v4 ? "ipv4" : "ipv6"), .string(r.outerFamily == .v4 ? "ipv4" : "ipv6"),
            .array(r.tunnels.map { .string($0.name) }),
            .number(Double(elapsedNs(r.firstTimestamp, r.lastTimestamp)) / 1e9),
            .unsigned(r.originatorTraffic.packets), .unsigned(r.originatorTraffic.bytes),
            .unsigned(r.responderTraffic.packets), .unsigned(r.responderTraffic.bytes),
            .unsigned(r.originatorPayloadBytes), .unsigned(r.responderPayloadBytes),
            .string(r.state.rawValue), .string(r.history), .integer(Int64(r.synRetransmissions)),
            milliseconds(r.synToSynAck), milliseconds(r.synAckToAck), milliseconds(r.initialRTT),
            .bool(r.startedBeforeCapture), .string(r.end.rawValue), .string(source),
        ]
    }

    static func elapsedNs(_ a: Int64, _ b: Int64) -> Int64 {
        let (d, o) = b.subtractingReportingOverflow(a)
        return o ? Int64.max : d
    }
}
