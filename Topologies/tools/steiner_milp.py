#!/usr/bin/env python3
"""Exact minimum Steiner trees by integer programming: the test oracle for the Steiner heuristic
(NetworkGraph `steinerTree`, Mehlhorn) and so for `topology plan`.

Reads a JSON list of instances on stdin, each {"n": nodes, "edges": [[a, b], ...],
"length": [km per edge], "terminals": [node ids]}, and writes a JSON list of optimal total
lengths (null when the terminals are not connected or optimality is not proven within 60 s).

Model (multi-commodity flow, whose LP relaxation is much tighter than the single-commodity
one): one binary x_e per usable edge (length >= 0 and finite, not a self-loop); for each
terminal t other than the first, a unit flow from the first terminal to t on the two directions
of the edges, each direction bounded by x_e. Minimise sum(length_e x_e). Solved with scipy.optimize.milp (HiGHS); needs scipy >= 1.9.
"""
import json
import math
import sys

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix


def optimum(inst):
    n, terms = inst["n"], list(dict.fromkeys(inst["terminals"]))
    if len(terms) < 2:
        return 0.0
    edges = [(a, b, l) for (a, b), l in zip(inst["edges"], inst["length"])
             if a != b and l is not None and l >= 0 and math.isfinite(l)]
    m, sinks = len(edges), terms[1:]
    k = len(sinks)
    # Variables: x_0..x_{m-1}; then per sink s (index q) a flow on arc a->b and b->a:
    # f[q][e][0] at m + q*2m + 2e, f[q][e][1] at m + q*2m + 2e + 1.
    nv = m + 2 * m * k
    c = np.concatenate([np.array([l for _, _, l in edges], dtype=float), np.zeros(2 * m * k)])
    rows, cols, vals, rhs = [], [], [], []
    # Conservation per commodity q: out - in = 1 at the root, -1 at sink q, 0 elsewhere.
    for q, s in enumerate(sinks):
        base = m + q * 2 * m
        for e, (a, b, _) in enumerate(edges):
            for d, (tail, head) in enumerate(((a, b), (b, a))):
                var = base + 2 * e + d
                rows += [q * n + tail, q * n + head]; cols += [var, var]; vals += [1.0, -1.0]
        r = np.zeros(n); r[terms[0]] = 1; r[s] = -1
        rhs.append(r)
    A_eq = coo_matrix((vals, (rows, cols)), shape=(k * n, nv))
    rhs = np.concatenate(rhs)
    # Capacity per commodity and direction: f <= x_e (the strong, multi-commodity form).
    r2, c2, v2 = [], [], []
    row = 0
    for q in range(k):
        base = m + q * 2 * m
        for e in range(m):
            for d in range(2):
                r2 += [row, row]; c2 += [base + 2 * e + d, e]; v2 += [1.0, -1.0]; row += 1
    A_cap = coo_matrix((v2, (r2, c2)), shape=(row, nv))
    cons = [LinearConstraint(A_eq, rhs, rhs), LinearConstraint(A_cap, -np.inf, 0)]
    integrality = np.concatenate([np.ones(m), np.zeros(2 * m * k)])
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(np.zeros(nv), np.ones(nv)),
               options={"time_limit": 60})
    return float(res.fun) if res.status == 0 else None   # 0 = proven optimal


if __name__ == "__main__":
    # HiGHS can print diagnostics on the C-level stdout: keep the real stdout for the answer
    # and send fd 1 to stderr while solving.
    import os
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    out.write(json.dumps([optimum(i) for i in json.load(sys.stdin)]) + "\n")
    out.flush()
