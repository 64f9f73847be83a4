import Foundation
import TopologyCoverage

/// GeoJSON (RFC 7946) output for GIS tools such as QGIS: score results as Point features per
/// node (tier, region, households, IPv6; access nodes also carry their figures) — readable back
/// by `GeoJSONImporter` — and LineString features per link; plans as
/// LineString features per planned link (work rank, kind, km, cost). Nodes without coordinates
/// are left out. Strings go through JSONSerialization, which escapes them.
public enum TopologyGeoJSON {
    static func point(_ n: TopologyNode) -> [String: Any]? {
        guard let la = n.latitude, let lo = n.longitude else { return nil }
        return ["type": "Point", "coordinates": [lo, la]]
    }
    static func line(_ a: TopologyNode, _ b: TopologyNode) -> [String: Any]? {
        guard let la = a.latitude, let lo = a.longitude, let lb = b.latitude, let ob = b.longitude else { return nil }
        return ["type": "LineString", "coordinates": [[lo, la], [ob, lb]]]
    }
    static func encode(_ features: [[String: Any]]) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features], options: [.sortedKeys])
    }
    static func clean(_ x: Double?) -> Any { x.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }

    /// A FeatureCollection of node Points and link LineStrings (`length_km` as scored, with
    /// `length_source` given|great_circle). Throws what `JSONSerialization` throws.
    public static func score(topology t: Topology, report r: CoverageReport) throws -> Data {
        var fs: [[String: Any]] = []
        var isAccess = [Bool](repeating: false, count: t.nodes.count)
        for v in r.selection.accessNodes { isAccess[v] = true }
        for (v, n) in t.nodes.enumerated() {
            guard let g = point(n) else { continue }
            var props: [String: Any] = ["id": n.id, "name": n.name, "tier": n.tier.rawValue, "region": n.region.joined(separator: "/"),
                                        "households": n.households, "ipv6": n.ipv6 as Any? ?? NSNull()]
            if isAccess[v] {
                let x = r.row(v, in: t)
                props.merge([
                    "broadband": x.broadband, "hops": x.hops as Any? ?? NSNull(), "path_km": clean(x.pathKm), "latency_ms": clean(x.latencyMs),
                    "path_km_lower_bound": x.pathKm == nil ? NSNull() : x.pathKmLowerBound as Any,
                    "latency_ms_lower_bound": x.latencyMs == nil ? NSNull() : x.latencyMsLowerBound as Any,
                    "bottleneck_mbps": clean(x.bottleneckMbps), "per_household_mbps": clean(x.perHouseholdMbps),
                    "fiber_all_the_way": x.fiberAllTheWay, "first_non_fiber_from": x.firstNonFiberSegment?.from ?? NSNull(), "first_non_fiber_to": x.firstNonFiberSegment?.to ?? NSNull(),
                    "first_non_fiber_medium": x.firstNonFiberSegment?.medium ?? NSNull(),
                    "edge_connectivity": x.edgeConnectivity, "behind_bridge": x.behindBridge, "ipv6_end_to_end": x.ipv6EndToEnd,
                ] as [String: Any]) { _, new in new }
            }
            fs.append(["type": "Feature", "geometry": g, "properties": props])
        }
        // The length scoring used (path_km, km by medium): the given one, else great-circle.
        let lengths = t.linkLengthsKm()
        for (j, l) in t.links.enumerated() where l.a != l.b {
            guard let g = line(t.nodes[l.a], t.nodes[l.b]) else { continue }
            let source: Any = l.lengthKm != nil ? "given" as Any : (lengths[j] != nil ? "great_circle" as Any : NSNull())
            fs.append(["type": "Feature", "geometry": g, "properties": [
                "link": j, "a": t.nodes[l.a].id, "b": t.nodes[l.b].id, "medium": l.medium.rawValue,
                "capacity_mbps": clean(l.capacityMbps), "length_km": clean(lengths[j]), "length_source": source,
                "ipv6": l.ipv6 as Any? ?? NSNull(),
            ] as [String: Any]])
        }
        return try encode(fs)
    }

    /// A FeatureCollection of one LineString per planned link of `p`, with its work's rank, kind,
    /// km and cost. Throws what `JSONSerialization` throws.
    public static func plan(topology t: Topology, plan p: FiberPlan) throws -> Data {
        var fs: [[String: Any]] = []
        for (i, w) in p.works.enumerated() {
            for l in w.links {
                guard let g = line(t.nodes[l.a], t.nodes[l.b]) else { continue }
                fs.append(["type": "Feature", "geometry": g, "properties": [
                    "work": i + 1, "kind": l.kind.rawValue, "a": t.nodes[l.a].id, "b": t.nodes[l.b].id, "km": l.km,
                    "cost": l.km * p.options.costPerKm, "existing_medium": l.existingMedium?.rawValue ?? NSNull(),
                    "work_households": w.households, "work_households_per_km": w.householdsPerKm,
                ] as [String: Any]])
            }
            for v in w.villages {
                guard let g = point(t.nodes[v]) else { continue }
                fs.append(["type": "Feature", "geometry": g, "properties": [
                    "work": i + 1, "village": t.nodes[v].id, "name": t.nodes[v].name, "households": t.nodes[v].households,
                ] as [String: Any]])
            }
        }
        return try encode(fs)
    }
}
