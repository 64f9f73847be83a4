import CPrefetch
#if canImport(Glibc)
import Glibc
#endif

/// The one hash table of the analyses: open addressing with linear probing over inline slots
/// (key and value side by side, their hashes in a dense array beside them), a keyed hash
/// seeded per table, a bound on live entries, and deletion by backward shift (no tombstones, so
/// lookups stay short however many entries come and go).
///
/// Used by every analyzer (hosts, connections, DNS...). Lookups and updates allocate nothing;
/// the slot array doubles while the table is at most half full, so a capture allocates
/// O(log entries) times in all. The caller owns eviction policy (timeouts, the cap): the table
/// reports when it is full and lets the caller remove entries.
///
/// Storage: slots live in unsafe memory owned by a class (copy-on-write); the slots' hashes live
/// in a separate dense array beside them (8 bytes a slot), where a hash 0 marks the slot empty
/// and its key and value are initialized only when the hash is non-zero. Probes walk the hash
/// array and touch a slot only when its full hash matches: with ~200-byte values (connections)
/// every probed slot was a cache miss, and scans read empty slots for nothing. Values are
/// read and changed in place through addressors (`subscript(index:)`, `withValue(at:_:)`):
/// an optional slot array copied the whole value out on every read and checked the array's
/// uniqueness on every access, which cost more than the rest of the analysis.
///
/// Defence against hash flooding (DESIGN practice 14): the seed is random per table; and a probe
/// longer than `maxProbe` (which random keys practically never reach at load ≤ 1/2) makes the
/// table re-seed and rehash itself, counted in `reseeds`.
public struct OpenTable<Key: TableKey, Value: Sendable>: Sendable {
    @usableFromInline struct Slot {
        @usableFromInline var key: Key
        @usableFromInline var value: Value
        @usableFromInline init(key: Key, value: Value) { self.key = key; self.value = value }
    }

    /// The slot memory. Shared between copies of a table until one of them mutates.
    @usableFromInline final class Storage: @unchecked Sendable {
        @usableFromInline let slots: UnsafeMutablePointer<Slot>
        /// Slot `i`'s hash (0: empty; stored hashes are forced non-zero).
        @usableFromInline let hashes: UnsafeMutablePointer<UInt64>
        @usableFromInline let slotCount: Int

        @usableFromInline init(slotCount: Int) {
            self.slotCount = slotCount
            slots = TableMemory.allocate(Slot.self, count: slotCount)
            hashes = TableMemory.allocate(UInt64.self, count: slotCount)
            hashes.initialize(repeating: 0, count: slotCount)
        }

        /// A copy holding the same entries in the same slots.
        @usableFromInline func copy() -> Storage {
            let s = Storage(slotCount: slotCount)
            for i in 0..<slotCount where hashes[i] != 0 {
                (s.slots + i).initialize(to: slots[i])
                s.hashes[i] = hashes[i]
            }
            return s
        }

        @inlinable @inline(__always)
        func hash(at i: Int) -> UInt64 { hashes[i] }

        deinit {
            for i in 0..<slotCount where hashes[i] != 0 { (slots + i).deinitialize(count: 1) }
            TableMemory.free(slots)
            TableMemory.free(hashes)
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
    public static var slotStride: Int { MemoryLayout<Slot>.stride + MemoryLayout<UInt64>.stride }

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

    /// A key's hash under the table's seed at the time it was taken: `findOrInsert(_:prehashed:_:)`
    /// uses it while the seed is unchanged (a re-seed happens only inside an insertion), so a
    /// caller that prefetched a slot does not hash the key twice.
    public struct PreHash: Sendable {
        @usableFromInline let hash: UInt64
        @usableFromInline let seed: UInt64
        @inlinable init(hash: UInt64, seed: UInt64) { self.hash = hash; self.seed = seed }
    }

    /// `key`'s hash for `prefetch(_:)` and `findOrInsert(_:prehashed:_:)`.
    @inlinable @inline(__always)
    public func prehash(_ key: Key) -> PreHash { PreHash(hash: hash(key), seed: seed) }

    /// Asks the CPU to fetch a pre-hashed key's home slot (its hash word and the slot) into the
    /// cache: a hint only, nothing is read or changed. Called a few hundred instructions before
    /// the lookup, it lets the misses of several tables overlap instead of stalling in turn (perf:
    /// the probed slot's load was ~70% of the connection and host lookups' samples).
    @inlinable @inline(__always)
    public func prefetch(_ p: PreHash) {
        let i = Int(truncatingIfNeeded: p.hash) & mask
        netcensus_prefetch(UnsafeRawPointer(storage.hashes + i))
        // Every cache line of the slot (a connection's is ~200 bytes; the update writes all over it).
        let slot = UnsafeRawPointer(storage.slots + i), size = MemoryLayout<Slot>.size
        netcensus_prefetch(slot)
        if size > 64 { netcensus_prefetch(slot + 64) }
        if size > 128 { netcensus_prefetch(slot + 128) }
        if size > 1 { netcensus_prefetch(slot + (size - 1)) }
    }

    /// The slot index holding `key`, or nil.
    @inlinable
    public func index(of key: Key) -> Int? {
        let h = hash(key)
        let p = storage.slots, hp = storage.hashes
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let sh = hp[i]
            if sh == 0 { return nil }
            if sh == h && p[i].key == key { return i }
            i = (i &+ 1) & mask
        }
    }

