import CaptureCore

// TLS ClientHello (RFC 8446 section 4.1.2; TLS 1.0-1.2 share the layout, RFC 5246 section 7.4.1.2).
//
// Record layer (RFC 8446 section 5.1), as it starts a TCP stream:
//
//    0        1        2        3        4        5
//   +--------+--------+--------+--------+--------+------------------------------
//   |  type  | legacy_record_v |     length      | fragment (length bytes) ...
//   |  = 22  |  0x03 0x0?      |    <= 2^14      |
//   +--------+--------+--------+--------+--------+------------------------------
//
// Handshake message (section 4), carried in the fragments of one or more type-22 records (and, in
// QUIC, directly in CRYPTO frames, RFC 9001 section 4):
//
//   msg_type(1) = 1 | length(3) | ClientHello body:
//     legacy_version(2) random(32)
//     legacy_session_id<0..32>            (1-byte length)
//     cipher_suites<2..2^16-2>            (2-byte length, 2 bytes each)
//     legacy_compression_methods<1..255>  (1-byte length)
//     extensions<8..2^16-1>               (2-byte length; absent in some TLS <= 1.2 hellos)
//   extension: type(2) | length(2) | data
//
// Extensions read here:
//   0      server_name (RFC 6066 section 3): list<2> of { name_type(1), HostName<1..2^16-1> };
//          name_type 0 is host_name. "The ServerNameList MUST NOT contain more than one name of
//          the same name_type" -- the first host_name is taken.
//   16     application_layer_protocol_negotiation (RFC 7301 section 3.1): list<2> of
//          ProtocolName<1..2^8-1>; "Empty strings MUST NOT be included".
//   43     supported_versions (RFC 8446 section 4.2.1): in a ClientHello, versions<2..254>.
//   0xfe0d encrypted_client_hello (draft-ietf-tls-esni section 5): in a ClientHelloOuter the
//          server_name is the ECH config's public_name, not the name the client asks for.
//          Clients also send a GREASE ECH extension (section 6.2) that a passive observer cannot
//          tell apart from a real one -- by design -- so "ECH present" means "the SNI may be the
//          public name", and renderers must say so.

/// What was read from one TLS ClientHello.
///
/// Strings are untrusted: `serverName` is at most `TLSClientHello.maxServerNameBytes` bytes,
/// each ALPN entry at most 255 bytes and at most `maxALPNEntries` of them are kept. `serverName`
/// is `UntrustedText` (valid UTF-8 as sent, other bytes and backslash as `\xNN`, so distinct
/// names stay distinct); ALPN names are decoded as UTF-8 with invalid sequences replaced
/// (U+FFFD). All must be escaped when rendered.
public struct TLSClientHello: Sendable, Equatable {
    /// Longest host_name kept (bytes). A DNS name has at most 253 characters in text form
    /// (RFC 1035 section 2.3.4 limits it to 255 octets on the wire); longer SNI is refused.
    public static let maxServerNameBytes = 255
    /// Most ALPN protocol names kept; further entries are counted in `alpnCount` only.
    public static let maxALPNEntries = 16
    /// Most supported_versions entries kept.
    public static let maxSupportedVersions = 16

    /// `legacy_version` of the ClientHello (0x0303 for TLS 1.2 and 1.3).
    public var legacyVersion: UInt16 = 0
    /// `legacy_record_version` of the first record; nil when parsed from a bare handshake (QUIC).
    public var recordVersion: UInt16? = nil
    /// supported_versions entries in order (GREASE values, RFC 8701, included as sent); empty
    /// when the extension is absent.
    public var supportedVersions: [UInt16] = []
    /// The first host_name of server_name; nil when absent, empty, or refused (see `anomalies`).
    public var serverName: String? = nil
    /// ALPN protocol names in order (at most `maxALPNEntries`).
    public var alpn: [String] = []
    /// ALPN entries the extension listed (may exceed `alpn.count`).
    public var alpnCount: Int = 0
    /// The encrypted_client_hello extension (0xfe0d) is present. When it is, `serverName` may be
    /// the outer, public name rather than the name the client wants (draft-ietf-tls-esni
    /// section 6.1); GREASE ECH (section 6.2) looks the same on the wire.
    public var hasEncryptedClientHello: Bool = false
    /// ECHClientHelloType byte of that extension (0 outer, 1 inner); nil when absent or empty.
    public var encryptedClientHelloType: UInt8? = nil
    /// Number of cipher suites offered (including GREASE and SCSV values).
    public var cipherSuiteCount: Int = 0
    /// Number of extensions walked.
    public var extensionCount: Int = 0
    /// Handshake body length the message header announced (bytes after the 4-byte header).
    public var handshakeLength: Int = 0
    /// False when the bytes ended before the announced handshake length (a partial parse made
    /// with `allowPartial`); fields are then what the available bytes held.
    public var isComplete: Bool = true
    /// Malformed-field findings (bit set indexed by `TLSClientHelloAnomaly.rawValue`).
    public var anomalies: UInt32 = 0

