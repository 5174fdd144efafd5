"""Benchmark of the sweep executor on the Thm 2 exhaustive check: every instance with k vertices (k!·k², 246,960
for k = 7) through the graph-connectivity RNN, serially (one process), on N local processes, and optionally on
a Dask LocalCluster of N single-threaded worker processes (twice: with Dask's default worker environment, and
without its ``MALLOC_TRIM_THRESHOLD_=65536``, which slows this numpy-heavy sweep). Prints, per back end, the instances, errors, tasks,
the best of ``--repeat`` wall-clock times, the speed-up over the serial run, and the CPU seconds of that run
(of the serial run only: the local workers are children of the executor's forkserver and Dask's outlive the
run, so their CPU time is not visible here, shown "-"). CPU seconds well above wall seconds × 1 for the serial
row, or a speed-up well below the worker count, mean the machine was shared; the parallel-capacity probe says
how much.

BLAS is limited to one thread per process (``OPENBLAS_NUM_THREADS=1`` and friends, set before numpy loads,
unless already set), so that "serial" means one core and N workers mean N cores. The load average is printed
with the figures, and a probe of the parallelism the machine gives now (one pure-Python spin alone against N
at once in N processes): on a busy or throttled machine the speed-up is smaller, and the probe says how much.

Usage: python benchmarks/bench_sweep.py [--k 7] [--workers 2] [--repeat 3] [--dask]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _spin(_=None) -> int:
    s = 0
    for i in range(3_000_000):
        s += i
    return s


def capacity(workers: int) -> float:
    """The machine's parallelism now: time of one pure-Python spin divided by the time of ``workers`` spins in
    ``workers`` processes, × workers (about ``workers`` on idle cores, about 1 when only one core is free)."""
    import multiprocessing as mp
    t0 = time.perf_counter()
    _spin()
    one = time.perf_counter() - t0
    procs = [mp.Process(target=_spin) for _ in range(workers)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return workers * one / (time.perf_counter() - t0)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the local worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(k: int, repeat: int, **kw) -> tuple[dict, float, float]:
    """The result, the best wall-clock seconds, and the CPU seconds of that run."""
    from proofs_check.hardness_graph_claims import exhaustive
    best, cpu, r = float("inf"), 0.0, None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _cpu()
        r = exhaustive(k, progress=False, **kw)
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, _cpu() - c0
    return r, best, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dask", action="store_true", help="also a dask.distributed LocalCluster")
    a = ap.parse_args()
    print(f"Thm 2 exhaustive check, k = {a.k}; machine: {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f} at start; best of {a.repeat}; BLAS threads {os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"parallel capacity now: {capacity(a.workers):.2f} of {a.workers} (one pure-Python spin alone vs "
          f"{a.workers} at once in processes; the best speed-up to expect)")
    print(f"{'back end':<42} {'instances':>10} {'errors':>7} {'tasks':>6} {'seconds':>8} {'speed-up':>9} "
          f"{'CPU s':>7}")
    rows = [("serial (in-process)", {})]
    rows.append((f"{a.workers} local processes", {"workers": a.workers}))
    dask_rows = []
    if a.dask:
        try:
            import dask
            import distributed
        except ImportError:
            print("(dask[distributed] is not installed: no LocalCluster rows)")
        else:
            # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (distributed.nanny.pre-spawn-environ);
            # the second cluster starts them without it, to show what it costs this sweep's many numpy arrays
            env = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
            no_trim = {k: v for k, v in env.items() if k != "MALLOC_TRIM_THRESHOLD_"}
            dask_rows = [("Dask LocalCluster", env), ("Dask, no MALLOC_TRIM_THRESHOLD_", no_trim)]
    base = None

    def row(label, kw):
        nonlocal base
        r, sec, cpu = timed(a.k, a.repeat, **kw)
        base = base or sec
        cpu_text = f"{cpu:7.2f}" if not kw else f"{'-':>7}"  # workers' CPU is not this process's to see
        print(f"{label:<42} {r['instances']:>10,} {r['errors']:>7,} {r['cases']:>6,} {sec:>8.2f} "
              f"{base / sec:>8.2f}× {cpu_text}", flush=True)

    for label, kw in rows:
        row(label, kw)
    for label, spawn_env in dask_rows:  # one cluster at a time, closed before the next
        # the setting must hold while the cluster lives: nannies read it when they (re)start a worker; they
        # also leave it in this process's environment, which later workers would inherit, so drop it here
        if "MALLOC_TRIM_THRESHOLD_" not in spawn_env:
            os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        with dask.config.set({"distributed.nanny.pre-spawn-environ": spawn_env}), \
                distributed.LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=40) as cluster, \
                distributed.Client(cluster) as client:
            row(f"{label} ({a.workers}×1)", {"scheduler": client})
    print(f"load average {os.getloadavg()[0]:.2f} at the end")

if __name__ == "__main__":
    main()
