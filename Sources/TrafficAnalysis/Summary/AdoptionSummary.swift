import CaptureCore
import PacketDecoding

/// Packets and wire bytes per IP family: IPv4, IPv6, and "other" (no IP header: ARP, LLDP,
/// undecodable frames).
public struct FamilyCounters: Hashable, Sendable, Codable {
    public var ipv4 = TrafficCounters()
    public var ipv6 = TrafficCounters()
    public var other = TrafficCounters()
    public init() {}

    public mutating func merge(_ o: FamilyCounters) {
        ipv4.merge(o.ipv4); ipv6.merge(o.ipv6); other.merge(o.other)
    }
}

/// Decoded and undecoded packet counts for one link type.
public struct LinkTypeCounts: Hashable, Sendable, Codable {
    /// LINKTYPE_ number (tcpdump.org registry).
    public var linkType: UInt16
    /// Packets whose link layer was understood.
    public var decoded: UInt64
    /// Packets whose link layer (or the IP header it announced) could not be decoded.
    public var undecoded: UInt64
    public init(linkType: UInt16, decoded: UInt64 = 0, undecoded: UInt64 = 0) {
        self.linkType = linkType; self.decoded = decoded; self.undecoded = undecoded
    }
    /// libpcap's name without `LINKTYPE_`, e.g. `ETHERNET`.
    public var name: String { LinkType(rawValue: linkType).name }
}

/// DNS message counts (RFC 1035 section 4.1.1), port 53, not inside ICMP errors. A message
/// whose questions include both types counts under both (as EXPECTED.tsv does).
public struct DNSCounters: Hashable, Sendable, Codable {
    public var queriesA: UInt64 = 0
    public var queriesAAAA: UInt64 = 0
    /// Queries asking neither A nor AAAA (HTTPS, PTR, ...).
    public var queriesOther: UInt64 = 0
    public var responsesA: UInt64 = 0
    public var responsesAAAA: UInt64 = 0
    public var responsesOther: UInt64 = 0
    /// A / AAAA resource records in answer sections of responses.
    public var answersA: UInt64 = 0
    public var answersAAAA: UInt64 = 0
    public init() {}
    public mutating func merge(_ o: DNSCounters) {
        queriesA += o.queriesA; queriesAAAA += o.queriesAAAA; queriesOther += o.queriesOther
        responsesA += o.responsesA; responsesAAAA += o.responsesAAAA; responsesOther += o.responsesOther
        answersA += o.answersA; answersAAAA += o.answersAAAA
    }
}

/// TCP connection openings by the family of the IP header directly carrying the TCP header
/// (an IPv6 TCP inside a 6in4 tunnel counts as IPv6). Retransmissions count.
public struct HandshakeCounters: Hashable, Sendable, Codable {
    /// SYN=1, ACK=0 (RFC 9293 section 3.5).
    public var synV4: UInt64 = 0
    public var synV6: UInt64 = 0
    /// SYN=1, ACK=1.
    public var synAckV4: UInt64 = 0
    public var synAckV6: UInt64 = 0
    public init() {}
    public mutating func merge(_ o: HandshakeCounters) {
        synV4 += o.synV4; synV6 += o.synV6; synAckV4 += o.synAckV4; synAckV6 += o.synAckV6
    }
}

