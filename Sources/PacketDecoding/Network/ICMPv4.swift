import CaptureCore

/// ICMP message header (RFC 792).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |             unused / pointer / gateway / id+seq               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      Internet Header + 64 bits of Original Data Datagram      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Error messages quoting the offending datagram: destination unreachable (3), source quench (4),
/// redirect (5), time exceeded (11), parameter problem (12).
struct ICMPv4Header {
    enum Field {
        static let type = 0
        static let code = 1
        static let checksum = 2
        static let restOfHeader = 4
        static let quotedDatagram = 8
    }
    static let typeAndCodeLength = 2

    static func isError(_ type: UInt8) -> Bool {
        switch type {
        case 3, 4, 5, 11, 12: true
        default: false
        }
    }
}

extension PacketDecoder {
    func decodeICMPv4(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard bytes.count >= ICMPv4Header.typeAndCodeLength else { ranOut(context, &packet); return }
        // Inside a quote the ICMP header is history, and errors about errors are not sent
        // (RFC 1122 section 3.2.2), so nothing more is decoded there.
        guard !context.quote else { return }
        let type = bytes[ICMPv4Header.Field.type]
        recordICMP(type: type, code: bytes[ICMPv4Header.Field.code], family: .v4, &packet)
        guard ICMPv4Header.isError(type) else { return }
        guard bytes.count > ICMPv4Header.Field.quotedDatagram else { ranOut(context, &packet); return }
        var quoted = context
        quoted.quote = true
        decodeIP(bytes.clampedSlice(from: ICMPv4Header.Field.quotedDatagram), announced: .v4, quoted, &packet)
    }

    /// First ICMP/ICMPv6 header outside quotes wins.
    @inline(__always)
    func recordICMP(type: UInt8, code: UInt8, family: IPFamily, _ packet: inout DecodedPacket) {
        guard packet.icmpType == nil else { return }
        packet.icmpType = type
        packet.icmpCode = code
        packet.icmpFamily = family
    }
}
