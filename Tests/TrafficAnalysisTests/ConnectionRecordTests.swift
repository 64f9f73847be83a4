import Testing
import CaptureCore
import CaptureSamples
import PacketDecoding
@testable import TrafficAnalysis

/// Connection records from crafted packets with exact, hand-worked truth (times in ms from 0).
@Suite struct ConnectionRecordTests {
    static let client4 = PacketBuilder.address("192.0.2.10"), server4 = PacketBuilder.address("198.51.100.80")
    static let client6 = PacketBuilder.address("2001:db8::10"), server6 = PacketBuilder.address("2001:db8:80::80")
    static let mac = PacketBuilder.mac("02:00:00:00:00:01")

    /// One Ethernet frame of TCP from `src` to `dst` at `ms` milliseconds.
    struct Frame { var ms: Double; var bytes: [UInt8] }

    static func tcp(_ ms: Double, _ src: [UInt8], _ sp: UInt16, _ dst: [UInt8], _ dp: UInt16, seq: UInt32, ack: UInt32 = 0,
                    flags: UInt8, payload: Int = 0) -> Frame {
        let seg = PacketBuilder.tcp(source: src, destination: dst, sourcePort: sp, destinationPort: dp, sequence: seq,
                                    acknowledgment: ack, flags: flags, payload: [UInt8](repeating: 0x41, count: payload))
        let ip = PacketBuilder.ip(source: src, destination: dst, protocol: 6, payload: seg)
        return Frame(ms: ms, bytes: PacketBuilder.ethernet(destination: mac, source: mac, etherType: src.count == 16 ? 0x86dd : 0x0800, payload: ip))
    }

    static func udp(_ ms: Double, _ src: [UInt8], _ sp: UInt16, _ dst: [UInt8], _ dp: UInt16) -> Frame {
        let d = PacketBuilder.udp(source: src, destination: dst, sourcePort: sp, destinationPort: dp, payload: [1, 2, 3, 4])
        return Frame(ms: ms, bytes: PacketBuilder.ethernet(destination: mac, source: mac, etherType: src.count == 16 ? 0x86dd : 0x0800,
                                                           payload: PacketBuilder.ip(source: src, destination: dst, protocol: 17, payload: d)))
    }

    static let base: Int64 = 1_700_000_000_000_000_000
    static let SYN: UInt8 = 0x02, ACK: UInt8 = 0x10, SYNACK: UInt8 = 0x12, RST: UInt8 = 0x04, FINACK: UInt8 = 0x11, RSTACK: UInt8 = 0x14, PSHACK: UInt8 = 0x18

    /// Runs frames through a pipeline; returns records (start order) and the summary.
    static func run(_ frames: [Frame], options: AnalysisOptions = AnalysisOptions()) -> ([ConnectionRecord], AdoptionSummary) {
        var o = options
        o.emitConnectionRecords = true
        var p = AnalysisPipeline(source: "crafted", options: o)
        var out: [ConnectionRecord] = []
        for f in frames {
            f.bytes.withUnsafeBytes { raw in
                p.process(PacketRecord(timestamp: base + Int64(f.ms * 1_000_000), capturedLength: raw.count, originalLength: raw.count,
                                       linkType: .ethernet, interfaceIndex: 0, fileOffset: 0, bytes: raw))
            }
            out += p.analyzers.connections.finished
            p.analyzers.connections.finished.removeAll()
        }
        let s = p.finish { out += $0 }
        return (out.sorted { $0.id < $1.id }, s)
    }

    @Test func completeHandshakeTimingAndStateSF() {
        let c = Self.client4, s = Self.server4
        let (r, sum) = Self.run([
            Self.tcp(0, c, 50000, s, 443, seq: 100, flags: Self.SYN),
            Self.tcp(12.5, s, 443, c, 50000, seq: 900, ack: 101, flags: Self.SYNACK),
            Self.tcp(12.75, c, 50000, s, 443, seq: 101, ack: 901, flags: Self.ACK),
            Self.tcp(13, c, 50000, s, 443, seq: 101, ack: 901, flags: Self.PSHACK, payload: 100),
            Self.tcp(30, s, 443, c, 50000, seq: 901, ack: 201, flags: Self.PSHACK, payload: 500),
            Self.tcp(40, c, 50000, s, 443, seq: 201, ack: 1401, flags: Self.FINACK),
            Self.tcp(41, s, 443, c, 50000, seq: 1401, ack: 202, flags: Self.FINACK),
            Self.tcp(42, c, 50000, s, 443, seq: 202, ack: 1402, flags: Self.ACK),
        ])
        #expect(r.count == 1)
        let x = r[0]
        #expect(x.originator == IPAddress(v4: 0xc000_020a) && x.originatorPort == 50000 && x.responderPort == 443)
        #expect(x.state == .sf && x.history == "ShADdFf" && !x.startedBeforeCapture)
        #expect(x.synToSynAck == 12_500_000 && x.synAckToAck == 250_000 && x.initialRTT == 12_750_000)
        #expect(x.originatorTraffic.packets == 5 && x.responderTraffic.packets == 3)
        #expect(x.originatorPayloadBytes == 100 && x.responderPayloadBytes == 500)
        #expect(x.lastTimestamp - x.firstTimestamp == 42_000_000)
        #expect(sum.connections.ipv4.tcpByOutcome["established"] == 1)
        #expect(sum.connections.ipv4.handshakeRTT.percentileMilliseconds(50) == 12.75)
    }

