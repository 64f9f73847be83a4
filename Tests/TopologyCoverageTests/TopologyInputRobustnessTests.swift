import Foundation
import Testing
import TestSupport
import Reporting
@testable import TopologyCoverage
#if canImport(Glibc)
import Glibc
#endif

/// Regressions for the topology input defects of issues 7 and 10, each on a small input
/// generated here.
@Suite struct TopologyInputRobustnessTests {
    /// Issue 7.9: a FIFO named as a topology (or inside a CSV folder) is refused at once with
    /// `.cannotOpen` (exit 66), never opened for a blocking read.
    @Test func fifoIsRefusedWithoutBlocking() throws {
        let dir = SharedData.temporaryDirectory("fifo")
        for name in ["t.graphml", "t.txt", "t.geojson"] {
            let p = dir.appendingPathComponent(name).path
            #expect(mkfifo(p, 0o600) == 0)
            do { _ = try TopologyLoader.load(p); Issue.record("\(name): FIFO accepted") } catch let e as TopologyImportError {
                #expect(e.cannotOpen && e.reason.contains("FIFO"), "\(e)")
            }
        }
        // nodes.csv a FIFO inside a CSV folder; links.csv regular.
        let pairDir = SharedData.temporaryDirectory("fifo-pair")
        #expect(mkfifo(pairDir.appendingPathComponent("nodes.csv").path, 0o600) == 0)
        try "a,b\n".write(to: pairDir.appendingPathComponent("links.csv"), atomically: true, encoding: .utf8)
        do { _ = try TopologyLoader.load(pairDir.path); Issue.record("FIFO nodes.csv accepted") } catch let e as TopologyImportError {
            #expect(e.cannotOpen && e.file.hasSuffix("nodes.csv") && e.reason.contains("not a regular file"), "\(e)")
        }
        // GraphML read directly is refused the same way (its own error type, same kind).
        do { _ = try GraphMLImporter.load(path: dir.appendingPathComponent("t.graphml").path) } catch let e as GraphMLError {
            #expect(e.cannotOpen && e.reason.contains("FIFO"), "\(e)")
        }
    }

    /// Issue 10: one keyword table; every keyword gives its medium in every format that
    /// carries a free-text medium (CSV `medium`, GeoJSON `technology`, GraphML `LinkType` and
    /// `LinkLabel`). SNDlib native has no medium field (links stay unknown).
    @Test func everyKeywordGivesTheSameMediumInEveryFormat() throws {
        let dir = SharedData.temporaryDirectory("media")
        var checked = 0
        for (medium, keywords) in Medium.keywordTable {
            for k in keywords {
                let label = "\(k.uppercased()) link"   // case and extra words do not matter
                // CSV pair
                let pairDir = dir.appendingPathComponent("csv-\(k)")
                try FileManager.default.createDirectory(at: pairDir, withIntermediateDirectories: true)
                try "id\nA\nB\n".write(to: pairDir.appendingPathComponent("nodes.csv"), atomically: true, encoding: .utf8)
                try "a,b,medium\nA,B,\(label)\n".write(to: pairDir.appendingPathComponent("links.csv"), atomically: true, encoding: .utf8)
                #expect(try CSVPairImporter.load(directory: pairDir.path).links[0].medium == medium, "CSV \(k)")
                // GeoJSON
                let geo = dir.appendingPathComponent("g-\(k).geojson")
                try """
                {"type":"FeatureCollection","features":[
                 {"type":"Feature","geometry":{"type":"Point","coordinates":[10.0,5.0]},"properties":{"id":"A"}},
                 {"type":"Feature","geometry":{"type":"Point","coordinates":[10.1,5.0]},"properties":{"id":"B"}},
                 {"type":"Feature","geometry":{"type":"LineString","coordinates":[[10.0,5.0],[10.1,5.0]]},"properties":{"technology":"\(label)"}}]}
                """.write(to: geo, atomically: true, encoding: .utf8)
                #expect(try GeoJSONImporter.load(path: geo.path).links.first?.medium == medium, "GeoJSON \(k)")
                // GraphML, LinkType then LinkLabel
                for key in ["LinkType", "LinkLabel"] {
                    let xml = """
                    <graphml><key id="k" for="edge" attr.name="\(key)"/><graph>
                    <node id="A"/><node id="B"/><edge source="A" target="B"><data key="k">\(label)</data></edge></graph></graphml>
                    """
                    #expect(try GraphMLImporter.parse(Data(xml.utf8), name: "m").links[0].medium == medium, "GraphML \(key) \(k)")
                }
                checked += 1
            }
        }
        #expect(checked == Medium.keywordTable.reduce(0) { $0 + $1.keywords.count } && checked > 50)
        // Words, not substrings: "DS-3" names no medium; the first row of the table wins.
        #expect(Medium(label: "DS-3") == nil && Medium(label: "Microwave radio") == .microwave && Medium(label: "fibre/DSL") == .fiber)
    }

