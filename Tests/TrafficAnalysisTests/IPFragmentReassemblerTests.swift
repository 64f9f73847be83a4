import Testing
import CaptureCore
import CaptureFiles
import CaptureSamples
import PacketDecoding
import TestSupport
@testable import TrafficAnalysis

/// Test-side fragmenters and a 60-answer AAAA response built with the project's `PacketBuilder`.
/// The reassembled datagram must equal the datagram before fragmentation byte for byte.
enum FragmentFixture {
    static let client4 = PacketBuilder.address("192.0.2.10"), server4 = PacketBuilder.address("192.0.2.53")
    static let client6 = PacketBuilder.address("2001:db8::10"), server6 = PacketBuilder.address("2001:db8::53")

    /// `many.example` AAAA? answered with 60 addresses 2001:db8:aa::1 ... ::3c (each answer 28 bytes).
    static func bigResponse() -> [UInt8] {
        let answers = (1...60).map { i in PacketBuilder.address("2001:db8:aa::\(String(i, radix: 16))") }
        return PacketBuilder.dnsResponse(id: 0x6060, name: "many.example", type: PacketBuilder.DNSType.aaaa, answers: answers)
    }

    /// The unfragmented UDP/IP datagram; IPv4 with DF cleared (a fragmented datagram has DF 0).
    static func datagram(_ family: IPFamily, payload: [UInt8] = bigResponse(), identification: UInt16 = 0x4242) -> [UInt8] {
        let (c, s) = family == .v4 ? (client4, server4) : (client6, server6)
        let udp = PacketBuilder.udp(source: s, destination: c, sourcePort: 53, destinationPort: 40000, payload: payload)
        if family == .v6 { return PacketBuilder.ipv6(source: s, destination: c, nextHeader: 17, payload: udp) }
        var ip = PacketBuilder.ipv4(source: s, destination: c, protocol: 17, payload: udp, identification: identification)
        ip[6] = 0
        setIPv4Checksum(&ip)
        return ip
    }

    static func setIPv4Checksum(_ ip: inout [UInt8]) {
        ip[10] = 0; ip[11] = 0
        let c = PacketBuilder.internetChecksum(Array(ip[0..<20]))
        ip[10] = UInt8(c >> 8); ip[11] = UInt8(c & 0xff)
    }

    /// IPv4 fragments of at most `mtu` bytes (RFC 791: data in multiples of 8 but the last).
    /// `cuts` overrides the data boundaries (offsets into the IP payload).
    static func fragmentIPv4(_ datagram: [UInt8], mtu: Int = 1232, cuts: [Int]? = nil) -> [[UInt8]] {
        let header = Array(datagram[0..<20]), payload = Array(datagram[20...])
        let step = (mtu - 20) / 8 * 8
        let bounds = cuts ?? Array(stride(from: 0, to: payload.count, by: step))
        return bounds.enumerated().map { i, start in
            let end = i + 1 < bounds.count ? bounds[i + 1] : payload.count
            return ipv4Fragment(header, payload, start..<end, more: end < payload.count)
        }
    }

    static func ipv4Fragment(_ header: [UInt8], _ payload: [UInt8], _ range: Range<Int>, more: Bool, overwrite: UInt8? = nil) -> [UInt8] {
        var h = header
        let total = 20 + range.count
        h[2] = UInt8(total >> 8); h[3] = UInt8(total & 0xff)
        let field = (more ? 0x2000 : 0) | range.lowerBound / 8
        h[6] = UInt8(field >> 8); h[7] = UInt8(field & 0xff)
        setIPv4Checksum(&h)
        var data = Array(payload[range])
        if let overwrite { data[0] = overwrite }
        return h + data
    }

