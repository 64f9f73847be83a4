/// The default, human-readable rendering of a capture summary document: one block per summary
/// (each file with `--per-file`, then the total). Reads only the report model, so the names and
/// numbers are those of the JSON output; text from captures goes through `Escaping.terminal`.
public enum CaptureTableRenderer {
    /// Renders the capture summary `document` (the `--json` model, docs/summary-schema.md);
    /// `perFile` adds one block per entry of `files` before the total.
    public static func render(_ document: ReportValue, perFile: Bool) -> String {
        var out = ""
        if perFile, case .array(let files)? = document["files"] {
            for f in files { out += block(f, title: "File " + text(f["source"])) + "\n" }
        }
        var title = "Total"
        if case .array(let files)? = document["files"] {
            if files.count == 1, files[0]["format"] == .string("live") {
                title = "Interface " + text(files[0]["source"])
            } else {
                title += " (\(files.count) file\(files.count == 1 ? "" : "s"))"
            }
        }
        if case .string(let f)? = document["filter"] { title += ", filter: " + Escaping.terminal(f) }
        out += block(document["total"] ?? .null, title: title)
        if let t = document["targets"] { out += "\n" + CaptureTargetsReport.lines(t) }
        return out
    }

    static func block(_ s: ReportValue, title: String) -> String {
        var lines: [String] = [title, String(repeating: "=", count: min(78, title.count))]
        func row(_ label: String, _ cells: [String]) {
            lines.append(pad(label, 26) + cells.map { lpad($0, 14) }.joined())
        }
        lines.append("Packets \(num(s["packets"])), bytes \(num(s["bytes"])); \(text(s["first_timestamp"])) .. \(text(s["last_timestamp"]))")
        lines.append("")
        row("", ["IPv4", "IPv6", "other", "IPv6 share"])
        for (label, key, field) in [("packets, outermost", "outermost", "packets"), ("bytes, outermost", "outermost", "bytes"),
                                    ("packets, innermost", "innermost", "packets"), ("bytes, innermost", "innermost", "bytes")] {
            let f = s[key]
            let v4 = f?["ipv4"]?[field], v6 = f?["ipv6"]?[field], other = f?["other"]?[field]
            let shareCell = key == "innermost" ? percent(s["ipv6_share"]?[field]) : ""
            row(label, [num(v4), num(v6), num(other), shareCell])
        }
        row("flows (5-tuple, both ways)", [num(s["flows"]?["ipv4"]), num(s["flows"]?["ipv6"]), "", percent(s["ipv6_share"]?["flows"])])
        row("hosts (unicast addresses)", [num(s["hosts"]?["ipv4"]), num(s["hosts"]?["ipv6"]), "", percent(s["ipv6_share"]?["hosts"])])
        row("TCP SYN", [num(s["tcp"]?["syn_ipv4"]), num(s["tcp"]?["syn_ipv6"])])
        row("TCP SYN-ACK", [num(s["tcp"]?["syn_ack_ipv4"]), num(s["tcp"]?["syn_ack_ipv6"])])
        row("addresses, any header", [num(s["addresses"]?["distinct_ipv4"]), num(s["addresses"]?["distinct_ipv6"])])
        let c4 = s["connections"]?["ipv4"], c6 = s["connections"]?["ipv6"]
        row("connections", [num(c4?["connections"]), num(c6?["connections"])])
        row("  TCP established", [num(c4?["tcp"]?["established"]), num(c6?["tcp"]?["established"])])
        row("  TCP reset", [num(c4?["tcp"]?["reset"]), num(c6?["tcp"]?["reset"])])
        row("  TCP SYN unanswered", [num(c4?["tcp"]?["unanswered"]), num(c6?["tcp"]?["unanswered"])])
        row("  TCP rejected", [num(c4?["tcp"]?["rejected"]), num(c6?["tcp"]?["rejected"])])
        row("  TCP partial", [num(c4?["tcp"]?["partial"]), num(c6?["tcp"]?["partial"])])
        row("  UDP (answered)", [num(c4?["udp"]) + " (" + num(c4?["udp_answered"]) + ")", num(c6?["udp"]) + " (" + num(c6?["udp_answered"]) + ")"])
        row("handshake RTT ms, median", [ms(c4?["handshake_rtt"]?["median_ms"]), ms(c6?["handshake_rtt"]?["median_ms"])])
        row("handshake RTT ms, p90", [ms(c4?["handshake_rtt"]?["p90_ms"]), ms(c6?["handshake_rtt"]?["p90_ms"])])
        row("handshake RTT ms, p99", [ms(c4?["handshake_rtt"]?["p99_ms"]), ms(c6?["handshake_rtt"]?["p99_ms"])])
        let d4 = s["dns_transactions"]?["ipv4"], d6 = s["dns_transactions"]?["ipv6"]
        row("DNS transactions", [num(d4?["transactions"]), num(d6?["transactions"])])
        row("  unanswered", [num(d4?["unanswered"]), num(d6?["unanswered"])])
        row("DNS response ms, median", [ms(d4?["response_time"]?["median_ms"]), ms(d6?["response_time"]?["median_ms"])])
        row("DNS response ms, p90", [ms(d4?["response_time"]?["p90_ms"]), ms(d6?["response_time"]?["p90_ms"])])
        lines.append("")
        let n = s["dns_transactions"]?["names"]
        lines.append("Names looked up \(num(n?["looked_up"])): asked A only \(num(n?["asked_a_only"])), asked AAAA \(num(n?["asked_aaaa"])), "
                     + "with AAAA answer \(num(n?["with_aaaa_answer"])), AAAA answered empty \(num(n?["aaaa_answered_empty"]))")
        let ev = num(s["connections"]?["evictions"])
        if ev != "0" { lines.append("Connections evicted to stay under --max-connections: \(ev)") }
        if s["distinct_counts"]?["exact"] == .bool(false) {
            lines.append("Distinct counts (flows, hosts, addresses) are HyperLogLog estimates, relative standard error \(percent(s["distinct_counts"]?["relative_standard_error"]))")
        }
        lines.append("DNS queries: A \(num(s["dns"]?["queries_a"])), AAAA \(num(s["dns"]?["queries_aaaa"])), other \(num(s["dns"]?["queries_other"]))")
        lines.append("Tunnelled packets: " + nonZero(s["tunnels"], skip: ["packets"], total: s["tunnels"]?["packets"]))
        lines.append("Transition addresses: " + nonZero(s["addresses"]?["transition"], skip: [], total: nil))
        lines.append("Addresses by class: " + nonZero(s["addresses"]?["by_class"], skip: [], total: nil))
        if case .array(let lts)? = s["link_types"] {
            lines.append("Link types: " + (lts.isEmpty ? "none" : lts.map {
                "\(text($0["name"])) (\(num($0["link_type"]))) \(num($0["decoded"])) decoded, \(num($0["undecoded"])) undecoded"
            }.joined(separator: "; ")))
        }
        lines.append("Truncated packets \(num(s["truncated_packets"])), undecodable packets \(num(s["undecodable_packets"]))")
        let anomalies = nonZero(s["anomalies"], skip: [], total: nil)
        if anomalies != "none" { lines.append("Anomalies: " + anomalies) }
        if case .array(let ws)? = s["warnings"], !ws.isEmpty { lines.append("Warnings: \(ws.count) (see stderr)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Milliseconds with 3 decimals, "-" when absent.
    static func ms(_ v: ReportValue?) -> String {
        guard case .number(let d)? = v else { return "-" }
        let r = (d * 1000).rounded() / 1000
        return JSONRenderer.formatNumber(r)
    }

    static func nonZero(_ v: ReportValue?, skip: Set<String>, total: ReportValue?) -> String {
        guard case .object(let members)? = v else { return "none" }
        let parts = members.filter { !skip.contains($0.0) && num($0.1) != "0" }.map { "\(Escaping.terminal($0.0)) \(num($0.1))" }
        if parts.isEmpty { return "none" }
        return (total.map { num($0) + " (" } ?? "") + parts.joined(separator: ", ") + (total == nil ? "" : ")")
    }

    static func num(_ v: ReportValue?) -> String {
        switch v {
        case .unsigned(let n)?: grouped(String(n))
        case .integer(let n)?: n < 0 ? "-" + grouped(String(-n)) : grouped(String(n))
        case .number(let d)?: JSONRenderer.formatNumber(d)
        case .string(let s)?: Escaping.terminal(s)
        default: "-"
        }
    }

    static func percent(_ v: ReportValue?) -> String {
        guard case .number(let d)? = v, d.magnitude < 1e12 else { return "-" }   // NaN too: Int(_:) would trap
        let tenths = Int((d * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    static func text(_ v: ReportValue?) -> String {
        if case .string(let s)? = v { return Escaping.terminal(s) }
        return "-"
    }

    static func grouped(_ digits: String) -> String {
        var out = "", n = 0
        for c in digits.reversed() {
            if n > 0 && n % 3 == 0 { out.append(",") }
            out.append(c); n += 1
        }
        return String(out.reversed())
    }

    static func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
    static func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? " " + s : String(repeating: " ", count: w - s.count) + s }
}
