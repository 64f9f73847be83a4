#!/usr/bin/env python3
"""Peers for `netcensus topology score`: the networkx reference scorer's metrics
(shared/bench/topology_networkx.py, whose docstring defines each one) computed with
python-igraph and with rustworkx, reading the CSV pair with polars.

    topology_peers.py --csv-dir DIR [--tool igraph|rustworkx|both] [--json OUT]
    topology_peers.py --check N --reference PATH/topology_networkx.py

--check N writes a synthetic network of N villages with the reference, scores it with
networkx, then with both peers, and exits 1 unless every aggregate the reference reports
(components, bridges, articulation points, km and links by medium, every village share,
hops histogram, widest-path median and sum, per-household median) is equal.

Neither library has a widest (max-min bottleneck) path, so both use the textbook
equivalence: on a maximum spanning forest of the links with capacity > 0 plus a
super-source joined to every backbone node, the tree path is a widest path (Hu 1961), so
W(v) is the minimum capacity on v's tree path, propagated layer by layer with numpy.
Fiber-on-a-widest-path repeats this on the fiber links alone (W_fiber(v) == W(v) > 0).
rustworkx's `bridges` reports a pair joined by parallel links as a bridge; the networkx
multigraph rule (a doubled link is not a bridge) is restored by dropping pairs joined by
two or more links. igraph's `bridges` already follows the multigraph rule.
Benchmark only: igraph, rustworkx, polars and numpy come from PyPI.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import polars as pl

INF = float("inf")
THRESHOLDS = (4, 12, 20, 50, 100)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Timer:
    def __init__(self):
        self.times = {}

    def run(self, name, fn):
        t0 = time.perf_counter()
        r = fn()
        self.times[name] = round(time.perf_counter() - t0, 4)
        return r


def load(csv_dir):
    """The CSV pair as numpy arrays; self-loops dropped as the reference does."""
    nodes = pl.read_csv(os.path.join(csv_dir, "nodes.csv"), infer_schema=False)
    links = pl.read_csv(os.path.join(csv_dir, "links.csv"), infer_schema=False)
    nodes = nodes.with_row_index("ix")
    ids = nodes.select(pl.col("id").str.strip_chars().alias("id"), "ix")

    def f(df, c):
        if c not in df.columns:
            return pl.lit(None, dtype=pl.Float64).alias(c)
        return pl.col(c).str.strip_chars().cast(pl.Float64, strict=False).alias(c)

    nd = nodes.select(
        pl.col("tier").str.strip_chars().str.to_lowercase().fill_null("").alias("tier"),
        f(nodes, "lat"), f(nodes, "lon"), f(nodes, "households"))
    ln = links.select(
        pl.col("a").str.strip_chars(), pl.col("b").str.strip_chars(),
        pl.col("medium").str.strip_chars().str.to_lowercase().fill_null("").alias("medium"),
        f(links, "capacity_mbps"), f(links, "length_km"))
    ln = (ln.join(ids.rename({"id": "a", "ix": "ai"}), on="a", how="left", maintain_order="left")
            .join(ids.rename({"id": "b", "ix": "bi"}), on="b", how="left", maintain_order="left"))
    ln = ln.filter(pl.col("ai") != pl.col("bi"))
    med = ln["medium"].to_numpy()
    med = np.where(med == "", "unknown", med)
    hh = nd["households"].to_numpy()
    return {
        "n": nodes.height,
        "tier": nd["tier"].to_numpy(),
        "lat": nd["lat"].to_numpy(), "lon": nd["lon"].to_numpy(),
        "hh": np.where(np.isnan(hh), -1, np.trunc(np.nan_to_num(hh, nan=-1))).astype(np.int64),
        "a": ln["ai"].to_numpy().astype(np.int64), "b": ln["bi"].to_numpy().astype(np.int64),
        "medium": med,
        "cap": np.nan_to_num(ln["capacity_mbps"].to_numpy(), nan=0.0),
        "km": ln["length_km"].to_numpy(),
    }


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def propagate_bottleneck(n, tu, tv, tcap, depth):
    """W on a rooted forest (root = super-source n, depth 0): W(child) = min(W(parent), cap)."""
    W = np.zeros(n + 1)
    W[n] = INF
    ok = (depth[tu] >= 0) & (depth[tv] >= 0)
    tu, tv, tcap = tu[ok], tv[ok], tcap[ok]
    child = np.where(depth[tu] > depth[tv], tu, tv)
    parent = np.where(depth[tu] > depth[tv], tv, tu)
    order = np.argsort(depth[child], kind="stable")
    child, parent, tcap = child[order], parent[order], tcap[order]
    d = depth[child]
    bounds = np.flatnonzero(np.diff(d)) + 1
    for s, e in zip(np.r_[0, bounds], np.r_[bounds, len(d)]):
        W[child[s:e]] = np.minimum(W[parent[s:e]], tcap[s:e])
    return W[:n]


def behind_flags(n, memb, ncomp, bridge_u, bridge_v, backbone, bfs_depth_fn):
    """+1 behind a bridge, 0 not, -1 not connected to the backbone (the reference's None)."""
    has_b = np.zeros(ncomp + 1, dtype=np.int64)
    np.add.at(has_b, memb[backbone], 1)
    cu, cv = memb[bridge_u], memb[bridge_v]
    # Bridge forest plus a super-root joined to one backbone 2ECC per forest component: rooted
    # at a terminal, a 2ECC is in the minimal subtree spanning the backbone iff its subtree
    # holds a backbone 2ECC.
    roots = np.unique(memb[backbone])
    depth, parent_of = bfs_depth_fn(ncomp + 1, np.r_[cu, roots], np.r_[cv, np.full(len(roots), ncomp)], ncomp)
    sub = has_b.copy()
    order = np.argsort(-depth, kind="stable")
    for x in order:
        if depth[x] > 0:
            sub[parent_of[x]] += sub[x]
    flag = np.where(depth < 0, -1, np.where(sub > 0, 0, 1))
    return flag[memb]


def aggregates(d, hops, W, WF, behind, comps, nbridges, narts, incb, contention, thresholds):
    n, tier = d["n"], d["tier"]
    out = {"nodes": n, "links": int(len(d["a"])), "components": int(len(comps)),
           "largest_component_nodes": int(max(comps)) if len(comps) else 0,
           "bridges": int(nbridges), "articulation_points": int(narts)}
    km = d["km"].copy()
    miss = np.isnan(km)
    hv = haversine(d["lat"][d["a"]], d["lon"][d["a"]], d["lat"][d["b"]], d["lon"][d["b"]])
    km[miss] = hv[miss]
    have = ~np.isnan(km)
    kmm, nm = {}, {}
    for m in sorted(set(d["medium"][have].tolist())):
        sel = have & (d["medium"] == m)
        kmm[m] = round(float(np.sum(km[sel])), 3)
        nm[m] = int(np.count_nonzero(sel))
    out["km_by_medium"], out["links_by_medium"] = kmm, nm
    villages = np.flatnonzero(tier == "village")
    if len(villages) == 0:
        bb = set(np.flatnonzero(tier == "backbone").tolist())
        villages = np.array([v for v in range(n) if v not in bb], dtype=np.int64)
    hh, w = d["hh"][villages], W[villages]
    fib = (w > 0) & (WF[villages] == w)
    with_hh = hh > 0
    nv, hh_tot = len(villages), int(hh[with_hh].sum())
    v = {"villages": nv, "villages_with_households": int(with_hh.sum()), "households": hh_tot,
         "reachable_share": float(np.count_nonzero(w > 0)) / nv if nv else None,
         "fiber_path_share": float(np.count_nonzero(fib)) / nv if nv else None,
         "behind_bridge_share": float(np.count_nonzero(behind[villages] == 1)) / nv if nv else None,
         "fiber_path_households_share": float(hh[with_hh & fib].sum()) / hh_tot if hh_tot else None}
    ms, mf, mh, mfh = {}, {}, {}, {}
    for t in thresholds:
        ok = with_hh & (w * contention >= t * hh)
        okf = ok & fib
        k = f"{t:g}"
        nw = int(with_hh.sum())
        ms[k] = float(ok.sum()) / nw if nw else None
        mf[k] = float(okf.sum()) / nw if nw else None
        mh[k] = float(hh[ok].sum()) / hh_tot if hh_tot else None
        mfh[k] = float(hh[okf].sum()) / hh_tot if hh_tot else None
    v["meets_share"], v["meets_and_fiber_share"] = ms, mf
    v["meets_households_share"], v["meets_and_fiber_households_share"] = mh, mfh
    hv = hops[villages]
    hv = hv[hv >= 0]
    v["hops_max"] = int(hv.max()) if len(hv) else None
    v["hops_mean"] = float(hv.mean()) if len(hv) else None
    vals, cnt = np.unique(hv, return_counts=True)
    v["hops_histogram"] = {str(int(a)): int(c) for a, c in zip(vals, cnt)}
    ws = np.sort(w)
    v["widest_mbps_median"] = float(ws[len(ws) // 2]) if len(ws) else None
    v["widest_mbps_sum"] = float(ws.sum())
    pv = np.sort(w[with_hh] * contention / hh[with_hh])
    v["per_hh_mbps_median"] = float(pv[len(pv) // 2]) if len(pv) else None
    out["villages"] = v
    return out


def score_igraph(d, contention, thresholds, tm):
    import igraph as ig
    n, a, b, cap = d["n"], d["a"], d["b"], d["cap"]
    backbone = np.flatnonzero(d["tier"] == "backbone")
    edges = np.column_stack([a, b])
    g = tm.run("build_graph", lambda: ig.Graph(n=n, edges=edges))
    comps = tm.run("components", lambda: g.connected_components().sizes())
    bridges = np.array(tm.run("bridges", g.bridges), dtype=np.int64)
    arts = tm.run("articulation_points", g.articulation_points)

    def super_source_graph(mask):
        h = ig.Graph(n=n + 1, edges=np.vstack([edges[mask], np.column_stack([backbone, np.full(len(backbone), n)])]))
        return h, np.r_[cap[mask], np.full(len(backbone), INF)], np.vstack([edges[mask], np.column_stack([backbone, np.full(len(backbone), n)])])

    def depth_of(h, root):
        vids, layers, _ = h.bfs(root)
        depth = np.full(h.vcount(), -1, dtype=np.int64)
        for k in range(len(layers) - 1):
            depth[vids[layers[k]:layers[k + 1]]] = k
        return depth

    def hops():
        h, _, _ = super_source_graph(np.ones(len(a), dtype=bool))
        return (depth_of(h, n) - 1)[:n]
    H = tm.run("bfs_hops", hops)

    def widest(mask):
        h, c, e = super_source_graph(mask)
        tree_ids = np.array(h.spanning_tree(weights=-np.minimum(c, 1e300), return_tree=False), dtype=np.int64)
        t = ig.Graph(n=n + 1, edges=e[tree_ids])
        return propagate_bottleneck(n, e[tree_ids, 0], e[tree_ids, 1], c[tree_ids], depth_of(t, n))
    W = tm.run("widest_path", lambda: widest(cap > 0))
    WF = tm.run("widest_path_fiber", lambda: widest((cap > 0) & (d["medium"] == "fiber")))

    def behind():
        h = g.copy()
        h.delete_edges(bridges.tolist())
        memb = np.array(h.connected_components().membership, dtype=np.int64)

        def forest_depth(m, u, v, root):
            t = ig.Graph(n=m, edges=np.column_stack([u, v]))
            vids, layers, parents = t.bfs(root)
            depth = np.full(m, -1, dtype=np.int64)
            for k in range(len(layers) - 1):
                depth[vids[layers[k]:layers[k + 1]]] = k
            return depth, np.array(parents, dtype=np.int64)
        return behind_flags(n, memb, int(memb.max()) + 1 if n else 0, a[bridges], b[bridges], backbone, forest_depth)
    BB = tm.run("behind_bridge", behind)
    incb = tm.run("incident_bridges", lambda: np.bincount(np.r_[a[bridges], b[bridges]], minlength=n))
    return tm.run("km_shares", lambda: aggregates(d, H, W, WF, BB, comps, len(bridges), len(arts), incb, contention, thresholds))


def score_rustworkx(d, contention, thresholds, tm):
    import rustworkx as rx
    n, a, b, cap = d["n"], d["a"], d["b"], d["cap"]
    backbone = np.flatnonzero(d["tier"] == "backbone")

    def graph(m, u, v, payload=None):
        g = rx.PyGraph(multigraph=True)
        g.add_nodes_from(range(m))
        if payload is None:
            g.add_edges_from_no_data(list(zip(u.tolist(), v.tolist())))
        else:
            g.add_edges_from(list(zip(u.tolist(), v.tolist(), payload.tolist())))
        return g
    g = tm.run("build_graph", lambda: graph(n, a, b))
    comps = tm.run("components", lambda: [len(c) for c in rx.connected_components(g)])

    def bridges():
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        key = lo * (n + 1) + hi
        uniq, cnt = np.unique(key, return_counts=True)
        single = set(uniq[cnt == 1].tolist())
        # rustworkx counts a doubled link as a bridge: keep only pairs joined by one link.
        pairs = [(min(u, v), max(u, v)) for u, v in rx.bridges(g)]
        keep = np.array([p[0] * (n + 1) + p[1] for p in pairs if p[0] * (n + 1) + p[1] in single], dtype=np.int64)
        return np.flatnonzero(np.isin(key, keep))
    br = tm.run("bridges", bridges)
    arts = tm.run("articulation_points", lambda: rx.articulation_points(g))

    def depth_from(h, sources, m):
        depth = np.full(m, -1, dtype=np.int64)
        for k, layer in enumerate(rx.bfs_layers(h, sources)):
            depth[np.asarray(layer, dtype=np.int64)] = k
        return depth
    H = tm.run("bfs_hops", lambda: depth_from(g, backbone.tolist(), n))

    def widest(mask):
        u = np.r_[a[mask], backbone]
        v = np.r_[b[mask], np.full(len(backbone), n)]
        c = np.r_[cap[mask], np.full(len(backbone), INF)]
        h = graph(n + 1, u, v, -np.minimum(c, 1e300))
        tree = rx.minimum_spanning_edges(h, weight_fn=float)
        tu = np.fromiter((e[0] for e in tree), dtype=np.int64, count=len(tree))
        tv = np.fromiter((e[1] for e in tree), dtype=np.int64, count=len(tree))
        tc = -np.fromiter((e[2] for e in tree), dtype=np.float64, count=len(tree))
        tc[tc >= 1e300] = INF
        return propagate_bottleneck(n, tu, tv, tc, depth_from(graph(n + 1, tu, tv), [n], n + 1))
    W = tm.run("widest_path", lambda: widest(cap > 0))
    WF = tm.run("widest_path_fiber", lambda: widest((cap > 0) & (d["medium"] == "fiber")))

    def behind():
        keep = np.ones(len(a), dtype=bool)
        keep[br] = False
        memb = np.empty(n, dtype=np.int64)
        for k, comp in enumerate(rx.connected_components(graph(n, a[keep], b[keep]))):
            memb[np.fromiter(comp, dtype=np.int64, count=len(comp))] = k

        def forest_depth(m, u, v, root):
            t = graph(m, u, v)
            depth = np.full(m, -1, dtype=np.int64)
            parent = np.full(m, -1, dtype=np.int64)
            for k, layer in enumerate(rx.bfs_layers(t, [root])):
                depth[np.asarray(layer, dtype=np.int64)] = k
            child = np.where(depth[u] > depth[v], u, v)
            par = np.where(depth[u] > depth[v], v, u)
            ok = depth[u] >= 0
            parent[child[ok]] = par[ok]
            return depth, parent
        return behind_flags(n, memb, int(memb.max()) + 1 if n else 0, a[br], b[br], backbone, forest_depth)
    BB = tm.run("behind_bridge", behind)
    incb = tm.run("incident_bridges", lambda: np.bincount(np.r_[a[br], b[br]], minlength=n))
    return tm.run("km_shares", lambda: aggregates(d, H, W, WF, BB, comps, len(br), len(arts), incb, contention, thresholds))


def run(csv_dir, tool, contention=20.0, thresholds=THRESHOLDS):
    t_all = time.perf_counter()
    tm = Timer()
    d = tm.run("parse_csv_polars", lambda: load(csv_dir))
    res = (score_igraph if tool == "igraph" else score_rustworkx)(d, contention, thresholds, tm)
    import igraph
    import rustworkx
    res["tool"] = tool
    res["version"] = igraph.__version__ if tool == "igraph" else rustworkx.__version__
    res["polars"] = pl.__version__
    res["timings_s"] = tm.times
    res["metrics_s"] = round(sum(v for k, v in tm.times.items() if k not in ("parse_csv_polars", "build_graph")), 4)
    res["wall_s"] = round(time.perf_counter() - t_all, 4)
    res["peak_rss_mib"] = round(peak_rss_mib(), 1)
    return res


def compare(ref, got, path=""):
    """Differences between the reference's aggregates and a peer's (floats to 1e-9 relative)."""
    diffs = []
    if isinstance(ref, dict):
        for k, v in ref.items():
            if not isinstance(got, dict) or k not in got:
                diffs.append(f"{path}.{k}: missing")
            else:
                diffs += compare(v, got[k], f"{path}.{k}")
    elif isinstance(ref, float) or isinstance(got, float):
        if ref is None or got is None or abs(ref - got) > 1e-9 * max(1.0, abs(ref)):
            diffs.append(f"{path}: networkx {ref} vs {got}")
    elif ref != got:
        diffs.append(f"{path}: networkx {ref} vs {got}")
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv-dir")
    ap.add_argument("--tool", choices=["igraph", "rustworkx", "both"], default="both")
    ap.add_argument("--json")
    ap.add_argument("--check", type=int, metavar="N")
    ap.add_argument("--reference", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "topology_networkx.py"))
    a = ap.parse_args()
    if a.check:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, a.reference, "--synth", str(a.check), "--seed", "1",
                            "--write-csv", tmp, "--no-score", "--json", os.devnull], check=True)
            ref = json.loads(subprocess.run([sys.executable, a.reference, "--csv-dir", tmp],
                                            check=True, capture_output=True, text=True).stdout)
            bad = 0
            keys = ["components", "largest_component_nodes", "bridges", "articulation_points",
                    "km_by_medium", "links_by_medium", "villages"]
            for tool in ("igraph", "rustworkx"):
                got = run(tmp, tool)
                diffs = compare({k: ref[k] for k in keys}, got)
                print(f"{tool}: {'equal to networkx on every aggregate' if not diffs else 'DIFFERS'} "
                      f"({a.check} villages, {got['nodes']} nodes, {got['links']} links)")
                for x in diffs:
                    print("  " + x)
                bad += len(diffs)
            sys.exit(1 if bad else 0)
    if not a.csv_dir:
        ap.error("--csv-dir or --check")
    tools = ["igraph", "rustworkx"] if a.tool == "both" else [a.tool]
    out = [run(a.csv_dir, t) for t in tools]
    text = json.dumps(out if len(out) > 1 else out[0], indent=2, default=lambda x: None)
    if a.json:
        with open(a.json, "w") as fh:
            fh.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
