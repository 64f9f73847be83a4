import Testing
import Foundation
import TestSupport
import TrafficAnalysis

@Suite struct MalformedCaptureTests {
    static let malformed = Corpus.files().filter { $0.hasPrefix("malformed_") }

    @Test func corpusHasMalformedFiles() {
        guard !Corpus.files().isEmpty else { #expect(!SharedData.isCI, "shared corpus missing under CI"); return }
        // 11 malformed_* captures in the corpus listing (the two empty_* files are well-formed).
        #expect(Self.malformed.count == 11)
    }

    /// Each malformed capture gives at least one warning naming the file, a byte offset inside it
    /// and a reason; it never crashes or hangs (the whole read takes well under 5 s), and the
    /// figures up to the fault are checked against EXPECTED.tsv by ExpectedFiguresTests.
    @Test(arguments: Self.malformed)
    func warnsWithFileOffsetAndReason(file: String) throws {
        guard let path = SharedData.path(Corpus.directory + "/" + file) else {
            #expect(!SharedData.isCI, "shared corpus missing under CI"); return
        }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let start = Date()
        let result = Corpus.summarize(path)
        #expect(Date().timeIntervalSince(start) < 5)
        let warnings = result.summary.warnings
        #expect(!warnings.isEmpty, "\(file): no warning")
        for w in warnings {
            #expect(w.file == path)
            #expect(w.byteOffset >= 0 && w.byteOffset < max(size, 1), "\(file): offset \(w.byteOffset) outside the \(size)-byte file")
            #expect(!w.reason.isEmpty && !w.code.isEmpty)
            #expect(w.description.hasPrefix("\(path): offset \(w.byteOffset): "))
        }
    }

    /// Hand-checked faults: the warning points at the record or block where reading stopped.
    @Test func framingFaultsPointAtTheBadRecord() throws {
        guard let dir = SharedData.path(Corpus.directory) else { #expect(!SharedData.isCI); return }
        // malformed_pcap_huge_record.pcap: 24-byte file header, record 1 = 16-byte header + 188
        // bytes, so record 2's header (the one claiming caplen 1409179648) starts at 24 + 16 + 188 = 228.
        let huge = Corpus.summarize(dir + "/malformed_pcap_huge_record.pcap").summary
        #expect(huge.packets == 1)
        #expect(huge.warnings.contains { $0.byteOffset == 228 })
        // malformed_pcap_cut_short.pcap: one 197-byte record (24 + 16 + 197 = 237), then 2 stray bytes.
        let cut = Corpus.summarize(dir + "/malformed_pcap_cut_short.pcap").summary
        #expect(cut.packets == 1)
        #expect(cut.warnings.contains { $0.byteOffset == 237 })
        // malformed_ipv6_bad_version.pcap: frames 2 and 4 have version 0 after EtherType 0x86DD;
        // they are undecodable and the first is named.
        let bad = Corpus.summarize(dir + "/malformed_ipv6_bad_version.pcap").summary
        #expect(bad.undecodablePackets == 2)
        #expect(bad.warnings.contains { $0.code == "ip_bad_version" && $0.reason.hasPrefix("frame 2:") })
    }
}