    public init() {}

    /// True when `anomaly` was found.
    @inlinable public func has(_ anomaly: TLSClientHelloAnomaly) -> Bool { anomalies & (1 << UInt32(anomaly.rawValue)) != 0 }
    @inlinable mutating func note(_ anomaly: TLSClientHelloAnomaly) { anomalies |= 1 << UInt32(anomaly.rawValue) }

    /// The highest non-GREASE version in supported_versions, else `legacyVersion`
    /// (0x0304 = TLS 1.3, RFC 8446 section 4.2.1).
    public var offeredVersion: UInt16 {
        supportedVersions.filter { !TLSClientHello.isGREASE($0) }.max() ?? legacyVersion
    }

    /// GREASE code points (RFC 8701 section 2): 0x0A0A, 0x1A1A, ..., 0xFAFA.
    @inlinable public static func isGREASE(_ value: UInt16) -> Bool {
        value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
    }
}

/// A malformed field inside a ClientHello that was otherwise read (stable snake_case names).
public enum TLSClientHelloAnomaly: UInt8, Sendable, CaseIterable {
    /// host_name longer than `maxServerNameBytes`: not kept.
    case serverNameTooLong
    /// host_name of length 0, or a server_name list whose lengths do not add up.
    case serverNameMalformed
    /// An ALPN list whose lengths do not add up, or an empty protocol name (RFC 7301 section 3.1).
    case alpnMalformed
    /// More ALPN names than `maxALPNEntries` (the rest counted, not kept).
    case alpnTooMany
    /// supported_versions with an odd or inconsistent length.
    case supportedVersionsMalformed
    /// The same extension type twice (RFC 8446 section 4.2: MUST NOT); the first is used.
    case duplicateExtension
    /// The extensions block's length disagrees with the extensions it holds, or bytes follow it.
    case extensionsLengthMismatch

    public var name: String {
        switch self {
        case .serverNameTooLong: "tls_sni_too_long"
        case .serverNameMalformed: "tls_sni_malformed"
        case .alpnMalformed: "tls_alpn_malformed"
        case .alpnTooMany: "tls_alpn_too_many"
        case .supportedVersionsMalformed: "tls_supported_versions_malformed"
        case .duplicateExtension: "tls_duplicate_extension"
        case .extensionsLengthMismatch: "tls_extensions_length_mismatch"
        }
    }
}

/// Why bytes are not a ClientHello this parser can read (stable snake_case names).
public enum TLSClientHelloError: UInt8, Sendable, Equatable, CaseIterable {
    /// Record type 22 but a version, length or non-handshake record that TLS does not allow.
    case badRecordHeader
    /// The handshake message announces more than the caller's limit.
    case handshakeTooLong
    /// A length inside the ClientHello body points past the message (session id > 32 bytes,
    /// odd cipher suite length, no compression method, ...).
    case bodyMalformed

    public var name: String {
        switch self {
        case .badRecordHeader: "tls_bad_record_header"
        case .handshakeTooLong: "tls_handshake_too_long"
        case .bodyMalformed: "tls_client_hello_malformed"
        }
    }
}

