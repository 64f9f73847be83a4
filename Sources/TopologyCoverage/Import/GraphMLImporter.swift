import Foundation

// GraphML reader (http://graphml.graphdrawing.org/specification.html, GraphML 1.0) tuned for
// the Internet Topology Zoo (Knight et al., IEEE JSAC 29(9), 2011). A streaming SAX2 reader
// (`GraphMLSAX`, libxml2's pull parser over the mapped file, any size): `<key>` declarations
// (with `<default>`), `<node>`, `<edge>` and their `<data>`.
// Semantics follow networkx `read_graphml(..., force_multigraph=True)`, the reader FACTS.tsv
// was computed with: every `<edge>` is an edge (parallel edges and self-loops kept), the file's
// `edgedefault` is ignored (the Zoo's graphs are undirected), an edge naming an undeclared
// node creates it.

/// A GraphML file that cannot be read: malformed XML or a structural error.
public struct GraphMLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// File path (or the name given to ``GraphMLImporter/parse(_:name:options:)``).
    public var file: String
    /// 1-based line and column reported by the XML parser (0 when unknown).
    public var line: Int
    public var column: Int
    public var reason: String
    /// Set where the error is thrown: `.cannotOpen` only when the file could not be read at all.
    public var kind: TopologyImportError.Kind
    public var description: String { "\(file):\(line):\(column): \(reason)" }
    /// The file could not be read at all (the CLI exits 66 for this, 65 for every other error).
    public var cannotOpen: Bool { kind == .cannotOpen }

    public init(file: String, line: Int, column: Int, reason: String, kind: TopologyImportError.Kind = .invalid) {
        self.file = file; self.line = line; self.column = column; self.reason = reason; self.kind = kind
    }
}

/// Reads Topology Zoo GraphML into a ``Topology``.
///
/// Mapping (every inference is listed; unmapped attributes are kept verbatim in `attributes`):
/// - Node `label` → `name` (else the GraphML node id). The node's GraphML id → `id`.
/// - Node `Latitude` / `Longitude` (decimal degrees) → `latitude` / `longitude`, only when
///   both parse as numbers; text that is no number leaves both nil, the raw text is kept in
///   `attributes` and a note is recorded. Nodes with neither or only one of the two are named
///   in a note (the first 10 ids, then the count), since lengths to them cannot be derived. A number outside WGS84 (latitude -90...90, longitude
///   -180...180) or NaN/inf is an error (`GraphMLError` at the `<node>` line).
/// - Node `Internal` (1 = the operator's own PoP, 0 = external/peer) and every other node
///   attribute (`Country`, `type`, `hyperedge`, `id`, ...) → `attributes`, text as written.
///   Tier stays `.unknown` (the Zoo has no tiers); IPv6 stays nil.
/// - Edge capacity in Mbps, first rule that yields a positive finite number (the same order as
///   `graphml_capacity_mbps` in `shared/bench/topology_networkx.py`):
///   1. `LinkSpeedRaw` (bits per second) / 10^6;
///   2. `LinkSpeed` × unit of `LinkSpeedUnits` (first letter, case-insensitive: K = 10^-3,
///      M = 1, G = 10^3, T = 10^6 Mbps);
///   3. `LinkLabel` parsed by ``linkLabelMbps(_:)``;
///   otherwise nil (unknown).
/// - Edge medium (when `options.inferMedium`, the default): an edge attribute `medium` naming a
///   ``Medium`` wins; else keywords in `LinkType`, then in `LinkLabel` (see ``mediumHint(_:)``):
///   the words of `Medium.keywordTable`, the table every importer uses ("Fibre", "DWDM",
///   "Dark Fibre" → fiber, "Microwave" → microwave, "ADSL" → copper, ...); otherwise `.unknown`. With `inferMedium == false` only the `medium` attribute is used
///   (the networkx reference scorer's behaviour).
/// - Edge `lengthKm`: a `length_km` attribute when present (the Zoo has none); the great-circle
///   length is derived on demand by ``Topology/linkLengthsKm()``.
/// - All edge attributes (including the `LinkSpeed*`/`LinkLabel` text) stay in `attributes`.
/// - Graph-level `<data>` (Network, GeoLocation, ...) is recorded in `importNotes` as
///   `graph NAME=VALUE`.
///
/// Input: any size (mapped, parsed by libxml2's SAX2 pull parser, `GraphMLSAX`); UTF-8,
/// US-ASCII, ISO-8859-1 or UTF-16 by declared and detected encoding (`acceptedEncoding`); no
/// `<!ENTITY` declarations; FIFOs and devices refused (`InputFile`).
///
/// Throws ``GraphMLError`` on an unsupported encoding (line 1), malformed XML or a libxml2 limit
/// (its message, which names the limit), a `<node>` without `id`, an `<edge>` without
/// `source`/`target`, a nested `<graph>` (unsupported), or a number outside its range
/// (Latitude/Longitude outside WGS84; LinkSpeed, LinkSpeedRaw, length_km negative; any of them
/// NaN/inf: the line of the `<node>`/`<edge>` and its id are named). Hyperedges are skipped with a note.
public enum GraphMLImporter {
    /// Reading options.
    public struct Options: Sendable {
        /// Infer link media from `LinkType`/`LinkLabel` keywords (see the type documentation).
        public var inferMedium: Bool
        public init(inferMedium: Bool = true) { self.inferMedium = inferMedium }
    }

