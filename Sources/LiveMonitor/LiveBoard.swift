import Foundation

/// Where workers leave their figures for each interval and the coordinating thread collects
/// them: interval K is complete when every worker still running has published its figures for
/// K. A lock and a condition variable, used once per worker per interval, never per packet.
public final class LiveBoard: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [Int: [Int: LiveFigures]] = [:]
    private var done = 0
    public let workers: Int

    public init(workers: Int) { self.workers = workers }

    func publish(tick: Int, worker: Int, figures: LiveFigures) {
        condition.lock()
        pending[tick, default: [:]][worker] = figures
        condition.broadcast()
        condition.unlock()
    }

    func workerDone() {
        condition.lock()
        done += 1
        condition.broadcast()
        condition.unlock()
    }

    /// What the coordinator gets from `next`.
    public enum Event {
        /// Interval `tick` with the figures of every worker.
        case interval(tick: Int, figures: [LiveFigures])
        /// Every worker has finished.
        case finished
        /// Nothing yet (the wait timed out).
        case idle
    }

    /// Waits up to `timeout` seconds for interval `tick` to be complete or for every worker to finish.
    public func next(tick: Int, timeout: Double) -> Event {
        condition.lock()
        defer { condition.unlock() }
        let until = Date(timeIntervalSinceNow: timeout)
        while true {
            if let p = pending[tick], p.count == workers {
                pending[tick] = nil
                return .interval(tick: tick, figures: p.keys.sorted().map { p[$0]! })
            }
            if done == workers { return .finished }
            if !condition.wait(until: until) { return .idle }
        }
    }
}
