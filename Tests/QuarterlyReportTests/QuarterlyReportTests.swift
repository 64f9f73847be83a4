import Foundation
import Testing
import CaptureTargets
import QuarterlyReport
import ReportHistory
import TestSupport
import TopologyCoverage
import TrafficAnalysis
import TransitionAnalysis

/// A crafted quarter with figures worked out by hand, rendered to every format: the numbers in
/// report.json, the Markdown tables, the CSVs and the HTML (parsed as a document by Python's
/// html.parser, not grepped) agree; hostile node names appear as text, never as markup or formulas.
@Suite struct QuarterlyReportTests {
    static let script = "<script>alert(1)</script>"
    static let formula = "=HYPERLINK(\"http://evil.example\",\"x\")"
    static let entity = "AT&T &lt;b&gt;"

    /// B ── fiber 1000 ── V1 (30 hh), B ── copper 10 ── V2 (20 hh, named <script>),
    /// V3 (50 hh, named =HYPERLINK…) unreached. Villages 3: broadband 2 (66.7 %), fiber 1 (33.3 %).
    static func topology() -> Topology {
        var t = Topology(name: "crafted")
        t.nodes = [
            TopologyNode(id: "B", tier: .backbone, latitude: 30, longitude: 110),
            TopologyNode(id: "V1", name: entity, tier: .village, region: ["North"], latitude: 30.1, longitude: 110.1, households: 30),
            TopologyNode(id: "V2", name: script, tier: .village, region: ["South"], latitude: 29.9, longitude: 110.2, households: 20),
            TopologyNode(id: "V3", name: formula, tier: .village, region: ["South"], latitude: 29.8, longitude: 110.3, households: 50),
        ]
        t.links = [
            TopologyLink(a: 0, b: 1, medium: .fiber, capacityMbps: 1000, lengthKm: 10),
            TopologyLink(a: 0, b: 2, medium: .copper, capacityMbps: 10, lengthKm: 5),
        ]
        return t
    }

    /// Bytes: 300 native IPv6, 100 translated, 600 IPv4 → IPv6 share 30 %.
    static func transition() -> TransitionSummary {
        var s = TransitionSummary()
        s.bytes.ipv6 = 300; s.bytes.translated = 100; s.bytes.ipv4 = 600
        s.packets.ipv6 = 3; s.packets.ipv4 = 7
        s.connections.ipv6 = 1; s.connections.ipv4 = 3
        s.deviceCounts.devices = 4; s.deviceCounts.usingIPv6 = 1; s.deviceCounts.ipv4Only = 3
        s.destinations.namesLookedUp = 8; s.destinations.withAAAA = 6
        return s
    }

    static func document(history: [HistoryRow] = []) throws -> ReportDocument {
        let topo = topology()
        let report = CoverageScorer.score(topo)
        let profile = try #require(try TargetCatalog.bundled().profile(named: "ipv6-work-plan-2025"))
        var total = AdoptionSummary(); total.packets = 10; total.bytes = 1000
        let t = transition()
        let capture = CaptureFindings(total: total, transition: t, cdn: nil,
                                      targets: [(profile, .fixed, CaptureTargetScorer.score(profile, summary: t, network: .fixed))])
        let run = ReportRun(generatedAt: "2026-12-05T00:00:00Z", toolVersion: "netcensus test",
                            inputs: [ReportInput(path: "cap-\(script).pcap", kind: "capture", sha256: String(repeating: "ab", count: 32), bytes: 1234)],
                            options: ["--quarter 2026Q4"])
        return QuarterlyReportBuilder.build(quarter: QuarterID("2026Q4")!, run: run, capture: capture,
                                            topology: TopologyFindings(name: "crafted", topology: topo, report: report, targets: [], plan: nil),
                                            history: history)
    }

