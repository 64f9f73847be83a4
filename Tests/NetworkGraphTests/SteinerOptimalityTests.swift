import Foundation
import Testing
import NetworkGraph
import TestSupport

/// Plan quality measured, not assumed: the Steiner heuristic (Mehlhorn, what `topology plan`
/// runs) against the exact optimum of an integer program (SciPy `milp` / HiGHS,
/// `Topologies/tools/steiner_milp.py`) on 200 random connected instances of at most 60 nodes.
/// The heuristic can never beat the optimum and is proven within 2 (1 − 1/t) of it; the worst
/// gap observed goes into BENCHMARKS.md ("Plan quality"). The test runs 40 instances (the
/// integer program takes about a second each on a busy 2-core machine);
/// `NETCENSUS_STEINER_INSTANCES=200` runs the benchmark's 200 (same seed, same first 40).
@Suite struct SteinerOptimalityTests {
    struct Instance: Encodable {
        var n: Int
        var edges: [[Int]]
        var length: [Double]
        var terminals: [Int]
    }

    /// A connected random multigraph: a random spanning tree plus extra edges (parallel edges and
    /// self-loops possible), integer lengths 1...100 km, 2...8 terminals.
    static func instance(_ rng: inout SplitMix64) -> Instance {
        let n = Int.random(in: 8...60, using: &rng)
        var edges: [[Int]] = []
        for v in 1..<n { edges.append([Int.random(in: 0..<v, using: &rng), v]) }
        for _ in 0..<Int.random(in: n / 2...n, using: &rng) { edges.append([Int.random(in: 0..<n, using: &rng), Int.random(in: 0..<n, using: &rng)]) }
        let length = edges.map { _ in Double(Int.random(in: 1...100, using: &rng)) }
        let terminals = Array(Set((0..<Int.random(in: 2...8, using: &rng)).map { _ in Int.random(in: 0..<n, using: &rng) })).sorted()
        return Instance(n: n, edges: edges, length: length, terminals: terminals)
    }

    @Test func heuristicAgainstIntegerProgram() throws {
        let script = SharedData.repoRoot.appendingPathComponent("Topologies/tools/steiner_milp.py").path
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "from scipy.optimize import milp"]
        probe.standardError = FileHandle.nullDevice
        try? probe.run(); probe.waitUntilExit()
        guard probe.terminationReason == .exit && probe.terminationStatus == 0 else {
            print("SKIP: python3 with scipy >= 1.9 not found (.ci/install-deps installs it)\(SharedData.isCI ? " (CI: this is a failure)" : "")")
            #expect(!SharedData.isCI, "scipy missing under CI")
            return
        }
        var rng = SplitMix64(seed: 2026)
        let count = ProcessInfo.processInfo.environment["NETCENSUS_STEINER_INSTANCES"].flatMap { Int($0) } ?? 40
        let instances = (0..<count).map { _ in Self.instance(&rng) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input; p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(instances))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "steiner_milp.py failed")
        guard let optima = try? JSONDecoder().decode([Double?].self, from: data) else {
            Issue.record("steiner_milp.py output is not a JSON list: \(String(decoding: data.prefix(300), as: UTF8.self))")
            return
        }
        #expect(optima.count == instances.count)
        var worst = 0.0, sum = 0.0, exact = 0, solved = 0
        for (inst, opt) in zip(instances, optima) {
            guard let opt else { continue }   // optimality not proven within the time limit
            solved += 1
            let g = Multigraph(nodeCount: inst.n, edges: inst.edges.map { ($0[0], $0[1]) })
            let tree = g.steinerTree(terminals: inst.terminals, length: inst.length)
            let cost = tree.reduce(0.0) { $0 + inst.length[$1] }
            let t = Double(inst.terminals.count)
            #expect(cost >= opt - 1e-6, "heuristic \(cost) below the optimum \(opt)")
            #expect(cost <= 2 * (1 - 1 / t) * opt + 1e-6, "heuristic \(cost) beyond the 2(1 − 1/t) bound of \(opt)")
            let gap = opt > 0 ? cost / opt - 1 : 0
            worst = max(worst, gap); sum += gap
            if gap < 1e-9 { exact += 1 }
        }
        #expect(solved >= instances.count * 9 / 10, "the integer program proved only \(solved) of \(instances.count) optima")
        print(String(format: "Steiner heuristic vs integer program, %d of %d instances solved (8-60 nodes, 2-8 terminals): worst gap %.2f%%, mean gap %.2f%%, optimal in %d",
                     solved, instances.count, 100 * worst, 100 * sum / Double(max(1, solved)), exact))
    }
}
