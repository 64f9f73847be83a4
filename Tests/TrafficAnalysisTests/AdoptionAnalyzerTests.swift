import Testing
import Foundation
import CaptureCore
import PacketDecoding
@testable import TrafficAnalysis

/// A hand-built packet: what a decoder would report, plus the record's lengths.
struct Sample {
    var packet = DecodedPacket()
    var wire: Int
    var captured: Int
    var linkType: LinkType = .ethernet
    var time: Int64
}

func tcp(_ src: UInt16, _ dst: UInt16, flags: UInt8, layer: Int) -> TransportLayer {
    TransportLayer(protocolNumber: 6, sourcePort: src, destinationPort: dst, tcpFlags: flags, ipLayerIndex: layer)
}

/// Seven packets whose figures are computed by hand in `analyzerCountsHandBuiltPackets`.
func samplePackets() -> [Sample] {
    var out: [Sample] = []
    // 1: IPv4 TCP SYN 192.0.2.1:51000 -> 198.51.100.2:443, 74 bytes.
    var p = DecodedPacket(); p.linkDecoded = true; p.etherType = 0x0800
    p.ipLayers = [IPLayer(family: .v4, source: v4(192, 0, 2, 1), destination: v4(198, 51, 100, 2), upperProtocol: 6, datagramLength: 60)]
    p.transport = tcp(51000, 443, flags: 0x02, layer: 0)
    out.append(Sample(packet: p, wire: 74, captured: 74, time: 1_000_000_000))
    // 2: its SYN-ACK, 74 bytes.
    p.ipLayers = [IPLayer(family: .v4, source: v4(198, 51, 100, 2), destination: v4(192, 0, 2, 1), upperProtocol: 6, datagramLength: 60)]
    p.transport = tcp(443, 51000, flags: 0x12, layer: 0)
    out.append(Sample(packet: p, wire: 74, captured: 74, time: 1_000_500_000))
    // 3: 6in4: IPv4 192.0.2.1 -> 216.66.80.1 proto 41, inner IPv6 TCP SYN, 94 bytes.
    p = DecodedPacket(); p.linkDecoded = true; p.etherType = 0x0800
    p.ipLayers = [IPLayer(family: .v4, source: v4(192, 0, 2, 1), destination: v4(216, 66, 80, 1), upperProtocol: 41, datagramLength: 80),
                  IPLayer(family: .v6, source: v6([0x2001, 0x470, 0, 0, 0, 0, 0, 2]), destination: v6([0x2a00, 0x1450, 0, 0, 0, 0, 0, 1]),
                          upperProtocol: 6, datagramLength: 60, tunnel: .sixInFour)]
    p.transport = tcp(40000, 80, flags: 0x02, layer: 1)
    out.append(Sample(packet: p, wire: 94, captured: 94, time: 999_000_000))   // earliest
    // 4: IPv6 DNS AAAA query 2001:db8::1 -> 2001:db8::53 UDP 5353 -> 53, 90 bytes.
    p = DecodedPacket(); p.linkDecoded = true; p.etherType = 0x86dd
    p.ipLayers = [IPLayer(family: .v6, source: v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), destination: v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x53]),
                          upperProtocol: 17, datagramLength: 76)]
    p.transport = TransportLayer(protocolNumber: 17, sourcePort: 5353, destinationPort: 53, tcpFlags: 0, ipLayerIndex: 0)
    p.dns = DNSMessageInfo(isResponse: false, asksAAAA: true, transactionID: 7)
    out.append(Sample(packet: p, wire: 90, captured: 90, time: 1_002_000_000))
    // 5: ARP, 42 bytes: decoded link, no IP.
    p = DecodedPacket(); p.linkDecoded = true; p.etherType = 0x0806
    out.append(Sample(packet: p, wire: 42, captured: 42, time: 1_003_000_000))
    // 6: unknown link type 147, cut by snaplen (40 of 50 bytes).
    p = DecodedPacket(); p.note(.unknownLinkPayload)
    out.append(Sample(packet: p, wire: 50, captured: 40, linkType: .unknown(147), time: 1_004_000_000))   // latest
    // 7: ICMP error 10.0.0.1 -> 192.0.2.1 quoting a UDP datagram 192.0.2.1 -> 10.9.9.9, 70 bytes.
    p = DecodedPacket(); p.linkDecoded = true; p.etherType = 0x0800
    p.ipLayers = [IPLayer(family: .v4, source: v4(10, 0, 0, 1), destination: v4(192, 0, 2, 1), upperProtocol: 1, datagramLength: 56),
                  IPLayer(family: .v4, source: v4(192, 0, 2, 1), destination: v4(10, 9, 9, 9), upperProtocol: 17, datagramLength: 28, isICMPQuote: true)]
    p.icmpType = 3; p.icmpCode = 3; p.icmpFamily = .v4
    out.append(Sample(packet: p, wire: 70, captured: 70, time: 1_003_500_000))
    return out
}

