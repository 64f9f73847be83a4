import ArgumentParser

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
        subcommands: [CaptureCommand.self, TopologyCommand.self]
    )
}
