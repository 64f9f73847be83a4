import TopologyCoverage
import FuzzSupport

/// SNDlib native-format importer on text (invalid UTF-8 is repaired as `SNDlibImporter.load` does).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSNDlib(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let t = try SNDlibImporter.parse(text, file: "fuzz.txt")
        FuzzSupport.exercise(t, file: "fuzz.txt")
    } catch let e as TopologyImportError {
        FuzzSupport.check(!e.reason.isEmpty, "TopologyImportError without a reason")
    } catch {
        FuzzSupport.check(false, "SNDlib importer threw a foreign error: \(error)")
    }
    return 0
}

#if !FUZZING
@main struct FuzzSNDlibMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzSNDlib (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
