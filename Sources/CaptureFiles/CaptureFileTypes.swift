import CaptureCore

/// Container format of a capture file, detected from its first four bytes.
public enum CaptureFileFormat: String, Sendable, Codable, Hashable {
    /// Classic libpcap savefile (pcap-savefile(5)).
    case pcap
    /// PCAP Next Generation (draft-ietf-opsawg-pcapng).
    case pcapng
}

/// Byte order a pcap file header or pcapng section was written in.
public enum CaptureByteOrder: String, Sendable, Codable, Hashable, Comparable {
    case big, little

    public static func < (a: CaptureByteOrder, b: CaptureByteOrder) -> Bool { a.rawValue < b.rawValue }
}

/// Timestamp unit of an interface: 10^-exponent or 2^-exponent seconds.
///
/// pcap: microseconds unless the nanosecond magic is used. pcapng: `if_tsresol` (option 9, one
/// byte): the high bit selects base 2, the low 7 bits are the exponent; absent means 10^-6.
public struct TimestampResolution: Sendable, Codable, Hashable, CustomStringConvertible {
    /// 10 or 2.
    public var base: Int
    /// Units are base^-exponent seconds.
    public var exponent: Int

    public init(base: Int, exponent: Int) { self.base = base; self.exponent = exponent }

    public static let microseconds = TimestampResolution(base: 10, exponent: 6)
    public static let nanoseconds = TimestampResolution(base: 10, exponent: 9)

    /// Decodes the `if_tsresol` option byte.
    public init(ifTsresol byte: UInt8) {
        if byte & 0x80 != 0 { self.init(base: 2, exponent: Int(byte & 0x7f)) } else { self.init(base: 10, exponent: Int(byte)) }
    }

    /// `usec`, `nsec`, `msec`, `sec`, `2^-N` or `10^-N` (the spelling of EXPECTED.tsv / capinfos).
    public var description: String {
        if base == 2 { return "2^-\(exponent)" }
        switch exponent {
        case 0: return "sec"
        case 3: return "msec"
        case 6: return "usec"
        case 9: return "nsec"
        default: return "10^-\(exponent)"
        }
    }

    /// Converts `units` of this resolution to nanoseconds (wrapping on absurd values, never trapping).
    @inlinable
    public func nanoseconds(_ units: UInt64) -> Int64 {
        if base == 10 {
            if exponent == 9 { return Int64(bitPattern: units) }
            if exponent < 9 { return Int64(bitPattern: units &* TimestampResolution.pow10[9 - exponent]) }
            let e = exponent - 9
            return e < 20 ? Int64(bitPattern: units / TimestampResolution.pow10[e]) : 0
        }
        if exponent == 0 { return Int64(bitPattern: units &* 1_000_000_000) }
        if exponent >= 64 { return 0 }
        let seconds = units >> UInt64(exponent)
        let fraction = units & ((1 << UInt64(exponent)) &- 1)
        // fraction * 1e9 / 2^exponent without overflow: 128-bit product, then shift.
        let (high, low) = fraction.multipliedFullWidth(by: 1_000_000_000)
        let nanos = exponent == 64 ? high : (high << UInt64(64 - exponent)) | (low >> UInt64(exponent))
        return Int64(bitPattern: seconds &* 1_000_000_000 &+ nanos)
    }

    @usableFromInline static let pow10: [UInt64] = {
        var p: [UInt64] = [1]
        for _ in 1..<20 { p.append(p.last! &* 10) }
        return p
    }()
}

/// One capture interface: the pcap file header, or a pcapng interface description block.
public struct CaptureInterface: Sendable, Codable, Hashable {
    /// Index over the whole file (pcapng: IDBs of earlier sections counted first); pcap: 0.
    public var index: Int
    /// Section number (0-based; pcap: 0).
    public var section: Int
    /// Link type (LINKTYPE_ number, FCS bits removed).
    public var linkType: LinkType
    /// Maximum captured bytes per packet (0 = no limit declared).
    public var snaplen: Int
    public var timestampResolution: TimestampResolution
    /// pcapng `if_tsoffset` (option 14): seconds added to every timestamp.
    public var timestampOffsetSeconds: Int64
    /// Bytes of frame check sequence at the end of each packet, when the file says:
    /// pcap's LT_FCS_LENGTH_PRESENT bit with LT_FCS_LENGTH (in 16-bit units, pcap-savefile(5)),
    /// pcapng `if_fcslen` (option 13).
    public var fcsLength: Int?
    /// pcapng `if_name` (option 2).
    public var name: String?

