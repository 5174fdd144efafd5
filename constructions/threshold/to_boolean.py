"""Threshold gates as fan-in-2 boolean circuits of depth O(log m).

A gate ``[Σ wᵢxᵢ ≥ θ]`` of fan-in m becomes:

1. **Signs.** ``w·x = |w|·¬x − |w|`` for w < 0, so the gate is ``[Σ |wᵢ|·zᵢ ≥ θ']`` with ``zᵢ = xᵢ`` (wᵢ > 0) or
   ``¬xᵢ`` (wᵢ < 0) and ``θ' = θ + Σ_{w<0} |w|``. Repeated arguments are merged first (weights added), constant
   arguments folded into θ; ``θ' ≤ 0`` gives the constant 1 and ``θ' > Σ|w|`` the constant 0.
2. **Bit heap.** Q = bitlen(Σ|w|) and K = 2^Q − θ' (0 < K < 2^Q). Column k holds the zᵢ whose |wᵢ| has bit k
   (shifted copies of the input bit) and the bit k of K as a constant. The heap's value is S + K < 2^(Q+1),
   and the gate fires iff S + K ≥ 2^Q, i.e. iff bit Q of the heap's value is 1.
3. **Carry-save tree.** Dadda's reduction (Dadda 1965) of columns 0..Q to height 2 with full and half adders
   of :mod:`constructions.bits` (3 gate levels per stage): the number of stages is W(h) = min{s : d_s ≥ h}
   for the tallest column h, with d_0 = 2, d_(s+1) = ⌊3·d_s / 2⌋. Bits carried above column Q are always 0
   (the value is below 2^(Q+1)) and are dropped.
4. **Comparison.** Bit Q of the two rows' sum: the carry-out of their columns 0..Q−1 (a balanced ``reduce``
   prefix carry of :mod:`constructions.bits`, depth ≤ 2⌈log₂ Q⌉ + 2) OR'd with the ≤ 2 bits left in column Q
   (at most one of these three is 1).

Depth ≤ [some w < 0] + 3·W(h) + 2⌈log₂ Q⌉ + 3 (:func:`gate_depth_bound`) with h ≤ m + 1 and
Q ≤ bitlen(m·max|w|): O(log m) for polynomial weights.

:func:`threshold_to_boolean` converts a whole circuit level by level: the gates of one (depth, op) group whose
weights and θ agree (and whose arguments are distinct and not constant) share one normalised form, hence one
column schedule, and are built together — one call of each block per Dadda stage for the whole batch. Every
gate gets exactly the structure it gets when converted on its own (:func:`threshold_gate`).
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit
from circuits.errors import CircuitError
from circuits.ops import BY_NAME, OPS, WIDE

from ..bits import carry_out, full_adder, half_adder
from ..bits._gates import gates_for
from ..common import ceil_log2, pairwise_reduce

__all__ = ["threshold_gate", "threshold_to_boolean", "dadda_stages", "gate_depth_bound", "heap_heights"]

_CONST = BY_NAME["const"].code


def dadda_stages(h: int) -> int:
    """Stages of Dadda's reduction of a bit heap whose tallest column has h bits down to 2 rows."""
    s, d = 0, 2
    while d < h:
        d = d * 3 // 2
        s += 1
    return s


def _normalise(weights, theta, const_of=None, args=None):
    """Merged, sign-normalised form: (list of (arg, |w|, negated)), θ'."""
    acc: dict = {}
    theta = int(theta)
    for a, w in zip(args, weights):
        a, w = int(a), int(w)
        if const_of is not None and a in const_of:
            theta -= w * const_of[a]
            continue
        acc[a] = acc.get(a, 0) + w
    terms = []
    for a, w in acc.items():
        if w > 0:
            terms.append((a, w, False))
        elif w < 0:
            terms.append((a, -w, True))
            theta += -w
    return terms, theta


def heap_heights(weights, theta) -> tuple[list[int], int]:
    """Column heights of the bit heap of a gate (arguments taken distinct and not constant) and Q."""
    terms, th = _normalise(weights, theta, None, range(len(weights)))
    total = sum(w for _, w, _ in terms)
    if th <= 0 or th > total:
        return [], 0
    Q = total.bit_length()
    K = (1 << Q) - th
    hts = [0] * (Q + 1)
    for _, w, _ in terms:
        for k in range(Q):
            hts[k] += (w >> k) & 1
    for k in range(Q):
        hts[k] += (K >> k) & 1
    return hts, Q


