import CaptureCore
import PacketDecoding

/// Addresses: every address of any IP header (outer, tunnel-inner, ICMP-quoted: the corpus's
/// `distinct_*`), the addresses of innermost headers, and the hosts (unicast innermost
/// addresses, `AddressClass.isHost`), plus packets and wire bytes per innermost address.
///
/// The per-address table is bounded (`AnalysisOptions.maxHosts`; least recently seen of a
/// sample of 8 dropped, counted in `evictions`); the distinct sets are fed when an address
/// first enters the table with a role, so an address dropped and seen again is still counted
/// once (the sets deduplicate).
public struct HostAnalyzer: PacketAnalyzer {
    public struct Entry: Sendable {
        /// Seen in any header (1) / in an innermost header (2).
        public var roles: UInt8
        public var traffic: TrafficCounters
        public var lastSeen: Int64
        @inlinable init(roles: UInt8, traffic: TrafficCounters, lastSeen: Int64) {
            self.roles = roles; self.traffic = traffic; self.lastSeen = lastSeen
        }
    }

    @usableFromInline var table: OpenTable<IPAddress, Entry>
    @usableFromInline var addresses: AddressSet
    @usableFromInline var innermost: AddressSet
    @usableFromInline var hosts: AddressSet
    @usableFromInline let maxEntries: Int
    @usableFromInline var evictCursor = 0
    /// Entries dropped from the per-address table to stay under the cap.
    public private(set) var evictions: UInt64 = 0

    public init(options: AnalysisOptions = AnalysisOptions()) {
        maxEntries = options.maxHosts
        table = OpenTable(capacity: 1 << 12, maxEntries: options.maxHosts)
        addresses = AddressSet(exactLimit: options.distinctExactLimit)
        innermost = AddressSet(exactLimit: options.distinctExactLimit)
        hosts = AddressSet(exactLimit: options.distinctExactLimit)
    }

    @inlinable @inline(__always)
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        add(record, &packet, prehashed: (nil, nil))
    }

    /// `add` with the outermost header's addresses hashed by `prefetch`.
    @inlinable @inline(__always)
    /// `packet` is `inout` only to be passed by address (see `PacketAnalyzer.add`); not changed.
    mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket, prehashed: (source: PreHash?, destination: PreHash?)) {
        let layers = packet.ipLayers
        guard !layers.isEmpty else { return }
        // The innermost non-quoted layer's addresses also get the packet's wire bytes.
        var innerIndex = layers.count - 1
        while innerIndex > 0 && layers[innerIndex].isICMPQuote { innerIndex -= 1 }
        let wire = UInt64(record.originalLength)
        let t = record.timestamp
        for i in 0..<layers.count {
            let inner = i == innerIndex
            if let a = layers[i].source { touch(a, inner: inner, wire: wire, time: t, prehashed: i == 0 ? prehashed.source : nil) }
            if let a = layers[i].destination {
                touch(a, inner: inner, wire: wire, time: t, prehashed: i == 0 ? prehashed.destination : nil)
            }
        }
    }

    @usableFromInline typealias PreHash = OpenTable<IPAddress, Entry>.PreHash

    /// Hashes the outermost header's addresses (most packets have one IP header) and hints the
    /// CPU to fetch their table slots, before `add(_:_:prehashed:)` looks them up.
    @inlinable @inline(__always)
    func prefetch(_ packet: DecodedPacket) -> (source: PreHash?, destination: PreHash?) {
        guard let l = packet.ipLayers.first else { return (nil, nil) }
        var r: (source: PreHash?, destination: PreHash?) = (nil, nil)
        if let a = l.source { let h = table.prehash(a); table.prefetch(h); r.source = h }
        if let a = l.destination { let h = table.prehash(a); table.prefetch(h); r.destination = h }
        return r
    }

    @inlinable @inline(__always)
    mutating func touch(_ a: IPAddress, inner: Bool, wire: UInt64, time: Int64, prehashed: PreHash?) {
        if table.count >= maxEntries, table.index(of: a) == nil { evictOne() }
        let want: UInt8 = inner ? 3 : 1
        // One lookup and one in-place update per address.
        let fresh = table.upsert(a, prehashed: prehashed, { Entry(roles: 0, traffic: TrafficCounters(), lastSeen: time) }) { e, _ in
            let fresh = want & ~e.roles
            e.roles |= want
            if inner {
                e.traffic.packets &+= 1
                e.traffic.bytes &+= wire
            }
            e.lastSeen = time
            return fresh
        }
        if fresh != 0 { learn(a, fresh: fresh) }
    }

    /// Cold path: an address seen for the first time (in this role).
    @usableFromInline mutating func learn(_ a: IPAddress, fresh: UInt8) {
        if fresh & 1 != 0 { addresses.insert(a) }
        if fresh & 2 != 0 {
            innermost.insert(a)
            if AddressClass(a).isHost { hosts.insert(a) }
        }
    }

    @usableFromInline mutating func evictOne() {
        guard let (slot, next) = table.leastRecent(from: evictCursor, by: { $0.lastSeen }) else { return }
        evictCursor = next
        table.remove(at: slot)
        evictions += 1
    }

    /// Packets and wire bytes of an innermost address still in the table (both directions).
    public func traffic(of address: IPAddress) -> TrafficCounters? {
        guard let i = table.index(of: address), table[index: i].roles & 2 != 0 else { return nil }
        return table[index: i].traffic
    }

    public mutating func finish(into s: inout AdoptionSummary) {
        s.addresses.merge(addresses)
        s.innermostAddresses.merge(innermost)
        s.hostAddresses.merge(hosts)
        s.hostTableEvictions += evictions
    }
}
