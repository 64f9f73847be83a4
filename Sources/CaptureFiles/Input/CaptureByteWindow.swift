#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaptureCore

/// A forward-moving window over the bytes of one capture, from which the readers borrow records.
///
/// Readers ask for `count` bytes at an absolute offset; the window returns a pointer into its one
/// reusable buffer, refilling it (with `pread`, or by inflating gzip) only when the request
/// reaches past what it holds. The buffer holds the record being read and what follows, never the
/// file, so memory stays at about one chunk (256 KiB) plus the largest record asked for, whatever the
/// file size or compression ratio.
///
/// Why not `mmap`: a mapped file that shrinks while it is read (log rotation, a
/// `tcpdump -C/-W` ring buffer overwriting its oldest file) kills the process with SIGBUS on the
/// first page past the new end. `pread` instead returns fewer bytes: the window ends there and
/// warns `file_shrank` with the offset, and every record before it has been delivered. Sequential
/// `pread` into a cache-resident buffer costs no more than faulting in mapped pages (BENCHMARKS.md).
///
/// Pointers returned by `bytes` stay valid until the next call whose `keeping` offset is above
/// them (the window then moves): readers keep from the start of the record they are delivering.
struct CaptureByteWindow {
    enum Source {
        /// The whole input is already in memory (tests, fuzzing, `PcapReader(path:bytes:)`).
        case memory
        /// A regular file read with `pread`; `size` is its size when opened.
        case file(descriptor: Int32, size: Int)
        /// A gzip file inflated as the window advances.
        case gzip(GzipStream)
    }

    /// Bytes read per refill, and the first buffer's size: 256 KiB stays in the L2 cache between
    /// the copy and the parse (1 MiB measured slower on the 1 GiB benchmark, BENCHMARKS.md).
    static let chunkBytes = 256 << 10
    /// Largest single request (a pcap record, a pcapng block) the window serves: 64 MiB, far above
    /// any real packet (libpcap refuses pcapng blocks over 16 MiB: sf-pcapng.c
    /// INITIAL_MAX_BLOCKSIZE), so a claimed 4 GiB record cannot make the buffer grow to 4 GiB.
    static let maximumRequestBytes = 64 << 20

    let path: String
    private(set) var base: UnsafeMutableRawPointer
    private var capacity: Int
    private let owned: Bool
    /// Absolute offset of `base[0]`.
    private(set) var start = 0
    /// Absolute offset just past the last byte held.
    private(set) var end = 0
    /// No byte exists past `end` (end of input, or a fault of the source).
    private(set) var exhausted: Bool
    private var source: Source
    /// A fault of the source itself (file shrank, read error, gzip error or cap), at most one.
    private(set) var sourceWarning: CaptureWarning?

    /// A window over bytes already in memory (borrowed, not copied; `bytes` must outlive the window).
    init(path: String, memory bytes: UnsafeRawBufferPointer) {
        self.path = path
        if let b = bytes.baseAddress, bytes.count > 0 {
            base = UnsafeMutableRawPointer(mutating: b)
            capacity = bytes.count
            owned = false
        } else {
            base = .allocate(byteCount: 16, alignment: 16)   // a valid pointer for empty records
            capacity = 16
            owned = true
        }
        end = bytes.count
        exhausted = true
        source = .memory
    }

    /// A window reading `descriptor` (not closed here) with `pread` from offset 0; `size` is the
    /// file size when opened: reading stops there even if the file has grown since.
    init(path: String, descriptor: Int32, size: Int) {
        self.path = path
        capacity = Self.chunkBytes
        base = .allocate(byteCount: capacity, alignment: 16)
        owned = true
        exhausted = size == 0
        source = .file(descriptor: descriptor, size: size)
    }

    /// A window over the inflated bytes of a gzip stream.
    init(path: String, gzip: GzipStream) {
        self.path = path
        capacity = Self.chunkBytes
        base = .allocate(byteCount: capacity, alignment: 16)
        owned = true
        exhausted = false
        source = .gzip(gzip)
    }

    /// Frees the buffer (when owned). Call once, when reading is done.
    mutating func release() {
        if owned { base.deallocate() }
        capacity = 0
        start = 0; end = 0
    }

    /// Bytes the buffer can hold now (tests check that it stays bounded).
    var bufferCapacity: Int { capacity }

