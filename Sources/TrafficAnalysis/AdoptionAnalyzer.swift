import CaptureCore
import PacketDecoding

/// Accumulates an `AdoptionSummary` from decoded packets, one analyzer per capture file (or per
/// worker). The per-packet path does no allocation once its tables have grown to the capture's
/// number of flows and addresses: counters are stored fields and fixed arrays, and flows and
/// addresses go into open-addressing tables (`FlowTable`, `HostTable`).
public struct AdoptionAnalyzer: Sendable {
    public let source: String
    @usableFromInline var s = AdoptionSummary()
    @usableFromInline var flowTable: FlowTable
    @usableFromInline var hostTable: HostTable
    /// Packets per `TunnelMechanism.rawValue`.
    @usableFromInline var tunnelCounts = [UInt64](repeating: 0, count: TunnelMechanism.allCases.count)
    /// Packets per `Anomaly.rawValue`.
    @usableFromInline var anomalyCounts = [UInt64](repeating: 0, count: 64)
    /// (link type, decoded, undecoded); captures have one or a few link types, so a linear scan wins.
    @usableFromInline var linkCounts: [LinkTypeCounts] = []
    /// Warnings beyond this many per source are counted, not kept.
    public var warningLimit = 1000
    @usableFromInline var droppedWarnings = 0
    /// Anomalies already reported as a warning (the first packet of each kind is named).
    @usableFromInline var warnedAnomalies: UInt64 = 0
    @usableFromInline var warnedTruncation = false

    /// - Parameters:
    ///   - source: file path or interface name, recorded in `AdoptionSummary.sources`.
    ///   - expectedFlows: initial flow-table size hint (it grows as needed).
    public init(source: String, expectedFlows: Int = 1 << 12) {
        self.source = source
        flowTable = FlowTable(capacity: expectedFlows * 2)
        hostTable = HostTable(capacity: 1 << 12)
        linkCounts.reserveCapacity(4)
    }

    /// Records a reader warning (kept up to `warningLimit`).
    public mutating func add(warning: CaptureWarning) {
        if s.warnings.count < warningLimit { s.warnings.append(warning) } else { droppedWarnings += 1 }
    }

