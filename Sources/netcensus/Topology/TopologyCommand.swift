import ArgumentParser

/// `netcensus topology ...`: everything that reads network topologies.
struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Score broadband coverage of a network topology against targets, and plan fiber.",
        subcommands: [TopologyScore.self, TopologyPlan.self, TopologySynth.self, TopologyTargets.self]
    )
}
