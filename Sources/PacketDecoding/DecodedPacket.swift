import CaptureCore

// The contract between decoding and analysis. A `PacketDecoder` fills one reusable
// `DecodedPacket` per packet (arrays keep their capacity, so steady state allocates nothing);
// analyses read it and never see bytes. Fields may be added; existing ones keep their meaning.

/// How an inner network layer was reached (the encapsulation directly outside it).
public enum TunnelMechanism: UInt8, Hashable, Sendable, Codable, CaseIterable {
    /// IPv6 in IPv4, IP protocol 41 (RFC 4213), with neither 6to4 nor ISATAP addressing.
    case sixInFour
    /// IP protocol 41 where an inner address is in 2002::/16 (RFC 3056).
    case sixToFour
    /// IP protocol 41 where an inner address has an ISATAP interface identifier (RFC 5214).
    case isatap
    /// IPv6 in UDP/IPv4 on port 3544 (RFC 4380), after optional authentication/origin indication.
    case teredo
    /// IPv4 in IPv6, next header 4 (RFC 2473; DS-Lite softwire, RFC 6333).
    case ipv4InIPv6
    /// IPv6 in IPv6, next header 41 (RFC 2473).
    case ipv6InIPv6
    /// IPv4 in IPv4, protocol 4 (RFC 2003).
    case ipv4InIPv4
    /// Generic Routing Encapsulation, protocol 47 (RFC 2784/2890; PPTP enhanced GRE, RFC 2637).
    case gre
    /// Anything In Anything, UDP 5072 (draft-massar-v6ops-ayiya).
    case ayiya
    /// GTP-U, UDP 2152 (3GPP TS 29.281).
    case gtpU
    /// VXLAN, UDP 4789 (RFC 7348).
    case vxlan
    /// Geneve, UDP 6081 (RFC 8926).
    case geneve

    /// Stable snake_case name used in JSON and CSV output.
    public var name: String {
        switch self {
        case .sixInFour: "6in4"
        case .sixToFour: "6to4"
        case .isatap: "isatap"
        case .teredo: "teredo"
        case .ipv4InIPv6: "4in6"
        case .ipv6InIPv6: "6in6"
        case .ipv4InIPv4: "4in4"
        case .gre: "gre"
        case .ayiya: "ayiya"
        case .gtpU: "gtp_u"
        case .vxlan: "vxlan"
        case .geneve: "geneve"
        }
    }
}

/// One IPv4 or IPv6 header found in the packet, outermost first.
public struct IPLayer: Sendable, Equatable {
    public var family: IPFamily
    /// Source address; nil when snaplen cut it.
    public var source: IPAddress?
    /// Destination address; nil when snaplen cut it.
    public var destination: IPAddress?
    /// Upper-layer protocol: IPv4 protocol field, or the IPv6 next header after the
    /// extension-header chain (59 = no next header, 50 = ESP ends decoding).
    public var upperProtocol: UInt8
    /// Bytes this header says the datagram has (IPv4 total length; IPv6 40 + payload length,
    /// or the jumbo payload length from hop-by-hop, RFC 2675).
    public var datagramLength: Int
    /// A fragment header / MF or offset present (RFC 791, RFC 8200 section 4.5).
    public var isFragment: Bool
    /// True when this fragment carries offset 0 (so the upper-layer header is in it).
    public var isFirstFragment: Bool
    /// Number of IPv6 extension headers walked (0 for IPv4).
    public var extensionHeaderCount: Int
    /// The header is the one quoted inside an ICMP/ICMPv6 error, not a live datagram.
    public var isICMPQuote: Bool
    /// How this layer was reached; nil for the outermost network layer.
    public var tunnel: TunnelMechanism?
    /// Byte offset of this IP header from the start of the captured packet bytes.
    public var headerOffset: Int = 0
    /// Fragment identification (IPv4 16-bit Identification, RFC 791; IPv6 32-bit fragment
    /// header Identification, RFC 8200 section 4.5); 0 when `isFragment` is false.
    public var fragmentIdentification: UInt32 = 0
    /// Fragment offset in bytes (the header's 8-octet units times 8).
    public var fragmentOffset: Int = 0
    /// More Fragments flag (M / MF).
    public var moreFragments: Bool = false
    /// For a fragment: offset (from the start of the captured packet) of the fragment's data,
    /// i.e. just after the IPv4 header or after the IPv6 fragment header, and the protocol of the
    /// reassembled payload (IPv4 protocol field; IPv6 fragment header's next header). Only the
    /// bytes after `fragmentDataOffset` up to `datagramLength - (fragmentDataOffset - headerOffset)`
    /// belong to the fragmentable part; for IPv6 the bytes between `headerOffset + 40` and the
    /// fragment header are the unfragmentable part (RFC 8200 section 4.5).
    public var fragmentDataOffset: Int = 0
    public var fragmentNextHeader: UInt8 = 0

