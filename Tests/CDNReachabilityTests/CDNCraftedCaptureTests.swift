import Foundation
import Testing
import TestSupport
import CaptureCore
import CaptureFiles
import CaptureJobs
import CaptureSamples
import CDNAttribution
import PacketDecoding
import QUICInitial
import TrafficAnalysis
@testable import CDNReachability

/// Initials sealed by the library's sealer (checked against RFC 9001 A.2 in QUICInitialTests).
typealias Sealer = QUICInitialSealer

/// A capture from the project's own writer with every figure known by construction (docs/cdn.md
/// definitions): TLS over IPv4 and IPv6 to a name under a CDN's CNAME, one IPv6 attempt
/// unanswered, a ClientHello split over two segments, a QUIC v1 ClientHello split over two
/// Initial packets (sealed here with swift-crypto), an ECH ClientHello, an HTTP/1.1 Host, a
/// provider whose IPv6 fails after an AAAA answer, and one reached over IPv4 only.
@Suite struct CDNCraftedCaptureTests {
    static let rulesJSON = """
    {"format": "netcensus-cdn-rules", "version": 1, "providers": [
      {"name": "ExampleCDN", "sources": [{"url": "https://cdn.example/ranges", "retrieved": "2026-12-01",
        "suffixes": ["examplecdn.net"], "prefixes": ["203.0.113.0/24", "2001:db8:cd::/48"]}]},
      {"name": "BrokenCDN", "sources": [{"url": "https://broken.example/ranges", "retrieved": "2026-12-01",
        "suffixes": ["brokencdn.example"]}]},
      {"name": "V4CDN", "sources": [{"url": "https://v4.example/ranges", "retrieved": "2026-12-01",
        "suffixes": ["v4only.example"]}]}
    ]}
    """

    static func matcher() throws -> CDNMatcher {
        CDNMatcher(try CDNRules.load(data: Data(rulesJSON.utf8), fileName: "test-rules.json"))
    }

    static let mac1 = PacketBuilder.mac("02:00:00:00:00:01"), mac2 = PacketBuilder.mac("02:00:00:00:00:02")
    static func a(_ s: String) -> [UInt8] { PacketBuilder.address(s) }
    static let client4 = a("192.0.2.10"), client6 = a("2001:db8::10")
    static let resolver4 = a("192.0.2.53"), resolver6 = a("2001:db8::53")
    static let shop4 = a("198.51.100.20"), shop6 = a("2001:db8:1::20")

    static func frame(_ src: [UInt8], _ dst: [UInt8], _ transport: [UInt8], proto: UInt8) -> [UInt8] {
        let ip = PacketBuilder.ip(source: src, destination: dst, protocol: proto, payload: transport)
        return PacketBuilder.ethernet(destination: mac2, source: mac1, etherType: src.count == 16 ? 0x86dd : 0x0800, payload: ip)
    }

    /// A DNS response: `name` CNAME `target`, then `target` with one A/AAAA record.
    static func cnameResponse(id: UInt16, name: String, target: String, type: UInt16, address: [UInt8]) -> [UInt8] {
        func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
        let targetName = PacketBuilder.dnsName(target)
        var m = be16(Int(id)) + [0x81, 0x80] + be16(1) + be16(2) + be16(0) + be16(0)
        m += PacketBuilder.dnsName(name) + be16(Int(type)) + be16(1)
        m += [0xc0, 0x0c] + be16(5) + be16(1) + [0, 0, 1, 0x2c] + be16(targetName.count) + targetName
        m += targetName + be16(Int(type)) + be16(1) + [0, 0, 1, 0x2c] + be16(address.count) + address
        return m
    }

