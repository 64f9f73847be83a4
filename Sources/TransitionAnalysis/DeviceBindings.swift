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
/// sent a Router Advertisement (RFC 4861: routers, not devices). Per packet: one compare in a
/// direct-mapped cache of recent pairs; on a miss, bounded `OpenTable` lookups.
public struct DeviceBindings: Sendable {
    public var bindings: OpenTable<BindingKey, BindingState>
    /// The MAC an address was first seen behind.
    public var macOf: OpenTable<IPAddress, UInt64>
    public var routerAdvertisers = Set<UInt64>()
    /// Bindings not kept because the table was at its cap.
    public var droppedBindings: UInt64 = 0
    public let maxBindings: Int
    /// A recent pair, its latest time and the packets not yet written to the table.
    public struct CachedBinding: Sendable {
        public var key: BindingKey?
        public var last: Int64
        public var packets: UInt64
        @inlinable public init(key: BindingKey?, last: Int64, packets: UInt64) { self.key = key; self.last = last; self.packets = packets }
    }
    public static let cacheSlots = 4096
    @usableFromInline var cache = [CachedBinding](repeating: CachedBinding(key: nil, last: 0, packets: 0), count: DeviceBindings.cacheSlots)
    @usableFromInline let cacheSeed = TableHash.randomSeed()

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

    /// Records that `address` was seen behind `mac` at `time`. A direct-mapped cache of recent
    /// pairs (`cacheSlots` entries, indexed by a keyed hash) absorbs the repeats, so most frames
    /// cost one compare; a pair leaving the cache writes its latest time and count to the table.
    @inlinable
    public mutating func bind(mac: UInt64, address: IPAddress, time: Int64) {
        let key = BindingKey(mac: mac, address: address)
        let slot = Int(truncatingIfNeeded: key.tableHash(seed: cacheSeed) >> 52) & (Self.cacheSlots - 1)
        if cache[slot].key == key {
            cache[slot].packets &+= 1
            if time > cache[slot].last { cache[slot].last = time }
            return
        }
        flush(slot: slot)
        if bindings.index(of: key) == nil {
            guard bindings.count < maxBindings else { droppedBindings &+= 1; return }
            bindings.upsert(key, { BindingState(first: time, last: time, packets: 0) }) { _, _ in }
            // An address belongs to the MAC it was first seen behind.
            if macOf.index(of: address) == nil && macOf.count < maxBindings { macOf.upsert(address, { mac }) { _, _ in } }
        }
        cache[slot] = CachedBinding(key: key, last: time, packets: 1)
    }

    @usableFromInline mutating func flush(slot: Int) {
        guard let k = cache[slot].key, cache[slot].packets > 0, let i = bindings.index(of: k) else { return }
        let last = cache[slot].last, n = cache[slot].packets
        bindings.withValue(at: i) { s in s.packets &+= n; if last > s.last { s.last = last } }
        cache[slot].packets = 0
    }

    /// The device an address belongs to: its MAC when bound, else the address.
    public func device(of address: IPAddress) -> DeviceKey {
        if let i = macOf.index(of: address) { return DeviceKey(mac: macOf[index: i], address: nil) }
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
