import CaptureCore
import CaptureFiles
import PacketDecoding
import TrafficAnalysis
import Reporting
import FuzzSupport

/// The whole per-file path of `netcensus capture summarize` over an in-memory capture:
/// reader (pcap or pcapng by magic) -> `AnalysisPipeline` (decoder, every analyzer) -> summary
/// -> JSON, CSV and table renderers. Hostile timestamps, lengths and warning texts must all render.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSummarize(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let format = CaptureFileReader.detectFormat(bytes) else { return 0 }
    var source = MemoryCapture(bytes: bytes, format: format)
    var pipeline = AnalysisPipeline(source: "fuzz")
    let delivered = pipeline.run(&source)
    let summary = pipeline.finish()
    let report = source.report
    FuzzSupport.check(summary.packets == UInt64(report.packetsRead) && delivered.recordsDelivered == report.packetsRead,
                      "analyzer packets != records read")
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
