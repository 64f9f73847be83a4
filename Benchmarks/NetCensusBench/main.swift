// netcensus-bench: prints throughput figures for the capture and topology hot paths.
print("netcensus-bench: no benchmarks yet")
