import Testing
import TrafficAnalysis
import PacketDecoding
@testable import Reporting

@Suite struct EscapingTests {
    @Test func jsonEscapesQuotesBackslashesAndControls() {
        #expect(Escaping.json("a\"b\\c") == #""a\"b\\c""#)
        #expect(Escaping.json("tab\there\nline") == #""tab\there\nline""#)
        // ESC (0x1b), DEL, a C1 control and U+2028 become \u escapes (RFC 8259 section 7).
        #expect(Escaping.json("\u{1b}[31m") == #""\u001b[31m""#)
        #expect(Escaping.json("\u{7f}\u{85}\u{2028}") == #""\u007f\u0085\u2028""#)
        #expect(Escaping.json("café ✓") == "\"café ✓\"")
    }

    @Test func terminalNeutralisesEscapeSequences() {
        #expect(Escaping.terminal("evil\u{1b}[2Jname") == "evil\\x1b[2Jname")
        #expect(Escaping.terminal("a\\b") == "a\\\\b")
        #expect(Escaping.terminal("cr\rlf\n") == "cr\\x0dlf\\x0a")
        #expect(Escaping.terminal("rtl\u{202e}txt") == "rtl\\u{202e}txt")
        #expect(Escaping.terminal("/tmp/ok.pcap") == "/tmp/ok.pcap")
    }

    /// Every bidi control (Unicode UAX #9: LRE/RLE/PDF/LRO/RLO U+202A-202E, isolates U+2066-2069,
    /// LRM/RLM U+200E/200F, ALM U+061C), zero-width space-likes and separators is escaped, so a
    /// hostile name cannot reorder what the terminal shows (CVE-2021-42574); ordinary non-ASCII
    /// text (CJK, accents) is kept as is.
    @Test func terminalEscapesEveryBidiControl() {
        let controls: [UInt32] = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
                                  0x200e, 0x200f, 0x061c, 0x200b, 0xfeff, 0x2028, 0x2029]
        for v in controls {
            let c = String(Unicode.Scalar(v)!)
            #expect(Escaping.terminal("a" + c + "b") == "a\\u{\(String(v, radix: 16))}b", "U+\(String(v, radix: 16))")
        }
        #expect(Escaping.terminal("行政村 Zürich") == "行政村 Zürich")
    }

    @Test func csvQuotesAndDefusesFormulas() {
        #expect(Escaping.csv("plain") == "plain")
        #expect(Escaping.csv("a,b") == "\"a,b\"")
        #expect(Escaping.csv("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(Escaping.csv("two\nlines") == "\"two\nlines\"")
        #expect(Escaping.csv("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(Escaping.csv("-12") == "-12")          // a number stays a number
        #expect(Escaping.csv("@cmd") == "'@cmd")
    }

    /// Issue 9 leftover: names read from packets kept raw CR/LF inside quoted CDN CSV cells, so
    /// one row spanned lines. Untrusted cells escape them like every other control.
    @Test func untrustedCSVCellsNeverSpanLines() {
        #expect(Escaping.csvUntrusted("a\r\nb.example") == "a\\x0d\\x0ab.example")
        #expect(Escaping.csvUntrusted("x,\ny") == "\"x,\\x0ay\"")
        #expect(Escaping.csvUntrusted("\r=1") == "'\\x0d=1")            // still defused as a formula
        #expect(Escaping.csvUntrusted("plain") == Escaping.csv("plain"))
        let rows: [ReportValue] = [.object([("name", .string("evil\r\nfake,row")), ("attempts", .unsigned(1))])]
        let text = CSVRenderer.render(rows: rows, untrustedText: true)
        #expect(text == "name,attempts\r\n\"evil\\x0d\\x0afake,row\",1\r\n")
        #expect(text.split(separator: "\r\n").count == 2 && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        // Trusted text keeps its line breaks inside quotes (RFC 4180), as before.
        #expect(CSVRenderer.render(rows: rows).contains("\"evil\r\nfake,row\""))
    }
}

