import ArgumentParser
import Reporting

/// `netcensus`: the root holds configuration only; each job is a subcommand group
/// (swift-argument-parser's tree style). Exit codes are listed in `ExitCodes.swift`.
@main
struct NetCensusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netcensus",
        abstract: "Measure the IPv4-to-IPv6 transition from captures and broadband coverage from topologies.",
        discussion: """
        Captures: read pcap/pcapng files (or live interfaces via libpcap) and report IPv6 adoption.
        Topologies: load GraphML, SNDlib, GeoJSON or CSV networks and score village coverage
        against published broadband targets.
        """,
        version: "0.1.0",
        subcommands: [CaptureCommand.self, FlowsCommand.self, TopologyCommand.self, ReportCommand.self]
    )
}

extension NetCensusCommand {
    /// argument-parser's `main`, except that its error line starts `netcensus: error: ` like
    /// every other error of the tool (README "Exit codes"), and that help and version text are
    /// written with a checked write: argument-parser `print`s them and ignores a failed write,
    /// so `netcensus --help > /dev/full` exited 0 with nothing written. Now a failed write
    /// prints one `netcensus: error: cannot write output: ...` line and exits 1. The usage lines
    /// after an error and the exit status (64 for usage) are argument-parser's own; every
    /// error text is escaped for the terminal (it may quote an option value).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                // --help, help SUBCOMMAND, --version: the text goes to stdout, checked.
                do {
                    if !message.isEmpty { try StandardOutput.line(message) }
                } catch {
                    Self.exit(withError: error)
                }
                Self.exit(withError: nil)
            }
            // The message can quote what was typed (`The value '…' is invalid for '--x'`), and
            // a value is untrusted text: escaped like every other string bound for a terminal.
            if message.hasPrefix("Error: ") {
                var text = "netcensus: error: " + message.dropFirst("Error: ".count)
                while text.hasSuffix("\n") { text.removeLast() }
                StandardError.line(escapedLines(text))
                Self.exit(withError: code)
            }
            if !message.isEmpty {
                StandardError.line(escapedLines(message))
                Self.exit(withError: code)
            }
            Self.exit(withError: error)
        }
    }

    /// Each line escaped for the terminal (a CR or ESC inside a quoted value shows as `\x0d`,
    /// `\x1b`), the line breaks of argument-parser's own text kept; backslashes are left alone,
    /// since our own validation messages already escaped the values they quote.
    static func escapedLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { Escaping.terminalControls(String($0)) }.joined(separator: "\n")
    }
}
