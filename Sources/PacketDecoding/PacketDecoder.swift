import CaptureCore

/// Decodes one packet's bytes into a reusable `DecodedPacket` (gopacket DecodingLayerParser style:
/// one decoder per worker, no allocation per packet once warmed up).
///
/// Layout of the work: `Link/` turns a link type into an EtherType or IP payload, `Network/`
/// decodes IPv4/IPv6 (with the extension-header chain) and ICMP/ICMPv6, `Transport/` TCP and UDP,
/// `Tunnels/` every encapsulation that leads back to `Network/` or `Link/`, `Application/` DNS.
/// Every step dispatches by `switch` over `LinkType`, `EtherType` or `IPProtocol`; nothing is
/// looked up in dictionaries and nothing is allocated. Every read is bounds-checked against the
/// captured bytes; IP payloads are cut to the IP length so Ethernet padding is never decoded.
public struct PacketDecoder: Sendable {
    public var options: DecoderOptions

    public init(options: DecoderOptions = DecoderOptions()) { self.options = options }

    /// Decodes `bytes` captured on `linkType` into `packet` (which is reset first).
    /// - Parameters:
    ///   - bytes: the captured bytes (caplen); decoding never reads past them.
    ///   - linkType: the interface's link type.
    ///   - originalLength: bytes on the wire, to tell snaplen truncation from malformation.
    ///
    /// Never throws or traps on bad input: a header cut by the end of the captured bytes sets
    /// `packet.truncated` (the layers read so far stay), a malformed field sets an `Anomaly`.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, originalLength: Int,
                                into packet: inout DecodedPacket) {
        packet.reset()
        packet.baseAddress = bytes.baseAddress.map { Int(bitPattern: $0) } ?? 0
        let context = DecodeContext(snapCut: originalLength > bytes.count)
        decodeLink(bytes, linkType: linkType, context, &packet)
    }
}

/// Ports and limits of the decoder. Defaults are the IANA/RFC assignments; the limits bound the
/// work per packet (a crafted packet cannot make decoding loop or recurse without end).
public struct DecoderOptions: Sendable, Equatable {
    /// Teredo server/relay port, either UDP port (RFC 4380 section 5.2.1). On this port an IPv6
    /// header whose payload length fits the datagram (after optional authentication and origin
    /// indication) is Teredo; on other ports only the strict test of `teredoByContent` applies,
    /// because looser content heuristics on arbitrary ports give false positives.
    public var teredoPort: UInt16 = 3544
    /// Also recognise Teredo on other UDP ports (client <-> relay data rarely uses 3544,
    /// RFC 4380 section 5.2.3), but only by strict content: after the optional authentication
    /// and origin indication headers an IPv6 header whose payload length fills the UDP payload
    /// exactly and whose source or destination is in the Teredo prefix 2001::/32.
    ///
    /// Off by default: Teredo is counted on port 3544 only, as TShark does by default and as
    /// EXPECTED.tsv counts, because detection on arbitrary ports risks false positives. Turn it
    /// on (`--teredo-by-content`) to count relayed Teredo data too; AUDIT.md point 1 shows
    /// heuristic-on TShark and an independent counter agree with this strict rule.
    public var teredoByContent: Bool = false
    /// AYIYA (draft-massar-v6ops-ayiya, IANA "ayiya" 5072/udp).
    public var ayiyaPort: UInt16 = 5072
    /// GTP-U (3GPP TS 29.281 section 4.4.2.3).
    public var gtpUPort: UInt16 = 2152
    /// VXLAN (RFC 7348 section 5).
    public var vxlanPort: UInt16 = 4789
    /// Geneve (RFC 8926 section 3.3).
    public var genevePort: UInt16 = 6081
    /// DNS (RFC 1035 section 4.2); either port. mDNS 5353 and LLMNR 5355 are different protocols.
    public var dnsPort: UInt16 = 53
    /// Nested encapsulations (IP-in-IP, GRE, UDP tunnels) followed before `tunnelDepthExceeded`.
    public var maxTunnelDepth: Int = 8
    /// VLAN tags (802.1Q/802.1ad) crossed per link header before `vlanStackTooDeep`.
    public var maxVLANTags: Int = 8
    /// Link headers nested inside one another without an IP layer between them (LLC/SNAP in
    /// SNAP, Ethernet in Ethernet via 0x6558, ...) before `linkNestingTooDeep`.
    public var maxLinkNesting: Int = 8
    /// MPLS labels crossed before `mplsLabelStackTooDeep`.
    public var maxMPLSLabels: Int = 16
    /// IPv6 extension headers walked per IPv6 header before `ipv6ExtensionHeaderTooMany`.
    public var maxIPv6ExtensionHeaders: Int = 16
    /// DNS questions / answer records examined per message (the rest are not looked at).
    public var maxDNSRecords: Int = 64

    public init() {}
}

