import CaptureCore

/// UDP header (RFC 768).
///
/// ```
///  0      7 8     15 16    23 24    31
/// +--------+--------+--------+--------+
/// |     Source      |   Destination   |
/// |      Port       |      Port       |
/// +--------+--------+--------+--------+
/// |                 |                 |
/// |     Length      |    Checksum     |
/// +--------+--------+--------+--------+
/// |          data octets ...
/// ```
/// Length counts header and data (>= 8). In an IPv6 jumbogram it is 0 and the IPv6 payload
/// decides (RFC 2675 section 4).
struct UDPHeader {
    enum Field {
        static let sourcePort = 0
        static let destinationPort = 2
        static let length = 4
        static let checksum = 6
        static let payload = 8
    }
    static let length = Field.payload

    let bytes: UnsafeRawBufferPointer

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.length else { return nil }
        self.bytes = bytes
    }

    var sourcePort: UInt16 { bytes.uncheckedBigEndian(at: Field.sourcePort) }
    var destinationPort: UInt16 { bytes.uncheckedBigEndian(at: Field.destinationPort) }
    var length: Int { Int(bytes.uncheckedBigEndian(UInt16.self, at: Field.length)) }

    /// Either port equals `port` (services answer from the port they were asked on).
    @inline(__always) func uses(_ port: UInt16) -> Bool { sourcePort == port || destinationPort == port }
}

extension PacketDecoder {
    /// - Parameter complete: the IP datagram carrying this header was captured whole and is no
    ///   fragment, so a length running past the bytes is malformation rather than a cut.
    func decodeUDP(_ bytes: UnsafeRawBufferPointer, ipIndex: Int, complete: Bool, _ context: DecodeContext,
                   _ packet: inout DecodedPacket) {
        guard let header = UDPHeader(bytes) else { ranOut(context, &packet); return }
        if !context.quote {
            recordTransport(TransportLayer(protocolNumber: IPProtocol.udp.rawValue, sourcePort: header.sourcePort,
                                           destinationPort: header.destinationPort, tcpFlags: 0,
                                           ipLayerIndex: ipIndex), &packet)
        }
        // The datagram's own length decides where it ends; 0 (jumbogram) or a bad value falls
        // back to the IP payload.
        var datagramLength = header.length
        if datagramLength == 0 && packet.ipLayers[ipIndex].family == .v6 {
            datagramLength = bytes.count
        } else if datagramLength < UDPHeader.length || (complete && datagramLength > bytes.count) {
            if !context.quote { packet.note(.udpBadLength) }
            datagramLength = bytes.count
        }
        let payload = bytes.clampedSlice(from: UDPHeader.Field.payload, length: datagramLength - UDPHeader.length)
        let payloadLength = datagramLength - UDPHeader.length
        if !context.quote, packet.transport?.ipLayerIndex == ipIndex, packet.transport?.protocolNumber == 17 {
            packet.transport!.payloadOffset = packet.offset(of: bytes) + UDPHeader.Field.payload
            packet.transport!.payloadCapturedLength = payload.count
            packet.transport!.payloadLength = payloadLength
            if packet.outerTransport?.ipLayerIndex == ipIndex { packet.outerTransport = packet.transport }
        }
        let payloadComplete = complete && payload.count == payloadLength

        // Tunnels first: each on its registered port only (DecoderOptions).
        if header.uses(options.teredoPort),
           decodeTeredo(payload, datagramPayloadLength: payloadLength, context, &packet) {
            if header.uses(Teredo.serverPort) && !context.quote { packet.teredoOnPort3544 = true }
            return
        }
        if header.uses(options.ayiyaPort), decodeAYIYA(payload, context, &packet) { return }
        if header.uses(options.gtpUPort), decodeGTPU(payload, context, &packet) { return }
        if header.uses(options.vxlanPort), decodeVXLAN(payload, context, &packet) { return }
        if header.uses(options.genevePort), decodeGeneve(payload, context, &packet) { return }
        if options.teredoByContent, !header.uses(options.dnsPort),
           Teredo.contentMatches(payload, datagramPayloadLength: payloadLength),
           decodeTeredo(payload, datagramPayloadLength: payloadLength, context, &packet) {
            if header.uses(Teredo.serverPort) && !context.quote { packet.teredoOnPort3544 = true }
            return
        }
        if header.uses(options.dnsPort), !context.quote {
            decodeDNSMessage(payload, complete: payloadComplete, context, &packet)
        }
    }
}
