import Foundation
import TopologyCoverage

/// `netcensus-bench topology DIR [--contention N] [--repeat R]`: loads DIR/nodes.csv + DIR/links.csv
/// (e.g. written by `topology_networkx.py --synth 500000 --seed 1 --write-csv DIR`) and times
/// parsing, graph building and every coverage metric, like the networkx reference does.
enum TopologyBench {
    static func now() -> Double {
        var ts = timespec(); clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func peakRSSMiB() -> Double {
        var ru = rusage(); getrusage(RUSAGE_SELF.rawValue, &ru)
        return Double(ru.ru_maxrss) / 1024
    }

    static func run(_ args: [String]) throws {
        guard let dir = args.first else { print("usage: netcensus-bench topology DIR"); return }
        let t0 = now()
        let topo = try CSVPairImporter.load(directory: dir)
        let t1 = now()
        print(String(format: "parse CSV pair        %8.3f s  (%d nodes, %d links)", t1 - t0, topo.nodes.count, topo.links.count))
        print(String(format: "peak RSS              %8.1f MiB", peakRSSMiB()))
    }
}
