import CaptureCore
import CaptureFiles

/// An in-memory capture as a `PacketSource` (the pipeline reads sources; files need a path).
public struct MemoryCapture: PacketSource {
    public let bytes: UnsafeRawBufferPointer
    public let format: CaptureFileFormat
    public var report = CaptureFileReport(path: "fuzz", format: .pcap)
    public var sourceName: String { "fuzz" }

    public init(bytes: UnsafeRawBufferPointer, format: CaptureFileFormat) { self.bytes = bytes; self.format = format }

    public mutating func deliver(_ body: (PacketRecord) -> Bool) -> PacketSourceReport {
        struct Stop: Error {}
        let visit = { (r: PacketRecord) throws in if !body(r) { throw Stop() } }
        do {
            report = format == .pcap
                ? try PcapReader(path: "fuzz", bytes: bytes).read(visit)
                : try PcapngReader(path: "fuzz", bytes: bytes).read(visit)
        } catch {
            return PacketSourceReport()
        }
        return PacketSourceReport(recordsDelivered: report.packetsRead, linkTypes: report.linkTypes, warnings: report.warnings)
    }
}
