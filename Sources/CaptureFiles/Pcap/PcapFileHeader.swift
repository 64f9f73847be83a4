import CaptureCore

/// The 24-byte classic pcap file header (pcap-savefile(5); draft-ietf-opsawg-pcap section 4).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          Magic Number                         |  0
/// |         Major Version         |         Minor Version         |  4
/// |                           Reserved1 (thiszone)                |  8
/// |                           Reserved2 (sigfigs)                 | 12
/// |                            SnapLen                            | 16
/// | FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              | 20
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct PcapFileHeader: Sendable, Hashable {
    public enum Field {
        public static let magic = 0, versionMajor = 4, versionMinor = 6, thiszone = 8, sigfigs = 12
        public static let snaplen = 16, linkTypeField = 20
        public static let size = 24
    }

    /// Magic numbers as read big-endian from the first four bytes.
    public enum Magic {
        public static let microsecondsBig: UInt32 = 0xa1b2_c3d4
        public static let microsecondsLittle: UInt32 = 0xd4c3_b2a1
        public static let nanosecondsBig: UInt32 = 0xa1b2_3c4d
        public static let nanosecondsLittle: UInt32 = 0x4d3c_b2a1
    }

    /// libpcap's masks for the link-type field (pcap-common.h): LT_LINKTYPE, LT_FCS_LENGTH_PRESENT, LT_FCS_LENGTH.
    public enum LinkTypeBits {
        public static let linkTypeMask: UInt32 = 0x03ff_ffff
        public static let fcsLengthPresent: UInt32 = 0x0400_0000
        public static let fcsLengthMask: UInt32 = 0xf000_0000
    }

    public var byteOrder: CaptureByteOrder
    public var timestampResolution: TimestampResolution
    public var versionMajor: UInt16
    public var versionMinor: UInt16
    public var snaplen: UInt32
    /// The raw 32-bit link-type field, FCS bits included.
    public var linkTypeField: UInt32

    /// The link type proper (lower bits; a value above 16 bits maps to `.unknown` of its low 16 bits).
    public var linkType: LinkType { LinkType(rawValue: UInt16(truncatingIfNeeded: linkTypeField & LinkTypeBits.linkTypeMask)) }

    /// FCS length in bytes when LT_FCS_LENGTH_PRESENT is set (the 4-bit field counts 16-bit words).
    public var fcsLength: Int? {
        guard linkTypeField & LinkTypeBits.fcsLengthPresent != 0 else { return nil }
        return Int((linkTypeField & LinkTypeBits.fcsLengthMask) >> 28) * 2
    }

    /// Bits set in the link-type field other than the link type and the FCS fields (libpcap's LT_RESERVED1).
    public var reservedLinkTypeBits: UInt32 { linkTypeField & 0x03ff_0000 | (fcsLength == nil ? linkTypeField & LinkTypeBits.fcsLengthMask : 0) }

    /// Reads the header's magic; nil when the bytes are not one of the four pcap magics.
    public static func identify(_ bytes: UnsafeRawBufferPointer) -> (CaptureByteOrder, TimestampResolution)? {
        guard let magic = bytes.readBigEndian(UInt32.self, at: 0) else { return nil }
        switch magic {
        case Magic.microsecondsBig: return (.big, .microseconds)
        case Magic.microsecondsLittle: return (.little, .microseconds)
        case Magic.nanosecondsBig: return (.big, .nanoseconds)
        case Magic.nanosecondsLittle: return (.little, .nanoseconds)
        default: return nil
        }
    }

    /// Parses the header; nil when the magic is wrong or fewer than 24 bytes are present.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Field.size, let (order, resolution) = PcapFileHeader.identify(bytes) else { return nil }
        byteOrder = order
        timestampResolution = resolution
        let big = order == .big
        versionMajor = bytes.u16(Field.versionMajor, big)
        versionMinor = bytes.u16(Field.versionMinor, big)
        snaplen = bytes.u32(Field.snaplen, big)
        linkTypeField = bytes.u32(Field.linkTypeField, big)
    }
}

extension UnsafeRawBufferPointer {
    /// 16-bit integer in the given byte order; caller has checked bounds.
    @inlinable @inline(__always)
    func u16(_ offset: Int, _ big: Bool) -> UInt16 {
        big ? uncheckedBigEndian(UInt16.self, at: offset) : uncheckedLittleEndian(UInt16.self, at: offset)
    }

    /// 32-bit integer in the given byte order; caller has checked bounds.
    @inlinable @inline(__always)
    func u32(_ offset: Int, _ big: Bool) -> UInt32 {
        big ? uncheckedBigEndian(UInt32.self, at: offset) : uncheckedLittleEndian(UInt32.self, at: offset)
    }
}
