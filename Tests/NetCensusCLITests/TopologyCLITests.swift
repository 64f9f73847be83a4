import Foundation
import Testing
import TestSupport

/// Runs the built `netcensus` (beside the test bundle in .build/<triple>/debug) for the
/// `topology` commands. Kept separate from the capture tests' runner so the two areas evolve apart.
enum TopologyCLI {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: stdout) as? [String: Any] }
    }

    static var executable: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        for candidate in [dir.appendingPathComponent("netcensus"), SharedData.repoRoot.appendingPathComponent(".build/debug/netcensus")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return nil
    }

    /// `stdoutTo`: a file handle (e.g. /dev/full) to take the child's stdout instead of a pipe.
    static func run(_ arguments: [String], stdoutTo: FileHandle? = nil) throws -> Result {
        let exe = try #require(executable, "netcensus executable not built")
        let p = Process()
        p.executableURL = exe
        p.arguments = ["topology"] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = stdoutTo ?? out; p.standardError = err
        if stdoutTo != nil { try out.fileHandleForWriting.close() }
        try p.run()
        // Drain stderr on another thread so neither pipe can fill and block the child.
        nonisolated(unsafe) var e = Data()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { e = err.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: o, stderr: String(decoding: e, as: UTF8.self))
    }

    /// The synthetic sample shipped in the repo (`netcensus topology synth --villages 300 --seed 7`).
    static var sample: String { SharedData.repoRoot.appendingPathComponent("Topologies/synth-300-seed7").path }

    /// Rows of a simple CSV file (the synth files have no quoted fields) as header-keyed dictionaries.
    static func rows(_ path: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("\""), "\(path): quoted fields; this reader splits on commas only")
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        return lines.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// Writes a CSV pair into a fresh directory and returns it.
    static func pair(nodes: String, links: String) throws -> String {
        let dir = SharedData.temporaryDirectory("topology-cli")
        try nodes.write(to: dir.appendingPathComponent("nodes.csv"), atomically: true, encoding: .utf8)
        try links.write(to: dir.appendingPathComponent("links.csv"), atomically: true, encoding: .utf8)
        return dir.path
    }
}

@Suite(.serialized) struct TopologyCLITests {
    // MARK: - score

    @Test func scoreTable() throws {
        let r = try TopologyCLI.run(["score", TopologyCLI.sample])
        #expect(r.status == 0, "\(r.stderr)")
        let villages = try TopologyCLI.rows(TopologyCLI.sample + "/nodes.csv").filter { $0["tier"] == "village" }.count
        // Section headings and the default profile (broadband-china-2020) with its speed check.
        for heading in ["Topology synth-300-seed7", "Network", "Villages (contention 20:1", "By tier", "Targets: broadband-china-2020"] {
            #expect(r.text.contains(heading), "missing \(heading)")
        }
        #expect(r.text.contains("  \(villages) villages, "))
        #expect(r.text.contains("cn-bbc-rural-access-capability-2020: ") && r.text.contains("of households ("))
    }