    public init(index: Int, section: Int, linkType: LinkType, snaplen: Int,
                timestampResolution: TimestampResolution, timestampOffsetSeconds: Int64 = 0,
                fcsLength: Int? = nil, name: String? = nil) {
        self.index = index
        self.section = section
        self.linkType = linkType
        self.snaplen = snaplen
        self.timestampResolution = timestampResolution
        self.timestampOffsetSeconds = timestampOffsetSeconds
        self.fcsLength = fcsLength
        self.name = name
    }
}

/// What reading one capture file found: the file-level facts and every warning.
public struct CaptureFileReport: Sendable, Codable, Hashable {
    public var path: String
    public var format: CaptureFileFormat
    /// Byte order of the pcap header, or of each pcapng section header block in file order.
    public var sectionByteOrders: [CaptureByteOrder]
    /// Version from the file / first section header (major, minor).
    public var versionMajor: Int
    public var versionMinor: Int
    /// Every interface, in file order.
    public var interfaces: [CaptureInterface]
    /// Packet records delivered to the caller.
    public var packetsRead: Int
    /// Sum of captured lengths (caplen) of delivered records, in bytes.
    public var capturedBytes: Int
    /// Sum of original (wire) lengths of delivered records, in bytes.
    public var originalBytes: Int
    /// Delivered records whose caplen < original length (cut by snaplen).
    public var truncatedPackets: Int
    /// True when the input was gzip-compressed.
    public var compressed: Bool
    /// Problems found, in file order (a fault of the file itself, such as `file_shrank` or a
    /// `gzip_*` warning, comes first). After a framing fault the reader resynchronises on the
    /// next chain of valid records (`resynchronized`), or stops when there is none; every packet
    /// before a fault is kept.
    public var warnings: [CaptureWarning]

    public init(path: String, format: CaptureFileFormat) {
        self.path = path
        self.format = format
        sectionByteOrders = []
        versionMajor = 0
        versionMinor = 0
        interfaces = []
        packetsRead = 0
        capturedBytes = 0
        originalBytes = 0
        truncatedPackets = 0
        compressed = false
        warnings = []
    }

    /// Distinct byte orders, sorted (`big`, `little`).
    public var byteOrders: [CaptureByteOrder] { Array(Set(sectionByteOrders)).sorted() }

    /// Distinct timestamp resolutions over all interfaces, sorted by spelling; when there is no
    /// interface the format default (microseconds, or the pcap magic's unit) applies.
    public var timestampResolutions: [TimestampResolution] {
        Array(Set(interfaces.map(\.timestampResolution))).sorted { $0.description < $1.description }
    }

    /// Distinct link types in interface order. Linear in the interfaces (a set of seen link
    /// types, not a scan of the list per interface: 65,536 interfaces of distinct link types
    /// cost 65,536 steps, not 2 billion).
    public var linkTypes: [LinkType] {
        var seen = Set<LinkType>(minimumCapacity: min(interfaces.count, 1 << 16))
        var ordered: [LinkType] = []
        for i in interfaces where seen.insert(i.linkType).inserted { ordered.append(i.linkType) }
        return ordered
    }
}

/// Why a capture file could not be read at all.
public enum CaptureFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// open/stat/mmap failed, or the path is not a regular file.
    case cannotOpen(path: String, reason: String)
    /// The first four bytes are neither a pcap magic nor a pcapng section header block.
    case unrecognizedFormat(path: String, magic: UInt32?)

    /// `PATH: REASON`, for a one-line error.
    public var description: String {
        switch self {
        case .cannotOpen(let p, _), .unrecognizedFormat(let p, _): return "\(p): \(reason)"
        }
    }

    /// The reason without the path, for a warning that already names the file
    /// (`FILE: offset 0: REASON`).
    public var reason: String {
        switch self {
        case .cannotOpen(_, let r): return "cannot open: \(r)"
        case .unrecognizedFormat(_, let m):
            guard let m else { return "not a capture file (shorter than 4 bytes)" }
            let hex = String(m, radix: 16)
            return "not a pcap or pcapng file (magic 0x\(String(repeating: "0", count: 8 - hex.count))\(hex))"
        }
    }
}

/// Running packet totals of one read, kept in a local during the record loop and stored into
/// the report once at the end (one place for the pcap and pcapng readers' counting rule).
struct RecordTotals {
    var packets = 0, capturedBytes = 0, originalBytes = 0, truncated = 0

    /// Counts one delivered record; `capturedLength < originalLength` means snaplen cut it.
    @inline(__always)
    mutating func count(capturedLength: Int, originalLength: Int) {
        packets += 1
        capturedBytes &+= capturedLength
        originalBytes &+= originalLength
        if capturedLength < originalLength { truncated += 1 }
    }

    func store(into report: inout CaptureFileReport) {
        report.packetsRead = packets
        report.capturedBytes = capturedBytes
        report.originalBytes = originalBytes
        report.truncatedPackets = truncated
    }
}
