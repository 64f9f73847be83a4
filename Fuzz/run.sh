#!/usr/bin/env bash
# Build one libFuzzer target of NetCensus with ASan and run it for a while.
#
#   Fuzz/run.sh [TARGET] [SECONDS] [extra libFuzzer flags...]
#   Fuzz/run.sh list                   # the targets
#   Fuzz/run.sh TARGET repro FILE...   # run saved inputs once (crash reproduction)
#
# TARGET defaults to FuzzCaptureFiles, SECONDS to 120. Findings (crash-*, leak-*, timeout-*,
# oom-*) land in Fuzz/artifacts/TARGET/; the working corpus grows in Fuzz/corpus/TARGET/. Both
# are git-ignored. Seeds are read in place from ../shared and from the repository's own
# Captures/ and Topologies/ (never copied into the repository).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
shared="${NETCENSUS_SHARED:-$root/../shared}"
scratch="$here/.build-fuzz"
targets=(FuzzCaptureFiles FuzzResync FuzzPacketDecoder FuzzSummarize FuzzGraphML FuzzSNDlib FuzzGeoJSON FuzzCSVPair
         FuzzClientHello FuzzQUICInitial FuzzDNS FuzzFlows FuzzCDN FuzzState)

target="${1:-FuzzCaptureFiles}"
if [[ "$target" == list ]]; then printf '%s\n' "${targets[@]}"; exit 0; fi
[[ " ${targets[*]} " == *" $target "* ]] || { echo "unknown target '$target'; one of: ${targets[*]}" >&2; exit 64; }
shift || true

# SWIFT-NOTES.md gotcha 4: debug build (at -O the bounds checks in UnsafeRawBufferPointer.load
# vanish), ASan + libFuzzer, -DFUZZING drops the dummy @main; the Swift backtracer must be off
# under ASan or it hides the real report.
# Not `--sanitize=fuzzer --sanitize=address`: SwiftPM keeps those in a set and emits two
# -sanitize= flags in random order, and when `address` came last the frontend compiled without
# coverage instrumentation (libFuzzer: "no interesting inputs ... Is the code instrumented for
# coverage?"; seen twice here). So both go in ONE comma-joined -Xswiftc flag, which comes last;
# `--sanitize=fuzzer` stays so SwiftPM links the executable as a fuzzer (no renamed main,
# SWIFT-NOTES.md gotcha 4c). The nm check below refuses an uninstrumented binary.
export SWIFT_BACKTRACE=enable=no
build() {
    swift build --package-path "$here" --scratch-path "$scratch" -c debug \
        --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --product "$1" >&2
}
build "$target"
bin="$scratch/debug/$target"
if ! nm "$bin" | grep __start___sancov_cntrs >/dev/null; then   # no -q: with pipefail an early exit SIGPIPEs nm
    echo "$bin has no coverage instrumentation; remove $scratch and rerun" >&2
    exit 70
fi

if [[ "${1:-}" == repro ]]; then
    shift
    exec "$bin" -runs=1 "$@"
fi

seconds="${1:-120}"
shift || true

corpus="$here/corpus/$target"
artifacts="$here/artifacts/$target"
mkdir -p "$corpus" "$artifacts"

# Seed folders: libFuzzer reads every folder given, and writes new inputs only to the first.
seeds=()
extra=()
add() { for d in "$@"; do [[ -d "$d" ]] && seeds+=("$d"); done; return 0; }
maxlen=65536
case "$target" in
    FuzzCaptureFiles|FuzzSummarize|FuzzCDN)
        add "$shared/captures/public" "$root/Captures"; maxlen=65536 ;;
    FuzzResync)
        # Seeds: the captures framed with an 8-byte damage spec by FuzzSeeds.
        build FuzzSeeds
        "$scratch/debug/FuzzSeeds" resync "$here/corpus/seeds-resync" "$shared/captures/public" "$root/Captures" >&2 || true
        add "$here/corpus/seeds-resync"; maxlen=65544 ;;
    FuzzPacketDecoder)
        # Packets framed as [link-type selector, snaplen flag, bytes...] are derived from the
        # captures by the FuzzSeeds tool (same sanitized build, its own @main).
        build FuzzSeeds
        "$scratch/debug/FuzzSeeds" decoder "$here/corpus/seeds-decoder" "$shared/captures/public" "$root/Captures" >&2 || true
        add "$here/corpus/seeds-decoder"; maxlen=4096 ;;
    FuzzGraphML)
        add "$shared/topologies/public/topology-zoo"; maxlen=65536 ;;
    FuzzSNDlib)
        add "$shared/topologies/public/sndlib-native"; maxlen=32768 ;;
    FuzzGeoJSON)
        add "$shared/topologies/public/watra-fiber/nodes" "$shared/topologies/public/watra-fiber/lines" \
            "$shared/topologies/public/watra-fiber/IXP"; maxlen=32768
        # Whole-repo samples as single files (a folder would also pull in README.md: harmless).
        seeds+=("$root/Topologies") ;;
    FuzzCSVPair)
        build FuzzSeeds
        "$scratch/debug/FuzzSeeds" csvpair "$here/corpus/seeds-csvpair" "$root/Topologies"/*/ >&2 || true
        add "$here/corpus/seeds-csvpair"; maxlen=16384 ;;
    FuzzDNS)
        # DNS messages of the captures, framed as FuzzDNS parts by FuzzSeeds.
        build FuzzSeeds
        "$scratch/debug/FuzzSeeds" dns "$here/corpus/seeds-dns" "$shared/captures/public" "$root/Captures" >&2 || true
        add "$here/corpus/seeds-dns"; maxlen=16384 ;;
    FuzzState)
        # Small states written by netcensus itself (Fuzz/seeds/FuzzState/), no shared data.
        add "$here/seeds/$target"; maxlen=65536 ;;
    FuzzFlows)
        # Seeds made by the project (Fuzz/seeds/FuzzFlows/: IPFIX with templates, options and
        # variable-length fields, NetFlow v9 with sampling), no shared data.
        add "$here/seeds/$target"; maxlen=8192 ;;
    FuzzClientHello|FuzzQUICInitial)
        # Seeds made by the project (RFC 9001/9369 Appendix A vectors and hand-built hellos),
        # committed under Fuzz/seeds/; no shared data.
        add "$here/seeds/$target"; maxlen=20000 ;;
esac

case "$target" in
    FuzzGraphML|FuzzSNDlib|FuzzGeoJSON|FuzzCSVPair)
        # Leak checks off for the Foundation-based importers: FoundationXML leaks a 72-byte
        # CFString per XML parse error (_CFErrorCreateFromXMLInterface) and LeakSanitizer blamed
        # FileManager.contents(atPath:) at exit: toolchain code, not ours, and each report
        # stopped the run. -detect_leaks=0 stops the per-input check, ASAN_OPTIONS the one at exit.
        extra+=(-detect_leaks=0); export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" ;;
esac

dict="$here/dictionaries/$target.dict"
dictflag=()
[[ -f "$dict" ]] && dictflag=(-dict="$dict")

cd "$artifacts"   # libFuzzer also drops fuzz-N.log files in the working directory with -jobs
echo "running $target for ${seconds}s; corpus $corpus; seeds: ${seeds[*]:-none}" >&2
exec "$bin" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len="$maxlen" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -artifact_prefix="$artifacts/" -print_final_stats=1 \
    "${dictflag[@]}" "${extra[@]}" "$@"
