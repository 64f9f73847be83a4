import PacketDecoding
import TrafficAnalysis

/// IPv4-embedded IPv6 addresses (RFC 6052 section 2.2). The IPv4 address sits right after a
/// prefix of 32, 40, 48, 56, 64 or 96 bits, skipping bits 64-71 (the "u" octet, which must be
/// zero); the suffix after it is zero:
///
/// ```
/// |PL| 0-------------32--40--48--56--64--72--80--88--96--104---------|
/// |32|     prefix    |v4(32)         | u | suffix                    |
/// |40|     prefix        |v4(24)     | u |(8)| suffix                |
/// |48|     prefix            |v4(16) | u | (16)  | suffix            |
/// |56|     prefix                |(8)| u |  v4(24)   | suffix        |
/// |64|     prefix                    | u |   v4(32)      | suffix    |
/// |96|     prefix                                    |    v4(32)     |
/// ```
public enum NAT64Embedding {
    /// The prefix lengths RFC 6052 section 2.2 allows.
    public static let prefixLengths = [32, 40, 48, 56, 64, 96]

    /// The IPv4 address embedded in `a` under a prefix of `length` bits; nil for an IPv4
    /// address or a length RFC 6052 does not allow. Does not check the prefix itself.
    public static func ipv4(in a: IPAddress, prefixLength length: Int) -> IPAddress? {
        guard a.family == .v6 else { return nil }
        let h = a.high, l = a.low
        let v: UInt64
        switch length {
        case 32: v = h & 0xffff_ffff
        case 40: v = (h & 0xff_ffff) << 8 | (l >> 48) & 0xff
        case 48: v = (h & 0xffff) << 16 | (l >> 40) & 0xffff
        case 56: v = (h & 0xff) << 24 | (l >> 32) & 0xff_ffff
        case 64: v = (l >> 24) & 0xffff_ffff
        case 96: v = l & 0xffff_ffff
        default: return nil
        }
        return IPAddress(v4: UInt32(truncatingIfNeeded: v))
    }

    /// The u octet (bits 64-71) is zero, as RFC 6052 section 2.2 requires for lengths below 96.
    public static func uOctetIsZero(_ a: IPAddress) -> Bool { a.low >> 56 == 0 }

    /// `v4` embedded under `prefix` (an IPv6 prefix of an RFC 6052 length), u octet and suffix
    /// zero. Nil for other lengths.
    public static func address(embedding v4: IPAddress, in prefix: IPPrefix) -> IPAddress? {
        guard prefix.address.family == .v6, v4.family == .v4 else { return nil }
        let x = UInt64(v4.v4Value), h = prefix.address.high, l = prefix.address.low
        switch prefix.length {
        case 32: return IPAddress(v6High: h | x, low: 0)
        case 40: return IPAddress(v6High: h | x >> 8, low: (x & 0xff) << 48)
        case 48: return IPAddress(v6High: h | x >> 16, low: (x & 0xffff) << 40)
        case 56: return IPAddress(v6High: h | x >> 24, low: (x & 0xff_ffff) << 32)
        case 64: return IPAddress(v6High: h, low: x << 24)
        case 96: return IPAddress(v6High: h, low: l | x)
        default: return nil
        }
    }
}

/// Where a NAT64 prefix came from. The cases are listed from the most trusted down; `rank`
/// orders them for eviction (docs/transition.md "NAT64 prefixes").
public enum NAT64PrefixSource: String, Sendable, CaseIterable {
    /// 64:ff9b::/96 (RFC 6052 section 2.1).
    case wellKnown = "well_known"
    /// 64:ff9b:1::/48 (RFC 8215), read as a /96 unless a longer learnt prefix covers it.
    case localUse = "local_use"
    /// `--nat64-prefix`.
    case configured
    /// A Router Advertisement PREF64 option (RFC 8781) sent by the LAN's router: an RA whose
    /// IPv6 source is link-local (RFC 4861 section 6.1.2) from a MAC that forwards traffic
    /// (`DeviceBindings.isForwarder`).
    case pref64
    /// An ipv4only.arpa AAAA answer (RFC 7050 section 3).
    case ipv4onlyArpa = "ipv4only_arpa"
    /// A AAAA answer embedding, at an RFC 6052 position, an IPv4 address the same name was
    /// answered with in an A record (DNS64 synthesis, RFC 6147 section 5.1.7), corroborated by
    /// `NAT64PrefixBook.dns64Corroboration` distinct embedded IPv4 addresses.
    case dns64Match = "dns64_a_match"

