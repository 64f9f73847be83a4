import CaptureCore

// QUIC long header (RFC 9000 section 17.2; Initial packet, section 17.2.2):
//
//   Initial Packet {
//     Header Form (1) = 1,
//     Fixed Bit (1) = 1,
//     Long Packet Type (2) = 0 (v1) / 1 (v2, RFC 9369 section 3.2),
//     Reserved Bits (2),            -- protected
//     Packet Number Length (2),     -- protected
//     Version (32),
//     Destination Connection ID Length (8), Destination Connection ID (0..160),
//     Source Connection ID Length (8),      Source Connection ID (0..160),
//     Token Length (i), Token (..),
//     Length (i),                   -- bytes of Packet Number + Packet Payload
//     Packet Number (8..32),        -- protected
//     Packet Payload (8..),
//   }
//
// Other long-header types (0-RTT, Handshake) carry the same Length field after the connection
// IDs (without the token), so a coalesced datagram (section 12.2) can be walked packet by packet.
// A Retry has no Length and ends the datagram; a short-header packet ends it too.

/// QUIC versions whose Initial packets this module can open.
public enum QUICVersion: UInt32, Sendable, CaseIterable {
    /// QUIC version 1 (RFC 9000).
    case v1 = 0x0000_0001
    /// QUIC version 2 (RFC 9369 section 3.1).
    case v2 = 0x6b33_43cf

    /// initial_salt: RFC 9001 section 5.2 (v1), RFC 9369 section 3.3.1 (v2).
    var initialSalt: [UInt8] {
        switch self {
        case .v1: [0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a]
        case .v2: [0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9]
        }
    }

    /// HKDF-Expand-Label labels for the packet key, IV and header-protection key
    /// (RFC 9001 section 5.1: "quic key", "quic iv", "quic hp"; RFC 9369 section 3.3.2: "quicv2 ...").
    var labels: (key: String, iv: String, hp: String) {
        switch self {
        case .v1: ("quic key", "quic iv", "quic hp")
        case .v2: ("quicv2 key", "quicv2 iv", "quicv2 hp")
        }
    }

    /// The two Long Packet Type bits of an Initial packet (RFC 9000 section 17.2.2: 0b00;
    /// RFC 9369 section 3.2: 0b01).
    var initialTypeBits: UInt8 { self == .v1 ? 0 : 1 }
}

/// Long-header packet types (RFC 9000 section 17.2, Table 5; RFC 9369 section 3.2 renumbers them).
public enum QUICPacketType: UInt8, Sendable, Equatable {
    case initial, zeroRTT, handshake, retry

    /// The type from the two type bits for `version` (unknown versions: nil).
    static func from(bits: UInt8, version: QUICVersion) -> QUICPacketType {
        switch (version, bits & 3) {
        case (.v1, 0), (.v2, 1): .initial
        case (.v1, 1), (.v2, 2): .zeroRTT
        case (.v1, 2), (.v2, 3): .handshake
        default: .retry
        }
    }
}

/// A connection ID (RFC 9000 section 5.1) of at most 20 bytes, held inline (no allocation).
public struct QUICConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// Most bytes a v1/v2 connection ID may have (RFC 9000 section 17.2).
    public static let maxLength = 20
    var a: UInt64 = 0, b: UInt64 = 0, c: UInt32 = 0
    /// Length in bytes (0...20).
    public private(set) var count: Int = 0

    public init() {}

    /// Copies `bytes` (at most 20; longer input is cut to 20, callers check the length first).
    public init(_ bytes: UnsafeRawBufferPointer) {
        count = min(bytes.count, Self.maxLength)
        for i in 0..<count { setByte(i, bytes[i]) }
    }

    public init(_ bytes: [UInt8]) { self = bytes.withUnsafeBytes { QUICConnectionID($0) } }

    private mutating func setByte(_ i: Int, _ v: UInt8) {
        let x = UInt64(v)
        switch i {
        case 0..<8: a |= x << UInt64(56 - 8 * i)
        case 8..<16: b |= x << UInt64(56 - 8 * (i - 8))
        default: c |= UInt32(v) << UInt32(24 - 8 * (i - 16))
        }
    }

    /// The bytes, in order.
    public var bytes: [UInt8] {
        (0..<count).map { i in
            switch i {
            case 0..<8: UInt8(truncatingIfNeeded: a >> UInt64(56 - 8 * i))
            case 8..<16: UInt8(truncatingIfNeeded: b >> UInt64(56 - 8 * (i - 8)))
            default: UInt8(truncatingIfNeeded: c >> UInt32(24 - 8 * (i - 16)))
            }
        }
    }

    /// Lower-case hex.
    public var description: String { bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}

