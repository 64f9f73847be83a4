import Foundation
import CaptureCore
import Reporting
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every line the topology commands print goes through here, so that every write is checked.
///
/// `FileHandle.write(_:)` traps on EPIPE/ENOSPC (exit 132 on `> /dev/full`) and `print` ignores
/// errors, so output uses POSIX `write(2)` in a loop and turns a failure into
/// `netcensus: error: cannot write output: <strerror>` (stdout) or
/// `netcensus: error: cannot write PATH: <strerror>` (a file), exit status 1.
enum TopologyOutput {
    /// Writes one diagnostic line to stderr as `netcensus: error: <message>`.
    ///
    /// The one rule for untrusted text on stderr: messages carry node ids, labels and paths
    /// read from input files (importer errors name them), so the whole message goes through
    /// `Escaping.terminal` here, the single exit every topology diagnostic takes: control
    /// characters (ESC sequences, BEL) and bidi/format characters (U+202E) are shown escaped.
    static func error(_ message: String) {
        FileHandleStderr.write("netcensus: error: \(Escaping.terminal(message))\n")
    }

    /// `write(2)` all of `data` to `fd` (the shared `writeFully` loop); returns errno on failure, nil on success.
    static func writeAll(_ data: Data, fd: Int32) -> Int32? {
        data.withUnsafeBytes { writeFully($0, to: fd) }
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Writes `data` to `path` ("-" or nil = stdout). On failure prints one line and throws exit 1.
    static func emit(_ data: Data, to path: String?) throws {
        if let p = path, p != "-" {
            let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else {
                error("cannot write \(p): \(reason(errno))"); throw NetCensusExit.failure
            }
            let failed = writeAll(data, fd: fd)
            let closeFailed = close(fd) != 0 ? errno : nil
            if let e = failed ?? closeFailed { error("cannot write \(p): \(reason(e))"); throw NetCensusExit.failure }
        } else if let e = writeAll(data, fd: STDOUT_FILENO) {
            error("cannot write output: \(reason(e))"); throw NetCensusExit.failure
        }
    }

    /// `emit` of text lines to stdout.
    static func print(_ lines: [String]) throws {
        try emit(Data((lines.joined(separator: "\n") + "\n").utf8), to: nil)
    }
}

enum FileHandleStderr {
    /// stderr is best effort: there is nowhere left to report its own failure.
    static func write(_ s: String) { _ = TopologyOutput.writeAll(Data(s.utf8), fd: STDERR_FILENO) }
}

/// Writes data to a file or to stdout ("-" or nil); see `TopologyOutput.emit`.
func emit(_ data: Data, to path: String?) throws { try TopologyOutput.emit(data, to: path) }
