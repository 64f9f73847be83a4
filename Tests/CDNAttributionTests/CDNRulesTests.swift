import Foundation
import Testing
import PacketDecoding
@testable import CDNAttribution

@Suite struct CDNRulesLoaderTests {
    func load(_ json: String) throws -> CDNRules {
        try CDNRules.load(data: Data(json.utf8), fileName: "rules.json")
    }

    func error(_ json: String) -> CDNRulesError? {
        do { _ = try load(json); return nil } catch let e as CDNRulesError { return e } catch { return nil }
    }

    func doc(_ providers: String) -> String {
        #"{"format": "netcensus-cdn-rules", "version": 1, "providers": [\#(providers)]}"#
    }

    let src = #""url": "https://example.net/list", "retrieved": "2026-12-05""#

    @Test func bundledRulesLoadAndHaveSources() throws {
        let rules = try CDNRules.bundled()
        #expect(rules.providers.map(\.name) == ["Cloudflare", "Fastly", "Akamai", "Amazon CloudFront"])
        for p in rules.providers {
            for s in p.sources {
                #expect(s.url.hasPrefix("https://"))
                #expect(CDNRules.isDate(s.retrieved))
            }
        }
        // Cloudflare's published lists: 15 IPv4 and 7 IPv6 prefixes.
        let cf = rules.providers[0].sources.flatMap(\.prefixes)
        #expect(cf.filter { $0.address.family == .v4 }.count == 15)
        #expect(cf.filter { $0.address.family == .v6 }.count == 7)
    }

