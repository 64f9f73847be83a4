import LiveCapture
import LiveMonitor
import Reporting
import TrafficAnalysis

/// The report values of a live run: an interval line (NDJSON object or table line) and the
/// `capture` member added to the final summary. Keys are written out here (docs/live.md), never
/// derived from Swift property names.
enum LiveReport {
    /// libpcap's counters as reported: `received`, `dropped` (kernel), `interface_dropped`,
    /// `delivered` (handed to NetCensus), `drop_share` (dropped / received).
    static func capture(_ f: LiveFigures) -> ReportValue {
        .object([
            ("received", .unsigned(f.pcap.received)),
            ("dropped", .unsigned(f.pcap.dropped)),
            ("interface_dropped", .unsigned(f.pcap.interfaceDropped)),
            ("delivered", .unsigned(f.delivered)),
            ("drop_share", .number(f.pcap.dropShare)),
        ])
    }

    static func figures(_ f: LiveFigures) -> ReportValue {
        func fam(_ c: FamilyCounters) -> ReportValue {
            .object([
                ("ipv4", .object([("packets", .unsigned(c.ipv4.packets)), ("bytes", .unsigned(c.ipv4.bytes))])),
                ("ipv6", .object([("packets", .unsigned(c.ipv6.packets)), ("bytes", .unsigned(c.ipv6.bytes))])),
                ("other", .object([("packets", .unsigned(c.other.packets)), ("bytes", .unsigned(c.other.bytes))])),
            ])
        }
        return .object([
            ("packets", .unsigned(f.packets)),
            ("bytes", .unsigned(f.bytes)),
            ("outermost", fam(f.outermost)),
            ("innermost", fam(f.innermost)),
            ("ipv6_packet_share", f.ipv6PacketShare.map(ReportValue.number) ?? .null),
            ("tunnelled_packets", .object(f.tunnelled.keys.sorted().map { ($0, .unsigned(f.tunnelled[$0]!)) })),
            ("dns", .object([
                ("queries_a", .unsigned(f.dns.queriesA)), ("queries_aaaa", .unsigned(f.dns.queriesAAAA)),
                ("queries_other", .unsigned(f.dns.queriesOther)),
                ("responses_a", .unsigned(f.dns.responsesA)), ("responses_aaaa", .unsigned(f.dns.responsesAAAA)),
                ("responses_other", .unsigned(f.dns.responsesOther)),
            ])),
            ("tcp", .object([
                ("syn_ipv4", .unsigned(f.tcp.synV4)), ("syn_ipv6", .unsigned(f.tcp.synV6)),
                ("syn_ack_ipv4", .unsigned(f.tcp.synAckV4)), ("syn_ack_ipv6", .unsigned(f.tcp.synAckV6)),
            ])),
            ("connections_finished", .array(f.connections.keys.sorted().map { k in
                .object([("family", .string(k.family)), ("transport", .string(k.transport)), ("outcome", .string(k.outcome)),
                         ("count", .unsigned(f.connections[k]!))])
            })),
            ("live_connections", .integer(Int64(f.liveConnections))),
            ("capture", capture(f)),
        ])
    }

    /// One NDJSON object: `type` "interval", `sequence` (1-based), `end` (RFC 3339 UTC, when the
    /// interval's figures were taken), `seconds` (its length), `interval` and `run` figures.
    static func intervalObject(sequence: Int, end: String, seconds: Double, interval: LiveFigures, run: LiveFigures) -> ReportValue {
        .object([
            ("type", .string("interval")),
            ("sequence", .integer(Int64(sequence))),
            ("end", .string(end)),
            ("seconds", .number(seconds)),
            ("interval", figures(interval)),
            ("run", figures(run)),
        ])
    }

    /// One table line for interval `sequence`.
    static func intervalLine(sequence: Int, end: String, interval i: LiveFigures, run r: LiveFigures) -> String {
        func pct(_ d: Double?) -> String { d.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
        return "\(end) #\(sequence) packets \(i.packets) (IPv6 \(pct(i.ipv6PacketShare))) "
            + "received \(i.pcap.received) dropped \(i.pcap.dropped) if_dropped \(i.pcap.interfaceDropped) "
            + "live_conns \(i.liveConnections) | run packets \(r.packets) (IPv6 \(pct(r.ipv6PacketShare))) "
            + "received \(r.pcap.received) dropped \(r.pcap.dropped) (\(String(format: "%.3f%%", r.pcap.dropShare * 100)))"
    }
}

extension LiveReport {
    /// The `capture` member of the final summary (docs/summary-schema.md): interface, workers,
    /// why the run stopped, its length, libpcap's counters over all workers, and the files written.
    static func captureSection(interface: String, outcome: LiveSession.Outcome) -> ReportValue {
        guard case .object(let counters) = capture(outcome.figures) else { return .null }
        return .object([
            ("interface", .string(interface)),
            ("workers", .integer(Int64(outcome.workers))),
            ("stopped_by", .string(outcome.stoppedBy)),
            ("seconds", .number(outcome.seconds)),
            ("buffer_bytes", .integer(Int64(outcome.bufferBytes))),
        ] + counters + [("files", .array(outcome.files.map(ReportValue.string)))])
    }

    /// The same facts under the table.
    static func captureLines(_ o: LiveSession.Outcome) -> String {
        let f = o.figures
        return "capture: \(o.workers) worker\(o.workers == 1 ? "" : "s"), stopped by \(o.stoppedBy) after "
            + String(format: "%.1f", o.seconds) + " s; received \(f.pcap.received), dropped by the kernel \(f.pcap.dropped) ("
            + String(format: "%.3f", f.pcap.dropShare * 100) + "%), by the interface \(f.pcap.interfaceDropped), delivered \(f.delivered)\n"
            + o.files.map { "wrote " + Escaping.terminal($0) + "\n" }.joined()
    }
}
