import Foundation
import TopologyCoverage

/// Version of the topology JSON documents (`schema_version`); raise it when a key changes
/// meaning or disappears (docs/topology-schema.md). 2: `links_by_medium` counts every link
/// (1 counted only links with a length); timing stages `bridges`, `articulation_points`,
/// `behind_bridge` became one `cut_structure`; the unknown-capacity rule is per check.
public let topologySchemaVersion = 2

/// The JSON shape of `netcensus topology score --json` (stable keys, snake_case; every key is
/// documented in docs/topology-schema.md).
public struct TopologyScoreDocument: Codable, Sendable {
    public var schemaVersion = topologySchemaVersion
    /// "netcensus VERSION", the same string as the capture summary's `tool`.
    public var tool: String
    public var command = "topology score"
    public var input: String
    public var importNotes: [String]
    public var options: CoverageOptions
    public var network: NetworkSummary
    public var villages: SummaryJSON
    /// Urban access nodes (tier building / urban_access); absent when there are none.
    public var urban: SummaryJSON?
    /// IDC reach, international egress, backbone capacity between regions; sections absent when
    /// the topology lacks what they need.
    public var infrastructure: InfrastructureJSON
    public var byTier: [SummaryJSON]
    public var byRegion: [SummaryJSON]
    public var worstVillages: [AccessNodeRow]
    public var targets: TargetsBlock?
    /// Per access node rows (only with `--per-node`).
    public var accessNodes: [AccessNodeRow]?
    public var timingsSeconds: [String: Double]

    /// JSON keys, named explicitly (docs/topology-schema.md); none is derived from a property name.
    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", tool, command, input, importNotes = "import_notes", options, network
        case villages, urban, infrastructure, byTier = "by_tier", byRegion = "by_region", worstVillages = "worst_villages"
        case targets, accessNodes = "access_nodes", timingsSeconds = "timings_seconds"
    }

    /// The chosen target profile (`targets`): its name and title, one result per scorable check,
    /// the context rows that a topology cannot score, and the source documents by key.
    public struct TargetsBlock: Codable, Sendable {
        public var profile: String
        public var title: String
        public var results: [TargetResult]
        public var context: [TargetContext]
        public var sources: [String: TargetSource]
        enum CodingKeys: String, CodingKey { case profile, title, results, context, sources }
    }

    /// Builds the document from a score: `input` is the path as given, `results` come from
    /// `TargetScorer.score` for `profile` (no `targets` block when `profile` is nil), `perNode`
    /// adds `access_nodes`, `tool` is "netcensus VERSION".
    public init(input: String, topology t: Topology, report r: CoverageReport, profile: TargetProfile?,
                results: [TargetResult], sources: [String: TargetSource], perNode: Bool, tool: String = "netcensus") {
        self.tool = tool
        self.input = input
        importNotes = t.importNotes
        options = r.options
        network = r.network
        villages = SummaryJSON(r.villages)
        urban = r.urban.map(SummaryJSON.init)
        infrastructure = InfrastructureJSON(r.infrastructure, topology: t)
        byTier = r.byTier.map(SummaryJSON.init)
        byRegion = r.byRegion.map(SummaryJSON.init)
        worstVillages = r.worstVillages.map { r.row($0, in: t) }
        if let p = profile {
            targets = TargetsBlock(profile: p.name, title: p.title, results: results, context: p.context,
                                   sources: sources.filter { p.sources.contains($0.key) })
        }
        accessNodes = perNode ? r.selection.accessNodes.map { r.row($0, in: t) } : nil
        var tm: [String: Double] = [:]
        for (s, x) in r.timings { tm[s] = x }
        timingsSeconds = tm
    }

    /// Pretty JSON, keys sorted, snake_case (explicit `CodingKeys`). A number that is not finite (arithmetic overflow:
    /// a capacity near 1e308 times the contention ratio) is written as null, never as a
    /// string, and `import_notes` gains a note saying how many (docs/topology-schema.md).
    public func jsonData() throws -> Data {
        let first = try topologyJSONData(self)
        guard first.nonFinite > 0 else { return first.data }
        var noted = self
        noted.importNotes.append(nonFiniteNote(first.nonFinite))
        return try topologyJSONData(noted).data
    }
}

