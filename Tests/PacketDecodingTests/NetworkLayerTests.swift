import CaptureCore
import Testing
@testable import PacketDecoding

// IPv4, IPv6 and the extension-header chain, ICMP and ICMPv6.

@Suite struct IPv4Tests {
    @Test func optionsAreSkippedByIHL() {
        // IHL 6: one 4-octet option (NOP NOP NOP EOL); UDP follows at offset 24.
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 17, Build.udp(1111, 2222, [9]), options: [1, 1, 1, 0])
        let p = decode(ip, .raw)
        #expect(p.ipLayers[0].datagramLength == 24 + 9 && p.transport?.sourcePort == 1111)
    }

    @Test func ihlBelowFiveIsAnomalyWithoutAddresses() {
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 17, Build.udp(1, 2, []), ihl: 4)
        let p = decode(ip, .raw)
        #expect(p.has(.ipv4BadHeaderLength) && p.ipLayers.count == 1 && p.ipLayers[0].source == nil)
        #expect(p.transport == nil)
    }

    @Test func headerLengthBeyondTotalLength() {
        // IHL 15 (60 octets) but total length 40.
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 6, [UInt8](repeating: 0, count: 40), totalLength: 40, ihl: 15)
        let p = decode(ip, .raw)
        #expect(p.has(.ipv4BadHeaderLength) && p.transport == nil)
    }

    @Test func totalLengthBelowTwenty() {
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 6, Build.tcp(1, 2, flags: 2), totalLength: 19)
        let p = decode(ip, .raw)
        #expect(p.has(.ipv4TotalLengthTooShort) && p.transport == nil && p.ipLayers.count == 1)
    }

    @Test func totalLengthZeroIsTSOAndUsesCapturedLength() {
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 6, Build.tcp(1, 2, flags: 0x10), totalLength: 0)
        let p = decode(ip, .raw)
        #expect(p.has(.ipv4TotalLengthZero) && p.transport?.tcpFlags == 0x10 && p.ipLayers[0].datagramLength == 40)
    }

    @Test func firstFragmentCarriesUDPHeader() {
        // MF set, offset 0: the UDP header is here.
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 17, Build.udp(1, 53, Build.dnsQuery(id: 3, qtypes: [28]), length: 500),
                            flagsFragment: 0x2000)
        let p = decode(ip, .raw)
        #expect(p.ipLayers[0].isFragment && p.ipLayers[0].isFirstFragment)
        #expect(p.transport?.destinationPort == 53 && p.dns?.asksAAAA == true && !p.has(.dnsMalformed))
        // The UDP length (500) runs past this fragment by design: neither cut nor malformed.
        #expect(!p.truncated && p.anomalies == 0)
    }

    @Test func laterFragmentHasNoUpperLayer() {
        // Offset 185 * 8 = 1480, MF clear: bytes that look like a UDP header must not be decoded.
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 17, Build.udp(1, 53, []), flagsFragment: 185)
        let p = decode(ip, .raw)
        #expect(p.ipLayers[0].isFragment && !p.ipLayers[0].isFirstFragment && p.transport == nil)
    }

    @Test func snaplenCutAfterSourceKeepsSource() {
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 6, Build.tcp(1, 2, flags: 2))
        let p = decode(Array(ip[0..<18]), .raw, originalLength: ip.count)
        #expect(p.truncated && p.ipLayers.count == 1 && p.ipLayers[0].source == addr("10.0.0.1"))
        #expect(p.ipLayers[0].destination == nil)
    }

    @Test func datagramCutInsidePayloadIsTruncatedButHeadersCount() {
        let ip = Build.ipv4("10.0.0.1", "10.0.0.2", proto: 6, Build.tcp(1, 2, flags: 2, [UInt8](repeating: 0, count: 100)))
        let p = decode(Array(ip[0..<60]), .raw, originalLength: ip.count)
        #expect(p.truncated && p.transport?.isSYN == true)
    }
}

