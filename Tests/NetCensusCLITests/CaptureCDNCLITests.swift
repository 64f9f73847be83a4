import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif
import CaptureFiles
import CaptureSamples

/// `capture cdn` and the summary's `cdn` member through the real binary: output formats, the
/// rules file's exit statuses, and hostile SNI / Host text escaped in every format.
@Suite(.serialized) struct CaptureCDNCLITests {
    /// One TLS connection over IPv6 to an address in Cloudflare's published prefix (bundled
    /// rules), SYN -> SYN-ACK 10 ms -> ACK 11 ms, whose SNI carries ESC [2J and a BEL and which the
    /// server answers with a ServerHello; and one
    /// HTTP request over IPv4 whose Host carries ESC ]0; (a title escape).
    static func hostileCapture(in dir: URL) throws -> String {
        let c6 = PacketBuilder.address("2001:db8::1"), s6 = PacketBuilder.address("2606:4700::1111")
        let c4 = PacketBuilder.address("192.0.2.1"), s4 = PacketBuilder.address("104.16.0.1")
        let mac1 = PacketBuilder.mac("02:00:00:00:00:01"), mac2 = PacketBuilder.mac("02:00:00:00:00:02")
        var w = PcapWriter(linkType: .ethernet)
        let t0: Int64 = 1_700_000_000_000_000_000
        func tcp(_ ms: Int64, _ s: [UInt8], _ d: [UInt8], _ sp: UInt16, _ dp: UInt16, _ seq: UInt32, _ ack: UInt32, _ flags: UInt8,
                 _ payload: [UInt8] = []) {
            let seg = PacketBuilder.tcp(source: s, destination: d, sourcePort: sp, destinationPort: dp, sequence: seq,
                                        acknowledgment: ack, flags: flags, payload: payload)
            let ip = PacketBuilder.ip(source: s, destination: d, protocol: 6, payload: seg)
            w.append(timestamp: t0 + ms * 1_000_000,
                     packet: PacketBuilder.ethernet(destination: mac2, source: mac1, etherType: s.count == 16 ? 0x86dd : 0x0800, payload: ip))
        }
        var hello = ClientHelloBuilder()
        hello.serverName = "evil\u{1b}[2J\u{07}.example"
        tcp(0, c6, s6, 50000, 443, 1, 0, 0x02)
        tcp(10, s6, c6, 443, 50000, 9, 2, 0x12)
        tcp(11, c6, s6, 50000, 443, 2, 10, 0x10)
        tcp(12, c6, s6, 50000, 443, 2, 10, 0x18, hello.record)
        // A minimal TLS 1.3 ServerHello (RFC 8446 section 4.1.3): the attempt succeeds.
        let body: [UInt8] = [3, 3] + [UInt8](repeating: 0x33, count: 32) + [0, 0x13, 0x01, 0] + [0, 6, 0, 43, 0, 2, 3, 4]
        let hs: [UInt8] = [2, 0, 0, UInt8(body.count)] + body
        tcp(20, s6, c6, 443, 50000, 10, 2 + UInt32(hello.record.count), 0x18, [22, 3, 3, 0, UInt8(hs.count)] + hs)
        tcp(100, c4, s4, 50001, 80, 1, 0, 0x02)
        tcp(120, s4, c4, 80, 50001, 9, 2, 0x12)
        tcp(121, c4, s4, 50001, 80, 2, 10, 0x10)
        tcp(122, c4, s4, 50001, 80, 2, 10, 0x18, Array("GET / HTTP/1.1\r\nHost: t\u{1b}]0;x\r\n\r\n".utf8))
        let path = dir.appendingPathComponent("hostile-sni.pcap").path
        try w.write(to: path)
        return path
    }

