import Foundation
import TopologyCoverage
import FuzzSupport

/// GraphML importer (Topology Zoo dialect) on raw bytes; every thrown error must be a
/// `GraphMLError` naming file, line and column, and a result must be a consistent topology.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGraphML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        let t = try GraphMLImporter.parse(bytes, name: "fuzz.graphml")
        FuzzSupport.exercise(t, file: "fuzz.graphml")
    } catch let e as GraphMLError {
        FuzzSupport.check(!e.reason.isEmpty, "GraphMLError without a reason")
    } catch {
        FuzzSupport.check(false, "GraphML importer threw a foreign error: \(error)")
    }
    return 0
}

#if !FUZZING
@main struct FuzzGraphMLMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzGraphML (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
