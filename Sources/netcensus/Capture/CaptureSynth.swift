import ArgumentParser

/// STUB: replaced by the sample-capture generator.
struct CaptureSynth: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "synth", abstract: "Write the deterministic sample captures.")
    func run() throws { print("not implemented yet") }
}
