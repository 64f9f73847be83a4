import PacketDecoding

/// The special-purpose class of an IP address, after the IANA IPv4 and IPv6 Special-Purpose
/// Address Registries (RFC 6890 and its updates) plus the transition prefixes NetCensus cares
/// about. Each address has exactly one primary class, the most specific that applies; the
/// transition forms that can overlap (an ISATAP interface identifier under a 6to4 prefix) are
/// also reported separately by `TransitionAddressForms`.
///
/// The stable snake_case `rawValue` is the name used in JSON and CSV output.
public enum AddressClass: String, Hashable, Sendable, Codable, CaseIterable {
    // IPv4 (IANA IPv4 Special-Purpose Address Registry)
    /// 0.0.0.0/8, "this network" (RFC 791); includes the unspecified 0.0.0.0.
    case ipv4ThisNetwork = "ipv4_this_network"
    /// 10/8, 172.16/12, 192.168/16 (RFC 1918).
    case ipv4Private = "ipv4_private"
    /// 100.64.0.0/10, shared address space for carrier-grade NAT (RFC 6598).
    case ipv4SharedCGN = "ipv4_shared_cgn"
    /// 127.0.0.0/8 (RFC 1122).
    case ipv4Loopback = "ipv4_loopback"
    /// 169.254.0.0/16 (RFC 3927).
    case ipv4LinkLocal = "ipv4_link_local"
    /// 192.0.0.0/24, IETF protocol assignments (RFC 6890), e.g. DS-Lite 192.0.0.0/29.
    case ipv4IETFProtocol = "ipv4_ietf_protocol"
    /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737).
    case ipv4Documentation = "ipv4_documentation"
    /// 198.18.0.0/15, benchmarking (RFC 2544).
    case ipv4Benchmarking = "ipv4_benchmarking"
    /// 192.88.99.0/24, the deprecated 6to4 relay anycast prefix (RFC 3068, RFC 7526).
    case ipv4SixToFourRelay = "ipv4_6to4_relay_anycast"
    /// 224.0.0.0/4 (RFC 5771). Never counted as a host.
    case ipv4Multicast = "ipv4_multicast"
    /// 240.0.0.0/4 except the broadcast address (RFC 1112).
    case ipv4Reserved = "ipv4_reserved"
    /// 255.255.255.255, limited broadcast (RFC 919). Never counted as a host.
    case ipv4Broadcast = "ipv4_broadcast"
    /// Everything else: publicly routable IPv4.
    case ipv4Public = "ipv4_public"

    // IPv6 (IANA IPv6 Special-Purpose Address Registry, RFC 4291 section 2.4)
    /// ::/128 (RFC 4291). Never counted as a host.
    case ipv6Unspecified = "ipv6_unspecified"
    /// ::1/128 (RFC 4291).
    case ipv6Loopback = "ipv6_loopback"
    /// ::ffff:0:0/96, IPv4-mapped (RFC 4291 section 2.5.5.2).
    case ipv6IPv4Mapped = "ipv6_ipv4_mapped"
    /// 64:ff9b::/96, NAT64 well-known prefix (RFC 6052 section 2.1).
    case ipv6NAT64WellKnown = "ipv6_nat64_well_known"
    /// 64:ff9b:1::/48, NAT64 local-use prefix (RFC 8215).
    case ipv6NAT64LocalUse = "ipv6_nat64_local_use"
    /// 100::/64, discard-only (RFC 6666).
    case ipv6DiscardOnly = "ipv6_discard_only"
    /// 2001::/32, Teredo (RFC 4380 section 2.14).
    case ipv6Teredo = "ipv6_teredo"
    /// 2001:db8::/32 (RFC 3849) and 3fff::/20 (RFC 9637).
    case ipv6Documentation = "ipv6_documentation"
    /// 2002::/16, 6to4 (RFC 3056).
    case ipv6SixToFour = "ipv6_6to4"
    /// A global unicast address with an ISATAP interface identifier (RFC 5214 section 6.1).
    case ipv6ISATAP = "ipv6_isatap"
    /// fc00::/7, unique local (RFC 4193).
    case ipv6UniqueLocal = "ipv6_unique_local"
    /// fe80::/10, link-local unicast (RFC 4291 section 2.5.6).
    case ipv6LinkLocal = "ipv6_link_local"
    /// ff00::/8 (RFC 4291 section 2.7). Never counted as a host.
    case ipv6Multicast = "ipv6_multicast"
    /// 2000::/3 not covered above: global unicast.
    case ipv6GlobalUnicast = "ipv6_global_unicast"
    /// Everything else (unassigned or reserved by IETF).
    case ipv6Reserved = "ipv6_reserved"

    /// Classifies `address`. O(1), no allocation.
    @inlinable public init(_ address: IPAddress) {
        if address.family == .v4 { self = AddressClass.classifyV4(address.v4Value) }
        else { self = AddressClass.classifyV6(high: address.high, low: address.low) }
    }

    @inlinable static func classifyV4(_ a: UInt32) -> AddressClass {
        switch a >> 24 {
        case 0: return .ipv4ThisNetwork
        case 10: return .ipv4Private
        case 127: return .ipv4Loopback
        case 224...239: return .ipv4Multicast
        case 240...255: return a == 0xffff_ffff ? .ipv4Broadcast : .ipv4Reserved
        default: break
        }
        if a & 0xffc0_0000 == 0x6440_0000 { return .ipv4SharedCGN }      // 100.64/10
        if a & 0xfff0_0000 == 0xac10_0000 { return .ipv4Private }        // 172.16/12
        if a & 0xffff_0000 == 0xc0a8_0000 { return .ipv4Private }        // 192.168/16
        if a & 0xffff_0000 == 0xa9fe_0000 { return .ipv4LinkLocal }      // 169.254/16
        if a & 0xffff_ff00 == 0xc000_0000 { return .ipv4IETFProtocol }   // 192.0.0/24
        if a & 0xffff_ff00 == 0xc000_0200 || a & 0xffff_ff00 == 0xc633_6400
            || a & 0xffff_ff00 == 0xcb00_7100 { return .ipv4Documentation } // 192.0.2, 198.51.100, 203.0.113
        if a & 0xfffe_0000 == 0xc612_0000 { return .ipv4Benchmarking }   // 198.18/15
        if a & 0xffff_ff00 == 0xc058_6300 { return .ipv4SixToFourRelay } // 192.88.99/24
        return .ipv4Public
    }

    @inlinable static func classifyV6(high: UInt64, low: UInt64) -> AddressClass {
        if high == 0 {
            if low == 0 { return .ipv6Unspecified }
            if low == 1 { return .ipv6Loopback }
            if low >> 32 == 0x0000_ffff { return .ipv6IPv4Mapped }
            return .ipv6Reserved
        }
        if high == 0x0064_ff9b_0000_0000 && low >> 32 == 0 { return .ipv6NAT64WellKnown }
        if high >> 16 == 0x0064_ff9b_0001 { return .ipv6NAT64LocalUse }
        if high == 0x0100_0000_0000_0000 { return .ipv6DiscardOnly }
        let top16 = high >> 48
        if high >> 56 == 0xff { return .ipv6Multicast }
        if high >> 54 == 0x3fa { return .ipv6LinkLocal }                 // fe80::/10
        if high >> 57 == 0x7e { return .ipv6UniqueLocal }                // fc00::/7
        if high >> 32 == 0x2001_0000 { return .ipv6Teredo }
        if high >> 32 == 0x2001_0db8 || high >> 44 == 0x3fff0 { return .ipv6Documentation }
        if top16 == 0x2002 { return .ipv6SixToFour }
        if high >> 61 == 0x1 {                                           // 2000::/3
            return TransitionAddressForms.hasISATAPInterfaceID(low) ? .ipv6ISATAP : .ipv6GlobalUnicast
        }
        return .ipv6Reserved
    }

    /// The address family this class belongs to.
    public var family: IPFamily { rawValue.hasPrefix("ipv4") ? .v4 : .v6 }

    /// Whether an address of this class identifies one host. Multicast, broadcast, unspecified
    /// and "this network" addresses do not, so they never enter host counts.
    @inlinable public var isHost: Bool {
        switch self {
        case .ipv4Multicast, .ipv4Broadcast, .ipv4ThisNetwork, .ipv6Multicast, .ipv6Unspecified: false
        default: true
        }
    }
}