    public init(family: IPFamily, source: IPAddress?, destination: IPAddress?, upperProtocol: UInt8,
                datagramLength: Int, isFragment: Bool = false, isFirstFragment: Bool = true,
                extensionHeaderCount: Int = 0, isICMPQuote: Bool = false, tunnel: TunnelMechanism? = nil) {
        self.family = family; self.source = source; self.destination = destination
        self.upperProtocol = upperProtocol; self.datagramLength = datagramLength
        self.isFragment = isFragment; self.isFirstFragment = isFirstFragment
        self.extensionHeaderCount = extensionHeaderCount; self.isICMPQuote = isICMPQuote; self.tunnel = tunnel
    }
}

/// The first TCP or UDP header not inside an ICMP quote.
public struct TransportLayer: Sendable, Equatable {
    /// 6 (TCP) or 17 (UDP); other protocols are not recorded here.
    public var protocolNumber: UInt8
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, ...); 0 for UDP.
    public var tcpFlags: UInt8
    /// Index into `DecodedPacket.ipLayers` of the IP header directly carrying this header.
    public var ipLayerIndex: Int

    /// TCP sequence and acknowledgment numbers and receive window (RFC 9293 section 3.1); 0 for UDP.
    public var sequenceNumber: UInt32 = 0
    public var acknowledgmentNumber: UInt32 = 0
    public var window: UInt16 = 0
    /// Offset of the transport payload from the start of the captured packet bytes, the payload
    /// bytes captured in this packet (never past the IP datagram's end) and the payload length the
    /// headers announce (TCP: IP datagram length minus headers; UDP: UDP length - 8). Captured can
    /// be less than announced (snaplen, first fragment). -1 / 0 when the header was cut.
    public var payloadOffset: Int = -1
    public var payloadCapturedLength: Int = 0
    public var payloadLength: Int = 0

    public init(protocolNumber: UInt8, sourcePort: UInt16, destinationPort: UInt16, tcpFlags: UInt8, ipLayerIndex: Int) {
        self.protocolNumber = protocolNumber; self.sourcePort = sourcePort
        self.destinationPort = destinationPort; self.tcpFlags = tcpFlags; self.ipLayerIndex = ipLayerIndex
    }

    @inlinable public var isRST: Bool { protocolNumber == 6 && tcpFlags & 0x04 != 0 }
    @inlinable public var isFIN: Bool { protocolNumber == 6 && tcpFlags & 0x01 != 0 }
    @inlinable public var isACK: Bool { protocolNumber == 6 && tcpFlags & 0x10 != 0 }

    @inlinable public var isSYN: Bool { protocolNumber == 6 && tcpFlags & 0x12 == 0x02 }
    @inlinable public var isSYNACK: Bool { protocolNumber == 6 && tcpFlags & 0x12 == 0x12 }
}

/// What the analyses need from a DNS message on port 53 (RFC 1035 section 4.1).
public struct DNSMessageInfo: Sendable, Equatable {
    /// QR bit: false for a query, true for a response.
    public var isResponse: Bool
    /// Some question has QTYPE 1 (A).
    public var asksA: Bool
    /// Some question has QTYPE 28 (AAAA, RFC 3596).
    public var asksAAAA: Bool
    /// Number of answer records of type A / AAAA (responses).
    public var answersA: Int
    public var answersAAAA: Int
    /// DNS transaction ID, to pair queries with responses.
    public var transactionID: UInt16

    public init(isResponse: Bool = false, asksA: Bool = false, asksAAAA: Bool = false,
                answersA: Int = 0, answersAAAA: Int = 0, transactionID: UInt16 = 0) {
        self.isResponse = isResponse; self.asksA = asksA; self.asksAAAA = asksAAAA
        self.answersA = answersA; self.answersAAAA = answersAAAA; self.transactionID = transactionID
    }
}

