import Reporting

/// `report.json` (docs/report.md): the document as a `ReportValue` tree with explicit keys,
/// rendered by `JSONRenderer`. `schema_version` rises when a key changes meaning or disappears.
public enum ReportJSON {
    public static let schemaVersion = 1

    public static func value(_ d: ReportDocument) -> ReportValue {
        func num(_ x: Double?) -> ReportValue { x.map(ReportValue.number) ?? .null }
        func str(_ s: String?) -> ReportValue { s.map(ReportValue.string) ?? .null }
        return .object([
            ("schema", .string("netcensus-report")),
            ("schema_version", .integer(Int64(schemaVersion))),
            ("quarter", .string(d.quarter)),
            ("title", .string(d.title)),
            ("run", .object([
                ("generated_at", .string(d.run.generatedAt)),
                ("tool_version", .string(d.run.toolVersion)),
                ("inputs", .array(d.run.inputs.map { i in .object([
                    ("path", .string(i.path)), ("kind", .string(i.kind)), ("sha256", .string(i.sha256)),
                    ("bytes", .integer(i.bytes)), ("first_timestamp", str(i.firstTimestamp)), ("last_timestamp", str(i.lastTimestamp)),
                ]) })),
                ("options", .array(d.run.options.map(ReportValue.string))),
            ])),
            ("figures", .array(d.figures.map { f in .object([
                ("section", .string(f.section)), ("key", .string(f.key)), ("value", num(f.value)), ("unit", .string(f.unit.rawValue)),
            ]) })),
            ("headline", .array(d.headline.map { h in .object([
                ("key", .string(h.key)), ("label", .string(h.label)), ("value", num(h.value)), ("unit", .string(h.unit.rawValue)),
                ("previous", num(h.previous)), ("change", num(h.change)),
            ]) })),
            ("sections", .array(d.sections.map(section))),
        ])
    }

    public static func render(_ d: ReportDocument) -> String { JSONRenderer.render(value(d)) + "\n" }

    static func section(_ s: ReportSection) -> ReportValue {
        .object([
            ("key", .string(s.key)), ("title", .string(s.title)),
            ("blocks", .array(s.blocks.map(block))),
        ])
    }

    static func block(_ b: ReportBlock) -> ReportValue {
        func num(_ x: Double?) -> ReportValue { x.map(ReportValue.number) ?? .null }
        switch b {
        case .paragraph(let t): return .object([("type", .string("paragraph")), ("text", .string(t))])
        case .definitions(let defs):
            return .object([("type", .string("definitions")),
                            ("items", .array(defs.map { .object([("term", .string($0.term)), ("text", .string($0.text))]) }))])
        case .table(let t):
            return .object([
                ("type", .string("table")), ("key", .string(t.key)), ("title", .string(t.title)),
                ("columns", .array(t.columns.map { c in .object([("key", .string(c.key)), ("label", .string(c.label)),
                                                                  ("unit", c.unit.map { .string($0.rawValue) } ?? .null)]) })),
                ("rows", .array(t.rows.map { row in .object(zip(t.columns, row).map { ($0.key, cell($1)) }) })),
                ("note", t.note.map(ReportValue.string) ?? .null),
            ])
        case .chart(let c):
            switch c {
            case let .bars(key, title, unit, series, groups):
                return .object([("type", .string("bar_chart")), ("key", .string(key)), ("title", .string(title)), ("unit", .string(unit.rawValue)),
                                ("series", .array(series.map(ReportValue.string))),
                                ("groups", .array(groups.map { g in .object([("label", .string(g.label)), ("values", .array(g.values.map(num)))]) }))])
            case let .trend(key, title, unit, quarters, series):
                return .object([("type", .string("trend_chart")), ("key", .string(key)), ("title", .string(title)), ("unit", .string(unit.rawValue)),
                                ("quarters", .array(quarters.map(ReportValue.string))),
                                ("series", .array(series.map { s in .object([("name", .string(s.name)), ("values", .array(s.values.map(num)))]) }))])
            case let .map(key, title, points, omitted, withoutCoordinates):
                var counts: [String: Int] = [:]
                for p in points { counts[p.status.rawValue, default: 0] += 1 }
                return .object([("type", .string("village_map")), ("key", .string(key)), ("title", .string(title)),
                                ("points_drawn", .integer(Int64(points.count))), ("points_omitted", .integer(Int64(omitted))),
                                ("villages_without_coordinates", .integer(Int64(withoutCoordinates))),
                                ("drawn_by_status", .object(MapPoint.Status.allOrdered.map { ($0.rawValue, .integer(Int64(counts[$0.rawValue] ?? 0))) }))])
            }
        }
    }

    /// A cell as JSON: numbers keep their full value (the table shows them rounded).
    static func cell(_ c: ReportCell) -> ReportValue {
        switch c {
        case .text(let s): .string(s)
        case .number(let d, _): d.isFinite ? .number(d) : .null
        case .integer(let n): .integer(n)
        case .status(let s): .string(s.rawValue)
        case .empty: .null
        }
    }
}

extension MapPoint.Status {
    static let allOrdered: [MapPoint.Status] = [.fiber, .broadband, .unreached]
}