/// Transition-mechanism readings of an IPv6 address. These forms can overlap (an ISATAP
/// interface identifier under a 6to4 prefix), so each is tested on its own, by prefix and never
/// by printed text (AUDIT.md point 9: `^64:ff9b::` as text also matches addresses outside /96).
public enum TransitionAddressForms {
    /// 2002::/16 (RFC 3056 section 2).
    @inlinable public static func isSixToFour(_ a: IPAddress) -> Bool { a.family == .v6 && a.high >> 48 == 0x2002 }
    /// 2001:0000::/32 (RFC 4380 section 2.14).
    @inlinable public static func isTeredo(_ a: IPAddress) -> Bool { a.family == .v6 && a.high >> 32 == 0x2001_0000 }
    /// 64:ff9b::/96 (RFC 6052) or 64:ff9b:1::/48 (RFC 8215).
    @inlinable public static func isNAT64(_ a: IPAddress) -> Bool {
        a.family == .v6 && ((a.high == 0x0064_ff9b_0000_0000 && a.low >> 32 == 0) || a.high >> 16 == 0x0064_ff9b_0001)
    }
    /// Interface identifier 0000:5efe:w.x.y.z or 0200:5efe:w.x.y.z under any prefix, link-local
    /// included (RFC 5214 section 6.1; the 0200 form sets the universal/local bit for a global
    /// IPv4 address). The group-bit forms 0100/0300 are not ISATAP (AUDIT.md point 10).
    @inlinable public static func isISATAP(_ a: IPAddress) -> Bool { a.family == .v6 && hasISATAPInterfaceID(a.low) }