    /// Trust rank: 3 configured (well-known, local-use, `--nat64-prefix`; never evicted),
    /// 2 PREF64 from the router, 1 ipv4only.arpa, 0 DNS64 A/AAAA matching.
    public var rank: Int {
        switch self {
        case .wellKnown, .localUse, .configured: 3
        case .pref64: 2
        case .ipv4onlyArpa: 1
        case .dns64Match: 0
        }
    }
}

/// One NAT64 prefix the capture uses, with where it was first learnt.
public struct NAT64Prefix: Sendable, Equatable {
    public var prefix: IPPrefix
    public var source: NAT64PrefixSource
    /// Capture time it was learnt (ns); nil for the well-known, local-use and configured ones,
    /// which apply from the start. A learnt prefix applies to packets read after it was learnt
    /// and to records whose first packet is at or after this time.
    public var learntAt: Int64?
    /// Capture time (ns) a PREF64 prefix stopped applying: withdrawn by an RA with lifetime 0,
    /// or its lifetime ran out (RFC 8781 section 4). Nil while it applies.
    public var until: Int64? = nil
    /// When a PREF64 prefix's lifetime (from its latest RA, RFC 8781 section 4) runs out.
    public var expiresAt: Int64? = nil

    /// The prefix applies to a record whose first packet is at `time`: at or after `learntAt`
    /// and before `until`. Nil time (packets, read in order): it applies now (`until` unset).
    @inlinable public func applies(at time: Int64?) -> Bool {
        guard let t = time else { return until == nil }
        if let l = learntAt, t < l { return false }
        if let u = until, t >= u { return false }
        return true
    }
}

/// Learnt NAT64 prefixes not kept, by cause (the summary's `dropped.nat64_*` members).
public struct NAT64PrefixDrops: Sendable, Equatable {
    /// Refused because the table was full of prefixes of a higher rank.
    public var tableFull = 0
    /// Evicted (lowest rank, oldest within it) to make room for one of the same or a higher rank.
    public var evicted = 0
    /// In special-purpose space no NAT64 can use (`NAT64PrefixBook.isUsableLearnt`).
    public var specialPurpose = 0
    /// Overlapping `--local-prefix` or the /64 of a local IPv6 address (refused when learnt).
    public var coversLocal = 0
    /// Already in use and then withdrawn because a local IPv6 address turned up inside it.
    public var withdrawnCoversLocal = 0
    /// Refused because the local /64 set (`NAT64PrefixBook.maxLocalNets`) overflowed, so
    /// overlap with local addresses can no longer be checked.
    public var localTableFull = 0
    /// PREF64 options from an RA sender never shown to be the LAN's router (or not from a
    /// link-local source), counted once per (prefix, sender) at the end.
    public var pref64NotFromRouter = 0
    /// DNS64-match candidates that never reached `dns64Corroboration` distinct IPv4 addresses.
    public var dns64Uncorroborated = 0
    public init() {}
}

/// The NAT64 prefixes of a capture: always the well-known and local-use prefixes and the
/// configured ones, plus those learnt on the way (RA PREF64, ipv4only.arpa, DNS64 answers).
/// A learnt prefix applies from the time it was learnt; see `NAT64Prefix.applies(at:)`.
///
/// Bounded: at most `maxPrefixes` prefixes. When full, a new learnt prefix evicts the
/// lowest-ranked learnt one (the oldest within that rank) if that rank is not above its own;
/// otherwise it is refused. Configured prefixes are never evicted. Every prefix not kept is
/// counted in `drops`.
public struct NAT64PrefixBook: Sendable {
    public private(set) var prefixes: [NAT64Prefix] = [] { didSet { top32Filter = Self.top32Filter(of: prefixes) } }
    public private(set) var drops = NAT64PrefixDrops()
    public static let maxPrefixes = 64
    /// Distinct embedded IPv4 addresses a DNS64-match prefix needs before it is used. One
    /// A/AAAA pair proves nothing: a site may number its server prefix::a.b.c.d itself, and any
    /// zone owner can publish such a pair; a DNS64 synthesizes under one prefix for every
    /// IPv4-only destination, so two different IPv4 addresses under it is what a translator shows.
    public static let dns64Corroboration = 2
    /// DNS64-match candidates waiting for corroboration (further ones are not tracked and are
    /// counted in `drops.dns64Uncorroborated`).
    public static let maxCandidates = 256
    /// The well-known addresses ipv4only.arpa resolves to (RFC 7050 section 2.2).
    public static let ipv4onlyAddresses: [UInt32] = [0xc000_00aa, 0xc000_00ab]  // 192.0.0.170, 192.0.0.171

