"""Every cell of the transformer acceptance grid: the threshold circuit against the exact reference.

n ∈ {1..16, 32, 64} × d ∈ {1, 2, 4} × p ∈ {4, 8} × causal ∈ {no, yes} (random nonzero weights, F = 1 for p = 4
and 2 for p = 8, 8 random token sequences per cell), and 2 layers × 2 heads for n ∈ {1..16, 32}. Prints one
line per (d, p, causal, layers) with the cells run, the largest circuit and the time; exits 1 on any mismatch.

    .venv/bin/python benchmarks/transformer_grid.py [--jobs 2] [--max-n 64]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def cell(args):
    n, d, p, causal, layers, heads = args
    from constructions.transformer import build_circuit, quantize, random_spec
    from proofs_check.transformer_claims import reference_mismatch
    F = 2 if p >= 8 else 1
    t = time.perf_counter()
    fs = quantize(random_spec(n, d, layers=layers, heads=heads, causal=causal, precision=p, frac=F, seed=n), p, F)
    c = build_circuit(fs)
    rng = random.Random(n)
    bad = reference_mismatch(fs, c, [[rng.randrange(4) for _ in range(n)] for _ in range(8)])
    return args, c.size(), c.depth(), bad, time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-n", type=int, default=64)
    a = ap.parse_args(argv)
    ns = [n for n in list(range(1, 17)) + [32, 64] if n <= a.max_n]
    cells = [(n, d, p, causal, 1, 1) for d in (1, 2, 4) for p in (4, 8) for causal in (False, True) for n in ns]
    cells += [(n, 2, 4, causal, 2, 2) for causal in (False, True) for n in ns if n <= 32]
    cells.sort(key=lambda c: -c[0] * c[0] * c[1] * c[2])  # big first
    rows, failures = {}, 0
    t0 = time.perf_counter()
    with ProcessPoolExecutor(a.jobs) as ex:
        for (n, d, p, causal, L, H), size, depth, bad, dt in ex.map(cell, cells):
            key = (d, p, causal, L, H)
            r = rows.setdefault(key, {"cells": 0, "max_size": 0, "depths": set(), "time": 0.0})
            r["cells"] += 1
            r["max_size"] = max(r["max_size"], size)
            r["depths"].add(depth)
            r["time"] += dt
            if bad:
                failures += 1
                print(f"MISMATCH n={n} d={d} p={p} causal={causal} layers={L} heads={H}: {bad}", flush=True)
    print(f"{'d':>2} {'p':>2} {'causal':>6} {'L×H':>4} {'cells':>5} {'largest circuit':>16} {'depths':>14} {'time':>7}")
    for (d, p, causal, L, H), r in sorted(rows.items()):
        dep = f"{min(r['depths'])}..{max(r['depths'])}"
        print(f"{d:>2} {p:>2} {str(causal):>6} {f'{L}×{H}':>4} {r['cells']:>5} {r['max_size']:>16,} {dep:>14} "
              f"{r['time']:>6.1f}s")
    total = sum(r["cells"] for r in rows.values())
    print(f"{total} cells, {failures} mismatches, {time.perf_counter() - t0:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
