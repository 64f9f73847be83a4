import CaptureJobs
import FuzzSupport

/// `CaptureState.parse` (the state files `capture merge` reads). Byte 0 even: the rest is a
/// whole file (framing, header, CRC); odd: the rest is a payload, framed with a correct header
/// and CRC-32 (`CaptureState.frame`) so mutations reach the JSON decoding of every figure.
/// Arbitrary bytes must give a state or a `CaptureStateError`, never a trap; a state that parses must serialize and parse
/// back to itself, and merging it with itself must be refused (every input would count twice)
/// unless it holds no packets.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzState(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let bytes = data[0] & 1 == 0 ? rest : CaptureState.frame(payload: rest)
    let state: CaptureState
    do { state = try CaptureState.parse(bytes, path: "fuzz") } catch is CaptureStateError { return 0 } catch {
        FuzzSupport.check(false, "parse threw \(type(of: error)), not CaptureStateError")
        return 0
    }
    guard let again = try? CaptureState.parse(try state.serialized(), path: "again") else {
        FuzzSupport.check(false, "a parsed state does not serialize and parse back")
        return 0
    }
    FuzzSupport.check(again == state, "state changed by a write/read round trip")
    _ = state.total
    _ = state.cdn
    let packets = state.files.contains { $0.summary.packets > 0 }
    let selfMerge = try? CaptureState.merge([("a", state), ("b", state)])
    FuzzSupport.check(packets ? selfMerge == nil : true, "a state with packets merged with itself")
    return 0
}

#if !FUZZING
@main struct FuzzStateMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzState (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
