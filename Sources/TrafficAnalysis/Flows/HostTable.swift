import PacketDecoding

/// An open-addressing hash table (linear probing, load ≤ 1/2) from an `IPAddress` to counters
/// and role bits. One table serves both "every address seen in any header" and "hosts of the
/// innermost header": the role bits say which.
public struct HostTable: Sendable {
    /// Role bits of an entry.
    public struct Roles: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Seen as source or destination of some IP header (outer, tunnel inner or ICMP-quoted).
        public static let anyLayer = Roles(rawValue: 1)
        /// Seen as source or destination of a packet's innermost (non-quoted) IP header.
        public static let innermost = Roles(rawValue: 2)
    }

    @usableFromInline var hashes: [UInt64]
    @usableFromInline var keys: [IPAddress]
    @usableFromInline var roles: [Roles]
    @usableFromInline var values: [TrafficCounters]
    @usableFromInline var mask: Int
    /// Number of distinct addresses.
    @usableFromInline var storedCount: Int = 0
    /// Number of entries.
    public var count: Int { storedCount }

    public init(capacity: Int = 1 << 10) {
        var c = 16
        while c < capacity { c <<= 1 }
        hashes = [UInt64](repeating: 0, count: c)
        keys = [IPAddress](repeating: IPAddress(v4: 0), count: c)
        roles = [Roles](repeating: [], count: c)
        values = [TrafficCounters](repeating: TrafficCounters(), count: c)
        mask = c - 1
    }

    /// Records `address` with `role`; when `bytes` is non-nil, also counts one packet of that many
    /// wire bytes for it. No allocation unless the table grows.
    @inlinable
    public mutating func add(_ address: IPAddress, role: Roles, bytes: Int? = nil) {
        let h = address.tableHash
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = hashes[i]
            if slot == 0 { break }
            if slot == h && keys[i] == address {
                roles[i].formUnion(role)
                if let b = bytes { values[i].packets &+= 1; values[i].bytes &+= UInt64(b) }
                return
            }
            i = (i &+ 1) & mask
        }
        hashes[i] = h; keys[i] = address; roles[i] = role
        values[i] = bytes.map { TrafficCounters(packets: 1, bytes: UInt64($0)) } ?? TrafficCounters()
        storedCount += 1
        if storedCount &* 2 > hashes.count { grow() }
    }

    @usableFromInline mutating func grow() {
        let oldHashes = hashes, oldKeys = keys, oldRoles = roles, oldValues = values
        let c = oldHashes.count * 2
        hashes = [UInt64](repeating: 0, count: c)
        keys = [IPAddress](repeating: IPAddress(v4: 0), count: c)
        roles = [Roles](repeating: [], count: c)
        values = [TrafficCounters](repeating: TrafficCounters(), count: c)
        mask = c - 1
        for j in 0..<oldHashes.count where oldHashes[j] != 0 {
            var i = Int(truncatingIfNeeded: oldHashes[j]) & mask
            while hashes[i] != 0 { i = (i &+ 1) & mask }
            hashes[i] = oldHashes[j]; keys[i] = oldKeys[j]; roles[i] = oldRoles[j]; values[i] = oldValues[j]
        }
    }

    /// Roles and counters of `address`, or nil if never seen.
    public func entry(for address: IPAddress) -> (roles: Roles, counters: TrafficCounters)? {
        let h = address.tableHash
        var i = Int(truncatingIfNeeded: h) & mask
        while hashes[i] != 0 {
            if hashes[i] == h && keys[i] == address { return (roles[i], values[i]) }
            i = (i &+ 1) & mask
        }
        return nil
    }

    /// Calls `body` for every address, in slot order.
    public func forEach(_ body: (IPAddress, Roles, TrafficCounters) -> Void) {
        for i in 0..<hashes.count where hashes[i] != 0 { body(keys[i], roles[i], values[i]) }
    }
}
