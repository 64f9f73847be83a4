#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaptureCore

/// One capture file opened for reading: a regular file, plain or gzip-compressed, read forward
/// in chunks by the readers (see `CaptureByteWindow`), never mapped and never inflated whole.
///
/// * The file is opened once (`O_RDONLY | O_NONBLOCK`, so a FIFO named like a capture cannot
///   block `open`; it is then refused as not a regular file) and stays open while this object
///   lives. Each read pass `pread`s from offset 0 up to the size the file had when opened: a file
///   still being written is read as it was, and a file that shrinks ends early with a
///   `file_shrank` warning instead of a SIGBUS.
/// * gzip input is detected by its magic `1f 8b` (RFC 1952 section 2.3.1), not by its name, and
///   inflated as it is read with memory bounded by a window (about 0.5 MiB plus the largest
///   record). Offsets in records and warnings are then offsets in the decompressed stream (what
///   `zcat FILE | xxd` shows), except those of the gzip layer's own warnings (`gzip_*`), which
///   are in the compressed file and say "(compressed offset)".
/// * `maximumInflatedBytes` caps the inflated bytes read from a gzip file: a gzip bomb is read
///   up to the cap, the prefix is kept and `gzip_too_large` warns. With streaming the cap no
///   longer guards memory, only time (4 GiB of zeros inflate in a few seconds).
public final class CaptureInputFile {
    /// Path as given by the caller (used in warnings).
    public let path: String
    /// True when the file is gzip-compressed (records come from the inflated stream).
    public let wasCompressed: Bool
    /// Size of the file on disk when opened, in bytes (compressed size for gzip).
    public let fileSize: Int
    /// Cap on the inflated size of gzip input, in bytes.
    public let maximumInflatedBytes: Int
    private let descriptor: Int32

    /// Default cap on the inflated bytes of one gzip capture (4 GiB).
    public static let defaultMaximumInflatedBytes = 4 << 30

    /// Opens `path` for reading.
    /// - Parameter maximumInflatedBytes: cap on the inflated bytes of gzip input (bytes).
    /// - Throws: `CaptureFileError.cannotOpen` (with the errno text) when the file cannot be
    ///   opened or stat'ed, or is not a regular file.
    public init(path: String, maximumInflatedBytes: Int = CaptureInputFile.defaultMaximumInflatedBytes) throws {
        self.path = path
        self.maximumInflatedBytes = max(1, maximumInflatedBytes)
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw CaptureFileError.cannotOpen(path: path, reason: CaptureInputFile.errnoText()) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = CaptureInputFile.errnoText()
            close(fd)
            throw CaptureFileError.cannotOpen(path: path, reason: reason)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw CaptureFileError.cannotOpen(path: path, reason: "not a regular file")
        }
        descriptor = fd
        fileSize = Int(st.st_size)
        var magic: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 2, 0) }
        wasCompressed = n == 2 && magic.0 == 0x1f && magic.1 == 0x8b
        #if canImport(Glibc)
        // Sequential reads: ask the kernel for aggressive readahead (posix_fadvise(2)).
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
    }

    deinit { close(descriptor) }

    /// A fresh window positioned at offset 0 (inflating from the start for gzip).
    func makeWindow() -> CaptureByteWindow {
        if wasCompressed {
            return CaptureByteWindow(path: path, gzip: GzipStream(descriptor: descriptor, path: path, size: fileSize,
                                                                  limit: maximumInflatedBytes))
        }
        return CaptureByteWindow(path: path, descriptor: descriptor, size: fileSize)
    }

    /// Up to the first `count` bytes of the (inflated) content, for format detection.
    public func prefix(_ count: Int) -> [UInt8] {
        var window = makeWindow()
        defer { window.release() }
        return Array(window.bytesUpTo(at: 0, count: count, keeping: 0))
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
