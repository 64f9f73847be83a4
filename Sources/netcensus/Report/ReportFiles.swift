import Foundation
import QuarterlyReport
import Reporting

/// Writes a report's files into its folder: each file is written beside its final name and
/// renamed over it, so a reader never sees half a page and an interrupted run leaves the
/// previous file whole.
enum ReportFiles {
    static func write(_ d: ReportDocument, to dir: String) throws {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            StandardError.line("netcensus: error: cannot create \(Escaping.terminal(dir)): \(Escaping.terminal(error.localizedDescription))")
            throw NetCensusExit.failure
        }
        var files: [(String, String)] = [("index.html", ReportHTML.render(d)), ("report.md", ReportMarkdown.render(d)), ("report.json", ReportJSON.render(d))]
        files += ReportCSV.tables(d)
        for (name, text) in files {
            let path = dir + "/" + name, temp = dir + "/." + name + ".tmp"
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: temp))
                if rename(temp, path) != 0 { throw CocoaError(.fileWriteUnknown) }
            } catch {
                unlink(temp)
                StandardError.line("netcensus: error: cannot write \(Escaping.terminal(path))")
                throw NetCensusExit.failure
            }
        }
    }
}