    @Test func everyFormatEscapesNamesAndCountsByFamily() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.hostileCapture(in: dir)
        for by in ["provider", "name"] {
            for format in ["--json", "--csv", nil] as [String?] {
                let r = try CaptureCLI.run(["capture", "cdn", "--by", by, path] + (format.map { [$0] } ?? []))
                #expect(r.status == 0, "\(by) \(format ?? "table"): \(r.stderr)")
                #expect(!r.stdout.contains("\u{1b}") && !r.stdout.contains("\u{07}"), "\(by) \(format ?? "table") carries a raw control")
            }
        }
        let json = try #require(try CaptureCLI.run(["capture", "cdn", "--json", path]).json)
        #expect(json["schema_version"] as? Int == 1)
        let rows = try #require(json["rows"] as? [[String: Any]])
        let cf = try #require(rows.first { $0["provider"] as? String == "Cloudflare" })
        #expect(cf["verdict"] as? String == "reachable_ipv6")
        #expect(cf["ipv6", "attempts"] as? Int == 1 && cf["ipv6", "successes"] as? Int == 1)
        #expect(cf["ipv6", "handshake_rtt", "median_ms"] as? Double == 11)
        #expect(cf["ipv4", "attempts"] as? Int == 1 && cf["ipv4", "handshake_rtt", "p90_ms"] as? Double == 21)
        // The names, escaped by JSON only (the parsed value is the original text, capped).
        let names = try #require(try CaptureCLI.run(["capture", "cdn", "--by", "name", "--json", path]).json?["rows"] as? [[String: Any]])
        #expect(Set(names.compactMap { $0["name"] as? String }) == ["evil\u{1b}[2j\u{07}.example", "t\u{1b}]0;x"])
    }

    /// Issue 9 leftover: an SNI holding CR LF kept them raw inside the quoted CSV cell, so the
    /// row spanned two lines. Every line of `--csv` is now one row, the controls as `\x0d\x0a`.
    @Test func csvRowsNeverSpanLines() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = PacketBuilder.address("192.0.2.1"), s = PacketBuilder.address("104.16.0.1")
        let mac1 = PacketBuilder.mac("02:00:00:00:00:01"), mac2 = PacketBuilder.mac("02:00:00:00:00:02")
        var w = PcapWriter(linkType: .ethernet)
        var hello = ClientHelloBuilder()
        hello.serverName = "evil\r\nfake,row\n.example"
        // SYN (sequence 1), then the ClientHello at stream offset 0 (sequence 2).
        for (ms, seq, flags, payload) in [(0, 1, UInt8(0x02), [UInt8]()), (1, 2, 0x18, hello.record)] as [(Int64, UInt32, UInt8, [UInt8])] {
            let seg = PacketBuilder.tcp(source: c, destination: s, sourcePort: 50000, destinationPort: 443, sequence: seq,
                                        acknowledgment: 0, flags: flags, payload: payload)
            let ip = PacketBuilder.ip(source: c, destination: s, protocol: 6, payload: seg)
            w.append(timestamp: 1_700_000_000_000_000_000 + ms * 1_000_000,
                     packet: PacketBuilder.ethernet(destination: mac2, source: mac1, etherType: 0x0800, payload: ip))
        }
        let path = dir.appendingPathComponent("crlf-sni.pcap").path
        try w.write(to: path)
        let r = try CaptureCLI.run(["capture", "cdn", "--by", "name", "--csv", path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 2, "header and one row: \(lines)")
        #expect(!lines.contains { $0.contains("\r") || $0.contains("\n") })
        #expect(lines.last?.hasPrefix("\"evil\\x0d\\x0afake,row\\x0a.example\",") == true, "\(lines)")
    }

    @Test func summarizeCarriesTheSectionUnlessAskedNot() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.hostileCapture(in: dir)
        let on = try #require(try CaptureCLI.run(["capture", "summarize", "--json", path]).json)
        #expect(on["schema_version"] as? Int == 2)
        let providers = try #require(on["total", "cdn", "providers"] as? [[String: Any]])
        #expect(providers.first?["provider"] as? String == "Cloudflare")
        #expect(on["total", "cdn", "counters", "connections"] as? Int == 2)
        let off = try #require(try CaptureCLI.run(["capture", "summarize", "--json", "--no-cdn", path]).json)
        #expect((off["total"] as? [String: Any])?["cdn"] is NSNull)
        // The packet figures do not depend on the CDN analysis.
        #expect(on["total", "packets"] as? Int == off["total", "packets"] as? Int)
        #expect(on["total", "connections", "ipv6", "connections"] as? Int == off["total", "connections", "ipv6", "connections"] as? Int)
    }

    @Test func badRulesFileIsOneLineAndExit65Or66() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.hostileCapture(in: dir)
        let bad = dir.appendingPathComponent("rules.json")
        try Data(#"{"format": "netcensus-cdn-rules", "version": 1, "providers": [{"name": "X", "sources": [{"url": "https://x.example", "retrieved": "2026-13-01", "suffixes": ["x.example"]}]}]}"#.utf8).write(to: bad)
        for command in ["cdn", "summarize"] {
            let r = try CaptureCLI.run(["capture", command, "--cdn-rules", bad.path, path])
            #expect(r.status == 65)
            #expect(r.stderr == "netcensus: error: --cdn-rules: rules.json: providers[0] (X) sources[0]: retrieved must be a date YYYY-MM-DD\n")
            #expect(r.stdout.isEmpty)
            let missing = try CaptureCLI.run(["capture", command, "--cdn-rules", dir.appendingPathComponent("none.json").path, path])
            #expect(missing.status == 66)
            #expect(missing.stderr.hasPrefix("netcensus: error: --cdn-rules ") && missing.stderr.filter { $0 == "\n" }.count == 1)
            // A device, a directory or a FIFO is not a rules file: 66 before any read (adversarial
            // finding: /dev/zero and a FIFO gave 65 "cannot be read", against the documented 66).
            let fifo = dir.appendingPathComponent("rules.fifo").path
            _ = mkfifo(fifo, 0o600)
            for special in ["/dev/zero", dir.path, fifo] {
                let r = try CaptureCLI.run(["capture", command, "--cdn-rules", special, path])
                #expect(r.status == 66 && r.stderr.contains("not a regular file"), "\(special): \(r.status) \(r.stderr)")
            }
        }
    }
}
