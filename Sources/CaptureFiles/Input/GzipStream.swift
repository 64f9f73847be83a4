#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import CaptureCore

/// Streaming gzip decompression (RFC 1952) of an open file, chunk by chunk, for the reader window.
///
/// Memory is bounded whatever the file holds: one 256 KiB buffer of compressed input plus
/// zlib's 32 KiB history window; the caller supplies the output buffer. Concatenated gzip members
/// (RFC 1952 section 2.2) are all inflated; bytes after the last member that do not start a new
/// member (`1f`) are ignored, as gzip(1) does with trailing garbage.
///
/// Faults never throw. Each ends the stream and leaves one warning whose offset is in the
/// *compressed* file (the reason ends "(compressed offset)"):
/// * `gzip_error`: corrupt deflate data or header (zlib's message);
/// * `gzip_truncated`: the file ends before the member's trailer;
/// * `gzip_too_large`: more than `limit` bytes inflated (a gzip bomb; the prefix is kept);
/// * `gzip_file_shrank`: the compressed file became shorter than it was when opened;
/// * `gzip_read_error`: read(2) failed (errno text).
final class GzipStream {
    private let descriptor: Int32
    private let path: String
    private let compressedSize: Int
    private let limit: Int
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawPointer
    private static let inputCapacity = 256 << 10
    /// Compressed bytes read from the file so far.
    private var readOffset = 0
    /// Inflated bytes handed out so far.
    private(set) var produced = 0
    private var finished = false
    private var initialised = false
    private(set) var warning: CaptureWarning?

    /// - Parameters:
    ///   - descriptor: an open file positioned anywhere (reads use `pread` from offset 0); not closed here.
    ///   - size: the compressed file's size when it was opened (bytes).
    ///   - limit: cap on the inflated bytes (bytes); beyond it the stream ends with `gzip_too_large`.
    init(descriptor: Int32, path: String, size: Int, limit: Int) {
        self.descriptor = descriptor
        self.path = path
        compressedSize = size
        self.limit = max(1, limit)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: GzipStream.inputCapacity, alignment: 16)
        // windowBits 15 + 32: zlib detects the gzip header itself (zlib.h, inflateInit2). The
        // z_stream stays at one heap address: zlib's state points back at it.
        if inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK {
            initialised = true
        } else {
            finish("gzip_error", at: 0, "zlib initialisation failed")
        }
    }

    deinit {
        if initialised { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Compressed offset of the next byte zlib would consume.
    private var consumedOffset: Int { readOffset - Int(stream.pointee.avail_in) }

    private func finish(_ code: String, at offset: Int, _ reason: String) {
        finished = true
        if warning == nil { warning = CaptureWarning(file: path, byteOffset: offset, code: code, reason: reason + " (compressed offset)") }
    }

    /// Refills the compressed input buffer when zlib has used it all. Returns false at the end of
    /// the file (size at open reached, or the file shrank: then a `file_shrank` warning).
    private func refillInput() -> Bool {
        if stream.pointee.avail_in > 0 { return true }
        let wanted = min(GzipStream.inputCapacity, compressedSize - readOffset)
        guard wanted > 0 else { return false }
        var n: Int
        repeat { n = pread(descriptor, input, wanted, off_t(readOffset)) } while n < 0 && errno == EINTR
        if n < 0 {
            finish("gzip_read_error", at: readOffset, "read failed: \(String(cString: strerror(errno)))")
            return false
        }
        if n == 0 {
            finish("gzip_file_shrank", at: readOffset,
                   "file shrank while being read: \(compressedSize) bytes when opened, data ends at offset \(readOffset)")
            return false
        }
        stream.pointee.next_in = input.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(n)
        readOffset += n
        return true
    }

    /// Inflates up to `capacity` bytes into `output`; returns how many were written. 0 means the
    /// stream has ended (cleanly, or with `warning` set).
    func read(into output: UnsafeMutableRawPointer, capacity: Int) -> Int {
        guard !finished, capacity > 0 else { return 0 }
        if produced >= limit {
            // At the cap: any further byte makes this a bomb; a stream that ends here is fine.
            var probe: UInt8 = 0
            let extra = withUnsafeMutablePointer(to: &probe) { inflateSome(into: UnsafeMutableRawPointer($0), capacity: 1) }
            if extra > 0 {
                finish("gzip_too_large", at: consumedOffset,
                       "inflated data exceeds the \(limit)-byte limit (gzip bomb?); only the first \(limit) bytes are read")
            }
            finished = true
            return 0
        }
        let n = inflateSome(into: output, capacity: min(capacity, limit - produced))
        produced += n
        return n
    }

    /// Inflate calls until `output` is full or the stream ends (refilling the input as needed).
    private func inflateSome(into output: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let z = stream
        z.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        z.pointee.avail_out = uInt(min(capacity, Int(UInt32.max)))
        let start = Int(z.pointee.avail_out)
        while !finished {
            if z.pointee.avail_in == 0, !refillInput() {
                if !finished {
                    finish("gzip_truncated", at: consumedOffset, "gzip stream ends before its trailer")
                }
                break
            }
            let rc = inflate(z, Z_NO_FLUSH)
            if rc == Z_STREAM_END {
                // RFC 1952 section 2.2: several members may follow one another; anything else
                // after a member is trailing garbage and ends the stream.
                if z.pointee.avail_in == 0 { _ = refillInput() }
                if z.pointee.avail_in > 0, z.pointee.next_in.pointee == 0x1f {
                    inflateReset(z)
                } else {
                    finished = true
                }
            } else if rc == Z_BUF_ERROR {
                // No progress possible: either output is full (return what we have) or input is
                // needed (loop refills it, or reports truncation at the end of the file).
                if z.pointee.avail_out == 0 { break }
                if z.pointee.avail_in > 0 {
                    finish("gzip_error", at: consumedOffset, "corrupt gzip stream: no progress")
                }
            } else if rc != Z_OK {
                let msg = z.pointee.msg.map { String(cString: $0) } ?? "code \(rc)"
                finish("gzip_error", at: consumedOffset, "corrupt gzip stream: \(msg)")
            }
            if z.pointee.avail_out == 0 { break }
        }
        return start - Int(z.pointee.avail_out)
    }
}