    static var serverHello: [UInt8] {
        let body: [UInt8] = [3, 3] + [UInt8](repeating: 0x33, count: 32) + [0, 0x13, 0x01, 0] + [0, 6, 0, 43, 0, 2, 3, 4]
        let hs: [UInt8] = [2, 0, UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
        return [22, 3, 3, UInt8(hs.count >> 8), UInt8(hs.count & 0xff)] + hs
    }
    /// A fatal handshake_failure alert (RFC 8446 section 6).
    static let fatalAlert: [UInt8] = [21, 3, 3, 0, 2, 2, 40]

    static func clientHello(_ name: String, padding: Int = 0, ech: Bool = false, nameBytes: [UInt8]? = nil) -> [UInt8] {
        var b = ClientHelloBuilder()
        b.serverName = name
        b.serverNameBytes = nameBytes
        b.alpn = ["h2"]
        b.supportedVersions = [0x0304]
        if padding > 0 { b.extraExtensions = [(0x0015, [UInt8](repeating: 0, count: padding))] }
        if ech {
            b.echBody = [0, 0, 1, 0, 1, 3] + ClientHelloBuilder.be16(32) + [UInt8](repeating: 0x42, count: 32)
                + ClientHelloBuilder.be16(64) + [UInt8](repeating: 0x24, count: 64)
        }
        return b.record
    }

    struct Writer {
        var w = PcapWriter(linkType: .ethernet)
        var t: Int64 = 1_700_000_000_000_000_000
        var port: UInt16 = 50000

        mutating func at(_ ms: Int64, _ f: [UInt8]) { w.append(timestamp: t + ms * 1_000_000, packet: f) }

        mutating func tcp(_ ms: Int64, _ s: [UInt8], _ d: [UInt8], _ sp: UInt16, _ dp: UInt16, seq: UInt32, ack: UInt32,
                          _ flags: UInt8, _ payload: [UInt8] = []) {
            at(ms, frame(s, d, PacketBuilder.tcp(source: s, destination: d, sourcePort: sp, destinationPort: dp,
                                                 sequence: seq, acknowledgment: ack, flags: flags, payload: payload), proto: 6))
        }

        mutating func udp(_ ms: Int64, _ s: [UInt8], _ d: [UInt8], _ sp: UInt16, _ dp: UInt16, _ payload: [UInt8]) {
            at(ms, frame(s, d, PacketBuilder.udp(source: s, destination: d, sourcePort: sp, destinationPort: dp, payload: payload), proto: 17))
        }

        /// One TCP connection starting `start` ms into the capture: SYN; if `synAck` (ms after the
        /// SYN) a SYN-ACK, then the client's ACK at `ack` ms; then client segments and one server reply.
        mutating func connection(start: Int64, _ c: [UInt8], _ s: [UInt8], dport: UInt16 = 443, synAck: Int64?, ack: Int64?,
                                 client segments: [[UInt8]] = [], server reply: [UInt8]? = nil) {
            port += 1
            let cp = port
            let syn: UInt8 = 0x02, ackF: UInt8 = 0x10, psh: UInt8 = 0x18
            tcp(start, c, s, cp, dport, seq: 1000, ack: 0, syn)
            guard let sa = synAck, let ak = ack else { return }
            tcp(start + sa, s, c, dport, cp, seq: 5000, ack: 1001, syn | ackF)
            tcp(start + ak, c, s, cp, dport, seq: 1001, ack: 5001, ackF)
            var seq: UInt32 = 1001
            for (k, seg) in segments.enumerated() {
                tcp(start + ak + 1 + Int64(k), c, s, cp, dport, seq: seq, ack: 5001, psh, seg)
                seq &+= UInt32(seg.count)
            }
            if let r = reply { tcp(start + ak + 10, s, c, dport, cp, seq: 5001, ack: seq, psh, r) }
        }
    }

    /// Writes the capture and returns its path.
    static func write() throws -> String {
        var w = Writer()
        // DNS: www.shop.example CNAME shop.examplecdn.net, A and AAAA (addresses outside the CDN prefixes).
        w.udp(0, client4, resolver4, 40001, 53, PacketBuilder.dnsQuery(id: 1, name: "www.shop.example", type: 1))
        w.udp(3, resolver4, client4, 53, 40001, cnameResponse(id: 1, name: "www.shop.example", target: "shop.examplecdn.net",
                                                              type: 1, address: shop4))
        w.udp(4, client6, resolver6, 40002, 53, PacketBuilder.dnsQuery(id: 2, name: "www.shop.example", type: 28))
        w.udp(7, resolver6, client6, 53, 40002, cnameResponse(id: 2, name: "www.shop.example", target: "shop.examplecdn.net",
                                                              type: 28, address: shop6))
        // ExampleCDN over IPv4: handshake RTTs 12, 21, 35 (TLS) and 44 ms (HTTP).
        let split = clientHello("www.shop.example", padding: 1500)
        w.connection(start: 100, client4, shop4, synAck: 10, ack: 12, client: [Array(split[0..<1000]), Array(split[1000...])],
                     server: serverHello)
        w.connection(start: 200, client4, shop4, synAck: 20, ack: 21, client: [clientHello("www.shop.example")], server: serverHello)
        w.connection(start: 300, client4, shop4, synAck: 30, ack: 35, client: [clientHello("www.shop.example")], server: fatalAlert)
        w.connection(start: 400, client4, a("203.0.113.9"), dport: 80, synAck: 40, ack: 44,
                     client: [Array("GET / HTTP/1.1\r\nHost: IMG.ExampleCDN.net\r\nAccept: */*\r\n\r\n".utf8)],
                     server: Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
        // ExampleCDN over IPv6: RTTs 6 and 9 ms; one SYN never answered.
        w.connection(start: 500, client6, shop6, synAck: 5, ack: 6, client: [clientHello("www.shop.example")], server: serverHello)
        w.connection(start: 600, client6, shop6, synAck: nil, ack: nil)
        w.connection(start: 700, client6, a("2001:db8:cd::1"), synAck: 8, ack: 9,
                     client: [clientHello("public.examplecdn.net", ech: true)], server: serverHello)
        // QUIC v1 over IPv6: the ClientHello split over two Initials in two datagrams; the server answers.
        var q = ClientHelloBuilder()
        q.serverName = "video.examplecdn.net"
        q.alpn = ["h3"]
        q.supportedVersions = [0x0304]
        q.extraExtensions = [(0x0039, [UInt8](repeating: 7, count: 1400))]
        let hello = q.handshake
        let dcid: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]
        let quicServer6 = a("2001:db8:cd::2")
        w.udp(800, client6, quicServer6, 51000, 443, Sealer.initial(version: .v1, dcid: dcid, scid: [1, 2, 3, 4], pn: 0,
              payload: Sealer.cryptoFrame(offset: 0, hello[0..<1000]), padTo: 1162))
        w.udp(801, client6, quicServer6, 51000, 443, Sealer.initial(version: .v1, dcid: dcid, scid: [1, 2, 3, 4], pn: 1,
              payload: Sealer.cryptoFrame(offset: 1000, hello[1000...]), padTo: 1162))
        w.udp(830, quicServer6, client6, 443, 51000, [0xc0] + [UInt8](repeating: 0x5a, count: 60))
        // QUIC v2 over IPv4, one Initial, never answered.
        q.extraExtensions = []
        let hello2 = q.handshake
        w.udp(900, client4, a("203.0.113.5"), 51001, 443, Sealer.initial(version: .v2, dcid: [9, 8, 7, 6, 5, 4, 3, 2], scid: [5],
              pn: 0, payload: Sealer.cryptoFrame(offset: 0, hello2[...]), padTo: 1162))
        // BrokenCDN: A and AAAA answered; IPv4 works (RTT 15 ms), both IPv6 SYNs go unanswered.
        let broken4 = a("192.0.2.99"), broken6 = a("2001:db8:bad::1")
        w.udp(1000, client4, resolver4, 40003, 53, PacketBuilder.dnsQuery(id: 3, name: "api.brokencdn.example", type: 1))
        w.udp(1002, resolver4, client4, 53, 40003, PacketBuilder.dnsResponse(id: 3, name: "api.brokencdn.example", type: 1, answers: [broken4]))
        w.udp(1003, client6, resolver6, 40004, 53, PacketBuilder.dnsQuery(id: 4, name: "api.brokencdn.example", type: 28))
        w.udp(1005, resolver6, client6, 53, 40004, PacketBuilder.dnsResponse(id: 4, name: "api.brokencdn.example", type: 28, answers: [broken6]))
        w.connection(start: 1100, client6, broken6, synAck: nil, ack: nil)
        w.connection(start: 1200, client6, broken6, synAck: nil, ack: nil)
        w.connection(start: 1300, client4, broken4, synAck: 15, ack: 15, client: [clientHello("api.brokencdn.example")], server: serverHello)
        // V4CDN: one IPv4 connection (RTT 50 ms), no IPv6 attempt.
        w.connection(start: 1400, client4, a("192.0.2.77"), synAck: 48, ack: 50, client: [clientHello("x.v4only.example")], server: serverHello)

        let dir = SharedData.temporaryDirectory("netcensus-cdn")
        let path = dir.appendingPathComponent("crafted-cdn.pcap").path
        try w.w.write(to: path)
        return path
    }

    static func analyse(_ path: String, options: CDNAnalyzerOptions = CDNAnalyzerOptions()) throws -> CDNSummary {
        var cdn = CDNAnalyzer(matcher: try matcher(), options: options)
        let r = CaptureFileJob.run(path: path, extension: &cdn)
        #expect(r.summary.warnings.isEmpty, "\(r.summary.warnings)")
        return cdn.finish()
    }

    @Test func exactFiguresPerProviderAndFamily() throws {
        let s = try Self.analyse(try Self.write())
        let e = try #require(s.providers["ExampleCDN"])
        // IPv4: three TLS attempts (one answered by a fatal alert) + one HTTP attempt; RTTs 12, 21, 35, 44 ms.
        #expect(e.ipv4.attempts == 4 && e.ipv4.handshakes == 4 && e.ipv4.successes == 3)
        #expect(e.ipv4.tlsClientHellos == 3 && e.ipv4.tlsServerHellos == 2)
        // Nearest rank over 4 values: median rank ceil(0.5 * 4) = 2 -> 21 ms; p90 rank ceil(0.9 * 4) = 4 -> 44 ms.
        #expect(e.ipv4.handshakeRTT.percentileMilliseconds(50) == 21)
        #expect(e.ipv4.handshakeRTT.percentileMilliseconds(90) == 44)
        #expect(e.ipv4.quicAttempts == 1 && e.ipv4.quicAnswered == 0)
        // IPv6: two TLS successes (one ECH) + one unanswered SYN; RTTs 6, 9 ms.
        #expect(e.ipv6.attempts == 3 && e.ipv6.handshakes == 2 && e.ipv6.successes == 2)
        #expect(e.ipv6.tlsClientHellos == 2 && e.ipv6.tlsServerHellos == 2)
        // Nearest rank over 2 values: median rank 1 -> 6 ms; p90 rank ceil(1.8) = 2 -> 9 ms.
        #expect(e.ipv6.handshakeRTT.percentileMilliseconds(50) == 6)
        #expect(e.ipv6.handshakeRTT.percentileMilliseconds(90) == 9)
        #expect(e.ipv6.quicAttempts == 1 && e.ipv6.quicAnswered == 1)
        #expect(e.aAnswers == 1 && e.aaaaAnswers == 1)
        #expect(e.verdict == .reachableIPv6)
        #expect(e.ipv4.successRate == 0.75)

        let b = try #require(s.providers["BrokenCDN"])
        #expect(b.ipv6.attempts == 2 && b.ipv6.handshakes == 0 && b.ipv6.successes == 0 && b.ipv6.handshakeRTT.count == 0)
        #expect(b.ipv4.attempts == 1 && b.ipv4.successes == 1 && b.ipv4.handshakeRTT.percentileMilliseconds(50) == 15)
        #expect(b.aaaaAnswers == 1 && b.verdict == .ipv6Broken)

        let v = try #require(s.providers["V4CDN"])
        #expect(v.ipv4.attempts == 1 && v.ipv4.successes == 1 && v.ipv6.allAttempts == 0 && v.verdict == .ipv4Only)
        #expect(v.ipv4.handshakeRTT.percentileMilliseconds(90) == 50)
    }

    @Test func namesAndHowTheyWereLearned() throws {
        let s = try Self.analyse(try Self.write())
        // www.shop.example: SNI on 4 connections, DNS answer for the unanswered IPv6 SYN.
        let shop = try #require(s.names["www.shop.example"])
        #expect(shop.provider == "ExampleCDN")
        #expect(shop.ipv4.attempts == 3 && shop.ipv4.successes == 2 && shop.ipv6.attempts == 2 && shop.ipv6.successes == 1)
        #expect(shop.aAnswers == 1 && shop.aaaaAnswers == 1 && shop.verdict == .reachableIPv6)
        // The Host field is lower-cased; the ECH outer name and both QUIC names are rows of their own.
        #expect(s.names["img.examplecdn.net"]?.ipv4.successes == 1)
        #expect(s.names["public.examplecdn.net"]?.ipv6.successes == 1)
        #expect(s.names["video.examplecdn.net"]?.ipv6.quicAnswered == 1)
        #expect(s.names["video.examplecdn.net"]?.ipv4.quicAttempts == 1)
        #expect(s.names["api.brokencdn.example"]?.verdict == .ipv6Broken)
        // 4 TLS/1 HTTP/1 ECH/2 QUIC connections named by content; the 3 bare SYNs by DNS answers.
        #expect(s.namedBy[.tlsSNI] == 6 && s.namedBy[.echOuterName] == 1 && s.namedBy[.quicSNI] == 2)
        #expect(s.namedBy[.httpHost] == 1 && s.namedBy[.dnsAnswer] == 3 && s.unnamed == 0)
        // www.shop.example is not under a CDN suffix: its 5 connections are attributed by the CNAME chain.
        #expect(s.attributedBy[.dnsChain] == 5 && s.attributedBy[.name] == 8 && s.attributedBy[.prefix] == nil)
        #expect(s.connections == 13 && s.unattributed == 0)
    }

    @Test func prefixAttributionWithoutNames() throws {
        // A bare SYN/SYN-ACK/ACK to an address in ExampleCDN's IPv6 prefix, no DNS, no payload.
        var w = Writer()
        w.connection(start: 0, Self.client6, Self.a("2001:db8:cd::77"), synAck: 7, ack: 8)
        let path = SharedData.temporaryDirectory("netcensus-cdn").appendingPathComponent("prefix-only.pcap").path
        try w.w.write(to: path)
        let s = try Self.analyse(path)
        #expect(s.attributedBy[.prefix] == 1 && s.unnamed == 1)
        #expect(s.providers["ExampleCDN"]?.ipv6.successes == 1)
        #expect(s.providers["ExampleCDN"]?.ipv6.handshakeRTT.percentileMilliseconds(50) == 8)
    }

    @Test func capsAreCountedNotSilent() throws {
        // Two ClientHellos split over segments at once with one parser slot: the second is not parsed.
        var w = Writer()
        let big = Self.clientHello("a.examplecdn.net", padding: 1500), big2 = Self.clientHello("b.examplecdn.net", padding: 1500)
        let c = Self.client4, s = Self.a("203.0.113.1")
        w.tcp(0, c, s, 50001, 443, seq: 1, ack: 0, 0x02)
        w.tcp(1, c, s, 50002, 443, seq: 1, ack: 0, 0x02)
        w.tcp(2, c, s, 50001, 443, seq: 2, ack: 0, 0x18, Array(big[0..<1000]))
        w.tcp(3, c, s, 50002, 443, seq: 2, ack: 0, 0x18, Array(big2[0..<1000]))
        w.tcp(4, c, s, 50001, 443, seq: 1002, ack: 0, 0x18, Array(big[1000...]))
        w.tcp(5, c, s, 50002, 443, seq: 1002, ack: 0, 0x18, Array(big2[1000...]))
        let path = SharedData.temporaryDirectory("netcensus-cdn").appendingPathComponent("caps.pcap").path
        try w.w.write(to: path)
        var o = CDNAnalyzerOptions()
        o.maxParsers = 1
        let s1 = try Self.analyse(path, options: o)
        #expect(s1.parserSlotsExhausted == 1)
        #expect(s1.names["a.examplecdn.net"] != nil && s1.names["b.examplecdn.net"] == nil)
        #expect(s1.attributedBy[.prefix] == 1)  // the unparsed one still counts, by its address
        o = CDNAnalyzerOptions()
        o.maxFlows = 1
        // One state slot: the SYNs take none (their sequence numbers live in the connection
        // analyzer's slots); hello 2 evicts flow 1 (whose second segment then has nothing to
        // add to): 1 eviction, the name reached for flow 2 only.
        let s2 = try Self.analyse(path, options: o)
        #expect(s2.flowStateEvictions == 1)
        #expect(s2.names["a.examplecdn.net"] == nil && s2.names["b.examplecdn.net"] != nil)
    }

    /// Adversarial finding (issue 9): connections that send the first half of a ClientHello and
    /// stall held every parser slot, so no later ClientHello was read. A parser idle for 1 s or
    /// more now gives its slot to a new connection; the stalled one is counted, and a slot younger
    /// than 1 s is never taken (a burst of real handshakes does not thrash).
    @Test func stalledHalfClientHellosGiveWayAfterOneSecond() throws {
        var w = Writer()
        let c = Self.client4, s = Self.a("203.0.113.1")
        let stalled = [Self.clientHello("stall1.examplecdn.net", padding: 1500), Self.clientHello("stall2.examplecdn.net", padding: 1500)]
        for (i, h) in stalled.enumerated() {
            let port = UInt16(51000 + i)
            w.tcp(Int64(i), c, s, port, 443, seq: 1, ack: 0, 0x02)
            w.tcp(Int64(10 + i), c, s, port, 443, seq: 2, ack: 0, 0x18, Array(h[0..<1000]))   // never finished
        }
        // 500 ms later: every slot is busy and younger than 1 s, so this one is not parsed.
        let early = Self.clientHello("early.examplecdn.net", padding: 1500)
        w.tcp(500, c, s, 52000, 443, seq: 1, ack: 0, 0x02)
        w.tcp(510, c, s, 52000, 443, seq: 2, ack: 0, 0x18, Array(early[0..<1000]))
        w.tcp(520, c, s, 52000, 443, seq: 1002, ack: 0, 0x18, Array(early[1000...]))
        // 2 s later: the stalled parsers have been idle 2 s; the new ClientHello takes a slot.
        let late = Self.clientHello("late.examplecdn.net", padding: 1500)
        w.tcp(2000, c, s, 52001, 443, seq: 1, ack: 0, 0x02)
        w.tcp(2010, c, s, 52001, 443, seq: 2, ack: 0, 0x18, Array(late[0..<1000]))
        w.tcp(2020, c, s, 52001, 443, seq: 1002, ack: 0, 0x18, Array(late[1000...]))
        let path = SharedData.temporaryDirectory("netcensus-cdn").appendingPathComponent("stalled.pcap").path
        try w.w.write(to: path)
        var o = CDNAnalyzerOptions()
        o.maxParsers = 2
        let r = try Self.analyse(path, options: o)
        #expect(r.parserSlotsExhausted == 1 && r.parserEvictions == 1)
        #expect(r.names["late.examplecdn.net"] != nil && r.names["early.examplecdn.net"] == nil)
        // Exactly one stalled connection lost its parser; the other's partial ClientHello is still
        // read when its connection ends (RFC 6066 SNI sits early in the first segment).
        let stalledNamed = ["stall1.examplecdn.net", "stall2.examplecdn.net"].filter { r.names[$0] != nil }
        #expect(stalledNamed.count == 1)
    }

    /// Adversarial finding: a name with no provider got its row only when a connection named it,
    /// after its DNS answers had gone by, so `aaaa_answers` stayed 0 and an AAAA-answered name
    /// whose IPv6 SYN went unanswered read `undetermined` instead of `ipv6_broken` (a provider
    /// name with the same traffic read `ipv6_broken`). Answers now wait for the row.
    @Test func plainNamesKeepTheirAnswersForTheVerdict() throws {
        var w = Writer()
        let plain6 = Self.a("2001:db8:9::6")
        w.udp(0, Self.client6, Self.resolver6, 40010, 53, PacketBuilder.dnsQuery(id: 10, name: "plain6.example", type: 28))
        w.udp(2, Self.resolver6, Self.client6, 53, 40010,
              PacketBuilder.dnsResponse(id: 10, name: "plain6.example", type: 28, answers: [plain6]))
        w.connection(start: 10, Self.client6, plain6, synAck: nil, ack: nil)
        let path = SharedData.temporaryDirectory("netcensus-cdn").appendingPathComponent("plain6.pcap").path
        try w.w.write(to: path)
        let s = try Self.analyse(path)
        let row = try #require(s.names["plain6.example"])
        #expect(row.aaaaAnswers == 1 && row.aAnswers == 0)
        #expect(row.ipv6.attempts == 1 && row.ipv6.successes == 0)
        #expect(row.verdict == .ipv6Broken)
    }

    /// Adversarial finding: a ClientHello whose first TCP segment held fewer than 6 bytes (as DPI
    /// evasion tools split it) was never read. Every split point from 1 to 7 bytes now gives the SNI.
    @Test func tinyFirstSegmentsStillGiveTheSNI() throws {
        let hello = Self.clientHello("tiny.examplecdn.net")
        for k in 1...7 {
            var w = Writer()
            let c = Self.client4, s = Self.a("203.0.113.7")
            w.tcp(0, c, s, 50100, 443, seq: 1, ack: 0, 0x02)
            w.tcp(1, s, c, 443, 50100, seq: 9000, ack: 2, 0x12)
            w.tcp(2, c, s, 50100, 443, seq: 2, ack: 9001, 0x10)
            w.tcp(3, c, s, 50100, 443, seq: 2, ack: 9001, 0x18, Array(hello[0..<k]))
            w.tcp(4, c, s, 50100, 443, seq: 2 + UInt32(k), ack: 9001, 0x18, Array(hello[k...]))
            let path = SharedData.temporaryDirectory("netcensus-cdn").appendingPathComponent("tiny\(k).pcap").path
            try w.w.write(to: path)
            let summary = try Self.analyse(path)
            #expect(summary.names["tiny.examplecdn.net"] != nil && summary.namedBy[.tlsSNI] == 1, "first segment of \(k) bytes")
        }
    }

    static func path(_ name: String) -> String {
        SharedData.temporaryDirectory("netcensus-cdn").appendingPathComponent(name).path
    }

    /// Issue 9 leftover: SNI bytes that are not UTF-8 were decoded with U+FFFD, so
    /// `bad\xff.examplecdn.net` and `bad\xfe.examplecdn.net` became one name row. They stay two,
    /// written with `\xNN`; a name with a literal backslash cannot pose as one of them.
    @Test func invalidUTF8NamesStayDistinct() throws {
        var w = Writer()
        let server = Self.a("203.0.113.50")
        let bad: [[UInt8]] = [Array("bad".utf8) + [0xff] + Array(".examplecdn.net".utf8),
                              Array("bad".utf8) + [0xfe] + Array(".examplecdn.net".utf8),
                              Array("bad\\xff.examplecdn.net".utf8)]
        for (k, bytes) in bad.enumerated() {
            w.connection(start: Int64(100 * k), Self.client4, server, synAck: 5, ack: 6,
                         client: [Self.clientHello("unused", nameBytes: bytes)], server: Self.serverHello)
        }
        // The Host field the same way.
        w.connection(start: 500, Self.client4, server, dport: 80, synAck: 5, ack: 6,
                     client: [Array("GET / HTTP/1.1\r\nHost: h".utf8) + [0xc0] + Array(".examplecdn.net\r\n\r\n".utf8)],
                     server: Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
        let path = Self.path("bad-utf8.pcap")
        try w.w.write(to: path)
        let s = try Self.analyse(path)
        #expect(Set(s.names.keys) == ["bad\\xff.examplecdn.net", "bad\\xfe.examplecdn.net", "bad\\x5cxff.examplecdn.net",
                                      "h\\xc0.examplecdn.net"])
        #expect(s.names.values.allSatisfy { $0.ipv4.attempts == 1 && $0.provider == "ExampleCDN" })
        #expect(!s.names.keys.contains { $0.unicodeScalars.contains("\u{fffd}") })
    }

