import Foundation
import Testing
import TestSupport
import NetworkGraph
import TopologyCoverage

// Ground truth: shared/topologies/public/FACTS.tsv, computed with networkx 3.6.1 over all 276
// Internet Topology Zoo GraphML files. Conventions (that folder's README.md): files read as
// undirected multigraphs; `simple_edges` = distinct node pairs; self-loops dropped before every
// structural metric; bridges with the parallel-edge rule, `bridges_simple` and articulation
// points on the simple graph; LCC = most nodes, ties by most (simple) edges then largest
// diameter; LCC diameter in hops and edge/node connectivity on the simple LCC; total
// great-circle km (R = 6371.0088) over non-loop edges whose endpoints both have coordinates,
// each parallel edge counted, 3 decimals.

/// One FACTS.tsv row, by column name.
struct ZooFact: Sendable, CustomTestStringConvertible {
    var fields: [String: String]
    var graph: String { fields["graph"]! }
    func int(_ column: String) -> Int { Int(fields[column]!)! }
    var testDescription: String { graph }
}

enum ZooFacts {
    static let folder = "topologies/public"

    /// Rows of FACTS.tsv (empty when the shared data is missing: see `factsFilePresent`).
    static let rows: [ZooFact] = {
        guard let path = SharedData.path("\(folder)/FACTS.tsv"),
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).filter { !$0.hasPrefix("#") }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return ZooFact(fields: Dictionary(uniqueKeysWithValues: zip(header, cells)))
        }
    }()
}

/// Everything FACTS.tsv states about one graph, computed by the importer and NetworkGraph.
struct ComputedFacts {
    var values: [String: String] = [:]

    init(_ t: Topology) {
        let g = t.multigraph()
        let simple = g.simplified().graph
        values["nodes"] = "\(g.nodeCount)"
        values["edges"] = "\(g.edgeCount)"
        values["simple_edges"] = "\(simple.edgeCount)"
        values["self_loops"] = "\(g.selfLoopCount)"
        values["parallel_edges"] = "\(g.edgeCount - g.selfLoopCount - simple.edgeCount)"
        let comps = simple.connectedComponents()
        values["components"] = "\(comps.count)"
        values["bridges"] = "\(g.bridges().count)"
        values["bridges_simple"] = "\(simple.bridges().count)"
        values["articulation_points"] = "\(simple.articulationPoints().count)"

        // LCC: most nodes, then most simple edges, then largest diameter (the FACTS rule).
        let largest = g.largestComponent()
        let (lcc, _) = simple.inducedSubgraph(largest.nodes)
        let bestDiameter = largest.diameter
        values["lcc_nodes"] = "\(lcc.nodeCount)"
        values["lcc_edges"] = "\(lcc.edgeCount)"
        values["lcc_diameter_hops"] = "\(bestDiameter)"
        values["lcc_edge_connectivity"] = "\(lcc.edgeConnectivity())"
        values["lcc_node_connectivity"] = "\(lcc.nodeConnectivity())"

        let withCoordinates = t.nodes.filter { $0.latitude != nil && $0.longitude != nil }.count
        values["nodes_with_coordinates"] = "\(withCoordinates)"
        values["has_coordinates"] = withCoordinates == t.nodes.count ? "all" : withCoordinates == 0 ? "none" : "partial"
        var km = 0.0, counted = 0
        for (i, length) in t.linkLengthsKm().enumerated() where !g.isSelfLoop(i) {
            if let length { km += length; counted += 1 }
        }
        values["edges_with_length"] = "\(counted)"
        // FACTS leaves the total empty when no edge has a length (graphs without coordinates).
        values["total_length_km"] = counted == 0 ? "" : String(format: "%.3f", km)
        // Attribute counts are over non-loop edges (self-loops are dropped before any metric:
        // Interoute's two labelled self-loops are not in its 156).
        for key in ["LinkSpeed", "LinkLabel", "LinkSpeedUnits", "LinkSpeedRaw"] {
            let n = t.links.indices.filter { !g.isSelfLoop($0) && t.links[$0].attributes[key] != nil }.count
            values["edges_with_\(key)"] = "\(n)"
        }
        let graphNotes = Dictionary(t.importNotes.compactMap { note -> (String, String)? in
            guard note.hasPrefix("graph "), let eq = note.firstIndex(of: "=") else { return nil }
            return (String(note[note.index(note.startIndex, offsetBy: 6)..<eq]), String(note[note.index(after: eq)...]))
        }, uniquingKeysWith: { a, _ in a })
        values["network_label"] = graphNotes["Network"] ?? ""
        values["geo_location"] = graphNotes["GeoLocation"] ?? ""
    }
}

@Suite struct ZooFactsTests {
    @Test func factsFilePresent() {
        guard SharedData.path("\(ZooFacts.folder)/FACTS.tsv") != nil else {
            #expect(!SharedData.isCI, "FACTS.tsv missing under CI"); return
        }
        // 276 Topology Zoo graphs, one row each.
        #expect(ZooFacts.rows.count == 276)
    }

    @Test(arguments: ZooFacts.rows)
    func graphMatchesFacts(_ fact: ZooFact) throws {
        guard let path = SharedData.path("\(ZooFacts.folder)/topology-zoo/\(fact.graph).graphml") else {
            #expect(!SharedData.isCI, "\(fact.graph).graphml missing under CI"); return
        }
        let topology = try GraphMLImporter.load(path: path)
        #expect(topology.name == fact.graph)
        let computed = ComputedFacts(topology)
        for (column, value) in computed.values.sorted(by: { $0.key < $1.key }) {
            #expect(value == fact.fields[column], "\(fact.graph) \(column)")
        }
        // Every FACTS column is checked (none silently skipped).
        #expect(Set(fact.fields.keys).subtracting(computed.values.keys) == ["graph"])
    }
}
