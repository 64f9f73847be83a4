import PacketDecoding

// Lookups over loaded CDN rules, built once and shared read-only:
//
// * Names: a suffix matches on a label boundary only ("cloudfront.net" matches
//   "d1.cloudfront.net" and "cloudfront.net", never "evilcloudfront.net"); when several
//   suffixes match, the longest wins. The name is hashed from its last byte leftwards, and at
//   each label boundary the hash of the suffix seen so far is looked up in a sorted table, so a
//   lookup reads the name once, compares candidate bytes ASCII-case-insensitively and allocates
//   nothing.
// * Addresses: longest-prefix match in a binary trie per family (one node per prefix bit, array
//   storage, walked bit by bit: at most 32 or 128 steps, no allocation).

/// What a lookup matched: the provider (index into `CDNRules.providers`) and the rule.
public struct CDNMatch: Sendable, Equatable {
    public var provider: Int
    /// The suffix (name lookups) or prefix length in bits (address lookups) that matched.
    public var suffix: String?
    public var prefixLength: Int?
}

/// Read-only matcher over `CDNRules` (Sendable: share one across workers).
public struct CDNMatcher: Sendable {
    public let rules: CDNRules

    // Name suffixes: (hash, entry) sorted by hash; entries hold the suffix bytes and provider.
    private let suffixHashes: [(hash: UInt64, entry: Int)]
    private let suffixEntries: [(bytes: [UInt8], provider: Int, text: String)]
    // Trie nodes: child indexes (0 = none; node 0 is the root) and the provider ending here (-1 none).
    private let v4: [TrieNode]
    private let v6: [TrieNode]

    struct TrieNode: Sendable {
        var zero: Int32 = 0, one: Int32 = 0, provider: Int32 = -1, length: Int16 = 0
    }

    public init(_ rules: CDNRules) {
        self.rules = rules
        var entries: [(bytes: [UInt8], provider: Int, text: String)] = []
        var hashes: [(hash: UInt64, entry: Int)] = []
        var t4 = [TrieNode()], t6 = [TrieNode()]
        for (p, provider) in rules.providers.enumerated() {
            for source in provider.sources {
                for s in source.suffixes {
                    let bytes = Array(s.utf8)
                    var h = CDNMatcher.seed
                    for b in bytes.reversed() { h = CDNMatcher.step(h, b) }
                    hashes.append((h, entries.count))
                    entries.append((bytes, p, s))
                }
                for prefix in source.prefixes {
                    if prefix.address.family == .v4 {
                        CDNMatcher.insert(prefix, provider: p, into: &t4)
                    } else {
                        CDNMatcher.insert(prefix, provider: p, into: &t6)
                    }
                }
            }
        }
        hashes.sort { $0.hash < $1.hash }
        suffixHashes = hashes
        suffixEntries = entries
        v4 = t4
        v6 = t6
    }

    private static func insert(_ prefix: IPPrefix, provider: Int, into trie: inout [TrieNode]) {
        var node = 0
        for i in 0..<prefix.length {
            let bit = IPPrefix.bit(prefix.address, i)
            var next = Int(bit == 0 ? trie[node].zero : trie[node].one)
            if next == 0 {
                trie.append(TrieNode())
                next = trie.count - 1
                if bit == 0 { trie[node].zero = Int32(next) } else { trie[node].one = Int32(next) }
            }
            node = next
        }
        // The loader refuses the same prefix twice, so a node ends at most one prefix.
        trie[node].provider = Int32(provider)
        trie[node].length = Int16(prefix.length)
    }

    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    /// FNV-1a step over an ASCII-lower-cased byte.
    @inline(__always) static func step(_ h: UInt64, _ b: UInt8) -> UInt64 {
        let lower = (b >= 0x41 && b <= 0x5a) ? b | 0x20 : b
        return (h ^ UInt64(lower)) &* 0x0000_0100_0000_01b3
    }

    /// The provider whose longest name suffix matches `name` on a label boundary (one trailing
    /// dot ignored; ASCII case ignored). O(name length + candidates); no allocation.
    public func match(name: String) -> CDNMatch? {
        guard !suffixHashes.isEmpty else { return nil }
        var best: Int? = nil
        var name = name
        name.withUTF8 { buf in
            var end = buf.count
            if end > 0 && buf[end - 1] == 0x2e { end -= 1 }
            guard end > 0, end <= 1024 else { return }
            var h = CDNMatcher.seed
            var i = end - 1
            while i >= 0 {
                h = CDNMatcher.step(h, buf[i])
                // A suffix starts at i when i is the name's start or follows a dot.
                if i == 0 || buf[i - 1] == 0x2e, let e = lookup(h, UnsafeBufferPointer(rebasing: buf[i..<end])) {
                    best = e  // later hits are longer
                }
                i -= 1
            }
        }
        guard let e = best else { return nil }
        return CDNMatch(provider: suffixEntries[e].provider, suffix: suffixEntries[e].text, prefixLength: nil)
    }

    /// Entry whose hash is `h` and whose bytes equal `bytes` (ASCII case ignored).
    private func lookup(_ h: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var lo = 0, hi = suffixHashes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if suffixHashes[mid].hash < h { lo = mid + 1 } else { hi = mid }
        }
        while lo < suffixHashes.count && suffixHashes[lo].hash == h {
            let e = suffixHashes[lo].entry
            let candidate = suffixEntries[e].bytes
            if candidate.count == bytes.count {
                var same = true
                for k in 0..<bytes.count {
                    let b = bytes[k]
                    if ((b >= 0x41 && b <= 0x5a) ? b | 0x20 : b) != candidate[k] { same = false; break }
                }
                if same { return e }
            }
            lo += 1
        }
        return nil
    }

    /// The provider with the longest prefix containing `address`. At most 32 / 128 steps; no allocation.
    public func match(address: IPAddress) -> CDNMatch? {
        // The address left-aligned in 128 bits, read from the top by shifts (per-bit calls to
        // IPPrefix.bit and checked indexing cost ~450 instructions a lookup; this runs once per
        // connection and DNS answer, issue 9).
        let isV4 = address.family == .v4
        var hi = isV4 ? UInt64(address.v4Value) << 32 : address.high
        var lo = isV4 ? 0 : address.low
        let bits = isV4 ? 32 : 128
        let found: (Int32, Int16)? = (isV4 ? v4 : v6).withUnsafeBufferPointer { trie in
            var node = 0
            var best: (Int32, Int16)? = trie[0].provider >= 0 ? (trie[0].provider, 0) : nil
            for _ in 0..<bits {
                let next = hi >> 63 == 0 ? trie[node].zero : trie[node].one
                if next == 0 { break }
                node = Int(next)
                if trie[node].provider >= 0 { best = (trie[node].provider, trie[node].length) }
                hi = hi << 1 | lo >> 63
                lo <<= 1
            }
            return best
        }
        guard let (p, l) = found else { return nil }
        return CDNMatch(provider: Int(p), suffix: nil, prefixLength: Int(l))
    }

    /// Provider name for a match.
    public func name(of match: CDNMatch) -> String { rules.providers[match.provider].name }
}
