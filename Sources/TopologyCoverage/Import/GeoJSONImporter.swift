import Foundation

/// Reads topologies from GeoJSON (RFC 7946): Point features are nodes, LineString and
/// MultiLineString features are links, properties are attributes.
///
/// Node properties (all optional): `id` (else `node_id`, else the feature's `id`, else
/// "feature N"), `name`, `tier`, `households`, `ipv6`, and the region path from `country`,
/// `province`, `prefecture`, `county`, `township` (in that order) or else `region` split on "/".
/// Coordinates come from the geometry ([longitude, latitude]).
///
/// Link properties: `medium` (else inferred from `technology`, `type`, `infrastructure_type`
/// or `type_infr` with `Medium(label:)`, else `Options.defaultMedium`), `capacity_mbps`,
/// `length_km` (else `distance` or `length_m` in metres, else the polyline's great-circle
/// length), `ipv6`, `status`.
///
/// How a line end is joined to a node, first rule that applies (see `Topologies/README.md`):
/// 1. property `a`/`b` or `source`/`target` equal to a node id;
/// 2. the line's first/last coordinate lies within `Options.snapKm` of a node (nearest wins);
/// 3. property `from`/`to` equal to the name of exactly one node;
/// 4. otherwise a junction node (tier unknown) is created at the line end, with a note.
/// When both ends land on one node but `from`/`to` name two different nodes uniquely, the names
/// win (a degenerate geometry must not turn a real link into a self-loop).
/// Lines whose `status` is planned/proposed/under construction are left out unless
/// `Options.includePlanned` (the model is the network as built); the count goes to the notes.
///
/// Throws `TopologyImportError` (file, "feature N", reason) on invalid JSON, a feature without
/// usable geometry coordinates, non-numeric coordinates or positions outside WGS84, and numeric
/// properties (`households`, `capacity_mbps`, `length_km`, `distance`, `length_m`) that are not
/// numbers, are NaN/inf, or are negative (`ImportValueRules`).
public enum GeoJSONImporter {
    public struct Options: Sendable {
        /// Medium of links that neither name nor imply one (nil = unknown).
        public var defaultMedium: Medium?
        /// Greatest distance, km, at which a line end is joined to a node by geometry.
        public var snapKm: Double
        /// Keep links whose status says they are not built yet.
        public var includePlanned: Bool
        public init(defaultMedium: Medium? = nil, snapKm: Double = 1.0, includePlanned: Bool = false) {
            self.defaultMedium = defaultMedium; self.snapKm = snapKm; self.includePlanned = includePlanned
        }
    }

    /// Loads one GeoJSON file holding nodes and/or links.
    public static func load(path: String, options: Options = Options()) throws -> Topology {
        try load(nodeFiles: [path], lineFiles: [path], name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, options: options)
    }

