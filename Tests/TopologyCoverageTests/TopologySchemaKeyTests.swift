import Foundation
import Testing
import TestSupport
import Reporting
@testable import TopologyCoverage

/// DESIGN practice 15: a schema key never comes from a Swift property name by automatic
/// conversion. Every key the topology score and plan documents can write (nil optionals
/// included, found with `KeyRecordingEncoder`) must be snake_case and named in a table of
/// docs/topology-schema.md; every key of the bundled target catalog must be read by a coding key
/// (or be one of the keys the loader is known to ignore). A property renamed without an
/// explicit key (`householdsIPv6` → `households_i_pv6`, or a camelCase key once no strategy
/// converts) fails here.
@Suite struct TopologySchemaKeyTests {
    /// Members whose keys are data (stage, tier, medium names; source keys), not schema names.
    static let mapMembers: Set<String> = ["timings_seconds", "network.tiers", "network.km_by_medium", "network.links_by_medium", "targets.sources"]

    /// The catalog keys no coding key reads (paths, `*` = any source key): a check's
    /// `value_object` (the paired down/up speeds; `value` holds the download figure), a source's
    /// `section_confidence`, and a context row's figures (`value`, `value_text_original`, `scope`,
    /// `note`: a context row shows `value_text`).
    static let ignoredCatalogKeys: Set<String> = [
        "profiles.checks.value_object", "sources.*.section_confidence",
        "profiles.context.value", "profiles.context.value_text_original", "profiles.context.scope", "profiles.context.note",
        "profiles.capture_context.value", "profiles.capture_context.value_text_original", "profiles.capture_context.scope",
        "profiles.capture_context.note",
    ]

    static func isSnakeCase(_ k: String) -> Bool {
        k.range(of: "^[a-z][a-z0-9]*(_[a-z0-9]+)*$", options: .regularExpression) != nil
    }

