import CaptureCore

/// PPPoE session stage header (RFC 2516 section 4), EtherType 0x8864.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  VER  | TYPE  |      CODE     |          SESSION_ID           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            LENGTH             |   PPP protocol + payload ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// LENGTH counts the PPP payload (from the PPP protocol field on); bytes beyond it are Ethernet
/// padding and are not decoded. Session data has CODE 0x00 (section 5.5).
struct PPPoESessionHeader {
    enum Field {
        static let versionType = 0
        static let code = 1
        static let sessionID = 2
        static let length = 4
        static let payload = 6
    }
    static let headerLength = Field.payload

    let bytes: UnsafeRawBufferPointer

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.headerLength else { return nil }
        self.bytes = bytes
    }

    var sessionID: UInt16 { bytes.uncheckedBigEndian(at: Field.sessionID) }
    var length: Int { Int(bytes.uncheckedBigEndian(UInt16.self, at: Field.length)) }
    var payload: UnsafeRawBufferPointer { bytes.clampedSlice(from: Field.payload, length: length) }
}

extension PacketDecoder {
    func decodePPPoESession(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard let header = PPPoESessionHeader(bytes) else {
            packet.note(.linkHeaderTruncated); ranOut(context, &packet); return
        }
        if context.isOuterLink { packet.pppoe = true }
        // Session payload is PPP without address/control (RFC 2516 section 7); the shared PPP
        // decoder also accepts a stray ff 03.
        decodePPP(header.payload, context, &packet)
        if context.isOuterLink && packet.linkDecoded { packet.etherType = EtherType.pppoeSession.rawValue }
    }
}
