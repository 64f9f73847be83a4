import CaptureCore

/// Opens any capture file and streams its packets: the one entry point callers need.
///
/// The format is detected from the first four bytes, never from the extension: a pcap magic
/// (`a1b2c3d4`, `a1b23c4d` in either byte order) or a pcapng section header block
/// (`0a0d0d0a`). gzip input (`1f 8b`) is inflated as it is read (see `CaptureInputFile`).
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
    /// The open file; kept open as long as the reader.
    public let file: CaptureInputFile

    /// Opens `path` and identifies its format.
    /// - Parameter maximumInflatedBytes: cap on the inflated bytes of gzip input (bytes).
    /// - Throws: `CaptureFileError.cannotOpen` (I/O) or `.unrecognizedFormat` (neither pcap nor pcapng).
    public init(path: String, maximumInflatedBytes: Int = CaptureInputFile.defaultMaximumInflatedBytes) throws {
        self.path = path
        file = try CaptureInputFile(path: path, maximumInflatedBytes: maximumInflatedBytes)
        let head = file.prefix(4)
        guard let f = head.withUnsafeBytes({ CaptureFileReader.detectFormat($0) }) else {
            throw CaptureFileError.unrecognizedFormat(path: path, magic: head.withUnsafeBytes { $0.readBigEndian(UInt32.self, at: 0) })
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
    /// the reader's buffer and valid only during the call), then returns what was found.
    ///
    /// Faults never throw: they become warnings in the report. After damage in the middle of the
    /// file the reader resynchronises on the next chain of valid records (warning
    /// `resynchronized` with both offsets), so only the damaged bytes are lost. A fault of the
    /// file itself (it shrank while read, a gzip error or the gzip size cap) comes first in the
    /// warnings. Only an error thrown by `body` is rethrown (and stops reading).
    public func forEachPacket(_ body: (PacketRecord) throws -> Void) rethrows -> CaptureFileReport {
        var window = file.makeWindow()
        defer { window.release() }
        var report: CaptureFileReport
        switch format {
        case .pcap: report = try PcapReader.read(path: path, window: &window, body)
        case .pcapng: report = try PcapngReader.read(path: path, window: &window, body)
        }
        report.compressed = file.wasCompressed
        if let w = window.sourceWarning { report.warnings.insert(w, at: 0) }
        return report
    }

    /// Reads the whole file without looking at packets (counts, interfaces, warnings only).
    public func scan() -> CaptureFileReport { forEachPacket { _ in } }
}