    /// Counts one packet: its record (lengths, time, link type) and what the decoder found.
    @inlinable
    public mutating func add(_ record: PacketRecord, _ packet: DecodedPacket) {
        let wire = record.originalLength
        s.packets &+= 1
        s.bytes &+= UInt64(wire)
        s.capturedBytes &+= UInt64(record.capturedLength)
        let ts = record.timestamp
        if let f = s.firstTimestamp { if ts < f { s.firstTimestamp = ts } } else { s.firstTimestamp = ts }
        if let l = s.lastTimestamp { if ts > l { s.lastTimestamp = ts } } else { s.lastTimestamp = ts }
        if record.isTruncated || packet.truncated {
            s.truncatedPackets &+= 1
            if packet.truncated && !warnedTruncation { warnTruncated(record) }
        }
        if packet.anomalies != 0 {
            if packet.anomalies & ~warnedAnomalies != 0 { warnAnomalies(packet.anomalies & ~warnedAnomalies, record) }
            var bits = packet.anomalies
            while bits != 0 {
                let i = bits.trailingZeroBitCount
                anomalyCounts[i] &+= 1
                bits &= bits &- 1
            }
        }

        let layers = packet.ipLayers
        // Undecodable: the link layer was not understood, or it announced IP and no IP header
        // could be read (AUDIT.md point 2: a version nibble neither 4 nor 6 means no IP).
        let undecodable = !packet.linkDecoded || (layers.isEmpty && packet.has(.ipBadVersion))
        if undecodable { s.undecodablePackets &+= 1 }
        countLinkType(record.linkType.rawValue, decoded: !undecodable)

        if packet.vlanTags > 0 { s.layers.vlanTagged &+= 1 }
        if packet.vlanTags > 1 { s.layers.qinq &+= 1 }

        guard let outer = layers.first else {
            s.outermost.other.packets &+= 1; s.outermost.other.bytes &+= UInt64(wire)
            s.innermost.other.packets &+= 1; s.innermost.other.bytes &+= UInt64(wire)
            return
        }
        if outer.family == .v4 { s.outermost.ipv4.packets &+= 1; s.outermost.ipv4.bytes &+= UInt64(wire) }
        else { s.outermost.ipv6.packets &+= 1; s.outermost.ipv6.bytes &+= UInt64(wire) }

        var any4 = false, any6 = false, seen4 = false, seen6 = false
        var v6in4 = false, v4in6 = false, p41 = false
        var tunnelBits: UInt32 = 0
        var innerIndex = 0
        for i in 0..<layers.count {
            let layer = layers[i]
            if layer.family == .v4 {
                any4 = true
                if layer.upperProtocol == 41 { p41 = true }
            } else {
                any6 = true
            }
            if let a = layer.source { hostTable.add(a, role: .anyLayer) }
            if let a = layer.destination { hostTable.add(a, role: .anyLayer) }
            if !layer.isICMPQuote {
                innerIndex = i
                if layer.family == .v4 { if seen6 { v4in6 = true }; seen4 = true }
                else { if seen4 { v6in4 = true }; seen6 = true }
                if let t = layer.tunnel { tunnelBits |= 1 << UInt32(t.rawValue) }
            }
        }
        if any4 { s.layers.ipv4Any &+= 1 }
        if any6 { s.layers.ipv6Any &+= 1 }
        if v6in4 { s.layers.ipv6InIPv4 &+= 1 }
        if v4in6 { s.layers.ipv4InIPv6 &+= 1 }
        if p41 { s.layers.proto41 &+= 1 }
        if tunnelBits != 0 {
            s.tunnelledPacketsTotal &+= 1
            if tunnelBits & (1 << UInt32(TunnelMechanism.teredo.rawValue)) != 0 { s.layers.teredo &+= 1 }
            var bits = tunnelBits
            while bits != 0 {
                tunnelCounts[bits.trailingZeroBitCount] &+= 1
                bits &= bits &- 1
            }
        }

        let inner = layers[innerIndex]
        if inner.family == .v4 { s.innermost.ipv4.packets &+= 1; s.innermost.ipv4.bytes &+= UInt64(wire) }
        else { s.innermost.ipv6.packets &+= 1; s.innermost.ipv6.bytes &+= UInt64(wire) }
        if inner.family == .v6 && inner.extensionHeaderCount > 0 { s.layers.ipv6ExtensionHeaders &+= 1 }
        switch inner.upperProtocol {
        case 6: s.layers.l4TCP &+= 1
        case 17: s.layers.l4UDP &+= 1
        case 58: s.layers.l4ICMPv6 &+= 1
        default: s.layers.l4Other &+= 1
        }

        // Transport of the innermost header, if the decoder found it there.
        var sourcePort: UInt16 = 0, destinationPort: UInt16 = 0
        if let t = packet.transport {
            if t.ipLayerIndex == innerIndex { sourcePort = t.sourcePort; destinationPort = t.destinationPort }
            if t.protocolNumber == 6, t.ipLayerIndex < layers.count {
                let v6 = layers[t.ipLayerIndex].family == .v6
                if t.isSYN { if v6 { s.tcp.synV6 &+= 1 } else { s.tcp.synV4 &+= 1 } }
                else if t.isSYNACK { if v6 { s.tcp.synAckV6 &+= 1 } else { s.tcp.synAckV4 &+= 1 } }
            }
        }
        if let src = inner.source { hostTable.add(src, role: .innermost) }
        if let dst = inner.destination { hostTable.add(dst, role: .innermost) }
        if let src = inner.source, let dst = inner.destination, src.family == dst.family {
            flowTable.add(FlowKey(source: src, sourcePort: sourcePort, destination: dst,
                                  destinationPort: destinationPort, transportProtocol: inner.upperProtocol),
                          bytes: wire)
        }

        if let d = packet.dns {
            if d.isResponse {
                if d.asksA { s.dns.responsesA &+= 1 }
                if d.asksAAAA { s.dns.responsesAAAA &+= 1 }
                if !d.asksA && !d.asksAAAA { s.dns.responsesOther &+= 1 }
                s.dns.answersA &+= UInt64(d.answersA)
                s.dns.answersAAAA &+= UInt64(d.answersAAAA)
            } else {
                if d.asksA { s.dns.queriesA &+= 1 }
                if d.asksAAAA { s.dns.queriesAAAA &+= 1 }
                if !d.asksA && !d.asksAAAA { s.dns.queriesOther &+= 1 }
            }
        }
    }