    /// IPv6 fragments (RFC 8200 section 4.5): unfragmentable part = fixed header plus
    /// `unfragmentable` extension bytes; fragment header next header = the original's.
    static func fragmentIPv6(_ datagram: [UInt8], mtu: Int = 1232, id: UInt32 = 0xfeed_f00d, unfragmentable: Int = 0,
                             cuts: [Int]? = nil) -> [[UInt8]] {
        let unfrag = Array(datagram[0..<(40 + unfragmentable)])
        let payload = Array(datagram[(40 + unfragmentable)...])
        let step = (mtu - unfrag.count - 8) / 8 * 8
        let bounds = cuts ?? Array(stride(from: 0, to: payload.count, by: step))
        return bounds.enumerated().map { i, start in
            let end = i + 1 < bounds.count ? bounds[i + 1] : payload.count
            return ipv6Fragment(unfrag, payload, start..<end, more: end < payload.count, id: id, unfragmentable: unfragmentable)
        }
    }

    static func ipv6Fragment(_ unfrag: [UInt8], _ payload: [UInt8], _ range: Range<Int>, more: Bool, id: UInt32,
                             unfragmentable: Int, overwrite: UInt8? = nil) -> [UInt8] {
        var h = unfrag
        // The next header field that names the first fragmentable header now names 44.
        let nhAt = unfragmentable == 0 ? 6 : 40 + unfragmentable - 8  // single 8-byte extension header in the tests
        let original = h[nhAt]
        h[nhAt] = 44
        let field = range.lowerBound | (more ? 1 : 0)
        let fragHeader: [UInt8] = [original, 0, UInt8(field >> 8), UInt8(field & 0xff),
                                   UInt8(id >> 24), UInt8(id >> 16 & 0xff), UInt8(id >> 8 & 0xff), UInt8(id & 0xff)]
        var data = Array(payload[range])
        if let overwrite { data[0] = overwrite }
        let plen = unfragmentable + 8 + data.count
        h[4] = UInt8(plen >> 8); h[5] = UInt8(plen & 0xff)
        return h + fragHeader + data
    }

    static func ethernet(_ ip: [UInt8]) -> [UInt8] {
        let type: UInt16 = ip[0] >> 4 == 4 ? 0x0800 : 0x86dd
        return PacketBuilder.ethernet(destination: PacketBuilder.mac("00:11:22:33:44:55"), source: PacketBuilder.mac("66:77:88:99:aa:bb"),
                                      etherType: type, payload: ip)
    }
}

@Suite struct IPFragmentReassemblerTests {
    /// Feeds Ethernet frames (timestamps in ns) and returns every datagram delivered.
    func run(_ frames: [(Int64, [UInt8])], _ r: inout IPFragmentReassembler) -> [[UInt8]] {
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        var out: [[UInt8]] = []
        for (time, frame) in frames {
            frame.withUnsafeBytes { bytes in
                decoder.decode(bytes, linkType: .ethernet, originalLength: bytes.count, into: &packet)
                guard let layer = packet.ipLayers.first else { return }
                r.add(packet: bytes, layer: layer, timestamp: time) { out.append(Array($0)) }
            }
        }
        return out
    }

    func frames(_ ips: [[UInt8]], spacing: Int64 = 1_000_000) -> [(Int64, [UInt8])] {
        ips.enumerated().map { (Int64($0.offset) * spacing, FragmentFixture.ethernet($0.element)) }
    }

    /// Re-decodes a delivered datagram as raw IP and parses its DNS message.
    func answers(in datagram: [UInt8]) -> (Int, DNSParseStop?) {
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        var parser = DNSMessageParser()
        var message = DNSMessage()
        return datagram.withUnsafeBytes { bytes in
            decoder.decode(bytes, linkType: .raw, originalLength: bytes.count, into: &packet)
            guard let t = packet.transport, t.payloadOffset >= 0 else { return (-1, nil) }
            let stop = parser.parse(bytes.clampedSlice(from: t.payloadOffset, length: t.payloadCapturedLength), into: &message)
            return (message.answers.count, stop)
        }
    }