    /// Local ranges a learnt prefix may not overlap (`--local-prefix`, IPv6 ones).
    public let localPrefixes: [IPPrefix]
    /// /64s (high 64 bits) of IPv6 addresses seen as local (see `noteLocal`), at most `maxLocalNets`.
    public private(set) var localNets = Set<UInt64>()
    public static let maxLocalNets = 4096
    /// DNS64-match candidates: prefix -> the first embedded IPv4 address seen under it.
    var candidates: [IPPrefix: UInt32] = [:]

    /// Whether learnt prefixes may lie in 2001:db8::/32 (`TransitionOptions.learnDocumentationPrefixes`).
    public let learnsDocumentationPrefixes: Bool

    public init(configured: [IPPrefix] = [], localPrefixes: [IPPrefix] = [], learnDocumentationPrefixes: Bool = false) {
        self.learnsDocumentationPrefixes = learnDocumentationPrefixes
        self.localPrefixes = localPrefixes.filter { $0.address.family == .v6 }
        prefixes.append(NAT64Prefix(prefix: IPPrefix("64:ff9b::/96")!, source: .wellKnown, learntAt: nil))
        prefixes.append(NAT64Prefix(prefix: IPPrefix("64:ff9b:1::/48")!, source: .localUse, learntAt: nil))
        for p in configured { learn(p, source: .configured, at: nil) }
        top32Filter = Self.top32Filter(of: prefixes)
    }

    /// One bit per distinct top 32 bits of the known prefixes (`top32Bit`), kept in step with
    /// `prefixes`. Every prefix is at least a /32 (the RFC 6052 lengths), so an address whose
    /// bit is clear lies in none of them: `contains` and `match` stop there for most IPv6
    /// traffic (one multiply and mask instead of a masked compare per prefix, per packet).
    @usableFromInline var top32Filter: UInt64 = .max

    /// The filter bit of `a`'s top 32 bits (6 bits of a multiplicative hash of them).
    @inlinable @inline(__always) static func top32Bit(_ a: IPAddress) -> UInt64 {
        let top = UInt32(truncatingIfNeeded: a.high >> 32)
        return 1 &<< UInt64((top &* 0x9e37_79b1) >> 26)
    }

    /// The filter of `list`: all ones (no rejection) if a prefix shorter than /32 got in.
    static func top32Filter(of list: [NAT64Prefix]) -> UInt64 {
        var filter: UInt64 = 0
        for p in list where p.prefix.address.family == .v6 {
            guard p.prefix.length >= 32 else { return .max }
            filter |= top32Bit(p.prefix.address)
        }
        return filter
    }

    /// False when no known prefix can hold `a` (its top 32 bits match none); true means maybe.
    @inlinable @inline(__always) func mayContain(_ a: IPAddress) -> Bool { top32Filter & Self.top32Bit(a) != 0 }

    /// Adds `prefix` learnt from `source` at `time` (nil for configured ones). Returns true
    /// when the prefix is now known and was not before (a known prefix learnt again from a
    /// higher-ranked source takes that source, keeping its first time, and returns false).
    /// Refused, and counted in `drops`: lengths other than RFC 6052's (not counted), special-
    /// purpose space, overlap with local addresses, a full table of higher-ranked prefixes.
    @discardableResult
    public mutating func learn(_ prefix: IPPrefix, source: NAT64PrefixSource, at time: Int64?) -> Bool {
        guard prefix.address.family == .v6, NAT64Embedding.prefixLengths.contains(prefix.length) else { return false }
        if let i = prefixes.firstIndex(where: { $0.prefix == prefix }) {
            if source.rank > prefixes[i].source.rank {
                prefixes[i].source = source
                if source.rank == 3 { prefixes[i].learntAt = nil }
            }
            return false
        }
        if source.rank < 3 {
            if !Self.isUsableLearnt(prefix) || (!learnsDocumentationPrefixes && Self.isDocumentation(prefix)) {
                drops.specialPurpose += 1; return false
            }
            if coversLocal(prefix) { drops.coversLocal += 1; return false }
            if localNetsOverflowed { drops.localTableFull += 1; return false }
        }
        if prefixes.count >= Self.maxPrefixes {
            var victim: Int? = nil
            for (i, p) in prefixes.enumerated() where p.source.rank < 3 {
                if let v = victim {
                    let q = prefixes[v]
                    if (p.source.rank, p.learntAt ?? .min) < (q.source.rank, q.learntAt ?? .min) { victim = i }
                } else { victim = i }
            }
            guard let v = victim, prefixes[v].source.rank <= source.rank else { drops.tableFull += 1; return false }
            prefixes.remove(at: v)
            drops.evicted += 1
            recomputeNextExpiry()
        }
        prefixes.append(NAT64Prefix(prefix: prefix, source: source, learntAt: time))
        prefixes.sort { $0.prefix.length > $1.prefix.length }
        return true
    }

