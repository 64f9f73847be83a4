import CaptureCore

/// Linux cooked capture v1 header, LINKTYPE_LINUX_SLL (113) (tcpdump.org linktypes/LINKTYPE_LINUX_SLL).
///
/// ```
/// +---------------------------+
/// |         Packet type       | 2 octets
/// +---------------------------+
/// |        ARPHRD_ type       | 2 octets
/// +---------------------------+
/// | Link-layer address length | 2 octets
/// +---------------------------+
/// |    Link-layer address     | 8 octets
/// +---------------------------+
/// |        Protocol type      | 2 octets
/// +---------------------------+
/// |           Payload         |
/// ```
/// The protocol type is an EtherType when >= 0x0600; smaller values are Linux `ETH_P_*` codes
/// for non-Ethernet framing (0x0001 802.3, 0x0004 802.2 LLC, 0x000C CAN ...), none of them IP.
struct LinuxSLLHeader {
    enum Field {
        static let packetType = 0
        static let arphrdType = 2
        static let addressLength = 4
        static let address = 6
        static let protocolType = 14
        static let payload = 16
    }
    static let length = Field.payload
    /// ETH_P_* values below this are not EtherTypes (IEEE 802.3 clause 3.2.6 boundary).
    static let firstEtherType: UInt16 = 0x0600
}

extension PacketDecoder {
    func decodeLinuxSLL(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard bytes.count >= LinuxSLLHeader.length else {
            packet.note(.linkHeaderTruncated); ranOut(context, &packet); return
        }
        let proto: UInt16 = bytes.uncheckedBigEndian(at: LinuxSLLHeader.Field.protocolType)
        decodeCookedProtocol(proto, bytes.clampedSlice(from: LinuxSLLHeader.Field.payload), context, &packet)
    }

    /// Shared by SLL and SLL2: EtherType dispatch, or a known non-IP `ETH_P_*` code.
    func decodeCookedProtocol(_ proto: UInt16, _ payload: UnsafeRawBufferPointer, _ context: DecodeContext,
                              _ packet: inout DecodedPacket) {
        if proto >= LinuxSLLHeader.firstEtherType {
            decodeEtherPayload(proto, payload, context, &packet)
        } else {
            linkUnderstood(proto, context, &packet)
        }
    }
}
