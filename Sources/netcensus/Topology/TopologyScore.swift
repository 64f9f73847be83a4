import ArgumentParser

/// STUB: replaced by the topology implementation.
struct TopologyScore: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "score")
    func run() throws { print("not implemented yet") }
}
