import Foundation
import Testing
import TestSupport

/// `netcensus report`: the main job end to end on the project's samples, cross-checked against
/// the commands that compute the same figures, history across two quarters, and the page in a
/// real headless browser (Debian's chromium).
@Suite(.serialized) struct ReportCLITests {
    static var root: String { SharedData.repoRoot.path }

    static func generate(_ quarter: String, dir: URL, extra: [String] = []) throws -> CaptureCLI.Result {
        try CaptureCLI.run(["report", "--quarter", quarter, "--captures", root + "/Captures",
                            "--topology", root + "/Topologies/synth-300-seed7", "--out", dir.appendingPathComponent(quarter).path,
                            "--database", dir.appendingPathComponent("history.sqlite").path, "-q"] + extra)
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func figure(_ doc: [String: Any], _ section: String, _ key: String) -> Double? {
        (doc["figures"] as? [[String: Any]])?.first { $0["section"] as? String == section && $0["key"] as? String == key }?["value"] as? Double
    }

    @Test func samplesReportAgreesWithTheCommandsThatComputeEachFigure() throws {
        let dir = SharedData.temporaryDirectory("report-cli")
        let r = try Self.generate("2026Q4", dir: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let out = dir.appendingPathComponent("2026Q4")
        for f in ["index.html", "report.md", "report.json", "adoption.csv", "coverage_by_region.csv", "inputs.csv"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), "\(f) written")
        }
        let doc = try Self.json(out.appendingPathComponent("report.json"))
        #expect(doc["schema"] as? String == "netcensus-report" && doc["quarter"] as? String == "2026Q4")

        // The same figures from `capture analyze --json` and `topology score --json`. Both JSON
        // documents carry 6 decimals, and a share there is a fraction (×100 here): within 1e-4.
        let analyze = try CaptureCLI.run(["capture", "analyze", Self.root + "/Captures", "--json", "-q"])
        let t = try #require(analyze.json)
        let summary = try #require(t["summary"] as? [String: Any])
        let bytes = try #require(((summary["adoption"] as? [String: Any])?["bytes"] as? [String: Any])?["ipv6_share"] as? Double)
        let reported = try #require(Self.figure(doc, "capture", "ipv6_share_bytes"))
        #expect(abs(reported - bytes * 100) < 1e-4)
        let devices = try #require(summary["devices"] as? [String: Any])
        let counted = (devices["devices"] as! Int) - (devices["local_only"] as! Int)
        #expect(abs(try #require(Self.figure(doc, "capture", "devices_using_ipv6_share")) - 100 * Double(devices["using_ipv6"] as! Int) / Double(counted)) < 1e-4)
        let score = try CaptureCLI.run(["topology", "score", Self.root + "/Topologies/synth-300-seed7", "--json"])
        let s = try #require(score.json)
        let villages = try #require(s["villages"] as? [String: Any])
        #expect(abs(try #require(Self.figure(doc, "topology", "village_broadband_share")) - (villages["broadband_share"] as! Double) * 100) < 1e-4)
        #expect(abs(try #require(Self.figure(doc, "topology", "village_fiber_share")) - (villages["fiber_share"] as! Double) * 100) < 1e-4)

        // The history holds exactly report.json's figures, and `report import` of the generated
        // report.json into a fresh database stores the same rows (the file the tool writes is
        // one it can read back).
        func rows(_ db: String) throws -> Set<String> {
            let h = try CaptureCLI.run(["report", "history", "--database", db, "--json"])
            #expect(h.status == 0, "\(h.stderr)")
            return Set((Self.historyRows(h.stdout) ?? []).map { "\($0["section"] ?? "")/\($0["key"] ?? "")=\($0["value"].map { "\($0)" } ?? "null")" })
        }
        let figures = Set((doc["figures"] as? [[String: Any]] ?? []).map { "\($0["section"] ?? "")/\($0["key"] ?? "")=\($0["value"].map { "\($0)" } ?? "null")" })
        let stored = try rows(dir.appendingPathComponent("history.sqlite").path)
        #expect(!figures.isEmpty && stored == figures)
        let fresh = dir.appendingPathComponent("imported.sqlite").path
        let imp = try CaptureCLI.run(["report", "import", out.appendingPathComponent("report.json").path, "--database", fresh])
        #expect(imp.status == 0, "\(imp.stderr)")
        let imported = try rows(fresh)
        #expect(imported == figures)

        // Every input with its SHA-256, checked against sha256sum.
        let run = try #require(doc["run"] as? [String: Any])
        let inputs = try #require(run["inputs"] as? [[String: Any]])
        #expect(inputs.count >= 3)
        if let first = inputs.first, let path = first["path"] as? String, let sum = PeerTool.run("sha256sum", [path]) {
            #expect(sum.hasPrefix(first["sha256"] as? String ?? "-"))
        }
    }

