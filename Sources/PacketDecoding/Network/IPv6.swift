import CaptureCore

/// IPv6 fixed header (RFC 8200 section 3).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version| Traffic Class |           Flow Label                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Payload Length        |  Next Header  |   Hop Limit   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +                         Source Address (128)                  +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +                      Destination Address (128)                +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Payload length counts everything after these 40 octets, extension headers included; 0 with
/// a hop-by-hop Jumbo Payload option means a jumbogram (RFC 2675).
struct IPv6Header {
    enum Field {
        static let versionClassFlow = 0
        static let payloadLength = 4
        static let nextHeader = 6
        static let hopLimit = 7
        static let source = 8
        static let destination = 24
        static let payload = 40
    }
    static let length = Field.payload

    let bytes: UnsafeRawBufferPointer

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.length else { return nil }
        self.bytes = bytes
    }

    var payloadLength: Int { Int(bytes.uncheckedBigEndian(UInt16.self, at: Field.payloadLength)) }
    var nextHeader: UInt8 { bytes[Field.nextHeader] }
}

extension PacketDecoder {
    func decodeIPv6(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        // A cut header still counts as IPv6; only fully captured addresses are set
        // (AUDIT.md, malformed_ipv6_truncated.pcap: 34 of 40 bytes, source only).
        let payloadLengthField = Int(bytes.readBigEndian(UInt16.self, at: IPv6Header.Field.payloadLength) ?? 0)
        var layer = IPLayer(family: .v6, source: IPAddress(.v6, from: bytes, at: IPv6Header.Field.source),
                            destination: IPAddress(.v6, from: bytes, at: IPv6Header.Field.destination),
                            upperProtocol: bytes.readBigEndian(at: IPv6Header.Field.nextHeader) ?? 0,
                            datagramLength: IPv6Header.length + payloadLengthField,
                            isICMPQuote: context.quote, tunnel: context.tunnel)
        if context.tunnel == .sixInFour { layer.tunnel = Self.classifyProtocol41(layer) }
        layer.headerOffset = packet.offset(of: bytes)
        packet.ipLayers.append(layer)
        let index = packet.ipLayers.count - 1
        guard let header = IPv6Header(bytes) else { ranOut(context, &packet); return }

        // Payload length 0 is a jumbogram when hop-by-hop carries a Jumbo Payload option; the
        // chain walk below fixes the length then. Otherwise it is taken as TSO (rest of capture).
        var payload = header.payloadLength == 0
            ? bytes.clampedSlice(from: IPv6Header.length)
            : bytes.clampedSlice(from: IPv6Header.length, length: header.payloadLength)
        let payloadCut = header.payloadLength == 0 ? context.snapCut : header.payloadLength > payload.count
        var chain = walkIPv6ExtensionHeaders(first: header.nextHeader, payload, payloadCut: payloadCut,
                                             context, &packet)
        if header.payloadLength == 0 {
            if let jumbo = chain.jumboPayloadLength {
                packet.ipLayers[index].datagramLength = IPv6Header.length + jumbo
                payload = bytes.clampedSlice(from: IPv6Header.length, length: jumbo)
                if jumbo > payload.count { ranOut(context, &packet) }
            } else if chain.upperProtocol != IPProtocol.noNextHeader.rawValue {
                packet.note(.ipv6PayloadLengthZero)
                packet.ipLayers[index].datagramLength = bytes.count
            }
        } else {
            if chain.jumboPayloadLength != nil { packet.note(.ipv6JumboPayloadInvalid) }
            if header.payloadLength > payload.count { ranOut(context, &packet) }
        }
        packet.ipLayers[index].upperProtocol = chain.upperProtocol
        packet.ipLayers[index].extensionHeaderCount = chain.count
        packet.ipLayers[index].isFragment = chain.isFragment
        packet.ipLayers[index].isFirstFragment = chain.isFirstFragment
        if chain.isFragment {
            packet.ipLayers[index].fragmentIdentification = chain.fragmentIdentification
            packet.ipLayers[index].fragmentOffset = chain.fragmentOffset
            packet.ipLayers[index].moreFragments = chain.moreFragments
            packet.ipLayers[index].fragmentDataOffset = packet.offset(of: payload) + chain.fragmentDataOffset
            packet.ipLayers[index].fragmentNextHeader = chain.fragmentNextHeader
        }
        if chain.stopped { return }
        chain.upperOffset = min(chain.upperOffset, payload.count)
        let complete = !chain.isFragment && IPv6Header.length + payload.count >= packet.ipLayers[index].datagramLength
        decodeUpperLayer(chain.upperProtocol, payload.clampedSlice(from: chain.upperOffset), ipIndex: index,
                         complete: complete, context, &packet)
    }

    /// Protocol 41 in IPv4: 6to4 when an inner address is in 2002::/16 (RFC 3056 section 2),
    /// ISATAP when an inner address has the interface identifier 0000:5efe or 0200:5efe
    /// followed by an IPv4 address (RFC 5214 section 6.1), plain 6in4 otherwise.
    static func classifyProtocol41(_ layer: IPLayer) -> TunnelMechanism {
        if isSixToFour(layer.source) || isSixToFour(layer.destination) { return .sixToFour }
        if isISATAP(layer.source) || isISATAP(layer.destination) { return .isatap }
        return .sixInFour
    }

    @inline(__always) static func isSixToFour(_ a: IPAddress?) -> Bool {
        guard let a else { return false }
        return a.high >> 48 == 0x2002
    }

    @inline(__always) static func isISATAP(_ a: IPAddress?) -> Bool {
        guard let a else { return false }
        let iid = a.low >> 32
        return iid == 0x0000_5EFE || iid == 0x0200_5EFE
    }
}
