"""Boolean gate layer of :mod:`constructions.bits`: vectorised and/or/xor/not with build-time folding, and an
estimate of the AIG depth of every wire (used to wire late signals to fast inputs).

The IR folds constant identities of arithmetic gates only; here ``x ∧ 0 = 0``, ``x ∧ 1 = x``, ``x ∨ 0 = x``,
``x ∨ 1 = 1``, ``x ⊕ 0 = x``, ``x ⊕ 1 = ¬x``, ``x ∧ x = x ∨ x = x`` and ``x ⊕ x = 0`` are applied before a gate
is appended, so constant carry-ins, truncated products and subtraction cost no gates. On a basis without
``xor`` (``threshold``) ``a ⊕ b`` is built as ``(a ∨ b) ∧ ¬(a ∧ b)``.
"""
from __future__ import annotations

import weakref

import numpy as np

from circuits import Circuit
from circuits.errors import CircuitError
from circuits.ops import BASES, BY_NAME, WIDE

from ..common import ceil_log2, pairwise_reduce

__all__ = ["Gates", "gates_for"]

_AND, _OR, _XOR, _NOT = (BY_NAME[k].code for k in ("and", "or", "xor", "not"))
_INPUT, _CONST = BY_NAME["input"].code, BY_NAME["const"].code


