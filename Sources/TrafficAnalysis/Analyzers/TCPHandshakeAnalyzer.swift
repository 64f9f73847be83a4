import CaptureCore
import PacketDecoding

/// TCP connection openings per family: SYN (SYN=1, ACK=0) and SYN-ACK segments, counted per
/// packet (retransmissions count), by the family of the IP header directly carrying the TCP
/// header (RFC 9293 section 3.5; the corpus's `tcp_syn_*` columns).
public struct TCPHandshakeAnalyzer: PacketAnalyzer {
    @usableFromInline var counters = HandshakeCounters()

    public init() {}

    @inlinable @inline(__always)
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        guard let t = packet.transport, t.protocolNumber == 6, t.ipLayerIndex < packet.ipLayers.count else { return }
        let v6 = packet.ipLayers[t.ipLayerIndex].family == .v6
        if t.isSYN { if v6 { counters.synV6 &+= 1 } else { counters.synV4 &+= 1 } }
        else if t.isSYNACK { if v6 { counters.synAckV6 &+= 1 } else { counters.synAckV4 &+= 1 } }
    }

    public mutating func finish(into s: inout AdoptionSummary) { s.tcp.merge(counters) }
}