    /// Issue 10: GraphML nodes with no or one coordinate are named (first 10, then a count).
    @Test func graphMLNodesWithoutCoordinatesAreNamed() throws {
        var nodes = ""
        for i in 0..<13 { nodes += "<node id=\"n\(i)\"/>" }
        nodes += "<node id=\"half\"><data key=\"la\">10</data></node>"
        nodes += "<node id=\"full\"><data key=\"la\">10</data><data key=\"lo\">20</data></node>"
        let xml = """
        <graphml><key id="la" for="node" attr.name="Latitude"/><key id="lo" for="node" attr.name="Longitude"/><graph>\(nodes)</graph></graphml>
        """
        let t = try GraphMLImporter.parse(Data(xml.utf8), name: "coords")
        let none = try #require(t.importNotes.first { $0.contains("without Latitude/Longitude") })
        #expect(none.hasPrefix("13 node(s)") && none.contains("'n0', 'n1'") && none.contains("'n9' and 3 more") && !none.contains("'n10'"), "\(none)")
        let one = try #require(t.importNotes.first { $0.contains("only one of Latitude/Longitude") })
        #expect(one.hasPrefix("1 node(s)") && one.contains("'half'") && !one.contains("full"), "\(one)")
        #expect(t.nodes.last?.latitude == 10 && t.nodes.last?.longitude == 20)
    }

    /// Issue 7.6: a capacity of 1e308 is finite, but 1e308 × 20 (contention) overflows; the JSON
    /// must hold null (a number per the schema, never the string "inf") and a note.
    @Test func overflowingFiguresAreNullInJSON() throws {
        let t = Topology(name: "big", nodes: [TopologyNode(id: "B", tier: .backbone), TopologyNode(id: "V", tier: .village, households: 1)],
                         links: [TopologyLink(a: 0, b: 1, medium: .fiber, capacityMbps: 1e308)])
        let r = CoverageScorer.score(t)
        let doc = TopologyScoreDocument(input: "big", topology: t, report: r, profile: nil, results: [], sources: [:], perNode: true)
        let data = try doc.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\"inf\"") && !text.contains("nonfinite-"), "a non-finite figure was written as a string")
        let o = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let villages = try #require(o["villages"] as? [String: Any])
        // The key is there, and null (1e308 × 20 / 1 household overflows).
        #expect(villages.keys.contains("per_household_median_mbps") && villages["per_household_median_mbps"] is NSNull,
                "\(String(describing: villages["per_household_median_mbps"]))")
        let notes = try #require(o["import_notes"] as? [String])
        #expect(notes.contains { $0.contains("not finite") && $0.contains("written as null") }, "\(notes)")
        // The CSV writes the overflowed figure as an empty cell, never "inf".
        let csv = String(decoding: try TopologyCSV.accessNodesData(topology: t, report: r), as: UTF8.self)
        let cells = csv.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(cells[11] == "" && cells[10] == "1e+308", "\(cells)")
    }

    /// Issue 7.11: text cells starting with = + - @ tab or CR are neutralised; numbers stay numbers.
    @Test func csvCellsAreNeutralisedButNumbersStayNumeric() throws {
        for s in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\r=HYPERLINK(\"x\")"] {
            #expect(Escaping.csvCell(s).hasPrefix("'"), "\(s.debugDescription)")
        }
        for s in ["-5", "+1.5e3", "abc", "", "a=b"] { #expect(!Escaping.csvCell(s).hasPrefix("'"), "\(s)") }
        #expect(Escaping.csv("\r=1") == "\"'\r=1\"")
        // In the topology CSV, a hostile node name is neutralised and numeric columns are untouched.
        let t = Topology(name: "n", nodes: [TopologyNode(id: "B", tier: .backbone), TopologyNode(id: "-1", name: "\r=cmd|' /C calc'!A0", tier: .village, households: 2)],
                         links: [TopologyLink(a: 0, b: 1, medium: .fiber, capacityMbps: 100)])
        let csv = String(decoding: try TopologyCSV.accessNodesData(topology: t, report: CoverageScorer.score(t)), as: UTF8.self)
        let rows: [[String]] = try Array(csv.utf8).withUnsafeBytes { raw in
            var s = CSVScanner(bytes: raw, file: "out.csv"); var out: [[String]] = []
            while try s.next() { out.append(s.fields.map(s.string)) }
            return out
        }
        #expect(rows.count == 2 && rows[1][0] == "-1" && rows[1][1] == "'\r=cmd|' /C calc'!A0" && rows[1][4] == "2" && rows[1][10] == "100", "\(rows)")
    }
}