/// Outcome of `TLSClientHello.parse(records:)` / `parse(handshake:)`.
public enum TLSClientHelloResult: Sendable, Equatable {
    /// A whole ClientHello was read.
    case clientHello(TLSClientHello)
    /// The bytes are the start of a ClientHello but end too soon: gather at least `total` bytes
    /// of the same stream (counted from its first byte) and parse again. For a record stream
    /// `total` is exact when one record holds the whole message (5 + 4 + handshake length);
    /// when the message spans records it is the end of the next record or of the message,
    /// whichever is known -- call again with more bytes until the result changes.
    case needMoreBytes(total: Int)
    /// Not a TLS handshake record / not a ClientHello (first byte not 22, or handshake type not 1).
    case notClientHello
    /// Starts like a ClientHello but is malformed.
    case malformed(TLSClientHelloError)
}

extension TLSClientHello {
    /// Default limit on the announced handshake length: 64 KiB (a ClientHello with
    /// post-quantum key shares and a ticket is a few KiB; the 24-bit field allows 16 MiB).
    public static let defaultMaxHandshakeLength = 65_536

    /// True when `prefix` (at least 6 bytes) starts like a TLS record carrying a ClientHello:
    /// type 22, version 0x0300...0x0304, record length 1...2^14, handshake type 1. Used to
    /// recognise TLS by content on any port. False for fewer than 6 bytes.
    public static func looksLikeClientHello(_ prefix: UnsafeRawBufferPointer) -> Bool {
        guard let type: UInt8 = prefix.readBigEndian(at: 0), type == 22,
              let version: UInt16 = prefix.readBigEndian(at: 1), version >= 0x0300, version <= 0x0304,
              let length: UInt16 = prefix.readBigEndian(at: 3), length >= 1, length <= 16_384,
              let handshakeType: UInt8 = prefix.readBigEndian(at: 5) else { return false }
        return handshakeType == 1
    }

    /// True when `prefix`, shorter than the 6 bytes `looksLikeClientHello` needs, is consistent
    /// with the start of one (each byte present passes the same checks): a client that splits its
    /// first flight into tiny segments (DPI evasion tools send 1-5 byte first segments) is still
    /// read once the rest arrives.
    public static func mayBeginClientHello(_ prefix: UnsafeRawBufferPointer) -> Bool {
        let n = prefix.count
        guard n >= 1, n < 6, prefix[0] == 22 else { return false }
        if n >= 2 && prefix[1] != 3 { return false }
        if n >= 3 && prefix[2] > 4 { return false }
        if n >= 5 {
            let length = Int(prefix[3]) << 8 | Int(prefix[4])
            if length < 1 || length > 16_384 { return false }
        }
        return true
    }

