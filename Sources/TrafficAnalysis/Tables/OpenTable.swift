/// The one hash table of the analyses: open addressing with linear probing over inline slots
/// (hash, key and value side by side, so a lookup usually touches one cache line), a keyed hash
/// seeded per table, a bound on live entries, and deletion by backward shift (no tombstones, so
/// lookups stay short however many entries come and go).
///
/// Used by every analyzer (hosts, connections, DNS...). Lookups and updates allocate nothing;
/// the slot array doubles while the table is at most half full, so a capture allocates
/// O(log entries) times in all. The caller owns eviction policy (timeouts, the cap): the table
/// reports when it is full and lets the caller remove entries.
///
/// Defence against hash flooding (DESIGN practice 14): the seed is random per table; and a probe
/// longer than `maxProbe` (which random keys practically never reach at load ≤ 1/2) makes the
/// table re-seed and rehash itself, counted in `reseeds`.
public struct OpenTable<Key: TableKey, Value: Sendable>: Sendable {
    @usableFromInline struct Slot: Sendable {
        /// 0 marks an empty slot; stored hashes are forced non-zero.
        @usableFromInline var hash: UInt64
        @usableFromInline var key: Key
        @usableFromInline var value: Value
        @usableFromInline init(hash: UInt64, key: Key, value: Value) { self.hash = hash; self.key = key; self.value = value }
    }

    @usableFromInline var slots: [Slot?]
    @usableFromInline var mask: Int
    @usableFromInline var seed: UInt64
    @usableFromInline var storedCount = 0
    /// Probe length beyond which the table re-seeds (defence in depth against crafted keys).
    public let maxProbe: Int
    /// Times the table re-seeded itself because a probe ran longer than `maxProbe`.
    public internal(set) var reseeds = 0
    /// The slot array never grows beyond this many slots (twice the live-entry cap).
    public let maxSlots: Int

    /// Live entries.
    @inlinable public var count: Int { storedCount }
    /// Slots allocated.
    @inlinable public var capacity: Int { slots.count }

    /// - Parameters:
    ///   - capacity: initial slot count (rounded up to a power of two, at least 16).
    ///   - maxEntries: the caller's cap on live entries; slots stop growing at twice that.
    ///   - maxProbe: probe length that triggers a re-seed.
    ///   - seed: hash seed; random (per table, per process) unless a test fixes it.
    public init(capacity: Int = 1 << 10, maxEntries: Int = .max / 4, maxProbe: Int = 96, seed: UInt64? = nil) {
        var c = 16
        while c < capacity { c <<= 1 }
        var m = 16
        while m < maxEntries.saturatingDouble && m < 1 << 40 { m <<= 1 }
        maxSlots = Swift.max(m, c)
        slots = [Slot?](repeating: nil, count: c)
        mask = c - 1
        self.maxProbe = maxProbe
        self.seed = seed ?? TableHash.randomSeed()
    }

    @inlinable @inline(__always)
    func hash(_ key: Key) -> UInt64 { key.tableHash(seed: seed) | 1 }

    /// The slot index holding `key`, or nil.
    @inlinable
    public func index(of key: Key) -> Int? {
        let h = hash(key)
        return slots.withUnsafeBufferPointer { table in
            var i = Int(truncatingIfNeeded: h) & mask
            while let s = table[i] {
                if s.hash == h && s.key == key { return i }
                i = (i &+ 1) & mask
            }
            return nil
        }
    }

    /// Finds `key` or inserts it with `make()`; returns its slot index and whether it was new.
    /// Indices stay valid until the next insertion or removal.
    @inlinable
    public mutating func findOrInsert(_ key: Key, _ make: () -> Value) -> (index: Int, inserted: Bool) {
        let h = hash(key)
        let mask = self.mask
        var probes = 0
        let found: Int = slots.withUnsafeMutableBufferPointer { table in
            var i = Int(truncatingIfNeeded: h) & mask
            while let s = table[i] {
                if s.hash == h && s.key == key { return i }
                i = (i &+ 1) & mask
                probes &+= 1
            }
            return ~i   // negative: free slot index encoded
        }
        if found >= 0 { return (found, false) }
        var i = ~found
        slots[i] = Slot(hash: h, key: key, value: make())
        storedCount += 1
        if storedCount &* 2 > slots.count && slots.count < maxSlots {
            rehash(to: slots.count * 2, newSeed: false)
            i = index(of: key)!
        } else if probes > maxProbe {
            // A probe this long is not chance at load ≤ 1/2: re-seed so crafted keys scatter.
            noteReseed()
            rehash(to: slots.count, newSeed: true)
            i = index(of: key)!
        }
        return (i, true)
    }

    /// The value at a slot index from `findOrInsert` / `index(of:)`.
    @inlinable
    public subscript(index i: Int) -> Value {
        get { slots[i]!.value }
        _modify { yield &slots[i]!.value }
    }

    /// The key at a slot index.
    @inlinable public func key(at i: Int) -> Key { slots[i]!.key }

    /// Removes the entry at slot `i` (backward-shift deletion: later entries of the probe run
    /// move back, so no tombstones remain). Returns the removed key and value.
    @inlinable @discardableResult
    public mutating func remove(at i: Int) -> (key: Key, value: Value) {
        let removed = slots[i]!
        slots[i] = nil
        storedCount -= 1
        var hole = i
        var j = (i + 1) & mask
        while let s = slots[j] {
            let home = Int(truncatingIfNeeded: s.hash) & mask
            // Move s into the hole when its home is not in the cyclic range (hole, j].
            let inRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !inRange {
                slots[hole] = s
                slots[j] = nil
                hole = j
            }
            j = (j + 1) & mask
        }
        return (removed.key, removed.value)
    }

    /// Calls `body` for every entry, in slot order.
    public func forEach(_ body: (Key, Value) -> Void) {
        for case let s? in slots { body(s.key, s.value) }
    }

    /// True when slot `i` holds an entry.
    @inlinable public func isOccupied(_ i: Int) -> Bool { slots[i & mask] != nil }

    /// Removes every entry, keeping the capacity.
    public mutating func removeAll() {
        for i in slots.indices { slots[i] = nil }
        storedCount = 0
    }

    @usableFromInline mutating func noteReseed() { reseeds += 1 }

    @usableFromInline mutating func rehash(to newCount: Int, newSeed: Bool) {
        let old = slots
        if newSeed { seed = TableHash.randomSeed() }
        slots = [Slot?](repeating: nil, count: newCount)
        mask = newCount - 1
        for case var s? in old {
            s.hash = hash(s.key)
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots[i] != nil { i = (i &+ 1) & mask }
            slots[i] = s
        }
    }
}

extension Int {
    @usableFromInline var saturatingDouble: Int { self > Int.max / 2 ? Int.max / 2 : self * 2 }
}
