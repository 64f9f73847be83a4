import Testing
import CaptureCore
@testable import PacketDecoding

/// Offsets, sequence numbers and fragment fields the analyses read from `DecodedPacket`
/// (hand-built frames; every expected offset is counted from the frame layout by hand).
@Suite struct LayerOffsetTests {
    func decode(_ frame: [UInt8], link: LinkType = .ethernet) -> DecodedPacket {
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        frame.withUnsafeBytes { decoder.decode($0, linkType: link, originalLength: frame.count, into: &packet) }
        return packet
    }

    @Test func tcpSequenceAckAndPayloadOverIPv4() {
        // TCP header: ports, seq 0x01020304, ack 0x0a0b0c0d, data offset 5, flags PSH|ACK, window 0x2000.
        let tcp: [UInt8] = be16(50000) + be16(53) + be32(0x0102_0304) + be32(0x0a0b_0c0d) + [0x50, 0x18] + be16(0x2000) + [0, 0, 0, 0]
        let payload: [UInt8] = [0, 3, 1, 2, 3]
        let frame = Build.ethernet(0x0800, Build.ipv4("192.0.2.1", "198.51.100.2", proto: 6, tcp + payload))
        let p = decode(frame)
        let t = try! #require(p.transport)
        #expect(t.sequenceNumber == 0x0102_0304)
        #expect(t.acknowledgmentNumber == 0x0a0b_0c0d)
        #expect(t.window == 0x2000)
        #expect(p.ipLayers[0].headerOffset == 14)
        #expect(t.payloadOffset == 14 + 20 + 20)
        #expect(t.payloadCapturedLength == 5)
        #expect(t.payloadLength == 5)
    }

    @Test func tcpPayloadCutBySnaplenKeepsAnnouncedLength() {
        let tcp: [UInt8] = be16(1234) + be16(443) + be32(7) + be32(0) + [0x50, 0x10] + be16(100) + [0, 0, 0, 0]
        let full = Build.ethernet(0x0800, Build.ipv4("192.0.2.1", "198.51.100.2", proto: 6, tcp + [UInt8](repeating: 0xaa, count: 100)))
        let cut = Array(full.prefix(14 + 20 + 20 + 10))
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        cut.withUnsafeBytes { decoder.decode($0, linkType: .ethernet, originalLength: full.count, into: &packet) }
        let t = try! #require(packet.transport)
        #expect(t.payloadCapturedLength == 10)
        #expect(t.payloadLength == 100)
    }

    @Test func udpPayloadOffsetOverIPv6() {
        let udp: [UInt8] = be16(5353) + be16(9999) + be16(8 + 3) + [0, 0] + [9, 8, 7]
        let ip6: [UInt8] = [0x60, 0, 0, 0] + be16(udp.count) + [17, 64] + v6("2001:db8::1") + v6("2001:db8::2") + udp
        let p = decode(Build.ethernet(0x86dd, ip6))
        let t = try! #require(p.transport)
        #expect(t.payloadOffset == 14 + 40 + 8)
        #expect(t.payloadCapturedLength == 3)
        #expect(t.payloadLength == 3)
    }

    @Test func ipv4FragmentFields() {
        // Identification 0x1234 (the builder's), MF set, offset 0 -> first fragment of a UDP datagram.
        let udp: [UInt8] = be16(53) + be16(40000) + be16(8 + 16) + [0, 0] + [UInt8](repeating: 1, count: 8)
        let first = decode(Build.ethernet(0x0800, Build.ipv4("192.0.2.53", "192.0.2.9", proto: 17, udp, flagsFragment: 0x2000)))
        let l = first.ipLayers[0]
        #expect(l.isFragment && l.isFirstFragment && l.moreFragments)
        #expect(l.fragmentIdentification == 0x1234)
        #expect(l.fragmentOffset == 0)
        #expect(l.fragmentDataOffset == 14 + 20)
        #expect(l.fragmentNextHeader == 17)
        // Offset field 2 (16 bytes), MF clear: last fragment.
        let last = decode(Build.ethernet(0x0800, Build.ipv4("192.0.2.53", "192.0.2.9", proto: 17, [UInt8](repeating: 2, count: 8), flagsFragment: 2)))
        #expect(last.ipLayers[0].fragmentOffset == 16)
        #expect(!last.ipLayers[0].moreFragments)
        #expect(!last.ipLayers[0].isFirstFragment)
    }

    @Test func ipv6FragmentHeaderFields() {
        // Fragment header: next header UDP, offset 3 units (24 bytes), M = 1, identification 0xdeadbeef.
        let frag: [UInt8] = [17, 0] + be16(3 << 3 | 1) + be32(0xdead_beef)
        let data = [UInt8](repeating: 5, count: 16)
        let ip6: [UInt8] = [0x60, 0, 0, 0] + be16(frag.count + data.count) + [44, 64] + v6("2001:db8::53") + v6("2001:db8::9") + frag + data
        let p = decode(Build.ethernet(0x86dd, ip6))
        let l = p.ipLayers[0]
        #expect(l.isFragment && !l.isFirstFragment && l.moreFragments)
        #expect(l.fragmentIdentification == 0xdead_beef)
        #expect(l.fragmentOffset == 24)
        #expect(l.fragmentDataOffset == 14 + 40 + 8)
        #expect(l.fragmentNextHeader == 17)
    }
}
