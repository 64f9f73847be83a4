import CaptureCore
import PacketDecoding
import TrafficAnalysis

/// Who a device is, as far as the capture tells: its Ethernet MAC when its address was seen
/// behind one, else the address itself (raw-IP, cooked and loopback captures).
public struct DeviceKey: Hashable, Sendable, Comparable {
    /// 48-bit MAC, or nil for an address-only device.
    public var mac: UInt64?
    /// The address for an address-only device (unused when `mac` is set).
    public var address: IPAddress?

    public static func < (a: DeviceKey, b: DeviceKey) -> Bool {
        switch (a.mac, b.mac) {
        case let (x?, y?): return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return (a.address ?? IPAddress(v4: 0)) < (b.address ?? IPAddress(v4: 0))
        }
    }
}

/// One (MAC, IP address) pair seen on the link.
public struct BindingKey: TableKey, Hashable {
    public var mac: UInt64
    public var address: IPAddress
    @inlinable public init(mac: UInt64, address: IPAddress) { self.mac = mac; self.address = address }
    @inlinable public func tableHash(seed: UInt64) -> UInt64 {
        TableHash.finish(TableHash.fold(TableHash.fold(TableHash.fold(seed ^ UInt64(address.family.rawValue), mac), address.high), address.low))
    }
}

/// When a binding was seen.
public struct BindingState: Sendable {
    public var first: Int64
    public var last: Int64
    public var packets: UInt64
    /// The MAC sourced a frame from the address (only such pairs feed the router rule).
    public var fromFrame: Bool
    @inlinable public init(first: Int64, last: Int64, packets: UInt64, fromFrame: Bool = true) {
        self.first = first; self.last = last; self.packets = packets; self.fromFrame = fromFrame
    }
}

/// A MAC as an `OpenTable` key.
public struct MACKey: TableKey, Hashable {
    public var mac: UInt64
    @inlinable public init(_ mac: UInt64) { self.mac = mac }
    @inlinable public func tableHash(seed: UInt64) -> UInt64 { TableHash.finish(TableHash.fold(seed, mac)) }
}

/// What the addresses behind one MAC say about it forwarding traffic (the router rule of
/// docs/transition.md "Devices"), each count capped at its threshold.
///
/// Only evidence a host cannot produce for itself counts. An ordinary host sources IPv6 from
/// several /64s: a ULA (fc00::/7, RFC 4193) beside a global address (RFC 6724 picks the ULA for
/// ULA destinations), global prefixes of several routers (RFC 4861 section 6.3.4, RFC 4862
/// section 5.5.3), temporary addresses (RFC 8981) in each. So /64s count as forwarding only from
/// `DeviceBindings.forwardingNets` distinct ones up.
public struct ForwardingEvidence: Sendable {
    /// Public IPv4 source addresses (without `--local-prefix`).
    public var publicIPv4: UInt8 = 0
    /// Distinct /64s of non-link-local IPv6 sources (capped at `DeviceBindings.forwardingNets`),
    /// and the first three (fixed storage: no allocation).
    public var ipv6Nets: UInt8 = 0
    public var firstNet: UInt64 = 0
    public var secondNet: UInt64 = 0
    public var thirdNet: UInt64 = 0
    /// Non-link-local sources outside every `--local-prefix` (with `--local-prefix`).
    public var outside: UInt8 = 0
    @inlinable public init() {}

    /// Notes the /64 `net` (high 64 bits of an IPv6 source).
    @inlinable mutating func noteNet(_ net: UInt64) {
        switch ipv6Nets {
        case 0: firstNet = net; ipv6Nets = 1
        case 1: if net != firstNet { secondNet = net; ipv6Nets = 2 }
        case 2: if net != firstNet && net != secondNet { thirdNet = net; ipv6Nets = 3 }
        case 3: if net != firstNet && net != secondNet && net != thirdNet { ipv6Nets = 4 }
        default: break
        }
    }
}

