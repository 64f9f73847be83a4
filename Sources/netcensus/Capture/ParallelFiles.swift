import ArgumentParser
import Foundation

/// Runs one job per input file on up to N threads (`capture summarize --jobs`). Each thread gets
/// its own worker from `makeWorker` (so per-thread state such as compiled BPF programs is never
/// shared); results come back in input order, so the output does not depend on N or on timing.
enum ParallelFiles {
    /// The machine's active cores.
    static var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The range `--jobs` accepts (`capture summarize`, `capture analyze`).
    static let jobsRange = 1...1024

    /// Throws the usage error for a `--jobs` value outside `jobsRange`.
    static func validate(jobs: Int?) throws {
        if let j = jobs, !jobsRange.contains(j) { throw ValidationError("--jobs must be in [1, 1024].") }
    }

    static func run<Item, Output>(_ items: [Item], jobs: Int,
                                  makeWorker: () throws -> (Item) -> Output) throws -> [Output] {
        let threads = max(1, min(jobs, items.count))
        if threads == 1 {
            let work = try makeWorker()
            return items.map(work)
        }
        let workers = Items(try (0..<threads).map { _ in try makeWorker() })
        let box = Box<Output>(count: items.count)
        let itemsBox = Items(items)
        // Plain threads, not DispatchQueue.concurrentPerform: on this Linux toolchain that ran
        // the iterations one after another on the calling thread (seen with top -H: one thread
        // busy, --jobs 2 no faster than --jobs 1).
        let done = DispatchSemaphore(value: 0)
        for t in 1..<threads {
            let thread = Thread {
                let work = workers.items[t]
                while let i = box.next() { box.set(i, work(itemsBox.items[i])) }
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        let work = workers.items[0]
        while let i = box.next() { box.set(i, work(itemsBox.items[i])) }
        for _ in 1..<threads { done.wait() }
        return box.results.map { $0! }
    }

    /// Next-item counter and result slots shared by the threads (each slot written once).
    private final class Box<Output>: @unchecked Sendable {
        private let lock = NSLock()
        private var cursor = 0
        private let count: Int
        var results: [Output?]
        init(count: Int) { self.count = count; results = Array(repeating: nil, count: count) }
        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard cursor < count else { return nil }
            cursor += 1
            return cursor - 1
        }
        func set(_ i: Int, _ value: Output) { lock.lock(); results[i] = value; lock.unlock() }
    }

    /// Read-only arrays handed to the threads (items, and the workers: each thread calls only
    /// its own worker).
    private final class Items<Item>: @unchecked Sendable {
        let items: [Item]
        init(_ items: [Item]) { self.items = items }
    }
}
