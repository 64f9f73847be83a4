import Foundation

/// Reads an SNDlib network in the native text format (SNDlib 1.0, Orlowski et al.,
/// Networks 55(3), 2010; "?SNDlib native format; type: network; version: 1.0").
///
/// Sections used: `META ( unit = MBITPERSEC | BITSPERSEC ... )`,
/// `NODES ( <id> ( <longitude> <latitude> ) ... )` and
/// `LINKS ( <id> ( <source> <target> ) <pre_installed_capacity> <pre_installed_capacity_cost>
/// <routing_cost> <setup_cost> ( {<module_capacity> <module_cost>}* ) ... )`.
/// DEMANDS, ADMISSIBLE_PATHS and other sections are skipped.
///
/// Inferences (listed in `Topologies/README.md`):
/// - links are undirected; a pair listed in both directions (giul39 `_fwd`/`_bwd`) gives two
///   parallel links, as the file says;
/// - capacity unit: `META unit`; when absent, Mbps (every instance without a unit uses module
///   sizes such as 155/622 (STM-1/4) or 1000/4000, i.e. Mbps);
/// - capacity: the pre-installed capacity when > 0, else the largest installable module
///   (attribute `capacity_source` = `pre_installed` or `module_max`); no capacity at all = unknown;
/// - medium unknown, length great-circle from the node coordinates, IPv6 unknown, no tiers;
/// - coordinates are WGS84 `( longitude latitude )` when every node lies within -180...180 /
///   -90...90; otherwise the file uses a planar layout (allowed by SNDlib; 10 public instances do)
///   and coordinates are kept as attributes `x`, `y` only, with a note (lengths unknown);
/// - capacities must be finite and >= 0; coordinates finite and within ±1e6.
///
/// Throws `TopologyImportError` (file, line, reason) on a missing NODES/LINKS section, a
/// malformed node or link line, a link to an undeclared node, a negative or non-finite capacity,
/// or non-finite / absurd (beyond ±1e6) coordinates.
public enum SNDlibImporter {
    /// Reads and parses the SNDlib native file at `path` (see `parse`).
    /// - Throws: `TopologyImportError` of kind `.cannotOpen` (exit 66 in the CLI) when the file
    ///   cannot be read or is not a regular file (`InputFile`), else what `parse` throws.
    public static func load(path: String) throws -> Topology {
        let data = try InputFile.data(path)
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// True when `text` starts like an SNDlib native file (used for format detection).
    public static func looksLike(_ prefix: String) -> Bool {
        prefix.contains("SNDlib native format") || (prefix.contains("NODES (") && prefix.contains("LINKS ("))
    }

    /// Parses SNDlib native text; `file` names the input in errors and gives the topology name.
    /// - Returns: nodes in file order, one undirected link per LINKS line (capacity in Mbps).
    /// - Throws: `TopologyImportError` (file, "line N", reason) for the faults listed above.
    public static func parse(_ text: String, file: String) throws -> Topology {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var topo = Topology(name: name)
        var index: [String: Int] = [:]
        var section = ""
        var unitFactor = 1.0, unitSeen = false
        var sawNodes = false, sawLinks = false, moduleCaps = 0
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let s = String(line).trimmingSpaces
            if s.isEmpty || s.hasPrefix("?") { continue }
            if section.isEmpty {
                if s.hasSuffix("(") {
                    section = String(s.dropLast()).trimmingSpaces.uppercased()
                    if section == "NODES" { sawNodes = true }
                    if section == "LINKS" { sawLinks = true }
                }
                continue
            }
            if s == ")" { section = ""; continue }
            let loc = "line \(lineNo)"
            switch section {
            case "META":
                let kv = s.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
                if kv.count == 2 && kv[0].lowercased() == "unit" {
                    unitSeen = true
                    switch kv[1].uppercased() {
                    case "MBITPERSEC": unitFactor = 1
                    case "BITSPERSEC", "BITPERSEC": unitFactor = 1e-6
                    case "KBITPERSEC": unitFactor = 1e-3
                    case "GBITPERSEC": unitFactor = 1e3
                    default: topo.importNotes.append("\(file): \(loc): unknown unit '\(kv[1])', capacities read as Mbps")
                    }
                }
            case "NODES":
                // <id> ( <lon> <lat> )
                let t = tokens(s)
                guard t.count >= 1 else { continue }
                let id = t[0]
                if index[id] != nil { throw TopologyImportError(file: file, location: loc, reason: "duplicate node '\(id)'") }
                var lat: Double?, lon: Double?
                if t.count >= 5 && t[1] == "(" && t[4] == ")" {
                    // Finite only: Double("nan") and Double("inf") parse (hostile-input finding).
                    guard let x = Double(t[2]), let y = Double(t[3]), x.isFinite, y.isFinite else {
                        throw TopologyImportError(file: file, location: loc, reason: "node '\(id)': coordinates '\(t[2]) \(t[3])' are not numbers")
                    }
                    // Planar layout coordinates are legal SNDlib; only magnitudes no layout uses are refused.
                    guard abs(x) <= SNDlibImporter.maxCoordinate, abs(y) <= SNDlibImporter.maxCoordinate else {
                        throw TopologyImportError(file: file, location: loc, reason: "node '\(id)': coordinates '\(t[2]) \(t[3])' are beyond \(Int(SNDlibImporter.maxCoordinate)) (neither WGS84 degrees nor a plausible planar layout)")
                    }
                    lon = x; lat = y
                } else if t.count != 1 {
                    throw TopologyImportError(file: file, location: loc, reason: "node line is not '<id> ( <longitude> <latitude> )'")
                }
                index[id] = topo.nodes.count
                topo.nodes.append(TopologyNode(id: id, latitude: lat, longitude: lon))
            case "LINKS":
                // <id> ( <src> <dst> ) <cap> <capcost> <routing> <setup> ( {<modcap> <modcost>}* )
                let t = tokens(s)
                guard t.count >= 9, t[1] == "(", t[4] == ")" else {
                    throw TopologyImportError(file: file, location: loc, reason: "link line is not '<id> ( <source> <target> ) <capacity> <cost> <routing cost> <setup cost> ( modules )'")
                }
                let id = t[0]
                guard let a = index[t[2]] else { throw TopologyImportError(file: file, location: loc, reason: "link '\(id)': source '\(t[2])' is not a declared node") }
                guard let b = index[t[3]] else { throw TopologyImportError(file: file, location: loc, reason: "link '\(id)': target '\(t[3])' is not a declared node") }
                guard let pre = Double(t[5]), pre.isFinite else { throw TopologyImportError(file: file, location: loc, reason: "link '\(id)': pre-installed capacity '\(t[5])' is not a number") }
                if let reason = ImportValueRules.capacity(pre, field: "pre-installed capacity") {
                    throw TopologyImportError(file: file, location: loc, reason: "link '\(id)': \(reason)")
                }
                var modules: [Double] = []
                if t.count > 9, t[9] == "(" {
                    var i = 10
                    while i + 1 < t.count, t[i] != ")" {
                        guard let c = Double(t[i]), c.isFinite else { throw TopologyImportError(file: file, location: loc, reason: "link '\(id)': module capacity '\(t[i])' is not a number") }
                        if let reason = ImportValueRules.capacity(c, field: "module capacity") {
                            throw TopologyImportError(file: file, location: loc, reason: "link '\(id)': \(reason)")
                        }
                        modules.append(c); i += 2
                    }
                }
                var link = TopologyLink(a: a, b: b)
                link.attributes["sndlib_id"] = id
                if pre > 0 {
                    link.capacityMbps = pre * unitFactor; link.attributes["capacity_source"] = "pre_installed"
                } else if let m = modules.max(), m > 0 {
                    link.capacityMbps = m * unitFactor; link.attributes["capacity_source"] = "module_max"; moduleCaps += 1
                }
                if !modules.isEmpty { link.attributes["module_capacities_mbps"] = modules.map { fmt($0 * unitFactor) }.joined(separator: " ") }
                topo.links.append(link)
            default:
                continue
            }
        }
        guard sawNodes else { throw TopologyImportError(file: file, location: "line \(lineNo)", reason: "no NODES ( ... ) section") }
        guard sawLinks else { throw TopologyImportError(file: file, location: "line \(lineNo)", reason: "no LINKS ( ... ) section") }
        if !section.isEmpty { throw TopologyImportError(file: file, location: "line \(lineNo)", reason: "section \(section) is not closed by ')'") }
        // SNDlib allows planar layout coordinates (atlanta, di-yuan, france, ... use 0...712): when
        // any node lies outside WGS84 ranges the file's coordinates are not degrees, so none of
        // them is used as latitude/longitude (great-circle lengths would be meaningless); they are
        // kept as attributes `x`, `y`.
        if let bad = topo.nodes.indices.first(where: { i in
            guard let la = topo.nodes[i].latitude, let lo = topo.nodes[i].longitude else { return false }
            return ImportValueRules.latitude(la) != nil || ImportValueRules.longitude(lo) != nil
        }) {
            for i in topo.nodes.indices {
                guard let la = topo.nodes[i].latitude, let lo = topo.nodes[i].longitude else { continue }
                topo.nodes[i].attributes["x"] = fmtCoordinate(lo); topo.nodes[i].attributes["y"] = fmtCoordinate(la)
                topo.nodes[i].latitude = nil; topo.nodes[i].longitude = nil
            }
            topo.importNotes.append("\(file): coordinates are a planar layout, not WGS84 degrees (node '\(topo.nodes[bad].id)' is outside longitude -180...180 / latitude -90...90): kept as attributes x, y; link lengths unknown")
        }
        if !unitSeen { topo.importNotes.append("\(file): META has no unit; capacities read as Mbps") }
        if moduleCaps > 0 { topo.importNotes.append("\(file): \(moduleCaps) link(s) have no pre-installed capacity; their largest installable module is used as capacity") }
        return topo
    }

    /// Splits on blanks and makes "(" and ")" separate tokens.
    static func tokens(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for ch in s {
            if ch == "(" || ch == ")" {
                if !cur.isEmpty { out.append(cur); cur = "" }
                out.append(String(ch))
            } else if ch == " " || ch == "\t" || ch == "\r" {
                if !cur.isEmpty { out.append(cur); cur = "" }
            } else { cur.append(ch) }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// Largest coordinate magnitude accepted (planar layouts in the 25 public instances stay below 720: at most 712).
    static let maxCoordinate = 1_000_000.0

    static func fmtCoordinate(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }

    static func fmt(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}