/// The fields of one long-header packet before header protection is removed, with offsets
/// from the start of the datagram. Built by `QUICLongHeader.parse`.
public struct QUICLongHeader: Sendable, Equatable {
    /// Most bytes of Initial token accepted (a Retry or NEW_TOKEN token is typically under 200
    /// bytes; RFC 9000 section 8.1.3 leaves the size to the server).
    public static let maxTokenLength = 1024

    /// Offset of the packet's first byte in the datagram.
    public var start: Int
    /// The first byte as sent (type bits readable; reserved and packet-number-length bits still protected).
    public var firstByte: UInt8
    public var version: QUICVersion
    public var packetType: QUICPacketType
    public var destinationConnectionID: QUICConnectionID
    public var sourceConnectionID: QUICConnectionID
    /// Token length (Initial only; 0 otherwise).
    public var tokenLength: Int
    /// Offset of the (protected) packet number, i.e. just after the Length field.
    public var packetNumberOffset: Int
    /// Offset one past the packet's last byte (packetNumberOffset + Length).
    public var end: Int
}

/// Why a datagram could not be walked as long-header packets (stable snake_case names).
public enum QUICHeaderError: UInt8, Error, Sendable, Equatable, CaseIterable {
    /// First bit 0 (short header) or fixed bit 0: not a long-header packet.
    case notLongHeader
    /// Version 0 (Version Negotiation, RFC 9000 section 17.2.1) or a version other than v1/v2.
    case unsupportedVersion
    /// The bytes end inside the header.
    case truncated
    /// A connection ID longer than 20 bytes (RFC 9000 section 17.2: MUST NOT for v1).
    case connectionIDTooLong
    /// Token longer than `QUICLongHeader.maxTokenLength`.
    case tokenTooLong
    /// The Length field runs past the datagram, or is shorter than a packet number plus a
    /// header-protection sample needs (RFC 9001 section 5.4.2).
    case badLength

    public var name: String {
        switch self {
        case .notLongHeader: "quic_not_long_header"
        case .unsupportedVersion: "quic_unsupported_version"
        case .truncated: "quic_header_truncated"
        case .connectionIDTooLong: "quic_connection_id_too_long"
        case .tokenTooLong: "quic_token_too_long"
        case .badLength: "quic_bad_length"
        }
    }
}

