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
            "CaptureCore", "CaptureFiles", "LiveCapture", "PacketDecoding", "TrafficAnalysis",
            "NetworkGraph", "TopologyCoverage", "Reporting", "QUICInitial", "CDNAttribution",
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
        // QUIC Initial decryption (HKDF-SHA256, AES-128-GCM, AES block for header protection): no hand-written cryptography.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
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
        .target(name: "TrafficAnalysis", dependencies: ["CaptureCore", "CaptureFiles", "PacketDecoding"], swiftSettings: releaseSpeed),
        // QUIC v1/v2 Initial packets -> ClientHello (RFC 9001, RFC 9369); swift-crypto: no hand-written cryptography.
        .target(name: "QUICInitial", dependencies: [
            "CaptureCore", "PacketDecoding",
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
        ], swiftSettings: releaseSpeed),
        // CDN provider rules (shipped JSON resource, validated at load) and name-suffix / address-prefix matching.
        .target(name: "CDNAttribution", dependencies: ["PacketDecoding"], resources: [.copy("Resources")],
                swiftSettings: releaseSpeed),

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
            "CaptureCore", "CaptureFiles", "LiveCapture", "PacketDecoding", "TrafficAnalysis",
            "NetworkGraph", "TopologyCoverage", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "NetCensusBench", dependencies: [
            "CaptureCore", "CaptureFiles", "PacketDecoding", "TrafficAnalysis", "NetworkGraph", "TopologyCoverage",
        ], path: "Benchmarks/NetCensusBench", swiftSettings: releaseSpeed),

        // Tests: one target per source target, plus corpus and CLI tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CaptureFilesTests", dependencies: ["CaptureFiles", "TestSupport"]),
        .testTarget(name: "PacketDecodingTests", dependencies: ["PacketDecoding", "TestSupport"]),
        .testTarget(name: "TrafficAnalysisTests", dependencies: ["TrafficAnalysis", "CaptureFiles", "TestSupport"]),
        .testTarget(name: "LiveCaptureTests", dependencies: ["LiveCapture", "CaptureFiles", "TestSupport"]),
        .testTarget(name: "CaptureCorpusTests", dependencies: [
            "CaptureFiles", "PacketDecoding", "TrafficAnalysis", "LiveCapture", "TestSupport",
        ]),
        .testTarget(name: "NetworkGraphTests", dependencies: ["NetworkGraph", "TestSupport"]),
        .testTarget(name: "TopologyCoverageTests", dependencies: ["TopologyCoverage", "Reporting", "TestSupport"]),
        .testTarget(name: "NetCensusCLITests", dependencies: ["TestSupport"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "TrafficAnalysis", "TestSupport"]),
        .testTarget(name: "QUICInitialTests", dependencies: [
            "QUICInitial", "PacketDecoding", "CaptureFiles", "TestSupport",
            // The tests seal Initial packets of their own (the inverse of what QUICInitial opens).
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .testTarget(name: "CDNAttributionTests", dependencies: ["CDNAttribution", "PacketDecoding", "TestSupport"]),
    ]
)
