import CaptureCore
import PacketDecoding
import TrafficAnalysis

/// Builds the report model of `netcensus capture summarize` (schema in docs/summary-schema.md).
/// Every figure of `AdoptionSummary` gets one stable snake_case name here and nowhere else.
public enum CaptureSummaryReport {
    /// Bump when a name changes meaning or disappears; adding names keeps the version.
    /// 2: every summary object gained `cdn` (the CDN reachability section, null with `--no-cdn`),
    /// and the document a `transition` section (docs/transition.md) beside `files` and `total`.
    public static let schemaVersion = 2

    /// One capture's facts besides the summary.
    public struct FileFacts: Sendable {
        public var path: String
        /// `pcap`, `pcapng`, or nil when the file could not be opened.
        public var format: String?
        /// Packet records the reader delivered, before any `--filter`.
        public var recordsRead: Int
        public init(path: String, format: String?, recordsRead: Int) {
            self.path = path; self.format = format; self.recordsRead = recordsRead
        }
    }

    /// The whole document: `schema_version`, `tool`, `filter`, `files` (one summary per capture)
    /// and `total` (all captures merged).
    /// - Parameter cdn: the CDN analysis per file (same order as `files`) and merged, with the
    ///   rules' name; nil when it was not run (`cdn` is then null).
    public static func document(files: [(FileFacts, AdoptionSummary)], total: AdoptionSummary, filter: String?,
                                tool: String, cdn: (files: [CDNSummary], total: CDNSummary, rules: String)? = nil,
                                transition: ReportValue? = nil, targets: ReportValue? = nil) -> ReportValue {
        func section(_ s: CDNSummary?) -> ReportValue { s.map { CDNReport.section($0, rules: cdn?.rules ?? "") } ?? .null }
        func with(_ v: ReportValue, _ c: ReportValue) -> ReportValue {
            guard case .object(let m) = v else { return v }
            return .object(m + [("cdn", c)])
        }
        var members: [(String, ReportValue)] = [
            ("schema_version", .integer(Int64(schemaVersion))),
            ("tool", .string(tool)),
            ("filter", filter.map(ReportValue.string) ?? .null),
            ("files", .array(files.enumerated().map { i, f in
                with(summary(f.1, source: f.0.path, format: f.0.format, recordsRead: f.0.recordsRead),
                     section(cdn.map { $0.files[i] }))
            })),
            ("total", with(summary(total, source: "total", format: nil, recordsRead: files.reduce(0) { $0 + $1.0.recordsRead }),
                           section(cdn?.total))),
        ]
        if let t = transition { members.append(("transition", t)) }
        if let t = targets { members.append(("targets", t)) }
        return .object(members)
    }

