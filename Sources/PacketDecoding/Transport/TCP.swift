import CaptureCore

/// TCP header (RFC 9293 section 3.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          Source Port          |       Destination Port        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                        Sequence Number                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Acknowledgment Number                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Data |       |C|E|U|A|P|R|S|F|                               |
/// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
/// |       |       |R|E|G|K|H|T|N|N|                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           Checksum            |         Urgent Pointer        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           [Options]                           |
/// ```
/// Data offset counts 32-bit words, at least 5.
struct TCPHeader {
    enum Field {
        static let sourcePort = 0
        static let destinationPort = 2
        static let sequenceNumber = 4
        static let acknowledgmentNumber = 8
        static let dataOffset = 12
        static let flags = 13
        static let window = 14
        static let checksum = 16
        static let urgentPointer = 18
        static let options = 20
    }
    static let minimumLength = 20
    /// Ports and flags: what the analyses need, and enough to record a cut header.
    static let portsAndFlagsLength = Field.flags + 1

    let bytes: UnsafeRawBufferPointer

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.portsAndFlagsLength else { return nil }
        self.bytes = bytes
    }

    var sourcePort: UInt16 { bytes.uncheckedBigEndian(at: Field.sourcePort) }
    var destinationPort: UInt16 { bytes.uncheckedBigEndian(at: Field.destinationPort) }
    var headerLength: Int { Int(bytes[Field.dataOffset] >> 4) * 4 }
    var flags: UInt8 { bytes[Field.flags] }
    var sequenceNumber: UInt32 { bytes.uncheckedBigEndian(at: Field.sequenceNumber) }
    var acknowledgmentNumber: UInt32 { bytes.uncheckedBigEndian(at: Field.acknowledgmentNumber) }
    var window: UInt16 { bytes.uncheckedBigEndian(at: Field.window) }
}

extension PacketDecoder {
    func decodeTCP(_ bytes: UnsafeRawBufferPointer, ipIndex: Int, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard let header = TCPHeader(bytes) else { ranOut(context, &packet); return }
        // Quoted TCP headers (ICMP errors) are history: counted neither as SYNs nor flows.
        guard !context.quote else { return }
        var layer = TransportLayer(protocolNumber: IPProtocol.tcp.rawValue, sourcePort: header.sourcePort,
                                   destinationPort: header.destinationPort, tcpFlags: header.flags,
                                   ipLayerIndex: ipIndex)
        let headerLength = header.headerLength
        if bytes.count >= TCPHeader.Field.checksum {
            layer.sequenceNumber = header.sequenceNumber
            layer.acknowledgmentNumber = header.acknowledgmentNumber
            layer.window = header.window
        }
        if headerLength >= TCPHeader.minimumLength && headerLength <= bytes.count {
            // Payload as the IP header announces it (bytes is already cut to the datagram).
            let ip = packet.ipLayers[ipIndex]
            let announcedSegment = ip.datagramLength - (packet.offset(of: bytes) - ip.headerOffset)
            layer.payloadOffset = packet.offset(of: bytes) + headerLength
            layer.payloadCapturedLength = bytes.count - headerLength
            layer.payloadLength = ip.isFragment ? layer.payloadCapturedLength : max(announcedSegment - headerLength, layer.payloadCapturedLength)
        }
        recordTransport(layer, &packet)
        guard headerLength >= TCPHeader.minimumLength else { packet.note(.tcpBadDataOffset); return }
        guard headerLength <= bytes.count else { ranOut(context, &packet); return }
        let dnsPort = options.dnsPort
        if header.sourcePort == dnsPort || header.destinationPort == dnsPort {
            decodeDNSOverTCP(bytes.clampedSlice(from: headerLength), context, &packet)
        }
    }

    /// `transport` ends as the innermost header, `outerTransport` keeps the first.
    @inline(__always)
    func recordTransport(_ layer: TransportLayer, _ packet: inout DecodedPacket) {
        if packet.outerTransport == nil { packet.outerTransport = layer }
        packet.transport = layer
    }
}
