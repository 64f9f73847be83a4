import CaptureCore

/// Anything In Anything (draft-massar-v6ops-ayiya-02 section 5), UDP port 5072.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | IDLen | IDType| SigLen| HshMth| AutMth| OpCode|  Next Header  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          Epoch Time                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Identity (2^IDLen octets)                     |
/// |                 Signature (SigLen * 4 octets)                 |
/// |                 Payload                                       |
/// ```
/// Only opcode 1 (forward) carries a packet; next header 41 (IPv6) or 4 (IPv4).
enum AYIYA {
    enum Field {
        static let idLengthType = 0
        static let signatureLengthHash = 1
        static let authOpcode = 2
        static let nextHeader = 3
        static let epochTime = 4
        static let identity = 8
    }
    static let fixedLength = Field.identity
    static let opcodeForward: UInt8 = 1
}

extension PacketDecoder {
    func decodeAYIYA(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) -> Bool {
        guard bytes.count >= AYIYA.fixedLength else { return false }
        let idLength = 1 << Int(bytes[AYIYA.Field.idLengthType] >> 4)
        let signatureLength = Int(bytes[AYIYA.Field.signatureLengthHash] >> 4) * 4
        let opcode = bytes[AYIYA.Field.authOpcode] & 0x0F
        let next = bytes[AYIYA.Field.nextHeader]
        guard opcode == AYIYA.opcodeForward else { return false }
        let announced: IPFamily
        switch IPProtocol(rawValue: next) {
        case .ipv6: announced = .v6
        case .ipv4: announced = .v4
        default: return false
        }
        let offset = AYIYA.fixedLength + idLength + signatureLength
        guard offset < bytes.count else { ranOut(context, &packet); return true }
        guard let inner = entering(.ayiya, context, &packet) else { return true }
        decodeIP(bytes.clampedSlice(from: offset), announced: announced, inner, &packet)
        return true
    }
}
