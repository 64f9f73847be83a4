import TopologyCoverage
import TransitionAnalysis

/// The outcome of one target row for a capture: a scored capture check (met or missed, with the
/// figure and the gap in percentage points), or a row the capture cannot answer (not measurable,
/// with the reason), or a row for another network (n/a).
public struct CaptureTargetResult: Sendable, Equatable {
    public var id: String
    public var source: String?
    public var metric: String
    /// The source's figure in percent (capture checks); nil for context rows.
    public var target: Double?
    /// Context rows: the source's figure and unit as text ("850 million users"); nil otherwise.
    public var targetText: String?
    /// The source's comparator as written (`>=`, `>`, `qualitative`, ...).
    public var comparator: SourceComparator
    public var targetYear: Int?
    public var confidence: TargetConfidence
    /// The capture's figure in percent (0...100); nil when not measured.
    public var measured: Double?
    /// Percentage points short of the target; 0 when met; nil when not measured.
    public var gap: Double?
    public var status: TargetStatus
    /// Why the row is not measurable or n/a; nil when scored.
    public var reason: String?
    /// How the capture's figure stands in for the source's metric; nil for unscored rows.
    public var proxy: String?
    /// The capture check kind; nil for context rows.
    public var kind: CaptureCheckKind?
    /// Traffic-share rows: the network the source's figure is for.
    public var network: CaptureNetwork?
    /// The denominator of `measured` (bytes, devices or names) and its unit.
    public var population: UInt64
    public var populationUnit: String
}

/// Scores a capture's transition figures against a target profile's capture rows
/// (docs/targets.md, "Capture checks"). Pure: the same summary, profile and network always give
/// the same results.
public enum CaptureTargetScorer {
    /// - Parameters:
    ///   - profile: a profile with `captureChecks` (others give only "not measurable" rows).
    ///   - summary: the transition analysis of the capture(s) (`TransitionAnalyzer.finish`).
    ///   - network: the network the capture was taken on (`--network`); nil = not said, so
    ///     traffic-share rows are not measurable.
    /// - Returns: one result per capture check, in the profile's order, then one "not measurable"
    ///   result per capture context row (its reason from the profile). Never throws.
    public static func score(_ profile: TargetProfile, summary s: TransitionSummary, network: CaptureNetwork?) -> [CaptureTargetResult] {
        var out: [CaptureTargetResult] = []
        for c in profile.captureChecks ?? [] {
            var r = CaptureTargetResult(
                id: c.id, source: c.source, metric: c.metric, target: c.value, targetText: nil,
                comparator: c.comparator.asSourceComparator,
                targetYear: c.targetYear, confidence: c.confidence, measured: nil, gap: nil,
                status: .notMeasurable, reason: nil, proxy: c.proxy, kind: c.kind, network: c.network,
                population: 0, populationUnit: "")
            let (part, whole, unit) = figure(c.kind, s)
            r.population = whole; r.populationUnit = unit
            if c.kind == .ipv6TrafficShare {
                guard let network else {
                    r.reason = "the \(c.network?.rawValue ?? "?") network's figure: pass --network fixed|mobile|metro to say which network the capture comes from"
                    out.append(r); continue
                }
                if let rowNetwork = c.network, rowNetwork != network {
                    r.status = .notApplicable
                    r.reason = "for the \(rowNetwork) network; this capture is from the \(network) network"
                    out.append(r); continue
                }
            }
            guard whole > 0 else {
                r.reason = "no \(unit) in the capture"
                out.append(r); continue
            }
            let measured = 100 * Double(part) / Double(whole)
            let (met, gap) = TargetScorer.judge(c.comparator, c.value, measured)
            r.measured = measured; r.gap = gap
            r.status = met == true ? .met : .missed
            out.append(r)
        }
        for x in profile.captureContext ?? [] {
            out.append(CaptureTargetResult(
                id: x.id, source: x.source, metric: x.metric, target: nil,
                targetText: x.valueText.map { v in x.unit.map { "\(v) \($0)" } ?? v },
                comparator: x.comparator, targetYear: x.targetYear, confidence: x.confidence,
                measured: nil, gap: nil, status: .notMeasurable, reason: x.whyContext, proxy: nil,
                kind: nil, network: nil, population: 0, populationUnit: ""))
        }
        return out
    }

    /// (numerator, denominator, denominator's unit) of a capture check's share.
    static func figure(_ kind: CaptureCheckKind, _ s: TransitionSummary) -> (UInt64, UInt64, String) {
        let counted = UInt64(max(0, s.deviceCounts.devices - s.deviceCounts.localOnly))
        switch kind {
        case .ipv6TrafficShare: return (s.bytes.ipv6, s.bytes.total, "bytes")
        case .ipv6UserShare: return (UInt64(max(0, s.deviceCounts.usingIPv6)), counted, "devices")
        case .ipv6OnlyDeviceShare: return (UInt64(max(0, s.deviceCounts.ipv6Only)), counted, "devices")
        case .aaaaNameShare: return (UInt64(max(0, s.destinations.withAAAA)), UInt64(max(0, s.destinations.namesLookedUp)), "looked-up names")
        }
    }
}
