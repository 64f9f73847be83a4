import Foundation
import Testing
@testable import ReportHistory
import TestSupport

/// The HistoryStore contract, against each real engine.
@Suite struct HistoryStoreTests {
    @Test(arguments: Engine.allCases)
    func replaceTwiceLeavesOnlyTheSecondSet(engine: Engine) throws {
        guard let location = engine.freshLocation() else { return }
        let store = try HistoryStores.open(location)
        defer { try? store.close() }
        let q = Fixture.q("2026Q4")
        try store.replace(quarter: q, run: Fixture.run(), figures: [
            Fixture.figure("capture", "ipv6_share_packets", 0.4), Fixture.figure("capture", "ipv6_share_bytes", 0.5),
            Fixture.figure("topology", "villages_covered", 12, "count"),
        ])
        let second = [Fixture.figure("capture", "ipv6_share_packets", 0.45), Fixture.figure("targets", "met", 3, "count")]
        try store.replace(quarter: q, run: Fixture.run("2027-01-02T00:00:00Z"), figures: second)
        // Same key again: replaced, not doubled; keys absent from the second run are gone.
        let rows = try store.rows(from: nil, to: nil)
        #expect(rows == second.map { HistoryRow(quarter: q, figure: $0) })
        #expect(try store.quarters() == [q])
        // Once more with the identical set: still no duplicates.
        try store.replace(quarter: q, run: Fixture.run(), figures: second)
        #expect(try store.rows(from: nil, to: nil).count == 2)
    }

    @Test(arguments: Engine.allCases)
    func boundsAreInclusiveAndRowsOrdered(engine: Engine) throws {
        guard let location = engine.freshLocation() else { return }
        let store = try HistoryStores.open(location)
        defer { try? store.close() }
        let quarters = ["2026Q3", "2025Q4", "2026Q1", "2026Q2"]
        for (i, text) in quarters.enumerated() {
            // Inserted out of order, with an upper-case section that sorts first in byte order.
            try store.replace(quarter: Fixture.q(text), run: Fixture.run(), figures: [
                Fixture.figure("topology", "km_fiber", Double(i), "km"), Fixture.figure("capture", "b", 1),
                Fixture.figure("capture", "a", 2), Fixture.figure("Zeta", "x", 3),
            ])
        }
        #expect(try store.quarters().map(\.description) == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"])
        let all = try store.rows(from: nil, to: nil)
        #expect(all.count == 16)
        #expect(all.prefix(4).map { "\($0.quarter) \($0.figure.section).\($0.figure.key)" } ==
                ["2025Q4 Zeta.x", "2025Q4 capture.a", "2025Q4 capture.b", "2025Q4 topology.km_fiber"])
        let middle = try store.rows(from: Fixture.q("2026Q1"), to: Fixture.q("2026Q2"))
        #expect(Set(middle.map(\.quarter.description)) == ["2026Q1", "2026Q2"] && middle.count == 8)
        #expect(try Set(store.rows(from: Fixture.q("2026Q2"), to: nil).map(\.quarter.description)) == ["2026Q2", "2026Q3"])
        #expect(try Set(store.rows(from: nil, to: Fixture.q("2025Q4")).map(\.quarter.description)) == ["2025Q4"])
        #expect(try store.rows(from: Fixture.q("2027Q1"), to: nil).isEmpty)
    }

    @Test(arguments: Engine.allCases)
    func nullAndExactValuesRoundTrip(engine: Engine) throws {
        guard let location = engine.freshLocation() else { return }
        let values: [Double?] = [nil, 0, -5, 0.1, 1e-300, 123456789.123456789, 1.7976931348623157e308]
        let figures = values.enumerated().map { Fixture.figure("capture", "k\($0.offset)", $0.element) }
        do {
            let store = try HistoryStores.open(location)
            try store.replace(quarter: Fixture.q("2026Q4"), run: Fixture.run(), figures: figures)
            try store.close()
        }
        // Reopened (and re-migrated, a no-op): the values come back bit for bit, nil as nil.
        let store = try HistoryStores.open(location)
        defer { try? store.close() }
        let back = try store.rows(from: nil, to: nil).map(\.figure)
        #expect(back.count == values.count)
        for f in back {
            let i = Int(f.key.dropFirst())!
            #expect(f.value?.bitPattern == values[i]?.bitPattern, "\(f.key)")
        }
        #expect(back.first { $0.key == "k0" }?.value == nil)
    }

    @Test(arguments: Engine.allCases)
    func invalidFiguresChangeNothing(engine: Engine) throws {
        guard let location = engine.freshLocation() else { return }
        let store = try HistoryStores.open(location)
        defer { try? store.close() }
        let q = Fixture.q("2026Q4")
        let good = [Fixture.figure("capture", "a", 1)]
        try store.replace(quarter: q, run: Fixture.run(), figures: good)
        for bad in [[Fixture.figure("capture", "b", .nan)], [Fixture.figure("capture", "", 1)],
                    [Fixture.figure("capture", "a", 1), Fixture.figure("capture", "a", 2)],
                    [Fixture.figure("capture", "c", .infinity)]] {
            #expect(throws: HistoryError.self) { try store.replace(quarter: q, run: Fixture.run(), figures: bad) }
        }
        #expect(try store.rows(from: nil, to: nil) == good.map { HistoryRow(quarter: q, figure: $0) })
    }
}

