import CaptureCore
import PacketDecoding

/// Packets and bytes by outermost and innermost family, layer facts (tunnels, 6in4, VLAN,
/// extension headers, L4 protocols), link types, truncation and decoder anomalies, first/last
/// timestamps, and the warnings that go with them. The per-frame definitions are those of the
/// corpus's HOW_EXPECTED_WAS_MADE.md (see `LayerCounters`), so they compare with peer tools.
public struct FamilyAnalyzer: PacketAnalyzer {
    public let source: String
    @usableFromInline var s = AdoptionSummary()
    /// Packets per `TunnelMechanism.rawValue`.
    @usableFromInline var tunnelCounts = [UInt64](repeating: 0, count: TunnelMechanism.allCases.count)
    /// Packets per `Anomaly.rawValue`.
    @usableFromInline var anomalyCounts = [UInt64](repeating: 0, count: 64)
    /// Decoded / undecoded packets per link type, indexed by a dictionary from the LINKTYPE
    /// value; the last link type is cached, so the per-packet cost is one compare however many
    /// interfaces a file declares (a pcapng may hold 65,536 of distinct types).
    @usableFromInline var linkIndex: [UInt16: Int] = [:]
    @usableFromInline var linkCounts: [LinkTypeCounts] = []
    @usableFromInline var lastLinkType: UInt16 = 0
    @usableFromInline var lastLinkSlot = -1
    /// Packets of the current link type not yet added to `linkCounts[lastLinkSlot]` (added when
    /// the link type changes and at `finish`): two scalar increments per packet instead of an
    /// array element update, which checked the array's uniqueness and bounds on every packet.
    @usableFromInline var pendingDecoded: UInt64 = 0
    @usableFromInline var pendingUndecoded: UInt64 = 0
    /// Warnings beyond this many per source are counted, not kept.
    public var warningLimit = 1000
    @usableFromInline var droppedWarnings = 0
    /// Anomalies already reported as a warning (the first packet of each kind is named).
    @usableFromInline var warnedAnomalies: UInt64 = 0
    @usableFromInline var warnedTruncation = false

    public init(source: String) { self.source = source }

    /// Records a reader warning (kept up to `warningLimit`).
    public mutating func add(warning: CaptureWarning) {
        if s.warnings.count < warningLimit { s.warnings.append(warning) } else { droppedWarnings += 1 }
    }

    /// Packets so far.
    @inlinable public var packetCount: UInt64 { s.packets }

    @inlinable @inline(__always)
    public mutating func add(_ record: PacketRecord, _ packet: inout DecodedPacket) {
        let wire = record.originalLength
        s.packets &+= 1
        s.bytes &+= UInt64(wire)
        s.capturedBytes &+= UInt64(record.capturedLength)
        if record.hasTimestamp {
            let ts = record.timestamp
            if let f = s.firstTimestamp { if ts < f { s.firstTimestamp = ts } } else { s.firstTimestamp = ts }
            if let l = s.lastTimestamp { if ts > l { s.lastTimestamp = ts } } else { s.lastTimestamp = ts }
        }
        if record.isTruncated || packet.truncated {
            s.truncatedPackets &+= 1
            // A packet captured whole that ends inside a header is malformed; when the decoder
            // named the fault as an anomaly, that warning says it already.
            if packet.truncated && !warnedTruncation && (record.isTruncated || packet.anomalies == 0) { warnTruncated(record) }
        }
        if packet.anomalies != 0 {
            if packet.anomalies & ~warnedAnomalies != 0 { warnAnomalies(packet.anomalies & ~warnedAnomalies, record) }
            var bits = packet.anomalies
            while bits != 0 {
                anomalyCounts[bits.trailingZeroBitCount] &+= 1
                bits &= bits &- 1
            }
        }

        let layers = packet.ipLayers
        // Undecodable: the link layer was not understood, or it announced IP and no IP header
        // could be read (a version nibble neither 4 nor 6 means no IP).
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
        var innerIndex = layers.count - 1
        while innerIndex > 0 && layers[innerIndex].isICMPQuote { innerIndex -= 1 }
        for i in 0..<layers.count {
            let layer = layers[i]
            if layer.family == .v4 {
                any4 = true
                if layer.upperProtocol == 41 { p41 = true }
            } else {
                any6 = true
            }
            if !layer.isICMPQuote {
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
            if tunnelBits & (1 << UInt32(TunnelMechanism.teredo.rawValue)) != 0 {
                s.layers.teredo &+= 1
                // The UDP header that carried Teredo, not the outermost one (Teredo inside
                // GTP-U or VXLAN still counts when its own UDP header uses 3544).
                if packet.teredoOnPort3544 { s.layers.teredoUDP3544 &+= 1 }
            }
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

    @inlinable @inline(__always) mutating func countLinkType(_ raw: UInt16, decoded: Bool) {
        if lastLinkSlot < 0 || raw != lastLinkType { selectLinkType(raw) }
        if decoded { pendingDecoded &+= 1 } else { pendingUndecoded &+= 1 }
    }

    /// Adds the pending counts of the current link type to its `linkCounts` entry.
    @usableFromInline mutating func flushLinkCounts() {
        guard lastLinkSlot >= 0 else { return }
        linkCounts[lastLinkSlot].decoded &+= pendingDecoded
        linkCounts[lastLinkSlot].undecoded &+= pendingUndecoded
        pendingDecoded = 0
        pendingUndecoded = 0
    }

    @usableFromInline mutating func selectLinkType(_ raw: UInt16) {
        flushLinkCounts()
        if let i = linkIndex[raw] { lastLinkSlot = i } else {
            linkCounts.append(LinkTypeCounts(linkType: raw))
            lastLinkSlot = linkCounts.count - 1
            linkIndex[raw] = lastLinkSlot
        }
        lastLinkType = raw
    }

    public mutating func finish(into r: inout AdoptionSummary) {
        flushLinkCounts()
        let addresses = r.addresses, inner = r.innermostAddresses, hosts = r.hostAddresses, flows = r.flows, conns = r.connections
        let dns = r.dns, tcp = r.tcp
        r = s
        r.addresses = addresses; r.innermostAddresses = inner; r.hostAddresses = hosts; r.flows = flows; r.connections = conns
        r.dns = dns; r.tcp = tcp
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
    }
}
