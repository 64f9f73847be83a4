import CaptureCore

// TLS ServerHello (RFC 8446 section 4.1.3), to tell that a TLS handshake was answered:
//
//   msg_type(1) = 2 | length(3) | legacy_version(2) random(32) legacy_session_id_echo<0..32>
//   cipher_suite(2) legacy_compression_method(1) extensions<6..2^16-1>
//
// In TLS 1.3 the version is in supported_versions (extension 43, two bytes: selected_version,
// section 4.2.1); a HelloRetryRequest is a ServerHello whose random is the SHA-256 of
// "HelloRetryRequest" (section 4.1.3), so it answers the ClientHello without completing it.
// Only what is needed to count answered handshakes is read; everything after the ServerHello is
// encrypted in TLS 1.3 anyway.

/// What was read from a ServerHello.
public struct TLSServerHello: Sendable, Equatable {
    /// legacy_version (0x0303 for TLS 1.2 and 1.3).
    public var legacyVersion: UInt16 = 0
    /// supported_versions' selected_version when present (0x0304 = TLS 1.3), else `legacyVersion`.
    public var selectedVersion: UInt16 = 0
    /// The cipher suite chosen.
    public var cipherSuite: UInt16 = 0
    /// The random is the HelloRetryRequest value: the server asks for another ClientHello.
    public var isHelloRetryRequest: Bool = false

    public init() {}

    /// SHA-256("HelloRetryRequest"), RFC 8446 section 4.1.3.
    static let helloRetryRequestRandom: [UInt8] = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    ]
}

/// Outcome of `TLSServerHello.parse`.
public enum TLSServerHelloResult: Sendable, Equatable {
    case serverHello(TLSServerHello)
    /// The bytes start a ServerHello but end early: gather at least `total` stream bytes.
    case needMoreBytes(total: Int)
    /// Not a handshake record / not a ServerHello (an alert, for instance: the handshake failed).
    case notServerHello
    case malformed
}

extension TLSServerHello {
    /// Parses a ServerHello from the first bytes of the server's TLS record stream (the message
    /// must be inside its record's first captured bytes, as servers send it). Warning-level
    /// alert records before it are skipped (servers send unrecognized_name, RFC 6066 section 3,
    /// as a warning before the ServerHello); a fatal alert answers `.notServerHello`. At most
    /// four records are walked. Linear; no allocation.
    public static func parse(records bytes: UnsafeRawBufferPointer) -> TLSServerHelloResult {
        var offset = 0
        for _ in 0..<4 {
            guard let type: UInt8 = bytes.readBigEndian(at: offset) else { return .needMoreBytes(total: offset + 5) }
            guard type == 22 || type == 21 else { return .notServerHello }
            guard let version: UInt16 = bytes.readBigEndian(at: offset + 1), let length16: UInt16 = bytes.readBigEndian(at: offset + 3)
            else { return .needMoreBytes(total: offset + 5) }
            let length = Int(length16)
            guard version >> 8 == 3, length >= 1, length <= 16_384 else { return .malformed }
            if type == 21 {
                // Alert (RFC 8446 section 6): level 1 warning, 2 fatal.
                guard let level: UInt8 = bytes.readBigEndian(at: offset + 5) else { return .needMoreBytes(total: offset + 5 + length) }
                guard level == 1 else { return .notServerHello }
                offset += 5 + length
                continue
            }
            switch parse(handshake: bytes.clampedSlice(from: offset + 5, length: length)) {
            case .needMoreBytes(let total):
                // The message must fit its record (a ServerHello split across records is not read).
                return total > length ? .malformed : .needMoreBytes(total: offset + 5 + total)
            case let other: return other
            }
        }
        return .notServerHello
    }

    /// Parses a bare ServerHello handshake message (QUIC CRYPTO data, RFC 9001 section 4.1.3).
    public static func parse(handshake b: UnsafeRawBufferPointer) -> TLSServerHelloResult {
        guard let type: UInt8 = b.readBigEndian(at: 0) else { return .needMoreBytes(total: 4) }
        guard type == 2 else { return .notServerHello }
        guard let hi: UInt8 = b.readBigEndian(at: 1), let lo: UInt16 = b.readBigEndian(at: 2) else { return .needMoreBytes(total: 4) }
        let bodyLength = Int(hi) << 16 | Int(lo)
        guard b.count >= 4 + bodyLength else { return .needMoreBytes(total: 4 + bodyLength) }
        let body = b.clampedSlice(from: 4, length: bodyLength)
        var h = TLSServerHello()
        guard let legacy: UInt16 = body.readBigEndian(at: 0), body.count >= 2 + 32 + 1 else { return .malformed }
        h.legacyVersion = legacy
        h.selectedVersion = legacy
        h.isHelloRetryRequest = zip(body.clampedSlice(from: 2, length: 32), helloRetryRequestRandom).allSatisfy { $0 == $1 }
        guard let sid: UInt8 = body.readBigEndian(at: 34), sid <= 32 else { return .malformed }
        var at = 35 + Int(sid)
        guard let suite: UInt16 = body.readBigEndian(at: at), body.readBigEndian(UInt8.self, at: at + 2) != nil else { return .malformed }
        h.cipherSuite = suite
        at += 3
        if at == body.count { return .serverHello(h) }  // TLS <= 1.2 without extensions
        guard let extLength: UInt16 = body.readBigEndian(at: at), at + 2 + Int(extLength) <= body.count else { return .malformed }
        at += 2
        let end = at + Int(extLength)
        while at + 4 <= end {
            guard let t: UInt16 = body.readBigEndian(at: at), let l: UInt16 = body.readBigEndian(at: at + 2),
                  at + 4 + Int(l) <= end else { return .malformed }
            if t == 43, l == 2, let v: UInt16 = body.readBigEndian(at: at + 4) { h.selectedVersion = v }
            at += 4 + Int(l)
        }
        return .serverHello(h)
    }
}
