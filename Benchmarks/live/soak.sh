#!/usr/bin/env bash
# Soak run of `capture live` (issue 12): a steady, bounded, self-addressed load on loopback
# (Benchmarks/live/loopback_traffic.py: UDP, DNS-shaped A/AAAA queries and TCP handshakes over
# IPv4 and IPv6, to 127.0.0.1/::1 only) while netcensus prints interval figures; the RSS of the
# netcensus process is sampled from /proc every SAMPLE seconds. Needs root (live capture).
#
# Usage: Benchmarks/live/soak.sh [BINARY] [SECONDS] [ROUNDS_PER_S] [OUT_DIR]
#   defaults: .build/debug/netcensus 600 150 /tmp/netcensus-soak
# Output: OUT_DIR/rss.csv (seconds,rss_kib), OUT_DIR/intervals.ndjson, OUT_DIR/traffic.json,
# and a summary line on stdout (RSS after warm-up: min, max, last; drops).
set -euo pipefail
BIN=${1:-.build/debug/netcensus}
SECONDS_TOTAL=${2:-600}
RATE=${3:-150}
OUT=${4:-/tmp/netcensus-soak}
PORT=41000
SAMPLE=10
mkdir -p "$OUT"
"$BIN" capture live -i lo --filter "portrange $PORT-$((PORT + 3))" --interval "$SAMPLE" --json \
  > "$OUT/intervals.ndjson" 2> "$OUT/stderr.txt" &
NC=$!
sleep 1.5
python3 "$(dirname "$0")/loopback_traffic.py" --port "$PORT" --rate "$RATE" --seconds "$SECONDS_TOTAL" > "$OUT/traffic.json" &
GEN=$!
echo "seconds,rss_kib" > "$OUT/rss.csv"
start=$(date +%s)
while kill -0 "$GEN" 2>/dev/null; do
  now=$(( $(date +%s) - start ))
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$NC/status")
  echo "$now,$rss" >> "$OUT/rss.csv"
  sleep "$SAMPLE"
done
sleep 1
kill -INT "$NC"
wait "$NC" || true
python3 - "$OUT" <<'PY'
import csv, json, sys
out = sys.argv[1]
rows = [(int(r["seconds"]), int(r["rss_kib"])) for r in csv.DictReader(open(f"{out}/rss.csv"))]
warm = [r for s, r in rows if s >= 60] or [r for _, r in rows]
lines = open(f"{out}/intervals.ndjson").read().splitlines()
final = json.loads(lines[-1])
cap = final["capture"]
sent = json.load(open(f"{out}/traffic.json"))
print(json.dumps({
    "samples": len(rows), "rss_kib_after_60s": {"min": min(warm), "max": max(warm), "last": warm[-1]},
    "rss_growth_after_60s_pct": round(100 * (warm[-1] - warm[0]) / warm[0], 2),
    "intervals": len(lines) - 1, "packets": final["total"]["packets"], "received": cap["received"],
    "dropped": cap["dropped"], "delivered": cap["delivered"], "traffic": sent,
}))
PY
