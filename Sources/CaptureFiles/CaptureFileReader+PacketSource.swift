import CaptureCore

/// A capture file is a `PacketSource`: the analysis pipeline reads files and live interfaces
/// through the same protocol.
extension CaptureFileReader: PacketSource {
    public var sourceName: String { path }

    /// Thrown inside `forEachPacket` to stop early when the body returns false.
    private struct StopRequested: Error {}

    public mutating func deliver(_ body: (PacketRecord) -> Bool) -> PacketSourceReport {
        var delivered = 0
        let report: CaptureFileReport
        do {
            report = try forEachPacket { record in
                delivered += 1
                if !body(record) { throw StopRequested() }
            }
        } catch {
            // Stopped by the body: the records so far were delivered; nothing else to report.
            return PacketSourceReport(recordsDelivered: delivered, linkTypes: [], warnings: [])
        }
        return PacketSourceReport(recordsDelivered: report.packetsRead,
                                  linkTypes: report.interfaces.map(\.linkType), warnings: report.warnings)
    }
}
