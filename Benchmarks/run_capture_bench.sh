#!/usr/bin/env bash
# Capture benchmark: `netcensus capture summarize` against the C baseline_mmap, same run.
# Builds the generator and baselines from ../shared/bench into $BIN, writes data under $DATA,
# checks NetCensus's figures against the generator's ground-truth JSON, then times interleaved
# rounds. Usage: Benchmarks/run_capture_bench.sh [ROUNDS]   (env: SIZES="100M 1G", DATA, BIN)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
SHARED=${NETCENSUS_SHARED:-../shared}
DATA=${DATA:-/tmp/bench-data}
BIN=${BIN:-/tmp/bench-bin}
SIZES=${SIZES:-"100M 1G"}
mkdir -p "$DATA" "$BIN"
gcc -O2 -o "$BIN/gen_pcap" "$SHARED/bench/gen_pcap.c" -lm
gcc -O2 -DMMAP_READER -o "$BIN/baseline_mmap" "$SHARED/bench/baseline_pcap.c"
for s in $SIZES; do
  [ -f "$DATA/synth-$s.pcap" ] || "$BIN/gen_pcap" -s "$s"
done
# Same size as the largest file, but with the flow count of 100M: heap must not grow with packets.
[ -f "$DATA/synth-1G-flows9765.pcap" ] || "$BIN/gen_pcap" -s 1G --flows 9765 -o "$DATA/synth-1G-flows9765.pcap"
swift build -c release --product netcensus-bench >/dev/null
swift build -c release --product netcensus >/dev/null
NC=.build/release/netcensus-bench
CLI=.build/release/netcensus

echo "== correctness (ground truth of gen_pcap.c)"
for f in $SIZES 1G-flows9765; do
  "$NC" capture "$DATA/synth-$f.pcap" --truth "$DATA/synth-$f.pcap.truth.json" | grep -E "^(truth|best|  MISMATCH)"
done

echo "== timing: $ROUNDS interleaved rounds per file (single core each)"
python3 - "$ROUNDS" "$DATA" "$BIN/baseline_mmap" "$CLI" "$NC" $SIZES 1G-flows9765 <<'PY'
import os, re, statistics, subprocess, sys, time
rounds, data, base, cli, nc = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
sizes = sys.argv[6:]
def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0: sys.exit(f"failed: {cmd}: {p.stderr}")
    rss, user, system = p.stderr.strip().splitlines()[-1].split()
    cpu.setdefault(cmd[0] + (" " + cmd[1] if len(cmd) > 1 and not cmd[1].startswith("/") else ""), []).append(float(user) + float(system))
    return wall, int(rss), p.stdout
print("| file | tool | median wall s (min-max) | MB/s | Mpkt/s | peak RSS MiB | heap (anon RSS) MiB | x baseline_mmap wall (median of rounds) | x baseline_mmap CPU (user+sys) |")
print("|---|---|---|---|---|---|---|---|---|")
for s in sizes:
    f = f"{data}/synth-{s}.pcap"
    size = os.path.getsize(f)
    packets = None
    res = {"baseline_mmap": [], "netcensus capture summarize --json": [], "netcensus-bench capture": []}
    cpu = {}
    rss = {k: 0 for k in res}; anon = None
    for r in range(rounds):
        w, m, _ = run([base, f]); res["baseline_mmap"].append(w); rss["baseline_mmap"] = max(rss["baseline_mmap"], m)
        w, m, out = run([cli, "capture", "summarize", "--json", "--quiet", f]); res["netcensus capture summarize --json"].append(w)
        rss["netcensus capture summarize --json"] = max(rss["netcensus capture summarize --json"], m)
        if packets is None: packets = int(re.search(r'"total": \{.*?"packets": (\d+)', out, re.S).group(1))
        w, m, out = run([nc, "capture", f]); res["netcensus-bench capture"].append(w)
        rss["netcensus-bench capture"] = max(rss["netcensus-bench capture"], m)
        a = int(re.search(r"anon RSS (\d+) kB", out).group(1)); anon = a if anon is None else max(anon, a)
    cpus = list(cpu.values())   # baseline, CLI, bench, in insertion order
    for (k, v), c in zip(res.items(), cpus):
        cratio = statistics.median([x / b for x, b in zip(c, cpus[0])])
        med = statistics.median(v)
        ratio = statistics.median([x / b for x, b in zip(v, res["baseline_mmap"])])
        heap = f"{anon/1024:.1f}" if k == "netcensus-bench capture" else ""
        print(f"| {s} | {k} | {med:.3f} ({min(v):.3f}-{max(v):.3f}) | {size/1e6/med:.0f} | {packets/med/1e6:.2f} | {rss[k]/1024:.0f} | {heap} | {ratio:.2f} | {cratio:.2f} |")
PY
