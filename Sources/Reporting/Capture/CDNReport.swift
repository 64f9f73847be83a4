import TrafficAnalysis

/// The report model of the CDN analysis (definitions in docs/cdn.md): `netcensus capture cdn`
/// (table, `--json`, `--csv`) and the `cdn` member of the `capture summarize --json` document.
/// Every key is written here and nowhere else (DESIGN practice 15); names (SNI, Host, DNS
/// names) are untrusted `.string`s, escaped by each renderer.
public enum CDNReport {
    /// Version of the `capture cdn --json` document; bump when a name changes meaning.
    public static let schemaVersion = 1

    /// What a row is.
    public enum Grouping: String, Sendable, CaseIterable {
        case provider, name
    }

    /// One family's figures.
    static func family(_ f: CDNFamilyFigures) -> ReportValue {
        .object([
            ("attempts", .unsigned(f.attempts)),
            ("handshakes", .unsigned(f.handshakes)),
            ("successes", .unsigned(f.successes)),
            ("success_rate", f.successRate.map(ReportValue.number) ?? .null),
            ("handshake_rtt", CaptureSummaryReport.distribution(f.handshakeRTT)),
            ("tls_client_hellos", .unsigned(f.tlsClientHellos)),
            ("tls_server_hellos", .unsigned(f.tlsServerHellos)),
            ("quic_attempts", .unsigned(f.quicAttempts)),
            ("quic_answered", .unsigned(f.quicAnswered)),
            ("midstream", .unsigned(f.midstream)),
            ("bytes", .unsigned(f.bytes)),
        ])
    }

    static func row(key: String, keyName: String, _ g: CDNGroupFigures, withProvider: Bool) -> ReportValue {
        var m: [(String, ReportValue)] = [(keyName, .string(key))]
        if withProvider { m.append(("provider", g.provider.map(ReportValue.string) ?? .null)) }
        m += [
            ("verdict", .string(g.verdict.rawValue)),
            ("a_answers", .unsigned(g.aAnswers)), ("aaaa_answers", .unsigned(g.aaaaAnswers)),
            ("ipv4", family(g.ipv4)), ("ipv6", family(g.ipv6)),
        ]
        return .object(m)
    }

    /// Rows, most attempts (TCP + QUIC, both families) first, then by key. Providers of the
    /// rules with no traffic are listed too (verdict `undetermined`).
    public static func rows(_ s: CDNSummary, by grouping: Grouping) -> [ReportValue] {
        var groups: [(String, CDNGroupFigures)]
        switch grouping {
        case .provider:
            groups = s.providers.map { ($0.key, $0.value) }
            for p in s.ruleProviders where s.providers[p] == nil { groups.append((p, CDNGroupFigures())) }
        case .name:
            groups = s.names.map { ($0.key, $0.value) }
        }
        func weight(_ g: CDNGroupFigures) -> UInt64 { g.ipv4.allAttempts + g.ipv6.allAttempts }
        groups.sort { weight($0.1) != weight($1.1) ? weight($0.1) > weight($1.1) : $0.0 < $1.0 }
        return groups.map { row(key: $0.0, keyName: grouping.rawValue, $0.1, withProvider: grouping == .name) }
    }

    /// Counts of the analysis itself: connections looked at, how they were attributed and
    /// named, and what the bounds cost.
    static func counters(_ s: CDNSummary) -> ReportValue {
        .object([
            ("connections", .unsigned(s.connections)),
            ("attributed_by", .object(CDNAttributionMethod.allCases.map { ($0.rawValue, .unsigned(s.attributedBy[$0] ?? 0)) }
                                      + [("none", .unsigned(s.unattributed))])),
            ("named_by", .object(CDNNameSource.allCases.map { ($0.rawValue, .unsigned(s.namedBy[$0] ?? 0)) }
                                 + [("none", .unsigned(s.unnamed))])),
            ("names", .integer(Int64(s.names.count))),
            ("flow_state_evictions", .unsigned(s.flowStateEvictions)),
            ("parser_slots_exhausted", .unsigned(s.parserSlotsExhausted)),
            ("parser_evictions", .unsigned(s.parserEvictions)),
            ("address_name_evictions", .unsigned(s.addressNameEvictions)),
            ("connection_answer_evictions", .unsigned(s.connectionAnswerEvictions)),
            ("pending_answers_dropped", .unsigned(s.pendingAnswersDropped)),
            ("names_over_cap", .unsigned(s.namesOverCap)),
            ("name_rows_dropped", .unsigned(s.nameRowsDropped)),
            ("rtt_negative_skipped", .unsigned(s.rttNegativeSkipped)),
        ])
    }

    /// The `cdn` member of a summarize summary object: counters and one row per provider.
    public static func section(_ s: CDNSummary, rules: String) -> ReportValue {
        .object([("rules", .string(rules)), ("counters", counters(s)), ("providers", .array(rows(s, by: .provider)))])
    }

