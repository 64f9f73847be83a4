// swift-tools-version: 6.1
// NetCensus: IPv6 adoption from captures, broadband coverage from topologies.
import PackageDescription

let releaseSpeed: [SwiftSetting] = [
    // Bounds checks stay on (safety over the last few percent); only exclusivity checks go in release.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "NetCensus",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "NetCensusKit", targets: [
            "CaptureCore", "CaptureFiles", "LiveCapture", "PacketDecoding", "TrafficAnalysis", "CaptureJobs",
            "NetworkGraph", "TopologyCoverage", "Reporting",
        ]),
        .executable(name: "netcensus", targets: ["netcensus"]),
        .executable(name: "netcensus-bench", targets: ["NetCensusBench"]),
    ],
    dependencies: [
        // Argument parsing: Apple's kept parser gives --help, validation and completion for free.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Heap (priority queue) for Dijkstra-style searches; only the HeapModule product is built.
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // CSV reading and writing (RFC 4180) for topology CSV input and --csv output.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // Mergeable latency histograms (handshake RTT, DNS response time) beyond the exact range:
        // HdrHistogram is the field's standard, kept, Codable and mergeable; no need to write one.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // C libraries from Debian: libpcap-dev (live capture, BPF) and zlib1g-dev (.gz captures).
        .systemLibrary(name: "CPcap", path: "Sources/CPcap", providers: [.apt(["libpcap-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Capture pipeline, left to right: records -> decoded layers -> analyses.
        .target(name: "CaptureCore", swiftSettings: releaseSpeed),
        .target(name: "CaptureFiles", dependencies: ["CaptureCore", "CZlib"], swiftSettings: releaseSpeed),
        .target(name: "LiveCapture", dependencies: ["CaptureCore", "CPcap"]),
        .target(name: "PacketDecoding", dependencies: ["CaptureCore"], swiftSettings: releaseSpeed),
        // Analyses depend on decoded packets only; a source is anything conforming to PacketSource.
        .target(name: "TrafficAnalysis", dependencies: [
            "CaptureCore", "PacketDecoding", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: releaseSpeed),
        // Jobs: a capture file through the analysis pipeline (what the command, tests and bench run).
        .target(name: "CaptureJobs", dependencies: ["CaptureCore", "CaptureFiles", "PacketDecoding", "TrafficAnalysis"],
                swiftSettings: releaseSpeed),
        // Sample-capture scenarios and the packet builder behind Captures/: used by the command
        // (`capture synth`) and the tests, not part of the library product.
        .target(name: "CaptureSamples", dependencies: ["CaptureCore", "CaptureFiles"]),

        // Topology pipeline: graph algorithms (core) -> coverage model, import, scoring, planning.
        .target(name: "NetworkGraph", dependencies: [.product(name: "HeapModule", package: "swift-collections")],
                swiftSettings: releaseSpeed),
        .target(name: "TopologyCoverage", dependencies: [
            "NetworkGraph", .product(name: "CSV", package: "CSV.swift"),
        ], resources: [.copy("Resources")], swiftSettings: releaseSpeed),

        // Rendering: the only layer that turns numbers into text; escapes untrusted strings in one place.
        .target(name: "Reporting", dependencies: [
            "TrafficAnalysis", "TopologyCoverage", .product(name: "CSV", package: "CSV.swift"),
        ]),

        .executableTarget(name: "netcensus", dependencies: [
            "CaptureCore", "CaptureFiles", "LiveCapture", "PacketDecoding", "TrafficAnalysis", "CaptureJobs", "CaptureSamples",
            "NetworkGraph", "TopologyCoverage", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "NetCensusBench", dependencies: [
            "CaptureCore", "CaptureFiles", "PacketDecoding", "TrafficAnalysis", "CaptureJobs", "NetworkGraph", "TopologyCoverage",
        ], path: "Benchmarks/NetCensusBench", swiftSettings: releaseSpeed),

        // Tests: one target per source target, plus corpus and CLI tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CaptureFilesTests", dependencies: ["CaptureFiles", "CaptureSamples", "TestSupport"]),
        .testTarget(name: "PacketDecodingTests", dependencies: ["PacketDecoding", "TestSupport"]),
        .testTarget(name: "TrafficAnalysisTests", dependencies: ["TrafficAnalysis", "CaptureFiles", "CaptureJobs", "CaptureSamples", "TestSupport"]),
        .testTarget(name: "LiveCaptureTests", dependencies: ["LiveCapture", "CaptureFiles", "TestSupport"]),
        .testTarget(name: "CaptureCorpusTests", dependencies: [
            "CaptureFiles", "PacketDecoding", "TrafficAnalysis", "CaptureJobs", "LiveCapture", "TestSupport",
        ]),
        .testTarget(name: "NetworkGraphTests", dependencies: ["NetworkGraph", "TestSupport"]),
        .testTarget(name: "TopologyCoverageTests", dependencies: ["TopologyCoverage", "Reporting", "TestSupport"]),
        .testTarget(name: "NetCensusCLITests", dependencies: ["TestSupport", "CaptureCore", "CaptureFiles", "CaptureSamples"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "TrafficAnalysis", "TestSupport"]),
    ]
)
