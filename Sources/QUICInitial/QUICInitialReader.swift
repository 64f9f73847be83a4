import CaptureCore
import PacketDecoding

// From a client's UDP datagrams to its ClientHello: walk the coalesced long-header packets of
// each datagram (RFC 9000 section 12.2), remove header protection from each v1/v2 Initial
// (RFC 9001 section 5.4), open it with the Initial keys (section 5.2-5.3), walk its frames and
// place CRYPTO data by offset; once the CRYPTO stream's prefix holds the whole handshake message,
// parse it with `TLSClientHello.parse(handshake:)`.
//
// Keys: a client derives Initial keys once, from the DCID of its first Initial, and keeps them
// even after it switches to the server's connection ID (RFC 9001 section 5.2; after a Retry it
// derives them again from the Retry's SCID, which its next Initial then carries as DCID). So a
// packet is opened with keys from its own DCID first and, if that fails, with the keys of the
// first DCID this reader saw.
//
// Give the reader only datagrams the client sent (the flow's originator): server Initials use
// other keys ("server in") and are counted as undecryptable.

/// Counts kept by one `QUICInitialReader`.
public struct QUICInitialCounters: Sendable, Equatable {
    public var datagrams = 0
    /// Long-header packets walked, by outcome.
    public var initialPackets = 0
    public var initialPacketsOpened = 0
    /// Initial packets whose AEAD tag did not verify with any key tried.
    public var initialPacketsUndecryptable = 0
    /// 0-RTT, Handshake and Retry packets skipped.
    public var otherLongHeaderPackets = 0
    /// Datagrams (or their tails) that did not parse as long-header packets.
    public var headerErrors = 0
    /// The last header error seen.
    public var lastHeaderError: QUICHeaderError? = nil
    /// Initial payloads whose frames did not parse.
    public var malformedPayloads = 0
    public var cryptoFrames = 0
    /// Initial packets not tried because the reader's open or key-derivation budget was spent
    /// (`maxOpenAttempts`, `maxKeyDerivations`): a flood of coalesced junk Initials costs a
    /// bounded number of HKDF derivations and AEAD opens per flow.
    public var initialPacketsSkipped = 0

    public init() {}
}

/// Outcome of `QUICInitialReader.add`.
public enum QUICInitialProgress: Sendable, Equatable {
    /// The ClientHello is not whole yet: add the client's next datagram.
    case needMore
    /// Finished: the ClientHello (or why the CRYPTO stream is not one). Later calls return the same.
    case done(TLSClientHelloResult)
}

/// Per-connection reader of a QUIC client's Initial packets, bounded by `cryptoCapacity` bytes of
/// CRYPTO data (default 16 KiB), two key sets and `maxDatagrams` datagrams (default 16; a client's
/// first flight is one to three datagrams): after that many without a whole ClientHello, `add`
/// finishes with what the CRYPTO stream holds. Work per flow is bounded by packets, not only by
/// datagrams: at most `maxOpenAttempts` Initial packets are opened (a datagram can coalesce
/// thousands of tiny ones) and Initial keys are derived for at most `maxKeyDerivations`
/// distinct DCIDs (a client's Initials use its first DCID, then perhaps the server's); beyond,
/// packets are counted in `initialPacketsSkipped` (adversarial test: 0.3 MB of coalesced
/// 30-byte Initials with a new DCID each cost 14 s before this bound).
/// Allocates only for packets it opens.
public struct QUICInitialReader: Sendable {
    /// Datagrams read before giving up (then `.done` with a partial parse).
    public let maxDatagrams: Int
    /// Initial packets opened (or tried) before the rest are skipped.
    public let maxOpenAttempts: Int
    /// Distinct DCIDs whose Initial keys are derived before the rest are skipped.
    public let maxKeyDerivations: Int
    private var openAttempts = 0
    private var keyDerivations = 0
    /// The version of the first Initial opened.
    public private(set) var version: QUICVersion? = nil
    /// DCID of the first Initial seen (the one the Initial keys come from).
    public private(set) var originalDestinationConnectionID: QUICConnectionID? = nil
    public private(set) var counters = QUICInitialCounters()
    /// The client's CRYPTO stream at the Initial level.
    public private(set) var crypto: QUICCryptoReassembler
    /// Largest packet number opened (for packet-number recovery, RFC 9000 Appendix A.3).
    public private(set) var largestPacketNumber: Int64 = -1

