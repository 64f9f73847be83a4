import Foundation
import Testing
import CaptureCore
import CaptureFiles
import CaptureSamples
import PacketDecoding
import TrafficAnalysis
import TestSupport
@testable import FlowRecords

/// IPFIX and NetFlow v9 messages built byte by byte with `IPFIXWriter`, read back with figures
/// worked out by hand in each test.
@Suite struct FlowExportReaderTests {
    typealias W = IPFIXWriter
    typealias F = IPFIXWriter.Field
    static func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> [UInt8] { [a, b, c, d] }

    /// Template 256 (IPv4): src, dst, proto, sport, dport, octets in 4 bytes (reduced-size),
    /// packets in 8, ingress interface in 2 (reduced-size).
    static let template4: [F] = [F(8, 4), F(12, 4), F(4, 1), F(7, 2), F(11, 2), F(1, 4), F(2, 8), F(10, 2)]
    static func record4(_ s: [UInt8], _ d: [UInt8], proto: UInt8, sport: UInt16, dport: UInt16, bytes: UInt32, packets: UInt64, ifIn: UInt16) -> [UInt8] {
        s + d + [proto] + W.be16(sport) + W.be16(dport) + W.be32(bytes) + W.be64(packets) + W.be16(ifIn)
    }
    /// Template 257 (IPv6): src, dst, proto, octets (8), packets (4), an enterprise field (PEN
    /// 9, 4 bytes: skipped by length) and interfaceName (IE 82, variable length).
    static let template6: [F] = [F(27, 16), F(28, 16), F(4, 1), F(1, 8), F(2, 4), F(100, 4, enterprise: 9), F(82, 0xffff)]
    static func record6(_ s: [UInt8], _ d: [UInt8], bytes: UInt64, packets: UInt32, name: String) -> [UInt8] {
        s + d + [6] + W.be64(bytes) + W.be32(packets) + [0xde, 0xad, 0xbe, 0xef] + [UInt8(name.utf8.count)] + Array(name.utf8)
    }

    static func read(_ messages: [[UInt8]]) -> (FlowSummary, FlowExportReader) {
        var reader = FlowExportReader(source: "test")
        var summary = FlowSummary()
        for m in messages { m.withUnsafeBytes { _ = reader.readMessage($0, exporter: 1) { summary.add($0) } } }
        return (summary, reader)
    }

    static let a6 = PacketBuilder.address("2001:db8::1"), b6 = PacketBuilder.address("2001:db8:1::2")
    static let nat64 = PacketBuilder.address("64:ff9b::c000:201")   // 192.0.2.1 behind the well-known prefix

    @Test func ipfixTemplatesDataReducedSizeVariableLengthAndEnterpriseFields() throws {
        let m = W.ipfixMessage(domain: 7, sets: [
            W.Set(id: 2, body: W.templateRecord(id: 256, fields: Self.template4) + W.templateRecord(id: 257, fields: Self.template6)),
            W.Set(id: 256, body:
                Self.record4(Self.v4(192, 0, 2, 1), Self.v4(198, 51, 100, 1), proto: 6, sport: 40000, dport: 443, bytes: 1000, packets: 10, ifIn: 3)
                + Self.record4(Self.v4(192, 0, 2, 1), Self.v4(203, 0, 113, 9), proto: 41, sport: 0, dport: 0, bytes: 500, packets: 5, ifIn: 3)
                + Self.record4(Self.v4(192, 0, 2, 2), Self.v4(198, 51, 100, 1), proto: 17, sport: 3544, dport: 50000, bytes: 300, packets: 3, ifIn: 4)
                + [0, 0, 0]),   // padding shorter than a record
            W.Set(id: 257, body: Self.record6(Self.a6, Self.b6, bytes: 7000, packets: 7, name: "eth0")
                + Self.record6(Self.a6, Self.nat64, bytes: 2000, packets: 2, name: "")),
        ])
        let (s, r) = Self.read([m])
        #expect(r.warnings.isEmpty, "\(r.warnings)")
        #expect(r.counters.templates == 2 && r.counters.dataRecords == 5 && r.counters.ipfixMessages == 1)
        // By hand: IPv4 flows 3, packets 10+5+3, bytes 1000+500+300; IPv6 flows 2, 7+2, 7000+2000.
        #expect(s.ipv4.flows == 3 && s.ipv4.packets == 18 && s.ipv4.bytes == 1800)
        #expect(s.ipv6.flows == 2 && s.ipv6.packets == 9 && s.ipv6.bytes == 9000)
        #expect(s.protocol41Flows == 1 && s.teredoFlows == 1)
        #expect(s.nat64Flows.flows == 1 && s.nat64Flows.bytes == 2000)
        // Hosts: 192.0.2.1, 198.51.100.1, 203.0.113.9, 192.0.2.2; 2001:db8::1, 2001:db8:1::2, 64:ff9b::c000:201.
        #expect(s.hosts.count(.v4) == 4 && s.hosts.count(.v6) == 3)
        #expect(s.byDomain["7"]?.ipv4.bytes == 1800 && s.byDomain["7"]?.ipv6.bytes == 9000)
        #expect(s.byIngressInterface["7/3"]?.ipv4.flows == 2 && s.byIngressInterface["7/4"]?.ipv4.bytes == 300)
    }

