import CaptureCore

/// Linux cooked capture v2 header, LINKTYPE_LINUX_SLL2 (276) (tcpdump.org linktypes/LINKTYPE_LINUX_SLL2).
///
/// ```
/// +---------------------------+
/// |        Protocol type      | 2 octets
/// +---------------------------+
/// |       Reserved (MBZ)      | 2 octets
/// +---------------------------+
/// |       Interface index     | 4 octets
/// +---------------------------+
/// |        ARPHRD_ type       | 2 octets
/// +---------------------------+
/// |         Packet type       | 1 octet
/// +---------------------------+
/// | Link-layer address length | 1 octet
/// +---------------------------+
/// |    Link-layer address     | 8 octets
/// +---------------------------+
/// |           Payload         |
/// ```
struct LinuxSLL2Header {
    enum Field {
        static let protocolType = 0
        static let reserved = 2
        static let interfaceIndex = 4
        static let arphrdType = 8
        static let packetType = 10
        static let addressLength = 11
        static let address = 12
        static let payload = 20
    }
    static let length = Field.payload
}

extension PacketDecoder {
    func decodeLinuxSLL2(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard bytes.count >= LinuxSLL2Header.length else {
            packet.note(.linkHeaderTruncated); ranOut(context, &packet); return
        }
        let proto: UInt16 = bytes.uncheckedBigEndian(at: LinuxSLL2Header.Field.protocolType)
        decodeCookedProtocol(proto, bytes.clampedSlice(from: LinuxSLL2Header.Field.payload), context, &packet)
    }
}
