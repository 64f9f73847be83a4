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
/// derived) up to `exactLimit` elements, in a compact open-addressing set (`ExactKeySet`: the
/// keys in a dense array plus a 32-bit index, keyed hash seeded per set, about 50 bytes per
/// 5-tuple); the insert that would go past the limit converts the set into one HyperLogLog per
/// family (relative standard error `HyperLogLog.relativeStandardError`, 0.81%) and from then on
/// counts are estimates (`isExact == false`). Merge is a set union while the union fits, and a
/// sketch merge otherwise, so it stays associative and commutative (any order of merges ends
/// in the same mode and the same counts). Per-family counts are kept as elements arrive.
public struct DistinctSet<Key: DistinctKey>: Sendable {
    @usableFromInline var exact: ExactKeySet<Key>
    /// One sketch per family (IPv4 first) once the set went past `exactLimit`.
    public private(set) var sketches: [HyperLogLog]?
    /// Elements kept exactly before switching to sketches.
    public var exactLimit: Int

    /// The default bound on exact elements per set: 1,048,576 (about 50 MiB of 5-tuples).
    public static var defaultExactLimit: Int { 1 << 20 }

    public init<S: Sequence>(_ members: S, exactLimit: Int = DistinctSet.defaultExactLimit) where S.Element == Key {
        self.exactLimit = exactLimit
        exact = ExactKeySet()
        sketches = nil
        for k in members { insert(k) }
    }

    public init(exactLimit: Int = DistinctSet.defaultExactLimit) {
        self.exactLimit = exactLimit
        exact = ExactKeySet()
        sketches = nil
    }

    /// The elements while exact (insertion order); empty once sketched.
    public var members: [Key] { exact.keys }

    /// True while counts are exact.
    @inlinable public var isExact: Bool { sketches == nil }

    /// True when nothing was ever added.
    public var isEmpty: Bool { sketches == nil && exact.count == 0 }

    /// Adds `key`; returns true when it was new (always true once sketched).
    @discardableResult
    public mutating func insert(_ key: Key) -> Bool {
        if sketches != nil {
            sketches![key.family == .v4 ? 0 : 1].add(hash: key.tableHash(seed: HyperLogLog.sketchSeed))
            return true
        }
        let new = exact.insert(key)
        if new && exact.count > exactLimit { convertToSketches() }
        return new
    }

    /// Distinct elements of `family` (an estimate once sketched).
    public func count(_ family: IPFamily) -> Int {
        if let s = sketches { return s[family == .v4 ? 0 : 1].estimate }
        return family == .v4 ? exact.countV4 : exact.count - exact.countV4
    }

    /// Distinct elements of both families.
    public var totalCount: Int { count(.v4) + count(.v6) }

    public mutating func merge(_ other: DistinctSet) {
        exactLimit = max(exactLimit, other.exactLimit)
        if isEmpty {
            // Taking the other set whole avoids re-hashing every element (the common case:
            // an analyzer's set merged into an empty summary).
            let limit = exactLimit
            self = other
            exactLimit = limit
            if sketches == nil && exact.count > exactLimit { convertToSketches() }
            return
        }
        if sketches == nil && other.sketches == nil {
            for k in other.exact.keys {
                if exact.insert(k) && exact.count > exactLimit { convertToSketches(); break }
            }
            if sketches == nil { return }
        }
        if sketches == nil { convertToSketches() }
        var o = other
        if o.sketches == nil { o.convertToSketches() }
        sketches![0].merge(o.sketches![0])
        sketches![1].merge(o.sketches![1])
    }

    mutating func convertToSketches() {
        var s = sketches ?? [HyperLogLog(), HyperLogLog()]
        for k in exact.keys { s[k.family == .v4 ? 0 : 1].add(hash: k.tableHash(seed: HyperLogLog.sketchSeed)) }
        sketches = s
        exact = ExactKeySet()
    }
}

extension DistinctSet: Equatable {
    /// Same mode and the same elements (exact) or registers (sketched).
    public static func == (a: DistinctSet, b: DistinctSet) -> Bool {
        if a.sketches != b.sketches { return false }
        guard a.sketches == nil else { return true }
        return a.exact.count == b.exact.count && a.exact.keys.allSatisfy { b.exact.contains($0) }
    }
}

/// A set of keys in insertion order with an open-addressing index (linear probing, load ≤ 1/2,
/// 32-bit slots holding position + 1). The hash is keyed with a random per-set seed, like
/// `OpenTable`'s, so crafted keys cannot collide on purpose.
@usableFromInline struct ExactKeySet<Key: DistinctKey>: Sendable {
    @usableFromInline var keys: [Key] = []
    @usableFromInline var slots: [UInt32] = []
    @usableFromInline var mask = -1
    @usableFromInline let seed = TableHash.randomSeed()
    @usableFromInline var countV4 = 0

    @usableFromInline init() {}

    var count: Int { keys.count }

    func contains(_ key: Key) -> Bool {
        guard mask >= 0 else { return false }
        var i = Int(truncatingIfNeeded: key.tableHash(seed: seed)) & mask
        while slots[i] != 0 {
            if keys[Int(slots[i]) - 1] == key { return true }
            i = (i &+ 1) & mask
        }
        return false
    }

    /// Inserts `key`; true when it was new.
    @usableFromInline mutating func insert(_ key: Key) -> Bool {
        if (keys.count + 1) * 2 > slots.count { grow() }
        var i = Int(truncatingIfNeeded: key.tableHash(seed: seed)) & mask
        while slots[i] != 0 {
            if keys[Int(slots[i]) - 1] == key { return false }
            i = (i &+ 1) & mask
        }
        keys.append(key)
        slots[i] = UInt32(keys.count)
        if key.family == .v4 { countV4 += 1 }
        return true
    }

    mutating func grow() {
        let n = max(16, slots.count * 2)
        slots = [UInt32](repeating: 0, count: n)
        mask = n - 1
        for (p, k) in keys.enumerated() {
            var i = Int(truncatingIfNeeded: k.tableHash(seed: seed)) & mask
            while slots[i] != 0 { i = (i &+ 1) & mask }
            slots[i] = UInt32(p + 1)
        }
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
            self.init(exactLimit: limit)
            sketches = [try c.decode(HyperLogLog.self, forKey: .sketchIPv4), try c.decode(HyperLogLog.self, forKey: .sketchIPv6)]
        }
    }

    static func parse(_ strings: [String], _ decoder: any Decoder) throws -> [Key] {
        var keys: [Key] = []
        keys.reserveCapacity(strings.count)
        for s in strings {
            guard let k = Key(distinctText: s) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad element \(s)"))
            }
            keys.append(k)
        }
        return keys
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