    /// Finds `key` or inserts it with `make()`; returns its slot index and whether it was new.
    /// Indices stay valid until the next insertion or removal.
    @inlinable @inline(__always)
    public mutating func findOrInsert(_ key: Key, _ make: () -> Value) -> (index: Int, inserted: Bool) {
        findOrInsert(key, hash: hash(key), make)
    }

    /// `findOrInsert(_:_:)` with the key's hash taken earlier (`prehash`); hashed again if none
    /// was taken or the table re-seeded since.
    @inlinable @inline(__always)
    public mutating func findOrInsert(_ key: Key, prehashed p: PreHash?, _ make: () -> Value) -> (index: Int, inserted: Bool) {
        let h: UInt64
        if let p, p.seed == seed { h = p.hash } else { h = hash(key) }
        return findOrInsert(key, hash: h, make)
    }

    @inlinable
    mutating func findOrInsert(_ key: Key, hash h: UInt64, _ make: () -> Value) -> (index: Int, inserted: Bool) {
        makeUnique()
        let p = storage.slots, hp = storage.hashes
        let mask = self.mask
        var probes = 0
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let sh = hp[i]
            if sh == 0 { break }
            if sh == h && p[i].key == key { return (i, false) }
            i = (i &+ 1) & mask
            probes &+= 1
        }
        (p + i).initialize(to: Slot(key: key, value: make()))
        hp[i] = h
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
    public mutating func upsert<R>(_ key: Key, prehashed: PreHash? = nil, _ make: () -> Value,
                                   _ body: (inout Value, _ inserted: Bool) throws -> R) rethrows -> R {
        let (i, inserted) = findOrInsert(key, prehashed: prehashed, make)
        // findOrInsert left the storage unique.
        return try body(&(storage.slots + i).pointer(to: \.value)!.pointee, inserted)
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
        let p = storage.slots, hp = storage.hashes
        let removed = (p + i).move()
        hp[i] = 0
        storedCount -= 1
        var hole = i
        var j = (i + 1) & mask
        while true {
            let sh = hp[j]
            if sh == 0 { break }
            let home = Int(truncatingIfNeeded: sh) & mask
            // Move slot j into the hole when its home is not in the cyclic range (hole, j].
            let inRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !inRange {
                (p + hole).moveInitialize(from: p + j, count: 1)
                hp[hole] = sh
                hp[j] = 0
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
        let p = storage.slots, hp = storage.hashes
        for i in 0...mask where hp[i] != 0 {
            (p + i).deinitialize(count: 1)
            hp[i] = 0
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
                old.hashes[k] = 0
            } else {
                (fresh.slots + i).initialize(to: old.slots[k])
            }
            fresh.hashes[i] = h
        }
        storage = fresh
        mask = newMask
    }
}

extension Int {
    @usableFromInline var saturatingDouble: Int { self > Int.max / 2 ? Int.max / 2 : self * 2 }

}

extension OpenTable {
    /// Sets `key`'s value to `value` in a table bounded to `limit` entries: when the table is full
    /// and `key` is new, the least recent entry of a sample from `cursor` (`leastRecent`, by
    /// `recency`) is removed first and `cursor` moves past the sample.
    /// - Returns: the value of the entry evicted to make room (nil: none; the caller counts it)
    ///   and the value `value` replaced (nil: `key` was new), for a caller whose values hold
    ///   references to let go.
    @inlinable @discardableResult
    public mutating func set(_ key: Key, _ value: Value, limit: Int, cursor: inout Int,
                             recency: (Value) -> Int64) -> (evicted: Value?, replaced: Value?) {
        var evicted: Value? = nil
        if count >= limit, index(of: key) == nil, let (slot, next) = leastRecent(from: cursor, by: recency) {
            cursor = next
            evicted = remove(at: slot).value
        }
        let replaced: Value? = upsert(key, { value }) { v, inserted in
            defer { v = value }
            return inserted ? nil : v
        }
        return (evicted, replaced)
    }

    /// The slot of the least recent entry among the first `sample` occupied slots from `cursor`
    /// (wrapping), by `recency` (smaller = older), and the cursor just past the slots looked at;
    /// nil when the table is empty. Sampled LRU: the analyzers' eviction rule under a cap, O(sample).
    @inlinable
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

/// Slot memory for the tables. Large arrays (2 MiB and more: the connection table of a big
/// capture is tens of MiB) are 2 MiB-aligned and marked for transparent huge pages: every lookup
/// lands on a random slot, and with 4 KiB pages nearly each one also missed the TLB (perf: the
/// prefetch of the probed slot stalled on the page walk). Where THP is off this changes nothing.
@usableFromInline enum TableMemory {
    @usableFromInline static let hugePage = 2 << 20

    @usableFromInline static func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = count * MemoryLayout<T>.stride
        #if os(Linux)
        if bytes >= hugePage {
            var p: UnsafeMutableRawPointer? = nil
            if posix_memalign(&p, hugePage, bytes) == 0, let p {
                _ = madvise(p, bytes, MADV_HUGEPAGE)
                return p.bindMemory(to: T.self, capacity: count)
            }
        }
        #endif
        return .allocate(capacity: count)
    }

    /// Frees what `allocate` returned (malloc'd memory in both cases on Linux).
    @usableFromInline static func free<T>(_ p: UnsafeMutablePointer<T>) {
        #if os(Linux)
        Glibc.free(UnsafeMutableRawPointer(p))
        #else
        p.deallocate()
        #endif
    }
}
