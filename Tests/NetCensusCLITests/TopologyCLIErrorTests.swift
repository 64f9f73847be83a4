import Foundation
import Testing
import TestSupport

/// Failures a new user meets first: output that cannot be written, a mistyped backbone id, a
/// file that is not a topology. Each must be one `netcensus: error:` line and a documented status.
@Suite(.serialized) struct TopologyCLIErrorTests {
    /// Every stderr line of a failure is a single `netcensus: error: ...` line.
    func oneErrorLine(_ r: TopologyCLI.Result, _ comment: Comment? = nil) {
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("netcensus: error: ") == true, "stderr: \(r.stderr)")
    }

    @Test func writingToAFullDeviceIsAnErrorNotACrash() throws {
        guard let full = FileHandle(forWritingAtPath: "/dev/full") else { return }  // not Linux
        for args in [["score", TopologyCLI.sample], ["score", TopologyCLI.sample, "--json"], ["score", TopologyCLI.sample, "--csv"],
                     ["score", TopologyCLI.sample, "--geojson"], ["plan", TopologyCLI.sample], ["targets"], ["targets", "fcc-100-20"]] {
            let r = try TopologyCLI.run(args, stdoutTo: full)
            #expect(r.status == 1, "\(args): status \(r.status)")
            oneErrorLine(r)
            // ENOSPC is what /dev/full returns on write.
            #expect(r.stderr.hasPrefix("netcensus: error: cannot write output: ") && r.stderr.contains("No space left on device"), "\(r.stderr)")
        }
    }

    @Test func outputIntoAMissingDirectoryNamesThePath() throws {
        let path = SharedData.temporaryDirectory("topology-cli").appendingPathComponent("nonexistdir/x.txt").path
        for args in [["score", TopologyCLI.sample, "-o", path], ["plan", TopologyCLI.sample, "--geojson", path]] {
            let r = try TopologyCLI.run(args)
            #expect(r.status == 1)
            oneErrorLine(r)
            #expect(r.stderr == "netcensus: error: cannot write \(path): No such file or directory\n", "\(r.stderr)")
            #expect(!r.stderr.contains("NSCocoaErrorDomain"))
        }
    }

    @Test func unknownBackboneIdIsAUsageError() throws {
        for args in [["score", TopologyCLI.sample, "--backbone", "no-such-node"],
                     ["score", TopologyCLI.sample, "--backbone", "no-such-node", "--fail-on-miss"],
                     ["plan", TopologyCLI.sample, "--backbone", "no-such-node"]] {
            let r = try TopologyCLI.run(args)
            #expect(r.status == 64, "\(args): \(r.status)")
            oneErrorLine(r)
            #expect(r.stderr.contains("'no-such-node'"))
            #expect(r.stdout.isEmpty, "nothing is scored")
        }
        // A known id among unknown ones is still an error; only the unknown one is named.
        let ids = try TopologyCLI.rows(TopologyCLI.sample + "/nodes.csv").filter { $0["tier"] == "backbone" }.compactMap { $0["id"] }
        let known = try #require(ids.first)
        let mixed = try TopologyCLI.run(["score", TopologyCLI.sample, "--backbone", "\(known),typo"])
        #expect(mixed.status == 64 && mixed.stderr.contains("'typo'") && !mixed.stderr.contains("'\(known)'"), "\(mixed.stderr)")
        // A real id scores.
        #expect(try TopologyCLI.run(["score", TopologyCLI.sample, "--backbone", known]).status == 0)
    }

    @Test func fileThatOpensButIsNoTopologyIs65() throws {
        // The project's own READMEs open fine but hold no topology: 65, not 66.
        for file in ["README.md", "Topologies/README.md"] {
            let r = try TopologyCLI.run(["score", SharedData.repoRoot.appendingPathComponent(file).path])
            #expect(r.status == 65, "\(file): \(r.status)")
            oneErrorLine(r)
        }
        // Cannot open: a missing path and an unreadable file are 66.
        let missing = try TopologyCLI.run(["score", "/nonexistent/x.txt"])
        #expect(missing.status == 66)
        oneErrorLine(missing)
    }

    @Test func usageErrorsStartWithNetcensusError() throws {
        let r = try TopologyCLI.run(["score", TopologyCLI.sample, "--targets", "nope"])
        #expect(r.status == 64)
        oneErrorLine(r)
        #expect(r.stderr.contains("nope"))
        let t = try TopologyCLI.run(["targets", "nope"])
        #expect(t.status == 64)
        oneErrorLine(t)
    }

    /// One village behind a fiber link of unknown capacity (see UnknownCapacityTests): without
    /// --unknown-capacity the checks are "not measurable", not MISSED, and --fail-on-miss does
    /// not fire; with --unknown-capacity 10, 10 × 20 / 100 = 2 Mbps < 12 is a real miss → 3.
    @Test func unknownCapacityIsNotAMiss() throws {
        let dir = try TopologyCLI.pair(nodes: "id,tier,households\nB,backbone,\nV,village,100\n", links: "a,b,medium,capacity_mbps\nB,V,fiber,\n")
        let r = try TopologyCLI.run(["score", dir, "--targets", "broadband-china-2020", "--fail-on-miss"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.text.contains("MISSED") && r.text.contains("not measurable") && r.text.contains("1 of 1 villages depend on links of unknown capacity (1 link of unknown capacity); pass --unknown-capacity MBPS"), "\(r.text)")
        let json = try #require(try TopologyCLI.run(["score", dir, "--json"]).json)
        let results = try #require(json["targets", "results"] as? [[String: Any]])
        // Village checks are not measurable; the urban checks have no urban node to measure (n/a).
        #expect(results.allSatisfy { $0["met"] == nil && ($0["not_measurable"] as? String != nil || $0["not_applicable"] as? String != nil) })
        #expect(results.filter { $0["not_measurable"] as? String != nil }.count == 2)
        #expect(try TopologyCLI.run(["score", dir, "--unknown-capacity", "10", "--fail-on-miss"]).status == 3)
    }

    /// Paired thresholds read as text, not JSON; the listing has no empty scoring table.
    @Test func targetsRenderPairedThresholds() throws {
        let r = try TopologyCLI.run(["targets", "fcc-100-20"])
        #expect(r.status == 0)
        #expect(r.text.contains(">= 100/20 Mbps down/up, latency <= 100 ms") && r.text.contains("< 25/3 Mbps down/up"), "\(r.text)")
        #expect(!r.text.contains("{\"down\"") && !r.text.contains("target  year"))
    }

    /// Help and output name the tiers the generator writes (nodes.csv's tier column).
    @Test func synthHelpAndOutputNameTheTiers() throws {
        let help = try TopologyCLI.run(["synth", "--help"])
        #expect(!help.text.contains("provinces → prefectures → counties"))
        let dir = SharedData.temporaryDirectory("topology-cli").appendingPathComponent("s20").path
        let r = try TopologyCLI.run(["synth", "--villages", "20", "--seed", "1", "-o", dir])
        #expect(r.status == 0)
        let tiers = Set(try TopologyCLI.rows(dir + "/nodes.csv").compactMap { $0["tier"] })
        #expect(tiers == ["backbone", "metro", "county", "township", "village"])
        for tier in tiers {
            #expect(help.text.contains(tier), "help misses \(tier)")
            #expect(r.text.contains("\(tier) "), "output misses \(tier)")
        }
        let score = try TopologyCLI.run(["score", "--help"]).text
        #expect(score.contains("component of 2 or more nodes"))
    }
}
