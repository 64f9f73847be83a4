/// The messages and claims `DeviceBindings` refused or did not read, by cause: counted where they
/// happen and handed to `TransitionSummary` whole (`bindingAnomalies`), reported as members of the
/// summary's `dropped` object (docs/transition.md).
public struct BindingAnomalies: Sendable, Equatable {
    /// ND or DHCPv6 messages whose options ran past their message (walk stopped; no binding
    /// from the bad option).
    public var malformedOptions: UInt64 = 0
    /// Explicit bindings refused: an ND link-layer option or ARP sender MAC other than the
    /// frame's source MAC; a claim for an address that belongs to another, non-router MAC (or to
    /// another explicit binding); a claim naming a router's MAC (RFC 3756 section 4.1.1).
    public var bindingConflicts: UInt64 = 0
    /// ND or DHCPv6 messages (or DHCPv6 IA options) with more than `maxOptions` options: the
    /// options past the 64th are not read.
    public var optionsPastLimit: UInt64 = 0
    /// DHCPv6 relay messages nested deeper than `maxRelayDepth`, not walked.
    public var relaysTooDeep: UInt64 = 0
    /// IAADDRs of a DHCPv6 Reply past the 4th, not bound.
    public var replyAddressesPastLimit: UInt64 = 0
    /// DHCPv6 Reply, Relay-Forward or Relay-Reply messages on other UDP ports than RFC 8415
    /// section 7.2 gives them (Reply 547 -> 546, relay messages 547 -> 547): not read.
    public var dhcpv6WrongPorts: UInt64 = 0
    /// DHCPv6 Reply or relay messages in the first fragment of a fragmented datagram: not
    /// read (the fragment holds only part of the message; later fragments carry no UDP header).
    public var dhcpv6Fragments: UInt64 = 0
    /// DHCPv6 addresses (IAADDR, Relay-Forward peer) inside a NAT64 prefix: not bound.
    public var dhcpv6NAT64Addresses: UInt64 = 0
    /// PREF64 options in one Router Advertisement after the first (only the first is read).
    public var extraPREF64Options: UInt64 = 0

    public init() {}
}