func analyze(_ samples: [Sample], source: String = "test.pcap", warnings: [CaptureWarning] = []) -> AdoptionSummary {
    var a = analyzer(samples, source: source, warnings: warnings)
    return a.finish()
}

func analyzer(_ samples: [Sample], source: String = "test.pcap", warnings: [CaptureWarning] = []) -> AnalyzerSet {
    var a = AnalyzerSet(source: source, options: AnalysisOptions())
    let bytes = [UInt8](repeating: 0, count: 2048)
    bytes.withUnsafeBytes { raw in
        for (i, s) in samples.enumerated() {
            let r = PacketRecord(timestamp: s.time, capturedLength: s.captured, originalLength: s.wire, linkType: s.linkType,
                                 interfaceIndex: 0, fileOffset: 24 + i * 100, bytes: UnsafeRawBufferPointer(rebasing: raw[0..<s.captured]))
            a.add(r, s.packet)
        }
    }
    for w in warnings { a.family.add(warning: w) }
    return a
}

@Suite struct AdoptionAnalyzerTests {
    @Test func analyzerCountsHandBuiltPackets() {
        let s = analyze(samplePackets())
        #expect(s.packets == 7)
        #expect(s.bytes == 74 + 74 + 94 + 90 + 42 + 50 + 70)          // 494
        #expect(s.capturedBytes == 494 - 10)
        // Outermost: v4 = packets 1, 2, 3, 7; v6 = 4; other = ARP and the unknown frame.
        #expect(s.outermost.ipv4 == TrafficCounters(packets: 4, bytes: 74 + 74 + 94 + 70))
        #expect(s.outermost.ipv6 == TrafficCounters(packets: 1, bytes: 90))
        #expect(s.outermost.other == TrafficCounters(packets: 2, bytes: 42 + 50))
        // Innermost: the 6in4 packet moves to v6; the ICMP quote does not count as innermost.
        #expect(s.innermost.ipv4 == TrafficCounters(packets: 3, bytes: 74 + 74 + 70))
        #expect(s.innermost.ipv6 == TrafficCounters(packets: 2, bytes: 94 + 90))
        #expect(s.tunnelledPackets == ["6in4": 1] && s.tunnelledPacketsTotal == 1)
        #expect(s.layers.ipv6InIPv4 == 1 && s.layers.ipv4InIPv6 == 0 && s.layers.proto41 == 1 && s.layers.teredo == 0)
        #expect(s.layers.ipv4Any == 4 && s.layers.ipv6Any == 2)
        #expect(s.layers.l4TCP == 3 && s.layers.l4UDP == 1 && s.layers.l4Other == 1 && s.layers.l4ICMPv6 == 0)
        var handshakes = HandshakeCounters(); handshakes.synV4 = 1; handshakes.synAckV4 = 1; handshakes.synV6 = 1
        #expect(s.tcp == handshakes)
        #expect(s.dns.queriesAAAA == 1 && s.dns.queriesA == 0 && s.dns.queriesOther == 0)
        // Any-layer addresses: v4 192.0.2.1, 198.51.100.2, 216.66.80.1, 10.0.0.1, 10.9.9.9 (quoted);
        // v6 the two tunnel-inner and the two DNS addresses.
        #expect(s.distinctAddresses(.v4) == 5 && s.distinctAddresses(.v6) == 4)
        // Innermost: 192.0.2.1, 198.51.100.2, 10.0.0.1 (216.66.80.1 is only an outer tunnel end).
        #expect(s.innermostAddressCount(.v4) == 3 && s.hosts(.v4) == 3 && s.hosts(.v6) == 4)
        // Flows: v4 the TCP pair (one flow both ways) and the ICMP error; v6 the tunnelled TCP and the DNS.
        #expect(s.flowCount(.v4) == 2 && s.flowCount(.v6) == 2)
        #expect(s.ipv6FlowShare == 0.5)
        #expect(s.ipv6HostShare == 4.0 / 7.0)
        #expect(s.ipv6PacketShare == 2.0 / 5.0)
        #expect(s.linkTypes == [LinkTypeCounts(linkType: 1, decoded: 6, undecoded: 0), LinkTypeCounts(linkType: 147, decoded: 0, undecoded: 1)])
        #expect(s.truncatedPackets == 1 && s.undecodablePackets == 1)
        #expect(s.anomalies == ["unknown_link_payload": 1])
        // One warning for the first anomalous frame (frame 6, at offset 24 + 5 * 100).
        #expect(s.warnings.map(\.byteOffset) == [524] && s.warnings.first?.reason.hasPrefix("frame 6:") == true)
        #expect(s.firstTimestamp == 999_000_000 && s.lastTimestamp == 1_004_000_000)
        let classes = s.addressesByClass
        #expect(classes[.ipv4Private] == 2 && classes[.ipv4Documentation] == 2 && classes[.ipv4Public] == 1)
        #expect(classes[.ipv6Documentation] == 2 && classes[.ipv6GlobalUnicast] == 2)
    }