    /// Issue 9 leftover: `GET http://host/path HTTP/1.1` (absolute-form, RFC 9112 section
    /// 3.2.2) was named by its Host field; the target's authority wins, as the RFC says.
    @Test func absoluteFormRequestIsNamedByItsAuthority() throws {
        var w = Writer()
        w.connection(start: 0, Self.client4, Self.a("198.51.100.80"), dport: 8080, synAck: 5, ack: 6,
                     client: [Array("GET http://Video.ExampleCDN.net/seg1.ts HTTP/1.1\r\nHost: decoy.example\r\n\r\n".utf8)],
                     server: Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
        let path = Self.path("absolute-form.pcap")
        try w.w.write(to: path)
        let s = try Self.analyse(path)
        #expect(Set(s.names.keys) == ["video.examplecdn.net"])
        #expect(s.namedBy[.httpHost] == 1 && s.attributedBy[.name] == 1)
        #expect(s.providers["ExampleCDN"]?.ipv4.successes == 1)
    }

    /// Issue 9 leftover: a SYN-ACK stamped before its SYN gave a negative RTT, recorded as 0 ms
    /// (pulling the median down). It is now left out of the distribution and counted.
    @Test func negativeHandshakeRTTsAreSkippedAndCounted() throws {
        var w = Writer()
        let c = Self.client4, s = Self.a("203.0.113.60")
        // Connection 1: SYN at 100 ms, SYN-ACK at 90 ms (before it), ACK at 101 ms.
        w.tcp(100, c, s, 50500, 443, seq: 1000, ack: 0, 0x02)
        w.tcp(90, s, c, 443, 50500, seq: 5000, ack: 1001, 0x12)
        w.tcp(101, c, s, 50500, 443, seq: 1001, ack: 5001, 0x10)
        // Connection 2: an ordinary 7 ms handshake.
        w.connection(start: 200, c, s, synAck: 5, ack: 7)
        let path = Self.path("negative-rtt.pcap")
        try w.w.write(to: path)
        let r = try Self.analyse(path)
        let e = try #require(r.providers["ExampleCDN"])
        #expect(e.ipv4.attempts == 2 && e.ipv4.handshakes == 2)
        #expect(e.ipv4.handshakeRTT.count == 1 && e.ipv4.handshakeRTT.percentileMilliseconds(50) == 7)
        #expect(r.rttNegativeSkipped == 1)
    }

    /// Issue 9 leftover: the name-row cap held per file only (12 files of 10,000 names merged to
    /// 12,000 rows). Merging applies it again, fewest attempts first, counting the rows dropped.
    @Test func nameRowCapHoldsAfterMerge() throws {
        var o = CDNAnalyzerOptions()
        o.maxNames = 2
        var files: [CDNSummary] = []
        for (f, names) in [["a1", "a2"], ["b1", "b2"]].enumerated() {
            var w = Writer()
            for (k, n) in names.enumerated() {
                for i in 0...(k + 2 * f) {   // a1: 1 attempt, a2: 2, b1: 3, b2: 4
                    w.connection(start: Int64(100 * (10 * k + i)), Self.client4, Self.a("203.0.113.70"), synAck: 5, ack: 6,
                                 client: [Self.clientHello("\(n).examplecdn.net")], server: Self.serverHello)
                }
            }
            let path = Self.path("cap-\(f).pcap")
            try w.w.write(to: path)
            files.append(try Self.analyse(path, options: o))
        }
        #expect(files.allSatisfy { $0.names.count == 2 && $0.maxNames == 2 && $0.nameRowsDropped == 0 })
        var total = CDNSummary()
        for f in files { total.merge(f) }
        #expect(total.names.count == 2 && total.maxNames == 2)
        #expect(Set(total.names.keys) == ["b1.examplecdn.net", "b2.examplecdn.net"])
        #expect(total.nameRowsDropped == 2)
        // The provider figures keep every connection.
        #expect(total.providers["ExampleCDN"]?.ipv4.attempts == 10)
        // Merging in the other order keeps the same rows.
        var reversed = CDNSummary()
        for f in files.reversed() { reversed.merge(f) }
        #expect(reversed.names == total.names && reversed.nameRowsDropped == 2)
        // A state written before these members existed still decodes (defaults: cap 10,000, none dropped).
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(files[0])) as? [String: Any])
        for k in ["maxNames", "nameRowsDropped", "rttNegativeSkipped"] { json[k] = nil }
        let old = try JSONDecoder().decode(CDNSummary.self, from: try JSONSerialization.data(withJSONObject: json))
        #expect(old.maxNames == CDNSummary.defaultMaxNames && old.nameRowsDropped == 0 && old.names == files[0].names)
    }
}
