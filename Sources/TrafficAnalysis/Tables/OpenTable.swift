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
/// Storage: slots live in unsafe memory owned by a class (copy-on-write), a slot's hash 0 marks
/// it empty and its key and value are initialized only when the hash is non-zero. Values are
/// read and changed in place through addressors (`subscript(index:)`, `withValue(at:_:)`):
/// an optional slot array copied the whole value out on every read and checked the array's
/// uniqueness on every access, which cost more than the rest of the analysis.
///
/// Defence against hash flooding (DESIGN practice 14): the seed is random per table; and a probe
/// longer than `maxProbe` (which random keys practically never reach at load ≤ 1/2) makes the
/// table re-seed and rehash itself, counted in `reseeds`.
public struct OpenTable<Key: TableKey, Value: Sendable>: Sendable {
    @usableFromInline struct Slot {
        /// 0 marks an empty slot (key and value uninitialized); stored hashes are forced non-zero.
        @usableFromInline var hash: UInt64
        @usableFromInline var key: Key
        @usableFromInline var value: Value
        @usableFromInline init(hash: UInt64, key: Key, value: Value) { self.hash = hash; self.key = key; self.value = value }
    }

    /// The slot memory. Shared between copies of a table until one of them mutates.
    @usableFromInline final class Storage: @unchecked Sendable {
        @usableFromInline let slots: UnsafeMutablePointer<Slot>
        @usableFromInline let slotCount: Int

        @usableFromInline init(slotCount: Int) {
            // `hashPointer` relies on the hash being the slot's first stored property.
            precondition(MemoryLayout<Slot>.offset(of: \Slot.hash) == 0, "OpenTable.Slot.hash must be at offset 0")
            self.slotCount = slotCount
            slots = .allocate(capacity: slotCount)
            for i in 0..<slotCount { Storage.hashPointer(slots + i).initialize(to: 0) }
        }

        /// A copy holding the same entries in the same slots.
        @usableFromInline func copy() -> Storage {
            let s = Storage(slotCount: slotCount)
            for i in 0..<slotCount where Storage.hashPointer(slots + i).pointee != 0 { (s.slots + i).initialize(to: slots[i]) }
            return s
        }

        /// The slot's hash word: the first stored property (checked once per allocation in `init`),
        /// so a cast rather than a key path. `pointer(to: \.hash)` instantiated a key path at run
        /// time wherever the generic code was not specialized (the slot loops of `init`, `deinit`
        /// and growth: half of a fresh pipeline's cost in a debug build, and runtime conformance
        /// lookups in release).
        @inlinable @inline(__always)
        static func hashPointer(_ p: UnsafeMutablePointer<Slot>) -> UnsafeMutablePointer<UInt64> {
            UnsafeMutableRawPointer(p).assumingMemoryBound(to: UInt64.self)
        }

        @inlinable @inline(__always)
        func hash(at i: Int) -> UInt64 { Storage.hashPointer(slots + i).pointee }

        deinit {
            for i in 0..<slotCount where hash(at: i) != 0 { (slots + i).deinitialize(count: 1) }
            slots.deallocate()
        }
    }