    /// The earliest `expiresAt` of a PREF64 prefix that still applies (`.max`: none); the
    /// analyzer calls `expire(at:)` when a packet reaches it (one compare per packet).
    public private(set) var nextExpiry: Int64 = .max

    /// RFC 8781 section 4: a PREF64 prefix applies until its latest RA's time plus lifetime.
    public mutating func setPREF64Expiry(_ prefix: IPPrefix, at expiresAt: Int64) {
        guard let i = prefixes.firstIndex(where: { $0.prefix == prefix && $0.source == .pref64 && $0.until == nil }) else { return }
        prefixes[i].expiresAt = expiresAt
        recomputeNextExpiry()
    }

    /// RFC 8781 section 4: a PREF64 option with lifetime 0 withdraws the prefix at `time` (it
    /// no longer applies to packets after it nor to records starting at or after `time`).
    /// Returns true when a prefix in use was withdrawn. A withdrawn prefix stays withdrawn (one
    /// interval per prefix: a later RA does not bring it back).
    @discardableResult
    public mutating func withdrawPREF64(_ prefix: IPPrefix, at time: Int64) -> Bool {
        guard let i = prefixes.firstIndex(where: { $0.prefix == prefix && $0.source == .pref64 && $0.until == nil }) else { return false }
        prefixes[i].until = max(time, prefixes[i].learntAt ?? time)
        prefixes[i].expiresAt = nil
        recomputeNextExpiry()
        return true
    }

    /// Ends every PREF64 prefix whose lifetime ran out by `now` (at its `expiresAt`).
    public mutating func expire(at now: Int64) {
        for i in prefixes.indices where prefixes[i].until == nil {
            if let e = prefixes[i].expiresAt, e <= now { prefixes[i].until = e; prefixes[i].expiresAt = nil }
        }
        recomputeNextExpiry()
    }

    mutating func recomputeNextExpiry() {
        nextExpiry = prefixes.lazy.compactMap { $0.until == nil ? $0.expiresAt : nil }.min() ?? .max
    }

    /// A DNS64 A/AAAA match under `prefix` embedding `ipv4`: the prefix is learnt (source
    /// `dns64Match`, at `time`) once `dns64Corroboration` distinct IPv4 addresses were seen
    /// under it; before that it is a candidate. Returns true when it was learnt now.
    @discardableResult
    public mutating func corroborateDNS64(_ prefix: IPPrefix, ipv4: IPAddress, at time: Int64) -> Bool {
        if prefixes.contains(where: { $0.prefix == prefix }) { return false }
        if let first = candidates[prefix] {
            guard first != ipv4.v4Value else { return false }
            candidates[prefix] = nil
            return learn(prefix, source: .dns64Match, at: time)
        }
        guard candidates.count < Self.maxCandidates else { drops.dns64Uncorroborated += 1; return false }
        candidates[prefix] = ipv4.v4Value
        return false
    }

    /// An IPv4 address a NAT64 could translate to (RFC 6890 special-purpose registry, entries
    /// not forwardable): not 0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4 or 240.0.0.0/4
    /// (which holds 255.255.255.255). A DNS64 match embedding one corroborates nothing: a zone
    /// owner can publish such A/AAAA pairs at will (adversarial n1).
    public static func isForwardableIPv4(_ v: UInt32) -> Bool {
        let top = v >> 24
        return top != 0 && top != 127 && top < 224 && v >> 16 != 0xa9fe
    }

    /// Candidates still waiting, to be counted as uncorroborated at the end.
    public var pendingCandidates: Int { candidates.count }

