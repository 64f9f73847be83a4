/// The outcome of one check on one topology.
public struct TargetResult: Sendable, Codable, Equatable {
    public var check: TargetCheck
    /// The topology's figure in the check's unit: percent for share checks, Mbps for speed checks.
    public var measured: Double?
    /// nil when the figure cannot be computed (no villages, or no households for household checks).
    public var met: Bool?
    /// How far short of the target, in the target's own unit (percentage points or Mbps); 0 when met.
    public var gap: Double?
    /// Percentage points or Mbps.
    public var gapUnit: GapUnit
    /// Size of the population measured (villages or households).
    public var population: Int
    public var populationUnit: String
    /// Regions with the largest gap first (at most 5; only regions that miss).
    public var regionsBehind: [RegionGap]
    /// `household_speed` checks only (nil otherwise): what a regulator reads next to the
    /// pass/fail figure. Percent (0...100) of village households whose capacity per household
    /// (bottleneck Mbps × contention ratio / households of their village) meets the check's speed
    /// under its comparator; villages without households are left out.
    public var householdsMeetingPercent: Double? = nil
    /// Percent (0...100) of villages with households whose capacity per household meets the speed.
    public var villagesMeetingPercent: Double? = nil
    /// Households and villages (with households) that meet the speed; the populations are
    /// `population` households and `villagesWithHouseholds` villages.
    public var householdsMeeting: Int? = nil
    public var villagesMeeting: Int? = nil
    public var villagesWithHouseholds: Int? = nil
    /// Lowest capacity per household (Mbps) of any village with households: the worst village.
    public var worstVillageMbps: Double? = nil
    /// Set when the check cannot be judged from the data (then `measured`, `met` and `gap` are
    /// nil), e.g. "12 of 40 villages depend on links of unknown capacity (66 such links); pass
    /// --unknown-capacity MBPS".
    public var notMeasurable: String? = nil
    /// Set when there is nothing to measure, e.g. "no urban access nodes (tier building or
    /// urban_access)"; `status` is then "n/a".
    public var notApplicable: String? = nil

    /// JSON keys (a *result* of the topology documents), named explicitly (docs/topology-schema.md).
    enum CodingKeys: String, CodingKey {
        case check, measured, met, gap, gapUnit = "gap_unit", population, populationUnit = "population_unit"
        case regionsBehind = "regions_behind", householdsMeetingPercent = "households_meeting_percent"
        case villagesMeetingPercent = "villages_meeting_percent", householdsMeeting = "households_meeting"
        case villagesMeeting = "villages_meeting", villagesWithHouseholds = "villages_with_households"
        case worstVillageMbps = "worst_village_mbps", notMeasurable = "not_measurable", notApplicable = "not_applicable"
    }

    /// Met, missed, not measurable (see `notMeasurable`) or n/a (nothing to measure: no
    /// villages, or no households for household checks).
    public var status: TargetStatus {
        if notMeasurable != nil { return .notMeasurable }
        return met.map { $0 ? .met : .missed } ?? .notApplicable
    }
}

/// How many households and villages meet a per-household speed (see `TargetResult`).
public struct SpeedShare: Sendable, Equatable {
    public var households: Int
    public var householdsMeeting: Int
    public var villages: Int
    public var villagesMeeting: Int
    /// Lowest capacity per household (Mbps) among the villages counted; nil when none.
    public var worstMbps: Double?
    /// Percent of households / villages meeting; nil when there are none.
    public var householdsPercent: Double? { households > 0 ? 100 * Double(householdsMeeting) / Double(households) : nil }
    public var villagesPercent: Double? { villages > 0 ? 100 * Double(villagesMeeting) / Double(villages) : nil }
}

public struct RegionGap: Sendable, Codable, Equatable {
    public var region: String
    public var measured: Double?
    public var gap: Double
    enum CodingKeys: String, CodingKey { case region, measured, gap }
}

/// Scores a `TargetProfile` against a `CoverageReport`.
public enum TargetScorer {
    /// Rule for missing capacity data, per check: when the topology has links of unknown
    /// capacity and the user gave no `--unknown-capacity`, a check that reads capacity
    /// (`TargetCheckKind.readsCapacity`) is "not measurable" when at least one node it measures
    /// depends on such a link (`CoverageReport.dependsOnUnknownCapacity`: its bottleneck or
    /// fibre figure would change if the unknown links had any capacity). Checks whose nodes do
    /// not depend on them, and checks that read no capacity (5G reach), are scored. An unknown
    /// link scored as 0 Mbps must not turn missing data into a confirmed miss (Chinanet: 66 such
    /// links, broadband 0 %).
    /// - Returns: the topology-wide reason ("N links of unknown capacity") when the rule can
    ///   apply at all, else nil.
    public static func unknownCapacityReason(_ report: CoverageReport) -> String? {
        let n = report.network.linksWithoutCapacity
        guard n > 0, !report.options.unknownCapacityGiven else { return nil }
        return "\(n) link\(n == 1 ? "" : "s") of unknown capacity"
    }

