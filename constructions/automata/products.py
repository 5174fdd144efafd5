"""Thm 5 of Merrill et al. 2026: iterated products of 3×3 integer matrices (and the sign of an entry, the
PNC¹-complete problem) computed by DPLR LRNNs, as explicit parameter schedules for the ``rwkv7`` and
``deltanet`` presets of :mod:`constructions.presets`, whose circuits are the shared prefix scans.

A stream M_1 … M_N of 3×3 integer matrices becomes a stream of LRNN steps: ``BOS_STEPS`` start steps, then a
fixed number of steps per matrix. The state has d = 6 coordinates: block X = (0, 1, 2) holds the running vector,
block Y = (3, 4, 5) is scratch. The preset's state is one column of the architecture's matrix state; the three
columns c = 0, 1, 2 share every transition A_t and differ only in the value v_t, and column c ends as
``scale · (M_N ⋯ M_1) e_c`` in block X. So the product is read off exactly (divide by the known positive scale),
and the sign of entry (i, j) is the sign of coordinate i of column j: the scale is positive.

**The BOS fix.** LRNN states start at h_{-1} = 0, and a zero state stays zero under any product of transitions.
The start vector e_c of column c must be written by the additive term b_t of a first step (the BOS step),
before the first matrix: without it every column is 0 after any number of matrices, N = 1 included. Here three
BOS steps t = 0, 1, 2 write e_t (key e_t, value 1 in column t, 0 in the others).

**RWKV-7** (``rwkv7`` preset: h_t = (diag(w_t) − (a_t ⊙ κ_t) κ_tᵀ) h_{t−1} + v_t k_t). One step writes one
coordinate: to set y_t ← α · (m · x) (x the source block, m a row of M) take κ = (−m on the source block, 1 at
t), a = α e_t, w = σ on every coordinate except w_t = α. Row t of A_t is then
(w_t − α) e_tᵀ + α (m on the source block) = α m: the old y_t is erased (w_t = α), the other coordinates are
scaled by σ. Three such steps write M x into Y, three more copy Y back into X (rows e_r): 6 steps per matrix,
and every coordinate of the result carries the same factor α σ² per half, so the product is scaled by
σ² (α σ²)^(2N) > 0 (the BOS steps use A = σ I and value σ^t so all columns share the factor σ²). Constraints
respected (RWKV-7, Peng et al. 2025): decay w ∈ (0, 1) strictly; in-context rate a' ∈ [0, 1]; the key κ̂ is a
unit vector. The circuit takes an unnormalised rational κ: A_t is exactly RWKV-7's matrix for κ̂ = κ/‖κ‖ and
a' = a ‖κ‖² (``(a ⊙ κ) κᵀ = (a ‖κ‖² ⊙ κ̂) κ̂ᵀ``), which ``rwkv7_constraints`` checks to lie in [0, 1]; ‖κ‖ itself
may be irrational, which is why κ̂ is not fed. With σ = 1/2 and α = 2^-⌈log₂(q + 1)⌉ (q the largest squared
row norm of the stream) everything is dyadic.

**DeltaNet** (``deltanet`` preset: h_t = (I − β_t k_t k_tᵀ) h_{t−1} + β_t v_t k_t). A_t is symmetric, so a
one-sided write is not one step. Three steps write y_t ← m · x exactly, with q = ‖m‖²:

1. clear: k = e_t, β = 1 (the projection I − e_t e_tᵀ);
2. k = (2m on the source block, −q at t), β = 1/(2q): the source becomes R x (R the reflection along m) and
   y_t = m · x;
3. k = (m on the source block), β = 2/q: R again, so the source is x again.

(for m = 0 steps 2, 3 are identities, β = 0). Then three reflections k = e_{X[r]} − e_{Y[r]}, β = 1 swap the
blocks: 12 steps per matrix, no scaling. With the normalised key k̂ = k/‖k‖ the rate is β̂ = β ‖k‖²: 1 (clear),
2 + q/2 (step 2), 2 (step 3 and the swaps). So this construction needs β̂ outside (0, 1) — reflections and
beyond — as the audit found for the published one. With β̂ ∈ [0, 1] (DeltaNet's sigmoid range, unit keys) every
factor has determinant 1 − β̂ ≥ 0 (matrix determinant lemma), so no product of such factors acting on a 3-dim
state equals c·M with c > 0 when det M < 0: computing M in place is impossible there (see ``docs/products.md``).

A step's parameters depend only on its token (``stream_tokens``; ``rwkv7_step``, ``deltanet_step``). Two circuits
use that one map: ``product_circuit`` builds the preset's circuit for N matrices with the parameters as inputs
(free mode: one circuit per length serves every stream of that length) and ``run_streams`` evaluates it exactly
(``domain="fraction"``) on a batch of streams, 3 columns each, fed ``schedule(...)``; ``token_circuit`` puts the
per-token parameters of the whole ``alphabet`` in a fixed table (``constructions.lrnn`` token mode, a one-layer
model reading one-hot tokens, ``token_inputs``).
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from circuits import CircuitError

__all__ = ["ARCHS", "D", "BOS_STEPS", "STEPS_PER_MATRIX", "X", "Y", "stream_tokens", "rwkv7_step", "deltanet_step",
           "rwkv7_alpha", "schedule", "rwkv7_schedule", "deltanet_schedule", "product_circuit", "run_streams",
           "direct_product", "random_stream", "rwkv7_constraints", "deltanet_rates", "sign_entry", "stream_length",
           "alphabet", "token_params", "token_circuit", "token_inputs", "phase_counter", "matrix_order"]

ARCHS = ("rwkv7", "deltanet")
D = 6
X = (0, 1, 2)
Y = (3, 4, 5)
BOS_STEPS = 3
STEPS_PER_MATRIX = {"rwkv7": 6, "deltanet": 12}
SIGMA = Fraction(1, 2)


def stream_length(arch: str, N: int, bos: bool = True) -> int:
    """Number of LRNN steps for N matrices."""
    _arch(arch)
    return (BOS_STEPS if bos else 0) + STEPS_PER_MATRIX[arch] * N


def _arch(arch: str) -> None:
    if arch not in ARCHS:
        raise CircuitError(f"unknown architecture {arch!r}; choose one of {', '.join(ARCHS)}")


def _mats(mats) -> list:
    try:
        out = [[[int(v) for v in row] for row in M] for M in mats]
    except (TypeError, ValueError):
        raise CircuitError("matrices must be 3×3 arrays of integers") from None
    for M in out:
        if len(M) != 3 or any(len(r) != 3 for r in M):
            raise CircuitError("every matrix must be 3×3")
    for M, M0 in zip(out, mats):
        if any(v != int(v) for v in np.asarray(M0, dtype=object).ravel()):
            raise CircuitError("matrix entries must be integers")
    if not out:
        raise CircuitError("a stream needs at least one matrix (N >= 1)")
    return out


def _zeros(n, *shape):
    a = np.empty((n,) + shape, dtype=object)
    a[...] = Fraction(0)
    return a


# ---------------------------------------------------------------------------------------------------------
# RWKV-7
def stream_tokens(arch: str, mats, bos: bool = True) -> list[tuple]:
    """The stream as tokens, one per LRNN step. rwkv7: ``("bos", j)``, then per matrix ``("write", r, row_r)``
    for r = 0, 1, 2 and ``("copy", r)`` for r = 0, 1, 2. deltanet: ``("bos", j)``, then per matrix and row r
    ``("clear", r)``, ``("write", r, row_r)``, ``("undo", r, row_r)``, then ``("swap", r)`` for r = 0, 1, 2.
    A step's parameters depend on its token only (``rwkv7_step``, ``deltanet_step``)."""
    _arch(arch)
    mats = _mats(mats)
    out = [("bos", j) for j in range(BOS_STEPS)] if bos else []
    for M in mats:
        if arch == "rwkv7":
            out += [("write", r, tuple(M[r])) for r in range(3)] + [("copy", r) for r in range(3)]
        else:
            for r in range(3):
                out += [("clear", r), ("write", r, tuple(M[r])), ("undo", r, tuple(M[r]))]
            out += [("swap", r) for r in range(3)]
    return out


