#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CaptureCore

/// Checked writes to stdout for the report itself.
///
/// `print` ignores write errors (a full disk, `> /dev/full`, a closed descriptor), so the report
/// could be lost while the command exits 0. Every report goes through `write`, which checks
/// each write(2): on failure it prints one line
/// `netcensus: error: cannot write output: <strerror>` on stderr and throws exit status 1
/// (README "Exit codes": failure while writing).
enum StandardOutput {
    /// Writes `text` to file descriptor 1, retrying short writes and EINTR. The report is the
    /// only thing the capture commands write to stdout, so no C stdio buffer sits in front.
    /// - Throws: `NetCensusExit.failure` (exit 1) when a write fails.
    static func write(_ text: String) throws {
        var text = text
        let failure = text.withUTF8 { writeFully(UnsafeRawBufferPointer($0), to: 1) }
        if let failure {
            StandardError.line("netcensus: error: cannot write output: \(String(cString: strerror(failure)))")
            throw NetCensusExit.failure
        }
    }

    /// `write(text + "\n")`.
    static func line(_ text: String) throws { try write(text + "\n") }
}