    @Test func samplingFromAnOptionsRecordScalesLaterRecordsOfItsDomainOnly() throws {
        let options = W.Set(id: 3, body: W.optionsTemplateRecord(id: 300, scope: [F(149, 4)], fields: [F(305, 4), F(306, 4)]))
        // RFC 5477: 1 packet selected, 99 skipped -> 1 in 100.
        let optionsData = W.Set(id: 300, body: W.be32(7) + W.be32(1) + W.be32(99))
        let template = W.Set(id: 2, body: W.templateRecord(id: 256, fields: Self.template4))
        let data = W.Set(id: 256, body: Self.record4(Self.v4(192, 0, 2, 1), Self.v4(198, 51, 100, 1), proto: 6, sport: 1, dport: 2, bytes: 40, packets: 1, ifIn: 1))
        let before = W.ipfixMessage(domain: 7, sets: [template, data])
        let announce = W.ipfixMessage(domain: 7, sets: [options, optionsData])
        let after = W.ipfixMessage(domain: 7, sets: [data])
        let otherDomain = W.ipfixMessage(domain: 8, sets: [template, data])
        let (s, r) = Self.read([before, announce, after, otherDomain])
        #expect(r.counters.optionsTemplates == 1 && r.counters.optionsRecords == 1)
        #expect(r.samplingRates == [7: 100])
        #expect(r.counters.sampledRecords == 1)
        // 40 + 40*100 + 40 bytes; 1 + 100 + 1 packets.
        #expect(s.ipv4.bytes == 4080 && s.ipv4.packets == 102 && s.ipv4.flows == 3)
    }

    @Test func withdrawalUnknownTemplatesAndDamageAreWarnedAndTheRestKept() throws {
        let template = W.Set(id: 2, body: W.templateRecord(id: 256, fields: Self.template4))
        let record = Self.record4(Self.v4(192, 0, 2, 1), Self.v4(198, 51, 100, 1), proto: 6, sport: 1, dport: 2, bytes: 40, packets: 1, ifIn: 1)
        let early = W.ipfixMessage(domain: 1, sets: [W.Set(id: 256, body: record)])            // before the template
        let good = W.ipfixMessage(domain: 1, sets: [template, W.Set(id: 256, body: record)])
        let withdraw = W.ipfixMessage(domain: 1, sets: [W.Set(id: 2, body: W.be16(256) + W.be16(0))])
        let late = W.ipfixMessage(domain: 1, sets: [W.Set(id: 256, body: record)])             // after withdrawal
        var damaged = W.ipfixMessage(domain: 1, sets: [template, W.Set(id: 256, body: record), W.Set(id: 256, body: record)])
        damaged[16 + 4 + W.templateRecord(id: 256, fields: Self.template4).count + 3] = 0xff    // first data set's length -> past the end
        let (s, r) = Self.read([early, good, withdraw, late, damaged])
        #expect(r.counters.recordsWithoutTemplate == 2)
        #expect(r.counters.templateWithdrawals == 1)
        #expect(r.counters.malformedSets == 1)
        #expect(s.ipv4.flows == 1, "only the record between template and withdrawal; the damaged message's sets after the bad length are lost")
        let codes = r.warnings.map(\.code)
        #expect(codes.filter { $0 == "unknown_template" }.count == 2)   // once before the template, once after withdrawal
        #expect(codes.contains("bad_set_length"))
    }

    @Test func netflowV9TemplatesOptionsSamplingAndData() throws {
        let template = W.Set(id: 0, body: W.templateRecord(id: 260, fields: [F(8, 4), F(12, 4), F(4, 1), F(1, 4), F(2, 4)]))
        let options = W.Set(id: 1, body: W.v9OptionsTemplateRecord(id: 261, scope: [F(1, 4)], fields: [F(34, 4)]) + [0, 0])
        let optionsData = W.Set(id: 261, body: W.be32(0) + W.be32(10))   // SAMPLING_INTERVAL 10: 1 in 10
        let data = W.Set(id: 260, body: Self.v4(10, 0, 0, 1) + Self.v4(10, 0, 0, 2) + [17] + W.be32(100) + W.be32(2))
        let m1 = W.v9Message(sourceID: 5, count: 2, sets: [template, data])
        let m2 = W.v9Message(sourceID: 5, count: 3, sets: [options, optionsData, data])
        let (s, r) = Self.read([m1, m2])
        #expect(r.warnings.isEmpty, "\(r.warnings)")
        #expect(r.counters.netflowV9Messages == 2 && r.counters.optionsTemplates == 1 && r.samplingRates == [5: 10])
        // 100 + 100*10 bytes, 2 + 2*10 packets.
        #expect(s.ipv4.flows == 2 && s.ipv4.bytes == 1100 && s.ipv4.packets == 22)
    }

