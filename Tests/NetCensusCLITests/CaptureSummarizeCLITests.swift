import Testing
import Foundation
import TestSupport

@Suite(.serialized) struct CaptureSummarizeCLITests {
    static let corpus = "captures/public"

    @Test func jsonHasSchemaVersionAndExpectedFigures() throws {
        guard let path = SharedData.path(Self.corpus + "/ipv4_netflix_cdn_browsing.pcap") else { #expect(!SharedData.isCI); return }
        let row = try #require(CaptureCLI.expected()["ipv4_netflix_cdn_browsing.pcap"])
        let r = try CaptureCLI.run(["capture", "summarize", "--json", path])
        #expect(r.status == 0)
        let json = try #require(r.json)
        #expect(json["schema_version"] as? Int == 2)
        #expect((json["files"] as? [Any])?.count == 1)
        let total = try #require(json["total"] as? [String: Any])
        #expect(total["packets"] as? Int == Int(row["total_packets"]!))
        #expect(total["outermost", "ipv4", "packets"] as? Int == Int(row["ipv4_outer"]!))
        #expect(total["dns", "queries_a"] as? Int == Int(row["dns_query_A"]!))
        #expect(total["dns", "queries_aaaa"] as? Int == Int(row["dns_query_AAAA"]!))
        #expect(total["tcp", "syn_ipv4"] as? Int == Int(row["tcp_syn_v4"]!))
        #expect(total["addresses", "distinct_ipv4"] as? Int == Int(row["distinct_ipv4"]!))
        // An IPv4-only capture: IPv6 share 0 of packets, flows, hosts.
        #expect(total["ipv6_share", "packets"] as? Double == 0)
        #expect(total["ipv6_share", "flows"] as? Double == 0)
        // Every documented top-level name is present (docs/summary-schema.md).
        for key in ["source", "format", "records_read", "packets", "bytes", "captured_bytes", "first_timestamp", "last_timestamp",
                    "outermost", "innermost", "ipv6_share", "flows", "hosts", "tunnels", "dns", "tcp", "layers", "addresses",
                    "link_types", "truncated_packets", "undecodable_packets", "anomalies", "warnings"] {
            #expect(total[key] != nil, "total.\(key) missing")
        }
    }

    @Test func directoryOfTheWholeCorpusSumsEveryFile() throws {
        guard let dir = SharedData.path(Self.corpus) else { #expect(!SharedData.isCI); return }
        let rows = CaptureCLI.expected()
        let r = try CaptureCLI.run(["capture", "summarize", "--json", dir])
        #expect(r.status == 0)
        let json = try #require(r.json)
        #expect((json["files"] as? [Any])?.count == rows.count)        // 77 captures, README/TSV files ignored
        let expectedPackets = rows.values.reduce(0) { $0 + Int($1["total_packets"]!)! }
        #expect((json["total"] as? [String: Any])?["packets"] as? Int == expectedPackets)
        // Warnings from malformed files reach stderr with file and offset.
        #expect(r.stderr.contains("malformed_pcap_huge_record.pcap: offset 228:"))
        #expect(!r.stdout.contains("netcensus: warning"))
    }

    @Test func csvHasOneRowPerFilePlusTotal() throws {
        guard let a = SharedData.path(Self.corpus + "/dualstack_tls_v4_v6.pcap"),
              let b = SharedData.path(Self.corpus + "/6in4_proto41_ping6.pcap") else { #expect(!SharedData.isCI); return }
        let r = try CaptureCLI.run(["capture", "summarize", "--csv", a, b])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\r\n")
        #expect(lines.count == 4)          // header, two files, total
        let header = lines[0].split(separator: ",").map(String.init)
        for column in ["source", "packets", "outermost_ipv6_packets", "ipv6_share_flows", "tunnels_6in4", "dns_queries_aaaa",
                       "tcp_syn_ack_ipv6", "addresses_by_class_ipv6_link_local", "link_type_ethernet_decoded"] {
            #expect(header.contains(column), "CSV column \(column) missing")
        }
        #expect(lines[3].hasPrefix("total,"))
    }

    @Test func tableIsTheDefault() throws {
        guard let path = SharedData.path(Self.corpus + "/dualstack_tls_v4_v6.pcap") else { #expect(!SharedData.isCI); return }
        let r = try CaptureCLI.run(["capture", "summarize", "--per-file", path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("IPv6 share"))
        #expect(r.stdout.contains("File " + path))
        #expect(r.stdout.contains("Total (1 file)"))
    }

    @Test func filterAppliesBPFToFilePackets() throws {
        guard let path = SharedData.path(Self.corpus + "/dualstack_tls_v4_v6.pcap") else { #expect(!SharedData.isCI); return }
        let row = try #require(CaptureCLI.expected()["dualstack_tls_v4_v6.pcap"])
        let r = try CaptureCLI.run(["capture", "summarize", "--json", "--filter", "ip6", path])
        #expect(r.status == 0)
        let json = try #require(r.json)
        #expect(json["filter"] as? String == "ip6")
        #expect((json["total"] as? [String: Any])?["packets"] as? Int == Int(row["tcpdump_bpf_ip6"]!))
        #expect((json["total"] as? [String: Any])?["records_read"] as? Int == Int(row["total_packets"]!))
        // An expression that cannot compile for a file's link type: a warning, not a failure.
        if let raw = SharedData.path(Self.corpus + "/linktype_ipv6_229.pcap") {
            let w = try CaptureCLI.run(["capture", "summarize", "--filter", "ether src 00:01:02:03:04:05", raw, path])
            #expect(w.status == 0)
            #expect(w.stderr.contains("linktype_ipv6_229.pcap: offset 0: filter 'ether src 00:01:02:03:04:05' cannot apply to LINKTYPE_IPV6 (229)"))
        }
    }

    @Test func exitCodesAndOneLineErrors() throws {
        guard let empty = SharedData.path(Self.corpus + "/empty_header_only.pcapng"),
              let good = SharedData.path(Self.corpus + "/dualstack_tls_v4_v6.pcap") else { #expect(!SharedData.isCI); return }
        // Nothing readable: 65 (no packets) and one stderr line.
        var r = try CaptureCLI.run(["capture", "summarize", empty])
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("netcensus: error: ") && r.stderr.split(separator: "\n").count == 1)
        #expect(r.stdout.isEmpty)
        // Missing path: 66.
        r = try CaptureCLI.run(["capture", "summarize", "/nonexistent/x.pcap"])
        #expect(r.status == 66 && r.stderr == "netcensus: error: /nonexistent/x.pcap: no such file or directory\n")
        // Usage errors: 64.
        r = try CaptureCLI.run(["capture", "summarize", "--json", "--csv", good])
        #expect(r.status == 64)
        r = try CaptureCLI.run(["capture", "summarize", "--filter", "udp port", good])
        #expect(r.status == 64 && r.stderr.contains("invalid BPF filter"))
        r = try CaptureCLI.run(["capture", "summarize"])
        #expect(r.status == 64)
        // A readable file next to an empty one: packets were read, so 0.
        r = try CaptureCLI.run(["capture", "summarize", "--quiet", empty, good])
        #expect(r.status == 0 && r.stderr.isEmpty)
    }

    @Test func untrustedPathsAreEscaped() throws {
        guard let source = SharedData.path(Self.corpus + "/dualstack_tls_v4_v6.pcap") else { #expect(!SharedData.isCI); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A file name carrying an ANSI escape (ESC [31m) and a quote.
        let name = "evil\u{1b}[31m\"name.pcap"
        let target = dir.appendingPathComponent(name)
        try FileManager.default.copyItem(atPath: source, toPath: target.path)
        let table = try CaptureCLI.run(["capture", "summarize", "--per-file", target.path])
        #expect(table.status == 0)
        #expect(!table.stdout.contains("\u{1b}"))
        #expect(table.stdout.contains("evil\\x1b[31m\"name.pcap"))
        let json = try CaptureCLI.run(["capture", "summarize", "--json", target.path])
        #expect(json.stdout.contains(#"evil\u001b[31m\"name.pcap"#))
        #expect((json.json?["files"] as? [[String: Any]])?.first?["source"] as? String == target.path)
        let csv = try CaptureCLI.run(["capture", "summarize", "--csv", target.path])
        #expect(csv.stdout.contains("\"" + dir.path + "/evil\\x1b[31m\"\"name.pcap\""))
    }
}

@Suite struct SampleCapturesCLITests {
    /// The README's first command, on the project's own samples: totals from the hand-counted
    /// "all five files" row of Captures/README.md.
    @Test func summarizeOfCapturesMatchesHandCounts() throws {
        let dir = SharedData.repoRoot.appendingPathComponent("Captures").path
        guard FileManager.default.fileExists(atPath: dir + "/dualstack_browsing.pcap") else {
            Issue.record("Captures/ samples missing (run netcensus capture synth)"); return
        }
        let r = try CaptureCLI.run(["capture", "summarize", "--json", dir])
        #expect(r.status == 0)
        let json = try #require(r.json)
        #expect((json["files"] as? [Any])?.count == 5)
        let t = try #require(json["total"] as? [String: Any])
        #expect(t["packets"] as? Int == 87)
        #expect(t["outermost", "ipv4", "packets"] as? Int == 52)
        #expect(t["outermost", "ipv6", "packets"] as? Int == 35)
        #expect(t["layers", "ipv6_in_ipv4"] as? Int == 19)
        #expect(t["layers", "proto41"] as? Int == 11)
        #expect(t["layers", "teredo"] as? Int == 8)
        #expect(t["dns", "queries_a"] as? Int == 5)
        #expect(t["dns", "queries_aaaa"] as? Int == 9)
        #expect(t["tcp", "syn_ipv4"] as? Int == 3 && t["tcp", "syn_ipv6"] as? Int == 6)
        #expect(t["tcp", "syn_ack_ipv4"] as? Int == 3 && t["tcp", "syn_ack_ipv6"] as? Int == 5)
        // Innermost IPv6 = 35 outer IPv6 + 19 tunnelled = 54 of 87 packets.
        #expect(t["innermost", "ipv6", "packets"] as? Int == 54)
    }
}
