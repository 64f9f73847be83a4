import Foundation

/// Locates the project's shared, read-only test data (`../shared` beside the repo root).
///
/// Under CI (`CI=true`) a missing file is a failure; elsewhere the caller skips with a printed
/// reason. Never write into `../shared`: use `temporaryDirectory()` for outputs.
public enum SharedData {
    /// The repository root (the folder holding Package.swift), found from this source file.
    public static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared` beside the repo root (override with NETCENSUS_SHARED).
    public static let root: URL = {
        if let p = ProcessInfo.processInfo.environment["NETCENSUS_SHARED"] { return URL(fileURLWithPath: p) }
        return repoRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Full path of `relative` under shared/, or nil when missing. When missing, under CI this
    /// returns nil and the caller must fail (use `require`); elsewhere it prints why it skips.
    public static func path(_ relative: String) -> String? {
        let p = root.appendingPathComponent(relative).path
        if FileManager.default.fileExists(atPath: p) { return p }
        print("SKIP: shared test data not found at \(p)\(isCI ? " (CI: this is a failure)" : "")")
        return nil
    }

    /// A fresh temporary directory for test outputs, removed when the test process exits
    /// (`NETCENSUS_KEEP_TEST_FILES=1` keeps them for a post-mortem).
    public static func temporaryDirectory(_ tag: String = "netcensus-test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        TemporaryDirectories.shared.add(url)
        return url
    }
}

/// The directories `SharedData.temporaryDirectory` made in this process. A suite run made
/// about a thousand and left them in /tmp; they are removed at exit instead.
final class TemporaryDirectories: @unchecked Sendable {
    static let shared = TemporaryDirectories()
    private let lock = NSLock()
    private var urls: [URL] = []

    private init() {
        atexit { TemporaryDirectories.shared.removeAll() }
    }

    func add(_ url: URL) {
        lock.lock(); urls.append(url); lock.unlock()
    }

    func removeAll() {
        if ProcessInfo.processInfo.environment["NETCENSUS_KEEP_TEST_FILES"] == "1" { return }
        lock.lock(); let all = urls; urls = []; lock.unlock()
        for url in all { try? FileManager.default.removeItem(at: url) }
    }
}
