import Foundation

/// Runs independent stages of one job (the two CSV files of a pair, the searches of the scorer)
/// on plain threads, the caller's thread included, and returns when every stage is done.
///
/// Plain `Thread`s rather than `DispatchQueue.concurrentPerform`: on this Linux toolchain
/// `concurrentPerform` ran the iterations one after another (the same finding as the capture
/// side's `--jobs`), so two files "parsed at once" were parsed in turn.
///
/// Each stage must touch only its own output (a `StageResult`) and shared inputs that nobody
/// writes while the stages run. Stages are taken in the order given by whichever thread is free,
/// so list the longest first. What a stage computes does not depend on the thread or the order:
/// the results are the same for any `threads` (tested with 1 and with several).
enum ConcurrentStages {
    /// Threads to use by default: the machine's active cores (`NETCENSUS_THREADS` overrides,
    /// at least 1).
    static var defaultThreads: Int {
        if let text = ProcessInfo.processInfo.environment["NETCENSUS_THREADS"], let n = Int(text), n >= 1 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Threads for a job of `units` elements (nodes + links, rows, members): one below
    /// 50,000, where starting threads costs more than it saves (planner loops, fuzzing and
    /// Topology Zoo graphs score in microseconds), else `defaultThreads`.
    static func threads(forWork units: Int) -> Int { units < 50_000 ? 1 : defaultThreads }

    /// Runs every stage once on up to `threads` threads; returns when all have returned.
    static func run(_ stages: [@Sendable () -> Void], threads: Int = defaultThreads) {
        let workers = max(1, min(threads, stages.count))
        if workers == 1 { for stage in stages { stage() }; return }
        let queue = StageQueue(stages)
        let done = DispatchSemaphore(value: 0)
        for _ in 1..<workers {
            let thread = Thread {
                queue.drain()
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        queue.drain()
        for _ in 1..<workers { done.wait() }
    }

    /// The stages and the index of the next one to start, under a lock.
    private final class StageQueue: @unchecked Sendable {
        private let lock = NSLock()
        private let stages: [@Sendable () -> Void]
        private var next = 0
        init(_ stages: [@Sendable () -> Void]) { self.stages = stages }
        func drain() {
            while true {
                lock.lock()
                let i = next
                next += 1
                lock.unlock()
                guard i < stages.count else { return }
                stages[i]()
            }
        }
    }
}

/// One stage's output, written once by the stage and read after `ConcurrentStages.run` returns
/// (the semaphore orders the write before the read).
final class StageResult<T>: @unchecked Sendable {
    var value: T?
    init() {}
    /// The value; a stage that did not run is a programming error.
    var get: T { value! }
}

/// Stage timings (name, seconds) appended from any thread.
final class StageTimings: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var entries: [(String, Double)] = []
    private let clock = ContinuousClock()

    /// Runs `body`, records its wall time under `name`, returns its value.
    func time<T>(_ name: String, _ body: () -> T) -> T {
        let start = clock.now
        let value = body()
        record(name, since: start)
        return value
    }

    /// Records the wall time from `start` to now under `name`.
    func record(_ name: String, since start: ContinuousClock.Instant) {
        let d = clock.now - start
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        lock.lock(); entries.append((name, seconds)); lock.unlock()
    }
}