    @Test func mergeIsAssociativeCommutativeAndEqualsOnePass() throws {
        let all = samplePackets()
        let w1 = CaptureWarning(file: "a.pcap", byteOffset: 100, code: "truncated_record", reason: "record cut")
        let w2 = CaptureWarning(file: "c.pcap", byteOffset: 24, code: "bad_block_length", reason: "bad length")
        let a = analyze(Array(all[0..<2]), source: "a.pcap", warnings: [w1])
        let b = analyze(Array(all[2..<5]), source: "b.pcap")
        let c = analyze(Array(all[5...]), source: "c.pcap", warnings: [w2])
        let left = AdoptionSummary.merged(AdoptionSummary.merged(a, b), c)
        let right = AdoptionSummary.merged(a, AdoptionSummary.merged(b, c))
        let swapped = AdoptionSummary.merged(c, AdoptionSummary.merged(b, a))
        #expect(left == right)
        #expect(left == swapped)
        #expect(left.sources == ["a.pcap", "b.pcap", "c.pcap"])
        // The reader warnings plus the analyzer's own for frame 1 of c.pcap (unknown link payload,
        // at the fileOffset analyze() gave it: 24 + 0 * 100); sorted by file, offset, then code.
        #expect(left.warnings.map(\.code) == ["truncated_record", "bad_block_length", "unknown_link_payload"])
        #expect(left.warnings[2] == CaptureWarning(file: "c.pcap", byteOffset: 24, code: "unknown_link_payload",
                                                   reason: "frame 1: link type or link payload not understood (first such frame)"))
        // Same figures as one analyzer over every packet (only sources and warnings differ).
        var one = analyze(all)
        one.sources = left.sources; one.warnings = left.warnings
        #expect(one == left)
        // Merging the empty summary is the identity.
        #expect(AdoptionSummary.merged(left, AdoptionSummary()) == left)
    }

    @Test func perHostAndPerFlowTraffic() {
        let a = analyzer(samplePackets())
        // 192.0.2.1 is innermost in the SYN (74), the SYN-ACK (74) and the ICMP error (70, as
        // destination); in the 6in4 packet it is only the outer tunnel end, so that does not count.
        #expect(a.hosts.traffic(of: v4(192, 0, 2, 1)) == TrafficCounters(packets: 3, bytes: 218))
        #expect(a.hosts.traffic(of: v4(216, 66, 80, 1)) == nil)
        let flow = FlowKey(source: v4(198, 51, 100, 2), sourcePort: 443, destination: v4(192, 0, 2, 1), destinationPort: 51000, transportProtocol: 6)
        #expect(a.connections.traffic(of: flow) == TrafficCounters(packets: 2, bytes: 148))
    }

    @Test func flowSeenInTwoFilesCountsOnceInTheTotal() {
        let all = samplePackets()
        let a = analyze([all[0]], source: "a.pcap"), b = analyze([all[1]], source: "b.pcap")
        #expect(a.flowCount(.v4) == 1 && b.flowCount(.v4) == 1)
        #expect(AdoptionSummary.merged(a, b).flowCount(.v4) == 1)
    }

    @Test func codableRoundTripKeepsEveryFigure() throws {
        let s = analyze(samplePackets(), warnings: [CaptureWarning(file: "t", byteOffset: 5, code: "x", reason: "y")])
        let data = try JSONEncoder().encode(s)
        let back = try JSONDecoder().decode(AdoptionSummary.self, from: data)
        #expect(back == s)
        #expect(back.flows.members.count == 4 && back.addresses.members.count == 9)
    }

    @Test func decodingRejectsBadAddressText() {
        let bad = Data(#"["zz"]"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AddressSet.self, from: bad) }
    }

    @Test func warningsBeyondTheLimitAreCountedNotKept() {
        var a = AnalyzerSet(source: "w.pcap", options: AnalysisOptions())
        a.family.warningLimit = 2
        for i in 0..<5 { a.family.add(warning: CaptureWarning(file: "w.pcap", byteOffset: i, code: "c", reason: "r")) }
        let s = a.finish()
        #expect(s.warnings.count == 3)
        #expect(s.warnings.contains { $0.code == "warnings_suppressed" && $0.reason.hasPrefix("3 more") })
    }
}

