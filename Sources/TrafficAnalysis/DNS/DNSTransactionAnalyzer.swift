import CaptureCore
import PacketDecoding

/// DNS transactions (`DNSTransactionTracker`: UDP, TCP streams, reassembled fragments) as an
/// analyzer: figures into `AdoptionSummary.dnsTransactions`, and records for `capture dns`.
///
/// Only packets that can carry DNS reach the tracker (a transport port 53, 5353 or 5355, or an
/// IP fragment, which may be part of a DNS datagram); every other packet only advances its clock
/// once per second of capture time, so unanswered queries still time out promptly and the
/// per-packet cost for non-DNS traffic is a few compares.
public struct DNSTransactionAnalyzer: PacketAnalyzer {
    @usableFromInline var tracker: DNSTransactionTracker
    @usableFromInline var summary = DNSSummary()
    @usableFromInline var packetNumber = 0
    @usableFromInline var lastExpire = Int64.min
    @usableFromInline let emitRecords: Bool
    @usableFromInline let countFigures: Bool
    /// Finished transactions waiting for a consumer (only when records are wanted).
    public var finished: [DNSTransaction] = []

    public init(options: AnalysisOptions = AnalysisOptions()) {
        tracker = DNSTransactionTracker()
        emitRecords = options.emitDNSRecords
        countFigures = options.countFlowFigures
    }

    @inlinable @inline(__always)
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        packetNumber &+= 1
        if Self.mayCarryDNS(packet) {
            addToTracker(record, &packet)
        } else if record.hasTimestamp && record.timestamp &- lastExpire >= 1_000_000_000 {
            expire(record.timestamp)
        }
    }

    @inlinable @inline(__always)
    static func mayCarryDNS(_ p: DecodedPacket) -> Bool {
        if let t = p.transport {
            let s = t.sourcePort, d = t.destinationPort
            if s == 53 || d == 53 || s == 5353 || d == 5353 || s == 5355 || d == 5355 { return true }
        }
        for l in p.ipLayers where l.isFragment && !l.isICMPQuote { return true }
        return false
    }

    @usableFromInline mutating func addToTracker(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        var batch = takeScratch()
        tracker.add(packet: record.bytes, decoded: packet, timestamp: record.timestamp, packetNumber: packetNumber) { batch.append($0) }
        absorb(&batch)
        lastExpire = record.timestamp
    }

    @usableFromInline mutating func expire(_ now: Int64) {
        lastExpire = now
        var batch = takeScratch()
        tracker.expire(now: now) { batch.append($0) }
        absorb(&batch)
    }

    /// Finishes pending queries (unanswered at the end of the capture) without the summary step.
    public mutating func flush() {
        var batch = takeScratch()
        tracker.finish { batch.append($0) }
        absorb(&batch)
    }

    // Transactions are collected into a reusable buffer first and counted afterwards, so the
    // summary (with its name table) is never copied inside a closure.
    @usableFromInline var scratch: [DNSTransaction] = []

    @usableFromInline mutating func takeScratch() -> [DNSTransaction] {
        var b: [DNSTransaction] = []
        swap(&b, &scratch)
        return b
    }

    @usableFromInline mutating func absorb(_ batch: inout [DNSTransaction]) {
        for t in batch {
            if countFigures { summary.count(t) }
            if emitRecords { finished.append(t) }
        }
        batch.removeAll(keepingCapacity: true)
        swap(&batch, &scratch)
    }

    public mutating func finish(into s: inout AdoptionSummary) {
        flush()
        finished.removeAll()
        guard countFigures else { return }
        summary.mdnsPackets = UInt64(tracker.extractor.counters.mdnsPackets)
        summary.llmnrPackets = UInt64(tracker.extractor.counters.llmnrPackets)
        s.dnsTransactions.merge(summary)
        summary = DNSSummary()
    }
}
