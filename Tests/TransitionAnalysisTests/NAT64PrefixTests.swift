import Testing
import CaptureSamples
import PacketDecoding
import TrafficAnalysis
@testable import TransitionAnalysis

/// RFC 6052 address formats, RFC 7050 prefix discovery, and a network-specific NAT64 prefix of
/// each RFC 6052 length in a crafted capture.
@Suite struct NAT64PrefixTests {
    static func ip(_ t: String) -> IPAddress { IPPrefix(t.contains(":") ? t + "/128" : t + "/32")!.address }

    /// RFC 6052 section 2.4, the table of 192.0.2.33 embedded under 2001:db8::/32 ... /96.
    static let rfc6052Examples: [(prefix: String, address: String)] = [
        ("2001:db8::/32", "2001:db8:c000:221::"),
        ("2001:db8:100::/40", "2001:db8:1c0:2:21::"),
        ("2001:db8:122::/48", "2001:db8:122:c000:2:2100::"),
        ("2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::"),
        ("2001:db8:122:344::/64", "2001:db8:122:344:c0:2:2100:0"),
        ("2001:db8:122:344::/96", "2001:db8:122:344::c000:221"),
    ]

    @Test func rfc6052TableBothWays() throws {
        let v4 = Self.ip("192.0.2.33")
        for (p, a) in Self.rfc6052Examples {
            let prefix = try #require(IPPrefix(p))
            #expect(NAT64Embedding.address(embedding: v4, in: prefix) == Self.ip(a), "embed under \(p)")
            #expect(NAT64Embedding.ipv4(in: Self.ip(a), prefixLength: prefix.length) == v4, "extract under \(p)")
        }
        #expect(NAT64Embedding.ipv4(in: Self.ip("2001:db8::1"), prefixLength: 33) == nil)
    }

    @Test func ipv4onlyArpaAnswerAtEveryLength() throws {
        // 192.0.0.170 under each example prefix: RFC 7050 section 3 gives back the prefix.
        for (p, _) in Self.rfc6052Examples {
            let prefix = try #require(IPPrefix(p))
            for wka in ["192.0.0.170", "192.0.0.171"] {
                let a = try #require(NAT64Embedding.address(embedding: Self.ip(wka), in: prefix))
                #expect(NAT64PrefixBook.prefixFromIPv4onlyAnswer(a) == prefix, "\(wka) under \(p)")
            }
        }
        // A non-zero u octet is not an RFC 6052 /64 address.
        #expect(NAT64PrefixBook.prefixFromIPv4onlyAnswer(Self.ip("2001:db8:122:344:ff00:0:aa00:0")) == nil)
        #expect(NAT64PrefixBook.prefixFromIPv4onlyAnswer(Self.ip("2001:db8::1")) == nil)
    }

    @Test func dns64RecognisedFromTheAAnswer() {
        let p = NAT64PrefixBook.prefixEmbedding(Self.ip("2001:db8:122:344::c000:221"), anyOf: [Self.ip("192.0.2.33")])
        #expect(p == IPPrefix("2001:db8:122:344::/96"))
        #expect(NAT64PrefixBook.prefixEmbedding(Self.ip("2001:db8:122:344::c000:222"), anyOf: [Self.ip("192.0.2.33")]) == nil)
    }

    @Test func bookMatchesTheMostSpecificPrefix() throws {
        var book = NAT64PrefixBook(configured: Self.rfc6052Examples.map { IPPrefix($0.prefix)! })
        #expect(book.prefixes.count == 8)
        for (p, a) in Self.rfc6052Examples {
            let m = try #require(book.match(Self.ip(a)))
            #expect(m.prefix.prefix == IPPrefix(p)!, "\(a)")
            #expect(m.ipv4 == Self.ip("192.0.2.33"))
        }
        // Well-known prefix, and a learnt duplicate is not added twice.
        #expect(book.match(Self.ip("64:ff9b::c633:6401"))?.ipv4 == Self.ip("198.51.100.1"))
        let duplicate = book.learn(IPPrefix("2001:db8::/32")!, source: .pref64, at: 1)
        let oddLength = book.learn(IPPrefix("2001:db8::/33")!, source: .pref64, at: 1)  // not an RFC 6052 length
        #expect(!duplicate && !oddLength && book.prefixes.count == 8)
    }

