import Foundation
import Testing
import ReportHistory
import TestSupport

/// The engines every store test runs against: SQLite always, PostgreSQL in builds with the
/// Postgres trait (a real server from NETCENSUS_TEST_POSTGRES_URL; SKIP without one, failure under CI).
enum Engine: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    #if Postgres
    case postgres
    #endif

    var testDescription: String { rawValue }

    /// A fresh, empty database location for this engine; nil when the engine is unavailable here.
    func freshLocation() -> String? {
        switch self {
        case .sqlite:
            return SharedData.temporaryDirectory("history").appendingPathComponent("sub/dir/netcensus.sqlite").path
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

/// Figures and runs used across the tests.
enum Fixture {
    static func q(_ text: String) -> QuarterID { QuarterID(text)! }

    static func run(_ stamp: String = "2026-12-31T09:00:00Z") -> HistoryRun {
        HistoryRun(generatedAt: stamp, toolVersion: "0.1.0",
                   inputs: [HistoryInput(path: "Captures/a.pcap", sha256: String(repeating: "ab", count: 32), bytes: 1234)],
                   options: ["--quarter", "2026Q4"])
    }

    static func figure(_ section: String, _ key: String, _ value: Double?, _ unit: String = "ratio") -> HistoryFigure {
        HistoryFigure(section: section, key: key, value: value, unit: unit)
    }
}
