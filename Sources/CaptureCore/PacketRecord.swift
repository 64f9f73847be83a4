/// One packet record as a capture file or live source hands it over: metadata plus a
/// borrowed view of the captured bytes.
///
/// `bytes` points into the mapped file (or libpcap's buffer) and is valid only for the duration
/// of the callback that receives the record; copy what you keep. `bytes.count == capturedLength`.
public struct PacketRecord {
    /// Capture time in nanoseconds since the Unix epoch (UTC), after `if_tsresol` and
    /// `if_tsoffset` have been applied.
    public var timestamp: Int64
    /// Bytes captured (caplen); may be less than `originalLength` when snaplen cut the packet.
    public var capturedLength: Int
    /// Bytes on the wire (len / orig_len).
    public var originalLength: Int
    /// Link type of the interface the packet came from.
    public var linkType: LinkType
    /// Interface index within the file (pcapng: per section header block, counted over the
    /// whole file; pcap: always 0).
    public var interfaceIndex: Int
    /// Byte offset of the record (pcap record header / pcapng block) in the file, for warnings.
    public var fileOffset: Int
    /// The captured bytes.
    public var bytes: UnsafeRawBufferPointer
    /// False when the record carries no time (a pcapng Simple Packet Block, section 4.4):
    /// `timestamp` is then 0 and must not be used.
    public var hasTimestamp: Bool = true

    @inlinable
    public init(timestamp: Int64, capturedLength: Int, originalLength: Int, linkType: LinkType,
                interfaceIndex: Int, fileOffset: Int, bytes: UnsafeRawBufferPointer) {
        self.timestamp = timestamp
        self.capturedLength = capturedLength
        self.originalLength = originalLength
        self.linkType = linkType
        self.interfaceIndex = interfaceIndex
        self.fileOffset = fileOffset
        self.bytes = bytes
    }

    /// True when snaplen cut the packet (caplen < original length).
    @inlinable public var isTruncated: Bool { capturedLength < originalLength }
}
