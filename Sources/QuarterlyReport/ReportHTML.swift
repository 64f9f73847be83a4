import Plot
import TopologyCoverage

/// `index.html`: one self-contained page built with Plot (no script, no remote font, image or
/// style: inline CSS and inline SVG). Every string from a capture or topology reaches the page
/// as a Plot text node, which escapes `<`, `>` and `&`; attribute values are fixed strings and
/// numbers only.
public enum ReportHTML {
    typealias N = Node<HTML.BodyContext>

    public static func render(_ d: ReportDocument) -> String {
        let html = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .title(d.title),
                .style(css)
            ),
            .body(
                .header(.h1(.literal(d.title)),
                        .p(.class("meta"), .literal("Generated \(d.run.generatedAt) by \(d.run.toolVersion). Quarter \(d.quarter)."))),
                .main(
                    headline(d),
                    .group(d.sections.map(section))
                )
            )
        )
        return html.render()
    }

    static func headline(_ d: ReportDocument) -> N {
        guard !d.headline.isEmpty else { return .group([]) }
        return .section(.id("headline"), .h2("Headline figures"),
            .div(.class("cards"), .group(d.headline.map { h in
                .div(.class("card"),
                     .div(.class("label"), .literal(h.label)),
                     .div(.class("value"), .literal(ReportText.figure(h.value, h.unit))),
                     .div(.class("change"), .literal(h.previous == nil ? "no previous quarter" : "\(ReportText.change(h)) on the previous quarter")))
            })))
    }

    static func section(_ s: ReportSection) -> N {
        .section(.id("section-" + s.key), .h2(.literal(s.title)), .group(s.blocks.map(block)))
    }

    static func block(_ b: ReportBlock) -> N {
        switch b {
        case .paragraph(let t): return .p(.literal(t))
        case .definitions(let defs):
            let items: [Node<HTML.DescriptionListContext>] = defs.map { d in .group([.dt(.literal(d.term)), .dd(.literal(d.text))]) }
            return .dl(.group(items))
        case .chart(let c): return ReportCharts.chart(c)
        case .table(let t):
            return .div(.class("table"), .id("table-" + t.key),
                .table(
                    .caption(.literal(t.title)),
                    .thead(.tr(.group(t.columns.map { c in .th(.literal(ReportMarkdown.header(c))) }))),
                    .tbody(.group(t.rows.map { r in
                        .tr(.group(zip(t.columns, r).map { c, v in cell(c, v) }))
                    }))
                ),
                .unwrap(t.note) { .p(.class("note"), .literal($0)) })
        }
    }

    static func cell(_ c: ReportColumn, _ v: ReportCell) -> Node<HTML.TableRowContext> {
        switch v {
        case .status(let s): .td(.class("st-" + statusClass(s)), .literal(s.rawValue))
        case .number, .integer: .td(.class("num"), .literal(ReportText.cell(v)))
        default: .td(.literal(ReportText.cell(v)))
        }
    }

    static func statusClass(_ s: TargetStatus) -> String {
        switch s { case .met: "met"; case .missed: "missed"; case .notMeasurable: "nm"; case .notApplicable: "na" }
    }

    static let css = """
    body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f23;background:#fff}
    header,main{max-width:1080px;margin:0 auto;padding:0 20px}
    h1{font-size:26px;margin:24px 0 4px}h2{font-size:20px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:32px}
    .meta{color:#57606a;margin:0 0 12px}
    .cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:180px}
    .card .label{color:#57606a;font-size:13px}.card .value{font-size:24px;font-weight:600}.card .change{font-size:12px;color:#57606a}
    table{border-collapse:collapse;margin:8px 0;font-size:13px;width:100%}caption{text-align:left;font-weight:600;padding:4px 0}
    th,td{border-bottom:1px solid #eaeef2;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
    td.num{text-align:right;font-variant-numeric:tabular-nums}
    .st-met{color:#1a7f37;font-weight:600}.st-missed{color:#cf222e;font-weight:600}.st-nm{color:#9a6700}.st-na{color:#57606a}
    .table{overflow-x:auto}.note{color:#57606a;font-size:12px}
    figure{margin:12px 0}figcaption{color:#57606a;font-size:13px}svg.chart{width:100%;max-width:760px;height:auto}
    svg .lbl{font-size:11px;fill:#1b1f23}svg .val{font-size:10px;fill:#57606a}svg .grid{stroke:#eaeef2}
    svg .s0{fill:#0969da}svg .s1{fill:#bf8700}svg .s2{fill:#8250df}svg .s3{fill:#1a7f37}
    svg polyline{fill:none;stroke-width:2}svg .l0{stroke:#0969da}svg .l1{stroke:#bf8700}svg .l2{stroke:#8250df}svg .l3{stroke:#1a7f37}
    svg.map{background:#f6f8fa}svg path{fill:none;stroke-linecap:round;stroke-width:3.5}
    svg .m-fiber{stroke:#1a7f37}svg .m-broadband{stroke:#bf8700}svg .m-unreached{stroke:#cf222e}
    svg .k-fiber{fill:#1a7f37}svg .k-broadband{fill:#bf8700}svg .k-unreached{fill:#cf222e}
    dl dt{font-weight:600;margin-top:6px}dl dd{margin-left:16px}
    """
}

