import PacketDecoding

/// A key a `DistinctSet` can hold: hashable, of one IP family, with a compact text form.
public protocol DistinctKey: Hashable, Sendable, Comparable, TableKey {
    var family: IPFamily { get }
    /// Compact, exact text form for state files (see `AddressSet` / `FlowSet`).
    var distinctText: String { get }
    init?(distinctText: String)
}

/// Distinct elements per IP family: exact while they fit, a HyperLogLog sketch beyond.
///
/// Exact mode keeps the elements themselves (so breakdowns such as addresses per class can be
/// derived) up to `exactLimit` elements; the insert that would go past it converts the set into
/// one HyperLogLog per family (relative standard error `HyperLogLog.relativeStandardError`,
/// 0.81%) and from then on counts are estimates (`isExact == false`). Merge is a set union while
/// the union fits, and a sketch merge otherwise, so it stays associative and commutative (any
/// order of merges ends in the same mode and the same counts).
public struct DistinctSet<Key: DistinctKey>: Sendable, Equatable {
    /// The elements while exact; empty once sketched.
    public private(set) var members: Set<Key>
    /// One sketch per family (IPv4 first) once the set went past `exactLimit`.
    public private(set) var sketches: [HyperLogLog]?
    /// Elements kept exactly before switching to sketches.
    public var exactLimit: Int

    /// The default bound on exact elements per set: 1,048,576 (about 64–100 MiB of flow keys).
    public static var defaultExactLimit: Int { 1 << 20 }

    public init(_ members: Set<Key> = [], exactLimit: Int = DistinctSet.defaultExactLimit) {
        self.members = members
        self.exactLimit = exactLimit
        self.sketches = nil
        if members.count > exactLimit { convertToSketches() }
    }

    /// True while counts are exact.
    @inlinable public var isExact: Bool { sketches == nil }

    /// Adds `key`; returns true when it was new (always true once sketched).
    @discardableResult
    public mutating func insert(_ key: Key) -> Bool {
        if sketches != nil {
            sketches![key.family == .v4 ? 0 : 1].add(hash: key.tableHash(seed: HyperLogLog.sketchSeed))
            return true
        }
        let new = members.insert(key).inserted
        if new && members.count > exactLimit { convertToSketches() }
        return new
    }

    /// Distinct elements of `family` (an estimate once sketched).
    public func count(_ family: IPFamily) -> Int {
        if let s = sketches { return s[family == .v4 ? 0 : 1].estimate }
        return members.reduce(0) { $0 + ($1.family == family ? 1 : 0) }
    }

    /// Distinct elements of both families.
    public var totalCount: Int { count(.v4) + count(.v6) }

    public mutating func merge(_ other: DistinctSet) {
        exactLimit = max(exactLimit, other.exactLimit)
        if sketches == nil && other.sketches == nil {
            members.formUnion(other.members)
            if members.count > exactLimit { convertToSketches() }
            return
        }
        if sketches == nil { convertToSketches() }
        var o = other
        if o.sketches == nil { o.convertToSketches() }
        sketches![0].merge(o.sketches![0])
        sketches![1].merge(o.sketches![1])
    }

    mutating func convertToSketches() {
        var s = [HyperLogLog(), HyperLogLog()]
        for k in members { s[k.family == .v4 ? 0 : 1].add(hash: k.tableHash(seed: HyperLogLog.sketchSeed)) }
        sketches = s
        members = []
    }
}

extension DistinctSet: Codable {
    enum CodingKeys: String, CodingKey { case exact, sketchIPv4 = "sketch_ipv4", sketchIPv6 = "sketch_ipv6", exactLimit = "exact_limit" }

    /// Exact: `{"exact": [sorted texts], "exact_limit": N}`; sketched: the two base64 sketches.
    /// A plain array (schema 1 state) is read as exact members.
    public init(from decoder: any Decoder) throws {
        if let strings = try? decoder.singleValueContainer().decode([String].self) {
            self.init(try Self.parse(strings, decoder))
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let limit = try c.decodeIfPresent(Int.self, forKey: .exactLimit) ?? Self.defaultExactLimit
        guard limit > 0 else { throw DecodingError.dataCorruptedError(forKey: .exactLimit, in: c, debugDescription: "exact_limit must be positive") }
        if let strings = try c.decodeIfPresent([String].self, forKey: .exact) {
            self.init(try Self.parse(strings, decoder), exactLimit: limit)
        } else {
            self.init([], exactLimit: limit)
            sketches = [try c.decode(HyperLogLog.self, forKey: .sketchIPv4), try c.decode(HyperLogLog.self, forKey: .sketchIPv6)]
        }
    }

    static func parse(_ strings: [String], _ decoder: any Decoder) throws -> Set<Key> {
        var set = Set<Key>()
        set.reserveCapacity(strings.count)
        for s in strings {
            guard let k = Key(distinctText: s) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad element \(s)"))
            }
            set.insert(k)
        }
        return set
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(exactLimit, forKey: .exactLimit)
        if let s = sketches {
            try c.encode(s[0], forKey: .sketchIPv4)
            try c.encode(s[1], forKey: .sketchIPv6)
        } else {
            try c.encode(members.sorted().map(\.distinctText), forKey: .exact)
        }
    }
}

/// Distinct IP addresses. Text form: 8 (IPv4) or 32 (IPv6) lower-case hex digits.
public typealias AddressSet = DistinctSet<IPAddress>
/// Distinct bidirectional 5-tuples. Text form `family/proto/addrA/portA/addrB/portB` (hex addresses).
public typealias FlowSet = DistinctSet<FlowKey>

extension IPAddress: DistinctKey {
    public var distinctText: String {
        func pad(_ v: UInt64, _ n: Int) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: n - s.count) + s }
        return family == .v4 ? pad(low, 8) : pad(high, 16) + pad(low, 16)
    }

    public init?(distinctText s: String) {
        if s.count == 8, let v = UInt32(s, radix: 16) { self.init(v4: v); return }
        if s.count == 32, let h = UInt64(s.prefix(16), radix: 16), let l = UInt64(s.suffix(16), radix: 16) {
            self.init(v6High: h, low: l); return
        }
        return nil
    }
}

extension FlowKey: DistinctKey {
    public var distinctText: String {
        "\(family.rawValue)/\(transportProtocol)/\(addressA.distinctText)/\(aPort)/\(addressB.distinctText)/\(bPort)"
    }

    public init?(distinctText s: String) {
        let p = s.split(separator: "/")
        guard p.count == 6, let proto = UInt8(p[1]), let a = IPAddress(distinctText: String(p[2])),
              let ap = UInt16(p[3]), let b = IPAddress(distinctText: String(p[4])), let bp = UInt16(p[5]),
              a.family == b.family, UInt8(p[0]) == a.family.rawValue else { return nil }
        self.init(source: a, sourcePort: ap, destination: b, destinationPort: bp, transportProtocol: proto)
    }
}
