/// One direction of a DNS-over-TCP connection: takes TCP segments (sequence number, payload)
/// in capture order and delivers whole DNS messages in sequence order, each without its 2-byte
/// length prefix (RFC 1035 section 4.2.2; RFC 7766 section 8: "the message is prefixed with a
/// two byte length field", and several messages may share a segment or one may span several).
///
/// **Sequence space** (RFC 9293 section 3.4): positions compare by 32-bit serial arithmetic,
/// so a stream may wrap past 2^32. A SYN fixes the start at ISN + 1; without one (the capture
/// began mid-connection) the first data segment is taken as the start, but only once its first
/// bytes look like a message boundary (see *resynchronising*).
///
/// **Retransmissions and overlaps**: bytes already consumed are ignored (first copy wins, as
/// the receiving TCP keeps what it acknowledged) and counted in `retransmittedBytes`.
/// **Out of order**: a segment ahead of the next expected byte is held (copied) until the hole
/// before it fills, within `maxHeldBytes` / `maxHeldSegments`.
///
/// **Gaps**: when the held data would exceed its bounds, or at `finish()`, the hole before the
/// earliest held segment is taken as lost (`gaps`): the message in progress is dropped
/// (`messagesLost`) and the stream skips to that segment. A length-prefixed stream cannot be
/// re-framed from an arbitrary byte, so the stream then *resynchronises* only at a segment start
/// whose bytes look like a DNS message (length >= 12, QDCOUNT <= 1, a known OPCODE, Z = 0);
/// DNS senders write each message with its prefix in one send, so segments usually start at a
/// boundary. Segments that do not look so are skipped (`bytesSkipped`). A wrong resync can only
/// give a message that fails to parse: it never breaks the bounds.
///
/// **Memory**: at most `maxHeldBytes` held plus one message buffer (<= 65,535 bytes; messages
/// whole inside a segment are delivered from the segment without a copy).
public struct DNSTCPStream: Sendable {
    public struct Options: Sendable, Equatable {
        /// Out-of-order bytes held before a gap is declared: 64 KiB, one maximal DNS message,
        /// the most a hole can hide before it matters to a DNS receiver.
        public var maxHeldBytes: Int = 65_536
        /// Out-of-order segments held (bounds the per-segment work of draining).
        public var maxHeldSegments: Int = 64

        public init() {}
    }

    public struct Counters: Sendable, Equatable {
        /// Messages delivered.
        public var messages: Int = 0
        /// Payload bytes ignored because they had already been consumed (retransmissions,
        /// overlapping segments).
        public var retransmittedBytes: Int = 0
        /// Segments that arrived ahead of the next expected byte and were held.
        public var outOfOrderSegments: Int = 0
        /// Holes declared lost (bounds reached or `finish()` with data held beyond a hole).
        public var gaps: Int = 0
        /// Messages in progress dropped because a gap cut them.
        public var messagesLost: Int = 0
        /// Bytes skipped while looking for a message boundary (after a gap, or mid-stream start).
        public var bytesSkipped: Int = 0
        /// Times the stream found a boundary again after a gap or a mid-stream start.
        public var resynchronisations: Int = 0
        /// Zero-length messages (a prefix of 0): nothing to deliver.
        public var emptyMessages: Int = 0
        /// A message still incomplete at `finish()`.
        public var incompleteAtFinish: Int = 0

        public init() {}
    }

    public var options: Options
    public private(set) var counters = Counters()

    /// Next expected sequence number; nil before the first SYN or data segment.
    private var next: UInt32? = nil
    /// True while the message boundary is unknown (mid-stream start, after a gap).
    private var seeking = false
    /// Length prefix bytes read so far (0, 1 or 2) and the prefix value.
    private var prefixHave = 0
    private var prefixValue = 0
    /// Body bytes still needed for the message in progress.
    private var needed = 0
    /// The message in progress when it spans segments.
    private var message: [UInt8] = []
    /// Held out-of-order segments, sorted by their distance ahead of `next`.
    private var held: [(sequence: UInt32, bytes: [UInt8])] = []
    private var heldBytes = 0

    public init(options: Options = Options()) { self.options = options }

    /// Bytes currently held out of order plus the partial message buffer.
    public var bytesBuffered: Int { heldBytes + message.count }

