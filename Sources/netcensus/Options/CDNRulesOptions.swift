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
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  FileManager.default.isReadableFile(atPath: path) else {
                StandardError.line("netcensus: error: --cdn-rules \(Escaping.terminal(path)): cannot be read")
                throw NetCensusExit.cannotOpen
            }
            return (CDNMatcher(try CDNRules.load(path: path)), path)
        } catch let e as CDNRulesError {
            StandardError.line("netcensus: error: --cdn-rules: \(Escaping.terminal(e.description))")
            throw NetCensusExit.noData
        }
    }
}
