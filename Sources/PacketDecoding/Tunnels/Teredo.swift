import CaptureCore

/// Teredo: IPv6 in UDP/IPv4 on port 3544 (RFC 4380 section 5.1.1), possibly preceded by an
/// authentication header and/or an origin indication (in that order).
///
/// Authentication (indicator 0x0001):
/// ```
/// +--------+--------+--------+--------+
/// |  0x00  | 0x01   | ID-len | AU-len |
/// +--------+--------+--------+--------+
/// |  Client identifier (ID-len octets)|
/// |  Authentication value (AU-len)    |
/// |  Nonce (8 octets)                 |
/// +--------+--------------------------+
/// | Conf.  |
/// +--------+
/// ```
/// Origin indication (indicator 0x0000):
/// ```
/// +--------+--------+-----------------+
/// |  0x00  | 0x00   | Origin port #   |  (obfuscated)
/// +--------+--------+-----------------+
/// |  Origin IPv4 address (obfuscated) |
/// +-----------------------------------+
/// ```
/// Only a payload that then holds an IPv6 header (version 6) whose 40 + payload length fits the
/// datagram counts as Teredo; anything else on port 3544 stays plain UDP.
enum Teredo {
    /// The Teredo server port (RFC 4380 section 5.2.1), the port peer tools recognise by default.
    static let serverPort: UInt16 = 3544
    enum Field {
        static let indicator = 0
        static let authIDLength = 2
        static let authAULength = 3
        static let authBody = 4
    }
    static let authenticationIndicator: UInt16 = 0x0001
    static let originIndicator: UInt16 = 0x0000
    static let nonceAndConfirmationLength = 9
    static let originIndicationLength = 8

    /// Strict content test for Teredo away from port 3544 (see `DecoderOptions.teredoByContent`):
    /// optional authentication / origin indication, then a fully captured IPv6 header with
    /// version 6, `40 + payload length == ` the UDP payload length, and a 2001::/32 address.
    static func contentMatches(_ bytes: UnsafeRawBufferPointer, datagramPayloadLength: Int) -> Bool {
        var offset = 0
        if let indicator: UInt16 = bytes.readBigEndian(at: offset), indicator == authenticationIndicator {
            guard let idLength: UInt8 = bytes.readBigEndian(at: offset + Field.authIDLength),
                  let auLength: UInt8 = bytes.readBigEndian(at: offset + Field.authAULength) else { return false }
            offset += Field.authBody + Int(idLength) + Int(auLength) + nonceAndConfirmationLength
        }
        if let indicator: UInt16 = bytes.readBigEndian(at: offset), indicator == originIndicator {
            offset += originIndicationLength
        }
        guard let first: UInt8 = bytes.readBigEndian(at: offset), first >> 4 == 6,
              let payloadLength: UInt16 = bytes.readBigEndian(at: offset + 4),
              offset + 40 + Int(payloadLength) == datagramPayloadLength,
              let source: UInt32 = bytes.readBigEndian(at: offset + 8),
              let destination: UInt32 = bytes.readBigEndian(at: offset + 24) else { return false }
        return source == 0x2001_0000 || destination == 0x2001_0000
    }
}

extension PacketDecoder {
    /// - Returns: true when the payload was Teredo (its inner IPv6 layer is recorded).
    /// - Parameter datagramPayloadLength: UDP payload length as the UDP header claims it.
    func decodeTeredo(_ bytes: UnsafeRawBufferPointer, datagramPayloadLength: Int, _ context: DecodeContext,
                      _ packet: inout DecodedPacket) -> Bool {
        var offset = 0
        if let indicator: UInt16 = bytes.readBigEndian(at: offset), indicator == Teredo.authenticationIndicator {
            guard let idLength: UInt8 = bytes.readBigEndian(at: offset + Teredo.Field.authIDLength),
                  let auLength: UInt8 = bytes.readBigEndian(at: offset + Teredo.Field.authAULength) else { return false }
            offset += Teredo.Field.authBody + Int(idLength) + Int(auLength) + Teredo.nonceAndConfirmationLength
        }
        if let indicator: UInt16 = bytes.readBigEndian(at: offset), indicator == Teredo.originIndicator {
            offset += Teredo.originIndicationLength
        }
        // Need the version nibble and the payload length to accept the packet as Teredo.
        guard let first: UInt8 = bytes.readBigEndian(at: offset + IPv6Header.Field.versionClassFlow),
              first >> 4 == 6,
              let payloadLength: UInt16 = bytes.readBigEndian(at: offset + IPv6Header.Field.payloadLength),
              offset + IPv6Header.length + Int(payloadLength) <= datagramPayloadLength else { return false }
        guard let inner = entering(.teredo, context, &packet) else { return true }
        decodeIP(bytes.clampedSlice(from: offset), announced: .v6, inner, &packet)
        return true
    }
}
