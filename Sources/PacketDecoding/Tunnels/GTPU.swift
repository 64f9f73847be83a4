import CaptureCore

/// GTP-U version 1 header (3GPP TS 29.281 section 5.1), UDP port 2152.
///
/// ```
///   Bits  8   7   6   5   4   3   2   1
/// +---+---+---+---+---+---+---+---+
/// | Version=1 |PT | * | E | S | PN|   octet 1
/// +---+---+---+---+---+---+---+---+
/// |        Message Type           |   octet 2 (255 = G-PDU)
/// +-------------------------------+
/// |     Length (2 octets)         |   octets 3-4: bytes after the first 8
/// +-------------------------------+
/// |     TEID (4 octets)           |   octets 5-8
/// +-------------------------------+
/// | Sequence Number (2) | N-PDU (1) | Next Extension Header Type (1) |  if E, S or PN
/// +-------------------------------+
/// ```
/// Extension headers (section 5.2.1): a length octet in 4-octet units (0 is invalid), content,
/// and a last octet giving the next extension type (0 = none). A G-PDU then carries an IP packet.
enum GTPU {
    enum Field {
        static let flags = 0
        static let messageType = 1
        static let length = 2
        static let teid = 4
        static let optional = 8
        static let nextExtensionType = 11
    }
    static let mandatoryLength = Field.optional
    static let optionalLength = 4
    static let versionOne: UInt8 = 1
    static let protocolTypeGTP: UInt8 = 0x10
    static let optionalFieldsMask: UInt8 = 0x07
    static let extensionFlag: UInt8 = 0x04
    static let messageGPDU: UInt8 = 255
    static let maxExtensionHeaders = 16
}

extension PacketDecoder {
    func decodeGTPU(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) -> Bool {
        guard bytes.count >= GTPU.mandatoryLength else { return false }
        let flags = bytes[GTPU.Field.flags]
        guard flags >> 5 == GTPU.versionOne, flags & GTPU.protocolTypeGTP != 0 else { return false }
        // Signalling (echo, error indication, end marker) carries no user packet.
        guard bytes[GTPU.Field.messageType] == GTPU.messageGPDU else { return true }
        let length = Int(bytes.uncheckedBigEndian(UInt16.self, at: GTPU.Field.length))
        var offset = GTPU.mandatoryLength
        if flags & GTPU.optionalFieldsMask != 0 {
            guard bytes.count >= GTPU.mandatoryLength + GTPU.optionalLength else { ranOut(context, &packet); return true }
            var nextType = bytes[GTPU.Field.nextExtensionType]
            offset += GTPU.optionalLength
            var extensions = 0
            while flags & GTPU.extensionFlag != 0 && nextType != 0 {
                extensions += 1
                guard extensions <= GTPU.maxExtensionHeaders else { packet.note(.gtpUBadExtensionHeader); return true }
                guard let units: UInt8 = bytes.readBigEndian(at: offset) else { ranOut(context, &packet); return true }
                guard units != 0 else { packet.note(.gtpUBadExtensionHeader); return true }
                let extLength = Int(units) * 4
                guard let next: UInt8 = bytes.readBigEndian(at: offset + extLength - 1) else {
                    ranOut(context, &packet); return true
                }
                nextType = next
                offset += extLength
            }
        }
        let end = GTPU.mandatoryLength + length
        guard offset < end else { return true }
        let payload = bytes.clampedSlice(from: offset, length: end - offset)
        guard payload.count > 0 else { ranOut(context, &packet); return true }
        guard let inner = entering(.gtpU, context, &packet) else { return true }
        decodeIP(payload, announced: nil, inner, &packet)
        return true
    }
}
