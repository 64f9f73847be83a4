import FlowRecords
import FuzzSupport

/// IPFIX / NetFlow v9 reader: byte 0 bit 0 selects a stream (a file of back-to-back messages) or
/// datagrams (the rest cut into parts of `[len u16][bytes]`, each one message, as a collector
/// gets them). A tiny template cap (16) and many domains reach the bounds.
/// Checks: records only from decoded data sets (data records counted = records delivered);
/// warnings within the cap; offsets inside the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFlows(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    var reader = FlowExportReader(source: "fuzz", maxTemplates: 16, maxDomains: 16)
    var summary = FlowSummary()
    var delivered = 0
    if data[0] & 1 == 0 {
        reader.readStream(input) { summary.add($0); delivered += 1 }
    } else {
        var at = 0
        while at + 2 <= input.count {
            let n = min(Int(input[at]) << 8 | Int(input[at + 1]), input.count - at - 2)
            let datagram = UnsafeRawBufferPointer(rebasing: input[(at + 2)..<(at + 2 + n)])
            _ = reader.readMessage(datagram, at: 0, exporter: UInt64(at & 3)) { summary.add($0); delivered += 1 }
            at += 2 + n
        }
    }
    FuzzSupport.check(reader.counters.dataRecords == delivered, "data records \(reader.counters.dataRecords) != delivered \(delivered)")
    FuzzSupport.check(summary.ipv4.flows + summary.ipv6.flows + summary.noAddress.flows == UInt64(delivered), "flows do not add up")
    FuzzSupport.check(reader.warnings.count <= 1000, "warnings over the cap")
    for w in reader.warnings { FuzzSupport.check(w.byteOffset >= 0 && w.byteOffset <= input.count, "warning offset \(w.byteOffset) outside \(input.count)") }
    return 0
}

#if !FUZZING
@main struct FuzzFlowsMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzFlows (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