/// MAC/IP bindings from the link layer (docs/transition.md "Devices"):
/// * **frame** bindings: the Ethernet source MAC and the outermost IP source of every Ethernet
///   frame;
/// * **explicit** bindings, where a protocol states which MAC an address belongs to: the sender
///   fields of ARP (RFC 826); the client hardware address and assigned address of DHCPv4 ACKs
///   (RFC 2131); Neighbor Discovery link-layer address options (RFC 4861 section 4.6.1: the
///   Source Link-Layer Address of an RS, RA or NS with its IPv6 source, the Target Link-Layer
///   Address of an NA with its target) and the target of a duplicate-address-detection NS
///   (source ::, RFC 4862 section 5.4.2) with the frame's source MAC, from ND messages with hop
///   limit 255 and code 0 only; DHCPv6 (RFC 8415) Reply IA_NA/IA_TA IAADDR addresses (valid
///   lifetime above 0, not in a NAT64 prefix) with the client's MAC, and the peer address of
///   a Relay-Forward with its Client Link-Layer Address option (RFC 6939, option 79, hardware
///   type 1), from unfragmented messages on their RFC 8415 ports only.
///
/// An address belongs to the MAC of its first explicit binding, else of its first frame
/// binding. An explicit binding replaces a frame one only when that frame's MAC is a router
/// (RA sender or `isForwarder`), so a device whose frames reach the capture through a router is
/// still joined to its own MAC; it is refused, and counted in `anomalies.bindingConflicts`, when it would
/// move an address from another MAC (ND spoofing, RFC 3756 section 4.1.1), when it names a
/// router's MAC, or when an ND link-layer option or ARP sender MAC differs from the frame's
/// Ethernet source (RFC 4861 section 7.1 ties the option to the sender).
/// The MACs that sent a Router Advertisement are routers, not devices. Per packet: one compare
/// in a direct-mapped cache of recent pairs; on a miss, bounded `OpenTable` lookups; ND and
/// DHCPv6 are walked only for those messages, option by option, with every length checked
/// (a malformed option stops the walk and counts in `anomalies.malformedOptions`, unless the snapshot
/// length cut the message).
public struct DeviceBindings: Sendable {
    public var bindings: OpenTable<BindingKey, BindingState>
    /// The MAC an address belongs to (low 48 bits), in bit 63 whether an explicit binding said
    /// so (`explicitFlag`), in bit 62 whether that MAC sourced a frame from it (`framedFlag`).
    public var macOf: OpenTable<IPAddress, UInt64>
    public static let explicitFlag: UInt64 = 1 << 63
    /// Bit 62 of a `macOf` value: the owner was seen sourcing a frame from the address.
    public static let framedFlag: UInt64 = 1 << 62
    /// Forwarding evidence per MAC, updated when a (MAC, address) pair is first seen in a frame
    /// (explicit bindings never feed it).
    public var evidence: OpenTable<MACKey, ForwardingEvidence>
    public var routerAdvertisers = Set<UInt64>()
    /// Bindings not kept because the table was at its cap.
    public var droppedBindings: UInt64 = 0
    /// What was refused or not read, by cause (reported whole in the summary's `dropped`).
    public var anomalies = BindingAnomalies()
    /// Incremented each time a MAC first meets the router rule (`isForwarder`).
    public private(set) var forwarderConfirmations: UInt64 = 0
    public let maxBindings: Int
    /// `--local-prefix`, for the router rule.
    public let localPrefixes: [IPPrefix]
    /// A recent pair, its latest time and the packets not yet written to the table.
    public struct CachedBinding: Sendable {
        public var key: BindingKey?
        public var last: Int64
        public var packets: UInt64
        @inlinable public init(key: BindingKey?, last: Int64, packets: UInt64) { self.key = key; self.last = last; self.packets = packets }
    }
    /// 16,384 slots (768 KiB): every frame from a router binds (router MAC, remote source), so
    /// the pairs grow with the servers talked to; at 4,096 slots the 100 MB benchmark capture
    /// (12,500 pairs) missed on 18 % of frames, each miss two table lookups and a flush.
    public static let cacheBits = 14
    public static let cacheSlots = 1 << cacheBits
    /// Relay messages nested deeper than this are not walked (RFC 8415 allows 32 hops).
    public static let maxRelayDepth = 8
    @usableFromInline var cache = [CachedBinding](repeating: CachedBinding(key: nil, last: 0, packets: 0), count: DeviceBindings.cacheSlots)
    @usableFromInline let cacheSeed = TableHash.randomSeed()

    public init(maxBindings: Int, localPrefixes: [IPPrefix] = []) {
        self.maxBindings = maxBindings
        self.localPrefixes = localPrefixes
        bindings = OpenTable(capacity: 1 << 8, maxEntries: maxBindings)
        macOf = OpenTable(capacity: 1 << 8, maxEntries: maxBindings)
        evidence = OpenTable(capacity: 1 << 6, maxEntries: maxBindings)
    }

    /// The Ethernet source MAC of a frame, nil when not a station address (group bit, zero).
    @inlinable public static func sourceMAC(_ b: UnsafeRawBufferPointer) -> UInt64? {
        guard let srcHigh: UInt16 = b.readBigEndian(at: 10), let srcMid: UInt32 = b.readBigEndian(at: 6) else { return nil }
        return station(UInt64(srcMid) << 16 | UInt64(srcHigh))
    }

