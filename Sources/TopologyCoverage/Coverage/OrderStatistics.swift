/// Order statistics without a full sort: the medians of `AccessSummary` and the household
/// percentiles of `TargetScorer` read one element of a sorted order, so selecting it in
/// expected O(n) gives the same value as sorting 500,000 values in O(n log n).
///
/// Introselect (D. R. Musser, "Introspective sorting and selection algorithms", 1997):
/// quickselect with a median-of-three pivot and a three-way partition (many villages share one
/// bottleneck capacity, so equal values are the common case), falling back to a full sort of
/// the remaining range after 2·⌈log2 n⌉ rounds, so no input makes it quadratic. Values must not
/// be NaN (callers sort instead when one is; the topology importers refuse NaN).
enum OrderStatistics {
    /// The value at index `k` of `values` sorted ascending — exactly `values.sorted()[k]`.
    /// Reorders `values`. Precondition: `0 <= k < values.count`.
    static func kthSmallest(_ values: inout [Double], _ k: Int) -> Double {
        precondition(k >= 0 && k < values.count)
        return values.withUnsafeMutableBufferPointer { a -> Double in
            var lo = 0, hi = a.count - 1
            var budget = 2 * (Int.bitWidth - a.count.leadingZeroBitCount)
            while lo < hi {
                if budget == 0 {
                    var rest = UnsafeMutableBufferPointer(rebasing: a[lo...hi])
                    rest.sort()
                    return a[k]
                }
                budget -= 1
                let p = medianOfThree(a[lo], a[lo + (hi - lo) / 2], a[hi])
                // [lo, lt) < p, [lt, gt] == p, (gt, hi] > p
                var lt = lo, i = lo, gt = hi
                while i <= gt {
                    let x = a[i]
                    if x < p { a.swapAt(lt, i); lt += 1; i += 1 } else if x > p { a.swapAt(i, gt); gt -= 1 } else { i += 1 }
                }
                if k < lt { hi = lt - 1 } else if k > gt { lo = gt + 1 } else { return p }
            }
            return a[k]
        }
    }

    /// For (value, weight) pairs sorted by value descending, the value at which the running
    /// total of weights first reaches `need` (compared as `Double(total) >= need - 1e-9`), or
    /// the smallest value when the total never does; nil for no pairs. This is the largest value
    /// x such that the weights of all values >= x add up to `need` — what a descending sort and
    /// a running sum give, ties included, without the sort. Reorders `pairs`. Weights >= 0.
    static func descendingWeightedThreshold(_ pairs: inout [(value: Double, weight: Int)], need: Double) -> Double? {
        guard !pairs.isEmpty else { return nil }
        var smallest = pairs[0].value
        for p in pairs where p.value < smallest { smallest = p.value }
        return pairs.withUnsafeMutableBufferPointer { a -> Double in
            var lo = 0, hi = a.count - 1
            var above = 0   // total weight of the values known to be greater than all in lo...hi
            var budget = 2 * (Int.bitWidth - a.count.leadingZeroBitCount)
            while lo <= hi {
                if budget == 0 {
                    // Fallback: the reference computation on what is left.
                    var rest = UnsafeMutableBufferPointer(rebasing: a[lo...hi])
                    rest.sort { $0.value > $1.value }
                    var acc = above
                    for p in rest {
                        acc += p.weight
                        if Double(acc) >= need - 1e-9 { return p.value }
                    }
                    return smallest
                }
                budget -= 1
                let p = medianOfThree(a[lo].value, a[lo + (hi - lo) / 2].value, a[hi].value)
                // [lo, gtEnd) > p, [gtEnd, i) == p, (ltStart, hi] < p
                var gtEnd = lo, i = lo, ltStart = hi
                var greater = 0, equal = 0
                while i <= ltStart {
                    let x = a[i]
                    if x.value > p { a.swapAt(gtEnd, i); gtEnd += 1; i += 1; greater += x.weight }
                    else if x.value < p { a.swapAt(i, ltStart); ltStart -= 1 }
                    else { i += 1; equal += x.weight }
                }
                if gtEnd > lo && Double(above + greater) >= need - 1e-9 {
                    hi = gtEnd - 1   // the threshold is among the greater values
                } else if Double(above + greater + equal) >= need - 1e-9 {
                    return p
                } else {
                    above += greater + equal
                    lo = ltStart + 1
                }
            }
            return smallest
        }
    }

    @inline(__always) private static func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b))
    }
}