def rwkv7_step(token: tuple, alpha, sigma=SIGMA) -> dict:
    """RWKV-7 parameters of one token: ``w``, ``kappa``, ``a``, ``k`` (6-vectors) and ``v`` (one value per column).

    * ``("bos", j)``: A = σ I (a = 0), b = σ^j e_j in column j (σ^j so that all columns end with the factor σ²);
    * ``("write", r, m)``: y_{Y[r]} ← α (m · x_X): κ = (−m on X, 1 at Y[r]), a = α e_{Y[r]}, w = σ except
      w_{Y[r]} = α (the old value is erased: w_t − a_t κ_t² = 0);
    * ``("copy", r)``: x_{X[r]} ← α y_{Y[r]}, the same with the row e_r read from Y."""
    alpha, sig = Fraction(alpha), Fraction(sigma)
    w, kap, a, k = (_zeros(1, D)[0] for _ in range(4))
    v = _zeros(1, 3)[0]
    kind = token[0]
    if kind == "bos":
        j = token[1]
        w[:] = sig
        kap[0] = 1
        k[j] = 1
        v[j] = sig ** j
        return {"w": w, "kappa": kap, "a": a, "k": k, "v": v}
    if kind == "write":
        m, src, tc = token[2], X, Y[token[1]]
    elif kind == "copy":
        m, src, tc = [int(i == token[1]) for i in range(3)], Y, X[token[1]]
    else:
        raise CircuitError(f"rwkv7: unknown token {token!r}")
    w[:] = sig
    w[tc] = alpha
    a[tc] = alpha
    for j, col in enumerate(src):
        kap[col] = -m[j]
    kap[tc] = 1
    k[0] = 1  # v = 0: no additive term
    return {"w": w, "kappa": kap, "a": a, "k": k, "v": v}


