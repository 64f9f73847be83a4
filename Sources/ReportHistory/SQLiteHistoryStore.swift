import Foundation
import GRDB

/// The history in a SQLite file (GRDB over the system SQLite).
///
/// Replacement runs in one `BEGIN IMMEDIATE` transaction (GRDB's `write`): SQLite's rollback
/// journal guarantees that a process killed before COMMIT leaves the previous content, which the
/// next open restores from the hot journal (sqlite.org/atomiccommit.html, section 4).
final class SQLiteHistoryStore: HistoryStore {
    private let queue: DatabaseQueue
    private let path: String

    /// - Throws: `HistoryError.missingDatabase` (file absent and `createIfMissing` false),
    ///   `.cannotOpen`, `.migration`.
    init(path: String, createIfMissing: Bool) throws {
        self.path = path
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw HistoryError.cannotOpen(database: path, reason: "is a directory") }
            // A device or FIFO (/dev/null, a named pipe) is no database: refused before SQLite
            // opens it (SQLite would fail later, mid-migration, with a disk I/O error).
            var st = stat()
            if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
                throw HistoryError.cannotOpen(database: path, reason: "not a regular file")
            }
        } else {
            guard createIfMissing else { throw HistoryError.missingDatabase(database: path) }
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            } catch {
                throw HistoryError.cannotOpen(database: path, reason: "cannot create folder \(parent.path): \(Self.reason(error))")
            }
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        // Another process writing the same file: wait for it rather than fail at once.
        config.busyMode = .timeout(10)
        config.label = "netcensus.history"
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw HistoryError.cannotOpen(database: path, reason: Self.reason(error))
        }
        try migrate()
    }

    private func migrate() throws {
        var migrator = DatabaseMigrator()
        for step in HistorySchema.steps {
            migrator.registerMigration(step.identifier) { db in
                for sql in step.sqlite { try db.execute(sql: sql) }
            }
        }
        do {
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) {
                throw HistoryError.migration(database: path,
                    reason: "the schema is newer than this netcensus knows (latest known: \(HistorySchema.latestVersion)); use a newer netcensus")
            }
            try migrator.migrate(queue)
        } catch let e as HistoryError {
            throw e
        } catch let e as DatabaseError where e.resultCode == .SQLITE_NOTADB {
            throw HistoryError.cannotOpen(database: path, reason: "not a SQLite database")
        } catch {
            throw HistoryError.migration(database: path, reason: Self.reason(error))
        }
    }

    func replace(quarter: QuarterID, run: HistoryRun, figures: [HistoryFigure]) throws {
        try HistoryStores.validate(figures)
        let q = quarter.description
        let pauseAt = TestPause.pauseIndex(count: figures.count)
        do {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM report_figure WHERE quarter = ?", arguments: [q])
                try db.execute(sql: "DELETE FROM report_run WHERE quarter = ?", arguments: [q])
                try db.execute(sql: """
                    INSERT INTO report_run (quarter, generated_at, tool_version, inputs_json, options_json)
                    VALUES (?, ?, ?, ?, ?)
                    """, arguments: [q, run.generatedAt, run.toolVersion, RunEncoding.json(run.inputs), RunEncoding.json(run.options)])
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO report_figure (quarter, section, key, value, unit) VALUES (?, ?, ?, ?, ?)
                    """)
                for (i, f) in figures.enumerated() {
                    if i == pauseAt { TestPause.pauseIfRequested() }
                    try insert.execute(arguments: [q, f.section, f.key, f.value, f.unit])
                }
                if figures.count == pauseAt { TestPause.pauseIfRequested() }
            }
        } catch {
            throw HistoryError.query(database: path, reason: "replacing \(q) failed, nothing changed: \(Self.reason(error))")
        }
    }

    func rows(from: QuarterID?, to: QuarterID?) throws -> [HistoryRow] {
        var sql = "SELECT quarter, section, key, value, unit FROM report_figure WHERE 1"
        var arguments: StatementArguments = []
        if let from { sql += " AND quarter >= ?"; arguments += [from.description] }
        if let to { sql += " AND quarter <= ?"; arguments += [to.description] }
        sql += " ORDER BY quarter, section, key"
        do {
            let fetched = try queue.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
            // Values are read through DatabaseValue and checked, never with GRDB's converting
            // subscripts (which trap on a stored value of another type: a shared or damaged
            // database must give an error, not abort).
            return try fetched.map { row in
                func text(_ column: String) throws -> String {
                    guard let t = String.fromDatabaseValue(row[column] as DatabaseValue) else {
                        throw HistoryError.query(database: path, reason: "stored \(column) is not text")
                    }
                    return t
                }
                let quarter = try text("quarter")
                guard let q = QuarterID(quarter) else { throw HistoryError.query(database: path, reason: "stored quarter '\(quarter)' is not YYYYQn") }
                let raw = row["value"] as DatabaseValue
                var value: Double? = nil
                if !raw.isNull {
                    guard let v = Double.fromDatabaseValue(raw), v.isFinite else {
                        throw HistoryError.query(database: path, reason: "stored value of \(q) \(try text("section")).\(try text("key")) is not a finite number")
                    }
                    value = v
                }
                return HistoryRow(quarter: q, figure: HistoryFigure(section: try text("section"), key: try text("key"), value: value, unit: try text("unit")))
            }
        } catch let e as HistoryError {
            throw e
        } catch {
            throw HistoryError.query(database: path, reason: Self.reason(error))
        }
    }

    func quarters() throws -> [QuarterID] {
        do {
            let texts = try queue.read { db in try String.fetchAll(db, sql: "SELECT quarter FROM report_run ORDER BY quarter") }
            return try texts.map { text in
                guard let q = QuarterID(text) else { throw HistoryError.query(database: path, reason: "stored quarter '\(text)' is not YYYYQn") }
                return q
            }
        } catch let e as HistoryError {
            throw e
        } catch {
            throw HistoryError.query(database: path, reason: Self.reason(error))
        }
    }

    func close() throws {
        do { try queue.close() } catch {
            throw HistoryError.query(database: path, reason: "close failed: \(Self.reason(error))")
        }
    }

    /// SQLite's own message (`database is locked`, `attempt to write a readonly database`)
    /// without GRDB's SQL echo.
    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError {
            if e.resultCode == .SQLITE_NOTADB { return "not a SQLite database" }
            return e.message ?? "\(e.resultCode)"
        }
        return (error as NSError).localizedDescription
    }
}
