"""Parallel-prefix (scan) schedules as pure index data.

A *schedule* describes, independently of any operator, how to compute all
prefixes ``x_i o ... o x_0`` (or only the total, for ``reduce``) of a
sequence ``x_0 .. x_{n-1}`` with an associative, **not necessarily
commutative**, binary operation ``o`` (think: ``X_j @ ... @ X_i`` for
matrices, "apply later after earlier").

Node model
----------
* Leaves are nodes ``0 .. n-1`` (``x_0`` is the earliest input).
* Every combine node gets the next id ``n, n+1, ...`` in creation order.
* A combine row ``(later, earlier)`` denotes ``combine(value[later],
  value[earlier])``; ``later`` covers the contiguous input range that
  starts immediately *after* the range covered by ``earlier``.  Hence a
  node covering inputs ``[i..j]`` holds ``x_j o ... o x_i``.
* ``Schedule.levels[L]`` is an ``(k, 2)`` int64 array with columns
  ``(later, earlier)``.  The combines of one level are mutually independent
  and only read leaves or nodes of previous levels.  The ids of the nodes
  created by level ``L`` are consecutive, in row order, and follow all ids
  of previous levels.
* ``Schedule.prefix[i]`` is the node holding ``x_i o ... o x_0``.  For the
  ``reduce`` schedule (``final_only=True``) ``prefix`` has shape ``(1,)``
  and holds the node of the whole product.
* Schedules contain no dead combine nodes and no empty levels.

All arrays are read-only and schedules are cached, so they may be shared
freely.  See ``docs/scans.md`` for descriptions, sources and closed forms.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
import sympy

__all__ = [
    "SCHEDULES",
    "Schedule",
    "schedule",
    "run",
    "closed_form",
    "exact_size",
    "exact_depth",
    "n_sym",
]

SCHEDULES: tuple[str, ...] = (
    "serial",
    "sklansky",
    "kogge-stone",
    "brent-kung",
    "ladner-fischer",
    "han-carlson",
    "blelloch",
    "reduce",
)

#: The symbol used by :func:`closed_form`.
n_sym = sympy.Symbol("n", positive=True, integer=True)


# --------------------------------------------------------------------------
# Schedule container
# --------------------------------------------------------------------------


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Schedule:
    """An operator-agnostic prefix schedule (see the module docstring).

    ``levels`` is a tuple (an immutable sequence) of read-only ``(k, 2)``
    int64 arrays with columns ``(later, earlier)``; ``prefix`` is a
    read-only int64 array of shape ``(n,)`` (or ``(1,)`` if
    ``final_only``).
    """

    name: str
    n: int
    levels: tuple[np.ndarray, ...]
    prefix: np.ndarray
    final_only: bool = False

    @property
    def size(self) -> int:
        """Number of combine nodes."""
        return int(sum(lv.shape[0] for lv in self.levels))

    @property
    def depth(self) -> int:
        """Number of levels."""
        return len(self.levels)

    @property
    def num_nodes(self) -> int:
        """Leaves plus combine nodes."""
        return self.n + self.size

    @functools.cached_property
    def level_offsets(self) -> np.ndarray:
        """``offsets[L]`` = id of the first node created by level ``L``;
        ``offsets[depth] == num_nodes``.  Level ``L`` creates the ids
        ``range(offsets[L], offsets[L + 1])``."""
        sizes = [lv.shape[0] for lv in self.levels]
        return _readonly(np.cumsum([self.n] + sizes, dtype=np.int64))

    @functools.cached_property
    def ranges(self) -> np.ndarray:
        """``(num_nodes, 2)`` int64 array: node ``v`` covers inputs
        ``ranges[v, 0] .. ranges[v, 1]`` (inclusive)."""
        r = np.empty((self.num_nodes, 2), dtype=np.int64)
        r[: self.n, 0] = r[: self.n, 1] = np.arange(self.n)
        off = self.n
        for lv in self.levels:
            k = lv.shape[0]
            r[off : off + k, 0] = r[lv[:, 1], 0]
            r[off : off + k, 1] = r[lv[:, 0], 1]
            off += k
        return _readonly(r)

    def __repr__(self) -> str:  # arrays would make the default repr huge
        return (
            f"Schedule(name={self.name!r}, n={self.n}, size={self.size}, "
            f"depth={self.depth}, final_only={self.final_only})"
        )


# --------------------------------------------------------------------------
# Argument checking
# --------------------------------------------------------------------------

_VALID = ", ".join(SCHEDULES)


def _check_name(name: str) -> str:
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; valid names: {_VALID}")
    return name


def _check_n(n) -> int:
    if isinstance(n, bool):
        raise TypeError(f"n must be an integer >= 1, got {n!r}")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"n must be an integer >= 1, got {n!r}") from None
    if n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n} (valid schedules: {_VALID})")
    return n


def _ceil_log2(n: int) -> int:
    """ceil(log2 n) for n >= 1 (0 for n = 1)."""
    return (n - 1).bit_length()


def _floor_log2(n: int) -> int:
    """floor(log2 n) for n >= 1."""
    return n.bit_length() - 1


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------


class _Builder:
    """Creates combine nodes level by level and checks the node model
    (contiguity, level independence) while doing so."""

    def __init__(self, n: int):
        self.n = n
        self.lo = list(range(n))
        self.hi = list(range(n))
        self.levels: list[list[tuple[int, int]]] = []

    def level(self, pairs: Iterable[tuple[int, int]]) -> list[int]:
        """Add one level of combines ``(later, earlier)``; return new ids."""
        first = len(self.lo)
        rows, new = [], []
        for later, earlier in pairs:
            if not (0 <= later < first and 0 <= earlier < first):
                raise RuntimeError("combine reads a node of its own or a later level")
            if self.lo[later] != self.hi[earlier] + 1:
                raise RuntimeError(
                    f"non-contiguous combine: later covers [{self.lo[later]}..{self.hi[later]}],"
                    f" earlier covers [{self.lo[earlier]}..{self.hi[earlier]}]"
                )
            rows.append((later, earlier))
            new.append(len(self.lo))
            self.lo.append(self.lo[earlier])
            self.hi.append(self.hi[later])
        if rows:
            self.levels.append(rows)
        return new


def _position_network(n: int, pair_levels: Iterable[Sequence[tuple[int, int]]]) -> tuple[_Builder, list[int]]:
    """Run a classical in-place prefix network on positions ``0..n-1``.

    Each level is a list of position pairs ``(i, j)``, ``j < i``, meaning
    ``cur[i] := combine(cur[i], cur[j])`` with all reads taken before the
    level's writes.  Returns the builder and the final node per position.
    """
    b = _Builder(n)
    cur = list(range(n))
    for pairs in pair_levels:
        pairs = list(pairs)
        new = b.level((cur[i], cur[j]) for i, j in pairs)
        for (i, _), v in zip(pairs, new):
            cur[i] = v
    return b, cur


def _sklansky_pairs(n: int) -> list[list[tuple[int, int]]]:
    # Level d: in every aligned block of 2^(d+1) positions, each position of
    # the upper half combines with the last position of the lower half.
    out = []
    for d in range(_ceil_log2(n)):
        h = 1 << d
        out.append([(i, ((i >> (d + 1)) << (d + 1)) + h - 1) for i in range(n) if (i >> d) & 1])
    return out


def _kogge_stone_pairs(n: int) -> list[list[tuple[int, int]]]:
    # Level d: every position i >= 2^d combines with position i - 2^d.
    return [[(i, i - (1 << d)) for i in range(1 << d, n)] for d in range(_ceil_log2(n))]


def _serial_pairs(n: int) -> list[list[tuple[int, int]]]:
    return [[(t, t - 1)] for t in range(1, n)]


def _brent_kung_pairs(n: int) -> list[list[tuple[int, int]]]:
    L = _floor_log2(n)
    out = []
    # Up-sweep: level d combines positions i = m 2^(d+1) - 1 with i - 2^d.
    for d in range(L):
        out.append([(i, i - (1 << d)) for i in range((2 << d) - 1, n, 2 << d)])
    # Down-sweep: level d combines positions i = m 2^(d+1) + 2^d - 1 (m >= 1)
    # with the finished prefix at i - 2^d.
    for d in reversed(range(L)):
        lv = [(i, i - (1 << d)) for i in range(3 * (1 << d) - 1, n, 2 << d)]
        if lv:
            out.append(lv)
    return out


def _odd_even_pairs(n: int, inner: Callable[[int], list[list[tuple[int, int]]]]) -> list[list[tuple[int, int]]]:
    """One pairing level, ``inner`` on the odd positions, one fix-up level."""
    m = n // 2
    out = [[(2 * t + 1, 2 * t) for t in range(m)]]
    for lv in inner(m):
        out.append([(2 * i + 1, 2 * j + 1) for i, j in lv])
    out.append([(2 * t, 2 * t - 1) for t in range(1, (n + 1) // 2)])
    return out


def _blelloch(n: int) -> tuple[_Builder, list[int]]:
    """Blelloch's up-sweep/down-sweep scan without identity element.

    Conceptually the input is padded to N = 2^ceil(log2 n) with identity
    elements; every combine with an identity operand (pad elements, and the
    identity injected at the root of the down-sweep) is replaced by passing
    the other operand through.  The down-sweep value entering position p is
    the exclusive prefix E[p] = x_{p-1} o ... o x_0, i.e. the inclusive
    prefix P[p-1]; the inclusive scan is read off as P[i] = E[i+1] for
    i < n-1 and P[n-1] = up-sweep root (the total).  Nodes that only feed
    pad positions are removed afterwards by dead-node elimination.
    """
    K = _ceil_log2(n)
    N = 1 << K
    b = _Builder(n)
    ABSENT = -1  # an identity (pad) value: combining with it is a no-op
    arr = list(range(n)) + [ABSENT] * (N - n)

    def comb(later: int, earlier: int, pending: list) -> int | None:
        if later == ABSENT:
            return earlier
        if earlier == ABSENT:
            return later
        pending.append((later, earlier))
        return None

    # Up-sweep (reduce): arr[i] := arr[i] o arr[i - 2^d] for i = m 2^(d+1) - 1.
    for d in range(K):
        pending, slots = [], []
        for i in range((2 << d) - 1, N, 2 << d):
            r = comb(arr[i], arr[i - (1 << d)], pending)
            if r is None:
                slots.append(i)
            else:
                arr[i] = r
        for i, v in zip(slots, b.level(pending)):
            arr[i] = v
    root = arr[N - 1]
    # Down-sweep: a block [s, s + 2^(d+1)) with incoming exclusive prefix E[s]
    # passes E[s] to its left half and combine(sum of left half, E[s]) to its
    # right half.  E[0] is the identity, so those combines are dropped.
    E = {0: ABSENT}
    for d in reversed(range(K)):
        pending, slots = [], []
        for s in range(0, N, 2 << d):
            left_sum = arr[s + (1 << d) - 1]  # up-sweep value of [s, s + 2^d)
            r = comb(left_sum, E[s], pending)
            if r is None:
                slots.append(s + (1 << d))
            else:
                E[s + (1 << d)] = r
        for p, v in zip(slots, b.level(pending)):
            E[p] = v
    prefix = [E[i + 1] for i in range(n - 1)] + [root]
    return b, prefix


def _reduce(n: int) -> tuple[_Builder, list[int]]:
    b = _Builder(n)
    cur = list(range(n))
    while len(cur) > 1:
        new = b.level((cur[2 * t + 1], cur[2 * t]) for t in range(len(cur) // 2))
        cur = new + ([cur[-1]] if len(cur) % 2 else [])
    return b, cur


def _finalize(name: str, n: int, b: _Builder, prefix: list[int], final_only: bool) -> Schedule:
    """Check prefixes, drop dead nodes and empty levels, renumber, freeze."""
    want = [(0, n - 1)] if final_only else [(0, i) for i in range(n)]
    if [(b.lo[v], b.hi[v]) for v in prefix] != want:
        raise RuntimeError(f"internal error: {name} does not compute the prefixes for n={n}")
    total = len(b.lo)
    live = np.zeros(total, dtype=bool)
    live[prefix] = True
    rows = [row for lv in b.levels for row in lv]
    for v in range(total - 1, n - 1, -1):
        if live[v]:
            later, earlier = rows[v - n]
            live[later] = live[earlier] = True
    new_id = np.full(total, -1, dtype=np.int64)
    new_id[:n] = np.arange(n)
    nxt, old, levels = n, n, []
    for lv in b.levels:
        keep = []
        for later, earlier in lv:
            if live[old]:
                keep.append((new_id[later], new_id[earlier]))
                new_id[old] = nxt
                nxt += 1
            old += 1
        if keep:
            levels.append(_readonly(np.array(keep, dtype=np.int64).reshape(-1, 2)))
    pre = _readonly(new_id[np.asarray(prefix, dtype=np.int64)].copy())
    return Schedule(name=name, n=n, levels=tuple(levels), prefix=pre, final_only=final_only)


@functools.lru_cache(maxsize=4096)
def _build(name: str, n: int) -> Schedule:
    if name == "reduce":
        b, pre = _reduce(n)
        return _finalize(name, n, b, pre, final_only=True)
    if name == "blelloch":
        b, pre = _blelloch(n)
    else:
        pairs = {
            "serial": _serial_pairs,
            "sklansky": _sklansky_pairs,
            "kogge-stone": _kogge_stone_pairs,
            "brent-kung": _brent_kung_pairs,
            "ladner-fischer": lambda m: _odd_even_pairs(m, _sklansky_pairs),
            "han-carlson": lambda m: _odd_even_pairs(m, _kogge_stone_pairs),
        }[name](n)
        b, pre = _position_network(n, pairs)
    return _finalize(name, n, b, pre, final_only=False)


def schedule(name: str, n: int) -> Schedule:
    """The schedule ``name`` (one of :data:`SCHEDULES`) for ``n >= 1`` inputs.

    Results are cached and immutable.  Raises ``ValueError`` for an unknown
    name or ``n < 1``.
    """
    return _build(_check_name(name), _check_n(n))


# --------------------------------------------------------------------------
# Generic runner
# --------------------------------------------------------------------------


def run(sched: Schedule, leaves, combine: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Evaluate ``sched`` on ``leaves`` with a vectorised ``combine``.

    ``leaves``: array with leading axis ``n`` (any dtype, including object;
    any trailing shape).  ``combine(later, earlier)`` receives two arrays of
    shape ``(k,) + trailing`` (the stacked operands of one level) and must
    return an array of the same leading length and trailing shape.  It is
    called exactly once per level.  Returns the prefix values stacked along
    a new leading axis of length ``n`` (``1`` for a ``final_only``
    schedule).  If ``combine`` returns a wider dtype than ``leaves`` the
    storage is promoted (``np.result_type``).
    """
    leaves = leaves if isinstance(leaves, np.ndarray) else np.asarray(leaves)
    if leaves.ndim == 0 or leaves.shape[0] != sched.n:
        raise ValueError(
            f"leaves must have leading axis {sched.n} for schedule {sched.name!r}, got shape {leaves.shape}"
        )
    if sched.depth == 0:
        return leaves[sched.prefix]
    trailing = leaves.shape[1:]
    store = np.empty((sched.num_nodes,) + trailing, dtype=leaves.dtype)
    store[: sched.n] = leaves
    off = sched.n
    for lv in sched.levels:
        k = lv.shape[0]
        out = combine(store[lv[:, 0]], store[lv[:, 1]])
        out = out if isinstance(out, np.ndarray) else np.asarray(out)
        if out.shape != (k,) + trailing:
            raise ValueError(
                f"combine returned shape {out.shape}, expected {(k,) + trailing} "
                f"(leading axis = number of combines in the level)"
            )
        dt = np.result_type(store.dtype, out.dtype)
        if dt != store.dtype:
            store = store.astype(dt)
        store[off : off + k] = out
        off += k
    return store[sched.prefix]