def rwkv7_alpha(q: int) -> Fraction:
    """The write rate for rows of squared norm ≤ q: α = 2^-⌈log₂(q + 1)⌉ (so a' = α(q + 1) ≤ 1), at most 1/2."""
    return Fraction(1, 1 << max(1, int(q).bit_length()))


def _stack(steps: list, names) -> dict:
    return {nm: np.stack([s[nm] for s in steps]) if np.ndim(steps[0][nm]) else np.array([s[nm] for s in steps],
                                                                                           dtype=object)
            for nm in names}


def rwkv7_schedule(mats, bos: bool = True, alpha=None, sigma=None) -> dict:
    """Per-step inputs of the ``rwkv7`` preset (``w``, ``kappa``, ``a``, ``k`` of shape (n, 6); ``v`` of shape
    (3, n): one value stream per column), and ``scale``: column c ends as scale · (M_N ⋯ M_1) e_c in block X.

    ``alpha``, ``sigma`` override the write rate α and the decay σ (defaults: α = ``rwkv7_alpha(q)`` for the
    stream's largest squared row norm q, σ = 1/2, which keep RWKV-7's ranges). ``alpha=1, sigma=1`` is the
    unconstrained integer variant: scale 1, but w = 1 and a' = q + 1 > 1, outside RWKV-7's ranges
    (``rwkv7_constraints`` says so)."""
    mats = _mats(mats)
    alpha = rwkv7_alpha(max(sum(x * x for x in row) for M in mats for row in M)) if alpha is None \
        else Fraction(alpha)
    sig = SIGMA if sigma is None else Fraction(sigma)
    steps = [rwkv7_step(tok, alpha, sig) for tok in stream_tokens("rwkv7", mats, bos)]
    out = _stack(steps, ("w", "kappa", "a", "k", "v"))
    out["v"] = np.ascontiguousarray(out["v"].T)
    scale = (sig ** (BOS_STEPS - 1) if bos else Fraction(1)) * (alpha * sig ** 2) ** (2 * len(mats))
    out.update({"scale": scale, "n": len(steps), "alpha": alpha, "sigma": sig})
    return out


def rwkv7_constraints(sched: dict) -> dict:
    """RWKV-7's parameter ranges on a schedule, exactly: w ∈ (0, 1); κ ≠ 0; a' = a ‖κ‖² ∈ [0, 1] (the rate for
    the unit key κ̂ = κ/‖κ‖). Returns the extreme values and ``ok``."""
    w, kap, a = sched["w"], sched["kappa"], sched["a"]
    norms = [sum(x * x for x in row) for row in kap]
    ap = [x * nrm for row, nrm in zip(a, norms) for x in row]
    wl = list(w.ravel())
    ok = all(0 < x < 1 for x in wl) and all(nrm > 0 for nrm in norms) and all(0 <= x <= 1 for x in ap)
    return {"ok": ok, "w_min": min(wl), "w_max": max(wl), "a_norm_min": min(ap), "a_norm_max": max(ap),
            "key_norm2_min": min(norms)}