    @Test func twoQuartersMakeAHistoryAndARerunReplacesItsRows() throws {
        let dir = SharedData.temporaryDirectory("report-history")
        #expect(try Self.generate("2026Q3", dir: dir, extra: ["--captures", Self.root + "/Captures/dualstack_browsing.pcap"]).status == 0)
        #expect(try Self.generate("2026Q4", dir: dir).status == 0)
        #expect(try Self.generate("2026Q4", dir: dir).status == 0)   // a re-run replaces Q4's rows
        let q3 = try Self.json(dir.appendingPathComponent("2026Q3/report.json"))
        let q4 = try Self.json(dir.appendingPathComponent("2026Q4/report.json"))
        let headline = try #require((q4["headline"] as? [[String: Any]])?.first { $0["key"] as? String == "ipv6_share_bytes" })
        #expect(headline["previous"] as? Double == Self.figure(q3, "capture", "ipv6_share_bytes"))
        let h = try CaptureCLI.run(["report", "history", "--database", dir.appendingPathComponent("history.sqlite").path, "--json"])
        #expect(h.status == 0, "\(h.stderr)")
        let text = h.stdout
        #expect(text.contains("2026Q3") && text.contains("2026Q4"))
        // No duplicate rows after the re-run: each (quarter, section, key) once.
        let rows = try #require(Self.historyRows(h.stdout))
        let keys = rows.map { "\($0["quarter"] ?? "")/\($0["section"] ?? "")/\($0["key"] ?? "")" }
        #expect(Set(keys).count == keys.count && !keys.isEmpty)
    }

