import TopologyCoverage
import FuzzSupport

/// GeoJSON importer (nodes as Points, links as (Multi)LineStrings) through a temporary file,
/// since its API reads paths.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzSupport.writeTemporary(UnsafeRawBufferPointer(start: data, count: size), name: "topology.geojson")
    do {
        let t = try GeoJSONImporter.load(path: path)
        FuzzSupport.exercise(t, file: path)
    } catch let e as TopologyImportError {
        FuzzSupport.check(!e.reason.isEmpty, "TopologyImportError without a reason")
    } catch {
        FuzzSupport.check(false, "GeoJSON importer threw a foreign error: \(error)")
    }
    return 0
}

#if !FUZZING
@main struct FuzzGeoJSONMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzGeoJSON (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
