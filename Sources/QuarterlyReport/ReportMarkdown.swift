import Reporting

/// `report.md`: the same content as the page, as Markdown (GFM tables). Charts become tables of
/// their values. Untrusted text is escaped so it stays text: Markdown punctuation and `<`, `>`
/// `&` are backslash- or entity-escaped, line breaks and controls become spaces or `\xNN`.
public enum ReportMarkdown {
    public static func render(_ d: ReportDocument) -> String {
        var o: [String] = ["# " + escape(d.title), ""]
        o.append("Generated \(escape(d.run.generatedAt)) by \(escape(d.run.toolVersion)).")
        o.append("")
        if !d.headline.isEmpty {
            o.append("## Headline figures"); o.append("")
            o.append("| figure | \(escape(d.quarter)) | previous quarter | change |")
            o.append("|---|---:|---:|---:|")
            for h in d.headline {
                o.append("| \(escape(h.label)) | \(ReportText.figure(h.value, h.unit)) | \(h.previous.map { ReportText.figure($0, h.unit) } ?? "–") | \(ReportText.change(h)) |")
            }
            o.append("")
        }
        for s in d.sections {
            o.append("## " + escape(s.title)); o.append("")
            for b in s.blocks { o += block(b); o.append("") }
        }
        return o.joined(separator: "\n")
    }

    static func block(_ b: ReportBlock) -> [String] {
        switch b {
        case .paragraph(let t): return [escape(t)]
        case .definitions(let defs): return defs.map { "- **\(escape($0.term))**: \(escape($0.text))" }
        case .table(let t):
            var o = ["### " + escape(t.title), ""]
            o.append("| " + t.columns.map { escape(header($0)) }.joined(separator: " | ") + " |")
            o.append("|" + t.columns.map { c in c.unit == nil ? "---|" : "---:|" }.joined())
            for r in t.rows { o.append("| " + r.map { escape(ReportText.cell($0)) }.joined(separator: " | ") + " |") }
            if let n = t.note { o += ["", "_" + escape(n) + "_"] }
            return o
        case .chart(let c):
            switch c {
            case let .bars(_, title, unit, series, groups):
                var o = ["### " + escape(title), "", "| | " + series.map(escape).joined(separator: " | ") + " |",
                         "|---|" + series.map { _ in "---:|" }.joined()]
                for g in groups { o.append("| \(escape(g.label)) | " + g.values.map { $0.map { ReportText.figure($0, unit) } ?? "–" }.joined(separator: " | ") + " |") }
                return o
            case let .trend(_, title, unit, quarters, series):
                var o = ["### " + escape(title), "", "| quarter | " + series.map { escape($0.name) }.joined(separator: " | ") + " |",
                         "|---|" + series.map { _ in "---:|" }.joined()]
                for (i, q) in quarters.enumerated() {
                    o.append("| \(escape(q)) | " + series.map { $0.values[i].map { ReportText.figure($0, unit) } ?? "–" }.joined(separator: " | ") + " |")
                }
                return o
            case let .map(_, title, points, omitted, withoutCoordinates):
                var counts: [MapPoint.Status: Int] = [:]
                for p in points { counts[p.status, default: 0] += 1 }
                return ["### " + escape(title), "",
                        "Villages drawn: \(points.count) (fiber \(counts[.fiber] ?? 0), broadband without fiber \(counts[.broadband] ?? 0), unreached \(counts[.unreached] ?? 0)); \(omitted) more share a dot with a neighbour; \(withoutCoordinates) without coordinates (docs/report.md, \"Map\")."]
            }
        }
    }

    static func header(_ c: ReportColumn) -> String { c.unit.map { "\(c.label) (\($0 == .percent ? "%" : $0.rawValue))" } ?? c.label }

    /// Markdown-safe text: controls as `\xNN` (terminal rules), line breaks as spaces, Markdown
    /// punctuation backslash-escaped, `<` `>` `&` as entities (no raw HTML from data).
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in Escaping.terminal(s).unicodeScalars {
            switch ch {
            // Only what is markup inside a table cell or a paragraph: emphasis, code, links,
            // the cell separator, strikethrough (parentheses and `+` stay readable).
            case "\\", "`", "*", "_", "[", "]", "|", "~":
                out += "\\" + String(ch)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}

/// One CSV per table (`<key>.csv`, RFC 4180, CRLF): text cells through `Escaping.csv`, which
/// quotes and neutralises a leading `=`, `+`, `-`, `@`, tab or CR (spreadsheet injection);
/// numbers with up to 6 decimals (not the page's display rounding).
public enum ReportCSV {
    public static func tables(_ d: ReportDocument) -> [(name: String, text: String)] {
        var out: [(String, String)] = []
        for s in d.sections {
            for b in s.blocks {
                guard case .table(let t) = b else { continue }
                var text = t.columns.map { Escaping.csv(ReportMarkdown.header($0)) }.joined(separator: ",") + "\r\n"
                for r in t.rows { text += r.map(cell).joined(separator: ",") + "\r\n" }
                out.append((t.key + ".csv", text))
            }
        }
        return out
    }

    static func cell(_ c: ReportCell) -> String {
        switch c {
        case .text(let s): Escaping.csv(s)
        case .number(let d, _): d.isFinite ? JSONRenderer.render(.number(d)) : ""
        case .integer(let n): String(n)
        case .status(let s): Escaping.csv(s.rawValue)
        case .empty: ""
        }
    }
}