    @Test(arguments: [IPFamily.v4, .v6])
    func sixtyAnswerResponseInOrderReversedAndDuplicated(_ family: IPFamily) {
        let original = FragmentFixture.datagram(family)
        // 12 + 18 (question) + 60 * 28 = 1710 bytes of DNS, + 8 UDP.
        #expect(original.count == (family == .v4 ? 20 : 40) + 8 + 1710)
        let fragments = family == .v4 ? FragmentFixture.fragmentIPv4(original) : FragmentFixture.fragmentIPv6(original)
        #expect(fragments.count == 2)
        #expect(fragments.allSatisfy { $0.count <= 1232 })
        // Unreassembled, the first fragment alone holds only part of the answer section.
        for order in [fragments, Array(fragments.reversed()), [fragments[0], fragments[0], fragments[1]], [fragments[1], fragments[1], fragments[0]]] {
            var r = IPFragmentReassembler()
            let out = run(frames(order), &r)
            #expect(out == [original])
            #expect(r.counters.reassembled == 1)
            #expect(r.counters.duplicateFragments == order.count - 2)
            #expect(r.counters.fragments == order.count)
            #expect(r.datagramsInFlight == 0 && r.bytesBuffered == 0)
            if let d = out.first {
                let (n, stop) = answers(in: d)
                #expect(n == 60 && stop == nil)
            }
        }
    }

    @Test func ipv6UnfragmentableHeaderIsKeptAndNextHeaderFixed() {
        // IPv6 + hop-by-hop (8 bytes: next header UDP, PadN) + UDP/DNS.
        let udp = PacketBuilder.udp(source: FragmentFixture.server6, destination: FragmentFixture.client6, sourcePort: 53,
                                    destinationPort: 40000, payload: FragmentFixture.bigResponse())
        let hbh: [UInt8] = [17, 0, 1, 4, 0, 0, 0, 0]
        let original = PacketBuilder.ipv6(source: FragmentFixture.server6, destination: FragmentFixture.client6, nextHeader: 0, payload: hbh + udp)
        let fragments = FragmentFixture.fragmentIPv6(original, unfragmentable: 8)
        // The fragments' hop-by-hop names 44 and the fragment header names 17.
        #expect(fragments[0][40] == 44 && fragments[0][48] == 17 && fragments[0][6] == 0)
        var r = IPFragmentReassembler()
        let out = run(frames(fragments.reversed()), &r)
        #expect(out == [original])
        #expect(answers(in: out.first ?? []).0 == 60)
    }

    @Test func ipv4IdenticalOverlapIsAcceptedConflictingOverlapDrops() {
        let original = FragmentFixture.datagram(.v4)
        let header = Array(original[0..<20]), payload = Array(original[20...])
        // Fragments 0..<800, 400..<1200 (overlap 400..<800 with the same bytes), 1200..<end.
        let same = [FragmentFixture.ipv4Fragment(header, payload, 0..<800, more: true),
                    FragmentFixture.ipv4Fragment(header, payload, 400..<1200, more: true),
                    FragmentFixture.ipv4Fragment(header, payload, 1200..<payload.count, more: false)]
        var r = IPFragmentReassembler()
        #expect(run(frames(same), &r) == [original])
        #expect(r.counters.droppedOverlap == 0 && r.counters.reassembled == 1)
        // The middle fragment's first byte (payload offset 400, inside the overlap) differs.
        var conflicting = same
        conflicting[1] = FragmentFixture.ipv4Fragment(header, payload, 400..<1200, more: true, overwrite: payload[400] ^ 0xff)
        var r2 = IPFragmentReassembler()
        #expect(run(frames(conflicting), &r2).isEmpty)
        #expect(r2.counters.droppedOverlap == 1 && r2.counters.fragmentsOfDiscarded == 1)
        // The tombstone expires without counting a timeout.
        r2.expire(now: 31_000_000_000)
        #expect(r2.counters.timedOut == 0 && r2.datagramsInFlight == 0)
    }

