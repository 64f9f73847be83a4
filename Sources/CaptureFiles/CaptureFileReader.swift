import CaptureCore

/// Opens any capture file and streams its packets: the one entry point callers need.
///
/// The format is detected from the first four bytes, never from the extension: a pcap magic
/// (`a1b2c3d4`, `a1b23c4d` in either byte order) or a pcapng section header block
/// (`0a0d0d0a`). gzip input (`1f 8b`) is inflated first (see `MappedFile`).
///
/// ```swift
/// let reader = try CaptureFileReader(path: "Captures/dualstack_browsing.pcap")
/// let report = reader.forEachPacket { record in
///     // record.bytes is valid only inside this closure
/// }
/// for w in report.warnings { print(w) }   // "FILE: offset N: REASON [code]"
/// ```
public struct CaptureFileReader {
    public let path: String
    public let format: CaptureFileFormat
    /// The mapped (or inflated) file; kept alive as long as the reader.
    public let file: MappedFile

    /// Opens and maps `path` and identifies its format.
    /// - Throws: `CaptureFileError.cannotOpen` (I/O) or `.unrecognizedFormat` (neither pcap nor pcapng).
    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        guard let f = CaptureFileReader.detectFormat(file.bytes) else {
            throw CaptureFileError.unrecognizedFormat(path: path, magic: file.bytes.readBigEndian(UInt32.self, at: 0))
        }
        format = f
    }

    /// pcap or pcapng from the first four bytes; nil for anything else.
    public static func detectFormat(_ bytes: UnsafeRawBufferPointer) -> CaptureFileFormat? {
        if PcapFileHeader.identify(bytes) != nil { return .pcap }
        if bytes.readBigEndian(UInt32.self, at: 0) == PcapngBlockType.sectionHeader { return .pcapng }
        return nil
    }

    /// Calls `body` for every packet record in file order (the record's bytes are borrowed from
    /// the mapping and valid only during the call), then returns what was found.
    ///
    /// Faults never throw: they become warnings in the report, and every packet before the
    /// fault has been delivered. Only an error thrown by `body` is rethrown (and stops reading).
    public func forEachPacket(_ body: (PacketRecord) throws -> Void) rethrows -> CaptureFileReport {
        var report: CaptureFileReport
        switch format {
        case .pcap: report = try PcapReader(path: path, bytes: file.bytes).read(body)
        case .pcapng: report = try PcapngReader(path: path, bytes: file.bytes).read(body)
        }
        report.compressed = file.wasCompressed
        if let w = file.decompressionWarning { report.warnings.insert(w, at: 0) }
        return report
    }

    /// Reads the whole file without looking at packets (counts, interfaces, warnings only).
    public func scan() -> CaptureFileReport { forEachPacket { _ in } }
}