    /// Parses a ClientHello from the first bytes of a TLS record stream (the client's TCP
    /// payload in sequence order, starting at its first byte).
    ///
    /// Handshake data may span several type-22 records (RFC 8446 section 5.1: "Handshake
    /// messages MAY be coalesced into a single TLSPlaintext record or fragmented across several
    /// records"); those fragments are joined (one copy, only in that case). Work is linear in
    /// the bytes read; nothing is retained from `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: stream bytes from offset 0.
    ///   - maxHandshakeLength: refuse messages announcing more (`.malformed(.handshakeTooLong)`).
    ///   - allowPartial: when the bytes end early, return what the available part holds (with
    ///     `isComplete == false`) instead of `.needMoreBytes` -- for a stream that will not grow.
    /// - Returns: see `TLSClientHelloResult`.
    public static func parse(records bytes: UnsafeRawBufferPointer,
                             maxHandshakeLength: Int = defaultMaxHandshakeLength,
                             allowPartial: Bool = false) -> TLSClientHelloResult {
        guard let type: UInt8 = bytes.readBigEndian(at: 0) else { return .needMoreBytes(total: 5) }
        guard type == 22 else { return .notClientHello }
        guard let recordVersion: UInt16 = bytes.readBigEndian(at: 1),
              let recordLength16: UInt16 = bytes.readBigEndian(at: 3) else { return .needMoreBytes(total: 5) }
        // RFC 8446 section 5.1: "The length MUST NOT exceed 2^14 bytes"; zero-length handshake
        // fragments MUST NOT be sent. Versions 0x0300 (SSL 3.0) ... 0x0304 seen on the wire.
        let recordLength = Int(recordLength16)
        guard recordVersion >> 8 == 3, recordVersion & 0xff <= 4, recordLength >= 1, recordLength <= 16_384
        else { return .malformed(.badRecordHeader) }
        guard let handshakeType: UInt8 = bytes.readBigEndian(at: 5) else { return .needMoreBytes(total: 5 + min(4, recordLength)) }
        guard handshakeType == 1 else { return .notClientHello }

        let firstFragment = bytes.clampedSlice(from: 5, length: recordLength)
        // The whole handshake message inside the first record: parse in place.
        if let body = handshakeLength(firstFragment), 4 + body <= recordLength {
            if body > maxHandshakeLength { return .malformed(.handshakeTooLong) }
            if firstFragment.count >= 4 + body || allowPartial {
                return finish(parse(handshake: firstFragment, maxHandshakeLength: maxHandshakeLength, allowPartial: allowPartial),
                              recordVersion: recordVersion)
            }
            return .needMoreBytes(total: 5 + 4 + body)
        }

        // The message spans records (or its 4-byte header does): join the fragments of
        // consecutive handshake records, bounded by the message length and the limit.
        var joined: [UInt8] = []
        var offset = 0
        var needed = Int.max  // 4 + body once the header is known
        while joined.count < needed {
            guard let t: UInt8 = bytes.readBigEndian(at: offset),
                  let v: UInt16 = bytes.readBigEndian(at: offset + 1),
                  let l16: UInt16 = bytes.readBigEndian(at: offset + 3) else {
                if allowPartial { break }
                return .needMoreBytes(total: offset + 5)
            }
            let l = Int(l16)
            // RFC 8446 section 5.1: handshake messages MUST NOT be interleaved with other record types.
            guard t == 22, v >> 8 == 3, v & 0xff <= 4, l >= 1, l <= 16_384 else { return .malformed(.badRecordHeader) }
            let fragment = bytes.clampedSlice(from: offset + 5, length: l)
            // Only the message's bytes are needed, not the rest of the record that ends it (as in
            // the one-record case above): take what is wanted from this record.
            let before = joined.count
            let want = needed == .max ? l : min(l, needed - before)
            joined.append(contentsOf: fragment.clampedSlice(from: 0, length: want))
            if needed == .max, joined.count >= 4 {
                let body = Int(joined[1]) << 16 | Int(joined[2]) << 8 | Int(joined[3])
                if body > maxHandshakeLength { return .malformed(.handshakeTooLong) }
                needed = 4 + body
            }
            if joined.count >= needed { break }
            if fragment.count < l {  // the record is cut short before the message ends
                if allowPartial { break }
                // Ask for the rest of the message inside this record (or its 4-byte header first).
                let inRecord = needed == .max ? min(l, 4 - before) : min(l, needed - before)
                return .needMoreBytes(total: offset + 5 + max(inRecord, fragment.count + 1))
            }
            offset += 5 + l
        }
        return joined.withUnsafeBytes {
            finish(parse(handshake: $0, maxHandshakeLength: maxHandshakeLength, allowPartial: allowPartial),
                   recordVersion: recordVersion, streamLength: bytes.count)
        }
    }

    private static func finish(_ result: TLSClientHelloResult, recordVersion: UInt16, streamLength: Int = 0) -> TLSClientHelloResult {
        guard case .clientHello(var hello) = result else {
            // Only reached with `allowPartial` and fewer than 4 handshake bytes: any growth may help.
            if case .needMoreBytes = result { return .needMoreBytes(total: streamLength + 1) }
            return result
        }
        hello.recordVersion = recordVersion
        return .clientHello(hello)
    }

    /// Body length from a handshake header (msg_type, uint24), or nil if fewer than 4 bytes.
    private static func handshakeLength(_ b: UnsafeRawBufferPointer) -> Int? {
        guard let hi: UInt8 = b.readBigEndian(at: 1), let lo: UInt16 = b.readBigEndian(at: 2) else { return nil }
        return Int(hi) << 16 | Int(lo)
    }

