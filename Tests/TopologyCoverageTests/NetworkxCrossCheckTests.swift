import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// Scores the same synthetic network as `shared/bench/topology_networkx.py` (networkx 3.6.1)
/// and compares every per-village figure and the aggregates with its output.
@Suite struct NetworkxCrossCheckTests {
    /// Runs the reference script into a temp dir; nil (with a printed reason) when python3 or
    /// networkx is missing, which fails under CI.
    static func runReference(villages: Int, seed: Int) -> URL? {
        guard let script = SharedData.path("bench/topology_networkx.py") else { return nil }
        let dir = SharedData.temporaryDirectory("netcensus-nx")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, "--synth", String(villages), "--seed", String(seed),
                       "--write-csv", dir.appendingPathComponent("net").path,
                       "--json", dir.appendingPathComponent("out.json").path,
                       "--villages-csv", dir.appendingPathComponent("v.csv").path]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        do { try p.run(); p.waitUntilExit() } catch {
            print("SKIP: cannot run python3: \(error)"); return nil
        }
        guard p.terminationStatus == 0 else {
            print("SKIP: topology_networkx.py exited \(p.terminationStatus) (python3 + networkx needed)"); return nil
        }
        return dir
    }

    @Test func perVillageFiguresMatchNetworkx() throws {
        guard let dir = Self.runReference(villages: 2000, seed: 1) else {
            #expect(!SharedData.isCI, "python3 + networkx must be available under CI"); return
        }
        let topo = try CSVPairImporter.load(directory: dir.appendingPathComponent("net").path)
        let r = CoverageScorer.score(topo)
        // Reference per-village rows.
        let text = try String(contentsOf: dir.appendingPathComponent("v.csv"), encoding: .utf8)
        var rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        rows.sort { Int($0[0])! < Int($1[0])! }
        var index: [String: Int] = [:]
        for (i, n) in topo.nodes.enumerated() { index[n.id] = i }
        #expect(rows.count == r.selection.villages.count)
        var mismatches = 0
        for row in rows {
            guard let v = index[row[0]] else { mismatches += 1; continue }
            // village_id,households,hops,widest_mbps,fiber_path,per_hh_mbps,behind_bridge,incident_bridges
            let hops = row[2].isEmpty ? -1 : Int(row[2])!
            let w = row[3] == "inf" ? Double.infinity : Double(row[3])!
            let ok = Int(r.hops[v]) == hops
                && r.bottleneckMbps[v] == w
                && r.fiberPath[v] == (row[4] == "1")
                && (row[5].isEmpty ? r.perHouseholdMbps(v) == nil : abs(r.perHouseholdMbps(v)! - Double(row[5])!) < 1e-5)
                && (row[6].isEmpty ? r.hops[v] < 0 : r.behindBridge[v] == (row[6] == "1"))
                && Int(r.incidentBridges[v]) == Int(row[7])!
            if !ok { mismatches += 1; if mismatches < 5 { print("mismatch \(row) vs hops \(r.hops[v]) W \(r.bottleneckMbps[v]) fiber \(r.fiberPath[v]) behind \(r.behindBridge[v])") } }
        }
        #expect(mismatches == 0)

        // Aggregates from the JSON.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out.json"))) as! [String: Any]
        #expect(json["nodes"] as? Int == r.network.nodes)
        #expect(json["links"] as? Int == r.network.links)
        #expect(json["components"] as? Int == r.network.components)
        #expect(json["bridges"] as? Int == r.network.bridges)
        #expect(json["articulation_points"] as? Int == r.network.articulationPoints)
        let km = json["km_by_medium"] as! [String: Double]
        for (m, x) in km { #expect(abs((r.network.kmByMedium[m] ?? -1) - x) < 1e-3 * max(1, x) * 1e-3 + 0.002, "km \(m)") }
        let vill = json["villages"] as! [String: Any]
        #expect(vill["villages"] as? Int == r.villages.nodes)
        #expect(vill["households"] as? Int == r.villages.households)
        #expect(abs((vill["fiber_path_share"] as! Double) - r.villages.fiberShare!) < 1e-12)
        #expect(abs((vill["behind_bridge_share"] as! Double) - r.villages.behindBridgeShare!) < 1e-12)
        let meets = vill["meets_share"] as! [String: Double]
        for (i, t) in r.options.thresholdsMbps.enumerated() {
            let key = t == t.rounded() ? String(Int(t)) : String(t)
            #expect(abs(meets[key]! - r.villages.meetsShare(i)!) < 1e-12, "meets \(key)")
        }
        #expect((vill["hops_max"] as? Int) == r.villages.hopsMax)
        #expect(abs((vill["per_hh_mbps_median"] as! Double) - r.villages.perHouseholdMedianMbps!) < 1e-9)
    }
}
