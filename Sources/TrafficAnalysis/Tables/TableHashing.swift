import PacketDecoding

/// A key that an `OpenTable` can hold: compared for equality and hashed with a per-table seed.
///
/// The hash must mix the seed into every word sequentially (see `TableHash`), so that a sender
/// who can choose addresses and ports cannot make many keys share a slot without knowing the
/// seed (hash flooding: with a fixed hash, crafted IPv6 addresses made a table quadratic).
public protocol TableKey: Equatable, Sendable {
    /// A 64-bit hash of the key under `seed`; need not avoid 0 (the table adjusts it).
    func tableHash(seed: UInt64) -> UInt64
}

/// Keyed hashing for the analysis tables: a seeded multiply-xorshift chain over the key's
/// 64-bit words, then a splitmix64 finaliser.
///
/// Why this construction: each word is folded into a state that already depends on the secret
/// seed, through a multiplication and a shift (a non-linear step over 2^64), so two different
/// keys collide on the full 64-bit state only by chance unless the seed is known, and slot
/// collisions (low bits of the finalised value) cannot be aimed at. It costs about one multiply
/// per word, a fraction of SipHash-1-3 (Swift's `Hasher`), which mattered on the per-packet path
/// (several lookups per packet at 4 million packets/s). Defence in depth: `OpenTable` also caps
/// probe lengths and re-seeds itself when a probe runs long.
public enum TableHash {
    /// A fresh random seed for each table (from the system's CSPRNG), so no two runs, and no
    /// two tables in one run, hash alike.
    @inlinable public static func randomSeed() -> UInt64 {
        var g = SystemRandomNumberGenerator()
        return g.next() | 1
    }

    /// Folds one 64-bit word into the state.
    @inlinable @inline(__always)
    public static func fold(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let x = (state ^ word) &* 0x9e37_79b9_7f4a_7c15
        return x ^ (x >> 29)
    }

    /// splitmix64's finaliser: every output bit depends on every input bit.
    @inlinable @inline(__always)
    public static func finish(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension IPAddress: TableKey {
    @inlinable public func tableHash(seed: UInt64) -> UInt64 {
        TableHash.finish(TableHash.fold(TableHash.fold(seed ^ UInt64(family.rawValue), high), low))
    }
}
