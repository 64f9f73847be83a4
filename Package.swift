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
            "NetworkGraph", "TopologyCoverage", "Reporting", "QUICInitial", "CDNAttribution", "CDNReachability", "TransitionAnalysis", "FlowRecords",
            "CaptureTargets", "QuarterlyReport",
            "ReportHistory",
            "LiveMonitor",
        ]),
        .executable(name: "netcensus", targets: ["netcensus"]),
        .executable(name: "netcensus-bench", targets: ["NetCensusBench"]),
    ],
    // Postgres: the report history can also live in PostgreSQL (`--database postgresql://...`).
    // postgres-nio and its SwiftNIO/swift-nio-ssl tree cost minutes of build on 2 cores, so the
    // default build leaves it out; `swift build --traits Postgres` (and CI's test command) adds it.
    traits: [
        .trait(name: "Postgres", description: "PostgreSQL backend for the report history (postgres-nio)"),
        .default(enabledTraits: []),
    ],
    dependencies: [
        // Argument parsing: Apple's kept parser gives --help, validation and completion for free.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Heap (priority queue) for Dijkstra-style searches; only the HeapModule product is built.
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // Mergeable latency histograms (handshake RTT, DNS response time) beyond the exact range:
        // HdrHistogram is the field's standard, kept, Codable and mergeable; no need to write one.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // QUIC Initial decryption (HKDF-SHA256, AES-128-GCM, AES block for header protection): no hand-written cryptography.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // HTML for the quarterly report: Plot builds the page as typed nodes and escapes every
        // text node, so DNS names, SNI and node names cannot become markup (no string-built HTML).
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
        // Report history in SQLite: GRDB gives typed statements, transactions and a versioned
        // DatabaseMigrator over the system SQLite (Debian libsqlite3-dev), instead of hand-written
        // sqlite3 C calls; it builds in seconds.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Report history in PostgreSQL (several operators into one server): Vapor's postgres-nio is
        // the kept, pure-Swift wire-protocol client (SCRAM auth, typed binds); only fetched and
        // built with the Postgres trait.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // `capture live --metrics-listen`: swift-prometheus keeps the registry and the text
        // exposition format (escaping, HELP/TYPE); FlyingFox is a kept HTTP/1.1 server without
        // SwiftNIO. Both with swift-atomics and swift-metrics: 74 s of a clean debug build alone
        // (2 cores at load ~6, 2026-12-05), against the 2.5-4.5 minutes Hummingbird adds to
        // every CI run (SWIFT-NOTES probe); swift-nio alone was 23-70 s before any HTTP code.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // C libraries from Debian: libpcap-dev (live capture, BPF), zlib1g-dev (.gz captures),
        // libxml2-dev (GraphML).
        .systemLibrary(name: "CPcap", path: "Sources/CPcap", providers: [.apt(["libpcap-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // libxml2-dev: GraphML is parsed with libxml2's SAX2 pull parser (any file size; see GraphMLSAX).
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // Header only: __builtin_prefetch for the analysis tables (OpenTable.prefetch).
        .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),

        // Capture pipeline, left to right: records -> decoded layers -> analyses.
        .target(name: "CaptureCore", swiftSettings: releaseSpeed),
        // Shipped data files (target profiles, plan costs, CDN rules) found beside the executable
        // without Foundation's Bundle.main directory listing (BundledResource explains why).
        .target(name: "BundledResources"),
        .target(name: "CaptureFiles", dependencies: ["CaptureCore", "CZlib"], swiftSettings: releaseSpeed),
        .target(name: "LiveCapture", dependencies: ["CaptureCore", "CPcap"]),
        .target(name: "PacketDecoding", dependencies: ["CaptureCore"], swiftSettings: releaseSpeed),
        // Analyses depend on decoded packets only; a source is anything conforming to PacketSource.
        .target(name: "TrafficAnalysis", dependencies: [
            "CaptureCore", "PacketDecoding", "CPrefetch", .product(name: "Histogram", package: "hdrhistogram-swift"),
            // The connections' idle deadlines (a priority queue, `IdleDeadlines`).
            .product(name: "HeapModule", package: "swift-collections"),
        ], swiftSettings: releaseSpeed),
        // IPv4-to-IPv6 transition: mechanisms, NAT64/DNS64, devices, Happy Eyeballs races, the
        // IPv6-preferred share (docs/transition.md). Runs beside the core analyzers on the same
        // decoded packets and records; swift-crypto for Crypto-PAn (AES), no hand-written cryptography.
        .target(name: "TransitionAnalysis", dependencies: [
            "CaptureCore", "PacketDecoding", "TrafficAnalysis",
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
        ], swiftSettings: releaseSpeed),
        // Jobs: a capture file through the analysis pipeline (what the command, tests and bench run).
        .target(name: "CaptureJobs", dependencies: ["CaptureCore", "CaptureFiles", "PacketDecoding", "TrafficAnalysis", "TransitionAnalysis", "CZlib"],
                swiftSettings: releaseSpeed),
        // Live monitoring (issue 12): capture workers (one libpcap handle and one analysis state
        // each, optionally in one PACKET_FANOUT group), interval figures, pcapng output with
        // rotation, signals. docs/live.md.
        .target(name: "LiveMonitor", dependencies: [
            "CaptureCore", "CaptureFiles", "LiveCapture", "PacketDecoding", "TrafficAnalysis", "CDNReachability", "TransitionAnalysis",
        ]),
        // Flow records in: IPFIX (RFC 7011, files per RFC 5655) and NetFlow v9 (RFC 3954) messages,
        // templates per exporter and domain, sampling applied, adoption figures from flows.
        .target(name: "FlowRecords", dependencies: ["CaptureCore", "CaptureFiles", "PacketDecoding", "TrafficAnalysis"],
                swiftSettings: releaseSpeed),
        // Sample-capture scenarios and the packet builder behind Captures/: used by the command
        // (`capture synth`) and the tests, not part of the library product.
        .target(name: "CaptureSamples", dependencies: ["CaptureCore", "CaptureFiles"]),
        // QUIC v1/v2 Initial packets -> ClientHello (RFC 9001, RFC 9369); swift-crypto: no hand-written cryptography.
        .target(name: "QUICInitial", dependencies: [
            "CaptureCore", "PacketDecoding",
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
        ], swiftSettings: releaseSpeed),
        // CDN provider rules (shipped JSON resource, validated at load) and name-suffix / address-prefix matching.
        .target(name: "CDNAttribution", dependencies: ["PacketDecoding", "BundledResources"], resources: [.copy("Resources")],
                swiftSettings: releaseSpeed),
        // CDN reachability per provider and family: a PipelineExtension joining TLS/QUIC/HTTP names,
        // DNS answers and connection records. Its own module so TrafficAnalysis (and every build
        // and bench of it) never links swift-crypto; the figures it fills (CDNSummary) live in
        // TrafficAnalysis beside the other summaries, so Reporting does not link it either.
        .target(name: "CDNReachability", dependencies: [
            "CaptureCore", "PacketDecoding", "TrafficAnalysis", "QUICInitial", "CDNAttribution",
        ], swiftSettings: releaseSpeed),

        // Topology pipeline: graph algorithms (core) -> coverage model, import, scoring, planning.
        .target(name: "NetworkGraph", dependencies: [.product(name: "HeapModule", package: "swift-collections")],
                swiftSettings: releaseSpeed),
        .target(name: "TopologyCoverage", dependencies: [
            "NetworkGraph", "CLibXML2", "BundledResources",
        ], resources: [.copy("Resources")], swiftSettings: releaseSpeed),

        // Capture figures scored against the target profiles' capture rows (docs/targets.md).
        .target(name: "CaptureTargets", dependencies: ["TopologyCoverage", "TransitionAnalysis"]),
        // The quarterly report: one document model, rendered as HTML (Plot), Markdown, JSON, CSV.
        .target(name: "QuarterlyReport", dependencies: [
            "Reporting", "TrafficAnalysis", "TransitionAnalysis", "TopologyCoverage", "CaptureTargets", "ReportHistory",
            .product(name: "Plot", package: "Plot"),
        ]),

        // Rendering: the only layer that turns numbers into text; escapes untrusted strings in one place.
        .target(name: "Reporting", dependencies: [
            "TrafficAnalysis", "TransitionAnalysis", "TopologyCoverage", "CaptureTargets",
        ]),

        // Report history: every quarterly report's figures in SQLite (GRDB) or PostgreSQL
        // (postgres-nio, Postgres trait), one schema with versioned migrations (docs/history.md).
        .target(name: "ReportHistory", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
        ]),

        .executableTarget(name: "netcensus", dependencies: [
            "CaptureCore", "CaptureFiles", "LiveCapture", "PacketDecoding", "TrafficAnalysis", "TransitionAnalysis", "CaptureJobs", "CaptureSamples",
            "NetworkGraph", "TopologyCoverage", "Reporting", "CDNAttribution", "CDNReachability", "FlowRecords", "CaptureTargets", "QuarterlyReport",
            "ReportHistory", "LiveMonitor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            // SHA-256 of the report's inputs (methods section): swift-crypto, no hand-written hashing.
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "FlyingFox", package: "FlyingFox"),
        ]),
        .executableTarget(name: "NetCensusBench", dependencies: [
            "CaptureCore", "CaptureFiles", "PacketDecoding", "TrafficAnalysis", "TransitionAnalysis", "CaptureJobs", "NetworkGraph", "TopologyCoverage",
        ], path: "Benchmarks/NetCensusBench", swiftSettings: releaseSpeed),

        // Tests: one target per source target, plus corpus and CLI tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CaptureFilesTests", dependencies: ["CaptureFiles", "CaptureSamples", "TestSupport"]),
        .testTarget(name: "PacketDecodingTests", dependencies: ["PacketDecoding", "TestSupport"]),
        .testTarget(name: "TrafficAnalysisTests", dependencies: ["TrafficAnalysis", "CaptureFiles", "CaptureJobs", "CaptureSamples", "TestSupport"]),
        .testTarget(name: "TransitionAnalysisTests", dependencies: [
            "TransitionAnalysis", "TrafficAnalysis", "PacketDecoding", "CaptureFiles", "CaptureJobs", "CaptureSamples", "Reporting", "TestSupport",
        ]),
        .testTarget(name: "LiveCaptureTests", dependencies: ["LiveCapture", "LiveMonitor", "CaptureFiles", "TrafficAnalysis", "TestSupport"]),
        .testTarget(name: "CaptureCorpusTests", dependencies: [
            "CaptureFiles", "PacketDecoding", "TrafficAnalysis", "TransitionAnalysis", "CaptureJobs", "LiveCapture", "TestSupport",
        ]),
        .testTarget(name: "NetworkGraphTests", dependencies: ["NetworkGraph", "TestSupport"]),
        .testTarget(name: "TopologyCoverageTests", dependencies: ["TopologyCoverage", "BundledResources", "Reporting", "TestSupport"]),
        .testTarget(name: "NetCensusCLITests", dependencies: [
            "TestSupport", "CaptureCore", "CaptureFiles", "CaptureSamples", "FlowRecords",
            // The history CLI tests reopen the database the command wrote (after killing it mid-write).
            "ReportHistory",
        ]),
        .testTarget(name: "ReportHistoryTests", dependencies: ["ReportHistory", "TestSupport"]),
        .testTarget(name: "FlowRecordsTests", dependencies: ["FlowRecords", "CaptureFiles", "CaptureSamples", "TestSupport"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "TrafficAnalysis", "TestSupport"]),
        .testTarget(name: "QUICInitialTests", dependencies: [
            "QUICInitial", "PacketDecoding", "CaptureFiles", "CaptureSamples", "TestSupport",
            // The corpus and crafted SNI comparisons run the real CDN analyzer.
            "CDNReachability", "CDNAttribution", "CaptureJobs",
            // The tests seal Initial packets of their own (the inverse of what QUICInitial opens).
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .testTarget(name: "CaptureTargetsTests", dependencies: ["CaptureTargets", "TopologyCoverage", "TransitionAnalysis", "TestSupport"]),
        .testTarget(name: "QuarterlyReportTests", dependencies: [
            "QuarterlyReport", "CaptureTargets", "ReportHistory", "TopologyCoverage", "TrafficAnalysis", "TransitionAnalysis", "TestSupport",
        ]),
        .testTarget(name: "CDNAttributionTests", dependencies: ["CDNAttribution", "PacketDecoding", "TestSupport"]),
        .testTarget(name: "CDNReachabilityTests", dependencies: [
            "CDNReachability", "CDNAttribution", "QUICInitial", "TrafficAnalysis", "PacketDecoding", "CaptureCore",
            "CaptureFiles", "CaptureJobs", "CaptureSamples", "TestSupport",
        ]),
    ]
)
