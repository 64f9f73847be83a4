import Testing
import CaptureCore
@testable import PacketDecoding
import TestSupport

/// Byte vectors for `DNSMessageParser` with every field decoded by hand. Offsets in the comments
/// are from the start of the DNS message; they are what the compression pointers refer to.
@Suite struct DNSMessageParserTests {
    // MARK: vector helpers (wire form written out label by label)

    /// Length octet + ASCII bytes of one label.
    func label(_ s: String) -> [UInt8] { [UInt8(s.utf8.count)] + Array(s.utf8) }
    func u16(_ v: Int) -> [UInt8] { be16(v) }
    func header(id: Int, flags: Int, qd: Int, an: Int, ns: Int = 0, ar: Int = 0) -> [UInt8] {
        u16(id) + u16(flags) + u16(qd) + u16(an) + u16(ns) + u16(ar)
    }

    func parse(_ bytes: [UInt8], options: DNSParseOptions = DNSParseOptions()) -> DNSMessage {
        var parser = DNSMessageParser(options: options)
        var message = DNSMessage()
        bytes.withUnsafeBytes { _ = parser.parse($0, into: &message) }
        return message
    }

    /// www.Example.COM A? answered by a CNAME chain:
    /// www.example.com CNAME edge.example.com (300 s), edge.example.com CNAME cdn.net (60 s),
    /// cdn.net A 192.0.2.7 (20 s).
    ///   12: 03 www 07 Example 03 COM 00 (17 bytes, 12..28); 16 = "Example.COM"; QTYPE 29, QCLASS 31
    ///   33: answer 1: c0 0c | type 5 | class 1 | ttl 300 | rdlen 7 | 45: 04 edge c0 10
    ///   52: answer 2: c0 2d (45 = edge.example.com) | type 5 | ttl 60 | rdlen 9 | 64: 03 cdn 03 net 00
    ///   73: answer 3: c0 40 (64 = cdn.net) | type 1 | ttl 20 | rdlen 4 | 192.0.2.7
    var cnameChain: [UInt8] {
        header(id: 0xbeef, flags: 0x8180, qd: 1, an: 3)
            + label("www") + label("Example") + label("COM") + [0] + u16(1) + u16(1)
            + [0xc0, 0x0c] + u16(5) + u16(1) + be32(300) + u16(7) + label("edge") + [0xc0, 0x10]
            + [0xc0, 0x2d] + u16(5) + u16(1) + be32(60) + u16(9) + label("cdn") + label("net") + [0]
            + [0xc0, 0x40] + u16(1) + u16(1) + be32(20) + u16(4) + [192, 0, 2, 7]
    }

    /// example.com HTTPS? answered with priority 1, target ".", alpn h2,h3, port 443 (skipped),
    /// ipv4hint 192.0.2.1 192.0.2.2, ipv6hint 2001:db8::1. Question 12..24 (13 bytes), answer at 29;
    /// RDATA = 2 + 1 + (4+6) + (4+2) + (4+8) + (4+16) = 51 bytes.
    var httpsRecord: [UInt8] {
        header(id: 0x1234, flags: 0x81a0, qd: 1, an: 1)
            + label("example") + label("com") + [0] + u16(65) + u16(1)
            + [0xc0, 0x0c] + u16(65) + u16(1) + be32(3600) + u16(51)
            + u16(1) + [0]
            + u16(1) + u16(6) + label("h2") + label("h3")
            + u16(3) + u16(2) + u16(443)
            + u16(4) + u16(8) + [192, 0, 2, 1, 192, 0, 2, 2]
            + u16(6) + u16(16) + v6("2001:db8::1")
    }

    /// 7.2.0.192.in-addr.arpa PTR? -> host.example (name in RDATA, uncompressed, 14 bytes).
    var ptrRecord: [UInt8] {
        header(id: 7, flags: 0x8580, qd: 1, an: 1)
            + label("7") + label("2") + label("0") + label("192") + label("in-addr") + label("arpa") + [0] + u16(12) + u16(1)
            + [0xc0, 0x0c] + u16(12) + u16(1) + be32(86400) + u16(14) + label("host") + label("example") + [0]
    }

