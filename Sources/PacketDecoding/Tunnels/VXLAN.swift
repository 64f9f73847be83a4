import CaptureCore

/// VXLAN header (RFC 7348 section 5), UDP port 4789, followed by an Ethernet frame.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |R|R|R|R|I|R|R|R|            Reserved                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                VXLAN Network Identifier (VNI) |   Reserved    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The I flag must be set for a valid VNI.
enum VXLAN {
    enum Field {
        static let flags = 0
        static let vni = 4
        static let payload = 8
    }
    static let length = Field.payload
    static let validVNIFlag: UInt8 = 0x08
}

extension PacketDecoder {
    func decodeVXLAN(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) -> Bool {
        guard bytes.count >= VXLAN.length, bytes[VXLAN.Field.flags] & VXLAN.validVNIFlag != 0 else { return false }
        guard let inner = entering(.vxlan, context, &packet) else { return true }
        decodeEthernet(bytes.clampedSlice(from: VXLAN.Field.payload), inner, &packet)
        return true
    }
}
