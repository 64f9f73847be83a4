import Foundation
import TopologyCoverage

/// Per access node CSV (`topology score --csv`), RFC 4180, one header line then one line per
/// access node, lines ended by LF.
/// Columns: id,name,tier,region,households,connected,broadband,hops,path_km,latency_ms,
/// bottleneck_mbps,per_household_mbps,fiber_all_the_way,first_non_fiber_from,
/// first_non_fiber_to,first_non_fiber_medium,edge_connectivity,behind_bridge,incident_bridges,ipv6_end_to_end
/// (`edge_connectivity` 2 means "2 or more"; an empty cell is unknown/not applicable),
/// then the columns of `appendedHeader` (TopologyCSVColumns.swift).
///
/// Text cells (ids, names, tier, region, segment ends: untrusted text from the input) go
/// through `Escaping.csv`, which quotes them and neutralises a leading `=`, `+`, `-`, `@`, tab
/// or CR (formula injection); numeric cells are written as numbers and never altered; a
/// number that is not finite (overflow) is an empty cell, like any unknown figure, except the
/// documented `inf` bottleneck of a reached node with no capacity limit on its path.
public enum TopologyCSV {
    public static let header = ["id", "name", "tier", "region", "households", "connected", "broadband", "hops", "path_km",
                                "latency_ms", "bottleneck_mbps", "per_household_mbps", "fiber_all_the_way",
                                "first_non_fiber_from", "first_non_fiber_to", "first_non_fiber_medium", "edge_connectivity", "behind_bridge", "incident_bridges", "ipv6_end_to_end"]
        + appendedHeader

    /// The CSV text: `header`, then one row per access node of `r` (villages and townships).
    public static func accessNodesText(topology t: Topology, report r: CoverageReport) -> String {
        func d(_ x: Double?, _ f: String = "%.3f") -> String { x.map { $0.isFinite ? String(format: f, $0) : "" } ?? "" }
        func b(_ x: Bool) -> String { x ? "1" : "0" }
        func bottleneck(_ x: AccessNodeRow) -> String {
            guard let w = x.bottleneckMbps else { return x.connected && x.broadband ? "inf" : "" }
            guard w.isFinite else { return "" }
            return w == w.rounded() && w.magnitude < 1e15 ? String(Int(w)) : String(w)
        }
        let cell = Escaping.csv
        var out = header.joined(separator: ",") + "\n"
        for v in r.selection.accessNodes {
            let x = r.row(v, in: t)
            let cells = [cell(x.id), cell(x.name), cell(x.tier), cell(x.region), String(x.households), b(x.connected), b(x.broadband),
                         x.hops.map(String.init) ?? "", d(x.pathKm), d(x.latencyMs, "%.4f"), bottleneck(x),
                         d(x.perHouseholdMbps, "%.6f"), b(x.fiberAllTheWay),
                         cell(x.firstNonFiberSegment?.from ?? ""), cell(x.firstNonFiberSegment?.to ?? ""),
                         cell(x.firstNonFiberSegment?.medium ?? ""),
                         String(x.edgeConnectivity), b(x.behindBridge), String(x.incidentBridges), b(x.ipv6EndToEnd)]
                + appendedCells(x, cell: cell)
            out += cells.joined(separator: ",")
            out += "\n"
        }
        return out
    }

    /// `accessNodesText` as UTF-8 bytes.
    public static func accessNodesData(topology t: Topology, report r: CoverageReport) throws -> Data {
        Data(accessNodesText(topology: t, report: r).utf8)
    }
}
