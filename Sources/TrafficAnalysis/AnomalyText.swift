import PacketDecoding

extension Anomaly {
    /// One-line human explanation used in warnings.
    public var explanation: String {
        switch self {
        case .ipVersionMismatch: "the link layer announced one IP version, the header's version nibble says the other; decoded by the nibble"
        case .ipBadVersion: "IP was announced but the version nibble is neither 4 nor 6; not counted as IP"
        case .ipv4BadHeaderLength: "IPv4 header length (IHL) below 5 or beyond the total length"
        case .ipv4TotalLengthTooShort: "IPv4 total length shorter than its header"
        case .ipv6ExtensionHeaderTruncated: "an IPv6 extension header runs past the end of the packet"
        case .ipv6ExtensionHeaderTooMany: "too many IPv6 extension headers; decoding stopped"
        case .tunnelDepthExceeded: "tunnels nested deeper than the decoder's limit"
        case .tcpBadDataOffset: "TCP data offset below 5 words or past the segment"
        case .dnsMalformed: "DNS message malformed"
        case .linkHeaderTruncated: "link-layer header cut short"
        case .unknownLinkPayload: "link type or link payload not understood"
        }
    }
}
