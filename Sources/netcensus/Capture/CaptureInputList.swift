import CaptureFiles
import Reporting

/// The capture inputs of a command line, as every capture subcommand resolves them.
enum CaptureInputList {
    /// One input per argument (a directory gives its capture files, searched recursively and
    /// following symbolic links; `CaptureInputs.scan`). A missing path, a subdirectory that
    /// cannot be listed, a symlink that cannot be followed, a FIFO or device named like a
    /// capture, or a second path to a file already taken is an input with a problem: reported
    /// as not read (a `cannot_open` warning and an entry without figures), so the readable ones
    /// are still read and a total never undercounts silently.
    /// - Throws: `NetCensusExit.cannotOpen` (after the one error line) when nothing is left.
    static func resolve(_ paths: [String], quiet: Bool) throws -> [(path: String, openError: String?)] {
        let expansion = CaptureInputs.scan(paths)
        let inputs: [(path: String, openError: String?)] = expansion.inputs.map { ($0.path, $0.problem) }
        if inputs.isEmpty {
            StandardError.line("netcensus: error: no capture files (.pcap, .pcapng, .cap, .gz) under \(Escaping.terminal(paths.joined(separator: " ")))")
            throw NetCensusExit.cannotOpen
        }
        if !quiet {
            for d in expansion.emptyDirectories {
                StandardError.line("netcensus: warning: \(Escaping.terminal(d)): no capture files (.pcap, .pcapng, .cap, .gz) in this directory")
            }
        }
        return inputs
    }
}
