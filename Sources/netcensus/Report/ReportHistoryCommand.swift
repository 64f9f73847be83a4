import ArgumentParser
import ReportHistory

/// `netcensus report history [--database LOC] [--from Q] [--to Q] [--json|--csv]`: the stored
/// figures per quarter, oldest first, with the change from the quarter before.
struct ReportHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print the stored figures per quarter (table, JSON or CSV).",
        discussion: """
        Rows are ordered by quarter, section, key; --from and --to are inclusive quarters (YYYYQn).
        The change column is the difference from the same figure in the calendar quarter before,
        when that quarter is stored. The same stored quarters print the same output from SQLite
        and PostgreSQL.
        Exit codes: 0 printed (also when no quarter is in range); 64 usage; 66 no database at the
        location or it cannot be opened; 69 postgresql:// without the Postgres trait; 1 a query
        or write failure.
        """
    )

    @OptionGroup var history: HistoryDatabaseOptions

    @Option(help: ArgumentHelp("First quarter shown (inclusive), e.g. 2026Q1.", valueName: "quarter"))
    var from: QuarterID?

    @Option(help: ArgumentHelp("Last quarter shown (inclusive), e.g. 2026Q4.", valueName: "quarter"))
    var to: QuarterID?

    @Flag var format: HistoryOutputFormat = .table

    func validate() throws {
        if let from, let to, from > to {
            throw ValidationError("--from \(from) is after --to \(to)")
        }
    }

    func run() throws {
        do {
            // Reading never creates a database: a mistyped path is an error, not an empty history.
            let store = try HistoryStores.open(history.database, createIfMissing: false)
            defer { try? store.close() }
            // One quarter more at the start, for the first shown quarter's change (open when that
            // quarter is out of range: 1000Q1 has no storable predecessor).
            let rows = try store.rows(from: from.flatMap { QuarterID($0.previous.description) }, to: to)
            let series = HistorySeries(rows: rows, from: from, to: to)
            switch format {
            case .table:
                if series.lines.isEmpty {
                    StandardError.line("netcensus: no stored figures\(from != nil || to != nil ? " in the requested quarters" : "")")
                }
                try StandardOutput.write(series.table())
            case .json: try StandardOutput.write(series.json())
            case .csv: try StandardOutput.write(series.csv())
            }
        } catch {
            throw HistoryFailure.exit(error)
        }
    }
}
