import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// Bad input never crashes: every prefix of a valid file (and a few corruptions) either loads
/// or throws `TopologyImportError`.
@Suite struct ImporterRobustnessTests {
    static let sndlib = """
        ?SNDlib native format; type: network; version: 1.0
        META (
          unit = MBITPERSEC
        )
        NODES (
          A ( 10.5 50.1 )
          B ( 11.0 50.2 )
        )
        LINKS (
          L1 ( A B ) 100.00 0.00 0.00 0.00 ( 1000.00 5.00 )
        )
        DEMANDS (
          D1 ( A B ) 1 5.0 UNLIMITED
        )

        """

    @Test func sndlibPrefixes() {
        var loaded = 0
        for n in 0...Self.sndlib.utf8.count {
            let prefix = String(decoding: Array(Self.sndlib.utf8.prefix(n)), as: UTF8.self)
            do { _ = try SNDlibImporter.parse(prefix, file: "p.txt"); loaded += 1 } catch is TopologyImportError {} catch {
                Issue.record("unexpected error type \(error)")
            }
        }
        #expect(loaded > 0)   // the full text (and prefixes ending after LINKS) load
        #expect(throws: TopologyImportError.self) { try SNDlibImporter.parse(Self.sndlib.replacingOccurrences(of: "10.5", with: "x"), file: "c.txt") }
    }

    @Test func csvPrefixesAndCorruptions() throws {
        let nodes = "id,name,tier,region,lat,lon,households,ipv6\n0,\"B, 1\",backbone,P1,30.1,110.2,,1\n1,V,village,P1,30.2,110.3,120,0\n"
        let links = "a,b,medium,capacity_mbps,length_km,ipv6\n0,1,fiber,1000,12.5,1\n1,0,\"copper\",50,,0\n"
        let dir = SharedData.temporaryDirectory()
        let n = dir.appendingPathComponent("nodes.csv"), l = dir.appendingPathComponent("links.csv")
        try links.write(to: l, atomically: true, encoding: .utf8)
        for k in 0...nodes.utf8.count {
            try Data(nodes.utf8.prefix(k)).write(to: n)
            do { _ = try CSVPairImporter.load(directory: dir.path) } catch is TopologyImportError {}
        }
        try nodes.write(to: n, atomically: true, encoding: .utf8)
        for k in 0...links.utf8.count {
            try Data(links.utf8.prefix(k)).write(to: l)
            do { _ = try CSVPairImporter.load(directory: dir.path) } catch is TopologyImportError {}
        }
        // An unterminated quote and invalid UTF-8 must not crash either.
        for bad in ["a,b\n0,\"1\n", "a,b\n0,1\u{0}\n"] {
            try bad.write(to: l, atomically: true, encoding: .utf8)
            do { _ = try CSVPairImporter.load(directory: dir.path) } catch is TopologyImportError {}
        }
        try Data([0x61, 0x2C, 0x62, 0x0A, 0xFF, 0xFE, 0x2C, 0x31, 0x0A]).write(to: l)
        #expect(throws: TopologyImportError.self) { try CSVPairImporter.load(directory: dir.path) }
    }

    @Test func geojsonPrefixes() throws {
        let doc = """
        {"type":"FeatureCollection","features":[
         {"type":"Feature","geometry":{"type":"Point","coordinates":[10.0,5.0]},"properties":{"id":"n1","households":1e300}},
         {"type":"Feature","geometry":{"type":"Point","coordinates":[10.1,5.0]},"properties":{"id":"n2"}},
         {"type":"Feature","geometry":{"type":"LineString","coordinates":[[10.0,5.0],[10.1,5.0]]},"properties":{"distance":"abc"}},
         {"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[]},"properties":{}},
         {"type":"Feature","geometry":null,"properties":{}}
        ]}
        """
        let dir = SharedData.temporaryDirectory()
        let f = dir.appendingPathComponent("x.geojson")
        var loaded = 0
        for k in stride(from: 0, through: doc.utf8.count, by: 3) {
            try Data(doc.utf8.prefix(k)).write(to: f)
            do { _ = try GeoJSONImporter.load(path: f.path); loaded += 1 } catch is TopologyImportError {}
            #expect(k == doc.utf8.count || loaded == 0, "a truncated document must not load")
        }
        // A household count that is not a count (1e300) is a clear error naming the feature.
        try doc.write(to: f, atomically: true, encoding: .utf8)
        #expect { try GeoJSONImporter.load(path: f.path) } throws: { error in
            "\(error)".contains("feature 0") && "\(error)".contains("households")
        }
        // A length that is not a number ("distance": "abc") is an error too (value rules).
        let fixed = doc.replacingOccurrences(of: "1e300", with: "12")
        try fixed.write(to: f, atomically: true, encoding: .utf8)
        #expect { try GeoJSONImporter.load(path: f.path) } throws: { error in
            "\(error)".contains("feature 2") && "\(error)".contains("distance")
        }
        try fixed.replacingOccurrences(of: "\"abc\"", with: "\"3500\"").write(to: f, atomically: true, encoding: .utf8)
        let t = try GeoJSONImporter.load(path: f.path)
        // distance is in metres: 3500 m = 3.5 km.
        #expect(t.nodes.count == 2 && t.links.count == 1 && t.nodes[0].households == 12 && t.links[0].lengthKm == 3.5)
    }
}
