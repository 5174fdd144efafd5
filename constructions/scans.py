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

import contextlib
import functools
import operator
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from circuits.errors import CircuitError, InternalError

from .common import ceil_log2 as _ceil_log2
from .common import floor_log2 as _floor_log2

__all__ = [
    "SCHEDULES",
    "Schedule",
    "schedule",
    "run",
    "closed_form",
    "exact_size",
    "exact_depth",
    "n_sym",
    "recording",
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
def __getattr__(name):  # sympy is imported on first use of the closed forms, not with the schedules
    if name == "n_sym":
        return _n_sym()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.lru_cache(maxsize=None)
def _n_sym():
    import sympy
    return sympy.Symbol("n", positive=True, integer=True)


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
        return int(self.level_offsets[-1]) - self.n

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
        sizes = np.fromiter(map(len, self.levels), dtype=np.int64, count=len(self.levels))
        return _readonly(np.cumsum(np.concatenate([[self.n], sizes]), dtype=np.int64))

    @functools.cached_property
    def ranges(self) -> np.ndarray:
        """``(num_nodes, 2)`` int64 array: node ``v`` covers inputs
        ``ranges[v, 0] .. ranges[v, 1]`` (inclusive)."""
        if self.depth > 64:  # deep (serial-like): pointer jumping, O(log depth) steps
            rows = np.concatenate(self.levels) if self.levels else np.empty((0, 2), dtype=np.int64)
            return _readonly(_jump_ranges(self.n, rows))
        return _readonly(_level_ranges(self.n, self.levels, self.num_nodes))

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
        raise CircuitError(f"unknown schedule {name!r}; valid names: {_VALID}")
    return name


def _check_n(n) -> int:
    if isinstance(n, bool):
        raise CircuitError(f"n must be an integer >= 1, got {n!r}")
    try:
        n = operator.index(n)
    except TypeError:
        raise CircuitError(f"n must be an integer >= 1, got {n!r}") from None
    if n < 1:
        raise CircuitError(f"n must be an integer >= 1, got {n} (valid schedules: {_VALID})")
    return n


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------
#
# Everything below is vectorised with numpy: a level is generated as index
# arrays, never as a Python loop over its combines, so building a schedule
# costs O(size) numpy work plus O(depth) Python steps (``serial``, whose
# depth is n - 1, is built in closed form).  The node model is checked while
# building, also vectorised:
#
# * position networks (sklansky, kogge-stone, brent-kung, ladner-fischer,
#   han-carlson) are checked in position space by :func:`_position_network`
#   (contiguity via range widths, one write per position and level, all
#   prefixes computed);
# * serial, blelloch and reduce are checked by :func:`_verify` against the
#   node ranges (level independence via id bounds, contiguity, prefixes).

_I64 = np.int64
#: A position level ``(i, j)``: position indices of equal length, each a
#: ``slice`` (explicit start >= 0, stop and step >= 1) or an int64 array
#: (``i`` strictly increasing).  It means ``cur[i] := combine(cur[i], cur[j])``
#: with all reads taken before the level's writes.
_PosLevel = tuple


def _arange(*args) -> np.ndarray:
    return np.arange(*args, dtype=_I64)


def _rows(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    out = np.empty((later.shape[0], 2), dtype=_I64)
    out[:, 0] = later
    out[:, 1] = earlier
    return out


def _index_len(ix, n: int, written: bool) -> int:
    """Number of positions of a position index, checking they lie in
    ``0..n-1`` and, for the ``written`` index, are strictly increasing (so
    a level writes each position at most once, in row order)."""
    if isinstance(ix, slice):
        if ix.step is None or ix.step < 1 or ix.start is None or ix.start < 0:
            raise InternalError("internal error: bad position slice")
        return len(range(ix.start, min(ix.stop, n), ix.step))
    k = ix.shape[0]
    if k:
        if written:
            ok = ix[0] >= 0 and ix[-1] < n and (ix[1:] > ix[:-1]).all()
        else:
            ok = ix.min() >= 0 and ix.max() < n
        if not ok:
            raise InternalError("internal error: bad positions in a level")
    return k


def _position_network(n: int, pair_levels: Iterable[_PosLevel]) -> tuple[list[np.ndarray], np.ndarray]:
    """Run a classical in-place prefix network on positions ``0..n-1``.

    Each level ``(i, j)`` (see ``_PosLevel``) means
    ``cur[i] := combine(cur[i], cur[j])`` with all reads taken before the
    level's writes; new nodes are numbered in row order.  Returns the
    non-empty levels (rows ``(later, earlier)``) and the final node per
    position, which is checked to hold the prefix ``[0..p]``.

    Checks, in position space: node ``cur[p]`` always covers a range ending
    at ``p``; with ``w[p]`` its width, the range is ``p - w[p] + 1 .. p``, so
    a combine is contiguous iff ``w[i] == i - j``.  Level independence holds
    by construction (``cur`` only holds ids of previous levels when a level
    is read), and a position network has no dead nodes: a node is either
    final (a prefix) or overwritten, and the combine overwriting ``cur[i]``
    reads it as its ``later`` operand.
    """
    pos = _arange(n)
    cur = pos.copy()
    w = np.ones(n, dtype=_I64)
    levels: list[np.ndarray] = []
    nxt = n
    for i, j in pair_levels:
        k = _index_len(i, n, written=True)
        if _index_len(j, n, written=False) != k:
            raise InternalError("internal error: operand index lengths differ")
        if k == 0:
            continue
        if isinstance(i, slice) and isinstance(j, slice) and i.step == j.step:
            diff = i.start - j.start  # i - j, constant
        else:
            diff = (i if isinstance(i, np.ndarray) else pos[i]) - (j if isinstance(j, np.ndarray) else pos[j])
        wi = w[i]
        if not (wi == diff).all():
            bad = int(np.flatnonzero(wi != diff)[0])
            a, b = int(pos[i][bad]), int(pos[j][bad])
            raise InternalError(
                f"non-contiguous combine: later covers [{a - w[a] + 1}..{a}],"
                f" earlier covers [{b - w[b] + 1}..{b}]"
            )
        levels.append(_rows(cur[i], cur[j]))
        w[i] = wi + w[j]
        cur[i] = pos[:k] + nxt  # k <= n: the written positions are distinct
        nxt += k
    if not np.array_equal(w, pos + 1):
        raise InternalError("internal error: position network does not compute all prefixes")
    return levels, cur


def _sklansky_pairs(n: int) -> Iterator[_PosLevel]:
    # Level d: in every aligned block of 2^(d+1) positions, each position of
    # the upper half combines with the last position of the lower half.
    for d in range(_ceil_log2(n)):
        h = 1 << d
        if h == 1:
            yield slice(1, n, 2), slice(0, n - 1, 2)
            continue
        i = (_arange(0, n, 2 * h)[:, None] + _arange(h, 2 * h)).ravel()
        i = i[: int(np.searchsorted(i, n))]
        yield i, (i | (h - 1)) - h


def _kogge_stone_pairs(n: int) -> Iterator[_PosLevel]:
    # Level d: every position i >= 2^d combines with position i - 2^d.
    for d in range(_ceil_log2(n)):
        h = 1 << d
        yield slice(h, n, 1), slice(0, n - h, 1)


def _brent_kung_pairs(n: int) -> Iterator[_PosLevel]:
    L = _floor_log2(n)
    # Up-sweep: level d combines positions i = m 2^(d+1) - 1 with i - 2^d.
    for d in range(L):
        h = 1 << d
        yield slice(2 * h - 1, n, 2 * h), slice(h - 1, n - h, 2 * h)
    # Down-sweep: level d combines positions i = m 2^(d+1) + 2^d - 1 (m >= 1)
    # with the finished prefix at i - 2^d (empty levels are skipped).
    for d in reversed(range(L)):
        h = 1 << d
        yield slice(3 * h - 1, n, 2 * h), slice(2 * h - 1, n - h, 2 * h)


def _odd(ix):
    """Position index p -> 2p + 1."""
    if isinstance(ix, slice):
        return slice(2 * ix.start + 1, 2 * ix.stop + 1, 2 * ix.step)
    return 2 * ix + 1


def _odd_even_pairs(n: int, inner: Callable[[int], Iterable[_PosLevel]]) -> Iterator[_PosLevel]:
    """One pairing level, ``inner`` on the odd positions, one fix-up level."""
    m = n // 2
    yield slice(1, 2 * m, 2), slice(0, 2 * m - 1, 2)
    for i, j in inner(m):
        yield _odd(i), _odd(j)
    yield slice(2, n, 2), slice(1, n - 1, 2)


def _serial(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Level t - 1 (t = 1..n-1) combines leaf t with the prefix [0..t-1]
    (leaf 0 for t = 1, else node n + t - 2) into node n + t - 1 = [0..t].
    Returns all rows, one per level, the prefix and the node ranges."""
    rows = np.empty((n - 1, 2), dtype=_I64)
    rows[:, 0] = _arange(1, n)
    rows[:1, 1] = 0
    rows[1:, 1] = _arange(n, 2 * n - 2)
    prefix = np.concatenate([[0], _arange(n, 2 * n - 1)]).astype(_I64)
    ranges = np.empty((2 * n - 1, 2), dtype=_I64)
    ranges[:n, 0] = ranges[:n, 1] = _arange(n)
    ranges[n:, 0] = 0
    ranges[n:, 1] = _arange(1, n)
    return rows, prefix, ranges


def _blelloch(n: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Blelloch's up-sweep/down-sweep scan without identity element.

    Conceptually the input is padded to N = 2^ceil(log2 n) with identity
    elements; every combine with an identity operand (pad elements, and the
    identity injected at the root of the down-sweep) is replaced by passing
    the other operand through.  The down-sweep value entering position p is
    the exclusive prefix E[p] = x_{p-1} o ... o x_0, i.e. the inclusive
    prefix P[p-1]; the inclusive scan is read off as P[i] = E[i+1] for
    i < n-1 and P[n-1] = up-sweep root (the total).  Nodes that only feed
    pad positions are removed afterwards by dead-node elimination
    (:func:`_prune`).  Returns the levels before pruning and the prefix.
    """
    K = _ceil_log2(n)
    N = 1 << K
    ABSENT = -1  # an identity (pad) value: combining with it is a no-op
    arr = np.full(N, ABSENT, dtype=_I64)
    arr[:n] = _arange(n)
    levels: list[np.ndarray] = []
    nxt = n

    def comb(later: np.ndarray, earlier: np.ndarray, dest: np.ndarray, out: np.ndarray) -> None:
        # out[dest] := later o earlier, a pass-through if one operand is ABSENT.
        nonlocal nxt
        both = (later != ABSENT) & (earlier != ABSENT)
        out[dest] = np.where(later == ABSENT, earlier, later)
        k = int(both.sum())
        if k:
            levels.append(_rows(later[both], earlier[both]))
            out[dest[both]] = _arange(nxt, nxt + k)
            nxt += k

    # Up-sweep (reduce): arr[i] := arr[i] o arr[i - 2^d] for i = m 2^(d+1) - 1.
    for d in range(K):
        i = _arange((2 << d) - 1, N, 2 << d)
        comb(arr[i], arr[i - (1 << d)], i, arr)
    root = int(arr[N - 1])
    # Down-sweep: a block [s, s + 2^(d+1)) with incoming exclusive prefix E[s]
    # passes E[s] to its left half and combine(sum of left half, E[s]) to its
    # right half.  E[0] is the identity, so those combines are dropped.
    E = np.full(N, ABSENT, dtype=_I64)
    for d in reversed(range(K)):
        s = _arange(0, N, 2 << d)
        comb(arr[s + (1 << d) - 1], E[s], s + (1 << d), E)
    prefix = np.concatenate([E[1:n], [root]]).astype(_I64)
    return levels, prefix


def _reduce(n: int) -> tuple[list[np.ndarray], np.ndarray]:
    cur = _arange(n)
    levels: list[np.ndarray] = []
    nxt = n
    while cur.shape[0] > 1:
        k = cur.shape[0] // 2
        levels.append(_rows(cur[1 : 2 * k : 2], cur[0 : 2 * k : 2]))
        cur = np.concatenate([_arange(nxt, nxt + k), cur[2 * k :]])
        nxt += k
    return levels, cur


def _prune(n: int, levels: list[np.ndarray], prefix: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Drop dead nodes and empty levels and renumber the survivors
    (consecutively, keeping their order)."""
    sizes = [lv.shape[0] for lv in levels]
    offs = np.cumsum([n] + sizes)
    live = np.zeros(int(offs[-1]), dtype=bool)
    live[prefix] = True
    for L in range(len(levels) - 1, -1, -1):
        sel = live[offs[L] : offs[L + 1]]
        used = levels[L][sel]
        live[used[:, 0]] = True
        live[used[:, 1]] = True
    new_id = np.empty(live.shape[0], dtype=_I64)
    new_id[:n] = _arange(n)
    new_id[n:] = n - 1 + np.cumsum(live[n:], dtype=_I64)  # valid for live nodes
    out = []
    for L, lv in enumerate(levels):
        kept = lv[live[offs[L] : offs[L + 1]]]
        if kept.shape[0]:
            out.append(new_id[kept])
    return out, new_id[prefix]


def _level_ranges(n: int, levels: Sequence[np.ndarray], num_nodes: int) -> np.ndarray:
    """Node ranges by propagating level by level (O(depth) numpy steps)."""
    r = np.empty((num_nodes, 2), dtype=_I64)
    r[:n, 0] = r[:n, 1] = _arange(n)
    off = n
    for lv in levels:
        k = lv.shape[0]
        r[off : off + k, 0] = r[lv[:, 1], 0]
        r[off : off + k, 1] = r[lv[:, 0], 1]
        off += k
    return r


def _jump_ranges(n: int, rows: np.ndarray) -> np.ndarray:
    """Node ranges by pointer jumping over all rows at once (O(log depth)
    numpy steps; for deep schedules).  The start of a node's range is the
    leaf reached by following ``earlier`` operands, its end the leaf reached
    by following ``later`` operands; operands always have smaller ids."""
    r = np.empty((n + rows.shape[0], 2), dtype=_I64)
    for col, follow in ((0, 1), (1, 0)):
        ptr = np.concatenate([_arange(n), rows[:, follow]])
        while True:
            nxt = ptr[ptr]
            if np.array_equal(nxt, ptr):
                break
            ptr = nxt
        r[:, col] = ptr
    return r


def _verify(name: str, n: int, rows: np.ndarray, sizes: Sequence[int], prefix: np.ndarray,
            final_only: bool, ranges: np.ndarray, claimed: bool) -> None:
    """Check the node model on all rows at once: every combine reads only
    earlier levels and is contiguous, and the prefixes are right.  If the
    ``ranges`` are ``claimed`` (not derived from the rows), also check they
    satisfy the definitions (leaves, start from earlier, end from later)."""
    sizes = np.asarray(sizes, dtype=_I64)
    offs = n + np.concatenate([[0], np.cumsum(sizes)])
    if rows.shape != (int(offs[-1]) - n, 2) or ranges.shape != (int(offs[-1]), 2) or (sizes <= 0).any():
        raise InternalError(f"internal error: {name} has inconsistent level data for n={n}")
    if rows.shape[0]:
        first = np.repeat(offs[:-1], sizes)
        if rows.min() < 0 or (np.maximum(rows[:, 0], rows[:, 1]) >= first).any():
            raise InternalError("combine reads a node of its own or a later level")
    lo, hi = ranges[:, 0], ranges[:, 1]
    if claimed and not (
        np.array_equal(lo[:n], _arange(n)) and np.array_equal(hi[:n], _arange(n))
        and np.array_equal(lo[n:], lo[rows[:, 1]]) and np.array_equal(hi[n:], hi[rows[:, 0]])
    ):
        raise InternalError(f"internal error: {name} node ranges are inconsistent for n={n}")
    bad = np.flatnonzero(lo[rows[:, 0]] != hi[rows[:, 1]] + 1)
    if bad.size:
        a, b = rows[bad[0]]
        raise InternalError(
            f"non-contiguous combine: later covers [{lo[a]}..{hi[a]}], earlier covers [{lo[b]}..{hi[b]}]"
        )
    want_hi = _arange(n - 1, n) if final_only else _arange(n)
    if not (prefix.shape == want_hi.shape and (lo[prefix] == 0).all() and np.array_equal(hi[prefix], want_hi)):
        raise InternalError(f"internal error: {name} does not compute the prefixes for n={n}")


def _freeze(name: str, n: int, levels: Sequence[np.ndarray], prefix: np.ndarray, final_only: bool) -> Schedule:
    levels = tuple(_readonly(np.ascontiguousarray(lv, dtype=_I64)) for lv in levels)
    return Schedule(name=name, n=n, levels=levels, prefix=_readonly(np.asarray(prefix, dtype=_I64)),
                    final_only=final_only)


def asap(n: int, levels: Sequence[np.ndarray], prefix: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Re-level a schedule so that every combine sits at its longest-path depth (as soon as possible).

    The textbook drawings of some networks place a combine at a later level than its operands need (Brent–Kung's
    first down-sweep level after the up-sweep root, though it does not read the root). In a circuit a node's
    depth is its longest path, so the schedule's levels are made to say the same: ``depth`` is then the
    circuit depth in combines and each level is a set of combines that can all run once the previous levels
    are done. Node ids are renumbered level by level, keeping the old order within a level."""
    if not levels:
        return list(levels), np.asarray(prefix)
    sizes = [lv.shape[0] for lv in levels]
    offs = [n]
    for k in sizes:
        offs.append(offs[-1] + k)
    depth = np.zeros(offs[-1], dtype=np.int32)
    # pieces[D] = the rows of new level D - 1, as (old level, None for all its rows | their row indices)
    pieces: list[list] = [[] for _ in levels]
    moved = False
    for L, lv in enumerate(levels):
        dl = depth[offs[L] : offs[L + 1]]
        np.maximum(np.take(depth, lv[:, 0]), np.take(depth, lv[:, 1]), out=dl)
        dl += 1
        lo = int(dl.min())  # a combine's depth is at most its level + 1
        if lo == L + 1:
            pieces[L].append((L, None))
            continue
        moved = True
        rel = dl - lo
        cnt = np.bincount(rel)
        # one stable sort of the level by depth (a radix sort: the depths of a level span a short range)
        order = np.argsort(rel.astype(np.uint16) if cnt.size <= 1 << 16 else rel, kind="stable")
        ends = np.cumsum(cnt).tolist()
        for v in np.flatnonzero(cnt).tolist():
            pieces[lo + v - 1].append((L, order[ends[v] - int(cnt[v]) : ends[v]]))
    if not moved:
        return list(levels), np.asarray(prefix)
    # new ids level by level, keeping the old order (old level, then row) within a level
    newid = np.arange(offs[-1], dtype=_I64)
    nxt = n
    for group in pieces:
        for L, sel in group:
            if sel is None:
                k = sizes[L]
                newid[offs[L] : offs[L] + k] = _arange(nxt, nxt + k)
            else:
                k = sel.shape[0]
                newid[offs[L] + sel] = _arange(nxt, nxt + k)
            nxt += k
    out = []
    for group in pieces:
        if not group:
            continue
        parts = [levels[L] if sel is None else np.take(levels[L], sel, axis=0) for L, sel in group]
        rows = parts[0] if len(parts) == 1 else np.concatenate(parts)
        out.append(np.take(newid, rows))
    return out, newid[np.asarray(prefix)]


_POSITION_NETWORKS: dict[str, Callable[[int], Iterable[_PosLevel]]] = {
    "sklansky": _sklansky_pairs,
    "kogge-stone": _kogge_stone_pairs,
    "brent-kung": _brent_kung_pairs,
    "ladner-fischer": lambda m: _odd_even_pairs(m, _sklansky_pairs),
    "han-carlson": lambda m: _odd_even_pairs(m, _kogge_stone_pairs),
}


@functools.lru_cache(maxsize=4096)
def _build(name: str, n: int) -> Schedule:
    if name == "serial":
        rows, prefix, ranges = _serial(n)
        _verify(name, n, rows, np.ones(n - 1, dtype=_I64), prefix, False, ranges, claimed=True)
        _readonly(rows)
        # one (1, 2) read-only view per level (iterating a 3-d array is fast)
        s = Schedule(name=name, n=n, levels=tuple(rows.reshape(-1, 1, 2)),
                     prefix=_readonly(prefix), final_only=False)
        s.__dict__["ranges"] = _readonly(ranges)  # cached_property slot, already computed
        return s
    if name in ("blelloch", "reduce"):
        final_only = name == "reduce"
        levels, prefix = _blelloch(n) if name == "blelloch" else _reduce(n)
        levels, prefix = asap(n, *_prune(n, levels, prefix))
        rows = np.concatenate(levels) if levels else np.empty((0, 2), dtype=_I64)
        ranges = _level_ranges(n, levels, n + rows.shape[0])
        _verify(name, n, rows, [lv.shape[0] for lv in levels], prefix, final_only, ranges, claimed=False)
        s = _freeze(name, n, levels, prefix, final_only)
        s.__dict__["ranges"] = _readonly(ranges)
        return s
    levels, prefix = asap(n, *_position_network(n, _POSITION_NETWORKS[name](n)))
    return _freeze(name, n, levels, prefix, final_only=False)


def schedule(name: str, n: int) -> Schedule:
    """The schedule ``name`` (one of :data:`SCHEDULES`) for ``n >= 1`` inputs.

    Results are cached and immutable.  Raises ``ValueError`` for an unknown
    name or ``n < 1``.
    """
    return _build(_check_name(name), _check_n(n))


# --------------------------------------------------------------------------
# Generic runner
# --------------------------------------------------------------------------

#: None, or the list of a :func:`recording` block: every scan built by :func:`run` (and by the LRNN builder)
#: then appends ``(schedule, node_wires)``, ``node_wires[v]`` the 1-d array of wire ids holding node v's value
#: (negative entries: parts not built). Drawings use it to group gates by combine; off, it costs one test.
_RECORD: list | None = None


@contextlib.contextmanager
def recording():
    """Record the scans built inside the block (see ``_RECORD``); yields the list they are appended to."""
    global _RECORD
    prev, _RECORD = _RECORD, []
    try:
        yield _RECORD
    finally:
        _RECORD = prev


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
        raise CircuitError(
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
            raise CircuitError(
                f"combine returned shape {out.shape}, expected {(k,) + trailing} "
                f"(leading axis = number of combines in the level)"
            )
        dt = np.result_type(store.dtype, out.dtype)
        if dt != store.dtype:
            store = store.astype(dt)
        store[off : off + k] = out
        off += k
    if _RECORD is not None:
        _RECORD.append((sched, [np.asarray(v).ravel() for v in store]))
    return store[sched.prefix]


# --------------------------------------------------------------------------
# Size / depth formulas
# --------------------------------------------------------------------------


def closed_form(name: str) -> tuple:
    """``(size, depth)`` as sympy expressions in :data:`n_sym`.

    Valid for ``n = 2^k`` with ``k >= 1`` only.  ``ladner-fischer`` and
    ``han-carlson`` have depth ``log2 n + 1`` for ``n >= 4``; for ``n = 2``
    their fix-up level is empty and the depth is 1, which the returned
    ``Piecewise`` states explicitly.  Sources: see ``docs/scans.md``.
    """
    _check_name(name)
    import sympy

    n = _n_sym()
    lg = sympy.log(n, 2)
    lf_hc_depth = sympy.Piecewise((1, sympy.Eq(n, 2)), (2, sympy.Eq(n, 4)), (lg + 1, True))
    bk_depth = sympy.Piecewise((1, sympy.Eq(n, 2)), (2 * lg - 2, True))
    forms = {
        "serial": (n - 1, n - 1),
        "sklansky": (n / 2 * lg, lg),
        "kogge-stone": (n * lg - n + 1, lg),
        "brent-kung": (2 * n - 2 - lg, bk_depth),
        "ladner-fischer": (n / 4 * lg + 3 * n / 4 - 1, lf_hc_depth),
        "han-carlson": (n / 2 * lg, lf_hc_depth),
        "blelloch": (2 * n - 2 - lg, bk_depth),
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
    """Longest path, in combines, of ``schedule(name, n)`` from a formula (derivations in ``docs/scans.md``).
    Raises ``NotImplementedError`` where none is provided (Blelloch for n not a power of two)."""
    _check_name(name)
    n = _check_n(n)
    if name == "serial":
        return n - 1
    if name in ("sklansky", "kogge-stone", "reduce"):
        return _ceil_log2(n)
    if name == "brent-kung":
        # depth D is first reached at n = 2^(j+1) − 1 (D = 2j) and n = 3·2^j − 1 (D = 2j + 1)
        if n == 1:
            return 0
        return max(2 * (_floor_log2(n + 1) - 1), 2 * _floor_log2((n + 1) // 3) + 1)
    if name in ("ladner-fischer", "han-carlson"):
        if n <= 2:
            return n - 1
        # pair level, inner network on m = n // 2 (its prefix i at depth ⌈log2(i+1)⌉), fix-up level. For even n
        # the last prefix comes from the inner network and needs no fix-up.
        m = n // 2
        if n % 2:
            return _ceil_log2(m) + 2
        return 1 + max(_ceil_log2(m), 1 + _ceil_log2(m - 1))
    if name == "blelloch":
        if n & (n - 1) == 0:
            return 0 if n == 1 else 1 if n == 2 else 2 * _floor_log2(n) - 2
        raise NotImplementedError("Blelloch depth has a formula for n = 2^k only (the padding makes it irregular)")
    raise NotImplementedError(f"no all-n depth formula for {name!r} (closed_form covers n = 2^k)")
