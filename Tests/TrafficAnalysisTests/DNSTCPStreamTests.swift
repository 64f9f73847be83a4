import Testing
import CaptureFiles
import CaptureSamples
import TestSupport
@testable import TrafficAnalysis

/// Segments cut by hand from known length-prefixed messages; every expectation is the exact
/// list of messages (and counter values) that the cut implies.
@Suite struct DNSTCPStreamTests {
    /// Three distinct queries (37, 38 and 35 bytes of DNS) and their wire form with prefixes.
    static let m1 = PacketBuilder.dnsQuery(id: 1, name: "a.example.com", type: 1)
    static let m2 = PacketBuilder.dnsQuery(id: 2, name: "bb.example.com", type: 28)
    static let m3 = PacketBuilder.dnsQuery(id: 3, name: "c.example", type: 65)
    static func framed(_ m: [UInt8]) -> [UInt8] { [UInt8(m.count >> 8), UInt8(m.count & 0xff)] + m }
    static let wire = framed(m1) + framed(m2) + framed(m3)

    /// Feeds (relative offset into `wire`, length) segments after a SYN with `isn`.
    func feed(_ cuts: [(Int, Int)], isn: UInt32 = 1000, syn: Bool = true, stream: inout DNSTCPStream,
              finish: Bool = true, data: [UInt8] = wire) -> [[UInt8]] {
        var out: [[UInt8]] = []
        if syn { stream.add(sequence: isn, syn: true, payload: UnsafeRawBufferPointer(start: nil, count: 0)) { out.append(Array($0)) } }
        for (offset, length) in cuts {
            let seg = Array(data[offset..<(offset + length)])
            seg.withUnsafeBytes { stream.add(sequence: isn &+ 1 &+ UInt32(offset), payload: $0) { out.append(Array($0)) } }
        }
        if finish { stream.finish { out.append(Array($0)) } }
        return out
    }

    @Test func lengthsOfTheFixture() {
        // 12 header + name + 4: a.example.com = 15 octets, bb.example.com 16, c.example 11.
        #expect(Self.m1.count == 31 && Self.m2.count == 32 && Self.m3.count == 27)
        #expect(Self.wire.count == 33 + 34 + 29)
    }

    @Test func severalMessagesInOneSegment() {
        var s = DNSTCPStream()
        #expect(feed([(0, Self.wire.count)], stream: &s) == [Self.m1, Self.m2, Self.m3])
        #expect(s.counters.messages == 3 && s.counters.gaps == 0 && s.counters.incompleteAtFinish == 0)
    }

    @Test func oneMessageAcrossSegmentsAndASplitPrefix() {
        // Cuts at 1 (inside m1's prefix), 20 (inside m1), 34 (inside m2's prefix: 33 + 1), 96.
        var s = DNSTCPStream()
        #expect(feed([(0, 1), (1, 19), (20, 14), (34, 62)], stream: &s) == [Self.m1, Self.m2, Self.m3])
        #expect(s.bytesBuffered == 0)
    }

    @Test func retransmittedAndOverlappingSegments() {
        // (0,40) then an exact retransmission, then (30,30) overlapping 10 old bytes, then the rest.
        var s = DNSTCPStream()
        #expect(feed([(0, 40), (0, 40), (30, 30), (60, 36), (50, 20)], stream: &s) == [Self.m1, Self.m2, Self.m3])
        #expect(s.counters.retransmittedBytes == 40 + 10 + 20)
        #expect(s.counters.outOfOrderSegments == 0)
    }

    @Test func outOfOrderSegmentsAreHeldAndReordered() {
        // Arrival: third, first, second; then a held duplicate of the third.
        var s = DNSTCPStream()
        #expect(feed([(67, 29), (0, 33), (67, 29), (33, 34)], stream: &s) == [Self.m1, Self.m2, Self.m3])
        #expect(s.counters.outOfOrderSegments == 2)
        #expect(s.counters.retransmittedBytes == 29)   // the second copy of the third segment
    }

    @Test func unfilledGapIsCountedAndStreamResynchronises() {
        // m2 is cut: bytes 0..<50 arrive (m1 and the start of m2), 50..<67 never do, m3's segment does.
        var s = DNSTCPStream()
        #expect(feed([(0, 50), (67, 29)], stream: &s) == [Self.m1, Self.m3])
        #expect(s.counters.gaps == 1 && s.counters.messagesLost == 1 && s.counters.resynchronisations == 1)
        #expect(s.counters.messages == 2)

        // The same with a held-bytes bound of 20: m3's 29 bytes exceed it at once, so the gap is
        // declared without waiting for finish().
        var options = DNSTCPStream.Options(); options.maxHeldBytes = 20
        var bounded = DNSTCPStream(options: options)
        #expect(feed([(0, 50), (67, 29)], stream: &bounded, finish: false) == [Self.m1, Self.m3])
        #expect(bounded.counters.gaps == 1 && bounded.bytesBuffered == 0)

        // A held segment that starts inside a message is skipped while resynchronising:
        // m1, then 40..<60 (inside m2) and m3 held; finish: gap, 20 bytes skipped, m3 found.
        var skipping = DNSTCPStream()
        #expect(feed([(0, 33), (40, 20), (67, 29)], stream: &skipping) == [Self.m1, Self.m3])
        #expect(skipping.counters.gaps == 2 && skipping.counters.bytesSkipped == 20 && skipping.counters.resynchronisations == 1)
    }

    @Test func sequenceNumbersWrapAround() {
        // ISN 2^32 - 40: data starts at 2^32 - 39, so the wrap falls inside m2.
        var s = DNSTCPStream()
        let isn: UInt32 = 0xFFFF_FFD8
        #expect(feed([(50, 46), (0, 50)], isn: isn, stream: &s) == [Self.m1, Self.m2, Self.m3])
        #expect(s.counters.outOfOrderSegments == 1)
    }

    @Test func midStreamStartWaitsForABoundary() {
        // No SYN; the first segment starts inside m1 (byte 5), the next at m2's prefix.
        var s = DNSTCPStream()
        #expect(feed([(5, 28), (33, 63)], isn: 7, syn: false, stream: &s) == [Self.m2, Self.m3])
        #expect(s.counters.bytesSkipped == 28 && s.counters.resynchronisations == 1)
    }

    @Test func incompleteMessageAtFinishIsCounted() {
        var s = DNSTCPStream()
        #expect(feed([(0, 40)], stream: &s) == [Self.m1])
        #expect(s.counters.incompleteAtFinish == 1)
    }

    @Test func hostileSegmentsStayBounded() {
        var rng = SplitMix64(seed: 77)
        var s = DNSTCPStream()
        var delivered = 0
        for _ in 0..<4_000 {
            let n = Int(rng.next() % 1500)
            let payload = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            payload.withUnsafeBytes { p in
                s.add(sequence: UInt32(truncatingIfNeeded: rng.next()), syn: rng.next() % 50 == 0, payload: p) { m in
                    delivered += 1
                    #expect(m.count <= 65_535)
                }
            }
            #expect(s.bytesBuffered <= 65_536 + 65_535)
        }
        s.finish { _ in delivered += 1 }
        #expect(s.bytesBuffered == 0)
    }
}