    @Test func errorsNameTheFileTheEntryAndTheReason() {
        // Unknown key at the top, in a provider, in a source.
        var e = error(#"{"format": "netcensus-cdn-rules", "version": 1, "providers": [], "extra": 1}"#)
        #expect(e?.description == "rules.json: top level: unknown key \"extra\" (allowed: comment, format, providers, version)")
        e = error(doc(#"{"name": "X", "sources": [{\#(src), "suffixes": ["x.net"]}], "colour": "red"}"#))
        #expect(e?.entry == "providers[0]")
        #expect(e?.reason.hasPrefix("unknown key \"colour\"") == true)
        e = error(doc(#"{"name": "X", "sources": [{\#(src), "suffix": ["x.net"]}]}"#))
        #expect(e?.entry == "providers[0] (X) sources[0]")
        #expect(e?.reason.hasPrefix("unknown key \"suffix\"") == true)
        // A prefix with host bits set (104.16.0.0/11: 16 = 0b00010000 has a bit after the 11th), a bad length, not an address.
        e = error(doc(#"{"name": "CF", "sources": [{\#(src), "prefixes": ["104.24.0.0/14", "104.16.0.0/11"]}]}"#))
        #expect(e?.description == "rules.json: providers[0] (CF) sources[0] prefixes[1]: \"104.16.0.0/11\" is not an IPv4/IPv6 prefix with host bits zero")
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src), "prefixes": ["10.0.0.0/33"]}]}"#))?.entry == "providers[0] (A) sources[0] prefixes[0]")
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src), "prefixes": ["2001:db8::/129"]}]}"#)) != nil)
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src), "prefixes": ["example.com/8"]}]}"#)) != nil)
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src), "prefixes": ["10.0.0.0"]}]}"#)) != nil)
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src), "prefixes": [17]}]}"#))?.reason == "a non-string value is not an IPv4/IPv6 prefix with host bits zero")
        // Names: a bare TLD, a label with a space, a label over 63 bytes.
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src), "suffixes": ["net"]}]}"#))?.entry == "providers[0] (A) sources[0] suffixes[0]")
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src), "suffixes": ["a b.net"]}]}"#)) != nil)
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src), "suffixes": ["\#(String(repeating: "a", count: 64)).net"]}]}"#)) != nil)
        // Sources: http URL, bad date (2026-02-30), no rules at all.
        #expect(error(doc(#"{"name": "A", "sources": [{"url": "http://x.net", "retrieved": "2026-12-05", "suffixes": ["x.net"]}]}"#))?.reason == "url must be an https:// URL")
        #expect(error(doc(#"{"name": "A", "sources": [{"url": "https://x.net", "retrieved": "2026-02-30", "suffixes": ["x.net"]}]}"#))?.reason == "retrieved must be a date YYYY-MM-DD")
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src)}]}"#))?.reason == "needs at least one suffix or prefix")
        // Duplicates across providers.
        e = error(doc(#"{"name": "A", "sources": [{\#(src), "suffixes": ["x.net"]}]}, {"name": "B", "sources": [{\#(src), "suffixes": ["X.net."]}]}"#))
        #expect(e?.description == "rules.json: providers[1] (B) sources[0] suffixes[0]: \"x.net\" already belongs to A")
        #expect(error(doc(#"{"name": "A", "sources": [{\#(src), "suffixes": ["x.net"]}]}, {"name": "a", "sources": [{\#(src), "suffixes": ["y.net"]}]}"#))?.reason == "provider listed twice")
        // Format and version.
        #expect(error(#"{"format": "other", "version": 1, "providers": []}"#)?.entry == "format")
        #expect(error(#"{"format": "netcensus-cdn-rules", "version": 2, "providers": []}"#)?.entry == "version")
        #expect(error("[1, 2]")?.reason == "the top level must be an object")
        #expect(error("{")?.reason.hasPrefix("not valid JSON") == true)
        #expect((try? CDNRules.load(path: "/nonexistent/rules.json")) == nil)
    }

    /// Issue 9 leftover: `version` was read through NSNumber, so `true`, `1.0` and `"1"`-like
    /// values passed, and a member given twice was silently resolved (first one kept).
    @Test func versionIsTheIntegerOneAndNoKeyTwice() throws {
        for v in ["true", "1.0", "1e0", "\"1\"", "10", "-1", "null", "[1]"] {
            let e = error(#"{"format": "netcensus-cdn-rules", "version": \#(v), "providers": []}"#)
            #expect(e?.description == "rules.json: version: must be the integer 1", "version \(v)")
        }
        #expect(try load(#"{"format": "netcensus-cdn-rules", "version": 1, "providers": []}"#).providers.isEmpty)
        // Duplicate members: named with the file, the object's path and the key, wherever they are.
        var e = error(#"{"format": "netcensus-cdn-rules", "version": 1, "version": 2, "providers": []}"#)
        #expect(e?.description == "rules.json: top level: key \"version\" given twice")
        e = error(doc(#"{"name": "A", "name": "B", "sources": [{\#(src), "suffixes": ["x.net"]}]}"#))
        #expect(e?.description == "rules.json: providers[0]: key \"name\" given twice")
        e = error(doc(#"{"name": "A", "sources": [{\#(src), "suffixes": ["x.net"], "suffixes": ["y.net"]}]}"#))
        #expect(e?.description == "rules.json: providers[0].sources[0]: key \"suffixes\" given twice")
        // The same name written with an escape is the same name (RFC 8259 section 7).
        e = error(#"{"format": "netcensus-cdn-rules", "version": 1, "provid\u0065rs": [], "providers": []}"#)
        #expect(e?.description == "rules.json: top level: key \"providers\" given twice")
        // Equal keys in different objects are fine.
        let two = try load(doc(#"{"name": "A", "sources": [{\#(src), "suffixes": ["x.net"]}]}, {"name": "B", "sources": [{\#(src), "suffixes": ["y.net"]}]}"#))
        #expect(two.providers.map(\.name) == ["A", "B"])
    }

    @Test func prefixParsing() {
        #expect(IPPrefix("192.0.2.0/24")?.description == "192.0.2.0/24")
        #expect(IPPrefix("2001:DB8::/32")?.description == "2001:db8::/32")
        #expect(IPPrefix("0.0.0.0/0")?.length == 0)
        #expect(IPPrefix("192.0.2.1/24") == nil)        // host bits set
        #expect(IPPrefix("192.0.2.0/+24") == nil)
        #expect(IPPrefix("192.0.2.0/24/1") == nil)
        #expect(IPPrefix("192.0.2/24") == nil)          // inet_pton wants four parts
        #expect(IPPrefix("2001:db8::1/127") == nil)     // bit 127 set
        #expect(IPPrefix("2001:db8::1/128") != nil)
    }
}

@Suite struct CDNMatcherTests {
    static let json = #"""
    {"format": "netcensus-cdn-rules", "version": 1, "providers": [
      {"name": "Wide", "sources": [{"url": "https://a.example/", "retrieved": "2026-01-01",
        "suffixes": ["example.net"], "prefixes": ["10.0.0.0/8", "2001:db8::/32"]}]},
      {"name": "Narrow", "sources": [{"url": "https://b.example/", "retrieved": "2026-01-01",
        "suffixes": ["cdn.example.net"], "prefixes": ["10.1.0.0/16", "2001:db8:ab00::/40"]}]},
      {"name": "Host", "sources": [{"url": "https://c.example/", "retrieved": "2026-01-01",
        "prefixes": ["10.1.2.3/32", "2001:db8:ab00::1/128"]}]}
    ]}
    """#

    let matcher = CDNMatcher(try! CDNRules.load(data: Data(json.utf8), fileName: "t.json"))

    func nameOf(_ host: String) -> String? { matcher.match(name: host).map { matcher.name(of: $0) } }
    func nameOf(v4 text: String) -> String? {
        let p = IPPrefix(text + "/32")!
        return matcher.match(address: p.address).map { matcher.name(of: $0) }
    }
    func nameOf(v6 text: String) -> String? {
        let p = IPPrefix(text + "/128")!
        return matcher.match(address: p.address).map { matcher.name(of: $0) }
    }

    @Test func suffixesMatchOnLabelBoundariesLongestFirst() {
        #expect(nameOf("example.net") == "Wide")
        #expect(nameOf("www.example.net") == "Wide")
        #expect(nameOf("cdn.example.net") == "Narrow")
        #expect(nameOf("a.b.cdn.example.net") == "Narrow")       // longest suffix wins
        #expect(nameOf("xcdn.example.net") == "Wide")             // not a label boundary for cdn.
        #expect(nameOf("badexample.net") == nil)                  // not a label boundary at all
        #expect(nameOf("example.net.evil.org") == nil)
        #expect(nameOf("WWW.CDN.Example.NET.") == "Narrow")       // case and one trailing dot ignored
        #expect(nameOf("") == nil)
        #expect(nameOf(".") == nil)
        #expect(nameOf("net") == nil)
        #expect(matcher.match(name: "a.cdn.example.net")?.suffix == "cdn.example.net")
    }

    @Test func prefixesMatchLongestFirst() {
        #expect(nameOf(v4: "10.200.0.1") == "Wide")
        #expect(nameOf(v4: "10.1.200.1") == "Narrow")
        #expect(nameOf(v4: "10.1.2.3") == "Host")
        #expect(nameOf(v4: "10.1.2.4") == "Narrow")
        #expect(nameOf(v4: "11.0.0.1") == nil)
        #expect(nameOf(v4: "9.255.255.255") == nil)
        #expect(nameOf(v6: "2001:db8:1::1") == "Wide")
        #expect(nameOf(v6: "2001:db8:abff::1") == "Narrow")      // inside /40: ab00..abff
        #expect(nameOf(v6: "2001:db8:ac00::1") == "Wide")
        #expect(nameOf(v6: "2001:db8:ab00::1") == "Host")
        #expect(nameOf(v6: "2001:db9::1") == nil)
        // IPv4 rules never match IPv6 addresses and back: 10.0.0.0/8 is not ::a00:0/104.
        #expect(nameOf(v6: "::a00:1") == nil)
        #expect(matcher.match(address: IPPrefix("10.1.9.9/32")!.address)?.prefixLength == 16)
    }

    @Test func bundledRulesAttributeKnownAddressesAndNames() throws {
        let m = CDNMatcher(try CDNRules.bundled())
        func provider(_ a: String) -> String? {
            let p = IPPrefix(a.contains(":") ? a + "/128" : a + "/32")!
            return m.match(address: p.address).map { m.name(of: $0) }
        }
        #expect(provider("104.16.132.229") == "Cloudflare")   // in 104.16.0.0/13
        #expect(provider("2606:4700::6810:84e5") == "Cloudflare")
        #expect(provider("151.101.1.69") == "Fastly")
        #expect(provider("2a04:4e42:200::323") == "Fastly")
        #expect(provider("192.0.2.1") == nil)
        #expect(m.match(name: "d111111abcdef8.cloudfront.net").map { m.name(of: $0) } == "Amazon CloudFront")
        #expect(m.match(name: "www.example.com.edgekey.net").map { m.name(of: $0) } == "Akamai")
        #expect(m.match(name: "www.example.com.cdn.cloudflare.net").map { m.name(of: $0) } == "Cloudflare")
        #expect(m.match(name: "cloudflare.net") == nil)
    }
}
