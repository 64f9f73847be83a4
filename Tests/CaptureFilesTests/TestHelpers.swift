import CaptureCore
@testable import CaptureFiles
import Foundation
import TestSupport

/// A record copied out of the reader callback (the borrowed bytes die with the callback).
struct Got: Equatable {
    var timestamp: Int64
    var capturedLength: Int
    var originalLength: Int
    var linkType: LinkType
    var interfaceIndex: Int
    var fileOffset: Int
    var bytes: [UInt8]
}

/// Reads `bytes` with the reader for `format`, or for the format detected by magic (like the
/// façade; pcap when nothing is detected).
func readBytes(_ bytes: [UInt8], path: String = "mem.cap", format: CaptureFileFormat? = nil) -> ([Got], CaptureFileReport) {
    var got: [Got] = []
    let report: CaptureFileReport = bytes.withUnsafeBytes { raw in
        let sink: (PacketRecord) -> Void = { r in
            got.append(Got(timestamp: r.timestamp, capturedLength: r.capturedLength, originalLength: r.originalLength,
                           linkType: r.linkType, interfaceIndex: r.interfaceIndex, fileOffset: r.fileOffset, bytes: Array(r.bytes)))
        }
        switch format ?? CaptureFileReader.detectFormat(raw) {
        case .pcapng?: return PcapngReader(path: path, bytes: raw).read(sink)
        default: return PcapReader(path: path, bytes: raw).read(sink)
        }
    }
    return (got, report)
}

/// Writes `bytes` to a fresh temporary file and returns its path.
func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
    let dir = SharedData.temporaryDirectory("capturefiles")
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}
