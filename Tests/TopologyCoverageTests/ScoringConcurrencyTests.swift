import Testing
@testable import TopologyCoverage

/// The scorer's searches run as concurrent stages and medians / household percentiles are
/// selected instead of sorted: neither may change a figure.
@Suite struct ScoringConcurrencyTests {
    /// A synthetic network with a city layer and some links of unknown capacity and length, so
    /// every stage runs (the unknown-capacity bounds and the lower-bound flags included).
    static func network() -> Topology {
        var t = SyntheticNetwork.generate(villages: 3000, seed: 11, cityBuildings: 200)
        for j in stride(from: 7, to: t.links.count, by: 97) { t.links[j].capacityMbps = nil }
        // No length and an end without coordinates: the length is unknown (0 km, flagged).
        for j in stride(from: 5, to: t.links.count, by: 89) {
            t.links[j].lengthKm = nil
            t.nodes[t.links[j].b].latitude = nil
        }
        return t
    }

    @Test func oneThreadAndSeveralGiveTheSameReport() {
        let t = Self.network()
        let one = CoverageScorer.score(t, threads: 1)
        let many = CoverageScorer.score(t, threads: 4)
        #expect(one.network == many.network)
        #expect(one.hops == many.hops)
        #expect(one.bottleneckMbps == many.bottleneckMbps && one.fiberBottleneckMbps == many.fiberBottleneckMbps)
        #expect(one.fiberPath == many.fiberPath && one.firstNonFiberLink == many.firstNonFiberLink)
        #expect(one.pathKm == many.pathKm && one.latencyMs == many.latencyMs)
        #expect(one.pathKmLowerBound == many.pathKmLowerBound && one.latencyMsLowerBound == many.latencyMsLowerBound)
        #expect(one.dependsOnUnknownCapacity == many.dependsOnUnknownCapacity)
        #expect(one.behindBridge == many.behindBridge && one.incidentBridges == many.incidentBridges)
        #expect(one.ipv6EndToEnd == many.ipv6EndToEnd && one.reached5G == many.reached5G)
        #expect(one.villages == many.villages && one.urban == many.urban)
        #expect(one.byRegion == many.byRegion && one.byTier == many.byTier && one.worstVillages == many.worstVillages)
        // The network really exercises the optional stages.
        #expect(one.dependsOnUnknownCapacity.contains(true))
        #expect(one.pathKmLowerBound.contains(true))
        #expect(one.urban != nil)
        let stages = Set(many.timings.map(\.0))
        #expect(stages.isSuperset(of: ["components", "diameter", "cut_structure", "bfs_hops", "widest_path",
                                       "widest_path_fiber", "path_km", "latency", "ipv6_end_to_end",
                                       "unknown_capacity_bounds", "unknown_capacity_bounds_fiber", "shares"]))
    }

    @Test func caseIndicesFollowAllCases() {
        for (i, m) in Medium.allCases.enumerated() { #expect(m.caseIndex == i) }
        for (i, t) in Tier.allCases.enumerated() { #expect(t.caseIndex == i) }
    }

    /// xorshift: reproducible values with many ties (few distinct values) and wide ranges.
    struct Values {
        var state: UInt64
        mutating func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        mutating func array(_ n: Int, distinct: UInt64) -> [Double] { (0..<n).map { _ in Double(next() % distinct) / 4 } }
    }

    @Test func kthSmallestIsTheSortedElement() {
        var g = Values(state: 0x9E37_79B9_7F4A_7C15)
        for round in 0..<400 {
            let n = 1 + Int(g.next() % 300)
            var a = g.array(n, distinct: round % 3 == 0 ? 3 : 1000)
            let sorted = a.sorted()
            let k = Int(g.next() % UInt64(n))
            #expect(OrderStatistics.kthSmallest(&a, k) == sorted[k], "round \(round) n \(n) k \(k)")
            #expect(a.sorted() == sorted)   // a permutation, nothing lost
        }
        // Inputs that defeat naive pivots: sorted, reversed, organ pipe, all equal.
        let n = 20_001
        let shapes: [[Double]] = [
            (0..<n).map(Double.init), (0..<n).reversed().map(Double.init),
            (0..<n).map { Double(min($0, n - $0)) }, Array(repeating: 7, count: n),
        ]
        for shape in shapes {
            var a = shape
            #expect(OrderStatistics.kthSmallest(&a, n / 2) == shape.sorted()[n / 2])
        }
    }

    /// The reference computation `TargetScorer` used before: sort descending, running total.
    static func reference(_ pairs: [(value: Double, weight: Int)], need: Double) -> Double? {
        var acc = 0
        let sorted = pairs.sorted { $0.value > $1.value }
        for p in sorted {
            acc += p.weight
            if Double(acc) >= need - 1e-9 { return p.value }
        }
        return sorted.last?.value
    }

    @Test func weightedThresholdEqualsSortAndRunningTotal() {
        var g = Values(state: 12345)
        for round in 0..<600 {
            let n = Int(g.next() % 200)
            let values = g.array(n, distinct: round % 4 == 0 ? 4 : 500)
            var pairs = values.map { (value: $0, weight: Int(g.next() % 50) + (round % 5 == 0 ? 0 : 1)) }
            let total = pairs.reduce(0) { $0 + $1.weight }
            // Needs at the edges (0, the exact total, above it) and in between.
            let percents: [Double] = [0, 100, 150, 50, 90, 99.9, Double(g.next() % 1000) / 10]
            for pct in percents {
                let need = Double(total) * pct / 100
                let expected = Self.reference(pairs, need: need)
                #expect(OrderStatistics.descendingWeightedThreshold(&pairs, need: need) == expected,
                        "round \(round) n \(n) pct \(pct)")
            }
        }
    }

    @Test func householdSpeedPercentileUnchangedOnAScoredNetwork() {
        let t = Self.network()
        let r = CoverageScorer.score(t)
        let c = TargetCheck(id: "speed50", source: "S", metric: "household speed", value: 50, unit: "Mbps", comparator: .atLeast,
                            targetYear: 2025, scope: nil, confidence: .confirmed, valueTextOriginal: nil, note: nil,
                            kind: .householdSpeed, thresholdMbps: nil, requiredPercent: 90, proxy: nil)
        let (measured, _, _) = TargetScorer.measure(c, members: r.selection.villages, report: r)
        var pairs: [(value: Double, weight: Int)] = []
        for v in r.selection.villages where r.households[v] > 0 {
            pairs.append((CoverageReport.perHouseholdMbps(bottleneckMbps: r.bottleneckMbps[v], households: r.households[v],
                                                          contention: r.options.contentionRatio), r.households[v]))
        }
        let total = pairs.reduce(0) { $0 + $1.weight }
        #expect(measured != nil)
        #expect(measured == Self.reference(pairs, need: Double(total) * 0.9))
    }
}