    @Test func ipv6AnyOverlapDropsButExactDuplicateDoesNot() {
        let original = FragmentFixture.datagram(.v6)
        let unfrag = Array(original[0..<40]), payload = Array(original[40...])
        func frag(_ range: Range<Int>, _ more: Bool, _ overwrite: UInt8? = nil) -> [UInt8] {
            FragmentFixture.ipv6Fragment(unfrag, payload, range, more: more, id: 7, unfragmentable: 0, overwrite: overwrite)
        }
        // RFC 5722: an overlap with identical bytes still discards the datagram.
        var r = IPFragmentReassembler()
        #expect(run(frames([frag(0..<800, true), frag(400..<1200, true), frag(1200..<payload.count, false)]), &r).isEmpty)
        #expect(r.counters.droppedOverlap == 1 && r.counters.fragmentsOfDiscarded == 1 && r.counters.reassembled == 0)
        // Same offsets, different bytes: not an exact duplicate, so an overlap.
        var r2 = IPFragmentReassembler()
        #expect(run(frames([frag(0..<800, true), frag(0..<800, true, 0x99)]), &r2).isEmpty)
        #expect(r2.counters.droppedOverlap == 1 && r2.counters.duplicateFragments == 0)
    }

    @Test func timeoutsPerFamilyOnPacketTime() {
        let v4 = FragmentFixture.fragmentIPv4(FragmentFixture.datagram(.v4))
        let v6 = FragmentFixture.fragmentIPv6(FragmentFixture.datagram(.v6))
        var r = IPFragmentReassembler()
        _ = run([(0, FragmentFixture.ethernet(v4[0])), (0, FragmentFixture.ethernet(v6[0]))], &r)
        #expect(r.datagramsInFlight == 2)
        r.expire(now: 29_999_999_999)
        #expect(r.counters.timedOut == 0)
        r.expire(now: 30_000_000_000)          // IPv4: 30 s (Linux ipfrag_time)
        #expect(r.counters.timedOut == 1 && r.datagramsInFlight == 1)
        // The IPv4 datagram's last fragment now starts a new, incomplete datagram.
        #expect(run([(45_000_000_000, FragmentFixture.ethernet(v4[1]))], &r).isEmpty)
        r.expire(now: 60_000_000_000)          // IPv6: 60 s (RFC 8200 section 4.5)
        #expect(r.counters.timedOut == 2 && r.datagramsInFlight == 1)
        r.finish()
        #expect(r.counters.incompleteAtFinish == 1 && r.datagramsInFlight == 0 && r.bytesBuffered == 0)
    }

    @Test func capsEvictOldestAndCount() {
        var options = IPFragmentReassembler.Options()
        options.maxDatagrams = 2
        var r = IPFragmentReassembler(options: options)
        let firsts = (0..<3).map { i in FragmentFixture.fragmentIPv4(FragmentFixture.datagram(.v4, identification: UInt16(100 + i)))[0] }
        _ = run(frames(firsts), &r)
        #expect(r.counters.evicted == 1 && r.datagramsInFlight == 2)
        // The evicted one (id 100) cannot complete; id 102 can.
        let last100 = FragmentFixture.fragmentIPv4(FragmentFixture.datagram(.v4, identification: 100))[1]
        let last102 = FragmentFixture.fragmentIPv4(FragmentFixture.datagram(.v4, identification: 102))[1]
        #expect(run(frames([last100]), &r).isEmpty)
        #expect(r.counters.evicted == 2)      // id 100's new partial evicted id 101
        #expect(run(frames([last102]), &r) == [FragmentFixture.datagram(.v4, identification: 102)])

        // Byte budget: 1,500 bytes hold one first fragment (1,208 data + 20 header) but not two.
        var small = IPFragmentReassembler.Options()
        small.maxBufferedBytes = 1500
        var b = IPFragmentReassembler(options: small)
        _ = run(frames(Array(firsts.prefix(2))), &b)
        #expect(b.counters.evicted == 1 && b.datagramsInFlight == 1 && b.bytesBuffered == 1228)
        // A budget below one fragment evicts the datagram itself.
        small.maxBufferedBytes = 100
        var tiny = IPFragmentReassembler(options: small)
        _ = run(frames([firsts[0]]), &tiny)
        #expect(tiny.counters.evicted == 1 && tiny.bytesBuffered == 0)
    }