    /// Reads the GraphML file at `path`; the topology is named after the file (without extension).
    /// - Throws: ``GraphMLError`` (unreadable file, malformed XML, structural error).
    public static func load(path: String, options: Options = Options()) throws -> Topology {
        let url = URL(fileURLWithPath: path)
        let file: InputFile
        // `InputFile` refuses FIFOs and devices without blocking and maps the file (no copy).
        do { file = try InputFile(path: path) } catch let e as TopologyImportError {
            throw GraphMLError(file: path, line: 0, column: 0, reason: "cannot read file: \(e.reason)", kind: .cannotOpen)
        }
        let data = file.bytes.baseAddress.map {
            Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0), count: file.bytes.count, deallocator: .none)
        } ?? Data()
        return try withExtendedLifetime(file) {
            try parse(data, name: url.deletingPathExtension().lastPathComponent, file: path, options: options)
        }
    }

    /// Parses GraphML bytes. `name` names the topology and appears in errors.
    /// - Throws: ``GraphMLError``.
    public static func parse(_ data: Data, name: String, options: Options = Options()) throws -> Topology {
        try parse(data, name: name, file: name, options: options)
    }

    private static func parse(_ input: Data, name: String, file: String, options: Options) throws -> Topology {
        var data = input
        guard !data.isEmpty else { throw GraphMLError(file: file, line: 0, column: 0, reason: "empty document") }
        // UTF-16 is transcoded to UTF-8 first, so the byte-level checks below see ASCII markup;
        // NUL is refused before the declaration is even read (the fuzzed crash had both).
        let family = detectEncoding(data)
        if family == .asciiCompatible { try refuseNUL(data, file: file) }
        data = try acceptedEncoding(data, file: file)
        if family != .asciiCompatible { try refuseNUL(data, file: file) }
        // GraphML needs no DTD entities, and libxml2 under FoundationXML substituted an external
        // entity (`<!ENTITY x SYSTEM "file:///...">`) into node labels even with
        // shouldResolveExternalEntities false (hostile-input test: a local file was read into
        // the topology). Entity declarations are refused outright, which also stops
        // "billion laughs" expansion. The predefined entities (&amp; &lt; ...) still work.
        if let r = data.range(of: Data("<!ENTITY".utf8)) {
            let prefix = data[data.startIndex..<r.lowerBound]
            let line = prefix.reduce(1) { $1 == 0x0a ? $0 + 1 : $0 }
            throw GraphMLError(file: file, line: line, column: 0,
                               reason: "DTD entity declarations are not supported (GraphML needs none; refused so no external file or entity expansion is read)")
        }
        if let at = processingInstructionWithoutData(data) {
            let line = data[data.startIndex..<at].reduce(1) { $1 == 0x0a ? $0 + 1 : $0 }
            throw GraphMLError(file: file, line: line, column: 0,
                               reason: "processing instruction without data (<?name?>) is not supported")
        }
        let reader = Reader(file: file, options: options)
        do {
            try data.withUnsafeBytes { try GraphMLSAX.parse($0, events: reader) }
        } catch let f as GraphMLSAX.Failure {
            throw GraphMLError(file: file, line: f.line, column: f.column, reason: "malformed XML: \(f.message)")
        }
        if let error = reader.error { throw error }
        guard reader.sawGraphML else {
            throw GraphMLError(file: file, line: reader.lastLine, column: 0, reason: "no <graphml> root element")
        }
        return try reader.finish(name: name)
    }

    /// XML 1.0 (section 2.2) allows no NUL character; libxml2 under FoundationXML crashed
    /// (SIGSEGV in xmlSwitchToEncoding) on `<?xml version="1.0" encoding="utf7"` + NUL (fuzz).
    static func refuseNUL(_ data: Data, file: String) throws {
        if let nul = data.firstIndex(of: 0) {
            let line = data[data.startIndex..<nul].reduce(1) { $1 == 0x0a ? $0 + 1 : $0 }
            throw GraphMLError(file: file, line: line, column: 0,
                               reason: "NUL byte at offset \(nul - data.startIndex) (not allowed in XML)")
        }
    }

    /// The encoding families XML 1.0 Appendix F tells apart from the first four bytes.
    enum DetectedEncoding: Equatable { case asciiCompatible, utf16BigEndian, utf16LittleEndian, ebcdic, ucs4 }

    /// The family of `data` by its first bytes (XML 1.0 Appendix F): a byte order mark, or the
    /// bytes of `<?` in UTF-16, UCS-4 or EBCDIC; anything else is ASCII-compatible (UTF-8,
    /// US-ASCII or ISO-8859-1, told apart by the declaration).
    static func detectEncoding(_ data: Data) -> DetectedEncoding {
        let b = Array(data.prefix(4)) + [UInt8](repeating: 0xAA, count: max(0, 4 - data.count))
        switch (b[0], b[1], b[2], b[3]) {
        case (0x00, 0x00, 0x00, 0x3C), (0x3C, 0x00, 0x00, 0x00), (0x00, 0x00, 0x3C, 0x00), (0x00, 0x3C, 0x00, 0x00),
             (0x00, 0x00, 0xFE, 0xFF), (0xFF, 0xFE, 0x00, 0x00), (0x00, 0x00, 0xFF, 0xFE), (0xFE, 0xFF, 0x00, 0x00):
            return .ucs4
        case (0xFE, 0xFF, _, _), (0x00, 0x3C, 0x00, 0x3F): return .utf16BigEndian
        case (0xFF, 0xFE, _, _), (0x3C, 0x00, 0x3F, 0x00): return .utf16LittleEndian
        case (0x4C, 0x6F, 0xA7, 0x94): return .ebcdic
        default: return .asciiCompatible
        }
    }

    static let asciiCompatibleEncodings: Set<String> = ["utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "iso_8859-1", "latin1", "latin-1"]
    static let utf16Encodings: Set<String> = ["utf-16", "utf16", "utf-16le", "utf-16be"]

    /// `data` in an encoding libxml2 reads natively, checked by the declared *and* the detected
    /// encoding: UTF-8, US-ASCII and ISO-8859-1 pass as they are; UTF-16 (either byte order,
    /// with or without a byte order mark) is transcoded to UTF-8 and its declaration rewritten
    /// to say so, keeping line numbers. EBCDIC, UCS-4, any other declared encoding, and a
    /// declaration that contradicts the bytes (UTF-16 declared over ASCII bytes, UTF-8 declared
    /// over UTF-16) are refused: the byte-level entity and NUL checks assume ASCII markup, and
    /// other encodings go through iconv, where a fuzzed UTF-7 document crashed the parser.
    /// - Throws: `GraphMLError` at line 1 naming the encoding found.
    static func acceptedEncoding(_ data: Data, file: String) throws -> Data {
        func refuse(_ why: String) -> GraphMLError {
            GraphMLError(file: file, line: 1, column: 0, reason: "\(why) (GraphML is read as UTF-8, UTF-16, US-ASCII or ISO-8859-1)")
        }
        switch detectEncoding(data) {
        case .ebcdic: throw refuse("the document is EBCDIC-encoded (its first bytes are '<?xm' in EBCDIC)")
        case .ucs4: throw refuse("the document is UCS-4 (UTF-32) encoded")
        case .asciiCompatible:
            if let e = declaredEncoding(data), !asciiCompatibleEncodings.contains(e.lowercased()) {
                throw refuse(utf16Encodings.contains(e.lowercased())
                    ? "declared encoding '\(e)' does not match the bytes, which are not UTF-16"
                    : "declared encoding '\(e)' is not supported")
            }
            return data
        case let family:
            let bytes = Array(data)
            var start = 0
            if bytes.count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) { start = 2 }
            var units: [UInt16] = []
            units.reserveCapacity((bytes.count - start) / 2)
            var i = start
            while i + 1 < bytes.count {
                units.append(family == .utf16BigEndian ? UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) : UInt16(bytes[i + 1]) << 8 | UInt16(bytes[i]))
                i += 2
            }
            var text = String(decoding: units, as: UTF16.self)
            var utf8 = Data(text.utf8)
            if let e = declaredEncoding(utf8) {
                guard utf16Encodings.contains(e.lowercased()) else {
                    throw refuse("declared encoding '\(e)' does not match the bytes, which are UTF-16")
                }
                // Same declaration, now naming the bytes it stands before (no line moves).
                if let r = text.range(of: e) { text.replaceSubrange(r, with: "UTF-8"); utf8 = Data(text.utf8) }
            }
            return utf8
        }
    }

    /// The `encoding` pseudo-attribute of the XML declaration (XML 1.0 section 4.3.3), if any,
    /// read from ASCII-compatible bytes (after a UTF-8 byte order mark, if any).
    static func declaredEncoding(_ data: Data) -> String? {
        var head = Array(data.prefix(256))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        guard head.starts(with: Array("<?xml".utf8)) else { return nil }
        let text = String(decoding: head, as: UTF8.self)
        let decl = text.range(of: "?>").map { String(text[..<$0.lowerBound]) } ?? text
        guard let r = decl.range(of: "encoding") else { return nil }
        var rest = decl[r.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }

    /// Offset of the first `<?name?>` (a processing instruction with no data at all), or nil.
    /// FoundationXML on Linux passes libxml2's NULL data pointer to strlen and the process dies
    /// with SIGSEGV (fuzz finding, FuzzGraphML; 5 bytes `<?x?>` crash the system parser), so
    /// such documents are refused before parsing. `<?name data?>` and the XML declaration are fine.
    static func processingInstructionWithoutData(_ data: Data) -> Data.Index? {
        var i = data.startIndex
        let end = data.endIndex
        while i + 1 < end {
            if data[i] == 0x3c, data[i + 1] == 0x3f {   // "<?"
                var j = i + 2
                while j < end, data[j] != 0x3f, data[j] != 0x20, data[j] != 0x09, data[j] != 0x0a, data[j] != 0x0d { j += 1 }
                if j > i + 2, j + 1 < end, data[j] == 0x3f, data[j + 1] == 0x3e { return i }
                i = j
            } else {
                i += 1
            }
        }
        return nil
    }

    /// How many node ids a note names before it gives only the count.
    static let namedInNotes = 10

    // MARK: - Link speed and medium inference

    private static let unitMbps: [Character: Double] = ["k": 1e-3, "m": 1, "g": 1e3, "t": 1e6]

    /// Capacity in Mbps from Topology Zoo edge data (see the type documentation for the order),
    /// or nil when no rule gives a positive finite value.
    public static func capacityMbps(_ data: [String: String]) -> Double? {
        if let raw = number(data["LinkSpeedRaw"]), raw > 0 { return raw / 1e6 }
        if let speed = number(data["LinkSpeed"]), speed > 0,
           let u = data["LinkSpeedUnits"]?.trimmingSpaces.lowercased().first,
           let unit = unitMbps[u] {
            return speed * unit
        }
        return linkLabelMbps(data["LinkLabel"])
    }

    /// Capacity in Mbps from a free-text link label such as `155M`, `2.5 Gbps`, `10 Gbit/s`,
    /// `OC-48`; nil when the label carries no single speed.
    ///
    /// Rules (those of `label_mbps` in `shared/bench/topology_networkx.py`):
    /// 1. a label with a numeric range (`1-20Gbps`, `10 to 34 Mb/s`) or a bound (`<`,
    ///    `less than`) gives nil: no single capacity can be read from it;
    /// 2. else the first `<number>[spaces]<k|M|G|T>[bit/s|bits/s|bps|b/s|bit|b|B/s|B]` not
    ///    preceded by a digit or `.` and not followed by a letter wins; the unit letter's case is
    ///    ignored and `B` is read as bits (Zoo labels write `1 GB/s` for 1 Gbit/s);
    ///    a multiplier is ignored (`2x10Gb/s` → 10,000);
    /// 3. else SONET/SDH/PDH names as whole words: OC-192/STM-64 9953.28, OC-48/STM-16 2488.32,
    ///    OC-12/STM-4 622.08, OC-3/STM-1 155.52, DS-3/T3 44.736, E1 2.048, T1/DS-1 1.544 (ITU-T
    ///    G.707 / ANSI T1.105 line rates; the hyphen is optional, case ignored).
    public static func linkLabelMbps(_ label: String?) -> Double? {
        guard let label, !label.isEmpty else { return nil }
        let s = Array(label.unicodeScalars)
        if hasRange(s) || label.contains("<") || label.lowercased().contains("less than") { return nil }
        if let rate = firstRate(s) { return rate }
        let lower = Array(label.lowercased().unicodeScalars)
        for (names, mbps) in namedRates where names.contains(where: { containsWord(lower, $0) }) {
            return mbps
        }
        return nil
    }

    /// Word alternatives (lowercase, "-" optional) and their line rate in Mbps, checked in order.
    private static let namedRates: [([(String, String)], Double)] = [
        ([("oc", "192"), ("stm", "64")], 9953.28),
        ([("oc", "48"), ("stm", "16")], 2488.32),
        ([("oc", "12"), ("stm", "4")], 622.08),
        ([("oc", "3"), ("stm", "1")], 155.52),
        ([("ds", "3"), ("t", "3")], 44.736),
        ([("e", "1")], 2.048),
        ([("t", "1"), ("ds", "1")], 1.544),
    ]

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private static func isASCIILetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    private static func isWordChar(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || c.properties.numericType != nil
    }
    private static func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }

    /// `\d\s*(-|to)\s*\d` anywhere.
    private static func hasRange(_ s: [Unicode.Scalar]) -> Bool {
        for i in s.indices where isDigit(s[i]) {
            var j = i + 1
            while j < s.count && isSpace(s[j]) { j += 1 }
            if j < s.count && s[j] == "-" { j += 1 }
            else if j + 1 < s.count && s[j] == "t" && s[j + 1] == "o" { j += 2 }
            else { continue }
            while j < s.count && isSpace(s[j]) { j += 1 }
            if j < s.count && isDigit(s[j]) { return true }
        }
        return false
    }

    private static let rateSuffixes: [[Unicode.Scalar]] =
        ["bit/s", "bits/s", "bps", "b/s", "bit", "b", "B/s", "B", ""].map { Array($0.unicodeScalars) }

    /// The first `<number>\s*<unit>(suffix)?` with no letter after it (see `linkLabelMbps`).
    private static func firstRate(_ s: [Unicode.Scalar]) -> Double? {
        var i = 0
        while i < s.count {
            defer { i += 1 }
            guard isDigit(s[i]), i == 0 || (!isDigit(s[i - 1]) && s[i - 1] != ".") else { continue }
            var j = i
            while j < s.count && isDigit(s[j]) { j += 1 }
            if j + 1 < s.count && s[j] == "." && isDigit(s[j + 1]) {
                j += 1
                while j < s.count && isDigit(s[j]) { j += 1 }
            }
            let numberText = String(String.UnicodeScalarView(s[i..<j]))
            while j < s.count && isSpace(s[j]) { j += 1 }
            guard j < s.count, let unit = unitMbps[Character(String(s[j]).lowercased())] else { continue }
            j += 1
            for suffix in rateSuffixes {
                guard j + suffix.count <= s.count, Array(s[j..<(j + suffix.count)]) == suffix else { continue }
                let k = j + suffix.count
                if k == s.count || !isASCIILetter(s[k]) {
                    if let v = Double(numberText) { return v * unit }
                }
            }
        }
        return nil
    }

    /// `\b<prefix>-?<number>\b` in a lowercased label.
    private static func containsWord(_ s: [Unicode.Scalar], _ word: (String, String)) -> Bool {
        let p = Array(word.0.unicodeScalars), n = Array(word.1.unicodeScalars)
        guard s.count >= p.count + n.count else { return false }
        for i in 0...(s.count - p.count - n.count) {
            if i > 0 && isWordChar(s[i - 1]) { continue }
            guard Array(s[i..<(i + p.count)]) == p else { continue }
            let j = i + p.count
            for hyphen in [true, false] {
                var k = j
                if hyphen { guard k < s.count && s[k] == "-" else { continue }; k += 1 }
                guard k + n.count <= s.count, Array(s[k..<(k + n.count)]) == n else { continue }
                let end = k + n.count
                if end == s.count || !isWordChar(s[end]) { return true }
            }
        }
        return false
    }

    /// The medium a free-text `LinkType` or `LinkLabel` names, or nil: `Medium(label:)`, the one
    /// keyword table (`Medium.keywordTable`) every importer uses.
    public static func mediumHint(_ text: String?) -> Medium? {
        guard let t = text, !t.isEmpty else { return nil }
        return Medium(label: t)
    }

    /// A finite number from attribute text (surrounding spaces, tabs, CR and LF ignored: the
    /// Swift-native trim, Foundation's `trimmingCharacters` bridged through NSString and cost a
    /// third of a 200,000-node import), else nil.
    static func number(_ text: String?) -> Double? {
        guard let t = text?.trimmingSpaces, let v = Double(t), v.isFinite else { return nil }
        return v
    }
}

