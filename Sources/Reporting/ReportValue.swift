/// The report model every renderer consumes: an ordered tree of named figures. Analyses hand
/// numbers to `Reporting`, which builds this tree once; JSON, CSV and the text table are views of
/// it, so every figure has one stable snake_case name in all formats.
public indirect enum ReportValue: Equatable, Sendable {
    case object([(String, ReportValue)])
    case array([ReportValue])
    /// Untrusted or free text (paths, reasons): escaped by each renderer (see `Escaping`).
    case string(String)
    case integer(Int64)
    case unsigned(UInt64)
    case number(Double)
    case bool(Bool)
    case null

    public static func == (a: ReportValue, b: ReportValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.array(x), .array(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.integer(x), .integer(y)): x == y
        case let (.unsigned(x), .unsigned(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// Member `key` of an object (nil otherwise), for tests and renderers.
    public subscript(key: String) -> ReportValue? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    /// Flattens nested objects into `parent_child` column names (arrays are skipped), in order.
    public func flattened(prefix: String = "") -> [(String, ReportValue)] {
        guard case .object(let members) = self else { return [(prefix, self)] }
        var out: [(String, ReportValue)] = []
        for (k, v) in members {
            let name = prefix.isEmpty ? k : prefix + "_" + k
            switch v {
            case .object: out += v.flattened(prefix: name)
            case .array: continue
            default: out.append((name, v))
            }
        }
        return out
    }
}