    /// One IPv6 client (2a00:1::10) opens a TCP connection to 192.0.2.33 through each of the six
    /// configured network-specific prefixes: six NAT64 connections of three packets each.
    @Test func craftedCaptureWithEveryPrefixLength() throws {
        var c = CraftedCapture()
        let client = CraftedCapture.mac("02:00:00:00:00:0a"), router = CraftedCapture.mac("02:00:00:00:00:01")
        let me = CraftedCapture.a("2a00:1::10")
        for (i, example) in Self.rfc6052Examples.enumerated() {
            c.tcp(Double(100 * i), clientMAC: client, routerMAC: router, client: me, server: CraftedCapture.a(example.address),
                  cport: UInt16(41000 + i), sport: 443, rtt: 10, data: false, mechanism: "nat64")
        }
        var options = CraftedCapture.craftedOptions
        options.nat64Prefixes = Self.rfc6052Examples.map { IPPrefix($0.prefix)! }
        let (t, _) = try c.analyze(options: options)
        let nat64 = try #require(t.mechanisms.first { $0.mechanism == .nat64 })
        #expect(nat64.connections == 6 && nat64.packets == 18 && nat64.devices == 1)
        #expect(t.mechanisms.first { $0.mechanism == .nativeIPv6 }!.packets == 0)
        #expect(t.connections.translated == 6 && t.connections.ipv6 == 0)
        // Without the prefixes they are native IPv6: translation is only what the prefixes say.
        let (plain, _) = try c.analyze()
        #expect(plain.mechanisms.first { $0.mechanism == .nativeIPv6 }!.connections == 6)
    }
}

/// Crypto-PAn against the sample trace of the reference distribution (key and IPv4 pairs as
/// published with it) and the IPv6 vectors of the Go implementation (Yawning/cryptopan), which
/// extends the same construction to 128 bits.
@Suite struct CryptoPAnTests {
    static let key: [UInt8] = [21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16,
                               216, 152, 143, 131, 121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2]

    @Test func referenceVectors() throws {
        let c = try #require(CryptoPAn(key: Self.key))
        let pairs = [("128.11.68.132", "135.242.180.132"), ("129.118.74.4", "134.136.186.123"),
                     ("130.132.252.244", "133.68.164.234"), ("141.223.7.43", "141.167.8.160"),
                     ("141.233.145.108", "141.129.237.235"), ("152.163.225.39", "151.140.114.167"),
                     ("156.29.3.236", "147.225.12.42"), ("165.247.96.84", "162.9.99.234"),
                     ("166.107.77.190", "160.132.178.185"), ("192.102.249.13", "252.138.62.131"),
                     ("10.185.25.118", "117.161.29.118"),
                     ("::1", "78ff:f001:9fc0:20df:8380:b1f1:704:ed"), ("::2", "78ff:f001:9fc0:20df:8380:b1f1:704:ef"),
                     ("2001:db8::1", "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e"), ("2001:db8::2", "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1c")]
        for (a, b) in pairs { #expect(c.anonymize(NAT64PrefixTests.ip(a)) == NAT64PrefixTests.ip(b), "\(a)") }
    }

    @Test func keyFileForms() {
        let hex = Self.key.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        #expect(CryptoPAn.key(fromFile: Array((hex + "\n").utf8)) == Self.key)
        #expect(CryptoPAn.key(fromFile: Self.key) == Self.key)
        #expect(CryptoPAn.key(fromFile: Array("not a key".utf8)) == nil)
    }

    /// Adversarial finding: ipv4only.arpa answers taught ::/96, ::ffff:0:0/96, fe80::/96 and
    /// ff02::/96 as NAT64 prefixes, after which mDNS to ff02::fb counted as NAT64. Learnt prefixes
    /// in special-purpose space are refused and counted; the usual ones still learn.
    @Test func specialPurposeLearntPrefixesAreRefused() {
        var book = NAT64PrefixBook(learnDocumentationPrefixes: true)
        for bad in ["::/96", "::ffff:0:0/96", "fe80::/96", "ff02::/96"] {
            let learnt = book.learn(IPPrefix(bad)!, source: .ipv4onlyArpa, at: 0)
            #expect(!learnt, "\(bad)")
        }
        let multicast = book.learn(IPPrefix("ff05::/64")!, source: .pref64, at: 0)
        #expect(!multicast && book.drops.specialPurpose == 5)
        let documentation = book.learn(IPPrefix("2001:db8:64::/96")!, source: .ipv4onlyArpa, at: 0)
        let wellKnownAgain = book.learn(IPPrefix("64:ff9b::/96")!, source: .dns64Match, at: 0)   // known already, not refused
        #expect(documentation && !wellKnownAgain && book.drops.specialPurpose == 5)
        #expect(!book.contains(IPAddress(v6High: 0xff02_0000_0000_0000, low: 0xfb)))
        // A configured prefix is the operator's word: kept even in odd space.
        #expect(NAT64PrefixBook(configured: [IPPrefix("fe80::/96")!]).prefixes.contains { $0.prefix == IPPrefix("fe80::/96")! })
    }
}
