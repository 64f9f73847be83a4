import Testing
import Foundation
import TestSupport
import TrafficAnalysis

/// Every prefix of a few real captures (as if a download or a capture was cut) goes through the
/// whole pipeline: it never crashes or hangs, never counts more packets than the whole file, and
/// a cut inside the data leaves a warning naming the file.
@Suite struct TruncationSweepTests {
    static let files = ["gre_4in6_ppp_dns.pcap", "pcapng_mixed_endian_sections.pcapng", "teredo_bubble_with_payload.pcap",
                        "ipv6_srh_segment_routing.pcap", "pcapng_be_tsresol_binary.pcapng"]

    @Test(arguments: Self.files)
    func everyPrefixIsSafe(file: String) throws {
        guard let path = SharedData.path(Corpus.directory + "/" + file) else { #expect(!SharedData.isCI); return }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let full = Corpus.summarize(path).summary
        let dir = SharedData.temporaryDirectory("netcensus-sweep")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = dir.appendingPathComponent(file).path
        // Stride 7 keeps the sweep under a second while hitting headers, lengths and payloads.
        for length in stride(from: 0, to: data.count, by: 7) {
            try data.prefix(length).write(to: URL(fileURLWithPath: cut))
            let r = Corpus.summarize(cut)
            #expect(r.summary.packets <= full.packets, "\(file) cut at \(length)")
            #expect(r.summary.layers.ipv6Any <= full.layers.ipv6Any, "\(file) cut at \(length)")
            if length > 0 {
                // Something is always said about a file cut short: an open error, a framing
                // warning, or (cut exactly at a record boundary) nothing wrong and fewer packets.
                #expect(!r.summary.warnings.isEmpty || r.summary.packets < full.packets || length == data.count,
                        "\(file) cut at \(length): no warning")
                for w in r.summary.warnings { #expect(w.file == cut && w.byteOffset <= length) }
            }
        }
    }
}