    @Test func retransmittedSynMeasuresFromTheLastSyn() {
        let c = Self.client6, s = Self.server6
        let (r, sum) = Self.run([
            Self.tcp(0, c, 40000, s, 80, seq: 7, flags: Self.SYN),
            Self.tcp(1000, c, 40000, s, 80, seq: 7, flags: Self.SYN),
            Self.tcp(1020, s, 80, c, 40000, seq: 70, ack: 8, flags: Self.SYNACK),
            Self.tcp(1021, c, 40000, s, 80, seq: 8, ack: 71, flags: Self.ACK),
        ])
        #expect(r.count == 1 && r[0].synRetransmissions == 1 && r[0].state == .s1)
        #expect(r[0].synToSynAck == 20_000_000 && r[0].synAckToAck == 1_000_000 && r[0].initialRTT == 21_000_000)
        #expect(r[0].family == .v6 && sum.connections.ipv6.synRetransmissions == 1)
    }

    @Test func unansweredRejectedAndResetOutcomes() {
        let c = Self.client4, s = Self.server4
        let (r, sum) = Self.run([
            // 1: SYN never answered (S0).
            Self.tcp(0, c, 1001, s, 22, seq: 1, flags: Self.SYN),
            // 2: SYN answered by RST-ACK (REJ); tshark's initial RTT is SYN -> RST = 3 ms.
            Self.tcp(1, c, 1002, s, 23, seq: 1, flags: Self.SYN),
            Self.tcp(4, s, 23, c, 1002, seq: 0, ack: 2, flags: Self.RSTACK),
            // 3: established then reset by the originator (RSTO).
            Self.tcp(5, c, 1003, s, 80, seq: 1, flags: Self.SYN),
            Self.tcp(6, s, 80, c, 1003, seq: 9, ack: 2, flags: Self.SYNACK),
            Self.tcp(7, c, 1003, s, 80, seq: 2, ack: 10, flags: Self.ACK),
            Self.tcp(8, c, 1003, s, 80, seq: 2, ack: 10, flags: Self.RST),
        ])
        #expect(r.map(\.state) == [.s0, .rej, .rsto])
        #expect(r[1].initialRTT == 3_000_000 && r[1].synToSynAck == nil)
        #expect(r[2].history == "ShAR")
        let o = sum.connections.ipv4.tcpByOutcome
        #expect(o["unanswered"] == 1 && o["rejected"] == 1 && o["reset"] == 1 && o["established"] == nil)
        // Only the complete handshake gives a handshake RTT (2 ms).
        #expect(sum.connections.ipv4.handshakeRTT.count == 1 && sum.connections.ipv4.handshakeRTT.percentileMilliseconds(90) == 2)
    }

    @Test func captureStartingMidConnectionFlipsToTheServerPort() {
        let c = Self.client4, s = Self.server4
        // First packet seen: data from the server (port 443) to the client.
        let (r, _) = Self.run([
            Self.tcp(0, s, 443, c, 51000, seq: 5000, ack: 300, flags: Self.PSHACK, payload: 10),
            Self.tcp(1, c, 51000, s, 443, seq: 300, ack: 5010, flags: Self.ACK),
        ])
        #expect(r.count == 1)
        #expect(r[0].originatorPort == 51000 && r[0].responderPort == 443)
        #expect(r[0].startedBeforeCapture && r[0].history == "^dA" && r[0].state == .oth)
    }

