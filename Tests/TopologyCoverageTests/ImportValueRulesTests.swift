import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// Nonsense numbers (fuzz findings: negative capacity/length/households, coordinates outside
/// WGS84, NaN/inf, 1e300) are an error naming file, place and reason in every importer; the
/// edge values of each range still load. Rules: `ImportValueRules`, Topologies/README.md.
@Suite("importers: value rules")
struct ImportValueRulesTests {
    static let nodesHeader = "id,name,tier,region,lat,lon,households,ipv6\n"
    static let goodNodes = nodesHeader + "B,B,backbone,P,30,110,,1\nV,V,village,P,30.1,110.1,10,1\n"
    static let linksHeader = "a,b,medium,capacity_mbps,length_km,ipv6\n"
    static let goodLinks = linksHeader + "B,V,fiber,1000,12.5,1\n"

    static func csvPair(_ nodes: String, _ links: String) throws -> URL {
        let dir = SharedData.temporaryDirectory("value-rules")
        try nodes.write(to: dir.appendingPathComponent("nodes.csv"), atomically: true, encoding: .utf8)
        try links.write(to: dir.appendingPathComponent("links.csv"), atomically: true, encoding: .utf8)
        return dir
    }

    // MARK: - CSV pair

    /// (bad row of nodes.csv, word the reason must contain). Row is line 3 of nodes.csv.
    @Test(arguments: [
        ("V,V,village,P,91,110.1,10,1", "latitude"),
        ("V,V,village,P,-90.5,110.1,10,1", "latitude"),
        ("V,V,village,P,30,-181,10,1", "longitude"),
        ("V,V,village,P,1e300,110,10,1", "latitude"),
        ("V,V,village,P,nan,110,10,1", "lat"),
        ("V,V,village,P,30,inf,10,1", "lon"),
        ("V,V,village,P,30,110,-5,1", "households"),
        ("V,V,village,P,30,110,-0.5e1,1", "households"),
        ("V,V,village,P,30,110,1e300,1", "households"),
        ("V,V,village,P,30,110,nan,1", "households"),
    ])
    func csvNodeValues(row: String, word: String) throws {
        let dir = try Self.csvPair(Self.nodesHeader + "B,B,backbone,P,30,110,,1\n" + row + "\n", Self.goodLinks)
        let e = try #require(throws: TopologyImportError.self) { try CSVPairImporter.load(directory: dir.path) }
        #expect(e.file.hasSuffix("nodes.csv") && e.location == "line 3" && e.reason.contains(word), "\(e)")
    }

    /// (bad row of links.csv, word). Row is line 2 of links.csv.
    @Test(arguments: [
        ("B,V,fiber,-1000,12.5,1", "capacity_mbps"),
        ("B,V,fiber,inf,12.5,1", "capacity_mbps"),
        ("B,V,fiber,NaN,12.5,1", "capacity_mbps"),
        ("B,V,fiber,1000,-0.1,1", "length_km"),
        ("B,V,fiber,1000,1e309,1", "length_km"),   // overflows to inf
    ])
    func csvLinkValues(row: String, word: String) throws {
        let dir = try Self.csvPair(Self.goodNodes, Self.linksHeader + row + "\n")
        let e = try #require(throws: TopologyImportError.self) { try CSVPairImporter.load(directory: dir.path) }
        #expect(e.file.hasSuffix("links.csv") && e.location == "line 2" && e.reason.contains(word), "\(e)")
    }

    /// The ends of each range are valid: poles, the antimeridian, capacity and length 0,
    /// 0 households, a decimal household count (truncated).
    @Test func csvRangeEndsLoad() throws {
        let nodes = Self.nodesHeader + "B,B,backbone,P,90,180,0,1\nV,V,village,P,-90,-180,12.9,1\n"
        let dir = try Self.csvPair(nodes, Self.linksHeader + "B,V,fiber,0,0,1\n")
        let t = try CSVPairImporter.load(directory: dir.path)
        #expect(t.nodes[0].latitude == 90 && t.nodes[0].longitude == 180 && t.nodes[1].latitude == -90)
        #expect(t.nodes[1].households == 12 && t.links[0].capacityMbps == 0 && t.links[0].lengthKm == 0)
    }

    // MARK: - GraphML