class Gates:
    """Folding builders on one circuit (obtain with :func:`gates_for`; one instance per circuit)."""

    def __init__(self, c: Circuit):
        if c.basis not in ("boolean", "threshold", "mixed"):
            raise CircuitError(f"bit-level blocks need a boolean, threshold or mixed circuit, not {c.basis!r}")
        if c.fanin_limit is not None and c.fanin_limit < 2:  # pragma: no cover - the IR refuses it already
            raise CircuitError("bit-level blocks need fan-in 2")
        self.c = c
        self.has_xor = "xor" in BASES[c.basis]
        self._ad = np.zeros(0, dtype=np.int64)  # AIG depth estimate per wire
        #: count a wide gate as one level instead of a balanced tree over its fan-in (set by builders of
        #: threshold circuits, so that the wiring choices do not depend on fan-ins such as n)
        self.unit_wide = False
        #: on a threshold basis, build XOR and full adders from threshold gates (a full adder is
        #: ``carry = [a+b+c ≥ 2]``, ``sum = [a+b+c − 2·carry ≥ 1]``) instead of AND/OR/NOT
        self.native_threshold = False

    # ---------------------------------------------------------------------------------------------------
    # constants
    def zero(self):
        return self.c.const(0)

    def one(self):
        return self.c.const(1)

    def _const_values(self, w: np.ndarray) -> np.ndarray:
        """-1 for non-constant wires, else the constant's value (0 or 1)."""
        cols = self.c.columns()
        w = np.asarray(w)
        isc = cols["op"][w] == _CONST
        out = np.full(w.shape, -1, dtype=np.int64)
        if isc.any():
            consts = self.c.constants
            out[isc] = [int(consts[k]) for k in cols["arg0"][w[isc]].tolist()]
        return out

    # ---------------------------------------------------------------------------------------------------
    # gates
    def _bin(self, name: str, a, b):
        a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
        a, b = a.astype(np.int64), b.astype(np.int64)
        res = np.full(a.shape, -1, dtype=np.int64)
        ca, cb = self._const_values(a), self._const_values(b)
        same = a == b
        if name == "and":
            res = np.where((ca == 0) | (cb == 0), -2, res)  # -2: the constant 0
            res = np.where((res == -1) & (ca == 1), b, res)
            res = np.where((res == -1) & (cb == 1), a, res)
            res = np.where((res == -1) & same, a, res)
        elif name == "or":
            res = np.where((ca == 1) | (cb == 1), -3, res)  # -3: the constant 1
            res = np.where((res == -1) & (ca == 0), b, res)
            res = np.where((res == -1) & (cb == 0), a, res)
            res = np.where((res == -1) & same, a, res)
        else:  # xor
            res = np.where(same, -2, res)
            both = (ca >= 0) & (cb >= 0) & (res == -1)
            res = np.where(both, np.where((ca ^ cb) == 1, -3, -2), res)
            res = np.where((res == -1) & (ca == 0), b, res)
            res = np.where((res == -1) & (cb == 0), a, res)
            neg_a = (res == -1) & (cb == 1)
            neg_b = (res == -1) & (ca == 1)
            res = np.where(neg_a | neg_b, -4, res)  # -4: a not gate, filled below
        if (res == -2).any():
            res[res == -2] = self.zero()
        if (res == -3).any():
            res[res == -3] = self.one()
        if (res == -4).any():
            m = res == -4
            res[m] = self.not_(np.where(cb[m] == 1, a[m], b[m])).reshape(-1)
        need = res == -1
        if need.any():
            x, y = a[need], b[need]
            if name == "and":
                g = self.c.and_(x, y)
            elif name == "or":
                g = self.c.or_(x, y)
            elif self.has_xor:
                g = self.c.xor(x, y)
            elif self.native_threshold:  # [x + y − 2·(x ∧ y) ≥ 1]: 2 gates, 2 levels
                both = np.asarray(self.c.and_(x, y)).reshape(x.shape)
                g = self.c.threshold(np.stack([x, y, both], axis=-1), [1, 1, -2], 1)
            else:
                g = self.c.and_(self.c.or_(x, y), self.c.not_(self.c.and_(x, y)))
            res[need] = np.asarray(g).ravel()
        return res

    def and_(self, a, b):
        return self._bin("and", a, b)

    def or_(self, a, b):
        return self._bin("or", a, b)

    def xor(self, a, b):
        return self._bin("xor", a, b)

    def not_(self, a):
        a = np.asarray(a, dtype=np.int64)
        if a.size == 0:
            return a.copy()
        ca = self._const_values(a)
        res = a.copy()
        if (ca == 0).any():
            res[ca == 0] = self.one()
        if (ca == 1).any():
            res[ca == 1] = self.zero()
        m = ca < 0
        if m.any():
            # a not of a not is its argument
            cols = self.c.columns()
            isnot = (cols["op"][a] == _NOT) & m
            res[isnot] = cols["arg0"][a[isnot]]
            m &= ~isnot
            if m.any():
                res[m] = np.asarray(self.c.not_(a[m])).ravel()
        return res

    def full_adder_threshold(self, a, b, cin):
        """``(sum, carry)`` of three bits by two threshold gates where no input is a constant; the AND/OR/XOR
        form (which folds constants) elsewhere."""
        a, b, cin = np.broadcast_arrays(*(np.asarray(v, dtype=np.int64) for v in (a, b, cin)))
        shape = a.shape
        a, b, cin = a.ravel(), b.ravel(), cin.ravel()
        const = (self._const_values(a) >= 0) | (self._const_values(b) >= 0) | (self._const_values(cin) >= 0)
        s, k = np.empty_like(a), np.empty_like(a)
        live = ~const
        if live.any():
            args = np.stack([a[live], b[live], cin[live]], axis=-1)
            carry = np.asarray(self.c.threshold(args, 1, 2)).reshape(-1)
            s[live] = np.asarray(self.c.threshold(np.concatenate([args, carry[:, None]], axis=-1),
                                                  [1, 1, 1, -2], 1)).reshape(-1)
            k[live] = carry
        if const.any():
            x = self.xor(a[const], b[const])
            s[const] = self.xor(x, cin[const])
            k[const] = self.or_(self.and_(a[const], b[const]), self.and_(cin[const], x))
        return s.reshape(shape), k.reshape(shape)

    def half_adder_threshold(self, a, b):
        """``(sum, carry)`` of two bits: ``carry = a ∧ b``, ``sum = [a + b − 2·carry ≥ 1]`` (XOR with constant
        folding where an input is a constant or the two are the same wire)."""
        a, b = np.broadcast_arrays(np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))
        shape = a.shape
        a, b = a.ravel(), b.ravel()
        k = self.and_(a, b).reshape(-1)
        live = (self._const_values(a) < 0) & (self._const_values(b) < 0) & (a != b)
        s = np.empty_like(a)
        if live.any():
            s[live] = np.asarray(self.c.threshold(np.stack([a[live], b[live], k[live]], axis=-1),
                                                  [1, 1, -2], 1)).reshape(-1)
        if (~live).any():
            s[~live] = self.xor(a[~live], b[~live])
        return s.reshape(shape), k.reshape(shape)

    def mux(self, s, x, y):
        """``s ? x : y`` as ``(s ∧ x) ∨ (¬s ∧ y)``."""
        return self.or_(self.and_(s, x), self.and_(self.not_(s), y))

    def and_tree(self, xs: list):
        """Balanced AND of a list of equal-shape wire arrays (the constant 1 for an empty list)."""
        return self._tree(xs, self.and_, 1)

    def or_tree(self, xs: list):
        return self._tree(xs, self.or_, 0)

    def _tree(self, xs, fn, empty):
        xs = [np.asarray(x, dtype=np.int64) for x in xs]
        if not xs:
            return np.asarray(self.c.const(empty), dtype=np.int64)
        return pairwise_reduce(xs, fn)

    # ---------------------------------------------------------------------------------------------------
    # AIG depth estimate (and/or: +1, xor: +2, not: +0; wide gates as balanced trees)
    def aig_depth(self, w) -> np.ndarray:
        n = len(self.c)
        if self._ad.shape[0] < n:
            self._catch_up(n)
        return self._ad[np.asarray(w, dtype=np.int64)]

    def _catch_up(self, n: int) -> None:
        start = self._ad.shape[0]
        ad = np.zeros(n, dtype=np.int64)
        ad[:start] = self._ad
        cols = self.c.columns()
        op, a0, a1, irdepth = cols["op"], cols["arg0"], cols["arg1"], cols["depth"]
        new = np.arange(start, n)
        order = new[np.argsort(irdepth[start:n], kind="stable")]
        dd = irdepth[order]
        bounds = np.flatnonzero(np.diff(dd)) + 1
        woff, wargs, _, _ = self.c.wide_table()
        for grp in np.split(order, bounds):
            if irdepth[grp[0]] == 0:
                continue  # inputs and constants
            codes = op[grp].astype(np.int64)
            wide = (codes & WIDE) != 0
            base = codes & ~WIDE
            inc = np.where(base == _XOR, 2, np.where(base == _NOT, 0, 1))
            nw = grp[~wide]
            if nw.size:
                d0 = ad[a0[nw]]
                has1 = a1[nw] >= 0
                d1 = np.where(has1, ad[np.where(has1, a1[nw], 0)], 0)
                ad[nw] = np.maximum(d0, d1) + inc[~wide]
            wg = grp[wide]
            if wg.size:  # each wide gate: the deepest argument + a balanced tree over its fan-in
                rows = a0[wg]
                starts, lens = woff[rows], woff[rows + 1] - woff[rows]
                seg = np.concatenate([[0], np.cumsum(lens)[:-1]])
                idx = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(seg - starts, lens)
                deepest = np.maximum.reduceat(ad[wargs[idx]], seg)
                levels = np.frexp((lens - 1).astype(np.float64))[1]  # ⌈log₂ fan-in⌉ (exact below 2^53)
                if self.unit_wide:  # one level per gate, whatever its fan-in (threshold-circuit depth)
                    levels = np.minimum(levels, 1)
                ad[wg] = deepest + np.maximum(1, inc[wide]) * levels
        self._ad = ad


_REGISTRY: "weakref.WeakKeyDictionary[Circuit, Gates]" = weakref.WeakKeyDictionary()


def gates_for(c: Circuit) -> Gates:
    """The :class:`Gates` of circuit ``c`` (created on first use, then reused)."""
    g = _REGISTRY.get(c)
    if g is None:
        g = Gates(c)
        _REGISTRY[c] = g
    return g
