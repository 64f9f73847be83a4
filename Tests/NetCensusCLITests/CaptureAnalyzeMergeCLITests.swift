import Foundation
import Testing
import TestSupport

/// `capture analyze --state-out` and `capture merge` of its states through the real executable,
/// on the public captures (docs/state-format.md "The transition section"): merging one state per
/// file prints byte for byte what `capture analyze` over all the files prints, in every view; the
/// merge is associative and its summary does not depend on the order of the states; a state of
/// other transition settings, or a `capture summarize` state, is refused with one line naming it.
@Suite(.serialized) struct CaptureAnalyzeMergeCLITests {
    nonisolated(unsafe) static var cached: (files: [String], states: [String])? = nil

    /// One analyze state per public capture, written once for the suite.
    static func perFileStates() throws -> (files: [String], states: [String])? {
        if let c = cached { return c }
        guard CaptureCLI.executable != nil else { #expect(!SharedData.isCI, "netcensus not built"); return nil }
        let files = CaptureMergeCLITests.publicCaptures()
        guard !files.isEmpty else { #expect(!SharedData.isCI, "../shared/captures/public missing"); return nil }
        let dir = SharedData.temporaryDirectory("netcensus-analyze-states")
        let states = try files.enumerated().map { i, path in
            let state = dir.appendingPathComponent("t\(i).state").path
            let r = try CaptureCLI.run(["capture", "analyze", "--quiet", "--json", "--show-addresses", "--state-out", state, path])
            #expect(r.status == 0 || r.status == 65, "\(path): \(r.status) \(r.stderr)")
            return state
        }
        #expect(states.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "every run writes a state")
        cached = (files, states)
        return cached
    }

    @Test func mergedStatesEqualOneAnalyzeOverAllFiles() throws {
        guard let (files, states) = try Self.perFileStates() else { return }
        for view in [[], ["--by", "device"], ["--by", "race"], ["--by", "name"], ["--by", "mechanism"]] {
            let one = try CaptureCLI.run(["capture", "analyze", "--quiet", "--json", "--show-addresses"] + view + files)
            let merged = try CaptureCLI.run(["capture", "merge", "--quiet", "--json", "--show-addresses"] + view + states)
            #expect(one.status == 0 && merged.status == 0, "\(view): \(merged.stderr)")
            #expect(merged.stdout == one.stdout, "\(view): merge of per-file states differs from one analyze over all files")
        }
        // The figures are not empty: devices, names and races were found and merged.
        let doc = try #require(try JSONSerialization.jsonObject(
            with: Data(try CaptureCLI.run(["capture", "merge", "--quiet", "--json"] + states).stdout.utf8)) as? [String: Any])
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(((summary["devices"] as? [String: Any])?["devices"] as? Int ?? 0) > 10)
        #expect(((summary["happy_eyeballs"] as? [String: Any])?["races"] as? Int ?? 0) > 0)
        // The table and CSV forms too.
        for form in [["--csv"], ["--by", "device", "--show-addresses"], []] {
            let a = try CaptureCLI.run(["capture", "analyze", "--quiet"] + form + files)
            let b = try CaptureCLI.run(["capture", "merge", "--quiet"] + form + states)
            #expect(a.stdout == b.stdout && !a.stdout.isEmpty, "\(form)")
        }
    }

    @Test func mergeIsAssociativeAndItsSummaryIgnoresOrder() throws {
        guard let (_, states) = try Self.perFileStates() else { return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = ["--json", "--show-addresses", "--by", "device"]
        let p = try MergeAssociativity.check(states, options: options, dir: dir)
        let flat = p.flat
        func merge(_ inputs: [String]) throws -> String { try MergeAssociativity.merge(options, inputs) }
        func summaryAndRows(_ json: String) throws -> NSDictionary {
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            return ["summary": doc["summary"] as Any, "devices": doc["devices"] as Any] as NSDictionary
        }
        #expect(try summaryAndRows(merge(p.c + p.a + p.b)) == summaryAndRows(flat), "c a b")
        #expect(try summaryAndRows(merge(states.reversed())) == summaryAndRows(flat), "reversed")
    }

    @Test func statesOfOtherSettingsOrOfSummarizeAreRefused() throws {
        guard let (files, states) = try Self.perFileStates() else { return }
        let dir = SharedData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = files[0]
        var cases: [(String, String)] = []
        for (option, key) in [(["--local-prefix", "192.168.0.0/16"], "transition.localPrefixes"),
                              (["--nat64-prefix", "2001:db8:64::/96"], "transition.nat64Prefixes"),
                              (["--6rd-prefix", "2001:db8:6::/48"], "transition.sixRDPrefix"),
                              (["--clat-prefix", "2001:db8:c1a7::/96"], "transition.clatPrefixes")] {
            let p = dir.appendingPathComponent("\(key).state").path
            let r = try CaptureCLI.run(["capture", "analyze", "--quiet", "--json", "--state-out", p] + option + [capture])
            #expect(r.status == 0 || r.status == 65)
            cases.append((p, key))
        }
        let summarize = dir.appendingPathComponent("summarize.state").path
        #expect(try CaptureCLI.run(["capture", "summarize", "--quiet", "--state-out", summarize, capture]).status == 0)
        cases.append((summarize, "other settings"))
        // The good state is of another file than the bad ones (so "already in" cannot fire).
        let good = states[states.count - 1]
        for (bad, reason) in cases {
            let out = dir.appendingPathComponent("merged.state").path
            let r = try CaptureCLI.run(["capture", "merge", "--json", "--state-out", out, good, bad])
            #expect(r.status == 65, "\(bad): status \(r.status)")
            #expect(r.stdout.isEmpty, "\(bad): printed a half merge")
            #expect(!FileManager.default.fileExists(atPath: out), "\(bad): wrote a merged state")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && r.stderr.contains(bad) && r.stderr.contains(reason), "\(bad): \(r.stderr)")
        }
        // --by on summarize states is a usage error, nothing written.
        let r = try CaptureCLI.run(["capture", "merge", "--json", "--by", "device", summarize])
        #expect(r.status == 64 && r.stdout.isEmpty, "\(r.status) \(r.stderr)")
    }
}
