import CaptureCore

/// Ethernet II / IEEE 802.3 header (IEEE 802.3 clause 3.2; LINKTYPE_ETHERNET).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Destination MAC address (6)                   |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |                   Source MAC address (6)                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |    EtherType or Length        |  payload ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// A value <= 1500 in the type field is an 802.3 length followed by an 802.2 LLC header; an LLC
/// of AA AA 03 with OUI 00-00-00 is SNAP, whose last two bytes are again an EtherType (RFC 1042).
struct EthernetFrame {
    enum Field {
        static let destination = 0
        static let source = 6
        static let etherType = 12
        static let payload = 14
        /// 802.2 LLC + SNAP: DSAP, SSAP, control, OUI (3), EtherType (2).
        static let snapHeaderLength = 8
        static let snapEtherType = 6
    }
    static let headerLength = Field.payload
    /// IEEE 802.3 clause 3.2.6: type values up to 1500 are lengths.
    static let maxLength: UInt16 = 1500

    let bytes: UnsafeRawBufferPointer

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.headerLength else { return nil }
        self.bytes = bytes
    }

    var typeOrLength: UInt16 { bytes.uncheckedBigEndian(at: Field.etherType) }
    var payload: UnsafeRawBufferPointer { bytes.clampedSlice(from: Field.payload) }
}

/// IEEE 802.1Q tag after its TPID (0x8100, or 0x88A8 / 0x9100 for the 802.1ad service tag).
///
/// ```
/// |PCP(3)|D|   VLAN ID (12)     |   EtherType of what follows   |
/// ```
struct VLANTag {
    enum Field {
        static let tci = 0
        static let etherType = 2
    }
    static let length = 4

    let tci: UInt16
    let etherType: UInt16

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.length else { return nil }
        tci = bytes.uncheckedBigEndian(at: Field.tci)
        etherType = bytes.uncheckedBigEndian(at: Field.etherType)
    }
}

extension PacketDecoder {
    /// Ethernet II / 802.3 frame: outermost link, or the inner frame of VXLAN, Geneve or GRE
    /// transparent Ethernet bridging (the context carries the tunnel to the next IP layer).
    func decodeEthernet(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard let frame = EthernetFrame(bytes) else {
            packet.note(.linkHeaderTruncated); ranOut(context, &packet); return
        }
        decodeEtherPayload(frame.typeOrLength, frame.payload, context, &packet)
    }

    /// An 802.3 length (<= 1500) in a type field, after the MAC addresses or a VLAN tag: an 802.2
    /// LLC header follows. Only SNAP with the RFC 1042 OUI 00-00-00 carries an EtherType; other
    /// OUIs (Cisco CDP/VTP 00-00-0C ...) and plain LLC (STP, NetBIOS) are known non-IP payloads.
    func decodeLLC(length: UInt16, _ payload: UnsafeRawBufferPointer, _ context: DecodeContext,
                   _ packet: inout DecodedPacket) {
        let llc = payload.clampedSlice(from: 0, length: Int(length))
        if llc.count >= EthernetFrame.Field.snapHeaderLength,
           llc[0] == 0xAA, llc[1] == 0xAA, llc[2] == 0x03, llc[3] == 0, llc[4] == 0, llc[5] == 0 {
            let snapType: UInt16 = llc.uncheckedBigEndian(at: EthernetFrame.Field.snapEtherType)
            decodeEtherPayload(snapType, llc.clampedSlice(from: EthernetFrame.Field.snapHeaderLength), context, &packet)
            return
        }
        linkUnderstood(0, context, &packet)
    }
}
