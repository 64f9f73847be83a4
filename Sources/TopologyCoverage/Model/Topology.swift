#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The coverage model: what an operator's topology says about who is reached and how.
// Importers (GraphML, SNDlib, GeoJSON, CSV) produce a `Topology`; scoring builds a
// `NetworkGraph` from it. Fields may be added; existing ones keep their meaning.

/// Place of a node in the access hierarchy, backbone first.
///
/// Rural access ends at `village` (administrative village). Urban access ends at `building`
/// (fibre to the building: an optical network unit or building distribution point) or
/// `urban_access` (an urban access node serving households, e.g. a residential compound's
/// OLT/ONU site); both are "urban access nodes" (``isUrbanAccess``), scored like villages but
/// reported apart.
public enum Tier: String, Sendable, Codable, CaseIterable, Comparable {
    case backbone, metro, county, township, village, building
    case urbanAccess = "urban_access"
    case unknown

    /// Tier `building` or `urban_access`.
    public var isUrbanAccess: Bool { self == .building || self == .urbanAccess }

    /// Position in `allCases` (backbone first), for per-tier counters kept in arrays.
    var caseIndex: Int {
        switch self {
        case .backbone: 0
        case .metro: 1
        case .county: 2
        case .township: 3
        case .village: 4
        case .building: 5
        case .urbanAccess: 6
        case .unknown: 7
        }
    }
    public static func < (a: Tier, b: Tier) -> Bool { a.caseIndex < b.caseIndex }
}

/// Transmission medium of a link.
public enum Medium: String, Sendable, Codable, CaseIterable {
    case fiber, copper, coax, wireless, microwave, cellular, satellite, unknown

    /// Position in `allCases`, for per-medium counters kept in arrays.
    var caseIndex: Int {
        switch self {
        case .fiber: 0
        case .copper: 1
        case .coax: 2
        case .wireless: 3
        case .microwave: 4
        case .cellular: 5
        case .satellite: 6
        case .unknown: 7
        }
    }
}

/// A site: backbone PoP, aggregation node, county/township office, or administrative village.
public struct TopologyNode: Sendable, Codable, Equatable {
    /// Identifier as given by the input (GraphML node id, CSV id, GeoJSON property).
    public var id: String
    public var name: String
    public var tier: Tier
    /// Administrative region path, outermost first: province / prefecture / county / township.
    public var region: [String]
    /// WGS84 degrees; nil when the input has none.
    public var latitude: Double?
    public var longitude: Double?
    /// Households served at this access node (0 = none or unknown).
    public var households: Int
    /// The node is IPv6-enabled (nil = unknown).
    public var ipv6: Bool?
    /// Input attributes not mapped to a field above, kept verbatim.
    public var attributes: [String: String]

    public init(id: String, name: String? = nil, tier: Tier = .unknown, region: [String] = [],
                latitude: Double? = nil, longitude: Double? = nil, households: Int = 0,
                ipv6: Bool? = nil, attributes: [String: String] = [:]) {
        self.id = id; self.name = name ?? id; self.tier = tier; self.region = region
        self.latitude = latitude; self.longitude = longitude; self.households = households
        self.ipv6 = ipv6; self.attributes = attributes
    }
}

/// A link between two nodes (indices into `Topology.nodes`). Parallel links are separate links.
public struct TopologyLink: Sendable, Codable, Equatable {
    public var a: Int
    public var b: Int
    public var medium: Medium
    /// Capacity in Mbps (megabits per second); nil when unknown.
    public var capacityMbps: Double?
    /// Length in km as given by the input; nil when not given (great-circle is derived on demand).
    public var lengthKm: Double?
    /// The link carries IPv6 (nil = unknown).
    public var ipv6: Bool?
    public var attributes: [String: String]

    public init(a: Int, b: Int, medium: Medium = .unknown, capacityMbps: Double? = nil,
                lengthKm: Double? = nil, ipv6: Bool? = nil, attributes: [String: String] = [:]) {
        self.a = a; self.b = b; self.medium = medium; self.capacityMbps = capacityMbps
        self.lengthKm = lengthKm; self.ipv6 = ipv6; self.attributes = attributes
    }
}

/// A whole network as loaded from one input.
public struct Topology: Sendable, Codable {
    public var name: String
    public var nodes: [TopologyNode]
    public var links: [TopologyLink]
    /// Notes from the importer: inferences made and input rows skipped (with reasons).
    public var importNotes: [String]

    public init(name: String, nodes: [TopologyNode] = [], links: [TopologyLink] = [], importNotes: [String] = []) {
        self.name = name; self.nodes = nodes; self.links = links; self.importNotes = importNotes
    }
}

/// Great-circle (haversine) distance in km between two WGS84 points, R = 6371.0088 km
/// (IUGG mean Earth radius, the value networkx users and FACTS.tsv use).
public func greatCircleKm(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
    let r = 6371.0088
    let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180
    let dp = p2 - p1, dl = (lon2 - lon1) * .pi / 180
    let s1 = sin(dp / 2), s2 = sin(dl / 2)
    let h = s1 * s1 + cos(p1) * cos(p2) * s2 * s2
    return 2 * r * asin(min(1, h.squareRoot()))
}
