#if canImport(Glibc)
import Glibc
#endif
import TopologyCoverage
import FuzzSupport

/// CSV pair importer: the input is `nodes.csv`, a NUL byte, then `links.csv` (no NUL: all of it
/// is nodes.csv and links.csv is empty). Both go to temporary files, since the API reads paths.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVPair(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let all = UnsafeRawBufferPointer(start: data, count: size)
    let split = all.firstIndex(of: 0) ?? size
    let nodes = FuzzSupport.writeTemporary(UnsafeRawBufferPointer(rebasing: all[0..<split]), name: "nodes.csv")
    let links = FuzzSupport.writeTemporary(UnsafeRawBufferPointer(rebasing: all[min(split + 1, size)..<size]), name: "links.csv")
    do {
        let t = try CSVPairImporter.load(nodes: nodes, links: links)
        FuzzSupport.exercise(t, file: nodes)
    } catch let e as TopologyImportError {
        FuzzSupport.check(!e.reason.isEmpty, "TopologyImportError without a reason")
    } catch {
        FuzzSupport.check(false, "CSV importer threw a foreign error: \(error)")
    }
    return 0
}

#if !FUZZING
@main struct FuzzCSVPairMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzCSVPair (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
