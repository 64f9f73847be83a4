import Foundation
import Testing
import TestSupport
import TopologyCoverage

/// Hostile topology files: fuzz findings (minimised inputs inlined) and hand-crafted attacks.
/// Each must end in a `TopologyImportError` / `GraphMLError` naming file and location, or in a
/// consistent topology, never in a trap or a hang. Harness: `Fuzz/run.sh FuzzGeoJSON` etc.
@Suite("importers: fuzz regressions and hostile files")
struct ImporterRegressionTests {
    static func write(_ text: String, _ name: String) throws -> String {
        let url = SharedData.temporaryDirectory("importers").appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func point(_ coordinates: String, _ properties: String = #""id":"a""#) -> String {
        #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":\#(coordinates)},"properties":{\#(properties)}}]}"#
    }

    // MARK: - GeoJSON

    /// `households: 1e300` trapped in `Int(_:)` (a crash of `netcensus topology score`).
    @Test func geoJSONHouseholdsBeyondIntIsAnError() throws {
        let path = try Self.write(Self.point("[0,0]", #""id":"a","households":1e300"#), "hh.geojson")
        let e = try #require(throws: TopologyImportError.self) { try GeoJSONImporter.load(path: path) }
        #expect(e.file == path && e.location == "feature 0" && e.reason.contains("households"))
    }

    /// Non-finite and out-of-range positions trapped in the geometry index (GeoGrid cell of
    /// NaN or 1e300 degrees). RFC 7946 section 4: longitude, latitude in WGS84 degrees.
    @Test(arguments: [#"["nan","1e999"]"#, "[1e300,-1e300]", "[10,91]", "[181,0]"])
    func geoJSONPointOutsideWGS84IsAnError(coordinates: String) throws {
        let path = try Self.write(Self.point(coordinates), "bad-point.geojson")
        let e = try #require(throws: TopologyImportError.self) { try GeoJSONImporter.load(path: path) }
        #expect(e.file == path && e.location == "feature 0" && e.reason.contains("WGS84"))
    }

    @Test func geoJSONLinePositionOutsideWGS84IsAnError() throws {
        let doc = #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1e308,2]]},"properties":{}}]}"#
        let path = try Self.write(doc, "bad-line.geojson")
        let e = try #require(throws: TopologyImportError.self) { try GeoJSONImporter.load(path: path) }
        #expect(e.location == "feature 0" && e.reason.contains("WGS84"))
    }

    // MARK: - SNDlib

    /// `Double("nan")` parses, so NaN coordinates were accepted; now the node line is an error.
    @Test func sndlibNonFiniteCoordinatesAreAnError() {
        let text = "NODES (\n  A ( nan 1.0 )\n)\nLINKS (\n)\n"
        let e = #expect(throws: TopologyImportError.self) { try SNDlibImporter.parse(text, file: "x.txt") }
        #expect(e?.location == "line 2")
    }

    @Test func sndlibInfiniteCapacityIsAnError() {
        let text = "NODES (\n  A ( 1 1 )\n  B ( 2 2 )\n)\nLINKS (\n  L1 ( A B ) inf 0 0 0 ( )\n)\n"
        let e = #expect(throws: TopologyImportError.self) { try SNDlibImporter.parse(text, file: "x.txt") }
        #expect(e?.location == "line 6" && e?.reason.contains("capacity") == true)
    }

    // MARK: - Geometry index

    /// Planar coordinates far apart relative to the 0.1-degree cells (SNDlib atlanta uses
    /// 0...500) made the ring search walk ~maxRing^2 empty cells; hostile 1e300 trapped. The
    /// nearest neighbour must equal a brute-force scan, quickly.
    @Test func geoGridSparseAndHugeCoordinates() {
        var grid = GeoGrid(cellDegrees: 0.1)
        let pts: [(Double, Double)] = [(0, 0), (80, 170), (-80, -170), (45, 10), (1e300, -1e300)]
        for (i, p) in pts.enumerated() { grid.insert(id: i, latitude: p.0, longitude: p.1) }
        // (44, 11) is nearest to (45, 10): about 137 km (1 degree of latitude 111 km, 1 of
        // longitude at 44.5 N 79 km: sqrt(111^2 + 79^2) = 136); next is (0, 0), ~4,900 km away.
        let near = grid.nearest(latitude: 44, longitude: 11, k: 2)
        #expect(near.map(\.id) == [3, 0])
        #expect(abs(near[0].km - 136) < 3)
    }

    // MARK: - GraphML

    /// Edges naming undeclared nodes create those nodes (with a note) so every link end indexes
    /// the node list, as `multigraph()` requires.
    @Test func graphMLEdgesToUndeclaredNodes() throws {
        let xml = """
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">
            <node id="a"/><edge source="a" target="ghost"/><edge source="ghost2" target="ghost3"/>
            </graph></graphml>
            """
        let t = try GraphMLImporter.parse(Data(xml.utf8), name: "g")
        #expect(t.nodes.map(\.id) == ["a", "ghost", "ghost2", "ghost3"])
        #expect(t.links.map { [$0.a, $0.b] } == [[0, 1], [2, 3]])
        #expect(t.importNotes.contains { $0.contains("3 node(s) created from edge endpoints") })
    }

    /// A 4 MiB attribute value is kept whole and imports in linear time (text is appended, not
    /// re-copied per chunk).
    @Test func graphMLHugeAttributeValue() throws {
        let big = String(repeating: "x", count: 4 << 20)
        let xml = """
            <graphml><key id="l" for="node" attr.name="label"/><graph>
            <node id="a"><data key="l">\(big)</data></node></graph></graphml>
            """
        let start = ContinuousClock.now
        let t = try GraphMLImporter.parse(Data(xml.utf8), name: "big")
        #expect(t.nodes.first?.name.utf8.count == 4 << 20)
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    /// "Billion laughs": nested internal entities (10^9 x "lol"). Entity declarations are
    /// refused before parsing, naming the line of the first one (line 1 here).
    @Test func graphMLEntityExpansionIsRefused() throws {
        var dtd = "<!DOCTYPE graphml [<!ENTITY e0 \"lollollollollollollollollollol\">"
        for i in 1...9 { dtd += "<!ENTITY e\(i) \"" + String(repeating: "&e\(i - 1);", count: 10) + "\">" }
        dtd += "]>"
        let xml = dtd + """
            <graphml><key id="l" for="node" attr.name="label"/><graph>
            <node id="a"><data key="l">&e9;</data></node></graph></graphml>
            """
        let e = try #require(throws: GraphMLError.self) { try GraphMLImporter.parse(Data(xml.utf8), name: "laughs") }
        #expect(e.file == "laughs" && e.line == 1 && e.reason.contains("entity"))
    }

    /// FuzzGraphML crash-4b532e27 minimised to 5 bytes: a processing instruction without data.
    /// FoundationXML hands libxml2's NULL data pointer to strlen: SIGSEGV in the system parser,
    /// which killed `netcensus topology score`. Refused before parsing, naming the line.
    @Test func graphMLProcessingInstructionWithoutDataIsRefused() throws {
        let e = try #require(throws: GraphMLError.self) {
            try GraphMLImporter.parse(Data([0x3c, 0x3f, 0x78, 0x3f, 0x3e]), name: "pi")   // "<?x?>"
        }
        #expect(e.file == "pi" && e.line == 1 && e.reason.contains("processing instruction"))
        // With data (and the XML declaration itself) a PI is harmless and still accepted.
        let ok = #"<?xml version="1.0"?><?app some data?><graphml><graph><node id="a"/></graph></graphml>"#
        #expect(try GraphMLImporter.parse(Data(ok.utf8), name: "ok").nodes.count == 1)
    }

    /// The same crash file, minimised with the PI check in place, to 36 bytes:
    /// `<?xml version="1.0" encoding="utf7"` + NUL: SIGSEGV in libxml2's xmlSwitchToEncoding.
    /// NUL is not an XML character (XML 1.0 section 2.2) and only UTF-8/ASCII/Latin-1
    /// declarations are accepted, so both halves are refused with a reason.
    @Test func graphMLUTF7DeclarationWithNULIsRefused() throws {
        let bytes: [UInt8] = Array(#"<?xml version="1.0" encoding="utf7""#.utf8) + [0]
        #expect(bytes.count == 36)
        let e = try #require(throws: GraphMLError.self) { try GraphMLImporter.parse(Data(bytes), name: "nul") }
        #expect(e.reason.contains("NUL byte at offset 35"))
        let utf7 = #"<?xml version="1.0" encoding="utf-7"?><graphml/>"#
        let e2 = try #require(throws: GraphMLError.self) { try GraphMLImporter.parse(Data(utf7.utf8), name: "u7") }
        #expect(e2.reason.contains("'utf-7'"))
        let latin1 = #"<?xml version="1.0" encoding='ISO-8859-1'?><graphml><graph><node id="a"/></graph></graphml>"#
        #expect(try GraphMLImporter.parse(Data(latin1.utf8), name: "l1").nodes.count == 1)
    }

    /// An external entity (XXE) was substituted by libxml2: the content of a local file ended up
    /// as a node label. Now the document is refused at the declaration (line 2).
    @Test func graphMLExternalEntityIsNotResolved() throws {
        let secret = try Self.write("TOPSECRET-\(UUID().uuidString)", "secret.txt")
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE graphml [<!ENTITY x SYSTEM "file://\(secret)">]>
            <graphml><key id="l" for="node" attr.name="label"/><graph>
            <node id="a"><data key="l">&x;</data></node></graph></graphml>
            """
        let e = try #require(throws: GraphMLError.self) { try GraphMLImporter.parse(Data(xml.utf8), name: "xxe") }
        #expect(e.line == 2 && !e.description.contains("TOPSECRET"))
    }
}
