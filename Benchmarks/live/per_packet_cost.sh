#!/usr/bin/env bash
# CPU per packet of `capture live` next to `capture summarize` on the same packets (issue 12).
# Sends a bounded burst of self-addressed loopback traffic (loopback_traffic.py: UDP, DNS-shaped
# queries and TCP handshakes over IPv4 and IPv6, to 127.0.0.1/::1 only) while `capture live
# --write` runs; the live process's user+system CPU time (from /proc/PID/stat, idle start-up
# subtracted) over the packets it delivered, then the same file through `capture summarize`
# (CPU from /usr/bin/time-like getrusage of the child, minus a run on a 1-packet file).
# Needs root. Usage: Benchmarks/live/per_packet_cost.sh [BINARY] [ROUNDS] [RATE]
set -euo pipefail
BIN=${1:-.build/debug/netcensus}
ROUNDS=${2:-20000}
RATE=${3:-4000}
PORT=41200
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
TCK=$(getconf CLK_TCK)
cpu() { awk -v t="$TCK" '{print ($14 + $15) / t}' "/proc/$1/stat"; }
"$BIN" capture live -i lo --filter "portrange $PORT-$((PORT + 3))" --json --write "$DIR/live.pcapng" > "$DIR/live.json" 2> "$DIR/live.err" &
NC=$!
sleep 2
c0=$(cpu "$NC")
python3 "$(dirname "$0")/loopback_traffic.py" --port "$PORT" --count "$ROUNDS" --rate "$RATE" > "$DIR/traffic.json"
sleep 1
c1=$(cpu "$NC")
kill -INT "$NC"; wait "$NC" || true
python3 - "$DIR" "$BIN" "$c0" "$c1" <<'PY'
import json, resource, subprocess, sys
d, binary, c0, c1 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
live = json.load(open(f"{d}/live.json"))
cap = live["capture"]
def cpu_of(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
# A 1-packet file: process start-up and rule loading, subtracted from the file run.
subprocess.run(["editcap", "-r", f"{d}/live.pcapng", f"{d}/one.pcapng", "1"], check=True, stdout=subprocess.DEVNULL)
base = min(cpu_of([binary, "capture", "summarize", f"{d}/one.pcapng", "--json"]) for _ in range(3))
file_cpu = min(cpu_of([binary, "capture", "summarize", f"{d}/live.pcapng", "--json", "--jobs", "1"]) for _ in range(3)) - base
n = cap["delivered"]
print(json.dumps({"packets": n, "dropped": cap["dropped"], "live_cpu_s": round(c1 - c0, 3),
                  "live_us_per_packet": round((c1 - c0) / n * 1e6, 2),
                  "file_cpu_s": round(file_cpu, 3), "file_us_per_packet": round(file_cpu / n * 1e6, 2),
                  "traffic": json.load(open(f"{d}/traffic.json"))}))
PY