# ---------------------------------------------------------------------------------------------------------
# DeltaNet
def deltanet_step(token: tuple) -> dict:
    """DeltaNet parameters of one token: ``beta``, ``k`` (6-vector), ``v`` (one value per column).

    * ``("bos", j)``: k = e_j, β = 1, value 1 in column j (b = e_j there);
    * ``("clear", r)``: k = e_{Y[r]}, β = 1 (the projection erasing y_r);
    * ``("write", r, m)``: k = (2m on X, −q at Y[r]), β = 1/(2q): X → R x, y_r = m · x (q = ‖m‖², R the
      reflection along m);
    * ``("undo", r, m)``: k = (m on X), β = 2/q: R again;
    * ``("swap", r)``: k = e_{X[r]} − e_{Y[r]}, β = 1 (the reflection exchanging x_r and y_r).

    For m = 0, ``write`` and ``undo`` are identities (β = 0, k = e_0)."""
    beta = Fraction(0)
    k = _zeros(1, D)[0]
    v = _zeros(1, 3)[0]
    kind = token[0]
    if kind == "bos":
        beta, k[token[1]], v[token[1]] = Fraction(1), 1, 1
    elif kind == "clear":
        beta, k[Y[token[1]]] = Fraction(1), 1
    elif kind in ("write", "undo"):
        r, m = token[1], token[2]
        q = sum(x * x for x in m)
        if not q:
            k[0] = 1
        elif kind == "write":
            beta = Fraction(1, 2 * q)
            for j, col in enumerate(X):
                k[col] = 2 * m[j]
            k[Y[r]] = -q
        else:
            beta = Fraction(2, q)
            for j, col in enumerate(X):
                k[col] = m[j]
    elif kind == "swap":
        beta, k[X[token[1]]], k[Y[token[1]]] = Fraction(1), 1, -1
    else:
        raise CircuitError(f"deltanet: unknown token {token!r}")
    return {"beta": beta, "k": k, "v": v}


def deltanet_schedule(mats, bos: bool = True) -> dict:
    """Per-step inputs of the ``deltanet`` preset (``beta`` (n,), ``k`` (n, 6), ``v`` (3, n)), ``scale`` = 1."""
    steps = [deltanet_step(tok) for tok in stream_tokens("deltanet", mats, bos)]
    out = _stack(steps, ("beta", "k", "v"))
    out["v"] = np.ascontiguousarray(out["v"].T)
    out.update({"scale": Fraction(1), "n": len(steps)})
    return out


def deltanet_rates(sched: dict) -> dict:
    """The normalised rates β̂ = β ‖k‖² of a DeltaNet schedule (the rate for the unit key k/‖k‖), exactly:
    their set and whether all lie in (0, 1] or [0, 1]."""
    rates = sorted({b * sum(x * x for x in kk) for b, kk in zip(sched["beta"], sched["k"])})
    return {"rates": rates, "min": rates[0], "max": rates[-1], "within_0_1": all(0 <= r <= 1 for r in rates)}


def schedule(arch: str, mats, bos: bool = True, **opts) -> dict:
    """The parameter schedule of ``arch`` for a stream (``opts``: ``alpha``, ``sigma`` for rwkv7)."""
    _arch(arch)
    return rwkv7_schedule(mats, bos, **opts) if arch == "rwkv7" else deltanet_schedule(mats, bos, **opts)


# ---------------------------------------------------------------------------------------------------------
# circuits
def product_circuit(arch: str, N: int, scan: str = "brent-kung", bos: bool = True):
    """The preset's circuit (parameters as inputs, state dimension 6) for a stream of N matrices; outputs the
    final state ``h[n-1][i]`` (the ``reduce`` schedule) or all states (other schedules)."""
    from constructions.presets import PRESETS
    _arch(arch)
    if not isinstance(N, (int, np.integer)) or isinstance(N, bool) or N < 1:
        raise CircuitError(f"N must be an integer >= 1, got {N!r}")
    return PRESETS[arch].build(stream_length(arch, int(N), bos), D, scan=scan)


