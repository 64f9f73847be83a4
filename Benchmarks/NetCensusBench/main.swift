// netcensus-bench: prints throughput figures for the capture and topology hot paths.
//   netcensus-bench capture FILE [--truth FILE.truth.json] [--repeat N]
// Each area lives in its own file (CaptureBench.swift, ...); this file only dispatches.
#if canImport(Glibc)
import Glibc
#endif

let benchArguments = Array(CommandLine.arguments.dropFirst())
switch benchArguments.first {
case "capture":
    exit(CaptureBench.main(Array(benchArguments.dropFirst())))
default:
    print("usage: netcensus-bench capture FILE [--truth FILE.truth.json] [--repeat N]")
    exit(benchArguments.isEmpty ? 0 : 64)
}
