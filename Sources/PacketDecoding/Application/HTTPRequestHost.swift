import CaptureCore

// The start of an HTTP/1.x request (RFC 9112 sections 2-3, 5), for the name a plain-text
// connection asks for:
//
//   request-line = method SP request-target SP HTTP-version CRLF     (section 3)
//   field-line   = field-name ":" OWS field-value OWS CRLF           (section 5)
//   ...            CRLF ends the header section
//
// Host (RFC 9110 section 7.2) = uri-host [ ":" port ]. "A server MUST respond with a 400 (Bad
// Request) status code to any HTTP/1.1 request message that lacks a Host header field and to
// any request message that contains more than one Host header field line" (RFC 9112 section
// 3.2): a second Host is flagged and the first kept. A bare LF is accepted as a line end
// (section 2.2 allows a recipient to). Only the first request of a connection is read, within
// the first `maxHeadBytes` bytes.
//
// absolute-form (section 3.2.2), `GET http://host:port/path HTTP/1.1`, as sent to proxies: "the
// proxy MUST ignore the received Host header field (if any) and instead replace it with the
// host information of the request-target", and the target URI is the request-target (section
// 3.3). So for an http/https absolute-URI (RFC 3986 section 3: scheme "://" [userinfo "@"]
// host [":" port]) the authority's host is the name, whatever Host says.

/// Method, version and Host of an HTTP/1.x request head. Strings are untrusted: `host` is at
/// most `maxHostBytes` bytes as sent, ASCII lower-cased, `UntrustedText` (bytes that are not
/// UTF-8 as `\xNN`), and must be escaped when rendered.
public struct HTTPRequestHead: Sendable, Equatable {
    /// Most bytes looked at for the head (request line and header fields).
    public static let maxHeadBytes = 8192
    /// Longest Host value kept (the name part; RFC 1035 names are at most 253 characters).
    public static let maxHostBytes = 255

    /// The method token (at most 16 characters), e.g. "GET".
    public var method: String = ""
    /// Minor version of HTTP/1.x.
    public var versionMinor: UInt8 = 1
    /// The request's host (no port, no IPv6 brackets), lower-cased: the authority of an
    /// absolute-form request-target when there is one (`hostFromTarget`), else the Host field's
    /// host part; nil when absent, empty or longer than `maxHostBytes`.
    public var host: String? = nil
    /// The port given with `host`, when given.
    public var port: UInt16? = nil
    /// `host` and `port` come from an absolute-form request-target (RFC 9112 section 3.2.2),
    /// which takes precedence over the Host field.
    public var hostFromTarget: Bool = false
    /// Host field lines seen (more than one is invalid, RFC 9112 section 3.2).
    public var hostFieldCount: Int = 0
    /// The head ended (empty line) within the bytes given; false for a partial read.
    public var isComplete: Bool = true

    public init() {}
}

/// Outcome of `HTTPRequestHead.parse`.
public enum HTTPRequestHeadResult: Sendable, Equatable {
    case request(HTTPRequestHead)
    /// A request line was recognised but the head has not ended: gather more of the stream
    /// (up to `HTTPRequestHead.maxHeadBytes`) and parse again, or parse with `allowPartial`.
    case needMoreBytes
    /// The bytes do not start with `token SP target SP HTTP/1.x`.
    case notHTTP
}

extension HTTPRequestHead {
    /// Parses the first request head of a client's stream. Linear in the bytes read (at most
    /// `maxHeadBytes`); allocates only the strings kept.
    /// - Parameter allowPartial: read what is there when the head has not ended (the stream
    ///   will not grow); `isComplete` is then false.
    public static func parse(_ input: UnsafeRawBufferPointer, allowPartial: Bool = false) -> HTTPRequestHeadResult {
        let b = input.clampedSlice(from: 0, length: maxHeadBytes)
        // Not enough bytes yet: more may help, unless the cap is reached.
        let more: HTTPRequestHeadResult = b.count < maxHeadBytes ? .needMoreBytes : .notHTTP
        // Request line: method token (RFC 9110 section 5.6.2 tchar), SP, target, SP, version.
        var at = 0
        while at < b.count, at < 17, isTokenByte(b[at]) { at += 1 }
        guard at < b.count else { return at <= 16 ? more : .notHTTP }
        guard at >= 1, at <= 16, b[at] == 0x20 else { return .notHTTP }
        var head = HTTPRequestHead()
        head.method = String(decoding: UnsafeRawBufferPointer(rebasing: b[0..<at]), as: UTF8.self)
        at += 1
        // request-target: visible ASCII up to SP.
        let targetStart = at
        while at < b.count, b[at] > 0x20, b[at] < 0x7f { at += 1 }
        guard at < b.count else { return more }
        guard at > targetStart, b[at] == 0x20 else { return .notHTTP }
        readAbsoluteFormAuthority(UnsafeRawBufferPointer(rebasing: b[targetStart..<at]), into: &head)
        at += 1
        // "HTTP/1." DIGIT
        let version: [UInt8] = Array("HTTP/1.".utf8)
        for (i, c) in version.enumerated() {
            guard at + i < b.count else { return more }
            guard b[at + i] == c else { return .notHTTP }
        }
        at += version.count
        guard at < b.count else { return more }
        guard b[at] >= 0x30, b[at] <= 0x39 else { return .notHTTP }
        head.versionMinor = b[at] - 0x30
        at += 1
        if at < b.count && b[at] != 0x0d && b[at] != 0x0a { return .notHTTP }
        guard let afterLine = lineEnd(b, at) else { return more }
        guard afterLine.contentEnd == at else { return .notHTTP }
        at = afterLine.next

        // Field lines until an empty line.
        while true {
            guard let line = lineEnd(b, at) else {
                if allowPartial { head.isComplete = false; return .request(head) }
                return b.count < maxHeadBytes ? .needMoreBytes : .request(partial(head))
            }
            if line.contentEnd == at { return .request(head) }  // empty line: end of the head
            readField(UnsafeRawBufferPointer(rebasing: b[at..<line.contentEnd]), into: &head)
            at = line.next
        }
    }

