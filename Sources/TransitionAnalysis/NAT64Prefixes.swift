import PacketDecoding

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

/// Where a NAT64 prefix came from.
public enum NAT64PrefixSource: String, Sendable, CaseIterable {
    /// 64:ff9b::/96 (RFC 6052 section 2.1).
    case wellKnown = "well_known"
    /// 64:ff9b:1::/48 (RFC 8215), read as a /96 unless a longer learnt prefix covers it.
    case localUse = "local_use"
    /// `--nat64-prefix`.
    case configured
    /// An ipv4only.arpa AAAA answer (RFC 7050 section 3).
    case ipv4onlyArpa = "ipv4only_arpa"
    /// A Router Advertisement PREF64 option (RFC 8781).
    case pref64
    /// A AAAA answer embedding, at an RFC 6052 position, an IPv4 address the same name was
    /// answered with in an A record (DNS64 synthesis, RFC 6147 section 5.1.7).
    case dns64Match = "dns64_a_match"
}

/// One NAT64 prefix the capture uses, with where it was first learnt.
public struct NAT64Prefix: Sendable, Equatable {
    public var prefix: IPPrefix
    public var source: NAT64PrefixSource
    /// Capture time it was learnt (ns); nil for the well-known, local-use and configured ones.
    public var learntAt: Int64?
}

/// The NAT64 prefixes of a capture: always the well-known and local-use prefixes and the
/// configured ones, plus those learnt on the way (RA PREF64, ipv4only.arpa, DNS64 answers).
/// A learnt prefix applies from the packet or record it was learnt from onwards.
///
/// Bounded: at most `maxPrefixes` prefixes (further ones are counted in `dropped`).
public struct NAT64PrefixBook: Sendable {
    public private(set) var prefixes: [NAT64Prefix] = []
    public private(set) var dropped = 0
    /// Learnt prefixes refused because they lie in special-purpose space no NAT64 can use
    /// (see `isUsableLearnt`).
    public private(set) var refused = 0
    public static let maxPrefixes = 64
    /// The well-known addresses ipv4only.arpa resolves to (RFC 7050 section 2.2).
    public static let ipv4onlyAddresses: [UInt32] = [0xc000_00aa, 0xc000_00ab]  // 192.0.0.170, 192.0.0.171

    public init(configured: [IPPrefix] = []) {
        prefixes.append(NAT64Prefix(prefix: IPPrefix("64:ff9b::/96")!, source: .wellKnown, learntAt: nil))
        prefixes.append(NAT64Prefix(prefix: IPPrefix("64:ff9b:1::/48")!, source: .localUse, learntAt: nil))
        for p in configured { learn(p, source: .configured, at: nil) }
    }

    /// Adds `prefix` unless already known; keeps the list ordered longest first so a lookup
    /// finds the most specific prefix.
    @discardableResult
    public mutating func learn(_ prefix: IPPrefix, source: NAT64PrefixSource, at time: Int64?) -> Bool {
        guard prefix.address.family == .v6, NAT64Embedding.prefixLengths.contains(prefix.length) else { return false }
        if source != .configured && source != .wellKnown && source != .localUse && !Self.isUsableLearnt(prefix) {
            refused += 1
            return false
        }
        if prefixes.contains(where: { $0.prefix == prefix }) { return false }
        guard prefixes.count < Self.maxPrefixes else { dropped += 1; return false }
        prefixes.append(NAT64Prefix(prefix: prefix, source: source, learntAt: time))
        prefixes.sort { $0.prefix.length > $1.prefix.length }
        return true
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

    /// The most specific known prefix holding `a`, with the IPv4 address it embeds.
    @inlinable
    public func match(_ a: IPAddress) -> (prefix: NAT64Prefix, ipv4: IPAddress)? {
        guard a.family == .v6 else { return nil }
        for p in prefixes where p.prefix.contains(a) {
            // The local-use /48 does not tell its length; read it as a /96 (RFC 8215 section 3).
            let length = p.source == .localUse ? 96 : p.prefix.length
            if let v4 = NAT64Embedding.ipv4(in: a, prefixLength: length) { return (p, v4) }
        }
        return nil
    }

    /// True when `a` lies in a known NAT64 prefix.
    @inlinable public func contains(_ a: IPAddress) -> Bool {
        guard a.family == .v6 else { return false }
        // Fast path for the common case: no 64:ff9b and no learnt prefix around.
        for p in prefixes where p.prefix.contains(a) { return true }
        return false
    }

    /// RFC 7050 section 3: in a AAAA answer for ipv4only.arpa, the prefix is what precedes the
    /// well-known IPv4 address 192.0.0.170 or 192.0.0.171 at one of the RFC 6052 positions
    /// (checked from /96 down to /32; the first position holding one of them wins, and for
    /// lengths below 96 the u octet must be zero).
    public static func prefixFromIPv4onlyAnswer(_ a: IPAddress) -> IPPrefix? {
        guard a.family == .v6 else { return nil }
        for length in NAT64Embedding.prefixLengths.reversed() {
            guard let v4 = NAT64Embedding.ipv4(in: a, prefixLength: length),
                  ipv4onlyAddresses.contains(v4.v4Value) else { continue }
            if length < 96 && !NAT64Embedding.uOctetIsZero(a) { continue }
            return IPPrefix(containing: a, length: length)
        }
        return nil
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
