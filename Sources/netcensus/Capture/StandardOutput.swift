#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

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
        let failure: Int32 = text.withUTF8 { p -> Int32 in
            guard let base = p.baseAddress else { return 0 }
            var offset = 0
            while offset < p.count {
                let n = Glibc.write(1, base + offset, p.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                // write(2) returning 0 for a non-empty buffer makes no progress: treat as EIO.
                if n == 0 { return EIO }
                offset += n
            }
            return 0
        }
        if failure != 0 {
            StandardError.line("netcensus: error: cannot write output: \(String(cString: strerror(failure)))")
            throw NetCensusExit.failure
        }
    }

    /// `write(text + "\n")`.
    static func line(_ text: String) throws { try write(text + "\n") }
}
