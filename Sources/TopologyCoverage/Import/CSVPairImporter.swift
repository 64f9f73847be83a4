import Foundation

/// Reads a topology from a pair of CSV files (RFC 4180, UTF-8, header row required):
///
///     nodes.csv: id,name,tier,region,lat,lon,households,ipv6
///     links.csv: a,b,medium,capacity_mbps,length_km,ipv6
///
/// The columns are those of `shared/bench/topology_networkx.py`, so the very same synthetic
/// network can be scored by both. Header names are matched case-insensitively (surrounding
/// blanks ignored) and in any order; missing optional columns read as empty. Every other
/// column (and a repeat of a known one) is kept verbatim in `attributes` under its header
/// name, so roles or tags added to the files reach the model without a schema change.
/// Only `id` (nodes) and `a`, `b` (links) are required.
///
/// Syntax: `CSVScanner` (RFC 4180 quoting with `""`, quoted commas and newlines; CRLF, LF or CR
/// line ends; a UTF-8 byte order mark; blank lines skipped). A row with fewer or more fields
/// than the header is read (missing fields empty, extra ones ignored) and named in one note
/// (first 10 line numbers and the count).
///
/// Field rules (also in `Topologies/README.md`):
/// - `id`, `a`, `b`: surrounding spaces and tabs ignored; `a`, `b` must be ids in nodes.csv.
/// - `tier`: backbone/metro/county/township/village (a few synonyms, see `parseTier`); else unknown
///   (the text is kept in `attributes["tier"]`).
/// - `region`: a path split on "/" (province/prefecture/county/township).
/// - `households`: integer >= 0 (a decimal is truncated, as Python's `int(float(x))`); empty = 0.
/// - `lat`, `lon`: WGS84 degrees, -90...90 and -180...180; empty = unknown.
/// - `ipv6`: 1/0/true/false/yes/no; empty = unknown.
/// - `medium`: a `Medium` name or a label (`Medium(label:)`, the one keyword table); empty = unknown.
/// - `capacity_mbps`, `length_km`: decimal >= 0; empty = unknown.
/// - Any number: finite (`nan`, `inf` are refused). The rules are `ImportValueRules`.
///
/// Throws `TopologyImportError` (file, "line L[, column C]", reason) for a file that cannot be
/// opened or is not a regular file (`.cannotOpen`), a missing header or required column, a
/// quoted field left open, a duplicate node id, an unparsable number, a value outside its range
/// (negative capacity, length or households; latitude/longitude outside WGS84; NaN/inf), or a
/// link to an unknown node. Line numbers are physical lines (a quoted newline counts).
///
/// Speed: both files are mapped and parsed at the same time (`ConcurrentStages`, one file per
/// thread), fields are byte ranges (no String per field except ids, names and kept attributes),
/// numbers are read from bytes (`DecimalText`), node ids that are all canonical integers
/// are indexed by value in an array instead of a hash table, and link ends are resolved to
/// node indices in two halves at once.
public enum CSVPairImporter {
    /// Loads `nodesPath` and `linksPath`; the topology is named after the folder holding nodes.csv.
    public static func load(nodes nodesPath: String, links linksPath: String) throws -> Topology {
        let name = URL(fileURLWithPath: nodesPath).deletingLastPathComponent().lastPathComponent
        // Both opened first, so "cannot open" (exit 66) wins over a syntax error in the other file.
        let nodeFile = try InputFile(path: nodesPath)
        let linkFile = try InputFile(path: linksPath)
        let nodeBox = ResultBox<NodeTable>(), linkBox = ResultBox<LinkTable>()
        ConcurrentStages.run([
            { nodeBox.result = Result { try parseNodes(nodeFile) } },
            { linkBox.result = Result { try parseLinks(linkFile) } },
        ], threads: ConcurrentStages.threads(forWork: (nodeFile.bytes.count + linkFile.bytes.count) / 32))
        let nodeTable = try nodeBox.result!.get()
        var linkTable = try linkBox.result!.get()
        // Drop the box's reference: the links are then uniquely held and resolving their ends
        // below writes in place instead of copying all of them (and their attribute dictionaries).
        linkBox.result = nil
        var topo = Topology(name: name, nodes: nodeTable.nodes)
        // Link ends resolved in two halves at once (each half writes only its own links).
        let m = linkTable.links.count, mid = m / 2
        let ranges = [0..<mid, mid..<m]
        let resolved = ranges.map { _ in StageResult<EndResolution>() }
        let index = nodeTable.index, ends = linkTable.ends, endTexts = linkTable.endTexts
        linkTable.links.withUnsafeMutableBufferPointer { links in
            let target = LinkBuffer(links: links)
            ConcurrentStages.run(ranges.indices.map { h -> @Sendable () -> Void in
                { resolved[h].value = resolveEnds(ranges[h], of: target, ends: ends, texts: endTexts, index: index) }
            }, threads: ConcurrentStages.threads(forWork: m))
        }
        var selfLoops = 0
        var unknownLabels: [String: Int] = [:]
        for r in resolved {
            // The first half's failure is the earlier row.
            if let bad = r.get.unknownEnd { throw unknownEnd(bad.which, linkTable, bad.row, nodesPath, linksPath) }
            selfLoops += r.get.selfLoops
            unknownLabels.merge(r.get.unknownLabels, uniquingKeysWith: +)
        }
        topo.links = linkTable.links
        topo.importNotes = nodeTable.notes + linkTable.notes
        if selfLoops > 0 { topo.importNotes.append("\(linksPath): \(selfLoops) self-loop link(s) kept in the model; scoring drops them") }
        for (label, n) in unknownLabels.sorted(by: { $0.key < $1.key }) {
            topo.importNotes.append("\(linksPath): medium '\(label)' not recognised on \(n) link(s); read as unknown")
        }
        return topo
    }

