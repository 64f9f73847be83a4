import ArgumentParser

/// `netcensus report ...`: the quarterly report and its history (docs/history.md).
/// `history` prints the stored series; `import` stores a report.json's figures.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Quarterly reports and the history of their figures (SQLite or PostgreSQL).",
        subcommands: [ReportHistoryCommand.self, ReportImport.self]
    )
}
