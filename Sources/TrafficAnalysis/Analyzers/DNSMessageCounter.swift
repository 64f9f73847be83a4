import CaptureCore
import PacketDecoding

/// DNS messages per packet (RFC 1035 section 4.1.1, port 53, not inside ICMP errors): queries
/// and responses asking A / AAAA / other, and A / AAAA answer records. A message whose
/// questions include both types counts under both (the corpus's `dns_query_*` columns).
public struct DNSMessageCounter: PacketAnalyzer {
    @usableFromInline var counters = DNSCounters()

    public init() {}

    @inlinable @inline(__always)
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        guard let d = packet.dns else { return }
        if d.isResponse {
            if d.asksA { counters.responsesA &+= 1 }
            if d.asksAAAA { counters.responsesAAAA &+= 1 }
            if !d.asksA && !d.asksAAAA { counters.responsesOther &+= 1 }
            counters.answersA &+= UInt64(d.answersA)
            counters.answersAAAA &+= UInt64(d.answersAAAA)
        } else {
            if d.asksA { counters.queriesA &+= 1 }
            if d.asksAAAA { counters.queriesAAAA &+= 1 }
            if !d.asksA && !d.asksAAAA { counters.queriesOther &+= 1 }
        }
    }

    public mutating func finish(into s: inout AdoptionSummary) { s.dns.merge(counters) }
}
