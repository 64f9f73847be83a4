import Testing
import TestSupport
@testable import PacketDecoding

@Suite struct HTTPRequestHostTests {
    func parse(_ text: String, allowPartial: Bool = false) -> HTTPRequestHeadResult {
        Array(text.utf8).withUnsafeBytes { HTTPRequestHead.parse($0, allowPartial: allowPartial) }
    }

    func head(_ text: String) -> HTTPRequestHead? {
        if case .request(let h) = parse(text) { return h }
        return nil
    }

    @Test func hostPortMethodAndVersion() throws {
        var h = try #require(head("GET /index.html HTTP/1.1\r\nUser-Agent: x\r\nHost: WWW.Example.COM\r\nAccept: */*\r\n\r\n"))
        #expect(h.method == "GET" && h.versionMinor == 1 && h.host == "www.example.com" && h.port == nil && h.isComplete)
        h = try #require(head("POST /api HTTP/1.0\r\nhost:api.example.net:8080\r\n\r\nbody"))
        #expect(h.method == "POST" && h.versionMinor == 0 && h.host == "api.example.net" && h.port == 8080)
        h = try #require(head("GET http://[2001:db8::1]:8443/ HTTP/1.1\nHOST: [2001:DB8::1]:8443\n\n"))  // bare LF lines
        #expect(h.host == "2001:db8::1" && h.port == 8443)
        h = try #require(head("GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n"))
        #expect(h.host == "a.example" && h.hostFieldCount == 2)   // RFC 9112 section 3.2: invalid, first kept
        h = try #require(head("GET / HTTP/1.1\r\nX-Host: evil.example\r\nHost : spaced.example\r\n\r\n"))
        #expect(h.host == nil && h.hostFieldCount == 0)            // neither is a Host field line
        h = try #require(head("OPTIONS * HTTP/1.1\r\nHost: \(String(repeating: "a", count: 256))\r\n\r\n"))
        #expect(h.host == nil && h.hostFieldCount == 1)            // over 255 bytes: not kept
    }

    /// RFC 9112 section 3.2.2: with an absolute-form request-target the Host field is ignored in
    /// favour of the target's authority (before, `GET http://real.example/ ...` gave Host's name).
    @Test func absoluteFormAuthorityWinsOverHost() throws {
        var h = try #require(head("GET http://Real.Example:8080/x?y HTTP/1.1\r\nHost: decoy.example\r\n\r\n"))
        #expect(h.host == "real.example" && h.port == 8080 && h.hostFromTarget && h.hostFieldCount == 1)
        h = try #require(head("GET HTTPS://user:pw@cdn.example HTTP/1.1\r\n\r\n"))   // scheme in any case, userinfo dropped
        #expect(h.host == "cdn.example" && h.port == nil && h.hostFromTarget && h.hostFieldCount == 0)
        h = try #require(head("GET http://[2001:DB8::5]/ HTTP/1.1\r\nHost: other.example\r\n\r\n"))
        #expect(h.host == "2001:db8::5" && h.hostFromTarget)
        // Not an http(s) absolute-form target: the Host field names the request.
        for target in ["/index.html", "ftp://files.example/", "http:/x", "http://", "httpx://a.example/"] {
            h = try #require(head("GET \(target) HTTP/1.1\r\nHost: origin.example\r\n\r\n"), "\(target)")
            #expect(h.host == "origin.example" && !h.hostFromTarget, "\(target)")
        }
    }

    /// Host bytes that are not UTF-8 stay distinct (`\xNN`), instead of all becoming U+FFFD.
    @Test func invalidUTF8HostsStayDistinct() throws {
        func host(_ bytes: [UInt8]) -> String? {
            let text = Array("GET / HTTP/1.1\r\nHost: ".utf8) + bytes + Array("\r\n\r\n".utf8)
            if case .request(let h) = text.withUnsafeBytes({ HTTPRequestHead.parse($0) }) { return h.host }
            return nil
        }
        #expect(host(Array("bad".utf8) + [0xff] + Array(".example".utf8)) == "bad\\xff.example")
        #expect(host(Array("bad".utf8) + [0xfe] + Array(".example".utf8)) == "bad\\xfe.example")
        #expect(host(Array("caf\u{e9}.example".utf8)) == "caf\u{e9}.example")   // valid UTF-8 as sent
    }