    /// The nodes a check measures: villages, or urban access nodes.
    public static func measuredNodes(_ c: TargetCheck, report r: CoverageReport) -> [Int] {
        c.population == .urban ? r.selection.urbanAccess : r.selection.villages
    }

    /// Scores every check of `profile` against `report` (scored from `topology`).
    /// - Returns: one `TargetResult` per check, in the profile's order: measured value and gap in
    ///   the check's own unit (percent / percentage points, or Mbps), met or missed, and the
    ///   regions furthest behind (village checks); "not measurable" (`met` nil) for checks under
    ///   the unknown-capacity rule (see `unknownCapacityReason`); "n/a" with `notApplicable` for
    ///   urban checks on a topology without urban access nodes. Never throws.
    public static func score(_ profile: TargetProfile, report: CoverageReport, topology: Topology) -> [TargetResult] {
        let regionMembers = report.regionVillages
        let unknownReason = unknownCapacityReason(report)
        @Sendable func scoreCheck(_ check: TargetCheck) -> TargetResult {
            let members = measuredNodes(check, report: report)
            let unit = check.population == .urban ? "urban access nodes" : "villages"
            let gapUnit: GapUnit = check.kind == .householdSpeed ? .mbps : .percentagePoints
            if let reason = unknownReason, check.kind.readsCapacity {
                let deps = members.filter { report.dependsOnUnknownCapacity[$0] }.count
                if deps > 0 {
                    let (_, pop, popUnit) = measure(check, members: members, report: report)
                    var r = TargetResult(check: check, measured: nil, met: nil, gap: nil, gapUnit: gapUnit,
                                         population: pop, populationUnit: popUnit, regionsBehind: [])
                    r.notMeasurable = "\(deps) of \(members.count) \(unit) depend on links of unknown capacity (\(reason)); pass --unknown-capacity MBPS"
                    return r
                }
            }
            let (measured, pop, popUnit) = measure(check, members: members, report: report)
            let (met, gap) = judge(check, measured)
            var result = TargetResult(check: check, measured: measured, met: met, gap: gap, gapUnit: gapUnit,
                                      population: pop, populationUnit: popUnit, regionsBehind: [])
            if members.isEmpty && check.population == .urban {
                result.notApplicable = "no urban access nodes (tier building or urban_access) in the topology"
            }
            if check.kind == .householdSpeed {
                let share = speedShare(check, members: members, report: report)
                result.householdsMeetingPercent = share.householdsPercent
                result.villagesMeetingPercent = share.villagesPercent
                result.householdsMeeting = share.householdsMeeting
                result.villagesMeeting = share.villagesMeeting
                result.villagesWithHouseholds = share.villages
                result.worstVillageMbps = share.worstMbps
            }
            return result
        }
        /// The (at most 5) regions furthest behind on a village check; empty for urban checks
        /// and single-region topologies.
        @Sendable func regionsBehind(_ check: TargetCheck) -> [RegionGap] {
            guard regionMembers.count > 1 && check.population != .urban else { return [] }
            var behind: [RegionGap] = []
            for (r, members) in regionMembers {
                let (mr, _, _) = measure(check, members: members, report: report)
                let (okr, g) = judge(check, mr)
                if okr == false, let g { behind.append(RegionGap(region: r, measured: mr, gap: g)) }
            }
            behind.sort { $0.gap > $1.gap || ($0.gap == $1.gap && $0.region < $1.region) }
            if behind.count > 5 { behind.removeLast(behind.count - 5) }
            return behind
        }
        // Checks are independent (each reads the report's per-node columns), and a check's
        // regions pass costs as much as its whole-topology pass (every village once more): two
        // stages per check, so one heavy check (household speed: a selection per region) does
        // not leave the other threads idle.
        let checks = profile.checks
        let results = checks.map { _ in StageResult<TargetResult>() }
        let behind = checks.map { _ in StageResult<[RegionGap]>() }
        var stages: [@Sendable () -> Void] = []
        for i in checks.indices {
            stages.append { behind[i].value = regionsBehind(checks[i]) }
            stages.append { results[i].value = scoreCheck(checks[i]) }
        }
        ConcurrentStages.run(stages, threads: ConcurrentStages.threads(forWork: report.households.count))
        return checks.indices.map { i in
            var r = results[i].get
            // A check that cannot be judged names no regions (its figure is unknown).
            if r.notMeasurable == nil { r.regionsBehind = behind[i].get }
            return r
        }
    }