    /// NXDOMAIN with TC: flags 0x8383 = QR | TC | RD, RA | rcode 3.
    var nxdomainTruncated: [UInt8] {
        header(id: 0xabcd, flags: 0x8383, qd: 1, an: 0, ns: 1) + label("nope") + label("example") + [0] + u16(28) + u16(1)
    }

    @Test func headerFlagsAndCnameChainWithCompression() {
        let m = parse(cnameChain)
        #expect(m.stop == nil)
        #expect(m.id == 0xbeef && m.isResponse && m.opcode == 0)
        #expect(m.recursionDesired && m.recursionAvailable && !m.authoritative && !m.truncated)
        #expect(!m.authenticData && !m.checkingDisabled && m.rcode == 0)
        #expect(m.questionCount == 1 && m.answerCount == 3 && m.authorityCount == 0 && m.additionalCount == 0)
        #expect(m.questions == [DNSQuestion(name: "www.example.com", type: 1, qclass: 1)])
        #expect(m.answers == [
            DNSResourceRecord(name: "www.example.com", type: 5, rrclass: 1, ttl: 300, data: .cname("edge.example.com")),
            DNSResourceRecord(name: "edge.example.com", type: 5, rrclass: 1, ttl: 60, data: .cname("cdn.net")),
            DNSResourceRecord(name: "cdn.net", type: 1, rrclass: 1, ttl: 20, data: .a(addr("192.0.2.7"))),
        ])
    }

    @Test func httpsRecordWithAlpnAndHints() {
        let m = parse(httpsRecord)
        #expect(m.stop == nil)
        // 0x81a0: QR, RD, RA, AD.
        #expect(m.authenticData && !m.checkingDisabled)
        #expect(m.questions.first?.type == 65)
        let expected = DNSServiceBinding(priority: 1, target: ".", alpn: ["h2", "h3"],
                                         ipv4Hints: [addr("192.0.2.1"), addr("192.0.2.2")], ipv6Hints: [addr("2001:db8::1")])
        #expect(m.answers == [DNSResourceRecord(name: "example.com", type: 65, rrclass: 1, ttl: 3600, data: .https(expected))])
    }

    @Test func svcbKeysOutOfOrderAreMalformed() {
        // Same record with ipv4hint (4) before alpn (1): RFC 9460 section 2.2 says malformed.
        var bytes = header(id: 1, flags: 0x8180, qd: 0, an: 1)
        bytes += [0] + u16(64) + u16(1) + be32(1) + u16(2 + 1 + 8 + 7)
        let rdataStart = bytes.count
        bytes += u16(1) + [0] + u16(4) + u16(4) + [192, 0, 2, 1] + u16(1) + u16(3) + label("h2")
        let m = parse(bytes)
        // The second key's position: RDATA start + priority 2 + target 1 + first param 8.
        #expect(m.stop == DNSParseStop(offset: rdataStart + 11, reason: .badRData))
        #expect(m.answers.isEmpty)
    }

    @Test func svcbCompressedTargetIsMalformed() {
        var bytes = header(id: 1, flags: 0x8180, qd: 1, an: 1) + label("a") + [0] + u16(64) + u16(1)
        bytes += [0xc0, 0x0c] + u16(64) + u16(1) + be32(1) + u16(4) + u16(1) + [0xc0, 0x0c]
        #expect(parse(bytes).stop?.reason == .badRData)
    }

    @Test func alpnIdsAreEscapedForAListForm() {
        // One SVCB record (no question): priority 1, target ".", alpn = one id of 5 bytes
        // 'h' ',' '2' '\\' 0x01: the separator, the backslash and the control byte are escaped.
        let rdata = u16(1) + [0] + u16(1) + u16(6) + [5, 0x68, 0x2c, 0x32, 0x5c, 0x01]
        let bytes = header(id: 1, flags: 0x8180, qd: 0, an: 1) + [0] + u16(64) + u16(1) + be32(1) + u16(rdata.count) + rdata
        let m = parse(bytes)
        #expect(m.stop == nil)
        #expect(m.answers.first?.data == .svcb(DNSServiceBinding(priority: 1, target: ".", alpn: ["h\\0442\\092\\001"])))
    }

    @Test func ptrRecordName() {
        let m = parse(ptrRecord)
        #expect(m.stop == nil && m.authoritative)
        #expect(m.questions == [DNSQuestion(name: "7.2.0.192.in-addr.arpa", type: 12, qclass: 1)])
        #expect(m.answers.map(\.data) == [.ptr("host.example")])
        #expect(m.answers.first?.ttl == 86400)
    }

    @Test func nxdomainAndTruncatedFlag() {
        let m = parse(nxdomainTruncated)
        #expect(m.stop == nil)
        #expect(m.truncated && m.recursionDesired && m.recursionAvailable && m.rcode == 3)
        #expect(m.authorityCount == 1 && m.answers.isEmpty)
        #expect(m.questions == [DNSQuestion(name: "nope.example", type: 28, qclass: 1)])
    }

    @Test func pointerLoopStops() {
        // Question name at 12: 01 'a' c0 0c -- the pointer at 14 goes back to 12, the start of
        // this very name: not strictly before what was read, so it is refused, not followed.
        let bytes = header(id: 1, flags: 0, qd: 1, an: 0) + label("a") + [0xc0, 0x0c] + u16(1) + u16(1)
        let m = parse(bytes)
        #expect(m.stop == DNSParseStop(offset: 14, reason: .badPointer))
        #expect(m.questions.isEmpty && m.id == 1)
    }

    @Test func twoPointerLoopStops() {
        // Question "q": 12..14, QTYPE 15, QCLASS 17. Answer 1 at 19 is a TXT record (not decoded)
        // whose RDATA at 31 holds 01 'x' c0 23 (a pointer to 35). Answer 2 at 35 has the owner
        // c0 1f (pointer to 31). Following it: 35 -> 31 (backwards, fine), 'x', then the pointer
        // at 33 back to 35, which is not below 31, the lowest offset read: a loop, refused.
        var bytes = header(id: 2, flags: 0x8000, qd: 1, an: 2) + label("q") + [0] + u16(1) + u16(1)
        bytes += [0xc0, 0x0c] + u16(16) + u16(1) + be32(5) + u16(4) + label("x") + [0xc0, 35]
        bytes += [0xc0, 31] + u16(1) + u16(1) + be32(5) + u16(4) + [1, 2, 3, 4]
        let m = parse(bytes)
        #expect(m.stop == DNSParseStop(offset: 33, reason: .badPointer))
        #expect(m.questions.count == 1 && m.answers.map(\.data) == [.other(type: 16)])
    }

    @Test func forwardPointerStops() {
        // Question name at 12 is a pointer to 18 (the QTYPE bytes): forward, refused.
        let bytes = header(id: 3, flags: 0, qd: 1, an: 0) + [0xc0, 18] + u16(1) + u16(1) + [0, 0, 0, 0]
        #expect(parse(bytes).stop == DNSParseStop(offset: 12, reason: .badPointer))
    }

    @Test func nameEscapingAndCase() {
        // Label bytes: 'A' '.' 'b' '\' ' ' 0x07 0xff -> a\.b\\\032\007\255
        let bytes = header(id: 4, flags: 0, qd: 1, an: 0) + [7, 0x41, 0x2e, 0x62, 0x5c, 0x20, 0x07, 0xff] + label("COM") + [0] + u16(1) + u16(1)
        #expect(parse(bytes).questions.first?.name == "a\\.b\\\\\\032\\007\\255.com")
        // The root name.
        let root = header(id: 5, flags: 0, qd: 1, an: 0) + [0] + u16(2) + u16(1)
        #expect(parse(root).questions.first == DNSQuestion(name: ".", type: 2, qclass: 1))
    }

    @Test func nameLengthLimits() {
        // 127 one-letter labels = 127 * 2 + 1 = 255 octets: allowed. 128 labels = 257: too long.
        let ok = header(id: 6, flags: 0, qd: 1, an: 0) + Array(repeating: label("a"), count: 127).flatMap { $0 } + [0] + u16(1) + u16(1)
        #expect(parse(ok).stop == nil)
        #expect(parse(ok).questions.first?.name.count == 127 * 2 - 1)
        let long = header(id: 6, flags: 0, qd: 1, an: 0) + Array(repeating: label("a"), count: 128).flatMap { $0 } + [0] + u16(1) + u16(1)
        #expect(parse(long).stop?.reason == .nameTooLong)
        var few = DNSParseOptions(); few.maxLabels = 3
        let four = header(id: 6, flags: 0, qd: 1, an: 0) + label("a") + label("b") + label("c") + label("d") + [0] + u16(1) + u16(1)
        // The fourth label's length octet is at 12 + 3 * 2 = 18.
        #expect(parse(four, options: few).stop == DNSParseStop(offset: 18, reason: .nameTooLong))
    }

    @Test func badRDataAndLimits() {
        // A record with RDLENGTH 5.
        var bytes = header(id: 8, flags: 0x8180, qd: 0, an: 2) + [0] + u16(1) + u16(1) + be32(1) + u16(4) + [1, 2, 3, 4]
        bytes += [0] + u16(1) + u16(1) + be32(1) + u16(5) + [1, 2, 3, 4, 5]
        let m = parse(bytes)
        // Second record starts at 12 + 15 = 27; its RDATA at 27 + 11 = 38.
        #expect(m.stop == DNSParseStop(offset: 38, reason: .badRData))
        #expect(m.answers.map(\.data) == [.a(addr("1.2.3.4"))])
        var one = DNSParseOptions(); one.maxAnswers = 1
        let limited = parse(cnameChain, options: one)
        #expect(limited.stop == DNSParseStop(offset: 52, reason: .recordLimit))
        #expect(limited.answers.count == 1)
        // Label type 01 (0x40).
        #expect(parse(header(id: 9, flags: 0, qd: 1, an: 0) + [0x41, 0]).stop == DNSParseStop(offset: 12, reason: .badLabelType))
        // Unknown types are kept by type, RDATA skipped by length.
        let txt = header(id: 10, flags: 0x8180, qd: 0, an: 1) + [0] + u16(16) + u16(1) + be32(9) + u16(3) + [2, 0x68, 0x69]
        #expect(parse(txt).answers.map(\.data) == [.other(type: 16)])
    }

    @Test func serviceValueCapIsCounted() {
        var two = DNSParseOptions(); two.maxServiceValues = 2
        let m = parse(httpsRecord, options: two)
        #expect(m.stop == nil)
        // alpn 2 (fits), ipv4hint 2 (fits), ipv6hint 1: nothing omitted; with a cap of 1, one
        // alpn and one ipv4 hint are omitted.
        #expect(m.omittedValues == 0)
        var one = DNSParseOptions(); one.maxServiceValues = 1
        let m1 = parse(httpsRecord, options: one)
        #expect(m1.omittedValues == 2)
        if case .https(let b) = m1.answers.first?.data { #expect(b.alpn == ["h2"] && b.ipv4Hints == [addr("192.0.2.1")]) }
        else { Issue.record("no HTTPS record") }
    }

    @Test func everyPrefixStopsWithoutTrapping() {
        for vector in [cnameChain, httpsRecord, ptrRecord, nxdomainTruncated] {
            let full = parse(vector)
            #expect(full.stop == nil)
            for n in 0..<vector.count {
                let m = parse(Array(vector.prefix(n)))
                // A cut message never parses whole, and never yields more than the whole does.
                #expect(m.stop != nil, "prefix \(n) of \(vector.count)")
                #expect(m.stop?.offset ?? 0 <= n)
                #expect(m.questions.count <= full.questions.count && m.answers.count <= full.answers.count)
                if n < 12 { #expect(m.stop == DNSParseStop(offset: 0, reason: .truncatedHeader)) }
            }
        }
    }

    @Test func reuseClearsPreviousMessage() {
        var parser = DNSMessageParser()
        var message = DNSMessage()
        cnameChain.withUnsafeBytes { _ = parser.parse($0, into: &message) }
        #expect(message.answers.count == 3)
        nxdomainTruncated.withUnsafeBytes { _ = parser.parse($0, into: &message) }
        #expect(message.answers.isEmpty && message.id == 0xabcd && message.rcode == 3)
        #expect(message.answers.capacity >= 3)
    }

    @Test func randomBytesNeverTrap() {
        // Mutations of the vectors: flipped bytes anywhere must only ever stop parsing.
        var rng = SplitMix64(seed: 42)
        for vector in [cnameChain, httpsRecord, ptrRecord] {
            for _ in 0..<2000 {
                var v = vector
                for _ in 0..<3 { v[Int(rng.next() % UInt64(v.count))] = UInt8(truncatingIfNeeded: rng.next()) }
                let m = parse(v)
                #expect(m.answers.count <= Int(m.answerCount))
            }
        }
    }
}

