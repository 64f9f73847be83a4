import Foundation
import Testing
import CaptureCore
import CaptureFiles
import TrafficAnalysis
import CaptureJobs
import TestSupport

/// A public capture cut into pieces at random record boundaries (rewritten by the project's own
/// pcap writer, nanosecond timestamps), each piece summarized on its own, the per-piece states
/// serialized, parsed back and merged: every packet-level figure and every distinct set equals
/// the summary of the whole file. Connection and DNS-transaction figures are not compared: a
/// connection or a query that straddles a cut becomes two partial ones (stitching them is the
/// `--jobs` split of one file, not done yet; docs/state-format.md says so).
@Suite struct StateMergeCorpusTests {
    struct Record { var timestamp: Int64; var bytes: [UInt8]; var originalLength: Int }

    static func records(_ path: String) -> (LinkType, [Record])? {
        guard let reader = try? CaptureFileReader(path: path) else { return nil }
        var linkTypes = Set<LinkType>(), out: [Record] = []
        var timeless = false
        _ = reader.forEachPacket { r in
            linkTypes.insert(r.linkType)
            if !r.hasTimestamp { timeless = true }
            out.append(Record(timestamp: r.timestamp, bytes: Array(r.bytes), originalLength: r.originalLength))
        }
        // One link type per pcap file; Simple Packet Blocks carry no timestamp to write.
        guard linkTypes.count == 1, let lt = linkTypes.first, !timeless, out.count >= 2,
              out.allSatisfy({ $0.timestamp >= 0 }) else { return nil }
        return (lt, out)
    }

    static func write(_ records: ArraySlice<Record>, linkType: LinkType, to path: String) throws {
        var w = PcapWriter(linkType: linkType, snaplen: UInt32(max(262_144, records.map(\.bytes.count).max() ?? 0)), nanoseconds: true)
        for r in records { w.append(timestamp: r.timestamp, packet: r.bytes, originalLength: r.originalLength) }
        try w.write(to: path)
    }

    /// The figures a cut cannot change.
    static func packetFigures(_ s: AdoptionSummary) -> [String] {
        ["packets \(s.packets) bytes \(s.bytes) captured \(s.capturedBytes)",
         "outermost \(s.outermost)", "innermost \(s.innermost)",
         "tunnelled \(s.tunnelledPackets.sorted { $0.key < $1.key }) \(s.tunnelledPacketsTotal)",
         "dns \(s.dns)", "tcp \(s.tcp)", "layers \(s.layers)",
         "linkTypes \(s.linkTypes.sorted { $0.linkType < $1.linkType })",
         "time \(String(describing: s.firstTimestamp)) \(String(describing: s.lastTimestamp))",
         "truncated \(s.truncatedPackets) undecodable \(s.undecodablePackets)",
         "anomalies \(s.anomalies.sorted { $0.key < $1.key })"]
    }

    @Test func piecesMergeToTheWholeFile() throws {
        guard let dir = SharedData.path(Corpus.directory) else {
            #expect(!SharedData.isCI, "../shared/captures/public missing"); print("skip: no public captures"); return
        }
        let tmp = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        var rng = SplitMix64(seed: 2026_12_05)
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        where name.hasSuffix(".pcap") || name.hasSuffix(".pcapng") || name.hasSuffix(".gz") {
            guard let (linkType, records) = Self.records(dir + "/" + name) else { continue }
            let whole = tmp.appendingPathComponent("whole.pcap").path
            try Self.write(records[...], linkType: linkType, to: whole)
            let expected = CaptureFileJob.run(path: whole).summary
            // 1 to 4 cuts at distinct random record boundaries.
            let cuts = Set((0..<(1 + Int(rng.next() % 4))).map { _ in 1 + Int(rng.next() % UInt64(records.count - 1)) }).sorted()
            let bounds = [0] + cuts + [records.count]
            var states: [(path: String, state: CaptureState)] = []
            for k in 0..<(bounds.count - 1) {
                let piece = tmp.appendingPathComponent("piece\(k).pcap").path
                try Self.write(records[bounds[k]..<bounds[k + 1]], linkType: linkType, to: piece)
                let result = CaptureFileJob.run(path: piece)
                let state = CaptureState(tool: "test", settings: [:], results: [result])
                // Through the file format: what a merge reads is what was written.
                states.append((piece, try CaptureState.parse(try state.serialized(), path: piece)))
                #expect(states.last?.state == state, "\(name): state changed by writing and reading it")
            }
            let merged = try CaptureState.merge(states).total
            #expect(Self.packetFigures(merged) == Self.packetFigures(expected), "\(name) cut at \(cuts)")
            #expect(merged.addresses == expected.addresses, "\(name): addresses")
            #expect(merged.innermostAddresses == expected.innermostAddresses, "\(name): innermost addresses")
            #expect(merged.hostAddresses == expected.hostAddresses, "\(name): hosts")
            #expect(merged.flows == expected.flows, "\(name): 5-tuples")
            checked += 1
        }
        #expect(checked >= 30, "only \(checked) public captures could be cut")
        print("state merge: \(checked) public captures cut and merged")
    }
}
