import PacketDecoding
import TrafficAnalysis

/// `netcensus capture dns`: one line per DNS transaction (`DNSTransaction`), Zeek `dns.log`
/// field names where Zeek has the figure. Names are untrusted: stored with `\DDD` escapes by
/// the parser and escaped again by each log format. Schema: docs/dns-log.md.
public enum DNSLog {
    public static let schemaVersion = 1
    public static let fields: [(name: String, type: String)] = [
        ("ts", "time"), ("ts_ns", "int"), ("id.orig_h", "addr"), ("id.orig_p", "port"), ("id.resp_h", "addr"), ("id.resp_p", "port"),
        ("proto", "string"), ("family", "string"), ("trans_id", "count"), ("rtt_ms", "double"), ("query", "string"),
        ("qclass", "count"), ("qtype", "count"), ("qtype_name", "string"), ("rcode", "count"), ("rcode_name", "string"),
        ("AA", "bool"), ("TC", "bool"), ("RD", "bool"), ("RA", "bool"), ("AD", "bool"),
        ("answers", "vector[string]"), ("TTLs", "vector[count]"), ("cname_chain", "vector[string]"),
        ("query_retransmissions", "count"), ("status", "string"), ("source", "string"),
    ]

    public static func log(_ format: RecordLogFormat) -> RecordLog {
        RecordLog(path: "dns", schemaVersion: schemaVersion, fields: fields, format: format)
    }

    /// Mnemonic of a QTYPE (IANA DNS parameters), or `TYPEnnn` (RFC 3597 section 5).
    public static func typeName(_ t: UInt16) -> String {
        switch t {
        case 1: "A"
        case 2: "NS"
        case 5: "CNAME"
        case 6: "SOA"
        case 12: "PTR"
        case 15: "MX"
        case 16: "TXT"
        case 28: "AAAA"
        case 33: "SRV"
        case 64: "SVCB"
        case 65: "HTTPS"
        case 255: "ANY"
        default: "TYPE\(t)"
        }
    }

    /// RCODE mnemonic (RFC 1035 section 4.1.1, RFC 2136), or the number.
    public static func rcodeName(_ r: UInt8) -> String {
        switch r {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        case 6: "YXDOMAIN"
        case 7: "YXRRSET"
        case 8: "NXRRSET"
        case 9: "NOTAUTH"
        case 10: "NOTZONE"
        default: String(r)
        }
    }

    /// An answer's data as text: the address, the target name, HTTPS/SVCB parameters, or `TYPEnnn`.
    public static func answerText(_ r: DNSResourceRecord) -> String {
        switch r.data {
        case .a(let a), .aaaa(let a): return a.description
        case .cname(let n), .ptr(let n): return n
        case .svcb(let b), .https(let b):
            var parts = ["\(b.priority)", b.target]
            if !b.alpn.isEmpty { parts.append("alpn=" + b.alpn.joined(separator: ",")) }
            if !b.ipv4Hints.isEmpty { parts.append("ipv4hint=" + b.ipv4Hints.map(\.description).joined(separator: ",")) }
            if !b.ipv6Hints.isEmpty { parts.append("ipv6hint=" + b.ipv6Hints.map(\.description).joined(separator: ",")) }
            return parts.joined(separator: " ")
        case .other(let type): return typeName(type)
        }
    }

    static func bool(_ b: Bool?) -> ReportValue { b.map(ReportValue.bool) ?? .null }

    /// The field values of one transaction, in `fields` order.
    public static func values(_ t: DNSTransaction, source: String) -> [ReportValue] {
        let ts = t.queryTimestamp ?? t.responseTimestamp ?? 0
        return [
            .string(ConnectionLog.epochSeconds(ts)), .integer(ts),
            .string(t.client.description), .unsigned(UInt64(t.clientPort)), .string(t.server.description), .unsigned(UInt64(t.serverPort)),
            .string(t.transport.name), .string(t.family == .v4 ? "ipv4" : "ipv6"), .unsigned(UInt64(t.id)),
            t.responseTimeNanoseconds.map { .number(Double($0) / 1_000_000) } ?? .null,
            .string(t.qname), .unsigned(UInt64(t.qclass)), .unsigned(UInt64(t.qtype)), .string(typeName(t.qtype)),
            t.rcode.map { .unsigned(UInt64($0)) } ?? .null, t.rcode.map { .string(rcodeName($0)) } ?? .null,
            bool(t.authoritative), bool(t.truncated), bool(t.recursionDesired), bool(t.recursionAvailable), bool(t.authenticData),
            .array(t.answers.map { .string(answerText($0)) }), .array(t.answers.map { .unsigned(UInt64($0.ttl)) }),
            .array(t.cnameChain.map(ReportValue.string)),
            .integer(Int64(t.queryRetransmissions)), .string(t.status.rawValue), .string(source),
        ]
    }
}
