import CaptureCore
import CaptureFiles
import FuzzSupport

/// Resynchronisation after damage, and the chunked file path against the in-memory one.
///
/// Input: 8 bytes of damage spec, then a capture file. Spec: u32 start (mod the capture size),
/// u16 length (1 + value, at most 64 KiB), u16 seed. The capture is read clean, then with the
/// damaged range overwritten by bytes from a SplitMix64 seeded with `seed` (the fuzzer steers
/// where and how much, not what the garbage says). Checks besides "no trap, no ASan report":
/// * a record delivered after the damage at an offset where the clean read had a record is
///   that record, byte for byte, when the damage spared the metadata (file header, section and
///   interface blocks, whose damage can change what later records mean without breaking any
///   length);
/// * the damaged bytes read from a file (pread window) and from the same file gzip-compressed
///   (streamed inflate) give exactly the records and reader warnings of the in-memory read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResync(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 8 + 4 else { return 0 }
    let spec = UnsafeRawBufferPointer(start: data, count: 8)
    var capture = Array(UnsafeRawBufferPointer(start: data + 8, count: size - 8))
    let format: CaptureFileFormat = capture.withUnsafeBytes { CaptureFileReader.detectFormat($0) } ?? .pcap
    let clean = records(capture, format)
    let start = Int(spec.load(fromByteOffset: 0, as: UInt32.self).littleEndian) % capture.count
    let end = min(capture.count, start + 1 + Int(spec.load(fromByteOffset: 4, as: UInt16.self).littleEndian))
    var state = UInt64(spec.load(fromByteOffset: 6, as: UInt16.self).littleEndian)
    for i in start..<end {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        capture[i] = UInt8(truncatingIfNeeded: z ^ (z >> 31))
    }
    // Damage over the magic can change the format: read as the file reader would.
    let damagedFormat = capture.withUnsafeBytes { CaptureFileReader.detectFormat($0) } ?? .pcap
    let damaged = records(capture, damagedFormat)
    var original: [Int: Record] = [:]
    for r in clean.records { original[r.offset] = r }
    // Damage inside the file header, a section header or an interface description changes what
    // later records mean (link type, timestamp unit, snaplen) without breaking any length: no
    // reader can notice, so records are compared only when the damage spared that metadata.
    let sparedMetadata = !metadataRanges(Array(UnsafeRawBufferPointer(start: data + 8, count: size - 8)), format)
        .contains { $0.overlaps(start..<end) }
    for r in damaged.records where r.offset >= end && sparedMetadata && damagedFormat == format {
        if let o = original[r.offset] {
            FuzzSupport.check(o == r, "record at \(r.offset) after the damage \(start)..<\(end) differs from the clean read")
        }
    }
    // The same damaged bytes through the file and gzip windows.
    let path = capture.withUnsafeBytes { FuzzSupport.writeTemporary($0, name: "resync.cap") }
    if let reader = try? CaptureFileReader(path: path) {
        var got: [Record] = []
        let report = reader.forEachPacket { got.append(Record($0)) }
        FuzzSupport.check(got == damaged.records, "file read differs from the memory read")
        FuzzSupport.check(report.warnings.map(Finding.init) == damaged.warnings.map(Finding.init),
                          "file warnings differ: \(report.warnings) vs \(damaged.warnings)")
    }
    if let gz = Gzip.compress(capture, level: 1) {
        let gzPath = gz.withUnsafeBytes { FuzzSupport.writeTemporary($0, name: "resync.cap.gz") }
        if let reader = try? CaptureFileReader(path: gzPath) {
            var got: [Record] = []
            let report = reader.forEachPacket { got.append(Record($0)) }
            FuzzSupport.check(got == damaged.records, "gzip read differs from the memory read")
            FuzzSupport.check(report.warnings.filter { !$0.code.hasPrefix("gzip_") }.map(Finding.init) == damaged.warnings.map(Finding.init),
                              "gzip warnings differ: \(report.warnings) vs \(damaged.warnings)")
        }
    }
    return 0
}

/// Byte ranges of a clean capture that are not packet records: the pcap file header, or every
/// pcapng block other than EPB/SPB/OPB (walked by their lengths; stops at the first bad one).
func metadataRanges(_ bytes: [UInt8], _ format: CaptureFileFormat) -> [Range<Int>] {
    guard format == .pcapng else { return [0..<min(24, bytes.count)] }
    var ranges: [Range<Int>] = [], offset = 0, big = false
    while offset + 12 <= bytes.count {
        if bytes[offset..<(offset + 4)].elementsEqual([0x0a, 0x0d, 0x0d, 0x0a]) { big = bytes[offset + 8] == 0x1a }
        func u32(_ at: Int) -> Int {
            let v = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            return big ? v : Int(UInt32(truncatingIfNeeded: v).byteSwapped)
        }
        let type = u32(offset), length = u32(offset + 4)
        guard length >= 12, length <= bytes.count - offset else { ranges.append(offset..<bytes.count); break }
        if ![2, 3, 6].contains(type) { ranges.append(offset..<(offset + length)) }
        offset += length
    }
    return ranges
}

/// A warning without its file name (the memory read says "fuzz", the file reads a temp path).
struct Finding: Equatable {
    var offset: Int, code: String, reason: String
    init(_ w: CaptureWarning) { offset = w.byteOffset; code = w.code; reason = w.reason }
}

/// A record copied out of the reader callback.
struct Record: Equatable {
    var offset: Int, timestamp: Int64, caplen: Int, length: Int, linkType: UInt16, interface: Int, bytes: [UInt8]
    init(_ r: PacketRecord) {
        offset = r.fileOffset; timestamp = r.timestamp; caplen = r.capturedLength; length = r.originalLength
        linkType = r.linkType.rawValue; interface = r.interfaceIndex; bytes = Array(r.bytes)
    }
}

func records(_ bytes: [UInt8], _ format: CaptureFileFormat) -> (records: [Record], warnings: [CaptureWarning]) {
    var out: [Record] = []
    let report = bytes.withUnsafeBytes { raw in
        format == .pcap
            ? PcapReader(path: "fuzz", bytes: raw).read { out.append(Record($0)) }
            : PcapngReader(path: "fuzz", bytes: raw).read { out.append(Record($0)) }
    }
    return (out, report.warnings)
}

#if !FUZZING
@main struct FuzzResyncMain {
    static func main() { print("fuzz target: build with Fuzz/run.sh FuzzResync (needs -DFUZZING and -sanitize=fuzzer)") }
}
#endif
