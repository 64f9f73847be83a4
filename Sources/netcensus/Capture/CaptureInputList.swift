import CaptureFiles
import Reporting

/// The capture inputs of a command line, as every capture subcommand resolves them.
enum CaptureInputList {
    /// One input per argument (a directory gives its capture files, searched recursively): a
    /// missing path is a warning for that input only, so the readable ones are still read.
    /// - Throws: `NetCensusExit.cannotOpen` (after the one error line) when nothing is left.
    static func resolve(_ paths: [String], quiet: Bool) throws -> [(path: String, openError: String?)] {
        var inputs: [(path: String, openError: String?)] = []
        var seen = Set<String>()
        var emptyDirectories: [String] = []
        for path in paths {
            do {
                let found = try CaptureInputs.expand([path])
                if found.isEmpty { emptyDirectories.append(path) }
                for f in found where seen.insert(f).inserted { inputs.append((f, nil)) }
            } catch {
                if seen.insert(path).inserted { inputs.append((path, "no such file or directory")) }
            }
        }
        if inputs.isEmpty {
            StandardError.line("netcensus: error: no capture files (.pcap, .pcapng, .cap, .gz) under \(Escaping.terminal(paths.joined(separator: " ")))")
            throw NetCensusExit.cannotOpen
        }
        if !quiet {
            for d in emptyDirectories {
                StandardError.line("netcensus: warning: \(Escaping.terminal(d)): no capture files (.pcap, .pcapng, .cap, .gz) in this directory")
            }
        }
        return inputs
    }
}