    /// `mac` when it is a station address (not zero, group bit clear).
    @inlinable static func station(_ mac: UInt64) -> UInt64? { mac == 0 || mac >> 40 & 1 == 1 ? nil : mac }

    @inlinable static func mac(_ b: UnsafeRawBufferPointer, at o: Int) -> UInt64? {
        guard let h: UInt32 = b.readBigEndian(at: o), let l: UInt16 = b.readBigEndian(at: o + 4) else { return nil }
        return UInt64(h) << 16 | UInt64(l)
    }

    @inlinable static func address6(_ b: UnsafeRawBufferPointer, at o: Int) -> IPAddress? {
        guard let h: UInt64 = b.readBigEndian(at: o), let l: UInt64 = b.readBigEndian(at: o + 8) else { return nil }
        return IPAddress(v6High: h, low: l)
    }

    /// RFC 4861 sections 6.1.1, 6.1.2, 7.1.1 and 7.1.2: a node silently discards a Router
    /// Solicitation, Router Advertisement, Neighbor Solicitation or Neighbor Advertisement whose
    /// IP Hop Limit is not 255 (it did not come from the link: a router would have decremented
    /// it) or whose ICMP Code is not 0. Nil when the packet is none of these four messages;
    /// else whether it passes (the hop limit of the IPv6 header carrying the ICMPv6 message).
    /// (`packet` is `inout` only to be passed by address; not changed.)
    @inlinable public static func neighborDiscoveryHeaderIsValid(_ b: UnsafeRawBufferPointer, _ packet: inout DecodedPacket) -> Bool? {
        guard packet.icmpFamily == .v6, let type = packet.icmpType, type >= 133 && type <= 136 else { return nil }
        guard let ip = packet.ipLayers.last(where: { !$0.isICMPQuote }), ip.family == .v6, ip.upperProtocol == 58,
              let hopLimit: UInt8 = b.readBigEndian(at: ip.headerOffset + 7) else { return false }
        return hopLimit == 255 && packet.icmpCode == 0
    }