    /// Loads `dir/nodes.csv` and `dir/links.csv`.
    public static func load(directory dir: String) throws -> Topology {
        let u = URL(fileURLWithPath: dir)
        return try load(nodes: u.appendingPathComponent("nodes.csv").path, links: u.appendingPathComponent("links.csv").path)
    }

    /// The links being resolved, shared by the stages that each write a disjoint range.
    struct LinkBuffer: @unchecked Sendable { let links: UnsafeMutableBufferPointer<TopologyLink> }

    /// What resolving a range of link ends found: the first row naming an unknown node (and
    /// which end, "a" or "b"), self-loops, and unrecognised medium labels with their counts.
    struct EndResolution { var unknownEnd: (row: Int, which: String)?; var selfLoops = 0; var unknownLabels: [String: Int] = [:] }

    /// Sets `a` and `b` of the links in `range` from their ends (`LinkTable.ends`); stops at the
    /// first end that names no node.
    static func resolveEnds(_ range: Range<Int>, of target: LinkBuffer, ends: [Int], texts: [String], index: NodeIndex) -> EndResolution {
        var r = EndResolution()
        let links = target.links
        for k in range {
            guard let a = index.lookup(ends[2 * k], texts: texts) else { r.unknownEnd = (row: k, which: "a"); return r }
            guard let b = index.lookup(ends[2 * k + 1], texts: texts) else { r.unknownEnd = (row: k, which: "b"); return r }
            if a == b { r.selfLoops += 1 }
            links[k].a = a; links[k].b = b
            // Most links carry no attributes; skip hashing the key into an empty dictionary.
            if !links[k].attributes.isEmpty, let label = links[k].attributes["medium"] {
                r.unknownLabels[label, default: 0] += 1
            }
        }
        return r
    }

