"""Benchmark of LRNN circuit building (``make bench``): dense transitions, d = 4, Brent–Kung scan, all states.

For n = 2**16 and n = 2**20 it prints the gates built, the build time (schedule construction included, then
without it), gates/s, the depth, and memory per gate (peak RSS growth over wires). Each size runs in a fresh
subprocess so that its peak RSS is its own. Targets: >= 2×10⁷ gates/s, <= 24 bytes per gate.

Usage: python benchmarks/bench_lrnn.py [--log2n 16 20] [--family dense] [--d 4] [--scan brent-kung]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _rss_now() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def phase(log2n: int, family: str, d: int, scan: str) -> dict:
    from constructions.lrnn import build_lrnn
    from constructions.lrnn_bounds import exact_depth, exact_size
    from constructions.scans import schedule

    n = 2**log2n
    base = _rss_now()
    t0 = time.perf_counter()
    schedule(scan, n)  # cached for the build below
    t_sched = time.perf_counter() - t0
    t1 = time.perf_counter()
    c = build_lrnn(family, n, d, scan=scan)
    t_gates = time.perf_counter() - t1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = {"n": n, "gates": c.size(), "wires": len(c), "depth": c.depth(), "t_sched": t_sched,
           "t_gates": t_gates, "bytes_per_wire": (peak - base) / len(c), "process_bytes_per_wire": peak / len(c)}
    if family != "dplr":
        out["formula_ok"] = (c.size(), c.depth()) == (exact_size(family, scan, n, d), exact_depth(family, scan, n, d))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log2n", type=int, nargs="+", default=[16, 20])
    ap.add_argument("--family", default="dense")
    ap.add_argument("--d", type=int, default=4)
    ap.add_argument("--scan", default="brent-kung")
    ap.add_argument("--phase", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase is not None:
        print(json.dumps(phase(a.phase, a.family, a.d, a.scan)))
        return
    print(f"LRNN circuits: family {a.family}, d = {a.d}, scan {a.scan}, all n states")
    for k in a.log2n:
        res = subprocess.run([sys.executable, __file__, "--phase", str(k), "--family", a.family, "--d", str(a.d),
                              "--scan", a.scan], capture_output=True, text=True)
        if res.returncode != 0:
            sys.stderr.write(res.stderr)
            raise SystemExit(f"benchmark for n = 2^{k} failed")
        r = json.loads(res.stdout.strip().splitlines()[-1])
        total = r["t_sched"] + r["t_gates"]
        print(f"n = 2^{k} = {r['n']:,}: {r['gates']:,} gates, depth {r['depth']}"
              + (f" (closed form: {'matches' if r['formula_ok'] else 'DIFFERS'})" if "formula_ok" in r else ""))
        print(f"  build {total:.2f} s = {r['gates'] / total:,.0f} gates/s (schedule {r['t_sched']:.2f} s; "
              f"gates alone {r['gates'] / r['t_gates']:,.0f} gates/s)   target >= 20,000,000")
        print(f"  memory {r['bytes_per_wire']:.2f} bytes/gate (peak RSS growth over wires; whole process "
              f"{r['process_bytes_per_wire']:.2f})   target <= 24")


if __name__ == "__main__":
    main()