    /// `count` bytes at absolute `offset`, or nil when the input ends first (or `count` exceeds
    /// `maximumRequestBytes`). Bytes before `keeping` may be dropped to make room; bytes from
    /// `keeping` on that were returned before stay valid only if this call returns them too.
    @inline(__always)
    mutating func bytes(at offset: Int, count: Int, keeping: Int) -> UnsafeRawBufferPointer? {
        let relative = offset &- start
        if relative >= 0, count <= end &- offset {
            return UnsafeRawBufferPointer(start: base + relative, count: count)
        }
        return refill(at: offset, count: count, keeping: keeping)
    }

    /// Like `bytes`, but returns what exists when the input ends first (possibly nothing): for
    /// the "only N bytes left" of a truncation warning, and for end-of-input tests.
    mutating func bytesUpTo(at offset: Int, count: Int, keeping: Int) -> UnsafeRawBufferPointer {
        if let b = bytes(at: offset, count: min(count, Self.maximumRequestBytes), keeping: keeping) { return b }
        guard offset >= start, offset < end else { return UnsafeRawBufferPointer(start: base, count: 0) }
        return UnsafeRawBufferPointer(start: base + (offset - start), count: min(count, end - offset))
    }

    /// True when no byte exists at `offset` (clean end of input there or before).
    mutating func isAtEnd(_ offset: Int) -> Bool { bytesUpTo(at: offset, count: 1, keeping: offset).isEmpty }

    @inline(never)
    private mutating func refill(at offset: Int, count: Int, keeping: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, count >= 0, count <= Self.maximumRequestBytes else { return nil }
        let keep = min(keeping, offset)
        if case .memory = source { return nil }
        if keep < start {
            // Backwards: only a file can be re-read; gzip and memory never move back.
            guard case .file = source else { return nil }
            start = keep; end = keep
            exhausted = false
        }
        if keep >= end {
            // Nothing held is wanted: for a file, jump; for gzip, inflate and discard up to `keep`.
            if case .file = source {
                start = keep; end = keep
            } else {
                while end < keep && !exhausted {
                    start = end
                    let n = produce(into: base, room: min(capacity, keep - end))
                    end += n
                }
                start = end
                guard end >= keep else { return nil }
            }
        } else if keep > start {
            // Slide the wanted tail to the front of the buffer.
            memmove(base, base + (keep - start), end - keep)
            start = keep
        }
        // The request relative to the buffer start (keep <= offset).
        let needed = offset - start + count
        while end - start < needed && !exhausted {
            if end - start == capacity {
                // Grow only when full and more is needed, so memory follows bytes that exist,
                // not lengths a header claims.
                let grown = max(capacity * 2, Self.chunkBytes)
                let fresh = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
                fresh.copyMemory(from: base, byteCount: end - start)
                if owned { base.deallocate() }
                base = fresh
                capacity = grown
            }
            end += produce(into: base + (end - start), room: capacity - (end - start))
        }
        guard end - start >= needed else { return nil }
        return UnsafeRawBufferPointer(start: base + (offset - start), count: count)
    }

    /// Reads up to `room` bytes at absolute offset `end` into `into`; sets `exhausted` at the end.
    private mutating func produce(into: UnsafeMutableRawPointer, room: Int) -> Int {
        switch source {
        case .memory:
            exhausted = true
            return 0
        case .file(let fd, let size):
            let wanted = min(room, size - end)
            guard wanted > 0 else { exhausted = true; return 0 }
            var n: Int
            repeat { n = pread(fd, into, wanted, off_t(end)) } while n < 0 && errno == EINTR
            if n > 0 { return n }
            exhausted = true
            if n == 0 {
                if sourceWarning == nil {
                    sourceWarning = CaptureWarning(file: path, byteOffset: end, code: "file_shrank",
                                                   reason: "file shrank while being read: \(size) bytes when opened, data ends at offset \(end)")
                }
            } else if sourceWarning == nil {
                sourceWarning = CaptureWarning(file: path, byteOffset: end, code: "read_error",
                                               reason: "read failed: \(String(cString: strerror(errno)))")
            }
            return 0
        case .gzip(let g):
            let n = g.read(into: into, capacity: room)
            if n == 0 {
                exhausted = true
                if sourceWarning == nil { sourceWarning = g.warning }
            }
            return n
        }
    }
}