@Suite struct RenderingTests {
    @Test func jsonRendererKeepsOrderAndFormatsNumbers() {
        let v = ReportValue.object([("b", .unsigned(2)), ("a", .array([.integer(-1), .number(0.5), .null, .bool(true)])),
                                    ("s", .string("x\"y")), ("e", .object([])), ("z", .number(1.0 / 3.0))])
        #expect(JSONRenderer.render(v) == """
        {
          "b": 2,
          "a": [
            -1,
            0.5,
            null,
            true
          ],
          "s": "x\\"y",
          "e": {},
          "z": 0.333333
        }
        """)
        #expect(JSONRenderer.formatNumber(0.6) == "0.6")
        #expect(JSONRenderer.formatNumber(1) == "1")
        #expect(JSONRenderer.formatNumber(.nan) == "null" && JSONRenderer.formatNumber(.infinity) == "null")
        #expect(JSONRenderer.formatNumber(-2.25) == "-2.25")
        #expect(JSONRenderer.formatNumber(5e15) == "5000000000000000.0")   // no overflow trap on huge values
        #expect(JSONRenderer.render(.number(.nan)) == "null")
    }

    @Test func csvRendererFlattensAndUnionsColumns() {
        let rows: [ReportValue] = [
            .object([("source", .string("a,b.pcap")), ("outer", .object([("ipv4", .unsigned(3))]))]),
            .object([("source", .string("total")), ("outer", .object([("ipv4", .unsigned(5)), ("ipv6", .unsigned(1))]))]),
        ]
        #expect(CSVRenderer.render(rows: rows) == "source,outer_ipv4,outer_ipv6\r\n\"a,b.pcap\",3,\r\ntotal,5,1\r\n")
    }

    // Hand-computed: 1_500_000_000 s = 2017-07-14T02:40:00Z (a well-known epoch milestone);
    // 0 = 1970-01-01; -1 ns = 1969-12-31T23:59:59.999999999Z; 951_782_400 s = 2000-02-29 (leap day).
    @Test func isoTimestamps() {
        #expect(CaptureSummaryReport.isoTimestamp(1_500_000_000 * 1_000_000_000) == "2017-07-14T02:40:00Z")
        #expect(CaptureSummaryReport.isoTimestamp(0) == "1970-01-01T00:00:00Z")
        #expect(CaptureSummaryReport.isoTimestamp(-1) == "1969-12-31T23:59:59.999999999Z")
        #expect(CaptureSummaryReport.isoTimestamp(951_782_400 * 1_000_000_000 + 120_000) == "2000-02-29T00:00:00.00012Z")
    }

    @Test func summaryDocumentNamesEveryFigure() {
        var s = AdoptionSummary()
        s.packets = 10; s.innermost.ipv4.packets = 6; s.innermost.ipv6.packets = 4
        s.tunnelledPackets = ["teredo": 2]; s.tunnelledPacketsTotal = 2
        s.addresses = AddressSet([IPAddress(v4: 0x0a00_0001), IPAddress(v6High: 0x2002_c000_0204_0000, low: 1)])
        let doc = CaptureSummaryReport.document(files: [(.init(path: "f.pcap", format: "pcap", recordsRead: 12), s)], total: s,
                                                filter: nil, tool: "netcensus test")
        #expect(doc["schema_version"] == .integer(2))
        #expect(doc["total"]?["cdn"] == .null)  // no CDN analysis given: the member is there, null
        #expect(doc["filter"] == .null)
        let t = doc["total"]
        #expect(t?["ipv6_share"]?["packets"] == .number(0.4))
        #expect(t?["ipv6_share"]?["flows"] == .null)         // no flows: share undefined
        #expect(t?["tunnels"]?["teredo"] == .unsigned(2) && t?["tunnels"]?["6in4"] == .unsigned(0))
        #expect(t?["addresses"]?["by_class"]?["ipv4_private"] == .integer(1))
        #expect(t?["addresses"]?["transition"]?["6to4"] == .integer(1))
        #expect(t?["records_read"] == .integer(12))
        if case .array(let files)? = doc["files"] { #expect(files.first?["source"] == .string("f.pcap")) } else { Issue.record("no files") }
        // Every figure name is snake_case.
        for (name, _) in (t ?? .null).flattened() {
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name)")
        }
        let table = CaptureTableRenderer.render(doc, perFile: true)
        #expect(table.contains("File f.pcap") && table.contains("40.0%") && table.contains("teredo 2"))
    }
}
