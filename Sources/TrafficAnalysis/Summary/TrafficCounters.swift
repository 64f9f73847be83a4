/// Packet and byte counters kept per family, flow, host or connection direction.
public struct TrafficCounters: Hashable, Sendable, Codable {
    public var packets: UInt64 = 0
    /// Bytes on the wire (original lengths).
    public var bytes: UInt64 = 0
    public init(packets: UInt64 = 0, bytes: UInt64 = 0) { self.packets = packets; self.bytes = bytes }

    /// Adds `o`'s packets and bytes (summaries merge by adding counters).
    public mutating func merge(_ o: TrafficCounters) { packets += o.packets; bytes += o.bytes }
}
