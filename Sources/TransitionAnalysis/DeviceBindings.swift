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
    @inlinable public init(first: Int64, last: Int64, packets: UInt64) { self.first = first; self.last = last; self.packets = packets }
}

/// MAC/IP bindings from the link layer (docs/transition.md "Devices"): the Ethernet source MAC
/// and the outermost IP source of every Ethernet frame, the sender fields of ARP (RFC 826), the
/// client hardware address and assigned address of DHCPv4 ACKs (RFC 2131), and the MACs that
/// sent a Router Advertisement (RFC 4861: routers, not devices). Per packet: one bounded
/// `OpenTable` update (skipped while consecutive frames repeat the same pair) and one for the
/// address -> MAC map.
public struct DeviceBindings: Sendable {
    public var bindings: OpenTable<BindingKey, BindingState>
    /// The MAC an address was last seen behind.
    public var macOf: OpenTable<IPAddress, UInt64>
    public var routerAdvertisers = Set<UInt64>()
    /// Bindings not kept because the table was at its cap.
    public var droppedBindings: UInt64 = 0
    public let maxBindings: Int
    // The pair of the previous frame, its latest time and its pending packet count.
    @usableFromInline var cachedKey: BindingKey? = nil
    @usableFromInline var cachedLast: Int64 = 0
    @usableFromInline var cachedPackets: UInt64 = 0

    public init(maxBindings: Int) {
        self.maxBindings = maxBindings
        bindings = OpenTable(capacity: 1 << 8, maxEntries: maxBindings)
        macOf = OpenTable(capacity: 1 << 8, maxEntries: maxBindings)
    }

    @inlinable
    public mutating func add(_ record: PacketRecord, _ packet: DecodedPacket) {
        guard record.linkType == .ethernet, packet.linkDecoded else { return }
        let b = record.bytes
        guard let dstHigh: UInt32 = b.readBigEndian(at: 0), let srcHigh: UInt16 = b.readBigEndian(at: 10),
              let srcMid: UInt32 = b.readBigEndian(at: 6) else { return }
        _ = dstHigh
        let src = UInt64(srcMid) << 16 | UInt64(srcHigh)
        // Group bit set: not a station address.
        if src >> 40 & 1 == 1 || src == 0 { return }
        if let outer = packet.ipLayers.first {
            if let a = outer.source, AddressClass(a).isHost, !(a.family == .v4 && a.v4Value == 0) {
                bind(mac: src, address: a, time: record.timestamp)
            }
            if packet.icmpFamily == .v6, packet.icmpType == 134 { routerAdvertisers.insert(src) }
            if let t = packet.transport, t.protocolNumber == 17, t.sourcePort == 67, t.destinationPort == 68,
               t.payloadOffset >= 0, t.payloadCapturedLength >= 34 {
                dhcpAck(b, at: t.payloadOffset, time: record.timestamp)
            }
        } else if packet.etherType == 0x0806 {
            arp(b, time: record.timestamp, vlanTags: packet.vlanTags)
        }
    }

    /// ARP sender hardware / protocol address (RFC 826) for Ethernet and IPv4.
    @usableFromInline mutating func arp(_ b: UnsafeRawBufferPointer, time: Int64, vlanTags: Int) {
        let base = 14 + 4 * vlanTags
        guard let htype: UInt16 = b.readBigEndian(at: base), htype == 1,
              let ptype: UInt16 = b.readBigEndian(at: base + 2), ptype == 0x0800,
              let shaHigh: UInt32 = b.readBigEndian(at: base + 8), let shaLow: UInt16 = b.readBigEndian(at: base + 12),
              let spa: UInt32 = b.readBigEndian(at: base + 14), spa != 0 else { return }
        let sha = UInt64(shaHigh) << 16 | UInt64(shaLow)
        guard sha != 0, sha >> 40 & 1 == 0 else { return }
        bind(mac: sha, address: IPAddress(v4: spa), time: time)
    }

    /// DHCPv4 reply (op 2) with a message type 5 (ACK) option: chaddr -> yiaddr (RFC 2131 section 2).
    @usableFromInline mutating func dhcpAck(_ b: UnsafeRawBufferPointer, at p: Int, time: Int64) {
        guard let op: UInt8 = b.readBigEndian(at: p), op == 2,
              let yiaddr: UInt32 = b.readBigEndian(at: p + 16), yiaddr != 0,
              let chHigh: UInt32 = b.readBigEndian(at: p + 28), let chLow: UInt16 = b.readBigEndian(at: p + 32) else { return }
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
        guard isAck else { return }
        let mac = UInt64(chHigh) << 16 | UInt64(chLow)
        guard mac != 0, mac >> 40 & 1 == 0 else { return }
        bind(mac: mac, address: IPAddress(v4: yiaddr), time: time)
    }

    @inlinable
    public mutating func bind(mac: UInt64, address: IPAddress, time: Int64) {
        let key = BindingKey(mac: mac, address: address)
        if cachedKey == key { cachedLast = time; cachedPackets &+= 1; return }
        flushCache()
        if bindings.index(of: key) == nil && bindings.count >= maxBindings { droppedBindings &+= 1; return }
        bindings.upsert(key, { BindingState(first: time, last: time, packets: 0) }) { s, _ in
            s.packets &+= 1
            if time > s.last { s.last = time }
            if time < s.first { s.first = time }
        }
        if macOf.index(of: address) != nil || macOf.count < maxBindings {
            macOf.upsert(address, { mac }) { m, _ in m = mac }
        }
        cachedKey = key; cachedLast = time; cachedPackets = 0
    }

    @usableFromInline mutating func flushCache() {
        guard let k = cachedKey, cachedPackets > 0, let i = bindings.index(of: k) else { return }
        let last = cachedLast, n = cachedPackets
        bindings.withValue(at: i) { s in s.packets &+= n; if last > s.last { s.last = last } }
        cachedPackets = 0
    }

    /// The device an address belongs to: its MAC when bound, else the address.
    public func device(of address: IPAddress) -> DeviceKey {
        if let i = macOf.index(of: address) { return DeviceKey(mac: macOf[index: i], address: nil) }
        return DeviceKey(mac: nil, address: address)
    }

    /// Every binding, with pending counts flushed.
    public mutating func allBindings() -> [(BindingKey, BindingState)] {
        flushCache()
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
