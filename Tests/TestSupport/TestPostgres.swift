import Foundation

/// The PostgreSQL server the history tests use: `NETCENSUS_TEST_POSTGRES_URL`
/// (`postgresql://USER:PASSWORD@127.0.0.1:PORT/DATABASE`, started and exported by `.ci/run`).
///
/// Each call returns the URL with a fresh `schema=t_<random>` parameter, so tests running in
/// parallel never see each other's tables. When the variable is unset this prints
/// `SKIP: ...` and returns nil; under `CI=true` the caller must fail instead:
///
///     guard let url = TestPostgres.freshURL() else { #expect(!SharedData.isCI, "no PostgreSQL under CI"); return }
public enum TestPostgres {
    public static let variable = "NETCENSUS_TEST_POSTGRES_URL"

    public static func freshURL() -> String? {
        guard let base = ProcessInfo.processInfo.environment[variable], !base.isEmpty else {
            print("SKIP: \(variable) is not set, PostgreSQL history tests not run\(SharedData.isCI ? " (CI: this is a failure)" : "")")
            return nil
        }
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return base + (base.contains("?") ? "&" : "?") + "schema=" + schema
    }
}
