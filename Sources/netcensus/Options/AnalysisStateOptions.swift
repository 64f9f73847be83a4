import ArgumentParser
import TrafficAnalysis

/// Bounds and timeouts of the analyzers' state, shared by the capture subcommands.
struct AnalysisStateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Live connections kept at once; beyond it the least recently seen of a sample of 8 is finished and counted as evicted.",
        valueName: "N"))
    var maxConnections: Int = AnalysisOptions.defaultMaxConnections

    @Option(name: .long, help: ArgumentHelp("TCP inactivity timeout in seconds (Zeek's default: 300).", valueName: "S"))
    var tcpTimeout: Double = 300

    @Option(name: .long, help: ArgumentHelp("UDP/ICMP/other inactivity timeout in seconds (Zeek's default: 60).", valueName: "S"))
    var udpTimeout: Double = 60

    @Option(name: .long, help: ArgumentHelp("Split connections longer than this many seconds (default: never, as Zeek).", valueName: "S"))
    var activeTimeout: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Distinct addresses and 5-tuples counted exactly up to this many per set; beyond, a HyperLogLog sketch (0.81% standard error) whose figures the output marks as estimates.",
        valueName: "N"))
    var maxDistinct: Int = 1 << 20

    func validate() throws {
        guard maxConnections >= 16 && maxConnections <= 1 << 31 else { throw ValidationError("--max-connections must be in [16, 2147483648].") }
        for (name, v) in [("--tcp-timeout", tcpTimeout), ("--udp-timeout", udpTimeout)] {
            guard v.isFinite && v > 0 && v <= 31_536_000 else { throw ValidationError("\(name) must be a number of seconds in (0, 31536000].") }
        }
        if let a = activeTimeout, !(a.isFinite && a > 0 && a <= 31_536_000) {
            throw ValidationError("--active-timeout must be a number of seconds in (0, 31536000].")
        }
        guard maxDistinct >= 1 && maxDistinct <= 1 << 28 else { throw ValidationError("--max-distinct must be in [1, 268435456].") }
    }

    /// The analysis options these flags select.
    var analysisOptions: AnalysisOptions {
        var o = AnalysisOptions()
        o.maxConnections = maxConnections
        o.tcpIdleTimeout = Int64(tcpTimeout * 1e9)
        o.otherIdleTimeout = Int64(udpTimeout * 1e9)
        o.activeTimeout = activeTimeout.map { Int64($0 * 1e9) }
        o.distinctExactLimit = maxDistinct
        return o
    }
}
