"""One executor for sweeps of independent cases: in-process, local processes, or a Dask cluster.

``sweep(fn, cases)`` applies ``fn`` to every case and returns the results **in case order**, whatever runs it:

* ``workers=None`` or ``1`` — in this process, one case after another;
* ``workers=N`` (N ≥ 2) — N local processes (:class:`concurrent.futures.ProcessPoolExecutor`, started by a
  ``forkserver``, so threads in this process cannot deadlock them), each with at most cores / N BLAS threads
  (``threadpoolctl``);
* ``scheduler="tcp://HOST:PORT"`` (or a :class:`distributed.Client`, or anything ``distributed.Client``
  accepts, such as a ``LocalCluster``) — a Dask distributed cluster. ``dask[distributed]`` is the optional extra
  ``lrnn-circuits[dask]``; without it, a one-line :class:`SweepError` says so.

Work is **chunked**: a task is a chunk of ``chunk_size`` consecutive cases, run one after another in one worker,
so a million cases cost about a thousand tasks (the default aims at :data:`TARGET_TASKS` tasks, at least
four per worker). Results are the same values in the same order on every back end (each case is run by the
same function, :func:`_run_chunk`, in-process too).

``fn`` must be picklable for the parallel back ends: a function defined at the top level of an importable module
(not a lambda or a closure). A case that raises stops the sweep with a :class:`SweepError` naming the case's
index and value and the original exception (type, message and the last traceback line).

Progress is a tqdm bar on standard error, counted in cases: shown when ``progress=True``, or by default when
standard error is a terminal and the sweep has more than one task; ``progress=False`` turns it off.

:func:`sweep_iter` is the lazy form for case streams too long to list: it takes any iterable, cuts it into
chunks as it goes, keeps a bounded number of chunks in flight, and yields the results in case order.
"""
from __future__ import annotations

import itertools
import math
import os
import pickle
import sys
import traceback
from collections import deque
from typing import Any, Callable, Iterable, Iterator

__all__ = ["sweep", "sweep_iter", "SweepError", "default_chunk_size", "TARGET_TASKS"]

TARGET_TASKS = 1000  # default number of tasks of a sweep whose length is known
LAZY_CHUNK = 256  # default chunk size when the number of cases is not known
IN_FLIGHT_PER_WORKER = 4  # chunks submitted ahead per worker (bounds memory for lazy streams)


class SweepError(RuntimeError):
    """A sweep could not run, or one of its cases raised (``index`` and ``case`` say which)."""

    def __init__(self, message: str, index: int | None = None, case: Any = None):
        super().__init__(message)
        self.index = index
        self.case = case

    def __reduce__(self):
        return (SweepError, (str(self), self.index, self.case))


def default_chunk_size(n_cases: int, workers: int = 1) -> int:
    """Cases per task: at most about max(:data:`TARGET_TASKS`, 4 per worker) tasks (one case per task when
    there are fewer cases)."""
    if n_cases <= 0:
        return 1
    tasks = min(n_cases, max(TARGET_TASKS, 4 * max(workers, 1)))
    return math.ceil(n_cases / tasks)


def _short(x: Any, limit: int = 120) -> str:
    s = repr(x)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _run_chunk(fn: Callable, start: int, chunk: list, keep: bool = False) -> tuple:
    """Run ``fn`` on each case of a chunk; ``("ok", results)`` or ``("error", index, case repr, message,
    where, exception)``.

    Errors are returned as plain strings (not raised), so that an exception that does not pickle still
    reaches the caller, and the caller raises one :class:`SweepError` for every back end alike. In-process
    (``keep``) the exception object rides along too and becomes the SweepError's ``__cause__``."""
    out = []
    for i, case in enumerate(chunk):
        try:
            out.append(fn(case))
        except Exception as e:  # reported with the case that raised it
            last = traceback.format_exc(limit=-1).strip().splitlines()
            where = next((ln.strip() for ln in reversed(last) if ln.strip().startswith("File ")), "")
            return ("error", start + i, _short(case), f"{type(e).__name__}: {e}", where, e if keep else None)
    return ("ok", out)


def _raise_case_error(res: tuple, case_of: Callable[[int], Any] | None = None):
    _, index, case_repr, message, where, cause = res
    case = case_of(index) if case_of else None
    msg = f"case {index} ({case_repr}) raised {message}".splitlines()[0]
    if where:
        msg += f" [{where}]"
    raise SweepError(msg, index=index, case=case) from cause


def _check_args(fn, workers, scheduler, chunk_size):
    if not callable(fn):
        raise SweepError(f"fn must be callable, got {type(fn).__name__}")
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise SweepError(f"workers must be an integer >= 1 or None, got {workers!r}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or isinstance(chunk_size, bool)
                                   or chunk_size < 1):
        raise SweepError(f"chunk_size must be an integer >= 1 or None, got {chunk_size!r}")
    if scheduler is not None and workers not in (None, 1):
        raise SweepError("give workers (local processes) or scheduler (a Dask cluster), not both")
    parallel = scheduler is not None or (workers or 1) > 1
    if parallel:
        try:
            pickle.dumps(fn)
        except Exception:
            raise SweepError(f"fn {getattr(fn, '__qualname__', fn)!r} cannot be sent to other processes: use a "
                             "function defined at the top level of a module (not a lambda or closure)") from None
    return parallel


def _progress_bar(progress, total, n_tasks, desc):
    if progress is False or (progress is None and (n_tasks <= 1 or not sys.stderr.isatty())):
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="case", file=sys.stderr, dynamic_ncols=True, leave=False)