    /// One summary object (a file's or the total).
    public static func summary(_ s: AdoptionSummary, source: String, format: String?, recordsRead: Int? = nil) -> ReportValue {
        func u(_ v: UInt64) -> ReportValue { .unsigned(v) }
        func i(_ v: Int) -> ReportValue { .integer(Int64(v)) }
        func share(_ d: Double?) -> ReportValue { d.map(ReportValue.number) ?? .null }
        func family(_ f: FamilyCounters) -> ReportValue {
            .object([
                ("ipv4", .object([("packets", u(f.ipv4.packets)), ("bytes", u(f.ipv4.bytes))])),
                ("ipv6", .object([("packets", u(f.ipv6.packets)), ("bytes", u(f.ipv6.bytes))])),
                ("other", .object([("packets", u(f.other.packets)), ("bytes", u(f.other.bytes))])),
            ])
        }
        let classes = s.addressesByClass
        let t = s.transitionAddresses
        let e = s.embeddedIPv4
        var duration: ReportValue = .null
        if let a = s.firstTimestamp, let b = s.lastTimestamp {
            // pcapng timestamps are 64-bit units from the file: b - a can overflow Int64 (fuzz finding).
            let (d, overflow) = b.subtractingReportingOverflow(a)
            duration = .number((overflow ? Double(b) - Double(a) : Double(d)) / 1e9)
        }
        var m: [(String, ReportValue)] = []
        m.append(("source", .string(source)))
        m.append(("format", format.map(ReportValue.string) ?? .null))
        m.append(("records_read", recordsRead.map { i($0) } ?? .null))
        m.append(("packets", u(s.packets)))
        m.append(("bytes", u(s.bytes)))
        m.append(("captured_bytes", u(s.capturedBytes)))
        m.append(("first_timestamp", s.firstTimestamp.map { .string(isoTimestamp($0)) } ?? .null))
        m.append(("last_timestamp", s.lastTimestamp.map { .string(isoTimestamp($0)) } ?? .null))
        m.append(("first_timestamp_ns", s.firstTimestamp.map { .integer($0) } ?? .null))
        m.append(("last_timestamp_ns", s.lastTimestamp.map { .integer($0) } ?? .null))
        m.append(("duration_seconds", duration))
        m.append(("outermost", family(s.outermost)))
        m.append(("innermost", family(s.innermost)))
        m.append(("ipv6_share", .object([
                ("packets", share(s.ipv6PacketShare)), ("bytes", share(s.ipv6ByteShare)),
                ("flows", share(s.ipv6FlowShare)), ("hosts", share(s.ipv6HostShare)),
            ])))
        m.append(("flows", .object([("ipv4", i(s.flowCount(.v4))), ("ipv6", i(s.flowCount(.v6)))])))
        m.append(("hosts", .object([("ipv4", i(s.hosts(.v4))), ("ipv6", i(s.hosts(.v6)))])))
        m.append(("tunnels", .object([("packets", u(s.tunnelledPacketsTotal))]
                + TunnelMechanism.allCases.map { ($0.name, u(s.tunnelledPackets[$0.name] ?? 0)) })))
        m.append(("dns", .object([
                ("queries_a", u(s.dns.queriesA)), ("queries_aaaa", u(s.dns.queriesAAAA)), ("queries_other", u(s.dns.queriesOther)),
                ("responses_a", u(s.dns.responsesA)), ("responses_aaaa", u(s.dns.responsesAAAA)),
                ("responses_other", u(s.dns.responsesOther)),
                ("answers_a", u(s.dns.answersA)), ("answers_aaaa", u(s.dns.answersAAAA)),
            ])))
        m.append(("tcp", .object([
                ("syn_ipv4", u(s.tcp.synV4)), ("syn_ipv6", u(s.tcp.synV6)),
                ("syn_ack_ipv4", u(s.tcp.synAckV4)), ("syn_ack_ipv6", u(s.tcp.synAckV6)),
            ])))
        m.append(("layers", .object([
                ("ipv4_any", u(s.layers.ipv4Any)), ("ipv6_any", u(s.layers.ipv6Any)),
                ("ipv6_in_ipv4", u(s.layers.ipv6InIPv4)), ("ipv4_in_ipv6", u(s.layers.ipv4InIPv6)),
                ("proto41", u(s.layers.proto41)), ("teredo", u(s.layers.teredo)), ("teredo_udp_3544", u(s.layers.teredoUDP3544)),
                ("vlan_tagged", u(s.layers.vlanTagged)), ("qinq", u(s.layers.qinq)),
                ("ipv6_extension_headers", u(s.layers.ipv6ExtensionHeaders)),
                ("l4_tcp", u(s.layers.l4TCP)), ("l4_udp", u(s.layers.l4UDP)),
                ("l4_icmpv6", u(s.layers.l4ICMPv6)), ("l4_other", u(s.layers.l4Other)),
            ])))
        m.append(("addresses", .object([
                ("distinct_ipv4", i(s.distinctAddresses(.v4))), ("distinct_ipv6", i(s.distinctAddresses(.v6))),
                ("innermost_ipv4", i(s.innermostAddressCount(.v4))), ("innermost_ipv6", i(s.innermostAddressCount(.v6))),
                ("transition", .object([("6to4", i(t.sixToFour)), ("teredo", i(t.teredo)), ("nat64", i(t.nat64)), ("isatap", i(t.isatap))])),
                ("embedded_ipv4", .object([("teredo_servers", i(e.teredoServers)), ("teredo_clients", i(e.teredoClients)),
                                           ("6to4", i(e.sixToFour)), ("nat64", i(e.nat64)), ("isatap", i(e.isatap))])),
                ("by_class", .object(AddressClass.allCases.map { ($0.rawValue, i(classes[$0] ?? 0)) })),
            ])))
        m.append(("connections", connections(s.connections)))
        m.append(("dns_transactions", dnsTransactions(s.dnsTransactions)))
        m.append(("distinct_counts", .object([
                ("exact", .bool(s.distinctCountsExact)),
                // Relative standard error of sketched counts (HyperLogLog, 2^14 registers).
                ("relative_standard_error", s.distinctCountsExact ? .number(0) : .number(HyperLogLog.relativeStandardError)),
                ("host_table_evictions", u(s.hostTableEvictions)),
            ])))
        m.append(("link_types", .array(s.linkTypes.map {
                .object([("link_type", .integer(Int64($0.linkType))), ("name", .string($0.name)),
                         ("decoded", u($0.decoded)), ("undecoded", u($0.undecoded))])
            })))
        m.append(("truncated_packets", u(s.truncatedPackets)))
        m.append(("undecodable_packets", u(s.undecodablePackets)))
        m.append(("anomalies", .object(s.anomalies.sorted { $0.key < $1.key }.map { ($0.key, u($0.value)) })))
        m.append(("warnings", .array(s.warnings.map {
                .object([("file", .string($0.file)), ("byte_offset", .integer(Int64($0.byteOffset))),
                         ("code", .string($0.code)), ("reason", .string($0.reason))])
            })))
        return .object(m)
    }

    /// Nearest-rank percentiles of a distribution in ms (null when empty) and whether exact.
    static func distribution(_ d: DurationDistribution) -> ReportValue {
        func p(_ q: Double) -> ReportValue { d.percentileMilliseconds(q).map(ReportValue.number) ?? .null }
        return .object([("count", .integer(Int64(d.count))), ("median_ms", p(50)), ("p90_ms", p(90)), ("p99_ms", p(99)),
                        ("exact", .bool(d.isExact))])
    }