    /// Names written in backticks on the table rows (and the *link ref* lines) of the schema
    /// document, split into words (`options.costs`, `{from, to, medium}`, `meets[]`): prose such
    /// as "never `households_i_pv6`" is left out.
    static func documentedNames() throws -> Set<String> {
        let text = try String(contentsOf: SharedData.repoRoot.appendingPathComponent("docs/topology-schema.md"), encoding: .utf8)
        var out: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("|") || line.hasPrefix("*link ref*") || line.hasPrefix("`capacity_mbps`") {
            let parts = line.split(separator: "`", omittingEmptySubsequences: false)
            for (i, p) in parts.enumerated() where i % 2 == 1 {
                for name in p.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) { out.insert(String(name)) }
            }
        }
        return out
    }

    /// The schema names of `paths` (map members' own keys become `*`), and those that break
    /// the rule: not snake_case or not documented.
    static func violations(_ paths: Set<String>, documented: Set<String>) -> [String] {
        var bad: [String] = []
        for path in paths.sorted() {
            var parts = path.split(separator: ".").map(String.init)
            for i in parts.indices.dropLast() where mapMembers.contains(parts[...i].joined(separator: ".")) { parts[i + 1] = "*" }
            for k in parts where k != "*" && !(isSnakeCase(k) && documented.contains(k)) { bad.append("\(path): \(k)") }
        }
        return Array(Set(bad)).sorted()
    }

    /// A synthetic network with every section present: villages, townships, urban buildings,
    /// IDCs, landing stations, several regions; scored and planned with budget and reach.
    static func documents() throws -> (TopologyScoreDocument, FiberPlanDocument) {
        let t = SyntheticNetwork.generate(villages: 120, seed: 7, cityBuildings: 20)
        let catalog = try TargetCatalog.bundled()
        let p = try #require(catalog.profile(named: "broadband-china-2020"))
        var o = CoverageOptions(backboneIds: nil)
        o.thresholdsMbps = Array(Set(o.thresholdsMbps + p.speedsMbps)).sorted()
        let r = CoverageScorer.score(t, options: o)
        let results = TargetScorer.score(p, report: r, topology: t)
        let score = TopologyScoreDocument(input: "synth", topology: t, report: r, profile: p, results: results,
                                          sources: catalog.sources, perNode: true)
        let costs = try PlanCosts.bundled()
        let plan = FiberPlanner.plan(t, report: r, missing: FiberPlanner.missingVillages(r, profile: p),
                                     options: FiberPlanOptions(currency: costs.currency, costs: costs))
        var doc = FiberPlanDocument(input: "synth", topology: t, profile: p, plan: plan, before: r, targetsBefore: results,
                                    targetsAfter: TargetScorer.score(p, report: plan.afterReport, topology: plan.after))
        doc.budgetPlan = BudgetPlanJSON(BudgetPlanner.plan(t, report: r, profile: p, fiberPlan: plan, costs: costs, budget: 5_000_000), topology: t)
        doc.reach = ReachPlanJSON(ReachPlanner.plan(t, report: r, profile: p, fiberPlan: plan))
        return (score, doc)
    }

    @Test func everyDocumentKeyIsExplicitSnakeCaseAndDocumented() throws {
        let documented = try Self.documentedNames()
        let (built, plan) = try Self.documents()
        var score = built
        // No region misses a target in this network: one row of `regions_behind`, by hand.
        score.targets?.results[0].regionsBehind = [RegionGap(region: "R", measured: 10, gap: 5)]
        let scorePaths = try KeyRecorder.paths(of: score), planPaths = try KeyRecorder.paths(of: plan)
        // The documents really hold the nested sections (else the check below proves little).
        for p in ["urban.households_ipv6", "infrastructure.idc.groups.households_within_ms", "infrastructure.international.worst_failure.links_lost.capacity_mbps",
                  "infrastructure.backbone_capacity.pairs.first_region", "access_nodes.first_non_fiber_segment.medium", "targets.results.check.threshold_mbps",
                  "targets.results.regions_behind.gap", "targets.context.why_context", "options.latency.guided_microseconds_per_km"] {
            #expect(scorePaths.contains(p), "score document lacks \(p)")
        }
        for p in ["options.costs.trenched_fiber_per_km.plain", "works.links.existing_medium", "budget_plan.works.fiber_work", "reach.results_after.check.min_households"] {
            #expect(planPaths.contains(p), "plan document lacks \(p)")
        }
        #expect(Self.violations(scorePaths, documented: documented) == [])
        #expect(Self.violations(planPaths, documented: documented) == [])
        // JSONEncoder without any key strategy writes exactly the recorded keys (leaves of the tree).
        let o = try JSONSerialization.jsonObject(with: try score.jsonData()) as! [String: Any]
        #expect(Set(o.keys) == Set(scorePaths.filter { !$0.contains(".") }))
    }

    /// The check can fail: a property name that reaches the output unconverted, a converted
    /// acronym, and an undocumented key are each reported.
    @Test func theCheckCatchesPropertyNames() throws {
        struct Inner: Encodable { var householdsIPv6 = 1 }
        struct Doc: Encodable {
            var network = Inner()
            var fiberShare = 0.5
            enum CodingKeys: String, CodingKey { case network, fiberShare }
        }
        struct Converted: Encodable {
            var x = 1
            enum CodingKeys: String, CodingKey { case x = "households_i_pv6" }
        }
        let documented = try Self.documentedNames()
        #expect(Self.violations(try KeyRecorder.paths(of: Doc()), documented: documented) == ["fiberShare: fiberShare", "network.householdsIPv6: householdsIPv6"])
        #expect(Self.violations(try KeyRecorder.paths(of: Converted()), documented: documented) == ["households_i_pv6: households_i_pv6"])
        #expect(Self.violations(["villages.fiber_share", "network.tiers.anyTierName"], documented: documented) == [])
    }

    /// Every key of the bundled target-profiles.json is read by an explicit coding key: the
    /// catalog, encoded back, has the same key paths as the file, apart from the keys known to be
    /// ignored. A coding key misspelled for an optional field would decode as nil silently.
    @Test func catalogKeysAreAllRead() throws {
        let file = SharedData.repoRoot.appendingPathComponent("Sources/TopologyCoverage/Resources/target-profiles.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file))
        var inFile: Set<String> = []
        func walk(_ x: Any, _ path: [String]) {
            if let d = x as? [String: Any] {
                for (k, v) in d {
                    let step = path == ["sources"] ? "*" : k
                    if Self.ignoredCatalogKeys.contains((path + [step]).joined(separator: ".")) { continue }
                    if step != "*" { inFile.insert((path + [k]).joined(separator: ".")) }
                    walk(v, path + [step])
                }
            } else if let a = x as? [Any] { for v in a { walk(v, path) } }
        }
        walk(json, [])
        var read: Set<String> = []
        for p in try KeyRecorder.paths(of: TargetCatalog.bundled()) {
            var parts = p.split(separator: ".").map(String.init)
            if parts.count > 1 && parts[0] == "sources" { parts[1] = "*" }
            if parts.count == 2 && parts[0] == "sources" { continue }
            read.insert(parts.joined(separator: "."))
        }
        #expect(inFile.subtracting(read).sorted() == [], "keys in the file no coding key reads")
        #expect(read.allSatisfy { $0.split(separator: ".").allSatisfy { $0 == "*" || Self.isSnakeCase(String($0)) } }, "\(read.sorted())")
    }
}
