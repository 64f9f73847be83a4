/// Renders rows of report objects as CSV (RFC 4180): one header line with the flattened figure
/// names (`outermost_ipv4_packets`...), the union over rows in first-seen order, then one line
/// per row. Arrays are left out (warnings go to stderr; link types have their own columns).
///
/// Cells: text goes through `Escaping.csv` (RFC 4180 quoting; a leading `=`, `+`, `-`, `@`, tab
/// or CR is neutralised with `'`, OWASP "CSV Injection"); numbers, counts and booleans are
/// written as such and never prefixed, so numeric columns stay numeric; a non-finite number
/// is an empty cell.
public enum CSVRenderer {
    /// - Parameter untrustedText: the text cells hold text read from the network (names from
    ///   packets): they go through `Escaping.csvUntrusted`, so CR and LF are escaped too and no
    ///   cell spans lines.
    /// - Returns: the CSV text, lines ended by "\r\n"; numbers as `JSONRenderer` formats them.
    public static func render(rows: [ReportValue], untrustedText: Bool = false) -> String {
        let flat = rows.map { $0.flattened() }
        var columns: [String] = [], seen = Set<String>()
        for r in flat { for (k, _) in r where seen.insert(k).inserted { columns.append(k) } }
        var out = columns.map(Escaping.csv).joined(separator: ",") + "\r\n"
        for r in flat {
            let d = Dictionary(r, uniquingKeysWith: { a, _ in a })
            out += columns.map { cell(d[$0], untrustedText: untrustedText) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func cell(_ v: ReportValue?, untrustedText: Bool = false) -> String {
        switch v {
        case .none, .null?: ""
        case .string(let s)?: untrustedText ? Escaping.csvUntrusted(s) : Escaping.csv(s)
        case .integer(let n)?: String(n)
        case .unsigned(let n)?: String(n)
        case .number(let d)?: d.isFinite ? JSONRenderer.formatNumber(d) : ""
        case .bool(let b)?: b ? "true" : "false"
        case .object?, .array?: ""
        }
    }
}