def _inputs(arch: str, scheds: list) -> dict:
    """Batched circuit inputs: streams × 3 columns on the leading axis."""
    names = ("w", "kappa", "a", "k") if arch == "rwkv7" else ("beta", "k")
    out = {}
    for nm in names:
        out[nm] = np.stack([s[nm] for s in scheds for _ in range(3)])
    out["v"] = np.stack([s["v"][c] for s in scheds for c in range(3)])
    out["h0"] = _zeros(3 * len(scheds), D)
    return out


def run_streams(arch: str, streams: list, scan: str = "brent-kung", circuit=None, bos: bool = True,
                **opts) -> dict:
    """Evaluate the product circuit exactly on streams of equal length N (one circuit, a batch of 3 columns per
    stream). Returns ``states`` (final 6-vectors, shape (streams, 3 columns, 6)), ``products`` (block X divided
    by the scale, as 3×3 object arrays: column c is column c of the product), ``scales``, ``circuit``."""
    from constructions.lrnn import collect_states
    if not streams:
        raise CircuitError("run_streams needs at least one stream")
    N = len(streams[0])
    if any(len(s) != N for s in streams):
        raise CircuitError("run_streams: all streams must have the same number of matrices")
    scheds = [schedule(arch, s, bos, **opts) for s in streams]
    n = scheds[0]["n"]
    c = product_circuit(arch, N, scan, bos) if circuit is None else circuit
    out = c.evaluate(_inputs(arch, scheds), domain="fraction")
    final = scan == "reduce"
    h = collect_states(out, n, D, final)
    h = np.asarray(h, dtype=object)
    if not final:
        h = h[:, -1]
    h = h.reshape(len(streams), 3, D)
    prods = []
    for si, s in enumerate(scheds):
        P = np.empty((3, 3), dtype=object)
        for col in range(3):
            for i in range(3):
                P[i, col] = Fraction(h[si, col, X[i]]) / s["scale"]
        prods.append(P)
    return {"states": h, "products": prods, "scales": [s["scale"] for s in scheds], "schedules": scheds,
            "circuit": c}


# ---------------------------------------------------------------------------------------------------------
# token mode: the step parameters as a fixed table over a finite alphabet (a one-layer model)
def alphabet(arch: str, lo: int = -2, hi: int = 2) -> list[tuple]:
    """Every token of ``arch`` for matrices with entries in [lo, hi] (rows as tuples)."""
    _arch(arch)
    rows = [tuple(int(x) for x in m) for m in np.ndindex(*(hi - lo + 1,) * 3)]
    rows = [tuple(x + lo for x in m) for m in rows]
    out = [("bos", j) for j in range(BOS_STEPS)]
    if arch == "rwkv7":
        out += [("write", r, m) for r in range(3) for m in rows] + [("copy", r) for r in range(3)]
    else:
        out += [("clear", r) for r in range(3)] + [(kind, r, m) for kind in ("write", "undo") for r in range(3)
                                                    for m in rows] + [("swap", r) for r in range(3)]
    return out


def token_params(arch: str, column: int, lo: int = -2, hi: int = 2) -> tuple[list, dict]:
    """The alphabet and the per-token DPLR constants ``D``, ``U``, ``V``, ``b`` (``constructions.lrnn`` token
    mode) of value column ``column``: rwkv7 D = w, U = −(a ⊙ κ), V = κ, b = v_c k (α fixed by the entry range:
    ``rwkv7_alpha(3·max(lo², hi²))``); deltanet D = 1, U = −β k, V = k, b = β v_c k."""
    toks = alphabet(arch, lo, hi)
    Dp, U, V, b = [], [], [], []
    if arch == "rwkv7":
        alpha = rwkv7_alpha(3 * max(lo * lo, hi * hi))
        for tok in toks:
            p = rwkv7_step(tok, alpha)
            Dp.append(p["w"])
            U.append([[-x * y] for x, y in zip(p["a"], p["kappa"])])
            V.append([[x] for x in p["kappa"]])
            b.append([p["v"][column] * x for x in p["k"]])
    else:
        for tok in toks:
            p = deltanet_step(tok)
            Dp.append([Fraction(1)] * D)
            U.append([[-p["beta"] * x] for x in p["k"]])
            V.append([[x] for x in p["k"]])
            b.append([p["beta"] * p["v"][column] * x for x in p["k"]])
    arr = lambda x: np.array(x, dtype=object)  # noqa: E731
    return toks, {"D": arr(Dp), "U": arr(U), "V": arr(V), "b": arr(b)}


