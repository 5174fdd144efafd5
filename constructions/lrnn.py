"""Linear RNNs unrolled into explicit arithmetic circuits by a parallel prefix scan.

The recurrence ``h[t] = A[t] h[t-1] + b[t]`` (t = 0..n-1, ``h[-1] = h0``) is a composition of affine maps
``x ↦ A x + b``. Affine maps compose associatively (but not commutatively)::

    (A2, b2) ∘ (A1, b1) = (A2 A1, A2 b1 + b2)

so any prefix schedule of ``constructions.scans`` computes all the states: the circuit is the schedule's
combine nodes, each expanded into gates by the transition family's operator. Two refinements keep the circuit
honest about its cost:

* ``h0`` is folded into the first transition, ``b[0] ← A[0] h0 + b[0]``, so the prefix values' ``b`` parts are
  the states themselves.
* A combine needs the ``A`` part of its *later* operand only; ``A`` parts are built for exactly the nodes whose
  ``A`` some later combine (or an ``A`` output) uses. A serial scan therefore costs one matrix–vector product
  per step, not a matrix–matrix product.

Families (the transition's structure, used by the operator):

* ``diagonal`` — ``A = diag(a)``: elementwise products.
* ``pd`` — ``A = P diag(D)``, ``P`` column one-hot (each column has one 1; permutations are a special case).
  Closed under products: ``P2 D2 · P1 D1 = (P2 P1) · diag((P1ᵀ D2) ⊙ D1)``.
* ``dplr`` — ``A = diag(D) + U Vᵀ`` of rank r. A product of two such maps of ranks ρ2, ρ1 is
  ``diag(D2 ⊙ D1) + [D2 U1 + U2 (V2ᵀ U1), U2] [V1, D1 V2]ᵀ`` of rank ρ1 + ρ2; the operator keeps this low-rank
  form while ``2(ρ1 + ρ2) < d`` and switches to dense matrices after.
* ``dense`` — any ``A``: matrix products with balanced addition trees.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from circuits import WIRE, Circuit, CircuitError

from .linalg import matmul, tree_sum
from . import scans as _scans
from .scans import SCHEDULES, schedule

__all__ = ["FAMILIES", "Transitions", "free_transitions", "token_transitions", "scan_states", "iterated_product",
           "build_lrnn", "lowrank_ok", "recurrence", "output_states", "collect_states"]

FAMILIES = ("diagonal", "pd", "dplr", "dense")


def lowrank_ok(rank: int, d: int) -> bool:
    """DPLR nodes stay in low-rank form while 2·rank < d (fewer wires than a dense d×d matrix)."""
    return 2 * rank < d


@dataclass
class Transitions:
    """The n transitions of an LRNN as wire arrays with leading axis n.

    ``parts`` holds the family's parameters: ``a`` (n, d) for diagonal; ``P`` (n, d, d), ``D`` (n, d) for pd;
    ``D`` (n, d), ``U`` (n, d, r), ``V`` (n, d, r) for dplr; ``A`` (n, d, d) for dense. ``b`` is (n, d).
    """

    family: str
    d: int
    parts: dict
    b: np.ndarray
    rank: int = 0
    meta: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.b.shape[0])


# ---------------------------------------------------------------------------------------------------------
# family operators: all batched over a leading axis k
def _rows_plus(c, terms: np.ndarray, plus) -> np.ndarray:
    """Row sums ``Σ_j terms[..., j] + plus`` as one balanced tree per row (``plus`` is the last term).

    The same gates, in the same order, as ``tree_sum`` over ``terms`` with ``plus`` appended on the last
    axis; the appended term is kept apart while it is carried up (an odd count), so no level copies the
    terms into a new array."""
    if plus is None:
        return tree_sum(c, terms, axis=-1)
    x = np.asarray(terms)
    extra = np.asarray(plus)[..., None]
    while x.shape[-1] % 2 == 0 and x.shape[-1] >= 2:
        h = x.shape[-1] // 2  # m = 2h + 1 terms: the pairs lie in x, the appended term is carried
        x = c.add(x[..., 0 : 2 * h : 2], x[..., 1 : 2 * h : 2])
    if x.shape[-1] == 1:  # m = 2: the last pair is (x, plus)
        return c.add(x, extra)[..., 0]
    return tree_sum(c, np.concatenate([x, extra], axis=-1), axis=-1)


class _Diagonal:
    @staticmethod
    def apply(c, A, x, plus):
        return c.add(c.mul(A["a"], x), plus)

    @staticmethod
    def compose(c, A2, A1):
        return {"a": c.mul(A2["a"], A1["a"])}


class _Dense:
    @staticmethod
    def apply(c, A, x, plus):
        prod = c.mul(A["A"], np.asarray(x)[..., None, :])
        return _rows_plus(c, prod, plus)

    @staticmethod
    def compose(c, A2, A1):
        return {"A": matmul(c, A2["A"], A1["A"])}


class _PD:
    @staticmethod
    def apply(c, A, x, plus):
        y = c.mul(A["D"], x)
        prod = c.mul(A["P"], np.asarray(y)[..., None, :])
        return _rows_plus(c, prod, plus)

    @staticmethod
    def compose(c, A2, A1):
        P = matmul(c, A2["P"], A1["P"])
        # g[j] = Σ_i P1[i, j] D2[i]  (= D2 at the row where column j of P1 has its one)
        g = tree_sum(c, c.mul(np.swapaxes(A1["P"], -1, -2), np.asarray(A2["D"])[..., None, :]), axis=-1)
        return {"P": P, "D": c.mul(g, A1["D"])}


class _DPLR:
    """Parts: ``D``, ``U``, ``V`` (low-rank form) or ``A`` (dense form)."""

    @staticmethod
    def is_dense(A) -> bool:
        return "A" in A

    @staticmethod
    def to_dense(c, A):
        if "A" in A:
            return A
        U, V, D = A["U"], A["V"], A["D"]
        prod = c.mul(np.asarray(U)[..., :, None, :], np.asarray(V)[..., None, :, :])  # (k, d, d, ρ)
        M = np.array(tree_sum(c, prod, axis=-1))
        d = M.shape[-1]
        idx = np.arange(d)
        M[..., idx, idx] = c.add(M[..., idx, idx], D)
        return {"A": M}

    @staticmethod
    def apply(c, A, x, plus):
        if "A" in A:
            return _Dense.apply(c, A, x, plus)
        U, V, D = A["U"], A["V"], A["D"]
        w = tree_sum(c, c.mul(np.swapaxes(V, -1, -2), np.asarray(x)[..., None, :]), axis=-1)  # (k, ρ) = Vᵀx
        uw = c.mul(U, np.asarray(w)[..., None, :])  # (k, d, ρ)
        dx = c.mul(D, x)
        return _rows_plus(c, np.concatenate([np.asarray(dx)[..., None], uw], axis=-1), plus)

    @staticmethod
    def compose(c, A2, A1, d: int):
        if "A" not in A2 and "A" not in A1 and lowrank_ok(A2["U"].shape[-1] + A1["U"].shape[-1], d):
            D2, U2, V2 = A2["D"], A2["U"], A2["V"]
            D1, U1, V1 = A1["D"], A1["U"], A1["V"]
            M = matmul(c, np.swapaxes(V2, -1, -2), U1)  # (k, ρ2, ρ1) = V2ᵀ U1
            du = c.mul(np.asarray(D2)[..., None], U1)  # (k, d, ρ1)
            um = c.mul(np.asarray(U2)[..., :, None, :], np.swapaxes(M, -1, -2)[..., None, :, :])  # (k,d,ρ1,ρ2)
            left = _rows_plus(c, um, du)
            return {"D": c.mul(D2, D1), "U": np.concatenate([left, U2], axis=-1),
                    "V": np.concatenate([V1, c.mul(np.asarray(D1)[..., None], V2)], axis=-1)}
        return _Dense.compose(c, _DPLR.to_dense(c, A2), _DPLR.to_dense(c, A1))


_OPS = {"diagonal": _Diagonal, "dense": _Dense, "pd": _PD}


def _part_shapes(family: str, d: int, form: int) -> dict:
    """Shapes (after the node axis) of a node's A parts. ``form`` is the DPLR rank (0 = dense form)."""
    if family == "diagonal":
        return {"a": (d,)}
    if family == "pd":
        return {"P": (d, d), "D": (d,)}
    if family == "dplr" and form > 0:
        return {"D": (d,), "U": (d, form), "V": (d, form)}
    return {"A": (d, d)}