def gate_depth_bound(weights, theta) -> int:
    """Upper bound on the depth of :func:`threshold_gate` (distinct, non-constant arguments):
    ``[some w < 0] + 3·W(h) + 2⌈log₂ Q⌉ + 3``, 0 when the gate is constant."""
    hts, Q = heap_heights(weights, theta)
    if not hts:
        return 0
    neg = int(any(int(w) < 0 for w in weights))
    return neg + 3 * dadda_stages(max(hts)) + 2 * ceil_log2(Q) + 3


def _heap_gates(c: Circuit, Z: np.ndarray, absw: list, negs: list, th: int) -> np.ndarray:
    """Steps 2–4 for a batch of gates of one normalised form ``[Σ absw[j]·zⱼ ≥ th]`` (``zⱼ = ¬Z[:, j]`` where
    ``negs[j]``): row b of ``Z`` (shape (B, t)) holds the distinct, non-constant argument wires of gate b.
    Every gate gets the same structure (the column heights, hence the Dadda schedule, depend on the form only);
    each block call acts on the whole batch. Returns the B output wires."""
    G = gates_for(c)
    B = Z.shape[0]
    total = sum(absw)
    if th <= 0:
        return np.full(B, int(c.const(1)), dtype=np.int64)
    if th > total:
        return np.full(B, int(c.const(0)), dtype=np.int64)
    Q = total.bit_length()
    K = (1 << Q) - th
    zs = np.array(Z, dtype=np.int64).T  # (t, B): one row per term
    negpos = [j for j, n in enumerate(negs) if n]
    if negpos:
        zs[negpos] = G.not_(zs[negpos])
    cols: list[list[np.ndarray]] = [[] for _ in range(Q + 1)]
    for j, w in enumerate(absw):
        for k in range(Q):
            if (w >> k) & 1:
                cols[k].append(zs[j])
    one = np.full(B, int(c.const(1)), dtype=np.int64)
    for k in range(Q):
        if (K >> k) & 1:
            cols[k].append(one)
    # Dadda targets below the tallest column, largest first
    h = max(len(col) for col in cols)
    targets = [2]
    while targets[-1] * 3 // 2 < h:
        targets.append(targets[-1] * 3 // 2)
    for d in reversed(targets):
        if max(len(col) for col in cols) <= d:
            continue
        fa, ha = [], []  # (column, bits)
        new: list[list[np.ndarray]] = [[] for _ in range(Q + 1)]
        carries_in = 0
        for k in range(Q + 1):
            avail = cols[k]
            pos = 0
            n_here = carries_in  # bits this column will hold next stage, so far
            carries_in = 0
            while (len(avail) - pos) + n_here > d:
                excess = (len(avail) - pos) + n_here - d
                if excess >= 2 and len(avail) - pos >= 3:
                    fa.append((k, avail[pos:pos + 3]))
                    pos += 3
                elif len(avail) - pos >= 2:
                    ha.append((k, avail[pos:pos + 2]))
                    pos += 2
                else:  # pragma: no cover - Dadda's targets make this unreachable
                    raise CircuitError("internal: Dadda reduction stuck")
                n_here += 1
                carries_in += 1
            new[k].extend(avail[pos:])
        for blocks, adder in ((fa, full_adder), (ha, half_adder)):
            if not blocks:
                continue
            A = np.array([b for _, b in blocks], dtype=np.int64)  # (adders, 3 or 2, B)
            s, cy = adder(c, *(A[:, i] for i in range(A.shape[1])))
            for (k, _), sw, cw in zip(blocks, s, cy):
                new[k].append(sw)
                if k + 1 <= Q:  # above column Q every bit is 0: dropped
                    new[k + 1].append(cw)
        cols = new
    zero = np.full(B, int(c.const(0)), dtype=np.int64)
    X = np.array([col[0] if len(col) > 0 else zero for col in cols[:Q]], dtype=np.int64)  # (Q, B)
    Y = np.array([col[1] if len(col) > 1 else zero for col in cols[:Q]], dtype=np.int64)
    cout = np.asarray(carry_out(c, X.T, Y.T, schedule="reduce"), dtype=np.int64).reshape(B)
    top = cols[Q]
    if top:
        q = top[0] if len(top) == 1 else G.or_(top[0], top[1])
        return np.asarray(G.or_(q, cout), dtype=np.int64).reshape(B)
    return cout


def threshold_gate(c: Circuit, args, weights, theta, const_of: dict | None = None, complement: bool = True):
    """Build ``[Σ wᵢ·argsᵢ ≥ θ]`` in the boolean circuit ``c`` (fan-in 2 suffices); returns a wire id.
    ``const_of`` maps wires of ``c`` known to be constant to their value. ``complement=False`` is a
    deliberately broken variant (negative weights taken as |w|, for negative controls)."""
    if complement:
        terms, th = _normalise(weights, theta, const_of, args)
    else:  # broken: ignores the signs of the weights
        terms, th = _normalise(np.abs(np.asarray(weights, dtype=np.int64)), theta, const_of, args)
    Z = np.array([[a for a, _, _ in terms]], dtype=np.int64).reshape(1, len(terms))
    return int(_heap_gates(c, Z, [w for _, w, _ in terms], [n for _, _, n in terms], th)[0])


def _const_map(c: Circuit) -> dict:
    """Constant wires of ``c`` → their values."""
    cols = c.columns()
    consts = c.constants
    return {w: int(consts[int(cols["arg0"][w])]) for w in np.flatnonzero(cols["op"] == _CONST).tolist()}


def _threshold_batch(c: Circuit, A: np.ndarray, W: np.ndarray, TH: np.ndarray, complement: bool) -> np.ndarray:
    """:func:`threshold_gate` for B gates of one fan-in k at once: arguments ``A`` (wires of ``c``, shape
    (B, k)), weights ``W`` (B, k), thresholds ``TH`` (B,). Gates are grouped by (weights, θ); within a group,
    the gates whose arguments are distinct and not constant share one normalised form (terms in argument
    order, zero weights dropped) and are built together; the others are normalised one by one (merging,
    constant folding) and grouped by their normalised form. Each gate gets the structure threshold_gate
    gives it. Returns the B output wires."""
    B, k = A.shape
    out = np.full(B, -1, dtype=np.int64)
    if not complement:  # broken: ignores the signs of the weights
        W = np.abs(W)
    key = np.concatenate([W, TH[:, None]], axis=1)
    if B > 1 and (key != key[0]).any():
        uniq, inv = np.unique(key, axis=0, return_inverse=True)
        inv = inv.reshape(-1)
    else:
        uniq, inv = key[:1], np.zeros(B, dtype=np.int64)
    isconst = c.columns()["op"][A] == _CONST
    srt = np.sort(A, axis=1)
    irregular = isconst.any(axis=1) | (srt[:, 1:] == srt[:, :-1]).any(axis=1)
    order = np.argsort(inv, kind="stable")
    cuts = np.flatnonzero(np.diff(inv[order])) + 1
    for rows in np.split(order, cuts):
        rows = rows[~irregular[rows]]
        if not rows.size:
            continue
        w = uniq[inv[rows[0]]].tolist()
        th = w.pop()
        nz = [j for j, v in enumerate(w) if v != 0]
        th += sum(-v for v in w if v < 0)
        out[rows] = _heap_gates(c, A[rows][:, nz], [abs(w[j]) for j in nz], [w[j] < 0 for j in nz], th)
    odd = np.flatnonzero(irregular)
    if odd.size:
        const_of = _const_map(c)
        forms: dict = {}
        for b in odd.tolist():
            terms, th = _normalise(W[b].tolist(), int(TH[b]), const_of, A[b].tolist())
            form = (tuple((w, n) for _, w, n in terms), th)
            forms.setdefault(form, ([], []))
            forms[form][0].append(b)
            forms[form][1].append([a for a, _, _ in terms])
        for (ws, th), (rows, args) in forms.items():
            Z = np.array(args, dtype=np.int64).reshape(len(rows), len(ws))
            out[rows] = _heap_gates(c, Z, [w for w, _ in ws], [n for _, n in ws], th)
    return out


def _prepare(src: Circuit):
    """The target circuit with ``src``'s inputs and constants, and the map of ``src``'s wires to its wires."""
    c = Circuit("boolean", fanin_limit=2)
    mp = np.full(len(src), -1, dtype=np.int64)
    for name, shape, ids in src.input_arrays():
        mp[np.asarray(ids).ravel()] = np.atleast_1d(np.asarray(c.input(name, shape))).ravel()
    cols = src.columns()
    consts = src.constants
    for w in np.flatnonzero(cols["op"] == _CONST).tolist():
        v = consts[int(cols["arg0"][w])]
        if v not in (0, 1):
            raise CircuitError(f"threshold_to_boolean: constant {v} is not boolean")
        mp[w] = int(c.const(int(v)))
    return c, mp


def _finish(src: Circuit, c: Circuit, mp: np.ndarray) -> Circuit:
    for name, shape, ids in src.output_arrays():
        c.output(name, mp[np.asarray(ids)].reshape(np.shape(ids)))
    return c


def _unsupported(name: str) -> CircuitError:
    return CircuitError(f"threshold_to_boolean: {name} gates are not boolean or threshold")


def threshold_to_boolean(src: Circuit, complement: bool = True) -> Circuit:
    """A fan-in-2 boolean circuit (basis ``boolean``, ``fanin_limit=2``) with the same inputs and outputs as
    ``src`` (basis ``threshold``, ``boolean`` or ``mixed`` with and/or/xor/not/threshold gates only): every
    threshold gate becomes :func:`threshold_gate`, wide and/or/xor balanced trees.

    The gates are converted level by level (``src.level_plan()``: one (depth, op) group at a time, all of its
    arguments already converted), each group with one batch of block calls — threshold gates per
    (fan-in, weights, θ) (:func:`_threshold_batch`), and/or/xor per fan-in. Every gate gets the structure the
    gate-by-gate conversion gives it, so size and depth are those of converting each gate on its own."""
    c, mp = _prepare(src)
    G = gates_for(c)
    cols = src.columns()
    a0, a1 = cols["arg0"], cols["arg1"]
    woff, wargs, wwts, wth = src.wide_table()
    fns = {"and": G.and_, "or": G.or_, "xor": G.xor}
    for code, g in src.level_plan():
        name = OPS[code & ~WIDE].name
        if name not in fns and name not in ("not", "threshold"):
            raise _unsupported(name)
        if not code & WIDE:
            if name == "threshold":  # pragma: no cover - the IR stores threshold gates in the wide table
                raise _unsupported("narrow threshold")
            mp[g] = G.not_(mp[a0[g]]) if name == "not" else fns[name](mp[a0[g]], mp[a1[g]])
            continue
        rows = a0[g]
        lens = woff[rows + 1] - woff[rows]
        for k in np.unique(lens).tolist():  # one batch per fan-in
            sel = g[lens == k]
            r = a0[sel]
            idx = woff[r][:, None] + np.arange(k)
            A = mp[wargs[idx]]
            if name == "threshold":
                mp[sel] = _threshold_batch(c, A, wwts[idx], wth[r], complement)
            elif name == "not":  # pragma: no cover - not gates are unary, never wide
                raise _unsupported("wide not")
            else:
                mp[sel] = pairwise_reduce([A[:, j] for j in range(k)], fns[name])
    return _finish(src, c, mp)


def _threshold_to_boolean_gate_by_gate(src: Circuit, complement: bool = True) -> Circuit:
    """The same conversion one gate at a time in wire order, through :func:`threshold_gate` (its own
    normalisation, constants tracked in a dict). Slow; kept as the reference the batched
    :func:`threshold_to_boolean` is tested (and benchmarked) against."""
    c, mp = _prepare(src)
    G = gates_for(c)
    const_of = _const_map(c)
    for g in range(len(src)):
        if mp[g] >= 0:
            continue
        name = src.op_of(g)
        args = mp[src.args_of(g)]
        if name == "threshold":
            w, th = src.threshold_params(g)
            mp[g] = threshold_gate(c, args.tolist(), w, th, const_of, complement)
        elif name == "not":
            mp[g] = int(np.asarray(G.not_(args[0])).reshape(()))
        elif name in ("and", "or", "xor"):
            fn = {"and": G.and_, "or": G.or_, "xor": G.xor}[name]
            xs = [np.int64(a) for a in args.tolist()]
            mp[g] = int(np.asarray(G._tree(xs, fn, 1 if name == "and" else 0)).reshape(()))
        else:
            raise _unsupported(name)
        if len(const_of) < 2:  # the conversion may have created the other constant
            const_of = _const_map(c)
    return _finish(src, c, mp)


def consts_value(c: Circuit, w: int):
    """The value of wire w of c if it is a constant, else None."""
    cols = c.columns()
    if int(cols["op"][w]) & 0x3F != 1:
        return None
    return int(c.constants[int(cols["arg0"][w])])
