#!/usr/bin/env python3
"""A quarter's captures on Apache Spark: NetCensus is the per-file worker and the exact reducer.

    python3 Scale/spark_summarize.py [--master local[2]] [--netcensus PATH] --out DIR INPUT...
    spark-submit Scale/spark_summarize.py --netcensus ./netcensus --out hdfs:///reports/2026Q4 hdfs:///captures/2026Q4/

Each INPUT is a capture file, a directory or a glob, in any file system Spark reads (local,
HDFS, S3 through Hadoop). Capture files are those NetCensus itself reads from a directory:
.pcap, .pcapng, .cap and their .gz forms. Steps:

1. The driver lists the files (Spark's `binaryFiles`), keeps the capture names and sorts them.
2. Executors, one task per file: a `file:` URI is read in place; any other is copied to a local
   temporary file first. `netcensus capture summarize --state-out S --input-name URI FILE`
   writes the file's mergeable state (docs/state-format.md); a file that yields no packet
   still gives a state whose entry says why, as in one run over every file.
3. Each partition merges its states in file order (`netcensus capture merge`); the driver then
   merges the partition states in order, FANIN at a time, level by level (a tree), so the
   result lists files in sorted order and equals `netcensus capture summarize` over the sorted
   list of files, byte for byte.
4. Writes OUT/summary.json, OUT/summary.csv and OUT/merged.state (the final state, for merging
   with other quarters' or regions' runs).

The netcensus binary: `--netcensus PATH` ships it to the executors with the job (SparkContext
.addFile); without it, `netcensus` must be on every executor's PATH.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz")


def local_path(uri):
    """The local path of a file: URI (file:/x, file:///x), else None."""
    if uri.startswith("file://"):
        return uri[len("file://"):]
    if uri.startswith("file:"):
        return uri[len("file:"):]
    return None


def binary(name):
    """The netcensus binary on an executor: the shipped copy, else PATH."""
    if name:
        from pyspark import SparkFiles
        path = SparkFiles.get(name)
        os.chmod(path, 0o755)
        return path
    found = shutil.which("netcensus")
    if not found:
        raise RuntimeError("netcensus is not on this executor's PATH; pass --netcensus PATH to ship it")
    return found


def run(cmd, ok=(0,)):
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode not in ok:
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd[:3]), p.returncode, p.stderr.decode(errors="replace")[:2000]))
    return p.returncode


def summarize_file(exe, uri, stream):
    """One capture -> its state bytes. Exit 65/66 (nothing readable) still writes the state."""
    with tempfile.TemporaryDirectory(prefix="netcensus-spark-") as tmp:
        path = local_path(uri)
        name = path if path else uri
        if path is None:
            path = os.path.join(tmp, os.path.basename(uri) or "capture")
            with open(path, "wb") as f:
                f.write(stream.toArray() if hasattr(stream, "toArray") else stream.open().read())
        state = os.path.join(tmp, "file.state")
        run([exe, "capture", "summarize", "--quiet", "--jobs", "1", "--state-out", state, "--input-name", name, path],
            ok=(0, 65, 66))
        with open(state, "rb") as f:
            return f.read()


def merge_states(exe, states):
    """Several state files' bytes -> the merged state's bytes, in the order given."""
    if len(states) == 1:
        return states[0]
    with tempfile.TemporaryDirectory(prefix="netcensus-merge-") as tmp:
        paths = []
        for i, s in enumerate(states):
            p = os.path.join(tmp, "%06d.state" % i)
            with open(p, "wb") as f:
                f.write(s)
            paths.append(p)
        out = os.path.join(tmp, "merged.state")
        # 65: no packet in any input, state written anyway (same rule as summarize).
        run([exe, "capture", "merge", "--quiet", "--json", "--state-out", out] + paths, ok=(0, 65))
        with open(out, "rb") as f:
            return f.read()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+", help="capture files, directories or globs (any path Spark reads)")
    ap.add_argument("--out", required=True, help="output directory (local path)")
    ap.add_argument("--netcensus", help="netcensus binary to ship to the executors (default: netcensus on PATH)")
    ap.add_argument("--master", help="Spark master when not run by spark-submit (e.g. local[2])")
    ap.add_argument("--partitions", type=int, default=0, help="tasks (default: Spark's default parallelism)")
    ap.add_argument("--fanin", type=int, default=16, help="states per merge on the driver (tree reduction)")
    args = ap.parse_args(argv)

    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("netcensus-summarize")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    shipped = None
    if args.netcensus:
        sc.addFile(os.path.abspath(args.netcensus))
        shipped = os.path.basename(args.netcensus)
    driver_exe = os.path.abspath(args.netcensus) if args.netcensus else shutil.which("netcensus")

    def expand(p):
        # A directory: every file below it (Spark's binaryFiles reads one level; recurse here).
        if os.path.isdir(p):
            return ",".join(os.path.join(d, f) for d, _, fs in os.walk(p) for f in fs) or p
        return p
    inputs = ",".join(expand(p) for p in args.inputs)
    files = sc.binaryFiles(inputs).filter(lambda kv: kv[0].lower().endswith(CAPTURE_SUFFIXES))
    parts = args.partitions or sc.defaultParallelism
    ordered = files.sortByKey(numPartitions=parts)

    def per_partition(items):
        exe = binary(shipped)
        states = [summarize_file(exe, uri, stream) for uri, stream in items]
        if states:
            yield merge_states(exe, states)

    partials = ordered.mapPartitions(per_partition).collect()   # in partition (= sorted file) order
    if not partials:
        print("no capture files under %s" % ", ".join(args.inputs), file=sys.stderr)
        return 66
    level = partials
    while len(level) > 1:
        level = [merge_states(driver_exe, level[i:i + args.fanin]) for i in range(0, len(level), args.fanin)]
    final = level[0]

    os.makedirs(args.out, exist_ok=True)
    state_path = os.path.join(args.out, "merged.state")
    with open(state_path, "wb") as f:
        f.write(final)
    for form, name in (("--json", "summary.json"), ("--csv", "summary.csv")):
        with open(os.path.join(args.out, name), "wb") as f:
            p = subprocess.run([driver_exe, "capture", "merge", "--quiet", form, state_path], stdout=f, stderr=subprocess.PIPE)
            if p.returncode not in (0, 65):
                print(p.stderr.decode(errors="replace"), file=sys.stderr)
                return p.returncode
    print("netcensus spark: %d partition state(s) merged into %s" % (len(partials), args.out), file=sys.stderr)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