/// Per-layer state handed down the decode; a small value, copied, never stored.
struct DecodeContext {
    /// Encapsulations entered so far (0 = the outermost link/network layer).
    var depth: Int = 0
    /// Decoding a datagram quoted inside an ICMP/ICMPv6 error (RFC 792, RFC 4443 section 2.4 (c)).
    var quote: Bool = false
    /// The record's caplen is below its original length: running out of bytes is snaplen's doing.
    var snapCut: Bool
    /// Mechanism to record on the next IP layer (the encapsulation directly outside it).
    var tunnel: TunnelMechanism? = nil
    /// Decoding inside the first fragment of a fragmented datagram: its upper layers end early
    /// by design (RFC 791 / RFC 8200 section 4.5), so running out there is no truncation.
    var inFragment: Bool = false
    /// EtherType dispatches entered within the current encapsulation (SNAP in SNAP, Ethernet in
    /// 0x6558 ...), bounded by `DecoderOptions.maxLinkNesting` so recursion stays shallow.
    var linkNesting: Int = 0

    init(snapCut: Bool) { self.snapCut = snapCut }

    /// True at the outermost link layer, whose facts (`linkDecoded`, `etherType`, tags) are kept.
    var isOuterLink: Bool { depth == 0 && !quote }
}

extension PacketDecoder {
    /// The captured bytes ended inside a header or datagram: `truncated`, plus the anomaly
    /// `frameShorterThanHeaders` when nothing was cut by snaplen (the frame itself is short).
    /// A quoted datagram is short by design (RFC 792: "internet header + 64 bits"), and so is
    /// the payload of a first fragment.
    @inline(__always)
    func ranOut(_ context: DecodeContext, _ packet: inout DecodedPacket) {
        // In a quote or a fragment, a capture cut of the carrying datagram was already reported
        // by its IP layer (total length beyond the captured bytes).
        guard !context.quote && !context.inFragment else { return }
        packet.truncated = true
        // The whole frame was captured (caplen == len) yet ends early: the sender's fault.
        if !context.snapCut { packet.note(.frameShorterThanHeaders) }
    }

    /// Enters one more encapsulation, or notes `tunnelDepthExceeded` and returns nil.
    @inline(__always)
    func entering(_ mechanism: TunnelMechanism?, _ context: DecodeContext,
                  _ packet: inout DecodedPacket) -> DecodeContext? {
        guard context.depth < options.maxTunnelDepth else { packet.note(.tunnelDepthExceeded); return nil }
        var inner = context
        inner.depth += 1
        inner.tunnel = mechanism
        inner.linkNesting = 0
        return inner
    }

    /// Records the outermost link payload type once the link layer is understood.
    @inline(__always)
    func linkUnderstood(_ etherType: UInt16, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard context.isOuterLink else { return }
        packet.linkDecoded = true
        packet.etherType = etherType
    }

    /// The link payload is of a type the decoder does not know.
    @inline(__always)
    func linkPayloadUnknown(_ etherType: UInt16, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        packet.note(.unknownLinkPayload)
        if context.isOuterLink { packet.linkDecoded = false; packet.etherType = etherType }
    }

    /// Link-type dispatch (tcpdump.org LINKTYPE registry).
    func decodeLink(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, _ context: DecodeContext,
                    _ packet: inout DecodedPacket) {
        switch linkType {
        case .ethernet: decodeEthernet(bytes, context, &packet)
        case .null: decodeNullLoopback(bytes, networkOrder: false, context, &packet)
        case .loop: decodeNullLoopback(bytes, networkOrder: true, context, &packet)
        case .raw: decodeRawIP(bytes, announced: nil, context, &packet)
        case .ipv4: decodeRawIP(bytes, announced: .v4, context, &packet)
        case .ipv6: decodeRawIP(bytes, announced: .v6, context, &packet)
        case .linuxSLL: decodeLinuxSLL(bytes, context, &packet)
        case .linuxSLL2: decodeLinuxSLL2(bytes, context, &packet)
        case .ppp, .pppHDLC: decodePPP(bytes, context, &packet)
        case .unknown: packet.note(.unknownLinkPayload)
        }
    }

    /// RAW (101), IPV4 (228), IPV6 (229): no link header; the version nibble decides, as tcpdump
    /// does, whatever the link type announced (AUDIT.md: one rule both ways).
    func decodeRawIP(_ bytes: UnsafeRawBufferPointer, announced: IPFamily?, _ context: DecodeContext,
                     _ packet: inout DecodedPacket) {
        guard let first: UInt8 = bytes.readBigEndian(at: 0) else {
            packet.note(.linkHeaderTruncated); ranOut(context, &packet); return
        }
        switch first >> 4 {
        case 4: linkUnderstood(EtherType.ipv4.rawValue, context, &packet)
        case 6: linkUnderstood(EtherType.ipv6.rawValue, context, &packet)
        default: break
        }
        decodeIP(bytes, announced: announced, context, &packet)
    }

