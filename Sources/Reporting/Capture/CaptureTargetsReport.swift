import CaptureTargets
import TopologyCoverage

/// The `targets` section of a capture document (docs/targets.md, "Capture checks") and its
/// table lines. Keys are spelled here and nowhere else.
public enum CaptureTargetsReport {
    /// `{profile, title, network, results: [{id, source, metric, kind, network, comparator,
    /// target_percent, target_text (context rows: the source's figure and unit), target_year, confidence, measured_percent, gap_pp, status, reason, proxy,
    /// population, population_unit}]}`; percent figures are 0...100, `gap_pp` in percentage points.
    public static func section(profile: TargetProfile, network: CaptureNetwork?, rows: [CaptureTargetResult]) -> ReportValue {
        func num(_ d: Double?) -> ReportValue { d.map(ReportValue.number) ?? .null }
        func str(_ s: String?) -> ReportValue { s.map(ReportValue.string) ?? .null }
        return .object([
            ("profile", .string(profile.name)),
            ("title", .string(profile.title)),
            ("network", str(network?.rawValue)),
            ("results", .array(rows.map { r in
                .object([
                    ("id", .string(r.id)), ("source", str(r.source)), ("metric", .string(r.metric)),
                    ("kind", str(r.kind?.rawValue)), ("network", str(r.network?.rawValue)), ("comparator", .string(r.comparator.rawValue)),
                    ("target_percent", num(r.target)), ("target_text", str(r.targetText)), ("target_year", r.targetYear.map { .integer(Int64($0)) } ?? .null),
                    ("confidence", .string(r.confidence.rawValue)), ("measured_percent", num(r.measured)), ("gap_pp", num(r.gap)),
                    ("status", .string(r.status.rawValue)), ("reason", str(r.reason)), ("proxy", str(r.proxy)),
                    ("population", .unsigned(r.population)), ("population_unit", .string(r.populationUnit)),
                ])
            })),
        ])
    }

    /// Table lines: one per row — id, target, measured, status, gap, and the reason or proxy.
    public static func lines(_ section: ReportValue) -> String {
        guard case .array(let rows)? = section["results"] else { return "" }
        var out = ["Targets: " + Escaping.terminal(text(section["profile"])) + " — " + Escaping.terminal(text(section["title"]))
                   + (section["network"].flatMap { if case .string(let n) = $0 { " (network \(n))" } else { nil } } ?? " (network not given)")]
        for r in rows {
            let figure = pct(r["target_percent"]) ?? (r["target_text"].flatMap { if case .string(let t) = $0 { Escaping.terminal(t) } else { nil } })
            let target = figure.map { "\(text(r["comparator"])) \($0)" } ?? text(r["comparator"])
            var line = "  \(Escaping.terminal(text(r["id"]))): target \(target), measured \(pct(r["measured_percent"]) ?? "-"), \(text(r["status"]))"
            if let g = r["gap_pp"], case .number(let d) = g, d > 0 { line += ", gap \(JSONRenderer.formatNumber((d * 100).rounded() / 100)) pp" }
            if case .string(let why)? = r["reason"] { line += " — " + Escaping.terminal(why) }
            else if case .string(let p)? = r["proxy"] { line += " — proxy: " + Escaping.terminal(p) }
            out.append(line)
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func text(_ v: ReportValue?) -> String {
        switch v {
        case .string(let s)?: s
        case .integer(let n)?: String(n)
        default: "-"
        }
    }

    static func pct(_ v: ReportValue?) -> String? {
        guard case .number(let d)? = v else { return nil }
        return JSONRenderer.formatNumber((d * 100).rounded() / 100) + "%"
    }
}