    /// `connections`: per family, TCP connections by outcome and conn_state, UDP and other
    /// connections, SYN retransmissions, handshake RTT; connections finished by cause.
    static func connections(_ c: ConnectionSummary) -> ReportValue {
        func fam(_ f: ConnectionSummary.PerFamily) -> ReportValue {
            .object([
                ("connections", .unsigned(f.connections)),
                ("tcp", .object(ConnectionOutcome.allCases.map { ($0.rawValue, .unsigned(f.tcpByOutcome[$0.rawValue] ?? 0)) })),
                ("tcp_conn_state", .object(ConnState.allCases.map { ($0.rawValue.lowercased(), .unsigned(f.tcpByState[$0.rawValue] ?? 0)) })),
                ("udp", .unsigned(f.udp)), ("udp_answered", .unsigned(f.udpAnswered)), ("other", .unsigned(f.other)),
                ("syn_retransmissions", .unsigned(f.synRetransmissions)),
                ("handshake_rtt", distribution(f.handshakeRTT)),
                ("syn_to_syn_ack", distribution(f.synToSynAck)),
            ])
        }
        return .object([
            ("ipv4", fam(c.ipv4)), ("ipv6", fam(c.ipv6)),
            ("ended_by", .object(ConnectionEnd.allCases.map { ($0.rawValue, .unsigned(c.endedBy[$0.rawValue] ?? 0)) })),
            ("evictions", .unsigned(c.evictions)),
        ])
    }

    /// `dns_transactions`: per family of the DNS transport, transactions by status and transport,
    /// response time; names asked A only / AAAA, with AAAA answers, AAAA answered empty.
    static func dnsTransactions(_ d: DNSSummary) -> ReportValue {
        func fam(_ f: DNSSummary.PerFamily) -> ReportValue {
            .object([("transactions", .unsigned(f.udp + f.tcp)), ("udp", .unsigned(f.udp)), ("tcp", .unsigned(f.tcp))]
                    + DNSTransactionStatus.allCases.map { ($0.rawValue, .unsigned(f.byStatus[$0.rawValue] ?? 0)) }
                    + [("response_time", distribution(f.responseTime))])
        }
        return .object([
            ("ipv4", fam(d.ipv4)), ("ipv6", fam(d.ipv6)),
            ("names", .object([
                ("looked_up", .integer(Int64(d.names.count))),
                ("asked_a_only", .integer(Int64(d.namesAskedAOnly))),
                ("asked_aaaa", .integer(Int64(d.namesAskedAAAA))),
                ("with_aaaa_answer", .integer(Int64(d.namesWithAAAA))),
                ("aaaa_answered_empty", .integer(Int64(d.namesAAAAEmpty))),
                ("not_kept", .unsigned(d.namesOverflow)),
            ])),
            ("mdns_packets", .unsigned(d.mdnsPackets)), ("llmnr_packets", .unsigned(d.llmnrPackets)),
        ])
    }

    /// Rows for `--csv`: each file, then the total; link types become `link_type_NAME_decoded` /
    /// `_undecoded` columns.
    public static func csvRows(_ document: ReportValue) -> [ReportValue] {
        var rows: [ReportValue] = []
        if case .array(let files)? = document["files"] { rows += files }
        if let t = document["total"] { rows.append(t) }
        return rows.map { row in
            guard case .object(var members) = row else { return row }
            if case .array(let lts)? = row["link_types"] {
                for lt in lts {
                    guard case .string(let name)? = lt["name"] else { continue }
                    members.append(("link_type_" + name.lowercased() + "_decoded", lt["decoded"] ?? .null))
                    members.append(("link_type_" + name.lowercased() + "_undecoded", lt["undecoded"] ?? .null))
                }
            }
            if case .array(let ws)? = row["warnings"] { members.append(("warnings", .integer(Int64(ws.count)))) }
            // The CDN section has its own CSV (`capture cdn --csv`): left out here.
            return .object(members.filter { $0.0 != "link_types" && $0.0 != "anomalies" && $0.0 != "cdn" })
        }
    }

    /// `2024-06-01T12:00:00.123456789Z` from nanoseconds since the epoch (UTC, proleptic
    /// Gregorian; Howard Hinnant's days-to-civil algorithm, so no Foundation is needed).
    public static func isoTimestamp(_ ns: Int64) -> String {
        var secs = ns / 1_000_000_000, nanos = ns % 1_000_000_000
        if nanos < 0 { nanos += 1_000_000_000; secs -= 1 }
        var days = secs / 86_400, rem = secs % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func p(_ v: Int64, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        var out = "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(rem / 3600, 2)):\(p(rem % 3600 / 60, 2)):\(p(rem % 60, 2))"
        if nanos != 0 {
            var f = p(nanos, 9)
            while f.hasSuffix("0") { f.removeLast() }
            out += "." + f
        }
        return out + "Z"
    }
}