    @Test func figuresAndHeadlineByHand() throws {
        func row(_ q: String, _ v: Double) -> HistoryRow {
            HistoryRow(quarter: QuarterID(q)!, figure: HistoryFigure(section: "capture", key: "ipv6_share_bytes", value: v, unit: "percent"))
        }
        let history = [row("2026Q3", 25), row("2026Q2", 99)]
        let d = try Self.document(history: history)
        func fig(_ s: String, _ k: String) -> Double? { d.figures.first { $0.section == s && $0.key == k }?.value }
        #expect(fig("capture", "ipv6_share_bytes") == 30)
        #expect(fig("capture", "devices_using_ipv6_share") == 25)
        #expect(fig("capture", "names_with_aaaa_share") == 75)
        #expect(abs(fig("topology", "village_broadband_share")! - 200.0 / 3) < 1e-9)
        #expect(abs(fig("topology", "village_fiber_share")! - 100.0 / 3) < 1e-9)
        #expect(fig("capture_targets", "ipv6-work-plan-2025/cn-ipv6-wp2025-fixed-network-ipv6-traffic-share") == 30)
        // The previous quarter is the calendar quarter before (Q3, not Q2): +5 pp.
        let bytes = try #require(d.headline.first { $0.key == "ipv6_share_bytes" })
        #expect(bytes.previous == 25 && bytes.change == 5)
        // With Q3 missing, there is no previous quarter (Q2 is not "the previous quarter").
        let gap = try Self.document(history: [history[1]])
        #expect(gap.headline.first { $0.key == "ipv6_share_bytes" }?.previous == nil)
    }

    @Test func everyFormatAgreesAndHostileNamesStayText() throws {
        let d = try Self.document()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReportJSON.render(d).utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "netcensus-report" && json["quarter"] as? String == "2026Q4")
        let figures = try #require(json["figures"] as? [[String: Any]])
        #expect(figures.contains { $0["key"] as? String == "ipv6_share_bytes" && $0["value"] as? Double == 30 && $0["unit"] as? String == "percent" })

        // HTML, parsed as a document.
        let html = ReportHTML.render(d)
        let parsed = try Self.parseHTML(html)
        #expect((parsed["scripts"] as? Int) == 0, "no <script> element")
        #expect((parsed["event_attributes"] as? Int) == 0, "no on* attribute")
        #expect((parsed["remote"] as? [String] ?? []).isEmpty, "no remote resource")
        let tables = try #require(parsed["tables"] as? [String: [[String]]])
        let adoption = try #require(tables["IPv6 adoption: IPv6 (native and tunnelled), NAT64-translated and IPv4"])
        let bytesRow = try #require(adoption.first { $0.first == "bytes" })
        #expect(bytesRow == ["bytes", "300", "100", "600", "30.0", "10.0"])
        let worst = try #require(tables["Worst villages (lowest capacity per household)"])
        #expect(worst.contains { $0.contains(Self.script) }, "the hostile name is shown as text")
        #expect(worst.contains { $0.contains(Self.formula) })
        #expect(worst.contains { $0.contains(Self.entity) }, "text that looks like an entity reads as written")
        let cards = try #require(parsed["cards"] as? [[String]])
        #expect(cards.contains { $0.first == "IPv6 share of traffic (bytes)" && $0.dropFirst().first == "30.0 %" })
        #expect((parsed["svgs"] as? Int ?? 0) >= 3, "bar, trend and map charts")

        // Markdown: the same numbers; the name escaped so it renders as text.
        let md = ReportMarkdown.render(d)
        #expect(md.contains("| bytes | 300 | 100 | 600 | 30.0 | 10.0 |"))
        #expect(!md.contains(Self.script) && md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))

