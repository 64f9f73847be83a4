import Foundation
import Testing
import ReportHistory

@Suite struct HistoryReportFileTests {
    static let valid = """
    {"schema": "netcensus-report", "schema_version": 1, "quarter": "2026q4",
     "run": {"generated_at": "2026-12-31T09:00:00Z", "tool_version": "0.1.0",
             "inputs": [{"path": "a.pcap", "sha256": "00", "bytes": 10}], "options": ["--quarter", "2026Q4"]},
     "figures": [{"section": "capture", "key": "ipv6_share_packets", "value": 0.41, "unit": "ratio"},
                 {"section": "topology", "key": "villages_unreached", "value": null, "unit": "count"}],
     "capture": {"ignored": true}, "html": "<p>"}
    """

    func decode(_ text: String) throws -> HistoryReportFile {
        try HistoryReportFile.decode(Data(text.utf8), path: "r.json")
    }

    @Test func readsTheHistoryKeysAndIgnoresTheRest() throws {
        let r = try decode(Self.valid)
        #expect(r.quarter.description == "2026Q4")
        #expect(r.run == HistoryRun(generatedAt: "2026-12-31T09:00:00Z", toolVersion: "0.1.0",
                                    inputs: [HistoryInput(path: "a.pcap", sha256: "00", bytes: 10)], options: ["--quarter", "2026Q4"]))
        #expect(r.figures == [HistoryFigure(section: "capture", key: "ipv6_share_packets", value: 0.41, unit: "ratio"),
                              HistoryFigure(section: "topology", key: "villages_unreached", value: nil, unit: "count")])
    }

    @Test(arguments: [
        ("\"quarter\": \"2026q4\"", "\"quarter\": \"2026Q5\"", "quarter"),
        ("\"netcensus-report\"", "\"other\"", "schema"),
        ("\"schema_version\": 1", "\"schema_version\": 2", "schema_version 2"),
        ("\"key\": \"ipv6_share_packets\"", "\"key\": \"\"", "empty key"),
        // Out of double range: Foundation's reader refuses the whole document.
        ("\"value\": 0.41", "\"value\": 1e999", "not JSON"),
        ("\"tool_version\": \"0.1.0\",", "", "tool_version"),
        ("\"value\": 0.41", "\"value\": \"0.41\"", "figures[0].value"),
    ])
    func refusesWithAReason(find: String, replace: String, mention: String) {
        let text = Self.valid.replacingOccurrences(of: find, with: replace)
        #expect(text != Self.valid)
        do {
            _ = try decode(text)
            Issue.record("accepted: \(replace)")
        } catch let e as HistoryReportFile.ReadError {
            guard case .invalid(let path, let reason) = e else { Issue.record("\(e)"); return }
            #expect(path == "r.json")
            #expect(reason.contains(mention), "\(reason)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func missingFileAndDirectoryAreCannotRead() {
        #expect(throws: HistoryReportFile.ReadError.cannotRead(path: "/nonexistent/r.json", reason: "no such file")) {
            try HistoryReportFile.read(path: "/nonexistent/r.json")
        }
        #expect(throws: HistoryReportFile.ReadError.cannotRead(path: "/tmp", reason: "not a regular file")) {
            try HistoryReportFile.read(path: "/tmp")
        }
    }
}
