import ArgumentParser

/// `netcensus capture ...`: everything that reads packets.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Read pcap/pcapng captures and report IPv6 adoption.",
        subcommands: [CaptureSummarize.self, CaptureAnalyze.self, CaptureMerge.self, CaptureConns.self, CaptureDNS.self, CaptureCDN.self, CaptureSynth.self, CaptureLive.self],
        defaultSubcommand: CaptureSummarize.self
    )
}
