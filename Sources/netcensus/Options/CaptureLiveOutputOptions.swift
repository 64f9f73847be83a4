import ArgumentParser

/// Output options of `capture live`: one input (the interface), so no per-file choices.
struct CaptureLiveOutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Write JSON (schema: docs/summary-schema.md; `files` holds the interface) instead of the table.")
    var json = false

    @Flag(name: .long, help: "Write CSV (RFC 4180): one row for the interface, then the total.")
    var csv = false

    @Flag(name: .shortAndLong, help: "No warnings on stderr (errors still print).")
    var quiet = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be used together.") }
    }
}
