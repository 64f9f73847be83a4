import Testing
import Foundation
import CaptureCore
import CaptureFiles
import TestSupport
import TrafficAnalysis
@testable import LiveCapture
@testable import LiveMonitor
#if canImport(Glibc)
import CPcap
import Glibc
#endif

/// The parts of live monitoring that need no interface: counter arithmetic, interval
/// differences, file names, and the pcapng stream writer read back by the project's reader.
@Suite struct LiveMonitorPartsTests {
    /// libpcap's 32-bit counters wrap; the accumulator adds differences modulo 2^32.
    @Test func pcapCountersWidenAcrossTheWrap() {
        var acc = PcapCounterAccumulator()
        var s = pcap_stat()
        s.ps_recv = UInt32.max - 9; s.ps_drop = 5
        acc.update(s)
        s.ps_recv = 20; s.ps_drop = 7      // wrapped: 30 more received
        acc.update(s)
        #expect(acc.total.received == UInt64(UInt32.max) - 9 + 30)
        #expect(acc.total.dropped == 7)
    }

    /// Handles on one interface: received and dropped add, the interface's drops count once.
    @Test func countersMergeAndSubtract() {
        var a = PcapCounters(received: 100, dropped: 2, interfaceDropped: 7)
        a.merge(PcapCounters(received: 50, dropped: 1, interfaceDropped: 7))
        #expect(a == PcapCounters(received: 150, dropped: 3, interfaceDropped: 7))
        #expect(a.minus(PcapCounters(received: 200, dropped: 1, interfaceDropped: 0)) == PcapCounters(received: 0, dropped: 2, interfaceDropped: 7))
        #expect(abs(a.dropShare - 0.02) < 1e-12)
        #expect(PcapCounters().dropShare == 0)
    }

    /// Intervals are differences of the run's figures: they add up to the run, and the gauge
    /// is the current value.
    @Test func intervalsAddUpToTheRun() {
        func figures(_ p: UInt64, conns: UInt64, live: Int, recv: UInt64) -> LiveFigures {
            var f = LiveFigures()
            f.packets = p; f.innermost.ipv6.packets = p / 2; f.innermost.ipv4.packets = p - p / 2
            f.connections[ConnectionLabel(family: "ipv6", transport: "tcp", outcome: "established")] = conns
            f.tunnelled["teredo"] = p / 10
            f.liveConnections = live
            f.pcap = PcapCounters(received: recv, dropped: 0, interfaceDropped: 0)
            f.delivered = recv
            return f
        }
        let runs = [figures(0, conns: 0, live: 0, recv: 0), figures(100, conns: 3, live: 9, recv: 100),
                    figures(250, conns: 3, live: 4, recv: 250), figures(1000, conns: 40, live: 1, recv: 1000)]
        var sum = LiveFigures()
        for k in 1..<runs.count {
            let d = runs[k].minus(runs[k - 1])
            #expect(d.liveConnections == runs[k].liveConnections)
            sum.merge(d)
        }
        #expect(sum.packets == 1000 && sum.pcap.received == 1000 && sum.delivered == 1000)
        #expect(sum.connections.values.reduce(0, +) == 40)
        #expect(sum.tunnelled["teredo"] == 100)
        #expect(runs[3].ipv6PacketShare == 0.5)
        #expect(runs[3].inFlight == 0)
    }

    /// docs/live.md "Rotation naming".
    @Test func fileNames() {
        let plain = CaptureFileOptions(path: "/d/span.pcapng")
        #expect(plain.fileName(worker: 0, workers: 1, sequence: 1) == "/d/span.pcapng")
        #expect(plain.fileName(worker: 1, workers: 2, sequence: 1) == "/d/span.w1.pcapng")
        let rotating = CaptureFileOptions(path: "/d/span.pcapng", rotateBytes: 1_000_000)
        #expect(rotating.fileName(worker: 0, workers: 1, sequence: 12) == "/d/span-00012.pcapng")
        #expect(rotating.fileName(worker: 1, workers: 4, sequence: 3) == "/d/span.w1-00003.pcapng")
        #expect(CaptureFileOptions(path: "/d/raw", rotateNanoseconds: 60_000_000_000).fileName(worker: 0, workers: 1, sequence: 2) == "/d/raw-00002")
    }

    /// What the stream writer writes, the project's reader reads back: every packet with its
    /// nanosecond timestamp, lengths and bytes; the file ends with an interface statistics block.
    @Test func streamWriterRoundTrip() throws {
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.pcapng").path
        let w = try PcapngStreamWriter(path: path, interface: .init(name: "lo", linkType: .ethernet, snaplen: 262_144, tsresol: 9),
                                       application: "netcensus test")
        let packets: [[UInt8]] = [[1, 2, 3], [UInt8](repeating: 7, count: 61), [9, 8, 7, 6, 5]]
        let times: [Int64] = [1_796_500_000_123_456_789, 1_796_500_000_123_456_790, 1_796_500_001_000_000_001]
        for (p, t) in zip(packets, times) {
            try p.withUnsafeBytes { raw in
                try w.append(PacketRecord(timestamp: t, capturedLength: p.count, originalLength: p.count + 100, linkType: .ethernet,
                                          interfaceIndex: 0, fileOffset: 0, bytes: raw))
            }
        }
        try w.appendStatistics(.init(start: times[0], end: times[2], received: 5, interfaceDropped: 0, osDropped: 2, delivered: 3))
        try w.close()
        var reader = try CaptureFileReader(path: path)
        var seen: [([UInt8], Int64, Int)] = []
        let report = reader.deliver { r in seen.append((Array(r.bytes), r.timestamp, r.originalLength)); return true }
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        #expect(seen.map(\.0) == packets)
        #expect(seen.map(\.1) == times)
        #expect(seen.map(\.2) == packets.map { $0.count + 100 })
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let last = bytes.count - Int(UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8)
        #expect(bytes[last] == 5, "the last block is an interface statistics block")
    }
}
