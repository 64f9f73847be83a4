import ArgumentParser
import ReportHistory

/// `--database LOC`, shared by the report subcommands that use the history.
struct HistoryDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "History database: a SQLite path, or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?schema=NAME&sslmode=disable|prefer|require] (Postgres trait builds; PGPASSWORD is read when the URL has no password).",
        valueName: "location"))
    var database: String = HistoryStores.defaultLocation
}

extension QuarterID: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
