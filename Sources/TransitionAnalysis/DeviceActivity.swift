import PacketDecoding
import TrafficAnalysis

/// What one device did, from the connections it originated.
public struct DeviceActivity: Sendable {
    public var firstConnection: Int64
    public var connectionsV4 = 0
    /// Non-link-local IPv6 connections not through a translator.
    public var connectionsV6Native = 0
    /// NAT64 and 464XLAT connections (IPv4 destinations reached over IPv6).
    public var connectionsTranslated = 0
    /// Connections with a link-local, multicast or broadcast end only.
    public var connectionsLocalOnly = 0
    /// Bit set of `TransitionMechanism.rawValue` over the device's connections.
    public var mechanisms: UInt16 = 0
    /// Connections to names with A and non-synthesized AAAA answers, and those over native IPv6.
    public var eligibleConnections = 0, eligibleIPv6 = 0
    /// Happy Eyeballs attempts over IPv6 (to answered AAAA addresses) and how many completed.
    public var raceAttemptsV6 = 0, raceAttemptsV6Established = 0
    /// The originator addresses seen (address-only devices and devices without bindings).
    public var originatorAddresses: [IPAddress] = []
}

/// The stack class of a device (docs/transition.md "Devices").
public enum DeviceStackClass: String, Sendable, CaseIterable {
    case dualStack = "dual_stack"
    case ipv4Only = "ipv4_only"
    case ipv6Only = "ipv6_only"
    /// Only link-local, multicast or broadcast connections.
    case localOnly = "local_only"
}

/// The interface-identifier class of a device's IPv6 address (docs/transition.md "Interface identifiers").
public enum InterfaceIDClass: String, Sendable, CaseIterable {
    /// Modified EUI-64 (RFC 4291 appendix A): ff:fe in the middle of the IID.
    case eui64 = "eui64"
    /// Stable, semantically opaque (RFC 7217-like): the longest-lived non-EUI-64 address of its /64.
    case stable
    /// Temporary (RFC 8981): another non-EUI-64 address in a /64 where the device used several.
    case temporary
}
