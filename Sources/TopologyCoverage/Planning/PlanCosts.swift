import BundledResources
import Foundation

/// Terrain class of a site, from the node attribute `terrain` (`plain`, `hill`, `mountain`,
/// case-insensitive). A link's terrain is the harder of its two ends (plain < hill < mountain);
/// a node without the attribute has the cost file's `default_terrain`.
public enum TerrainClass: String, Sendable, Codable, CaseIterable, Comparable {
    case plain, hill, mountain
    public static let attribute = "terrain"
    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// How new fibre is laid: in a trench (duct) or on poles.
public enum FiberMethod: String, Sendable, Codable, CaseIterable {
    case trenched, aerial
}

/// A figure per terrain class.
public struct PerTerrain: Sendable, Codable, Equatable {
    public var plain: Double
    public var hill: Double
    public var mountain: Double
    public subscript(_ t: TerrainClass) -> Double {
        switch t { case .plain: plain; case .hill: hill; case .mountain: mountain }
    }
    enum CodingKeys: String, CodingKey { case plain, hill, mountain }
}

/// Build costs for `topology plan` (`--costs FILE`; bundled default `Resources/plan-costs.json`).
///
/// Keys (all numbers finite and >= 0; costs in `currency`):
/// - `trenched_fiber_per_km`, `aerial_fiber_per_km`: per km of fibre laid, per terrain class;
/// - `microwave_per_link`: one microwave hop (two radios, masts), per terrain class of the link;
///   `microwave_max_km` its longest hop, `microwave_mbps` its capacity;
/// - `satellite_terminal_per_site`: one VSAT terminal at a village; `satellite_mbps` its capacity;
/// - `fiber_method`: `trenched` or `aerial`, the method new and upgraded fibre uses;
/// - `default_terrain`: terrain of nodes without a `terrain` attribute;
/// - `currency`, `source` (where the figures come from: the defaults are stated assumptions).
public struct PlanCosts: Sendable, Codable, Equatable {
    public var currency: String
    public var source: String
    public var defaultTerrain: TerrainClass
    public var fiberMethod: FiberMethod
    public var trenchedFiberPerKm: PerTerrain
    public var aerialFiberPerKm: PerTerrain
    public var microwavePerLink: PerTerrain
    public var microwaveMaxKm: Double
    public var microwaveMbps: Double
    public var satelliteTerminalPerSite: Double
    public var satelliteMbps: Double

    enum CodingKeys: String, CodingKey {
        case currency, source
        case defaultTerrain = "default_terrain", fiberMethod = "fiber_method"
        case trenchedFiberPerKm = "trenched_fiber_per_km", aerialFiberPerKm = "aerial_fiber_per_km"
        case microwavePerLink = "microwave_per_link", microwaveMaxKm = "microwave_max_km", microwaveMbps = "microwave_mbps"
        case satelliteTerminalPerSite = "satellite_terminal_per_site", satelliteMbps = "satellite_mbps"
    }

    /// Cost per km of fibre in `terrain` by `fiberMethod`.
    public func fiberPerKm(_ terrain: TerrainClass) -> Double {
        fiberMethod == .aerial ? aerialFiberPerKm[terrain] : trenchedFiberPerKm[terrain]
    }

    /// The bundled defaults.
    public static func bundled() throws -> PlanCosts {
        guard let path = BundledResource.besideExecutable(bundle: TopologyCoverageResources.bundle, "Resources/plan-costs.json")
                ?? (Bundle.module.url(forResource: "plan-costs", withExtension: "json", subdirectory: "Resources")
                    ?? Bundle.module.url(forResource: "plan-costs", withExtension: "json"))?.path else {
            throw TopologyImportError(file: "plan-costs.json", location: "bundle", reason: "resource missing from the TopologyCoverage bundle")
        }
        return try load(path: path)
    }

    /// Reads and checks a cost file.
    /// - Throws: `TopologyImportError` naming the file and the key: cannot open, missing key,
    ///   wrong type, an unknown terrain class or fibre method, a negative or non-finite number.
    public static func load(path: String) throws -> PlanCosts {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TopologyImportError(file: path, location: "byte 0", reason: "cannot open file", kind: .cannotOpen)
        }
        let costs: PlanCosts
        do { costs = try JSONDecoder().decode(PlanCosts.self, from: data) } catch let DecodingError.keyNotFound(k, ctx) {
            throw TopologyImportError(file: path, location: (ctx.codingPath + [k]).map(\.stringValue).joined(separator: "."), reason: "missing key")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx), let DecodingError.dataCorrupted(ctx) {
            throw TopologyImportError(file: path, location: ctx.codingPath.map(\.stringValue).joined(separator: "."), reason: ctx.debugDescription)
        }
        var numbers: [(String, Double)] = [("microwave_max_km", costs.microwaveMaxKm), ("microwave_mbps", costs.microwaveMbps),
                                           ("satellite_terminal_per_site", costs.satelliteTerminalPerSite), ("satellite_mbps", costs.satelliteMbps)]
        for t in TerrainClass.allCases {
            numbers += [("trenched_fiber_per_km.\(t.rawValue)", costs.trenchedFiberPerKm[t]), ("aerial_fiber_per_km.\(t.rawValue)", costs.aerialFiberPerKm[t]),
                        ("microwave_per_link.\(t.rawValue)", costs.microwavePerLink[t])]
        }
        for (key, x) in numbers where !(x.isFinite && x >= 0) {
            throw TopologyImportError(file: path, location: key, reason: "must be a finite number >= 0, got \(x)")
        }
        return costs
    }
}

extension Topology {
    /// Terrain class per node: the `terrain` attribute, else `defaultTerrain`.
    /// - Throws: `InfrastructureAttributeError` naming the node for a value that is not a class.
    public func terrainClasses(default d: TerrainClass) throws -> [TerrainClass] {
        try nodes.map { n in
            guard let raw = n.attributes[TerrainClass.attribute]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return d }
            guard let t = TerrainClass(rawValue: raw.lowercased()) else {
                throw InfrastructureAttributeError(place: "node '\(n.id)'", attribute: TerrainClass.attribute, value: raw,
                    reason: "not a terrain class; classes are \(TerrainClass.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return t
        }
    }
}