    private static func partial(_ h: HTTPRequestHead) -> HTTPRequestHead { var h = h; h.isComplete = false; return h }

    /// tchar (RFC 9110 section 5.6.2).
    private static func isTokenByte(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// The end of the line starting at `from`: where its content ends (before CR LF or LF) and
    /// where the next line starts; nil when no LF follows within the bytes.
    private static func lineEnd(_ b: UnsafeRawBufferPointer, _ from: Int) -> (contentEnd: Int, next: Int)? {
        var i = from
        while i < b.count {
            if b[i] == 0x0a { return (i > from && b[i - 1] == 0x0d ? i - 1 : i, i + 1) }
            i += 1
        }
        return nil
    }

    /// One field line; only Host is kept.
    private static func readField(_ line: UnsafeRawBufferPointer, into head: inout HTTPRequestHead) {
        // "Host:" in any case (field names are case-insensitive, RFC 9110 section 5.1); no
        // whitespace is allowed before the colon (RFC 9112 section 5.1).
        guard line.count >= 5 else { return }
        let name: [UInt8] = [0x68, 0x6f, 0x73, 0x74]  // "host"
        for i in 0..<4 where line[i] | 0x20 != name[i] { return }
        guard line[4] == UInt8(ascii: ":") else { return }
        head.hostFieldCount += 1
        guard head.hostFieldCount == 1, !head.hostFromTarget else { return }
        var lo = 5, hi = line.count
        while lo < hi, line[lo] == 0x20 || line[lo] == 0x09 { lo += 1 }
        while hi > lo, line[hi - 1] == 0x20 || line[hi - 1] == 0x09 { hi -= 1 }
        readHostAndPort(line, lo, hi, into: &head)
    }

    /// The authority of an absolute-form request-target with scheme http or https (scheme
    /// case-insensitive, RFC 3986 section 3.1): `scheme "://" [userinfo "@"] host [":" port]`,
    /// ending at the first "/", "?" or "#". Sets `host`, `port` and `hostFromTarget`; origin-form
    /// (`/path`), asterisk-form and authority-form (CONNECT) targets are left alone.
    private static func readAbsoluteFormAuthority(_ target: UnsafeRawBufferPointer, into head: inout HTTPRequestHead) {
        var at = 0
        for c in "http".utf8 {
            guard at < target.count, target[at] | 0x20 == c else { return }
            at += 1
        }
        if at < target.count, target[at] | 0x20 == UInt8(ascii: "s") { at += 1 }
        for c in "://".utf8 {
            guard at < target.count, target[at] == c else { return }
            at += 1
        }
        var end = at
        while end < target.count, target[end] != UInt8(ascii: "/"), target[end] != UInt8(ascii: "?"), target[end] != UInt8(ascii: "#") {
            end += 1
        }
        // userinfo ends at the last "@" of the authority (RFC 3986 section 3.2.1).
        var start = at
        for j in at..<end where target[j] == UInt8(ascii: "@") { start = j + 1 }
        var h = HTTPRequestHead()
        readHostAndPort(target, start, end, into: &h)
        guard let host = h.host else { return }
        head.host = host; head.port = h.port; head.hostFromTarget = true
    }

    /// `uri-host [":" port]` in `b[lo..<hi]` (RFC 9110 section 7.2; an IP-literal in brackets,
    /// RFC 3986 section 3.2.2) into `head.host` and `head.port`; nothing when the host part is
    /// empty or longer than `maxHostBytes`.
    private static func readHostAndPort(_ b: UnsafeRawBufferPointer, _ lo: Int, _ hi: Int, into head: inout HTTPRequestHead) {
        var hostEnd = hi
        var hostStart = lo
        var port: UInt16? = nil
        if lo < hi, b[lo] == UInt8(ascii: "[") {
            // IP-literal: up to "]", then an optional ":port".
            var j = lo + 1
            while j < hi, b[j] != UInt8(ascii: "]") { j += 1 }
            guard j < hi else { return }
            hostStart = lo + 1
            hostEnd = j
            if j + 1 < hi, b[j + 1] == UInt8(ascii: ":") { port = Self.port(b, j + 2, hi) }
        } else {
            var j = hi
            while j > lo, b[j - 1] != UInt8(ascii: ":") { j -= 1 }
            if j > lo { hostEnd = j - 1; port = Self.port(b, j, hi) }
        }
        let n = hostEnd - hostStart
        guard n >= 1, n <= maxHostBytes else { return }
        let lowered = UnsafeRawBufferPointer(rebasing: b[hostStart..<hostEnd]).map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }
        head.host = UntrustedText.string(lowered)
        head.port = port
    }

    private static func port(_ line: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> UInt16? {
        guard to > from, to - from <= 5 else { return nil }
        var v = 0
        for i in from..<to {
            guard line[i] >= 0x30, line[i] <= 0x39 else { return nil }
            v = v * 10 + Int(line[i] - 0x30)
        }
        return v <= 65535 ? UInt16(v) : nil
    }
}