def _apply(c, tr: Transitions, A, x, plus):
    if tr.family == "dplr":
        return _DPLR.apply(c, A, x, plus)
    return _OPS[tr.family].apply(c, A, x, plus)


def _compose(c, tr: Transitions, A2, A1):
    if tr.family == "dplr":
        return _DPLR.compose(c, A2, A1, tr.d)
    return _OPS[tr.family].compose(c, A2, A1)


def need_a(sched, want_a: bool) -> np.ndarray:
    """Which nodes' A parts are used: every later operand, everything an A part is built from, and the
    prefixes when A outputs are wanted. A property of the schedule alone."""
    need = np.zeros(sched.num_nodes, dtype=bool)
    if want_a:
        need[sched.prefix] = True
    offs = sched.level_offsets
    for L in range(sched.depth - 1, -1, -1):
        lv = sched.levels[L]
        need[lv[:, 0]] = True
        sel = need[offs[L] : offs[L + 1]]
        need[lv[sel, 1]] = True
    return need


def node_forms(family: str, d: int, rank: int, sched) -> np.ndarray:
    """Per node: the DPLR rank of its A part, 0 for dense form (all 0 for other families). A combine node
    covering m inputs has rank ``rank·m`` while that is low enough (``lowrank_ok``), else it is dense."""
    forms = np.zeros(sched.num_nodes, dtype=np.int64)
    if family == "dplr":
        r = sched.ranges
        ranks = rank * (r[:, 1] - r[:, 0] + 1)
        forms = np.where(2 * ranks < d, ranks, 0)
        forms[: sched.n] = rank
    return forms