@Suite struct IPv6Tests {
    @Test func snaplenCutAfterSourceAddress() {
        // AUDIT.md malformed_ipv6_truncated.pcap: 34 of 40 octets captured.
        let ip = Build.ipv6("2001:db8::1", "2001:db8::2", next: 17, Build.udp(1, 2, []))
        let p = decode(Array(ip[0..<34]), .raw, originalLength: ip.count)
        #expect(p.truncated && p.ipLayers.count == 1)
        #expect(p.ipLayers[0].source == addr("2001:db8::1") && p.ipLayers[0].destination == nil)
    }

    @Test func hopByHopRoutingDestinationOptionsChain() {
        // 0 (HbH, PadN) -> 43 (routing type 0, 0 segments left) -> 60 (dest opts) -> 6 TCP.
        let tcp = Build.tcp(1234, 80, flags: 0x02)
        let dst = Build.extensionHeader(next: 6, [1, 4, 0, 0, 0, 0])
        let rt = Build.extensionHeader(next: 60, [0, 0, 0, 0, 0, 0])
        let hbh = Build.extensionHeader(next: 43, [1, 4, 0, 0, 0, 0])
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 0, hbh + rt + dst + tcp), .raw)
        #expect(p.ipLayers[0].extensionHeaderCount == 3 && p.ipLayers[0].upperProtocol == 6)
        #expect(p.transport?.isSYN == true && p.anomalies == 0)
    }

    @Test func segmentRoutingHeaderType4() {
        // SRH (RFC 8754): routing type 4, Hdr Ext Len 2 (one 16-octet segment): 24 octets.
        let srh: [UInt8] = [17, 2, 4, 0, 0, 0, 0, 0] + v6("2001:db8::100")
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::100", next: 43, srh + Build.udp(7, 8, [])), .raw)
        #expect(p.ipLayers[0].extensionHeaderCount == 1 && p.transport?.destinationPort == 8)
    }

    @Test func fragmentHeaderFirstAndLater() {
        let first = Build.fragmentHeader(next: 17, offset: 0, more: true) + Build.udp(53, 4000, Build.dnsResponse(id: 1, qtype: 28, answers: [28]), length: 3000)
        let p1 = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 44, first), .raw)
        #expect(p1.ipLayers[0].isFragment && p1.ipLayers[0].isFirstFragment && p1.transport?.sourcePort == 53)
        #expect(p1.dns?.isResponse == true && p1.dns?.answersAAAA == 1)
        let later = Build.fragmentHeader(next: 17, offset: 1448, more: false) + Build.udp(53, 4000, [])
        let p2 = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 44, later), .raw)
        #expect(p2.ipLayers[0].isFragment && !p2.ipLayers[0].isFirstFragment && p2.transport == nil)
        #expect(p2.ipLayers[0].upperProtocol == 17)
    }

    @Test func atomicFragmentIsFirstAndOnly() {
        // RFC 6946: offset 0, M 0.
        let body = Build.fragmentHeader(next: 58, offset: 0, more: false) + [128, 0, 0, 0, 0, 1, 0, 1]
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 44, body), .raw)
        #expect(p.ipLayers[0].isFragment && p.ipLayers[0].isFirstFragment && p.icmpType == 128)
    }

    @Test func authenticationHeaderLengthRule() {
        // AH payload len 4 -> (4 + 2) * 4 = 24 octets (12 fixed + 12 ICV).
        let ah: [UInt8] = [6, 4, 0, 0] + be32(0x100) + be32(1) + [UInt8](repeating: 0xAA, count: 12)
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 51, ah + Build.tcp(22, 5555, flags: 0x12)), .raw)
        #expect(p.ipLayers[0].extensionHeaderCount == 1 && p.transport?.isSYNACK == true)
    }

    @Test func espEndsDecoding() {
        let esp: [UInt8] = be32(0x100) + be32(1) + [6, 0, 0, 0, 0, 0, 0, 0]
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 50, esp), .raw)
        #expect(p.ipLayers[0].upperProtocol == 50 && p.transport == nil && p.anomalies == 0)
    }

    @Test func mobilityHeaderThenNoNextHeader() {
        // Mobility header (RFC 6275 6.1.1): payload proto 59, header len 1 (16 octets), MH type 5.
        let mh: [UInt8] = [59, 1, 5, 0] + [UInt8](repeating: 0, count: 12)
        let dst = Build.extensionHeader(next: 135, [0xC9, 16] + v6("2001:db8::99"))
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 60, dst + mh), .raw)
        #expect(p.ipLayers[0].extensionHeaderCount == 2 && p.ipLayers[0].upperProtocol == 59 && p.anomalies == 0)
    }

    @Test func jumbogramPayloadLengthFromHopByHop() {
        // Payload length 0, HbH with Jumbo option C2 04 00 01 00 08 = 65544: the IPv6 payload
        // (HbH 8 + UDP) is 65544 octets, datagram 40 + 65544. Only 100 octets were captured.
        let hbh: [UInt8] = [17, 0, 0xC2, 4] + be32(65544)
        let udp = Build.udp(9, 10, [], length: 0)
        let full = Build.ipv6("2001:db8::1", "2001:db8::2", next: 0, hbh + udp + [UInt8](repeating: 0, count: 84), payloadLength: 0)
        let p = decode(full, .raw, originalLength: 40 + 65544)
        #expect(p.ipLayers[0].datagramLength == 40 + 65544 && p.transport?.destinationPort == 10)
        #expect(p.truncated && !p.has(.ipv6JumboPayloadInvalid) && !p.has(.udpBadLength))
    }

    @Test func jumboOptionWithNonzeroPayloadLengthIsAnomaly() {
        let hbh: [UInt8] = [59, 0, 0xC2, 4] + be32(70000)
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 0, hbh), .raw)
        #expect(p.has(.ipv6JumboPayloadInvalid))
    }

    @Test func extensionHeaderBeyondPayloadLengthIsMalformed() {
        // Hdr Ext Len 3 claims 32 octets but the payload length is 8.
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 60, [6, 3, 0, 0, 0, 0, 0, 0]), .raw)
        #expect(p.has(.ipv6ExtensionHeaderTruncated) && !p.truncated && p.transport == nil)
    }

    @Test func extensionHeaderCutBySnaplenIsTruncation() {
        let dst = Build.extensionHeader(next: 6, [1, 12] + [UInt8](repeating: 0, count: 12))
        let ip = Build.ipv6("2001:db8::1", "2001:db8::2", next: 60, dst + Build.tcp(1, 2, flags: 2))
        let p = decode(Array(ip[0..<44]), .raw, originalLength: ip.count)
        #expect(p.truncated && !p.has(.ipv6ExtensionHeaderTruncated) && p.ipLayers.count == 1)
    }

    @Test func wholeFrameEndingInsideChainIsMalformedAndTruncated() {
        // As malformed_ipv6_ext_truncated.pcap: payload length 20, next header 0, no payload
        // bytes, caplen == len. The bytes ended (truncated) but snaplen did not cut them.
        let ip = Build.ipv6("2001:db8::1", "2001:db8::2", next: 0, [], payloadLength: 20)
        let p = decode(Build.ethernet(0x86DD, ip))
        #expect(p.truncated && p.has(.frameShorterThanHeaders) && p.has(.ipv6ExtensionHeaderTruncated))
        let q = decode(Build.ethernet(0x86DD, ip), originalLength: 54 + 20)
        #expect(q.truncated && !q.has(.frameShorterThanHeaders) && !q.has(.ipv6ExtensionHeaderTruncated))
    }

    @Test func tooManyExtensionHeadersStops() {
        // 20 destination-options headers in a row, limit 16.
        var body = Build.tcp(1, 2, flags: 2)
        body = Build.extensionHeader(next: 6, []) + body
        for _ in 0..<19 { body = Build.extensionHeader(next: 60, []) + body }
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 60, body), .raw)
        #expect(p.has(.ipv6ExtensionHeaderTooMany) && p.transport == nil && p.ipLayers[0].extensionHeaderCount == 16)
    }

    @Test func hopByHopNotFirstIsAnomaly() {
        let hbh = Build.extensionHeader(next: 59, [])
        let dst = Build.extensionHeader(next: 0, [])
        let p = decode(Build.ipv6("2001:db8::1", "2001:db8::2", next: 60, dst + hbh), .raw)
        #expect(p.has(.ipv6HopByHopNotFirst))
    }

    @Test func ethernetPaddingIsNotDecoded() {
        // IPv6 payload length covers TCP + one DNS-over-TCP message asking A; the padding after it
        // holds a second length-prefixed message asking AAAA, which must not be seen.
        let q = Build.dnsQuery(id: 5, qtypes: [1])
        let tcp = Build.tcp(40000, 53, flags: 0x18, be16(q.count) + q)
        let extra = Build.dnsQuery(id: 6, qtypes: [28])
        let frame = Build.ethernet(0x86DD, Build.ipv6("2001:db8::1", "2001:db8::53", next: 6, tcp) + be16(extra.count) + extra)
        let p = decode(frame)
        #expect(p.dns?.asksA == true && p.dns?.asksAAAA == false)
    }
}

