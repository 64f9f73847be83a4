/// The outcome of one check on one topology.
public struct TargetResult: Sendable, Codable, Equatable {
    public var check: TargetCheck
    /// The topology's figure in the check's unit: percent for share checks, Mbps for speed checks.
    public var measured: Double?
    /// nil when the figure cannot be computed (no villages, or no households for household checks).
    public var met: Bool?
    /// How far short of the target, in the target's own unit (percentage points or Mbps); 0 when met.
    public var gap: Double?
    /// "percentage points" or "Mbps".
    public var gapUnit: String
    /// Size of the population measured (villages or households).
    public var population: Int
    public var populationUnit: String
    /// Regions with the largest gap first (at most 5; only regions that miss).
    public var regionsBehind: [RegionGap]
}

public struct RegionGap: Sendable, Codable, Equatable {
    public var region: String
    public var measured: Double?
    public var gap: Double
}

/// Scores a `TargetProfile` against a `CoverageReport`.
public enum TargetScorer {
    public static func score(_ profile: TargetProfile, report: CoverageReport, topology: Topology) -> [TargetResult] {
        var regionMembers: [String: [Int]] = [:]
        for v in report.selection.villages { regionMembers[report.regionKey(v, in: topology), default: []].append(v) }
        return profile.checks.map { check in
            let (measured, pop, popUnit) = measure(check, members: report.selection.villages, report: report)
            let (met, gap) = judge(check, measured)
            var behind: [RegionGap] = []
            if regionMembers.count > 1 {
                for (r, members) in regionMembers {
                    let (mr, _, _) = measure(check, members: members, report: report)
                    let (okr, g) = judge(check, mr)
                    if okr == false, let g { behind.append(RegionGap(region: r, measured: mr, gap: g)) }
                }
                behind.sort { $0.gap > $1.gap || ($0.gap == $1.gap && $0.region < $1.region) }
                if behind.count > 5 { behind.removeLast(behind.count - 5) }
            }
            let unit = [.householdSpeed].contains(check.kind) ? "Mbps" : "percentage points"
            return TargetResult(check: check, measured: measured, met: met, gap: gap, gapUnit: unit,
                                population: pop, populationUnit: popUnit, regionsBehind: behind)
        }
    }

    /// Met and gap from a measured figure under the check's comparator.
    static func judge(_ c: TargetCheck, _ measured: Double?) -> (Bool?, Double?) {
        guard let x = measured else { return (nil, nil) }
        let eps = 1e-9
        let met: Bool
        switch c.comparator {
        case ">": met = x > c.value + eps
        case "<": met = x < c.value - eps
        case "<=": met = x <= c.value + eps
        default: met = x >= c.value - eps        // ">=", and "=" for "100 % by year Y" targets
        }
        let gap: Double
        switch c.comparator {
        case "<", "<=": gap = met ? 0 : x - c.value
        default: gap = met ? 0 : max(0, c.value - x)
        }
        return (met, gap)
    }

    /// The check's figure over `members` (village node indices): (value, population, unit).
    public static func measure(_ c: TargetCheck, members: [Int], report r: CoverageReport) -> (Double?, Int, String) {
        let contention = r.options.contentionRatio
        switch c.kind {
        case .villageBroadbandShare, .villageFiberShare:
            guard !members.isEmpty else { return (nil, 0, "villages") }
            var k = 0
            for v in members where c.kind == .villageFiberShare ? r.fiberPath[v] : r.bottleneckMbps[v] > 0 { k += 1 }
            return (100 * Double(k) / Double(members.count), members.count, "villages")
        case .householdSpeedShare:
            let t = c.thresholdMbps ?? 0
            var tot = 0, ok = 0
            for v in members where r.households[v] > 0 {
                let hh = r.households[v]
                tot += hh
                if r.bottleneckMbps[v] * contention >= t * Double(hh) { ok += hh }
            }
            return (tot > 0 ? 100 * Double(ok) / Double(tot) : nil, tot, "households")
        case .broadbandHouseholdShare:
            var tot = 0, ok = 0
            for v in members where r.households[v] > 0 {
                tot += r.households[v]; if r.bottleneckMbps[v] > 0 { ok += r.households[v] }
            }
            return (tot > 0 ? 100 * Double(ok) / Double(tot) : nil, tot, "households")
        case .ipv6HouseholdShare:
            var tot = 0, ok = 0
            for v in members where r.households[v] > 0 && r.bottleneckMbps[v] > 0 {
                tot += r.households[v]; if r.ipv6EndToEnd[v] { ok += r.households[v] }
            }
            return (tot > 0 ? 100 * Double(ok) / Double(tot) : nil, tot, "households with broadband")
        case .householdSpeed:
            // The speed reached by requiredPercent of households: sort households by per-household
            // capacity, fastest first, and take the value at which the running total reaches the share.
            var pairs: [(Double, Int)] = []
            var tot = 0
            for v in members where r.households[v] > 0 {
                pairs.append((r.bottleneckMbps[v] * contention / Double(r.households[v]), r.households[v]))
                tot += r.households[v]
            }
            guard tot > 0 else { return (nil, 0, "households") }
            pairs.sort { $0.0 > $1.0 }
            let need = Double(tot) * (c.requiredPercent ?? 100) / 100
            var acc = 0
            for (p, hh) in pairs {
                acc += hh
                if Double(acc) >= need - 1e-9 { return (p, tot, "households") }
            }
            return (pairs.last?.0, tot, "households")
        }
    }
}