/// A malformed-field finding, with a stable snake_case name (Zeek "weird" style).
public enum Anomaly: UInt8, Hashable, Sendable, Codable, CaseIterable {
    case ipVersionMismatch          // link layer announced one version, nibble says another
    case ipBadVersion               // nibble neither 4 nor 6 where IP was announced
    case ipv4BadHeaderLength        // IHL < 5 or beyond the total length
    case ipv4TotalLengthTooShort
    case ipv6ExtensionHeaderTruncated
    case ipv6ExtensionHeaderTooMany
    case tunnelDepthExceeded
    case tcpBadDataOffset
    case dnsMalformed
    case linkHeaderTruncated
    case unknownLinkPayload
    // Added by the decoder (append only: raw values index the `anomalies` bit set).
    case vlanStackTooDeep           // more 802.1Q/802.1ad tags than DecoderOptions.maxVLANTags
    case mplsLabelStackTooDeep      // no bottom-of-stack label within DecoderOptions.maxMPLSLabels
    case mplsUnknownPayload         // nibble after bottom of stack neither 4 nor 6
    case ipv6HopByHopNotFirst       // RFC 8200 section 4.1: hop-by-hop only right after the IPv6 header
    case ipv6JumboPayloadInvalid    // RFC 2675 section 3: jumbo option with payload length != 0, or < 65536
    case ipv6PayloadLengthZero      // payload length 0 without a jumbo option (taken as TSO: rest of capture)
    case ipv4TotalLengthZero        // total length 0 (TSO offload, Wireshark's rule: rest of capture)
    case udpBadLength               // UDP length < 8 or beyond the IP payload
    case greBadVersion              // GRE version other than 0 and 1 (RFC 2784 section 2.3.1)
    case greRoutingTooLong          // RFC 1701 source route entries beyond the limit
    case gtpUBadExtensionHeader     // extension header length 0 (TS 29.281 section 5.2.1)
    case icmpv6NDOptionBadLength    // ND option length 0 (RFC 4861 section 4.6)
    case pref64BadPrefixLengthCode  // RFC 8781 section 4: PLC above 5
    case dnsTooManyRecords          // more questions/answers than DecoderOptions.maxDNSRecords
    case frameShorterThanHeaders    // caplen == len, yet the bytes end inside a header or IP datagram
    case linkNestingTooDeep         // link headers nested beyond DecoderOptions.maxLinkNesting

    public var name: String {
        switch self {
        case .ipVersionMismatch: "ip_version_mismatch"
        case .ipBadVersion: "ip_bad_version"
        case .ipv4BadHeaderLength: "ipv4_bad_header_length"
        case .ipv4TotalLengthTooShort: "ipv4_total_length_too_short"
        case .ipv6ExtensionHeaderTruncated: "ipv6_extension_header_truncated"
        case .ipv6ExtensionHeaderTooMany: "ipv6_extension_header_too_many"
        case .tunnelDepthExceeded: "tunnel_depth_exceeded"
        case .tcpBadDataOffset: "tcp_bad_data_offset"
        case .dnsMalformed: "dns_malformed"
        case .linkHeaderTruncated: "link_header_truncated"
        case .unknownLinkPayload: "unknown_link_payload"
        case .vlanStackTooDeep: "vlan_stack_too_deep"
        case .mplsLabelStackTooDeep: "mpls_label_stack_too_deep"
        case .mplsUnknownPayload: "mpls_unknown_payload"
        case .ipv6HopByHopNotFirst: "ipv6_hop_by_hop_not_first"
        case .ipv6JumboPayloadInvalid: "ipv6_jumbo_payload_invalid"
        case .ipv6PayloadLengthZero: "ipv6_payload_length_zero"
        case .ipv4TotalLengthZero: "ipv4_total_length_zero"
        case .udpBadLength: "udp_bad_length"
        case .greBadVersion: "gre_bad_version"
        case .greRoutingTooLong: "gre_routing_too_long"
        case .gtpUBadExtensionHeader: "gtp_u_bad_extension_header"
        case .icmpv6NDOptionBadLength: "icmpv6_nd_option_bad_length"
        case .pref64BadPrefixLengthCode: "pref64_bad_prefix_length_code"
        case .dnsTooManyRecords: "dns_too_many_records"
        case .frameShorterThanHeaders: "frame_shorter_than_headers"
        case .linkNestingTooDeep: "link_nesting_too_deep"
        }
    }
}

