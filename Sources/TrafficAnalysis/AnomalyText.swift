import PacketDecoding

extension Anomaly {
    /// One-line human explanation used in warnings; anomalies added to the decoder later fall
    /// back to their snake_case name in words.
    public var explanation: String {
        AnomalyText.explanations[self] ?? name.split(separator: "_").joined(separator: " ")
    }
}

enum AnomalyText {
    static let explanations: [Anomaly: String] = [
        .ipVersionMismatch: "the link layer announced one IP version, the header's version nibble says the other; decoded by the nibble",
        .ipBadVersion: "IP was announced but the version nibble is neither 4 nor 6; not counted as IP",
        .ipv4BadHeaderLength: "IPv4 header length (IHL) below 5 or beyond the total length",
        .ipv4TotalLengthTooShort: "IPv4 total length shorter than its header",
        .ipv6ExtensionHeaderTruncated: "an IPv6 extension header runs past the end of the packet",
        .ipv6ExtensionHeaderTooMany: "too many IPv6 extension headers; decoding stopped",
        .tunnelDepthExceeded: "tunnels nested deeper than the decoder's limit",
        .tcpBadDataOffset: "TCP data offset below 5 words or past the segment",
        .dnsMalformed: "DNS message malformed",
        .linkHeaderTruncated: "link-layer header cut short",
        .unknownLinkPayload: "link type or link payload not understood",
        .vlanStackTooDeep: "more 802.1Q/802.1ad tags than the decoder follows",
        .mplsLabelStackTooDeep: "no bottom-of-stack MPLS label within the decoder's limit",
        .mplsUnknownPayload: "the payload after the MPLS bottom of stack is neither IPv4 nor IPv6",
        .ipv6HopByHopNotFirst: "IPv6 hop-by-hop options header not directly after the IPv6 header (RFC 8200 section 4.1)",
        .ipv6JumboPayloadInvalid: "invalid IPv6 jumbo payload option (RFC 2675 section 3)",
        .ipv6PayloadLengthZero: "IPv6 payload length 0 without a jumbo option; the rest of the capture was taken as payload",
        .ipv4TotalLengthZero: "IPv4 total length 0 (segmentation offload); the rest of the capture was taken as the datagram",
        .udpBadLength: "UDP length below 8 or beyond the IP payload",
        .greBadVersion: "GRE version other than 0 or 1 (RFC 2784 section 2.3.1)",
        .greRoutingTooLong: "GRE source route entries beyond the decoder's limit",
        .gtpUBadExtensionHeader: "GTP-U extension header of length 0 (3GPP TS 29.281 section 5.2.1)",
        .icmpv6NDOptionBadLength: "neighbor discovery option of length 0 (RFC 4861 section 4.6)",
        .pref64BadPrefixLengthCode: "PREF64 prefix length code above 5 (RFC 8781 section 4)",
        .dnsTooManyRecords: "more DNS records than the decoder reads",
        .linkNestingTooDeep: "link headers nested deeper than the decoder follows (SNAP in SNAP, Ethernet in Ethernet)",
    ]
}