def token_circuit(arch: str, N: int, column: int, lo: int = -2, hi: int = 2, scan: str = "brent-kung"):
    """The token-mode DPLR circuit (``build_lrnn(..., mode="token")``) for N matrices and value column
    ``column``: inputs one-hot ``x[t][σ]`` over ``alphabet(arch, lo, hi)``, h0 = 0. Returns (circuit, alphabet)."""
    from constructions.lrnn import build_lrnn
    toks, params = token_params(arch, column, lo, hi)
    c = build_lrnn("dplr", stream_length(arch, N), D, scan=scan, rank=1, mode="token", tokens=params)
    return c, toks


def token_inputs(arch: str, mats, toks: list) -> np.ndarray:
    """One-hot inputs (n, |alphabet|) of a stream."""
    index = {t: i for i, t in enumerate(toks)}
    seq = stream_tokens(arch, mats)
    try:
        ids = [index[t] for t in seq]
    except KeyError as e:
        raise CircuitError(f"token {e.args[0]!r} is not in the alphabet (entries out of range?)") from None
    x = np.zeros((len(seq), len(toks)), dtype=object)
    x[np.arange(len(seq)), ids] = 1
    return x


#: integer companion matrices of cyclotomic polynomials, by multiplicative order (2×2: the orders GL₂(Q) has)
_ORDER_BLOCKS = {1: [[1]], 2: [[-1]], 3: [[0, -1], [1, -1]], 4: [[0, -1], [1, 0]], 6: [[0, -1], [1, 1]]}


def phase_counter(period: int, blocks=None) -> np.ndarray:
    """A rational matrix R of multiplicative order ``period`` built from blocks of the orders rational 2×2
    matrices have (1, 2, 3, 4, 6): block-diagonal, one block per factor of ``blocks`` (default: 6 → (6,),
    12 → (4, 3)). R^t u for u = (1, …, 1) runs through ``period`` distinct states, so the phase t mod period
    is linear in a state that a rational LRNN can carry. Raises for a period these blocks cannot give."""
    default = {1: (1,), 2: (2,), 3: (3,), 4: (4,), 6: (6,), 12: (4, 3)}
    blocks = default.get(period) if blocks is None else tuple(blocks)
    if blocks is None or any(b not in _ORDER_BLOCKS for b in blocks):
        raise CircuitError(f"no block decomposition for period {period!r}; blocks must have orders 1, 2, 3, 4, 6")
    size = sum(len(_ORDER_BLOCKS[b]) for b in blocks)
    R = np.zeros((size, size), dtype=object)
    R[...] = 0
    o = 0
    for b in blocks:
        B = _ORDER_BLOCKS[b]
        R[o:o + len(B), o:o + len(B)] = B
        o += len(B)
    return R


def matrix_order(R, limit: int = 64):
    """The least t ≥ 1 with R^t = I (exact), or None if none ≤ ``limit``."""
    R = np.asarray(R, dtype=object)
    eye = np.zeros_like(R)
    for i in range(R.shape[0]):
        eye[i, i] = 1
    P = R.copy()
    for t in range(1, limit + 1):
        if (P == eye).all():
            return t
        P = R.dot(P)
    return None


def direct_product(mats) -> np.ndarray:
    """M_N ⋯ M_1 by integer matrix multiplication (M_1 applied first)."""
    P = np.eye(3, dtype=object)
    P[...] = [[int(i == j) for j in range(3)] for i in range(3)]
    for M in _mats(mats):
        P = np.asarray(M, dtype=object).dot(P)
    return P


def sign_entry(result: dict, stream: int, i: int, j: int) -> int:
    """The sign readout: sign of coordinate i of column j of the final state (−1, 0, 1)."""
    x = result["states"][stream, j, X[i]]
    return (x > 0) - (x < 0)


def random_stream(rng, N: int, lo: int = -2, hi: int = 2) -> list:
    """N random 3×3 integer matrices with entries uniform in [lo, hi]."""
    vals = rng.integers(lo, hi + 1, size=(N, 3, 3))
    return [[[int(vals[t, i, j]) for j in range(3)] for i in range(3)] for t in range(N)]
