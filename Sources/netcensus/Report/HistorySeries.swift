import Reporting
import ReportHistory

/// The `report history` document: stored rows plus the quarter-on-quarter change, built once as
/// a `ReportValue` tree that the JSON and CSV renderers walk (keys written out here, never
/// derived from property names). The table is a view of the same rows.
///
/// Per row: `quarter`, `section`, `key`, `value` (number or null), `unit`, `previous_value`
/// (the same section/key in the calendar quarter before, null when that quarter or value is
/// not stored) and `change` (`value - previous_value`, in the row's unit; null unless both
/// are numbers).
struct HistorySeries {
    struct Line {
        var row: HistoryRow
        var previous: Double?
        var change: Double? { row.figure.value.flatMap { v in previous.map { v - $0 } } }
    }

    var from: QuarterID?
    var to: QuarterID?
    var quarters: [QuarterID]
    var lines: [Line]

    /// `rows` must include the quarter before `from` when quarter-on-quarter changes are wanted
    /// for the first quarter; rows outside [from, to] are only used as previous values.
    init(rows: [HistoryRow], from: QuarterID?, to: QuarterID?) {
        self.from = from
        self.to = to
        struct Key: Hashable { var quarter: QuarterID; var section: String; var key: String }
        var values: [Key: Double?] = [:]
        for r in rows { values[Key(quarter: r.quarter, section: r.figure.section, key: r.figure.key)] = r.figure.value }
        let shown = rows.filter { r in (from.map { r.quarter >= $0 } ?? true) && (to.map { r.quarter <= $0 } ?? true) }
        lines = shown.map { r in
            let p = values[Key(quarter: r.quarter.previous, section: r.figure.section, key: r.figure.key)] ?? nil
            return Line(row: r, previous: p)
        }
        var seen = Set<QuarterID>()
        quarters = shown.map(\.quarter).filter { seen.insert($0).inserted }
    }

    private static func number(_ d: Double?) -> ReportValue { d.map(ReportValue.number) ?? .null }

    private func lineValue(_ l: Line) -> ReportValue {
        .object([
            ("quarter", .string(l.row.quarter.description)),
            ("section", .string(l.row.figure.section)),
            ("key", .string(l.row.figure.key)),
            ("value", Self.number(l.row.figure.value)),
            ("unit", .string(l.row.figure.unit)),
            ("previous_value", Self.number(l.previous)),
            ("change", Self.number(l.change)),
        ])
    }

    var document: ReportValue {
        .object([
            ("schema", .string("netcensus-history")),
            ("schema_version", .integer(1)),
            ("from", from.map { .string($0.description) } ?? .null),
            ("to", to.map { .string($0.description) } ?? .null),
            ("quarters", .array(quarters.map { .string($0.description) })),
            ("rows", .array(lines.map(lineValue))),
        ])
    }

    func json() -> String { JSONRenderer.render(document) + "\n" }

    func csv() -> String {
        let header = ["quarter", "section", "key", "value", "unit", "previous_value", "change"]
        // With no rows CSVRenderer would print an empty header; the columns are fixed, so say them.
        if lines.isEmpty { return header.joined(separator: ",") + "\r\n" }
        return CSVRenderer.render(rows: lines.map(lineValue))
    }

    func table() -> String {
        func text(_ d: Double?) -> String { d.flatMap { $0.isFinite ? JSONRenderer.renderCompact(.number($0)) : nil } ?? "n/a" }
        func signed(_ d: Double?) -> String {
            guard let d else { return "" }
            guard d.isFinite else { return "n/a" }   // a change that overflows (1e308 − (−1e308))
            let t = JSONRenderer.renderCompact(.number(d))
            return d > 0 ? "+" + t : t
        }
        // Cells escaped and cut at 120 characters (…), so one long key cannot widen every line.
        func cut(_ s: String) -> String { TopologyText.clean(s, max: 120) }
        var cells = [["quarter", "section", "key", "value", "unit", "change"]]
        for l in lines {
            let f = l.row.figure
            cells.append([l.row.quarter.description, cut(f.section), cut(f.key), text(f.value), cut(f.unit), signed(l.change)])
        }
        var widths = [Int](repeating: 0, count: 6)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for row in cells {
            var line = ""
            for (i, c) in row.enumerated() {
                // Numbers right-aligned (value, change), text left-aligned.
                let pad = String(repeating: " ", count: widths[i] - c.count)
                line += (i == 3 || i == 5) ? pad + c : c + (i == row.count - 1 ? "" : pad)
                if i < row.count - 1 { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
