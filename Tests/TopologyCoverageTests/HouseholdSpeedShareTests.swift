import Foundation
import Testing
import TestSupport
import Reporting
@testable import TopologyCoverage

/// `household_speed` targets report, next to the pass/fail quantile, the share of households and
/// villages that meet the speed and the worst village, in the scorer, the text table and JSON.
@Suite struct HouseholdSpeedShareTests {
    /// Star from backbone B, contention 20:1, per household = capacity × 20 / households:
    ///   V1 1000 Mbps, 100 hh → 200    meets 12
    ///   V2  100 Mbps, 250 hh →   8    misses
    ///   V3   60 Mbps, 100 hh →  12    meets (>= 12 exactly)
    ///   V4    3 Mbps, 200 hh →   0.3  misses (the worst village)
    ///   V5 1000 Mbps,   0 hh → left out (no households)
    /// Households 650, meeting 100 + 100 = 200 → 30.769…%; villages with households 4, meeting 2 → 50%.
    static func star() -> Topology {
        var t = Topology(name: "star")
        t.nodes = [TopologyNode(id: "B", tier: .backbone)]
        for (i, hh) in [100, 250, 100, 200, 0].enumerated() {
            t.nodes.append(TopologyNode(id: "V\(i + 1)", tier: .village, households: hh))
        }
        for (i, cap) in [1000.0, 100, 60, 3, 1000].enumerated() {
            t.links.append(TopologyLink(a: 0, b: i + 1, medium: .fiber, capacityMbps: cap, lengthKm: 1))
        }
        return t
    }

    static func profile(required: Double) -> TargetProfile {
        let c = TargetCheck(id: "speed12", source: "S", metric: "rural access capability", value: 12, unit: "Mbps", comparator: .atLeast,
                            targetYear: 2020, scope: nil, confidence: .confirmed, valueTextOriginal: nil, note: nil,
                            kind: .householdSpeed, thresholdMbps: nil, requiredPercent: required, proxy: nil)
        return TargetProfile(name: "p", aliases: [], title: "p", sources: ["S"], checks: [c], context: [])
    }

    @Test func sharesComputedByHand() throws {
        let t = Self.star()
        let r = CoverageScorer.score(t, options: CoverageOptions(contentionRatio: 20))
        let x = try #require(TargetScorer.score(Self.profile(required: 100), report: r, topology: t).first)
        // Pass/fail unchanged: 100% of households must reach 12; the worst reaches 0.3 → missed by 11.7.
        #expect(x.met == false && abs(x.measured! - 0.3) < 1e-12 && abs(x.gap! - 11.7) < 1e-9)
        #expect(x.population == 650 && x.householdsMeeting == 200 && x.villagesMeeting == 2 && x.villagesWithHouseholds == 4)
        #expect(abs(x.householdsMeetingPercent! - 100.0 * 200 / 650) < 1e-9)
        #expect(x.villagesMeetingPercent == 50)
        #expect(abs(x.worstVillageMbps! - 0.3) < 1e-12)
        // Required 30%: 195 hh; fastest first V1 (100 hh, 200), V3 (200 hh, 12) ≥ 195 → 12 → met.
        // The shares do not depend on requiredPercent.
        let y = try #require(TargetScorer.score(Self.profile(required: 30), report: r, topology: t).first)
        #expect(y.met == true && y.measured == 12 && y.householdsMeeting == 200 && y.villagesMeetingPercent == 50)
    }

    @Test func otherKindsHaveNoShares() throws {
        let t = Self.star()
        let r = CoverageScorer.score(t)
        var p = Self.profile(required: 100)
        p.checks[0].kind = .villageBroadbandShare
        let x = try #require(TargetScorer.score(p, report: r, topology: t).first)
        #expect(x.householdsMeetingPercent == nil && x.villagesMeeting == nil && x.worstVillageMbps == nil)
    }

    @Test func textAndJSONShowTheShares() throws {
        let t = Self.star()
        let r = CoverageScorer.score(t, options: CoverageOptions(contentionRatio: 20))
        let p = Self.profile(required: 100)
        let results = TargetScorer.score(p, report: r, topology: t)
        let text = TopologyText.score(input: "star", topology: t, report: r, profile: p, results: results)
        // 200/650 = 30.769% → "30.8%"; 2/4 villages → "50.0%".
        #expect(text.contains("speed12: 30.8% of households (200 of 650) and 50.0% of villages (2 of 4) meet >= 12 Mbps per household; worst village 0.30 Mbps"))
        let row = try #require(text.split(separator: "\n").first { $0.contains("speed12") && $0.contains("MISSED") })
        #expect(row.contains("30.8% / 50.0%") && row.contains("0.30 Mbps"))

        let doc = TopologyScoreDocument(input: "star", topology: t, report: r, profile: p, results: results, sources: [:], perNode: false)
        let json = try #require(try JSONSerialization.jsonObject(with: doc.jsonData()) as? [String: Any])
        let res = try #require(((json["targets"] as? [String: Any])?["results"] as? [[String: Any]])?.first)
        #expect(res["households_meeting"] as? Int == 200 && res["villages_meeting"] as? Int == 2 && res["villages_with_households"] as? Int == 4)
        #expect(abs((res["households_meeting_percent"] as? Double ?? 0) - 30.769230769) < 1e-6)
        #expect(res["villages_meeting_percent"] as? Double == 50)
        #expect(abs((res["worst_village_mbps"] as? Double ?? 0) - 0.3) < 1e-12)
        #expect(res["met"] as? Bool == false)
    }
}
