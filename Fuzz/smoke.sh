#!/usr/bin/env bash
# Fuzz smoke run for CI: build every libFuzzer target once (ASan + coverage, as run.sh does) and
# fuzz each for a few seconds from its seeds. Any crash, leak, timeout or out-of-memory finding
# fails the run, naming the target and the saved input (Fuzz/artifacts/TARGET/).
#
#   Fuzz/smoke.sh [SECONDS_PER_TARGET]     # default 10
#
# The cost is the sanitized build of the library (about 4 minutes on 2 cores), not the runs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-10}"
failed=()
start=$(date +%s)
for target in $("$here/run.sh" list); do
    log="$(mktemp -t "fuzz-smoke-$target.XXXXXX")"
    if "$here/run.sh" "$target" "$seconds" >"$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        echo "fuzz smoke: $target ok (${seconds}s, ${runs} runs)"
    else
        echo "fuzz smoke: $target FAILED; last lines of its log:" >&2
        tail -n 40 "$log" >&2
        failed+=("$target")
    fi
    rm -f "$log"
done
echo "fuzz smoke: $(( $(date +%s) - start ))s in all"
if ((${#failed[@]})); then
    echo "fuzz smoke: findings in ${failed[*]} (inputs under Fuzz/artifacts/)" >&2
    exit 1
fi
