import ArgumentParser
import Reporting
import ReportHistory

/// `netcensus report import REPORT.json [--database LOC]`: stores the quarter, run and figures
/// of a report.json (written by `netcensus report`), replacing whatever that quarter held, in
/// one transaction. How an operator sends a report into a shared PostgreSQL history.
struct ReportImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store a report.json's figures in the history, replacing its quarter's rows.",
        discussion: """
        Reads the keys schema ("netcensus-report"), schema_version (1), quarter, run and figures;
        other keys are ignored. Nothing is written unless the whole file is valid (quarter YYYYQn,
        non-empty section, key and unit, finite values, each section/key once). On success prints
        one line: the quarter, the number of figures and the database.
        Exit codes: 0 stored; 64 usage or malformed --database; 65 invalid report; 66 report or
        database cannot be read or opened; 69 postgresql:// without the Postgres trait; 1 the
        write failed (the quarter's previous rows are intact).
        """
    )

    @Argument(help: ArgumentHelp("report.json written by `netcensus report`.", valueName: "report.json"))
    var report: String

    @OptionGroup var history: HistoryDatabaseOptions

    func run() throws {
        do {
            let file = try HistoryReportFile.read(path: report)
            let store = try HistoryStores.open(history.database)
            defer { try? store.close() }
            try store.replace(quarter: file.quarter, run: file.run, figures: file.figures)
            try StandardOutput.line(Escaping.terminal(
                "stored \(file.quarter): \(file.figures.count) figures in \(HistoryStores.displayName(history.database))"))
        } catch {
            throw HistoryFailure.exit(error)
        }
    }
}
