import Testing
import CaptureCore
import CaptureFiles
import CaptureSamples
import PacketDecoding
import TestSupport
@testable import TrafficAnalysis

/// Hand-built message sequences with known pairing, times and records.
@Suite struct DNSTransactionTrackerTests {
    static let client = IPAddress(v4: 0xC000_020A)      // 192.0.2.10
    static let server = IPAddress(v4: 0xC000_0235)      // 192.0.2.53
    static let ms: Int64 = 1_000_000
    static let s: Int64 = 1_000_000_000

    func label(_ t: String) -> [UInt8] { [UInt8(t.utf8.count)] + Array(t.utf8) }
    func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
    func u32(_ v: Int) -> [UInt8] { u16(v >> 16) + u16(v & 0xffff) }

    /// www.example.com <type> query, id, flags RD.
    func query(_ id: Int, name: [UInt8]? = nil, type: Int = 28) -> [UInt8] {
        u16(id) + u16(0x0100) + u16(1) + u16(0) + u16(0) + u16(0) + (name ?? label("www") + label("example") + label("com") + [0]) + u16(type) + u16(1)
    }
    /// Response to `query(id)` with the CNAME chain www.example.com -> edge.example.com -> cdn.net
    /// and cdn.net AAAA 2001:db8::7 (offsets as in DNSMessageParserTests: question 12..28,
    /// answers at 33, 52, 73). Flags 0x8580: QR AA RD RA.
    func chainResponse(_ id: Int, rcode: Int = 0) -> [UInt8] {
        u16(id) + u16(0x8580 | rcode) + u16(1) + u16(3) + u16(0) + u16(0)
            + label("www") + label("example") + label("com") + [0] + u16(28) + u16(1)
            + [0xc0, 0x0c] + u16(5) + u16(1) + u32(300) + u16(7) + label("edge") + [0xc0, 0x10]
            + [0xc0, 0x2d] + u16(5) + u16(1) + u32(60) + u16(9) + label("cdn") + label("net") + [0]
            + [0xc0, 0x40] + u16(28) + u16(1) + u32(20) + u16(16) + PacketBuilder.address("2001:db8::7")
    }

    func context(_ t: Int64, fromClient: Bool, number: Int = 0, clientPort: UInt16 = 40000) -> DNSMessageContext {
        fromClient
            ? DNSMessageContext(timestamp: t, packetNumber: number, source: Self.client, destination: Self.server,
                                sourcePort: clientPort, destinationPort: 53, transport: .udp, family: .v4)
            : DNSMessageContext(timestamp: t, packetNumber: number, source: Self.server, destination: Self.client,
                                sourcePort: 53, destinationPort: clientPort, transport: .udp, family: .v4)
    }

    /// Feeds (message, context) pairs, then finishes; returns what was emitted in order, with
    /// the index of the input after which each was emitted (finish = input count).
    func run(_ input: [([UInt8], DNSMessageContext)], options: DNSTransactionTracker.Options = .init(),
             tracker: inout DNSTransactionTracker) -> [(Int, DNSTransaction)] {
        var out: [(Int, DNSTransaction)] = []
        for (i, (bytes, ctx)) in input.enumerated() {
            bytes.withUnsafeBytes { tracker.add(message: $0, context: ctx) { out.append((i, $0)) } }
        }
        tracker.finish { out.append((input.count, $0)) }
        return out
    }

    @Test func answeredTransactionCarriesTimesFlagsAndCnameChain() {
        var tracker = DNSTransactionTracker()
        let out = run([(query(0x1111), context(1 * Self.s, fromClient: true, number: 1)),
                       (chainResponse(0x1111), context(1 * Self.s + 23_400_000, fromClient: false, number: 2))], tracker: &tracker)
        #expect(out.count == 1)
        guard let (at, t) = out.first else { return }
        #expect(at == 1)   // streamed when the response arrived, not at finish
        #expect(t.status == .answered)
        #expect(t.client == Self.client && t.clientPort == 40000 && t.server == Self.server && t.serverPort == 53)
        #expect(t.transport == .udp && t.family == .v4 && t.id == 0x1111)
        #expect(t.qname == "www.example.com" && t.qtype == 28 && t.qclass == 1)
        #expect(t.queryPacketNumber == 1 && t.responsePacketNumber == 2)
        #expect(t.responseTimeNanoseconds == 23_400_000 && t.responseTimeMilliseconds == 23.4)
        #expect(t.rcode == 0 && t.authoritative == true && t.recursionDesired == true && t.recursionAvailable == true)
        #expect(t.truncated == false && t.authenticData == false)
        #expect(t.answers.map(\.ttl) == [300, 60, 20])
        #expect(t.answers.last?.data == .aaaa(IPAddress(v6High: 0x2001_0db8_0000_0000, low: 7)))
        #expect(t.cnameChain == ["edge.example.com", "cdn.net"])
        #expect(tracker.counters.answered == 1 && tracker.counters.queries == 1 && tracker.counters.responses == 1)
    }

