/// Whole-network structure: counts, connectivity and length by medium.
///
/// Conventions (FACTS.tsv / `topology_networkx.py`): links counted with parallel links and
/// self-loops; structural metrics ignore self-loops; a pair joined by parallel links is not a
/// bridge; diameter in hops of the largest component (most nodes).
public struct NetworkSummary: Sendable, Codable, Equatable {
    public var name: String
    public var nodes: Int
    public var links: Int
    public var selfLoops: Int
    /// Node count per tier name.
    public var tiers: [String: Int]
    public var components: Int
    public var largestComponentNodes: Int
    public var bridges: Int
    public var articulationPoints: Int
    /// Diameter (hops) of the largest component; nil when that takes longer than the cut-off size.
    public var diameterHops: Int?
    /// km per medium name: `lengthKm`, else great-circle between the endpoints; links with
    /// neither are left out (`linksWithoutLength`). Self-loops left out.
    public var kmByMedium: [String: Double]
    public var linksByMedium: [String: Int]
    public var linksWithoutLength: Int
    public var linksWithoutCapacity: Int
    public var backbone: [String]
    public var backboneRule: String
    public var villageRule: String

    /// JSON keys (`network`), named explicitly (docs/topology-schema.md).
    enum CodingKeys: String, CodingKey {
        case name, nodes, links, selfLoops = "self_loops", tiers, components, largestComponentNodes = "largest_component_nodes"
        case bridges, articulationPoints = "articulation_points", diameterHops = "diameter_hops", kmByMedium = "km_by_medium"
        case linksByMedium = "links_by_medium", linksWithoutLength = "links_without_length", linksWithoutCapacity = "links_without_capacity"
        case backbone, backboneRule = "backbone_rule", villageRule = "village_rule"
    }
}
