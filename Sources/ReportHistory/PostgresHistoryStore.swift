#if Postgres
import Foundation
import PostgresNIO

/// The history in PostgreSQL (postgres-nio), for several operators reporting into one server.
///
/// One connection per store. Every statement waits for its result (`EventLoopFuture.wait()` on
/// the caller's thread, never on an event loop), so the store has the same synchronous API as
/// the SQLite one. Replacement is `BEGIN` ... `COMMIT` on that connection: a client that dies
/// before COMMIT leaves the server to roll the transaction back, and concurrent readers see
/// the previous rows throughout (MVCC). Two replacements of the same quarter are serialised by
/// a transaction-scoped advisory lock.
final class PostgresHistoryStore: HistoryStore {
    private let connection: PostgresConnection
    private let url: PostgresURL
    private let logger: Logger

    /// - Throws: `HistoryError.cannotOpen` (TLS setup, connection, authentication),
    ///   `.migration`.
    init(url: PostgresURL) throws {
        self.url = url
        var logger = Logger(label: "netcensus.history.postgres")
        // swift-log's default handler writes to stdout; errors are reported by the caller instead.
        logger.logLevel = .critical
        self.logger = logger
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch url.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw HistoryError.cannotOpen(database: url.redacted, reason: "TLS setup failed: \(error)")
        }
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            throw HistoryError.cannotOpen(database: url.redacted, reason: Self.reason(error))
        }
        do {
            try migrate()
        } catch {
            try? connection.close().wait()
            throw error
        }
    }

    deinit {
        if !connection.isClosed { try? connection.close().wait() }
    }

    @discardableResult
    private func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try connection.query(query, logger: logger).wait()
    }

    /// Runs `body` between BEGIN and COMMIT; on any error, ROLLBACK and rethrow.
    private func transaction(_ body: () throws -> Void) throws {
        try run("BEGIN")
        do {
            try body()
            try run("COMMIT")
        } catch {
            _ = try? run("ROLLBACK")
            throw error
        }
    }

    private var schemaName: String { "\"\(url.schema)\"" }  // validated [a-z_][a-z0-9_]*

    private func migrate() throws {
        do {
            // The schema name is validated by PostgresURL, so it can be spliced in quoted.
            try run("SET search_path TO \(unescaped: schemaName)")
            try transaction {
                // One migrator per schema at a time (two operators' first runs at once).
                try run("SELECT pg_advisory_xact_lock(hashtext(\("netcensus-history-migrate:" + url.schema)))")
                if try run("SELECT 1 FROM pg_namespace WHERE nspname = \(url.schema)").rows.isEmpty {
                    try run("CREATE SCHEMA \(unescaped: schemaName)")
                }
                try run("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """)
                var current = 0
                for row in try run("SELECT coalesce(max(version), 0) FROM schema_migrations").rows {
                    current = try row.decode(Int.self)
                }
                guard current <= HistorySchema.latestVersion else {
                    throw HistoryError.migration(database: url.redacted,
                        reason: "the schema is at version \(current), newer than this netcensus knows (\(HistorySchema.latestVersion)); use a newer netcensus")
                }
                for step in HistorySchema.steps where step.version > current {
                    for sql in step.postgres { try run(PostgresQuery(unsafeSQL: sql)) }
                    try run("INSERT INTO schema_migrations (version, name) VALUES (\(step.version), \(step.name))")
                }
            }
        } catch let e as HistoryError {
            throw e
        } catch {
            throw HistoryError.migration(database: url.redacted, reason: Self.reason(error))
        }
    }

    func replace(quarter: QuarterID, run: HistoryRun, figures: [HistoryFigure]) throws {
        try HistoryStores.validate(figures)
        let q = quarter.description
        let pauseAt = TestPause.pauseIndex(count: figures.count)
        do {
            try transaction {
                try self.run("SELECT pg_advisory_xact_lock(hashtext(\("netcensus-history:" + url.schema + ":" + q)))")
                try self.run("DELETE FROM report_figure WHERE quarter = \(q)")
                try self.run("DELETE FROM report_run WHERE quarter = \(q)")
                try self.run("""
                    INSERT INTO report_run (quarter, generated_at, tool_version, inputs_json, options_json)
                    VALUES (\(q), \(run.generatedAt), \(run.toolVersion), \(RunEncoding.json(run.inputs)), \(RunEncoding.json(run.options)))
                    """)
                for (i, f) in figures.enumerated() {
                    if i == pauseAt { TestPause.pauseIfRequested() }
                    try self.run("""
                        INSERT INTO report_figure (quarter, section, key, value, unit)
                        VALUES (\(q), \(f.section), \(f.key), \(f.value), \(f.unit))
                        """)
                }
                if figures.count == pauseAt { TestPause.pauseIfRequested() }
            }
        } catch {
            throw HistoryError.query(database: url.redacted, reason: "replacing \(q) failed, nothing changed: \(Self.reason(error))")
        }
    }

    func rows(from: QuarterID?, to: QuarterID?) throws -> [HistoryRow] {
        // NULL bounds are open: one statement for every combination.
        let fromText = from?.description, toText = to?.description
        let query: PostgresQuery = """
            SELECT quarter, section, key, value, unit FROM report_figure
            WHERE (\(fromText)::text IS NULL OR quarter >= \(fromText))
              AND (\(toText)::text IS NULL OR quarter <= \(toText))
            ORDER BY quarter COLLATE "C", section COLLATE "C", key COLLATE "C"
            """
        do {
            return try run(query).rows.map { row in
                let (qt, section, key, value, unit) = try row.decode((String, String, String, Double?, String).self)
                guard let q = QuarterID(qt) else {
                    throw HistoryError.query(database: url.redacted, reason: "stored quarter '\(qt)' is not YYYYQn")
                }
                return HistoryRow(quarter: q, figure: HistoryFigure(section: section, key: key, value: value, unit: unit))
            }
        } catch let e as HistoryError {
            throw e
        } catch {
            throw HistoryError.query(database: url.redacted, reason: Self.reason(error))
        }
    }

    func quarters() throws -> [QuarterID] {
        do {
            return try run("SELECT quarter FROM report_run ORDER BY quarter COLLATE \"C\"").rows.map { row in
                let text = try row.decode(String.self)
                guard let q = QuarterID(text) else {
                    throw HistoryError.query(database: url.redacted, reason: "stored quarter '\(text)' is not YYYYQn")
                }
                return q
            }
        } catch let e as HistoryError {
            throw e
        } catch {
            throw HistoryError.query(database: url.redacted, reason: Self.reason(error))
        }
    }

    func close() throws {
        guard !connection.isClosed else { return }
        do { try connection.close().wait() } catch {
            throw HistoryError.query(database: url.redacted, reason: "close failed: \(Self.reason(error))")
        }
    }

    /// The server's message and SQLSTATE, or the connection error. PSQLError's own description
    /// is deliberately generic (it hides query text), so the useful fields are read out here.
    static func reason(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] {
                return message + (e.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
            }
            if let underlying = e.underlying { return "\(e.code): \(underlying)" }
            return "\(e.code)"
        }
        return "\(error)"
    }
}
#endif