@Suite struct ICMPTests {
    @Test func icmpv4EchoRecordsTypeAndCode() {
        let p = decode(Build.ipv4("10.0.0.1", "10.0.0.2", proto: 1, [8, 0, 0, 0, 0, 1, 0, 1]), .raw)
        #expect(p.icmpType == 8 && p.icmpCode == 0 && p.icmpFamily == .v4 && p.ipLayers.count == 1)
    }

    @Test func icmpv4PortUnreachableQuotesUDPDNS() {
        // Type 3 code 3 quoting 10.0.0.2 -> 10.0.0.1 UDP 5000 -> 53 DNS: the quote counts for
        // addresses only, never for transport or DNS.
        let quoted = Build.ipv4("10.0.0.2", "10.0.0.1", proto: 17, Build.udp(5000, 53, Build.dnsQuery(id: 9, qtypes: [1])))
        let icmp: [UInt8] = [3, 3, 0, 0, 0, 0, 0, 0] + Array(quoted[0..<28])
        let p = decode(Build.ipv4("10.0.0.1", "10.0.0.2", proto: 1, icmp), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].isICMPQuote && p.ipLayers[1].source == addr("10.0.0.2"))
        #expect(p.transport == nil && p.dns == nil && !p.truncated && p.icmpType == 3 && p.icmpCode == 3)
        #expect(p.innermost == p.ipLayers[0])
    }

    @Test func icmpv4TimeExceededQuotingSixInFour() {
        // A quoted 6in4 datagram: the quoted IPv6 header is a quote too.
        let inner = Build.ipv6("2001:db8::1", "2001:db8::2", next: 6, Build.tcp(1, 2, flags: 2))
        let quoted = Build.ipv4("192.0.2.1", "192.0.2.2", proto: 41, inner)
        let icmp: [UInt8] = [11, 0, 0, 0, 0, 0, 0, 0] + quoted
        let p = decode(Build.ipv4("198.51.100.1", "192.0.2.1", proto: 1, icmp), .raw)
        #expect(p.ipLayers.count == 3 && p.ipLayers[1].isICMPQuote && p.ipLayers[2].isICMPQuote)
        #expect(p.ipLayers[2].tunnel == .sixInFour && p.transport == nil)
    }

    @Test func icmpv6PacketTooBigMTUAndQuote() {
        let quoted = Build.ipv6("2001:db8::2", "2001:db8::1", next: 6, Build.tcp(443, 50000, flags: 0x10, [UInt8](repeating: 0, count: 1400)))
        let icmp: [UInt8] = [2, 0, 0, 0] + be32(1280) + Array(quoted[0..<200])
        let p = decode(Build.ipv6("2001:db8::fe", "2001:db8::2", next: 58, icmp), .raw)
        #expect(p.packetTooBigMTU == 1280 && p.icmpType == 2 && p.icmpFamily == .v6)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].isICMPQuote && p.transport == nil && !p.truncated)
    }

    @Test func routerAdvertisementWithPREF64() {
        // RA: type 134, hop limit, flags, lifetime, reachable, retrans (16 octets), then
        // PREF64 (38, len 2): scaled lifetime 225 (225 * 8 = 1800 s) in the upper 13 bits with
        // PLC 0 -> /96, prefix 64:ff9b:: (high 64 = 0x0064ff9b00000000, next 32 = 0).
        let pref64: [UInt8] = [38, 2] + be16(225 << 3 | 0) + v6("64:ff9b::").prefix(12)
        let sll: [UInt8] = [1, 1] + Build.macA
        let ra: [UInt8] = [134, 0, 0, 0, 64, 0] + be16(1800) + be32(0) + be32(0) + sll + pref64
        let p = decode(Build.ipv6("fe80::1", "ff02::1", next: 58, ra), .raw)
        #expect(p.icmpType == 134 && p.anomalies == 0)
        #expect(p.pref64Prefix?.high == 0x0064_ff9b_0000_0000 && p.pref64Prefix?.low == 0 && p.pref64Prefix?.length == 96)
        #expect(p.pref64LifetimeSeconds == 1800)
    }

    @Test func pref64PrefixLengthCodes() {
        // PLC 5 -> /32 with prefix 2001:db8:: (RFC 8781 section 4).
        let pref64: [UInt8] = [38, 2] + be16(600 << 3 | 5) + v6("2001:db8:100::").prefix(12)
        let ra: [UInt8] = [134, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + pref64
        let p = decode(Build.ipv6("fe80::1", "ff02::1", next: 58, ra), .raw)
        #expect(p.pref64Prefix?.length == 32 && p.pref64Prefix?.high == 0x2001_0db8_0100_0000)
        let bad: [UInt8] = [38, 2] + be16(600 << 3 | 7) + [UInt8](repeating: 0, count: 12)
        let q = decode(Build.ipv6("fe80::1", "ff02::1", next: 58, Array(ra[0..<16]) + bad), .raw)
        #expect(q.pref64Prefix == nil && q.has(.pref64BadPrefixLengthCode))
    }

    @Test func ndOptionLengthZeroStopsWalk() {
        let ns: [UInt8] = [135, 0, 0, 0, 0, 0, 0, 0] + v6("fe80::2") + [1, 0, 0, 0, 0, 0, 0, 0]
        let p = decode(Build.ipv6("fe80::1", "ff02::1:ff00:2", next: 58, ns), .raw)
        #expect(p.icmpType == 135 && p.has(.icmpv6NDOptionBadLength))
    }

    @Test func redirectedHeaderOptionIsAQuote() {
        // Redirect: 8 + target 16 + destination 16, then option 4 (len 1 + 5 units = 48 octets).
        let inner = Build.ipv6("2001:db8::5", "2001:db8:1::9", next: 59, [])
        let option: [UInt8] = [4, 6, 0, 0, 0, 0, 0, 0] + inner
        let redirect: [UInt8] = [137, 0, 0, 0, 0, 0, 0, 0] + v6("fe80::9") + v6("2001:db8:1::9") + option
        let p = decode(Build.ipv6("fe80::1", "2001:db8::5", next: 58, redirect), .raw)
        #expect(p.ipLayers.count == 2 && p.ipLayers[1].isICMPQuote && p.ipLayers[1].source == addr("2001:db8::5"))
    }
}
