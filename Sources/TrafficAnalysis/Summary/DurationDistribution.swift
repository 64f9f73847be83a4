import Histogram

/// A mergeable distribution of durations (handshake RTTs, DNS response times) with percentiles
/// by the **nearest-rank** method: the p-th percentile of n values is the value at rank
/// ⌈p/100 × n⌉ (1-based) in ascending order; the median is p = 50.
///
/// Exact while small: the values themselves (nanoseconds) are kept up to `exactLimit` (65,536
/// values, 512 KiB), so every figure from a crafted or ordinary capture is exact. Beyond, the
/// values move into an HdrHistogram (the kept `hdrhistogram-swift` package) recording
/// microseconds with 3 significant digits: a reported percentile is then the highest value
/// equivalent to the nearest-rank value, at most 0.1% above it. `isExact` says which.
/// Merging keeps exactness while the union fits, so merge stays associative and commutative.
public struct DurationDistribution: Sendable {
    public private(set) var exactValues: [UInt64] = []
    public private(set) var histogram: Histogram<UInt64>? = nil
    public var exactLimit: Int

    public init(exactLimit: Int = 1 << 16) { self.exactLimit = exactLimit }

    /// Values recorded.
    public var count: Int { histogram.map { Int($0.totalCount) } ?? exactValues.count }
    public var isExact: Bool { histogram == nil }

    /// Records one duration in nanoseconds (negative values, from clock steps, are recorded as 0).
    public mutating func record(nanoseconds: Int64) {
        let v = UInt64(max(0, nanoseconds))
        if histogram != nil { recordInHistogram(v); return }
        exactValues.append(v)
        if exactValues.count > exactLimit { convert() }
    }

    mutating func recordInHistogram(_ ns: UInt64) {
        _ = histogram!.record(max(1, ns / 1000))
    }

    mutating func convert() {
        var h = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        h.autoResize = true
        histogram = h
        for v in exactValues { recordInHistogram(v) }
        exactValues = []
    }

    public mutating func merge(_ other: DurationDistribution) {
        exactLimit = max(exactLimit, other.exactLimit)
        if histogram == nil && other.histogram == nil {
            exactValues += other.exactValues
            if exactValues.count > exactLimit { convert() }
            return
        }
        if histogram == nil { convert() }
        if let oh = other.histogram { histogram!.add(oh) } else { for v in other.exactValues { recordInHistogram(v) } }
    }

    /// The nearest-rank percentile in milliseconds, or nil when no value was recorded.
    /// - Parameter p: percentile in (0, 100].
    public func percentileMilliseconds(_ p: Double) -> Double? {
        if let h = histogram {
            guard h.totalCount > 0 else { return nil }
            return Double(h.valueAtPercentile(p)) / 1000
        }
        guard !exactValues.isEmpty else { return nil }
        let rank = max(1, Int((p / 100 * Double(exactValues.count)).rounded(.up)))
        return Double(Self.select(exactValues, rank: min(rank, exactValues.count) - 1)) / 1_000_000
    }

    /// The value at 0-based `rank` of `values` in ascending order: what `values.sorted()[rank]`
    /// is, found by quickselect (Hoare partition around a median of three) in O(n) expected
    /// time instead of sorting all of them for each percentile (a report asks for several
    /// percentiles of several distributions of up to `exactLimit` values). A range still long
    /// after 64 rounds (adversarial values) is sorted, so the worst case stays O(n log n).
    static func select(_ values: [UInt64], rank k: Int) -> UInt64 {
        var a = values
        return a.withUnsafeMutableBufferPointer { b -> UInt64 in
            var lo = 0, hi = b.count - 1, rounds = 0
            while lo < hi {
                rounds += 1
                if rounds > 64 { return b[lo...hi].sorted()[k - lo] }
                let x = b[lo], y = b[lo + (hi - lo) / 2], z = b[hi]
                let pivot = max(min(x, y), min(max(x, y), z))
                var i = lo, j = hi
                while i <= j {
                    while b[i] < pivot { i += 1 }
                    while b[j] > pivot { j -= 1 }
                    if i <= j { b.swapAt(i, j); i += 1; j -= 1 }
                }
                // [lo, j] <= pivot, [i, hi] >= pivot, everything strictly between equals it.
                if k <= j { hi = j } else if k >= i { lo = i } else { return b[k] }
            }
            return b[k]
        }
    }
}

extension DurationDistribution: Equatable {
    public static func == (a: DurationDistribution, b: DurationDistribution) -> Bool {
        if a.isExact != b.isExact || a.count != b.count { return false }
        if a.isExact { return a.exactValues.sorted() == b.exactValues.sorted() }
        return [50.0, 90, 99, 100].allSatisfy { a.percentileMilliseconds($0) == b.percentileMilliseconds($0) }
    }
}

extension DurationDistribution: Codable {
    enum CodingKeys: String, CodingKey { case exactNanoseconds = "exact_ns", histogram, exactLimit = "exact_limit" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exactLimit = try c.decodeIfPresent(Int.self, forKey: .exactLimit) ?? (1 << 16)
        exactValues = try c.decodeIfPresent([UInt64].self, forKey: .exactNanoseconds) ?? []
        histogram = try c.decodeIfPresent(Histogram<UInt64>.self, forKey: .histogram)
        if histogram != nil && !exactValues.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .histogram, in: c, debugDescription: "both exact values and a histogram")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(exactLimit, forKey: .exactLimit)
        if let h = histogram { try c.encode(h, forKey: .histogram) } else { try c.encode(exactValues, forKey: .exactNanoseconds) }
    }
}
