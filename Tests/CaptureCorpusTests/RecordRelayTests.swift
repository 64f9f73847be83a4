import Foundation
import Testing
@testable import CaptureJobs

/// The hand-over between the two threads of a staged `capture analyze`: order, completeness
/// marks, the bound on waiting messages, and the reader closing first.
@Suite struct RecordRelayTests {
    static func message(_ n: UInt64) -> RecordRelay.Message { RecordRelay.Message(packet: n, dns: [], connections: []) }

    /// What the writer thread saw, checked on the test's thread after `join` (expectations are
    /// recorded from the test's own task).
    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Bool] = []
        func add(_ v: Bool) { lock.lock(); values.append(v); lock.unlock() }
        var all: [Bool] { lock.lock(); defer { lock.unlock() }; return values }
    }

    @Test func readerSeesEveryMessageInOrderWithItsCompletenessMark() {
        let relay = RecordRelay(maxQueued: 3)
        let total: UInt64 = 5_000
        let outcomes = Outcomes()
        let writer = SecondThread.start {
            var batch: [RecordRelay.Message] = []
            for n in 1...total {
                if n % 7 == 0 { batch.append(Self.message(n)) }
                if n % 10 == 0 { outcomes.add(relay.publish(&batch, through: n)); outcomes.add(batch.isEmpty) }
            }
            outcomes.add(relay.publish(&batch, through: .max))
        }
        var seen: [UInt64] = []
        var through: UInt64 = 0
        for n in 1...total where n > through {
            let (messages, t) = relay.take(through: n)
            #expect(t >= n)
            // Every message is at or after the packet asked for (earlier ones were taken before).
            #expect(messages.allSatisfy { $0.packet >= n && $0.packet <= t })
            seen += messages.map(\.packet)
            through = t
        }
        writer.join()
        #expect(seen == (1...total).filter { $0 % 7 == 0 })
        #expect(outcomes.all.count == 1_001 && outcomes.all.allSatisfy { $0 })
    }

    @Test func writerWaitsWhenFullAndStopsWhenTheReaderCloses() {
        let relay = RecordRelay(maxQueued: 2)
        var batch = [Self.message(1), Self.message(2)]
        #expect(relay.publish(&batch, through: 2))
        // The queue is full: the next publish waits until the reader closes, then says stop.
        let outcomes = Outcomes()
        let blocked = SecondThread.start {
            var more = [Self.message(3)]
            outcomes.add(relay.publish(&more, through: 3))
        }
        usleep(50_000)
        #expect(outcomes.all.isEmpty, "the writer should be waiting while the queue is full")
        relay.close()
        blocked.join()
        #expect(outcomes.all == [false])
        var late = [Self.message(4)]
        #expect(!relay.publish(&late, through: 4))
    }
}
