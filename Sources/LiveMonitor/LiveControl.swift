import Foundation
import Synchronization
import LiveCapture
#if canImport(Glibc)
import Glibc
#endif

/// What the workers and the coordinating thread share: the stop request, the reopen (SIGHUP)
/// generation, the packet budget of `--count`, and a wake-up pipe every worker polls beside its
/// capture descriptor, so a stop or a reopen is seen at once rather than at the next 100 ms poll.
///
/// Signals never run code of ours in a signal handler: `SignalWatch` ignores them and takes them
/// from a `DispatchSource`, on a dispatch queue, which calls `requestStop` / `requestReopen`.
public final class LiveControl: Sendable {
    private let stopFlag = Atomic<Bool>(false)
    private let reopenGeneration = Atomic<Int>(0)
    private let packetBudgetUsed = Atomic<Int>(0)
    /// Packets allowed over all workers (`--count`); .max for none.
    public let packetBudget: Int
    /// Read end: readable once a stop was requested (the byte is never read, so it wakes every worker).
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// Why the run stopped ("SIGINT", "SIGTERM", "duration", "count", "error").
    private let reason = Mutex<String?>(nil)

    public init(packetBudget: Int = .max) {
        self.packetBudget = packetBudget
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            _ = fcntl(fds[0], F_SETFL, O_NONBLOCK); _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC); _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        wakeRead = fds[0]; wakeWrite = fds[1]
    }

    deinit { close(wakeRead); close(wakeWrite) }

    /// Polled by workers beside the capture descriptor: readable after `requestStop`. A reopen
    /// does not wake workers: they compare `reopenRequests` with what they handled after each
    /// poll (at most 100 ms later).
    public var wakeDescriptor: Int32 { wakeRead }

    public var stopRequested: Bool { stopFlag.load(ordering: .acquiring) }
    public var stopReason: String? { reason.withLock { $0 } }

    /// Asks every worker to finish (first reason wins).
    public func requestStop(_ why: String) {
        reason.withLock { if $0 == nil { $0 = why } }
        stopFlag.store(true, ordering: .releasing)
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    /// SIGHUP: output files are to be reopened.
    public func requestReopen() {
        reopenGeneration.add(1, ordering: .releasing)
    }

    public var reopenRequests: Int { reopenGeneration.load(ordering: .acquiring) }

    /// Claims one packet of the `--count` budget; false (and a stop request) once it is spent.
    @inline(__always)
    public func claimPacket() -> Bool {
        let before = packetBudgetUsed.add(1, ordering: .relaxed).oldValue
        if before >= packetBudget { requestStop("count"); return false }
        if before + 1 == packetBudget { requestStop("count") }
        return true
    }
}

/// SIGINT, SIGTERM and SIGHUP taken without a signal handler of ours: each signal is set to
/// `SIG_IGN` (so its default action cannot kill the process) and delivered through a
/// `DispatchSource` on a serial queue, which asks the run to stop or to reopen its files. A
/// second SIGINT or SIGTERM more than 2 s after the first ends the process at once (exit 130 /
/// 143), for a stop that hangs; one sooner is the same stop delivered twice (GNU `timeout`
/// signals the child and then its process group, a terminal's Ctrl-C the whole group), ignored.
public final class SignalWatch: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "netcensus.signals")
    /// Monotonic nanoseconds of the first stop signal (touched only on `queue`).
    private var firstStop: Int64 = 0

    public init(control: LiveControl) {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler {
                switch sig {
                case SIGHUP: control.requestReopen()
                default:
                    let now = LiveCaptureSource.monotonicNanoseconds()
                    if self.firstStop == 0 { self.firstStop = now } else if now - self.firstStop > 2_000_000_000 { _exit(128 + sig) }
                    control.requestStop(sig == SIGINT ? "SIGINT" : "SIGTERM")
                }
            }
            s.resume()
            sources.append(s)
        }
    }

    /// Stops watching (signals stay ignored until the process exits).
    public func cancel() { for s in sources { s.cancel() } }
}
