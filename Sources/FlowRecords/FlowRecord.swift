import PacketDecoding

/// One flow record decoded from an IPFIX (RFC 7011) or NetFlow v9 (RFC 3954) data record:
/// the fields NetCensus uses, by Information Element (IANA "IPFIX Information Elements"
/// registry; NetFlow v9 field types 1–80 share the numbers).
public struct FlowRecord: Sendable, Equatable {
    /// IE 8 / 12 (IPv4) or 27 / 28 (IPv6); nil when the template has neither.
    public var source: IPAddress?
    public var destination: IPAddress?
    /// IE 4 protocolIdentifier.
    public var protocolNumber: UInt8?
    /// IE 7 / 11.
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    /// IE 1 octetDeltaCount (or 85 octetTotalCount), after the sampling rate was applied.
    public var bytes: UInt64 = 0
    /// IE 2 packetDeltaCount (or 86 packetTotalCount), after the sampling rate was applied.
    public var packets: UInt64 = 0
    /// IE 10 ingressInterface, IE 14 egressInterface.
    public var ingressInterface: UInt32?
    public var egressInterface: UInt32?
    /// The exporter's observation domain (IPFIX) or source ID (NetFlow v9).
    public var domain: UInt32 = 0
    /// The sampling rate applied to bytes and packets (1 when unsampled or unknown).
    public var samplingRate: UInt64 = 1

    public init() {}

    /// IPv4 or IPv6 by the addresses (IE 60 ipVersion is not trusted over them); nil when the
    /// record carries no address.
    public var family: IPFamily? { source?.family ?? destination?.family }
}

/// Information Element numbers NetCensus reads (IANA IPFIX registry).
public enum InformationElement {
    public static let octetDeltaCount: UInt16 = 1
    public static let packetDeltaCount: UInt16 = 2
    public static let protocolIdentifier: UInt16 = 4
    public static let sourceTransportPort: UInt16 = 7
    public static let sourceIPv4Address: UInt16 = 8
    public static let ingressInterface: UInt16 = 10
    public static let destinationTransportPort: UInt16 = 11
    public static let destinationIPv4Address: UInt16 = 12
    public static let egressInterface: UInt16 = 14
    public static let sourceIPv6Address: UInt16 = 27
    public static let destinationIPv6Address: UInt16 = 28
    /// samplingInterval (NetFlow v9 SAMPLING_INTERVAL; deprecated in IPFIX, still exported).
    public static let samplingInterval: UInt16 = 34
    /// samplerRandomInterval (NetFlow v9 FLOW_SAMPLER_RANDOM_INTERVAL).
    public static let samplerRandomInterval: UInt16 = 50
    public static let octetTotalCount: UInt16 = 85
    public static let packetTotalCount: UInt16 = 86
    /// samplingPacketInterval and samplingPacketSpace (RFC 5477): 1 in (interval + space)
    /// packets is sampled for systematic count-based sampling.
    public static let samplingPacketInterval: UInt16 = 305
    public static let samplingPacketSpace: UInt16 = 306
}