    @Test func hostileFragmentsNeverTrap() {
        let original = FragmentFixture.datagram(.v4, payload: [UInt8](repeating: 7, count: 64))
        let header = Array(original[0..<20]), payload = Array(original[20...])
        var r = IPFragmentReassembler()
        // Offset field 0x1fff = 8,191 units = 65,528 bytes, plus 64 bytes of data: past 65,535.
        var far = FragmentFixture.ipv4Fragment(header, payload, 0..<64, more: true)
        far[6] = 0x3f; far[7] = 0xff
        FragmentFixture.setIPv4Checksum(&far)
        // A zero-length non-last fragment, and one whose length is not a multiple of 8.
        let empty = Array(FragmentFixture.ipv4Fragment(header, payload, 0..<8, more: true).prefix(20))
        var emptyFixed = empty; emptyFixed[2] = 0; emptyFixed[3] = 20
        let odd = FragmentFixture.ipv4Fragment(header, payload, 0..<13, more: true)
        _ = run(frames([far, emptyFixed, odd]), &r)
        #expect(r.counters.droppedTooLarge == 1 && r.counters.invalidFragments == 2 && r.counters.reassembled == 0)

        // Layers that lie about offsets (as a buggy caller might pass): refused, never read.
        var layer = IPLayer(family: .v4, source: IPAddress(v4: 1), destination: IPAddress(v4: 2), upperProtocol: 17,
                            datagramLength: 60_000, isFragment: true, isFirstFragment: false)
        layer.fragmentDataOffset = 1_000_000
        layer.headerOffset = 0
        let small: [UInt8] = [1, 2, 3]
        small.withUnsafeBytes { #expect(r.add(packet: $0, layer: layer, timestamp: 0) { _ in } == .dropped) }

        // Many random fragments: state stays under the caps.
        var options = IPFragmentReassembler.Options()
        options.maxDatagrams = 50
        options.maxBufferedBytes = 40_000
        var bounded = IPFragmentReassembler(options: options)
        var rng = SplitMix64(seed: 6)
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        for i in 0..<2000 {
            var f = FragmentFixture.ipv4Fragment(header, payload, 0..<64, more: rng.next() % 4 != 0)
            f[4] = UInt8(truncatingIfNeeded: rng.next() % 200); f[5] = 0
            let offset = Int(rng.next() % 8192)
            f[6] = (f[6] & 0x20) | UInt8(offset >> 8); f[7] = UInt8(offset & 0xff)
            f.withUnsafeBytes { bytes in
                decoder.decode(bytes, linkType: .raw, originalLength: bytes.count, into: &packet)
                if let l = packet.ipLayers.first { bounded.add(packet: bytes, layer: l, timestamp: Int64(i) * 1_000_000) { _ in } }
            }
            #expect(bounded.datagramsInFlight <= 50 && bounded.bytesBuffered <= 40_000)
        }
        #expect(bounded.counters.evicted > 0)
    }

    @Test func ipv6AtomicFragmentIsDeliveredAlone() {
        let original = FragmentFixture.datagram(.v6)
        let atomic = FragmentFixture.fragmentIPv6(original, mtu: 9000)
        #expect(atomic.count == 1)
        var r = IPFragmentReassembler()
        #expect(run(frames(atomic), &r) == [original])
        #expect(r.counters.atomicFragments == 1 && r.datagramsInFlight == 0)
    }
}