    /// Parses a bare handshake message (msg_type, uint24 length, body), as QUIC CRYPTO frames
    /// carry it (RFC 9001 section 4.1.3). `.needMoreBytes(total:)` counts handshake bytes
    /// (4 + body length). Same limits and `allowPartial` meaning as `parse(records:)`.
    public static func parse(handshake bytes: UnsafeRawBufferPointer,
                             maxHandshakeLength: Int = defaultMaxHandshakeLength,
                             allowPartial: Bool = false) -> TLSClientHelloResult {
        guard let type: UInt8 = bytes.readBigEndian(at: 0) else { return .needMoreBytes(total: 4) }
        guard type == 1 else { return .notClientHello }
        guard let bodyLength = handshakeLength(bytes) else { return .needMoreBytes(total: 4) }
        guard bodyLength <= maxHandshakeLength else { return .malformed(.handshakeTooLong) }
        let available = bytes.count - 4
        if available < bodyLength && !allowPartial { return .needMoreBytes(total: 4 + bodyLength) }
        let body = bytes.clampedSlice(from: 4, length: bodyLength)
        var hello = TLSClientHello()
        hello.handshakeLength = bodyLength
        hello.isComplete = available >= bodyLength
        return readBody(body, complete: hello.isComplete, into: &hello)
    }

    /// Reads the ClientHello body. With `complete == false` the body is a prefix of the message:
    /// reads that run past its end stop the walk instead of making the message malformed.
    private static func readBody(_ b: UnsafeRawBufferPointer, complete: Bool, into hello: inout TLSClientHello) -> TLSClientHelloResult {
        // A length that points past the available bytes: malformed if the message is whole,
        // simply "stop here" for a prefix.
        func short() -> TLSClientHelloResult { complete ? .malformed(.bodyMalformed) : .clientHello(hello) }

        guard let legacy: UInt16 = b.readBigEndian(at: 0) else { return short() }
        hello.legacyVersion = legacy
        var at = 2 + 32  // random
        guard let sessionIDLength: UInt8 = b.readBigEndian(at: at) else { return short() }
        guard sessionIDLength <= 32 else { return .malformed(.bodyMalformed) }
        at += 1 + Int(sessionIDLength)
        guard let cipherLength: UInt16 = b.readBigEndian(at: at) else { return short() }
        guard cipherLength >= 2, cipherLength % 2 == 0 else { return .malformed(.bodyMalformed) }
        hello.cipherSuiteCount = Int(cipherLength) / 2
        at += 2 + Int(cipherLength)
        guard let compressionLength: UInt8 = b.readBigEndian(at: at) else { return short() }
        guard compressionLength >= 1 else { return .malformed(.bodyMalformed) }
        at += 1 + Int(compressionLength)
        if at > b.count { return short() }
        // RFC 5246 section 7.4.1.2: a TLS <= 1.2 ClientHello may end here (no extensions).
        if at == b.count && complete { return .clientHello(hello) }
        guard let extensionsLength16: UInt16 = b.readBigEndian(at: at) else { return short() }
        at += 2
        let extensionsEnd = at + Int(extensionsLength16)
        if complete && extensionsEnd != b.count { hello.note(.extensionsLengthMismatch) }
        let end = min(extensionsEnd, b.count)

        var seen = SeenExtensions()
        while at < end {
            guard let type: UInt16 = b.readBigEndian(at: at), let length16: UInt16 = b.readBigEndian(at: at + 2),
                  at + 4 <= end else {
                if complete { hello.note(.extensionsLengthMismatch) }
                break
            }
            let length = Int(length16)
            let dataStart = at + 4
            if dataStart + length > end {
                // The extension runs past the block (whole message) or past what we have (prefix).
                if complete { hello.note(.extensionsLengthMismatch) }
                break
            }
            hello.extensionCount += 1
            let data = UnsafeRawBufferPointer(rebasing: b[dataStart..<(dataStart + length)])
            if seen.insert(type) {
                switch type {
                case 0: readServerName(data, into: &hello)
                case 16: readALPN(data, into: &hello)
                case 43: readSupportedVersions(data, into: &hello)
                case 0xfe0d:
                    hello.hasEncryptedClientHello = true
                    hello.encryptedClientHelloType = data.readBigEndian(at: 0)
                default: break
                }
            } else {
                hello.note(.duplicateExtension)
            }
            at = dataStart + length
        }
        return .clientHello(hello)
    }

