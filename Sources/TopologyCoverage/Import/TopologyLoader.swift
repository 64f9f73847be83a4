import Foundation

/// Input formats NetCensus reads.
public enum TopologyFormat: String, Sendable, CaseIterable {
    case graphml, sndlib, geojson, csvPair = "csv", geojsonDirectory = "geojson-dir"
}

/// Opens any supported topology input, detecting the format:
///
/// - a directory: `nodes.csv` + `links.csv` inside → CSV pair; `nodes/` and/or `lines/` holding
///   GeoJSON → GeoJSON directory (the watra-fiber layout);
/// - a file named `nodes.csv` or `links.csv` → the CSV pair in its folder; another `.csv` →
///   that file with `links.csv` beside it;
/// - by extension: `.graphml`/`.xml` GraphML, `.geojson` GeoJSON;
/// - otherwise (`.json`, `.txt`, anything else) by the first 4096 bytes: `<graphml` / `<?xml` → GraphML, `{` → GeoJSON, "SNDlib native format"
///   or `NODES (` → SNDlib.
///
/// Throws `TopologyImportError` (or `GraphMLError` from the GraphML reader) with file and reason.
public enum TopologyLoader {
    /// The format of `path` by the rules above, reading at most the start of a file.
    /// - Throws: `TopologyImportError` with location "path" (no such file or directory),
    ///   "directory" (a folder of neither layout) or "byte 0" (cannot open file; not a regular
    ///   file, e.g. a FIFO or device: kind `.cannotOpen`, exit 66; format not recognised).
    public static func detect(_ path: String) throws -> TopologyFormat {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw TopologyImportError(file: path, location: "path", reason: "no such file or directory", kind: .cannotOpen)
        }
        // A FIFO, device or socket is refused before anything opens it (opening a FIFO blocks).
        try InputFile.requireRegularOrDirectory(path)
        let url = URL(fileURLWithPath: path)
        if isDir.boolValue {
            let fm = FileManager.default
            if fm.fileExists(atPath: url.appendingPathComponent("nodes.csv").path) { return .csvPair }
            if fm.fileExists(atPath: url.appendingPathComponent("nodes").path) || fm.fileExists(atPath: url.appendingPathComponent("lines").path) {
                return .geojsonDirectory
            }
            throw TopologyImportError(file: path, location: "directory", reason: "holds neither nodes.csv/links.csv nor nodes/ + lines/ GeoJSON")
        }
        switch url.pathExtension.lowercased() {
        case "csv": return .csvPair
        case "graphml", "xml": return .graphml
        case "geojson": return .geojson
        default: break
        }
        let file = try InputFile(path: path)
        let head = String(decoding: UnsafeRawBufferPointer(rebasing: file.bytes.prefix(4096)), as: UTF8.self)
        let trimmed = head.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("<") && (head.contains("<graphml") || head.contains("<?xml")) { return .graphml }
        if trimmed.hasPrefix("{") { return .geojson }
        if SNDlibImporter.looksLike(head) { return .sndlib }
        throw TopologyImportError(file: path, location: "byte 0", reason: "format not recognised (expected GraphML, SNDlib native, GeoJSON or a CSV pair)")
    }

    /// Loads `path` in its detected format (`geoJSONOptions`: snapping, default medium,
    /// planned links; GeoJSON only).
    /// - Throws: what `detect` throws, then the format importer's error (`TopologyImportError`,
    ///   or `GraphMLError` for GraphML), each naming the file, the place and the reason.
    public static func load(_ path: String, geoJSONOptions: GeoJSONImporter.Options? = nil) throws -> Topology {
        switch try detect(path) {
        case .graphml: return try GraphMLImporter.load(path: path)
        case .sndlib: return try SNDlibImporter.load(path: path)
        case .geojson: return try GeoJSONImporter.load(path: path, options: geoJSONOptions ?? .init())
        case .geojsonDirectory: return try GeoJSONImporter.load(directory: path, options: geoJSONOptions)
        case .csvPair:
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
            if isDir.boolValue { return try CSVPairImporter.load(directory: path) }
            let url = URL(fileURLWithPath: path)
            let dir = url.deletingLastPathComponent()
            if url.lastPathComponent == "links.csv" {
                return try CSVPairImporter.load(nodes: dir.appendingPathComponent("nodes.csv").path, links: path)
            }
            return try CSVPairImporter.load(nodes: path, links: dir.appendingPathComponent("links.csv").path)
        }
    }
}