@Suite struct MergePropertyTests {
    /// For 30 pseudo-random partitions of the sample packets into three captures (a fixed
    /// splitmix64 seed, so the test is deterministic), every merge order and grouping gives the
    /// same summary, and that summary has the one-pass figures.
    @Test func mergeOrderNeverMatters() {
        let all = samplePackets()
        var one = analyze(all)
        var state: UInt64 = 0x5eed
        func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        for _ in 0..<30 {
            var groups: [[Sample]] = [[], [], []]
            for p in all { groups[Int(next() % 3)].append(p) }
            let s = groups.enumerated().map { analyze($0.element, source: "g\($0.offset).pcap") }
            let orders = [[0, 1, 2], [2, 1, 0], [1, 0, 2], [2, 0, 1]]
            let results = orders.map { o in AdoptionSummary.merged(AdoptionSummary.merged(s[o[0]], s[o[1]]), s[o[2]]) }
                + [AdoptionSummary.merged(s[0], AdoptionSummary.merged(s[1], s[2]))]
            for r in results.dropFirst() { #expect(r == results[0]) }
            one.sources = results[0].sources
            one.warnings = results[0].warnings
            // Anomaly warnings depend on the frame number within each file, so compare without them.
            // Connections are per file: a handshake whose packets fall in different files is a
            // different record in each (stitching across shards is the merge of states, issue 13).
            var a = results[0]; a.warnings = []; var b = one; b.warnings = []; a.connections = b.connections
            #expect(a == b)
        }
    }
}

@Suite struct FragmentFlowTests {
    /// A UDP datagram in two IPv6 fragments: the first carries the ports (one flow), the second
    /// has no transport header and must not add a second, port-less flow.
    @Test func nonFirstFragmentsAddNoFlow() {
        let a = v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), b = v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 2])
        var first = DecodedPacket(); first.linkDecoded = true
        first.ipLayers = [IPLayer(family: .v6, source: a, destination: b, upperProtocol: 17, datagramLength: 1280,
                                  isFragment: true, isFirstFragment: true, extensionHeaderCount: 1)]
        first.transport = TransportLayer(protocolNumber: 17, sourcePort: 5000, destinationPort: 53, tcpFlags: 0, ipLayerIndex: 0)
        var second = DecodedPacket(); second.linkDecoded = true
        second.ipLayers = [IPLayer(family: .v6, source: a, destination: b, upperProtocol: 17, datagramLength: 300,
                                   isFragment: true, isFirstFragment: false, extensionHeaderCount: 1)]
        let s = analyze([Sample(packet: first, wire: 1294, captured: 1294, time: 1), Sample(packet: second, wire: 314, captured: 314, time: 2)])
        #expect(s.flowCount(.v6) == 1)
        #expect(s.innermost.ipv6.packets == 2 && s.hosts(.v6) == 2)
        #expect(s.layers.ipv6ExtensionHeaders == 2)
    }
}