class _Pools:
    """A parts of the scan's nodes, one array per (form, part) holding only the nodes that need them."""

    def __init__(self, tr: Transitions, forms: np.ndarray, keep: np.ndarray):
        self.tr = tr
        self.forms = forms
        self.row = np.full(forms.size, -1, dtype=np.int64)
        self.arrays: dict = {}
        for f in _small_unique(forms[keep]):
            members = np.flatnonzero(keep & (forms == f))
            self.row[members] = np.arange(members.size)
            self.arrays[f] = {k: np.empty((members.size,) + shp, dtype=WIRE)
                              for k, shp in _part_shapes(tr.family, tr.d, f).items()}

    def get(self, f: int, nodes: np.ndarray) -> dict:
        rows = self.row[nodes]
        return {k: np.take(v, rows, axis=0) for k, v in self.arrays[f].items()}

    def put(self, f: int, nodes: np.ndarray, parts: dict) -> None:
        rows = _as_slice(self.row[nodes])
        for k, v in self.arrays[f].items():
            v[rows] = np.asarray(parts[k])


def _small_unique(x: np.ndarray) -> list[int]:
    """The distinct values of an array of small non-negative ints, ascending (``np.unique`` would hash, and on
    first use import ``numpy.ma``)."""
    if x.size == 0:
        return []
    lo = int(x.min())
    if lo == int(x.max()):
        return [lo]
    return (np.flatnonzero(np.bincount(x - lo)) + lo).tolist()


def _as_slice(idx: np.ndarray):
    """An increasing index array as a slice when it is a contiguous range (a copy instead of a scatter)."""
    if idx.size and int(idx[-1]) - int(idx[0]) + 1 == idx.size and bool((np.diff(idx) == 1).all()):
        return slice(int(idx[0]), int(idx[-1]) + 1)
    return idx


