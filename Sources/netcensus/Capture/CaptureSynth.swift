import ArgumentParser
import CaptureFiles
import CaptureSamples
import Reporting

/// `netcensus capture synth [--output DIR]`: writes the deterministic sample captures
/// (dual-stack browsing, Teredo, 6in4/6to4, NAT64/DNS64) that live in `Captures/`.
/// Running it again produces byte-identical files.
struct CaptureSynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write the deterministic sample captures (pcap and pcapng).",
        discussion: "Scenarios and their hand-counted figures are described in Captures/README.md.")

    @Option(name: .shortAndLong, help: "Directory to write into (created if missing).")
    var output: String = "Captures"

    func run() throws {
        // Runtime failures are exit 1 with the one-line error, not argument-parser's usage error.
        guard mkdirs(output) else {
            let reason = String(cString: strerror(errno))
            StandardError.line("netcensus: error: cannot create directory \(Escaping.terminal(output)): \(reason)")
            throw NetCensusExit.failure
        }
        let paths: [String]
        do { paths = try SampleCaptures.write(to: output) } catch {
            StandardError.line("netcensus: error: \(Escaping.terminal("\(error)"))")
            throw NetCensusExit.failure
        }
        try StandardOutput.write(paths.map { $0 + "\n" }.joined())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// mkdir -p: creates every missing component; an existing directory is fine.
private func mkdirs(_ path: String) -> Bool {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        prefix += part + "/"
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST { return false }
    }
    return true
}
