/// Builds TLS ClientHello messages for tests, field by field (RFC 8446 section 4.1.2), so a test
/// can state what it put in and check what the parser reads back. Lengths are computed here,
/// and the tests also check one RFC vector built by other hands (RFC 9001 Appendix A.2).
public struct ClientHelloBuilder {
    public var legacyVersion: UInt16 = 0x0303
    public var sessionID: [UInt8] = Array(repeating: 0x11, count: 32)
    public var cipherSuites: [UInt16] = [0x1301, 0x1302, 0x1303]
    public var serverName: String? = nil
    /// The server_name's bytes as sent, when they must not be UTF-8 (overrides `serverName`).
    public var serverNameBytes: [UInt8]? = nil
    public var alpn: [String] = []
    public var supportedVersions: [UInt16]? = nil
    /// encrypted_client_hello (0xfe0d) body: type byte then opaque bytes; nil for none.
    public var echBody: [UInt8]? = nil
    /// Extra extensions (type, body), appended after the others.
    public var extraExtensions: [(UInt16, [UInt8])] = []
    /// Omit the extensions block entirely (TLS <= 1.2 style).
    public var noExtensions = false

    public init() {}

    public static func be16(_ v: Int) -> [UInt8] { [UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
    public static func be24(_ v: Int) -> [UInt8] { [UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }

    /// One extension: type, length, body.
    public static func ext(_ type: UInt16, _ body: [UInt8]) -> [UInt8] { be16(Int(type)) + be16(body.count) + body }

    /// The extensions in order: server_name, ALPN, supported_versions, ECH, extras.
    public var extensions: [UInt8] {
        var out: [UInt8] = []
        if let name = serverNameBytes ?? serverName.map({ Array($0.utf8) }) {
            let entry: [UInt8] = [0] + Self.be16(name.count) + name
            out += Self.ext(0, Self.be16(entry.count) + entry)
        }
        if !alpn.isEmpty {
            var list: [UInt8] = []
            for p in alpn { list += [UInt8(p.utf8.count)] + Array(p.utf8) }
            out += Self.ext(16, Self.be16(list.count) + list)
        }
        if let supportedVersions {
            var body: [UInt8] = [UInt8(supportedVersions.count * 2)]
            for v in supportedVersions { body += Self.be16(Int(v)) }
            out += Self.ext(43, body)
        }
        if let echBody { out += Self.ext(0xfe0d, echBody) }
        for (t, b) in extraExtensions { out += Self.ext(t, b) }
        return out
    }

    /// ClientHello body (after the 4-byte handshake header).
    public var body: [UInt8] {
        var b = Self.be16(Int(legacyVersion)) + Array(repeating: 0x5a, count: 32)
        b += [UInt8(sessionID.count)] + sessionID
        b += Self.be16(cipherSuites.count * 2) + cipherSuites.flatMap { Self.be16(Int($0)) }
        b += [1, 0]  // one compression method: null
        if !noExtensions {
            let e = extensions
            b += Self.be16(e.count) + e
        }
        return b
    }

    /// The handshake message: type 1, uint24 length, body.
    public var handshake: [UInt8] { let b = body; return [1] + Self.be24(b.count) + b }

    /// The handshake message in one TLS record (type 22, version 0x0301 as clients send it).
    public var record: [UInt8] { Self.records(handshake, fragmentSize: 16_384) }

    /// `message` cut into type-22 records of at most `fragmentSize` bytes each.
    public static func records(_ message: [UInt8], fragmentSize: Int, version: UInt16 = 0x0301) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < message.count {
            let n = min(fragmentSize, message.count - i)
            out += [22] + be16(Int(version)) + be16(n) + message[i..<(i + n)]
            i += n
        }
        return out
    }
}
