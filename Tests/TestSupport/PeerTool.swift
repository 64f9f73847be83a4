import Foundation

/// Runs a peer tool from Debian's packages (tshark, tcpdump, nfdump) for cross-checks.
///
/// When the tool is not installed the caller skips with a printed reason; under `CI=true` a
/// missing tool is a failure (CI installs them in .ci/install-deps).
public enum PeerTool {
    /// Full path of `name` on PATH, or nil (printing `SKIP:`).
    public static func locate(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        print("SKIP: peer tool \(name) not installed\(SharedData.isCI ? " (CI: this is a failure)" : "")")
        return nil
    }

    /// Runs the tool and returns its standard output (nil when it could not run or failed).
    public static func run(_ name: String, _ arguments: [String]) -> String? {
        guard let path = locate(name) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
