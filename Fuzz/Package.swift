// swift-tools-version: 6.1
// libFuzzer harness for NetCensus, kept out of the root package so a plain `swift build` /
// `swift test` never sees the fuzzer entry points (SWIFT-NOTES.md gotcha 4c).
// Build and run through `Fuzz/run.sh TARGET SECONDS` (see Fuzz/README.md).
import PackageDescription

// Each fuzz executable defines `LLVMFuzzerTestOneInput`; with -DFUZZING libFuzzer supplies main,
// without it a dummy @main keeps a plain build linking. -parse-as-library lets top-level code
// (the @_cdecl function) live in main.swift-less executables.
let fuzzSettings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
let kit: Target.Dependency = .product(name: "NetCensusKit", package: "NetCensus")

let package = Package(
    name: "NetCensusFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        // The root package by path. `name:` pins the identity used below whatever the checkout
        // folder is called (main, wt-fuzz, ...).
        .package(name: "NetCensus", path: ".."),
    ],
    targets: [
        // Shared helpers: link-type selector, temp files, invariant checks.
        .target(name: "FuzzSupport", dependencies: [kit], path: "Sources/FuzzSupport"),
        // bytes -> pcap / pcapng reader (and streamed gzip via CaptureFileReader when the input starts 1f 8b).
        .executableTarget(name: "FuzzCaptureFiles", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzCaptureFiles", swiftSettings: fuzzSettings),
        // 8-byte damage spec + capture -> clean and damaged reads (resynchronisation), and the
        // damaged bytes through the file (pread) and gzip (streamed) windows vs memory.
        .executableTarget(name: "FuzzResync", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzResync", swiftSettings: fuzzSettings),
        // first byte -> link type, rest -> PacketDecoder.decode.
        .executableTarget(name: "FuzzPacketDecoder", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzPacketDecoder", swiftSettings: fuzzSettings),
        // bytes as a capture file -> reader -> decoder -> AdoptionAnalyzer -> summary (what
        // `netcensus capture summarize` does per file).
        .executableTarget(name: "FuzzSummarize", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzSummarize", swiftSettings: fuzzSettings),
        // Topology importers: GraphML (in memory), SNDlib (in memory), GeoJSON and CSV pair
        // (through a temporary file: their public API takes paths).
        .executableTarget(name: "FuzzGraphML", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzGraphML", swiftSettings: fuzzSettings),
        .executableTarget(name: "FuzzSNDlib", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzSNDlib", swiftSettings: fuzzSettings),
        .executableTarget(name: "FuzzGeoJSON", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzGeoJSON", swiftSettings: fuzzSettings),
        .executableTarget(name: "FuzzCSVPair", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzCSVPair", swiftSettings: fuzzSettings),
        // TLS ClientHello parser + accumulator (split/reordered segments); QUIC Initial reader
        // (datagrams) and frame walk / CRYPTO reassembly (as decrypted payloads).
        .executableTarget(name: "FuzzClientHello", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzClientHello", swiftSettings: fuzzSettings),
        .executableTarget(name: "FuzzQUICInitial", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzQUICInitial", swiftSettings: fuzzSettings),
        // DNS transactions end to end: fuzz bytes -> raw IPv4/IPv6 UDP/TCP packets (fragmented
        // on request) -> AnalysisPipeline (reassembly, DNS-over-TCP streams, parser, tracker).
        .executableTarget(name: "FuzzDNS", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzDNS", swiftSettings: fuzzSettings),
        // IPFIX / NetFlow v9 reader: a stream of messages or datagrams, tiny template caps.
        .executableTarget(name: "FuzzFlows", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzFlows", swiftSettings: fuzzSettings),
        // CDN reachability analysis (pipeline extension: TLS/QUIC/HTTP content, DNS answers,
        // connection records) over a capture, with tight caps, and its renderers.
        .executableTarget(name: "FuzzCDN", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzCDN", swiftSettings: fuzzSettings),
        // Capture state files (capture merge's input): parse, round trip, self-merge refused.
        .executableTarget(name: "FuzzState", dependencies: [kit, "FuzzSupport"],
                          path: "Sources/FuzzState", swiftSettings: fuzzSettings),
        // Seed writer (its own entry point, also in the sanitized build): writes seed inputs for the
        // decoder and CSV targets, derived from ../shared and Captures/, into the git-ignored
        // working corpus. Shared files are read in place, never copied into the repository.
        .executableTarget(name: "FuzzSeeds", dependencies: [kit], path: "Sources/FuzzSeeds",
                          swiftSettings: fuzzSettings),
    ]
)
