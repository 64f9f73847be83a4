import Foundation
import Testing
import ReportHistory
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `netcensus report import` and `report history` through the built binary, against SQLite and
/// (with the Postgres trait and NETCENSUS_TEST_POSTGRES_URL) a real PostgreSQL server.
@Suite struct ReportHistoryCLITests {
    enum Engine: String, CaseIterable, CustomTestStringConvertible {
        case sqlite
        #if Postgres
        case postgres
        #endif
        var testDescription: String { rawValue }

        func freshLocation() -> String? {
            switch self {
            case .sqlite:
                return SharedData.temporaryDirectory("history-cli").appendingPathComponent("Reports/netcensus.sqlite").path
            #if Postgres
            case .postgres:
                guard let url = TestPostgres.freshURL() else {
                    #expect(!SharedData.isCI, "NETCENSUS_TEST_POSTGRES_URL must be set under CI")
                    return nil
                }
                return url
            #endif
            }
        }
    }

    /// A report.json as the lead's generator writes it (extra sections included).
    static func reportJSON(quarter: String, figures: [(String, String, Double?, String)], stamp: String = "2026-12-31T09:00:00Z") -> String {
        let f = figures.map { s, k, v, u in
            #"{"section": "\#(s)", "key": "\#(k)", "value": \#(v.map { "\($0)" } ?? "null"), "unit": "\#(u)"}"#
        }.joined(separator: ",\n    ")
        return """
        {"schema": "netcensus-report", "schema_version": 1, "quarter": "\(quarter)",
         "run": {"generated_at": "\(stamp)", "tool_version": "0.1.0",
                 "inputs": [{"path": "Captures/x.pcap", "sha256": "\(String(repeating: "0f", count: 32))", "bytes": 2048}],
                 "options": ["--quarter", "\(quarter)"]},
         "figures": [
            \(f)
         ],
         "capture": {"packets": 10}}
        """
    }

    static func write(_ text: String, name: String = "report.json") throws -> String {
        let url = SharedData.temporaryDirectory("history-report").appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static let q3 = [("capture", "ipv6_share_packets", 0.375 as Double?, "ratio"), ("capture", "ipv6_share_bytes", 0.5, "ratio"),
                     ("topology", "fiber_km", 120.25, "km"), ("topology", "villages_unreached", nil, "count")]
    static let q4 = [("capture", "ipv6_share_packets", 0.5 as Double?, "ratio"), ("capture", "ipv6_share_bytes", 0.5, "ratio"),
                     ("topology", "fiber_km", 100, "km"), ("targets", "met", 3, "count")]

    static func importBoth(into location: String) throws {
        for (quarter, figures) in [("2026Q3", q3), ("2026Q4", q4)] {
            let r = try CaptureCLI.run(["report", "import", try write(reportJSON(quarter: quarter, figures: figures)), "--database", location])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.hasPrefix("stored \(quarter): \(figures.count) figures in "))
        }
    }

