import CaptureCore

/// MPLS label stack entry (RFC 3032 section 2.1), EtherType 0x8847 (unicast) / 0x8848 (multicast).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                Label                  | TC  |S|       TTL     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The stack does not say what follows the bottom (S = 1) entry. Like tcpdump and Wireshark, the
/// first nibble of the payload is taken as an IP version (RFC 3032 section 2.2 leaves it to the
/// label binding, which a passive observer does not have).
struct MPLSLabelStackEntry {
    enum Field {
        static let entry = 0
    }
    static let length = 4
    static let bottomOfStackBit: UInt32 = 0x100

    let value: UInt32

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard let v: UInt32 = bytes.readBigEndian(at: Field.entry) else { return nil }
        value = v
    }

    var label: UInt32 { value >> 12 }
    var isBottomOfStack: Bool { value & Self.bottomOfStackBit != 0 }
}

extension PacketDecoder {
    func decodeMPLS(_ bytes: UnsafeRawBufferPointer, etherType: UInt16, _ context: DecodeContext,
                    _ packet: inout DecodedPacket) {
        var offset = 0
        var labels = 0
        while true {
            guard let entry = MPLSLabelStackEntry(bytes.clampedSlice(from: offset)) else {
                packet.note(.linkHeaderTruncated); ranOut(context, &packet); return
            }
            labels += 1
            if context.isOuterLink { packet.mplsLabels += 1 }
            offset += MPLSLabelStackEntry.length
            if entry.isBottomOfStack { break }
            guard labels < options.maxMPLSLabels else { packet.note(.mplsLabelStackTooDeep); return }
        }
        let payload = bytes.clampedSlice(from: offset)
        guard let first: UInt8 = payload.readBigEndian(at: 0) else { ranOut(context, &packet); return }
        switch first >> 4 {
        case 4:
            linkUnderstood(etherType, context, &packet)
            decodeIP(payload, announced: nil, context, &packet)
        case 6:
            linkUnderstood(etherType, context, &packet)
            decodeIP(payload, announced: nil, context, &packet)
        default:
            // Pseudowire control word or an unknown label binding: not guessed.
            packet.note(.mplsUnknownPayload)
            if context.isOuterLink { packet.linkDecoded = false; packet.etherType = etherType }
        }
    }
}
