#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaptureCore

/// Appends integers in a chosen byte order; shared by the pcap and pcapng writers.
struct ByteSink {
    var bytes: [UInt8] = []
    var big: Bool

    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: big ? v.bigEndian : v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: big ? v.bigEndian : v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: big ? v.bigEndian : v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func append(_ b: some Collection<UInt8>) { bytes.append(contentsOf: b) }
    mutating func pad4() { while bytes.count % 4 != 0 { bytes.append(0) } }
}

/// Why a writer could not store its bytes.
public struct CaptureWriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write: \(reason)" }
}

/// Writes `bytes` to `path` (created or truncated, mode 0644).
/// - Throws: `CaptureWriteError` with the errno text.
public func writeFile(_ bytes: [UInt8], to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw CaptureWriteError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    if let e = bytes.withUnsafeBytes({ writeFully($0, to: fd) }) {
        throw CaptureWriteError(path: path, reason: String(cString: strerror(e)))
    }
}
