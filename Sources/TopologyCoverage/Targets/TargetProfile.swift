import BundledResources
import Foundation

/// How a target row is computed from a topology (see `Topologies/README.md`, "Targets").
public enum TargetCheckKind: String, Sendable, Codable {
    /// % of villages with broadband (bottleneck capacity > 0). Broadband China 行政村通宽带.
    case villageBroadbandShare = "village_broadband_share"
    /// % of villages whose widest path is fiber all the way. 光纤到村.
    case villageFiberShare = "village_fiber_share"
    /// Per-household capacity in Mbps reached by `requiredPercent` of village households
    /// (the household-weighted quantile; 100 % = the worst household). 接入能力, FCC benchmark.
    case householdSpeed = "household_speed"
    /// % of village households whose per-household capacity is at least `thresholdMbps`.
    case householdSpeedShare = "household_speed_share"
    /// % of broadband households whose path is IPv6 end to end (a proxy for IPv6 users).
    case ipv6HouseholdShare = "ipv6_household_share"
    /// % of village households with broadband (a proxy for broadband user penetration).
    case broadbandHouseholdShare = "broadband_household_share"
    /// % of villages with at least `minHouseholds` households (default 20) that have broadband
    /// (Broadband Border: settlements of >= 20 households; each village node is one settlement).
    case settlementBroadbandShare = "settlement_broadband_share"
    /// % of villages reached by 5G: connected to the backbone, with a `cellular` link marked
    /// `generation` = `5g` ending at the village (行政村5G通达率). Reads no capacity.
    case village5GShare = "village_5g_share"
    /// % of households whose access node is fibre all the way with a widest-path capacity of at
    /// least `thresholdMbps` (default 1000) — "within reach of gigabit fibre" read as homes
    /// passed by a gigabit-capable fibre path, not capacity per household (a proxy).
    case gigabitFibreHouseholdShare = "gigabit_fibre_household_share"

    /// The check reads bottleneck capacities (and so depends on links of unknown capacity).
    public var readsCapacity: Bool { self != .village5GShare }
}

/// How a scorable row compares: the source's comparator. `=` is used by the sources for "100 %
/// by year Y" and is judged as `>=`. Context rows keep theirs as text (`qualitative`,
/// `not_found` and the like are not comparators).
public enum TargetComparator: String, Sendable, Codable, CustomStringConvertible {
    case atLeast = ">=", greaterThan = ">", equal = "=", lessThan = "<", atMost = "<="
    public var description: String { rawValue }
    /// The same comparator among a source row's (which also has `qualitative`, `not_found`).
    public var asSourceComparator: SourceComparator {
        switch self {
        case .atLeast: .atLeast
        case .greaterThan: .greaterThan
        case .equal: .equal
        case .lessThan: .lessThan
        case .atMost: .atMost
        }
    }
}

/// A source row's comparator as written, including the two non-numeric kinds that context rows
/// carry (shared/targets README: `qualitative` = no number, `not_found` = no figure found).
/// Checked when the catalog loads: an unknown comparator is an error naming the file and row,
/// never silently `>=`.
public enum SourceComparator: String, Sendable, Codable, CustomStringConvertible {
    case atLeast = ">=", greaterThan = ">", equal = "=", lessThan = "<", atMost = "<="
    case qualitative, notFound = "not_found"
    public var description: String { rawValue }
}

/// How firmly the figure was read from its source (shared/targets README): `confirmed` = read in
/// a reproduction of the official text or two independent reports, `secondary` = one report or
/// an English paraphrase, `uncertain` = not pinned down.
public enum TargetConfidence: String, Sendable, Codable, CustomStringConvertible {
    case confirmed, secondary, uncertain
    public var description: String { rawValue }
}

/// The outcome of one check: `met`, `missed`, `not measurable` (the data cannot answer: the
/// reason says why) or `n/a` (nothing to measure, or the row is for another network).
public enum TargetStatus: String, Sendable, Codable, CustomStringConvertible {
    case met, missed, notMeasurable = "not measurable", notApplicable = "n/a"
    public var description: String { rawValue }
}

