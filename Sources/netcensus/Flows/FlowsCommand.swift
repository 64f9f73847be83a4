import ArgumentParser

/// `netcensus flows ...`: flow records (IPFIX, NetFlow v9) instead of packets.
struct FlowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows",
        abstract: "Read IPFIX / NetFlow v9 flow records and report IPv6 adoption.",
        subcommands: [FlowsSummarize.self, FlowsCollect.self],
        defaultSubcommand: FlowsSummarize.self
    )
}
