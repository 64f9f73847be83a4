#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import CaptureCore

/// The bytes of one capture file, read-only, valid for the lifetime of the `MappedFile`.
///
/// Plain files are mapped with `mmap(PROT_READ, MAP_PRIVATE)` and advised `MADV_SEQUENTIAL`,
/// so the kernel reads ahead and the heap stays flat whatever the file size. An empty file gets
/// an empty buffer (mmap of length 0 is an error, so it is never attempted).
///
/// A gzip file (detected by its magic `1f 8b`, RFC 1952 section 2.3.1, not by its name) is
/// inflated with zlib into **one heap buffer** holding the whole decompressed capture: simple and
/// fast, but heap grows with the decompressed size. Concatenated gzip members are all inflated.
/// A corrupt or cut gzip stream keeps what was inflated before the fault and records a
/// `decompressionWarning` (code `gzip_error` or `gzip_truncated`) instead of throwing.
/// For gzip input, byte offsets in records and warnings are offsets in the decompressed stream
/// (what `zcat FILE | xxd` shows), except the decompression warning's own offset, which is in
/// the compressed file: its reason ends "(compressed offset)" so the two cannot be confused.
///
/// Hostile input is bounded: the inflated size is capped at `maximumInflatedBytes` (a gzip bomb
/// inflates up to the cap, keeps that prefix and warns `gzip_too_large`), the trailer's ISIZE is
/// only a sizing hint when deflate could really reach it (at most 1032:1, RFC 1951's best ratio),
/// and FIFOs, devices and directories are refused without blocking in `open`.
public final class MappedFile {
    /// Path as given by the caller (used in warnings).
    public let path: String
    /// The (decompressed) file contents.
    public let bytes: UnsafeRawBufferPointer
    /// True when the file was gzip-compressed and `bytes` is the inflated copy.
    public let wasCompressed: Bool
    /// Size of the file on disk in bytes (compressed size for `.gz`).
    public let fileSize: Int
    /// Set when the gzip stream was corrupt or cut short; `bytes` holds what came before it.
    public let decompressionWarning: CaptureWarning?

    private enum Storage { case none, mapped(UnsafeMutableRawPointer, Int), heap(UnsafeMutableRawPointer) }
    private let storage: Storage

    /// Default cap on the inflated size of a gzip capture, in bytes (4 GiB): the inflated copy
    /// lives on the heap, so an unbounded gzip bomb would exhaust memory.
    public static let defaultMaximumInflatedBytes = 4 << 30

