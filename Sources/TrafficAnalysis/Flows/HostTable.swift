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

    @usableFromInline struct Slot: Sendable {
        @usableFromInline var hash: UInt64          // 0 = empty
        @usableFromInline var address: IPAddress
        @usableFromInline var roles: Roles
        @usableFromInline var counters: TrafficCounters
        @usableFromInline init(hash: UInt64, address: IPAddress, roles: Roles, counters: TrafficCounters) {
            self.hash = hash; self.address = address; self.roles = roles; self.counters = counters
        }
        @usableFromInline static let empty = Slot(hash: 0, address: IPAddress(v4: 0), roles: [], counters: TrafficCounters())
    }
    /// Hash, address, roles and counters side by side: one cache line per probe.
    @usableFromInline var slots: [Slot]
    @usableFromInline var mask: Int
    @usableFromInline var storedCount: Int = 0
    /// Number of distinct addresses.
    public var count: Int { storedCount }

    public init(capacity: Int = 1 << 10) {
        var c = 16
        while c < capacity { c <<= 1 }
        slots = [Slot](repeating: .empty, count: c)
        mask = c - 1
    }

    /// Records `address` with `role`; when `bytes` is non-nil, also counts one packet of that many
    /// wire bytes for it. No allocation unless the table grows.
    @inlinable
    public mutating func add(_ address: IPAddress, role: Roles, bytes: Int? = nil) {
        let h = address.tableHash
        let mask = self.mask
        let inserted: Bool = slots.withUnsafeMutableBufferPointer { table in
            var i = Int(truncatingIfNeeded: h) & mask
            while true {
                let slot = table[i].hash
                if slot == 0 { break }
                if slot == h && table[i].address == address {
                    table[i].roles.formUnion(role)
                    if let b = bytes { table[i].counters.packets &+= 1; table[i].counters.bytes &+= UInt64(b) }
                    return false
                }
                i = (i &+ 1) & mask
            }
            table[i] = Slot(hash: h, address: address, roles: role,
                            counters: bytes.map { TrafficCounters(packets: 1, bytes: UInt64($0)) } ?? TrafficCounters())
            return true
        }
        if inserted {
            storedCount += 1
            if storedCount &* 2 > slots.count { grow() }
        }
    }

    @usableFromInline mutating func grow() {
        let old = slots
        let c = old.count * 2
        slots = [Slot](repeating: .empty, count: c)
        mask = c - 1
        for s in old where s.hash != 0 {
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots[i].hash != 0 { i = (i &+ 1) & mask }
            slots[i] = s
        }
    }

    /// Roles and counters of `address`, or nil if never seen.
    public func entry(for address: IPAddress) -> (roles: Roles, counters: TrafficCounters)? {
        let h = address.tableHash
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].hash != 0 {
            if slots[i].hash == h && slots[i].address == address { return (slots[i].roles, slots[i].counters) }
            i = (i &+ 1) & mask
        }
        return nil
    }

    /// Calls `body` for every address, in slot order.
    public func forEach(_ body: (IPAddress, Roles, TrafficCounters) -> Void) {
        for s in slots where s.hash != 0 { body(s.address, s.roles, s.counters) }
    }
}
