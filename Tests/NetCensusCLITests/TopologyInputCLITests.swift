import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Exit codes and messages for topology inputs and options that are hostile or mistaken
/// (issue 7 items 6, 7, 9; issue 10's CSV reader), each with a small input made here.
@Suite(.serialized) struct TopologyInputCLITests {
    func oneErrorLine(_ r: TopologyCLI.Result) {
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("netcensus: error: ") == true, "stderr: \(r.stderr)")
    }

    /// Infinite or NaN options are usage errors (64), never scored into "inf" figures.
    @Test func nonFiniteOptionsAreUsageErrors() throws {
        for args in [["--contention", "inf"], ["--contention", "nan"], ["--unknown-capacity", "inf"], ["--unknown-capacity", "nan"]] {
            let r = try TopologyCLI.run(["score", TopologyCLI.sample] + args)
            #expect(r.status == 64, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("finite") && r.stdout.isEmpty, "\(args): \(r.stderr)")
        }
        for args in [["--cost-per-km", "inf"], ["--fiber-mbps", "inf"], ["--route-factor", "nan"]] {
            let r = try TopologyCLI.run(["plan", TopologyCLI.sample] + args)
            #expect(r.status == 64 && r.stderr.contains("finite"), "\(args): \(r.status) \(r.stderr)")
        }
    }

    /// A FIFO given as the topology exits 66 at once with a clear message (it used to hang).
    @Test func fifoExits66() throws {
        let dir = SharedData.temporaryDirectory("topology-fifo")
        for name in ["net.graphml", "net.txt", "nodes.csv"] {
            let p = dir.appendingPathComponent(name).path
            #expect(mkfifo(p, 0o600) == 0)
            let r = try TopologyCLI.run(["score", p])
            #expect(r.status == 66, "\(name): \(r.status)")
            oneErrorLine(r)
            #expect(r.stderr.contains("not a regular file") && r.stderr.contains("FIFO"), "\(r.stderr)")
        }
        // A device gets the same clear refusal, not a misleading "permission" error.
        let dev = try TopologyCLI.run(["score", "/dev/null"])
        #expect(dev.status == 66 && dev.stderr.contains("not a regular file: a character device"), "\(dev.stderr)")
    }

    /// Untrusted ids in import errors reach stderr escaped: no raw ESC, BEL or U+202E.
    @Test func importErrorsEscapeUntrustedText() throws {
        let hostile = "evil\u{1B}]0;pwned\u{07}\u{202E}di"
        // A duplicate id and an unknown link end (CSV), a GeoJSON count and a GraphML node id, each quoted in the error.
        let dup = try TopologyCLI.pair(nodes: "id\n\(hostile)\n\(hostile)\n", links: "a,b\n")
        let end = try TopologyCLI.pair(nodes: "id\nA\n", links: "a,b\nA,\(hostile)\n")
        let geo = SharedData.temporaryDirectory("topology-esc").appendingPathComponent("n.geojson")
        try """
        {"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[5,5]},"properties":{"id":"A","households":"evil\\u001b]0;pwned\\u0007\\u202edi"}}]}
        """.write(to: geo, atomically: true, encoding: .utf8)
        let gml = SharedData.temporaryDirectory("topology-esc").appendingPathComponent("n.graphml")
        // XML allows no C0 controls, so the GraphML id carries the bidi override only.
        try "<graphml><key id=\"la\" for=\"node\" attr.name=\"Latitude\"/><graph><node id=\"evil\u{202E}di\"><data key=\"la\">999</data></node></graph></graphml>"
            .write(to: gml, atomically: true, encoding: .utf8)
        for input in [dup, end, geo.path, gml.path] {
            let r = try TopologyCLI.run(["score", input])
            #expect(r.status == 65, "\(input): \(r.status) \(r.stderr)")
            oneErrorLine(r)
            #expect(!r.stderr.contains("\u{1B}") && !r.stderr.contains("\u{07}") && !r.stderr.contains("\u{202E}"), "raw control text: \(r.stderr.debugDescription)")
            let shown = input == gml.path ? "evil\\u{202e}di" : "evil\\x1b]0;pwned\\x07\\u{202e}di"
            #expect(r.stderr.contains(shown), "\(r.stderr.debugDescription)")
        }
    }

    /// The CSV reader's errors name file, line and column; a BOM and CRLF files score.
    @Test func csvSyntaxErrorsAndBOM() throws {
        let open = try TopologyCLI.pair(nodes: "id,tier\nB,backbone\n\"V,village\n", links: "a,b\n")
        let r = try TopologyCLI.run(["score", open])
        #expect(r.status == 65)
        oneErrorLine(r)
        #expect(r.stderr.contains("nodes.csv: line 3, column 1: unterminated quoted field"), "\(r.stderr)")
        let bom = try TopologyCLI.pair(nodes: "\u{FEFF}id,tier,households\r\nB,backbone,\r\nV,village,10\r\n",
                                       links: "\u{FEFF}a,b,medium,capacity_mbps\r\nB,V,fiber,1000\r\n")
        let ok = try TopologyCLI.run(["score", bom, "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let villages = try #require(ok.json?["villages"] as? [String: Any])
        // 1000 Mbps × 20 / 10 households = 2000 Mbps per household: broadband and fiber.
        #expect(villages["broadband_share"] as? Double == 1 && villages["fiber_share"] as? Double == 1, "\(villages)")
    }
}