/// Per-frame layer facts, defined as in the corpus's HOW_EXPECTED_WAS_MADE.md so they can be
/// compared with peer tools: "any" counts headers anywhere in the frame (ICMP-quoted included);
/// the tunnel figures exclude ICMP quotes.
public struct LayerCounters: Hashable, Sendable, Codable {
    /// Frames with an IPv4 / IPv6 header anywhere (tunnel inner and ICMP-quoted included).
    public var ipv4Any: UInt64 = 0
    public var ipv6Any: UInt64 = 0
    /// Frames with an IPv6 header after an IPv4 header (not in an ICMP quote): 6in4, 6to4,
    /// ISATAP, Teredo, AYIYA, IPv6 over GRE/GTP-U/VXLAN/Geneve on IPv4.
    public var ipv6InIPv4: UInt64 = 0
    /// Frames with an IPv4 header after an IPv6 header (not in an ICMP quote): DS-Lite, GRE...
    public var ipv4InIPv6: UInt64 = 0
    /// Frames where some IPv4 header (ICMP-quoted included) has protocol 41 (RFC 4213).
    public var proto41: UInt64 = 0
    /// Frames carrying Teredo (RFC 4380) as the decoder options recognise it: UDP port 3544 by
    /// default, and also by strict content off that port with `DecoderOptions.teredoByContent`.
    public var teredo: UInt64 = 0
    /// Frames carrying Teredo whose tunnel UDP header uses port 3544 (the Teredo server port,
    /// RFC 4380 section 5.2.1): what port-based tools such as TShark's default count.
    public var teredoUDP3544: UInt64 = 0
    /// Frames with at least one 802.1Q/802.1ad tag, and with two or more (QinQ).
    public var vlanTagged: UInt64 = 0
    public var qinq: UInt64 = 0
    /// Innermost transport protocol of IP frames: TCP, UDP, ICMPv6, anything else.
    public var l4TCP: UInt64 = 0
    public var l4UDP: UInt64 = 0
    public var l4ICMPv6: UInt64 = 0
    public var l4Other: UInt64 = 0
    /// Frames whose innermost header is IPv6 followed by at least one extension header.
    public var ipv6ExtensionHeaders: UInt64 = 0
    public init() {}
    public mutating func merge(_ o: LayerCounters) {
        ipv4Any += o.ipv4Any; ipv6Any += o.ipv6Any; ipv6InIPv4 += o.ipv6InIPv4; ipv4InIPv6 += o.ipv4InIPv6
        proto41 += o.proto41; teredo += o.teredo; teredoUDP3544 += o.teredoUDP3544; vlanTagged += o.vlanTagged; qinq += o.qinq
        l4TCP += o.l4TCP; l4UDP += o.l4UDP; l4ICMPv6 += o.l4ICMPv6; l4Other += o.l4Other
        ipv6ExtensionHeaders += o.ipv6ExtensionHeaders
    }
}

/// The IPv6 adoption summary of one capture or of many merged: a value that is Codable and
/// mergeable (counters add, sets union, first/last timestamps take min/max, warnings are kept in
/// a canonical order), so `merge` is associative and commutative.
///
/// Family terms: "outermost" is the first network header after the link layer; "innermost" is
/// the last IP header not quoted inside an ICMP error (after tunnel decapsulation). Bytes are
/// wire bytes (original lengths), as capinfos counts them.
public struct AdoptionSummary: Sendable, Codable, Equatable {
    /// Capture files (or interfaces) merged into this summary, sorted.
    public var sources: [String] = []
    /// Packet records read.
    public var packets: UInt64 = 0
    /// Sum of original (wire) lengths, bytes.
    public var bytes: UInt64 = 0
    /// Sum of captured lengths (caplen), bytes.
    public var capturedBytes: UInt64 = 0
    /// Packets and bytes by outermost network-header family.
    public var outermost = FamilyCounters()
    /// Packets and bytes by innermost IP family.
    public var innermost = FamilyCounters()
    /// Packets carried through each tunnel mechanism (a packet counts once per mechanism it
    /// crosses), keyed by `TunnelMechanism.name`.
    public var tunnelledPackets: [String: UInt64] = [:]
    /// Packets with at least one tunnel layer.
    public var tunnelledPacketsTotal: UInt64 = 0
    public var dns = DNSCounters()
    public var tcp = HandshakeCounters()
    public var layers = LayerCounters()
    /// Per link type, decoded and undecoded packets, sorted by link type.
    public var linkTypes: [LinkTypeCounts] = []
    /// Earliest / latest packet time, nanoseconds since the Unix epoch (UTC).
    public var firstTimestamp: Int64? = nil
    public var lastTimestamp: Int64? = nil
    /// Packets cut by snaplen (caplen < original length) or whose decoding ran out of bytes.
    public var truncatedPackets: UInt64 = 0
    /// Packets whose link layer was not understood, or which announced IP without a readable
    /// IP header (version nibble neither 4 nor 6).
    public var undecodablePackets: UInt64 = 0
    /// Packets per decoder anomaly (`Anomaly.name`).
    public var anomalies: [String: UInt64] = [:]
    /// Reader and analysis warnings (file, byte offset, reason), sorted by file then offset.
    public var warnings: [CaptureWarning] = []
    /// Every address seen as source or destination of any IP header, outer, tunnel-inner or
    /// ICMP-quoted (multicast and unspecified included): the corpus's `distinct_*` definition.
    public var addresses = AddressSet()
    /// Addresses seen as source or destination of a packet's innermost IP header.
    public var innermostAddresses = AddressSet()
    /// Unicast addresses (`AddressClass.isHost`) of innermost headers: the hosts.
    public var hostAddresses = AddressSet()
    /// Bidirectional 5-tuples of innermost IP headers (ports 0 for protocols without ports;
    /// non-first fragments add none).
    public var flows = FlowSet()
    /// Connections (records finished by the connection analyzer), per family.
    public var connections = ConnectionSummary()
    /// Entries dropped from the bounded per-address table (their addresses stay counted).
    public var hostTableEvictions: UInt64 = 0
    /// DNS transactions (queries paired with responses), per family, and looked-up names.
    public var dnsTransactions = DNSSummary()

