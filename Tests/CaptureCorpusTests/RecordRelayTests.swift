import Foundation
import Testing
@testable import CaptureJobs
import PacketDecoding
import TrafficAnalysis

/// The hand-over between the two threads of a staged `capture analyze`: order, completeness
/// marks, records attached to the right packet, the bound on waiting packets, and the reader
/// closing first.
@Suite struct RecordRelayTests {
    /// A DNS transaction whose ID names the packet it finished at (low 16 bits) and its place
    /// among that packet's records.
    static func transaction(packet: UInt64, index: Int) -> DNSTransaction {
        DNSTransaction(client: IPAddress(v4: 0x0a00_0001), clientPort: 5353, server: IPAddress(v4: 0x0a00_0002), serverPort: 53,
                       transport: .udp, family: .v4, id: UInt16(truncatingIfNeeded: packet), qname: "p\(packet)-\(index).example",
                       qtype: 1, qclass: 1, status: .answered)
    }

    /// What the writer thread saw, checked on the test's thread after `join` (expectations are
    /// recorded from the test's own task).
    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Bool] = []
        func add(_ v: Bool) { lock.lock(); values.append(v); lock.unlock() }
        var all: [Bool] { lock.lock(); defer { lock.unlock() }; return values }
    }

    @Test func readerSeesEveryRecordInOrderAtItsPacket() {
        let relay = RecordRelay(maxQueued: 3)
        let total: UInt64 = 5_000
        let outcomes = Outcomes()
        // Packet n finishes n % 3 transactions when n is a multiple of 7.
        let writer = SecondThread.start {
            var batch = RecordRelay.Batch()
            var none: [ConnectionRecord] = []
            for n in 1...total {
                if n % 7 == 0 {
                    var finished = (0..<Int(n % 3)).map { Self.transaction(packet: n, index: $0) }
                    batch.append(packet: n, dns: &finished, connections: &none)
                    outcomes.add(finished.isEmpty)
                }
                if n % 10 == 0 {
                    outcomes.add(relay.publish(&batch, through: n))
                    outcomes.add(batch.marks.isEmpty && batch.dns.isEmpty)
                }
            }
            outcomes.add(relay.publish(&batch, through: .max))
        }
        var seenPackets: [UInt64] = []
        var seenNames: [String] = []
        var through: UInt64 = 0
        var inbox = RecordRelay.Batch()
        for n in 1...total where n > through {
            let t = relay.take(through: n, into: &inbox)
            #expect(t >= n)
            // Every mark is at or after the packet asked for (earlier ones were taken before).
            #expect(inbox.marks.allSatisfy { $0.packet >= n && $0.packet <= t })
            var start = 0
            for m in inbox.marks {
                seenPackets.append(m.packet)
                for d in inbox.dns[start..<m.dnsEnd] {
                    #expect(d.id == UInt16(truncatingIfNeeded: m.packet))
                    seenNames.append(d.qname)
                }
                start = m.dnsEnd
            }
            #expect(start == inbox.dns.count)
            through = t
        }
        writer.join()
        let expectedPackets = (1...total).filter { $0 % 7 == 0 }
        #expect(seenPackets == expectedPackets)
        #expect(seenNames == expectedPackets.flatMap { n in (0..<Int(n % 3)).map { "p\(n)-\($0).example" } })
        #expect(outcomes.all.allSatisfy { $0 })
        #expect(outcomes.all.count == expectedPackets.count + 2 * 500 + 1)
    }

    /// Two publishes before the reader takes: the second batch's marks are re-based after the
    /// first's records.
    @Test func batchesQueuedTogetherKeepEachRecordAtItsPacket() {
        let relay = RecordRelay()
        var none: [ConnectionRecord] = []
        var batch = RecordRelay.Batch()
        var a = [Self.transaction(packet: 1, index: 0), Self.transaction(packet: 1, index: 1)]
        batch.append(packet: 1, dns: &a, connections: &none)
        #expect(relay.publish(&batch, through: 1))
        var b = [Self.transaction(packet: 4, index: 0)]
        batch.append(packet: 4, dns: &b, connections: &none)
        #expect(relay.publish(&batch, through: 5))
        var inbox = RecordRelay.Batch()
        #expect(relay.take(through: 1, into: &inbox) == 5)
        #expect(inbox.marks == [RecordRelay.Mark(packet: 1, dnsEnd: 2, connectionsEnd: 0),
                                RecordRelay.Mark(packet: 4, dnsEnd: 3, connectionsEnd: 0)])
        #expect(inbox.dns.map(\.qname) == ["p1-0.example", "p1-1.example", "p4-0.example"])
    }

    @Test func writerWaitsWhenFullAndStopsWhenTheReaderCloses() {
        let relay = RecordRelay(maxQueued: 2)
        var none: [ConnectionRecord] = [], noDNS: [DNSTransaction] = []
        var batch = RecordRelay.Batch()
        batch.append(packet: 1, dns: &noDNS, connections: &none)
        batch.append(packet: 2, dns: &noDNS, connections: &none)
        #expect(relay.publish(&batch, through: 2))
        // The queue is full: the next publish waits until the reader closes, then says stop.
        let outcomes = Outcomes()
        let blocked = SecondThread.start {
            var more = RecordRelay.Batch()
            var c: [ConnectionRecord] = [], d: [DNSTransaction] = []
            more.append(packet: 3, dns: &d, connections: &c)
            outcomes.add(relay.publish(&more, through: 3))
        }
        usleep(50_000)
        #expect(outcomes.all.isEmpty, "the writer should be waiting while the queue is full")
        relay.close()
        blocked.join()
        #expect(outcomes.all == [false])
        var late = RecordRelay.Batch()
        late.append(packet: 4, dns: &noDNS, connections: &none)
        #expect(!relay.publish(&late, through: 4))
    }
}