    @Test func hostileTemplatesStayBounded() throws {
        // 70,000 distinct templates offered to a reader holding at most 1,000: refused and counted.
        var reader = FlowExportReader(source: "flood", maxTemplates: 1000)
        var body: [UInt8] = []
        for id in 0..<700 { body += W.templateRecord(id: UInt16(256 + id), fields: [F(8, 4)]) }
        for domain in 0..<100 {
            let m = W.ipfixMessage(domain: UInt32(domain), sets: [W.Set(id: 2, body: body)])
            m.withUnsafeBytes { _ = reader.readMessage($0) { _ in } }
        }
        #expect(reader.counters.templates == 1000 && reader.counters.templatesRefused == 69_000)
        #expect(reader.warnings.count == 1000 && reader.warningsDropped > 0)
        // The same flood as an IPFIX file: the job takes the reader's warnings after every
        // message, and the cap still holds over the whole file (it counted per message before:
        // every warning was kept), with one line saying how many more there were.
        var file: [UInt8] = []
        for domain in 0..<100 { file += W.ipfixMessage(domain: UInt32(domain), sets: [W.Set(id: 2, body: body)]) }
        let path = SharedData.temporaryDirectory("flow-warnings").appendingPathComponent("flood.ipfix").path
        try Data(file).write(to: URL(fileURLWithPath: path))
        let job = FlowFileJob.run(path: path)
        #expect(job.warnings.count == FlowExportReader.maxWarnings + 1)
        #expect(job.warnings.last?.code == "warnings_dropped")
        // A template announcing 65,535 fields in a short set is refused, not trusted.
        var short = FlowExportReader(source: "short")
        let m = W.ipfixMessage(domain: 1, sets: [W.Set(id: 2, body: W.be16(256) + W.be16(65_535) + W.be16(8) + W.be16(4))])
        m.withUnsafeBytes { _ = short.readMessage($0) { _ in } }
        #expect(short.counters.templates == 0 && short.warnings.first?.code == "truncated_template")
    }

    @Test func ipfixFileAndCapturedV9DatagramsReadThroughTheJob() throws {
        let tmp = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let template = W.Set(id: 2, body: W.templateRecord(id: 256, fields: Self.template4))
        var file: [UInt8] = []
        for i in 0..<50 {
            let rec = Self.record4(Self.v4(192, 0, 2, UInt8(i)), Self.v4(198, 51, 100, 1), proto: 6, sport: 1, dport: 2,
                                   bytes: UInt32(100 + i), packets: 1, ifIn: 1)
            file += W.ipfixMessage(domain: 3, sequence: UInt32(i), sets: (i == 0 ? [template] : []) + [W.Set(id: 256, body: rec)])
        }
        let path = tmp.appendingPathComponent("export.ipfix").path
        try Data(file + [0, 10, 0]).write(to: URL(fileURLWithPath: path))     // 3 stray bytes at the end
        let r = FlowFileJob.run(path: path)
        #expect(r.format == "ipfix" && r.counters.ipfixMessages == 50)
        // 50 flows; bytes 100 + ... + 149 = 50 * 124.5 = 6225; hosts 50 sources + 1 destination.
        #expect(r.summary.ipv4.flows == 50 && r.summary.ipv4.bytes == 6225 && r.summary.hosts.count(.v4) == 51)
        #expect(r.warnings.count == 1 && r.warnings[0].byteOffset == file.count && r.warnings[0].code == "truncated_message")

        // NetFlow v9 datagrams captured on the wire (UDP 2055), two exporters with the same source ID.
        var w = PcapWriter(linkType: .raw)
        let t = W.Set(id: 0, body: W.templateRecord(id: 260, fields: [F(27, 16), F(28, 16), F(1, 4), F(2, 4)]))
        for (k, exporter) in ["192.0.2.100", "192.0.2.101"].enumerated() {
            let data = W.Set(id: 260, body: Self.a6 + Self.b6 + W.be32(UInt32(1000 * (k + 1))) + W.be32(4))
            let payload = W.v9Message(sourceID: 1, count: 2, sets: [t, data])
            let udp = PacketBuilder.udp(source: PacketBuilder.address(exporter), destination: PacketBuilder.address("192.0.2.200"),
                                        sourcePort: 50_000, destinationPort: 2055, payload: payload)
            w.append(timestamp: Int64(k) * 1_000_000_000, packet: PacketBuilder.ip(source: PacketBuilder.address(exporter),
                     destination: PacketBuilder.address("192.0.2.200"), protocol: 17, payload: udp))
        }
        let pcap = tmp.appendingPathComponent("v9.pcap").path
        try w.write(to: pcap)
        let c = FlowFileJob.run(path: pcap)
        #expect(c.format == "pcap" && c.counters.netflowV9Messages == 2 && c.counters.templates == 2)
        #expect(c.summary.ipv6.flows == 2 && c.summary.ipv6.bytes == 3000 && c.summary.ipv6.packets == 8)
    }
}