    public init() {}

    // MARK: derived figures

    /// Distinct addresses of `family` in any header (`distinct_ipv4` / `distinct_ipv6`).
    public func distinctAddresses(_ family: IPFamily) -> Int { addresses.count(family) }
    /// Distinct addresses of `family` in innermost headers, multicast included (the bench
    /// generator's `inner.*.hosts`).
    public func innermostAddressCount(_ family: IPFamily) -> Int { innermostAddresses.count(family) }
    /// Hosts: distinct unicast addresses (`AddressClass.isHost`) of innermost headers.
    public func hosts(_ family: IPFamily) -> Int { hostAddresses.count(family) }
    /// Distinct bidirectional 5-tuple flows whose innermost header is `family`.
    public func flowCount(_ family: IPFamily) -> Int { flows.count(family) }

    /// True while every distinct count is exact (no set went past its bound into a sketch).
    public var distinctCountsExact: Bool { addresses.isExact && innermostAddresses.isExact && hostAddresses.isExact && flows.isExact }

    /// Distinct addresses (any header) per primary class, every class present (0 when none).
    public var addressesByClass: [AddressClass: Int] {
        var d = Dictionary(uniqueKeysWithValues: AddressClass.allCases.map { ($0, 0) })
        for a in addresses.members { d[AddressClass(a), default: 0] += 1 }
        return d
    }

    /// Distinct IPv6 addresses (any header) in each transition form; forms may overlap.
    public var transitionAddresses: (sixToFour: Int, teredo: Int, nat64: Int, isatap: Int) {
        var r = (0, 0, 0, 0)
        for a in addresses.members where a.family == .v6 {
            if TransitionAddressForms.isSixToFour(a) { r.0 += 1 }
            if TransitionAddressForms.isTeredo(a) { r.1 += 1 }
            if TransitionAddressForms.isNAT64(a) { r.2 += 1 }
            if TransitionAddressForms.isISATAP(a) { r.3 += 1 }
        }
        return r
    }