# ---------------------------------------------------------------------------------------------------------
def sweep(fn: Callable[[Any], Any], cases: Iterable, *, workers: int | None = None, scheduler: Any = None,
          chunk_size: int | None = None, progress: bool | None = None, desc: str | None = None) -> list:
    """``[fn(c) for c in cases]``, run in-process, on ``workers`` local processes or on a Dask cluster
    (``scheduler``), in chunks of ``chunk_size`` cases; see the module docstring."""
    cases = list(cases)
    _check_args(fn, workers, scheduler, chunk_size)
    n_workers = workers or 1
    if scheduler is not None:
        n_workers = max(n_workers, 2)
    size = chunk_size or default_chunk_size(len(cases), n_workers)
    return list(_execute(fn, iter(cases), len(cases), size, workers, scheduler, progress, desc,
                         case_of=cases.__getitem__))


def sweep_iter(fn: Callable[[Any], Any], cases: Iterable, *, total: int | None = None, workers: int | None = None,
               scheduler: Any = None, chunk_size: int | None = None, progress: bool | None = None,
               desc: str | None = None) -> Iterator:
    """The lazy :func:`sweep`: ``cases`` may be a generator; chunks are cut as it is read, at most a few per
    worker are in flight, and the results are yielded in case order. ``total`` (optional) is the number of
    cases, for the progress bar and the default chunk size."""
    _check_args(fn, workers, scheduler, chunk_size)
    n_workers = max(workers or 1, 2 if scheduler is not None else 1)
    size = chunk_size or (default_chunk_size(total, n_workers) if total else LAZY_CHUNK)
    return _execute(fn, iter(cases), total, size, workers, scheduler, progress, desc)


def _chunks(it: Iterator, size: int) -> Iterator[tuple[int, list]]:
    start = 0
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield start, chunk
        start += len(chunk)


def _execute(fn, it, total, size, workers, scheduler, progress, desc, case_of=None) -> Iterator:
    n_tasks = math.ceil(total / size) if total is not None else 2
    bar = _progress_bar(progress, total, n_tasks, desc)
    try:
        if scheduler is not None:
            yield from _dask(fn, _chunks(it, size), scheduler, bar, case_of)
        elif (workers or 1) > 1:
            yield from _local(fn, _chunks(it, size), workers, bar, case_of)
        else:
            for start, chunk in _chunks(it, size):
                res = _run_chunk(fn, start, chunk, keep=True)
                if res[0] == "error":
                    _raise_case_error(res, case_of)
                if bar is not None:
                    bar.update(len(chunk))
                yield from res[1]
    finally:
        if bar is not None:
            bar.close()


def _ordered(submit, wait_one, chunks, width, bar, case_of):
    """Submit chunks with at most ``width`` in flight; yield their results in order. On an error (or when the
    caller stops reading) the chunks still in flight are cancelled."""
    pending = deque()  # (future, n_cases), in case order
    chunks = iter(chunks)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < width:
                nxt = next(chunks, None)
                if nxt is None:
                    exhausted = True
                    break
                start, chunk = nxt
                pending.append((submit(start, chunk), len(chunk)))
            if not pending:
                return
            fut, n = pending.popleft()
            res = wait_one(fut)
            if res[0] == "error":
                _raise_case_error(res, case_of)
            if bar is not None:
                bar.update(n)
            yield from res[1]
    finally:
        for fut, _ in pending:
            fut.cancel()


_BLAS_LIMIT = None  # kept alive in a worker process: the BLAS thread limit set by _limit_blas


def _limit_blas(threads: int) -> None:
    """Worker initializer: at most ``threads`` BLAS/OpenMP threads in this process, so that N workers do not
    each start one BLAS thread per core (N × cores threads on the machine's cores make numpy-heavy cases slower
    than one process)."""
    global _BLAS_LIMIT
    from threadpoolctl import threadpool_limits
    _BLAS_LIMIT = threadpool_limits(limits=threads)


def _local(fn, chunks, workers, bar, case_of):
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import multiprocessing

    # forkserver, not fork: the workers start from a fresh single-threaded server process, so a parent that runs
    # threads (BLAS pools, JAX) cannot leave a held lock in a child
    ex = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"),
                             initializer=_limit_blas, initargs=(max(1, (os.cpu_count() or 1) // workers),))
    try:
        yield from _ordered(lambda s, c: ex.submit(_run_chunk, fn, s, c), lambda f: f.result(),
                            chunks, workers * IN_FLIGHT_PER_WORKER, bar, case_of)
    except BrokenProcessPool as e:
        raise SweepError(f"a worker process died ({e}); a case may exhaust memory or crash the "
                         "interpreter — run it with workers=1 to see which") from None
    finally:  # on an error or an abandoned generator, do not run the chunks still queued
        ex.shutdown(wait=True, cancel_futures=True)


def _client(scheduler):
    try:
        import distributed
    except ImportError:
        raise SweepError("a Dask scheduler needs the optional extra dask[distributed] "
                         "(pip install 'lrnn-circuits[dask]')") from None
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    try:
        return distributed.Client(scheduler, timeout=os.environ.get("LRNN_DASK_TIMEOUT", "10s")), True
    except (OSError, TimeoutError, ValueError) as e:
        raise SweepError(f"cannot connect to the Dask scheduler {scheduler!r}: "
                         f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None


def _dask(fn, chunks, scheduler, bar, case_of):
    client, own = _client(scheduler)
    try:
        n = max(2, sum(client.nthreads().values()))
        yield from _ordered(lambda s, c: client.submit(_run_chunk, fn, s, c, pure=False),
                            lambda f: f.result(), chunks, n * IN_FLIGHT_PER_WORKER, bar, case_of)
    finally:
        if own:
            client.close()
