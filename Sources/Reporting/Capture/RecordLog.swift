/// Output format of a record log (`capture conns`, `capture dns`).
public enum RecordLogFormat: String, Sendable, CaseIterable {
    /// Zeek-log-like TSV: `#` header lines (`#separator`, `#path`, `#schema_version`, `#fields`,
    /// `#types`), one tab-separated line per record, `-` for an unset field, `(empty)` for an
    /// empty list; tabs, newlines and backslashes inside a value are escaped as `\x09` style.
    case tsv
    /// One JSON object per line (NDJSON); unset fields are `null`.
    case ndjson
    /// RFC 4180 CSV with a header row; unset fields are empty.
    case csv
}

/// Writes records of one kind in the three log formats, from one field list, so a field has
/// the same name everywhere (DESIGN practice 15). Untrusted text goes through `Escaping`.
public struct RecordLog: Sendable {
    /// Field name and Zeek-style type name (`time`, `addr`, `port`, `count`, `interval`, `string`, `bool`, `vector[string]`).
    public let fields: [(name: String, type: String)]
    public let path: String
    public let schemaVersion: Int
    public let format: RecordLogFormat

    public init(path: String, schemaVersion: Int, fields: [(name: String, type: String)], format: RecordLogFormat) {
        self.path = path; self.schemaVersion = schemaVersion; self.fields = fields; self.format = format
    }

    /// The header (empty for NDJSON), ending in a newline.
    public var header: String {
        switch format {
        case .tsv:
            return "#separator \\x09\n#path \(path)\n#schema_version \(schemaVersion)\n#fields\t"
                + fields.map(\.name).joined(separator: "\t") + "\n#types\t" + fields.map(\.type).joined(separator: "\t") + "\n"
        case .csv:
            return fields.map { Escaping.csv($0.name) }.joined(separator: ",") + "\r\n"
        case .ndjson:
            return ""
        }
    }

    /// One record as a line; `values` are in `fields` order.
    public func line(_ values: [ReportValue]) -> String {
        precondition(values.count == fields.count, "record log: \(values.count) values for \(fields.count) fields")
        switch format {
        case .ndjson:
            return JSONRenderer.renderCompact(.object(zip(fields, values).map { ($0.name, $1) })) + "\n"
        case .csv:
            return values.map { CSVRenderer.cell($0) }.joined(separator: ",") + "\r\n"
        case .tsv:
            return values.map(Self.tsvCell).joined(separator: "\t") + "\n"
        }
    }

    static func tsvCell(_ v: ReportValue) -> String {
        switch v {
        case .null: return "-"
        case .string(let s): return s.isEmpty ? "(empty)" : tsvEscape(s)
        case .array(let items):
            if items.isEmpty { return "(empty)" }
            return items.map { tsvCell($0) }.joined(separator: ",")
        case .object: return "-"
        default: return CSVRenderer.cell(v)
        }
    }

    /// Zeek's rule: separator, control characters and backslash as `\xHH`; other text is then
    /// escaped for the terminal (bidi controls and the like), since logs are read in terminals.
    static func tsvEscape(_ s: String) -> String {
        // Printable ASCII without a backslash or comma needs neither step (most cells).
        if Escaping.isPrintableASCII(s, excluding: UInt8(ascii: "\\"), UInt8(ascii: ",")) { return s }
        var out = ""
        for u in s.unicodeScalars {
            if u == "\\" || u == "\t" || u == "," || u.value < 0x20 || u.value == 0x7f {
                out += "\\x" + String(u.value, radix: 16).leftPadded(2)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return Escaping.terminal(out)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