// MARK: - The SAX event receiver

private final class Reader: GraphMLEvents {
    struct Key { var name: String; var domain: String; var defaultValue: String? }
    enum Owner { case none, graph, node(Int), edge(Int) }

    let file: String
    let options: GraphMLImporter.Options
    var error: GraphMLError?
    var sawGraphML = false

    var keys: [String: Key] = [:]
    var keyOrder: [String] = []
    var currentKeyID: String?
    var inDefault = false

    var graphDepth = 0
    var owner: Owner = .none
    var dataKey: String?
    /// Bytes of the current `<data>` or `<default>` text (decoded once, at its end tag).
    var textBytes: [UInt8] = []
    var text: String { String(decoding: textBytes, as: UTF8.self) }
    /// Line of the last start tag (errors found at an end tag name it).
    var lastLine = 0
    var stop: Bool { error != nil }

    var nodeIDs: [String] = []
    var nodeIndex: [String: Int] = [:]
    var nodeData: [[String: String]] = []
    /// Line of each node's `<node>` tag (0 for a node only named by an edge) and each `<edge>`.
    var nodeLines: [Int] = []
    var edgeLines: [Int] = []
    var edgeEnds: [(Int, Int)] = []
    var edgeData: [[String: String]] = []
    var graphData: [(String, String)] = []
    var notes: [String] = []
    var declared: Set<String> = []
    var hyperedges = 0
    var directed = 0