/// The unit of a measured figure and its gap: percent (gap in percentage points) or Mbps.
public enum GapUnit: String, Sendable, Codable, CustomStringConvertible {
    case percentagePoints = "percentage points", mbps = "Mbps"
    public var description: String { rawValue }
}

/// Which access nodes a check measures.
public enum CheckPopulation: String, Sendable, Codable {
    /// Villages (`BackboneSelection.villages`): administrative villages, the default.
    case villages
    /// Urban access nodes (tier building / urban_access, `BackboneSelection.urbanAccess`).
    case urban
}

/// One scorable target row, copied from `shared/targets/broadband_targets.json` with its source
/// key and confidence, plus how it is scored.
public struct TargetCheck: Sendable, Codable, Equatable {
    public var id: String
    public var source: String?
    public var metric: String
    /// The figure to reach, in `unit` (for paired speeds, the download figure).
    public var value: Double
    public var unit: String?
    /// `>=`, `>`, `=`, `<`, `<=` as in the source (an enum checked when the catalog loads).
    public var comparator: TargetComparator
    public var targetYear: Int?
    public var scope: String?
    /// confirmed / secondary / uncertain (source README).
    public var confidence: TargetConfidence
    public var valueTextOriginal: String?
    public var note: String?
    public var kind: TargetCheckKind
    public var thresholdMbps: Double?
    public var requiredPercent: Double?
    /// How far the topology figure is from the source's metric (nil = same metric).
    public var proxy: String?
    /// Who is measured; nil = villages.
    public var population: CheckPopulation? = nil
    /// `settlement_broadband_share`: the least households of a settlement (nil = 20).
    public var minHouseholds: Int? = nil

    /// Keys of target-profiles.json and of the topology documents' `check`, named explicitly.
    enum CodingKeys: String, CodingKey {
        case id, source, metric, value, unit, comparator, targetYear = "target_year", scope, confidence
        case valueTextOriginal = "value_text_original", note, kind, thresholdMbps = "threshold_mbps"
        case requiredPercent = "required_percent", proxy, population, minHouseholds = "min_households"
    }
}

/// A target row that a topology cannot score, kept so reports can show it as context.
public struct TargetContext: Sendable, Codable, Equatable {
    public var id: String
    public var source: String?
    public var metric: String
    public var valueText: String?
    public var unit: String?
    public var comparator: SourceComparator
    public var targetYear: Int?
    public var confidence: TargetConfidence
    public var whyContext: String

    /// Keys of target-profiles.json and of the documents' `context`, named explicitly.
    enum CodingKeys: String, CodingKey {
        case id, source, metric, valueText = "value_text", unit, comparator, targetYear = "target_year", confidence
        case whyContext = "why_context"
    }
}

/// What a capture check measures (docs/targets.md, "Capture checks"). Every figure is a share in
/// percent of one capture (or of the captures read together), a proxy for a national figure.
public enum CaptureCheckKind: String, Sendable, Codable {
    /// % of bytes over IPv6: transition `adoption.bytes.ipv6_share` × 100 (IPv6, native and
    /// tunnelled / IPv6 + NAT64-translated + IPv4). Rows name the network they apply to.
    case ipv6TrafficShare = "ipv6_traffic_share"
    /// % of local devices using IPv6: `devices.using_ipv6` / (`devices.devices` − `local_only`).
    case ipv6UserShare = "ipv6_user_share"
    /// % of local devices that are IPv6-only: `devices.ipv6_only` / the same denominator.
    case ipv6OnlyDeviceShare = "ipv6_only_device_share"
    /// % of looked-up names with a non-synthesized AAAA answer: `destinations.names_with_aaaa`
    /// / `destinations.names_looked_up`.
    case aaaaNameShare = "aaaa_name_share"
}

/// The network a capture was taken on (`--network`), and the network a traffic-share row is for.
public enum CaptureNetwork: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case fixed, mobile, metro
    public var description: String { rawValue }
}

/// One target row scored from a capture: the source row's figures (as `TargetCheck`) plus what
/// the capture measures for it and how far that is from the source's metric.
public struct CaptureCheck: Sendable, Codable, Equatable {
    public var id: String
    public var source: String?
    public var metric: String
    /// The figure to reach, in percent.
    public var value: Double
    public var unit: String?
    public var comparator: TargetComparator
    public var targetYear: Int?
    public var scope: String?
    public var confidence: TargetConfidence
    public var valueTextOriginal: String?
    public var note: String?
    public var kind: CaptureCheckKind
    /// Traffic-share rows: the network the source's figure is for.
    public var network: CaptureNetwork?
    /// How the capture's figure stands in for the source's metric (every capture check is a proxy).
    public var proxy: String