    @Test func retransmittedQueryKeepsTheFirstQueryTime() {
        var tracker = DNSTransactionTracker()
        let out = run([(query(7), context(0, fromClient: true, number: 1)),
                       (query(7), context(1 * Self.s, fromClient: true, number: 2)),
                       (chainResponse(7), context(1_500 * Self.ms, fromClient: false, number: 3))], tracker: &tracker)
        #expect(out.count == 1)
        #expect(out.first?.1.queryRetransmissions == 1)
        #expect(out.first?.1.queryPacketNumber == 1)
        #expect(out.first?.1.responseTimeNanoseconds == 1_500 * Self.ms)
        #expect(tracker.counters.queryRetransmissions == 1)
    }

    @Test func aCopyAfterTheWindowSupersedesTheFirstQuery() {
        // As TShark: 5 s or more after the first copy, the copy is a new transaction; the
        // response pairs with it (10 ms), the first is unanswered.
        var tracker = DNSTransactionTracker()
        let out = run([(query(7), context(0, fromClient: true, number: 1)),
                       (query(7), context(5 * Self.s, fromClient: true, number: 2)),
                       (chainResponse(7), context(5 * Self.s + 10 * Self.ms, fromClient: false, number: 3))], tracker: &tracker)
        #expect(out.map(\.0) == [1, 2])
        #expect(out.map(\.1.status) == [.unanswered, .answered])
        #expect(out[0].1.queryPacketNumber == 1 && out[0].1.responseTimestamp == nil)
        #expect(out[1].1.queryPacketNumber == 2 && out[1].1.responseTimeNanoseconds == 10 * Self.ms)
        #expect(tracker.counters.unansweredSuperseded == 1)
    }

    @Test func unansweredAfterTimeoutAndAtFinish() {
        var tracker = DNSTransactionTracker()
        // Query 1 at 0; an unrelated query (other port) at 9.999 s does not expire it; one at
        // 10 s does (timeout 10 s). Query 2 stays pending until finish.
        let out = run([(query(1), context(0, fromClient: true, number: 1)),
                       (query(2), context(9_999 * Self.ms, fromClient: true, number: 2, clientPort: 40001)),
                       (query(3), context(10 * Self.s, fromClient: true, number: 3, clientPort: 40002))], tracker: &tracker)
        #expect(out.map(\.0) == [2, 3, 3])
        #expect(out.map(\.1.id) == [1, 2, 3])
        #expect(out.allSatisfy { $0.1.status == .unanswered })
        #expect(tracker.counters.unansweredTimedOut == 1 && tracker.counters.unansweredAtFinish == 2)
    }

    @Test func responseWithoutQueryDuplicateResponseAndQuestionMismatch() {
        var tracker = DNSTransactionTracker()
        let other = query(9, name: label("other") + label("example") + [0])
        let out = run([(chainResponse(5), context(0, fromClient: false, number: 1)),     // no query seen
                       (query(6), context(Self.s, fromClient: true, number: 2)),
                       (chainResponse(6), context(Self.s + Self.ms, fromClient: false, number: 3)),
                       (chainResponse(6), context(Self.s + 2 * Self.ms, fromClient: false, number: 4)),   // duplicate
                       (other, context(2 * Self.s, fromClient: true, number: 5)),
                       (chainResponse(9), context(2 * Self.s + Self.ms, fromClient: false, number: 6))], // question differs
                      tracker: &tracker)
        #expect(out.map(\.1.status) == [.responseWithoutQuery, .answered, .responseWithoutQuery, .unanswered])
        let first = out[0].1
        #expect(first.client == Self.client && first.server == Self.server && first.queryTimestamp == nil)
        #expect(first.responseTimeNanoseconds == nil && first.answers.count == 3)
        #expect(out[3].1.qname == "other.example")
        #expect(tracker.counters.duplicateResponses == 1 && tracker.counters.responsesWithoutQuery == 2)
    }

