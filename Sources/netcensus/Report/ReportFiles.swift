import Foundation
import CaptureCore
import QuarterlyReport
import Reporting

/// Writes a report's files into its folder in two steps, so the page and the history never
/// disagree and an existing file is never written through: `stage` writes every file to a new
/// temporary name (created with O_CREAT|O_EXCL|O_NOFOLLOW: a planted symlink or a file of the
/// same name makes the run fail instead of being written through); after the history is
/// stored, `commit` renames each over its final name (atomic per file). On any failure before
/// `commit`, `discard` removes the temporaries and the previous report stays whole.
enum ReportFiles {
    struct Staged { var pairs: [(temp: String, final: String)] }

    static func stage(_ d: ReportDocument, in dir: String) throws -> Staged {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            StandardError.line("netcensus: error: cannot create \(Escaping.terminal(dir)): \(Escaping.terminal(error.localizedDescription))")
            throw NetCensusExit.failure
        }
        var files: [(String, String)] = [("index.html", ReportHTML.render(d)), ("report.md", ReportMarkdown.render(d)), ("report.json", ReportJSON.render(d))]
        files += ReportCSV.tables(d)
        var staged = Staged(pairs: [])
        let tag = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        for (name, text) in files {
            // Names are the renderers' own (table keys are identifiers); refuse anything else.
            guard !name.isEmpty, !name.hasPrefix("."), !name.contains("/") else {
                discard(staged)
                StandardError.line("netcensus: error: refusing output file name '\(Escaping.terminal(name))'")
                throw NetCensusExit.failure
            }
            let path = dir + "/" + name, temp = dir + "/.\(name).\(tag).tmp"
            guard writeNew(temp, Array(text.utf8)) else {
                let why = String(cString: strerror(errno))
                discard(staged)
                StandardError.line("netcensus: error: cannot write \(Escaping.terminal(temp)): \(why)")
                throw NetCensusExit.failure
            }
            staged.pairs.append((temp, path))
        }
        return staged
    }

    static func commit(_ s: Staged) throws {
        for (temp, final) in s.pairs where rename(temp, final) != 0 {
            let why = String(cString: strerror(errno))
            discard(s)
            StandardError.line("netcensus: error: cannot write \(Escaping.terminal(final)): \(why)")
            throw NetCensusExit.failure
        }
    }

    static func discard(_ s: Staged) { for (temp, _) in s.pairs { unlink(temp) } }

    /// Creates `path` (never an existing file or a symlink) and writes all of `bytes`.
    static func writeNew(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        var ok = bytes.withUnsafeBytes { writeFully($0, to: fd) } == nil
        if close(fd) != 0 { ok = false }
        if !ok { unlink(path) }
        return ok
    }
}