/// Everything the analyses learn from one packet. Reused across packets by `PacketDecoder`.
public struct DecodedPacket: Sendable {
    /// The link layer was understood and led to a network layer (or to a known non-IP payload
    /// such as ARP). False for unknown link types or undecodable link headers.
    public var linkDecoded: Bool = false
    /// EtherType (or equivalent) of the link payload; 0 if none.
    public var etherType: UInt16 = 0
    /// VLAN tags (802.1Q / 802.1ad) crossed, MPLS labels crossed, PPPoE session seen.
    public var vlanTags: Int = 0
    public var mplsLabels: Int = 0
    public var pppoe: Bool = false
    /// Every IP header found, outermost first, including ICMP-quoted ones (flagged).
    public var ipLayers: [IPLayer] = []
    /// The innermost TCP/UDP header outside any ICMP quote: where a UDP tunnel (Teredo, GTP-U,
    /// VXLAN, ...) carries another TCP/UDP header, the inner one. TCP never carries a tunnel here,
    /// so a TCP header in `transport` is also the first TCP header of the frame (the SYN rule of
    /// HOW_EXPECTED_WAS_MADE.md). Its `ipLayerIndex` gives the family of the carrying header.
    public var transport: TransportLayer? = nil
    /// The outermost TCP/UDP header outside any ICMP quote (for a UDP tunnel: the tunnel's own
    /// UDP header); equal to `transport` when nothing is tunnelled over UDP.
    public var outerTransport: TransportLayer? = nil
    /// DNS message on port 53 (not in an ICMP quote), decoded from the first fragment.
    public var dns: DNSMessageInfo? = nil
    /// ICMP (family v4) or ICMPv6 (family v6) type/code of the first ICMP header, if any.
    public var icmpType: UInt8? = nil
    public var icmpCode: UInt8? = nil
    public var icmpFamily: IPFamily? = nil
    /// NAT64 prefix from an RA PREF64 option (RFC 8781): high 64 bits and prefix length in bits.
    public var pref64Prefix: (high: UInt64, low: UInt64, length: Int)? = nil
    /// Lifetime of that PREF64 option in seconds (scaled lifetime * 8; 0 withdraws the prefix).
    public var pref64LifetimeSeconds: Int? = nil
    /// Packet Too Big MTU (ICMPv6 type 2, RFC 8201), if present.
    public var packetTooBigMTU: UInt32? = nil
    /// The UDP header that carried a Teredo layer used port 3544 (RFC 4380 section 5.2.1) on
    /// either side — the port-only figure peer tools count, whatever UDP tunnel carried it.
    public var teredoOnPort3544: Bool = false
    /// Decoding stopped because the captured bytes ended (snaplen or a cut record).
    public var truncated: Bool = false
    /// Anomalies found in this packet (bit set, indexed by `Anomaly.rawValue`).
    public var anomalies: UInt64 = 0
    /// Address of the first captured byte, as an integer, so layer offsets can be computed from
    /// the slices the decoder walks (set by `PacketDecoder.decode`; never dereferenced).
    @usableFromInline var baseAddress: Int = 0

    public init() { ipLayers.reserveCapacity(8) }

    /// Clears every field, keeping array capacity (no allocation in steady state).
    @inlinable public mutating func reset() {
        linkDecoded = false; etherType = 0; vlanTags = 0; mplsLabels = 0; pppoe = false
        // removeLast per layer: removeAll(keepingCapacity:) goes through the generic
        // replaceSubrange, which cost more per packet than decoding an IPv4 header.
        while !ipLayers.isEmpty { ipLayers.removeLast() }
        transport = nil; outerTransport = nil; dns = nil; icmpType = nil; icmpCode = nil; icmpFamily = nil
        pref64Prefix = nil; pref64LifetimeSeconds = nil; packetTooBigMTU = nil; truncated = false; anomalies = 0
        teredoOnPort3544 = false
    }

    /// Offset of `slice` from the start of the packet being decoded (0 for an empty slice).
    @inlinable func offset(of slice: UnsafeRawBufferPointer) -> Int {
        guard let b = slice.baseAddress else { return 0 }
        return Int(bitPattern: b) &- baseAddress
    }

    // Always inlined: a call on the ~270-byte packet made its per-packet callers copy it first.
    @inlinable @inline(__always) public mutating func note(_ anomaly: Anomaly) { anomalies |= 1 << UInt64(anomaly.rawValue) }
    @inlinable @inline(__always) public func has(_ anomaly: Anomaly) -> Bool { anomalies & (1 << UInt64(anomaly.rawValue)) != 0 }

    /// Outermost IP header outside any ICMP quote (always index 0 when present).
    @inlinable public var outermost: IPLayer? { ipLayers.first }
    /// Innermost IP header that is not an ICMP quote.
    @inlinable public var innermost: IPLayer? { ipLayers.last(where: { !$0.isICMPQuote }) }
}