    init(file: String, options: GraphMLImporter.Options) { self.file = file; self.options = options }

    private func fail(_ reason: String) {
        guard error == nil else { return }
        error = GraphMLError(file: file, line: lastLine, column: 0, reason: reason)
    }

    private func node(named id: String) -> Int {
        if let i = nodeIndex[id] { return i }
        let i = nodeIDs.count
        nodeIDs.append(id); nodeIndex[id] = i; nodeData.append([:]); nodeLines.append(0)
        return i
    }

    func start(_ name: String, _ a: [String: String], line: Int) {
        lastLine = line
        switch name {
        case "graphml":
            sawGraphML = true
        case "key":
            guard let id = a["id"] else { return fail("<key> without id") }
            keys[id] = Key(name: a["attr.name"] ?? id, domain: a["for"] ?? "all", defaultValue: nil)
            keyOrder.append(id)
            currentKeyID = id
        case "default":
            inDefault = currentKeyID != nil; textBytes.removeAll(keepingCapacity: true)
        case "graph":
            graphDepth += 1
            if graphDepth > 1 { return fail("nested <graph> is not supported") }
            if a["edgedefault"] == "directed" { directed += 1 }
            owner = .graph
        case "node":
            guard let id = a["id"] else { return fail("<node> without id") }
            // GraphML allows an edge before the <node> it names: that node was created
            // implicitly and is now declared; only a second declaration is worth a note.
            if declared.contains(id) { notes.append("node \(id) declared twice: attributes merged") }
            declared.insert(id)
            let n = node(named: id)
            if nodeLines[n] == 0 { nodeLines[n] = line }
            owner = .node(n)
        case "edge":
            guard let s = a["source"], let t = a["target"] else {
                return fail("<edge> without source or target")
            }
            for id in [s, t] where nodeIndex[id] == nil { _ = node(named: id) }
            let e = edgeEnds.count
            edgeEnds.append((nodeIndex[s]!, nodeIndex[t]!))
            edgeData.append([:])
            edgeLines.append(line)
            if let id = a["id"] { edgeData[e]["id"] = id }
            if a["directed"] == "true" { directed += 1 }
            owner = .edge(e)
        case "hyperedge":
            hyperedges += 1
        case "data":
            guard let k = a["key"] else { return fail("<data> without key") }
            dataKey = k; textBytes.removeAll(keepingCapacity: true)
        default:
            break
        }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        if dataKey != nil || inDefault { textBytes.append(contentsOf: bytes) }
    }

