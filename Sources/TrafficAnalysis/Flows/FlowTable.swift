import PacketDecoding

/// Packet and byte counters kept per flow or per host.
public struct TrafficCounters: Hashable, Sendable, Codable {
    public var packets: UInt64 = 0
    /// Bytes on the wire (original lengths).
    public var bytes: UInt64 = 0
    public init(packets: UInt64 = 0, bytes: UInt64 = 0) { self.packets = packets; self.bytes = bytes }
}

/// An open-addressing hash table (linear probing, power-of-two capacity, load ≤ 1/2) from
/// `FlowKey` to `TrafficCounters`. Lookups and inserts allocate nothing; the arrays double when
/// half full, so a capture allocates O(log flows) times in all.
public struct FlowTable: Sendable {
    @usableFromInline var hashes: [UInt64]          // 0 = empty slot
    @usableFromInline var keys: [FlowKey]
    @usableFromInline var values: [TrafficCounters]
    @usableFromInline var mask: Int
    /// Number of distinct flows.
    @usableFromInline var storedCount: Int = 0
    /// Number of entries.
    public var count: Int { storedCount }

    /// - Parameter capacity: initial slot count, rounded up to a power of two (at least 16).
    public init(capacity: Int = 1 << 12) {
        var c = 16
        while c < capacity { c <<= 1 }
        hashes = [UInt64](repeating: 0, count: c)
        keys = [FlowKey](repeating: FlowKey(source: IPAddress(v4: 0), sourcePort: 0, destination: IPAddress(v4: 0),
                                            destinationPort: 0, transportProtocol: 0), count: c)
        values = [TrafficCounters](repeating: TrafficCounters(), count: c)
        mask = c - 1
    }

    /// Adds one packet of `bytes` wire bytes to `key`'s counters, inserting the flow if new.
    /// - Returns: true when the flow was new.
    @inlinable @discardableResult
    public mutating func add(_ key: FlowKey, bytes: Int) -> Bool {
        let h = key.tableHash
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = hashes[i]
            if slot == 0 { break }
            if slot == h && keys[i] == key {
                values[i].packets &+= 1
                values[i].bytes &+= UInt64(bytes)
                return false
            }
            i = (i &+ 1) & mask
        }
        hashes[i] = h; keys[i] = key
        values[i] = TrafficCounters(packets: 1, bytes: UInt64(bytes))
        storedCount += 1
        if storedCount &* 2 > hashes.count { grow() }
        return true
    }

    /// Counters of `key`, or nil if never seen.
    public func counters(for key: FlowKey) -> TrafficCounters? {
        let h = key.tableHash
        var i = Int(truncatingIfNeeded: h) & mask
        while hashes[i] != 0 {
            if hashes[i] == h && keys[i] == key { return values[i] }
            i = (i &+ 1) & mask
        }
        return nil
    }

    @usableFromInline mutating func grow() {
        let oldHashes = hashes, oldKeys = keys, oldValues = values
        let c = oldHashes.count * 2
        hashes = [UInt64](repeating: 0, count: c)
        keys = [FlowKey](repeating: oldKeys[0], count: c)
        values = [TrafficCounters](repeating: TrafficCounters(), count: c)
        mask = c - 1
        for j in 0..<oldHashes.count where oldHashes[j] != 0 {
            var i = Int(truncatingIfNeeded: oldHashes[j]) & mask
            while hashes[i] != 0 { i = (i &+ 1) & mask }
            hashes[i] = oldHashes[j]; keys[i] = oldKeys[j]; values[i] = oldValues[j]
        }
    }

    /// Calls `body` for every flow, in slot order.
    public func forEach(_ body: (FlowKey, TrafficCounters) -> Void) {
        for i in 0..<hashes.count where hashes[i] != 0 { body(keys[i], values[i]) }
    }

    /// Removes every flow, keeping the capacity.
    public mutating func removeAll() {
        for i in 0..<hashes.count { hashes[i] = 0 }
        storedCount = 0
    }
}