# --------------------------------------------------------------------------
# Size / depth formulas
# --------------------------------------------------------------------------


def closed_form(name: str) -> tuple[sympy.Expr, sympy.Expr]:
    """``(size, depth)`` as sympy expressions in :data:`n_sym`.

    Valid for ``n = 2^k`` with ``k >= 1`` only.  ``ladner-fischer`` and
    ``han-carlson`` have depth ``log2 n + 1`` for ``n >= 4``; for ``n = 2``
    their fix-up level is empty and the depth is 1, which the returned
    ``Piecewise`` states explicitly.  Sources: see ``docs/scans.md``.
    """
    _check_name(name)
    n = n_sym
    lg = sympy.log(n, 2)
    lf_hc_depth = sympy.Piecewise((1, sympy.Eq(n, 2)), (lg + 1, True))
    forms = {
        "serial": (n - 1, n - 1),
        "sklansky": (n / 2 * lg, lg),
        "kogge-stone": (n * lg - n + 1, lg),
        "brent-kung": (2 * n - 2 - lg, 2 * lg - 1),
        "ladner-fischer": (n / 4 * lg + 3 * n / 4 - 1, lf_hc_depth),
        "han-carlson": (n / 2 * lg, lf_hc_depth),
        "blelloch": (2 * n - 2 - lg, 2 * lg - 1),
        "reduce": (n - 1, lg),
    }
    return forms[name]