    /// Distinct IPv4 addresses embedded in the transition addresses seen (any header): Teredo
    /// servers and de-obfuscated Teredo clients (RFC 4380 section 4), 6to4 sites (RFC 3056), NAT64
    /// well-known-prefix destinations (RFC 6052), ISATAP interfaces (RFC 5214).
    public var embeddedIPv4: (teredoServers: Int, teredoClients: Int, sixToFour: Int, nat64: Int, isatap: Int) {
        var servers = Set<UInt32>(), clients = Set<UInt32>(), sites = Set<UInt32>(), nat = Set<UInt32>(), isatap = Set<UInt32>()
        for a in addresses.members where a.family == .v6 {
            if let t = TransitionAddressForms.teredo(a) { servers.insert(t.server.v4Value); clients.insert(t.clientIPv4.v4Value) }
            if let v = TransitionAddressForms.sixToFourIPv4(a) { sites.insert(v.v4Value) }
            if let v = TransitionAddressForms.nat64IPv4(a) { nat.insert(v.v4Value) }
            if let v = TransitionAddressForms.isatapIPv4(a) { isatap.insert(v.v4Value) }
        }
        return (servers.count, clients.count, sites.count, nat.count, isatap.count)
    }

    /// IPv6 share of innermost-IP packets, 0...1 (nil when there was no IP packet).
    public var ipv6PacketShare: Double? { share(innermost.ipv6.packets, innermost.ipv4.packets) }
    /// IPv6 share of innermost-IP wire bytes.
    public var ipv6ByteShare: Double? { share(innermost.ipv6.bytes, innermost.ipv4.bytes) }
    /// IPv6 share of flows.
    public var ipv6FlowShare: Double? { share(UInt64(flowCount(.v6)), UInt64(flowCount(.v4))) }
    /// IPv6 share of hosts.
    public var ipv6HostShare: Double? { share(UInt64(hosts(.v6)), UInt64(hosts(.v4))) }

    private func share(_ v6: UInt64, _ v4: UInt64) -> Double? { v6 + v4 == 0 ? nil : Double(v6) / Double(v6 + v4) }

    // MARK: merge

    /// Adds `other` into this summary. Associative and commutative.
    public mutating func merge(_ o: AdoptionSummary) {
        sources = Array(Set(sources).union(o.sources)).sorted()
        packets += o.packets; bytes += o.bytes; capturedBytes += o.capturedBytes
        outermost.merge(o.outermost); innermost.merge(o.innermost)
        tunnelledPackets.merge(o.tunnelledPackets, uniquingKeysWith: +)
        tunnelledPacketsTotal += o.tunnelledPacketsTotal
        dns.merge(o.dns); tcp.merge(o.tcp); layers.merge(o.layers)
        var lt = Dictionary(uniqueKeysWithValues: linkTypes.map { ($0.linkType, $0) })
        for c in o.linkTypes {
            lt[c.linkType, default: LinkTypeCounts(linkType: c.linkType)].decoded += c.decoded
            lt[c.linkType, default: LinkTypeCounts(linkType: c.linkType)].undecoded += c.undecoded
        }
        linkTypes = lt.values.sorted { $0.linkType < $1.linkType }
        firstTimestamp = [firstTimestamp, o.firstTimestamp].compactMap { $0 }.min()
        lastTimestamp = [lastTimestamp, o.lastTimestamp].compactMap { $0 }.max()
        truncatedPackets += o.truncatedPackets; undecodablePackets += o.undecodablePackets
        anomalies.merge(o.anomalies, uniquingKeysWith: +)
        warnings = AdoptionSummary.canonicalOrder(warnings + o.warnings)
        addresses.merge(o.addresses)
        innermostAddresses.merge(o.innermostAddresses)
        hostAddresses.merge(o.hostAddresses)
        flows.merge(o.flows)
        connections.merge(o.connections)
        hostTableEvictions += o.hostTableEvictions
        dnsTransactions.merge(o.dnsTransactions)
    }

    /// `a` merged with `b`, leaving both unchanged.
    public static func merged(_ a: AdoptionSummary, _ b: AdoptionSummary) -> AdoptionSummary {
        var r = a; r.merge(b); return r
    }

    static func canonicalOrder(_ w: [CaptureWarning]) -> [CaptureWarning] {
        w.sorted { ($0.file, $0.byteOffset, $0.code, $0.reason) < ($1.file, $1.byteOffset, $1.code, $1.reason) }
    }
}
