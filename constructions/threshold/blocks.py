"""Threshold-circuit blocks: majority, exact threshold, symmetric functions, comparison, iterated addition,
multiplication. Numbers are unsigned, as wire vectors least significant bit first.

Every builder takes a circuit in the ``threshold`` (or ``mixed``) basis and wire ids, and returns wire ids; the
``build_*`` functions make a stand-alone circuit with named inputs and outputs. Gate semantics are the IR's:
``threshold(x, w, θ) = [Σ wᵢ·xᵢ ≥ θ]`` with integer weights (int64, so exponential weights cap the width).
The depths and weight sizes each block meets, and the published ones, are in ``docs/threshold.md``.
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit
from circuits.errors import CircuitError

from ..common import ceil_log2

__all__ = [
    "majority", "at_least", "exactly", "symmetric", "sum_bits", "compare", "two_operand_add", "heap_sum",
    "iterated_add", "multiply", "build_majority", "build_exactly", "build_compare", "build_iterated_add",
    "build_multiply", "sum_bits_count", "iterated_add_size", "ITERATED_ADD_DEPTH", "MULTIPLY_DEPTH",
    "COMPARE_DEPTH", "COMPARE_METHODS", "compare_size", "METHODS",
]

METHODS = ("direct", "block", "residue")
#: depth of each method, for every m ≥ 2 and p ≥ 1 (see docs/threshold.md)
ITERATED_ADD_DEPTH = {"direct": 2, "block": 5, "residue": 3}
MULTIPLY_DEPTH = {"direct": 3, "block": 6, "residue": 4}
COMPARE_DEPTH = (1, 2, 3)
#: the depth-2 comparators: weights 2^O(√p) ("blocks") or polynomial ("residue")
COMPARE_METHODS = ("blocks", "residue")

_W_MAX = (1 << 62)  # weights and thresholds are int64; we keep |Σ w| below this


def _arr(x) -> np.ndarray:
    return np.atleast_1d(np.asarray(x)).astype(np.int64)


def _check_range(total: int, what: str) -> None:
    if total >= _W_MAX:
        raise CircuitError(f"{what}: weights/thresholds up to {total} exceed the int64 weights of the IR "
                           f"(use method='block', which keeps weights polynomial)")


# ---------------------------------------------------------------------------------------------------------
# majority, exact threshold, symmetric functions
def at_least(c: Circuit, x, k: int):
    """``[Σ x ≥ k]``: one gate, depth 1 (unit weights)."""
    x = _arr(x)
    return c.threshold(x, 1, int(k))


def majority(c: Circuit, x):
    """Strict majority ``[Σ x > m/2]`` of m bits: one gate, depth 1, unit weights."""
    x = _arr(x)
    return c.threshold(x, 1, x.size // 2 + 1)


def exactly(c: Circuit, x, k: int):
    """Exact threshold ``[Σ x = k]`` = ``[[Σx ≥ k] + [−Σx ≥ −k] ≥ 2]``: 3 gates, depth 2, unit weights."""
    x = _arr(x)
    lo = c.threshold(x, 1, int(k))
    hi = c.threshold(x, -1, -int(k))
    return c.threshold(np.array([lo, hi]), 1, 2)


def symmetric(c: Circuit, x, f, weights=None):
    """Any function of ``s = Σ wᵢxᵢ`` (unit weights by default; weights ≥ 0): ``f`` maps each attainable value
    s ∈ [0, Σw] to 0/1. Depth 2 (depth 1 or constant when ``f`` changes at most once): the telescoping sum
    ``f(s) = f(0) + Σ_k (f(k) − f(k−1))·[s ≥ k]``, one first-layer gate per change of ``f``
    (Muroga 1959; Hajnal, Maass, Pudlák, Szegedy, Turán 1993)."""
    x = _arr(x)
    w = np.ones(x.size, np.int64) if weights is None else _arr(weights)
    if (w < 0).any():
        raise CircuitError("symmetric: weights must be ≥ 0")
    top = int(w.sum())
    _check_range(top, "symmetric")
    vals = [int(bool(f(s))) for s in range(top + 1)]
    ks = [k for k in range(1, top + 1) if vals[k] != vals[k - 1]]
    if not ks:
        return c.const(vals[0])
    if len(ks) == 1:  # a single threshold (or its complement)
        k = ks[0]
        return c.threshold(x, w, k) if vals[k] else c.threshold(x, -w, 1 - k)
    y = c.threshold(np.broadcast_to(x, (len(ks), x.size)), w, np.array(ks, np.int64))
    d = np.array([vals[k] - vals[k - 1] for k in ks], np.int64)
    return c.threshold(y, d, 1 - vals[0])


# ---------------------------------------------------------------------------------------------------------
# the bits of a weighted sum, depth 2
def _bit_plan(w: np.ndarray, j: int):
    """For bit j of Σ wᵢxᵢ: the weights mod 2^(j+1) and the number T of first-layer gates."""
    r = w % (1 << (j + 1))
    return r, int(r.sum()) >> j


def sum_bits_count(weights, nbits: int) -> int:
    """Gates :func:`sum_bits` appends for these weights (T_j first-layer gates, plus a top gate when T_j ≥ 2)."""
    w = _arr(weights)
    n = 0
    for j in range(nbits):
        _, T = _bit_plan(w, j)
        n += T + (T >= 2)
    return n


def sum_bits(c: Circuit, x, weights, nbits: int | None = None):
    """Bits 0..nbits−1 of ``S = Σ wᵢxᵢ`` (wᵢ ≥ 0), each in depth ≤ 2.

    Bit j depends on ``R_j = Σ (wᵢ mod 2^(j+1))·xᵢ`` only: it is ``⌊R_j / 2^j⌋ mod 2``. The first layer has
    ``y_t = [R_j ≥ t·2^j]`` for t = 1..T_j (``T_j = ⌊max R_j / 2^j⌋``), the top gate the alternating sum
    ``[Σ_t (−1)^(t+1) y_t ≥ 1]`` (the "bit of a weighted sum" lemma behind the depth-2 iterated addition of
    Siu & Roychowdhury and Hofmeister, Hohberg & Köhling). Weights: those of the sum, reduced mod 2^(j+1)."""
    x = _arr(x)
    w = _arr(weights)
    if (w < 0).any():
        raise CircuitError("sum_bits: weights must be ≥ 0")
    top = int(w.sum())
    _check_range(top, "sum_bits")
    if nbits is None:
        nbits = max(1, top.bit_length())
    out = []
    for j in range(nbits):
        r, T = _bit_plan(w, j)
        if T == 0:
            out.append(int(c.const(0)))
            continue
        keep = r != 0
        args, wr = x[keep], r[keep]
        thetas = np.arange(1, T + 1, dtype=np.int64) << j
        y = c.threshold(np.broadcast_to(args, (T, args.size)), wr, thetas)
        if T == 1:
            out.append(int(np.atleast_1d(y)[0]))
        else:
            alt = np.where(np.arange(T) % 2 == 0, 1, -1).astype(np.int64)
            out.append(int(c.threshold(np.atleast_1d(y), alt, 1)))
    return np.array(out, dtype=np.int64)


# ---------------------------------------------------------------------------------------------------------
# comparison
def compare(c: Circuit, a, b, depth: int = 1, strict: bool = True, method: str = "blocks"):
    """``[a > b]`` (``strict``) or ``[a ≥ b]`` of two p-bit unsigned numbers.

    * depth 1: one gate ``[Σ 2^i (aᵢ − bᵢ) ≥ 1]`` (or ``≥ 0``); weights up to 2^(p−1) (p ≤ 62 in int64).
    * depth 2: blocks of L = ⌈√p⌉ bits; first layer ``[A_k > B_k]`` and ``[A_k < B_k]`` per block (weights
      < 2^L), top gate ``[Σ_k 2^k ([A_k > B_k] − [A_k < B_k]) ≥ 1]`` (weights < 2^⌈p/L⌉): weights 2^O(√p),
      2⌈p/L⌉ + 1 gates (``method="blocks"``). ``method="residue"``: depth 2 with **polynomial** weights, the
      residue (Chinese-remainder) score of :mod:`.residue` (L̂T₂; weights and size in docs/threshold.md).
    * depth 3, weights ±1: ``vᵢ = [bᵢ − aᵢ ≥ 1]``; ``tᵢ = [aᵢ − bᵢ − Σ_{j>i} v_j ≥ 1]`` (bit i is the highest
      difference, or a higher difference favours a — then a higher t fires too); ``[a > b] = OR_i tᵢ``. For
      ``≥``: ``AND_i ¬t'ᵢ`` with ``t'ᵢ`` the same for b > a. 2p gates (p ≥ 2)."""
    a, b = _arr(a), _arr(b)
    if a.size != b.size or a.size == 0:
        raise CircuitError("compare: a and b need the same positive number of bits")
    p = a.size
    theta = 1 if strict else 0
    if depth == 1:
        _check_range(1 << p, "compare depth 1")
        pw = np.array([1 << i for i in range(p)], np.int64)
        return c.threshold(np.concatenate([a, b]), np.concatenate([pw, -pw]), theta)
    if depth == 2 and method == "residue":
        from .residue import compare_residue
        return compare_residue(c, a, b, strict)
    if depth == 2:
        if method != "blocks":
            raise CircuitError(f"compare: depth-2 method must be one of {COMPARE_METHODS}, got {method!r}")
        L = max(1, int(np.ceil(np.sqrt(p))))
        K = -(-p // L)
        gt, lt = [], []
        for k in range(K):
            sa, sb = a[k * L:(k + 1) * L], b[k * L:(k + 1) * L]
            pw = np.array([1 << i for i in range(sa.size)], np.int64)
            args = np.concatenate([sa, sb])
            w = np.concatenate([pw, -pw])
            gt.append(int(c.threshold(args, w, 1)))
            lt.append(int(c.threshold(args, -w, 1)))
        pk = np.array([1 << k for k in range(K)], np.int64)
        return c.threshold(np.array(gt + lt), np.concatenate([pk, -pk]), theta)
    if depth == 3:
        if p == 1:
            return c.threshold(np.array([a[0], b[0]]), [1, -1], theta)
        if strict:  # OR_i t_i, t_i = a_i > b_i and no j > i with b_j > a_j
            v = [None] + [int(c.threshold(np.array([b[j], a[j]]), [1, -1], 1)) for j in range(1, p)]
            t = [int(c.threshold(np.array([a[i], b[i]] + v[i + 1:]), [1, -1] + [-1] * (p - 1 - i), 1))
                 for i in range(p)]
            return c.or_(np.array(t))
        u = [None] + [int(c.threshold(np.array([a[j], b[j]]), [1, -1], 1)) for j in range(1, p)]
        # ¬t'_i = [a_i − b_i + Σ_{j>i} u_j ≥ 0]: not (b_i > a_i with no higher a_j > b_j)
        nt = [int(c.threshold(np.array([a[i], b[i]] + u[i + 1:]), [1, -1] + [1] * (p - 1 - i), 0))
              for i in range(p)]
        return c.and_(np.array(nt))
    raise CircuitError(f"compare: depth must be one of {COMPARE_DEPTH}, got {depth!r}")


def compare_size(p: int, depth: int, method: str = "blocks") -> int:
    """Gates of :func:`compare` (closed form; for ``method="residue"`` a sum over its block plan, see
    :func:`.residue.compare_residue_size`)."""
    if depth == 2 and method == "residue":
        from .residue import compare_residue_size
        return compare_residue_size(p)
    if depth == 1:
        return 1
    if depth == 2:
        L = max(1, int(np.ceil(np.sqrt(p))))
        return 2 * (-(-p // L)) + 1
    return 2 * p if p >= 2 else 1


# ---------------------------------------------------------------------------------------------------------
# two-operand addition in depth 3 with weights ±1 (and 2)
def two_operand_add(c: Circuit, x: list, y: list):
    """Bits of x + y (len max(len x, len y) + 1), x and y lists of wires or ``None`` (a 0 bit). Depth 3,
    weights in {−1, 1, 2}.

    Layer 1 per position k: generate ``g = [x+y ≥ 2]``, kill ``κ = [−x−y ≥ 0]``, and ``h = x ⊕ y`` as the sum
    of ``[x−y ≥ 1]`` and ``[y−x ≥ 1]``. Bit j is ``h_j ⊕ c_j``, and the carry ``c_j`` is 1 iff the highest
    non-propagating position below j generates. Layer 2 has the implicants ``[g_i − Σ_{i<k<j} κ_k − h_j ≥ 1]``
    (carry from i, h_j = 0) and ``[κ_k − Σ_{k<l<j} g_l + h_j ≥ 2]``, ``[h_j − Σ_{l<j} g_l ≥ 1]`` (no carry,
    h_j = 1); layer 3 is their OR (Chandra, Stockmeyer, Vishkin 1984 give the AND/OR form of the carry)."""
    P = max(len(x), len(y))
    x = list(x) + [None] * (P - len(x))
    y = list(y) + [None] * (P - len(y))
    g, kill, h = [], [], []  # g[k]: wire or None; kill[k]: wire, None (never) or True (always); h[k]: list
    for k in range(P):
        xs = [w for w in (x[k], y[k]) if w is not None]
        if len(xs) == 2:
            pair = np.array(xs)
            g.append(int(c.threshold(pair, [1, 1], 2)))
            kill.append(int(c.threshold(pair, [-1, -1], 0)))
            h.append([int(c.threshold(pair, [1, -1], 1)), int(c.threshold(pair, [-1, 1], 1))])
        elif len(xs) == 1:
            g.append(None)
            kill.append(int(c.not_(xs[0])))
            h.append([xs[0]])
        else:
            g.append(None)
            kill.append(True)
            h.append([])
    h.append([])
    out = []
    for j in range(P + 1):
        terms = []
        hj = h[j]
        for i in range(j):  # carry generated at i, propagated through (i, j), and h_j = 0
            if g[i] is None or any(kill[k] is True for k in range(i + 1, j)):
                continue
            ks = [kill[k] for k in range(i + 1, j)]
            terms.append(c.threshold(np.array([g[i]] + ks + hj), [1] + [-1] * (len(ks) + len(hj)), 1))
        if hj:
            for k in range(j):  # h_j = 1 and the highest non-propagating position below j is a kill at k
                gs = [g[l_] for l_ in range(k + 1, j) if g[l_] is not None]
                if kill[k] is True:  # always killed at k
                    terms.append(c.threshold(np.array(hj + gs), [1] * len(hj) + [-1] * len(gs), 1))
                else:
                    terms.append(c.threshold(np.array([kill[k]] + hj + gs),
                                             [1] + [1] * len(hj) + [-1] * len(gs), 2))
            gs = [g[l_] for l_ in range(j) if g[l_] is not None]  # no non-propagating position below j
            terms.append(c.threshold(np.array(hj + gs), [1] * len(hj) + [-1] * len(gs), 1))
        if not terms:
            out.append(int(c.const(0)))
        elif len(terms) == 1:
            out.append(int(terms[0]))
        else:
            out.append(int(c.or_(np.array([int(t) for t in terms]))))
    return np.array(out, dtype=np.int64)


# ---------------------------------------------------------------------------------------------------------
# iterated addition (a bit heap: column k holds wires of weight 2^k)
def _heap_total(cols) -> int:
    return sum(len(col) << k for k, col in enumerate(cols))


def heap_sum(c: Circuit, cols, method: str = "direct"):
    """Bits of ``Σ_k 2^k Σ cols[k]`` (all ``bitlen(max)`` of them).

    * ``direct``: :func:`sum_bits` on every wire with weight 2^k — depth 2, weights up to 2^(#cols − 1).
    * ``block`` (block-save, Siu & Roychowdhury 1994; Hofmeister, Hohberg & Köhling 1991): columns in blocks
      of L = max(1, ⌈log₂ h⌉) (h = the tallest column); each block's sum S_B < h·2^L ≤ 2^(2L) is computed by
      :func:`sum_bits` (depth 2, weights < 2^L ≤ h), so the even blocks' sums and the odd blocks' sums are two
      numbers without overlap; they are added by :func:`two_operand_add` (depth 3, weights ±1). Depth 5,
      weights O(h).
    * ``residue``: the same block-save step, its bits kept as ±1-sums of its first-layer gates, then the
      depth-2 polynomial-weight adder of :mod:`.residue` reading those sums: depth 3, polynomial weights."""
    cols = [list(col) for col in cols]
    total = _heap_total(cols)
    nbits = max(1, total.bit_length())
    if method == "direct":
        xs = [w for col in cols for w in col]
        ws = [1 << k for k, col in enumerate(cols) for _ in col]
        if not xs:
            return np.array([int(c.const(0))] * nbits, np.int64)
        return sum_bits(c, xs, ws, nbits)
    if method == "residue":
        from .residue import heap_sum_residue
        return heap_sum_residue(c, cols)
    if method != "block":
        raise CircuitError(f"heap_sum: method must be one of {METHODS}, got {method!r}")
    h = max((len(col) for col in cols), default=0)
    L = max(1, ceil_log2(max(h, 1)))
    rows = [[None] * nbits, [None] * nbits]
    for B in range(-(-len(cols) // L)):
        lo = B * L
        xs = [w for k in range(lo, min(lo + L, len(cols))) for w in cols[k]]
        ws = [1 << (k - lo) for k in range(lo, min(lo + L, len(cols))) for _ in cols[k]]
        if not xs:
            continue
        bits = sum_bits(c, xs, ws)
        assert bits.size <= 2 * L  # S_B < h·2^L ≤ 2^(2L)
        for r, wbit in enumerate(bits.tolist()):
            if lo + r < nbits:
                rows[B % 2][lo + r] = int(wbit)
    s = two_operand_add(c, rows[0], rows[1])
    return s[:nbits]


def iterated_add(c: Circuit, x, method: str = "direct"):
    """Sum of m p-bit numbers ``x`` (shape (m, p), LSB first): ``bitlen(m·(2^p − 1))`` bits, in constant
    depth (``ITERATED_ADD_DEPTH[method]``) for every m."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise CircuitError("iterated_add: x must have shape (m, p)")
    return heap_sum(c, [x[:, k].tolist() for k in range(x.shape[1])], method)


def iterated_add_size(m: int, p: int, method: str = "direct") -> int:
    """Closed form for the gates of ``iterated_add`` with ``method='direct'``: Σ_j (T_j + [T_j ≥ 2]) over the
    N = bitlen(m(2^p − 1)) output bits, T_j = ⌊m(2^min(j+1, p) − 1) / 2^j⌋."""
    if method != "direct":
        raise CircuitError("iterated_add_size: closed form for method='direct' only")
    N = (m * ((1 << p) - 1)).bit_length()
    n = 0
    for j in range(N):
        T = (m * ((1 << min(j + 1, p)) - 1)) >> j
        n += T + (T >= 2)
    return n


def multiply(c: Circuit, a, b, method: str = "direct"):
    """Full 2p-bit product of two p-bit numbers: partial products ``a_k ∧ b_i`` (depth 1) into the bit heap,
    then :func:`heap_sum`: depth 3 (direct, weights up to 2^(2p−2)), 6 (block, weights O(p)) or 4 (residue,
    polynomial weights)."""
    a, b = _arr(a), _arr(b)
    p, q = a.size, b.size
    pp = c.and_(a[None, :], b[:, None])  # (q, p): pp[i, k] = a_k b_i, weight 2^(i+k)
    pp = np.asarray(pp).reshape(q, p)
    cols = [[] for _ in range(p + q - 1)]
    for i in range(q):
        for k in range(p):
            cols[i + k].append(int(pp[i, k]))
    s = heap_sum(c, cols, method)
    if s.size < p + q:
        s = np.concatenate([s, [int(c.const(0))] * (p + q - s.size)])
    return s[:p + q]


# ---------------------------------------------------------------------------------------------------------
# stand-alone circuits
def build_majority(m: int) -> Circuit:
    c = Circuit("threshold")
    x = c.input("x", (m,))
    c.output("y", majority(c, x))
    return c


def build_exactly(m: int, k: int) -> Circuit:
    c = Circuit("threshold")
    x = c.input("x", (m,))
    c.output("y", exactly(c, x, k))
    return c


def build_compare(p: int, depth: int = 1, strict: bool = True, method: str = "blocks") -> Circuit:
    """Inputs ``a``, ``b`` (p bits each); output ``gt`` (strict) or ``ge``."""
    c = Circuit("threshold")
    a = c.input("a", (p,))
    b = c.input("b", (p,))
    c.output("gt" if strict else "ge", compare(c, a, b, depth, strict, method))
    return c


def build_iterated_add(m: int, p: int, method: str = "direct") -> Circuit:
    """Input ``x`` of shape (m, p) (row i is the i-th number, LSB first); output ``s`` (the sum, LSB first)."""
    c = Circuit("threshold")
    x = c.input("x", (m, p))
    c.output("s", iterated_add(c, x, method))
    return c


def build_multiply(p: int, method: str = "direct") -> Circuit:
    """Inputs ``a``, ``b`` (p bits); output ``p`` (2p bits, LSB first)."""
    c = Circuit("threshold")
    a = c.input("a", (p,))
    b = c.input("b", (p,))
    c.output("p", multiply(c, a, b, method))
    return c
