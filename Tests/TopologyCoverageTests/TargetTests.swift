import Foundation
import Testing
import TestSupport
@testable import TopologyCoverage

@Suite struct TargetTests {
    @Test func bundledCatalogCopiesTheSourceRows() throws {
        let cat = try TargetCatalog.bundled()
        #expect(Set(cat.profiles.map(\.name)) == ["broadband-china-2015", "broadband-china-2020", "ipv6-plan",
                                                  "eu-digital-decade-2030", "eu-gigabit-society-2025", "fcc-100-20", "itu-bbcom-2025",
                                                  "broadband-border-2025", "broadband-border-2027", "universal-service-pilot",
                                                  "gigabit-plan", "ict-14th-fyp", "ipv6-notice-2021", "ipv6-work-plan-2022",
                                                  "ipv6-work-plan-2023", "ipv6-work-plan-2025", "ipv6-traffic-2021", "us-omb-m-21-07"])
        guard let path = SharedData.path("targets/broadband_targets.json") else {
            #expect(!SharedData.isCI, "shared data missing under CI"); return
        }
        let src = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        var rows: [String: [String: Any]] = [:]
        for r in src["targets"] as! [[String: Any]] { rows[r["id"] as! String] = r }
        var checked = 0
        var captureChecked = 0
        for p in cat.profiles {
            #expect(!p.checks.isEmpty || !(p.captureChecks ?? []).isEmpty, "\(p.name) scores nothing")
            for c in p.captureChecks ?? [] {
                let row = try #require(rows[c.id])
                #expect(row["source"] as? String == c.source)
                #expect(row["confidence"] as? String == c.confidence.rawValue)
                #expect(row["comparator"] as? String == c.comparator.rawValue)
                #expect(row["value"] as? Double == c.value)
                #expect((row["unit"] as? String ?? "").hasPrefix("percent"))
                #expect(!c.proxy.isEmpty)
                captureChecked += 1
            }
            for c in p.checks {
                let row = try #require(rows[c.id])
                #expect(row["source"] as? String == c.source)
                #expect(row["confidence"] as? String == c.confidence.rawValue)
                #expect(row["comparator"] as? String == c.comparator.rawValue)
                if let v = row["value"] as? Double { #expect(v == c.value) }
                else if let obj = row["value"] as? [String: Any] { #expect(obj["down"] as? Double == c.value) }
                else { Issue.record("\(c.id): scorable row without a number") }
                #expect(cat.sources[c.source ?? ""] != nil, "source \(c.source ?? "-") listed")
                checked += 1
            }
            for x in p.context { #expect(rows[x.id] != nil); #expect(!x.whyContext.isEmpty) }
        }
        // 15 rural/national checks, 4 urban speed checks (2015/2020 urban and developed-city access),
        // urban gigabit coverage, Broadband Border 2025 (2) and 2027 (1), the USO pilot, ICT-14 5G.
        #expect(checked == 25)
        // 2017 user shares (2), 2021 notice (4 traffic, 1 names), work plans 2022 (3), 2023 (3),
        // 2025 (2), traffic plan (2 mobile), OMB (3).
        #expect(captureChecked == 20)
        #expect(cat.profile(named: "BBC2020")?.name == "broadband-china-2020")
    }

    /// Hand-built network (see CoverageHandBuiltTests): per-household Mbps V1 40 (50 hh),
    /// V2 40 (100 hh), V3 400 (10 hh), V5 150 (40 hh), V4 0 (20 hh); 220 households.
    @Test func scoringGapsAndRegions() {
        let t = handBuiltTopology()
        let r = CoverageScorer.score(t)
        func check(_ kind: TargetCheckKind, _ value: Double, _ cmp: TargetComparator = .atLeast, threshold: Double? = nil, required: Double? = nil) -> TargetCheck {
            TargetCheck(id: "x", source: "S", metric: "m", value: value, unit: "u", comparator: cmp, targetYear: 2020, scope: nil,
                        confidence: .confirmed, valueTextOriginal: nil, note: nil, kind: kind, thresholdMbps: threshold,
                        requiredPercent: required, proxy: nil)
        }
        let profile = TargetProfile(name: "p", aliases: [], title: "p", sources: ["S"], checks: [
            check(.householdSpeed, 12, required: 100),   // worst household 0 Mbps → missed by 12
            check(.householdSpeed, 12, required: 80),    // 80% of 220 = 176 hh: 10+40+50+100 = 200 ≥ 176 at 40 Mbps → met
            check(.villageBroadbandShare, 95),           // 4/5 = 80% → 15 points short
            check(.villageFiberShare, 40, .greaterThan),          // 40% is not > 40
            check(.householdSpeedShare, 100, .equal, threshold: 100),  // (10+40)/220 = 22.7% vs 100%
        ], context: [])
        let res = TargetScorer.score(profile, report: r, topology: t)
        #expect(res[0].measured == 0 && res[0].met == false && res[0].gap == 12 && res[0].gapUnit == .mbps)
        #expect(res[1].measured == 40 && res[1].met == true && res[1].gap == 0)
        #expect(res[2].measured == 80 && res[2].met == false && abs(res[2].gap! - 15) < 1e-9)
        #expect(res[3].measured == 40 && res[3].met == false)
        #expect(abs(res[4].measured! - 100 * 50 / 220) < 1e-9 && res[4].met == false)
        // Region R2 holds V4 (no broadband): 2/3 = 66.7% vs R1 100% → only R2 behind.
        #expect(res[2].regionsBehind.map(\.region) == ["R2"])
    }

    @Test func resolveByFileAndUnknownName() throws {
        let dir = SharedData.temporaryDirectory()
        let cat = try TargetCatalog.bundled()
        let one = TargetCatalog(derivedFrom: nil, sources: [:], profiles: [cat.profile(named: "fcc-100-20")!])
        let enc = JSONEncoder()
        let file = dir.appendingPathComponent("mine.json")
        try enc.encode(one).write(to: file)
        let (p, _) = try TargetCatalog.resolve(file.path)
        #expect(p.name == "fcc-100-20" && p.checks.count == 2)
        #expect(throws: TopologyImportError.self) { try TargetCatalog.resolve("no-such-profile") }
    }

    /// A comparator outside >=, >, =, <, <= is refused when the catalog loads, with the file and
    /// the place of the row (DESIGN practice 16).
    @Test func badComparatorIsRefusedAtLoad() throws {
        let cat = try TargetCatalog.bundled()
        let enc = JSONEncoder()
        let one = TargetCatalog(derivedFrom: nil, sources: [:], profiles: [cat.profile(named: "uso")!])
        let text = String(decoding: try enc.encode(one), as: UTF8.self).replacingOccurrences(of: "\">=\"", with: "\"about\"")
        let file = SharedData.temporaryDirectory().appendingPathComponent("bad.json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        do { _ = try TargetCatalog.load(path: file.path); Issue.record("loaded a bad comparator") } catch let e as TopologyImportError {
            #expect(e.file == file.path && e.location.contains("checks") && e.location.hasSuffix("comparator"), "\(e)")
        }
    }
}
