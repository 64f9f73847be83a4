/// Renders rows of report objects as CSV (RFC 4180): one header line with the flattened figure
/// names (`outermost_ipv4_packets`...), the union over rows in first-seen order, then one line
/// per row. Arrays are left out (warnings go to stderr; link types have their own columns).
///
/// Cells: text goes through `Escaping.csv` (RFC 4180 quoting; a leading `=`, `+`, `-`, `@`, tab
/// or CR is neutralised with `'`, OWASP "CSV Injection"); numbers, counts and booleans are
/// written as such and never prefixed, so numeric columns stay numeric; a non-finite number
/// is an empty cell.
public enum CSVRenderer {
    /// - Returns: the CSV text, lines ended by "\n"; numbers as `JSONRenderer` formats them.
    public static func render(rows: [ReportValue]) -> String {
        let flat = rows.map { $0.flattened() }
        var columns: [String] = [], seen = Set<String>()
        for r in flat { for (k, _) in r where seen.insert(k).inserted { columns.append(k) } }
        var out = columns.map(Escaping.csv).joined(separator: ",") + "\r\n"
        for r in flat {
            let d = Dictionary(r, uniquingKeysWith: { a, _ in a })
            out += columns.map { cell(d[$0]) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func cell(_ v: ReportValue?) -> String {
        switch v {
        case .none, .null?: ""
        case .string(let s)?: Escaping.csv(s)
        case .integer(let n)?: String(n)
        case .unsigned(let n)?: String(n)
        case .number(let d)?: d.isFinite ? JSONRenderer.formatNumber(d) : ""
        case .bool(let b)?: b ? "true" : "false"
        case .object?, .array?: ""
        }
    }
}
