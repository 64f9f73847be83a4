import ArgumentParser

/// STUB: replaced by the summarize implementation.
struct CaptureSummarize: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "summarize", abstract: "IPv6 adoption summary of capture files.")
    @Argument(help: "Capture files or directories.") var paths: [String] = []
    func run() throws { print("not implemented yet") }
}
