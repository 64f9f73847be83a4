import Testing
import TestSupport
import CaptureFiles
import LiveCapture

/// `--filter` on real files: libpcap's BPF applied to the records our own readers deliver must
/// count what tcpdump 4.99 counted (EXPECTED.tsv `tcpdump_bpf_ip`, `tcpdump_bpf_ip6`).
@Suite struct BPFCorpusTests {
    /// Files tcpdump read without error (it refuses pcapng files mixing link types, for example).
    static let comparable: [String] = Corpus.expected().filter { _, row in
        (row["tcpdump_error"] ?? "").isEmpty && Int(row["tcpdump_bpf_ip"] ?? "") != nil && Int(row["tcpdump_bpf_ip6"] ?? "") != nil
    }.keys.sorted()

    @Test func mostCapturesAreComparable() {
        guard !Corpus.files().isEmpty else { #expect(!SharedData.isCI, "shared corpus missing under CI"); return }
        #expect(Self.comparable.count >= 60)
    }

    @Test(arguments: Self.comparable)
    func ipAndIp6FiltersCountLikeTcpdump(file: String) throws {
        guard let path = SharedData.path(Corpus.directory + "/" + file) else {
            #expect(!SharedData.isCI, "shared corpus missing under CI"); return
        }
        let row = try #require(Corpus.expected()[file])
        let reader = try CaptureFileReader(path: path)
        let ip = try BPFFilter("ip"), ip6 = try BPFFilter("ip6")
        var n4 = 0, n6 = 0, all = 0
        _ = reader.forEachPacket { r in
            all += 1
            if ip.matches(r) { n4 += 1 }
            if ip6.matches(r) { n6 += 1 }
        }
        #expect(all == Int(row["tcpdump_packets"] ?? ""), "\(file): records")
        #expect(n4 == Int(row["tcpdump_bpf_ip"] ?? ""), "\(file): ip")
        #expect(n6 == Int(row["tcpdump_bpf_ip6"] ?? ""), "\(file): ip6")
    }

    /// The summary with a filter counts only matching packets: `ip6` on a dual-stack capture
    /// gives the outer-IPv6 packets and no IPv4 (untagged Ethernet, so BPF `ip6` = outer IPv6).
    @Test func summaryWithFilterCountsMatchingPacketsOnly() throws {
        guard let path = SharedData.path(Corpus.directory + "/dualstack_tls_v4_v6.pcap") else {
            #expect(!SharedData.isCI); return
        }
        let row = try #require(Corpus.expected()["dualstack_tls_v4_v6.pcap"])
        let s = Corpus.summarize(path, filter: try BPFFilter("ip6")).summary
        #expect(Int(s.packets) == Int(row["tcpdump_bpf_ip6"] ?? ""))
        #expect(Int(s.outermost.ipv6.packets) == Int(row["ipv6_outer"] ?? ""))
        #expect(s.outermost.ipv4.packets == 0)
    }
}
