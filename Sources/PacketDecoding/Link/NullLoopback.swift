import CaptureCore

/// BSD loopback header: LINKTYPE_NULL (0, AF_ value in the capturing host's byte order) and
/// LINKTYPE_LOOP (108, AF_ value in network byte order).
///
/// ```
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  Address family (AF_ value)                   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD)
/// or 30 (Darwin) — the tcpdump.org link-type page lists all of them.
struct LoopbackHeader {
    enum Field {
        static let family = 0
        static let payload = 4
    }
    static let length = Field.payload
    static let afInet: UInt32 = 2
    /// IEEE 802.3 max length: Wireshark's packet-null.c reads larger values as an EtherType.
    static let maxLength: UInt32 = 1500

    /// The header value for LINKTYPE_NULL, normalised as Wireshark's packet-null.c does: the
    /// 32-bit value is read little-endian (the usual capturing host); if its upper 16 bits are
    /// set it was written big-endian, unless it looks like a 16-bit AF in the upper half (then it
    /// is shifted down). The result is an AF_ value, or (> 1500) an EtherType in its low 16 bits.
    static func normalisedHostOrderValue(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var v: UInt32 = bytes.uncheckedLittleEndian(at: Field.family)
        if v & 0xFFFF_0000 != 0 {
            if v & 0xFF00_0000 == 0 && v & 0x00FF_0000 < 0x0006_0000 {
                v >>= 16
            } else {
                v = v.byteSwapped
            }
        }
        return v
    }

    static func isAFInet6(_ v: UInt32) -> Bool { v == 10 || v == 24 || v == 28 || v == 30 }
}

extension PacketDecoder {
    func decodeNullLoopback(_ bytes: UnsafeRawBufferPointer, networkOrder: Bool, _ context: DecodeContext,
                            _ packet: inout DecodedPacket) {
        guard bytes.count >= LoopbackHeader.length else {
            packet.note(.linkHeaderTruncated); ranOut(context, &packet); return
        }
        let value: UInt32 = networkOrder
            ? bytes.uncheckedBigEndian(at: LoopbackHeader.Field.family)
            : LoopbackHeader.normalisedHostOrderValue(bytes)
        let payload = bytes.clampedSlice(from: LoopbackHeader.Field.payload)
        if value > LoopbackHeader.maxLength {
            // AUDIT.md, null_loopback_v4_v6.pcap frame 3: `0f 00 08 00` carries EtherType 0x0800.
            decodeEtherPayload(UInt16(truncatingIfNeeded: value), payload, context, &packet)
        } else if value == LoopbackHeader.afInet {
            linkUnderstood(EtherType.ipv4.rawValue, context, &packet)
            decodeIP(payload, announced: .v4, context, &packet)
        } else if LoopbackHeader.isAFInet6(value) {
            linkUnderstood(EtherType.ipv6.rawValue, context, &packet)
            decodeIP(payload, announced: .v6, context, &packet)
        } else {
            linkPayloadUnknown(0, context, &packet)
        }
    }
}
