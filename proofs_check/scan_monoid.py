"""Prefix schedules checked exactly, in the free monoid.

A schedule (``constructions.scans.Schedule``) computes all prefixes of *every* associative operation iff it
computes them in the free monoid on its n inputs: the value of each output must be exactly the word
``x_0 x_1 ⋯ x_i`` (no random matrices, no modulus). A word is stored as its maximal runs of consecutive
symbols, so concatenation is exact and O(1) for the words a correct schedule makes: a combine of ``earlier``
and ``later`` is an interval ``[lo(earlier) .. hi(later)]`` exactly when both operands are intervals and
``hi(earlier) + 1 == lo(later)``; a word with two runs or more can never become an interval again (a
concatenation has at least as many runs as its first factor), so ``(lo, hi, interval?)`` per node decides the
free-monoid value of every output exactly.

``structure_problems`` re-derives the node model independently (levels independent, contiguous operands, no
dead nodes, prefix nodes covering ``[0..i]``); ``free_monoid_problems`` evaluates the schedule over the free
monoid; ``check_schedules`` runs both over all n in a range and returns a ``Verdict``.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .verdict import Verdict

__all__ = ["structure_problems", "free_monoid_words", "free_monoid_problems", "swap_level", "check_schedules"]


def structure_problems(s) -> list[str]:
    """Independent re-check of the node model; returns a list of problems."""
    problems = []
    n = s.n
    lo = list(range(n))
    hi = list(range(n))
    used = np.zeros(s.num_nodes, dtype=bool)
    first = n
    for L, lv in enumerate(s.levels):
        if lv.dtype != np.int64 or lv.ndim != 2 or lv.shape[1] != 2 or lv.shape[0] == 0:
            problems.append(f"level {L}: bad array {lv.dtype} {lv.shape}")
            continue
        if lv.min() < 0 or lv.max() >= first:
            problems.append(f"level {L}: reads a node of its own or a later level")
            continue
        for later, earlier in lv.tolist():
            if lo[later] != hi[earlier] + 1:
                problems.append(f"level {L}: non-contiguous ({later}, {earlier})")
            lo.append(lo[earlier])
            hi.append(hi[later])
        used[lv.ravel()] = True
        first += lv.shape[0]
    if first != s.num_nodes:
        problems.append("num_nodes does not match the levels")
    want_shape = (1,) if s.final_only else (n,)
    if s.prefix.shape != want_shape or s.prefix.dtype != np.int64:
        problems.append(f"bad prefix array {s.prefix.dtype} {s.prefix.shape}")
    else:
        want = [(0, n - 1)] if s.final_only else [(0, i) for i in range(n)]
        got = [(lo[v], hi[v]) if 0 <= v < len(lo) else None for v in s.prefix.tolist()]
        if got != want:
            problems.append("prefix nodes do not cover [0..i]")
        used[s.prefix] = True
    if not used[n:].all():
        problems.append(f"dead combine nodes: {np.flatnonzero(~used[n:]) + n}")
    if not problems and not np.array_equal(s.ranges, np.array([lo, hi]).T.reshape(-1, 2)):
        problems.append("Schedule.ranges disagrees")
    return problems


def _node_words(s):
    """Per node: (lo, hi, is_interval) of its free-monoid word, walking the levels (vectorised per level)."""
    N = s.num_nodes
    lo = np.zeros(N, dtype=np.int64)
    hi = np.zeros(N, dtype=np.int64)
    ok = np.zeros(N, dtype=bool)
    lo[: s.n] = hi[: s.n] = np.arange(s.n)
    ok[: s.n] = True
    off = s.n
    for lv in s.levels:
        later, earlier = lv[:, 0], lv[:, 1]
        k = lv.shape[0]
        lo[off: off + k] = lo[earlier]
        hi[off: off + k] = hi[later]
        ok[off: off + k] = ok[earlier] & ok[later] & (hi[earlier] + 1 == lo[later])
        off += k
    return lo, hi, ok


def free_monoid_words(s, symbols=None) -> list:
    """The outputs of schedule ``s`` over the free monoid, as lists of symbols (``symbols[i]`` for input i,
    default ``i``); exact (each word is rebuilt from its runs)."""
    sym = list(range(s.n)) if symbols is None else list(symbols)
    runs: list = [((i, i),) for i in range(s.n)]
    for lv in s.levels:
        for later, earlier in lv.tolist():
            a, b = runs[earlier], runs[later]
            if a[-1][1] + 1 == b[0][0]:
                runs.append(a[:-1] + ((a[-1][0], b[0][1]),) + b[1:])
            else:
                runs.append(a + b)
    return [[sym[j] for r in runs[v] for j in range(r[0], r[1] + 1)] for v in s.prefix.tolist()]


def free_monoid_problems(s) -> list[str]:
    """Outputs that are not the prefix words ``x_0 ⋯ x_i`` in the free monoid ([] when all are)."""
    lo, hi, ok = _node_words(s)
    pre = s.prefix
    want_hi = np.array([s.n - 1]) if s.final_only else np.arange(s.n)
    if pre.shape != want_hi.shape:
        return [f"{pre.shape[0]} outputs, expected {want_hi.shape[0]}"]
    bad = np.flatnonzero(~ok[pre] | (lo[pre] != 0) | (hi[pre] != want_hi))
    return [f"output {int(i)} is not x_0 ⋯ x_{int(want_hi[i])}" for i in bad[:3]]


def swap_level(s, L: int):
    """Negative control: the schedule with level L's operands swapped (later ↔ earlier)."""
    levels = list(s.levels)
    levels[L] = np.ascontiguousarray(levels[L][:, ::-1])
    return dataclasses.replace(s, levels=tuple(levels))


def check_schedules(names, n_max: int, mutate=None, structure: bool = True) -> Verdict:
    """Every schedule in ``names`` for n = 1..n_max, exactly over the free monoid (and, with ``structure``,
    the independent structure check). ``mutate(s) -> s`` breaks schedules (negative controls)."""
    from constructions.scans import schedule

    runs = 0
    for name in names:
        for n in range(1, n_max + 1):
            s = schedule(name, n)
            if mutate is not None:
                s = mutate(s)
            probs = free_monoid_problems(s)
            if structure and not probs:
                probs = structure_problems(s)
            runs += 1
            if probs:
                words = None
                if n <= 16:
                    words = [" ".join(f"x{j}" for j in w) for w in free_monoid_words(s)]
                return Verdict("not_equal", "free-monoid", why=f"{name}, n = {n}: {probs[0]}",
                               counterexample={"schedule": name, "n": n, "problems": probs[:3],
                                               "free_monoid_outputs": words},
                               evidence={"schedules_checked": runs})
    return Verdict("equal", "free-monoid", evidence={
        "scope": {"n": [1, n_max], "schedules": list(names)}, "runs": runs,
        "operator": "the free monoid on x_0..x_{n-1} (words as runs of consecutive symbols; exact)",
        "structure": "levels independent, operands contiguous, no dead nodes" if structure else "not checked"})