    /// Keys of target-profiles.json (`capture_checks`), named explicitly.
    enum CodingKeys: String, CodingKey {
        case id, source, metric, value, unit, comparator, targetYear = "target_year", scope, confidence
        case valueTextOriginal = "value_text_original", note, kind, network, proxy
    }
}

public struct TargetSource: Sendable, Codable, Equatable {
    public var title: String?
    public var titleEn: String?
    public var issuingBody: String?
    public var documentNumber: String?
    public var date: String?
    public var section: String?
    /// Keys of target-profiles.json (`sources`) and of the documents' `targets.sources`, named explicitly.
    enum CodingKeys: String, CodingKey {
        case title, titleEn = "title_en", issuingBody = "issuing_body", documentNumber = "document_number", date, section
    }
}

/// A named set of checks (e.g. `broadband-china-2020`).
public struct TargetProfile: Sendable, Codable, Equatable {
    public var name: String
    public var aliases: [String]
    public var title: String
    public var sources: [String]
    public var checks: [TargetCheck]
    public var context: [TargetContext]
    /// Rows scored from captures (`CaptureTargetScorer`); absent in topology-only profile files.
    public var captureChecks: [CaptureCheck]?
    /// The profile's other rows, each with why a capture cannot score it.
    public var captureContext: [TargetContext]?

    /// Keys of target-profiles.json, named explicitly.
    enum CodingKeys: String, CodingKey {
        case name, aliases, title, sources, checks, context, captureChecks = "capture_checks", captureContext = "capture_context"
    }

    /// Per-household speeds (Mbps) the profile's checks use, ascending: `household_speed` values
    /// and `household_speed_share` thresholds.
    public var speedsMbps: [Double] {
        var out = Set<Double>()
        for c in checks {
            if c.kind == .householdSpeed { out.insert(c.value) }
            if c.kind == .householdSpeedShare, let t = c.thresholdMbps { out.insert(t) }
        }
        return out.sorted()
    }
}

/// The profile file: `Resources/target-profiles.json` (or a user file of the same shape).
public struct TargetCatalog: Sendable, Codable {
    public var derivedFrom: String?
    public var sources: [String: TargetSource]
    public var profiles: [TargetProfile]

    /// Keys of target-profiles.json, named explicitly (no key strategy: DESIGN practice 15).
    enum CodingKeys: String, CodingKey { case derivedFrom = "derived_from", sources, profiles }

    /// The catalog shipped with NetCensus.
    public static func bundled() throws -> TargetCatalog {
        guard let path = BundledResource.besideExecutable(bundle: TopologyCoverageResources.bundle, "Resources/target-profiles.json")
                ?? (Bundle.module.url(forResource: "target-profiles", withExtension: "json", subdirectory: "Resources")
                    ?? Bundle.module.url(forResource: "target-profiles", withExtension: "json"))?.path else {
            throw TopologyImportError(file: "target-profiles.json", location: "bundle", reason: "resource missing from the TopologyCoverage bundle")
        }
        return try load(path: path)
    }

