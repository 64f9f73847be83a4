import Foundation
import Testing
import TestSupport
import NetworkGraph
import TopologyCoverage

/// A small GraphML document exercising what the importer must handle: key defaults, node and
/// edge data, a parallel edge, a self-loop, an edge naming an undeclared node, CDATA and an
/// entity, graph-level data, and an unparsable coordinate.
private let sample = """
<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="label" attr.type="string" for="node" id="d0"/>
  <key attr.name="Latitude" attr.type="double" for="node" id="d1"/>
  <key attr.name="Longitude" attr.type="double" for="node" id="d2"/>
  <key attr.name="Internal" attr.type="int" for="node" id="d3"><default>1</default></key>
  <key attr.name="LinkLabel" attr.type="string" for="edge" id="d4"/>
  <key attr.name="LinkSpeedRaw" attr.type="double" for="edge" id="d5"/>
  <key attr.name="LinkSpeed" attr.type="string" for="edge" id="d6"/>
  <key attr.name="LinkSpeedUnits" attr.type="string" for="edge" id="d7"/>
  <key attr.name="LinkType" attr.type="string" for="edge" id="d8"/>
  <key attr.name="Network" attr.type="string" for="graph" id="d9"/>
  <graph edgedefault="undirected">
    <data key="d9">Test &amp; Net</data>
    <node id="a"><data key="d0">Beijing</data><data key="d1">39.9</data><data key="d2">116.4</data></node>
    <node id="b"><data key="d0"><![CDATA[Xi'an]]></data><data key="d1">34.3</data><data key="d2">108.9</data>
      <data key="d3">0</data></node>
    <node id="c"><data key="d1">north</data><data key="d2">1.0</data></node>
    <edge source="a" target="b"><data key="d5">2500000000.0</data><data key="d4">155M</data></edge>
    <edge source="b" target="a"><data key="d6">10</data><data key="d7">G</data><data key="d8">Fibre</data></edge>
    <edge source="b" target="c"><data key="d4">2x10Gb/s</data><data key="d8">Microwave</data></edge>
    <edge source="c" target="c"><data key="d4">External</data></edge>
    <edge source="c" target="z"><data key="d4">OC-48</data></edge>
  </graph>
</graphml>
"""

@Suite struct GraphMLImporterTests {
    @Test func sampleDocument() throws {
        let t = try GraphMLImporter.parse(Data(sample.utf8), name: "sample")
        // Nodes in document order; z is created by the last edge.
        #expect(t.nodes.map(\.id) == ["a", "b", "c", "z"])
        #expect(t.nodes.map(\.name) == ["Beijing", "Xi'an", "c", "z"])
        #expect(t.nodes[0].latitude == 39.9 && t.nodes[0].longitude == 116.4)
        // Key default Internal=1 applies to a, c, z; b overrides it with 0.
        #expect(t.nodes.map { $0.attributes["Internal"] } == ["1", "0", "1", "1"])
        // c's Latitude "north" is unparsable: no coordinates, raw text kept.
        #expect(t.nodes[2].latitude == nil && t.nodes[2].attributes["Latitude"] == "north")
        #expect(t.importNotes.contains("graph Network=Test & Net"))
        #expect(t.importNotes.contains { $0.contains("1 node(s) created from edge endpoints") })
        #expect(t.importNotes.contains { $0.contains("unparsable Latitude/Longitude") })

        // Five edges: the parallel a–b pair and the c–c self-loop are kept.
        #expect(t.links.map { [$0.a, $0.b] } == [[0, 1], [1, 0], [1, 2], [2, 2], [2, 3]])
        // Capacities: LinkSpeedRaw 2.5e9 bit/s = 2500 Mbps (beats the label);
        // LinkSpeed 10 × G = 10,000 Mbps; label "2x10Gb/s" = 10,000 (multiplier ignored);
        // "External" = unknown; "OC-48" = 2488.32.
        #expect(t.links.map(\.capacityMbps) == [2500, 10_000, 10_000, nil, 2488.32])
        // Media from LinkType keywords: Fibre -> fiber, Microwave -> microwave, else unknown.
        #expect(t.links.map(\.medium) == [.unknown, .fiber, .microwave, .unknown, .unknown])
        #expect(t.links[0].attributes["LinkLabel"] == "155M")

        let g = t.multigraph()
        #expect(g.nodeCount == 4 && g.edgeCount == 5 && g.selfLoopCount == 1)
        // a–b doubled: not a bridge; b–c and c–z are.
        #expect(g.bridges() == [2, 4])
        // Only a–b has coordinates on both ends: both parallel links get the same great-circle km.
        let km = t.linkLengthsKm()
        #expect(km[0] != nil && km[0] == km[1] && km[2] == nil)
        #expect(abs(km[0]! - greatCircleKm(lat1: 39.9, lon1: 116.4, lat2: 34.3, lon2: 108.9)) < 1e-12)
        #expect(t.linkCapacitiesMbps() == [2500, 10_000, 10_000, 0, 2488.32])
    }

    @Test func mediumInferenceCanBeTurnedOff() throws {
        let t = try GraphMLImporter.parse(Data(sample.utf8), name: "sample", options: .init(inferMedium: false))
        #expect(t.links.allSatisfy { $0.medium == .unknown })
    }

