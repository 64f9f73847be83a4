import ArgumentParser
import Reporting
import ReportHistory

/// One place turning history errors into the tool's error line and exit status:
/// `netcensus: error: <message>` on stderr, escaped for the terminal (messages quote paths,
/// server messages and keys from report.json), then the documented exit code:
/// 64 a malformed `--database`; 65 a report.json that cannot be used; 66 a missing database,
/// one that cannot be opened or reached, or an unreadable report.json; 69 a postgresql:// URL in
/// a build without the Postgres trait; 1 a failed migration, query or replacement.
enum HistoryFailure {
    static func exit(_ error: any Error) -> ExitCode {
        let code: ExitCode
        switch error {
        case let e as HistoryError:
            switch e {
            case .invalidLocation: code = NetCensusExit.usage
            case .missingDatabase, .cannotOpen: code = NetCensusExit.cannotOpen
            case .postgresNotBuilt: code = NetCensusExit.unavailable
            case .invalidReport: code = NetCensusExit.noData
            case .migration, .query: code = NetCensusExit.failure
            }
        case let e as HistoryReportFile.ReadError:
            switch e {
            case .cannotRead: code = NetCensusExit.cannotOpen
            case .invalid: code = NetCensusExit.noData
            }
        case let e as ExitCode:
            return e
        default:
            code = NetCensusExit.failure
        }
        StandardError.line("netcensus: error: \(Escaping.terminal(String(describing: error)))")
        return code
    }
}
