import CaptureCore

/// Generic Routing Encapsulation, IP protocol 47: RFC 2784 section 2.1 with the key and sequence
/// number of RFC 2890 section 2, the routing bit of RFC 1701 section 2.1, and version 1
/// (enhanced GRE for PPTP, RFC 2637 section 4.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      Checksum (optional)      |       Offset (optional)       |  if C or R
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Key (optional)                        |  if K (v1: payload length + call ID)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Sequence Number (optional)                    |  if S
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |               Acknowledgment Number (optional)                |  if A (v1 only)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Routing (optional, RFC 1701)               |  if R
/// ```
/// The protocol type is an EtherType: IPv4, IPv6, 0x6558 transparent Ethernet bridging, MPLS,
/// 0x880B PPP (version 1).
struct GREHeader {
    enum Field {
        static let flagsVersion = 0
        static let protocolType = 2
        static let optional = 4
        /// Version 1 key field: payload length (2) then call ID (2).
        static let v1PayloadLength = 0
        /// RFC 1701 source route entry: address family (2), SRE offset (1), SRE length (1).
        static let sreAddressFamily = 0
        static let sreLength = 3
    }
    static let baseLength = Field.optional
    static let checksumPresent: UInt16 = 0x8000
    static let routingPresent: UInt16 = 0x4000
    static let keyPresent: UInt16 = 0x2000
    static let sequencePresent: UInt16 = 0x1000
    static let acknowledgmentPresent: UInt16 = 0x0080
    static let versionMask: UInt16 = 0x0007
    static let sreHeaderLength = 4
    static let maxSourceRouteEntries = 16
}

extension PacketDecoder {
    func decodeGRE(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard bytes.count >= GREHeader.baseLength else { ranOut(context, &packet); return }
        let flags: UInt16 = bytes.uncheckedBigEndian(at: GREHeader.Field.flagsVersion)
        let protocolType: UInt16 = bytes.uncheckedBigEndian(at: GREHeader.Field.protocolType)
        let version = flags & GREHeader.versionMask
        guard version <= 1 else { packet.note(.greBadVersion); return }
        var offset = GREHeader.baseLength
        if flags & (GREHeader.checksumPresent | GREHeader.routingPresent) != 0 { offset += 4 }
        var v1PayloadLength: Int? = nil
        if flags & GREHeader.keyPresent != 0 {
            if version == 1, let length: UInt16 = bytes.readBigEndian(at: offset + GREHeader.Field.v1PayloadLength) {
                v1PayloadLength = Int(length)
            }
            offset += 4
        }
        if flags & GREHeader.sequencePresent != 0 { offset += 4 }
        if version == 1 && flags & GREHeader.acknowledgmentPresent != 0 { offset += 4 }
        if flags & GREHeader.routingPresent != 0 && version == 0 {
            // RFC 1701 source route entries, ended by address family 0 with length 0.
            var entries = 0
            while true {
                guard let family: UInt16 = bytes.readBigEndian(at: offset + GREHeader.Field.sreAddressFamily),
                      let length: UInt8 = bytes.readBigEndian(at: offset + GREHeader.Field.sreLength) else {
                    ranOut(context, &packet); return
                }
                offset += GREHeader.sreHeaderLength + Int(length)
                if family == 0 && length == 0 { break }
                entries += 1
                guard entries < GREHeader.maxSourceRouteEntries else { packet.note(.greRoutingTooLong); return }
            }
        }
        guard offset <= bytes.count else { ranOut(context, &packet); return }
        // Enhanced GRE acks travel alone: the key's payload length is then 0 (RFC 2637 4.1).
        let payload = bytes.clampedSlice(from: offset, length: v1PayloadLength ?? .max)
        if let v1PayloadLength, v1PayloadLength == 0 { return }
        guard let inner = entering(.gre, context, &packet) else { return }
        switch EtherType(rawValue: protocolType) {
        case .ipv4: decodeIP(payload, announced: .v4, inner, &packet)
        case .ipv6: decodeIP(payload, announced: .v6, inner, &packet)
        case .transparentEthernetBridging: decodeEthernet(payload, inner, &packet)
        case .ppp: decodePPP(payload, inner, &packet)
        case .mplsUnicast, .mplsMulticast: decodeMPLS(payload, etherType: protocolType, inner, &packet)
        default: break
        }
    }
}
