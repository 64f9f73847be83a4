/// Large results a command keeps until the process exits, so that exit returns their memory at
/// once instead of Swift releasing them object by object when `run()` returns.
///
/// A scored 500,000-village topology is about a million strings and attribute dictionaries;
/// releasing them one by one took ~25 ms of a 0.9 s `topology score` (perf, 2026-12-06), after the
/// output was written. The same idea as clang's `-disable-free`. Only for values whose lifetime
/// ends with the command: nothing reads them afterwards.
enum KeptUntilExit {
    /// Written from the command's own (main) thread only, once per run.
    nonisolated(unsafe) private static var values: [Any] = []

    /// Keeps `value` referenced until the process exits (Swift never destroys globals).
    static func keep(_ value: Any) { values.append(value) }
}
