import Foundation
import Testing
import TestSupport
import Reporting
@testable import TopologyCoverage

/// The renderers of `topology score|plan` on the hand-built network (figures in
/// CoverageHandBuiltTests): JSON, CSV, GeoJSON and the text table.
@Suite struct TopologyRenderingTests {
    let t = handBuiltTopology()

    func profile() throws -> TargetProfile { try TargetCatalog.bundled().profile(named: "broadband-china-2020")! }

    @Test func json() throws {
        let r = CoverageScorer.score(t)
        let p = try profile()
        let res = TargetScorer.score(p, report: r, topology: t)
        let doc = TopologyScoreDocument(input: "hand", topology: t, report: r, profile: p, results: res, sources: [:], perNode: true)
        let o = try JSONSerialization.jsonObject(with: try doc.jsonData()) as! [String: Any]
        let net = o["network"] as! [String: Any]
        #expect(net["bridges"] as? Int == 1 && net["articulation_points"] as? Int == 1 && net["diameter_hops"] as? Int == 3)
        let v = o["villages"] as! [String: Any]
        #expect(v["fiber_share"] as? Double == 0.4 && v["broadband_share"] as? Double == 0.8)
        let rows = o["access_nodes"] as! [[String: Any]]
        #expect(rows.count == 6)   // 5 villages + township T
        let v3 = try #require(rows.first { $0["id"] as? String == "V3" })
        #expect(v3["bottleneck_mbps"] as? Double == 200 && v3["first_non_fiber_segment"] as? [String: String] == ["from": "V2", "to": "V3", "medium": "wireless"])
        let targets = (o["targets"] as! [String: Any])["results"] as! [[String: Any]]
        // broadband-china-2020: 2 village checks, both missed; 2 urban checks n/a (no urban nodes).
        let village = targets.filter { ($0["check"] as? [String: Any])?["population"] == nil }
        #expect(targets.count == 4 && village.count == 2 && village.allSatisfy { $0["met"] as? Bool == false })
        #expect(targets.filter { $0["not_applicable"] as? String == "no urban access nodes (tier building or urban_access) in the topology" }.count == 2)
    }

    @Test func csv() throws {
        let r = CoverageScorer.score(t)
        let data = try TopologyCSV.accessNodesData(topology: t, report: r)
        // Read back with the importer's own RFC 4180 scanner.
        let rows: [[String]] = try data.withUnsafeBytes { bytes in
            var scanner = CSVScanner(bytes: bytes, file: "access.csv")
            var out: [[String]] = []
            while try scanner.next() { out.append(scanner.fields.map(scanner.string)) }
            return out
        }
        #expect(rows.first == TopologyCSV.header)
        var byId: [String: [String]] = [:]
        for row in rows.dropFirst() { byId[row[0]] = row }
        #expect(byId.count == 6)
        // V1: behind the T–V1 bridge, 40 Mbps per household, copper first non-fiber segment.
        let v1 = try #require(byId["V1"])
        // Columns 13-15: first_non_fiber_from, _to, _medium (structured, no formatted string).
        #expect(v1[10] == "100" && v1[11] == "40.000000" && v1[13] == "T" && v1[14] == "V1" && v1[15] == "copper" && v1[16] == "1" && v1[17] == "1")
        // V4: not connected.
        #expect(byId["V4"]![5] == "0" && byId["V4"]![7] == "" && byId["V4"]![16] == "0" && byId["V4"]![13] == "")
    }

    @Test func geojson() throws {
        var u = t
        for i in u.nodes.indices { u.nodes[i].latitude = Double(i); u.nodes[i].longitude = 10 }
        let r = CoverageScorer.score(u)
        let o = try JSONSerialization.jsonObject(with: try TopologyGeoJSON.score(topology: u, report: r)) as! [String: Any]
        #expect(o["type"] as? String == "FeatureCollection")
        let fs = o["features"] as! [[String: Any]]
        #expect(fs.count == 7 + 7)   // every node a Point, every non-loop link a LineString
        let back = try GeoJSONImporter.load(path: {
            let f = SharedData.temporaryDirectory().appendingPathComponent("s.geojson")
            try! TopologyGeoJSON.score(topology: u, report: r).write(to: f); return f.path }())
        #expect(CoverageScorer.score(back).bottleneckMbps == r.bottleneckMbps)
    }

    /// The GeoJSON is a report-model tree rendered by `JSONRenderer.renderCompactExact`:
    /// coordinates keep every digit and a region path keeps its `/` (written unescaped).
    @Test func geojsonKeepsFullPrecision() throws {
        var u = t
        for i in u.nodes.indices { u.nodes[i].latitude = 30.123456789012345 + Double(i); u.nodes[i].longitude = 100.98765432109876 }
        u.nodes[0].region = ["P", "C"]
        let data = try TopologyGeoJSON.score(topology: u, report: CoverageScorer.score(u))
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\n") && text.contains("\"region\":\"P/C\"") && text.hasPrefix("{\"features\":[{\"geometry\":{\"coordinates\":["))
        // Swift's shortest round-trip form of each coordinate (JSONSerialization's reader is not
        // exact to the last digit, so the text is checked).
        let (lon, lat) = (u.nodes[0].longitude!, u.nodes[0].latitude!)
        #expect(text.contains("\"coordinates\":[\(lon),\(lat)]") && Double("\(lon)") == lon && "\(lon)".count == 18)
    }

    @Test func textEscapesControlCharacters() throws {
        var u = t
        u.nodes[5].name = "evil\u{1B}[2Jname"
        let r = CoverageScorer.score(u)
        let text = TopologyText.score(input: "x", topology: u, report: r, profile: try profile(),
                                      results: TargetScorer.score(try profile(), report: r, topology: u))
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" })
        #expect(text.contains("evil\\x1b[2Jname"))   // the Escaping.terminal form of ESC
        #expect(text.contains("bridges 1, articulation points 1, diameter of the largest component 3 hops"))
        #expect(text.contains("MISSED"))
    }

    @Test func textEscapesBidiAndLineSeparator() throws {
        // U+202E (RIGHT-TO-LEFT OVERRIDE) would reorder the rest of the line on screen and
        // U+2028 (LINE SEPARATOR) would break it; both must reach the report only escaped.
        var u = t
        u.nodes[5].name = "ab\u{202E}cd\u{2028}ef"
        let r = CoverageScorer.score(u)
        let text = TopologyText.score(input: "x", topology: u, report: r, profile: try profile(),
                                      results: TargetScorer.score(try profile(), report: r, topology: u))
        #expect(!text.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{2028}" })
        #expect(text.contains("ab\\u{202e}cd\\u{2028}ef"))
        #expect(TopologyText.clean("\u{202E}x") == "\\u{202e}x")
    }
}
