import CaptureCore

/// ICMPv6 message header (RFC 4443 section 2.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          unused / MTU (type 2) / pointer (type 4)             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |    As much of invoking packet as possible without the ICMPv6  |
/// +    packet exceeding the minimum IPv6 MTU                      +
/// ```
/// Error messages are types 1-4 (destination unreachable, packet too big, time exceeded,
/// parameter problem; RFC 4443 section 3). Type 2 carries the next-hop MTU (RFC 8201).
struct ICMPv6Header {
    enum Field {
        static let type = 0
        static let code = 1
        static let checksum = 2
        static let mtu = 4
        static let quotedPacket = 8
    }
    static let typeAndCodeLength = 2
    static let packetTooBig: UInt8 = 2

    static func isError(_ type: UInt8) -> Bool { (1...4).contains(type) }
}

extension PacketDecoder {
    func decodeICMPv6(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard bytes.count >= ICMPv6Header.typeAndCodeLength else { ranOut(context, &packet); return }
        guard !context.quote else { return }
        let type = bytes[ICMPv6Header.Field.type]
        recordICMP(type: type, code: bytes[ICMPv6Header.Field.code], family: .v6, &packet)
        if ICMPv6Header.isError(type) {
            if type == ICMPv6Header.packetTooBig {
                guard let mtu: UInt32 = bytes.readBigEndian(at: ICMPv6Header.Field.mtu) else {
                    ranOut(context, &packet); return
                }
                if packet.packetTooBigMTU == nil { packet.packetTooBigMTU = mtu }
            }
            guard bytes.count > ICMPv6Header.Field.quotedPacket else { ranOut(context, &packet); return }
            var quoted = context
            quoted.quote = true
            decodeIP(bytes.clampedSlice(from: ICMPv6Header.Field.quotedPacket), announced: .v6, quoted, &packet)
            return
        }
        if let optionsOffset = NeighborDiscovery.optionsOffset(forType: type) {
            guard bytes.count >= optionsOffset else { ranOut(context, &packet); return }
            decodeNDOptions(bytes.clampedSlice(from: optionsOffset), context, &packet)
        }
    }
}
