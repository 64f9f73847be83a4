import Foundation
import Testing
import TestSupport

/// `capture summarize --state-out`, `capture merge` and `--jobs` through the real executable, on
/// the public captures: merging per-file states gives byte for byte the document of one
/// `capture summarize` over all the files; `--jobs 2` gives the `--jobs 1` document; merge is
/// associative and its total does not depend on the order of the states; every unusable state is
/// refused with one line naming it, and nothing is printed or written.
@Suite(.serialized) struct CaptureMergeCLITests {
    static func publicCaptures() -> [String] {
        guard let dir = SharedData.path("captures/public"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") || $0.hasSuffix(".gz") }
            .sorted().map { dir + "/" + $0 }
    }

    static func ready() -> Bool {
        if CaptureCLI.executable == nil { #expect(!SharedData.isCI, "netcensus not built"); return false }
        if publicCaptures().isEmpty { #expect(!SharedData.isCI, "../shared/captures/public missing"); print("skip: no public captures"); return false }
        return true
    }

    /// One state per public capture, written once for the suite (the suite is serialized) into
    /// its own temporary folder.
    nonisolated(unsafe) static var cachedStates: [String]? = nil
    static func perFileStates() throws -> [String] {
        if let c = cachedStates { return c }
        let dir = SharedData.temporaryDirectory("netcensus-merge-states")
        let states = try publicCaptures().enumerated().map { i, path in
            let state = dir.appendingPathComponent("s\(i).state").path
            let r = try CaptureCLI.run(["capture", "summarize", "--quiet", "--json", "--state-out", state, path])
            #expect(r.status == 0 || r.status == 65, "\(path): \(r.status) \(r.stderr)")
            return state
        }.filter { FileManager.default.fileExists(atPath: $0) }
        cachedStates = states
        return states
    }

    @Test func mergedStatesEqualOneRunOverAllFilesAndJobsDoNotChangeTheOutput() throws {
        guard Self.ready() else { return }
        let files = Self.publicCaptures()
        let states = try Self.perFileStates()
        #expect(states.count == files.count, "every run writes a state, whether or not its file yields packets")
        let one = try CaptureCLI.run(["capture", "summarize", "--quiet", "--json", "--jobs", "1"] + files)
        let two = try CaptureCLI.run(["capture", "summarize", "--quiet", "--json", "--jobs", "2"] + files)
        #expect(one.status == 0 && two.status == 0)
        #expect(one.stdout == two.stdout, "--jobs 2 differs from --jobs 1")
        let merged = try CaptureCLI.run(["capture", "merge", "--quiet", "--json"] + states)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == one.stdout, "merge of per-file states differs from one run over all files")
        // The same in CSV and in the table.
        for form in [["--csv"], ["--per-file"]] {
            let a = try CaptureCLI.run(["capture", "summarize", "--quiet"] + form + files)
            let b = try CaptureCLI.run(["capture", "merge", "--quiet"] + form + states)
            #expect(a.stdout == b.stdout && !a.stdout.isEmpty, "\(form)")
        }
    }

    @Test func mergeIsAssociativeAndItsTotalIgnoresOrder() throws {
        guard Self.ready() else { return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let states = try Self.perFileStates()
        let p = try MergeAssociativity.check(states, options: ["--json"], dir: dir)
        // Order: the per-file list follows the states given; the total must not.
        func total(_ json: String) throws -> NSDictionary {
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            return try #require(doc["total"] as? NSDictionary)
        }
        let reversed = try MergeAssociativity.merge(["--json"], [p.bcState, p.aState])   // b c a
        #expect(try total(reversed) == total(p.flat), "the total depends on the order of the states")
    }

    @Test func unusableStatesAreRefusedWithOneLineAndNothingWritten() throws {
        guard Self.ready() else { return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = try #require(Self.publicCaptures().first { $0.hasSuffix("6in4_proto41_ping6.pcap") } ?? Self.publicCaptures().first)
        let good = dir.appendingPathComponent("good.state").path
        #expect(try CaptureCLI.run(["capture", "summarize", "--quiet", "--state-out", good, capture]).status == 0)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: good)))
        let newline = try #require(bytes.firstIndex(of: 0x0a))
        func write(_ name: String, _ b: [UInt8]) throws -> String {
            let p = dir.appendingPathComponent(name).path
            try Data(b).write(to: URL(fileURLWithPath: p))
            return p
        }
        var flipped = bytes
        let digit = try #require(flipped[(newline + 1)...].firstIndex { $0 >= 0x31 && $0 <= 0x38 })
        flipped[digit] += 1   // a count changed by one: still valid JSON, caught by the CRC
        let header = String(decoding: bytes[..<newline], as: UTF8.self).replacingOccurrences(of: "\"version\":2", with: "\"version\":1")
        let other = dir.appendingPathComponent("other.state").path
        #expect(try CaptureCLI.run(["capture", "summarize", "--quiet", "--udp-timeout", "5", "--state-out", other, capture]).status == 0)
        let cases: [(String, String, Int32)] = [
            (try write("truncated.state", Array(bytes.prefix(bytes.count - 10))), "truncated", 65),
            (try write("flipped.state", flipped), "CRC-32", 65),
            (try write("v1.state", Array(header.utf8) + bytes[newline...]), "version 1", 65),
            (try write("text.state", Array("hello\n".utf8)), "not a NetCensus state", 65),
            (try write("empty.state", []), "empty", 65),
            (other, "other settings", 65),
            (good, "already in", 65),
            (dir.appendingPathComponent("missing.state").path, "no such file", 66),
        ]
        for (bad, reason, status) in cases {
            let out = dir.appendingPathComponent("merged.state").path
            let r = try CaptureCLI.run(["capture", "merge", "--json", "--state-out", out, good, bad])
            #expect(r.status == status, "\(bad): status \(r.status)")
            #expect(r.stdout.isEmpty, "\(bad): printed a half merge")
            #expect(!FileManager.default.fileExists(atPath: out), "\(bad): wrote a merged state")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && r.stderr.contains(bad) && r.stderr.contains(reason), "\(bad): \(r.stderr)")
        }
    }
}
