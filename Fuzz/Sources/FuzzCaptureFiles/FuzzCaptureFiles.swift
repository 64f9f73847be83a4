import CaptureCore
import CaptureFiles
import FuzzSupport

/// Capture file readers over an in-memory buffer. Checks, besides "no trap, no ASan report":
/// every record lies inside the file, its byte count equals its caplen, warnings name offsets
/// inside the file, and the counts in the report match the records delivered.
/// Inputs that start with the gzip magic also go through `CaptureFileReader(path:)` via a
/// temporary file, which inflates them (the decompression bound is part of what is tested).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCaptureFiles(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let base = Int(bitPattern: data)
    // Both readers on every input, whatever the magic: each must reject foreign bytes cleanly.
    for format in [CaptureFileFormat.pcap, .pcapng] {
        var delivered = 0, captured = 0
        let visit = { (r: PacketRecord) in
            let start = Int(bitPattern: r.bytes.baseAddress) - base
            FuzzSupport.check(r.bytes.count == 0 || (start >= 0 && start + r.bytes.count <= size),
                              "record bytes outside the file")
            FuzzSupport.check(r.bytes.count == r.capturedLength, "bytes.count \(r.bytes.count) != caplen \(r.capturedLength)")
            FuzzSupport.check(r.fileOffset >= 0 && r.fileOffset < size, "record offset \(r.fileOffset) outside file of \(size)")
            var sum: UInt8 = 0
            for b in r.bytes { sum &+= b }   // touch every byte so ASan sees any overrun
            _ = sum
            delivered += 1
            captured += r.capturedLength
        }
        let report = format == .pcap
            ? PcapReader(path: "fuzz", bytes: bytes).read(visit)
            : PcapngReader(path: "fuzz", bytes: bytes).read(visit)
        FuzzSupport.check(report.packetsRead == delivered, "packetsRead \(report.packetsRead) != delivered \(delivered)")
        FuzzSupport.check(report.capturedBytes == captured, "capturedBytes mismatch")
        for w in report.warnings {
            FuzzSupport.check(w.byteOffset >= 0 && w.byteOffset <= size, "warning offset \(w.byteOffset) outside file of \(size): \(w)")
            FuzzSupport.check(!w.code.isEmpty && !w.reason.isEmpty, "warning without code or reason")
        }
    }
    if size >= 2, data[0] == 0x1f, data[1] == 0x8b {
        let path = FuzzSupport.writeTemporary(bytes, name: "capture.gz")
        if let reader = try? CaptureFileReader(path: path) {
            _ = reader.scan()
        }
    }
    return 0
}

#if !FUZZING
@main struct FuzzCaptureFilesMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzCaptureFiles (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
