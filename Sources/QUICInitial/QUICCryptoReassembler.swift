// CRYPTO stream reassembly for one encryption level (RFC 9000 section 19.6: "There is a separate
// flow of cryptographic handshake data in each encryption level, each of which starts at an
// offset of 0"). Clients split large ClientHellos over several Initial packets and datagrams,
// and some (Chrome) deliberately send CRYPTO frames out of order and in pieces, so data is
// placed by offset and only the contiguous prefix from offset 0 is handed to the TLS parser.
//
// Bounds: bytes are kept only below `capacity` (default 16 KiB); at most `maxRanges` disjoint
// received ranges are tracked (a frame that would create more is dropped and counted). Where
// frames overlap, the bytes first received are kept (RFC 9000 section 2.2 requires resent data at
// an offset to be identical, so the choice only matters for hostile input).

/// Places CRYPTO frame data by offset; bounded, no per-frame allocation once the buffer has grown.
public struct QUICCryptoReassembler: Sendable {
    /// Default bound on the stream bytes held.
    public static let defaultCapacity = 16_384
    /// Most disjoint received ranges tracked.
    public static let maxRanges = 64

    /// Bound on the stream bytes held (offsets at or beyond it are dropped).
    public let capacity: Int
    /// Stream bytes by offset; meaningful inside the received ranges only.
    public private(set) var buffer: [UInt8] = []
    /// Received ranges, sorted and disjoint (adjacent ranges merged).
    public private(set) var ranges: [Range<Int>] = []
    /// Bytes offered at offsets at or beyond `capacity`.
    public private(set) var bytesBeyondCapacity = 0
    /// Frames dropped because they would have exceeded `maxRanges`.
    public private(set) var framesDropped = 0

    public init(capacity: Int = defaultCapacity) { self.capacity = max(0, capacity) }

    /// Bytes available in order from offset 0.
    public var contiguousLength: Int {
        guard let first = ranges.first, first.lowerBound == 0 else { return 0 }
        return first.upperBound
    }

    /// Adds `data` at stream `offset` (a CRYPTO frame's Offset field). Bytes at or beyond
    /// `capacity` are dropped and counted. O(ranges + data.count).
    public mutating func add(offset: UInt64, _ data: UnsafeRawBufferPointer) {
        guard !data.isEmpty else { return }
        guard offset < UInt64(capacity) else { bytesBeyondCapacity += data.count; return }
        let lo = Int(offset)
        let hi = min(lo + data.count, capacity)
        bytesBeyondCapacity += data.count - (hi - lo)
        // Would this frame add a new disjoint range beyond the bound?
        let touches = ranges.contains { $0.lowerBound <= hi && lo <= $0.upperBound }
        if !touches && ranges.count >= Self.maxRanges { framesDropped += 1; return }
        if buffer.count < hi {
            buffer.reserveCapacity(min(capacity, max(hi, 2048)))
            buffer.append(contentsOf: repeatElement(0, count: hi - buffer.count))
        }
        // Copy only into the gaps (first copy wins).
        var cursor = lo
        for r in ranges where r.upperBound > cursor && r.lowerBound < hi {
            if r.lowerBound > cursor { copy(data, from: lo, range: cursor..<r.lowerBound) }
            cursor = max(cursor, r.upperBound)
        }
        if cursor < hi { copy(data, from: lo, range: cursor..<hi) }
        insert(lo..<hi)
    }

    private mutating func copy(_ data: UnsafeRawBufferPointer, from base: Int, range: Range<Int>) {
        buffer.withUnsafeMutableBytes { dst in
            for i in range { dst[i] = data[i - base] }
        }
    }

    private mutating func insert(_ new: Range<Int>) {
        var merged = new
        var out: [Range<Int>] = []
        out.reserveCapacity(ranges.count + 1)
        var placed = false
        for r in ranges {
            if r.upperBound < merged.lowerBound {
                out.append(r)
            } else if merged.upperBound < r.lowerBound {
                if !placed { out.append(merged); placed = true }
                out.append(r)
            } else {
                merged = min(r.lowerBound, merged.lowerBound)..<max(r.upperBound, merged.upperBound)
            }
        }
        if !placed { out.append(merged) }
        ranges = out
    }
}
