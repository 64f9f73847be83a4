import Foundation
import Testing
import TestSupport

/// `topology synth --city-buildings` and the infrastructure sections of `topology score`.
@Suite struct TopologyInfrastructureCLITests {
    /// The city layer by construction (SyntheticNetwork docs): 30 provinces × 4 buildings = 120
    /// urban access nodes; IDCs on the cities of P01, P04, ..., P28 (10); three landing stations,
    /// each single-homed on its own backbone node (P01, P11, P21), with international links of
    /// 100, 200 and 400 Gbps → 700 000 Mbps in service, diversity 3; the worst single failure is
    /// LS3's domestic link (written before its international link, so it wins the tie with it,
    /// with LS3 and P21): 400 000 Mbps lost. Backbone: 30 regions → 30 × 29 / 2 = 435 pairs; every
    /// backbone node sits on a 100 Gbps ring, and some have no chord, so the weakest cut is
    /// 2 × 100 000 Mbps.
    @Test func cityLayerGivesUrbanIDCAndInternationalSections() throws {
        let dir = SharedData.temporaryDirectory("synth-city").appendingPathComponent("net")
        let w = try TopologyCLI.run(["synth", "--villages", "60", "--seed", "3", "--city-buildings", "4", "-o", dir.path])
        #expect(w.status == 0, "\(w.stderr)")
        let r = try TopologyCLI.run(["score", dir.path, "--json", "--per-node"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["urban", "nodes"] as? Int == 120)
        let idc = try #require(json["infrastructure", "idc"] as? [String: Any])
        #expect((idc["idcs"] as? [String])?.count == 10)
        let intl = try #require(json["infrastructure", "international"] as? [String: Any])
        #expect(intl["capacity_mbps"] as? Double == 700_000 && intl["diversity"] as? Int == 3 && intl["links_in_service"] as? Int == 3)
        let worst = try #require(intl["worst_failure"] as? [String: Any])
        #expect(worst["kind"] as? String == "link" && worst["lost_mbps"] as? Double == 400_000 && worst["remaining_mbps"] as? Double == 300_000)
        let pairs = try #require(json["infrastructure", "backbone_capacity", "pairs"] as? [[String: Any]])
        #expect(pairs.count == 435)
        let cuts = pairs.compactMap { $0["min_cut_mbps"] as? Double }
        #expect(cuts.count == 435 && cuts.min() == 200_000)
        // Every village row carries its IDC reach.
        let rows = try #require(json["access_nodes"] as? [[String: Any]])
        #expect(rows.filter { $0["tier"] as? String == "village" }.allSatisfy { $0["nearest_idc"] is String && $0["idc_latency_ms"] is Double })
        // The table shows the three sections.
        let text = try TopologyCLI.run(["score", dir.path]).text
        for heading in ["Urban access nodes", "Data centres (IDC: 10 node(s)", "International egress", "Backbone capacity between level-1 regions"] {
            #expect(text.contains(heading), "missing \(heading)")
        }
    }

    /// A misspelt role is bad data (65), named by file, node and value.
    @Test func unknownRoleIsRefused() throws {
        let dir = try TopologyCLI.pair(nodes: "id,tier,households,role\nB,backbone,,idc\nV,village,10,data-centre\n",
                                       links: "a,b,medium,capacity_mbps\nB,V,fiber,100\n")
        let r = try TopologyCLI.run(["score", dir])
        #expect(r.status == 65)
        #expect(r.stderr.contains("node 'V': role 'data-centre': not a role; roles are idc, ixp, landing, international_gateway"), "\(r.stderr)")
    }
}

/// `topology plan --budget / --reach / --costs` through the CLI on the shipped sample.
@Suite struct TopologyFundablePlanCLITests {
    /// The budget plan never spends more than its budget, and its households add up; reach on
    /// broadband-china-2015 (fibre to > 80 % of villages by 2017, 4 Mbps) keeps fewer works than
    /// the full plan and still meets every scorable check.
    @Test func budgetAndReach() throws {
        let r = try TopologyCLI.run(["plan", TopologyCLI.sample, "--targets", "broadband-china-2015", "--budget", "300000",
                                     "--reach", "broadband-china-2015", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let budget = try #require(json["budget_plan"] as? [String: Any])
        let spent = try #require(budget["spent"] as? Double)
        #expect(spent <= 300_000 && spent > 0)
        let works = try #require(budget["works"] as? [[String: Any]])
        #expect(abs(works.compactMap { $0["cost"] as? Double }.reduce(0, +) - spent) < 1e-6)
        #expect(works.compactMap { $0["households"] as? Int }.reduce(0, +) == budget["households"] as? Int)
        let reach = try #require(json["reach"] as? [String: Any])
        let planned = try #require(json["works"] as? [[String: Any]])
        #expect(reach["reached"] as? Bool == true)
        let kept = try #require(reach["works"] as? [Int])
        #expect(kept.count < planned.count && (reach["dropped"] as? Int) == planned.count - kept.count)
        let after = try #require(reach["results_after"] as? [[String: Any]])
        #expect(after.allSatisfy { $0["met"] as? Bool != false })
    }

    @Test func badCostFileIsRefused() throws {
        let dir = SharedData.temporaryDirectory("costs-cli")
        let file = dir.appendingPathComponent("c.json")
        try Data("{\"currency\": \"USD\"}".utf8).write(to: file)
        let r = try TopologyCLI.run(["plan", TopologyCLI.sample, "--costs", file.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains(file.path) && r.stderr.contains("missing key"), "\(r.stderr)")
        #expect(try TopologyCLI.run(["plan", TopologyCLI.sample, "--costs", dir.appendingPathComponent("none.json").path]).status == 66)
    }
}
