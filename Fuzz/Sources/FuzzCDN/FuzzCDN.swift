import CaptureCore
import CaptureFiles
import CDNAttribution
import CDNReachability
import Foundation
import PacketDecoding
import Reporting
import TrafficAnalysis
import FuzzSupport

/// Small rules covering the name, chain and prefix paths (the shipped file is read through
/// Bundle.module, which the fuzz build does not need to exercise).
let rules = CDNMatcher(try! CDNRules.load(data: Data("""
    {"format": "netcensus-cdn-rules", "version": 1, "providers": [
      {"name": "A", "sources": [{"url": "https://a.example/r", "retrieved": "2026-12-01",
        "suffixes": ["cloudfront.net", "example.com", "google.com"], "prefixes": ["0.0.0.0/1", "2000::/3"]}]},
      {"name": "B", "sources": [{"url": "https://b.example/r", "retrieved": "2026-12-01",
        "suffixes": ["akamaiedge.net", "example.net"], "prefixes": ["128.0.0.0/1", "::/3"]}]}
    ]}
    """.utf8), fileName: "fuzz-rules.json"))

/// The CDN analysis as `netcensus capture summarize` and `capture cdn` run it, over an
/// in-memory capture: reader -> pipeline with the CDNAnalyzer extension (TLS ClientHello on any
/// port, QUIC Initial decryption, HTTP Host, ServerHello, DNS answers, connection records) with
/// tight caps (so eviction and parser-slot paths run) -> CDNSummary -> JSON, CSV and table.
/// Checks: every group's figures are consistent (handshakes <= attempts, successes <=
/// handshakes, ServerHellos <= ClientHellos <= attempts, QUIC answered <= attempts, RTT samples
/// <= handshakes), every connection is counted once by attribution and by name source, names
/// are capped, and every renderer runs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCDN(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let format = CaptureFileReader.detectFormat(bytes) else { return 0 }
    var source = MemoryCapture(bytes: bytes, format: format)
    var options = AnalysisOptions()
    options.emitConnectionRecords = true
    options.emitDNSRecords = true
    options.maxConnections = 64
    var cdnOptions = CDNAnalyzerOptions()
    cdnOptions.maxFlows = 8
    cdnOptions.maxParsers = 2
    cdnOptions.maxAddressNames = 8
    cdnOptions.maxNames = 8
    var cdn = CDNAnalyzer(matcher: rules, options: cdnOptions)
    var pipeline = AnalysisPipeline(source: "fuzz", options: options)
    _ = pipeline.run(&source, extension: &cdn)
    _ = pipeline.finish(extension: &cdn)
    let s = cdn.finish()

    let byMethod = s.attributedBy.values.reduce(0, +) + s.unattributed
    let bySource = s.namedBy.values.reduce(0, +) + s.unnamed
    FuzzSupport.check(byMethod == s.connections && bySource == s.connections, "connections not counted once")
    FuzzSupport.check(s.names.count <= cdnOptions.maxNames, "name rows beyond the cap")
    for (name, g) in s.names {
        // Names over 255 bytes as sent are refused; bytes that are not UTF-8 are kept as \xNN
        // (up to 4 bytes each), so a kept name is at most 4 × 255 bytes (docs/cdn.md).
        FuzzSupport.check(name.utf8.count <= 4 * 255 && !name.isEmpty, "name not capped")
        check(g)
    }
    for g in s.providers.values { check(g) }

    let doc = CDNReport.document(s, by: .name, rules: "fuzz", files: ["fuzz"], tool: "fuzz")
    _ = JSONRenderer.render(doc, indent: 2)
    _ = CSVRenderer.render(rows: CDNReport.csvRows(doc))
    _ = CDNReport.table(doc)
    _ = CDNReport.table(CDNReport.document(s, by: .provider, rules: "fuzz", files: ["fuzz"], tool: "fuzz"))
    return 0
}

func check(_ g: CDNGroupFigures) {
    for f in [g.ipv4, g.ipv6] {
        FuzzSupport.check(f.handshakes <= f.attempts && f.successes <= f.handshakes, "handshakes/successes beyond attempts")
        FuzzSupport.check(f.tlsServerHellos <= f.tlsClientHellos && f.tlsClientHellos <= f.attempts, "hello counts inconsistent")
        FuzzSupport.check(f.quicAnswered <= f.quicAttempts, "QUIC answered beyond attempts")
        FuzzSupport.check(UInt64(f.handshakeRTT.count) <= f.handshakes, "RTT samples beyond handshakes")
    }
}

#if !FUZZING
@main struct FuzzCDNMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzCDN (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
