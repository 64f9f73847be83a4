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
        case .vlanStackTooDeep: "more 802.1Q/802.1ad tags than the decoder follows"
        case .mplsLabelStackTooDeep: "no bottom-of-stack MPLS label within the decoder's limit"
        case .mplsUnknownPayload: "the payload after the MPLS bottom of stack is neither IPv4 nor IPv6"
        case .ipv6HopByHopNotFirst: "IPv6 hop-by-hop options header not directly after the IPv6 header (RFC 8200 section 4.1)"
        case .ipv6JumboPayloadInvalid: "invalid IPv6 jumbo payload option (RFC 2675 section 3)"
        case .ipv6PayloadLengthZero: "IPv6 payload length 0 without a jumbo option; the rest of the capture was taken as payload"
        case .ipv4TotalLengthZero: "IPv4 total length 0 (segmentation offload); the rest of the capture was taken as the datagram"
        case .udpBadLength: "UDP length below 8 or beyond the IP payload"
        case .greBadVersion: "GRE version other than 0 or 1 (RFC 2784 section 2.3.1)"
        case .greRoutingTooLong: "GRE source route entries beyond the decoder's limit"
        case .gtpUBadExtensionHeader: "GTP-U extension header of length 0 (3GPP TS 29.281 section 5.2.1)"
        case .icmpv6NDOptionBadLength: "neighbor discovery option of length 0 (RFC 4861 section 4.6)"
        case .pref64BadPrefixLengthCode: "PREF64 prefix length code above 5 (RFC 8781 section 4)"
        case .dnsTooManyRecords: "more DNS records than the decoder reads"
        }
    }
}