    @Test(arguments: Engine.allCases)
    func importThenHistoryInEveryFormat(engine: Engine) throws {
        guard let db = engine.freshLocation() else { return }
        try Self.importBoth(into: db)

        let json = try CaptureCLI.run(["report", "history", "--database", db, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let doc = try #require(json.json)
        #expect(doc["schema"] as? String == "netcensus-history")
        #expect(doc["quarters"] as? [String] == ["2026Q3", "2026Q4"])
        let rows = try #require(doc["rows"] as? [[String: Any]])
        #expect(rows.count == 8)
        let share = try #require(rows.first { $0["quarter"] as? String == "2026Q4" && $0["key"] as? String == "ipv6_share_packets" })
        #expect(share["value"] as? Double == 0.5 && share["previous_value"] as? Double == 0.375 && share["change"] as? Double == 0.125)
        let unreached = try #require(rows.first { $0["key"] as? String == "villages_unreached" })
        #expect(unreached["value"] is NSNull && unreached["change"] is NSNull)

        #expect(json.stdout.hasPrefix("{\n  \"schema\": \"netcensus-history\",\n"))
        // The earliest quarter as lower bound: its predecessor is not a quarter, the bound stays open.
        let earliest = try CaptureCLI.run(["report", "history", "--database", db, "--json", "--from", "1000Q1"])
        #expect((earliest.json?["rows"] as? [Any])?.count == 8)

        let csv = try CaptureCLI.run(["report", "history", "--database", db, "--csv", "--from", "2026q4"])
        #expect(csv.status == 0)
        let lines = csv.stdout.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "quarter,section,key,value,unit,previous_value,change")
        #expect(lines.count == 5)
        #expect(lines.contains("2026Q4,topology,fiber_km,100,km,120.25,-20.25"))

        let table = try CaptureCLI.run(["report", "history", "--database", db, "--to", "2026Q3"])
        #expect(table.status == 0)
        let tableLines = table.stdout.split(separator: "\n")
        #expect(tableLines.count == 5 && tableLines[0].hasPrefix("quarter"))
        #expect(tableLines.dropFirst().allSatisfy { $0.hasPrefix("2026Q3") })
        #expect(table.stdout.contains("n/a"))
    }

    @Test(arguments: Engine.allCases)
    func reimportReplacesWithoutDuplicates(engine: Engine) throws {
        guard let db = engine.freshLocation() else { return }
        try Self.importBoth(into: db)
        let again = [("capture", "ipv6_share_packets", 0.625 as Double?, "ratio")]
        let r = try CaptureCLI.run(["report", "import", try Self.write(Self.reportJSON(quarter: "2026Q4", figures: again)), "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        let store = try HistoryStores.open(db)
        defer { try? store.close() }
        let q4 = try store.rows(from: QuarterID("2026Q4"), to: QuarterID("2026Q4"))
        #expect(q4 == [HistoryRow(quarter: QuarterID("2026Q4")!, figure: HistoryFigure(section: "capture", key: "ipv6_share_packets", value: 0.625, unit: "ratio"))])
        #expect(try store.rows(from: nil, to: QuarterID("2026Q3")).count == Self.q3.count)
    }

    /// The issue's acceptance check: the same two quarters stored in SQLite and in PostgreSQL
    /// print byte-identical history in every format.
    @Test func sqliteAndPostgresPrintTheSameHistory() throws {
        #if Postgres
        guard let pg = Engine.postgres.freshLocation() else { return }
        let lite = try #require(Engine.sqlite.freshLocation())
        try Self.importBoth(into: lite)
        try Self.importBoth(into: pg)
        for format in [["--json"], ["--csv"], ["--table"], ["--json", "--from", "2026Q4"]] {
            let a = try CaptureCLI.run(["report", "history", "--database", lite] + format)
            let b = try CaptureCLI.run(["report", "history", "--database", pg] + format)
            #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
            #expect(!a.stdout.isEmpty)
            #expect(a.stdout == b.stdout, "\(format)")
        }
        #else
        print("SKIP: SQLite/PostgreSQL comparison needs `swift test --traits Postgres`")
        #endif
    }

    /// Killed inside the replacing transaction (after the old rows were deleted and half of the
    /// new ones inserted): the quarter's previous rows are all still there, unchanged.
    @Test(arguments: Engine.allCases)
    func killedMidWriteKeepsThePreviousRows(engine: Engine) throws {
        guard let db = engine.freshLocation() else { return }
        try Self.importBoth(into: db)
        let before = try { () throws -> [HistoryRow] in
            let s = try HistoryStores.open(db); defer { try? s.close() }
            return try s.rows(from: nil, to: nil)
        }()
        #expect(before.count == Self.q3.count + Self.q4.count)

        let replacement = (0..<10).map { ("capture", "new_\($0)", Double($0) as Double?, "count") }
        let report = try Self.write(Self.reportJSON(quarter: "2026Q4", figures: replacement))
        let marker = SharedData.temporaryDirectory("history-pause").appendingPathComponent("paused").path
        let p = Process()
        p.executableURL = try #require(CaptureCLI.executable)
        p.arguments = ["report", "import", report, "--database", db]
        p.environment = ProcessInfo.processInfo.environment.merging(["NETCENSUS_TEST_PAUSE_IN_TRANSACTION": marker]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker), p.isRunning, Date() < deadline { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: marker), "the import never reached the pause point")
        #expect(p.isRunning)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL)

        let store = try HistoryStores.open(db)
        defer { try? store.close() }
        #expect(try store.rows(from: nil, to: nil) == before)
        #expect(try store.quarters().map(\.description) == ["2026Q3", "2026Q4"])

        // The store is usable afterwards (no lock left behind): the same import now completes.
        let r = try CaptureCLI.run(["report", "import", report, "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try store.rows(from: QuarterID("2026Q4"), to: nil).map(\.figure.key) == (0..<10).map { "new_\($0)" }.sorted())
    }

    @Test func csvNeutralisesFormulasFromReportText() throws {
        let db = try #require(Engine.sqlite.freshLocation())
        let report = Self.reportJSON(quarter: "2026Q4", figures: [("=cmd", "+x", 1, "@u"), ("capture", "-k", -2, "count")])
        #expect(try CaptureCLI.run(["report", "import", try Self.write(report), "--database", db]).status == 0)
        let csv = try CaptureCLI.run(["report", "history", "--database", db, "--csv"])
        #expect(csv.stdout.contains("2026Q4,'=cmd,'+x,1,'@u,,"))
        #expect(csv.stdout.contains("2026Q4,capture,'-k,-2,count,,"))
    }

    @Test func errorsAndExitCodes() throws {
        let dir = SharedData.temporaryDirectory("history-errors")
        let missing = dir.appendingPathComponent("nothing/here.sqlite").path
        let r = try CaptureCLI.run(["report", "history", "--database", missing])
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("netcensus: error: no history database at \(missing)"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: missing), "history must not create a database")

        #expect(try CaptureCLI.run(["report", "history", "--database", missing, "--from", "2026Q4", "--to", "2026Q1"]).status == 64)
        #expect(try CaptureCLI.run(["report", "history", "--database", missing, "--from", "2026Q5"]).status == 64)
        #expect(try CaptureCLI.run(["report", "history", "--database", missing, "--json", "--csv"]).status == 64)
        #expect(try CaptureCLI.run(["report", "history", "--database", "mysql://u@h/db"]).status == 64)

        let db = dir.appendingPathComponent("h.sqlite").path
        let nofile = try CaptureCLI.run(["report", "import", dir.appendingPathComponent("absent.json").path, "--database", db])
        #expect(nofile.status == 66 && nofile.stderr.contains("no such file"))
        let bad = try Self.write(Self.reportJSON(quarter: "2026Q9", figures: Self.q4))
        let invalid = try CaptureCLI.run(["report", "import", bad, "--database", db])
        #expect(invalid.status == 65 && invalid.stderr.contains("quarter"), "\(invalid.stderr)")
        // Escaped: a control character from the file never reaches the terminal raw.
        let hostile = try Self.write(Self.reportJSON(quarter: "2026Q4", figures: [("", "\\u001b[2J", 1, "count")]))
        let esc = try CaptureCLI.run(["report", "import", hostile, "--database", db])
        #expect(esc.status == 65 && !esc.stderr.contains("\u{1b}") && esc.stderr.contains("empty section"), "\(esc.stderr)")

        #if !Postgres
        let pg = try CaptureCLI.run(["report", "history", "--database", "postgresql://u:secret@127.0.0.1/db"])
        #expect(pg.status == 69 && pg.stderr.contains("--traits Postgres") && !pg.stderr.contains("secret"))
        #endif
    }
}