    @Test func idleTimeoutSplitsAndReuseAfterCloseStartsANewRecord() {
        let c = Self.client4, s = Self.server4
        var o = AnalysisOptions()
        o.otherIdleTimeout = 60_000_000_000
        let (r, sum) = Self.run([
            Self.udp(0, c, 5000, s, 53),
            Self.udp(10, s, 53, c, 5000),
            Self.udp(70_011, c, 5000, s, 53),         // 70 s later: the first record timed out
            // TCP: closed by FIN both ways, then a new SYN on the same 5-tuple.
            Self.tcp(80_000, c, 6000, s, 80, seq: 1, flags: Self.SYN),
            Self.tcp(80_001, s, 80, c, 6000, seq: 50, ack: 2, flags: Self.SYNACK),
            Self.tcp(80_002, c, 6000, s, 80, seq: 2, ack: 51, flags: Self.FINACK),
            Self.tcp(80_003, s, 80, c, 6000, seq: 51, ack: 3, flags: Self.FINACK),
            Self.tcp(80_100, c, 6000, s, 80, seq: 999, flags: Self.SYN),
        ], options: o)
        #expect(r.count == 4)
        #expect(r[0].transportProtocol == 17 && r[0].end == .idleTimeout && r[0].state == .sf)
        #expect(r[1].transportProtocol == 17 && r[1].end == .endOfCapture && r[1].state == .s0)
        #expect(r[2].end == .reused && r[2].state == .sf)
        #expect(r[3].state == .s0 && r[3].end == .endOfCapture)
        #expect(sum.connections.endedBy["reused"] == 1 && sum.connections.endedBy["idle_timeout"] == 1)
        // Distinct 5-tuples stay 2 however often they were reused.
        #expect(sum.flowCount(.v4) == 2)
    }

    /// Frames through a pipeline: for each frame, the ids of the records finished at it.
    static func finishedAt(_ frames: [Frame], options: AnalysisOptions) -> [[UInt64]] {
        var o = options
        o.emitConnectionRecords = true
        var p = AnalysisPipeline(source: "crafted", options: o)
        var out: [[UInt64]] = []
        for f in frames {
            f.bytes.withUnsafeBytes { raw in
                p.process(PacketRecord(timestamp: base + Int64(f.ms * 1_000_000), capturedLength: raw.count, originalLength: raw.count,
                                       linkType: .ethernet, interfaceIndex: 0, fileOffset: 0, bytes: raw))
            }
            out.append(p.analyzers.connections.finished.map(\.id))
            p.analyzers.connections.finished.removeAll()
        }
        return out
    }

    /// A connection is finished at the first packet past its idle deadline (last packet + idle
    /// timeout), never later and whatever its table slot; several due at one packet come out in
    /// deadline order, then id. Hand-worked: 200 UDP flows start at 0...199 ms (ids 1...200,
    /// deadlines 1,000...1,199 ms); the flow of id 8 (port 20,007) sends again at 500 ms, so its
    /// deadline moves to 1,500 ms; timeout 1 s. A packet at 1,100.5 ms is past the deadlines of
    /// ids 1...101 but 8; the next packet, at 1,600 ms, past those of ids 102...200
    /// (1,101...1,199 ms), then of id 8 (1,500 ms), and not of the flow that started at
    /// 1,100.5 ms (id 201).
    @Test func idleConnectionsFinishAtTheirDeadlineInDeadlineOrder() {
        var o = AnalysisOptions()
        o.otherIdleTimeout = 1_000_000_000
        var frames: [Frame] = []
        for i in 0..<200 { frames.append(Self.udp(Double(i), Self.client4, UInt16(20_000 + i), Self.server4, 53)) }
        frames.append(Self.udp(500, Self.client4, 20_007, Self.server4, 53))
        frames.append(Self.udp(1_100.5, Self.client4, 40_000, Self.server4, 53))   // id 201
        frames.append(Self.udp(1_600, Self.client4, 40_001, Self.server4, 53))     // id 202
        for _ in 0..<5 {
            // Each run has a new table with a new random seed: the result must not change.
            let at = Self.finishedAt(frames, options: o)
            #expect(at[..<201].allSatisfy { $0.isEmpty }, "nothing is idle before 1,100 ms")
            #expect(at[201] == Array(1...101).filter { $0 != 8 }.map(UInt64.init))
            #expect(at[202] == Array(102...200).map(UInt64.init) + [8])
        }
    }

    @Test func capEvictsTheLeastRecentlySeenAndCountsIt() {
        var o = AnalysisOptions()
        o.maxConnections = 16
        var frames: [Frame] = []
        for i in 0..<100 {
            frames.append(Self.udp(Double(i), Self.client4, UInt16(10_000 + i), Self.server4, 53))
        }
        let (r, sum) = Self.run(frames, options: o)
        #expect(r.count == 100)
        #expect(sum.connections.evictions == 84)
        #expect(sum.connections.endedBy["end_of_capture"] == 16)
        // Evicted records are still whole records, and the distinct count is unaffected.
        #expect(r.filter { $0.end == .evicted }.allSatisfy { $0.originatorTraffic.packets == 1 })
        #expect(sum.flowCount(.v4) == 100)
    }
}
