import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

/// End to end on the West African national fibre dataset (watra-fiber): load the GeoJSON
/// folder, check what was read against the raw files read independently here, score it, and
/// score a target profile and a plan.
@Suite struct WatraFiberEndToEndTests {
    @Test func loadsScoresAndPlans() throws {
        guard let dir = SharedData.path("topologies/public/watra-fiber") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let t = try TopologyLoader.load(dir)
        // Independent count from the raw files: Points in nodes/*, built lines (status not
        // planned) with coordinates in lines/*, and the sum of their `distance` (metres).
        let fm = FileManager.default
        func features(_ sub: String) throws -> [[String: Any]] {
            let p = (dir as NSString).appendingPathComponent(sub)
            return try fm.contentsOfDirectory(atPath: p).sorted().flatMap { f -> [[String: Any]] in
                let o = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: (p as NSString).appendingPathComponent(f)))) as! [String: Any]
                return o["features"] as! [[String: Any]]
            }
        }
        let points = try features("nodes").filter { (($0["geometry"] as? [String: Any])?["type"] as? String) == "Point" }.count
        var built = 0, metres = 0.0, withoutDistance = 0
        for f in try features("lines") {
            let p = f["properties"] as! [String: Any]
            if (p["status"] as? String)?.lowercased() == "planned" { continue }
            let g = f["geometry"] as! [String: Any]
            let coords = g["type"] as? String == "LineString" ? (g["coordinates"] as! [Any]) : (g["coordinates"] as! [[Any]]).flatMap { $0 }
            if coords.isEmpty { continue }
            built += 1
            if let d = p["distance"] as? Double { metres += d } else { withoutDistance += 1 }
        }
        #expect(points == 1508 && built == 1143)          // dataset as stored (MANIFEST sha256)
        #expect(t.links.count == built)
        let junctions = t.nodes.filter { $0.attributes["junction"] != nil }.count
        #expect(t.nodes.count == points + junctions)
        #expect(junctions < 20)                          // nearly every line end snaps to a node
        let fromDistance = t.links.filter { $0.attributes["length_source"] == "distance_m" }.reduce(0) { $0 + $1.lengthKm! }
        #expect(abs(fromDistance - metres / 1000) < 1e-6)
        #expect(t.links.filter { $0.attributes["length_source"] == "polyline" }.count == withoutDistance)
        #expect(t.links.allSatisfy { $0.medium == .fiber })   // dataset default: every line is fibre

        // Score: one backbone node per national network, fibre of assumed 10 Gbps.
        var o = CoverageOptions(unknownCapacityMbps: 10_000)
        o.backbonePerComponent = true
        let r = CoverageScorer.score(t, options: o)
        #expect(r.network.nodes == t.nodes.count && r.network.links == t.links.count)
        #expect(r.network.kmByMedium.keys.sorted() == ["fiber"])
        // All links are fibre of one capacity: every connected village has W = 10 Gbps and a
        // fibre path, so the three shares coincide.
        let v = r.villages
        #expect(v.connected == v.broadband && v.broadband == v.fiber && v.fiber > 0)
        #expect(v.behindBridge <= v.connected)
        let cat = try TargetCatalog.bundled()
        let res = TargetScorer.score(cat.profile(named: "broadband-china-2020")!, report: r, topology: t)
        let share = try #require(res.first { $0.check.kind == .villageBroadbandShare })
        #expect(abs(share.measured! - 100 * Double(v.broadband) / Double(v.nodes)) < 1e-9)
        #expect(share.met == false && share.regionsBehind.count == 5)
        // Household checks have no households to measure in this dataset.
        #expect(res.first { $0.check.kind == .householdSpeed }?.met == nil)

        // Plan: villages without broadband get new fibre to the nearest fibre-reached sites.
        let missing = FiberPlanner.missingVillages(r, profile: cat.profile(named: "broadband-china-2020")!)
        #expect(missing.count == v.nodes - v.broadband)
        let plan = FiberPlanner.plan(t, report: r, missing: missing)
        #expect(plan.totalKm > 0 && plan.works.allSatisfy { $0.km > 0 && !$0.villages.isEmpty })
        #expect(plan.afterReport.villages.broadband > v.broadband)
        #expect(plan.works.count < 2 || plan.works[0].householdsPerKm >= plan.works[1].householdsPerKm)

        // Without an assumed capacity nothing has broadband (all capacities unknown).
        #expect(CoverageScorer.score(t).villages.broadband == 0)
    }
}