    static func graphML(node: String = "", edge: String = "") -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key attr.name="Latitude" attr.type="double" for="node" id="d0"/>
          <key attr.name="Longitude" attr.type="double" for="node" id="d1"/>
          <key attr.name="LinkSpeed" attr.type="string" for="edge" id="d2"/>
          <key attr.name="LinkSpeedUnits" attr.type="string" for="edge" id="d3"/>
          <key attr.name="LinkSpeedRaw" attr.type="double" for="edge" id="d4"/>
          <key attr.name="length_km" attr.type="double" for="edge" id="d5"/>
          <graph edgedefault="undirected">
            <node id="0"><data key="d0">45.5</data><data key="d1">9.2</data></node>
            <node id="1">\(node)</node>
            <edge source="0" target="1" id="e0">\(edge)</edge>
          </graph>
        </graphml>
        """
    }

    /// Node "1" is on line 11, the edge on line 12 of `graphML` (line 1 is the XML declaration).
    @Test(arguments: [
        (#"<data key="d0">1e300</data><data key="d1">9</data>"#, "", 11, "latitude"),
        (#"<data key="d0">45</data><data key="d1">-200</data>"#, "", 11, "longitude"),
        (#"<data key="d0">NaN</data><data key="d1">9</data>"#, "", 11, "latitude"),
        (#"<data key="d0">45</data><data key="d1">inf</data>"#, "", 11, "longitude"),
        ("", #"<data key="d2">-10</data><data key="d3">G</data>"#, 12, "LinkSpeed"),
        ("", #"<data key="d4">-1e9</data>"#, 12, "LinkSpeedRaw"),
        ("", #"<data key="d4">nan</data>"#, 12, "LinkSpeedRaw"),
        ("", #"<data key="d5">-3</data>"#, 12, "length_km"),
    ])
    func graphMLValues(node: String, edge: String, line: Int, word: String) throws {
        let xml = Self.graphML(node: node, edge: edge)
        let e = try #require(throws: GraphMLError.self) { try GraphMLImporter.parse(Data(xml.utf8), name: "z.graphml") }
        let place = line == 11 ? "node '1'" : "edge 'e0' 0–1"
        #expect(e.file == "z.graphml" && e.line == line && e.reason.hasPrefix(place) && e.reason.contains(word), "\(e)")
    }

    @Test func graphMLValidValuesLoad() throws {
        let xml = Self.graphML(node: #"<data key="d0">-90</data><data key="d1">180</data>"#,
                               edge: #"<data key="d2">2.5</data><data key="d3">G</data><data key="d5">0</data>"#)
        let t = try GraphMLImporter.parse(Data(xml.utf8), name: "ok")
        #expect(t.nodes[1].latitude == -90 && t.nodes[1].longitude == 180)
        #expect(t.links[0].capacityMbps == 2500 && t.links[0].lengthKm == 0)
    }

    // MARK: - GeoJSON

    static func doc(point: String = #""id":"a""#, line: String = #""a":"a","b":"b""#) -> String {
        """
        {"type":"FeatureCollection","features":[
         {"type":"Feature","geometry":{"type":"Point","coordinates":[10,5]},"properties":{\(point)}},
         {"type":"Feature","geometry":{"type":"Point","coordinates":[10.1,5]},"properties":{"id":"b"}},
         {"type":"Feature","geometry":{"type":"LineString","coordinates":[[10,5],[10.1,5]]},"properties":{\(line)}}
        ]}
        """
    }

    @Test(arguments: [
        (#""id":"a","households":-3"#, #""a":"a","b":"b""#, 0, "households"),
        (#""id":"a","households":"many""#, #""a":"a","b":"b""#, 0, "households"),
        (#""id":"a""#, #""a":"a","b":"b","capacity_mbps":-100"#, 2, "capacity_mbps"),
        (#""id":"a""#, #""a":"a","b":"b","capacity_mbps":"inf""#, 2, "capacity_mbps"),
        (#""id":"a""#, #""a":"a","b":"b","length_km":-2"#, 2, "length_km"),
        (#""id":"a""#, #""a":"a","b":"b","distance":"NaN""#, 2, "distance"),
        (#""id":"a""#, #""a":"a","b":"b","length_m":-1"#, 2, "length_m"),
    ])
    func geoJSONValues(point: String, line: String, feature: Int, word: String) throws {
        let url = SharedData.temporaryDirectory("value-rules").appendingPathComponent("v.geojson")
        try Self.doc(point: point, line: line).write(to: url, atomically: true, encoding: .utf8)
        let e = try #require(throws: TopologyImportError.self) { try GeoJSONImporter.load(path: url.path) }
        #expect(e.file == url.path && e.location == "feature \(feature)" && e.reason.contains(word), "\(e)")
    }

    @Test func geoJSONValidValuesLoad() throws {
        let url = SharedData.temporaryDirectory("value-rules").appendingPathComponent("ok.geojson")
        try Self.doc(point: #""id":"a","households":0"#, line: #""a":"a","b":"b","capacity_mbps":"0","distance":null,"length_km":"<NA>""#)
            .write(to: url, atomically: true, encoding: .utf8)
        let t = try GeoJSONImporter.load(path: url.path)
        // No usable length property: the polyline's great-circle length, 0.1 degree of longitude
        // at 5 N = 111.19 km × 0.1 × cos(5°) ≈ 11.08 km.
        #expect(t.links[0].capacityMbps == 0 && abs((t.links[0].lengthKm ?? 0) - 11.08) < 0.01)
    }

    // MARK: - SNDlib

    static func sndlib(nodes: String = "  A ( 10.5 50.1 )\n  B ( 11.0 50.2 )\n",
                       link: String = "  L1 ( A B ) 100.00 0.00 0.00 0.00 ( 1000.00 5.00 )\n") -> String {
        "?SNDlib native format; type: network; version: 1.0\nNODES (\n\(nodes))\nLINKS (\n\(link))\n"
    }

    @Test(arguments: [
        (sndlib(link: "  L1 ( A B ) -100.00 0.00 0.00 0.00 ( 1000.00 5.00 )\n"), "line 7", "pre-installed capacity"),
        (sndlib(link: "  L1 ( A B ) 0.00 0.00 0.00 0.00 ( -1000.00 5.00 )\n"), "line 7", "module capacity"),
        (sndlib(nodes: "  A ( 1e300 50.1 )\n  B ( 11.0 50.2 )\n"), "line 3", "coordinates"),
        (sndlib(nodes: "  A ( 10.5 50.1 )\n  B ( 11.0 -inf )\n"), "line 4", "coordinates"),
    ])
    func sndlibValues(text: String, location: String, word: String) throws {
        let e = try #require(throws: TopologyImportError.self) { try SNDlibImporter.parse(text, file: "s.txt") }
        #expect(e.file == "s.txt" && e.location == location && e.reason.contains(word), "\(e)")
    }

    /// SNDlib allows planar layout coordinates (atlanta uses 56...516): when any node lies
    /// outside WGS84 the file loads, no node gets latitude/longitude, x/y are kept, a note says so.
    @Test func sndlibPlanarLayout() throws {
        let t = try SNDlibImporter.parse(Self.sndlib(nodes: "  A ( 10 50 )\n  B ( 500 400 )\n"), file: "p.txt")
        #expect(t.nodes.allSatisfy { $0.latitude == nil && $0.longitude == nil })
        #expect(t.nodes[1].attributes["x"] == "500" && t.nodes[1].attributes["y"] == "400" && t.nodes[0].attributes["x"] == "10")
        #expect(t.importNotes.contains { $0.contains("planar") && $0.contains("'B'") })
        let geo = try SNDlibImporter.parse(Self.sndlib(), file: "g.txt")
        #expect(geo.nodes[0].latitude == 50.1 && geo.nodes[0].longitude == 10.5 && geo.nodes[0].attributes["x"] == nil)
    }

    /// The public instances: abilene is WGS84 (lengths from coordinates), atlanta is planar.
    @Test func sndlibPublicInstancesGeographicOrPlanar() throws {
        guard let a = SharedData.path("topologies/public/sndlib-native/abilene.txt"),
              let b = SharedData.path("topologies/public/sndlib-native/atlanta.txt") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let abilene = try SNDlibImporter.load(path: a)
        #expect(abilene.nodes.allSatisfy { $0.latitude != nil } && !abilene.importNotes.contains { $0.contains("planar") })
        let atlanta = try SNDlibImporter.load(path: b)
        #expect(atlanta.nodes.allSatisfy { $0.latitude == nil && $0.attributes["x"] != nil })
        #expect(atlanta.importNotes.contains { $0.contains("planar") })
    }
}
