import CaptureCore

/// PPP protocol numbers (IANA "PPP DLL Protocol Numbers", RFC 1661 section 2).
enum PPPProtocol: Hashable {
    case ipv4          // 0x0021
    case ipv6          // 0x0057 (RFC 5072)
    case ipcp          // 0x8021
    case ipv6cp        // 0x8057
    case ccp           // 0x80FD
    case lcp           // 0xC021
    case pap           // 0xC023
    case lqr           // 0xC025
    case chap          // 0xC223
    case eap           // 0xC227
    case unknown(UInt16)

    init(rawValue: UInt16) {
        switch rawValue {
        case 0x0021: self = .ipv4
        case 0x0057: self = .ipv6
        case 0x8021: self = .ipcp
        case 0x8057: self = .ipv6cp
        case 0x80FD: self = .ccp
        case 0xC021: self = .lcp
        case 0xC023: self = .pap
        case 0xC025: self = .lqr
        case 0xC223: self = .chap
        case 0xC227: self = .eap
        default: self = .unknown(rawValue)
        }
    }
}

/// PPP frame as captured on LINKTYPE_PPP (9), LINKTYPE_PPP_HDLC (50), in PPPoE sessions and in
/// enhanced GRE (RFC 2637).
///
/// ```
/// +----------+----------+-------------------+-----------------
/// | Address  | Control  |     Protocol      |  Information ...
/// |   0xff   |   0x03   |  1 or 2 octets    |
/// +----------+----------+-------------------+-----------------
/// ```
/// Address and control are present in HDLC-like framing (RFC 1662 section 3.1) and may be
/// dropped by address-and-control-field compression (RFC 1661 section 6.6). The protocol field
/// may be compressed to one octet (section 6.5): valid protocol numbers have an odd low octet
/// and an even high octet, so an odd first octet is a one-octet field.
struct PPPFrame {
    enum Field {
        static let address = 0
        static let control = 1
        static let protocolAfterHDLC = 2
    }
    static let allStationsAddress: UInt8 = 0xFF
    static let unnumberedInformation: UInt8 = 0x03

    let protocolNumber: UInt16
    let payloadOffset: Int

    init?(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        // 0xff is never the first octet of a protocol number (reserved 0x00ff even compressed),
        // so it starts the address field; a lone 0xff is a cut header.
        if let address: UInt8 = bytes.readBigEndian(at: Field.address), address == Self.allStationsAddress {
            guard let control: UInt8 = bytes.readBigEndian(at: Field.control) else { return nil }
            if control == Self.unnumberedInformation { offset = Field.protocolAfterHDLC }
        }
        guard let first: UInt8 = bytes.readBigEndian(at: offset) else { return nil }
        if first & 1 == 1 {
            protocolNumber = UInt16(first)
            payloadOffset = offset + 1
        } else {
            guard let p: UInt16 = bytes.readBigEndian(at: offset) else { return nil }
            protocolNumber = p
            payloadOffset = offset + 2
        }
    }
}

extension PacketDecoder {
    func decodePPP(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard let frame = PPPFrame(bytes) else {
            packet.note(.linkHeaderTruncated); ranOut(context, &packet); return
        }
        let payload = bytes.clampedSlice(from: frame.payloadOffset)
        switch PPPProtocol(rawValue: frame.protocolNumber) {
        case .ipv4:
            linkUnderstood(EtherType.ipv4.rawValue, context, &packet)
            decodeIP(payload, announced: .v4, context, &packet)
        case .ipv6:
            linkUnderstood(EtherType.ipv6.rawValue, context, &packet)
            decodeIP(payload, announced: .v6, context, &packet)
        case .ipcp, .ipv6cp, .ccp, .lcp, .pap, .lqr, .chap, .eap:
            linkUnderstood(0, context, &packet)
        case .unknown:
            linkPayloadUnknown(0, context, &packet)
        }
    }
}
