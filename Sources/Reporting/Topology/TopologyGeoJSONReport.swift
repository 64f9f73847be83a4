import Foundation
import TopologyCoverage

/// GeoJSON (RFC 7946) output for GIS tools such as QGIS: score results as Point features per
/// node (tier, region, households, IPv6; access nodes also carry their figures) — readable back
/// by `GeoJSONImporter` — and LineString features per link; plans as
/// LineString features per planned link (work rank, kind, km, cost). Nodes without coordinates
/// are left out. Built as a `ReportValue` tree with explicit keys (members in key order) and
/// written on one line by `JSONRenderer.renderCompactExact`: numbers at full precision, a
/// number that is not finite as null, strings escaped by `Escaping.json`.
public enum TopologyGeoJSON {
    static func point(_ n: TopologyNode) -> ReportValue? {
        guard let la = n.latitude, let lo = n.longitude else { return nil }
        return .object([("coordinates", .array([.number(lo), .number(la)])), ("type", .string("Point"))])
    }
    static func line(_ a: TopologyNode, _ b: TopologyNode) -> ReportValue? {
        guard let la = a.latitude, let lo = a.longitude, let lb = b.latitude, let ob = b.longitude else { return nil }
        return .object([("coordinates", .array([.array([.number(lo), .number(la)]), .array([.number(ob), .number(lb)])])),
                        ("type", .string("LineString"))])
    }
    static func feature(_ geometry: ReportValue, _ properties: [(String, ReportValue)]) -> ReportValue {
        .object([("geometry", geometry), ("properties", .object(properties.sorted { $0.0 < $1.0 })), ("type", .string("Feature"))])
    }
    static func encode(_ features: [ReportValue]) -> Data {
        Data(JSONRenderer.renderCompactExact(.object([("features", .array(features)), ("type", .string("FeatureCollection"))])).utf8)
    }
    static func number(_ x: Double?) -> ReportValue { x.map { .number($0) } ?? .null }
    static func integer(_ x: Int?) -> ReportValue { x.map { .integer(Int64($0)) } ?? .null }
    static func bool(_ x: Bool?) -> ReportValue { x.map { .bool($0) } ?? .null }
    static func string(_ x: String?) -> ReportValue { x.map { .string($0) } ?? .null }

    /// A FeatureCollection of node Points and link LineStrings (`length_km` as scored, with
    /// `length_source` given|great_circle). Does not throw (kept `throws` for its callers).
    public static func score(topology t: Topology, report r: CoverageReport) throws -> Data {
        var fs: [ReportValue] = []
        var isAccess = [Bool](repeating: false, count: t.nodes.count)
        for v in r.selection.accessNodes { isAccess[v] = true }
        for (v, n) in t.nodes.enumerated() {
            guard let g = point(n) else { continue }
            var props: [(String, ReportValue)] = [
                ("id", .string(n.id)), ("name", .string(n.name)), ("tier", .string(n.tier.rawValue)),
                ("region", .string(n.region.joined(separator: "/"))), ("households", integer(n.households)), ("ipv6", bool(n.ipv6)),
            ]
            if isAccess[v] {
                let x = r.row(v, in: t)
                props += [
                    ("broadband", .bool(x.broadband)), ("hops", integer(x.hops)), ("path_km", number(x.pathKm)), ("latency_ms", number(x.latencyMs)),
                    ("path_km_lower_bound", x.pathKm == nil ? .null : .bool(x.pathKmLowerBound)),
                    ("latency_ms_lower_bound", x.latencyMs == nil ? .null : .bool(x.latencyMsLowerBound)),
                    ("bottleneck_mbps", number(x.bottleneckMbps)), ("per_household_mbps", number(x.perHouseholdMbps)),
                    ("fiber_all_the_way", .bool(x.fiberAllTheWay)), ("first_non_fiber_from", string(x.firstNonFiberSegment?.from)),
                    ("first_non_fiber_to", string(x.firstNonFiberSegment?.to)), ("first_non_fiber_medium", string(x.firstNonFiberSegment?.medium)),
                    ("edge_connectivity", integer(x.edgeConnectivity)), ("behind_bridge", .bool(x.behindBridge)), ("ipv6_end_to_end", .bool(x.ipv6EndToEnd)),
                ]
            }
            fs.append(feature(g, props))
        }
        // The length scoring used (path_km, km by medium): the given one, else great-circle.
        let lengths = t.linkLengthsKm()
        for (j, l) in t.links.enumerated() where l.a != l.b {
            guard let g = line(t.nodes[l.a], t.nodes[l.b]) else { continue }
            let source: ReportValue = l.lengthKm != nil ? .string("given") : (lengths[j] != nil ? .string("great_circle") : .null)
            fs.append(feature(g, [
                ("link", integer(j)), ("a", .string(t.nodes[l.a].id)), ("b", .string(t.nodes[l.b].id)), ("medium", .string(l.medium.rawValue)),
                ("capacity_mbps", number(l.capacityMbps)), ("length_km", number(lengths[j])), ("length_source", source), ("ipv6", bool(l.ipv6)),
            ]))
        }
        return encode(fs)
    }

    /// A FeatureCollection of one LineString per planned link of `p`, with its work's rank, kind,
    /// km and cost. Does not throw (kept `throws` for its callers).
    public static func plan(topology t: Topology, plan p: FiberPlan) throws -> Data {
        var fs: [ReportValue] = []
        for (i, w) in p.works.enumerated() {
            for l in w.links {
                guard let g = line(t.nodes[l.a], t.nodes[l.b]) else { continue }
                fs.append(feature(g, [
                    ("work", integer(i + 1)), ("kind", .string(l.kind.rawValue)), ("a", .string(t.nodes[l.a].id)), ("b", .string(t.nodes[l.b].id)),
                    ("km", .number(l.km)), ("cost", .number(l.km * p.options.costPerKm)), ("existing_medium", string(l.existingMedium?.rawValue)),
                    ("work_households", integer(w.households)), ("work_households_per_km", .number(w.householdsPerKm)),
                ]))
            }
            for v in w.villages {
                guard let g = point(t.nodes[v]) else { continue }
                fs.append(feature(g, [
                    ("work", integer(i + 1)), ("village", .string(t.nodes[v].id)), ("name", .string(t.nodes[v].name)),
                    ("households", integer(t.nodes[v].households)),
                ]))
            }
        }
        return encode(fs)
    }
}