    /// The `capture cdn --json` document.
    public static func document(_ s: CDNSummary, by grouping: Grouping, rules: String, files: [String], tool: String) -> ReportValue {
        .object([
            ("schema_version", .integer(Int64(schemaVersion))),
            ("tool", .string(tool)),
            ("rules", .string(rules)),
            ("files", .array(files.map(ReportValue.string))),
            ("by", .string(grouping.rawValue)),
            ("counters", counters(s)),
            ("rows", .array(rows(s, by: grouping))),
        ])
    }

    /// `--csv`: one row per group, nested figures flattened (`ipv4_attempts`, `ipv6_handshake_rtt_median_ms`, ...).
    public static func csvRows(_ document: ReportValue) -> [ReportValue] {
        guard case .array(let rows)? = document["rows"] else { return [] }
        return rows.map { .object($0.flattened()) }
    }

    /// The readable table: one line per group; names escaped for the terminal and cut to 40 columns.
    public static func table(_ document: ReportValue) -> String {
        let by = document["by"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "provider"
        var out = "CDN reachability by \(by) (rules: \(Escaping.terminal(text(document["rules"])))); "
        out += "attempts = TCP SYNs seen, ok = successes, RTT = handshake median/p90 ms (nearest rank)\n\n"
        var header = [pad(by, 40)]
        if by == "name" { header.append(pad("provider", 14)) }
        header += [pad("verdict", 15), lpad("v4 att", 8), lpad("v4 ok", 7), lpad("v4 rate", 8), lpad("v4 RTT", 14),
                   lpad("v6 att", 8), lpad("v6 ok", 7), lpad("v6 rate", 8), lpad("v6 RTT", 14),
                   lpad("QUIC v4", 9), lpad("QUIC v6", 9), lpad("AAAA", 6), lpad("bytes", 14)]
        out += header.joined(separator: " ") + "\n"
        guard case .array(let rows)? = document["rows"] else { return out }
        for r in rows {
            var cells = [pad(cut(Escaping.terminal(text(r[by]))), 40)]
            if by == "name" { cells.append(pad(cut(Escaping.terminal(r["provider"] == .null ? "-" : text(r["provider"])), 14), 14)) }
            cells.append(pad(text(r["verdict"]), 15))
            for f in ["ipv4", "ipv6"] {
                let x = r[f]
                cells += [lpad(text(x?["attempts"]), 8), lpad(text(x?["successes"]), 7), lpad(percent(x?["success_rate"]), 8),
                          lpad(ms(x?["handshake_rtt"]?["median_ms"]) + "/" + ms(x?["handshake_rtt"]?["p90_ms"]), 14)]
            }
            for f in ["ipv4", "ipv6"] {
                cells.append(lpad(text(r[f]?["quic_answered"]) + "/" + text(r[f]?["quic_attempts"]), 9))
            }
            let bytes = (number(r["ipv4"]?["bytes"]) ?? 0) + (number(r["ipv6"]?["bytes"]) ?? 0)
            cells += [lpad(text(r["aaaa_answers"]), 6), lpad(String(UInt64(bytes)), 14)]
            out += cells.joined(separator: " ") + "\n"
        }
        if let c = document["counters"] {
            out += "\n\(text(c["connections"])) connections looked at; attributed by name \(text(c["attributed_by"]?["name"])), "
                + "DNS chain \(text(c["attributed_by"]?["dns_chain"])), prefix \(text(c["attributed_by"]?["prefix"])), "
                + "not attributed \(text(c["attributed_by"]?["none"])); evictions: flow state \(text(c["flow_state_evictions"])), "
                + "parser slots busy \(text(c["parser_slots_exhausted"])), DNS addresses \(text(c["address_name_evictions"])), "
                + "connection answers \(text(c["connection_answer_evictions"])), "
                + "pending answers dropped \(text(c["pending_answers_dropped"])), "
                + "names over cap \(text(c["names_over_cap"])), name rows dropped at merge \(text(c["name_rows_dropped"])); "
                + "negative RTTs skipped \(text(c["rtt_negative_skipped"]))\n"
        }
        return out
    }

    static func text(_ v: ReportValue?) -> String {
        switch v {
        case .string(let s)?: s
        case .integer(let i)?: String(i)
        case .unsigned(let u)?: String(u)
        case .number(let d)?: String(d)
        case .bool(let b)?: String(b)
        default: "-"
        }
    }
    static func number(_ v: ReportValue?) -> Double? {
        switch v {
        case .integer(let i)?: Double(i)
        case .unsigned(let u)?: Double(u)
        case .number(let d)?: d
        default: nil
        }
    }
    static func percent(_ v: ReportValue?) -> String {
        guard let d = number(v) else { return "-" }
        return String(format1(d * 100)) + "%"
    }
    static func ms(_ v: ReportValue?) -> String { number(v).map(format1) ?? "-" }
    static func format1(_ d: Double) -> String {
        let r = (d * 10).rounded() / 10
        return r == r.rounded() ? String(Int64(r)) : String(r)
    }
    static func cut(_ s: String, _ n: Int = 40) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
}