    /// Killed inside the history transaction: the page and the rows of the previous run both
    /// survive (files are staged and renamed only after the history commit), and no temporary
    /// file is left behind in the output folder.
    @Test func killedReportKeepsThePreviousPageAndRows() throws {
        let dir = SharedData.temporaryDirectory("report-kill")
        #expect(try Self.generate("2026Q4", dir: dir, extra: ["--captures", Self.root + "/Captures/nat64_dns64.pcap"]).status == 0)
        let page = dir.appendingPathComponent("2026Q4/report.json")
        let before = try Data(contentsOf: page)
        let flag = dir.appendingPathComponent("paused").path
        guard let exe = CaptureCLI.executable else { Issue.record("no netcensus binary"); return }
        let p = Process()
        p.executableURL = exe
        p.arguments = ["report", "--quarter", "2026Q4", "--captures", Self.root + "/Captures", "--topology", Self.root + "/Topologies/synth-300-seed7",
                       "--out", dir.appendingPathComponent("2026Q4").path, "--database", dir.appendingPathComponent("history.sqlite").path, "-q"]
        var env = ProcessInfo.processInfo.environment
        env["NETCENSUS_TEST_PAUSE_IN_TRANSACTION"] = flag
        p.environment = env
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: flag) && Date() < deadline && p.isRunning { usleep(50_000) }
        #expect(FileManager.default.fileExists(atPath: flag), "the run reached the transaction")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(try Data(contentsOf: page) == before, "the previous report.json is untouched")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("2026Q4").path).filter { $0.hasPrefix(".") }
        // The killed run's temporaries may remain (nothing can remove them after SIGKILL), but
        // never under a final name; the next run writes its own.
        #expect(leftovers.allSatisfy { $0.hasSuffix(".tmp") })
        let h = try CaptureCLI.run(["report", "history", "--database", dir.appendingPathComponent("history.sqlite").path, "--json"])
        let rows = try #require(Self.historyRows(h.stdout))
        let doc = try Self.json(page)
        let bytes = rows.first { $0["key"] as? String == "bytes" }?["value"] as? Double
        #expect(bytes != nil && bytes == Self.figure(doc, "capture", "bytes"), "the stored rows are the previous run's")
    }

    /// The rows of `report history --json`, whatever the top-level shape (an array, or an
    /// object holding one).
    static func historyRows(_ text: String) -> [[String: Any]]? {
        guard let any = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return nil }
        if let a = any as? [[String: Any]] { return a }
        if let o = any as? [String: Any] { for v in o.values { if let a = v as? [[String: Any]], !a.isEmpty { return a } } }
        return nil
    }

    /// The page in headless chromium: it loads from disk with no console error, every chart
    /// figure holds its SVG, and a screenshot is left in .build for a person to look at.
    @Test func pageRendersInARealBrowser() throws {
        guard let chromium = PeerTool.locate("chromium") ?? PeerTool.locate("chromium-browser") else {
            #expect(!SharedData.isCI, "chromium missing under CI"); print("SKIP: chromium not installed"); return
        }
        let dir = SharedData.temporaryDirectory("report-browser")
        #expect(try Self.generate("2026Q4", dir: dir).status == 0)
        let page = dir.appendingPathComponent("2026Q4/index.html")
        let dom = try Self.browser(chromium, ["--dump-dom", page.absoluteURL.absoluteString])
        #expect(dom.status == 0)
        #expect(dom.stdout.contains("<main>") && dom.stdout.contains("Headline figures"))
        // Every chart figure (id chart-…) holds an <svg>, counted in the DOM the browser built.
        let figures = dom.stdout.components(separatedBy: "<figure id=\"chart-").dropFirst()
        #expect(figures.count >= 4)
        for f in figures { #expect(f.range(of: "</figure>").map { f[..<$0.lowerBound].contains("<svg") } == true) }
        #expect(Self.consoleErrors(dom.stderr).isEmpty, "\(Self.consoleErrors(dom.stderr))")

        // The console check can fail: a page that logs an error is caught.
        let bad = dir.appendingPathComponent("bad.html")
        try Data("<html><body><script>console.error('planted failure')</script></body></html>".utf8).write(to: bad)
        let b = try Self.browser(chromium, ["--dump-dom", bad.absoluteURL.absoluteString])
        #expect(!Self.consoleErrors(b.stderr).isEmpty, "the planted console error is seen")

        let shot = SharedData.repoRoot.appendingPathComponent(".build/report-screenshot.png")
        let s = try Self.browser(chromium, ["--screenshot=" + shot.path, "--window-size=1280,2400", page.absoluteURL.absoluteString])
        #expect(s.status == 0 && FileManager.default.fileExists(atPath: shot.path))
    }

    static func browser(_ chromium: String, _ args: [String]) throws -> CaptureCLI.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                       "--user-data-dir=" + SharedData.temporaryDirectory("chromium-profile").path,
                       "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return .init(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Console messages chromium logged (`:CONSOLE` lines of --enable-logging=stderr). Headless
    /// chromium logs every console level as INFO, so any console message counts: the page has
    /// no script, so a message can only be an error (a CSP refusal, a parse or load failure).
    static func consoleErrors(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") || $0.contains("net::ERR_") }
    }
}
