import Foundation
import CSV

/// Reads a topology from a pair of CSV files (RFC 4180, UTF-8, header row required):
///
///     nodes.csv: id,name,tier,region,lat,lon,households,ipv6
///     links.csv: a,b,medium,capacity_mbps,length_km,ipv6
///
/// The columns are those of `shared/bench/topology_networkx.py`, so the very same synthetic
/// network can be scored by both. Header names are matched case-insensitively and in any order;
/// missing optional columns read as empty; extra columns are kept in `attributes`.
/// Only `id` (nodes) and `a`, `b` (links) are required.
///
/// Field rules (also in `Topologies/README.md`):
/// - `tier`: backbone/metro/county/township/village (a few synonyms, see `parseTier`); else unknown.
/// - `region`: a path split on "/" (province/prefecture/county/township).
/// - `households`: integer >= 0 (a decimal is truncated, as Python's `int(float(x))`); empty = 0.
/// - `lat`, `lon`: WGS84 degrees, -90...90 and -180...180; empty = unknown.
/// - `ipv6`: 1/0/true/false/yes/no; empty = unknown.
/// - `medium`: a `Medium` name or a label (`Medium(label:)`); empty = unknown.
/// - `capacity_mbps`, `length_km`: decimal >= 0; empty = unknown.
/// - Any number: finite (`nan`, `inf` are refused). The rules are `ImportValueRules`.
/// - `a`, `b`: node ids that must exist in nodes.csv.
///
/// Throws `TopologyImportError` (file, line, reason) for a missing file or header, a missing
/// required column, a duplicate node id, an unparsable number, a value outside its range (negative
/// capacity, length or households; latitude/longitude outside WGS84; NaN/inf), or a link to an
/// unknown node.
public enum CSVPairImporter {
    /// Loads `nodesPath` and `linksPath`; the topology is named after the folder holding nodes.csv.
    /// The two files are parsed concurrently (two threads); link ends are resolved afterwards.
    public static func load(nodes nodesPath: String, links linksPath: String) throws -> Topology {
        let name = URL(fileURLWithPath: nodesPath).deletingLastPathComponent().lastPathComponent
        let linkBox = ResultBox<[PendingLink]>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            do { linkBox.value = try parseLinks(linksPath) } catch { linkBox.error = error }
        }
        let nodeResult = Result { try parseNodes(nodesPath) }
        group.wait()
        let (nodes, index) = try nodeResult.get()
        if let e = linkBox.error { throw e }
        let pending = linkBox.value ?? []
        var topo = Topology(name: name, nodes: nodes)
        topo.links.reserveCapacity(pending.count)
        var selfLoops = 0
        var unknownLabels: [String: Int] = [:]
        for p in pending {
            guard let a = index[p.aId] else {
                throw TopologyImportError(file: linksPath, location: "line \(p.line)", reason: "link end a='\(p.aId)' is not a node id in \(nodesPath)")
            }
            guard let b = index[p.bId] else {
                throw TopologyImportError(file: linksPath, location: "line \(p.line)", reason: "link end b='\(p.bId)' is not a node id in \(nodesPath)")
            }
            if a == b { selfLoops += 1 }
            var link = p.link
            link.a = a; link.b = b
            if let label = link.attributes["medium"] { unknownLabels[label, default: 0] += 1 }
            topo.links.append(link)
        }
        if selfLoops > 0 { topo.importNotes.append("\(linksPath): \(selfLoops) self-loop link(s) kept in the model; scoring drops them") }
        for (label, n) in unknownLabels.sorted(by: { $0.key < $1.key }) {
            topo.importNotes.append("\(linksPath): medium '\(label)' not recognised on \(n) link(s); read as unknown")
        }
        return topo
    }

    /// A link row whose ends are still node ids.
    struct PendingLink { var aId: String; var bId: String; var line: Int; var link: TopologyLink }

    /// Result slot written by the worker thread before `DispatchGroup.wait()` returns.
    final class ResultBox<T>: @unchecked Sendable { var value: T?; var error: Error? }

    static func parseNodes(_ nodesPath: String) throws -> ([TopologyNode], [String: Int]) {
        var nodes: [TopologyNode] = []
        var index: [String: Int] = [:]
        try readRows(path: nodesPath) { header, row, line in
            let col = Columns(header: header)
            guard col["id"] != nil else {
                throw TopologyImportError(file: nodesPath, location: "line 1", reason: "header has no 'id' column")
            }
            let cId = col.index("id"), cName = col.index("name"), cTier = col.index("tier"), cRegion = col.index("region")
            let cLat = col.index("lat"), cLon = col.index("lon"), cHH = col.index("households"), cV6 = col.index("ipv6")
            var lastRegionText = "", lastRegion: [String] = []
            return { (row: [String], line: Int) throws in
                let id = col.value(row, cId).trimmingSpaces
                if id.isEmpty { throw TopologyImportError(file: nodesPath, location: "line \(line)", reason: "empty node id") }
                if index[id] != nil {
                    throw TopologyImportError(file: nodesPath, location: "line \(line)", reason: "duplicate node id '\(id)'")
                }
                let tierText = col.value(row, cTier)
                let regionText = col.value(row, cRegion)
                // Neighbouring rows usually share a region: split the path only when it changes.
                if regionText != lastRegionText {
                    lastRegionText = regionText
                    lastRegion = regionText.isEmpty ? [] : regionText.split(separator: "/").map { String($0).trimmingSpaces }
                }
                var node = TopologyNode(
                    id: id,
                    name: cName >= 0 ? col.value(row, cName) : id,
                    tier: parseTier(tierText) ?? .unknown,
                    region: lastRegion,
                    latitude: try checked(number(col.value(row, cLat), "lat", nodesPath, line), ImportValueRules.latitude, nodesPath, line),
                    longitude: try checked(number(col.value(row, cLon), "lon", nodesPath, line), ImportValueRules.longitude, nodesPath, line),
                    households: try integer(col.value(row, cHH), "households", nodesPath, line) ?? 0,
                    ipv6: parseFlag(col.value(row, cV6)))
                if !tierText.isEmpty && node.tier == .unknown { node.attributes["tier"] = tierText }
                for (k, i) in col.extra where i < row.count { node.attributes[k] = row[i] }
                index[id] = nodes.count
                nodes.append(node)
            }
        }
        return (nodes, index)
    }

    static func parseLinks(_ linksPath: String) throws -> [PendingLink] {
        var out: [PendingLink] = []
        try readRows(path: linksPath) { header, row, line in
            let col = Columns(header: header)
            guard col["a"] != nil, col["b"] != nil else {
                throw TopologyImportError(file: linksPath, location: "line 1", reason: "header needs columns 'a' and 'b'")
            }
            let cA = col.index("a"), cB = col.index("b"), cMed = col.index("medium"), cCap = col.index("capacity_mbps")
            let cKm = col.index("length_km"), cV6 = col.index("ipv6")
            return { (row: [String], line: Int) throws in
                let mediumText = col.value(row, cMed)
                var medium = Medium.unknown
                if !mediumText.isEmpty, let m = Medium(rawValue: mediumText) ?? Medium(label: mediumText) { medium = m }
                var link = TopologyLink(
                    a: -1, b: -1, medium: medium,
                    capacityMbps: try checked(number(col.value(row, cCap), "capacity_mbps", linksPath, line),
                                              { ImportValueRules.capacity($0, field: "capacity_mbps") }, linksPath, line),
                    lengthKm: try checked(number(col.value(row, cKm), "length_km", linksPath, line),
                                          { ImportValueRules.length($0, field: "length_km") }, linksPath, line),
                    ipv6: parseFlag(col.value(row, cV6)))
                if medium == .unknown && !mediumText.isEmpty && mediumText.lowercased() != "unknown" { link.attributes["medium"] = mediumText }
                for (k, i) in col.extra where i < row.count { link.attributes[k] = row[i] }
                out.append(PendingLink(aId: col.value(row, cA).trimmingSpaces, bId: col.value(row, cB).trimmingSpaces, line: line, link: link))
            }
        }
        return out
    }

    /// Loads `dir/nodes.csv` and `dir/links.csv`.
    public static func load(directory dir: String) throws -> Topology {
        let u = URL(fileURLWithPath: dir)
        return try load(nodes: u.appendingPathComponent("nodes.csv").path, links: u.appendingPathComponent("links.csv").path)
    }

    // MARK: - helpers

    /// Header name -> column index; unknown header names are "extra" attributes.
    struct Columns {
        var map: [String: Int] = [:]
        var extra: [(String, Int)] = []
        static let known: Set<String> = ["id", "name", "tier", "region", "lat", "lon", "households", "ipv6",
                                         "a", "b", "medium", "capacity_mbps", "length_km"]
        init(header: [String]) {
            for (i, h) in header.enumerated() {
                let k = h.trimmingSpaces.lowercased()
                if Columns.known.contains(k) { if map[k] == nil { map[k] = i } } else if !k.isEmpty { extra.append((h, i)) }
            }
        }
        subscript(_ k: String) -> Int? { map[k] }
        func has(_ k: String) -> Bool { map[k] != nil }
        func value(_ row: [String], _ k: String) -> String { value(row, map[k] ?? -1) }
        /// Field `i` of `row`, "" when the column is absent (-1) or the row is short.
        @inline(__always) func value(_ row: [String], _ i: Int) -> String { i >= 0 && i < row.count ? row[i] : "" }
        /// Column index of `k`, -1 when absent (looked up once per file, not per row).
        func index(_ k: String) -> Int { map[k] ?? -1 }
    }

    /// The number in `s` (nil when empty). Non-finite values (`nan`, `inf`) are an error, as is
    /// text that is not a number (`ImportValueRules`).
    static func number(_ s: String, _ field: String, _ file: String, _ line: Int) throws -> Double? {
        if s.isEmpty || s.trimmingSpaces.isEmpty { return nil }
        if let v = Double(s) ?? Double(s.trimmingSpaces) {
            guard v.isFinite else {
                throw TopologyImportError(file: file, location: "line \(line)", reason: "\(field) '\(s)' is not a finite number")
            }
            return v
        }
        throw TopologyImportError(file: file, location: "line \(line)", reason: "\(field) '\(s)' is not a number")
    }

    /// `v` after an `ImportValueRules` check; the rule's reason becomes the error.
    static func checked(_ v: Double?, _ rule: (Double) -> String?, _ file: String, _ line: Int) throws -> Double? {
        guard let v else { return nil }
        if let reason = rule(v) { throw TopologyImportError(file: file, location: "line \(line)", reason: reason) }
        return v
    }

    /// A household count: an integer, or a decimal truncated (Python's `int(float(x))`);
    /// negative, non-finite or beyond 9e15 is an error (`ImportValueRules.households`).
    static func integer(_ s: String, _ field: String, _ file: String, _ line: Int) throws -> Int? {
        if s.isEmpty { return nil }
        if let v = Int(s) {
            if v < 0 { throw TopologyImportError(file: file, location: "line \(line)", reason: "\(field) \(v) is not a household count (finite, 0...9e15)") }
            return v
        }
        guard let d = try number(s, field, file, line) else { return nil }
        if let reason = ImportValueRules.households(d, field: field) {
            throw TopologyImportError(file: file, location: "line \(line)", reason: reason)
        }
        return Int(d)
    }

    /// Streams the rows of `path` through CSV.swift; `makeHandler` sees the header first and
    /// returns the per-row handler. Line numbers assume no quoted newlines (the header is line 1).
    static func readRows(path: String,
                         _ makeHandler: ([String], [String], Int) throws -> ([String], Int) throws -> Void) throws {
        // The whole file is read once and parsed from a String: CSV.swift's InputStream path reads
        // one byte per call and reports end of stream as `cannotReadFile`.
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TopologyImportError(file: path, location: "byte 0", reason: "cannot open file", kind: .cannotOpen)
        }
        let text = String(decoding: data, as: UTF8.self)
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch {
            throw TopologyImportError(file: path, location: "line 1", reason: "not readable as CSV: \(error)")
        }
        guard let header = reader.headerRow, !header.isEmpty else {
            throw TopologyImportError(file: path, location: "line 1", reason: "empty file (a header row is required)")
        }
        let handle = try makeHandler(header, [], 1)
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.count == 1 && row[0].isEmpty { continue }   // blank line
            try handle(row, line)
        }
        if let e = reader.error {
            throw TopologyImportError(file: path, location: "line \(line + 1)", reason: "CSV syntax error: \(e)")
        }
    }
}
