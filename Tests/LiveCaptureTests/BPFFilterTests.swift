import Testing
import CaptureCore
@testable import LiveCapture

/// An Ethernet frame: dst/src MAC, EtherType, then `payload`.
func ethernet(_ etherType: UInt16, _ payload: [UInt8]) -> [UInt8] {
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, UInt8(etherType >> 8), UInt8(etherType & 0xff)] + payload
}
/// A 20-byte IPv4 header (no options) + 8-byte UDP header from 192.0.2.1:sport to 198.51.100.2:dport.
func ipv4UDP(sport: UInt16, dport: UInt16) -> [UInt8] {
    [0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 2,
     UInt8(sport >> 8), UInt8(sport & 0xff), UInt8(dport >> 8), UInt8(dport & 0xff), 0, 8, 0, 0]
}
/// A 40-byte IPv6 header (next header 58, ICMPv6) 2001:db8::1 -> 2001:db8::2, + 8-byte echo request.
func ipv6ICMP() -> [UInt8] {
    var h: [UInt8] = [0x60, 0, 0, 0, 0, 8, 58, 64]
    h += [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
    h += [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [2]
    return h + [128, 0, 0, 0, 0, 1, 0, 1]
}

func withRecord<R>(_ bytes: [UInt8], linkType: LinkType, originalLength: Int? = nil, _ body: (PacketRecord) -> R) -> R {
    bytes.withUnsafeBytes { raw in
        body(PacketRecord(timestamp: 1_500_000_000_123_456_000, capturedLength: bytes.count, originalLength: originalLength ?? bytes.count,
                          linkType: linkType, interfaceIndex: 0, fileOffset: 24, bytes: raw))
    }
}

@Suite struct BPFFilterTests {
    @Test func filtersEthernetFramesLikeTcpdump() throws {
        let v4dns = ethernet(0x0800, ipv4UDP(sport: 5353, dport: 53))
        let v4other = ethernet(0x0800, ipv4UDP(sport: 5353, dport: 123))
        let v6 = ethernet(0x86dd, ipv6ICMP())
        let ip6 = try BPFFilter("ip6")
        #expect(withRecord(v6, linkType: .ethernet) { ip6.matches($0) })
        #expect(!withRecord(v4dns, linkType: .ethernet) { ip6.matches($0) })
        let dns = try BPFFilter("udp port 53")
        #expect(withRecord(v4dns, linkType: .ethernet) { dns.matches($0) })
        #expect(!withRecord(v4other, linkType: .ethernet) { dns.matches($0) })
        let icmp6 = try BPFFilter("icmp6 and dst host 2001:db8::2")
        #expect(withRecord(v6, linkType: .ethernet) { icmp6.matches($0) })
    }

    @Test func compilesPerLinkType() throws {
        // The same IPv6 packet on LINKTYPE_RAW (101 -> DLT_RAW 12) and on LINKTYPE_IPV6 (229).
        let f = try BPFFilter("ip6 and icmp6")
        #expect(withRecord(ipv6ICMP(), linkType: .raw) { f.matches($0) })
        #expect(withRecord(ipv6ICMP(), linkType: .ipv6) { f.matches($0) })
        #expect(withRecord(ethernet(0x86dd, ipv6ICMP()), linkType: .ethernet) { f.matches($0) })
        #expect(!withRecord(ipv4UDP(sport: 1, dport: 2), linkType: .raw) { f.matches($0) })
    }

    @Test func expressionInvalidForOneLinkTypeMatchesNothingThere() throws {
        // `ether host` needs a MAC header: fine on Ethernet, a compile error on RAW.
        let f = try BPFFilter("ether host 00:01:02:03:04:05")
        #expect(f.error(for: .ethernet) == nil)
        #expect(f.error(for: .raw) != nil)
        #expect(!withRecord(ipv6ICMP(), linkType: .raw) { f.matches($0) })
        #expect(withRecord(ethernet(0x86dd, ipv6ICMP()), linkType: .ethernet) { f.matches($0) })
    }

    @Test func invalidExpressionThrowsClearError() {
        #expect(throws: PcapError.self) { try BPFFilter("udp port") }
        do { _ = try BPFFilter("hst 1.2.3.4"); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("invalid BPF filter 'hst 1.2.3.4'"))
        }
    }

    @Test func snaplenTruncatedPacketStillFilters() throws {
        // Only the first 34 bytes (Ethernet + IPv4 header) captured of a 42-byte frame: `ip` matches,
        // a port test cannot read the UDP header and fails, as in tcpdump.
        let frame = Array(ethernet(0x0800, ipv4UDP(sport: 1, dport: 53)).prefix(34))
        #expect(withRecord(frame, linkType: .ethernet, originalLength: 42) { try! BPFFilter("ip").matches($0) })
        #expect(!withRecord(frame, linkType: .ethernet, originalLength: 42) { try! BPFFilter("udp port 53").matches($0) })
    }

    @Test func linkTypeToDLT() {
        #expect(dataLinkType(.raw) == 12)
        #expect(dataLinkType(.ethernet) == 1)
        #expect(dataLinkType(.linuxSLL2) == 276)
        #expect(dataLinkType(.ipv4) == 228)
    }
}