def _popcount(x: int) -> int:
    return bin(x).count("1")


def _ones_at_bit(n: int, d: int) -> int:
    """#{0 <= i < n : bit d of i is 1} (full periods of 2^(d+1) plus the tail)."""
    period, half = 2 << d, 1 << d
    return (n // period) * half + max(0, n % period - half)


def _sklansky_size(n: int) -> int:
    # Position i is combined once for every 1 bit of i.
    return sum(_ones_at_bit(n, d) for d in range(_ceil_log2(n)))


def _kogge_stone_size(n: int) -> int:
    return sum(n - (1 << j) for j in range(_ceil_log2(n)))


def exact_size(name: str, n: int) -> int:
    """Number of combine nodes of ``schedule(name, n)`` from a formula
    (literature or derivation, see ``docs/scans.md``), for every ``n >= 1``.
    Raises ``NotImplementedError`` where no formula is provided."""
    _check_name(name)
    n = _check_n(n)
    if name in ("serial", "reduce"):
        return n - 1
    if name == "sklansky":
        return _sklansky_size(n)
    if name == "kogge-stone":
        return _kogge_stone_size(n)
    if name == "brent-kung":
        # sum_{d=0}^{floor(log2 n)} (floor(n/2^d) - 1) = 2n - popcount(n) - floor(log2 n) - 1
        return 2 * n - _popcount(n) - _floor_log2(n) - 1
    if name == "ladner-fischer":
        return n - 1 + _sklansky_size(n // 2) if n > 1 else 0
    if name == "han-carlson":
        return n - 1 + _kogge_stone_size(n // 2) if n > 1 else 0
    if name == "blelloch":
        # up-sweep: n - 1; down-sweep: sum_d floor((n-1-2^d) / 2^(d+1))
        # = (n - 1) - floor(log2(n - 1)) - 1   (see docs/scans.md)
        return 2 * n - 3 - _floor_log2(n - 1) if n > 1 else 0
    raise NotImplementedError(f"no all-n size formula for {name!r} (closed_form covers n = 2^k)")


def exact_depth(name: str, n: int) -> int:
    """Number of levels of ``schedule(name, n)`` from a formula, for every
    ``n >= 1``.  Raises ``NotImplementedError`` where none is provided."""
    _check_name(name)
    n = _check_n(n)
    if name == "serial":
        return n - 1
    if name in ("sklansky", "kogge-stone", "reduce"):
        return _ceil_log2(n)
    if name == "brent-kung":
        # floor(log2 n) up-sweep levels; down-sweep level d exists iff 3 * 2^d <= n.
        return _floor_log2(n) + (_floor_log2(n // 3) + 1 if n >= 3 else 0)
    if name in ("ladner-fischer", "han-carlson"):
        if n == 1:
            return 0
        # pairing level + inner network on n // 2 + fix-up level (empty iff n == 2)
        return 1 + _ceil_log2(n // 2) + (1 if n >= 3 else 0)
    if name == "blelloch":
        # ceil(log2 n) up-sweep levels; down-sweep level d is non-empty iff 3 * 2^d <= n - 1.
        return _ceil_log2(n) + (_floor_log2((n - 1) // 3) + 1 if n >= 4 else 0)
    raise NotImplementedError(f"no all-n depth formula for {name!r} (closed_form covers n = 2^k)")
