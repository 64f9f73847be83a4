import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A `netcensus capture live` process the test signals while it runs: stdout lines are kept
/// with the time they arrived, stderr is read until the "capturing on" line says every handle
/// is open (traffic sent before that would not be seen).
final class LiveProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var lines: [(Date, String)] = []
    private var stderrText = ""
    private var stdoutDone = false, stderrDone = false
    let started = Date()

    /// - Parameter wrapper: a command that runs netcensus (e.g. `ip netns exec NS`), full path first.
    init(_ arguments: [String], wrapper: [String] = []) throws {
        guard let exe = CaptureCLI.executable else { throw CocoaError(.fileNoSuchFile) }
        if let first = wrapper.first {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(wrapper.dropFirst()) + [exe.path] + arguments
        } else {
            process.executableURL = exe
            process.arguments = arguments
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        Thread.detachNewThread { [self] in
            var pending = Data()
            while true {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let nl = pending.firstIndex(of: 0x0a) {
                    let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...nl)
                    lock.lock(); lines.append((Date(), line)); lock.unlock()
                }
            }
            if !pending.isEmpty { lock.lock(); lines.append((Date(), String(decoding: pending, as: UTF8.self))); lock.unlock() }
            lock.lock(); stdoutDone = true; lock.unlock()
        }
        Thread.detachNewThread { [self] in
            while true {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                lock.lock(); stderrText += String(decoding: chunk, as: UTF8.self); lock.unlock()
            }
            lock.lock(); stderrDone = true; lock.unlock()
        }
    }

    /// A test that throws before `finish` must not leave a capture running.
    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    var stderr: String { lock.lock(); defer { lock.unlock() }; return stderrText }
    var stdoutLines: [(Date, String)] { lock.lock(); defer { lock.unlock() }; return lines }

    /// Waits until the capture announced itself (true) or the process ended / 15 s passed.
    func waitUntilCapturing() -> Bool {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if stderr.contains("netcensus: capturing on") { return true }
            if !process.isRunning { return false }
            usleep(20_000)
        }
        return false
    }

    func send(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for the exit (at most `timeout` s, then SIGKILL) and for both pipes to close.
    func finish(timeout: Double = 15) -> (status: Int32, stdout: [String], stderr: String) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        while true {
            lock.lock(); let done = stdoutDone && stderrDone; lock.unlock()
            if done { break }
            usleep(10_000)
        }
        return (process.terminationStatus, stdoutLines.map(\.1), stderr)
    }
}

/// The traffic the live tests send: Benchmarks/live/loopback_traffic.py (UDP, DNS-shaped A and
/// AAAA queries to port 53 from source port PORT+3, TCP handshakes; IPv4 and IPv6; to 127.0.0.1
/// and ::1 only; bounded by --count or --seconds).
enum LoopbackTraffic {
    static var script: String { SharedData.repoRoot.appendingPathComponent("Benchmarks/live/loopback_traffic.py").path }

    /// Runs the generator to completion; returns its JSON report (nil when python3 is missing).
    static func send(_ arguments: [String]) -> [String: Any]? {
        guard let out = PeerTool.run("python3", [script] + arguments) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
    }

    /// A port range of 4 unlikely to be in use, different per process and per `salt`.
    static func port(_ salt: Int) -> Int { 20000 + Int(getpid() % 1000) * 40 + salt * 4 }
}
