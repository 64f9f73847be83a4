import PacketDecoding

/// What the transition analysis is told about the network (the `capture analyze` options).
public struct TransitionOptions: Sendable {
    /// `--local-prefix`: the operator's own ranges. When given, only connections whose
    /// originator is inside one of them (or link-local) make devices, and an address outside
    /// them behind a MAC counts towards calling that MAC a router. Empty: see docs/transition.md.
    public var localPrefixes: [IPPrefix] = []
    /// `--nat64-prefix`: network-specific NAT64 prefixes (RFC 6052 lengths only).
    public var nat64Prefixes: [IPPrefix] = []
    /// `--6rd-prefix`: the 6rd prefix (RFC 5969); protocol-41 packets whose inner IPv6 address is
    /// inside it count as 6rd instead of 6in4.
    public var sixRDPrefix: IPPrefix? = nil
    /// `--clat-prefix`: CLAT source prefixes (RFC 6877) besides the 192.0.0.0/29 rule.
    public var clatPrefixes: [IPPrefix] = []
    /// A race is the lookups and attempts of one device for one name within this time of its
    /// first query (ns); a later query starts a new race.
    public var raceWindow: Int64 = 10_000_000_000
    /// Bounds on per-record state (each overflow is counted, never silent).
    public var maxRaces = 1 << 18
    public var maxNames = 1 << 18
    public var maxBindings = 1 << 20
    public var maxDevices = 1 << 18
    /// Learn NAT64 prefixes inside the documentation range 2001:db8::/32 (RFC 3849) from the
    /// network. Off: no real network numbers a NAT64 there, so a learnt one is a forgery or a
    /// lab; the crafted test captures, which use that range, turn it on.
    public var learnDocumentationPrefixes = false

    public init() {}
}
