import PacketDecoding

/// A bidirectional 5-tuple (address, port, address, port, protocol) held inline, so it hashes
/// and compares without allocating (gopacket `flows.go`: endpoints in fixed bytes).
///
/// The two endpoints are stored in canonical order (the smaller (address, port) first), so the
/// packets A→B and B→A give the same key. Ports are 0 for protocols other than TCP and UDP.
public struct FlowKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var aHigh: UInt64
    public var aLow: UInt64
    public var bHigh: UInt64
    public var bLow: UInt64
    public var aPort: UInt16
    public var bPort: UInt16
    /// IP protocol / IPv6 next header of the transport (6 TCP, 17 UDP, 58 ICMPv6...).
    public var transportProtocol: UInt8
    public var family: IPFamily

    /// Builds the canonical key for a packet from `source`:`sourcePort` to
    /// `destination`:`destinationPort`. Both addresses must have the same family.
    @inlinable
    public init(source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16,
                transportProtocol: UInt8) {
        let sourceFirst = (source.high, source.low, sourcePort) <= (destination.high, destination.low, destinationPort)
        if sourceFirst {
            aHigh = source.high; aLow = source.low; aPort = sourcePort
            bHigh = destination.high; bLow = destination.low; bPort = destinationPort
        } else {
            aHigh = destination.high; aLow = destination.low; aPort = destinationPort
            bHigh = source.high; bLow = source.low; bPort = sourcePort
        }
        self.transportProtocol = transportProtocol
        self.family = source.family
    }

    /// The lower endpoint's address.
    public var addressA: IPAddress { family == .v4 ? IPAddress(v4: UInt32(truncatingIfNeeded: aLow)) : IPAddress(v6High: aHigh, low: aLow) }
    /// The higher endpoint's address.
    public var addressB: IPAddress { family == .v4 ? IPAddress(v4: UInt32(truncatingIfNeeded: bLow)) : IPAddress(v6High: bHigh, low: bLow) }

    /// Keyed hash for `OpenTable` (see `TableHash`): every word folded into a seeded state.
    /// Symmetric by construction because the key is canonical.
    @inlinable public func tableHash(seed: UInt64) -> UInt64 {
        let ports = UInt64(aPort) << 32 | UInt64(bPort) << 16 | UInt64(transportProtocol) << 8 | UInt64(family.rawValue)
        var h = TableHash.fold(seed, ports)
        h = TableHash.fold(h, aHigh)
        h = TableHash.fold(h, aLow)
        h = TableHash.fold(h, bHigh)
        h = TableHash.fold(h, bLow)
        return TableHash.finish(h)
    }

    public static func < (x: FlowKey, y: FlowKey) -> Bool {
        (x.family.rawValue, x.transportProtocol, x.aHigh, x.aLow, x.aPort) < (y.family.rawValue, y.transportProtocol, y.aHigh, y.aLow, y.aPort)
            || ((x.family.rawValue, x.transportProtocol, x.aHigh, x.aLow, x.aPort) == (y.family.rawValue, y.transportProtocol, y.aHigh, y.aLow, y.aPort)
                && (x.bHigh, x.bLow, x.bPort) < (y.bHigh, y.bLow, y.bPort))
    }

    /// `proto addrA port addrB port`, e.g. `6 192.0.2.1 443 198.51.100.7 51000`.
    public var description: String { "\(transportProtocol) \(addressA) \(aPort) \(addressB) \(bPort)" }
}
