import PacketDecoding

/// The transition mechanism a packet or connection uses, one per packet (the first rule that
/// applies, in the order of the cases; docs/transition.md "Mechanisms").
public enum TransitionMechanism: UInt8, Sendable, CaseIterable, Hashable {
    /// IPv4 in IPv6 (next header 4, RFC 2473): the DS-Lite softwire between a B4 and an AFTR
    /// (RFC 6333). Inner family IPv4.
    case dsLite
    /// UDP 3544 Teredo (RFC 4380).
    case teredo
    /// Protocol 41 with a 2002::/16 inner address (RFC 3056).
    case sixToFour
    /// Protocol 41 with an ISATAP interface identifier (RFC 5214).
    case isatap
    /// Other protocol 41 with an inner address inside `--6rd-prefix` (RFC 5969).
    case sixRD
    /// Other protocol 41 (RFC 4213 configured tunnel).
    case sixInFour
    /// IPv6 between a CLAT address (IPv4 in 192.0.0.0/29 embedded as in RFC 6052 /96, or
    /// inside `--clat-prefix`) and a NAT64 (PLAT) prefix (RFC 6877).
    case xlat464
    /// IPv6 to or from a NAT64 prefix (RFC 6146): an IPv4 destination reached over IPv6.
    case nat64
    /// Any other IPv6 (innermost header).
    case nativeIPv6
    /// Any other IPv4 (innermost header).
    case nativeIPv4

    public var name: String {
        switch self {
        case .dsLite: "ds_lite"
        case .teredo: "teredo"
        case .sixToFour: "6to4"
        case .sixRD: "6rd"
        case .isatap: "isatap"
        case .sixInFour: "6in4"
        case .xlat464: "464xlat"
        case .nat64: "nat64"
        case .nativeIPv6: "native_ipv6"
        case .nativeIPv4: "native_ipv4"
        }
    }

    /// Family of the traffic the user's application sees (the innermost header).
    public var family: IPFamily { self == .dsLite || self == .nativeIPv4 ? .v4 : .v6 }

    /// IPv4 destinations reached over IPv6 through a translator: shown apart from IPv6 so
    /// translation never inflates adoption.
    public var isTranslated: Bool { self == .nat64 || self == .xlat464 }
}

/// The classification rules, shared by packets and connection records.
public struct MechanismClassifier: Sendable {
    public var sixRDPrefix: IPPrefix?
    public var clatPrefixes: [IPPrefix]

    public init(options: TransitionOptions) {
        sixRDPrefix = options.sixRDPrefix
        clatPrefixes = options.clatPrefixes
    }

    /// - Parameters:
    ///   - tunnel: the outermost transition tunnel crossed (4in6, Teredo, 6to4, ISATAP, 6in4), if any.
    ///   - family: innermost IP family.
    ///   - source, destination: innermost addresses (nil when cut).
    ///   - time: for a connection record, its first packet's time (ns): only NAT64 prefixes that
    ///     apply then count (`NAT64Prefix.applies(at:)`); nil for packets (every known prefix).
    public func classify(tunnel: TunnelMechanism?, family: IPFamily, source: IPAddress?, destination: IPAddress?,
                         nat64: NAT64PrefixBook, at time: Int64? = nil) -> TransitionMechanism {
        if let t = tunnel {
            switch t {
            case .ipv4InIPv6: return .dsLite
            case .teredo: return .teredo
            case .sixToFour: return .sixToFour
            case .isatap: return .isatap
            case .sixInFour:
                if let p = sixRDPrefix, (source.map(p.contains) ?? false) || (destination.map(p.contains) ?? false) { return .sixRD }
                return .sixInFour
            default: break
            }
        }
        guard family == .v6 else { return .nativeIPv4 }
        if let s = source, let d = destination {
            if nat64.contains(d, at: time) { return isCLAT(s) ? .xlat464 : .nat64 }
            if nat64.contains(s, at: time) { return isCLAT(d) ? .xlat464 : .nat64 }
        }
        return .nativeIPv6
    }

    /// A CLAT address: inside `--clat-prefix`, or embedding 192.0.0.0/29 (RFC 7335, the IPv4
    /// service continuity prefix a CLAT uses) in its last 32 bits (RFC 6052 /96 form).
    public func isCLAT(_ a: IPAddress) -> Bool {
        guard a.family == .v6 else { return false }
        if clatPrefixes.contains(where: { $0.contains(a) }) { return true }
        return a.low & 0xffff_fff8 == 0xc000_0000
    }

    /// The first transition tunnel of a tunnel stack, outermost first (GRE, GTP-U, VXLAN,
    /// Geneve, AYIYA, 6in6 and 4in4 are looked through: the mechanism is what they carry).
    @inlinable
    public static func transitionTunnel<S: Sequence>(_ tunnels: S) -> TunnelMechanism? where S.Element == TunnelMechanism {
        for t in tunnels {
            switch t {
            case .ipv4InIPv6, .teredo, .sixToFour, .isatap, .sixInFour: return t
            default: continue
            }
        }
        return nil
    }
}
