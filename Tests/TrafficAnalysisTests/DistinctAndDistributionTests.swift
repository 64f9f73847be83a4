import Foundation
import Testing
import PacketDecoding
import TestSupport
@testable import TrafficAnalysis

@Suite struct DistinctSetTests {
    static func v4(_ i: Int) -> IPAddress { IPAddress(v4: UInt32(i)) }
    static func v6(_ i: Int) -> IPAddress { IPAddress(v6High: 0x2001_0db8_0000_0000, low: UInt64(i)) }

    @Test func exactUntilTheLimitThenASketchWithinThreeStandardErrors() {
        var s = AddressSet(exactLimit: 1000)
        for i in 0..<1000 { s.insert(Self.v4(i)) }
        for i in 0..<1000 { s.insert(Self.v4(i)) }   // duplicates change nothing
        #expect(s.isExact && s.count(.v4) == 1000 && s.count(.v6) == 0)
        for i in 0..<200_000 { s.insert(Self.v6(i)) }
        #expect(!s.isExact && s.members.isEmpty)
        let tolerance = 3 * HyperLogLog.relativeStandardError
        #expect(abs(Double(s.count(.v6)) / 200_000 - 1) < tolerance)
        #expect(abs(Double(s.count(.v4)) / 1000 - 1) < tolerance)
    }

    /// Merging in any order or grouping gives the same set, across exact and sketched modes.
    @Test func mergeIsAssociativeAndCommutativeAcrossModes() {
        func set(_ r: Range<Int>) -> AddressSet { var s = AddressSet(exactLimit: 5000); for i in r { s.insert(Self.v6(i)) }; return s }
        let a = set(0..<3000), b = set(2000..<4500), c = set(4000..<9000)   // c alone is past the limit
        var ab = a; ab.merge(b)
        #expect(ab.isExact && ab.count(.v6) == 4500)
        var abc = ab; abc.merge(c)
        var bc = b; bc.merge(c)
        var a_bc = a; a_bc.merge(bc)
        var ca = c; ca.merge(a); var cab = ca; cab.merge(b)
        #expect(abc == a_bc && abc == cab && !abc.isExact)
        #expect(abs(Double(abc.count(.v6)) / 9000 - 1) < 3 * HyperLogLog.relativeStandardError)
    }

    @Test func codableRoundTripInBothModes() throws {
        var exact = FlowSet(exactLimit: 10)
        exact.insert(FlowKey(source: Self.v4(1), sourcePort: 1, destination: Self.v4(2), destinationPort: 2, transportProtocol: 6))
        var sketched = FlowSet(exactLimit: 2)
        for i in 0..<50 { sketched.insert(FlowKey(source: Self.v4(i), sourcePort: 1, destination: Self.v4(9999), destinationPort: 53, transportProtocol: 17)) }
        for s in [exact, sketched] {
            let back = try JSONDecoder().decode(FlowSet.self, from: JSONEncoder().encode(s))
            #expect(back == s && back.count(.v4) == s.count(.v4))
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FlowSet.self, from: Data(#"{"exact_limit":4,"sketch_ipv4":"AAAA","sketch_ipv6":"AAAA"}"#.utf8)) }
    }
}

@Suite struct DurationDistributionTests {
    /// Nearest rank by hand: values 10, 20, ..., 100 ms; p50 = rank ⌈5⌉ = 50 ms, p90 = rank 9 = 90,
    /// p99 = rank ⌈9.9⌉ = 10 → 100 ms; p1 = rank ⌈0.1⌉ = 1 → 10 ms.
    @Test func nearestRankIsExactWhileSmall() {
        var d = DurationDistribution()
        for v in [70, 10, 100, 40, 20, 90, 30, 60, 80, 50] { d.record(nanoseconds: Int64(v) * 1_000_000) }
        #expect(d.isExact && d.count == 10)
        #expect(d.percentileMilliseconds(50) == 50 && d.percentileMilliseconds(90) == 90)
        #expect(d.percentileMilliseconds(99) == 100 && d.percentileMilliseconds(1) == 10)
        #expect(DurationDistribution().percentileMilliseconds(50) == nil)
    }

    /// The quickselect behind exact percentiles gives `sorted()[rank]` for every rank: random
    /// values, many duplicates, sorted, reversed, all equal, one value.
    @Test func selectionMatchesSortingAtEveryRank() {
        var g = SplitMix64(seed: 20261205)
        var inputs: [[UInt64]] = [[7], [3, 3, 3, 3, 3], Array(0..<200), Array((0..<200).reversed())]
        for n in [2, 3, 10, 97, 1000] {
            inputs.append((0..<n).map { _ in g.next() })
            inputs.append((0..<n).map { _ in g.next() % 4 })
        }
        var mismatches = 0, checked = 0
        for values in inputs {
            let sorted = values.sorted()
            // Every rank of the small inputs; ends, middle and every 37th of the large ones.
            let ranks = values.count <= 200 ? Array(0..<values.count)
                : [0, values.count / 2, values.count - 1] + Array(stride(from: 1, to: values.count, by: 37))
            for k in ranks {
                checked += 1
                if DurationDistribution.select(values, rank: k) != sorted[k] { mismatches += 1 }
            }
        }
        #expect(mismatches == 0 && checked == 690)
    }

    /// Past the exact range the HdrHistogram answer is within 0.1% above the exact nearest rank.
    @Test func histogramModeStaysWithinItsPrecision() {
        var d = DurationDistribution(exactLimit: 100)
        var values: [Int64] = []
        var x: UInt64 = 12345
        for _ in 0..<5000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let ns = Int64(x >> 40) % 900_000_000 + 100_000   // 0.1 ms .. 900 ms
            values.append(ns); d.record(nanoseconds: ns)
        }
        #expect(!d.isExact && d.count == 5000)
        let sorted = values.sorted()
        for p in [50.0, 90, 99] {
            let exact = Double(sorted[Int((p / 100 * 5000).rounded(.up)) - 1]) / 1e6
            let got = d.percentileMilliseconds(p)!
            #expect(got >= exact - 0.001 && got <= exact * 1.001 + 0.001, "p\(p): \(got) vs \(exact)")
        }
    }
}