    /// Notes `a` as a local host's address (a LAN device's IPv6 source): from now on a learnt
    /// prefix overlapping its /64 is refused, and learnt prefixes already overlapping it are
    /// withdrawn (`drops.withdrawnCoversLocal`). IPv4, link-local and non-unicast addresses are
    /// ignored. Cost: one set lookup once the /64 is known.
    @inlinable
    public mutating func noteLocal(_ a: IPAddress) {
        guard a.family == .v6 else { return }
        let net = a.high
        if localNets.contains(net) { return }
        let cls = AddressClass(a)
        guard cls.isHost, cls != .ipv6LinkLocal, cls != .ipv6Loopback else { return }
        addLocalNet(net)
    }

    /// A local /64 was seen while `localNets` was full: from then on every learnt prefix is
    /// refused (`drops.localTableFull`), since it might cover a local host unchecked.
    public private(set) var localNetsOverflowed = false

    @usableFromInline mutating func addLocalNet(_ net: UInt64) {
        guard localNets.count < Self.maxLocalNets else { localNetsOverflowed = true; return }
        localNets.insert(net)
        let before = prefixes.count
        prefixes.removeAll { $0.source.rank < 3 && Self.overlaps($0.prefix, net64: net) }
        drops.withdrawnCoversLocal += before - prefixes.count
    }

    /// True when `prefix` overlaps a `--local-prefix` or a /64 noted by `noteLocal`.
    public func coversLocal(_ prefix: IPPrefix) -> Bool {
        if localPrefixes.contains(where: { $0.contains(prefix.address) || prefix.contains($0.address) }) { return true }
        if prefix.length >= 64 { return localNets.contains(prefix.address.high) }
        return localNets.contains { prefix.contains(IPAddress(v6High: $0, low: 0)) }
    }

    static func overlaps(_ p: IPPrefix, net64: UInt64) -> Bool {
        p.length >= 64 ? p.address.high == net64 : p.contains(IPAddress(v6High: net64, low: 0))
    }

    /// A learnt prefix (ipv4only.arpa, PREF64, DNS64 answers: all from the network, so forgeable)
    /// is refused when it starts in special-purpose space that cannot be a NAT64 prefix: ::/32
    /// (unspecified, loopback, IPv4-compatible and IPv4-mapped ::ffff:0:0/96), fe80::/10
    /// link-local, ff00::/8 multicast. Adversarial testing had ipv4only.arpa answers teach ::/96,
    /// ::ffff:0:0/96, fe80::/96 and ff02::/96, after which mDNS to ff02::fb counted as NAT64.
    public static func isUsableLearnt(_ prefix: IPPrefix) -> Bool {
        if prefix.address.high >> 32 == 0 || prefix.address.high >> 56 == 0xff { return false }
        if prefix.address.high >> 54 == 0x3fa { return false }   // fe80::/10
        return true
    }

    /// The length at which `p` embeds an IPv4 address: the local-use /48 does not tell its
    /// length, so it is read as a /96 (RFC 8215 section 3).
    @inlinable static func embeddingLength(_ p: NAT64Prefix) -> Int { p.source == .localUse ? 96 : p.prefix.length }

    /// `a`, inside `p`, embeds an IPv4 address there: for lengths below 96, bits 64-71 (the u
    /// octet) are zero (RFC 6052 section 2.2: an address whose u octet is not zero is not an
    /// IPv4-embedded address of that format).
    @inlinable static func embeds(_ a: IPAddress, under p: NAT64Prefix) -> Bool {
        embeddingLength(p) >= 96 || NAT64Embedding.uOctetIsZero(a)
    }

    /// Inside 2001:db8::/32, the IPv6 documentation range (RFC 3849; RFC 6890 lists it as
    /// special-purpose, not forwardable): refused when learnt unless `learnsDocumentationPrefixes`.
    public static func isDocumentation(_ prefix: IPPrefix) -> Bool { prefix.address.high >> 32 == 0x2001_0db8 }

    /// The most specific known prefix holding `a` that applies at `time` (nil: any known
    /// prefix, the packet path) and under which `a` embeds an IPv4 address (`embeds`), with
    /// that IPv4 address.
    @inlinable
    public func match(_ a: IPAddress, at time: Int64? = nil) -> (prefix: NAT64Prefix, ipv4: IPAddress)? {
        guard a.family == .v6, mayContain(a) else { return nil }
        for p in prefixes where p.prefix.contains(a) && p.applies(at: time) && Self.embeds(a, under: p) {
            if let v4 = NAT64Embedding.ipv4(in: a, prefixLength: Self.embeddingLength(p)) { return (p, v4) }
        }
        return nil
    }

