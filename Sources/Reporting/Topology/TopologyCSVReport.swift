import Foundation
import CSV
import TopologyCoverage

/// Per access node CSV (`topology score --csv`), written with CSV.swift (RFC 4180 quoting).
/// Columns: id,name,tier,region,households,connected,broadband,hops,path_km,latency_ms,
/// bottleneck_mbps,per_household_mbps,fiber_all_the_way,first_non_fiber_from,
/// first_non_fiber_to,first_non_fiber_medium,edge_connectivity,behind_bridge,incident_bridges,ipv6_end_to_end,
/// path_km_lower_bound,latency_ms_lower_bound,depends_on_unknown_capacity,nearest_idc,idc_hops,
/// idc_latency_ms,idc_latency_lower_bound,idc_bottleneck_mbps
/// (`edge_connectivity` 2 means "2 or more"; an empty cell is unknown/not applicable; the
/// `*_lower_bound` columns are 1 when the figure beside them is only a lower bound: its path uses
/// a link of unknown length). New columns are appended, so earlier columns keep their position.
public enum TopologyCSV {
    public static let header = ["id", "name", "tier", "region", "households", "connected", "broadband", "hops", "path_km",
                                "latency_ms", "bottleneck_mbps", "per_household_mbps", "fiber_all_the_way",
                                "first_non_fiber_from", "first_non_fiber_to", "first_non_fiber_medium", "edge_connectivity", "behind_bridge", "incident_bridges", "ipv6_end_to_end",
                                "path_km_lower_bound", "latency_ms_lower_bound", "depends_on_unknown_capacity", "nearest_idc",
                                "idc_hops", "idc_latency_ms", "idc_latency_lower_bound", "idc_bottleneck_mbps"]

    /// Writes `header` then one row per access node of `r` (villages and townships) to `stream`.
    /// - Throws: what CSV.swift's `CSVWriter` throws (e.g. `CSVError` when the stream cannot be opened).
    public static func accessNodes(topology t: Topology, report r: CoverageReport, to stream: OutputStream) throws {
        let w = try CSVWriter(stream: stream)
        try w.write(row: header)
        func d(_ x: Double?, _ f: String = "%.3f") -> String { x.map { String(format: f, $0) } ?? "" }
        func b(_ x: Bool) -> String { x ? "1" : "0" }
        func mbpsCell(_ x: Double) -> String { x == x.rounded() && x.magnitude < 1e15 ? String(Int(x)) : String(x) }
        // The columns added in schema 2 (lower-bound flags, unknown capacity, IDC reach).
        func appended(_ x: AccessNodeRow) -> [String] {
            let pathFlag: String = x.pathKm == nil ? "" : b(x.pathKmLowerBound)
            let latFlag: String = x.latencyMs == nil ? "" : b(x.latencyMsLowerBound)
            let idcHops: String = x.idcHops.map { String($0) } ?? ""
            let idcLower: String = x.idcLatencyLowerBound.map { b($0) } ?? ""
            let idcMbps: String = x.idcBottleneckMbps.map { mbpsCell($0) } ?? ""
            return [pathFlag, latFlag, b(x.dependsOnUnknownCapacity), Escaping.csvCell(x.nearestIdc ?? ""), idcHops,
                    d(x.idcLatencyMs, "%.4f"), idcLower, idcMbps]
        }
        for v in r.selection.accessNodes {
            let x = r.row(v, in: t)
            // Names come from the input file: escaped in the one place for untrusted text
            // (hostile-input test: ANSI escapes reached the terminal through --csv).
            let cell = Escaping.csvCell
            try w.write(row: [cell(x.id), cell(x.name), cell(x.tier), cell(x.region), String(x.households), b(x.connected), b(x.broadband),
                              x.hops.map(String.init) ?? "", d(x.pathKm), d(x.latencyMs, "%.4f"),
                              x.bottleneckMbps.map(mbpsCell) ?? (x.connected && x.broadband ? "inf" : ""),
                              d(x.perHouseholdMbps, "%.6f"), b(x.fiberAllTheWay),
                              cell(x.firstNonFiberSegment?.from ?? ""), cell(x.firstNonFiberSegment?.to ?? ""), x.firstNonFiberSegment?.medium ?? "",
                              String(x.edgeConnectivity), b(x.behindBridge), String(x.incidentBridges), b(x.ipv6EndToEnd)]
                              + appended(x))
        }
        w.stream.close()
    }

    /// `accessNodes` into memory, ending with a line end: CSV.swift writes the separator before
    /// each row, so its last row has none, and POSIX text files (and `wc -l`) expect one.
    /// - Throws: what `accessNodes` throws.
    public static func accessNodesData(topology t: Topology, report r: CoverageReport) throws -> Data {
        let stream = OutputStream(toMemory: ())
        stream.open()
        try accessNodes(topology: t, report: r, to: stream)
        var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        if let last = data.last, last != 0x0a { data.append(0x0a) }
        return data
    }
}
