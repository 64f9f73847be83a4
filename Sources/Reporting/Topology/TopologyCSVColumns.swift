import Foundation
import TopologyCoverage

extension TopologyCSV {
    /// Columns appended after `ipv6_end_to_end` in schema 2, so earlier columns keep their place:
    /// path_km_lower_bound, latency_ms_lower_bound (1 when the figure is only a lower bound: its
    /// path uses a link of unknown length; empty when unreached), depends_on_unknown_capacity,
    /// nearest_idc (node id), idc_hops, idc_latency_ms, idc_latency_lower_bound,
    /// idc_bottleneck_mbps (empty when the topology has no IDC or none is connected).
    public static let appendedHeader = ["path_km_lower_bound", "latency_ms_lower_bound", "depends_on_unknown_capacity", "nearest_idc",
                                        "idc_hops", "idc_latency_ms", "idc_latency_lower_bound", "idc_bottleneck_mbps"]

    /// The cells of `appendedHeader` for one row; `cell` escapes untrusted text (the node id).
    static func appendedCells(_ x: AccessNodeRow, cell: (String) -> String) -> [String] {
        func b(_ v: Bool) -> String { v ? "1" : "0" }
        let pathFlag: String = x.pathKm == nil ? "" : b(x.pathKmLowerBound)
        let latFlag: String = x.latencyMs == nil ? "" : b(x.latencyMsLowerBound)
        let idcHops: String = x.idcHops.map { String($0) } ?? ""
        let idcLatency: String = x.idcLatencyMs.map { $0.isFinite ? String(format: "%.4f", $0) : "" } ?? ""
        let idcLower: String = x.idcLatencyLowerBound.map { b($0) } ?? ""
        let idcMbps: String = x.idcBottleneckMbps.map { $0.isFinite ? ($0 == $0.rounded() && $0.magnitude < 1e15 ? String(Int($0)) : String($0)) : "" } ?? ""
        return [pathFlag, latFlag, b(x.dependsOnUnknownCapacity), cell(x.nearestIdc ?? ""), idcHops, idcLatency, idcLower, idcMbps]
    }
}
