/// Where quarterly report figures are kept: a SQLite file or a PostgreSQL database with the same
/// schema (docs/history.md). Open one with `HistoryStores.open`.
///
/// A store is used from one thread at a time; `close()` it when done (a SQLite file is also
/// closed when the store is released).
public protocol HistoryStore {
    /// Replaces every row of `quarter` (run metadata and figures) in one transaction: afterwards
    /// the quarter holds exactly `run` and `figures`; if anything fails or the process dies
    /// midway, the quarter's previous rows are left as they were.
    /// - Throws: `HistoryError.invalidReport` (before writing) when a section, key or unit is
    ///   empty, a value is not finite, or a (section, key) pair repeats; `HistoryError.query`
    ///   when the transaction fails.
    func replace(quarter: QuarterID, run: HistoryRun, figures: [HistoryFigure]) throws
    /// Rows ordered by quarter, then section, then key (byte order); bounds inclusive, nil = open.
    /// - Throws: `HistoryError.query`.
    func rows(from: QuarterID?, to: QuarterID?) throws -> [HistoryRow]
    /// The stored quarters, oldest first.
    /// - Throws: `HistoryError.query`.
    func quarters() throws -> [QuarterID]
    /// Closes the connection; the store must not be used afterwards.
    func close() throws
}

/// Opening a history store by location.
public enum HistoryStores {
    /// Opens (and migrates to the current schema version) the store at `location`:
    /// - a `postgresql://` or `postgres://` URL (`postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
    ///   [?schema=NAME&sslmode=disable|prefer|require]`; PGPASSWORD when the URL has no password);
    ///   needs the Postgres trait, otherwise `HistoryError.postgresNotBuilt`;
    /// - anything else is a SQLite file path, created with its parent folders when missing
    ///   unless `createIfMissing` is false.
    /// - Throws: `HistoryError.missingDatabase`, `.invalidLocation`, `.postgresNotBuilt`,
    ///   `.cannotOpen`, `.migration`.
    public static func open(_ location: String, createIfMissing: Bool = true) throws -> any HistoryStore {
        switch try HistoryLocation(location) {
        case .sqlite(let path):
            return try SQLiteHistoryStore(path: path, createIfMissing: createIfMissing)
        case .postgres(let url):
            #if Postgres
            return try PostgresHistoryStore(url: url)
            #else
            throw HistoryError.postgresNotBuilt(database: url.redacted)
            #endif
        }
    }

    /// The SQLite file used when no `--database` is given, relative to the working directory.
    public static let defaultLocation = "Reports/netcensus.sqlite"

    /// `location` as it may be shown in messages and logs: a URL's password replaced by `***`.
    public static func displayName(_ location: String) -> String {
        switch try? HistoryLocation(location) {
        case .postgres(let url)?: url.redacted
        case .sqlite(let path)?: path
        case nil: PostgresURL.looksLikeURL(location) ? "(unparsable postgresql URL)" : location
        }
    }

    /// Checks figures before a replacement writes anything (shared by every engine).
    /// - Throws: `HistoryError.invalidReport` naming the first offending figure.
    /// Longest section, key or unit accepted, in UTF-8 bytes.
    public static let maxNameBytes = 256

    public static func validate(_ figures: [HistoryFigure]) throws {
        guard !figures.isEmpty else {
            throw HistoryError.invalidReport(reason: "no figures: a quarter is never replaced by nothing")
        }
        var seen = Set<String>()
        for (i, f) in figures.enumerated() {
            let name = "figure \(i + 1) (\(f.section).\(f.key))"
            guard !f.section.isEmpty else { throw HistoryError.invalidReport(reason: "\(name): empty section") }
            guard !f.key.isEmpty else { throw HistoryError.invalidReport(reason: "\(name): empty key") }
            guard !f.unit.isEmpty else { throw HistoryError.invalidReport(reason: "\(name): empty unit") }
            // Bounded, printable names: a key is an identifier, not a payload (a 5 MB key made the
            // history table hundreds of MB), and a NUL would be cut by the database's C strings.
            for (what, text) in [("section", f.section), ("key", f.key), ("unit", f.unit)] {
                guard text.utf8.count <= Self.maxNameBytes else {
                    throw HistoryError.invalidReport(reason: "\(name): \(what) longer than \(Self.maxNameBytes) bytes")
                }
                guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                    throw HistoryError.invalidReport(reason: "\(name): \(what) holds a control character")
                }
            }
            if let v = f.value, !v.isFinite {
                throw HistoryError.invalidReport(reason: "\(name): value is not a finite number")
            }
            guard seen.insert(f.section + "\u{0}" + f.key).inserted else {
                throw HistoryError.invalidReport(reason: "\(name): section and key given twice")
            }
        }
    }
}