    private var originalKeys: (version: QUICVersion, keys: QUICInitialKeys)? = nil
    private var lastKeys: (id: QUICConnectionID, version: QUICVersion, keys: QUICInitialKeys)? = nil
    private var result: TLSClientHelloResult? = nil

    public init(cryptoCapacity: Int = QUICCryptoReassembler.defaultCapacity, maxDatagrams: Int = 16,
                maxOpenAttempts: Int = 32, maxKeyDerivations: Int = 4) {
        crypto = QUICCryptoReassembler(capacity: cryptoCapacity)
        self.maxDatagrams = max(1, maxDatagrams)
        self.maxOpenAttempts = max(1, maxOpenAttempts)
        self.maxKeyDerivations = max(1, maxKeyDerivations)
    }

    /// Adds one UDP payload sent by the client. Nothing refers to `datagram` afterwards.
    public mutating func add(datagram: UnsafeRawBufferPointer) -> QUICInitialProgress {
        if let result { return .done(result) }
        counters.datagrams += 1
        var offset = 0
        while offset < datagram.count {
            let header: QUICLongHeader
            switch QUICLongHeader.parse(datagram, at: offset) {
            case .failure(let e):
                // A short-header packet, or padding after the last coalesced packet, ends the datagram.
                counters.headerErrors += 1
                counters.lastHeaderError = e
                offset = datagram.count
                continue
            case .success(let h): header = h
            }
            offset = header.end
            guard header.packetType == .initial else { counters.otherLongHeaderPackets += 1; continue }
            counters.initialPackets += 1
            if originalDestinationConnectionID == nil { originalDestinationConnectionID = header.destinationConnectionID }
            let keysKnown = lastKeys.map { $0.id == header.destinationConnectionID && $0.version == header.version } ?? false
            guard openAttempts < maxOpenAttempts, keysKnown || keyDerivations < maxKeyDerivations else {
                counters.initialPacketsSkipped += 1
                continue
            }
            openAttempts += 1
            guard let opened = open(datagram, header) else { counters.initialPacketsUndecryptable += 1; continue }
            counters.initialPacketsOpened += 1
            if version == nil { version = header.version }
            largestPacketNumber = max(largestPacketNumber, Int64(opened.packetNumber))
            let walk = opened.payload.withUnsafeBytes { walkInitialFrames($0, into: &crypto) }
            counters.cryptoFrames += walk.cryptoFrames
            if walk.malformed { counters.malformedPayloads += 1 }
        }
        let progress = evaluate(final: false)
        if progress == .needMore && counters.datagrams >= maxDatagrams { return .done(finishPartial()) }
        return progress
    }

    /// Parses what the CRYPTO stream holds as a partial ClientHello (for a connection that ended
    /// or a capacity reached before the message was whole).
    public mutating func finishPartial() -> TLSClientHelloResult {
        if let result { return result }
        _ = evaluate(final: true)
        return result ?? .needMoreBytes(total: crypto.contiguousLength + 1)
    }

    private mutating func evaluate(final: Bool) -> QUICInitialProgress {
        let n = crypto.contiguousLength
        guard n > 0 else {
            if final { result = .needMoreBytes(total: 4) }
            return final ? .done(result!) : .needMore
        }
        let r = crypto.buffer.withUnsafeBytes {
            TLSClientHello.parse(handshake: UnsafeRawBufferPointer(rebasing: $0[0..<n]), allowPartial: final)
        }
        if case .needMoreBytes(let total) = r, !final {
            // A message that cannot fit in the buffer: read what is there.
            if total > crypto.capacity { return evaluate(final: true) }
            return .needMore
        }
        result = r
        return .done(r)
    }

