"""Build, depth and evaluation speed against a graph library (``make bench``).

The circuit: the dense d = 4 LRNN, Brent–Kung scan, n = 2**16 (``build_lrnn("dense", 2**16, 4,
scan="brent-kung")``, 11,531,888 gates).

* **build + depth**: ``build_lrnn(...)`` (schedule construction included) and ``c.depth()``, timed in
  ``--runs`` fresh processes (each pays its own first-touch page faults; imports are not timed, and a module
  first imported inside the timed region, e.g. lazily by numpy, is reported). Targets:
  median >= 1e8 gates/s, slowest >= 5e7 gates/s.
* **rustworkx** (the graph engine under Qiskit; ``pip install -e '.[bench]'``): it is handed the finished edge
  list and times ``PyDAG()`` + ``add_nodes_from`` + ``add_edges_from_no_data`` + ``dag_longest_path_length``
  only (median of ``--rx-runs`` in one process). Target: ours >= 50x faster (median against median). Without
  rustworkx the benchmark says so and prints no ratio.
* **evaluation**: ``Circuit.evaluate`` over float64 at batch 64 on the same circuit (values: 0.2·N(0, 1)
  transitions, so the states stay finite); target >= 1e8 gate-evaluations/s. One state is checked against the
  sequential recurrence.
* **deep, narrow**: the ReLU RNN chain ``build_rnn(10**6, 4)`` (44 M gates, depth 5 M) evaluated at batch 1;
  target <= 10 s. Its build time is printed too (``--rnn-n 0`` skips this part).

Usage: python benchmarks/bench_build.py [--log2n 16] [--runs 5] [--rx-runs 3] [--batch 64] [--rnn-n 1000000]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

from _phases import run_phase

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def phase_build(log2n: int) -> dict:
    import resource

    from constructions.lrnn import build_lrnn

    n = 2**log2n
    before = set(sys.modules)
    t0 = time.perf_counter()
    c = build_lrnn("dense", n, 4, scan="brent-kung")
    depth = c.depth()
    t = time.perf_counter() - t0
    # modules first imported inside the timed region (import work, not building): reported, should be none
    imported = sorted(set(sys.modules) - before)
    return {"gates": c.size(), "wires": len(c), "depth": depth, "t": t, "imported": imported,
            "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def phase_rustworkx(log2n: int, runs: int) -> dict:
    try:
        import rustworkx as rx
    except ImportError:
        return {"missing": True}
    import numpy as np

    from constructions.lrnn import build_lrnn

    c = build_lrnn("dense", 2**log2n, 4, scan="brent-kung")
    offsets, args = c.fanin_csr()
    n = len(c)
    dst = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    edges = list(zip(args.tolist(), dst.tolist()))  # the finished edge list (not timed)
    our_depth = int(c.depths().max())
    del c, offsets, args, dst
    times, length = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        g = rx.PyDAG()
        g.add_nodes_from(range(n))
        g.add_edges_from_no_data(edges)
        length = rx.dag_longest_path_length(g)
        times.append(time.perf_counter() - t0)
        del g
    return {"missing": False, "version": rx.__version__, "times": times, "edges": len(edges), "depth": length,
            "our_depth": our_depth}


def phase_eval(log2n: int, batch: int) -> dict:
    import numpy as np

    from constructions.lrnn import build_lrnn

    n, d = 2**log2n, 4
    c = build_lrnn("dense", n, d, scan="brent-kung")
    rng = np.random.default_rng(0)
    vals = {"A": 0.2 * rng.standard_normal((batch, n, d, d)), "b": rng.standard_normal((batch, n, d)),
            "h0": rng.standard_normal((batch, d))}
    t0 = time.perf_counter()
    h = c.evaluate(vals, domain="float")["h"]
    t = time.perf_counter() - t0
    k = min(n, 4096) - 1  # check state k of batch element 0 against the recurrence
    x = vals["h0"][0]
    for s in range(k + 1):
        x = vals["A"][0, s] @ x + vals["b"][0, s]
    ok = bool(np.allclose(h[0, k], x, rtol=1e-8, atol=1e-10))
    return {"gates": c.size(), "t": t, "batch": batch, "ok": ok}


def phase_rnn(n: int) -> dict:
    import numpy as np

    from constructions.rnn import build_rnn

    t0 = time.perf_counter()
    c = build_rnn(n, 4)
    t_build = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    vals = {nm: 0.3 * rng.standard_normal(shape) for nm, shape, _ in c.input_arrays()}
    t0 = time.perf_counter()
    h = c.evaluate(vals, domain="float")["h"]
    t_eval = time.perf_counter() - t0
    t0 = time.perf_counter()
    c.evaluate(vals, domain="float")
    t_again = time.perf_counter() - t0
    # the recurrence in numpy, same operation order is not needed: compare loosely
    W, U, cb, x = vals["W"], vals["U"], vals["c"], vals["x"]
    s = vals["h0"]
    m = min(n, 1000)
    for t in range(m):
        s = np.maximum(W @ s + U @ x[t] + cb, 0.0)
    ok = bool(np.allclose(h[m - 1], s, rtol=1e-9, atol=1e-12))
    return {"n": n, "gates": c.size(), "depth": c.depth(), "t_build": t_build, "t_eval": t_eval,
            "t_again": t_again, "ok": ok}


def _child(args: list[str]) -> dict:
    return run_phase(__file__, args)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log2n", type=int, default=16)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rx-runs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--rnn-n", type=int, default=10**6)
    ap.add_argument("--phase", choices=["build", "rustworkx", "eval", "rnn"], help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        res = {"build": lambda: phase_build(a.log2n), "rustworkx": lambda: phase_rustworkx(a.log2n, a.rx_runs),
               "eval": lambda: phase_eval(a.log2n, a.batch), "rnn": lambda: phase_rnn(a.rnn_n)}[a.phase]()
        print(json.dumps(res))
        return

    print(f"load average: {_loadavg()} (before; the machine's other jobs slow every figure below)")
    print(f"circuit: dense LRNN, d = 4, Brent-Kung scan, n = 2^{a.log2n}")
    builds = [_child(["--phase", "build", "--log2n", str(a.log2n)]) for _ in range(a.runs)]
    g = builds[0]["gates"]
    rates = sorted(g / b["t"] for b in builds)
    times = [b["t"] for b in builds]
    med_t = statistics.median(times)
    print(f"  {g:,} gates, {builds[0]['wires']:,} wires, depth {builds[0]['depth']}, "
          f"peak RSS {builds[0]['peak_rss'] / builds[0]['wires']:.1f} bytes/wire (whole process)")
    print(f"build + depth(), {a.runs} fresh processes: " + ", ".join(f"{t:.3f}" for t in times) + " s")
    late = sorted({m for b in builds for m in b["imported"]})
    if late:
        print(f"  NOTE: modules imported inside the timed region (import work counted as building): {', '.join(late)}")
    print(f"  median {g / med_t:,.0f} gates/s (target >= 100,000,000); slowest {rates[0]:,.0f} gates/s "
          f"(target >= 50,000,000)")

    rx = _child(["--phase", "rustworkx", "--log2n", str(a.log2n), "--rx-runs", str(a.rx_runs)])
    if rx["missing"]:
        print("rustworkx: NOT INSTALLED, so no ratio (pip install -e '.[bench]', or make bench)")
    else:
        rx_t = statistics.median(rx["times"])
        print(f"rustworkx {rx['version']}: PyDAG + add_nodes_from + add_edges_from_no_data + "
              f"dag_longest_path_length on the finished edge list ({rx['edges']:,} edges), {a.rx_runs} runs: "
              + ", ".join(f"{t:.2f}" for t in rx["times"]) + f" s (longest path {rx['depth']}, ours "
              f"{rx['our_depth']})")
        print(f"  ratio (median/median): {rx_t / med_t:.1f}x   (target >= 50x)")

    ev = _child(["--phase", "eval", "--log2n", str(a.log2n), "--batch", str(a.batch)])
    print(f"evaluate, float64, batch {ev['batch']}: {ev['t']:.2f} s = {ev['gates'] * ev['batch'] / ev['t']:,.0f} "
          f"gate-evaluations/s (target >= 100,000,000); matches the recurrence: {ev['ok']}")

    if a.rnn_n:
        r = _child(["--phase", "rnn", "--rnn-n", str(a.rnn_n)])
        print(f"ReLU RNN chain, n = {r['n']:,}, d = 4: {r['gates']:,} gates, depth {r['depth']:,}; build "
              f"{r['t_build']:.1f} s")
        print(f"  evaluate, float64, batch 1: {r['t_eval']:.2f} s (target <= 10 s; again, schedule cached: "
              f"{r['t_again']:.2f} s); matches the recurrence: {r['ok']}")

    print(f"load average: {_loadavg()} (after)")


def _loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
