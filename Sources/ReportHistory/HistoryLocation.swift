import Foundation

/// A parsed `--database` value: a SQLite path or a PostgreSQL URL.
enum HistoryLocation {
    case sqlite(path: String)
    case postgres(PostgresURL)

    init(_ location: String) throws {
        if PostgresURL.looksLikeURL(location) {
            self = .postgres(try PostgresURL(location))
        } else {
            guard !location.isEmpty else {
                throw HistoryError.invalidLocation(location: "''", reason: "empty path")
            }
            guard !location.contains("://") else {
                throw HistoryError.invalidLocation(location: location,
                    reason: "only SQLite paths and postgresql:// URLs are supported")
            }
            self = .sqlite(path: location)
        }
    }
}

/// `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=MODE]` (libpq's URI
/// form, RFC 3986 percent-encoding in user, password and database).
///
/// - `schema`: tables live in that schema (created if missing; `[a-z_][a-z0-9_]*`, at most 63
///   bytes), so several test runs or tenants can share a database; default `public`.
/// - `sslmode`: `disable` (default), `prefer` or `require` (TLS with the system trust roots and
///   host-name verification). Other libpq parameters are refused rather than silently ignored.
/// - The password may instead come from the environment variable PGPASSWORD, which keeps it out
///   of the process list and shell history.
struct PostgresURL: Sendable {
    enum TLSMode: String, Sendable { case disable, prefer, require }

    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    var schema: String
    var tls: TLSMode
    /// The URL with the password replaced by `***`, for messages.
    var redacted: String

    static func looksLikeURL(_ s: String) -> Bool {
        let l = s.lowercased()
        return l.hasPrefix("postgresql://") || l.hasPrefix("postgres://")
    }

    init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let c = URLComponents(string: text) else {
            throw HistoryError.invalidLocation(location: "(unparsable postgresql URL)", reason: "not a valid URL")
        }
        var shown = c
        if shown.percentEncodedPassword != nil { shown.percentEncodedPassword = "***" }
        let shownText = shown.string ?? "(postgresql URL)"
        redacted = shownText
        let fail = { (reason: String) -> HistoryError in .invalidLocation(location: shownText, reason: reason) }

        guard let h = c.host, !h.isEmpty else { throw fail("no host (postgresql://USER@HOST[:PORT]/DATABASE)") }
        host = h.hasPrefix("[") && h.hasSuffix("]") ? String(h.dropFirst().dropLast()) : h
        port = c.port ?? 5432
        guard (1...65535).contains(port) else { throw fail("port out of range") }
        // The percent-encoded forms, decoded once (a decoded password may itself contain '%').
        guard let u = c.percentEncodedUser, !u.isEmpty else { throw fail("no user name (postgresql://USER@HOST/DATABASE)") }
        user = u.removingPercentEncoding ?? u
        password = c.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 } ?? environment["PGPASSWORD"]
        let db = String(c.percentEncodedPath.drop(while: { $0 == "/" }))
        guard !db.isEmpty, !db.contains("/") else { throw fail("no database name (postgresql://USER@HOST/DATABASE)") }
        database = db.removingPercentEncoding ?? db
        schema = "public"
        tls = .disable
        for item in c.queryItems ?? [] {
            switch item.name {
            case "schema":
                let s = item.value ?? ""
                guard s.utf8.count <= 63, let f = s.utf8.first, f == UInt8(ascii: "_") || (f >= 97 && f <= 122),
                      s.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) })
                else { throw fail("schema must match [a-z_][a-z0-9_]* (at most 63 bytes)") }
                schema = s
            case "sslmode":
                guard let m = TLSMode(rawValue: item.value ?? "") else {
                    throw fail("sslmode must be disable, prefer or require")
                }
                tls = m
            default:
                throw fail("unsupported parameter '\(item.name)' (supported: schema, sslmode)")
            }
        }
    }
}