    /// Removes header protection and opens one Initial, trying the packet's own DCID keys, then
    /// the original DCID's keys.
    private mutating func open(_ datagram: UnsafeRawBufferPointer, _ header: QUICLongHeader) -> QUICOpenedPacket? {
        let keys: QUICInitialKeys
        if let last = lastKeys, last.id == header.destinationConnectionID, last.version == header.version {
            keys = last.keys
        } else {
            keyDerivations += 1   // within budget: add() checked it
            keys = QUICInitialKeys(destinationConnectionID: header.destinationConnectionID.bytes, version: header.version)
            lastKeys = (header.destinationConnectionID, header.version, keys)
        }
        if let p = QUICOpenedPacket.open(datagram, header, keys: keys, largestPacketNumber: largestPacketNumber) { return p }
        // Keys of the first DCID, for this packet's version (after compatible version negotiation,
        // RFC 9368, a v1 connection's later Initials may be v2, keyed from the same first DCID).
        guard let first = originalDestinationConnectionID, first != header.destinationConnectionID else { return nil }
        if originalKeys?.version != header.version {
            guard keyDerivations < maxKeyDerivations else { return nil }
            keyDerivations += 1
            originalKeys = (header.version, QUICInitialKeys(destinationConnectionID: first.bytes, version: header.version))
        }
        return originalKeys.flatMap { QUICOpenedPacket.open(datagram, header, keys: $0.keys, largestPacketNumber: largestPacketNumber) }
    }
}

/// One Initial packet with header protection removed and payload opened.
public struct QUICOpenedPacket: Sendable, Equatable {
    /// The header bytes as authenticated (first byte and packet number unprotected).
    public var header: [UInt8]
    /// The full packet number (RFC 9000 Appendix A.3 recovery from the truncated field).
    public var packetNumber: UInt64
    /// Packet number length in bytes (1-4).
    public var packetNumberLength: Int
    /// The decrypted payload (frames).
    public var payload: [UInt8]

    /// Removes header protection (RFC 9001 section 5.4.1-5.4.3) and opens the payload
    /// (section 5.3). Nil when a sample cannot be taken or the AEAD tag does not verify.
    /// - Parameters:
    ///   - largestPacketNumber: largest packet number opened so far in this space (-1: none).
    public static func open(_ datagram: UnsafeRawBufferPointer, _ h: QUICLongHeader, keys: QUICInitialKeys,
                            largestPacketNumber: Int64 = -1) -> QUICOpenedPacket? {
        // Section 5.4.2: the sample starts 4 bytes after the packet number's first byte.
        let sampleStart = h.packetNumberOffset + 4
        guard sampleStart + 16 <= h.end, h.end <= datagram.count, h.start < h.packetNumberOffset,
              let mask = keys.headerProtectionMask(sample: datagram.clampedSlice(from: sampleStart, length: 16))
        else { return nil }
        // Section 5.4.1: long headers protect the low 4 bits of the first byte.
        let first = h.firstByte ^ (mask[0] & 0x0f)
        let pnLength = Int(first & 0x03) + 1
        var header = Array(datagram.clampedSlice(from: h.start, length: h.packetNumberOffset + pnLength - h.start))
        header[0] = first
        var truncated: UInt64 = 0
        for i in 0..<pnLength {
            let j = h.packetNumberOffset - h.start + i
            header[j] ^= mask[1 + i]
            truncated = truncated << 8 | UInt64(header[j])
        }
        let pn = decodePacketNumber(truncated: truncated, bits: 8 * pnLength, largest: largestPacketNumber)
        let body = datagram.clampedSlice(from: h.packetNumberOffset + pnLength, length: h.end - h.packetNumberOffset - pnLength)
        guard let payload = keys.open(body, packetNumber: pn, header: header) else { return nil }
        return QUICOpenedPacket(header: header, packetNumber: pn, packetNumberLength: pnLength, payload: payload)
    }

    /// RFC 9000 Appendix A.3: the packet number closest to largest + 1 whose low `bits` bits
    /// equal `truncated`.
    static func decodePacketNumber(truncated: UInt64, bits: Int, largest: Int64) -> UInt64 {
        let expected = largest + 1
        let window = Int64(1) << Int64(bits)
        let half = window / 2
        let candidate = (expected & ~(window - 1)) | Int64(truncated)
        if candidate <= expected - half && candidate < (Int64(1) << 62) - window { return UInt64(candidate + window) }
        if candidate > expected + half && candidate >= window { return UInt64(candidate - window) }
        return UInt64(candidate)
    }
}
