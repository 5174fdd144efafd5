"""The circuit IR: one columnar, append-only ``Circuit`` class.

Storage (one entry per wire; inputs and constants are wires too):

* ``op``     int8   op code (``circuits.ops``), with the ``WIDE`` bit for gates whose arguments are in the wide table
* ``arg0``   int32  first argument; for an input its element ordinal, for a constant its index in the constant
  table, for a wide gate its row in the wide table
* ``arg1``   int32  second argument, or -1
* ``depth``  int32  kept at append: 0 for inputs and constants, else 1 + max(depth of arguments)

The wide table (CSR) holds gates of unbounded fan-in (threshold gates, and/or/xor with more than two
arguments): row offsets, argument ids, integer weights and an integer threshold per row.

A gate can only name wires that already exist, so wire ids are a topological order by construction. Builder
calls are vectorised: they take numpy arrays of wire ids of any shape (broadcast together) and return an array
of new ids of the broadcast shape (a numpy integer scalar for shape ``()``).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from numbers import Integral

import numpy as np

from ._columns import Column
from ._graph import ARITY, WIRE, fanin_csr, level_plan, norm_const, ranges
from .errors import CircuitError, InternalError
from .names import check_name, element_names, parse_element
from .ops import ACTIVATIONS, BASES, BOOLEAN_VALUED, BY_NAME, NUM_CODES, OPS, WIDE

__all__ = ["Circuit", "WIRE", "extension"]

_I64 = np.iinfo(np.int64)
_CHUNK = 1 << 15  # gates per depth-gather chunk in _gates
#: calls that append at least this many gates record the exact depth range of their outputs (a *segment*);
#: smaller calls are merged into an "unknown" segment, so a long chain of small calls keeps one entry
_SEG_K = 1 << 11
_UNKNOWN_HI = 1 << 31  # depth bound of an unknown segment: [0, 2^31) never reads as uniform
#: a depth-range query over more segments than this gives up (and the depths are gathered)
_SEG_SPAN = 64


def _broadcast_shape(name: str, s1: tuple, s2: tuple) -> tuple:
    """numpy's broadcast shape of two shapes (in Python: cheaper than numpy for the tiny calls of a chain)."""
    n = max(len(s1), len(s2))
    out = []
    for x, y in zip((1,) * (n - len(s1)) + s1, (1,) * (n - len(s2)) + s2):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise CircuitError(f"{name}: shapes {s1} and {s2} do not broadcast")
    return tuple(out)


def _bincount(arr: np.ndarray, minlength: int = 0) -> np.ndarray:
    """``np.bincount`` of a big int column in chunks: bincount converts its input to intp (8 bytes per entry),
    which for a column of 10^8 wires would be a temporary bigger than the column."""
    step = 1 << 22
    if arr.size <= step:
        return np.bincount(arr, minlength=minlength)
    out = np.zeros(minlength, dtype=np.int64)
    for s in range(0, arr.size, step):
        part = np.bincount(arr[s : s + step], minlength=minlength)
        if part.size > out.size:
            part[: out.size] += out
            out = part
        else:
            out[: part.size] += part
    return out


def _bcast_into(dst: np.ndarray, src: np.ndarray, shape: tuple) -> None:
    """Write ``src`` broadcast to ``shape`` into the contiguous 1-D ``dst`` (C order).

    numpy copies a broadcast view with its innermost loop over the last axis, which is short here (d = 4
    for a matrix row). When the last broadcast axis is followed by a block of whole axes, that block is
    copied as one opaque item (a void dtype of the block's bytes), so the loops run over the long axes."""
    nd = len(shape)
    if src.ndim < nd:
        src = src.reshape((1,) * (nd - src.ndim) + src.shape)
    ss = src.shape
    p = -1
    for ax in range(nd - 1, -1, -1):
        if ss[ax] == 1 and shape[ax] != 1:
            p = ax
            break
    if p < 0 or p == nd - 1 or dst.size == 0:
        dst.reshape(shape)[...] = src
        return
    t = 1
    for x in ss[p + 1:]:
        t *= x
    src = np.ascontiguousarray(src)
    vt = np.dtype((np.void, src.itemsize * t))
    sv = src.reshape(ss[: p + 1] + (t,)).view(vt).reshape(ss[: p + 1])
    dv = dst.reshape(shape[: p + 1] + (t,)).view(vt).reshape(shape[: p + 1])
    dv[...] = sv

def _fill_affine(view: np.ndarray, first: np.ndarray, step) -> None:
    """Fill rows of ``view`` (rows × B) with ``first + j·step`` (row j; ``step`` None: all rows ``first``) by
    doubling: each pass copies the rows written so far, shifted, so every entry is written once."""
    rows = view.shape[0]
    if not rows:
        return
    view[0] = first
    k = 1
    while k < rows:
        m = min(k, rows - k)
        if step is None:
            view[k : k + m] = view[:m]
        else:
            np.add(view[:m], (step.astype(np.int64) * k).astype(view.dtype), out=view[k : k + m])
        k += m


# Deprecated aliases, kept importable while callers move to ``circuits._graph`` (``ranges``, ``ARITY``,
# ``norm_const``): proofs_check/equivalence/symbolic.py imports ``circuits.core._ranges``.
_ranges = ranges
_ARITY = ARITY
_norm_const = norm_const

# ---------------------------------------------------------------------------------------------------------
# Methods implemented in sibling modules (evaluation, symbolic view, I/O, drawing). Those modules depend on
# this one, not the other way round (the package's import graph has no cycle): each registers its entry
# points here with ``@extension(name)`` when it is imported, and ``circuits/__init__.py`` imports them all,
# which Python does before any ``circuits.*`` module can be used.
_EXTENSIONS: dict[str, Callable] = {}


def extension(name: str):
    """Decorator: register ``fn`` as the implementation behind the ``Circuit`` method ``name``."""
    def deco(fn):
        _EXTENSIONS[name] = fn
        return fn
    return deco


def _ext(name: str) -> Callable:
    fn = _EXTENSIONS.get(name)
    if fn is None:  # pragma: no cover - only if circuits/__init__.py stops importing a sibling module
        raise InternalError(f"Circuit.{name}: no implementation registered (circuits/__init__.py imports them)")
    return fn