    /// True when `a` lies in a known prefix that applies at `time` (nil: any known prefix, for
    /// packets, which are read in order) and embeds an IPv4 address under it (`embeds`: an
    /// address with a non-zero u octet under a prefix shorter than 96 is not translated).
    @inlinable @inline(__always) public func contains(_ a: IPAddress, at time: Int64? = nil) -> Bool {
        guard a.family == .v6, mayContain(a) else { return false }
        return prefixesContain(a, at: time)
    }

    /// `contains` past the filter (kept out of line: the filter test alone is inlined per packet).
    @usableFromInline func prefixesContain(_ a: IPAddress, at time: Int64?) -> Bool {
        for p in prefixes where p.prefix.contains(a) && p.applies(at: time) && Self.embeds(a, under: p) { return true }
        return false
    }

    /// The RFC 6052 positions of `a` holding a well-known IPv4 address of ipv4only.arpa
    /// (192.0.0.170 or 192.0.0.171): (prefix length, that address); for lengths below 96 the u
    /// octet must be zero (else no position below 96 is valid).
    static func wellKnownPositions(_ a: IPAddress) -> [(length: Int, wka: UInt32)] {
        guard a.family == .v6 else { return [] }
        return NAT64Embedding.prefixLengths.compactMap { length in
            guard let v4 = NAT64Embedding.ipv4(in: a, prefixLength: length), ipv4onlyAddresses.contains(v4.v4Value),
                  length == 96 || NAT64Embedding.uOctetIsZero(a) else { return nil }
            return (length, v4.v4Value)
        }
    }

    /// RFC 7050 section 3, for the AAAA answers of one ipv4only.arpa response: each answer
    /// teaches the prefix that precedes the well-known IPv4 address (192.0.0.170 or
    /// 192.0.0.171) at a valid RFC 6052 position. When an answer holds a well-known address at
    /// more than one position (its prefix bits happen to hold one too), the position is the
    /// one where another answer under the same prefix holds the *other* well-known address
    /// (the ipv4only.arpa zone has both, so a DNS64 synthesizes both under one prefix, and only
    /// at the true position do they differ); when that does not leave exactly one position, the
    /// answer teaches nothing and is counted in `ambiguous`.
    public static func prefixesFromIPv4onlyAnswers(_ answers: [IPAddress]) -> (prefixes: [IPPrefix], ambiguous: Int) {
        var prefixes: [IPPrefix] = [], ambiguous = 0
        for a in answers {
            let found = wellKnownPositions(a)
            guard !found.isEmpty else { continue }
            var lengths = found.map(\.length)
            if found.count > 1 {
                lengths = found.filter { position in
                    let p = IPPrefix(containing: a, length: position.length)
                    return answers.contains { b in
                        b != a && p.contains(b) && wellKnownPositions(b).contains { $0.length == position.length && $0.wka != position.wka }
                    }
                }.map(\.length)
            }
            guard lengths.count == 1 else { ambiguous += 1; continue }
            let p = IPPrefix(containing: a, length: lengths[0])
            if !prefixes.contains(p) { prefixes.append(p) }
        }
        return (prefixes, ambiguous)
    }

    /// `prefixesFromIPv4onlyAnswers` for one answer alone: its prefix when the well-known
    /// address is at exactly one valid position, else nil.
    public static func prefixFromIPv4onlyAnswer(_ a: IPAddress) -> IPPrefix? {
        prefixesFromIPv4onlyAnswers([a]).prefixes.first
    }

    /// DNS64 recognised from the answers themselves: the prefix under which `aaaa` embeds one
    /// of `aAnswers` (from /96 down to /32, u octet zero below 96), or nil.
    public static func prefixEmbedding(_ aaaa: IPAddress, anyOf aAnswers: [IPAddress]) -> IPPrefix? {
        guard aaaa.family == .v6, !aAnswers.isEmpty else { return nil }
        for length in NAT64Embedding.prefixLengths.reversed() {
            guard let v4 = NAT64Embedding.ipv4(in: aaaa, prefixLength: length), aAnswers.contains(v4) else { continue }
            if length < 96 && !NAT64Embedding.uOctetIsZero(aaaa) { continue }
            // The suffix after the embedded address must be zero too (RFC 6052 section 2.2).
            let p = IPPrefix(containing: aaaa, length: length)
            if NAT64Embedding.address(embedding: v4, in: p) != aaaa { continue }
            return p
        }
        return nil
    }
}