/// The `infrastructure` block: node and link references by id (`LinkRef`), capacities in Mbps,
/// latencies in ms. Keys explicit (docs/topology-schema.md).
public struct InfrastructureJSON: Codable, Sendable {
    public var idc: IDC?
    public var international: International?
    public var backboneCapacity: Backbone?

    /// A link by index (1-based, input order) and its end ids, medium and capacity (null = unknown).
    public struct LinkRef: Codable, Sendable, Equatable {
        public var link: Int
        public var a: String
        public var b: String
        public var medium: String
        public var capacityMbps: Double?
        enum CodingKeys: String, CodingKey { case link, a, b, medium, capacityMbps = "capacity_mbps" }
        init(_ j: Int, _ t: Topology) {
            let l = t.links[j]
            link = j + 1; a = t.nodes[l.a].id; b = t.nodes[l.b].id; medium = l.medium.rawValue; capacityMbps = l.capacityMbps
        }
    }
    public struct IDC: Codable, Sendable {
        public var idcs: [String]
        public var groups: [IDCGroupSummary]
        enum CodingKeys: String, CodingKey { case idcs, groups }
    }
    public struct International: Codable, Sendable {
        public var landingStations: [String]
        public var internationalLinks: [LinkRef]
        public var linksInService: Int
        public var capacityMbps: Double
        public var linksUnknownCapacity: Int
        public var diversity: Int
        public var worstFailure: Failure?
        enum CodingKeys: String, CodingKey {
            case landingStations = "landing_stations", internationalLinks = "international_links"
            case linksInService = "links_in_service", capacityMbps = "capacity_mbps"
            case linksUnknownCapacity = "links_unknown_capacity", diversity, worstFailure = "worst_failure"
        }
    }
    /// The failed element: `kind` "link" (with `link`) or "node" (with `node`, an id).
    public struct Failure: Codable, Sendable {
        public var kind: String
        public var link: LinkRef?
        public var node: String?
        public var lostMbps: Double
        public var remainingMbps: Double
        public var linksLost: [LinkRef]
        enum CodingKeys: String, CodingKey {
            case kind, link, node, lostMbps = "lost_mbps", remainingMbps = "remaining_mbps", linksLost = "links_lost"
        }
    }
    public struct Backbone: Codable, Sendable {
        public var regions: [String]
        /// Regions beyond the 64 with the most backbone nodes: not in any pair (bounded work).
        public var regionsOmitted: [String]
        public var backboneLinks: Int
        public var linksUnknownCapacity: Int
        public var pairs: [Pair]
        enum CodingKeys: String, CodingKey {
            case regions, regionsOmitted = "regions_omitted", backboneLinks = "backbone_links", linksUnknownCapacity = "links_unknown_capacity", pairs
        }
    }
    public struct Pair: Codable, Sendable {
        public var regionA: String
        public var regionB: String
        public var minCutMbps: Double
        public var bottleneckLinks: [LinkRef]
        enum CodingKeys: String, CodingKey {
            case regionA = "first_region", regionB = "second_region", minCutMbps = "min_cut_mbps", bottleneckLinks = "bottleneck_links"
        }
    }
    enum CodingKeys: String, CodingKey { case idc, international, backboneCapacity = "backbone_capacity" }

