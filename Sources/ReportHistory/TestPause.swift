import Foundation

/// Test-only hook for the interrupted-write tests: with the environment variable
/// `NETCENSUS_TEST_PAUSE_IN_TRANSACTION=PATH`, a replacement stops inside its transaction, after
/// the quarter's old rows were deleted and part of the new ones inserted, creates PATH and sleeps
/// 60 s, so that a test can SIGKILL the process there and check that the old rows survive.
/// Unset (always, outside tests) it does nothing.
enum TestPause {
    static let variable = "NETCENSUS_TEST_PAUSE_IN_TRANSACTION"

    static func pauseIfRequested() {
        guard let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty else { return }
        _ = FileManager.default.createFile(atPath: path, contents: Data("paused inside the transaction\n".utf8))
        Thread.sleep(forTimeInterval: 60)
    }

    /// Where in a list of `count` figures the pause happens: after inserting this many.
    static func pauseIndex(count: Int) -> Int { (count + 1) / 2 }
}
