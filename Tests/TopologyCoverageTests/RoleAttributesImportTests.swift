import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// Roles and link marks arrive through every input format's free attributes, as
/// Topologies/README.md ("Roles and link marks") documents: a GraphML data key named `role`, a
/// CSV column `role`, a GeoJSON property `role`; links likewise with `international` and
/// `generation`. The same small network in each format: D (role idc), L (landing; ixp), a 5G
/// cellular link D–V and an international link L–X.
@Suite struct RoleAttributesImportTests {
    func check(_ t: Topology) throws {
        let byId = Dictionary(uniqueKeysWithValues: t.nodes.enumerated().map { ($1.id, $0) })
        let roles = t.nodeRoles()
        let d = try #require(byId["D"]), l = try #require(byId["L"]), v = try #require(byId["V"])
        #expect(roles[d] == [.idc])
        #expect(roles[l] == [.landing, .ixp])
        #expect(roles[v] == [])
        #expect(t.links.filter(\.isInternational).map { [t.nodes[$0.a].id, t.nodes[$0.b].id].sorted() } == [["L", "X"]])
        #expect(t.links.filter { $0.attributes["generation"] == "5g" }.count == 1)
        #expect(throws: Never.self) { try t.validateInfrastructureAttributes() }
    }

    @Test func csvPair() throws {
        let dir = SharedData.temporaryDirectory("roles-csv")
        try "id,tier,households,role\nD,backbone,,idc\nL,metro,,landing;ixp\nV,village,10,\nX,,,\n"
            .write(to: dir.appendingPathComponent("nodes.csv"), atomically: true, encoding: .utf8)
        try "a,b,medium,capacity_mbps,international,generation\nD,V,cellular,300,,5g\nD,L,fiber,1000,,\nL,X,fiber,100000,1,\n"
            .write(to: dir.appendingPathComponent("links.csv"), atomically: true, encoding: .utf8)
        try check(try TopologyLoader.load(dir.path))
    }

    @Test func graphML() throws {
        let file = SharedData.temporaryDirectory("roles-graphml").appendingPathComponent("n.graphml")
        try """
        <?xml version="1.0" encoding="utf-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key id="d0" for="node" attr.name="role" attr.type="string"/>
          <key id="e0" for="edge" attr.name="international" attr.type="string"/>
          <key id="e1" for="edge" attr.name="generation" attr.type="string"/>
          <graph edgedefault="undirected">
            <node id="D"><data key="d0">idc</data></node>
            <node id="L"><data key="d0">landing, IXP</data></node>
            <node id="V"/><node id="X"/>
            <edge source="D" target="V"><data key="e1">5g</data></edge>
            <edge source="D" target="L"/>
            <edge source="L" target="X"><data key="e0">true</data></edge>
          </graph>
        </graphml>
        """.write(to: file, atomically: true, encoding: .utf8)
        try check(try TopologyLoader.load(file.path))
    }

    @Test func geoJSON() throws {
        let file = SharedData.temporaryDirectory("roles-geojson").appendingPathComponent("n.geojson")
        func point(_ id: String, _ lon: Double, _ extra: String = "") -> String {
            #"{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(lon),30]},"properties":{"id":"\#(id)"\#(extra)}}"#
        }
        func line(_ a: Double, _ b: Double, _ extra: String) -> String {
            #"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[\#(a),30],[\#(b),30]]},"properties":{"medium":"fiber"\#(extra)}}"#
        }
        let features = [point("D", 100, #","role":"idc""#), point("L", 101, #","role":"landing ixp""#), point("V", 102), point("X", 103),
                        line(100, 102, #","generation":"5g""#), line(100, 101, ""), line(101, 103, #","international":"yes""#)]
        try #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#.write(to: file, atomically: true, encoding: .utf8)
        let t = try TopologyLoader.load(file.path)
        let byId = Dictionary(uniqueKeysWithValues: t.nodes.enumerated().map { ($1.id, $0) })
        let roles = t.nodeRoles()
        let d = try #require(byId["D"]), l = try #require(byId["L"])
        #expect(roles[d] == [.idc] && roles[l] == [.landing, .ixp])
        #expect(t.links.filter(\.isInternational).count == 1 && t.links.filter { $0.attributes["generation"] == "5g" }.count == 1)
    }
}
