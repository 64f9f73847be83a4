import Foundation
import Testing
import CaptureCore
import CaptureFiles
import PacketDecoding
import TrafficAnalysis
import TransitionAnalysis
import CaptureJobs
import LiveCapture
import TestSupport

/// A file read by two threads, one per analyzer group (`StagedFileJob`), must give what one pass
/// gives (`CaptureFileJob`), on every public capture: the summary, what a pipeline extension sees
/// (packet numbers, connection state words, records in order), and the transition analysis fed
/// records across threads. Several of the captures have more than 1,024 packets, so the record
/// relay's batches and its waits are crossed.
@Suite struct StagedFileJobCorpusTests {
    /// A pipeline extension that writes down everything it is given, and keeps a word of its
    /// own per connection (a packet counter), so the staged run's extension contract is checked
    /// call by call.
    struct Recorder: PipelineExtension {
        var log: [String] = []
        var wantsRecords: Bool { true }
        mutating func add(_ record: PacketRecord, _ packet: DecodedPacket, packetNumber: UInt64, connectionPackets: UInt64,
                          connectionState: inout ConnectionExtensionState) -> Bool {
            connectionState.word &+= 1
            log.append("p \(packetNumber) \(record.fileOffset) \(connectionPackets) \(connectionState.word)")
            return connectionState.word >= 5  // done after 5 packets: the mark must hold in the staged run too
        }
        mutating func finished(connections: [ConnectionRecord]) {
            for c in connections { log.append("c \(c.id) \(c.firstTimestamp) \(c.originatorTraffic.packets) \(c.responderTraffic.packets) \(c.history) \(c.extensionState.word)") }
        }
        mutating func finished(dns: [DNSTransaction]) {
            for t in dns { log.append("d \(t.id) \(t.qname) \(t.queryTimestamp ?? -1)") }
        }
    }

    static func captures() -> [String]? {
        guard let dir = SharedData.path(Corpus.directory),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        return names.sorted().filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.map { dir + "/" + $0 }
    }

    @Test func summaryAndExtensionMatchOnePass() throws {
        guard let files = Self.captures() else {
            #expect(!SharedData.isCI, "../shared/captures/public missing"); print("skip: no public captures"); return
        }
        var large = 0
        for path in files {
            var one = Recorder(), two = Recorder()
            let a = CaptureFileJob.run(path: path, extension: &one)
            let b = StagedFileJob.run(path: path, extension: &two)
            #expect(a.summary == b.summary, "summary differs: \(path)")
            #expect(a.recordsRead == b.recordsRead && a.format == b.format && a.openError == b.openError, "\(path)")
            // Packets and records reach the extension in the same order, with the same connection
            // words (records finish at a packet fixed by the file: IdleDeadlines).
            #expect(one.log == two.log, "extension calls differ: \(path)")
            if a.summary.packets > 1024 { large += 1 }
        }
        #expect(files.count >= 70)
        #expect(large >= 1, "the corpus should cross the relay's 1,024-packet batches")
    }

    @Test func transitionMatchesOnePass() throws {
        guard let files = Self.captures() else {
            #expect(!SharedData.isCI, "../shared/captures/public missing"); print("skip: no public captures"); return
        }
        var withRecords = 0
        for path in files {
            var one = TransitionAnalyzer(), two = TransitionAnalyzer()
            let a = CaptureFileJob.run(path: path, transition: &one)
            let b = StagedFileJob.run(path: path, transition: &two)
            #expect(a.summary == b.summary, "summary differs: \(path)")
            // The finished figures (the state holds dictionaries, whose printed order is not
            // fixed).
            let sa = one.state(), sb = two.state()
            #expect(String(describing: sa.finish()) == String(describing: sb.finish()), "transition figures differ: \(path)")
            if sa.census.counts.contains(where: { $0.connections > 0 }) { withRecords += 1 }
        }
        #expect(withRecords >= 10)
    }

    @Test func filteredRunsMatchOnePass() throws {
        guard let files = Self.captures() else {
            #expect(!SharedData.isCI, "../shared/captures/public missing"); print("skip: no public captures"); return
        }
        let expression = "tcp or udp port 53"
        var reduced = 0
        for path in files where path.hasSuffix("dualstack_sll_browsing.pcap") || path.hasSuffix("ipv4_netflix_cdn_browsing.pcap")
            || path.hasSuffix("pcapng_multi_interface_dns.pcapng") {
            let f0 = try BPFFilter(expression)
            var one = TransitionAnalyzer(), two = TransitionAnalyzer()
            let a = CaptureFileJob.run(path: path, filter: { f0.matches($0) }, transition: &one)
            let f1 = try BPFFilter(expression), f2 = try BPFFilter(expression)
            let b = StagedFileJob.run(path: path, filters: StagedFilters(first: { f1.matches($0) }, second: { f2.matches($0) }),
                                      transition: &two)
            #expect(a.summary == b.summary, "\(path)")
            #expect(String(describing: one.state().finish()) == String(describing: two.state().finish()), "\(path)")
            let all = CaptureFileJob.run(path: path)
            if a.summary.packets < all.summary.packets { reduced += 1 }
        }
        #expect(reduced >= 2, "the filter should drop packets")
    }

    /// Unopenable, non-capture and header-only inputs give the one-pass result (they never start
    /// a second thread).
    @Test func unreadableInputsGiveTheOnePassResult() throws {
        let tmp = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let text = tmp.appendingPathComponent("not.pcap").path
        try Data("hello, not a capture".utf8).write(to: URL(fileURLWithPath: text))
        for path in [tmp.appendingPathComponent("missing.pcap").path, text] {
            var none = NoPipelineExtension()
            let a = CaptureFileJob.run(path: path), b = StagedFileJob.run(path: path, extension: &none)
            #expect(a.summary == b.summary && a.openError == b.openError && a.formatError == b.formatError)
            #expect(!b.summary.warnings.isEmpty)
        }
    }
}