    /// Opens and maps `path`.
    /// - Parameter maximumInflatedBytes: cap on the inflated size of gzip input (bytes); beyond
    ///   it the prefix is kept and `decompressionWarning` says `gzip_too_large`.
    /// - Throws: `CaptureFileError.cannotOpen` (with errno text) when the file cannot be opened,
    ///   stat'ed or mapped, or is not a regular file.
    public init(path: String, maximumInflatedBytes: Int = MappedFile.defaultMaximumInflatedBytes) throws {
        self.path = path
        // O_NONBLOCK: opening a FIFO named like a capture would otherwise block until a writer
        // appears (a hang); the fstat check below then refuses it. No effect on regular files.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw CaptureFileError.cannotOpen(path: path, reason: MappedFile.errnoText()) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CaptureFileError.cannotOpen(path: path, reason: MappedFile.errnoText()) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw CaptureFileError.cannotOpen(path: path, reason: "not a regular file")
        }
        let size = Int(st.st_size)
        fileSize = size
        if size == 0 {
            storage = .none
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            wasCompressed = false
            decompressionWarning = nil
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw CaptureFileError.cannotOpen(path: path, reason: "mmap: " + MappedFile.errnoText())
        }
        _ = madvise(base, size, Int32(MADV_SEQUENTIAL))
        let mapped = UnsafeRawBufferPointer(start: base, count: size)
        if size >= 2, mapped[0] == 0x1f, mapped[1] == 0x8b {
            let (buffer, count, warning) = MappedFile.gunzip(mapped, path: path, limit: max(1, maximumInflatedBytes))
            munmap(base, size)
            storage = buffer.map { Storage.heap($0) } ?? Storage.none
            bytes = UnsafeRawBufferPointer(start: buffer, count: count)
            wasCompressed = true
            decompressionWarning = warning
        } else {
            storage = .mapped(base, size)
            bytes = mapped
            wasCompressed = false
            decompressionWarning = nil
        }
    }

    deinit {
        switch storage {
        case .none: break
        case .mapped(let p, let n): munmap(p, n)
        case .heap(let p): free(p)
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Inflates every gzip member of `input` into one malloc'd buffer of at most `limit` bytes.
    private static func gunzip(_ input: UnsafeRawBufferPointer, path: String, limit: Int)
        -> (UnsafeMutableRawPointer?, Int, CaptureWarning?) {
        // The gzip trailer's ISIZE (RFC 1952 section 2.3.1) is the last member's size mod 2^32:
        // a good first guess for one-member files; otherwise start at 4x and double. ISIZE is
        // attacker-controlled (a 6-byte file claimed 4 GiB: fuzz finding), so it is believed only
        // up to deflate's best ratio (1032:1) and the cap.
        let isize = input.count >= 4 ? Int(input.uncheckedLittleEndian(UInt32.self, at: input.count - 4)) : 0
        let plausible = isize >= input.count / 2 && isize <= input.count.multipliedReportingOverflow(by: 1032).partialValue
        var capacity = plausible ? isize + 1 : min(max(input.count * 4, 1 << 16), 1 << 28)
        capacity = min(max(capacity, 1 << 16), limit)
        guard var out = malloc(capacity) else { return (nil, 0, nil) }
        var produced = 0
        var warning: CaptureWarning?
        var stream = z_stream()
        // windowBits 15 + 32: zlib detects the gzip header itself (zlib.h, inflateInit2).
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            free(out)
            return (nil, 0, CaptureWarning(file: path, byteOffset: 0, code: "gzip_error", reason: "zlib initialisation failed"))
        }
        defer { inflateEnd(&stream) }
        var consumed = 0
        while consumed < input.count {
            if produced == capacity {
                guard capacity < limit else {
                    warning = CaptureWarning(file: path, byteOffset: consumed, code: "gzip_too_large",
                                             reason: "inflated data exceeds the \(limit)-byte limit (gzip bomb?); only the first \(limit) bytes are read (compressed offset)")
                    break
                }
                capacity = min(capacity * 2, limit)
                guard let grown = realloc(out, capacity) else {
                    warning = CaptureWarning(file: path, byteOffset: consumed, code: "gzip_error", reason: "out of memory while inflating (compressed offset)")
                    break
                }
                out = grown
            }
            let chunkIn = min(input.count - consumed, Int(UInt32.max))
            let chunkOut = min(capacity - produced, Int(UInt32.max))
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.advanced(by: consumed).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(chunkIn)
            stream.next_out = out.advanced(by: produced).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(chunkOut)
            let rc = inflate(&stream, Z_NO_FLUSH)
            consumed += chunkIn - Int(stream.avail_in)
            produced += chunkOut - Int(stream.avail_out)
            if rc == Z_STREAM_END {
                // RFC 1952 section 2.2: a gzip file may hold several members; continue after this one
                // unless only padding remains.
                if consumed < input.count, input[consumed] == 0x1f { inflateReset(&stream); continue }
                break
            }
            if rc == Z_BUF_ERROR && stream.avail_out != 0 {
                warning = CaptureWarning(file: path, byteOffset: consumed, code: "gzip_truncated", reason: "gzip stream ends before its trailer (compressed offset)")
                break
            }
            if rc != Z_OK && rc != Z_BUF_ERROR {
                let msg = stream.msg.map { String(cString: $0) } ?? "code \(rc)"
                warning = CaptureWarning(file: path, byteOffset: consumed, code: "gzip_error", reason: "corrupt gzip stream: \(msg) (compressed offset)")
                break
            }
            if rc == Z_OK && consumed == input.count && stream.avail_out != 0 {
                warning = CaptureWarning(file: path, byteOffset: consumed, code: "gzip_truncated", reason: "gzip stream ends before its trailer (compressed offset)")
                break
            }
        }
        return (out, produced, warning)
    }
}
