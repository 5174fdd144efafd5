"""Benchmark of the circuit IR (``make bench``): build rate, depth query, batched evaluation, memory per gate,
and a networkx baseline.

The circuit: a balanced tree of products of n random 4×4 matrices (n = 2**17 by default, about 1.5×10⁷
gates), built with vectorised calls (one MUL call and two ADD calls per tree level).

Each measurement runs in a fresh subprocess so that peak RSS belongs to it alone. Bytes per gate are
(peak RSS − RSS before building) / wires; the whole-process figure is printed too.

The networkx baseline builds the same circuit (same gates, same edges) as a DiGraph and calls
``dag_longest_path_length``. A DiGraph of 10⁷ nodes needs tens of GB, so the baseline runs on a smaller tree
of the same shape and the ratio is taken per gate (both sides' costs are linear in the gate count; the
script also prints our own time at the baseline size, for a same-size ratio).

Usage: python benchmarks/bench_ir.py [--log2n 17] [--baseline-log2n 12] [--batch 4]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

from _phases import run_phase

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _rss_now() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def phase_ours(log2n: int, batch: int, evaluate: bool) -> dict:
    from circuits import Circuit
    from constructions.linalg import product_tree

    n, d = 2**log2n, 4
    base_rss = _rss_now()
    t0 = time.perf_counter()
    c = Circuit("arithmetic")
    M = c.input("M", (n, d, d))
    c.output("P", product_tree(c, M))
    t_build = time.perf_counter() - t0
    peak_build = _peak()
    t0 = time.perf_counter()
    depth = c.depth()
    t_depth = time.perf_counter() - t0
    out = {"n": n, "wires": len(c), "gates": c.size(), "depth": depth, "t_build": t_build, "t_depth": t_depth,
           "bytes_per_wire": (peak_build - base_rss) / len(c), "bytes_per_wire_process": peak_build / len(c)}
    if evaluate:
        rng = np.random.default_rng(0)
        vals = rng.standard_normal((batch, n, d, d)) * 0.5
        t0 = time.perf_counter()
        res = c.evaluate({"M": vals}, domain="float")["P"]
        out["t_eval"] = time.perf_counter() - t0
        out["batch"] = batch
        # spot check against numpy on the first batch element (float, so compare loosely)
        ref = vals[0, 0]
        for k in range(1, n):
            ref = vals[0, k] @ ref
        out["eval_ok"] = bool(np.allclose(res[0], ref, rtol=1e-6, atol=1e-9 * max(1.0, np.abs(ref).max())))
    return out


def phase_networkx(log2n: int) -> dict:
    import networkx as nx

    from circuits import Circuit
    from constructions.linalg import product_tree

    n, d = 2**log2n, 4
    c = Circuit("arithmetic")
    c.output("P", product_tree(c, c.input("M", (n, d, d))))
    offsets, args = c.fanin_csr()
    dst = np.repeat(np.arange(len(c)), np.diff(offsets)).tolist()
    src = args.tolist()
    ops = [c.op_of(w) for w in range(len(c))]
    t0 = time.perf_counter()
    g = nx.DiGraph()
    for w, op in enumerate(ops):
        g.add_node(w, op=op)
    for s, t in zip(src, dst):
        g.add_edge(s, t)
    length = nx.dag_longest_path_length(g)
    t = time.perf_counter() - t0
    return {"n": n, "gates": c.size(), "wires": len(c), "t_build_depth": t, "depth": length,
            "our_depth": c.depth()}


def _child(args: list[str]) -> dict:
    return run_phase(__file__, args)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log2n", type=int, default=17)
    ap.add_argument("--baseline-log2n", type=int, default=12)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--phase", choices=["ours", "ours-noeval", "networkx"], help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase == "ours":
        print(json.dumps(phase_ours(a.log2n, a.batch, True)))
        return
    if a.phase == "ours-noeval":
        print(json.dumps(phase_ours(a.log2n, a.batch, False)))
        return
    if a.phase == "networkx":
        print(json.dumps(phase_networkx(a.log2n)))
        return

    big = _child(["--phase", "ours", "--log2n", str(a.log2n), "--batch", str(a.batch)])
    small = _child(["--phase", "ours-noeval", "--log2n", str(a.baseline_log2n)])
    nxr = _child(["--phase", "networkx", "--log2n", str(a.baseline_log2n)])
    build_rate = big["gates"] / big["t_build"]
    ours_per_gate = (big["t_build"] + big["t_depth"]) / big["gates"]
    nx_per_gate = nxr["t_build_depth"] / nxr["gates"]
    same_size = nxr["t_build_depth"] / (small["t_build"] + small["t_depth"])
    print(f"circuit: balanced product of n = {big['n']:,} random 4x4 matrices")
    print(f"  gates {big['gates']:,}   wires {big['wires']:,}   depth {big['depth']}")
    print(f"build:        {big['t_build']:.3f} s   = {build_rate:,.0f} gates/s   (target >= 20,000,000)")
    print(f"depth():      {big['t_depth'] * 1e6:.1f} us")
    print(f"evaluate:     float64, batch {big['batch']}: {big['t_eval']:.3f} s   = "
          f"{big['gates'] * big['batch'] / big['t_eval']:,.0f} gate-evals/s   (matches numpy: {big['eval_ok']})")
    print(f"memory:       {big['bytes_per_wire']:.2f} bytes/gate (peak RSS growth over wires; target <= 24);"
          f" whole process {big['bytes_per_wire_process']:.2f}")
    print(f"networkx:     DiGraph + dag_longest_path_length on n = {nxr['n']:,} ({nxr['gates']:,} gates): "
          f"{nxr['t_build_depth']:.3f} s   (depth {nxr['depth']}, ours {nxr['our_depth']})")
    print(f"speed-up:     build + depth per gate: {nx_per_gate / ours_per_gate:,.0f}x   "
          f"(same size, n = {small['n']:,}: {same_size:,.0f}x)   (target >= 100x)")


if __name__ == "__main__":
    main()
