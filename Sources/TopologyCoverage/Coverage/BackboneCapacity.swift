import NetworkGraph

/// Backbone transmission capacity between level-1 regions (provinces).
///
/// Definitions:
/// - backbone links: links whose two ends are both backbone nodes (the scoring backbone set);
/// - a node's level-1 region: the first element of its region path (backbone nodes without a
///   region are left out);
/// - for each pair of regions (A, B), A < B by name: the minimum cut in Mbps between the backbone
///   nodes of A and those of B over backbone links only — the least total capacity of backbone
///   links whose loss separates the two regions, equal to the most traffic the backbone can carry
///   between them (max-flow min-cut). Parallel links add; unknown capacity follows the scoring
///   rule (0 Mbps unless `--unknown-capacity` is given, so the cut is then a lower bound:
///   `linksUnknownCapacity` > 0);
/// - bottleneck links: the links of the minimum cut nearest region A (`MinimumCut.cutEdges`).
///
/// nil when fewer than two regions hold backbone nodes.
/// Complexity: O(r² · F) for r regions and F one max flow on the backbone subgraph, so r is
/// bounded: at most `maxRegions` (64: 2,016 pairs; a country has a few dozen level-1 regions)
/// take part, those with the most backbone nodes (ties by name); the others are named in
/// `regionsOmitted`. A topology whose every node is its own region (found by fuzzing: 56 regions
/// already took 13 s in a sanitized build, 2,000 would be 2 million max flows) stays bounded.
public struct BackboneCapacity: Sendable {
    public var regions: [String]
    /// Level-1 regions left out of the pairs because more than `maxRegions` hold backbone nodes.
    public var regionsOmitted: [String] = []
    /// Regions taking part in the pairwise cuts, at most.
    public static let maxRegions = 64
    /// Backbone link indices (into `Topology.links`), ascending.
    public var backboneLinks: [Int]
    public var linksUnknownCapacity: Int
    /// One per region pair, in (A, B) name order.
    public var pairs: [RegionPairCut]

    /// The minimum cut between two regions.
    public struct RegionPairCut: Sendable, Equatable {
        public var regionA: String
        public var regionB: String
        public var minCutMbps: Double
        /// Link indices into `Topology.links`, ascending.
        public var bottleneckLinks: [Int]
    }

    /// Pairs with the smallest cut first (ties by region names), at most `count`.
    public func weakest(_ count: Int) -> [RegionPairCut] {
        Array(pairs.sorted { ($0.minCutMbps, $0.regionA, $0.regionB) < ($1.minCutMbps, $1.regionA, $1.regionB) }.prefix(count))
    }

    static func compute(_ t: Topology, graph g: Multigraph, backbone: [Int], capacityMbps cap: [Double]) -> BackboneCapacity? {
        var byRegion: [String: [Int]] = [:]
        for b in Set(backbone) { if let r = t.nodes[b].region.first { byRegion[r, default: []].append(b) } }
        guard byRegion.count >= 2 else { return nil }
        let nodes = Array(Set(backbone)).sorted()
        let (sub, origin) = g.inducedSubgraph(nodes)
        var local = [Int](repeating: -1, count: t.nodes.count)
        for (i, v) in nodes.enumerated() { local[v] = i }
        let subCap = origin.map { cap[$0] }
        var regions = byRegion.keys.sorted()
        var omitted: [String] = []
        if regions.count > maxRegions {
            let ranked = regions.sorted { (byRegion[$0]!.count, $1) > (byRegion[$1]!.count, $0) }
            omitted = Array(ranked[maxRegions...]).sorted()
            regions = Array(ranked[..<maxRegions]).sorted()
        }
        var pairs: [RegionPairCut] = []
        for i in 0..<regions.count {
            for k in (i + 1)..<regions.count {
                let c = sub.minimumCut(sources: byRegion[regions[i]]!.map { local[$0] }, sinks: byRegion[regions[k]]!.map { local[$0] },
                                       capacity: subCap)
                pairs.append(RegionPairCut(regionA: regions[i], regionB: regions[k], minCutMbps: c.valueMbps,
                                           bottleneckLinks: c.cutEdges.map { origin[$0] }))
            }
        }
        let unknown = origin.filter { t.links[$0].capacityMbps == nil && t.links[$0].a != t.links[$0].b }.count
        return BackboneCapacity(regions: regions, regionsOmitted: omitted, backboneLinks: origin.filter { t.links[$0].a != t.links[$0].b },
                                linksUnknownCapacity: unknown, pairs: pairs)
    }
}
