import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

@Suite struct ImporterTests {
    /// Every SNDlib instance loads with the node and link counts MANIFEST.tsv gives.
    @Test func sndlibInstancesMatchManifest() throws {
        guard let manifest = SharedData.path("topologies/public/MANIFEST.tsv") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let lines = try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n")
        var count = 0
        for line in lines where line.hasPrefix("sndlib-native/") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let path = SharedData.root.appendingPathComponent("topologies/public/" + f[0]).path
            let t = try TopologyLoader.load(path)
            #expect(t.nodes.count == Int(f[7]), "\(f[0]) nodes")
            #expect(t.links.count == Int(f[8]), "\(f[0]) links")
            // Scoring runs and every link got a capacity (pre-installed or largest module).
            let r = CoverageScorer.score(t)
            #expect(r.network.nodes == t.nodes.count)
            count += 1
        }
        #expect(count == 25)
    }

    /// abilene: META unit MBITPERSEC, ATLAM5_ATLAng pre-installed 9920 (used), ATLAng first node at
    /// (-85.50, 34.50); brain: BITSPERSEC, HU_HU5 pre-installed 0, modules 1e9 and 1e10 bit/s →
    /// capacity 10,000 Mbps from the largest module.
    @Test func sndlibCapacitiesAndUnits() throws {
        guard let a = SharedData.path("topologies/public/sndlib-native/abilene.txt"),
              let b = SharedData.path("topologies/public/sndlib-native/brain.txt") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let t = try SNDlibImporter.load(path: a)
        #expect(t.nodes[1].id == "ATLAng" && t.nodes[1].longitude == -85.50 && t.nodes[1].latitude == 34.50)
        #expect(t.links[0].capacityMbps == 9920 && t.links[0].attributes["capacity_source"] == "pre_installed")
        let br = try SNDlibImporter.load(path: b)
        let hu5 = try #require(br.links.first { $0.attributes["sndlib_id"] == "HU_HU5" })
        #expect(hu5.capacityMbps == 10_000 && hu5.attributes["capacity_source"] == "module_max")
    }

    @Test func sndlibErrorsNameTheLine() {
        let bad = "NODES (\n  A ( 1 2 )\n)\nLINKS (\n  L1 ( A B ) 1 0 0 0 ( )\n)\n"
        #expect(throws: TopologyImportError(file: "x.txt", location: "line 5", reason: "link 'L1': target 'B' is not a declared node")) {
            try SNDlibImporter.parse(bad, file: "x.txt")
        }
        #expect(throws: TopologyImportError.self) { try SNDlibImporter.parse("NODES (\n A\n)\n", file: "y.txt") }
    }

    /// A directory holding `nodes.csv` and `links.csv` with these contents (also used by
    /// ScorerPreludeTests).
    static func writePair(_ nodes: String, _ links: String) -> URL {
        let dir = SharedData.temporaryDirectory()
        try! nodes.write(to: dir.appendingPathComponent("nodes.csv"), atomically: true, encoding: .utf8)
        try! links.write(to: dir.appendingPathComponent("links.csv"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func csvPairFieldsAndInference() throws {
        let dir = Self.writePair("""
            ID,name,tier,region,lat,lon,households,ipv6,operator
            a,Alpha,backbone,P1/F1,30.5,110.25,,1,X
            b,"Beta, Village",village,P1/F1/C1/T1,30.6,110.3,120.0,0,Y

            """, """
            a,b,medium,capacity_mbps,length_km,ipv6
            a,b,GPON,1000,,yes
            b,b,vdsl2,50,1.5,

            """)
        let t = try TopologyLoader.load(dir.path)
        #expect(t.nodes.count == 2 && t.links.count == 2)
        #expect(t.nodes[1].name == "Beta, Village" && t.nodes[1].households == 120 && t.nodes[1].ipv6 == false)
        #expect(t.nodes[1].region == ["P1", "F1", "C1", "T1"] && t.nodes[0].attributes["operator"] == "X")
        #expect(t.links[0].medium == .fiber && t.links[0].ipv6 == true && t.links[0].lengthKm == nil)
        #expect(t.links[1].medium == .copper && t.links[1].ipv6 == nil)
        #expect(t.importNotes.contains { $0.contains("1 self-loop") })
        // The nodes.csv path itself is accepted too.
        #expect(try TopologyLoader.load(dir.appendingPathComponent("nodes.csv").path).links.count == 2)
    }

    @Test func csvPairErrors() {
        let d1 = Self.writePair("id,lat\na,1\n", "a,b\na,zz\n")
        #expect(throws: TopologyImportError(file: d1.appendingPathComponent("links.csv").path, location: "line 2",
                                            reason: "link end b='zz' is not a node id in \(d1.appendingPathComponent("nodes.csv").path)")) {
            try CSVPairImporter.load(directory: d1.path)
        }
        let d2 = Self.writePair("id,lat\na,north\n", "a,b\n")
        #expect(throws: TopologyImportError(file: d2.appendingPathComponent("nodes.csv").path, location: "line 2", reason: "lat 'north' is not a number")) {
            try CSVPairImporter.load(directory: d2.path)
        }
        let d3 = Self.writePair("name\nx\n", "a,b\n")
        #expect(throws: TopologyImportError.self) { try CSVPairImporter.load(directory: d3.path) }
        let d4 = Self.writePair("id\na\na\n", "a,b\n")
        #expect(throws: TopologyImportError(file: d4.appendingPathComponent("nodes.csv").path, location: "line 3", reason: "duplicate node id 'a'")) {
            try CSVPairImporter.load(directory: d4.path)
        }
        #expect(throws: TopologyImportError.self) { try TopologyLoader.load("/nonexistent/topology.csv") }
    }

    /// Line ends joined by id (a/b), by geometry (within 1 km), by unique name (from/to), or a new
    /// junction node; planned lines left out; length from `distance` metres.
    @Test func geojsonJoinRules() throws {
        let dir = SharedData.temporaryDirectory()
        let file = dir.appendingPathComponent("net.geojson")
        try """
        {"type":"FeatureCollection","features":[
         {"type":"Feature","geometry":{"type":"Point","coordinates":[10.0,5.0]},"properties":{"id":"n1","name":"One","tier":"backbone","country":"X"}},
         {"type":"Feature","geometry":{"type":"Point","coordinates":[10.1,5.0]},"properties":{"id":"n2","name":"Two","households":80}},
         {"type":"Feature","geometry":{"type":"Point","coordinates":[10.2,5.0]},"properties":{"id":"n3","name":"Three"}},
         {"type":"Feature","geometry":{"type":"LineString","coordinates":[[10.0,5.001],[10.1,5.001]]},"properties":{"medium":"fibre","distance":12000}},
         {"type":"Feature","geometry":{"type":"LineString","coordinates":[[50,50],[51,51]]},"properties":{"a":"n2","b":"n3","type":"microwave link"}},
         {"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[9.0,4.0],[9.5,4.5]]]},"properties":{"from":"Three","to":"Nowhere"}},
         {"type":"Feature","geometry":{"type":"LineString","coordinates":[[10.0,5.0],[10.2,5.0]]},"properties":{"status":"Planned"}},
         {"type":"Feature","geometry":{"type":"LineString","coordinates":[[10.2,5.0],[10.2001,5.0]]},"properties":{"from":"Three","to":"One"}}
        ]}
        """.write(to: file, atomically: true, encoding: .utf8)
        let t = try TopologyLoader.load(file.path)
        #expect(t.nodes.count == 4)            // 3 points + 1 junction ("Nowhere")
        #expect(t.links.count == 4)            // planned line left out
        // A stub drawn at n3 whose names say Three → One: joined by names, not a self-loop.
        #expect(t.links[3].a == 2 && t.links[3].b == 0)
        #expect(t.links[0].a == 0 && t.links[0].b == 1 && t.links[0].lengthKm == 12 && t.links[0].medium == .fiber)
        #expect(t.links[1].a == 1 && t.links[1].b == 2 && t.links[1].medium == .microwave)
        #expect(t.links[2].a == 2 && t.links[2].b == 3 && t.nodes[3].name == "Nowhere")
        // Polyline length of the junction line: one segment (9,4)→(9.5,4.5).
        #expect(abs(t.links[2].lengthKm! - greatCircleKm(lat1: 4, lon1: 9, lat2: 4.5, lon2: 9.5)) < 1e-9)
        #expect(t.nodes[0].tier == .backbone && t.nodes[0].region == ["X"] && t.nodes[1].households == 80)
        #expect(t.importNotes.contains { $0.contains("1 planned") })
    }

    @Test func geojsonErrors() {
        let dir = SharedData.temporaryDirectory()
        let f1 = dir.appendingPathComponent("a.geojson")
        try! "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\"x\",1]}}]}".write(to: f1, atomically: true, encoding: .utf8)
        #expect(throws: TopologyImportError(file: f1.path, location: "feature 0", reason: "Point without numeric [longitude, latitude]")) {
            try GeoJSONImporter.load(path: f1.path)
        }
        let f2 = dir.appendingPathComponent("b.geojson")
        try! "{not json".write(to: f2, atomically: true, encoding: .utf8)
        #expect(throws: TopologyImportError.self) { try GeoJSONImporter.load(path: f2.path) }
    }

    @Test func formatDetection() throws {
        let dir = SharedData.temporaryDirectory()
        let f = dir.appendingPathComponent("noext")
        try "?SNDlib native format; type: network; version: 1.0\nNODES (\n A ( 0 0 )\n)\nLINKS (\n)\n".write(to: f, atomically: true, encoding: .utf8)
        #expect(try TopologyLoader.detect(f.path) == .sndlib)
        let g = dir.appendingPathComponent("g")
        try "<?xml version=\"1.0\"?><graphml></graphml>".write(to: g, atomically: true, encoding: .utf8)
        #expect(try TopologyLoader.detect(g.path) == .graphml)
        #expect(throws: TopologyImportError.self) { try TopologyLoader.detect(dir.path) }
    }

    @Test func mediumLabels() {
        #expect(Medium(label: "Fibre Operational") == .fiber)
        #expect(Medium(label: "ADSL2+") == .copper)
        #expect(Medium(label: "HFC / DOCSIS 3.1") == .coax)
        #expect(Medium(label: "5G FWA") == .cellular)
        #expect(Medium(label: "VSAT") == .satellite)
        #expect(Medium(label: "point-to-point radio") == .wireless)
        #expect(Medium(label: "External") == nil)
    }
}
