import ArgumentParser
import CaptureFiles

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
        try makeDirectory(output)
        for path in try SampleCaptures.write(to: output) { print(path) }
    }

    private func makeDirectory(_ path: String) throws {
        guard mkdirs(path) else { throw ValidationError("cannot create directory \(path)") }
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