    /// EtherType dispatch shared by Ethernet, cooked captures, NULL, GRE and Geneve. Crosses any
    /// 802.1Q / 802.1ad / legacy 0x9100 tags first (a fixed-depth stack, `maxVLANTags`); a type
    /// value <= 1500 (after the MAC addresses or a tag) is an 802.3 length with an LLC header.
    func decodeEtherPayload(_ etherType: UInt16, _ payload: UnsafeRawBufferPointer, _ context: DecodeContext,
                            _ packet: inout DecodedPacket) {
        var context = context
        context.linkNesting += 1
        guard context.linkNesting <= options.maxLinkNesting else { packet.note(.linkNestingTooDeep); return }
        var type = etherType
        var bytes = payload
        var tags = 0
        while true {
            if type <= EthernetFrame.maxLength {
                decodeLLC(length: type, bytes, context, &packet)
                return
            }
            switch EtherType(rawValue: type) {
            case .vlan, .qinq, .qinqLegacy:
                tags += 1
                guard tags <= options.maxVLANTags else { packet.note(.vlanStackTooDeep); return }
                guard let tag = VLANTag(bytes) else {
                    packet.note(.linkHeaderTruncated); ranOut(context, &packet); return
                }
                if context.isOuterLink { packet.vlanTags += 1 }
                type = tag.etherType
                bytes = bytes.clampedSlice(from: VLANTag.length)
                continue
            case .ipv4:
                linkUnderstood(type, context, &packet)
                decodeIP(bytes, announced: .v4, context, &packet)
            case .ipv6:
                linkUnderstood(type, context, &packet)
                decodeIP(bytes, announced: .v6, context, &packet)
            case .mplsUnicast, .mplsMulticast:
                decodeMPLS(bytes, etherType: type, context, &packet)
            case .pppoeSession:
                decodePPPoESession(bytes, context, &packet)
            case .ppp:
                linkUnderstood(type, context, &packet)
                decodePPP(bytes, context, &packet)
            case .transparentEthernetBridging:
                linkUnderstood(type, context, &packet)
                decodeEthernet(bytes, context, &packet)
            case .arp, .rarp, .ipx, .pppoeDiscovery, .eapol, .lldp, .macsec, .ptp, .loopback:
                // Known protocols that carry no IP header: the link layer was understood.
                linkUnderstood(type, context, &packet)
            case .unknown:
                linkPayloadUnknown(type, context, &packet)
            }
            return
        }
    }

    /// Network-layer entry: the version nibble decides between IPv4 and IPv6 (RFC 791 / RFC 8200).
    /// `announced` is what the enclosing layer said (EtherType, AF, PPP protocol, link type);
    /// a disagreement is noted as `ipVersionMismatch` and the nibble wins.
    func decodeIP(_ bytes: UnsafeRawBufferPointer, announced: IPFamily?, _ context: DecodeContext,
                  _ packet: inout DecodedPacket) {
        guard let first: UInt8 = bytes.readBigEndian(at: 0) else { ranOut(context, &packet); return }
        switch first >> 4 {
        case 4:
            if announced == .v6 { packet.note(.ipVersionMismatch) }
            decodeIPv4(bytes, context, &packet)
        case 6:
            if announced == .v4 { packet.note(.ipVersionMismatch) }
            decodeIPv6(bytes, context, &packet)
        default:
            // Every peer tool agrees: a nibble other than 4 or 6 is no IP header (AUDIT.md).
            packet.note(.ipBadVersion)
        }
    }

    /// Upper-layer dispatch after an IP header (and, for IPv6, its extension-header chain).
    /// `ipIndex` is the carrying layer in `packet.ipLayers`.
    func decodeUpperLayer(_ proto: UInt8, _ payload: UnsafeRawBufferPointer, ipIndex: Int,
                          complete: Bool, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        var upper = context
        upper.tunnel = nil
        let carrier = packet.ipLayers[ipIndex].family
        if packet.ipLayers[ipIndex].isFragment { upper.inFragment = true }
        switch IPProtocol(rawValue: proto) {
        case .tcp: decodeTCP(payload, ipIndex: ipIndex, upper, &packet)
        case .udp: decodeUDP(payload, ipIndex: ipIndex, complete: complete, upper, &packet)
        case .icmp: decodeICMPv4(payload, upper, &packet)
        case .icmpv6: decodeICMPv6(payload, upper, &packet)
        case .ipv6:
            // Protocol 41: 6in4 (refined to 6to4 / ISATAP from the inner addresses) or 6in6.
            guard let inner = entering(carrier == .v4 ? .sixInFour : .ipv6InIPv6, upper, &packet) else { return }
            decodeIP(payload, announced: .v6, inner, &packet)
        case .ipv4:
            guard let inner = entering(carrier == .v4 ? .ipv4InIPv4 : .ipv4InIPv6, upper, &packet) else { return }
            decodeIP(payload, announced: .v4, inner, &packet)
        case .gre:
            decodeGRE(payload, upper, &packet)
        default:
            break
        }
    }
}