    /// Met and gap from a measured figure under the check's comparator.
    static func judge(_ c: TargetCheck, _ measured: Double?) -> (Bool?, Double?) {
        judge(c.comparator, c.value, measured)
    }

    /// Met and gap of `measured` against `target` under `comparator` (1e-9 tolerance); the gap is
    /// in the target's unit, 0 when met. `=` is how the sources write "100 % by year Y" and is
    /// judged as `>=`.
    public static func judge(_ comparator: TargetComparator, _ target: Double, _ measured: Double?) -> (Bool?, Double?) {
        guard let x = measured else { return (nil, nil) }
        let eps = 1e-9
        let met: Bool
        switch comparator {
        case .greaterThan: met = x > target + eps
        case .lessThan: met = x < target - eps
        case .atMost: met = x <= target + eps
        case .atLeast, .equal: met = x >= target - eps
        }
        let gap: Double
        switch comparator {
        case .lessThan, .atMost: gap = met ? 0 : x - target
        case .atLeast, .equal, .greaterThan: gap = met ? 0 : max(0, target - x)
        }
        return (met, gap)
    }

    /// Households and villages among `members` (village node indices; those with households)
    /// whose capacity per household, bottleneck × contention / households, meets `c.value` Mbps
    /// under `c.comparator` (the pass/fail rule of `judge`, applied per village).
    public static func speedShare(_ c: TargetCheck, members: [Int], report r: CoverageReport) -> SpeedShare {
        let contention = r.options.contentionRatio
        var out = SpeedShare(households: 0, householdsMeeting: 0, villages: 0, villagesMeeting: 0, worstMbps: nil)
        for v in members where r.households[v] > 0 {
            let hh = r.households[v]
            let perHousehold = CoverageReport.perHouseholdMbps(bottleneckMbps: r.bottleneckMbps[v], households: hh, contention: contention)
            out.households += hh; out.villages += 1
            out.worstMbps = Swift.min(out.worstMbps ?? perHousehold, perHousehold)
            if judge(c, perHousehold).0 == true { out.householdsMeeting += hh; out.villagesMeeting += 1 }
        }
        return out
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
                if CoverageReport.meetsPerHousehold(bottleneckMbps: r.bottleneckMbps[v], households: hh, contention: contention, thresholdMbps: t) { ok += hh }
            }
            return (tot > 0 ? 100 * Double(ok) / Double(tot) : nil, tot, "households")
        case .broadbandHouseholdShare:
            var tot = 0, ok = 0
            for v in members where r.households[v] > 0 {
                tot += r.households[v]; if r.bottleneckMbps[v] > 0 { ok += r.households[v] }
            }
            return (tot > 0 ? 100 * Double(ok) / Double(tot) : nil, tot, "households")
        case .settlementBroadbandShare:
            let least = c.minHouseholds ?? 20
            let settlements = members.filter { r.households[$0] >= least }
            guard !settlements.isEmpty else { return (nil, 0, "settlements of \(least)+ households") }
            let k = settlements.filter { r.bottleneckMbps[$0] > 0 }.count
            return (100 * Double(k) / Double(settlements.count), settlements.count, "settlements of \(least)+ households")
        case .village5GShare:
            guard !members.isEmpty else { return (nil, 0, "villages") }
            let k = members.filter { r.reached5G[$0] }.count
            return (100 * Double(k) / Double(members.count), members.count, "villages")
        case .gigabitFibreHouseholdShare:
            let t = c.thresholdMbps ?? 1000
            var tot = 0, ok = 0
            for v in members where r.households[v] > 0 {
                tot += r.households[v]
                if r.fiberPath[v] && r.bottleneckMbps[v] >= t { ok += r.households[v] }
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
            // (Selected in O(n) by `OrderStatistics.descendingWeightedThreshold`, which gives the
            // value that sort and running total give; a NaN falls back to the sort itself.)
            var pairs: [(value: Double, weight: Int)] = []
            pairs.reserveCapacity(members.count)
            var tot = 0
            for v in members where r.households[v] > 0 {
                pairs.append((CoverageReport.perHouseholdMbps(bottleneckMbps: r.bottleneckMbps[v], households: r.households[v], contention: contention), r.households[v]))
                tot += r.households[v]
            }
            guard tot > 0 else { return (nil, 0, "households") }
            let need = Double(tot) * (c.requiredPercent ?? 100) / 100
            if !pairs.contains(where: \.value.isNaN) {
                return (OrderStatistics.descendingWeightedThreshold(&pairs, need: need), tot, "households")
            }
            pairs.sort { $0.value > $1.value }
            var acc = 0
            for (p, hh) in pairs {
                acc += hh
                if Double(acc) >= need - 1e-9 { return (p, tot, "households") }
            }
            return (pairs.last?.value, tot, "households")
        }
    }
}
