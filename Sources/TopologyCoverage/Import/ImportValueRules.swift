/// The value rules every importer applies to numbers it reads (documented in
/// `Topologies/README.md`, "Value rules"). Each function returns nil when the value is
/// acceptable, else the reason, which the importer wraps in its error with file and place.
///
/// - latitude: finite, -90...90 WGS84 degrees; longitude: finite, -180...180
///   (RFC 7946 section 4, the WGS84 range every format here uses);
/// - capacity (Mbps) and length (km): finite and >= 0 (0 is allowed: an unusable link, a
///   zero-length splice);
/// - households: a finite count >= 0 and below 9e15 (the largest Double that converts to Int
///   exactly with room to spare; beyond it `Int(_:)` would trap).
///
/// Non-finite numbers (NaN, inf: Swift's `Double("nan")` and `Double("inf")` parse) are always
/// refused: no input format here can mean them, and they poison sums and the geometry index.
enum ImportValueRules {
    static func latitude(_ v: Double) -> String? {
        v.isFinite && abs(v) <= 90 ? nil : "latitude \(v) is not a WGS84 latitude (finite, -90...90 degrees)"
    }

    static func longitude(_ v: Double) -> String? {
        v.isFinite && abs(v) <= 180 ? nil : "longitude \(v) is not a WGS84 longitude (finite, -180...180 degrees)"
    }

    /// `field` names the input column or attribute (e.g. `capacity_mbps`, `LinkSpeed`).
    static func capacity(_ v: Double, field: String) -> String? {
        v.isFinite && v >= 0 ? nil : "\(field) \(v) is not a capacity (finite, >= 0)"
    }

    static func length(_ v: Double, field: String) -> String? {
        v.isFinite && v >= 0 ? nil : "\(field) \(v) is not a length (finite, >= 0)"
    }

    static func households(_ v: Double, field: String = "households") -> String? {
        v.isFinite && v >= 0 && v < 9e15 ? nil : "\(field) \(v) is not a household count (finite, 0...9e15)"
    }
}
