import CaptureCore

/// Builds a classic pcap file in memory (pcap-savefile(5)), for tests and sample captures.
///
/// Any byte order, micro- or nanosecond magic, any version (a minor version below 3 writes
/// caplen and len in swapped order, as those old libpcap versions did), and the FCS bits.
public struct PcapWriter {
    public private(set) var bytes: [UInt8]
    public let byteOrder: CaptureByteOrder
    public let timestampResolution: TimestampResolution
    public let snaplen: UInt32
    public let versionMinor: UInt16
    /// Records appended so far.
    public private(set) var packetCount = 0

    /// Writes the 24-byte file header.
    /// - Parameters:
    ///   - linkType: header link type.
    ///   - snaplen: bytes kept per packet; longer packets are cut (caplen < len).
    ///   - nanoseconds: use the nanosecond magic `a1b23c4d`.
    ///   - fcsLength: bytes of FCS per packet (even, 0...30) to announce with LT_FCS_LENGTH_PRESENT.
    ///   - linkTypeFieldExtraBits: raw bits OR-ed into the link-type field (for fault tests).
    public init(linkType: LinkType, snaplen: UInt32 = 262_144, byteOrder: CaptureByteOrder = .little,
                nanoseconds: Bool = false, versionMajor: UInt16 = 2, versionMinor: UInt16 = 4,
                fcsLength: Int? = nil, linkTypeFieldExtraBits: UInt32 = 0) {
        self.byteOrder = byteOrder
        self.snaplen = snaplen
        self.versionMinor = versionMinor
        timestampResolution = nanoseconds ? .nanoseconds : .microseconds
        var sink = ByteSink(big: byteOrder == .big)
        sink.u32(nanoseconds ? PcapFileHeader.Magic.nanosecondsBig : PcapFileHeader.Magic.microsecondsBig)
        sink.u16(versionMajor)
        sink.u16(versionMinor)
        sink.u32(0)  // thiszone
        sink.u32(0)  // sigfigs
        sink.u32(snaplen)
        var field = UInt32(linkType.rawValue) | linkTypeFieldExtraBits
        if let fcs = fcsLength { field |= PcapFileHeader.LinkTypeBits.fcsLengthPresent | (UInt32(fcs / 2) & 0xf) << 28 }
        sink.u32(field)
        bytes = sink.bytes
    }

    /// Appends one record.
    /// - Parameters:
    ///   - timestamp: nanoseconds since the Unix epoch (>= 0; rounded down to microseconds for the usec magic).
    ///   - packet: the packet bytes; only the first `snaplen` are stored.
    ///   - originalLength: length on the wire (default: `packet.count`).
    public mutating func append(timestamp: Int64, packet: some Collection<UInt8>, originalLength: Int? = nil) {
        let caplen = min(packet.count, Int(snaplen))
        let len = originalLength ?? packet.count
        var sink = ByteSink(big: byteOrder == .big)
        let seconds = timestamp / 1_000_000_000
        let fraction = timestamp % 1_000_000_000
        sink.u32(UInt32(truncatingIfNeeded: seconds))
        sink.u32(UInt32(truncatingIfNeeded: timestampResolution.exponent == 9 ? fraction : fraction / 1000))
        if versionMinor < 3 {
            sink.u32(UInt32(truncatingIfNeeded: len)); sink.u32(UInt32(truncatingIfNeeded: caplen))
        } else {
            sink.u32(UInt32(truncatingIfNeeded: caplen)); sink.u32(UInt32(truncatingIfNeeded: len))
        }
        sink.append(packet.prefix(caplen))
        bytes.append(contentsOf: sink.bytes)
        packetCount += 1
    }

    /// Writes the file. - Throws: `CaptureWriteError`.
    public func write(to path: String) throws { try writeFile(bytes, to: path) }
}