def _run_scan(c: Circuit, tr: Transitions, sched, with_b: bool, want_a: bool):
    """Build the scan. Returns (pools of A parts, b part per node or None). One batched call per level and
    operand layout (a single layout except for DPLR, whose ranks grow with the covered range)."""
    n = tr.n
    need = need_a(sched, want_a)
    forms = node_forms(tr.family, tr.d, tr.rank, sched)
    keep = need.copy()
    keep[:n] = True
    pools = _Pools(tr, forms, keep)
    leaves = np.arange(n)
    pools.put(int(forms[0]), leaves, {k: np.asarray(v) for k, v in tr.parts.items()})
    bstore = None
    if with_b:
        bstore = np.empty((sched.num_nodes, tr.d), dtype=WIRE)
        bstore[:n] = np.asarray(tr.b)
    offs = sched.level_offsets
    for L, lv in enumerate(sched.levels):
        new = np.arange(offs[L], offs[L + 1])
        later, earlier = lv[:, 0], lv[:, 1]
        f2 = forms[later]
        if with_b:
            for f in _small_unique(f2):
                sel = np.flatnonzero(f2 == f)
                A2 = pools.get(f, later[sel])
                bstore[_as_slice(new[sel])] = np.asarray(_apply(c, tr, A2, np.take(bstore, earlier[sel], axis=0),
                                                                np.take(bstore, later[sel], axis=0)))
        nd = need[new]
        if nd.any():
            key = f2 * (forms.max() + 1) + forms[earlier]
            for k in _small_unique(key[nd]):
                sel = np.flatnonzero(nd & (key == k))
                res = _compose(c, tr, pools.get(int(f2[sel[0]]), later[sel]),
                               pools.get(int(forms[earlier[sel[0]]]), earlier[sel]))
                pools.put(int(forms[new[sel[0]]]), new[sel], res)
    if _scans._RECORD is not None:  # a drawing groups the gates by combine (scans.recording)
        _scans._RECORD.append((sched, _node_wires(pools, keep, bstore)))
    return pools, bstore


def _node_wires(pools: _Pools, keep: np.ndarray, bstore) -> list:
    """Per scan node, the wire ids of its b part (if built) and A parts (if kept), as one 1-d array."""
    out = []
    for v in range(pools.forms.size):
        parts = [] if bstore is None else [np.asarray(bstore[v]).ravel()]
        if keep[v]:
            parts += [np.asarray(a).ravel() for a in pools.get(int(pools.forms[v]), np.array([v])).values()]
        out.append(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64))
    return out


def scan_states(c: Circuit, tr: Transitions, h0, scan: str = "brent-kung", final_only: bool = False) -> np.ndarray:
    """Wires of the states: (n, d) for all t, or (d,) for the last one with ``final_only`` (or ``scan="reduce"``,
    which computes the last state only)."""
    final_only = bool(final_only) or scan == "reduce"
    sched = schedule("reduce" if final_only else scan, tr.n)
    h0 = np.asarray(h0)
    first = {k: np.asarray(v)[:1] for k, v in tr.parts.items()}
    b = np.array(tr.b, dtype=WIRE, copy=True)
    b[0] = np.asarray(_apply(c, tr, first, h0[None], b[:1]))[0]
    tr0 = Transitions(tr.family, tr.d, tr.parts, b, tr.rank, tr.meta)
    _, bstore = _run_scan(c, tr0, sched, with_b=True, want_a=False)
    states = bstore[sched.prefix]
    return states[0] if final_only else states


def iterated_product(c: Circuit, tr: Transitions, scan: str = "reduce") -> dict:
    """The A parts of ``A[n-1] ⋯ A[0]`` (and of every prefix product unless ``scan='reduce'``): a dict of
    arrays with a leading prefix axis (for DPLR the final product may be in low-rank or dense form)."""
    sched = schedule(scan, tr.n)
    pools, _ = _run_scan(c, tr, sched, with_b=False, want_a=True)
    fs = _small_unique(pools.forms[sched.prefix])
    if len(fs) > 1:  # DPLR prefixes of different ranks: give them all in dense form
        out = [_DPLR.to_dense(c, pools.get(int(pools.forms[v]), np.array([v]))) for v in sched.prefix.tolist()]
        return {"A": np.concatenate([o["A"] for o in out])}
    return pools.get(int(fs[0]), sched.prefix)


