import CaptureCore

// Frames of a decrypted Initial packet payload (RFC 9000 section 19). An Initial packet may carry
// only PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE (section 12.4, Table 3); this walk reads
// the first four and stops at anything else (CONNECTION_CLOSE included: nothing after it matters
// for reading the ClientHello).
//
//   PADDING  0x00                                       (1 byte)
//   PING     0x01                                       (1 byte)
//   ACK      0x02 / 0x03 (with ECN counts), section 19.3:
//            Largest Acknowledged (i), ACK Delay (i), ACK Range Count (i), First ACK Range (i),
//            ACK Range Count x { Gap (i), ACK Range Length (i) }, [ECT0 (i), ECT1 (i), ECN-CE (i)]
//   CRYPTO   0x06, section 19.6: Offset (i), Length (i), Crypto Data (Length bytes)

/// How a frame walk ended.
public struct QUICFrameWalk: Sendable, Equatable {
    /// CRYPTO frames handed to the reassembler.
    public var cryptoFrames = 0
    /// PADDING bytes, PING and ACK frames skipped.
    public var paddingBytes = 0
    public var pingFrames = 0
    public var ackFrames = 0
    /// Type of the frame that stopped the walk (not one of the four read), if any.
    public var stoppedAtFrameType: UInt64? = nil
    /// A frame ran past the payload, or a CRYPTO offset + length passed 2^62 - 1.
    public var malformed = false

    public init() {}
}

/// Walks `payload` (a decrypted Initial packet payload), handing CRYPTO data to `crypto`.
/// Linear in the payload length whatever the input (every step consumes at least one byte).
public func walkInitialFrames(_ payload: UnsafeRawBufferPointer, into crypto: inout QUICCryptoReassembler) -> QUICFrameWalk {
    var walk = QUICFrameWalk()
    var at = 0
    while at < payload.count {
        guard let type = readVarint(payload, at: at) else { walk.malformed = true; break }
        switch type.value {
        case 0x00:
            walk.paddingBytes += 1
            at += type.length
        case 0x01:
            walk.pingFrames += 1
            at += type.length
        case 0x02, 0x03:
            var p = at + type.length
            // Largest Acknowledged, ACK Delay, ACK Range Count, First ACK Range.
            var fields: [UInt64] = [0, 0, 0, 0]
            for i in 0..<4 {
                guard let v = readVarint(payload, at: p) else { walk.malformed = true; return walk }
                fields[i] = v.value; p += v.length
            }
            // Each further range is two varints of at least one byte: a count beyond what is
            // left cannot be honest, and would only make the loop long.
            guard fields[2] <= UInt64(payload.count - p) / 2 else { walk.malformed = true; return walk }
            let extra = Int(fields[2]) * 2 + (type.value == 0x03 ? 3 : 0)
            for _ in 0..<extra {
                guard let v = readVarint(payload, at: p) else { walk.malformed = true; return walk }
                p += v.length
            }
            walk.ackFrames += 1
            at = p
        case 0x06:
            var p = at + type.length
            guard let offset = readVarint(payload, at: p) else { walk.malformed = true; return walk }
            p += offset.length
            guard let length = readVarint(payload, at: p) else { walk.malformed = true; return walk }
            p += length.length
            // Section 19.6: the largest offset delivered cannot exceed 2^62 - 1.
            guard length.value <= UInt64(payload.count - p), offset.value <= (1 << 62) - 1 - length.value else {
                walk.malformed = true; return walk
            }
            let n = Int(length.value)
            crypto.add(offset: offset.value, UnsafeRawBufferPointer(rebasing: payload[p..<(p + n)]))
            walk.cryptoFrames += 1
            at = p + n
        default:
            walk.stoppedAtFrameType = type.value
            return walk
        }
    }
    return walk
}
