"""Peak memory of ``lrnn-circuits stats`` per gate (issue 8, item 6).

Runs ``lrnn-circuits stats --model dense --n 1048576 --d 4 --json`` (184,546,352 gates) in a child process and
reads the child's peak resident set size from ``resource.getrusage(RUSAGE_CHILDREN)`` (the same figure as
``/usr/bin/time -v``'s "Maximum resident set size"). Target: at most 24 bytes per gate.

Usage: python benchmarks/bench_memory.py [--model dense] [--n 1048576] [--d 4]
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
TARGET = 24.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="dense")
    ap.add_argument("--n", type=int, default=1 << 20)
    ap.add_argument("--d", type=int, default=4)
    a = ap.parse_args()
    cmd = [sys.executable, "-m", "reports.cli", "stats", "--model", a.model, "--n", str(a.n), "--d", str(a.d),
           "--json"]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    t = time.perf_counter() - t0
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        raise SystemExit(f"{' '.join(cmd[2:])} failed (exit {res.returncode})")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kB on Linux
    gates = json.loads(res.stdout)["size"]
    per = peak / gates
    print(f"lrnn-circuits stats --model {a.model} --n {a.n} --d {a.d}: {gates:,} gates, {t:.1f} s")
    print(f"  peak RSS {peak / 2**30:.2f} GiB = {per:.1f} bytes/gate (target <= {TARGET:.0f}): "
          f"{'met' if per <= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
