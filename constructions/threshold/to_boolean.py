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
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit
from circuits.errors import CircuitError

from ..bits import carry_out, full_adder, half_adder
from ..bits._gates import gates_for
from ..common import ceil_log2

__all__ = ["threshold_gate", "threshold_to_boolean", "dadda_stages", "gate_depth_bound", "heap_heights"]


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


def threshold_gate(c: Circuit, args, weights, theta, const_of: dict | None = None, complement: bool = True):
    """Build ``[Σ wᵢ·argsᵢ ≥ θ]`` in the boolean circuit ``c`` (fan-in 2 suffices); returns a wire id.
    ``const_of`` maps wires of ``c`` known to be constant to their value. ``complement=False`` is a
    deliberately broken variant (negative weights taken as |w|, for negative controls)."""
    G = gates_for(c)
    if complement:
        terms, th = _normalise(weights, theta, const_of, args)
    else:  # broken: ignores the signs of the weights
        terms, th = _normalise(np.abs(np.asarray(weights, dtype=np.int64)), theta, const_of, args)
    total = sum(w for _, w, _ in terms)
    if th <= 0:
        return int(c.const(1))
    if th > total:
        return int(c.const(0))
    Q = total.bit_length()
    K = (1 << Q) - th
    neg = [a for a, _, n in terms if n]
    nots = dict(zip(neg, np.atleast_1d(G.not_(np.array(neg, dtype=np.int64))).tolist())) if neg else {}
    cols: list[list[int]] = [[] for _ in range(Q + 1)]
    for a, w, n in terms:
        z = nots[a] if n else a
        for k in range(Q):
            if (w >> k) & 1:
                cols[k].append(int(z))
    one = int(c.const(1))
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
        new = [[] for _ in range(Q + 1)]
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
        if fa:
            A = np.array([b for _, b in fa], dtype=np.int64)
            s, cy = full_adder(c, A[:, 0], A[:, 1], A[:, 2])
            for (k, _), sw, cw in zip(fa, np.atleast_1d(s).tolist(), np.atleast_1d(cy).tolist()):
                new[k].append(int(sw))
                if k + 1 <= Q:  # above column Q every bit is 0: dropped
                    new[k + 1].append(int(cw))
        if ha:
            A = np.array([b for _, b in ha], dtype=np.int64)
            s, cy = half_adder(c, A[:, 0], A[:, 1])
            for (k, _), sw, cw in zip(ha, np.atleast_1d(s).tolist(), np.atleast_1d(cy).tolist()):
                new[k].append(int(sw))
                if k + 1 <= Q:
                    new[k + 1].append(int(cw))
        cols = new
    zero = int(c.const(0))
    X = np.array([col[0] if len(col) > 0 else zero for col in cols[:Q]], dtype=np.int64)
    Y = np.array([col[1] if len(col) > 1 else zero for col in cols[:Q]], dtype=np.int64)
    cout = int(np.asarray(carry_out(c, X, Y, schedule="reduce")).reshape(()))
    top = [int(b) for b in cols[Q]]
    if top:
        q = top[0] if len(top) == 1 else int(np.asarray(G.or_(top[0], top[1])).reshape(()))
        return int(np.asarray(G.or_(q, cout)).reshape(()))
    return cout


def threshold_to_boolean(src: Circuit, complement: bool = True) -> Circuit:
    """A fan-in-2 boolean circuit (basis ``boolean``, ``fanin_limit=2``) with the same inputs and outputs as
    ``src`` (basis ``threshold``, ``boolean`` or ``mixed`` with and/or/xor/not/threshold gates only): every
    threshold gate becomes :func:`threshold_gate`, wide and/or/xor balanced trees."""
    c = Circuit("boolean", fanin_limit=2)
    G = gates_for(c)
    n = len(src)
    mp = np.full(n, -1, dtype=np.int64)
    for name, shape, ids in src.input_arrays():
        mp[np.asarray(ids).ravel()] = np.atleast_1d(np.asarray(c.input(name, shape))).ravel()
    cols = src.columns()
    op = cols["op"]
    consts = src.constants
    const_of = {}
    for w in np.flatnonzero((op & 0x3F) == 1).tolist():
        v = consts[int(cols["arg0"][w])]
        if v not in (0, 1):
            raise CircuitError(f"threshold_to_boolean: constant {v} is not boolean")
        mp[w] = int(c.const(int(v)))
        const_of[int(mp[w])] = int(v)
    for g in range(n):
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
            raise CircuitError(f"threshold_to_boolean: {name} gates are not boolean or threshold")
        cv = consts_value(c, int(mp[g]))
        if cv is not None:
            const_of[int(mp[g])] = cv
    for name, shape, ids in src.output_arrays():
        c.output(name, mp[np.asarray(ids)].reshape(np.shape(ids)))
    return c


def consts_value(c: Circuit, w: int):
    """The value of wire w of c if it is a constant, else None."""
    cols = c.columns()
    if int(cols["op"][w]) & 0x3F != 1:
        return None
    return int(c.constants[int(cols["arg0"][w])])
