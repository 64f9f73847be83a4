import PacketDecoding
import TrafficAnalysis

/// What the CDN analysis keeps per TCP/UDP connection whose content it recognised (a TLS
/// ClientHello, an HTTP/1.x request, a QUIC Initial), from its first such packet until the
/// connection's record finishes. Small and inline in an `OpenTable` slot: the parsers that
/// need buffers live apart, in `CDNParserPool`, only while a ClientHello is being gathered.
/// Before that first payload (SYN seen, sequence number noted) the connection has no entry:
/// what is needed lives in the connection analyzer's slot (`CDNAnalyzer.Slot`).
struct CDNFlowState: Sendable {
    enum Kind: UInt8, Sendable { case tls, http, quic }

    /// The client (sender of the ClientHello / request / Initial) is the key's endpoint A.
    var clientIsA: Bool
    var kind: Kind
    /// Last packet time (ns), for the sampled-LRU eviction under the cap.
    var last: Int64
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
        case .tls: parser.isNone && serverChecked
        case .http, .quic: parser.isNone && serverReplied
        }
    }
}

/// Untrusted names become bounded, comparable text at the boundary: ASCII lower case, one
/// trailing dot removed. The readers already refuse names over 255 bytes as sent (the longest
/// DNS name in text form is 253, RFC 1035 section 2.3.4; SNI's HostName is bounded by the same
/// rule, RFC 6066 section 3), and write bytes that are not UTF-8 as `\xNN` (SNI, Host:
/// `UntrustedText`) or `\DDD` (DNS), at most 4 bytes each: a name longer than `maxBytes` is
/// not used at all (cutting it would make distinct names one). Renderers still escape it: it
/// may hold any character the peer sent.
enum CDNName {
    static let maxBytes = 4 * 255

    static func normalized(_ raw: String) -> String? {
        let utf8 = raw.utf8
        let n = utf8.count
        guard n > 0, n <= maxBytes else { return nil }
        // Most names (DNS names are lower case already) need no change: no copy then. Read
        // from the string's own bytes (a native string's are contiguous): the view's iterator
        // cost ~20 instructions a byte (callgrind: ~570 per DNS answer).
        let clean = utf8.withContiguousStorageIfAvailable { b -> Bool in
            if b[n - 1] == 0x2e { return false }
            for x in b where x &- 0x41 < 26 { return false }
            return true
        }
        if clean == true { return raw }
        let trailingDot = utf8.last == 0x2e
        var upper = false
        for b in utf8 where b >= 0x41 && b <= 0x5a { upper = true; break }
        if !upper && !trailingDot { return raw }
        var bytes = Array(utf8)
        if trailingDot { bytes.removeLast() }
        guard !bytes.isEmpty else { return nil }
        for i in bytes.indices where bytes[i] >= 0x41 && bytes[i] <= 0x5a { bytes[i] |= 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
