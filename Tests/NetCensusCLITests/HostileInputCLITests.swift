import Foundation
import Testing
import TestSupport
import CaptureSamples
#if canImport(Glibc)
import Glibc
#endif

/// Hostile inputs through the real CLI (fuzz harness findings and hand-crafted attacks): the
/// process must exit with a documented status, never die on a signal (a Swift trap exits with
/// SIGILL/SIGTRAP, seen as status 132/133 or a signal), and say file, offset and reason.
@Suite(.serialized) struct HostileInputCLITests {
    /// little-endian pcapng: SHB (28 bytes), IDB ETHERNET with if_tsresol 9 (nanoseconds),
    /// then EPBs of a 42-byte Ethernet/IPv4/UDP frame with the given 64-bit timestamps.
    static func pcapng(timestamps: [UInt64]) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func block(_ type: UInt32, _ body: [UInt8]) -> [UInt8] {
            var b = body
            while b.count % 4 != 0 { b.append(0) }
            return le32(type) + le32(UInt32(12 + b.count)) + b + le32(UInt32(12 + b.count))
        }
        var out = block(0x0a0d_0d0a, le32(0x1a2b_3c4d) + [1, 0, 0, 0] + [UInt8](repeating: 0xff, count: 8))
        out += block(1, [1, 0, 0, 0] + le32(0) + [9, 0, 1, 0, 9, 0, 0, 0] + [0, 0, 0, 0])
        let frame: [UInt8] = [UInt8](repeating: 0xff, count: 6) + [0, 0, 0, 0, 0, 1, 0x08, 0x00]
            + [0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]
            + [0x30, 0x39, 0x30, 0x3a, 0, 8, 0, 0]
        for t in timestamps {
            out += block(6, le32(0) + le32(UInt32(t >> 32)) + le32(UInt32(t & 0xffff_ffff))
                         + le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame)
        }
        return out
    }

    static func file(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Found by adversarial testing of `capture analyze`: an A lookup stamped Int64.min ns and the
    /// AAAA lookup for the same name stamped in 2023 made the Happy Eyeballs race join compute
    /// |t - start| and trap (exit 132), in `capture analyze` and `capture summarize --transition`.
    /// Now both exit 0 with their figures.
    @Test func extremeTimestampsInARaceDoNotCrashTheTransitionAnalysis() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func block(_ type: UInt32, _ body: [UInt8]) -> [UInt8] {
            var b = body
            while b.count % 4 != 0 { b.append(0) }
            return le32(type) + le32(UInt32(12 + b.count)) + b + le32(UInt32(12 + b.count))
        }
        let client = PacketBuilder.address("192.0.2.10"), server = PacketBuilder.address("192.0.2.53")
        func dns(_ payload: [UInt8], reply: Bool) -> [UInt8] {
            let (s, d) = reply ? (server, client) : (client, server)
            let udp = PacketBuilder.udp(source: s, destination: d, sourcePort: reply ? 53 : 40000, destinationPort: reply ? 40000 : 53, payload: payload)
            return PacketBuilder.ip(source: s, destination: d, protocol: 17, payload: udp)
        }
        let frames: [(UInt64, [UInt8])] = [
            (0x8000_0000_0000_0000, dns(PacketBuilder.dnsQuery(id: 1, name: "race.example", type: 1), reply: false)),
            (0x8000_0000_0000_0000, dns(PacketBuilder.dnsResponse(id: 1, name: "race.example", type: 1, answers: [[198, 51, 100, 7]]), reply: true)),
            (1_700_000_000_000_000_000, dns(PacketBuilder.dnsQuery(id: 2, name: "race.example", type: 28), reply: false)),
            (1_700_000_000_001_000_000, dns(PacketBuilder.dnsResponse(id: 2, name: "race.example", type: 28, answers: [PacketBuilder.address("2001:db8::7")]), reply: true)),
        ]
        var out = block(0x0a0d_0d0a, le32(0x1a2b_3c4d) + [1, 0, 0, 0] + [UInt8](repeating: 0xff, count: 8))
        out += block(1, [101, 0, 0, 0] + le32(0) + [9, 0, 1, 0, 9, 0, 0, 0] + [0, 0, 0, 0])   // LINKTYPE_RAW, if_tsresol 9
        for (t, f) in frames {
            out += block(6, le32(0) + le32(UInt32(t >> 32)) + le32(UInt32(t & 0xffff_ffff)) + le32(UInt32(f.count)) + le32(UInt32(f.count)) + f)
        }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.file(out, "race.pcapng", in: dir)
        for arguments in [["capture", "analyze", "--json", path], ["capture", "summarize", "--json", "--transition", path],
                          ["capture", "analyze", "--by", "race", path]] {
            let r = try CaptureCLI.run(arguments)
            #expect(r.status == 0, "\(arguments): status \(r.status), \(r.stderr.suffix(400))")
        }
    }

    /// An option value is untrusted text too: argument-parser quotes it in its usage error
    /// (`The value '…' is invalid for '--tcp-timeout'`), and a value holding an OSC title
    /// sequence (ESC ] 0 ; … BEL), a carriage return or U+202E reached the terminal raw. Now the
    /// error keeps exit 64 and shows those characters escaped; no ESC, BEL, CR or U+202E remains.
    @Test func optionValuesInUsageErrorsAreEscaped() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let hostile = "\u{1b}]0;pwned\u{07}\r\u{202e}5"
        // (`capture X` reads X as a capture path for the default subcommand: exit 66, no such file.)
        for (arguments, status) in [(["capture", "summarize", "--tcp-timeout", hostile, "x.pcap"], Int32(64)),
                                    (["topology", "score", "--contention", hostile, "x.csv"], 64),
                                    (["capture", hostile], 66)] {
            let r = try CaptureCLI.run(arguments)
            #expect(r.status == status, "\(arguments): status \(r.status)")
            #expect(r.stderr.hasPrefix("netcensus: error: "), "\(arguments): \(r.stderr)")
            for bad in ["\u{1b}", "\u{07}", "\r", "\u{202e}"] {
                #expect(!r.stderr.contains(bad), "\(arguments): raw \(bad.unicodeScalars.first!.value) in \(r.stderr)")
            }
            #expect(r.stderr.contains("\\x1b]0;pwned\\x07"), "\(arguments): \(r.stderr)")
        }
    }

    /// Timestamps Int64.min and Int64.max (ns): `last - first` overflowed in the summary
    /// report and the process trapped (found by hand, then by FuzzSummarize). Now exit 0 and
    /// duration_seconds = (2^63 - 1 + 2^63) / 1e9 = 1.8446744073709552e10 s.
    @Test func extremeTimestampsDoNotCrashSummarize() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.file(Self.pcapng(timestamps: [0x8000_0000_0000_0000, 0x7fff_ffff_ffff_ffff]), "ts.pcapng", in: dir)
        for format in ["--json", "--csv", "--table"] where format != "--table" {
            let r = try CaptureCLI.run(["capture", "summarize", format, path])
            #expect(r.status == 0, "\(format): status \(r.status), stderr \(r.stderr)")
        }
        let r = try CaptureCLI.run(["capture", "summarize", "--json", path])
        let total = try #require(r.json?["total"] as? [String: Any])
        #expect(total["packets"] as? Int == 2)
        let duration = try #require(total["duration_seconds"] as? Double)
        #expect(abs(duration - 18_446_744_073.709_552) < 1)
        let table = try CaptureCLI.run(["capture", "summarize", path])
        #expect(table.status == 0)
    }

    /// A directory holding a good capture cut inside its third packet, an empty `.pcap`, a text
    /// file named `.pcap`, a FIFO named `.pcapng` (which used to block `open` forever) and a
    /// symlink loop: exit 0 (packets were read), the two whole packets counted, and a warning
    /// naming the cut file and the offset of the cut record. The third EPB starts at
    /// 28 (SHB) + 32 (IDB) + 2 * 76 (EPB: 12 + 20 + 42 bytes padded to 44) = 212.
    @Test func directoryOfHostileFilesKeepsWhatIsReadable() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = Self.pcapng(timestamps: [1_000_000_000, 2_000_000_000, 3_000_000_000])
        #expect(whole.count == 212 + 76)
        let cut = try Self.file(Array(whole.prefix(212 + 30)), "cut.pcapng", in: dir)
        _ = try Self.file([], "empty.pcap", in: dir)
        _ = try Self.file(Array("hello\n".utf8), "text.pcap", in: dir)
        #expect(mkfifo(dir.appendingPathComponent("fifo.pcapng").path, 0o600) == 0)
        let loop = dir.appendingPathComponent("loop.pcap").path
        #expect(symlink(loop, loop) == 0)
        let r = try CaptureCLI.run(["capture", "summarize", "--json", dir.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let total = try #require(r.json?["total"] as? [String: Any])
        #expect(total["packets"] as? Int == 2)
        #expect(r.stderr.contains("\(cut): offset 212: "), "stderr: \(r.stderr)")
    }

    /// Only unreadable inputs: a non-zero documented status and one line per problem, no trap.
    /// A 0-byte file is opened but holds no packet: 65 (README "Exit codes").
    @Test func onlyUnreadableFilesFailCleanly() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = try Self.file([], "empty.pcap", in: dir)
        let r = try CaptureCLI.run(["capture", "summarize", empty])
        #expect(r.status == 65, "status \(r.status)")
        #expect(r.stderr.contains(empty))
    }

    /// GeoJSON households 1e300 and coordinates [1e300, -1e300] trapped `topology score`; now
    /// a one-line import error naming the file and feature, status 65 (no data).
    @Test(arguments: [
        #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]},"properties":{"id":"a","households":1e300}}]}"#,
        #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1e300,-1e300]},"properties":{"id":"a"}}]}"#,
    ])
    func hostileGeoJSONIsAnImportError(doc: String) throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.file(Array(doc.utf8), "t.geojson", in: dir)
        let r = try CaptureCLI.run(["topology", "score", path])
        #expect(r.status == 65, "status \(r.status): \(r.stderr)")
        #expect(r.stderr.contains("\(path): feature 0: "))
    }

    /// A GraphML link of 1e300 bit/s (1e294 Mbps) made the CSV renderer trap in Int(_:); the
    /// HTML-like node name must survive as text and JSON stays valid.
    @Test func hugeCapacityInTopologyReports() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xml = """
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
              <key attr.name="LinkSpeedRaw" for="edge" id="s"/><key attr.name="label" for="node" id="l"/>
              <graph edgedefault="undirected">
                <node id="a"><data key="l">core</data></node>
                <node id="b"><data key="l">&lt;script&gt;alert(1)&lt;/script&gt;</data></node>
                <edge source="a" target="b"><data key="s">1e300</data></edge>
              </graph>
            </graphml>
            """
        let path = try Self.file(Array(xml.utf8), "hostile.graphml", in: dir)
        for format in ["--csv", "--json", "--geojson", nil] as [String?] {
            let r = try CaptureCLI.run(["topology", "score", path] + (format.map { [$0] } ?? []))
            #expect(r.status == 0, "\(format ?? "text"): status \(r.status): \(r.stderr)")
            if format == "--json" || format == "--geojson" {
                #expect((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) != nil, "\(format!) is not valid JSON")
            }
        }
    }

    /// XML 1.0 forbids control characters even as `&#27;`: such GraphML is a one-line error
    /// naming file:line:column (status 65), not a crash.
    @Test func controlCharacterReferenceInGraphMLIsAnError() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xml = "<graphml>\n<graph>\n<node id=\"a&#27;[2J\"/></graph></graphml>"
        let path = try Self.file(Array(xml.utf8), "esc.graphml", in: dir)
        let r = try CaptureCLI.run(["topology", "score", path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(path):3:"))
        #expect(!r.stderr.contains("\u{1b}"))
    }

    /// Node names with ANSI escape sequences (ESC [2J clears the screen, ESC [31m recolours) and
    /// HTML from a CSV pair: no raw ESC may reach stdout in any output format, JSON stays valid.
    @Test func escapeSequencesInNodeNamesAreEscaped() throws {
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let esc = "\u{1b}"
        let nodes = "id,name,tier,region,lat,lon,households,ipv6\n"
            + "bb,core\(esc)[2J,backbone,P\(esc)[31m/C,10,10,0,1\n"
            + "v1,<script>alert(1)</script>\(esc)[31mred,village,P/C,10.1,10.1,100,1\n"
            + "v2,bell\u{07}\(esc)]0;title\u{07},village,P/C,10.2,10.2,50,0\n"
        let links = "a,b,medium,capacity_mbps,length_km,ipv6\nbb,v1,copper,10,2,1\nv1,v2,fiber,5,1,1\n"
        _ = try Self.file(Array(nodes.utf8), "nodes.csv", in: dir)
        _ = try Self.file(Array(links.utf8), "links.csv", in: dir)
        for format in ["--csv", "--json", "--geojson", nil] as [String?] {
            let r = try CaptureCLI.run(["topology", "score", dir.path] + (format.map { [$0] } ?? []))
            #expect(r.status == 0, "\(format ?? "text"): status \(r.status): \(r.stderr)")
            #expect(!r.stdout.contains(esc), "\(format ?? "text") output carries a raw ESC")
            #expect(!r.stdout.contains("\u{07}"), "\(format ?? "text") output carries a raw BEL")
            if format == "--json" || format == "--geojson" {
                #expect((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) != nil, "\(format!) is not valid JSON")
            }
        }
    }
}
