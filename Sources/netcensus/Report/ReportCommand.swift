import ArgumentParser

/// `netcensus report ...`: the quarterly report (docs/report.md) and its history
/// (docs/history.md). `generate` (the default: `netcensus report --quarter 2026Q4`) writes the
/// report; `history` prints the stored series; `import` stores a report.json's figures.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Quarterly reports and the history of their figures (SQLite or PostgreSQL).",
        discussion: """
        `netcensus report --quarter 2026Q4 [options]` runs `generate`, the default subcommand: \
        its options are listed by `netcensus report generate --help` (docs/report.md).
        """,
        subcommands: [ReportGenerate.self, ReportHistoryCommand.self, ReportImport.self],
        defaultSubcommand: ReportGenerate.self
    )
}