    public init(_ r: InfrastructureReport, topology t: Topology) {
        if let x = r.idcReach { idc = IDC(idcs: x.idcs.map { t.nodes[$0].id }, groups: x.groups) }
        if let x = r.international {
            international = International(
                landingStations: x.landingStations.map { t.nodes[$0].id }, internationalLinks: x.internationalLinks.map { LinkRef($0, t) },
                linksInService: x.linksInService.count, capacityMbps: x.capacityMbps, linksUnknownCapacity: x.linksUnknownCapacity,
                diversity: x.diversity,
                worstFailure: x.worstFailure.map { f in
                    Failure(kind: f.link != nil ? "link" : "node", link: f.link.map { LinkRef($0, t) }, node: f.node.map { t.nodes[$0].id },
                            lostMbps: f.lostMbps, remainingMbps: x.capacityMbps - f.lostMbps, linksLost: f.linksLost.map { LinkRef($0, t) })
                })
        }
        if let b = r.backboneCuts {
            backboneCapacity = Backbone(regions: b.regions, regionsOmitted: b.regionsOmitted, backboneLinks: b.backboneLinks.count, linksUnknownCapacity: b.linksUnknownCapacity,
                                        pairs: b.pairs.map { Pair(regionA: $0.regionA, regionB: $0.regionB, minCutMbps: $0.minCutMbps,
                                                                  bottleneckLinks: $0.bottleneckLinks.map { LinkRef($0, t) }) })
        }
    }
}

/// An `AccessSummary` as JSON: its counts plus the shares derived from them (0...1, null when
/// the denominator is 0; `meets_*_share` in the order of `thresholds_mbps`).
public struct SummaryJSON: Codable, Sendable {
    public var summary: AccessSummary
    public init(_ s: AccessSummary) { summary = s }
    public init(from decoder: Decoder) throws { summary = try AccessSummary(from: decoder) }
    enum Extra: String, CodingKey {
        case broadbandShare = "broadband_share", fiberShare = "fiber_share", behindBridgeShare = "behind_bridge_share"
        case ipv6Share = "ipv6_share", fiberHouseholdsShare = "fiber_households_share", broadbandHouseholdsShare = "broadband_households_share"
        case meetsShare = "meets_share", meetsHouseholdsShare = "meets_households_share", meetsAndFiberShare = "meets_and_fiber_share"
    }
    public func encode(to encoder: Encoder) throws {
        try summary.encode(to: encoder)
        var c = encoder.container(keyedBy: Extra.self)
        let s = summary
        try c.encode(s.broadbandShare, forKey: .broadbandShare)
        try c.encode(s.fiberShare, forKey: .fiberShare)
        try c.encode(s.behindBridgeShare, forKey: .behindBridgeShare)
        try c.encode(s.ipv6Share, forKey: .ipv6Share)
        try c.encode(s.fiberHouseholdsShare, forKey: .fiberHouseholdsShare)
        try c.encode(s.broadbandHouseholdsShare, forKey: .broadbandHouseholdsShare)
        try c.encode(s.thresholdsMbps.indices.map { s.meetsShare($0) }, forKey: .meetsShare)
        try c.encode(s.thresholdsMbps.indices.map { s.meetsHouseholdsShare($0) }, forKey: .meetsHouseholdsShare)
        try c.encode(s.thresholdsMbps.indices.map { s.meetsAndFiberShare($0) }, forKey: .meetsAndFiberShare)
    }
}

/// The JSON shape of `netcensus topology plan --json`.
public struct FiberPlanDocument: Codable, Sendable {
    public var schemaVersion = topologySchemaVersion
    /// "netcensus VERSION", the same string as the capture summary's `tool`.
    public var tool: String
    public var command = "topology plan"
    public var input: String
    public var profile: String
    public var options: FiberPlanOptions
    public var missingVillages: Int
    public var missingOnFiber: Int
    public var unplannable: Int
    public var totalKm: Double
    public var totalCost: Double
    public var works: [Work]
    public var before: SummaryJSON
    public var after: SummaryJSON
    public var targetsBefore: [TargetResult]
    public var targetsAfter: [TargetResult]
    /// With `--budget`: the works chosen within the budget.
    public var budgetPlan: BudgetPlanJSON?
    /// With `--reach PROFILE`: the works kept and whether the profile is reached.
    public var reach: ReachPlanJSON?