class Circuit:
    """A circuit over a basis, built by vectorised append calls.

    ``Circuit(basis="arithmetic" | "boolean" | "threshold" | "mixed", fanin_limit=None)``. ``fanin_limit`` bounds
    the fan-in of variadic gates (and/or/xor/threshold); arithmetic gates always have fan-in ≤ 2.
    """

    def __init__(self, basis: str = "arithmetic", fanin_limit: int | None = None, capacity: int = 1024,
                 fold: bool = True):
        if basis not in BASES:
            raise CircuitError(f"unknown basis {basis!r}; choose one of {', '.join(BASES)}")
        if fanin_limit is not None and (not isinstance(fanin_limit, Integral) or fanin_limit < 2):
            raise CircuitError(f"fanin_limit must be an integer >= 2 or None, got {fanin_limit!r}")
        self.basis = basis
        self.fold = bool(fold)
        self.fanin_limit = None if fanin_limit is None else int(fanin_limit)
        self._allowed = BASES[basis]
        self._op = Column(np.int8, capacity)
        self._a0 = Column(WIRE, capacity)
        self._a1 = Column(WIRE, capacity)
        self._depth = Column(np.int32, capacity)
        self._w_off = Column(np.int64)
        self._w_off.extend(0)
        self._w_args = Column(WIRE)
        self._w_wts = Column(np.int64)
        self._w_theta = Column(np.int64)
        self._consts: list = []
        self._const_ids: dict = {}
        self._inputs: list[tuple[str, tuple, np.ndarray]] = []
        self._n_input_elems = 0
        self._outputs: list[tuple[str, tuple, np.ndarray]] = []
        self._used_names: dict[tuple, str] = {}  # (kind, name) -> "array" | "element" | "elements"
        self._size = 0
        self._cache: dict = {}
        # depth ranges of consecutive wire ranges (see _seg_add / _depth_range): starts, min, max
        self._seg_s: list[int] = []
        self._seg_lo: list[int] = []
        self._seg_hi: list[int] = []
        #: blocks repeated by ``repeat_block``: (first wire, block length, copies incl. the template, strides)
        self._repeats: list[tuple[int, int, int, np.ndarray]] = []

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "_repeats" not in state:
            self._repeats = []
        if "_seg_s" not in state:  # pickled before segments existed: one unknown segment
            self._seg_s, self._seg_lo, self._seg_hi = [0], [0], [_UNKNOWN_HI]

    # ------------------------------------------------------------------------------------------------------
    # basic facts
    def __len__(self) -> int:
        """Number of wires (inputs, constants and gates)."""
        return self._op.n

    @property
    def num_wires(self) -> int:
        return self._op.n

    def __repr__(self) -> str:
        return (f"<Circuit basis={self.basis} wires={len(self)} size={self.size()} depth={self.depth()} "
                f"inputs={self._n_input_elems} outputs={sum(ids.size for _, _, ids in self._outputs)}>")

    # ------------------------------------------------------------------------------------------------------
    # validation helpers
    def _ids(self, a) -> np.ndarray:
        arr = a if type(a) is np.ndarray else np.asarray(a)
        dt = arr.dtype
        if dt.kind not in "iu":
            if arr.size == 0 and dt.kind != "O":
                return arr.astype(WIRE)
            raise CircuitError(f"wire ids must be integers, got an array of {dt}")
        if arr.size:
            n = self._op.n
            # one pass: negative ids read as unsigned are huge, so a single max checks both ends
            u = arr if dt.kind == "u" else arr.view(dt.str.replace("i", "u"))
            if int(u.max()) >= n:
                lo, hi = int(arr.min()), int(arr.max())
                bad = lo if lo < 0 else hi
                raise CircuitError(f"wire {bad} does not exist (the circuit has {n} wires)")
        return arr if dt == WIRE else arr.astype(WIRE)

    def _ids_late(self, a) -> np.ndarray:
        """``_ids`` for the arguments of ``_gates``: a big array of ``WIRE`` ids is checked later, by ``_gates``,
        on the contiguous column it is copied to (one fast reduction pass instead of one over a strided view);
        smaller arrays and other dtypes are checked here."""
        if type(a) is np.ndarray and a.dtype == WIRE and a.size >= _SEG_K:
            return a
        return self._ids(a)

    def _check_op(self, name: str) -> None:
        if name not in self._allowed:
            raise CircuitError(f"{name} gates are not in the {self.basis} basis "
                               f"(it admits: {', '.join(sorted(self._allowed))})")

    def _touch(self) -> None:
        if self._cache:
            self._cache.clear()

    @staticmethod
    def _ret(ids: np.ndarray, shape: tuple):
        ids = ids.reshape(shape)
        return ids[()] if shape == () else ids

    # ------------------------------------------------------------------------------------------------------
    # append primitives
    def _append(self, code: int, a0: np.ndarray, a1: np.ndarray | None, depth: np.ndarray) -> np.ndarray:
        k = depth.size
        start = self._op.n
        self._op.extend_fill(code, k)
        self._a0.extend(a0)
        if a1 is None:
            self._a1.extend_fill(-1, k)
        else:
            self._a1.extend(a1)
        self._depth.extend(depth)
        if code > 1:
            self._size += k
        if k:
            if code <= 1:
                self._seg_add(start, k, 0, 0)
            elif k >= _SEG_K:
                self._seg_add(start, k, int(depth.min()), int(depth.max()))
            else:
                self._seg_add(start, k, 0, _UNKNOWN_HI)
        self._touch()
        return np.arange(start, start + k, dtype=WIRE)

    def _seg_add(self, start: int, k: int, lo: int, hi: int) -> None:
        """Record that wires ``start .. start+k-1`` (just appended) have depths in ``[lo, hi]``. Merged with the
        previous segment when both have the same range, and an unknown range absorbs small calls."""
        ss = self._seg_s
        if ss:
            plo, phi = self._seg_lo[-1], self._seg_hi[-1]
            if plo == lo and phi == hi:
                return
            if phi == _UNKNOWN_HI and k < _SEG_K:
                return  # a small call joins the unknown segment before it
        ss.append(start)
        if hi == _UNKNOWN_HI:
            lo = 0
        self._seg_lo.append(lo)
        self._seg_hi.append(hi)

    def _depth_range(self, lo_id: int, hi_id: int):
        """Bounds ``(min, max)`` of the depths of wires ``lo_id .. hi_id`` from the segments, or None if the range
        covers too many segments. Exact when the range lies in one segment of a uniform depth."""
        ss = self._seg_s
        i0 = bisect_right(ss, lo_id) - 1
        i1 = bisect_right(ss, hi_id) - 1
        if i0 < 0 or i1 - i0 > _SEG_SPAN:
            return None
        if i0 == i1:
            return self._seg_lo[i0], self._seg_hi[i0]
        return min(self._seg_lo[i0 : i1 + 1]), max(self._seg_hi[i0 : i1 + 1])

    def _unary(self, name: str, a):
        self._check_op(name)
        a = self._ids_late(a)
        return self._gates(BY_NAME[name].code, a, None)

    def _fold(self, name: str, a: np.ndarray, b: np.ndarray):
        """Identities known when the circuit is built: x·1 = x, x·0 = 0, x + 0 = x, x − 0 = x. Returns the
        result ids with -1 where a gate is still needed, or None if nothing folds."""
        zero = self._const_ids.get(0)
        one = self._const_ids.get(1)
        if zero is None and one is None:
            return None
        res = np.full(a.shape, -1, dtype=WIRE)
        if name == "mul":
            if one is not None:
                res = np.where(b == one, a, np.where(a == one, b, res))
            if zero is not None:
                res = np.where((a == zero) | (b == zero), zero, res)
        elif zero is not None:
            res = np.where(b == zero, a, res)
            if name == "add":
                res = np.where(a == zero, b, res)
        if not (res >= 0).any():
            return None
        return res.astype(WIRE)

    def _binary(self, name: str, a, b):
        self._check_op(name)
        a, b = self._ids_late(a), self._ids_late(b)
        small = shape = None
        if a.shape != b.shape:
            small = (a, b)  # the arguments before broadcasting: their depths are gathered once
            shape = _broadcast_shape(name, a.shape, b.shape)
        if self.fold and name in ("add", "sub", "mul") and (0 in self._const_ids or 1 in self._const_ids):
            self._ids(a)  # folded ids are returned as they are: check them first
            self._ids(b)
            if small is not None:
                a, b = np.broadcast_arrays(a, b)
            res = self._fold(name, a, b)
            if res is not None:
                need = res < 0
                if need.any():
                    res[need] = self._binary_gates(name, a[need], b[need])
                return self._ret(res, res.shape)
        return self._gates(BY_NAME[name].code, a, b, small, shape)

    def _binary_gates(self, name: str, a: np.ndarray, b: np.ndarray):
        return self._gates(BY_NAME[name].code, a, b)

    def _gates(self, code: int, a: np.ndarray, b: np.ndarray | None, small=None, shape=None):
        """Append one gate per element of ``a`` (and ``b``, same shape; None for unary gates), writing the
        columns in place. ``small`` = the arguments (not broadcast) when they have other shapes, and ``shape``
        then is their broadcast shape.
        Arguments of at least ``_SEG_K`` ids are checked here (see ``_ids_late``); on a bad id nothing is kept.

        Depths: when the arguments' id ranges lie in segments of one depth each (``_depth_range``), every new
        gate has the same depth and the column is filled; otherwise the arguments' depths are gathered, in
        chunks of ``_CHUNK`` gates from the argument columns just written, or once per element of a
        broadcast argument."""
        if shape is None:
            shape, k = a.shape, a.size
        else:
            k = 1
            for x in shape:
                k *= x
        start = self._op.n
        cols = (self._op, self._a0, self._a1, self._depth)
        sa, sb = small if small is not None else (a, b)
        if k < _SEG_K:  # small calls (a deep chain makes millions of them): the fewest Python and numpy calls
            end = start + k
            for col in cols:
                if end > col._arr.size:
                    col.reserve(k)
                col.n = end
            op_v, a0, a1, out = (col._arr[start:end] for col in cols)
            if k:
                op_v.fill(code)
                a0.reshape(shape)[...] = sa
                d = self._depth._arr
                o = out.reshape(shape)
                if b is None:
                    a1.fill(-1)
                    np.add(d[sa], 1, out=o)
                else:
                    a1.reshape(shape)[...] = sb
                    np.maximum(d[sa], d[sb], out=o)
                    o += 1
                del d, o
                if not self._seg_hi or self._seg_hi[-1] != _UNKNOWN_HI:
                    self._seg_add(start, k, 0, _UNKNOWN_HI)
            del op_v, a0, a1, out
            if code > 1:
                self._size += k
            if self._cache:
                self._cache.clear()
            ids = np.arange(start, start + k, dtype=WIRE)
            return ids.reshape(shape)[()] if shape == () else ids.reshape(shape)
        for col in cols:
            col.reserve(k)
        op_v, a0, a1, out = (col.grow_into(k) for col in cols)
        if k:
            op_v.fill(code)
            if sa.size == k:
                a0.reshape(shape)[...] = sa
            else:
                _bcast_into(a0, sa, shape)
            if b is None:
                a1.fill(-1)
            elif sb.size == k:
                a1.reshape(shape)[...] = sb
            else:
                _bcast_into(a1, sb, shape)
        lo = None
        if k >= _SEG_K:
            # id bounds of each argument (from the smaller of its own array and the column copy), which both
            # check the ids and bound their depths
            alo, ahi = self._id_bounds(sa, a0, k)
            blo, bhi = (0, 0) if b is None else self._id_bounds(sb, a1, k)
            if min(alo, blo) < 0 or max(ahi, bhi) >= start:
                for col in cols:
                    col.n = start
                bad = min(alo, blo) if min(alo, blo) < 0 else max(ahi, bhi)
                raise CircuitError(f"wire {bad} does not exist (the circuit has {start} wires)")
            ra = self._depth_range(alo, ahi)
            rb = (0, 0) if b is None else self._depth_range(blo, bhi)
            if ra is not None and rb is not None and ra[0] == ra[1] and rb[0] == rb[1]:
                lo = hi = max(ra[0], rb[0]) + 1
                out.fill(lo)
        if lo is None and k:
            ca = cb = None
            if k >= _SEG_K:  # an argument whose depth is uniform is a constant, not a gather
                ca = ra[0] if ra is not None and ra[0] == ra[1] else None
                cb = rb[0] if b is not None and rb is not None and rb[0] == rb[1] else None
            self._gather_depths(out, shape, a0, a1 if b is not None else None, sa, sb, ca, cb)
            if k >= _SEG_K:
                lo, hi = int(out.min()), int(out.max())
        if k:
            if lo is None:
                self._seg_add(start, k, 0, _UNKNOWN_HI)
            else:
                self._seg_add(start, k, lo, hi)
        del op_v, a0, a1, out
        if code > 1:
            self._size += k
        self._touch()
        ids = np.arange(start, start + k, dtype=WIRE)
        return ids.reshape(shape)[()] if shape == () else ids.reshape(shape)

    @staticmethod
    def _id_bounds(small: np.ndarray, col: np.ndarray, k: int) -> tuple[int, int]:
        src = small if 2 * small.size <= k else col
        return int(src.min()), int(src.max())

    def _gather_depths(self, out, shape, a0, a1, sa, sb, ca=None, cb=None) -> None:
        """``out = 1 + max(depth[a], depth[b])`` by gathers: a full-size argument is read from its column (in
        chunks, so the indices and values stay in cache); a broadcast one is gathered once and broadcast; an
        argument known to have one depth (``ca``/``cb``) is that constant."""
        d = self._depth._arr
        k = out.size
        if k <= _CHUNK and sa.size == k and (a1 is None or sb.size == k) and ca is None and cb is None:
            if a1 is None:
                np.add(np.take(d, a0, mode="wrap"), 1, out=out)
            else:
                np.maximum(np.take(d, a0, mode="wrap"), np.take(d, a1, mode="wrap"), out=out)
                out += 1
            return
        sides = [(a0, sa, ca)] if a1 is None else [(a0, sa, ca), (a1, sb, cb)]
        consts = [c for _, _, c in sides if c is not None]
        const = max(consts) if consts else None
        small = [np.take(d, sm, mode="wrap") for _, sm, c in sides if c is None and sm.size != k]
        full = [col for col, sm, c in sides if c is None and sm.size == k]
        started = False
        if small:
            if const is not None:
                np.maximum(small[0], const, out=small[0])
                const = None
            _bcast_into(out, small[0], shape)
            if len(small) > 1:
                tmp = np.empty(k, dtype=np.int32)
                _bcast_into(tmp, small[1], shape)
                np.maximum(out, tmp, out=out)
            started = True
        if full:
            tmp = np.empty(min(k, _CHUNK), dtype=np.int32)
            for s in range(0, k, _CHUNK):
                e = min(s + _CHUNK, k)
                o = out[s:e]
                for i, col in enumerate(full):
                    if i == 0 and not started:  # ids are checked: "wrap" only skips the buffering
                        np.take(d, col[s:e], out=o, mode="wrap")
                    else:
                        t = tmp[: e - s]
                        np.take(d, col[s:e], out=t, mode="wrap")
                        np.maximum(o, t, out=o)
                if const is not None:
                    np.maximum(o, const, out=o)
                o += 1
            return
        if not started:  # pragma: no cover - all sides constant is the uniform case, handled by _gates
            out.fill(const)
        elif const is not None:
            np.maximum(out, const, out=out)
        out += 1

    def _wide(self, name: str, args: np.ndarray, weights=None, theta=None):
        """Gates with their arguments on the last axis of ``args`` (shape S + (k,)), stored in the wide table."""
        k = args.shape[-1]
        if k < 1:
            raise CircuitError(f"{name} gates need at least one argument")
        if self.fanin_limit is not None and k > self.fanin_limit:
            raise CircuitError(f"{name} gate with fan-in {k} exceeds fanin_limit={self.fanin_limit}")
        shape = args.shape[:-1]
        m = int(np.prod(shape, dtype=np.int64))
        flat = args.reshape(m, k)
        d = self._depth.data
        depth = d[flat].max(axis=1) + 1 if m else np.zeros(0, np.int32)
        del d
        row0 = self._w_theta.n
        last = int(self._w_off.data[-1])
        self._w_off.extend(last + k * np.arange(1, m + 1, dtype=np.int64))
        self._w_args.extend(flat)
        if weights is None:
            self._w_wts.extend_fill(1, m * k)
        else:
            self._w_wts.extend(np.broadcast_to(weights, shape + (k,)).reshape(m, k))
        if theta is None:
            self._w_theta.extend_fill(0, m)
        else:
            self._w_theta.extend(np.broadcast_to(theta, shape).reshape(m))
        rows = np.arange(row0, row0 + m, dtype=WIRE)
        return self._ret(self._append(BY_NAME[name].code | WIDE, rows, None, depth.astype(np.int32)), shape)

    def _variadic(self, name: str, args):
        self._check_op(name)
        if len(args) == 1:
            stacked = self._ids(args[0])
            if stacked.ndim == 0:
                raise CircuitError(f"{name}: give two or more wire arrays, or one array whose last axis lists "
                                   f"the arguments")
        else:
            ids = [self._ids(a) for a in args]
            try:
                ids = np.broadcast_arrays(*ids)
            except ValueError:
                raise CircuitError(f"{name}: argument shapes {[a.shape for a in ids]} do not broadcast") from None
            stacked = np.stack(ids, axis=-1)
        k = stacked.shape[-1]
        if k == 2:
            return self._binary(name, stacked[..., 0], stacked[..., 1])
        return self._wide(name, stacked)

    # ------------------------------------------------------------------------------------------------------
    # public builders
    def input(self, name: str, shape=()):
        """Declare an input array; returns its wire ids (shape ``shape``)."""
        check_name(name)
        try:
            shape = tuple(int(s) for s in (shape if isinstance(shape, (tuple, list)) else (shape,)))
        except (TypeError, ValueError):
            raise CircuitError(f"input {name!r}: shape must be a tuple of integers, got {shape!r}") from None
        if any(s < 0 for s in shape):
            raise CircuitError(f"input {name!r}: negative dimension in shape {shape}")
        self._claim_name(name, shape, "input")
        m = int(np.prod(shape, dtype=np.int64))
        ordinals = np.arange(self._n_input_elems, self._n_input_elems + m, dtype=WIRE)
        ids = self._append(0, ordinals, None, np.zeros(m, np.int32)).reshape(shape)
        ids.flags.writeable = False
        self._inputs.append((name, shape, ids))
        self._n_input_elems += m
        return ids[()] if shape == () else ids

    def _claim_name(self, name: str, shape: tuple, kind: str) -> None:
        base, idx = parse_element(name)
        used = self._used_names
        if idx and shape != ():
            raise CircuitError(f"{kind} {name!r}: an indexed name must be a scalar")
        if (kind, name) in used:
            raise CircuitError(f"{kind} name {name!r} is already used")
        if idx:
            if used.get((kind, base)) == "array":
                raise CircuitError(f"{kind} name {name!r} clashes with the {kind} array {base!r}")
            used[(kind, name)] = "element"
            used[(kind, "[]" + base)] = "elements"
        else:
            if (kind, "[]" + name) in used:
                raise CircuitError(f"{kind} name {name!r} clashes with {kind} elements named {name}[...]")
            used[(kind, name)] = "array"

    def const(self, value, shape=()):
        """Constant wire(s). ``value`` is a number (int, Fraction, ``"p/q"``, float taken exactly) or an array of
        numbers; equal constants share one wire. Constants have depth 0 and are not counted in ``size()``."""
        shape = tuple(shape) if isinstance(shape, (tuple, list)) else (int(shape),)
        arr = np.asarray(value, dtype=object) if not isinstance(value, str) else np.array(value, dtype=object)
        if arr.ndim == 0:
            wid = self._const_id(arr[()])
            return self._ret(np.full(int(np.prod(shape, dtype=np.int64)), wid, dtype=WIRE), shape)
        ids = np.array([self._const_id(v) for v in arr.ravel()], dtype=WIRE).reshape(arr.shape)
        if shape != ():
            ids = np.broadcast_to(ids, shape).copy()
        return ids

    def _const_id(self, value) -> int:
        v = norm_const(value)
        if self.basis in BOOLEAN_VALUED and v not in (0, 1):
            raise CircuitError(f"constant {v} is not 0 or 1, as the {self.basis} basis requires")
        wid = self._const_ids.get(v)
        if wid is None:
            idx = len(self._consts)
            self._consts.append(v)
            wid = int(self._append(1, np.array([idx], WIRE), None, np.zeros(1, np.int32))[0])
            self._const_ids[v] = wid
        return wid

    def add(self, a, b):
        return self._binary("add", a, b)

    def sub(self, a, b):
        """``a − b`` (argument order matters)."""
        return self._binary("sub", a, b)

    def mul(self, a, b):
        return self._binary("mul", a, b)

    def neg(self, a):
        return self._unary("neg", a)

    def and_(self, *args):
        """AND of two or more wire arrays (broadcast), or of one array along its last axis."""
        return self._variadic("and", args)

    def or_(self, *args):
        return self._variadic("or", args)

    def xor(self, *args):
        return self._variadic("xor", args)

    def not_(self, a):
        return self._unary("not", a)

    def threshold(self, args, weights, theta):
        """Threshold gates ``[Σ wᵢ·xᵢ ≥ θ]``: the arguments of each gate lie on the last axis of ``args``;
        ``weights`` broadcasts to ``args``, ``theta`` to ``args.shape[:-1]``. Weights and θ are integers."""
        self._check_op("threshold")
        args = self._ids(args)
        if args.ndim == 0:
            args = args.reshape(1)
        w = self._int_param(weights, "weight")
        t = self._int_param(theta, "threshold θ")
        try:
            w = np.broadcast_to(w, args.shape)
            t = np.broadcast_to(t, args.shape[:-1])
        except ValueError:
            raise CircuitError(f"threshold: weights {np.shape(weights)} / theta {np.shape(theta)} do not fit "
                               f"arguments of shape {args.shape}") from None
        return self._wide("threshold", args, w, t)

    @staticmethod
    def _int_param(v, what: str) -> np.ndarray:
        arr = np.asarray(v)
        if arr.dtype == object or np.issubdtype(arr.dtype, np.floating):
            flat = arr.ravel()
            try:
                ok = all(x == int(x) for x in flat)
            except (TypeError, ValueError, OverflowError):
                ok = False
            if not ok:
                raise CircuitError(f"threshold {what}s must be integers (scale rational weights first)")
            if flat.size and max(abs(int(x)) for x in flat) > _I64.max:
                raise CircuitError(f"threshold {what} out of the int64 range")
            return np.array([int(x) for x in flat], dtype=np.int64).reshape(arr.shape)
        if not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool):
            raise CircuitError(f"threshold {what}s must be integers, got {arr.dtype}")
        return arr.astype(np.int64)

    def act(self, kind: str, a):
        """Activation gates: ``relu`` (max(0, x)), ``step`` (1 if x ≥ 0 else 0), ``sigmoid``, ``tanh``, ``exp``
        (these three evaluate over floats only) and ``recip`` (1/x: floats, or exact rationals)."""
        if kind not in ACTIVATIONS:
            raise CircuitError(f"unknown activation {kind!r}; choose one of {', '.join(ACTIVATIONS)}")
        return self._unary(kind, a)

    def gate(self, op: str, *args):
        """Generic builder by op name (``"add"``, ``"and"``, ``"relu"``, …); not for inputs/constants/threshold."""
        spec = BY_NAME.get(op)
        if spec is None or op in ("input", "const", "threshold"):
            raise CircuitError(f"gate(): unknown or unsupported op {op!r}")
        if spec.arity is None:
            return self._variadic(op, args)
        if len(args) != spec.arity:
            raise CircuitError(f"{op} takes {spec.arity} argument(s), got {len(args)}")
        return self._unary(op, *args) if spec.arity == 1 else self._binary(op, *args)

    def output(self, name: str, ids) -> None:
        """Declare an output array (names expand like inputs)."""
        check_name(name)
        ids = self._ids(ids)
        self._claim_name(name, ids.shape, "output")
        ids = ids.copy()
        ids.flags.writeable = False
        self._outputs.append((name, ids.shape, ids))
        self._touch()

    def repeat_block(self, lo: int, hi: int, copies: int, strides=None) -> np.ndarray:
        """Append ``copies`` copies of the block of gates ``lo .. hi-1`` (the last wires appended: ``hi`` must be
        ``len(self)``), one after the other, with every argument moved by a fixed stride per copy: in copy
        ``j`` (``j = 1 .. copies``, the block itself is copy 0) gate ``g + j·B`` (``B = hi − lo``) has op
        ``op[g]`` and arguments ``arg + j·stride``. The result is the circuit that the builder calls making
        the block would give once more per copy — the same wires in the same order, the same depths — in a
        few numpy passes over the new columns (a chain of n equal steps costs O(1) Python calls, not O(n)).

        ``strides`` is an int array of shape ``(B, 2)`` (per gate: arg0's and arg1's stride; unary gates'
        second entry is ignored), or None: the differences between the block's arguments and those of the
        block before it (``lo − B .. lo − 1``, which must have the same ops), i.e. the copies continue the
        pattern of the last two blocks. An argument with stride ``B`` that lies in the block or in the block
        before it follows the copies (it names a wire of the same or of the previous copy); any other argument
        must name a wire that exists before the first copy, in every copy. Gates of the wide table cannot be
        repeated. Returns the new ids, shape ``(copies, B)``.

        Depths are computed without a pass per copy once they grow periodically: after copy j, when every
        gate's deepest argument grows by the gate's own growth and no argument grows faster, copy j + 1 grows
        the same way, and so does every later copy (checked at every copy until it holds)."""
        lo, hi, copies = int(lo), int(hi), int(copies)
        n = self._op.n
        B = hi - lo
        if hi != n or B < 1 or lo < 0:
            raise CircuitError(f"repeat_block: the block must be the last gates appended (lo < hi = {n}), "
                               f"got lo={lo}, hi={hi}")
        if copies < 0:
            raise CircuitError(f"repeat_block: copies must be >= 0, got {copies}")
        op = self._op.data[lo:hi].copy()
        if (op.astype(np.int64) & ~WIDE).min() < 2 or (op.view(np.uint8) & WIDE).any():
            raise CircuitError("repeat_block: the block may hold only gates with one or two arguments "
                               "(no inputs, constants or wide gates)")
        A = np.stack([self._a0.data[lo:hi], self._a1.data[lo:hi]], axis=1).astype(np.int64)
        unary = ARITY[op] == 1
        if strides is None:
            if lo - B < 0 or not np.array_equal(self._op.data[lo - B : lo], op):
                raise CircuitError("repeat_block: strides=None needs the block before the block to have the same "
                                   "ops")
            P = np.stack([self._a0.data[lo - B : lo], self._a1.data[lo - B : lo]], axis=1).astype(np.int64)
            st = A - P
        else:
            st = np.array(strides, dtype=np.int64)
            if st.shape != (B, 2):
                raise CircuitError(f"repeat_block: strides must have shape ({B}, 2), got {st.shape}")
        A[unary, 1] = A[unary, 0]  # for the depths: a unary gate's second argument is its first
        st[unary, 1] = st[unary, 0]
        per = (st == B) & (A >= lo - B)  # follows the copies: same copy (>= lo) or the previous one
        ext = ~per
        if copies and ext.any():
            ea, es = A[ext], st[ext]
            last = np.maximum(ea + es, ea + copies * es)
            first = np.minimum(ea + es, ea + copies * es)
            if int(last.max()) >= hi or int(first.min()) < 0:
                raise CircuitError("repeat_block: an argument names a wire that is neither in the same or the "
                                   "previous copy (stride B) nor one existing before the copies, in every copy")
        if not copies:
            return np.zeros((0, B), dtype=WIRE)
        total = copies * B
        if n + total >= 2**31:
            raise CircuitError("repeat_block: too many wires for int32 ids")
        dcol = self._depth.data
        # depth sources: buf = [depths of the previous copy (B) | this copy (B) | external arguments (X)]
        ext_a, ext_s = A[ext], st[ext]
        X = ext_a.size
        idx = np.empty((B, 2), dtype=np.int64)
        idx[per] = A[per] - (lo - B)  # previous copy: 0 .. B-1, this copy: B .. 2B-1
        idx[ext] = 2 * B + np.arange(X)
        # external depths per copy: constant for stride 0, else gathered (copies, X_strided)
        E0 = dcol[ext_a].astype(np.int64)  # copy 0
        moving = np.flatnonzero(ext_s != 0)
        Em = None
        if moving.size:
            jj = np.arange(1, copies + 1, dtype=np.int64)[:, None]
            Em = dcol[ext_a[moving][None, :] + jj * ext_s[moving][None, :]].astype(np.int64)  # (copies, M)
            dE = np.diff(np.concatenate([E0[moving][None, :], Em]), axis=0)
            bad = np.flatnonzero(~(dE == dE[-1]).all(axis=1))
            affine_from = int(bad[-1]) + 1 if bad.size else 0  # copies >= this (1-based) grow affinely
            eps = np.zeros(X, dtype=np.int64)
            eps[moving] = dE[-1]
        else:
            affine_from = 0
            eps = np.zeros(X, dtype=np.int64)
        # levels inside the block (gates whose in-copy arguments are done)
        inner = per & (A >= lo)
        lvl = np.zeros(B, dtype=np.int64)
        if inner.any():
            rel = (A - lo).tolist()
            inn = inner.tolist()
            lv = lvl.tolist()
            for s in range(B):
                m = 0
                for k in (0, 1):
                    if inn[s][k]:
                        m = max(m, lv[rel[s][k]] + 1)
                lv[s] = m
            lvl = np.array(lv, dtype=np.int64)
        order = np.argsort(lvl, kind="stable")
        cuts = np.searchsorted(lvl[order], np.arange(int(lvl.max()) + 2))
        steps = [(order[cuts[L] : cuts[L + 1]], idx[order[cuts[L] : cuts[L + 1]]]) for L in range(len(cuts) - 1)
                 if cuts[L + 1] > cuts[L]]
        buf = np.empty(2 * B + X, dtype=np.int64)
        buf[2 * B :] = E0
        D_prev = dcol[lo:hi].astype(np.int64)  # copy 0
        rows = []  # depths of copies 1 .. j computed one by one
        grow = np.empty(2 * B + X, dtype=np.int64)
        grow[2 * B :] = eps
        steady = None
        check_every = 1
        for j in range(1, copies + 1):
            buf[:B] = D_prev
            if Em is not None:
                buf[2 * B + moving] = Em[j - 1]
            for sl, ix in steps:
                buf[B + sl] = np.maximum(buf[ix[:, 0]], buf[ix[:, 1]]) + 1
            D = buf[B : 2 * B].copy()
            rows.append(D)
            if j >= affine_from and j % check_every == 0:
                delta = D - D_prev
                grow[:B] = delta
                grow[B : 2 * B] = delta
                g = grow[idx]
                v = buf[idx] + 1
                ok = (g <= delta[:, None]).all() and (((v == D[:, None]) & (g == delta[:, None])).any(axis=1)).all()
                if ok:
                    steady = (j, D, delta)
                    break
                if j >= 64:
                    check_every = 1024
            D_prev = D
        start = n
        cols = (self._op, self._a0, self._a1, self._depth)
        for col in cols:
            col.reserve(total)
        op_v, a0_v, a1_v, d_v = (col.grow_into(total).reshape(copies, B) for col in cols)
        _fill_affine(op_v, op, None)
        _fill_affine(a0_v, (A[:, 0] + st[:, 0]).astype(WIRE), st[:, 0].astype(WIRE))
        a1_first = np.where(unary, -1, A[:, 1] + st[:, 1]).astype(WIRE)
        _fill_affine(a1_v, a1_first, np.where(unary, 0, st[:, 1]).astype(WIRE))
        known = len(rows)
        d_v[:known] = np.array(rows, dtype=np.int32).reshape(known, B)
        dlo = int(d_v[:known].min())
        dhi = int(d_v[:known].max())
        if known < copies:
            j0, D0, delta = steady
            _fill_affine(d_v[known - 1 :], D0.astype(np.int32), delta.astype(np.int32))
            endD = D0 + (copies - j0) * delta
            dlo, dhi = min(dlo, int(endD.min())), max(dhi, int(endD.max()))
        del op_v, a0_v, a1_v, d_v
        if total >= _SEG_K:
            self._seg_add(start, total, dlo, dhi)
        else:
            self._seg_add(start, total, 0, _UNKNOWN_HI)
        self._size += total
        out_st = st.copy()
        out_st[unary, 1] = 0
        self._repeats.append((lo, B, copies + 1, out_st))
        self._touch()
        return np.arange(start, start + total, dtype=WIRE).reshape(copies, B)

    def repeated_blocks(self) -> list:
        """The blocks ``repeat_block`` appended, as ``(lo, B, count, strides)``: wires ``lo .. lo + count·B − 1``
        are ``count`` copies of the block ``lo .. lo + B − 1`` (itself included), arguments moving by
        ``strides`` (shape (B, 2), read-only) per copy. Loaded circuits have none (the columns say the same)."""
        out = []
        for lo, B, count, st in self._repeats:
            v = st.view()
            v.flags.writeable = False
            out.append((lo, B, count, v))
        return out

    def embed(self, other: "Circuit", inputs: dict) -> dict:
        """Copy ``other``'s gates into this circuit, feeding its inputs from wires of this one.

        ``inputs`` maps each input array name of ``other`` to wire ids of the same shape here. Returns
        ``other``'s outputs as a dict name → wire ids here. One batched call per (depth, op) group of
        ``other``; the copied gates go through the normal builders, so this circuit's basis and fan-in limit
        are enforced and constant identities fold."""
        names = [nm for nm, _, _ in other._inputs]
        missing = [nm for nm in names if nm not in inputs]
        if missing:
            raise CircuitError(f"embed: missing input {missing[0]!r}")
        extra = [k for k in inputs if k not in names]
        if extra:
            raise CircuitError(f"embed: unknown input {extra[0]!r}")
        m = np.full(len(other), -1, dtype=np.int64)
        for nm, shape, ids in other._inputs:
            w = self._ids(inputs[nm])
            if w.shape != shape:
                raise CircuitError(f"embed: input {nm!r} has shape {shape}, got wires of shape {w.shape}")
            m[ids.ravel()] = w.ravel()
        cg = np.flatnonzero(other._op.data == 1)
        for g in cg.tolist():
            m[g] = int(self.const(other._consts[int(other._a0.data[g])]))
        a0, a1 = other._a0.data, other._a1.data
        woff, wargs, wwts, wth = other._w_off.data, other._w_args.data, other._w_wts.data, other._w_theta.data
        for code, g in other.level_plan():
            name = OPS[code & ~WIDE].name
            if code & WIDE:
                rows = a0[g]
                lens = woff[rows + 1] - woff[rows]
                for k in np.unique(lens).tolist():  # one call per fan-in
                    sel = g[lens == k]
                    r = a0[sel]
                    idx = woff[r][:, None] + np.arange(k)
                    args = m[wargs[idx]]
                    if name == "threshold":
                        m[sel] = self.threshold(args, wwts[idx], wth[r])
                    else:
                        m[sel] = self._variadic(name, (args,))
                continue
            if OPS[code].arity == 1:
                m[g] = self._unary(name, m[a0[g]])
            else:
                m[g] = self._binary(name, m[a0[g]], m[a1[g]])
        return {nm: m[ids].astype(WIRE)[()] if shape == () else m[ids].astype(WIRE)
                for nm, shape, ids in other._outputs}

    # ------------------------------------------------------------------------------------------------------
    # names
    @property
    def inputs(self) -> dict:
        """Ordered input name → wire id (int) or id array."""
        return {n: (int(ids) if s == () else ids) for n, s, ids in self._inputs}

    @property
    def outputs(self) -> dict:
        """Ordered output name → wire id (int) or id array."""
        return {n: (int(ids) if s == () else ids) for n, s, ids in self._outputs}

    def input_arrays(self):
        """List of ``(name, shape, ids)`` for the inputs, in declaration order."""
        return list(self._inputs)

    def output_arrays(self):
        return list(self._outputs)

    def input_elements(self):
        """Yield ``(element_name, wire_id)`` for every input element (names built on demand)."""
        for name, shape, ids in self._inputs:
            yield from zip(element_names(name, shape), ids.ravel().tolist())

    def output_elements(self):
        for name, shape, ids in self._outputs:
            yield from zip(element_names(name, shape), ids.ravel().tolist())

    def output_ids(self) -> np.ndarray:
        if not self._outputs:
            return np.zeros(0, WIRE)
        return np.concatenate([ids.ravel() for _, _, ids in self._outputs])

    def input_ids(self) -> np.ndarray:
        """All input wires in element-ordinal order."""
        if not self._inputs:
            return np.zeros(0, WIRE)
        return np.concatenate([ids.ravel() for _, _, ids in self._inputs])

    @property
    def constants(self) -> list:
        """Constant values, indexed by the constant gate's ``arg0``."""
        return list(self._consts)

    # ------------------------------------------------------------------------------------------------------
    # raw columns (read-only views, valid until the next append)
    def columns(self) -> dict:
        cols = {"op": self._op.data, "arg0": self._a0.data, "arg1": self._a1.data, "depth": self._depth.data,
                "wide_offsets": self._w_off.data, "wide_args": self._w_args.data,
                "wide_weights": self._w_wts.data, "wide_theta": self._w_theta.data}
        out = {}
        for k, v in cols.items():
            v = v.view()
            v.flags.writeable = False
            out[k] = v
        return out

    def wide_table(self):
        """The wide (CSR) table as read-only views ``(offsets, args, weights, theta)``: row ``r`` (a wide gate's
        ``arg0``) has arguments ``args[offsets[r]:offsets[r+1]]`` with those weights, and threshold ``theta[r]``."""
        cols = self.columns()
        return cols["wide_offsets"], cols["wide_args"], cols["wide_weights"], cols["wide_theta"]

    @property
    def num_inputs(self) -> int:
        """Number of input elements."""
        return self._n_input_elems

    def cached(self, key: str, compute: Callable):
        """Memo of a derived value, dropped on the next append: ``compute(self)`` the first time."""
        val = self._cache.get(key)
        if val is None:
            val = compute(self)
            self._cache[key] = val
        return val

    def level_plan(self) -> list:
        """Gates grouped by (depth, op code) in evaluation order: ``[(code, gate_ids), ...]`` (cached)."""
        return self.cached("plan", lambda c: level_plan(c._op.data, c._depth.data))

    def reserve(self, gates: int, wide_args: int = 0) -> None:
        """Make room for ``gates`` more wires (and ``wide_args`` wide-table arguments) up front, e.g. from a
        predicted size, so that the columns do not grow while the circuit is built."""
        gates = int(gates)
        if gates < 0 or wide_args < 0:
            raise CircuitError("reserve: counts must be >= 0")
        for col in (self._op, self._a0, self._a1, self._depth):
            col.reserve(gates)
        if wide_args:
            self._w_args.reserve(int(wide_args))
            self._w_wts.reserve(int(wide_args))

    @classmethod
    def _from_columns(cls, basis, op, a0, a1, depth, woff, wargs, wwts, wtheta, consts, inputs, outputs,
                      fanin_limit=None) -> "Circuit":
        """A circuit around columns that ``circuits.io.from_columns`` has validated (gate references, op
        codes, basis, depths, the wide table, the input list). ``a0`` of input gates is replaced by the input
        ordinals here; constants, names and outputs are checked as the builders check them."""
        n = int(np.asarray(op).size)
        c = cls(basis, fanin_limit=fanin_limit, capacity=max(n, 16))
        op = np.asarray(op, dtype=np.int8)
        a0 = np.array(a0, dtype=WIRE)
        in_ids = np.concatenate([np.asarray(i).ravel() for _, _, i in inputs]).astype(np.int64) if inputs \
            else np.zeros(0, np.int64)
        if in_ids.size:
            a0[in_ids] = np.arange(in_ids.size)
        for v in consts:
            if basis in BOOLEAN_VALUED and v not in (0, 1):
                raise CircuitError(f"constant {v} is not 0 or 1, as the {basis} basis requires")
        c._op.extend(op)
        c._a0.extend(a0)
        c._a1.extend(np.asarray(a1).astype(WIRE))
        c._depth.extend(np.asarray(depth).astype(np.int32))
        c._w_off.n = 0
        c._w_off.extend(np.asarray(woff, dtype=np.int64))
        c._w_args.extend(np.asarray(wargs).astype(WIRE))
        c._w_wts.extend(np.asarray(wwts, dtype=np.int64))
        c._w_theta.extend(np.asarray(wtheta, dtype=np.int64))
        c._size = int(((op.astype(np.int64) & ~WIDE) > 1).sum())
        if n:  # one segment: its depth range bounds every wire (exact when all depths are equal)
            dcol = c._depth.data
            c._seg_s, c._seg_lo, c._seg_hi = [0], [int(dcol.min())], [int(dcol.max())]
        c._consts = list(consts)
        cg = np.flatnonzero(op == 1)
        for g in cg.tolist():
            c._const_ids.setdefault(c._consts[int(a0[g])], g)
        for name, shape, wid in inputs:
            check_name(name)
            c._claim_name(name, shape, "input")
            arr = np.asarray(wid, dtype=WIRE).reshape(shape)
            arr.flags.writeable = False
            c._inputs.append((name, shape, arr))
        c._n_input_elems = int(in_ids.size)
        for name, shape, wid in outputs:
            check_name(name)
            arr = np.asarray(wid, dtype=np.int64).reshape(shape)
            if arr.size and (arr.min() < 0 or arr.max() >= n):
                raise CircuitError(f"output {name!r} names a wire that does not exist")
            c.output(name, arr.astype(WIRE))
        c._touch()
        return c

    def fanin_csr(self):
        """Arguments of every wire as CSR: ``(offsets, args)``, ``args[offsets[g]:offsets[g+1]]`` in order."""
        cached = self._cache.get("csr")
        if cached is None:
            cached = fanin_csr(self._op.data, self._a0.data, self._a1.data, self._w_off.data, self._w_args.data)
            self._cache["csr"] = cached
        return cached

    def args_of(self, g: int) -> list[int]:
        """The argument wires of wire ``g`` (empty for inputs and constants)."""
        g = int(g)
        code = int(self._op.data[g])
        if code & WIDE:
            r = int(self._a0.data[g])
            lo, hi = self._w_off.data[r], self._w_off.data[r + 1]
            return self._w_args.data[lo:hi].tolist()
        ar = int(ARITY[code])
        return [int(self._a0.data[g]), int(self._a1.data[g])][:ar]

    def op_of(self, g: int) -> str:
        return OPS[int(self._op.data[int(g)]) & ~WIDE].name

    def threshold_params(self, g: int):
        """``(weights, theta)`` of a wide gate (threshold, or n-ary and/or/xor with unit weights)."""
        r = int(self._a0.data[int(g)])
        lo, hi = self._w_off.data[r], self._w_off.data[r + 1]
        return self._w_wts.data[lo:hi].tolist(), int(self._w_theta.data[r])

    # ------------------------------------------------------------------------------------------------------
    # metrics
    def size(self) -> int:
        """Number of gates (inputs and constants are not counted)."""
        return self._size

    def depth(self) -> int:
        """Gates on the longest input→output path (max over the outputs; over all wires if none declared)."""
        d = self._depth.data
        if self._outputs:
            out = self.output_ids()
            return int(d[out].max()) if out.size else 0
        return int(d.max()) if d.size else 0

    def depths(self) -> np.ndarray:
        """Depth of every wire (a copy)."""
        return self._depth.data.copy()

    def count_ops(self) -> dict:
        """Gate count by op name (inputs and constants excluded); sums to ``size()``."""
        counts = _bincount(self._op.data.view(np.uint8), minlength=128)
        counts = counts[:WIDE] + counts[WIDE : 2 * WIDE]  # a wide gate counts as its op
        return {OPS[c].name: int(counts[c]) for c in range(2, NUM_CODES) if counts[c]}

    def layers(self) -> list[int]:
        """``layers()[k]`` = number of gates at depth ``k + 1``, for k = 0 .. max depth − 1 (all gates)."""
        d = self._depth.data
        if not d.size or d.max() == 0:
            return []
        return _bincount(d)[1:].tolist()

    def width(self) -> int:
        """Largest number of gates at one depth."""
        lay = self.layers()
        return max(lay) if lay else 0

    def max_fanin(self) -> int:
        """From the columns, without a fan-in table: the largest fixed arity used, or a wide row's length."""
        n = len(self)
        if n == 0:
            return 0
        op = self._op.data
        present = np.flatnonzero(_bincount(op.view(np.uint8), minlength=128))[:128]
        best = int(ARITY[present].max())
        woff = self._w_off.data
        if woff.size > 1:
            best = max(best, int(np.diff(woff).max()))
        return max(best, 0)

    def fanouts(self) -> np.ndarray:
        """Number of gate arguments that name each wire (outputs are not counted)."""
        _, args = self.fanin_csr()
        return np.bincount(args, minlength=len(self))

    def max_fanout(self) -> int:
        f = self.fanouts()
        return int(f.max()) if f.size else 0

    def critical_path(self, output=None) -> list[int]:
        """Wire ids of a longest path, from a depth-0 wire to the deepest output (or to ``output``)."""
        d = self._depth.data
        if not len(self):
            return []
        if output is None:
            cand = self.output_ids() if self._outputs else np.arange(len(self))
            g = int(cand[np.argmax(d[cand])])
        else:
            g = int(self._ids(output))
        path = [g]
        while d[g] > 0:
            args = self.args_of(g)
            g = max(args, key=lambda x: d[x])
            path.append(g)
        return path[::-1]

    def cone(self, ids=None) -> np.ndarray:
        """Sorted wire ids that the given wires (default: the outputs) depend on, themselves included."""
        ids = self.output_ids() if ids is None else self._ids(ids).ravel()
        offsets, args = self.fanin_csr()
        mark = np.zeros(len(self), dtype=bool)
        frontier = np.unique(ids)
        while frontier.size:
            mark[frontier] = True
            nxt = args[ranges(offsets[frontier], offsets[frontier + 1] - offsets[frontier])]
            nxt = np.unique(nxt)
            frontier = nxt[~mark[nxt]]
        return np.flatnonzero(mark)

    def summary(self) -> dict:
        """The figures ``lrnn-circuits info`` prints."""
        return {"basis": self.basis, "wires": len(self), "size": self.size(), "depth": self.depth(),
                "inputs": self._n_input_elems, "outputs": int(self.output_ids().size),
                "constants": len(self._consts), "count_ops": self.count_ops(), "max_fanin": self.max_fanin(),
                "max_fanout": self.max_fanout(), "width": self.width()}

    # ------------------------------------------------------------------------------------------------------
    # evaluation, symbolic, export (implemented in sibling modules, see ``extension``)
    def degree(self) -> int:
        """Formal degree (inputs 1, constants 0, add/sub/neg max, mul sum), max over outputs; arithmetic only."""
        return _ext("degree")(self)

    def evaluate(self, values=None, domain="float", **kw):
        """Evaluate the outputs. ``values`` maps input names (array names or element names) to numbers or
        arrays with an optional leading batch axis. Domains: ``"float"``, ``"int"`` (exact Python ints),
        ``"fraction"``, ``("gf", p)``, ``"bool"``. Returns output name → value (array for array outputs)."""
        return _ext("evaluate")(self, values or {}, domain, **kw)

    def to_sympy(self, flat: bool = False, max_gates: int = 200_000):
        return _ext("to_sympy")(self, flat=flat, max_gates=max_gates)

    def to_networkx(self):
        return _ext("to_networkx")(self)

    def save(self, path) -> None:
        _ext("save")(self, path)

    @classmethod
    def load(cls, path) -> "Circuit":
        return _ext("load")(path)

    def to_json(self) -> dict:
        return _ext("to_json")(self)

    @classmethod
    def from_json(cls, obj) -> "Circuit":
        return _ext("from_json")(obj)

    def write_aiger(self, path) -> None:
        _ext("write_aiger")(self, path)

    def write_blif(self, path) -> None:
        _ext("write_blif")(self, path)

    def to_dot(self, max_gates: int = 2000) -> str:
        return _ext("to_dot")(self, max_gates=max_gates)

    def draw(self, path, max_gates: int = 2000) -> str:
        return _ext("draw")(self, path, max_gates=max_gates)

    def _repr_svg_(self):
        return _ext("render_svg")(self.to_dot())
