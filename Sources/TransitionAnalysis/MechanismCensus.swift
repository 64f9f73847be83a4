import CaptureCore
import PacketDecoding
import TrafficAnalysis

/// Packets, bytes and connections per transition mechanism, plus CGN and DS-Lite hints
/// (docs/transition.md "Mechanisms"). Per packet: one switch over the decoded layers, no lookup
/// beyond the NAT64 prefix list (two entries unless more were configured or learnt).
public struct MechanismCensus: Sendable {
    public struct Counts: Sendable, Equatable {
        public var packets: UInt64 = 0
        public var bytes: UInt64 = 0
        public var connections: UInt64 = 0
        public init() {}
    }
    /// Indexed by `TransitionMechanism.rawValue`.
    public var counts = [Counts](repeating: Counts(), count: TransitionMechanism.allCases.count)
    /// IP packets with an IPv4 address in 100.64.0.0/10 (RFC 6598 shared space: a CGN sits
    /// upstream) in the innermost header.
    public var cgnPackets: UInt64 = 0
    /// Innermost IPv4 addresses in 100.64.0.0/10 seen as connection originators (distinct, capped).
    public var cgnOriginators = Set<UInt32>()
    /// DS-Lite packets whose inner IPv4 source or destination is in 192.0.0.0/29 (the B4/AFTR
    /// addresses of RFC 6333 section 5.7).
    public var dsLiteB4AddressedPackets: UInt64 = 0
    /// Packets with no IP header (ARP, LLDP, undecodable...): outside the census.
    public var nonIPPackets: UInt64 = 0

    public init() {}

    /// (`packet`, `classifier` and `nat64` are `inout` only to be passed by address:
    /// `TransitionAnalyzer.add` copied the classifier and the prefix book for every packet when
    /// they went by value; none is changed.)
    @inlinable
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket, classifier: inout MechanismClassifier,
                             nat64: inout NAT64PrefixBook) {
        let layers = packet.ipLayers
        guard !layers.isEmpty else { nonIPPackets &+= 1; return }
        var innerIndex = layers.count - 1
        while innerIndex > 0 && layers[innerIndex].isICMPQuote { innerIndex -= 1 }
        var tunnel: TunnelMechanism? = nil
        if innerIndex > 0 {
            for i in 1...innerIndex where !layers[i].isICMPQuote {
                if let t = layers[i].tunnel, let m = MechanismClassifier.transitionTunnel(CollectionOfOne(t)) { tunnel = m; break }
            }
        }
        let inner = layers[innerIndex]
        // The packet's own time, as for records (`NAT64Prefix.applies(at:)`): a packet stamped
        // before a prefix was learnt is not NAT64, even when read after (timestamps going back).
        let m = classifier.classify(tunnel: tunnel, family: inner.family, source: inner.source, destination: inner.destination,
                                    nat64: nat64, at: record.timestamp)
        let i = Int(m.rawValue)
        counts[i].packets &+= 1
        counts[i].bytes &+= UInt64(record.originalLength)
        if inner.family == .v4 {
            if Self.isCGN(inner.source) || Self.isCGN(inner.destination) { cgnPackets &+= 1 }
            if m == .dsLite && (Self.isB4(inner.source) || Self.isB4(inner.destination)) { dsLiteB4AddressedPackets &+= 1 }
        }
    }

    /// Classifies a finished connection (NAT64 prefixes that applied at its first packet) and counts it.
    public mutating func add(connection c: ConnectionRecord, classifier: MechanismClassifier, nat64: NAT64PrefixBook) -> TransitionMechanism {
        let m = Self.mechanism(of: c, classifier: classifier, nat64: nat64)
        counts[Int(m.rawValue)].connections &+= 1
        if c.family == .v4, Self.isCGN(c.originator), cgnOriginators.count < 1 << 16 { cgnOriginators.insert(c.originator.v4Value) }
        return m
    }

    public static func mechanism(of c: ConnectionRecord, classifier: MechanismClassifier, nat64: NAT64PrefixBook) -> TransitionMechanism {
        classifier.classify(tunnel: MechanismClassifier.transitionTunnel(c.tunnels), family: c.family,
                            source: c.originator, destination: c.responder, nat64: nat64, at: c.firstTimestamp)
    }

    @inlinable static func isCGN(_ a: IPAddress?) -> Bool {
        guard let a, a.family == .v4 else { return false }
        return a.v4Value & 0xffc0_0000 == 0x6440_0000
    }

    @inlinable static func isB4(_ a: IPAddress?) -> Bool {
        guard let a, a.family == .v4 else { return false }
        return a.v4Value & 0xffff_fff8 == 0xc000_0000
    }
}