        // CSV: the formula neutralised, the number unrounded.
        let csv = ReportCSV.tables(d)
        let worstCSV = try #require(csv.first { $0.name == "worst_villages.csv" }?.text)
        #expect(worstCSV.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""))
        let adoptionCSV = try #require(csv.first { $0.name == "adoption.csv" }?.text)
        #expect(adoptionCSV.contains("bytes,300,100,600,30,10\r\n"))
    }

    @Test func mapIsThinnedToWhatCanBeSeen() {
        // 500,000 villages on a 0.5° × 0.5° square: at most one dot per 4×4 px cell, the worst
        // status of the cell kept (an unreached village is never hidden by a fiber one).
        var rng = SplitMix64(seed: 7)
        var points: [MapPoint] = []
        for i in 0..<500_000 {
            let lon = 110 + Double(rng.next() % 10_000) / 20_000, lat = 30 + Double(rng.next() % 10_000) / 20_000
            points.append(MapPoint(longitude: lon, latitude: lat, status: i % 97 == 0 ? .unreached : .fiber))
        }
        let (kept, omitted) = MapThinning.thin(points)
        #expect(kept.count <= 161 * 101 && kept.count + omitted == points.count)
        #expect(kept.contains { $0.status == .unreached })
    }

    /// The page stays under 2 MB at 500,000 villages: the map is thinned (at most 161 × 101 dots
    /// as three paths), tables are per region or capped (worst 20 villages, top 15 works). The
    /// end-to-end figure on `topology synth --villages 500000` is in BENCHMARKS.md.
    @Test func pageWeightAt500000Villages() throws {
        var rng = SplitMix64(seed: 11)
        var points: [MapPoint] = []
        for i in 0..<500_000 {
            // Spread over China's extent (73–135 °E, 18–54 °N): the worst case for the dot count.
            points.append(MapPoint(longitude: 73 + Double(rng.next() % 62_000) / 1000, latitude: 18 + Double(rng.next() % 36_000) / 1000,
                                   status: i % 3 == 0 ? .unreached : (i % 3 == 1 ? .broadband : .fiber)))
        }
        let thinned = MapThinning.thin(points)
        let regions = (0..<34).map { r -> [ReportCell] in [.text("Province \(r)"), .integer(14_706), .number(99.5, digits: 1)] }
        var d = try Self.document()
        d.sections.append(ReportSection(key: "big", title: "Big network", blocks: [
            .chart(.map(key: "villages", title: "Villages", points: thinned.points, omitted: thinned.omitted, withoutCoordinates: 0)),
            .table(ReportTable(key: "regions", title: "Regions", columns: [ReportColumn("r", "region"), ReportColumn("v", "villages", .count),
                                                                            ReportColumn("b", "broadband", .percent)], rows: regions)),
        ]))
        let html = ReportHTML.render(d)
        #expect(html.utf8.count < 2_000_000, "\(html.utf8.count) bytes")
        #expect(thinned.points.count > 10_000, "the map is still dense enough to read")
    }

    /// Python's html.parser over the page: tables by caption (cell texts), headline cards, and
    /// counts of script elements, on* attributes, remote URLs and SVG elements.
    static func parseHTML(_ html: String) throws -> [String: Any] {
        let dir = SharedData.temporaryDirectory("report-html")
        let page = dir.appendingPathComponent("index.html"), prog = dir.appendingPathComponent("parse.py")
        try Data(html.utf8).write(to: page)
        try Data(parserScript.utf8).write(to: prog)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", prog.path, page.path]
        let out = Pipe(); p.standardOutput = out
        try p.run(); p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return try #require(try JSONSerialization.jsonObject(with: out.fileHandleForReading.readDataToEndOfFile()) as? [String: Any])
    }

    static let parserScript = """
    import json, sys
    from html.parser import HTMLParser
    class P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.tables = {}; self.cards = []; self.scripts = 0; self.events = 0; self.remote = []; self.svgs = 0
            self.stack = []; self.caption = None; self.row = None; self.cell = None; self.card = None; self.cardpart = None
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            self.stack.append(tag)
            if tag == 'script': self.scripts += 1
            if tag == 'svg': self.svgs += 1
            for k, v in attrs:
                if k.startswith('on'): self.events += 1
                if k in ('src', 'href') and v and ('//' in v): self.remote.append(v)
            if tag == 'caption': self.caption = ''
            if tag == 'tr': self.row = []
            if tag in ('td', 'th'): self.cell = ''
            cls = a.get('class') or ''
            if tag == 'div' and cls == 'card': self.card = []
            if tag == 'div' and self.card is not None and cls in ('label', 'value', 'change'): self.cardpart = ''
        def handle_endtag(self, tag):
            if self.stack: self.stack.pop()
            if tag == 'caption': self.current = self.caption; self.tables[self.caption] = []; self.caption = None
            elif tag in ('td', 'th') and self.row is not None: self.row.append(self.cell.strip()); self.cell = None
            elif tag == 'tr' and self.row is not None:
                if getattr(self, 'current', None) is not None and self.row and not all(c == '' for c in self.row):
                    self.tables[self.current].append(self.row)
                self.row = None
            elif tag == 'table': self.current = None
            elif tag == 'div' and self.cardpart is not None: self.card.append(self.cardpart.strip()); self.cardpart = None
            elif tag == 'div' and self.card is not None: self.cards.append(self.card); self.card = None
        def handle_data(self, d):
            if self.caption is not None: self.caption += d
            if self.cell is not None: self.cell += d
            if self.cardpart is not None: self.cardpart += d
    p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
    # Header rows (th) are kept as the first row of each table; drop them.
    tables = {k: v[1:] for k, v in p.tables.items()}
    print(json.dumps({'tables': tables, 'cards': p.cards, 'scripts': p.scripts, 'event_attributes': p.events, 'remote': p.remote, 'svgs': p.svgs}))
    """
}