    @usableFromInline var storage: Storage
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
    @inlinable public var capacity: Int { mask &+ 1 }
    /// Bytes per slot (key + hash + value), for sizing caps.
    public static var slotStride: Int { MemoryLayout<Slot>.stride }

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
        storage = Storage(slotCount: c)
        mask = c - 1
        self.maxProbe = maxProbe
        self.seed = seed ?? TableHash.randomSeed()
    }

    @inlinable @inline(__always)
    func hash(_ key: Key) -> UInt64 { key.tableHash(seed: seed) | 1 }

    /// Copies the slots first when another copy of the table shares them.
    @inlinable @inline(__always)
    mutating func makeUnique() {
        if _slowPath(!isKnownUniquelyReferenced(&storage)) { storage = storage.copy() }
    }

    /// Traps unless slot `i` holds an entry (as the optional slot array's `!` did).
    @inlinable @inline(__always)
    func checkOccupied(_ i: Int) {
        precondition(UInt(bitPattern: i) <= UInt(bitPattern: mask) && storage.hash(at: i) != 0, "OpenTable: no entry at index")
    }

    /// The slot index holding `key`, or nil.
    @inlinable
    public func index(of key: Key) -> Int? {
        let h = hash(key)
        let p = storage.slots
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let sh = Storage.hashPointer(p + i).pointee
            if sh == 0 { return nil }
            if sh == h && p[i].key == key { return i }
            i = (i &+ 1) & mask
        }
    }

    /// Finds `key` or inserts it with `make()`; returns its slot index and whether it was new.
    /// Indices stay valid until the next insertion or removal.
    @inlinable
    public mutating func findOrInsert(_ key: Key, _ make: () -> Value) -> (index: Int, inserted: Bool) {
        let h = hash(key)
        makeUnique()
        let p = storage.slots
        let mask = self.mask
        var probes = 0
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let sh = Storage.hashPointer(p + i).pointee
            if sh == 0 { break }
            if sh == h && p[i].key == key { return (i, false) }
            i = (i &+ 1) & mask
            probes &+= 1
        }
        (p + i).initialize(to: Slot(hash: h, key: key, value: make()))
        storedCount += 1
        if storedCount &* 2 > capacity && capacity < maxSlots {
            rehash(to: capacity * 2, newSeed: false)
            i = index(of: key)!
        } else if probes > maxProbe {
            // A probe this long is not chance at load ≤ 1/2: re-seed so crafted keys scatter.
            noteReseed()
            rehash(to: capacity, newSeed: true)
            i = index(of: key)!
        }
        return (i, true)
    }

    /// The value at a slot index from `findOrInsert` / `index(of:)`, read and changed in place.
    @inlinable
    public subscript(index i: Int) -> Value {
        unsafeAddress {
            checkOccupied(i)
            return UnsafePointer(storage.slots + i).pointer(to: \.value)!
        }
        unsafeMutableAddress {
            checkOccupied(i)
            makeUnique()
            return (storage.slots + i).pointer(to: \.value)!
        }
    }

    /// Calls `body` with the value at slot `i` to change in place (one uniqueness check for
    /// several changes).
    @inlinable @inline(__always)
    public mutating func withValue<R>(at i: Int, _ body: (inout Value) throws -> R) rethrows -> R {
        checkOccupied(i)
        makeUnique()
        return try body(&(storage.slots + i).pointer(to: \.value)!.pointee)
    }

    /// Finds `key` or inserts it with `make()`, then calls `body` with its value to change in
    /// place and whether it was new: a lookup and an update with one uniqueness check.
    @inlinable @inline(__always)
    public mutating func upsert<R>(_ key: Key, _ make: () -> Value, _ body: (inout Value, _ inserted: Bool) throws -> R) rethrows -> R {
        let (i, inserted) = findOrInsert(key, make)
        // findOrInsert left the storage unique.
        return try body(&(storage.slots + i).pointer(to: \.value)!.pointee, inserted)
    }

    /// `body(key, value)` for slot `i` (masked) when it holds an entry, else nil: a scan's
    /// read with one check and no copy of the whole value.
    @inlinable @inline(__always)
    public func withEntry<R>(at i: Int, _ body: (borrowing Key, borrowing Value) -> R) -> R? {
        let p = storage.slots + (i & mask)
        if Storage.hashPointer(p).pointee == 0 { return nil }
        return body(p.pointer(to: \.key)!.pointee, p.pointer(to: \.value)!.pointee)
    }

    /// The key at a slot index.
    @inlinable public func key(at i: Int) -> Key {
        checkOccupied(i)
        return storage.slots[i].key
    }

    /// Removes the entry at slot `i` (backward-shift deletion: later entries of the probe run
    /// move back, so no tombstones remain). Returns the removed key and value.
    @inlinable @discardableResult
    public mutating func remove(at i: Int) -> (key: Key, value: Value) {
        checkOccupied(i)
        makeUnique()
        let p = storage.slots
        let removed = (p + i).move()
        Storage.hashPointer(p + i).initialize(to: 0)
        storedCount -= 1
        var hole = i
        var j = (i + 1) & mask
        while true {
            let sh = Storage.hashPointer(p + j).pointee
            if sh == 0 { break }
            let home = Int(truncatingIfNeeded: sh) & mask
            // Move slot j into the hole when its home is not in the cyclic range (hole, j].
            let inRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !inRange {
                (p + hole).moveInitialize(from: p + j, count: 1)
                Storage.hashPointer(p + j).initialize(to: 0)
                hole = j
            }
            j = (j + 1) & mask
        }
        return (removed.key, removed.value)
    }

    /// Calls `body` for every entry, in slot order.
    public func forEach(_ body: (Key, Value) -> Void) {
        let p = storage.slots
        for i in 0...mask where storage.hash(at: i) != 0 { body(p[i].key, p[i].value) }
    }

    /// True when slot `i` holds an entry.
    @inlinable public func isOccupied(_ i: Int) -> Bool { storage.hash(at: i & mask) != 0 }

    /// Removes every entry, keeping the capacity.
    public mutating func removeAll() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(slotCount: capacity); storedCount = 0; return }
        let p = storage.slots
        for i in 0...mask where storage.hash(at: i) != 0 {
            (p + i).deinitialize(count: 1)
            Storage.hashPointer(p + i).initialize(to: 0)
        }
        storedCount = 0
    }

    @usableFromInline mutating func noteReseed() { reseeds += 1 }

    @usableFromInline mutating func rehash(to newCount: Int, newSeed: Bool) {
        // Entries move out of a storage no other copy shares; a shared one is copied from.
        let unique = isKnownUniquelyReferenced(&storage)
        let old = storage
        if newSeed { seed = TableHash.randomSeed() }
        let fresh = Storage(slotCount: newCount)
        let newMask = newCount - 1
        for k in 0..<old.slotCount where old.hash(at: k) != 0 {
            let h = hash(old.slots[k].key)
            var i = Int(truncatingIfNeeded: h) & newMask
            while fresh.hash(at: i) != 0 { i = (i &+ 1) & newMask }
            if unique {
                (fresh.slots + i).moveInitialize(from: old.slots + k, count: 1)
                Storage.hashPointer(old.slots + k).initialize(to: 0)
            } else {
                (fresh.slots + i).initialize(to: old.slots[k])
            }
            Storage.hashPointer(fresh.slots + i).pointee = h
        }
        storage = fresh
        mask = newMask
    }
}

extension Int {
    @usableFromInline var saturatingDouble: Int { self > Int.max / 2 ? Int.max / 2 : self * 2 }

}

extension OpenTable {
    /// The slot of the least recent entry among the first `sample` occupied slots from `cursor`
    /// (wrapping), by `recency` (smaller = older), and the cursor just past the slots looked at;
    /// nil when the table is empty. Sampled LRU: the analyzers' eviction rule under a cap, O(sample).
    public func leastRecent(sample: Int = 8, from cursor: Int, by recency: (Value) -> Int64) -> (slot: Int, next: Int)? {
        let cap = capacity
        var best = -1, bestValue = Int64.max, seen = 0, i = cursor, scanned = 0
        while seen < sample && scanned < cap {
            let s = i & (cap - 1)
            if isOccupied(s) {
                let r = recency(self[index: s])
                if r < bestValue { bestValue = r; best = s }
                seen += 1
            }
            i += 1; scanned += 1
        }
        return best >= 0 ? (best, i & (cap - 1)) : nil
    }
}
