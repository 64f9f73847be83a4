/// Renders a `ReportValue` as JSON (RFC 8259), members in model order, two-space indent.
public enum JSONRenderer {
    public static func render(_ value: ReportValue, indent: Int = 0) -> String {
        var out = ""
        write(value, indent: indent, into: &out)
        return out
    }

    static func write(_ v: ReportValue, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
        switch v {
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (k, m)) in members.enumerated() {
                out += pad + Escaping.json(k) + ": "
                write(m, indent: indent + 1, into: &out)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += close + "}"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, m) in items.enumerated() {
                out += pad
                write(m, indent: indent + 1, into: &out)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += close + "]"
        case .string(let s): out += Escaping.json(s)
        case .integer(let n): out += String(n)
        case .unsigned(let n): out += String(n)
        case .number(let d): out += d.isFinite ? formatNumber(d) : "null"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// Shares and seconds: up to 6 decimals, no exponent, trailing zeros trimmed.
    static func formatNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        // Beyond 1e12 the fixed-point path below would overflow UInt64; Swift's shortest form is exact enough.
        guard abs(d) < 1e12 else { return String(d) }
        let scaled = (d * 1_000_000).rounded()
        // Beyond 2^63 micro-units UInt64(_:) would trap: such values (hostile inputs) keep Swift's
        // shortest round-trip form, which is valid JSON (`1e+300`).
        guard scaled.magnitude < 9.2e18 else { return d.description }
        let negative = scaled < 0
        let magnitude = UInt64(abs(scaled))
        var s = String(magnitude / 1_000_000)
        var frac = String(magnitude % 1_000_000)
        frac = String(repeating: "0", count: 6 - frac.count) + frac
        while frac.hasSuffix("0") { frac.removeLast() }
        if !frac.isEmpty { s += "." + frac }
        return negative && magnitude != 0 ? "-" + s : s
    }
}

extension JSONRenderer {
    /// One-line JSON (no indentation, no newline inside): one object per line for NDJSON logs.
    public static func renderCompact(_ value: ReportValue) -> String {
        var out = ""
        writeCompact(value, exact: false, into: &out)
        return out
    }

    /// One line; `exact` writes every `.number` at full precision (`exactNumber`) instead of
    /// the six decimals of `formatNumber`.
    static func writeCompact(_ v: ReportValue, exact: Bool, into out: inout String) {
        switch v {
        case .object(let members):
            out += "{"
            for (i, (k, m)) in members.enumerated() {
                if i > 0 { out += "," }
                out += Escaping.json(k) + ":"
                writeCompact(m, exact: exact, into: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (i, m) in items.enumerated() {
                if i > 0 { out += "," }
                writeCompact(m, exact: exact, into: &out)
            }
            out += "]"
        case .number(let d) where exact:
            out += exactNumber(d)
        default:
            write(v, indent: 0, into: &out)
        }
    }
}