    /// Loads the Points of every file in `nodeFiles`, then the lines of every file in `lineFiles`
    /// (so a line may join nodes from another file, e.g. across a border).
    public static func load(nodeFiles: [String], lineFiles: [String], name: String, options: Options = Options()) throws -> Topology {
        var topo = Topology(name: name)
        var byId: [String: Int] = [:]
        var byName: [String: Int] = [:]       // -1 = ambiguous
        var grid = GeoGrid(cellDegrees: 0.1)
        var lineFeatures: [(file: String, index: Int, feature: [String: Any])] = []
        var docs: [String: [[String: Any]]] = [:]
        for f in Set(nodeFiles + lineFiles).sorted() { docs[f] = try features(of: f) }
        for file in nodeFiles {
            for (i, feat) in (docs[file] ?? []).enumerated() {
                guard let geom = feat["geometry"] as? [String: Any], let type = geom["type"] as? String, type == "Point" else { continue }
                let props = feat["properties"] as? [String: Any] ?? [:]
                guard let c = geom["coordinates"] as? [Any], c.count >= 2, let lon = num(c[0]), let lat = num(c[1]) else {
                    throw TopologyImportError(file: file, location: "feature \(i)", reason: "Point without numeric [longitude, latitude]")
                }
                guard isPosition(lon, lat) else {
                    throw TopologyImportError(file: file, location: "feature \(i)", reason: "Point [\(lon), \(lat)] is not a WGS84 position (RFC 7946 section 4: longitude -180...180, latitude -90...90)")
                }
                var id = str(props["id"]) ?? str(props["node_id"]) ?? str(feat["id"]) ?? "\(URL(fileURLWithPath: file).lastPathComponent)#\(i)"
                if byId[id] != nil { id = "\(id)#\(i)"; topo.importNotes.append("\(file): feature \(i): duplicate node id, renamed '\(id)'") }
                var node = TopologyNode(id: id, name: str(props["name"]), latitude: lat, longitude: lon)
                if let t = str(props["tier"]) { node.tier = parseTier(t) ?? .unknown }
                // Int(_:) traps on NaN and beyond Int.max (fuzz: "households": 1e300).
                let households = try quantity(props, "households", file, i) { ImportValueRules.households($0) } ?? 0
                node.households = Int(households)
                if let v = props["ipv6"] { node.ipv6 = parseFlag(str(v) ?? "") }
                var region: [String] = []
                for k in ["country", "province", "prefecture", "county", "township"] { if let v = str(props[k]) { region.append(v) } }
                if region.isEmpty, let r = str(props["region"]) { region = r.split(separator: "/").map { String($0).trimmingSpaces } }
                node.region = region
                for (k, v) in props where !["id", "name", "tier", "households", "ipv6"].contains(k) {
                    if let s = str(v) { node.attributes[k] = s }
                }
                let idx = topo.nodes.count
                byId[id] = idx
                byName[node.name] = byName[node.name] == nil ? idx : -1
                grid.insert(id: idx, latitude: lat, longitude: lon)
                topo.nodes.append(node)
            }
        }
        for file in lineFiles {
            for (i, feat) in (docs[file] ?? []).enumerated() {
                guard let geom = feat["geometry"] as? [String: Any], let type = geom["type"] as? String,
                      type == "LineString" || type == "MultiLineString" else { continue }
                lineFeatures.append((file, i, feat))
            }
        }
        var skippedPlanned = 0, junctions = 0, snapped = 0, byProp = 0, byNameCount = 0, emptyGeom = 0
        var inferredMedium = 0, defaultMedium = 0, namesOverGeometry = 0
        for (file, i, feat) in lineFeatures {
            let props = feat["properties"] as? [String: Any] ?? [:]
            let geom = feat["geometry"] as! [String: Any]
            let status = str(props["status"]) ?? ""
            if !options.includePlanned, ["planned", "proposed", "under construction", "construction", "future"].contains(status.lowercased()) {
                skippedPlanned += 1; continue
            }
            var points: [(lat: Double, lon: Double)] = []
            let parts: [Any] = (geom["type"] as? String) == "LineString" ? [geom["coordinates"] ?? []] : (geom["coordinates"] as? [Any] ?? [])
            for part in parts {
                guard let coords = part as? [Any] else {
                    throw TopologyImportError(file: file, location: "feature \(i)", reason: "line coordinates are not arrays")
                }
                for p in coords {
                    guard let c = p as? [Any], c.count >= 2, let lon = num(c[0]), let lat = num(c[1]), isPosition(lon, lat) else {
                        throw TopologyImportError(file: file, location: "feature \(i)", reason: "line position is not a WGS84 [longitude, latitude] (RFC 7946 section 4)")
                    }
                    points.append((lat, lon))
                }
            }
            func endpoint(_ idKeys: [String], _ nameKey: String, _ p: (lat: Double, lon: Double)?) -> Int? {
                for k in idKeys { if let v = str(props[k]), let n = byId[v] { byProp += 1; return n } }
                if let p, let near = grid.nearest(latitude: p.lat, longitude: p.lon, k: 1, maxKm: options.snapKm).first {
                    snapped += 1; return near.id
                }
                if let v = str(props[nameKey]), let n = byName[v], n >= 0 { byNameCount += 1; return n }
                guard let p else { return nil }
                // A splice or unnamed site: keep the link, create a node where the line ends.
                junctions += 1
                let idx = topo.nodes.count
                let name = str(props[nameKey]) ?? "junction"
                var node = TopologyNode(id: "junction:\(file.split(separator: "/").last ?? ""):\(i):\(nameKey)", name: name, latitude: p.lat, longitude: p.lon)
                node.attributes["junction"] = "created at an unmatched line end"
                if let c = str(props["country"]) { node.region = [c] }
                topo.nodes.append(node)
                grid.insert(id: idx, latitude: p.lat, longitude: p.lon)
                return idx
            }
            guard var a = endpoint(["a", "source"], "from", points.first), var b = endpoint(["b", "target"], "to", points.last) else {
                topo.importNotes.append("\(file): feature \(i): line without coordinates and without matching a/b/from/to, skipped")
                continue
            }
            if points.isEmpty { emptyGeom += 1 }
            // Both ends at one node although the line names two different places (a degenerate
            // geometry, e.g. a 30 km link drawn as a stub): the unique names win when they exist.
            if a == b, let f = str(props["from"]), let tname = str(props["to"]), f != tname,
               let na = byName[f], let nb = byName[tname], na >= 0, nb >= 0, na != nb {
                a = na; b = nb; namesOverGeometry += 1
            }
            var link = TopologyLink(a: a, b: b)
            if let m = str(props["medium"]) {
                link.medium = Medium(rawValue: m.lowercased()) ?? Medium(label: m) ?? .unknown
            } else if let m = ["technology", "type", "infrastructure_type", "type_infr"].lazy.compactMap({ str(props[$0]) }).compactMap({ Medium(label: $0) }).first {
                link.medium = m; inferredMedium += 1
            } else if let d = options.defaultMedium { link.medium = d; defaultMedium += 1 }
            link.capacityMbps = try quantity(props, "capacity_mbps", file, i) { ImportValueRules.capacity($0, field: "capacity_mbps") }
            let metres = try quantity(props, "distance", file, i) { ImportValueRules.length($0, field: "distance (m)") }
                ?? quantity(props, "length_m", file, i) { ImportValueRules.length($0, field: "length_m") }
            if let km = try quantity(props, "length_km", file, i, { ImportValueRules.length($0, field: "length_km") }) {
                link.lengthKm = km; link.attributes["length_source"] = "length_km"
            } else if let m = metres { link.lengthKm = m / 1000; link.attributes["length_source"] = "distance_m" }
            else if points.count >= 2 {
                var km = 0.0
                for j in 1..<points.count { km += greatCircleKm(lat1: points[j - 1].lat, lon1: points[j - 1].lon, lat2: points[j].lat, lon2: points[j].lon) }
                link.lengthKm = km; link.attributes["length_source"] = "polyline"
            }
            if let v = props["ipv6"] { link.ipv6 = parseFlag(str(v) ?? "") }
            for (k, v) in props where !["medium", "capacity_mbps", "length_km", "ipv6"].contains(k) {
                if let s = str(v) { link.attributes[k] = s }
            }
            topo.links.append(link)
        }
        let n = topo.links.count
        topo.importNotes.append("\(name): \(topo.nodes.count) nodes, \(n) links; line ends joined by id \(byProp), by geometry within \(options.snapKm) km \(snapped), by unique name \(byNameCount), new junction nodes \(junctions)")
        if namesOverGeometry > 0 { topo.importNotes.append("\(name): \(namesOverGeometry) line(s) whose two ends snapped to one node joined by their from/to names instead") }
        let loops = topo.links.filter { $0.a == $0.b }.count
        if loops > 0 { topo.importNotes.append("\(name): \(loops) line(s) begin and end at the same node (self-loops; dropped by the metrics)") }
        if skippedPlanned > 0 { topo.importNotes.append("\(name): \(skippedPlanned) planned/proposed line(s) left out (status); --include-planned keeps them") }
        if inferredMedium > 0 { topo.importNotes.append("\(name): medium of \(inferredMedium) link(s) inferred from a type label") }
        if defaultMedium > 0, let d = options.defaultMedium { topo.importNotes.append("\(name): medium of \(defaultMedium) link(s) set to \(d.rawValue) (dataset default)") }
        if emptyGeom > 0 { topo.importNotes.append("\(name): \(emptyGeom) line(s) with empty geometry joined by properties only") }
        return topo
    }

