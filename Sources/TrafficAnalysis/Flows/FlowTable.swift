import PacketDecoding

/// Packet and byte counters kept per flow or per host.
public struct TrafficCounters: Hashable, Sendable, Codable {
    public var packets: UInt64 = 0
    /// Bytes on the wire (original lengths).
    public var bytes: UInt64 = 0
    public init(packets: UInt64 = 0, bytes: UInt64 = 0) { self.packets = packets; self.bytes = bytes }

    /// Adds `o`'s packets and bytes (summaries merge by adding counters).
    public mutating func merge(_ o: TrafficCounters) { packets += o.packets; bytes += o.bytes }
}

/// An open-addressing hash table (linear probing, power-of-two capacity, load ≤ 1/2) from
/// `FlowKey` to `TrafficCounters`. Each slot holds hash, key and counters together (about one
/// cache line), so a lookup usually touches one line. Lookups and inserts allocate nothing; the
/// slot array doubles when half full, so a capture allocates O(log flows) times in all.
public struct FlowTable: Sendable {
    @usableFromInline struct Slot: Sendable {
        @usableFromInline var hash: UInt64          // 0 = empty
        @usableFromInline var key: FlowKey
        @usableFromInline var counters: TrafficCounters
        @usableFromInline init(hash: UInt64, key: FlowKey, counters: TrafficCounters) {
            self.hash = hash; self.key = key; self.counters = counters
        }
        @usableFromInline static let empty = Slot(hash: 0, key: FlowKey(source: IPAddress(v4: 0), sourcePort: 0, destination: IPAddress(v4: 0),
                                                                        destinationPort: 0, transportProtocol: 0), counters: TrafficCounters())
    }
    @usableFromInline var slots: [Slot]
    @usableFromInline var mask: Int
    @usableFromInline var storedCount: Int = 0
    /// Number of distinct flows.
    public var count: Int { storedCount }

    /// - Parameter capacity: initial slot count, rounded up to a power of two (at least 16).
    public init(capacity: Int = 1 << 12) {
        var c = 16
        while c < capacity { c <<= 1 }
        slots = [Slot](repeating: .empty, count: c)
        mask = c - 1
    }

    /// Adds one packet of `bytes` wire bytes to `key`'s counters, inserting the flow if new.
    /// - Returns: true when the flow was new.
    @inlinable @discardableResult
    public mutating func add(_ key: FlowKey, bytes: Int) -> Bool {
        let h = key.tableHash
        let mask = self.mask
        let inserted: Bool = slots.withUnsafeMutableBufferPointer { table in
            var i = Int(truncatingIfNeeded: h) & mask
            while true {
                let slot = table[i].hash
                if slot == 0 { break }
                if slot == h && table[i].key == key {
                    table[i].counters.packets &+= 1
                    table[i].counters.bytes &+= UInt64(bytes)
                    return false
                }
                i = (i &+ 1) & mask
            }
            table[i] = Slot(hash: h, key: key, counters: TrafficCounters(packets: 1, bytes: UInt64(bytes)))
            return true
        }
        if inserted {
            storedCount += 1
            if storedCount &* 2 > slots.count { grow() }
        }
        return inserted
    }

    /// Counters of `key`, or nil if never seen.
    public func counters(for key: FlowKey) -> TrafficCounters? {
        let h = key.tableHash
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].hash != 0 {
            if slots[i].hash == h && slots[i].key == key { return slots[i].counters }
            i = (i &+ 1) & mask
        }
        return nil
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

    /// Calls `body` for every flow, in slot order.
    public func forEach(_ body: (FlowKey, TrafficCounters) -> Void) {
        for s in slots where s.hash != 0 { body(s.key, s.counters) }
    }

    /// Removes every flow, keeping the capacity.
    public mutating func removeAll() {
        for i in slots.indices { slots[i].hash = 0 }
        storedCount = 0
    }
}