    @Test func untrustedTextIsOneToOne() {
        #expect(UntrustedText.string(Array("plain.example".utf8)) == "plain.example")
        #expect(UntrustedText.string([0x61, 0xff, 0x62]) == "a\\xffb")
        #expect(UntrustedText.string([0x61, 0x5c, 0x62]) == "a\\x5cb")           // a backslash cannot forge an escape
        #expect(UntrustedText.string(Array("a\\xffb".utf8)) != UntrustedText.string([0x61, 0xff, 0x62]))
        #expect(UntrustedText.string([0xc3, 0xa9]) == "\u{e9}")
        #expect(UntrustedText.string([0xc0, 0xaf]) == "\\xc0\\xaf")                // overlong "/"
        #expect(UntrustedText.string([0xed, 0xa0, 0x80]) == "\\xed\\xa0\\x80")     // surrogate D800
        #expect(UntrustedText.string([0xf4, 0x90, 0x80, 0x80]) == "\\xf4\\x90\\x80\\x80")  // above U+10FFFF
        #expect(UntrustedText.string([0xf0, 0x9f, 0x98, 0x80]) == "\u{1f600}")
        #expect(UntrustedText.string([0xe2, 0x82]) == "\\xe2\\x82")                // cut sequence
    }

    @Test func notHTTPAndPrefixes() {
        #expect(parse("\u{16}\u{03}\u{01}\u{02}\u{00}") == .notHTTP)           // TLS
        #expect(parse("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == .notHTTP)        // HTTP/2 preface
        #expect(parse("SSH-2.0-OpenSSH_9.6\r\n") == .notHTTP)
        #expect(parse("GET  / HTTP/1.1\r\n\r\n") == .notHTTP)                 // empty target
        #expect(parse("GET / HTTP/1.1 \r\n\r\n") == .notHTTP)
        #expect(parse("AVERYVERYLONGMETHODNAME / HTTP/1.1\r\n\r\n") == .notHTTP)
        let full = "GET /a HTTP/1.1\r\nHost: prefix.example\r\n\r\n"
        let bytes = Array(full.utf8)
        for n in 0..<bytes.count {
            let r = Array(bytes.prefix(n)).withUnsafeBytes { HTTPRequestHead.parse($0) }
            #expect(r == .needMoreBytes, "prefix \(n)")
            if case .request(let h) = Array(bytes.prefix(n)).withUnsafeBytes({ HTTPRequestHead.parse($0, allowPartial: true) }) {
                #expect(!h.isComplete)
                if let host = h.host { #expect("prefix.example".hasPrefix(host)) }
            }
        }
        #expect(head(full)?.host == "prefix.example")
    }

    @Test func boundedOnHugeHeads() {
        // No end of head within 8 KiB: a partial head, not a wait for ever.
        let big = "GET / HTTP/1.1\r\nHost: big.example\r\n" + String(repeating: "X-Pad: 0123456789\r\n", count: 1000)
        guard case .request(let h) = parse(big) else { Issue.record("not read"); return }
        #expect(h.host == "big.example" && !h.isComplete)
        var rng = SplitMix64(seed: 80)
        for _ in 0..<2000 {
            var b = Array("GET / HTTP/1.1\r\nHost: r.example:80\r\n\r\n".utf8)
            for _ in 0..<3 { b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = b.withUnsafeBytes { HTTPRequestHead.parse($0) }
            _ = b.withUnsafeBytes { HTTPRequestHead.parse($0, allowPartial: true) }
        }
    }
}
