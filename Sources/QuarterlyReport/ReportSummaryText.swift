import Reporting

/// What `netcensus report` prints on stdout: the headline figures with the change on the
/// previous stored quarter, the count of target rows by status, and where the files went.
/// Untrusted text (paths) is escaped for the terminal.
public enum ReportSummaryText {
    public static func render(_ d: ReportDocument, directory: String, history: String?) -> String {
        var o = ["NetCensus report \(d.quarter)", String(repeating: "=", count: 16 + d.quarter.count)]
        let width = max(20, d.headline.map(\.label.count).max() ?? 20)
        for h in d.headline {
            let label = h.label + String(repeating: " ", count: max(0, width - h.label.count))
            let value = ReportText.figure(h.value, h.unit)
            o.append("\(label)  \(String(repeating: " ", count: max(0, 15 - value.count)) + value)  \(ReportText.change(h))")
        }
        var statuses: [String: Int] = [:]
        for s in d.sections where s.key.hasPrefix("capture_targets_") || s.key.hasPrefix("topology_targets_") {
            for b in s.blocks {
                guard case .table(let t) = b, let col = t.columns.firstIndex(where: { $0.key == "status" }) else { continue }
                for r in t.rows { if case .status(let st) = r[col] { statuses[st.rawValue, default: 0] += 1 } }
            }
        }
        if !statuses.isEmpty {
            o.append("")
            o.append("Targets: " + ["met", "missed", "not measurable", "n/a"].compactMap { k in statuses[k].map { "\($0) \(k)" } }.joined(separator: ", "))
        }
        o.append("")
        o.append("Written: \(Escaping.terminal(directory))/index.html, report.md, report.json and \(ReportCSV.tables(d).count) CSV files")
        o.append(history.map { "History: \(Escaping.terminal($0)) (netcensus report history)" } ?? "History: not kept (--no-history)")
        return o.joined(separator: "\n") + "\n"
    }
}
