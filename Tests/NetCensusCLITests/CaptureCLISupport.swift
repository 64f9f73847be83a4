import Foundation
import TestSupport
import Testing

/// Runs the built `netcensus` executable (it sits beside the test bundle in .build/<triple>/debug).
enum CaptureCLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// stdout parsed as a JSON object (nil if it is not one).
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] }
    }

    static var executable: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        for candidate in [dir.appendingPathComponent("netcensus"),
                          SharedData.repoRoot.appendingPathComponent(".build/debug/netcensus")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return nil
    }

    static func run(_ arguments: [String]) throws -> Result {
        guard let exe = executable else { throw CocoaError(.fileNoSuchFile) }
        let p = Process()
        p.executableURL = exe
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        // Read both pipes before waiting so a large output cannot block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs with stdout sent to `stdoutPath` (e.g. /dev/full) instead of a pipe; `stdout` is empty.
    static func run(_ arguments: [String], stdoutPath: String) throws -> Result {
        guard let exe = executable else { throw CocoaError(.fileNoSuchFile) }
        guard let sink = FileHandle(forWritingAtPath: stdoutPath) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? sink.close() }
        let p = Process()
        p.executableURL = exe
        p.arguments = arguments
        let err = Pipe()
        p.standardOutput = sink; p.standardError = err
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: "", stderr: String(decoding: e, as: UTF8.self))
    }

    /// The project's own sample captures (Captures/ at the repo root), nil when absent.
    static var samplesDirectory: String? {
        let dir = SharedData.repoRoot.appendingPathComponent("Captures").path
        return FileManager.default.fileExists(atPath: dir + "/dualstack_browsing.pcap") ? dir : nil
    }

    /// EXPECTED.tsv of the public corpus as file -> column -> cell.
    static func expected() -> [String: [String: String]] {
        guard let p = SharedData.path("captures/public/EXPECTED.tsv"), let text = try? String(contentsOfFile: p, encoding: .utf8) else { return [:] }
        var lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        var rows: [String: [String: String]] = [:]
        for cells in lines { rows[cells[0]] = Dictionary(uniqueKeysWithValues: zip(header, cells)) }
        return rows
    }
}

extension Dictionary where Key == String, Value == Any {
    /// `d["a", "b", "c"]` digs into nested objects.
    subscript(path: String...) -> Any? {
        var v: Any? = self
        for k in path { v = (v as? [String: Any])?[k] }
        return v
    }
}

/// Associativity of `capture merge` through the real binary, shared by the summarize and the
/// analyze merge tests.
enum MergeAssociativity {
    /// The parts of one check: the thirds of the states, the printed merge of all of them, and
    /// the state files written for a and for b + c (for order checks after it).
    struct Parts { var a: [String], b: [String], c: [String], flat: String, aState: String, bcState: String }

    /// `capture merge --quiet <options> INPUTS [--state-out OUT]`; expects exit 0, returns stdout.
    static func merge(_ options: [String], _ inputs: [String], out: String? = nil) throws -> String {
        let r = try CaptureCLI.run(["capture", "merge", "--quiet"] + options + inputs + (out.map { ["--state-out", $0] } ?? []))
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    /// Splits `states` into thirds a, b, c, writes the merged states of a + b, b + c, a and c
    /// under `dir`, and expects merging (a b) c and a (b c) to print what merging a b c prints.
    static func check(_ states: [String], options: [String], dir: URL) throws -> Parts {
        let third = states.count / 3
        let (a, b, c) = (Array(states[..<third]), Array(states[third..<(2 * third)]), Array(states[(2 * third)...]))
        let ab = dir.appendingPathComponent("ab.state").path, bc = dir.appendingPathComponent("bc.state").path
        let aState = dir.appendingPathComponent("a.state").path, cState = dir.appendingPathComponent("c.state").path
        _ = try merge(options, a + b, out: ab); _ = try merge(options, b + c, out: bc)
        _ = try merge(options, a, out: aState); _ = try merge(options, c, out: cState)
        let flat = try merge(options, a + b + c)
        #expect(try merge(options, [ab, cState]) == flat, "(a b) c differs from a b c")
        #expect(try merge(options, [aState, bc]) == flat, "a (b c) differs from a b c")
        return Parts(a: a, b: b, c: c, flat: flat, aState: aState, bcState: bc)
    }
}