    /// Reads a catalog file; throws `TopologyImportError` with the decoding path on bad input.
    public static func load(path: String) throws -> TargetCatalog {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TopologyImportError(file: path, location: "byte 0", reason: "cannot open file", kind: .cannotOpen)
        }
        let dec = JSONDecoder()
        do {
            let catalog = try dec.decode(TargetCatalog.self, from: data)
            try catalog.validate(file: path)
            return catalog
        } catch let DecodingError.keyNotFound(k, ctx) {
            throw TopologyImportError(file: path, location: ctx.codingPath.map(\.stringValue).joined(separator: "."), reason: "missing key '\(k.stringValue)'")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx), let DecodingError.dataCorrupted(ctx) {
            throw TopologyImportError(file: path, location: ctx.codingPath.map(\.stringValue).joined(separator: "."), reason: ctx.debugDescription)
        }
    }

    /// Checks what the types cannot: every percent-kind check has a percent unit and every speed
    /// check Mbps, values are finite, capture checks are percent and traffic-share rows name
    /// their network. Throws `TopologyImportError` naming the file, profile and row id.
    /// Profile names and aliases are identifiers: they name report sections, HTML ids and CSV
    /// files, so they hold only `a-z 0-9 . _ -`, start with a letter or digit, at most 64 bytes.
    public static func isValidProfileName(_ s: String) -> Bool {
        guard let f = s.utf8.first, s.utf8.count <= 64, (f >= 0x61 && f <= 0x7a) || (f >= 0x30 && f <= 0x39) else { return false }
        return s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e }
    }

    public func validate(file: String) throws {
        for p in profiles {
            func fail(_ id: String, _ why: String) -> TopologyImportError {
                TopologyImportError(file: file, location: "profile \(p.name), row \(id)", reason: why)
            }
            for n in [p.name] + p.aliases where !Self.isValidProfileName(n) {
                throw TopologyImportError(file: file, location: "profiles", reason: "profile name or alias '\(n)' is not an identifier (a-z, 0-9, '.', '_', '-'; at most 64 bytes)")
            }
            var ids = Set<String>(), captureIds = Set<String>()
            for c in p.checks where !ids.insert(c.id).inserted { throw fail(c.id, "row id given twice among the checks") }
            for c in p.captureChecks ?? [] where !captureIds.insert(c.id).inserted { throw fail(c.id, "row id given twice among the capture checks") }
            for c in p.checks {
                guard c.value.isFinite, c.value >= 0 else { throw fail(c.id, "value is not a finite number >= 0") }
                if let r = c.requiredPercent, !(r.isFinite && r > 0 && r <= 100) { throw fail(c.id, "required_percent must be in (0, 100]") }
                if let t = c.thresholdMbps, !(t.isFinite && t >= 0) { throw fail(c.id, "threshold_mbps must be a finite number >= 0") }
                if let m = c.minHouseholds, m < 0 { throw fail(c.id, "min_households must be >= 0") }
                let unit = (c.unit ?? "").lowercased()
                if c.kind == .householdSpeed {
                    guard unit == "mbps" else { throw fail(c.id, "a household_speed check needs unit Mbps, not '\(c.unit ?? "")'") }
                } else if !unit.hasPrefix("percent") {
                    throw fail(c.id, "a \(c.kind.rawValue) check needs a percent unit, not '\(c.unit ?? "")'")
                }
            }
            for c in p.captureChecks ?? [] {
                guard c.value.isFinite, (0...100).contains(c.value) else { throw fail(c.id, "a capture check's value is a percent in [0, 100]") }
                guard (c.unit ?? "").lowercased().hasPrefix("percent") else {
                    throw fail(c.id, "a capture check needs a percent unit, not '\(c.unit ?? "")'")
                }
                if c.kind == .ipv6TrafficShare, c.network == nil { throw fail(c.id, "an ipv6_traffic_share row must name its network") }
            }
        }
    }

    /// Looks up a profile by name or alias (case-insensitive).
    public func profile(named name: String) -> TargetProfile? {
        let k = name.lowercased()
        return profiles.first { $0.name.lowercased() == k || $0.aliases.contains { $0.lowercased() == k } }
    }

    /// `--targets NAME` or `--targets FILE`: a bundled name, else a file path (a file holding one
    /// profile is used whole; with several, `NAME:FILE` is not supported: pass the profile name).
    public static func resolve(_ spec: String) throws -> (TargetProfile, [String: TargetSource]) {
        let cat = try bundled()
        if let p = cat.profile(named: spec) { return (p, cat.sources) }
        if FileManager.default.fileExists(atPath: spec) {
            let user = try load(path: spec)
            guard let p = user.profiles.first else {
                throw TopologyImportError(file: spec, location: "profiles", reason: "no profile in file")
            }
            return (p, cat.sources.merging(user.sources) { _, new in new })
        }
        throw TopologyImportError(file: spec, location: "--targets", reason: "no such target profile or file; profiles: \(cat.profiles.map(\.name).joined(separator: ", "))")
    }
}