    /// `ndValid`: false when the packet is an ND message that `neighborDiscoveryHeaderIsValid`
    /// refused; it then binds only as a frame (no ND binding, no RA sender). `nat64`: the
    /// NAT64 prefixes known now; DHCPv6 never binds an address inside one. `packet` and `nat64`
    /// are `inout` only to be passed by address (`TransitionAnalyzer.add`: by value, the caller
    /// copied the ~110-byte book for every packet); neither is changed.
    @inlinable
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket, ndValid: Bool = true, nat64: inout NAT64PrefixBook) {
        // A pattern, not `==`: LinkType has a payload case, so `==` was an outlined call per packet.
        guard case .ethernet = record.linkType, packet.linkDecoded else { return }
        let b = record.bytes
        guard let src = Self.sourceMAC(b) else { return }
        if let outer = packet.ipLayers.first {
            if let a = outer.source { bindFrame(mac: src, address: a, time: record.timestamp) }
            if ndValid, packet.icmpFamily == .v6, let type = packet.icmpType, type >= 133 && type <= 136 {
                if type == 134 { routerAdvertisers.insert(src) }
                neighborDiscovery(b, packet, type: type, frameSource: src, cut: record.capturedLength < record.originalLength, time: record.timestamp)
            }
            if let t = packet.transport, t.protocolNumber == 17, t.payloadOffset >= 0 {
                if t.sourcePort == 67, t.destinationPort == 68, t.payloadCapturedLength >= 34 {
                    dhcpAck(b, at: t.payloadOffset, time: record.timestamp)
                } else if outer.family == .v6, t.destinationPort == 546 || t.destinationPort == 547, t.payloadCapturedLength >= 4,
                          let type: UInt8 = b.readBigEndian(at: t.payloadOffset), type == 7 || type == 12 || type == 13 {
                    // RFC 8415 section 7.2: servers and relay agents send from port 547; a Reply
                    // goes to the client's port 546, relay messages (12, 13) to an agent's or a
                    // server's port 547. A message on other ports is not what it claims.
                    if packet.ipLayers[t.ipLayerIndex].isFragment {
                        // RFC 8200 section 4.5: only the reassembled datagram is the message.
                        anomalies.dhcpv6Fragments &+= 1
                    } else if t.sourcePort == 547 && t.destinationPort == (type == 7 ? 546 : 547) {
                        let dst = Self.mac(b, at: 0).flatMap(Self.station)
                        dhcpv6(b, from: t.payloadOffset, to: t.payloadOffset + t.payloadCapturedLength, depth: 0, relayMAC: nil,
                               frameDestination: dst, cut: record.capturedLength < record.originalLength, time: record.timestamp, nat64: nat64)
                    } else {
                        anomalies.dhcpv6WrongPorts &+= 1
                    }
                }
            }
        } else if packet.etherType == 0x0806 {
            arp(b, time: record.timestamp, vlanTags: packet.vlanTags)
        }
    }

    /// How an option walk ended.
    public enum OptionWalk: Sendable, Equatable {
        /// Every option read.
        case complete
        /// An option ran past the end (or had ND length 0): the message is malformed.
        case malformed
        /// `maxOptions` options read and more follow: the rest is not read.
        case pastLimit
    }
    /// Options read per message (and per DHCPv6 IA option).
    public static let maxOptions = 64

    /// Walks the options of `b[from..<to]` (ND: 1-byte type and 1-byte length in 8-octet
    /// units; DHCPv6: 2-byte code and 2-byte length in octets), calling
    /// `body(code, dataOffset, dataLength)`; stops after `maxOptions` options.
    @inlinable static func walkOptions(_ b: UnsafeRawBufferPointer, from: Int, to: Int, dhcpv6: Bool,
                                       _ body: (UInt16, Int, Int) -> Void) -> OptionWalk {
        var o = from, steps = 0
        while o < to {
            guard steps < maxOptions else { return .pastLimit }
            steps += 1
            let code: UInt16, dataLength: Int, data: Int
            if dhcpv6 {
                guard o + 4 <= to, let c: UInt16 = b.readBigEndian(at: o), let l: UInt16 = b.readBigEndian(at: o + 2) else { return .malformed }
                code = c; data = o + 4; dataLength = Int(l)
            } else {
                guard o + 2 <= to, let c: UInt8 = b.readBigEndian(at: o), let u: UInt8 = b.readBigEndian(at: o + 1), u > 0 else { return .malformed }
                code = UInt16(c); data = o + 2; dataLength = Int(u) * 8 - 2
            }
            guard data + dataLength <= to else { return .malformed }
            body(code, data, dataLength)
            o = data + dataLength
        }
        return .complete
    }

    /// RS/RA/NS/NA link-layer address options (RFC 4861 sections 4.1-4.4 and 4.6.1), on an
    /// outermost IPv6 header without extension headers (where ND lives: hop limit 255, link scope).
    @usableFromInline mutating func neighborDiscovery(_ b: UnsafeRawBufferPointer, _ packet: DecodedPacket, type: UInt8,
                                                      frameSource: UInt64, cut: Bool, time: Int64) {
        guard packet.ipLayers.count == 1, let ip = packet.ipLayers.first, ip.family == .v6, ip.upperProtocol == 58,
              ip.extensionHeaderCount == 0, !ip.isFragment, let source = ip.source else { return }
        let icmp = ip.headerOffset + 40
        let end = min(b.count, ip.headerOffset + ip.datagramLength)
        let optionsAt: Int
        switch type {
        case 133: optionsAt = icmp + 8
        case 134: optionsAt = icmp + 16
        default: optionsAt = icmp + 24
        }
        guard optionsAt <= end else { return }
        var target: IPAddress? = nil
        if type >= 135 { target = Self.address6(b, at: icmp + 8) }
        // DAD (RFC 4862 section 5.4.2): source ::, the target is the sender's tentative address.
        if type == 135, source.high == 0, source.low == 0, let t = target, Self.isUnicast6(t) {
            bind(mac: frameSource, address: t, time: time, explicit: true)
            return
        }
        var linkLayer: UInt64? = nil
        var pref64Options = 0
        let wanted: UInt16 = type == 136 ? 2 : 1
        let walk = Self.walkOptions(b, from: optionsAt, to: end, dhcpv6: false) { code, data, length in
            if code == wanted, length == 6, linkLayer == nil { linkLayer = Self.mac(b, at: data) }
            if code == 38 && length == 14 { pref64Options += 1 }
        }
        // A message cut by the snapshot length is not malformed, just short. A malformed one
        // (an option of length 0, or running past the message) is discarded whole, options
        // before the bad one included (RFC 4861 sections 6.1.1-7.1.2: silently discard).
        if walk == .malformed && !cut { anomalies.malformedOptions &+= 1; return }
        if walk == .pastLimit { anomalies.optionsPastLimit &+= 1 }
        if type == 134 && pref64Options > 1 { anomalies.extraPREF64Options &+= UInt64(pref64Options - 1) }
        guard let m = linkLayer.flatMap(Self.station) else { return }
        // RFC 4861 section 7.1 / RFC 3756 section 4.1.1: the option names the sender's own
        // link-layer address; one naming another MAC is a spoof.
        guard m == frameSource else { anomalies.bindingConflicts &+= 1; return }
        let owner = type == 136 ? target : source
        if let a = owner, Self.isUnicast6(a) { bind(mac: m, address: a, time: time, explicit: true) }
    }

    @inlinable static func isUnicast6(_ a: IPAddress) -> Bool { a.family == .v6 && AddressClass(a).isHost && !(a.high == 0 && a.low <= 1) }

    /// DHCPv6 (RFC 8415 sections 8-9, 21): a Relay-Forward (12) binds its peer address to the
    /// MAC of its Client Link-Layer Address option (RFC 6939); a Reply (7), sent directly or
    /// inside Relay-Reply (13) Relay Message options, binds each IAADDR of its IA_NA and IA_TA
    /// options with a valid lifetime above 0 (at most 4, kept in a stack tuple: no allocation)
    /// to the client's MAC: the Ethernet destination of a direct Reply, else the option-79 MAC
    /// of an enclosing Relay-Forward (option 79 is not read in a Relay-Reply, so a relayed Reply
    /// has none), else the MAC in a DUID-LLT (type 1) or DUID-LL (type 3) Client Identifier of
    /// hardware type 1. Addresses inside a NAT64 prefix known now are not bound.
    @usableFromInline mutating func dhcpv6(_ b: UnsafeRawBufferPointer, from: Int, to: Int, depth: Int,
                                           relayMAC: UInt64?, frameDestination: UInt64?, cut: Bool, time: Int64, nat64: NAT64PrefixBook) {
        guard let type: UInt8 = b.readBigEndian(at: from) else { return }
        if type == 12 || type == 13 {
            guard to - from >= 34, let peer = Self.address6(b, at: from + 18) else { return }
            guard depth < Self.maxRelayDepth else { anomalies.relaysTooDeep &+= 1; return }
            var clientMAC: UInt64? = nil, inner: (Int, Int)? = nil
            let walk = Self.walkOptions(b, from: from + 34, to: to, dhcpv6: true) { code, data, length in
                // RFC 6939 sections 4-6: the relay agent adds option 79 to the Relay-Forward it
                // sends; a Relay-Reply is not where it belongs, so one there is not read.
                if type == 12, code == 79, length == 8, b.readBigEndian(at: data) == UInt16(1) {
                    clientMAC = Self.mac(b, at: data + 2).flatMap(Self.station)
                }
                if code == 9, inner == nil, length >= 4 { inner = (data, data + length) }
            }
            if walk == .malformed { if !cut { anomalies.malformedOptions &+= 1 }; return }
            if walk == .pastLimit { anomalies.optionsPastLimit &+= 1 }
            if type == 12, let m = clientMAC, Self.isUnicast6(peer) {
                if nat64.contains(peer) { anomalies.dhcpv6NAT64Addresses &+= 1 } else { bind(mac: m, address: peer, time: time, explicit: true) }
            }
            if let (s, e) = inner {
                dhcpv6(b, from: s, to: e, depth: depth + 1, relayMAC: clientMAC ?? relayMAC, frameDestination: nil, cut: cut, time: time, nat64: nat64)
            }
            return
        }
        guard type == 7 else { return }
        var duidMAC: UInt64? = nil
        let first = Self.walkOptions(b, from: from + 4, to: to, dhcpv6: true) { code, data, length in
            guard code == 1, length >= 4, let duidType: UInt16 = b.readBigEndian(at: data),
                  let hw: UInt16 = b.readBigEndian(at: data + 2), hw == 1 else { return }
            if duidType == 1, length == 14 { duidMAC = Self.mac(b, at: data + 8) }
            if duidType == 3, length == 10 { duidMAC = Self.mac(b, at: data + 4) }
        }
        var ok = first != .malformed, pastLimit = first == .pastLimit
        guard let client = (frameDestination ?? relayMAC ?? duidMAC).flatMap(Self.station) else {
            if !ok && !cut { anomalies.malformedOptions &+= 1 }
            if pastLimit { anomalies.optionsPastLimit &+= 1 }
            return
        }
        var addresses = (IPAddress(v4: 0), IPAddress(v4: 0), IPAddress(v4: 0), IPAddress(v4: 0))
        var found = 0, extra = 0, inNAT64 = 0
        let walked = Self.walkOptions(b, from: from + 4, to: to, dhcpv6: true) { code, data, length in
            guard code == 3 || code == 4 else { return }
            let fixed = code == 3 ? 12 : 4
            guard length >= fixed else { ok = false; return }
            let inner = Self.walkOptions(b, from: data + fixed, to: data + length, dhcpv6: true) { sub, d, l in
                guard sub == 5, l >= 24, let a = Self.address6(b, at: d), let valid: UInt32 = b.readBigEndian(at: d + 20),
                      valid > 0, Self.isUnicast6(a) else { return }
                // A NAT64 address stands for an IPv4 host beyond the translator, never a device.
                guard !nat64.contains(a) else { inNAT64 += 1; return }
                guard found < 4 else { extra += 1; return }
                switch found {
                case 0: addresses.0 = a
                case 1: addresses.1 = a
                case 2: addresses.2 = a
                default: addresses.3 = a
                }
                found += 1
            }
            if inner == .malformed { ok = false }
            if inner == .pastLimit { pastLimit = true }
        }
        if walked == .malformed { ok = false }
        if walked == .pastLimit { pastLimit = true }
        if !ok && !cut { anomalies.malformedOptions &+= 1 }
        if pastLimit { anomalies.optionsPastLimit &+= 1 }
        anomalies.replyAddressesPastLimit &+= UInt64(extra)
        anomalies.dhcpv6NAT64Addresses &+= UInt64(inNAT64)
        if found > 0 { bind(mac: client, address: addresses.0, time: time, explicit: true) }
        if found > 1 { bind(mac: client, address: addresses.1, time: time, explicit: true) }
        if found > 2 { bind(mac: client, address: addresses.2, time: time, explicit: true) }
        if found > 3 { bind(mac: client, address: addresses.3, time: time, explicit: true) }
    }

    /// ARP sender hardware / protocol address (RFC 826) for Ethernet and IPv4.
    @usableFromInline mutating func arp(_ b: UnsafeRawBufferPointer, time: Int64, vlanTags: Int) {
        let base = 14 + 4 * vlanTags
        guard let htype: UInt16 = b.readBigEndian(at: base), htype == 1,
              let ptype: UInt16 = b.readBigEndian(at: base + 2), ptype == 0x0800,
              let sha = Self.mac(b, at: base + 8), let spa: UInt32 = b.readBigEndian(at: base + 14), spa != 0,
              let m = Self.station(sha) else { return }
        // The sender hardware address must be the frame's source (a proxy ARP answers with its
        // own MAC, so a mismatch is a spoof).
        guard m == Self.sourceMAC(b) else { anomalies.bindingConflicts &+= 1; return }
        bind(mac: m, address: IPAddress(v4: spa), time: time, explicit: true)
    }

    /// DHCPv4 reply (op 2) with a message type 5 (ACK) option: chaddr -> yiaddr (RFC 2131 section 2).
    @usableFromInline mutating func dhcpAck(_ b: UnsafeRawBufferPointer, at p: Int, time: Int64) {
        guard let op: UInt8 = b.readBigEndian(at: p), op == 2,
              let yiaddr: UInt32 = b.readBigEndian(at: p + 16), yiaddr != 0,
              let chaddr = Self.mac(b, at: p + 28) else { return }
        // Options after the 236-byte fixed part and the 4-byte magic cookie.
        var o = p + 240
        var isAck = false
        var steps = 0
        while steps < 64, let code: UInt8 = b.readBigEndian(at: o) {
            steps += 1
            if code == 255 { break }
            if code == 0 { o += 1; continue }
            guard let len: UInt8 = b.readBigEndian(at: o + 1) else { break }
            if code == 53, len == 1, let v: UInt8 = b.readBigEndian(at: o + 2) { isAck = v == 5; break }
            o += 2 + Int(len)
        }
        guard isAck, let m = Self.station(chaddr) else { return }
        bind(mac: m, address: IPAddress(v4: yiaddr), time: time, explicit: true)
    }

    /// Records that `address` was seen behind `mac` at `time`; `explicit` when a protocol said
    /// so (ARP, ND options, DHCP) rather than a frame's source. A direct-mapped cache of recent
    /// pairs (`cacheSlots` entries, indexed by a keyed hash) absorbs the repeats, so most frames
    /// cost one compare; a pair leaving the cache writes its latest time and count to the table.
    @inlinable
    public mutating func bind(mac: UInt64, address: IPAddress, time: Int64, explicit: Bool = false) {
        if explicit && !acceptsExplicit(mac: mac, address: address) { return }
        let key = BindingKey(mac: mac, address: address)
        let slot = cacheSlot(of: key)
        if cache[slot].key == key && !explicit { countCached(slot: slot, time: time); return }
        bind(key, slot: slot, time: time, explicit: explicit)
    }

    /// The frame binding of `add` (Ethernet source MAC, outermost IP source), bound only when
    /// the address is a host's (`AddressClass.isHost`, not 0.0.0.0). A pair found in the cache
    /// passed that test when it was bound (nothing else caches), so a repeat is counted before
    /// the address is classified: only cache misses pay for the class (~38 instructions).
    @inlinable
    mutating func bindFrame(mac: UInt64, address: IPAddress, time: Int64) {
        let key = BindingKey(mac: mac, address: address)
        let slot = cacheSlot(of: key)
        if cache[slot].key == key { countCached(slot: slot, time: time); return }
        guard AddressClass(address).isHost, !(address.family == .v4 && address.v4Value == 0) else { return }
        bind(key, slot: slot, time: time, explicit: false)
    }

    /// The cache slot of a pair (a keyed hash: `cacheSeed`).
    @inlinable @inline(__always) func cacheSlot(of key: BindingKey) -> Int {
        Int(truncatingIfNeeded: key.tableHash(seed: cacheSeed) >> UInt64(64 - Self.cacheBits))
    }

    /// A repeat of the pair cached in `slot`: counted there, written to the table on eviction.
    @inlinable @inline(__always) mutating func countCached(slot: Int, time: Int64) {
        cache[slot].packets &+= 1
        if time > cache[slot].last { cache[slot].last = time }
    }

    /// `bind` past the cache (`key` is not the pair cached in `slot`, or `explicit`).
    @usableFromInline mutating func bind(_ key: BindingKey, slot: Int, time: Int64, explicit: Bool) {
        let mac = key.mac, address = key.address
        flush(slot: slot)
        // Only frame sources feed the router rule (`noteEvidence`): an address a protocol claims
        // for a MAC (DAD target, ND option, DHCP) is not traffic that MAC forwarded.
        if let i = bindings.index(of: key) {
            if !explicit && !bindings[index: i].fromFrame {
                bindings.withValue(at: i) { $0.fromFrame = true }
                noteEvidence(mac: mac, address: address)
            }
        } else {
            guard bindings.count < maxBindings else { droppedBindings &+= 1; return }
            bindings.upsert(key, { BindingState(first: time, last: time, packets: 0, fromFrame: !explicit) }) { _, _ in }
            if !explicit { noteEvidence(mac: mac, address: address) }
        }
        // The owner of the address (one lookup per cache miss). An explicit binding passed
        // `acceptsExplicit`. A frame from the owner confirms it (`framedFlag`); a frame from
        // another, non-router MAC takes over an owner never confirmed by frames: a claim alone
        // (a DAD probe, RFC 4862 section 5.4: tentative; an unsolicited option) does not keep
        // an address from the host that uses it (counted in `anomalies.bindingConflicts`).
        let mask: UInt64 = 0xffff_ffff_ffff
        if let i = macOf.index(of: address) {
            let cur = macOf[index: i], owner = cur & mask
            if explicit {
                if owner != mac || cur & Self.explicitFlag == 0 {
                    let framed = owner == mac ? cur & Self.framedFlag : 0
                    macOf.withValue(at: i) { $0 = mac | Self.explicitFlag | framed }
                }
            } else if owner == mac {
                if cur & Self.framedFlag == 0 { macOf.withValue(at: i) { $0 = cur | Self.framedFlag } }
            } else if cur & Self.framedFlag == 0 && !isRouter(mac) {
                anomalies.bindingConflicts &+= 1
                macOf.withValue(at: i) { $0 = mac | Self.framedFlag }
            }
        } else if macOf.count < maxBindings {
            let value = explicit ? mac | Self.explicitFlag : mac | Self.framedFlag
            macOf.upsert(address, { value }) { _, _ in }
        }
        if explicit {
            // Not cached, so the owner's next frame reaches the confirmation above.
            if let i = bindings.index(of: key) {
                bindings.withValue(at: i) { s in s.packets &+= 1; if time > s.last { s.last = time } }
            }
            cache[slot] = CachedBinding(key: nil, last: 0, packets: 0)
        } else {
            cache[slot] = CachedBinding(key: key, last: time, packets: 1)
        }
    }

    /// Whether an explicit binding of `address` to `mac` may stand (else counted in
    /// `anomalies.bindingConflicts`): not to a router's MAC; not when the address already belongs to
    /// another MAC by an explicit binding, or by frames from a MAC that is not a router.
    @usableFromInline mutating func acceptsExplicit(mac: UInt64, address: IPAddress) -> Bool {
        let owner = macOf.index(of: address).map { macOf[index: $0] }
        let ownerMAC = owner.map { $0 & 0xffff_ffff_ffff }
        if isRouter(mac) {
            if ownerMAC != nil && ownerMAC != mac { anomalies.bindingConflicts &+= 1 }
            return false
        }
        guard let o = owner, let om = ownerMAC, om != mac else { return true }
        if o & Self.explicitFlag == 0 && isRouter(om) { return true }
        anomalies.bindingConflicts &+= 1
        return false
    }

    /// An RA sender or a MAC meeting the router rule.
    @inlinable func isRouter(_ mac: UInt64) -> Bool { routerAdvertisers.contains(mac) || isForwarder(mac) }

    /// Updates the forwarding evidence of `mac` for an `address` it sourced a frame from for the
    /// first time (link-local and non-host addresses aside).
    @usableFromInline mutating func noteEvidence(mac: UInt64, address a: IPAddress) {
        let cls = AddressClass(a)
        guard cls.isHost, cls != .ipv4LinkLocal, cls != .ipv6LinkLocal else { return }
        let local = localPrefixes
        let advertiser = routerAdvertisers.contains(mac)
        let before = evidence.index(of: MACKey(mac)).map { Self.forwards(evidence[index: $0], local: !local.isEmpty, advertiser: advertiser) } ?? false
        guard !before, evidence.count < maxBindings || evidence.index(of: MACKey(mac)) != nil else { return }
        let now: Bool = evidence.upsert(MACKey(mac), { ForwardingEvidence() }) { e, _ in
            if !local.isEmpty {
                if !local.contains(where: { $0.contains(a) }) { e.outside = min(e.outside + 1, 2) }
            } else if a.family == .v4 {
                if cls == .ipv4Public { e.publicIPv4 = min(e.publicIPv4 + 1, 2) }
            } else {
                e.noteNet(a.high)
            }
            return Self.forwards(e, local: !local.isEmpty, advertiser: advertiser)
        }
        if now { forwarderConfirmations &+= 1 }
    }

    /// Distinct IPv6 source /64s from which a MAC counts as forwarding: above what one host uses
    /// (a ULA, RFC 4193, and global prefixes from up to two routers, RFC 4862 section 5.5.3).
    public static let forwardingNets: UInt8 = 4

    /// `advertiser`: the MAC sent a Router Advertisement; then two /64s suffice (a host that
    /// advertises is not a host, RFC 4861 section 6.2.3, and PREF64 trust, which only RA senders
    /// seek, stays as strict as before).
    static func forwards(_ e: ForwardingEvidence, local: Bool, advertiser: Bool) -> Bool {
        local ? e.outside >= 2 : e.publicIPv4 >= 2 || e.ipv6Nets >= (advertiser ? 2 : forwardingNets)
    }

    /// The router rule (docs/transition.md "Devices") from the addresses bound so far: with
    /// `--local-prefix`, two or more source addresses outside the local prefixes (link-local
    /// ones aside); without, two or more public IPv4 addresses, or IPv6 addresses (link-local
    /// aside) in `forwardingNets` (4) or more /64s. Two or three /64s are an ordinary host
    /// (ULA and global, RFC 6724; prefixes of several RAs), not a router, unless the MAC also
    /// sent a Router Advertisement.
    public func isForwarder(_ mac: UInt64) -> Bool {
        guard let i = evidence.index(of: MACKey(mac)) else { return false }
        return Self.forwards(evidence[index: i], local: !localPrefixes.isEmpty, advertiser: routerAdvertisers.contains(mac))
    }

    @usableFromInline mutating func flush(slot: Int) {
        guard let k = cache[slot].key, cache[slot].packets > 0, let i = bindings.index(of: k) else { return }
        let last = cache[slot].last, n = cache[slot].packets
        bindings.withValue(at: i) { s in s.packets &+= n; if last > s.last { s.last = last } }
        cache[slot].packets = 0
    }

    /// The device an address belongs to: its MAC when bound, else the address.
    public func device(of address: IPAddress) -> DeviceKey {
        if let i = macOf.index(of: address) { return DeviceKey(mac: macOf[index: i] & 0xffff_ffff_ffff, address: nil) }
        return DeviceKey(mac: nil, address: address)
    }

    /// Every binding, with pending counts flushed.
    public mutating func allBindings() -> [(BindingKey, BindingState)] {
        for slot in 0..<Self.cacheSlots { flush(slot: slot) }
        var out: [(BindingKey, BindingState)] = []
        bindings.forEach { out.append(($0, $1)) }
        return out
    }
}

/// MAC text, lower-case hex with colons.
public func macText(_ mac: UInt64) -> String {
    (0..<6).map { i -> String in
        let byte = UInt8(truncatingIfNeeded: mac >> UInt64(40 - 8 * i))
        return (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }.joined(separator: ":")
}
