/// Settings of a coverage scoring run. Defaults are those of `shared/bench/topology_networkx.py`.
public struct CoverageOptions: Sendable, Codable, Equatable {
    /// Contention ratio N (N:1): per-household capacity = bottleneck × N / households.
    public var contentionRatio: Double
    /// Capacity in Mbps assumed for links whose capacity is unknown; 0 = unusable (the default).
    public var unknownCapacityMbps: Double
    /// The user stated `unknownCapacityMbps` (`--unknown-capacity`; the initializer sets it when
    /// the value is not 0, the CLI whenever the option is given, even as 0). When false and the topology
    /// has links of unknown capacity, capacity-based target checks are "not measurable"
    /// (`TargetScorer`): a 0 Mbps stand-in must not be reported as a confirmed miss.
    public var unknownCapacityGiven: Bool = false
    /// Backbone node ids (or names) chosen by the user; nil = tier rule, then highest degree.
    public var backboneIds: [String]?
    /// Without ids and tiers: one backbone node per component (highest degree) instead of one overall.
    public var backbonePerComponent: Bool = false
    /// Depth of the region path used to group per-region figures (1 = province).
    public var regionLevel: Int
    /// Per-household speed thresholds (Mbps) whose shares are reported.
    public var thresholdsMbps: [Double]
    /// How many worst access nodes to list overall and per region.
    public var worstCount: Int
    /// Propagation model used for `latencyMs`.
    public var latency: LatencyModel

    /// JSON keys (`options` of the topology documents), named explicitly (docs/topology-schema.md).
    enum CodingKeys: String, CodingKey {
        case contentionRatio = "contention_ratio", unknownCapacityMbps = "unknown_capacity_mbps"
        case unknownCapacityGiven = "unknown_capacity_given", backboneIds = "backbone_ids"
        case backbonePerComponent = "backbone_per_component", regionLevel = "region_level"
        case thresholdsMbps = "thresholds_mbps", worstCount = "worst_count", latency
    }

    public init(contentionRatio: Double = 20, unknownCapacityMbps: Double = 0, backboneIds: [String]? = nil,
                regionLevel: Int = 1, thresholdsMbps: [Double] = [4, 12, 20, 50, 100], worstCount: Int = 10,
                latency: LatencyModel = LatencyModel()) {
        self.contentionRatio = contentionRatio; self.unknownCapacityMbps = unknownCapacityMbps
        unknownCapacityGiven = unknownCapacityMbps != 0
        self.backboneIds = backboneIds; self.regionLevel = regionLevel; self.thresholdsMbps = thresholdsMbps
        self.worstCount = worstCount; self.latency = latency
    }
}

/// One-way propagation latency of a link, from its medium and length. Queueing, serialisation and
/// equipment delay are left out: the figure is a lower bound.
///
/// - Guided media (fiber, copper, coax, unknown): `guidedMicrosecondsPerKm` (default 5 µs/km:
///   light in silica, refractive index ≈ 1.47, travels ≈ 204,000 km/s; copper and coax
///   velocity factors 0.6–0.8 give 4–5.5 µs/km).
/// - Radio (wireless, microwave, cellular): `radioMicrosecondsPerKm` (default 3.34 µs/km, c in air).
/// - Satellite: `satelliteMilliseconds` per satellite link (default 240 ms: a GEO bent pipe,
///   up and down 2 × 35,786 km at c ≈ 239 ms) plus the ground length at the radio rate.
public struct LatencyModel: Sendable, Codable, Equatable {
    public var guidedMicrosecondsPerKm: Double
    public var radioMicrosecondsPerKm: Double
    public var satelliteMilliseconds: Double
    /// JSON keys (`options.latency`), named explicitly (docs/topology-schema.md).
    enum CodingKeys: String, CodingKey {
        case guidedMicrosecondsPerKm = "guided_microseconds_per_km", radioMicrosecondsPerKm = "radio_microseconds_per_km"
        case satelliteMilliseconds = "satellite_milliseconds"
    }
    public init(guidedMicrosecondsPerKm: Double = 5, radioMicrosecondsPerKm: Double = 3.34, satelliteMilliseconds: Double = 240) {
        self.guidedMicrosecondsPerKm = guidedMicrosecondsPerKm; self.radioMicrosecondsPerKm = radioMicrosecondsPerKm
        self.satelliteMilliseconds = satelliteMilliseconds
    }

    /// Latency in ms of a link of `km` (unknown length = 0 km).
    public func milliseconds(medium: Medium, km: Double) -> Double {
        switch medium {
        case .fiber, .copper, .coax, .unknown: return km * guidedMicrosecondsPerKm / 1000
        case .wireless, .microwave, .cellular: return km * radioMicrosecondsPerKm / 1000
        case .satellite: return satelliteMilliseconds + km * radioMicrosecondsPerKm / 1000
        }
    }
}
