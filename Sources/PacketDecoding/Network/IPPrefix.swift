#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 prefix (used by CDN attribution, NAT64 prefixes and `--local-prefix`; RFC 4632 CIDR notation for IPv4, RFC 4291 section 2.3 for IPv6).
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible {
    /// The network address (host bits zero).
    public let address: IPAddress
    /// Prefix length in bits: 0...32 for IPv4, 0...128 for IPv6.
    public let length: Int

    /// Parses "a.b.c.d/n" or "x:x::/n". Text goes through `inet_pton` (POSIX), so the usual
    /// address spellings are accepted and nothing else; an address with host bits set beyond
    /// the length is refused (a typo such as 104.16.0.0/12 for 104.16.0.0/13 must not pass).
    /// - Returns: nil for anything that is not exactly a prefix.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = Int(parts[1]), parts[1].allSatisfy(\.isASCII),
              parts[1].first != "+", parts[1].count <= 3 else { return nil }
        let addressText = String(parts[0])
        if addressText.contains(":") {
            var raw = in6_addr()
            guard bits >= 0, bits <= 128, inet_pton(AF_INET6, addressText, &raw) == 1 else { return nil }
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            var high: UInt64 = 0, low: UInt64 = 0
            for i in 0..<8 { high = high << 8 | UInt64(bytes[i]); low = low << 8 | UInt64(bytes[8 + i]) }
            let a = IPAddress(v6High: high, low: low)
            guard IPPrefix.masked(a, bits) == a else { return nil }
            address = a
        } else {
            var raw = in_addr()
            guard bits >= 0, bits <= 32, inet_pton(AF_INET, addressText, &raw) == 1 else { return nil }
            let a = IPAddress(v4: UInt32(bigEndian: raw.s_addr))
            guard IPPrefix.masked(a, bits) == a else { return nil }
            address = a
        }
        length = bits
    }

    /// `a` with every bit after the first `bits` cleared.
    @inlinable
    public static func masked(_ a: IPAddress, _ bits: Int) -> IPAddress {
        switch a.family {
        case .v4:
            let v = bits == 0 ? 0 : a.v4Value & ~UInt32(0) << UInt32(32 - bits)
            return IPAddress(v4: v)
        case .v6:
            let hm: UInt64 = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~UInt64(0) << UInt64(64 - bits))
            let lm: UInt64 = bits <= 64 ? 0 : (bits == 128 ? ~0 : ~UInt64(0) << UInt64(128 - bits))
            return IPAddress(v6High: a.high & hm, low: a.low & lm)
        }
    }

    /// The prefix of `length` bits that holds `address` (host bits cleared); `length` is clamped
    /// to the family's width.
    public init(containing address: IPAddress, length: Int) {
        let bits = max(0, min(length, address.family == .v4 ? 32 : 128))
        self.address = IPPrefix.masked(address, bits)
        self.length = bits
    }

    /// True when `a` is of the same family and its first `length` bits equal the prefix's.
    /// Inlinable: the NAT64 and local-prefix tests call it per packet from other modules.
    @inlinable
    public func contains(_ a: IPAddress) -> Bool {
        a.family == address.family && IPPrefix.masked(a, length) == address
    }

    /// Bit `i` (0 = most significant) of `a`.
    @inlinable public static func bit(_ a: IPAddress, _ i: Int) -> Int {
        switch a.family {
        case .v4: Int((a.v4Value >> UInt32(31 - i)) & 1)
        case .v6: i < 64 ? Int((a.high >> UInt64(63 - i)) & 1) : Int((a.low >> UInt64(127 - i)) & 1)
        }
    }

    public var description: String { "\(address)/\(length)" }
}
