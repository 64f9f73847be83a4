import Foundation
import TopologyCoverage

/// `netcensus-bench topology DIR [--repeat R] [--targets NAME]`: loads DIR/nodes.csv + DIR/links.csv
/// (e.g. written by `topology_networkx.py --synth 500000 --seed 1 --write-csv DIR`, so both tools
/// score the same graph) and times parsing, graph building and every coverage metric, as the
/// networkx reference does (`min` over R runs of each stage), then peak RSS.
enum TopologyBench {
    static func now() -> Double {
        var ts = timespec(); clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func peakRSSMiB() -> Double {
        var ru = rusage(); getrusage(RUSAGE_SELF.rawValue, &ru)
        return Double(ru.ru_maxrss) / 1024
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    static func run(_ args: [String]) throws {
        guard let dir = args.first else { print("usage: netcensus-bench topology DIR [--repeat R] [--targets NAME]"); return }
        var repeatCount = 1, targets = "broadband-china-2020"
        var i = 1
        while i + 1 < args.count {
            if args[i] == "--repeat" { repeatCount = Int(args[i + 1]) ?? 1 }
            if args[i] == "--targets" { targets = args[i + 1] }
            i += 2
        }
        let tStart = now()
        let t0 = now()
        let topo = try TopologyLoader.load(dir)
        let parse = now() - t0
        print(pad("parse CSV pair", 24) + String(format: "%8.3f s  (%d nodes, %d links)", parse, topo.nodes.count, topo.links.count))
        var best: [String: Double] = [:]
        var order: [String] = []
        var total = Double.infinity
        var report: CoverageReport?
        for _ in 0..<repeatCount {
            let s0 = now()
            let r = CoverageScorer.score(topo)
            total = min(total, now() - s0)
            for (stage, secs) in r.timings {
                if best[stage] == nil { order.append(stage) }
                best[stage] = min(best[stage] ?? .infinity, secs)
            }
            report = r
        }
        for s in order { print("  " + pad(s, 22) + String(format: "%8.3f s", best[s]!)) }
        print(pad("score (all metrics)", 24) + String(format: "%8.3f s", total))
        let (profile, _) = try TargetCatalog.resolve(targets)
        let s1 = now()
        let results = TargetScorer.score(profile, report: report!, topology: topo)
        print(pad("targets", 24) + String(format: "%8.3f s  (%d checks)", now() - s1, results.count))
        print(pad("parse + score + targets", 24) + String(format: "%8.3f s", now() - tStart))
        print(pad("peak RSS", 24) + String(format: "%8.1f MiB", peakRSSMiB()))
        if let r = report {
            print("villages \(r.villages.nodes), fiber share \(r.villages.fiberShare ?? 0), behind bridge \(r.villages.behindBridgeShare ?? 0), bridges \(r.network.bridges), diameter \(r.network.diameterHops ?? -1)")
        }
    }
}