# ---------------------------------------------------------------------------------------------------------
# transitions from inputs (free mode) or from tokens (token mode)
def _check_dims(n, d, rank, family):
    for name, v, lo in (("n", n, 1), ("d", d, 1)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < lo:
            raise CircuitError(f"{name} must be an integer >= {lo}, got {v!r}")
    if family not in FAMILIES:
        raise CircuitError(f"unknown family {family!r}; choose one of {', '.join(FAMILIES)}")
    if family == "dplr":
        if not isinstance(rank, (int, np.integer)) or isinstance(rank, bool) or not 1 <= rank <= d:
            raise CircuitError(f"rank must be an integer with 1 <= rank <= d = {d}, got {rank!r}")


def free_transitions(c: Circuit, family: str, n: int, d: int, rank: int = 1) -> Transitions:
    """Transitions whose parameters are circuit inputs: ``A[t][i][j]`` (dense), ``a[t][i]`` (diagonal),
    ``P[t][i][j]``, ``D[t][i]`` (pd), ``D[t][i]``, ``U[t][i][k]``, ``V[t][j][k]`` (dplr); and ``b[t][i]``."""
    _check_dims(n, d, rank, family)
    if family == "diagonal":
        parts = {"a": c.input("a", (n, d))}
    elif family == "dense":
        parts = {"A": c.input("A", (n, d, d))}
    elif family == "pd":
        parts = {"P": c.input("P", (n, d, d)), "D": c.input("D", (n, d))}
    else:
        parts = {"D": c.input("D", (n, d)), "U": c.input("U", (n, d, rank)), "V": c.input("V", (n, d, rank))}
    b = c.input("b", (n, d))
    return Transitions(family, d, parts, b, rank if family == "dplr" else 0)


def _const_combination(c: Circuit, x: np.ndarray, coeffs: np.ndarray) -> np.ndarray:
    """Wires of ``Σ_σ x[..., σ] · coeffs[σ, ...]`` for constant coefficients: zero terms are skipped, unit
    coefficients need no multiplication. x: (n, s) one-hot token wires; coeffs: (s,) + S. Returns (n,) + S."""
    n, s = x.shape
    S = coeffs.shape[1:]
    out = np.empty((n,) + S, dtype=np.int64)
    for idx in np.ndindex(*S) if S else [()]:
        col = coeffs[(slice(None),) + idx]
        terms = []
        for sigma in range(s):
            v = col[sigma]
            if v == 0:
                continue
            terms.append(x[:, sigma] if v == 1 else c.mul(x[:, sigma], c.const(v)))
        if not terms:
            out[(slice(None),) + idx] = int(c.const(0))
        else:
            out[(slice(None),) + idx] = tree_sum(c, np.stack(terms, axis=-1), axis=-1)
    return out


def token_transitions(c: Circuit, family: str, n: int, params: dict) -> Transitions:
    """Transitions chosen by one-hot token inputs ``x[t][σ]``: each entry of A_t and b_t is the constant
    combination ``Σ_σ x[t][σ] · value_σ``. ``params`` holds per-token constants with a leading token axis:
    ``a`` (diagonal), ``P`` and ``D`` (pd), ``D``, ``U``, ``V`` (dplr), ``A`` (dense), and ``b``."""
    if family not in FAMILIES:
        raise CircuitError(f"unknown family {family!r}; choose one of {', '.join(FAMILIES)}")
    need = {"diagonal": ["a"], "dense": ["A"], "pd": ["P", "D"], "dplr": ["D", "U", "V"]}[family] + ["b"]
    miss = [k for k in need if k not in params]
    if miss:
        raise CircuitError(f"token mode for {family} needs per-token {', '.join(miss)}")
    vals = {k: np.asarray(params[k], dtype=object) for k in need}
    s = vals["b"].shape[0]
    d = vals["b"].shape[1]
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise CircuitError(f"n must be an integer >= 1, got {n!r}")
    if family == "pd":
        P = vals["P"]
        if not (np.isin(P, [0, 1]).all() and (P.sum(axis=1) == 1).all()):
            raise CircuitError("pd: every per-token P must be 0/1 with exactly one 1 per column")
    x = c.input("x", (n, s))
    parts = {k: _const_combination(c, x, vals[k]) for k in need if k != "b"}
    b = _const_combination(c, x, vals["b"])
    rank = int(vals["U"].shape[-1]) if family == "dplr" else 0
    return Transitions(family, d, parts, b, rank, meta={"alphabet": s, "token_params": params})


# ---------------------------------------------------------------------------------------------------------
def build_lrnn(family: str, n: int, d: int, scan: str = "brent-kung", rank: int = 1, final_only: bool = False,
               mode: str = "free", tokens: dict | None = None, readout=None, h0=None) -> Circuit:
    """Build the LRNN circuit.

    * ``mode="free"``: parameters are inputs (see ``free_transitions``), plus ``h0[i]``; outputs ``h[t][i]``
      (or only ``h[n-1][i]`` with ``final_only`` or ``scan="reduce"``, built with the ``reduce`` schedule).
    * ``mode="token"``: ``tokens`` gives per-token constants (see ``token_transitions``); inputs are one-hot
      ``x[t][σ]``; ``h0`` is a constant vector (default zeros); ``readout`` a constant vector c adds outputs
      ``y[t] = cᵀ h_t``.
    """
    if scan not in SCHEDULES:
        raise CircuitError(f"unknown scan {scan!r}; choose one of {', '.join(SCHEDULES)}")
    final_only = bool(final_only) or scan == "reduce"  # the reduction computes the last state only
    c = Circuit("arithmetic")
    if mode == "free":
        tr = free_transitions(c, family, n, d, rank)
        h0w = c.input("h0", (d,))
    elif mode == "token":
        if tokens is None:
            raise CircuitError("token mode needs per-token parameters (tokens=...)")
        tr = token_transitions(c, family, n, tokens)
        d = tr.d
        h0w = c.const(np.zeros(d, dtype=int) if h0 is None else np.asarray(h0, dtype=object))
    else:
        raise CircuitError(f"unknown mode {mode!r}; choose free or token")
    states = scan_states(c, tr, h0w, scan=scan, final_only=final_only)
    output_states(c, states, tr.n, final_only)
    if readout is not None:
        cw = c.const(np.asarray(readout, dtype=object))
        if cw.shape != (d,):
            raise CircuitError(f"readout must have d = {d} entries")
        y = tree_sum(c, c.mul(np.asarray(states), cw), axis=-1)
        if final_only:
            c.output(f"y[{tr.n - 1}]", y)
        else:
            c.output("y", y)
    return c


def output_states(c: Circuit, states, n: int, final_only: bool, name: str = "h") -> None:
    """Declare the state outputs: ``h[t][i]`` for all t, or, for the final-state circuit, ``h[n-1][i]`` — the
    same element names as in the full circuit, so the two can be compared output by output."""
    if final_only:
        for i, w in enumerate(np.asarray(states).ravel().tolist()):
            c.output(f"{name}[{n - 1}][{i}]", w)
    else:
        c.output(name, states)


def collect_states(result: dict, n: int, d: int, final_only: bool, name: str = "h") -> np.ndarray:
    """The states from an ``evaluate`` result: (…, n, d), or (…, d) for a final-state circuit."""
    if not final_only:
        return result[name]
    return np.stack([np.asarray(result[f"{name}[{n - 1}][{i}]"], dtype=object) for i in range(d)], axis=-1)


def recurrence(family: str, params: dict, h0, n: int | None = None):
    """The sequential recurrence on exact numbers (object arrays), for checking circuits. ``params`` as the
    circuit's inputs: ``a`` / ``A`` / ``P``+``D`` / ``D``+``U``+``V`` with leading axis n, and ``b``."""
    from .common import sequential_affine
    P = {k: np.asarray(v, dtype=object) for k, v in params.items()}
    n = P["b"].shape[0] if n is None else n

    def A_of(t):
        if family == "diagonal":
            return np.diag(P["a"][t])
        if family == "dense":
            return P["A"][t]
        if family == "pd":
            return P["P"][t].dot(np.diag(P["D"][t]))
        return np.diag(P["D"][t]) + P["U"][t].dot(P["V"][t].T)
    return sequential_affine(A_of, lambda t: P["b"][t], h0, n)
