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
/// - `households`: integer (a decimal is truncated, as Python's `int(float(x))`); empty = 0.
/// - `ipv6`: 1/0/true/false/yes/no; empty = unknown.
/// - `medium`: a `Medium` name or a label (`Medium(label:)`); empty = unknown.
/// - `capacity_mbps`, `length_km`: decimal; empty = unknown.
/// - `a`, `b`: node ids that must exist in nodes.csv.
///
/// Throws `TopologyImportError` (file, line, reason) for a missing file or header, a missing
/// required column, a duplicate node id, an unparsable number, or a link to an unknown node.
public enum CSVPairImporter {
    /// Loads `nodesPath` and `linksPath`; the topology is named after the folder holding nodes.csv.
    public static func load(nodes nodesPath: String, links linksPath: String) throws -> Topology {
        let name = URL(fileURLWithPath: nodesPath).deletingLastPathComponent().lastPathComponent
        var topo = Topology(name: name)
        var index: [String: Int] = [:]

        try readRows(path: nodesPath) { header, row, line in
            let col = Columns(header: header)
            guard let idCol = col["id"] else {
                throw TopologyImportError(file: nodesPath, location: "line 1", reason: "header has no 'id' column")
            }
            _ = idCol
            return { (row: [String], line: Int) throws in
                let id = col.value(row, "id").trimmingSpaces
                if id.isEmpty { throw TopologyImportError(file: nodesPath, location: "line \(line)", reason: "empty node id") }
                if index[id] != nil {
                    throw TopologyImportError(file: nodesPath, location: "line \(line)", reason: "duplicate node id '\(id)'")
                }
                let tierText = col.value(row, "tier")
                let regionText = col.value(row, "region")
                var node = TopologyNode(
                    id: id,
                    name: col.has("name") ? col.value(row, "name") : id,
                    tier: parseTier(tierText) ?? .unknown,
                    region: regionText.isEmpty ? [] : regionText.split(separator: "/").map { String($0).trimmingSpaces },
                    latitude: try number(col.value(row, "lat"), "lat", nodesPath, line),
                    longitude: try number(col.value(row, "lon"), "lon", nodesPath, line),
                    households: try integer(col.value(row, "households"), "households", nodesPath, line) ?? 0,
                    ipv6: parseFlag(col.value(row, "ipv6")))
                if !tierText.isEmpty && node.tier == .unknown { node.attributes["tier"] = tierText }
                for (k, i) in col.extra where i < row.count { node.attributes[k] = row[i] }
                index[id] = topo.nodes.count
                topo.nodes.append(node)
            }
        }
        var selfLoops = 0
        try readRows(path: linksPath) { header, row, line in
            let col = Columns(header: header)
            guard col["a"] != nil, col["b"] != nil else {
                throw TopologyImportError(file: linksPath, location: "line 1", reason: "header needs columns 'a' and 'b'")
            }
            var unknownLabels: [String: Int] = [:]
            return { (row: [String], line: Int) throws in
                let aId = col.value(row, "a").trimmingSpaces, bId = col.value(row, "b").trimmingSpaces
                guard let a = index[aId] else {
                    throw TopologyImportError(file: linksPath, location: "line \(line)", reason: "link end a='\(aId)' is not a node id in \(nodesPath)")
                }
                guard let b = index[bId] else {
                    throw TopologyImportError(file: linksPath, location: "line \(line)", reason: "link end b='\(bId)' is not a node id in \(nodesPath)")
                }
                if a == b { selfLoops += 1 }
                let mediumText = col.value(row, "medium")
                var medium = Medium.unknown
                if !mediumText.isEmpty {
                    if let m = Medium(rawValue: mediumText) ?? Medium(label: mediumText) { medium = m }
                    else { unknownLabels[mediumText, default: 0] += 1 }
                }
                var link = TopologyLink(
                    a: a, b: b, medium: medium,
                    capacityMbps: try number(col.value(row, "capacity_mbps"), "capacity_mbps", linksPath, line),
                    lengthKm: try number(col.value(row, "length_km"), "length_km", linksPath, line),
                    ipv6: parseFlag(col.value(row, "ipv6")))
                if medium == .unknown && !mediumText.isEmpty { link.attributes["medium"] = mediumText }
                for (k, i) in col.extra where i < row.count { link.attributes[k] = row[i] }
                topo.links.append(link)
            } as ([String], Int) throws -> Void
        }
        if selfLoops > 0 { topo.importNotes.append("\(linksPath): \(selfLoops) self-loop link(s) kept in the model; scoring drops them") }
        return topo
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
        @inline(__always) func value(_ row: [String], _ k: String) -> String {
            guard let i = map[k], i < row.count else { return "" }
            return row[i]
        }
    }

    static func number(_ s: String, _ field: String, _ file: String, _ line: Int) throws -> Double? {
        if s.isEmpty { return nil }
        if let v = Double(s) ?? Double(s.trimmingSpaces) { return v.isFinite ? v : nil }
        throw TopologyImportError(file: file, location: "line \(line)", reason: "\(field) '\(s)' is not a number")
    }

    static func integer(_ s: String, _ field: String, _ file: String, _ line: Int) throws -> Int? {
        if s.isEmpty { return nil }
        if let v = Int(s) { return v }
        if let d = try number(s, field, file, line), d.magnitude < 9e15 { return Int(d) }
        return nil
    }

    /// Streams the rows of `path` through CSV.swift; `makeHandler` sees the header first and
    /// returns the per-row handler. Line numbers assume no quoted newlines (the header is line 1).
    static func readRows(path: String,
                         _ makeHandler: ([String], [String], Int) throws -> ([String], Int) throws -> Void) throws {
        // The whole file is read once and parsed from a String: CSV.swift's InputStream path reads
        // one byte per call and reports end of stream as `cannotReadFile`.
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TopologyImportError(file: path, location: "byte 0", reason: "cannot open file")
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
