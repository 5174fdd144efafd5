"""Benchmark of threshold_to_boolean on transformer circuits: time, size and depth of the conversion.

The threshold circuits are ``build_circuit(quantize(random_spec(n, 1, causal=False, precision=4, frac=1,
seed=3), 4, 1), narrow=False)`` for n = 32 and 64. For each it prints the threshold circuit's size and depth,
then the conversion's time and the boolean circuit's size and depth. ``--gate-by-gate`` also runs the private
gate-by-gate reference conversion (minutes at these sizes) and checks that it gives the same size, depth and
gate counts.

Usage: python benchmarks/bench_to_boolean.py [--n 32 64] [--gate-by-gate]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _circuit(n: int):
    from constructions.transformer import build_circuit, quantize, random_spec
    fs = quantize(random_spec(n, 1, causal=False, precision=4, frac=1, seed=3), 4, 1)
    return build_circuit(fs, narrow=False)


def _timed(fn, c):
    t = time.perf_counter()
    b = fn(c)
    return b, time.perf_counter() - t


def main(argv=None) -> int:
    from constructions.threshold.to_boolean import _threshold_to_boolean_gate_by_gate, threshold_to_boolean
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[32, 64])
    ap.add_argument("--gate-by-gate", action="store_true", help="also time the gate-by-gate reference")
    a = ap.parse_args(argv)
    status = 0
    for n in a.n:
        t = time.perf_counter()
        c = _circuit(n)
        t_build = time.perf_counter() - t
        print(f"n={n}: threshold circuit {c.size():,} gates, depth {c.depth()} (built in {t_build:.2f} s)",
              flush=True)
        b, t_new = _timed(threshold_to_boolean, c)
        print(f"  threshold_to_boolean      {t_new:8.2f} s   boolean size {b.size():,}, depth {b.depth()}, "
              f"max fan-in {b.max_fanin()}", flush=True)
        if a.gate_by_gate:
            r, t_ref = _timed(_threshold_to_boolean_gate_by_gate, c)
            same = (r.size(), r.depth(), r.count_ops()) == (b.size(), b.depth(), b.count_ops())
            print(f"  gate by gate (reference)  {t_ref:8.2f} s   boolean size {r.size():,}, depth {r.depth()}; "
                  f"speed-up {t_ref / t_new:.1f}x; same size, depth and gate counts: {same}", flush=True)
            status |= not same
    return int(status)


if __name__ == "__main__":
    raise SystemExit(main())
