#!/usr/bin/env bash
# Topology benchmark: `netcensus topology score` end to end on the 500,000-village synthetic
# network against python-igraph and rustworkx computing the networkx reference's metrics
# (Benchmarks/topology_peers.py), all in the same run. The peers are first checked equal to
# networkx on a small synthetic network. Each tool runs ROUNDS times, alternating; the table
# gives the minimum wall time and the largest peak RSS (GNU time), and the ratios.
# Usage: Benchmarks/run_topology_bench.sh [ROUNDS]   (env: VILLAGES=500000, DATA, CHECK=2000)
# Needs: python3 with networkx, igraph, rustworkx, polars, numpy (pip); GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SHARED=${NETCENSUS_SHARED:-../shared}
VILLAGES=${VILLAGES:-500000}
CHECK=${CHECK:-2000}
DATA=${DATA:-/tmp/topology-bench}
NET="$DATA/s$VILLAGES"
mkdir -p "$DATA"
[ -f "$NET/links.csv" ] || python3 "$SHARED/bench/topology_networkx.py" --synth "$VILLAGES" --seed 1 \
  --write-csv "$NET" --no-score --json "$DATA/gen-$VILLAGES.json" 2>/dev/null
sha256sum "$NET/nodes.csv" "$NET/links.csv" | cut -c1-12
swift build -c release --product netcensus >/dev/null
CLI=.build/release/netcensus

echo "== peers equal to networkx ($CHECK villages)"
python3 Benchmarks/topology_peers.py --check "$CHECK" --reference "$SHARED/bench/topology_networkx.py"

echo "== same answers on the benchmark network"
"$CLI" topology score "$NET" --json > "$DATA/netcensus.json"
python3 Benchmarks/topology_peers.py --csv-dir "$NET" --tool igraph --json "$DATA/igraph.json"
python3 - "$DATA/netcensus.json" "$DATA/igraph.json" <<'PY'
import json, sys
nc, ig = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
net = nc["network"]
bad = 0
for k in ("components", "largest_component_nodes", "bridges", "articulation_points"):
    same = net.get(k) == ig[k]
    bad += not same
    print(f"{k}: netcensus {net.get(k)}, igraph {ig[k]}{'' if same else '  MISMATCH'}")
sys.exit(1 if bad else 0)
PY

echo "== timing ($ROUNDS rounds, load $(cut -d' ' -f1-3 /proc/loadavg))"
run() {  # label, command...: appends "label seconds KiB" to $DATA/times
  local label=$1; shift
  /usr/bin/time -f "$label %e %M" -a -o "$DATA/times" "$@" >/dev/null 2>&1
}
: > "$DATA/times"
for r in $(seq "$ROUNDS"); do
  run netcensus "$CLI" topology score "$NET" --targets broadband-china-2020
  run igraph python3 Benchmarks/topology_peers.py --csv-dir "$NET" --tool igraph
  run rustworkx python3 Benchmarks/topology_peers.py --csv-dir "$NET" --tool rustworkx
done
python3 - "$DATA/times" <<'PY'
import sys, collections
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, s, kib = line.split()
    t[label].append((float(s), int(kib)))
nc = min(s for s, _ in t["netcensus"])
print(f"{'tool':<12}{'min wall s':>12}{'peak RSS MiB':>14}{'vs netcensus':>14}")
for label in ("netcensus", "igraph", "rustworkx"):
    w = min(s for s, _ in t[label]); m = max(k for _, k in t[label]) / 1024
    print(f"{label:<12}{w:>12.2f}{m:>14.0f}{w / nc:>13.1f}x")
PY
