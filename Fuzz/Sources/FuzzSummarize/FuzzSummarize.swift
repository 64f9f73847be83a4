import CaptureCore
import CaptureFiles
import PacketDecoding
import TrafficAnalysis
import Reporting
import FuzzSupport

nonisolated(unsafe) var decoder = PacketDecoder()
nonisolated(unsafe) var packet = DecodedPacket()

/// The whole per-file path of `netcensus capture summarize` over an in-memory capture:
/// reader (pcap or pcapng by magic) -> decoder -> AdoptionAnalyzer -> summary -> JSON, CSV and
/// table renderers. Hostile timestamps, lengths and warning texts must all render.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSummarize(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let format = CaptureFileReader.detectFormat(bytes) else { return 0 }
    var analyzer = AdoptionAnalyzer(source: "fuzz", expectedFlows: 16)
    let visit = { (r: PacketRecord) in
        decoder.decode(r.bytes, linkType: r.linkType, originalLength: r.originalLength, into: &packet)
        analyzer.add(r, packet)
    }
    let report = format == .pcap
        ? PcapReader(path: "fuzz", bytes: bytes).read(visit)
        : PcapngReader(path: "fuzz", bytes: bytes).read(visit)
    for w in report.warnings { analyzer.add(warning: w) }
    let summary = analyzer.summary()
    FuzzSupport.check(summary.packets == UInt64(report.packetsRead), "analyzer packets != records read")
    var total = AdoptionSummary()
    total.merge(summary)
    let doc = CaptureSummaryReport.document(
        files: [(CaptureSummaryReport.FileFacts(path: "fuzz", format: format.rawValue, recordsRead: report.packetsRead), summary)],
        total: total, filter: nil, tool: "fuzz")
    _ = JSONRenderer.render(doc, indent: 2)
    _ = CSVRenderer.render(rows: CaptureSummaryReport.csvRows(doc))
    _ = CaptureTableRenderer.render(doc, perFile: true)
    return 0
}

#if !FUZZING
@main struct FuzzSummarizeMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzSummarize (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