@Suite struct HistoryLocationTests {
    @Test func sqliteMissingIsReportedWhenNotCreating() throws {
        let path = SharedData.temporaryDirectory("history").appendingPathComponent("none/x.sqlite").path
        #expect(throws: HistoryError.missingDatabase(database: path)) { try HistoryStores.open(path, createIfMissing: false) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func notADatabaseIsCannotOpen() throws {
        let path = SharedData.temporaryDirectory("history").appendingPathComponent("junk.sqlite").path
        try Data(String(repeating: "not sqlite at all ", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: HistoryError.cannotOpen(database: path, reason: "not a SQLite database")) { try HistoryStores.open(path) }
    }

    @Test func postgresURLParts() throws {
        let u = try PostgresURL("postgresql://op%40x:s%3Acret@db.example:6543/census%20db?schema=isp_a&sslmode=require", environment: [:])
        #expect(u.host == "db.example" && u.port == 6543 && u.user == "op@x" && u.password == "s:cret")
        #expect(u.database == "census db" && u.schema == "isp_a" && u.tls == .require)
        #expect(!u.redacted.contains("cret") && u.redacted.contains("***"))
        let v = try PostgresURL("postgres://op@[::1]/census", environment: ["PGPASSWORD": "fromenv"])
        #expect(v.host == "::1" && v.port == 5432 && v.password == "fromenv" && v.schema == "public" && v.tls == .disable)
        #expect(!HistoryStores.displayName("postgresql://a:secret@h/d").contains("secret"))
    }

    @Test(arguments: ["postgresql://h/db", "postgresql://u@/db", "postgresql://u@h", "postgresql://u@h/db?schema=Bad-Name",
                      "postgresql://u@h/db?sslmode=verify-full", "postgresql://u@h/db?application_name=x", "mysql://u@h/db", ""])
    func badLocationsAreRefused(location: String) {
        #expect(throws: HistoryError.self) { try HistoryStores.open(location) }
    }

    #if !Postgres
    @Test func postgresWithoutTraitSaysHowToRebuild() {
        #expect(throws: HistoryError.postgresNotBuilt(database: "postgresql://u:***@127.0.0.1/db")) {
            try HistoryStores.open("postgresql://u:pw@127.0.0.1/db")
        }
        #expect(HistoryError.postgresNotBuilt(database: "x").description.contains("--traits Postgres"))
    }
    #endif
}
