// netcensus-bench: prints throughput figures for the capture and topology hot paths.
//   netcensus-bench capture FILE [--truth FILE.truth.json] [--repeat N]   (CaptureBench.swift)
//   netcensus-bench flood OUT.pcap [--packets N] [--random]             (FloodBench.swift)
//   netcensus-bench topology ...                                          (TopologyBench.swift)
// Each area lives in its own file; this file only dispatches.
#if canImport(Glibc)
import Glibc
#endif

let benchArgs = Array(CommandLine.arguments.dropFirst())
switch benchArgs.first {
case "capture":
    exit(CaptureBench.main(Array(benchArgs.dropFirst())))
case "flood":
    exit(FloodBench.main(Array(benchArgs.dropFirst())))
case "topology":
    do { try TopologyBench.run(Array(benchArgs.dropFirst())) } catch { print("error: \(error)"); exit(1) }
default:
    print("usage: netcensus-bench capture FILE [--truth FILE.truth.json] [--repeat N] | netcensus-bench topology ...")
    exit(benchArgs.isEmpty ? 0 : 64)
}
