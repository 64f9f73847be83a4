import TestSupport
import CaptureCore
import Testing
@testable import PacketDecoding

@Suite struct TransportAndDNSTests {
    @Test func tcpBadDataOffset() {
        let p = decode(Build.ipv4("10.0.0.1", "10.0.0.2", proto: 6, Build.tcp(1, 2, flags: 2, dataOffset: 4)), .raw)
        #expect(p.has(.tcpBadDataOffset) && p.transport?.sourcePort == 1)
    }

    @Test func tcpOptionsCutBySnaplen() {
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 6, Build.tcp(1, 2, flags: 2, dataOffset: 10, options: [UInt8](repeating: 1, count: 20)))
        let p = decode(Array(ip[0..<50]), .raw, originalLength: ip.count)
        #expect(p.truncated && p.transport?.isSYN == true)
    }

    @Test func udpLengthBeyondIPPayloadIsAnomaly() {
        let p = decode(Build.ipv4("10.0.0.1", "10.0.0.2", proto: 17, Build.udp(1, 2, [1, 2], length: 50)), .raw)
        #expect(p.has(.udpBadLength))
    }

    /// LINKTYPE_RAW IPv6 / UDP / DNS query, as hex, hand-decoded: payload length 0x1e = 30
    /// (UDP 8 + DNS 22), next header 0x11, 2001:db8::1 -> 2001:4860:4860::8888; UDP 0xd431 =
    /// 54321 -> 53, length 30; DNS ID 0xabcd, flags 0x0100 (QR 0, RD), QDCOUNT 1, QNAME 01 'a'
    /// 02 'io' 00, QTYPE 0x001c (AAAA), QCLASS 1.
    static let rawIPv6DNSQueryAAAA = hex("""
        60 00 00 00 00 1e 11 40
        20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
        20 01 48 60 48 60 00 00 00 00 00 00 00 00 88 88
        d4 31 00 35 00 1e 00 00
        ab cd 01 00 00 01 00 00 00 00 00 00 01 61 02 69 6f 00 00 1c 00 01
        """)

    @Test func rawIPv6DNSQueryAAAAHexVector() {
        let p = decode(Self.rawIPv6DNSQueryAAAA, .raw)
        #expect(p.linkDecoded && p.etherType == 0x86DD && p.anomalies == 0 && !p.truncated)
        #expect(p.ipLayers == [IPLayer(family: .v6, source: addr("2001:db8::1"), destination: addr("2001:4860:4860::8888"),
                                       upperProtocol: 17, datagramLength: 70)])
        // RAW: IPv6 40 + UDP 8 -> DNS payload at 48, 70 - 48 = 22 bytes.
        #expect(p.transport == TransportLayer(protocolNumber: 17, sourcePort: 54321, destinationPort: 53, tcpFlags: 0, ipLayerIndex: 0)
            .with(payloadAt: 48, captured: 22, length: 22))
        #expect(p.dns == DNSMessageInfo(isResponse: false, asksA: false, asksAAAA: true, transactionID: 0xabcd))
    }

    @Test func dnsQueryAAndAAAAQuestions() {
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::53", next: 17, Build.udp(33000, 53, Build.dnsQuery(id: 0xBEEF, qtypes: [1, 28]))), .raw)
        #expect(p.dns == DNSMessageInfo(isResponse: false, asksA: true, asksAAAA: true, transactionID: 0xBEEF))
    }

    @Test func dnsResponseCountsAnswersThroughCompressionPointers() {
        // Question AAAA; answers CNAME, AAAA, AAAA, A.
        let msg = Build.dnsResponse(id: 2, qtype: 28, answers: [5, 28, 28, 1])
        let p = decode(Build.ipv4("192.0.2.53", "192.0.2.1", proto: 17, Build.udp(53, 40000, msg)), .raw)
        #expect(p.dns == DNSMessageInfo(isResponse: true, asksA: false, asksAAAA: true, answersA: 1, answersAAAA: 2,
                                        transactionID: 2))
        #expect(!p.has(.dnsMalformed))
    }

    @Test(arguments: [5353, 5355])
    func mdnsAndLLMNRAreNotDNS(port: Int) {
        let p = decode(Build.ipv4("192.0.2.1", "224.0.0.251", proto: 17, Build.udp(port, port, Build.dnsQuery(id: 0, qtypes: [1]))), .raw)
        #expect(p.dns == nil)
    }

    @Test func dnsSelfPointingNameDoesNotLoop() {
        // Question name is a pointer to itself (offset 12): skipping never follows it.
        let msg: [UInt8] = be16(1) + [1, 0] + be16(1) + be16(0) + be16(0) + be16(0) + [0xC0, 12] + be16(28) + be16(1)
        let p = decode(Build.ipv4("192.0.2.1", "192.0.2.53", proto: 17, Build.udp(1000, 53, msg)), .raw)
        #expect(p.dns?.asksAAAA == true && !p.has(.dnsMalformed))
    }

    @Test func dnsExtendedLabelTypeIsMalformed() {
        let msg: [UInt8] = be16(1) + [1, 0] + be16(1) + be16(0) + be16(0) + be16(0) + [0x41, 0] + be16(1) + be16(1)
        let p = decode(Build.ipv4("192.0.2.1", "192.0.2.53", proto: 17, Build.udp(1000, 53, msg)), .raw)
        #expect(p.has(.dnsMalformed) && p.dns?.asksA == false)
    }

    @Test func dnsCountsBeyondMessageAreMalformed() {
        var msg = Build.dnsQuery(id: 1, qtypes: [1])
        msg[5] = 3  // QDCOUNT 3, one question present
        let p = decode(Build.ipv4("192.0.2.1", "192.0.2.53", proto: 17, Build.udp(1000, 53, msg)), .raw)
        #expect(p.has(.dnsMalformed) && p.dns?.asksA == true)
    }

    @Test func dnsHugeQuestionCountIsBounded() {
        var msg = Build.dnsQuery(id: 1, qtypes: [28])
        msg[4] = 0xFF; msg[5] = 0xFF
        let p = decode(Build.ipv4("192.0.2.1", "192.0.2.53", proto: 17, Build.udp(1000, 53, msg)), .raw)
        #expect(p.has(.dnsTooManyRecords) && p.dns?.asksAAAA == true)
    }

    @Test func dnsOverTCPTwoMessagesInOneSegment() {
        // First message (QR 0, A) decides QR and ID; the second adds AAAA.
        let a = Build.dnsQuery(id: 10, qtypes: [1])
        let b = Build.dnsQuery(id: 11, qtypes: [28])
        let seg = Build.tcp(50000, 53, flags: 0x18, be16(a.count) + a + be16(b.count) + b)
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::53", next: 6, seg), .raw)
        #expect(p.dns?.transactionID == 10 && p.dns?.asksA == true && p.dns?.asksAAAA == true)
    }

    @Test func dnsOverTCPSplitAcrossSegmentsIsNotDecoded() {
        let a = Build.dnsQuery(id: 10, qtypes: [1])
        let seg = Build.tcp(50000, 53, flags: 0x18, be16(a.count + 100) + a)
        #expect(decode(Build.ipv6("2001:db8::1", "2001:db8::53", next: 6, seg), .raw).dns == nil)
    }

    @Test func dnsInSnaplenCutDatagramIsTruncatedNotMalformed() {
        let ip = Build.ipv4("192.0.2.1", "192.0.2.53", proto: 17, Build.udp(1000, 53, Build.dnsQuery(id: 1, qtypes: [1, 28])))
        let p = decode(Array(ip[0..<45]), .raw, originalLength: ip.count)
        #expect(p.truncated && !p.has(.dnsMalformed) && p.dns?.asksA == false)
    }
}
