/// The history schema, as numbered migration steps applied in order, one transaction each.
///
/// The same steps exist for both engines, differing only in SQL dialect: SQLite records the
/// applied steps in GRDB's `grdb_migrations` table (identifier `v<N>_<name>`), PostgreSQL in
/// `schema_migrations(version, name, applied_at)`. A step is never edited once released; a
/// change is a new step. docs/history.md documents the tables.
enum HistorySchema {
    struct Step {
        /// 1, 2, ...: the order of application.
        let version: Int
        /// snake_case description, part of the SQLite migration identifier.
        let name: String
        let sqlite: [String]
        let postgres: [String]

        /// GRDB migration identifier, `v1_report_tables`.
        var identifier: String { "v\(version)_\(name)" }
    }

    static var latestVersion: Int { steps.last?.version ?? 0 }

    static let steps: [Step] = [
        Step(version: 1, name: "report_tables", sqlite: [
            """
            CREATE TABLE report_run (
                quarter      TEXT PRIMARY KEY NOT NULL CHECK (length(quarter) = 6),
                generated_at TEXT NOT NULL,
                tool_version TEXT NOT NULL,
                inputs_json  TEXT NOT NULL,
                options_json TEXT NOT NULL,
                stored_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
            )
            """,
            """
            CREATE TABLE report_figure (
                quarter TEXT NOT NULL REFERENCES report_run(quarter) ON DELETE CASCADE,
                section TEXT NOT NULL,
                key     TEXT NOT NULL,
                value   REAL,
                unit    TEXT NOT NULL,
                PRIMARY KEY (quarter, section, key)
            )
            """,
            // One row per figure with the quarter's first day, the time column Grafana wants.
            """
            CREATE VIEW report_series AS
            SELECT quarter,
                   printf('%s-%02d-01', substr(quarter, 1, 4), (CAST(substr(quarter, 6, 1) AS INTEGER) - 1) * 3 + 1) AS quarter_start,
                   section, key, value, unit
            FROM report_figure
            """,
        ], postgres: [
            """
            CREATE TABLE report_run (
                quarter      text PRIMARY KEY CHECK (length(quarter) = 6),
                generated_at text NOT NULL,
                tool_version text NOT NULL,
                inputs_json  text NOT NULL,
                options_json text NOT NULL,
                stored_at    timestamptz NOT NULL DEFAULT now()
            )
            """,
            // COLLATE "C": byte order, as SQLite's BINARY, so both engines list rows alike.
            """
            CREATE TABLE report_figure (
                quarter text COLLATE "C" NOT NULL REFERENCES report_run(quarter) ON DELETE CASCADE,
                section text COLLATE "C" NOT NULL,
                key     text COLLATE "C" NOT NULL,
                value   double precision,
                unit    text NOT NULL,
                PRIMARY KEY (quarter, section, key)
            )
            """,
            """
            CREATE VIEW report_series AS
            SELECT quarter,
                   make_date(substr(quarter, 1, 4)::int, (substr(quarter, 6, 1)::int - 1) * 3 + 1, 1) AS quarter_start,
                   section, key, value, unit
            FROM report_figure
            """,
        ]),
    ]
}