    @Test func pendingCapEvictsOldestAndCounts() {
        var options = DNSTransactionTracker.Options()
        options.maxPending = 2
        var tracker = DNSTransactionTracker(options: options)
        let out = run((0..<3).map { i in (query(100 + i), context(Int64(i) * Self.ms, fromClient: true, number: i + 1)) },
                      tracker: &tracker)
        #expect(out.map(\.0) == [2, 3, 3])
        #expect(out.map(\.1.status) == [.evicted, .unanswered, .unanswered])
        #expect(out.map(\.1.id) == [100, 101, 102])
        #expect(tracker.counters.evicted == 1 && tracker.entriesInFlight == 0)
    }

    @Test func malformedAndQuestionlessMessagesAreCountedNotPaired() {
        var tracker = DNSTransactionTracker()
        let noQuestion = u16(1) + u16(0x8180) + u16(0) + u16(0) + u16(0) + u16(0)
        let out = run([([1, 2, 3], context(0, fromClient: true)), (noQuestion, context(1, fromClient: false))], tracker: &tracker)
        #expect(out.isEmpty)
        #expect(tracker.counters.malformed == 1 && tracker.counters.withoutQuestion == 1)
    }

    @Test func everyMessageAndTransactionIsAccountedFor() {
        // Mutated queries and responses from a few clients, ids and times: whatever the bytes,
        // every message lands in exactly one counter and every emitted transaction in one status.
        var rng = SplitMix64(seed: 53)
        var options = DNSTransactionTracker.Options()
        options.maxPending = 64
        var tracker = DNSTransactionTracker(options: options)
        var emitted: [DNSTransactionStatus: Int] = [:]
        let n = 5000
        for i in 0..<n {
            let id = Int(rng.next() % 8)
            var m = rng.next() % 2 == 0 ? query(id) : chainResponse(id)
            for _ in 0..<Int(rng.next() % 3) { m[Int(rng.next() % UInt64(m.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.next() % 10 == 0 { m = Array(m.prefix(Int(rng.next() % UInt64(m.count)))) }
            let ctx = context(Int64(i) * 7 * Self.ms, fromClient: rng.next() % 2 == 0, clientPort: UInt16(40000 + rng.next() % 4))
            m.withUnsafeBytes { tracker.add(message: $0, context: ctx) { emitted[$0.status, default: 0] += 1 } }
            #expect(tracker.entriesInFlight <= 64)
        }
        tracker.finish { emitted[$0.status, default: 0] += 1 }
        let c = tracker.counters
        #expect(c.queries + c.responses + c.malformed + c.withoutQuestion == n)
        #expect(emitted[.answered, default: 0] == c.answered && emitted[.unanswered, default: 0] == c.unanswered)
        #expect(emitted[.responseWithoutQuery, default: 0] == c.responsesWithoutQuery && emitted[.evicted, default: 0] == c.evicted)
        #expect(c.unanswered == c.unansweredTimedOut + c.unansweredSuperseded + c.unansweredAtFinish)
        // Each query starts one transaction or is a retransmission of a pending one.
        #expect(c.queries == c.answered + c.unanswered + c.evicted + c.queryRetransmissions)
        #expect(c.responses == c.answered + c.responsesWithoutQuery + c.duplicateResponses)
    }

    @Test func manyQueriesStayBoundedWithTimeouts() {
        var options = DNSTransactionTracker.Options()
        options.maxPending = 1000
        var tracker = DNSTransactionTracker(options: options)
        var emitted = 0
        for i in 0..<20_000 {
            let q = query(i & 0xffff)
            // One query per ms from rotating client ports: at most 10 s * 1000/s = 10,000 due to the
            // timeout, so the cap (1,000) decides.
            q.withUnsafeBytes { tracker.add(message: $0, context: context(Int64(i) * Self.ms, fromClient: true, clientPort: UInt16(1024 + i % 50_000))) { _ in emitted += 1 } }
            #expect(tracker.entriesInFlight <= 1000)
        }
        tracker.finish { _ in emitted += 1 }
        #expect(emitted == 20_000)
        #expect(tracker.counters.evicted == 19_000 && tracker.counters.unansweredAtFinish == 1000)
    }
}

/// The packet path: reader-free frames built with `PacketBuilder`, decoded, fed to the tracker.
@Suite struct DNSTransactionTrackerPacketTests {
    static let c6 = PacketBuilder.address("2001:db8::10"), s6 = PacketBuilder.address("2001:db8::53")
    static let c4 = PacketBuilder.address("192.0.2.10"), s4 = PacketBuilder.address("192.0.2.53")

    func eth(_ ip: [UInt8]) -> [UInt8] { FragmentFixture.ethernet(ip) }

    func feed(_ frames: [(Int64, [UInt8])], tracker: inout DNSTransactionTracker) -> [DNSTransaction] {
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        var out: [DNSTransaction] = []
        for (i, (t, frame)) in frames.enumerated() {
            frame.withUnsafeBytes { b in
                decoder.decode(b, linkType: .ethernet, originalLength: b.count, into: &packet)
                tracker.add(packet: b, decoded: packet, timestamp: t, packetNumber: i + 1) { out.append($0) }
            }
        }
        tracker.finish { out.append($0) }
        return out
    }

    func udp(_ src: [UInt8], _ dst: [UInt8], _ sport: UInt16, _ dport: UInt16, _ payload: [UInt8]) -> [UInt8] {
        PacketBuilder.ip(source: src, destination: dst, protocol: 17,
                         payload: PacketBuilder.udp(source: src, destination: dst, sourcePort: sport, destinationPort: dport, payload: payload))
    }

    @Test func fragmentedSixtyAnswerResponseOverIPv6() {
        let q = PacketBuilder.dnsQuery(id: 0x6060, name: "many.example", type: PacketBuilder.DNSType.aaaa)
        let fragments = FragmentFixture.fragmentIPv6(FragmentFixture.datagram(.v6))
        var tracker = DNSTransactionTracker()
        let out = feed([(0, eth(udp(Self.c6, Self.s6, 40000, 53, q))),
                        (5_000_000, eth(fragments[1])), (5_000_100, eth(fragments[0]))], tracker: &tracker)
        #expect(out.count == 1)
        #expect(out.first?.status == .answered && out.first?.answers.count == 60 && out.first?.answerCount == 60)
        #expect(out.first?.family == .v6 && out.first?.responseTimeNanoseconds == 5_000_100)
        #expect(out.first?.responsePacketNumber == 3)
        #expect(tracker.extractor.reassembler.counters.reassembled == 1)
    }

    @Test func tcpTwoQueriesInOneSegmentAndAResponseAcrossSegments() {
        func framed(_ m: [UInt8]) -> [UInt8] { [UInt8(m.count >> 8), UInt8(m.count & 0xff)] + m }
        let q1 = PacketBuilder.dnsQuery(id: 1, name: "a.example", type: 1)
        let q2 = PacketBuilder.dnsQuery(id: 2, name: "a.example", type: 28)
        let r1 = PacketBuilder.dnsResponse(id: 1, name: "a.example", type: 1, answers: [[192, 0, 2, 1]])
        let r2 = PacketBuilder.dnsResponse(id: 2, name: "a.example", type: 28, answers: [PacketBuilder.address("2001:db8::1")])
        func tcp(_ fromClient: Bool, seq: UInt32, flags: UInt8, _ payload: [UInt8] = []) -> [UInt8] {
            let (s, d, sp, dp): ([UInt8], [UInt8], UInt16, UInt16) = fromClient ? (Self.c4, Self.s4, 50000, 53) : (Self.s4, Self.c4, 53, 50000)
            return eth(PacketBuilder.ip(source: s, destination: d, protocol: 6,
                                        payload: PacketBuilder.tcp(source: s, destination: d, sourcePort: sp, destinationPort: dp,
                                                                   sequence: seq, acknowledgment: 0, flags: flags, payload: payload)))
        }
        let A = PacketBuilder.TCPFlags.ack, P = PacketBuilder.TCPFlags.psh, S = PacketBuilder.TCPFlags.syn
        let both = framed(r1) + framed(r2)
        let cut = 10
        var tracker = DNSTransactionTracker()
        let out = feed([(0, tcp(true, seq: 100, flags: S)), (1_000, tcp(false, seq: 900, flags: S | A)),
                        (2_000, tcp(true, seq: 101, flags: A | P, framed(q1) + framed(q2))),
                        (9_000, tcp(false, seq: 901, flags: A | P, Array(both.prefix(cut)))),
                        (12_000, tcp(false, seq: 901 + UInt32(cut), flags: A | P, Array(both.dropFirst(cut))))], tracker: &tracker)
        #expect(out.map(\.status) == [.answered, .answered])
        #expect(out.map(\.id) == [1, 2])
        #expect(out.map(\.transport) == [.tcp, .tcp])
        #expect(out.map(\.responseTimeNanoseconds) == [10_000, 10_000])
        #expect(out.map(\.responsePacketNumber) == [5, 5])
        #expect(out.map(\.queryPacketNumber) == [3, 3])
        #expect(tracker.extractor.counters.tcpMessages == 4)
    }

    @Test func tcpDirectionsAreCappedTimedOutAndClosed() {
        // Three client directions each send half of a framed query (a partial message).
        let q = PacketBuilder.dnsQuery(id: 3, name: "a.example", type: 1)
        let half = Array(([UInt8(q.count >> 8), UInt8(q.count & 0xff)] + q).prefix(10))
        func seg(_ port: UInt16, flags: UInt8, _ payload: [UInt8]) -> [UInt8] {
            eth(PacketBuilder.ip(source: Self.c4, destination: Self.s4, protocol: 6,
                                 payload: PacketBuilder.tcp(source: Self.c4, destination: Self.s4, sourcePort: port, destinationPort: 53,
                                                            sequence: 1, acknowledgment: 0, flags: flags, payload: payload)))
        }
        let A = PacketBuilder.TCPFlags.ack
        var options = DNSTransactionTracker.Options()
        options.extraction.maxTCPStreams = 2
        var tracker = DNSTransactionTracker(options: options)
        let later: Int64 = 120_000_000_000 + 2_000_000   // the idle timeout (2 min) after the last segment
        _ = feed([(0, seg(1001, flags: A, half)), (1_000_000, seg(1002, flags: A, half)), (2_000_000, seg(1003, flags: A, half)),
                  (later, eth(udp(Self.c4, Self.s4, 40000, 53, q))),
                  (later + 1, seg(1004, flags: A | PacketBuilder.TCPFlags.fin, half))], tracker: &tracker)
        let c = tracker.extractor.counters
        #expect(c.tcpStreamsEvicted == 1 && c.tcpStreamsTimedOut == 2 && c.tcpStreamsClosed == 1)
        #expect(c.tcp.incompleteAtFinish == 4 && c.tcpMessages == 0 && c.udpMessages == 1)
        #expect(tracker.extractor.tcpStreamCount == 0)
    }

    @Test func anyLaterPacketEmitsATimedOutQuery() {
        let q = PacketBuilder.dnsQuery(id: 4, name: "slow.example", type: 1)
        let frames = [eth(udp(Self.c4, Self.s4, 40000, 53, q)), eth(udp(Self.c4, Self.s4, 40000, 9999, [1, 2, 3]))]
        var tracker = DNSTransactionTracker()
        var decoder = PacketDecoder()
        var packet = DecodedPacket()
        var emittedAt: [Int] = []
        for (i, (t, f)) in zip([Int64(0), 10_000_000_000], frames).enumerated() {
            f.withUnsafeBytes { b in
                decoder.decode(b, linkType: .ethernet, originalLength: b.count, into: &packet)
                tracker.add(packet: b, decoded: packet, timestamp: t, packetNumber: i + 1) { _ in emittedAt.append(i + 1) }
            }
        }
        // The non-DNS packet 10 s later (the response timeout) emits the query, before finish.
        #expect(emittedAt == [2] && tracker.counters.unansweredTimedOut == 1)
    }

    @Test func mdnsAndLlmnrAreExcluded() {
        let q = PacketBuilder.dnsQuery(id: 0, name: "printer.local", type: 1)
        var tracker = DNSTransactionTracker()
        let out = feed([(0, eth(udp(Self.c4, PacketBuilder.address("224.0.0.251"), 5353, 5353, q))),
                        (1, eth(udp(Self.c4, PacketBuilder.address("224.0.0.252"), 40000, 5355, q)))], tracker: &tracker)
        #expect(out.isEmpty)
        #expect(tracker.extractor.counters.mdnsPackets == 1 && tracker.extractor.counters.llmnrPackets == 1)
        #expect(tracker.counters.queries == 0)
    }
}