    @Test func scoreJSON() throws {
        let r = try TopologyCLI.run(["score", TopologyCLI.sample, "--json", "--per-node"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json, "stdout is not a JSON object")
        for key in ["tool", "input", "import_notes", "options", "network", "villages", "by_tier", "by_region",
                    "worst_villages", "targets", "access_nodes", "timings_seconds"] {
            #expect(json[key] != nil, "top-level key \(key) missing")
        }
        let nodes = try TopologyCLI.rows(TopologyCLI.sample + "/nodes.csv")
        let links = try TopologyCLI.rows(TopologyCLI.sample + "/links.csv")
        let network = try #require(json["network"] as? [String: Any])
        #expect(network["nodes"] as? Int == nodes.count && network["links"] as? Int == links.count)
        let villages = try #require(json["villages"] as? [String: Any])
        #expect(villages["nodes"] as? Int == nodes.filter { $0["tier"] == "village" }.count)
        // Households of the villages = the sum of nodes.csv's households column over villages.
        let households = nodes.filter { $0["tier"] == "village" }.reduce(0) { $0 + (Int($1["households"] ?? "") ?? 0) }
        #expect(villages["households"] as? Int == households)
        let access = try #require(json["access_nodes"] as? [Any])
        #expect(access.count == nodes.filter { $0["tier"] == "village" || $0["tier"] == "township" }.count)
        let targets = try #require(json["targets"] as? [String: Any])
        #expect(targets["profile"] as? String == "broadband-china-2020")
        let speed = try #require((targets["results"] as? [[String: Any]])?.first { $0["households_meeting_percent"] != nil })
        #expect(speed["villages_with_households"] as? Int == nodes.filter { $0["tier"] == "village" && (Int($0["households"] ?? "") ?? 0) > 0 }.count)
    }

    /// Both JSON documents carry `schema_version` 2 and the tool string the capture JSON uses;
    /// keys are named explicitly, so `householdsIPv6` is `households_ipv6`, never `households_i_pv6`.
    @Test func jsonDocumentsHaveSchemaVersionAndNamedKeys() throws {
        let score = try TopologyCLI.run(["score", TopologyCLI.sample, "--json", "--per-node"])
        let plan = try TopologyCLI.run(["plan", TopologyCLI.sample, "--json"])
        let version = try #require(try String(contentsOf: SharedData.repoRoot.appendingPathComponent("Sources/netcensus/NetCensusCommand.swift"), encoding: .utf8)
            .firstMatch(of: /version: "([^"]+)"/)?.1)
        for r in [score, plan] {
            #expect(r.status == 0, "\(r.stderr)")
            let json = try #require(r.json)
            #expect(json["schema_version"] as? Int == 2)
            #expect(json["tool"] as? String == "netcensus \(version)")
            #expect(!r.text.contains("_i_pv6") && !r.text.contains("i_pv6"))
        }
        // No key anywhere has a one-letter word inside it (`households_i_pv6` was the symptom of
        // automatic case conversion splitting an acronym): walk both documents.
        func keys(_ x: Any, _ out: inout Set<String>) {
            if let d = x as? [String: Any] { for (k, v) in d { out.insert(k); keys(v, &out) } }
            else if let a = x as? [Any] { for v in a { keys(v, &out) } }
        }
        var all = Set<String>()
        for r in [score, plan] { keys(r.json ?? [:], &all) }
        // Keys under targets.sources are source ids (data, not names) and may hold anything.
        let sourceIds = Set(((score.json?["targets", "sources"]) as? [String: Any] ?? [:]).keys)
        let mangled = all.subtracting(sourceIds).filter { $0.contains("_") && $0.split(separator: "_").contains { $0.count == 1 && $0.first!.isLetter } }
        #expect(mangled.isEmpty, "keys with a one-letter word: \(mangled.sorted())")
        #expect((try #require(score.json))["villages", "households_ipv6"] is Int)
        #expect((try #require(plan.json))["before", "households_ipv6"] is Int)
    }