    @inlinable public static func hasISATAPInterfaceID(_ low: UInt64) -> Bool {
        let iid = low >> 32
        return iid == 0x0000_5efe || iid == 0x0200_5efe
    }

    /// The IPv4 address embedded in a 6to4 address (bits 16-47, RFC 3056 section 2).
    @inlinable public static func sixToFourIPv4(_ a: IPAddress) -> IPAddress? {
        guard isSixToFour(a) else { return nil }
        return IPAddress(v4: UInt32(truncatingIfNeeded: a.high >> 16))
    }

    /// The IPv4 address in an ISATAP interface identifier (low 32 bits, RFC 5214 section 6.1).
    @inlinable public static func isatapIPv4(_ a: IPAddress) -> IPAddress? {
        guard isISATAP(a) else { return nil }
        return IPAddress(v4: UInt32(truncatingIfNeeded: a.low))
    }

    /// The IPv4 address embedded in a NAT64 well-known-prefix address (last 32 bits of a /96,
    /// RFC 6052 section 2.2). Local-use prefixes (RFC 8215) may be /48 to /96 and the prefix
    /// length is not visible in the address, so they return nil.
    @inlinable public static func nat64IPv4(_ a: IPAddress) -> IPAddress? {
        guard a.family == .v6, a.high == 0x0064_ff9b_0000_0000, a.low >> 32 == 0 else { return nil }
        return IPAddress(v4: UInt32(truncatingIfNeeded: a.low))
    }

    /// The IPv4 address of an IPv4-mapped IPv6 address ::ffff:w.x.y.z (RFC 4291 section 2.5.5.2).
    @inlinable public static func mappedIPv4(_ a: IPAddress) -> IPAddress? {
        guard a.family == .v6, a.high == 0, a.low >> 32 == 0x0000_ffff else { return nil }
        return IPAddress(v4: UInt32(truncatingIfNeeded: a.low))
    }

    /// What a Teredo address carries (RFC 4380 section 4):
    /// `2001:0000:SSSS:SSSS:FFFF:PPPP:CCCC:CCCC` with server IPv4 S, flags F, and the client's
    /// external UDP port P and IPv4 C stored bit-inverted ("obfuscated").
    public struct TeredoAddress: Hashable, Sendable {
        /// The Teredo server's IPv4 address.
        public var server: IPAddress
        /// The client's external (NAT-mapped) IPv4 address, de-obfuscated.
        public var clientIPv4: IPAddress
        /// The client's external UDP port, de-obfuscated.
        public var clientPort: UInt16
        /// The 16-bit flags field (bit 0x8000: cone NAT, RFC 4380 section 4).
        public var flags: UInt16

        @inlinable public init(server: IPAddress, clientIPv4: IPAddress, clientPort: UInt16, flags: UInt16) {
            self.server = server; self.clientIPv4 = clientIPv4; self.clientPort = clientPort; self.flags = flags
        }
    }

    /// Decodes a Teredo address, or nil if `a` is not in 2001::/32.
    @inlinable public static func teredo(_ a: IPAddress) -> TeredoAddress? {
        guard isTeredo(a) else { return nil }
        return TeredoAddress(server: IPAddress(v4: UInt32(truncatingIfNeeded: a.high)),
                             clientIPv4: IPAddress(v4: ~UInt32(truncatingIfNeeded: a.low)),
                             clientPort: ~UInt16(truncatingIfNeeded: a.low >> 32),
                             flags: UInt16(truncatingIfNeeded: a.low >> 48))
    }
}
