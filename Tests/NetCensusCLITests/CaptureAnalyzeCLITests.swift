import Foundation
import Testing
import CaptureCore
import CaptureFiles
import CaptureSamples
import TestSupport

/// `netcensus capture analyze`: views, formats, anonymization, escaping of DNS names, exit codes.
@Suite struct CaptureAnalyzeCLITests {
    static let hostileName = "=cmd|x,\u{1b}[2J\"y\".example"

    /// A dual-stack client (MAC 02:..:0a, 192.168.1.10 / 2001:db8:1:1::a) looks up a hostile name
    /// (A and AAAA) and fetches it over IPv6.
    static func capture() throws -> String {
        let dir = SharedData.temporaryDirectory("analyze-cli")
        let path = dir.appendingPathComponent("hostile.pcap").path
        var w = PcapWriter(linkType: .ethernet, snaplen: 65535)
        let client = PacketBuilder.mac("02:00:00:00:00:0a"), router = PacketBuilder.mac("02:00:00:00:00:01")
        let c4 = PacketBuilder.address("192.168.1.10"), r4 = PacketBuilder.address("192.168.1.1")
        let c6 = PacketBuilder.address("2001:db8:1:1::a"), s6 = PacketBuilder.address("2001:db8:ff::1")
        var t: Int64 = 1_700_000_000_000_000_000
        func add(_ src: [UInt8], _ dst: [UInt8], _ ip: [UInt8]) {
            w.append(timestamp: t, packet: PacketBuilder.ethernet(destination: dst, source: src, etherType: ip.count > 0 && ip[0] >> 4 == 6 ? 0x86dd : 0x0800, payload: ip))
            t += 1_000_000
        }
        func dns(_ id: UInt16, _ type: UInt16, _ answer: [UInt8]) {
            add(client, router, PacketBuilder.ip(source: c4, destination: r4, protocol: 17, payload: PacketBuilder.udp(source: c4, destination: r4, sourcePort: 50000 + id, destinationPort: 53, payload: PacketBuilder.dnsQuery(id: id, name: hostileName, type: type))))
            add(router, client, PacketBuilder.ip(source: r4, destination: c4, protocol: 17, payload: PacketBuilder.udp(source: r4, destination: c4, sourcePort: 53, destinationPort: 50000 + id, payload: PacketBuilder.dnsResponse(id: id, name: hostileName, type: type, answers: [answer]))))
        }
        dns(1, 28, s6)
        dns(2, 1, PacketBuilder.address("198.51.100.1"))
        func tcp(_ s: [UInt8], _ d: [UInt8], _ sp: UInt16, _ dp: UInt16, _ flags: UInt8, _ n: Int) -> [UInt8] {
            PacketBuilder.ip(source: s, destination: d, protocol: 6, payload: PacketBuilder.tcp(source: s, destination: d, sourcePort: sp, destinationPort: dp, sequence: 1, acknowledgment: 1, flags: flags, payload: [UInt8](repeating: 0x41, count: n)))
        }
        add(client, router, tcp(c6, s6, 40000, 443, 0x02, 0))
        add(router, client, tcp(s6, c6, 443, 40000, 0x12, 0))
        add(client, router, tcp(c6, s6, 40000, 443, 0x10, 0))
        add(client, router, tcp(c6, s6, 40000, 443, 0x18, 100))
        try w.write(to: path)
        return path
    }

