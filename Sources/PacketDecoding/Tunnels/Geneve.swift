import CaptureCore

/// Geneve header (RFC 8926 section 3.4), UDP port 6081.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |        Virtual Network Identifier (VNI)       |    Reserved   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Variable-Length Options                    |
/// ```
/// Opt Len counts 4-octet words. Version must be 0. Protocol type is an EtherType
/// (0x6558 = Ethernet frame, or IPv4/IPv6 directly).
enum Geneve {
    enum Field {
        static let versionOptionLength = 0
        static let flags = 1
        static let protocolType = 2
        static let vni = 4
        static let options = 8
    }
    static let baseLength = Field.options
}

extension PacketDecoder {
    func decodeGeneve(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) -> Bool {
        guard bytes.count >= Geneve.baseLength else { return false }
        let first = bytes[Geneve.Field.versionOptionLength]
        guard first >> 6 == 0 else { return false }
        let headerLength = Geneve.baseLength + Int(first & 0x3F) * 4
        let protocolType: UInt16 = bytes.uncheckedBigEndian(at: Geneve.Field.protocolType)
        guard headerLength <= bytes.count else { ranOut(context, &packet); return true }
        let payload = bytes.clampedSlice(from: headerLength)
        guard let inner = entering(.geneve, context, &packet) else { return true }
        switch EtherType(rawValue: protocolType) {
        case .transparentEthernetBridging: decodeEthernet(payload, inner, &packet)
        case .ipv4: decodeIP(payload, announced: .v4, inner, &packet)
        case .ipv6: decodeIP(payload, announced: .v6, inner, &packet)
        default: break
        }
        return true
    }
}