    /// server_name (RFC 6066 section 3): ServerNameList<1..2^16-1> of { NameType(1), HostName<1..2^16-1> }.
    private static func readServerName(_ d: UnsafeRawBufferPointer, into hello: inout TLSClientHello) {
        // RFC 6066 section 3: a server's reply carries an empty extension; a ClientHello must not.
        guard let listLength: UInt16 = d.readBigEndian(at: 0), Int(listLength) + 2 == d.count else {
            hello.note(.serverNameMalformed); return
        }
        var at = 2
        while at < d.count {
            guard let nameType: UInt8 = d.readBigEndian(at: at), let nameLength16: UInt16 = d.readBigEndian(at: at + 1),
                  at + 3 + Int(nameLength16) <= d.count else { hello.note(.serverNameMalformed); return }
            let nameLength = Int(nameLength16)
            if nameType == 0 && hello.serverName == nil && !hello.has(.serverNameTooLong) {
                if nameLength == 0 {
                    hello.note(.serverNameMalformed)
                } else if nameLength > maxServerNameBytes {
                    hello.note(.serverNameTooLong)
                } else {
                    hello.serverName = UntrustedText.string(UnsafeRawBufferPointer(rebasing: d[(at + 3)..<(at + 3 + nameLength)]))
                }
            }
            at += 3 + nameLength
        }
    }

    /// ALPN (RFC 7301 section 3.1): ProtocolNameList<2..2^16-1> of ProtocolName<1..2^8-1>.
    private static func readALPN(_ d: UnsafeRawBufferPointer, into hello: inout TLSClientHello) {
        guard let listLength: UInt16 = d.readBigEndian(at: 0), Int(listLength) + 2 == d.count else {
            hello.note(.alpnMalformed); return
        }
        var at = 2
        while at < d.count {
            guard let n8: UInt8 = d.readBigEndian(at: at), at + 1 + Int(n8) <= d.count else { hello.note(.alpnMalformed); return }
            let n = Int(n8)
            if n == 0 { hello.note(.alpnMalformed) }
            hello.alpnCount += 1
            if hello.alpn.count < maxALPNEntries {
                if n > 0 { hello.alpn.append(String(decoding: UnsafeRawBufferPointer(rebasing: d[(at + 1)..<(at + 1 + n)]), as: UTF8.self)) }
            } else {
                hello.note(.alpnTooMany)
            }
            at += 1 + n
        }
    }

    /// supported_versions in a ClientHello (RFC 8446 section 4.2.1): ProtocolVersion versions<2..254>.
    private static func readSupportedVersions(_ d: UnsafeRawBufferPointer, into hello: inout TLSClientHello) {
        guard let n8: UInt8 = d.readBigEndian(at: 0), Int(n8) + 1 == d.count, n8 % 2 == 0, n8 >= 2 else {
            hello.note(.supportedVersionsMalformed); return
        }
        var at = 1
        while at + 2 <= d.count, hello.supportedVersions.count < maxSupportedVersions {
            if let v: UInt16 = d.readBigEndian(at: at) { hello.supportedVersions.append(v) }
            at += 2
        }
    }
}

/// The extension types seen so far in one ClientHello: a bit for each of the four types read
/// (duplicates of others are not looked for, so the walk stays linear and allocation-free).
private struct SeenExtensions {
    var bits: UInt8 = 0
    /// Inserts `type`; false when it was already there.
    mutating func insert(_ type: UInt16) -> Bool {
        let bit: UInt8
        switch type {
        case 0: bit = 1
        case 16: bit = 2
        case 43: bit = 4
        case 0xfe0d: bit = 8
        default: return true
        }
        defer { bits |= bit }
        return bits & bit == 0
    }
}
