import ArgumentParser
import Foundation
import TopologyCoverage

/// `netcensus topology synth --villages N --seed S [--output DIR]`.
struct TopologySynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a deterministic synthetic national access network as nodes.csv + links.csv: tiers backbone (one per province) → metro (prefecture) → county → township → village, mixed media.")

    @Option(name: .long, help: "Number of villages.") var villages: Int
    @Option(name: .long, help: "Random seed (same N and seed give the same files).") var seed: UInt64 = 1
    @Option(name: .shortAndLong, help: "Output directory (default synth-N-seedS).") var output: String?
    @Option(name: .long, help: ArgumentHelp("Add a city layer: per province a city node with N buildings (tier building), IDCs (role idc) in every third city, and three landing stations with international links. 0 = none (the files are then the same as without the option).", valueName: "N"))
    var cityBuildings: Int = 0

    func validate() throws {
        guard villages >= 1 && villages <= 50_000_000 else { throw ValidationError("--villages must be in 1...50000000") }
        guard cityBuildings >= 0 && cityBuildings <= 1_000_000 else { throw ValidationError("--city-buildings must be in 0...1000000") }
    }

    func run() throws {
        let dir = output ?? "synth-\(villages)-seed\(seed)"
        let t = SyntheticNetwork.generate(villages: villages, seed: seed, cityBuildings: cityBuildings)
        do { try SyntheticNetwork.writeCSV(t, to: dir) } catch {
            TopologyOutput.error("cannot write \(dir): \(Self.reason(error))"); throw NetCensusExit.failure
        }
        // The same tier names as the help and the tier column of nodes.csv.
        var perTier: [Tier: Int] = [:]
        for n in t.nodes { perTier[n.tier, default: 0] += 1 }
        let tiers = perTier.keys.sorted().map { "\($0.rawValue) \(perTier[$0]!)" }.joined(separator: ", ")
        try TopologyOutput.print(["wrote \(dir)/nodes.csv (\(t.nodes.count) nodes: \(tiers)) and \(dir)/links.csv (\(t.links.count) links)"])
    }

    /// The POSIX reason of a Foundation file error ("No such file or directory"), not its dump.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