    @Test func scoreCSVHasOneRowPerAccessNode() throws {
        let r = try TopologyCLI.run(["score", TopologyCLI.sample, "--csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "output ends with a line end")
        let rows = lines.dropLast()
        #expect(rows.first == "id,name,tier,region,households,connected,broadband,hops,path_km,latency_ms,bottleneck_mbps,per_household_mbps,fiber_all_the_way,first_non_fiber_from,first_non_fiber_to,first_non_fiber_medium,edge_connectivity,behind_bridge,incident_bridges,ipv6_end_to_end,path_km_lower_bound,latency_ms_lower_bound,depends_on_unknown_capacity,nearest_idc,idc_hops,idc_latency_ms,idc_latency_lower_bound,idc_bottleneck_mbps")
        let nodes = try TopologyCLI.rows(TopologyCLI.sample + "/nodes.csv")
        let access = nodes.filter { $0["tier"] == "village" || $0["tier"] == "township" }
        #expect(rows.count == 1 + access.count)
        // Same ids, in any order.
        #expect(Set(rows.dropFirst().map { String($0.split(separator: ",")[0]) }) == Set(access.compactMap { $0["id"] }))
    }

    @Test func scoreGeoJSONHasEveryNodeAndLink() throws {
        let r = try TopologyCLI.run(["score", TopologyCLI.sample, "--geojson"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["type"] as? String == "FeatureCollection")
        let features = try #require(json["features"] as? [[String: Any]])
        let types = features.map { ($0["geometry"] as? [String: Any])?["type"] as? String ?? "" }
        #expect(types.filter { $0 == "Point" }.count == (try TopologyCLI.rows(TopologyCLI.sample + "/nodes.csv")).count)
        #expect(types.filter { $0 == "LineString" }.count == (try TopologyCLI.rows(TopologyCLI.sample + "/links.csv")).count)
    }

    /// LineStrings carry the length scoring used: the given one, else great-circle between the
    /// endpoints. Hand-computed: (0,0)–(0,1) is 1° of a great circle of R = 6371.0088 km,
    /// 2π × 6371.0088 / 360 = 111.1951 km; the second link gives 7.5 km.
    @Test func geojsonLinksCarryTheLengthUsed() throws {
        let dir = try TopologyCLI.pair(nodes: "id,tier,lat,lon,households\nB,backbone,0,0,\nV,village,0,1,10\nW,village,0,2,10\n",
                                       links: "a,b,medium,capacity_mbps,length_km\nB,V,fiber,100,\nV,W,fiber,100,7.5\n")
        let r = try TopologyCLI.run(["score", dir, "--geojson"])
        #expect(r.status == 0, "\(r.stderr)")
        let features = try #require(r.json?["features"] as? [[String: Any]])
        let links = features.compactMap { $0["properties"] as? [String: Any] }.filter { $0["link"] != nil }
        #expect(links.count == 2)
        let bv = try #require(links.first { $0["a"] as? String == "B" })
        let vw = try #require(links.first { $0["a"] as? String == "V" })
        #expect(abs((bv["length_km"] as? Double ?? 0) - 111.1951) < 0.001 && bv["length_source"] as? String == "great_circle")
        #expect(vw["length_km"] as? Double == 7.5 && vw["length_source"] as? String == "given")
    }

    // MARK: - plan

    /// The README's sample command: the GeoJSON written must equal the shipped sample, and its
    /// planned links must add up to the km of the JSON plan.
    @Test func planWritesGeoJSON() throws {
        let out = SharedData.temporaryDirectory("topology-cli").appendingPathComponent("plan.geojson")
        let r = try TopologyCLI.run(["plan", TopologyCLI.sample, "--targets", "broadband-china-2015", "--geojson", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.hasPrefix("Fiber plan for synth-300-seed7 against broadband-china-2015"))
        let data = try Data(contentsOf: out)
        let shipped = try Data(contentsOf: SharedData.repoRoot.appendingPathComponent("Topologies/synth-300-seed7-plan.geojson"))
        #expect(data == shipped, "Topologies/synth-300-seed7-plan.geojson is not what the documented command writes")
        let geo = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let features = try #require(geo["features"] as? [[String: Any]])
        let lines = features.filter { ($0["geometry"] as? [String: Any])?["type"] as? String == "LineString" }
        let km = lines.reduce(0.0) { $0 + (($1["properties"] as? [String: Any])?["km"] as? Double ?? .nan) }
        let plan = try #require(try TopologyCLI.run(["plan", TopologyCLI.sample, "--targets", "broadband-china-2015", "--json"]).json)
        let totalKm = try #require(plan["total_km"] as? Double)
        #expect(!lines.isEmpty && abs(km - totalKm) < 1e-6)
        // Every village the plan serves appears once as a Point.
        let served = Set((plan["works"] as? [[String: Any]] ?? []).flatMap { $0["villages"] as? [String] ?? [] })
        #expect(features.count - lines.count == served.count)
    }

    /// The plan reports household shares before and after: "before" equals what `score` reports;
    /// a household_speed check with required_percent 100 that is met after the plan has, by
    /// definition, every household meeting the speed (100 %).
    @Test func planReportsHouseholdSharesBeforeAndAfter() throws {
        let score = try #require(try TopologyCLI.run(["score", TopologyCLI.sample, "--json"]).json)
        let scored = try #require(((score["targets"] as? [String: Any])?["results"] as? [[String: Any]])?
            .first { ($0["check"] as? [String: Any])?["kind"] as? String == "household_speed" && ($0["check"] as? [String: Any])?["population"] == nil })
        let plan = try #require(try TopologyCLI.run(["plan", TopologyCLI.sample, "--json"]).json)
        func speed(_ key: String) throws -> [String: Any] {
            try #require((plan[key] as? [[String: Any]])?.first { ($0["check"] as? [String: Any])?["kind"] as? String == "household_speed" && ($0["check"] as? [String: Any])?["population"] == nil })
        }
        let before = try speed("targets_before"), after = try speed("targets_after")
        #expect(before["households_meeting_percent"] as? Double == scored["households_meeting_percent"] as? Double)
        #expect((before["households_meeting_percent"] as? Double ?? 100) < 100 && before["met"] as? Bool == false)
        #expect((after["check"] as? [String: Any])?["required_percent"] as? Double == 100)
        if after["met"] as? Bool == true {
            #expect(after["households_meeting_percent"] as? Double == 100 && after["villages_meeting_percent"] as? Double == 100)
        }
        let text = try TopologyCLI.run(["plan", TopologyCLI.sample]).text
        #expect(text.contains("; households meeting 12 Mbps "))
    }

    // MARK: - synth

    @Test func synthIsDeterministic() throws {
        let a = SharedData.temporaryDirectory("synth-a").appendingPathComponent("net")
        let b = SharedData.temporaryDirectory("synth-b").appendingPathComponent("net")
        let c = SharedData.temporaryDirectory("synth-c").appendingPathComponent("net")
        for (dir, seed) in [(a, "11"), (b, "11"), (c, "12")] {
            let r = try TopologyCLI.run(["synth", "--villages", "120", "--seed", seed, "-o", dir.path])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.text.hasPrefix("wrote \(dir.path)/nodes.csv ("))
        }
        for f in ["nodes.csv", "links.csv"] {
            let x = try Data(contentsOf: a.appendingPathComponent(f)), y = try Data(contentsOf: b.appendingPathComponent(f))
            #expect(!x.isEmpty && x == y, "\(f) differs between two runs with the same seed")
        }
        #expect(try Data(contentsOf: a.appendingPathComponent("nodes.csv")) != Data(contentsOf: c.appendingPathComponent("nodes.csv")),
                "another seed gives another network")
        let villages = try TopologyCLI.rows(a.appendingPathComponent("nodes.csv").path).filter { $0["tier"] == "village" }.count
        #expect(villages == 120)
    }

    /// The shipped sample is exactly what its documented command writes.
    @Test func synthReproducesTheShippedSample() throws {
        let dir = SharedData.temporaryDirectory("synth-300").appendingPathComponent("s")
        let r = try TopologyCLI.run(["synth", "--villages", "300", "--seed", "7", "-o", dir.path])
        #expect(r.status == 0)
        for f in ["nodes.csv", "links.csv"] {
            #expect(try Data(contentsOf: dir.appendingPathComponent(f)) == Data(contentsOf: URL(fileURLWithPath: TopologyCLI.sample + "/" + f)))
        }
    }

    // MARK: - targets

    @Test func targetsListsEveryBundledProfile() throws {
        let r = try TopologyCLI.run(["targets"])
        #expect(r.status == 0)
        let catalog = try Data(contentsOf: SharedData.repoRoot.appendingPathComponent("Sources/TopologyCoverage/Resources/target-profiles.json"))
        let profiles = try #require((try JSONSerialization.jsonObject(with: catalog) as? [String: Any])?["profiles"] as? [[String: Any]])
        #expect(profiles.count >= 7)
        for p in profiles {
            let name = try #require(p["name"] as? String)
            #expect(r.text.contains("\n\(name) ") || r.text.hasPrefix("\(name) "), "profile \(name) not listed")
        }
        let one = try TopologyCLI.run(["targets", "bbc2020"])
        #expect(one.status == 0 && one.text.contains("cn-bbc-rural-access-capability-2020"))
        #expect(try TopologyCLI.run(["targets", "no-such-profile"]).status == 64)
    }

    // MARK: - exit codes

    @Test func exitCodes() throws {
        // 66: cannot open.
        let missing = try TopologyCLI.run(["score", "/nonexistent/topology.graphml"])
        #expect(missing.status == 66 && missing.stderr.contains("/nonexistent/topology.graphml"))
        // 65: opens, but no topology (a CSV pair with headers only).
        let empty = try TopologyCLI.pair(nodes: "id,name,tier,region,lat,lon,households,ipv6\n", links: "a,b,medium,capacity_mbps,length_km,ipv6\n")
        #expect(try TopologyCLI.run(["score", empty]).status == 65)
        #expect(try TopologyCLI.run(["plan", empty]).status == 65)
        // 65 too for a value outside its range; stderr names the file, line and reason.
        let bad = try TopologyCLI.pair(nodes: "id,tier,lat,lon,households\nB,backbone,30,110,\nV,village,91,110,5\n", links: "a,b,capacity_mbps\nB,V,10\n")
        let badRun = try TopologyCLI.run(["score", bad])
        #expect(badRun.status == 65 && badRun.stderr.contains("nodes.csv: line 3: latitude"), "\(badRun.stderr)")
        // 64: unknown profile; bad usage.
        #expect(try TopologyCLI.run(["score", TopologyCLI.sample, "--targets", "no-such-profile"]).status == 64)
        #expect(try TopologyCLI.run(["score", TopologyCLI.sample, "--json", "--csv"]).status == 64)
    }

    /// One village behind one fiber link, contention 20:1. 10 Mbps for 100 households gives
    /// 10 × 20 / 100 = 2 Mbps per household < 12 → the 2020 speed target is missed → exit 3 with
    /// --fail-on-miss (0 without). 1000 Mbps gives 200 Mbps per household, and the village has
    /// broadband (100 % > 98 %) → every check met → exit 0 even with --fail-on-miss.
    @Test func failOnMiss() throws {
        let nodes = "id,tier,lat,lon,households\nB,backbone,30,110,\nV,village,30.1,110.1,100\n"
        let slow = try TopologyCLI.pair(nodes: nodes, links: "a,b,medium,capacity_mbps\nB,V,fiber,10\n")
        let fast = try TopologyCLI.pair(nodes: nodes, links: "a,b,medium,capacity_mbps\nB,V,fiber,1000\n")
        let missed = try TopologyCLI.run(["score", slow, "--targets", "broadband-china-2020", "--fail-on-miss"])
        #expect(missed.status == 3 && missed.text.contains("MISSED"))
        #expect(try TopologyCLI.run(["score", slow, "--targets", "broadband-china-2020"]).status == 0)
        #expect(try TopologyCLI.run(["score", TopologyCLI.sample, "--fail-on-miss"]).status == 3)
        let met = try TopologyCLI.run(["score", fast, "--targets", "broadband-china-2020", "--fail-on-miss"])
        #expect(met.status == 0 && !met.text.contains("MISSED"), "\(met.text)")
    }

    @Test(arguments: ["score", "plan", "synth", "targets"])
    func helpExitsZero(subcommand: String) throws {
        let r = try TopologyCLI.run([subcommand, "--help"])
        #expect(r.status == 0 && r.text.contains("USAGE: netcensus topology \(subcommand)"), "\(r.text)")
    }
}
