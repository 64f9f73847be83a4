// Reassembles the first bytes of a client's TCP stream until the ClientHello they start is
// whole, for ClientHellos split across segments (post-quantum key shares make 1.5-2 KiB hellos
// common, more than one 1460-byte segment).
//
// Use: one accumulator per connection (empty, it holds no heap memory), given the client's data
// segments until it answers `.done`. When the stream's first segment holds the whole ClientHello
// (the common case) it is parsed in place and nothing is copied; bytes are copied only for a
// ClientHello split across segments or arriving out of order. Pass `initialSequence` (the SYN's
// sequence number + 1) when the handshake was seen, so a first segment that arrives late is
// still placed at offset 0.
//
// Policy (kept deliberately small; RFC 9293 section 3.10.7.4 describes the receiver's rules):
// * Stream offset 0 is `initialSequence` when the caller knows it (SYN's sequence + 1), else the
//   sequence number of the first segment added. Offsets use 32-bit serial arithmetic (RFC 1982),
//   so sequence wrap-around is handled.
// * Bytes already held are never replaced (first copy wins, as most stacks and Zeek's default):
//   a retransmission or overlap only contributes the bytes beyond what is held.
// * A segment that starts beyond the held bytes (a gap: reordering or a lost segment) is kept
//   aside, copied, up to `maxPendingSegments`; it is used once the gap fills. More are dropped
//   and counted.
// * At most `capacity` bytes (default 16 KiB) are held. A ClientHello that needs more is read
//   partially from what is held (`isComplete == false`), which usually still has the SNI.
// * Bytes before stream offset 0 are ignored.

/// Outcome of `TLSClientHelloAccumulator.add`.
public enum TLSClientHelloAccumulation: Sendable, Equatable {
    /// The stream is not yet long enough; add the next client segment.
    case needMore
    /// Finished: the parse of the gathered bytes (a ClientHello, possibly partial when the
    /// capacity was reached, or `.notClientHello` / `.malformed`). Later `add` calls return the same.
    case done(TLSClientHelloResult)
}

/// A bounded per-connection buffer for the client's first TCP payload bytes (see the policy above).
/// Memory: at most `capacity` bytes plus `maxPendingSegments` segments of at most `capacity` bytes.
public struct TLSClientHelloAccumulator: Sendable {
    /// Default bound on the bytes held: 16 KiB (one maximal TLS record is 16 KiB + 5).
    public static let defaultCapacity = 16_384
    /// Out-of-order segments held while waiting for a gap to fill.
    public static let maxPendingSegments = 4

    /// Bound on the bytes held.
    public let capacity: Int
    /// The in-order stream bytes gathered so far (from stream offset 0).
    public private(set) var bytes: [UInt8] = []
    /// Payload bytes that repeated bytes already held (retransmissions, overlaps).
    public private(set) var duplicateBytes = 0
    /// Segments that arrived beyond a gap and were kept aside.
    public private(set) var outOfOrderSegments = 0
    /// Segments dropped: beyond a gap with `maxPendingSegments` already held, or past `capacity`.
    public private(set) var droppedSegments = 0
    /// True when the ClientHello needed more than `capacity` bytes.
    public private(set) var reachedCapacity = false

    private var base: UInt32?
    private var wanted = 1
    private var pending: [(offset: Int, bytes: [UInt8])] = []
    private var result: TLSClientHelloResult?

    /// - Parameters:
    ///   - capacity: most bytes held (>= 6).
    ///   - initialSequence: sequence number of stream byte 0 (the SYN's sequence number + 1), when known.
    public init(capacity: Int = defaultCapacity, initialSequence: UInt32? = nil) {
        self.capacity = max(6, capacity)
        self.base = initialSequence
    }

    /// Adds one client TCP segment's payload (`payload` captured bytes, starting at TCP sequence
    /// number `sequenceNumber`). Copies what it keeps; nothing refers to `payload` afterwards.
    public mutating func add(_ payload: UnsafeRawBufferPointer, sequenceNumber: UInt32) -> TLSClientHelloAccumulation {
        if let result { return .done(result) }
        guard !payload.isEmpty else { return .needMore }
        let start = base ?? sequenceNumber
        base = start
        // Serial-number difference (RFC 1982): a segment at most 2^31 before or after offset 0.
        var offset = Int(Int32(bitPattern: sequenceNumber &- start))
        var data = payload
        if offset < 0 {  // begins before stream offset 0: keep only what follows it
            guard -offset < data.count else { duplicateBytes += data.count; return .needMore }
            data = data.clampedSlice(from: -offset)
            offset = 0
        }
        if offset > bytes.count {
            if pending.count < Self.maxPendingSegments, offset < capacity {
                outOfOrderSegments += 1
                pending.append((offset, Array(data.clampedSlice(from: 0, length: capacity - offset))))
            } else {
                droppedSegments += 1
            }
            return .needMore
        }
        // Fast path: the stream's first segment holds a whole ClientHello (or shows there is none):
        // parse in place, copy nothing.
        if offset == 0 && bytes.isEmpty {
            let r = TLSClientHello.parse(records: data)
            if case .needMoreBytes = r {} else if !(data.count > capacity) { result = r; return .done(r) }
        }
        append(data, at: offset)
        // Segments kept aside that now touch the held bytes.
        var progressed = true
        while progressed {
            progressed = false
            if let i = pending.firstIndex(where: { $0.offset <= bytes.count }) {
                let p = pending.remove(at: i)
                p.bytes.withUnsafeBytes { append($0, at: p.offset) }
                progressed = true
            }
        }
        return evaluate()
    }

    /// Parses what is held as a partial ClientHello (for a connection that ended or timed out
    /// before the message was whole); `.done` once a result exists.
    public mutating func finishPartial() -> TLSClientHelloResult {
        if let result { return result }
        let r = bytes.withUnsafeBytes { TLSClientHello.parse(records: $0, allowPartial: true) }
        result = r
        return r
    }

    private mutating func append(_ data: UnsafeRawBufferPointer, at offset: Int) {
        let overlap = bytes.count - offset
        duplicateBytes += min(overlap, data.count)
        guard overlap < data.count else { return }
        let room = capacity - bytes.count
        let fresh = data.clampedSlice(from: overlap)
        if fresh.count > room { reachedCapacity = true; droppedSegments += 1 }
        if bytes.isEmpty { bytes.reserveCapacity(min(capacity, 4096)) }
        bytes.append(contentsOf: fresh.clampedSlice(from: 0, length: room))
    }

    private mutating func evaluate() -> TLSClientHelloAccumulation {
        guard bytes.count >= wanted || reachedCapacity else { return .needMore }
        let r = bytes.withUnsafeBytes { TLSClientHello.parse(records: $0) }
        if case .needMoreBytes(let total) = r {
            if total > capacity || reachedCapacity {
                reachedCapacity = true
                return .done(finishPartial())
            }
            wanted = max(total, bytes.count + 1)
            return .needMore
        }
        result = r
        return .done(r)
    }
}
