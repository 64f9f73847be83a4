import ArgumentParser

/// Output options of `capture summarize` (files: per-file rows and tables).
struct CaptureOutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Write JSON (schema: docs/summary-schema.md) instead of the table.")
    var json = false

    @Flag(name: .long, help: "Write CSV (RFC 4180): one row per file, then the total.")
    var csv = false

    @Flag(name: .long, help: "In the table, also show each file's summary (JSON and CSV always include them).")
    var perFile = false

    @Flag(name: .shortAndLong, help: "No progress and no warnings on stderr (errors still print).")
    var quiet = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be used together.") }
    }
}

import Reporting

extension CaptureOutputOptions {
    /// Writes the summary document in the chosen form (table, `--json`, `--csv`).
    func print(_ document: ReportValue) throws {
        if json { try StandardOutput.line(JSONRenderer.render(document)) }
        else if csv { try StandardOutput.write(CSVRenderer.render(rows: CaptureSummaryReport.csvRows(document))) }
        else { try StandardOutput.write(CaptureTableRenderer.render(document, perFile: perFile)) }
    }
}