    /// Cold path: one warning for the first packet showing each anomaly, naming the frame
    /// number and its byte offset in the file.
    @usableFromInline mutating func warnAnomalies(_ fresh: UInt64, _ record: PacketRecord) {
        warnedAnomalies |= fresh
        for a in Anomaly.allCases where fresh & (1 << UInt64(a.rawValue)) != 0 {
            add(warning: CaptureWarning(file: source, byteOffset: record.fileOffset, code: a.name,
                                        reason: "frame \(s.packets): \(a.explanation) (first such frame)"))
        }
    }

    @usableFromInline mutating func warnTruncated(_ record: PacketRecord) {
        warnedTruncation = true
        if record.isTruncated {
            add(warning: CaptureWarning(file: source, byteOffset: record.fileOffset, code: "truncated_packet",
                                        reason: "frame \(s.packets): snaplen kept \(record.capturedLength) of \(record.originalLength) bytes and a header is cut; its readable layers are counted (first such frame)"))
        } else {
            // Captured whole, yet a header claims more bytes than the packet has: malformed.
            add(warning: CaptureWarning(file: source, byteOffset: record.fileOffset, code: "header_past_end",
                                        reason: "frame \(s.packets): a header runs past the end of the \(record.capturedLength)-byte packet, which was captured whole; its readable layers are counted (first such frame)"))
        }
    }

    @inlinable mutating func countLinkType(_ raw: UInt16, decoded: Bool) {
        for i in 0..<linkCounts.count where linkCounts[i].linkType == raw {
            if decoded { linkCounts[i].decoded &+= 1 } else { linkCounts[i].undecoded &+= 1 }
            return
        }
        linkCounts.append(LinkTypeCounts(linkType: raw, decoded: decoded ? 1 : 0, undecoded: decoded ? 0 : 1))
    }

    /// The summary so far (tables are copied into sets; call once at the end of a capture).
    public func summary() -> AdoptionSummary {
        var r = s
        r.sources = [source]
        for m in TunnelMechanism.allCases where tunnelCounts[Int(m.rawValue)] != 0 {
            r.tunnelledPackets[m.name] = tunnelCounts[Int(m.rawValue)]
        }
        for a in Anomaly.allCases where anomalyCounts[Int(a.rawValue)] != 0 {
            r.anomalies[a.name] = anomalyCounts[Int(a.rawValue)]
        }
        r.linkTypes = linkCounts.sorted { $0.linkType < $1.linkType }
        if droppedWarnings > 0 {
            r.warnings.append(CaptureWarning(file: source, byteOffset: 0, code: "warnings_suppressed",
                                             reason: "\(droppedWarnings) more warnings not shown"))
        }
        r.warnings = AdoptionSummary.canonicalOrder(r.warnings)
        var all = Set<IPAddress>(), inner = Set<IPAddress>()
        all.reserveCapacity(hostTable.count)
        hostTable.forEach { a, roles, _ in
            all.insert(a)
            if roles.contains(.innermost) { inner.insert(a) }
        }
        r.addresses = AddressSet(all)
        r.innermostAddresses = AddressSet(inner)
        var flows = Set<FlowKey>()
        flows.reserveCapacity(flowTable.count)
        flowTable.forEach { k, _ in flows.insert(k) }
        r.flows = FlowSet(flows)
        return r
    }

    /// Number of flows so far (cheap; for progress output).
    public var flowCount: Int { flowTable.count }
    /// Packets so far.
    public var packetCount: UInt64 { s.packets }
}
