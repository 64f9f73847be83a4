import ArgumentParser

/// Stable exit statuses (documented in README "Exit codes").
enum NetCensusExit {
    /// Work done; warnings (if any) went to stderr.
    static let success = ExitCode(0)
    /// Generic failure: nothing could be read or computed.
    static let failure = ExitCode(1)
    /// Bad usage (argument-parser's own code for validation errors).
    static let usage = ExitCode(64)
    /// Input present but no packets / no nodes could be read from any of it.
    static let noData = ExitCode(65)
    /// An input file or interface could not be opened.
    static let cannotOpen = ExitCode(66)
    /// A service the command needs is unavailable (`flows collect` cannot bind its socket;
    /// sysexits.h EX_UNAVAILABLE).
    static let unavailable = ExitCode(69)
    /// A target was missed (`topology score --fail-on-miss`).
    static let targetMissed = ExitCode(3)
}