    /// The West African fibre dataset layout: `DIR/nodes/*_nodes.geojson` + `DIR/lines/*_lines.geojson`
    /// (any folder with `nodes/` and `lines/` GeoJSON files). Every line is fibre
    /// (the dataset maps national fibre backbones), so `defaultMedium` is `.fiber` unless given.
    public static func load(directory dir: String, options: Options? = nil) throws -> Topology {
        let fm = FileManager.default
        func list(_ sub: String) -> [String] {
            let p = (dir as NSString).appendingPathComponent(sub)
            return ((try? fm.contentsOfDirectory(atPath: p)) ?? []).filter { $0.lowercased().hasSuffix(".geojson") || $0.lowercased().hasSuffix(".json") }
                .sorted().map { (p as NSString).appendingPathComponent($0) }
        }
        let nodes = list("nodes"), lines = list("lines")
        guard !nodes.isEmpty || !lines.isEmpty else {
            throw TopologyImportError(file: dir, location: "directory", reason: "no nodes/*.geojson or lines/*.geojson")
        }
        return try load(nodeFiles: nodes, lineFiles: lines, name: URL(fileURLWithPath: dir).lastPathComponent,
                        options: options ?? Options(defaultMedium: .fiber))
    }

    static func features(of file: String) throws -> [[String: Any]] {
        // A FIFO or device is refused here (`InputFile`), never read until it blocks.
        let data = try InputFile.data(file)
        let obj: Any
        do { obj = try JSONSerialization.jsonObject(with: data) } catch {
            throw TopologyImportError(file: file, location: "byte 0", reason: "not valid JSON: \(error.localizedDescription)")
        }
        guard let root = obj as? [String: Any], let type = root["type"] as? String else {
            throw TopologyImportError(file: file, location: "byte 0", reason: "not a GeoJSON object (no \"type\")")
        }
        switch type {
        case "FeatureCollection":
            guard let fs = root["features"] as? [Any] else {
                throw TopologyImportError(file: file, location: "byte 0", reason: "FeatureCollection without a \"features\" array")
            }
            return try fs.enumerated().map { (i, f) in
                guard let d = f as? [String: Any] else { throw TopologyImportError(file: file, location: "feature \(i)", reason: "not a JSON object") }
                return d
            }
        case "Feature": return [root]
        default:
            throw TopologyImportError(file: file, location: "byte 0", reason: "GeoJSON type \(type) is not Feature or FeatureCollection")
        }
    }

