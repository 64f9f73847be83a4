import ArgumentParser

/// STUB: replaced by the topology implementation.
struct TopologySynth: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "synth")
    func run() throws { print("not implemented yet") }
}
