import CaptureCore

/// IPv4 header (RFC 791 section 3.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version|  IHL  |Type of Service|          Total Length         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Identification        |Flags|      Fragment Offset    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       Source Address                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Destination Address                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Options                    |    Padding    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// IHL counts 32-bit words (5..15). Flags: bit 1 DF (0x4000), bit 2 MF (0x2000); the fragment
/// offset (low 13 bits) counts 8-octet units. Only offset 0 carries the upper-layer header.
struct IPv4Header {
    enum Field {
        static let versionIHL = 0
        static let typeOfService = 1
        static let totalLength = 2
        static let identification = 4
        static let flagsFragmentOffset = 6
        static let timeToLive = 8
        static let protocolNumber = 9
        static let checksum = 10
        static let source = 12
        static let destination = 16
        static let options = 20
    }
    static let minimumLength = 20
    static let moreFragmentsFlag: UInt16 = 0x2000
    static let fragmentOffsetMask: UInt16 = 0x1FFF

    /// The whole captured remainder (the header view checks only what each getter needs).
    let bytes: UnsafeRawBufferPointer

    /// Needs the fixed 20-byte header; shorter captures are handled field by field.
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.minimumLength else { return nil }
        self.bytes = bytes
    }

    var headerLength: Int { Int(bytes[Field.versionIHL] & 0x0F) * 4 }
    var totalLength: Int { Int(bytes.uncheckedBigEndian(UInt16.self, at: Field.totalLength)) }
    var flagsFragmentOffset: UInt16 { bytes.uncheckedBigEndian(at: Field.flagsFragmentOffset) }
    var moreFragments: Bool { flagsFragmentOffset & Self.moreFragmentsFlag != 0 }
    var fragmentOffset: Int { Int(flagsFragmentOffset & Self.fragmentOffsetMask) * 8 }
    var protocolNumber: UInt8 { bytes[Field.protocolNumber] }
}

extension PacketDecoder {
    func decodeIPv4(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        // A header cut by the capture still counts as IPv4 with whatever addresses were captured
        // (AUDIT.md: snaplen-truncated headers count for their family).
        var layer = IPLayer(family: .v4, source: IPAddress(.v4, from: bytes, at: IPv4Header.Field.source),
                            destination: IPAddress(.v4, from: bytes, at: IPv4Header.Field.destination),
                            upperProtocol: bytes.readBigEndian(at: IPv4Header.Field.protocolNumber) ?? 0,
                            datagramLength: Int(bytes.readBigEndian(UInt16.self, at: IPv4Header.Field.totalLength) ?? 0),
                            isICMPQuote: context.quote, tunnel: context.tunnel)
        layer.headerOffset = packet.offset(of: bytes)
        guard let header = IPv4Header(bytes) else {
            packet.ipLayers.append(layer)
            ranOut(context, &packet)
            return
        }
        let headerLength = header.headerLength
        var totalLength = header.totalLength
        if headerLength < IPv4Header.minimumLength {
            // Like Wireshark: a bogus IHL leaves no trustworthy field past it.
            layer.source = nil; layer.destination = nil
            packet.ipLayers.append(layer)
            packet.note(.ipv4BadHeaderLength)
            return
        }
        if totalLength == 0 {
            // TCP segmentation offload leaves total length 0 in captures taken on the sender;
            // Wireshark then uses the captured length. So do we, with an anomaly.
            packet.note(.ipv4TotalLengthZero)
            totalLength = bytes.count
            layer.datagramLength = totalLength
        } else if totalLength < IPv4Header.minimumLength {
            packet.ipLayers.append(layer)
            packet.note(.ipv4TotalLengthTooShort)
            return
        } else if headerLength > totalLength {
            packet.ipLayers.append(layer)
            packet.note(.ipv4BadHeaderLength)
            return
        }
        let fragmentOffset = header.fragmentOffset
        layer.isFragment = header.moreFragments || fragmentOffset != 0
        layer.isFirstFragment = fragmentOffset == 0
        if layer.isFragment {
            layer.fragmentIdentification = UInt32(bytes.uncheckedBigEndian(UInt16.self, at: IPv4Header.Field.identification))
            layer.fragmentOffset = fragmentOffset
            layer.moreFragments = header.moreFragments
            layer.fragmentDataOffset = layer.headerOffset + headerLength
            layer.fragmentNextHeader = header.protocolNumber
        }
        packet.ipLayers.append(layer)
        let index = packet.ipLayers.count - 1

        guard bytes.count >= headerLength else { ranOut(context, &packet); return }
        // Decode to the total length, never into link padding; a shorter capture is a cut.
        if totalLength > bytes.count { ranOut(context, &packet) }
        guard fragmentOffset == 0 else { return }
        let payload = bytes.clampedSlice(from: headerLength, length: totalLength - headerLength)
        let complete = !layer.isFragment && totalLength <= bytes.count
        decodeUpperLayer(header.protocolNumber, payload, ipIndex: index, complete: complete, context, &packet)
    }
}