/// QUIC variable-length integer (RFC 9000 section 16): the two high bits of the first byte
/// give the length 1, 2, 4 or 8. Returns the value and the encoded length, or nil past `bytes`.
@inlinable func readVarint(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> (value: UInt64, length: Int)? {
    guard let first: UInt8 = bytes.readBigEndian(at: offset) else { return nil }
    switch first >> 6 {
    case 0: return (UInt64(first), 1)
    case 1:
        guard let v: UInt16 = bytes.readBigEndian(at: offset) else { return nil }
        return (UInt64(v & 0x3fff), 2)
    case 2:
        guard let v: UInt32 = bytes.readBigEndian(at: offset) else { return nil }
        return (UInt64(v & 0x3fff_ffff), 4)
    default:
        guard let v: UInt64 = bytes.readBigEndian(at: offset) else { return nil }
        return (v & 0x3fff_ffff_ffff_ffff, 8)
    }
}

extension QUICLongHeader {
    /// Parses the long header starting at `offset` of `datagram`.
    /// - Returns: the header, or the reason it cannot be read. O(header length); no allocation.
    public static func parse(_ datagram: UnsafeRawBufferPointer, at offset: Int = 0) -> Result<QUICLongHeader, QUICHeaderError> {
        guard let first: UInt8 = datagram.readBigEndian(at: offset) else { return .failure(.truncated) }
        // RFC 9000 section 17.2: Header Form 1; Fixed Bit 1 (section 17.2, unless grease_quic_bit
        // was negotiated, RFC 9287 -- never for a client's first Initial).
        guard first & 0xc0 == 0xc0 else { return .failure(.notLongHeader) }
        guard let rawVersion: UInt32 = datagram.readBigEndian(at: offset + 1) else { return .failure(.truncated) }
        guard let version = QUICVersion(rawValue: rawVersion) else { return .failure(.unsupportedVersion) }
        var at = offset + 5
        guard let dcidLength8: UInt8 = datagram.readBigEndian(at: at) else { return .failure(.truncated) }
        let dcidLength = Int(dcidLength8)
        guard dcidLength <= QUICConnectionID.maxLength else { return .failure(.connectionIDTooLong) }
        guard at + 1 + dcidLength <= datagram.count else { return .failure(.truncated) }
        let dcid = QUICConnectionID(datagram.clampedSlice(from: at + 1, length: dcidLength))
        at += 1 + dcidLength
        guard let scidLength8: UInt8 = datagram.readBigEndian(at: at) else { return .failure(.truncated) }
        let scidLength = Int(scidLength8)
        guard scidLength <= QUICConnectionID.maxLength else { return .failure(.connectionIDTooLong) }
        guard at + 1 + scidLength <= datagram.count else { return .failure(.truncated) }
        let scid = QUICConnectionID(datagram.clampedSlice(from: at + 1, length: scidLength))
        at += 1 + scidLength

        let type = QUICPacketType.from(bits: first >> 4, version: version)
        var tokenLength = 0
        switch type {
        case .retry:
            // No Length field: the Retry runs to the end of the datagram (RFC 9000 section 17.2.5).
            return .success(QUICLongHeader(start: offset, firstByte: first, version: version, packetType: type,
                                           destinationConnectionID: dcid, sourceConnectionID: scid, tokenLength: 0,
                                           packetNumberOffset: datagram.count, end: datagram.count))
        case .initial:
            guard let t = readVarint(datagram, at: at) else { return .failure(.truncated) }
            guard t.value <= UInt64(maxTokenLength) else { return .failure(.tokenTooLong) }
            tokenLength = Int(t.value)
            at += t.length + tokenLength
            guard at <= datagram.count else { return .failure(.truncated) }
        case .zeroRTT, .handshake:
            break
        }
        guard let l = readVarint(datagram, at: at) else { return .failure(.truncated) }
        at += l.length
        // The Length covers a 1-4 byte packet number and the payload; header protection samples
        // 16 bytes starting 4 bytes after the packet number's start (RFC 9001 section 5.4.2), so
        // a valid packet has Length >= 20. It must also fit in the datagram.
        guard l.value >= 20, l.value <= UInt64(datagram.count - at) else { return .failure(.badLength) }
        return .success(QUICLongHeader(start: offset, firstByte: first, version: version, packetType: type,
                                       destinationConnectionID: dcid, sourceConnectionID: scid, tokenLength: tokenLength,
                                       packetNumberOffset: at, end: at + Int(l.value)))
    }

    /// True when `datagram` starts like a v1 or v2 Initial packet (long header, known version,
    /// Initial type bits). Cheap: reads 5 bytes.
    public static func looksLikeInitial(_ datagram: UnsafeRawBufferPointer) -> Bool {
        guard let first: UInt8 = datagram.readBigEndian(at: 0), first & 0xc0 == 0xc0,
              let raw: UInt32 = datagram.readBigEndian(at: 1), let version = QUICVersion(rawValue: raw) else { return false }
        return (first >> 4) & 3 == version.initialTypeBits
    }
}