    /// Result slot written by one stage, read after `ConcurrentStages.run` returns.
    final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }

    private static func unknownEnd(_ which: String, _ t: LinkTable, _ k: Int, _ nodesPath: String, _ linksPath: String) -> TopologyImportError {
        let end = t.ends[2 * k + (which == "a" ? 0 : 1)]
        let text = end >= 0 ? String(end) : t.endTexts[-end - 1]
        return TopologyImportError(file: linksPath, location: "line \(t.lines[k])",
                                   reason: "link end \(which)='\(text)' is not a node id in \(nodesPath)")
    }

    // MARK: - Node ids

    /// Node id → node index. `dense` when every id is a canonical integer (`DecimalText`) not
    /// far above the node count: an array lookup; otherwise a hash table on the id text.
    enum NodeIndex {
        case dense([Int32])
        case hashed([String: Int])

        /// The node a link end names: `end >= 0` is a canonical integer id, `end < 0` the
        /// text `texts[-end - 1]`.
        func lookup(_ end: Int, texts: [String]) -> Int? {
            switch self {
            case .dense(let slots):
                // Every node id is a canonical integer, so text that is not one names no node.
                guard end >= 0, end < slots.count, slots[end] >= 0 else { return nil }
                return Int(slots[end])
            case .hashed(let map):
                return map[end >= 0 ? String(end) : texts[-end - 1]]
            }
        }
    }

    struct NodeTable { var nodes: [TopologyNode]; var index: NodeIndex; var notes: [String] }

    /// Links with ends still unresolved: `ends[2k]`, `ends[2k+1]` are canonical integer ids
    /// (>= 0) or `-(i + 1)` for the text `endTexts[i]`; `lines[k]` is the row's line.
    struct LinkTable { var links: [TopologyLink]; var ends: [Int]; var endTexts: [String]; var lines: [Int32]; var notes: [String] }

    // MARK: - Files

    static let nodeColumns = ["id", "name", "tier", "region", "lat", "lon", "households", "ipv6"]
    static let linkColumns = ["a", "b", "medium", "capacity_mbps", "length_km", "ipv6"]

    static func parseNodes(_ input: InputFile) throws -> NodeTable {
        let path = input.path
        var rows = try Rows(input, known: nodeColumns)
        guard rows.column["id"] != nil else {
            throw TopologyImportError(file: path, location: "line 1", reason: "header has no 'id' column")
        }
        let cId = rows.index("id"), cName = rows.index("name"), cTier = rows.index("tier"), cRegion = rows.index("region")
        let cLat = rows.index("lat"), cLon = rows.index("lon"), cHH = rows.index("households"), cV6 = rows.index("ipv6")
        var nodes: [TopologyNode] = []
        nodes.reserveCapacity(input.bytes.count / 48)
        var numericIds: [Int] = [], allNumeric = true, maxId = 0
        var lines: [Int32] = []
        var lastRegionBytes: UnsafeRawBufferPointer?, lastRegion: [String] = []
        var lastTierBytes: UnsafeRawBufferPointer?, lastTierText = "", lastTier = Tier.unknown
        while try rows.next() {
            let line = rows.line
            let idField = rows.trimmed(cId)
            if idField.isEmpty { throw TopologyImportError(file: path, location: "line \(line)", reason: "empty node id") }
            if allNumeric, !idField.hasDoubledQuotes, let v = DecimalText.canonicalInteger(rows.raw(idField)) {
                numericIds.append(v); maxId = max(maxId, v)
            } else { allNumeric = false }
            let id = rows.text(idField)
            // Tiers and regions repeat from row to row: read them again only when their bytes change.
            let tierBytes = rows.raw(rows.field(cTier))
            if lastTierBytes == nil || !sameBytes(tierBytes, lastTierBytes!) {
                lastTierBytes = tierBytes
                lastTierText = rows.text(cTier)
                lastTier = parseTier(lastTierText) ?? .unknown
            }
            let regionBytes = rows.raw(rows.field(cRegion))
            if lastRegionBytes == nil || !sameBytes(regionBytes, lastRegionBytes!) {
                lastRegionBytes = regionBytes
                let regionText = rows.text(cRegion)
                lastRegion = regionText.isEmpty ? [] : regionText.split(separator: "/").map { String($0).trimmingSpaces }
            }
            var node = TopologyNode(
                id: id,
                name: cName >= 0 ? rows.text(cName) : id,
                tier: lastTier,
                region: lastRegion,
                latitude: try rows.number(cLat, "lat", rule: ImportValueRules.latitude),
                longitude: try rows.number(cLon, "lon", rule: ImportValueRules.longitude),
                households: try rows.households(cHH) ?? 0,
                ipv6: rows.flag(cV6))
            if !lastTierText.isEmpty && lastTier == .unknown { node.attributes["tier"] = lastTierText }
            rows.keepExtra(in: &node.attributes)
            lines.append(Int32(truncatingIfNeeded: line))
            nodes.append(node)
        }
        let index = try buildIndex(nodes, numericIds: allNumeric ? numericIds : nil, maxId: maxId, lines: lines, path: path)
        return NodeTable(nodes: nodes, index: index, notes: rows.notes())
    }

    /// The id index, refusing the second of two equal ids (at its line).
    private static func buildIndex(_ nodes: [TopologyNode], numericIds: [Int]?, maxId: Int, lines: [Int32], path: String) throws -> NodeIndex {
        func duplicate(_ k: Int) -> TopologyImportError {
            TopologyImportError(file: path, location: "line \(lines[k])", reason: "duplicate node id '\(nodes[k].id)'")
        }
        // Dense when the id range is at most 4 slots per node (4 bytes each): cheaper than hashing.
        if let ids = numericIds, maxId < 4 * nodes.count + 1024, nodes.count < Int(Int32.max) {
            var slots = [Int32](repeating: -1, count: maxId + 1)
            for (k, v) in ids.enumerated() {
                if slots[v] >= 0 { throw duplicate(k) }
                slots[v] = Int32(k)
            }
            return .dense(slots)
        }
        var map: [String: Int] = [:]
        map.reserveCapacity(nodes.count)
        for (k, n) in nodes.enumerated() {
            if map.updateValue(k, forKey: n.id) != nil { throw duplicate(k) }
        }
        return .hashed(map)
    }

    static func parseLinks(_ input: InputFile) throws -> LinkTable {
        let path = input.path
        var rows = try Rows(input, known: linkColumns)
        guard rows.column["a"] != nil, rows.column["b"] != nil else {
            throw TopologyImportError(file: path, location: "line 1", reason: "header needs columns 'a' and 'b'")
        }
        let cA = rows.index("a"), cB = rows.index("b"), cMed = rows.index("medium"), cCap = rows.index("capacity_mbps")
        let cKm = rows.index("length_km"), cV6 = rows.index("ipv6")
        var t = LinkTable(links: [], ends: [], endTexts: [], lines: [], notes: [])
        let estimate = input.bytes.count / 32
        t.links.reserveCapacity(estimate); t.ends.reserveCapacity(2 * estimate); t.lines.reserveCapacity(estimate)
        var lastMediumBytes: UnsafeRawBufferPointer?, lastMediumText = "", lastMedium = Medium.unknown
        while try rows.next() {
            for c in [cA, cB] {
                let f = rows.trimmed(c)
                if !f.hasDoubledQuotes, let v = DecimalText.canonicalInteger(rows.raw(f)) { t.ends.append(v) }
                else { t.endTexts.append(rows.text(f)); t.ends.append(-t.endTexts.count) }
            }
            // Media repeat from row to row: read the label again only when its bytes change.
            let mediumBytes = rows.raw(rows.field(cMed))
            if lastMediumBytes == nil || !sameBytes(mediumBytes, lastMediumBytes!) {
                lastMediumBytes = mediumBytes
                lastMediumText = rows.text(cMed)
                lastMedium = lastMediumText.isEmpty ? .unknown : (Medium(rawValue: lastMediumText) ?? Medium(label: lastMediumText) ?? .unknown)
            }
            var link = TopologyLink(
                a: -1, b: -1, medium: lastMedium,
                capacityMbps: try rows.number(cCap, "capacity_mbps", rule: { ImportValueRules.capacity($0, field: "capacity_mbps") }),
                lengthKm: try rows.number(cKm, "length_km", rule: { ImportValueRules.length($0, field: "length_km") }),
                ipv6: rows.flag(cV6))
            if lastMedium == .unknown && !lastMediumText.isEmpty && lastMediumText.lowercased() != "unknown" {
                link.attributes["medium"] = lastMediumText
            }
            rows.keepExtra(in: &link.attributes)
            t.lines.append(Int32(truncatingIfNeeded: rows.line))
            t.links.append(link)
        }
        t.notes = rows.notes()
        return t
    }

    /// Byte equality of two short fields (`memcmp`, no per-byte generic iteration).
    @inline(__always) static func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    // MARK: - Rows of one file

    /// The records of one file after its header: fields by column index, typed readers that
    /// throw with the file and line, and the ragged-row tally.
    struct Rows {
        var scanner: CSVScanner
        let path: String
        /// Known column name (lowercased) → index; the first occurrence wins.
        var column: [String: Int] = [:]
        /// Columns kept as attributes: (header name as written, index).
        var extra: [(String, Int)] = []
        let width: Int
        var raggedLines: [Int] = []
        var raggedCount = 0
        private let empty = CSVField(start: 0, end: 0, hasDoubledQuotes: false)

        init(_ input: InputFile, known: [String]) throws {
            path = input.path
            var s = CSVScanner(bytes: input.bytes, file: input.path)
            guard try s.next(), !(s.fields.count == 1 && s.fields[0].isEmpty) else {
                throw TopologyImportError(file: input.path, location: "line 1", reason: "empty file (a header row is required)")
            }
            let header = s.fields.map { s.string($0).trimmingSpaces }
            scanner = s
            width = header.count
            for (i, h) in header.enumerated() {
                let k = h.lowercased()
                if known.contains(k) && column[k] == nil { column[k] = i } else if !h.isEmpty { extra.append((h, i)) }
            }
        }

        var line: Int { scanner.recordLine }

        /// Next record; false at the end. Rows whose width differs from the header's are tallied.
        mutating func next() throws -> Bool {
            guard try scanner.next() else { return false }
            if scanner.fields.count != width {
                raggedCount += 1
                if raggedLines.count < 10 { raggedLines.append(scanner.recordLine) }
            }
            return true
        }

        /// Column index of `k`, -1 when absent (looked up once per file, not per row).
        func index(_ k: String) -> Int { column[k] ?? -1 }
        /// Field `i` of the current row; empty when the column is absent (-1) or the row is short.
        @inline(__always) func field(_ i: Int) -> CSVField {
            i >= 0 && i < scanner.fields.count ? scanner.fields[i] : empty
        }
        func trimmed(_ i: Int) -> CSVField { scanner.trimmed(field(i)) }
        func trimmed(_ f: CSVField) -> CSVField { scanner.trimmed(f) }
        func raw(_ f: CSVField) -> UnsafeRawBufferPointer { scanner.raw(f) }
        func text(_ i: Int) -> String { text(field(i)) }
        func text(_ f: CSVField) -> String { f.isEmpty ? "" : scanner.string(f) }

        /// The number in column `i` (nil when empty or blank), checked by `rule`.
        /// - Throws: not a number, not finite, or the rule's reason, at this line.
        func number(_ i: Int, _ name: String, rule: (Double) -> String?) throws -> Double? {
            let f = trimmed(i)
            if f.isEmpty { return nil }
            guard !f.hasDoubledQuotes, let v = DecimalText.double(raw(f)) else {
                throw TopologyImportError(file: path, location: "line \(line)", reason: "\(name) '\(text(field(i)))' is not a number")
            }
            guard v.isFinite else {
                throw TopologyImportError(file: path, location: "line \(line)", reason: "\(name) '\(text(field(i)))' is not a finite number")
            }
            if let reason = rule(v) { throw TopologyImportError(file: path, location: "line \(line)", reason: reason) }
            return v
        }

        /// A household count: an integer, or a decimal truncated (Python's `int(float(x))`);
        /// negative, non-finite or beyond 9e15 is an error (`ImportValueRules.households`).
        func households(_ i: Int) throws -> Int? {
            let f = trimmed(i)
            if f.isEmpty { return nil }
            if !f.hasDoubledQuotes, let v = DecimalText.integer(raw(f)) {
                if v < 0 { throw TopologyImportError(file: path, location: "line \(line)", reason: "households \(v) is not a household count (finite, 0...9e15)") }
                return v
            }
            guard let d = try number(i, "households", rule: { ImportValueRules.households($0) }) else { return nil }
            return Int(d)
        }

        func flag(_ i: Int) -> Bool? {
            let f = field(i)
            if f.end == f.start + 1 {   // fast path for the common 1/0 columns
                let c = scanner.bytes[f.start]
                if c == 0x31 { return true }
                if c == 0x30 { return false }
            }
            return f.isEmpty ? nil : parseFlag(text(f))
        }

        /// Copies the extra columns present in this row into `attributes`.
        func keepExtra(in attributes: inout [String: String]) {
            for (k, i) in extra where i < scanner.fields.count { attributes[k] = text(i) }
        }

        /// The ragged-row note, if any row's width differed from the header's.
        func notes() -> [String] {
            guard raggedCount > 0 else { return [] }
            let more = raggedCount > raggedLines.count ? ", …" : ""
            return ["\(path): \(raggedCount) row(s) with a field count other than the header's \(width) "
                    + "(lines \(raggedLines.map(String.init).joined(separator: ", "))\(more)): missing fields read as empty, extra fields ignored"]
        }
    }
}
