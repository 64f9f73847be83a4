/// Why a history operation failed. Every message names the database (a path, or a
/// `postgresql://` URL with its password replaced by `***`) and the reason.
///
/// Messages may quote text from outside (a path, a server message, a key from report.json):
/// a caller printing them to a terminal escapes them (the CLI does, with `Reporting.Escaping`).
public enum HistoryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The SQLite file does not exist and the caller asked not to create it (`report history`).
    case missingDatabase(database: String)
    /// The location is neither a usable path nor a valid `postgresql://` URL.
    case invalidLocation(location: String, reason: String)
    /// A `postgresql://` location in a build without the Postgres trait.
    case postgresNotBuilt(database: String)
    /// The database could not be opened or reached (file permissions, not a database, server
    /// down, authentication refused).
    case cannotOpen(database: String, reason: String)
    /// The schema could not be brought to the current version, or it is newer than this tool.
    case migration(database: String, reason: String)
    /// A read or the replacing transaction failed; a failed replacement changed nothing.
    case query(database: String, reason: String)
    /// A report's content was refused before anything was written (empty key, non-finite value,
    /// a (section, key) given twice ...).
    case invalidReport(reason: String)

    public var description: String {
        switch self {
        case .missingDatabase(let db):
            "no history database at \(db) (nothing has been stored there yet; `netcensus report import REPORT.json` creates it)"
        case .invalidLocation(let loc, let reason):
            "invalid history database location \(loc): \(reason)"
        case .postgresNotBuilt(let db):
            "cannot open \(db): this netcensus was built without PostgreSQL support; rebuild with `swift build --traits Postgres`"
        case .cannotOpen(let db, let reason):
            "cannot open history database \(db): \(reason)"
        case .migration(let db, let reason):
            "cannot migrate history database \(db): \(reason)"
        case .query(let db, let reason):
            "history database \(db): \(reason)"
        case .invalidReport(let reason):
            "invalid report: \(reason)"
        }
    }
}
