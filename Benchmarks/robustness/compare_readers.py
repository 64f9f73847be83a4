# Interleaved rounds: baseline_mmap vs two netcensus-bench builds (before/after) on FILE.
# Usage: compare_readers.py FILE ROUNDS BASELINE_MMAP BEFORE_BENCH AFTER_BENCH
import subprocess, sys, time, statistics
f = sys.argv[1]; rounds = int(sys.argv[2])
tools = {
  "baseline_mmap": [sys.argv[3], f],
  "before (mmap reader, 69e28d7)": [sys.argv[4], "capture", f],
  "after (pread window)": [sys.argv[5], "capture", f],
}
res = {k: [] for k in tools}
for r in range(rounds):
    for k, cmd in tools.items():
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t
        rss, u, s = p.stderr.strip().splitlines()[-1].split()
        res[k].append((wall, float(u) + float(s), int(rss)))
base = res["baseline_mmap"]
for k, v in res.items():
    walls = [x[0] for x in v]; cpus = [x[1] for x in v]
    rw = statistics.median([v[i][0] / base[i][0] for i in range(rounds)])
    rc = statistics.median([v[i][1] / base[i][1] for i in range(rounds)])
    print(f"| {k} | {statistics.median(walls):.3f} ({min(walls):.3f}-{max(walls):.3f}) | {statistics.median(cpus):.3f} | {max(x[2] for x in v)//1024} | {rw:.2f} | {rc:.2f} |")