    /// JSON keys, named explicitly (docs/topology-schema.md); none is derived from a property name.
    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", tool, command, input, profile, options
        case missingVillages = "missing_villages", missingOnFiber = "missing_on_fiber", unplannable
        case totalKm = "total_km", totalCost = "total_cost", works, before, after
        case targetsBefore = "targets_before", targetsAfter = "targets_after", budgetPlan = "budget_plan", reach
    }

    /// One work in build order (`rank` from 1): km, cost in `options.currency`, households served
    /// and households per km, village ids, and its links.
    public struct Work: Codable, Sendable {
        public var rank: Int
        public var km: Double
        public var cost: Double
        public var households: Int
        public var householdsPerKm: Double
        public var villages: [String]
        public var links: [Link]
        enum CodingKeys: String, CodingKey { case rank, km, cost, households, householdsPerKm = "households_per_km", villages, links }
    }
    /// One planned link by node ids: `kind` "new" or "upgrade", km, and for an upgrade the
    /// medium it replaces.
    public struct Link: Codable, Sendable {
        public var kind: String
        public var a: String
        public var b: String
        public var km: Double
        public var existingMedium: String?
        enum CodingKeys: String, CodingKey { case kind, a, b, km, existingMedium = "existing_medium" }
    }

    /// Builds the document from a plan: `before` is the score the plan started from,
    /// `targetsBefore` / `targetsAfter` the target results before and after it.
    public init(input: String, topology t: Topology, profile: TargetProfile, plan p: FiberPlan, before: CoverageReport,
                targetsBefore: [TargetResult], targetsAfter: [TargetResult], tool: String = "netcensus") {
        self.tool = tool
        self.input = input; self.profile = profile.name; options = p.options
        missingVillages = p.missing.count; missingOnFiber = p.missingOnFiber.count; unplannable = p.unplannable.count
        totalKm = p.totalKm; totalCost = p.totalCost
        works = p.works.enumerated().map { i, w in
            Work(rank: i + 1, km: w.km, cost: w.cost, households: w.households, householdsPerKm: w.householdsPerKm,
                 villages: w.villages.map { t.nodes[$0].id },
                 links: w.links.map { Link(kind: $0.kind.rawValue, a: t.nodes[$0.a].id, b: t.nodes[$0.b].id, km: $0.km, existingMedium: $0.existingMedium?.rawValue) })
        }
        self.before = SummaryJSON(before.villages); after = SummaryJSON(p.afterReport.villages)
        self.targetsBefore = targetsBefore; self.targetsAfter = targetsAfter
    }

    /// Pretty JSON, keys sorted, snake_case from explicit `CodingKeys` (schema in docs/topology-schema.md); a non-finite
    /// number (overflow) is written as null.
    public func jsonData() throws -> Data { try topologyJSONData(self).data }
}

/// The one JSON encoding of the topology score and plan documents: pretty, keys sorted, each
/// key as its type's `CodingKeys` names it (no key strategy: DESIGN practice 15). RFC 8259 (section 6) has no infinity or NaN, and the schema says number, so a
/// non-finite number is written as `null`; `nonFinite` counts them so the caller can add a note.
/// (JSONEncoder can only write them as strings: each becomes a per-process random marker
/// string, which no input can spell, and the quoted marker is then replaced by `null`.)
/// Throws what `JSONEncoder.encode` throws.
func topologyJSONData<T: Encodable>(_ value: T) throws -> (data: Data, nonFinite: Int) {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: nonFiniteMarker,
                                                              negativeInfinity: nonFiniteMarker, nan: nonFiniteMarker)
    let data = try enc.encode(value)
    let quoted = Data(("\"" + nonFiniteMarker + "\"").utf8)
    guard data.range(of: quoted) != nil else { return (data, 0) }
    var out = Data(), count = 0
    out.reserveCapacity(data.count)
    var rest = data[...]
    while let r = rest.range(of: quoted) {
        out += rest[rest.startIndex..<r.lowerBound]; out += Data("null".utf8); count += 1
        rest = rest[r.upperBound...]
    }
    out += rest
    return (out, count)
}

/// Stands for a non-finite number during encoding (see `topologyJSONData`); random per process.
let nonFiniteMarker = "nonfinite-" + UUID().uuidString

/// The note a document gains when `topologyJSONData` wrote `n` non-finite numbers as null.
func nonFiniteNote(_ n: Int) -> String {
    "\(n) figure(s) not finite after arithmetic (overflow, e.g. a capacity near 1e308 times the contention ratio): written as null"
}