    @Test func linkLabels() {
        // Hand-read rates (Mbps) per the documented rules.
        let cases: [(String, Double?)] = [
            ("155M", 155), ("2.5G", 2500), ("2.5 Gbps", 2500), ("1 Gbit/s", 1000), ("10Gb/s", 10_000),
            ("45 Mbps DS-3", 45),              // a number with a unit comes before the name
            ("OC192/STM64", 9953.28),          // no hyphen needed; "OC192" is a whole word
            ("STM-4", 622.08), ("E1", 2.048), ("T1 line", 1.544), ("ds3", 44.736),
            ("Peering, 13 Gbps", 13_000), ("1 GB/s", 1000), ("512k", 0.512),
            ("1-20Gbps", nil), ("10-34 Mb/s", nil), ("10 to 34 Mbps", nil),   // ranges
            ("< 2.5 Gbps", nil), ("less than 100 Mbps", nil),               // bounds
            ("10 Gigabit", nil),               // "G" followed by a letter is not a unit
            ("Green Link", nil), ("", nil), ("GE1", nil),
        ]
        for (label, expected) in cases {
            #expect(GraphMLImporter.linkLabelMbps(label) == expected, "\(label)")
        }
        #expect(GraphMLImporter.linkLabelMbps(nil) == nil)
    }

    @Test func capacityRuleOrder() {
        // LinkSpeedRaw wins; non-positive raw falls through to LinkSpeed × unit; then the label.
        #expect(GraphMLImporter.capacityMbps(["LinkSpeedRaw": "1e9", "LinkSpeed": "5", "LinkSpeedUnits": "M"]) == 1000)
        #expect(GraphMLImporter.capacityMbps(["LinkSpeedRaw": "0", "LinkSpeed": " 5 ", "LinkSpeedUnits": "m"]) == 5)
        #expect(GraphMLImporter.capacityMbps(["LinkSpeed": "5", "LinkSpeedUnits": "X", "LinkLabel": "2G"]) == 2000)
        #expect(GraphMLImporter.capacityMbps(["LinkSpeed": "64", "LinkSpeedUnits": "K"]) == 0.064)
        #expect(GraphMLImporter.capacityMbps(["LinkSpeed": "nan", "LinkSpeedUnits": "G"]) == nil)
        #expect(GraphMLImporter.capacityMbps([:]) == nil)
    }

    @Test func mediumHints() {
        #expect(GraphMLImporter.mediumHint("Fiber") == .fiber)
        #expect(GraphMLImporter.mediumHint("Fibre ottica spenta (Dark Fibre)") == .fiber)
        #expect(GraphMLImporter.mediumHint("DWDM") == .fiber)
        #expect(GraphMLImporter.mediumHint("Wireless") == .wireless)
        #expect(GraphMLImporter.mediumHint("Satellite") == .satellite)
        #expect(GraphMLImporter.mediumHint("DS-3") == nil)
        #expect(GraphMLImporter.mediumHint(nil) == nil)
    }

    @Test func malformedXMLThrowsWithPosition() {
        let bad = "<graphml>\n<graph>\n<node id=\"a\">\n</graph></graphml>"
        do {
            _ = try GraphMLImporter.parse(Data(bad.utf8), name: "bad.graphml")
            Issue.record("malformed XML was accepted")
        } catch let error as GraphMLError {
            #expect(error.file == "bad.graphml")
            #expect(error.line >= 3)
            #expect(error.reason.hasPrefix("malformed XML"))
            #expect(error.description.hasPrefix("bad.graphml:"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test func structuralErrors() {
        let cases: [(String, String)] = [
            ("<graphml><graph><edge source=\"a\"/></graph></graphml>", "<edge> without source or target"),
            ("<graphml><graph><node/></graph></graphml>", "<node> without id"),
            ("<graphml><graph><node id=\"a\"><graph/></node></graph></graphml>", "nested <graph> is not supported"),
            ("<svg></svg>", "no <graphml> root element"),
            ("", "empty document"),
            ("   \n", "malformed XML"),
        ]
        for (xml, reason) in cases {
            #expect(throws: GraphMLError.self, "\(reason)") { try GraphMLImporter.parse(Data(xml.utf8), name: "x") }
            do { _ = try GraphMLImporter.parse(Data(xml.utf8), name: "x") } catch let e as GraphMLError {
                #expect(e.reason.hasPrefix(reason), "\(e)")
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func directedInputIsReadUndirected() throws {
        let xml = "<graphml><graph edgedefault=\"directed\"><node id=\"a\"/><node id=\"b\"/>"
            + "<edge source=\"a\" target=\"b\"/><edge source=\"b\" target=\"a\"/></graph></graphml>"
        let t = try GraphMLImporter.parse(Data(xml.utf8), name: "d")
        // a→b and b→a become two parallel undirected links (not a bridge), with a note.
        #expect(t.links.count == 2 && t.multigraph().bridges().isEmpty)
        #expect(t.importNotes.contains { $0.hasPrefix("directed graph/edges read as undirected") })
    }

    @Test func missingFileThrows() {
        #expect(throws: GraphMLError.self) { try GraphMLImporter.load(path: "/nonexistent/x.graphml") }
    }

    @Test func cernetFromTheZoo() throws {
        guard let path = SharedData.path("topologies/public/topology-zoo/Cernet.graphml") else {
            #expect(!SharedData.isCI, "Cernet.graphml missing under CI"); return
        }
        let t = try GraphMLImporter.load(path: path)
        // FACTS.tsv: 41 nodes, 59 edges, 53 edges carry LinkSpeedRaw (README: "link speeds 2 Mbps
        // to 2.5 Gbps on 53 edges").
        #expect(t.name == "Cernet" && t.nodes.count == 41 && t.links.count == 59)
        let speeds = t.links.compactMap(\.capacityMbps)
        #expect(speeds.count >= 53)
        #expect(speeds.min() == 2 && speeds.max() == 2500)
    }
}