    @Test func viewsEscapeTheNameEverywhere() throws {
        let path = try Self.capture()
        let table = try CaptureCLI.run(["capture", "analyze", "--by", "name", path])
        #expect(table.status == 0)
        #expect(!table.stdout.contains("\u{1b}"))
        #expect(table.stdout.contains("example"))
        let csv = try CaptureCLI.run(["capture", "analyze", "--by", "name", "--csv", path])
        #expect(csv.status == 0 && !csv.stdout.contains("\u{1b}"))
        // The name cell is quoted (comma, quote) and starts with ' (formula neutralised).
        #expect(csv.stdout.contains("\"'=cmd"))
        let json = try CaptureCLI.run(["capture", "analyze", "--by", "name", "--json", path])
        let doc = try #require(json.json)
        #expect(doc["schema_version"] as? Int == 2)
        let names = try #require(doc["names"] as? [[String: Any]])
        #expect(names.count == 1 && (names[0]["name"] as? String)?.hasPrefix("=cmd") == true)
        #expect(names[0]["ipv6_preferred_share"] as? Double == 1)
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect((summary["ipv6_preferred"] as? [String: Any])?["share"] as? Double == 1)
        let races = try CaptureCLI.run(["capture", "analyze", "--by", "race", path])
        #expect(races.status == 0 && !races.stdout.contains("\u{1b}"))
    }

    @Test func devicesAreAnonymizedUnlessAsked() throws {
        let path = try Self.capture()
        let plain = try CaptureCLI.run(["capture", "analyze", "--by", "device", "--show-addresses", path])
        #expect(plain.stdout.contains("192.168.1.10") && plain.stdout.contains("02:00:00:00:00:0a"))
        let keyFile = SharedData.temporaryDirectory("analyze-key").appendingPathComponent("key").path
        try String(repeating: "ab", count: 32).write(toFile: keyFile, atomically: true, encoding: .utf8)
        let a = try CaptureCLI.run(["capture", "analyze", "--by", "device", "--anonymize-key", keyFile, path])
        let b = try CaptureCLI.run(["capture", "analyze", "--by", "device", "--anonymize-key", keyFile, path])
        #expect(a.status == 0 && a.stdout == b.stdout)    // same key, same mapping
        #expect(!a.stdout.contains("192.168.1.10") && !a.stdout.contains("02:00:00:00:00:0a") && !a.stdout.contains("2001:db8:1:1::a"))
        let random = try CaptureCLI.run(["capture", "analyze", "--by", "device", path])
        #expect(random.status == 0 && !random.stdout.contains("192.168.1.10"))
    }

    @Test func usageAndInputErrors() throws {
        let path = try Self.capture()
        #expect(try CaptureCLI.run(["capture", "analyze", "--by", "planet", path]).status == 64)
        #expect(try CaptureCLI.run(["capture", "analyze", "--nat64-prefix", "2001:db8::/33", path]).status == 64)
        #expect(try CaptureCLI.run(["capture", "analyze", "--local-prefix", "10.0.0.1/8", path]).status == 64)
        #expect(try CaptureCLI.run(["capture", "analyze", "--anonymize-key", "/nonexistent/key", path]).status == 66)
        #expect(try CaptureCLI.run(["capture", "analyze", "/nonexistent/file.pcap"]).status == 66)
        let ok = try CaptureCLI.run(["capture", "analyze", "--nat64-prefix", "2001:db8:122:344::/64,64:ff9b::/96", "--6rd-prefix", "2001:db8::/32",
                                     "--local-prefix", "192.168.1.0/24", "--local-prefix", "2001:db8:1::/48", "--json", path])
        #expect(ok.status == 0)
        let prefixes = ((ok.json?["summary"] as? [String: Any])?["nat64_prefixes"] as? [[String: Any]])?.compactMap { $0["prefix"] as? String } ?? []
        #expect(prefixes.contains("2001:db8:122:344::/64"))
    }

    @Test func summarizeCarriesTheTransitionSection() throws {
        let path = try Self.capture()
        let r = try CaptureCLI.run(["capture", "summarize", "--json", "--transition", path])
        let t = try #require(r.json?["transition"] as? [String: Any])
        let mechanisms = try #require(t["mechanisms"] as? [String: [String: Any]])
        #expect(mechanisms["native_ipv6"]?["packets"] as? Int == 4)
        #expect(mechanisms["native_ipv4"]?["packets"] as? Int == 4)
    }
}
