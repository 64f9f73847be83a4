import ArgumentParser

/// STUB: replaced by the topology implementation.
struct TopologyPlan: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan")
    func run() throws { print("not implemented yet") }
}
