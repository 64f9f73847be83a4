// netcensus-bench: prints throughput figures for the capture and topology hot paths.
let benchArgs = Array(CommandLine.arguments.dropFirst())
if benchArgs.first == "topology" {
    do { try TopologyBench.run(Array(benchArgs.dropFirst())) } catch { print("error: \(error)") }
} else {
    print("netcensus-bench: no benchmarks yet")
}
