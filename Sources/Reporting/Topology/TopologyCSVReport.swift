import Foundation
import CSV
import TopologyCoverage

/// Per access node CSV (`topology score --csv`), written with CSV.swift (RFC 4180 quoting).
/// Columns: id,name,tier,region,households,connected,broadband,hops,path_km,latency_ms,
/// bottleneck_mbps,per_household_mbps,fiber_all_the_way,first_non_fiber_from,
/// first_non_fiber_to,first_non_fiber_medium,edge_connectivity,behind_bridge,incident_bridges,ipv6_end_to_end
/// (`edge_connectivity` 2 means "2 or more"; an empty cell is unknown/not applicable),
/// then the columns of `appendedHeader` (TopologyCSVColumns.swift).
public enum TopologyCSV {
    public static let header = ["id", "name", "tier", "region", "households", "connected", "broadband", "hops", "path_km",
                                "latency_ms", "bottleneck_mbps", "per_household_mbps", "fiber_all_the_way",
                                "first_non_fiber_from", "first_non_fiber_to", "first_non_fiber_medium", "edge_connectivity", "behind_bridge", "incident_bridges", "ipv6_end_to_end"]
        + appendedHeader

    /// Writes `header` then one row per access node of `r` (villages and townships) to `stream`.
    /// - Throws: what CSV.swift's `CSVWriter` throws (e.g. `CSVError` when the stream cannot be opened).
    public static func accessNodes(topology t: Topology, report r: CoverageReport, to stream: OutputStream) throws {
        let w = try CSVWriter(stream: stream)
        try w.write(row: header)
        func d(_ x: Double?, _ f: String = "%.3f") -> String { x.map { String(format: f, $0) } ?? "" }
        func b(_ x: Bool) -> String { x ? "1" : "0" }
        for v in r.selection.accessNodes {
            let x = r.row(v, in: t)
            // Names come from the input file: escaped in the one place for untrusted text
            // (hostile-input test: ANSI escapes reached the terminal through --csv).
            let cell = Escaping.csvCell
            try w.write(row: [cell(x.id), cell(x.name), cell(x.tier), cell(x.region), String(x.households), b(x.connected), b(x.broadband),
                              x.hops.map(String.init) ?? "", d(x.pathKm), d(x.latencyMs, "%.4f"),
                              x.bottleneckMbps.map { $0 == $0.rounded() && $0.magnitude < 1e15 ? String(Int($0)) : String($0) } ?? (x.connected && x.broadband ? "inf" : ""),
                              d(x.perHouseholdMbps, "%.6f"), b(x.fiberAllTheWay),
                              cell(x.firstNonFiberSegment?.from ?? ""), cell(x.firstNonFiberSegment?.to ?? ""), x.firstNonFiberSegment?.medium ?? "",
                              String(x.edgeConnectivity), b(x.behindBridge), String(x.incidentBridges), b(x.ipv6EndToEnd)]
                              + appendedCells(x, cell: cell))
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
