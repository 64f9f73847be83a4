import PacketDecoding
import TrafficAnalysis

/// What the CDN analysis keeps per TCP/UDP connection whose content it recognised (a TLS
/// ClientHello, an HTTP/1.x request, a QUIC Initial), from its first such packet until the
/// connection's record finishes. Small and inline in an `OpenTable` slot: the parsers that
/// need buffers live apart, in `CDNParserPool`, only while a ClientHello is being gathered.
struct CDNFlowState: Sendable {
    /// `pending`: the client's SYN was seen, no payload yet (kept for its sequence number, so a
    /// ClientHello whose first segment arrives late is still placed at stream offset 0).
    enum Kind: UInt8, Sendable { case pending, tls, http, quic }

    /// The client (sender of the ClientHello / request / Initial) is the key's endpoint A.
    var clientIsA: Bool
    var kind: Kind
    /// Last packet time (ns), for the sampled-LRU eviction under the cap.
    var last: Int64
    /// The client's SYN sequence number + 1 (stream offset 0), when its SYN was seen.
    var initialSequence: UInt32? = nil
    /// Parser slot in the pool while the ClientHello is incomplete; `.none` when none.
    var parser: CDNParserPool.Handle = .none
    /// The name the connection carried (SNI, QUIC SNI, Host), already capped and lower-cased.
    var name: String? = nil
    var nameSource: CDNNameSource? = nil
    /// A ClientHello was read (whole or, at the connection's end, partly).
    var clientHello = false
    /// The server's first payload was looked at / was a ServerHello.
    var serverChecked = false
    var serverHello = false
    /// The server sent at least one packet with payload (QUIC: any datagram back).
    var serverReplied = false

    /// Everything this connection can show has been read: the client's ClientHello / request /
    /// Initial (no parser in progress) and the server's answer (its ServerHello checked, or for
    /// QUIC and HTTP any reply). Its later packets need not be looked at.
    var complete: Bool {
        switch kind {
        case .pending: false
        case .tls: parser.isNone && serverChecked
        case .http, .quic: parser.isNone && serverReplied
        }
    }
}

/// Untrusted names become bounded, comparable text at the boundary: at most 255 bytes (the
/// longest DNS name in text form is 253, RFC 1035 section 2.3.4; SNI's HostName is bounded by
/// the same rule, RFC 6066 section 3), ASCII lower case, one trailing dot removed. Renderers
/// still escape it: it may hold any byte the peer sent.
enum CDNName {
    static let maxBytes = 255

    static func normalized(_ raw: String) -> String? {
        var bytes = Array(raw.utf8.prefix(maxBytes))
        if bytes.last == 0x2e { bytes.removeLast() }
        guard !bytes.isEmpty else { return nil }
        for i in bytes.indices where bytes[i] >= 0x41 && bytes[i] <= 0x5a { bytes[i] |= 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