    func end(_ name: String) {
        switch name {
        case "key": currentKeyID = nil
        case "default":
            if inDefault, let k = currentKeyID { keys[k]?.defaultValue = text }
            inDefault = false
        case "graph": graphDepth -= 1; owner = .none
        case "node", "edge": owner = graphDepth > 0 ? .graph : .none
        case "data":
            guard let k = dataKey else { return }
            dataKey = nil
            let attr = keys[k]?.name ?? k   // undeclared key: keep under its id
            switch owner {
            case .node(let i): nodeData[i][attr] = text
            case .edge(let e): edgeData[e][attr] = text
            case .graph: graphData.append((attr, text))
            case .none: break
            }
        default: break
        }
    }

    /// A number attribute that parses but breaks `rule` (`ImportValueRules`) is an error at `line`;
    /// text that is no number at all is left to the caller (kept as an attribute).
    private func check(_ text: String?, _ rule: (Double) -> String?, line: Int, what: String) throws {
        guard let t = text?.trimmingSpaces, let v = Double(t) else { return }
        if let reason = rule(v) { throw GraphMLError(file: file, line: line, column: 0, reason: "\(what): \(reason)") }
    }

    /// Applies key defaults, maps Zoo attributes to model fields, returns the topology.
    /// Throws `GraphMLError` (line of the `<node>`/`<edge>`, its id, the reason) for a number
    /// outside its range: Latitude/Longitude outside WGS84 or NaN/inf, a negative or non-finite
    /// LinkSpeed/LinkSpeedRaw/length_km (`ImportValueRules`).
    func finish(name: String) throws -> Topology {
        var nodeDefaults: [String: String] = [:], edgeDefaults: [String: String] = [:]
        for id in keyOrder {
            guard let k = keys[id], let d = k.defaultValue else { continue }
            if k.domain == "node" || k.domain == "all" { nodeDefaults[k.name] = d }
            if k.domain == "edge" || k.domain == "all" { edgeDefaults[k.name] = d }
        }
        var nodes: [TopologyNode] = []
        nodes.reserveCapacity(nodeIDs.count)
        var badCoordinates = 0
        var noCoordinates: [String] = [], oneCoordinate: [String] = []
        var noCoordinatesCount = 0, oneCoordinateCount = 0
        for (i, id) in nodeIDs.enumerated() {
            var attrs = nodeDefaults.merging(nodeData[i]) { _, new in new }
            let label = attrs.removeValue(forKey: "label")
            try check(attrs["Latitude"], ImportValueRules.latitude, line: nodeLines[i], what: "node '\(id)'")
            try check(attrs["Longitude"], ImportValueRules.longitude, line: nodeLines[i], what: "node '\(id)'")
            var lat: Double?, lon: Double?
            if let la = attrs["Latitude"], let lo = attrs["Longitude"] {
                if let x = GraphMLImporter.number(la), let y = GraphMLImporter.number(lo) {
                    lat = x; lon = y
                    attrs["Latitude"] = nil; attrs["Longitude"] = nil
                } else {
                    badCoordinates += 1
                }
            } else if attrs["Latitude"] == nil && attrs["Longitude"] == nil {
                noCoordinatesCount += 1
                if noCoordinates.count < GraphMLImporter.namedInNotes { noCoordinates.append(id) }
            } else {
                oneCoordinateCount += 1
                if oneCoordinate.count < GraphMLImporter.namedInNotes { oneCoordinate.append(id) }
            }
            nodes.append(TopologyNode(id: id, name: label ?? id, latitude: lat, longitude: lon, attributes: attrs))
        }
        var links: [TopologyLink] = []
        links.reserveCapacity(edgeEnds.count)
        var speeds = 0, media = 0
        for (e, ends) in edgeEnds.enumerated() {
            let attrs = edgeDefaults.merging(edgeData[e]) { _, new in new }
            let what = "edge \(attrs["id"].map { "'\($0)' " } ?? "")\(nodeIDs[ends.0])–\(nodeIDs[ends.1])"
            try check(attrs["LinkSpeedRaw"], { ImportValueRules.capacity($0, field: "LinkSpeedRaw") }, line: edgeLines[e], what: what)
            try check(attrs["LinkSpeed"], { ImportValueRules.capacity($0, field: "LinkSpeed") }, line: edgeLines[e], what: what)
            try check(attrs["length_km"], { ImportValueRules.length($0, field: "length_km") }, line: edgeLines[e], what: what)
            let capacity = GraphMLImporter.capacityMbps(attrs)
            if capacity != nil { speeds += 1 }
            var medium = Medium.unknown
            if let m = attrs["medium"].flatMap({ Medium(rawValue: $0.lowercased()) }) {
                medium = m
            } else if options.inferMedium,
                      let m = GraphMLImporter.mediumHint(attrs["LinkType"]) ?? GraphMLImporter.mediumHint(attrs["LinkLabel"]) {
                medium = m; media += 1
            }
            let length = GraphMLImporter.number(attrs["length_km"])
            links.append(TopologyLink(a: ends.0, b: ends.1, medium: medium, capacityMbps: capacity,
                                      lengthKm: length, attributes: attrs))
        }
        var allNotes: [String] = graphData.map { "graph \($0.0)=\($0.1)" }
        allNotes += notes
        let implicitNodes = nodeIDs.count - declared.count
        if implicitNodes > 0 { allNotes.append("\(implicitNodes) node(s) created from edge endpoints without a <node> declaration") }
        if directed > 0 { allNotes.append("directed graph/edges read as undirected (links carry traffic both ways)") }
        if hyperedges > 0 { allNotes.append("\(hyperedges) <hyperedge> element(s) skipped (unsupported)") }
        if badCoordinates > 0 { allNotes.append("\(badCoordinates) node(s) with unparsable Latitude/Longitude: coordinates left unset") }
        func named(_ ids: [String], _ total: Int) -> String {
            ids.map { "'\($0)'" }.joined(separator: ", ") + (total > ids.count ? " and \(total - ids.count) more" : "")
        }
        if noCoordinatesCount > 0 {
            allNotes.append("\(noCoordinatesCount) node(s) without Latitude/Longitude (no coordinates; lengths of their links unknown unless given): \(named(noCoordinates, noCoordinatesCount))")
        }
        if oneCoordinateCount > 0 {
            allNotes.append("\(oneCoordinateCount) node(s) with only one of Latitude/Longitude (coordinates left unset): \(named(oneCoordinate, oneCoordinateCount))")
        }
        allNotes.append("capacity inferred for \(speeds) of \(links.count) link(s) from LinkSpeedRaw/LinkSpeed/LinkLabel")
        if options.inferMedium { allNotes.append("medium inferred from LinkType/LinkLabel keywords for \(media) link(s)") }
        return Topology(name: name, nodes: nodes, links: links, importNotes: allNotes)
    }
}