    /// A finite WGS84 position (RFC 7946 section 4); NaN and out-of-range values are refused
    /// (they crashed the geometry index before: fuzz/hostile-input finding).
    static func isPosition(_ lon: Double, _ lat: Double) -> Bool {
        lon.isFinite && lat.isFinite && abs(lon) <= 180 && abs(lat) <= 90
    }

    /// The number in property `key` checked by `rule` (`ImportValueRules`); nil when the property
    /// is absent, null, empty or "<NA>". Text that is not a number, NaN/inf, or a value the rule
    /// refuses (negative capacity, length or households) is an error naming the feature.
    static func quantity(_ props: [String: Any], _ key: String, _ file: String, _ i: Int,
                         _ rule: (Double) -> String?) throws -> Double? {
        guard let raw = props[key], let text = str(raw) else { return nil }
        let v: Double?
        switch raw {
        case let d as Double: v = d          // JSON numbers (NSNumber on Linux bridges here)
        case let n as NSNumber: v = n.doubleValue
        case let t as String: v = Double(t.trimmingSpaces)
        default: v = nil
        }
        guard let v else {
            throw TopologyImportError(file: file, location: "feature \(i)", reason: "\(key) '\(text)' is not a number")
        }
        if let reason = rule(v) { throw TopologyImportError(file: file, location: "feature \(i)", reason: reason) }
        return v
    }

    static func num(_ v: Any?) -> Double? {
        switch v {
        case let d as Double: return d.isFinite ? d : nil
        case let i as Int: return Double(i)
        case let n as NSNumber: return n.doubleValue
        case let s as String: return Double(s.trimmingSpaces)
        default: return nil
        }
    }

    /// String value of a property; JSON null, "<NA>", "None", "" read as absent.
    static func str(_ v: Any?) -> String? {
        let s: String
        switch v {
        case let x as String: s = x
        case let n as NSNumber: s = n.stringValue
        case nil: return nil
        default: if v is NSNull { return nil }; s = "\(v!)"
        }
        let t = s.trimmingSpaces
        return t.isEmpty || t == "<NA>" || t == "None" || t == "null" ? nil : t
    }
}
