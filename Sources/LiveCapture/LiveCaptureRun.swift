import CaptureCore

/// One bounded capture on a live interface as a `PacketSource`, so live traffic goes through
/// the same analysis pipeline as files. Stops at `duration` seconds or `maxPackets` records
/// (or when the consumer says stop); read errors become a warning, and libpcap's counters
/// (received, dropped) are kept in `statistics`.
public struct LiveCaptureRun: PacketSource {
    public let source: LiveCaptureSource
    public let duration: Double
    public let maxPackets: Int
    /// Filled by `deliver`.
    public private(set) var statistics = LiveCaptureStatistics()

    public init(source: LiveCaptureSource, duration: Double, maxPackets: Int = .max) {
        self.source = source
        self.duration = duration
        self.maxPackets = maxPackets
    }

    public var sourceName: String { source.interface }

    public mutating func deliver(_ body: (PacketRecord) -> Bool) -> PacketSourceReport {
        var report = PacketSourceReport(recordsDelivered: 0, linkTypes: [source.linkType], warnings: [])
        do {
            statistics = try source.run(duration: duration, maxPackets: maxPackets, body)
        } catch {
            report.warnings.append(CaptureWarning(file: source.interface, byteOffset: 0, code: "read_failed", reason: "\(error)"))
        }
        report.recordsDelivered = statistics.packets
        return report
    }
}