    /// Adds one segment of this direction. `syn`: the SYN flag (its sequence number is the ISN;
    /// data on a SYN starts at ISN + 1). Calls `deliver` for every message completed, in
    /// sequence order (the bytes are valid only during the call).
    public mutating func add(sequence: UInt32, syn: Bool = false, payload: UnsafeRawBufferPointer,
                             deliver: (UnsafeRawBufferPointer) -> Void) {
        var sequence = sequence
        if syn {
            sequence &+= 1
            if next == nil { next = sequence }
        }
        guard !payload.isEmpty else { return }
        guard let expected = next else {
            // First data without a SYN: start here, boundary unknown.
            next = sequence
            seeking = true
            consume(payload, deliver)
            drain(deliver)
            return
        }
        let ahead = Int(Int32(bitPattern: sequence &- expected))
        if ahead + payload.count <= 0 {
            counters.retransmittedBytes += payload.count
            return
        }
        if ahead <= 0 {
            counters.retransmittedBytes += -ahead
            consume(UnsafeRawBufferPointer(rebasing: payload[(-ahead)...]), deliver)
            drain(deliver)
            return
        }
        // Ahead of the next expected byte: hold a copy, in order of distance.
        counters.outOfOrderSegments += 1
        let at = held.firstIndex { Int(Int32(bitPattern: $0.sequence &- expected)) > ahead } ?? held.count
        held.insert((sequence, Array(payload)), at: at)
        heldBytes += payload.count
        while heldBytes > options.maxHeldBytes || held.count > options.maxHeldSegments {
            skipGap(deliver)
        }
    }

    /// Ends the direction: a hole followed by held data is declared a gap and the data after
    /// it delivered as far as it goes; a message still incomplete is counted and dropped.
    public mutating func finish(deliver: (UnsafeRawBufferPointer) -> Void) {
        while !held.isEmpty { skipGap(deliver) }
        if prefixHave > 0 || needed > 0 { counters.incompleteAtFinish += 1 }
        prefixHave = 0; needed = 0
        message.removeAll(keepingCapacity: true)
    }

    // MARK: internals

    /// Declares the hole before the earliest held segment lost and continues from it.
    private mutating func skipGap(_ deliver: (UnsafeRawBufferPointer) -> Void) {
        guard let first = held.first else { return }
        counters.gaps += 1
        if prefixHave > 0 || needed > 0 { counters.messagesLost += 1 }
        prefixHave = 0; needed = 0
        message.removeAll(keepingCapacity: true)
        next = first.sequence
        seeking = true
        drain(deliver)
    }

    /// Consumes held segments that are now at (or behind) the next expected byte.
    private mutating func drain(_ deliver: (UnsafeRawBufferPointer) -> Void) {
        while let first = held.first, let expected = next {
            let ahead = Int(Int32(bitPattern: first.sequence &- expected))
            guard ahead <= 0 else { return }
            held.removeFirst()
            heldBytes -= first.bytes.count
            if ahead + first.bytes.count <= 0 { counters.retransmittedBytes += first.bytes.count; continue }
            counters.retransmittedBytes += -ahead
            first.bytes.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[(-ahead)...]), deliver) }
        }
    }

    /// In-order bytes starting exactly at `next`.
    private mutating func consume(_ bytes: UnsafeRawBufferPointer, _ deliver: (UnsafeRawBufferPointer) -> Void) {
        next = (next ?? 0) &+ UInt32(truncatingIfNeeded: bytes.count)
        if seeking {
            guard Self.looksLikeMessageStart(bytes) else { counters.bytesSkipped += bytes.count; return }
            seeking = false
            counters.resynchronisations += 1
        }
        var i = 0
        while i < bytes.count {
            if prefixHave < 2 {
                prefixValue = prefixValue << 8 | Int(bytes[i])
                prefixHave += 1
                i += 1
                if prefixHave == 2 {
                    needed = prefixValue
                    prefixValue = 0
                    message.removeAll(keepingCapacity: true)
                    if needed == 0 { counters.emptyMessages += 1; prefixHave = 0 }
                }
                continue
            }
            let take = min(needed, bytes.count - i)
            if message.isEmpty && take == needed {
                // Whole message inside this segment: no copy.
                deliver(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]))
                counters.messages += 1
            } else {
                message.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]))
                if take == needed {
                    message.withUnsafeBytes { deliver($0) }
                    counters.messages += 1
                    message.removeAll(keepingCapacity: true)
                }
            }
            needed -= take
            i += take
            if needed == 0 { prefixHave = 0 }
        }
    }

    /// A plausible message start: prefix >= 12 (a DNS header), and where the header is present
    /// QDCOUNT <= 1 (RFC 9619; 0 in later zone-transfer messages, RFC 5936 section 2.2), Z = 0
    /// and an assigned OPCODE (0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE, 6 DSO).
    static func looksLikeMessageStart(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let length: UInt16 = bytes.readBigEndian(at: 0), length >= 12 else { return false }
        if let flags: UInt16 = bytes.readBigEndian(at: 4) {
            let opcode = (flags >> 11) & 0x0f
            guard opcode <= 6, opcode != 3, flags & 0x0040 == 0 else { return false }
        }
        if let questions: UInt16 = bytes.readBigEndian(at: 6), questions > 1 { return false }
        return true
    }
}
