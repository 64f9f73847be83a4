import ArgumentParser
import CDNAttribution
import Foundation
import Reporting

/// `--cdn-rules FILE`: the CDN provider rules (format: docs/cdn-rules.md); the shipped set
/// when absent.
struct CDNRulesOptions: ParsableArguments {
    @Option(name: .customLong("cdn-rules"), help: ArgumentHelp("CDN provider rules (JSON, docs/cdn-rules.md) instead of the shipped set.",
                                                              valueName: "FILE"))
    var rulesPath: String?

    /// The loaded matcher and a label for the outputs ("bundled" or the path). A file that
    /// cannot be read is exit 66 (as an input that cannot be opened), one that does not
    /// validate is exit 65 (data error); either way one line on stderr naming file and entry.
    func load() throws -> (matcher: CDNMatcher, label: String) {
        do {
            guard let path = rulesPath else { return (CDNMatcher(try CDNRules.bundled()), "bundled") }
            // A regular, readable file only: a FIFO, device or directory is refused before any
            // read (as topology inputs are), so /dev/zero or a pipe never hangs or reads as data.
            let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
            guard type == .typeRegular, FileManager.default.isReadableFile(atPath: path) else {
                let why = type == nil ? "cannot be read" : type == .typeRegular ? "cannot be read (permission)" : "not a regular file"
                StandardError.line("netcensus: error: --cdn-rules \(Escaping.terminal(path)): \(why)")
                throw NetCensusExit.cannotOpen
            }
            return (CDNMatcher(try CDNRules.load(path: path)), path)
        } catch let e as CDNRulesError {
            StandardError.line("netcensus: error: --cdn-rules: \(Escaping.terminal(e.description))")
            throw NetCensusExit.noData
        }
    }
}
