"""Adders, subtraction, negation and comparators on p-bit wire vectors (least significant bit first).

A p-bit number is an int array of wire ids whose **last axis** holds the bits, bit 0 first; leading axes are a
batch (every block below works elementwise over them, one gate call per bit position or scan level).

Prefix adders run any schedule of :mod:`constructions.scans` over the carry operator
``(g, p) ∘ (g', p') = (g ∨ p∧g', p∧p')`` with :func:`constructions.scans.run`; the schedule layer stays
operator-agnostic. Two gate-level styles:

* ``"textbook"`` — ``g = a∧b``, ``p = a⊕b``, carries ``c_{i+1} = G_{i:0}``, sums ``s_i = p_i ⊕ c_i``
  (Weste–Harris §11.2.2; its size and depth have the closed forms in :mod:`constructions.bits.forms`);
* ``"ling"`` (default) — Ling's pseudo-carries (Ling 1981): the scan runs over leaves ``(g_i, t_{i-1})`` with
  ``t = a∨b``, giving ``H_{i:0}`` with ``c_{i+1} = t_i ∧ H_{i:0}``. The first level simplifies to
  ``H_{i:i-1} = g_i ∨ g_{i-1}`` (``g ≤ t``), so the carries are one AIG level earlier; ``a⊕b`` is
  ``¬(a∧b) ∧ (a∨b)``, which shares both ANDs with ``g`` and ``t`` after structural hashing.

Sum bits come in three forms, chosen per bit from an AIG-depth model of the whole adder (``slack``):

* plain: ``s_{i+1} = x ⊕ c`` with ``c = t_i ∧ H`` (Ling) or ``c = G`` (textbook), ``x = a⊕b``;
* multiplexed (Ling): ``s = H ? (x ⊕ t_i) : x`` — two AIG levels after ``H`` instead of three;
* folded: the last combine ``H = X ∨ T∧Y`` is merged into the sum,
  ``s = X∧D ∨ Y∧(T∧D) ∨ (¬X∧x)∧¬(Y∧T)`` with ``D = x ⊕ t_i`` (Ling) or ``¬x`` (textbook): three AIG levels
  after ``X, Y`` where the plain form needs five — at about five more ANDs per bit.

``slack=k`` takes, per bit, the cheapest form whose depth is within ``k`` levels of the least depth any choice
reaches; ``slack=None`` builds every bit plain (the textbook circuit). :data:`DEFAULT_SLACK` holds the
per-schedule defaults, chosen to meet the AIG targets of issue 9 at p = 64 (see ``docs/bits.md``).
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit
from circuits.errors import CircuitError

from .. import scans
from ._gates import gates_for

__all__ = ["ADDERS", "PREFIX_ADDERS", "STYLES", "as_bits", "half_adder", "full_adder", "csa", "ripple_add",
           "prefix_add", "carry_out", "add", "subtract", "negate", "compare", "equal", "COMPARISONS",
           "zero_extend", "sign_extend", "DEFAULT_SLACK"]

#: prefix adders: every schedule that computes all prefixes (``reduce`` gives only the total: comparators)
PREFIX_ADDERS: tuple[str, ...] = tuple(s for s in scans.SCHEDULES if s != "reduce")
#: every adder name accepted by :func:`add`
ADDERS: tuple[str, ...] = ("ripple",) + PREFIX_ADDERS
STYLES = ("ling", "textbook")
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")

#: default ``slack`` of the sum forms per schedule (style "ling"; 0 for schedules not listed): Sklansky at 0
#: would fold 32 sum bits at p = 64 and exceed the issue's size target, at 1 it multiplexes them
DEFAULT_SLACK = {"sklansky": 1, "serial": None}


def as_bits(c: Circuit, x, p: int | None = None) -> np.ndarray:
    """Check and return ``x`` as an int64 array of wire ids with the bits on the last axis (``p`` of them, if
    given)."""
    x = np.asarray(x)
    if x.ndim == 0:
        raise CircuitError("a bit vector needs at least one axis (the bits, least significant first)")
    if x.dtype.kind not in "iu":
        raise CircuitError(f"wire ids must be integers, got {x.dtype}")
    if p is not None and x.shape[-1] != p:
        raise CircuitError(f"expected {p} bits, got {x.shape[-1]}")
    if x.size and (x.min() < 0 or x.max() >= len(c)):
        raise CircuitError("bit vector names wires that do not exist in this circuit")
    return x.astype(np.int64)


def _pair(c, a, b):
    a, b = as_bits(c, a), as_bits(c, b)
    if a.shape[-1] != b.shape[-1]:
        raise CircuitError(f"operands have {a.shape[-1]} and {b.shape[-1]} bits; extend one first "
                           f"(zero_extend / sign_extend)")
    a, b = np.broadcast_arrays(a, b)
    return a, b


def zero_extend(c: Circuit, a, p: int) -> np.ndarray:
    a = as_bits(c, a)
    if p < a.shape[-1]:
        raise CircuitError(f"cannot zero-extend {a.shape[-1]} bits to {p}")
    pad = np.full(a.shape[:-1] + (p - a.shape[-1],), int(c.const(0)), dtype=np.int64)
    return np.concatenate([a, pad], axis=-1)


def sign_extend(c: Circuit, a, p: int) -> np.ndarray:
    a = as_bits(c, a)
    if p < a.shape[-1]:
        raise CircuitError(f"cannot sign-extend {a.shape[-1]} bits to {p}")
    pad = np.repeat(a[..., -1:], p - a.shape[-1], axis=-1)
    return np.concatenate([a, pad], axis=-1)


# ---------------------------------------------------------------------------------------------------------
# one-bit blocks
def half_adder(c: Circuit, a, b):
    """``(s, carry)`` with ``a + b = s + 2·carry``, elementwise over wire arrays."""
    G = gates_for(c)
    return G.xor(a, b), G.and_(a, b)


def full_adder(c: Circuit, a, b, cin):
    """``(s, carry)`` with ``a + b + cin = s + 2·carry``: ``s = (a⊕b)⊕cin``, ``carry = a∧b ∨ cin∧(a⊕b)``
    (5 gates over {and, or, xor}; 7 ANDs after AIGER export and structural hashing, since ``a∧b`` and
    ``cin∧(a⊕b)`` are also the first ANDs of the two XORs). ``cin`` is the fast input: the sum and carry are
    2 AIG levels after it, 4 after ``a`` and ``b``."""
    G = gates_for(c)
    if G.native_threshold:
        return G.full_adder_threshold(a, b, cin)
    x = G.xor(a, b)
    return G.xor(x, cin), G.or_(G.and_(a, b), G.and_(cin, x))


def csa(c: Circuit, x, y, z):
    """Carry-save (3:2) compression of three equal-width bit vectors: ``(s, k)`` with
    ``x + y + z = s + 2·k`` (as integers; ``k`` is not shifted, so the result has one more bit than the
    operands). One full adder per bit position, all in parallel (constant depth)."""
    x, y = _pair(c, x, y)
    x, z = _pair(c, x, z)
    y = np.broadcast_to(y, x.shape)
    return full_adder(c, x, y, z)


# ---------------------------------------------------------------------------------------------------------
# adders
def ripple_add(c: Circuit, a, b, cin=None):
    """Ripple-carry adder (a chain of full adders; a half adder at bit 0 when there is no carry-in).
    Returns ``(s, cout)``: ``s`` has the bits of ``a + b + cin mod 2^p``, ``cout`` the carry-out."""
    a, b = _pair(c, a, b)
    G = gates_for(c)
    p = a.shape[-1]
    carry = None if cin is None else np.broadcast_to(np.asarray(cin, dtype=np.int64), a.shape[:-1])
    s = np.empty(a.shape, dtype=np.int64)
    for i in range(p):
        if carry is None:
            s[..., i], carry = half_adder(c, a[..., i], b[..., i])
        else:
            s[..., i], carry = full_adder(c, a[..., i], b[..., i], carry)
    return s, carry


def _scan_carries(c, a, b, schedule: str, cin, style: str, slack, final_only: bool):
    """The prefix-carry core. Returns ``(s, cout)`` (``s`` is None when ``final_only``).

    ``slack``: None builds every sum bit the plain way; an integer k chooses, per sum bit, the cheapest of the
    plain / multiplexed / folded forms whose estimated AIG depth is at most (the least depth any choice
    reaches) + k. The estimate runs the schedule on AIG depths first (``scans.run`` is operator-agnostic), so
    the H gates of folded bits are never built."""
    G = gates_for(c)
    p = a.shape[-1]
    batch = a.shape[:-1]
    sched = scans.schedule(schedule, p)
    ling = style == "ling"
    A, B = np.moveaxis(a, -1, 0), np.moveaxis(b, -1, 0)  # (p,) + batch
    g = G.and_(A, B)
    t = G.or_(A, B) if ling else None
    x = None if final_only and ling else G.xor(A, B)
    if cin is not None:
        cin = np.broadcast_to(np.asarray(cin, dtype=np.int64), batch)
    leaves = np.full((p,) + batch + (2,), -1, dtype=np.int64)
    leaves[..., 0] = g
    if ling:
        leaves[1:, ..., 1] = t[:-1]
        if cin is not None:
            leaves[0, ..., 0] = G.or_(g[0], cin)  # H_0 = g_0 ∨ c_0
    else:
        leaves[:, ..., 1] = x
        if cin is not None:
            leaves[0, ..., 0] = G.or_(g[0], G.and_(x[0], cin))
    offs = sched.level_offsets
    nodes = sched.num_nodes
    # a node needs its propagate T if it is a later operand, or an operand of a node that needs T
    need_t = np.zeros(nodes, dtype=bool)
    used = np.zeros(nodes, dtype=bool)
    for lv in sched.levels:
        need_t[lv[:, 0]] = True
        used[lv.ravel()] = True
    for L in range(len(sched.levels) - 1, -1, -1):
        rows = sched.levels[L]
        sel = need_t[offs[L]:offs[L + 1]]
        need_t[rows[sel, 0]] = True
        need_t[rows[sel, 1]] = True
    lo = 0 if cin is None else 1

    def absorbs(rows):  # Ling, both operands leaves j+1 and j (no carry-in in leaf j): t_j ∧ g_j = g_j
        if not ling:
            return np.zeros(len(rows), dtype=bool)
        return (rows[:, 0] < p) & (rows[:, 1] < p) & (rows[:, 1] >= lo)

    # ---- depth model: every node's (H, T) AIG depth (max over the batch)
    def dmax(w):
        w = np.asarray(w)
        return G.aig_depth(np.where(w < 0, 0, w)).reshape(w.shape[0], -1).max(axis=1) if w.size else w

    dep = np.zeros((nodes, 2), dtype=np.int64)
    dep[:p, 0] = dmax(leaves[..., 0])
    dep[:p, 1] = dmax(leaves[..., 1])
    for L, rows in enumerate(sched.levels):
        dl, de = dep[rows[:, 0]], dep[rows[:, 1]]
        h = np.maximum(dl[:, 0] + 1, np.maximum(dl[:, 1], de[:, 0]) + 2)
        h = np.where(absorbs(rows), np.maximum(dl[:, 0], de[:, 0]) + 1, h)
        dep[offs[L]:offs[L + 1], 0] = h
        dep[offs[L]:offs[L + 1], 1] = np.maximum(dl[:, 1], de[:, 1]) + 1
    comb_rows = np.concatenate(sched.levels) if sched.levels else np.zeros((0, 2), dtype=np.int64)

    # ---- choice of the sum form per bit i >= 1 (0 plain, 1 mux, 2 folded)
    form = np.zeros(p, dtype=np.int64)
    if not final_only and p > 1 and slack is not None:
        i = np.arange(1, p)
        v = sched.prefix[i - 1]
        dx = dmax(x[1:])
        dt = dmax(t[:-1]) if ling else np.zeros(p - 1, dtype=np.int64)
        dh = dep[v, 0]
        dD = np.maximum(dx, dt) + 2 if ling else dx
        opts = [np.maximum(np.maximum(dt, dh) + 1, dx) + 2]  # plain: x ⊕ (t ∧ H)
        costs = [4 if ling else 3]
        opts.append(np.maximum(dh, dD) + 2 if ling else np.full(p - 1, 1 << 30))  # mux: H ? x⊕t : x
        costs.append(6)
        comb = v >= p
        r = comb_rows[np.where(comb, v - p, 0)]
        dX, dT, dY = dep[r[:, 0], 0], dep[r[:, 0], 1], dep[r[:, 1], 0]
        xd = np.maximum(dX, dD) + 1
        td = np.maximum(dT, dD) + 1
        o1 = np.maximum(xd, np.maximum(dY, td) + 1) + 1
        o2 = np.maximum(np.maximum(dX, dx) + 1, np.maximum(dY, dT) + 1) + 1
        fold = np.where(comb, np.maximum(o1, o2) + 1, 1 << 30)
        last_needed = used[v] | (v == sched.prefix[-1])  # H still built: it feeds another node or the carry-out
        opts.append(fold)
        costs.append(np.where(last_needed, 11, 9) if ling else np.where(last_needed, 10, 8))
        opts, costs = np.stack(opts), np.stack([np.broadcast_to(k, (p - 1,)) for k in costs])
        target = int(opts.min(axis=0).max()) + int(slack)
        ok = opts <= target
        pick = np.where(ok, costs, 1 << 30).argmin(axis=0)
        pick = np.where(ok.any(axis=0), pick, opts.argmin(axis=0))
        form[1:] = pick
    skip_h = np.zeros(nodes, dtype=bool)
    folded = np.flatnonzero(form == 2)
    if folded.size:
        fv = sched.prefix[folded - 1]
        skip_h[fv] = ~(used[fv] | (fv == sched.prefix[-1]))
    record = np.zeros(nodes, dtype=bool)
    if folded.size:
        record[sched.prefix[folded - 1]] = True
    ops = {}  # node id -> (later value, earlier value) for folded bits
    lvl = [0]

    def combine(later, earlier):
        L = lvl[0]
        lvl[0] += 1
        rows = sched.levels[L]
        ids = np.arange(offs[L], offs[L + 1])
        H, T, H2 = later[..., 0], later[..., 1], earlier[..., 0]
        out = np.full(later.shape, -1, dtype=np.int64)
        ab = absorbs(rows)
        build = ~skip_h[ids]
        m = ab & build
        if m.any():
            out[m, ..., 0] = G.or_(H[m], H2[m])
        m = ~ab & build
        if m.any():
            out[m, ..., 0] = G.or_(H[m], G.and_(T[m], H2[m]))
        need = need_t[ids]
        if need.any():
            out[need, ..., 1] = G.and_(T[need], earlier[need, ..., 1])
        for k in np.flatnonzero(record[ids]).tolist():
            ops[int(ids[k])] = (later[k], earlier[k])
        return out

    pre = scans.run(sched, leaves, combine)  # (p or 1,) + batch + (2,)
    H = pre[..., 0]
    cout = G.and_(t[p - 1], H[-1]) if ling else H[-1]
    if final_only:
        return None, cout
    s = np.empty((p,) + batch, dtype=np.int64)
    s[0] = x[0] if cin is None else G.xor(x[0], cin)
    idx = np.flatnonzero(form == 0)
    idx = idx[idx >= 1]
    if idx.size:
        carry = G.and_(t[idx - 1], H[idx - 1]) if ling else H[idx - 1]
        s[idx] = G.xor(x[idx], carry)
    idx = np.flatnonzero(form == 1)
    if idx.size:
        s[idx] = G.mux(H[idx - 1], G.xor(x[idx], t[idx - 1]), x[idx])
    idx = folded
    if idx.size:
        lat = np.stack([ops[int(sched.prefix[i - 1])][0] for i in idx])
        ear = np.stack([ops[int(sched.prefix[i - 1])][1] for i in idx])
        X, T, Y = lat[..., 0], lat[..., 1], ear[..., 0]
        xi = x[idx]
        D = G.xor(xi, t[idx - 1]) if ling else G.not_(xi)
        yt = G.and_(Y, T)
        f = G.or_(G.or_(G.and_(X, D), G.and_(Y, G.and_(T, D))), G.and_(G.and_(G.not_(X), xi), G.not_(yt)))
        s[idx] = f
    return np.moveaxis(s, 0, -1), cout


def prefix_add(c: Circuit, a, b, schedule: str = "sklansky", cin=None, style: str = "ling",
               slack="default"):
    """Parallel-prefix adder over ``constructions.scans.schedule(schedule, p)``. Returns ``(s, cout)``.

    ``slack`` (see the module docstring): ``None`` for plain sum bits, an integer k for the cheapest sum
    forms within k AIG levels of the least depth reachable; ``"default"`` takes :data:`DEFAULT_SLACK`."""
    a, b = _pair(c, a, b)
    if schedule not in PREFIX_ADDERS:
        raise CircuitError(f"unknown prefix adder {schedule!r}; choose one of {', '.join(PREFIX_ADDERS)}"
                           + (" ('reduce' computes only the carry-out: use carry_out or compare)"
                              if schedule == "reduce" else ""))
    if style not in STYLES:
        raise CircuitError(f"unknown adder style {style!r}; choose one of {', '.join(STYLES)}")
    if isinstance(slack, str):
        if slack != "default":
            raise CircuitError(f"slack must be None, an integer >= 0 or 'default', not {slack!r}")
        slack = DEFAULT_SLACK.get(schedule, 0) if style == "ling" else None
    elif slack is not None and (not isinstance(slack, (int, np.integer)) or slack < 0):
        raise CircuitError(f"slack must be None, an integer >= 0 or 'default', not {slack!r}")
    return _scan_carries(c, a, b, schedule, cin, style, slack, final_only=False)


def carry_out(c: Circuit, a, b, cin=None, schedule: str = "reduce", style: str = "ling"):
    """The carry-out of ``a + b + cin`` alone (a prefix over the carry operator; ``reduce`` builds only the
    total, in depth ⌈log₂ p⌉ combines)."""
    a, b = _pair(c, a, b)
    scans.schedule(schedule, 1)  # validates the name
    return _scan_carries(c, a, b, schedule, cin, style, None, final_only=True)[1]


def add(c: Circuit, a, b, adder: str = "sklansky", cin=None, style: str = "ling", slack="default"):
    """``a + b (+ cin)`` modulo ``2^p`` with any adder of :data:`ADDERS` (``"ripple"`` or a scan schedule).
    Returns ``(s, cout)``: ``s`` the p sum bits, ``cout`` the carry-out (so ``s + 2^p·cout = a + b + cin``
    for unsigned operands). ``style`` and ``slack`` apply to prefix adders (see the module docstring)."""
    if adder == "ripple":
        return ripple_add(c, a, b, cin)
    return prefix_add(c, a, b, adder, cin, style, slack)


def subtract(c: Circuit, a, b, adder: str = "sklansky", **kw):
    """``a − b`` modulo ``2^p`` as ``a + ¬b + 1``. Returns ``(d, cout)``; ``cout = 1`` iff ``a ≥ b`` as
    unsigned numbers (no borrow)."""
    a, b = _pair(c, a, b)
    return add(c, a, gates_for(c).not_(b), adder, cin=c.const(1), **kw)


def negate(c: Circuit, a, adder: str = "sklansky", **kw):
    """``−a`` modulo ``2^p`` (two's complement: ``¬a + 1``). Returns the p bits."""
    a = as_bits(c, a)
    zero = np.full(a.shape, int(c.const(0)), dtype=np.int64)
    return add(c, gates_for(c).not_(a), zero, adder, cin=c.const(1), **kw)[0]


def equal(c: Circuit, a, b):
    """``a = b``: the AND (balanced tree) of the bitwise XNORs."""
    a, b = _pair(c, a, b)
    G = gates_for(c)
    d = G.xor(a, b)
    return G.not_(G.or_tree([d[..., i] for i in range(d.shape[-1])]))


def compare(c: Circuit, a, b, op: str = "<", signed: bool = False, schedule: str = "reduce",
            style: str = "ling"):
    """One wire per batch element: ``a op b`` for ``op`` in :data:`COMPARISONS`, unsigned or two's-complement
    signed. ``a < b`` (unsigned) is the absence of a carry-out from ``a + ¬b + 1``; signed comparison inverts
    both sign bits first. The carry is a prefix over ``schedule`` (default ``reduce``: the total only)."""
    if op not in COMPARISONS:
        raise CircuitError(f"unknown comparison {op!r}; choose one of {', '.join(COMPARISONS)}")
    a, b = _pair(c, a, b)
    G = gates_for(c)
    if op in ("==", "!="):
        e = equal(c, a, b)
        return e if op == "==" else G.not_(e)
    if signed:
        a, b = a.copy(), b.copy()
        a[..., -1], b[..., -1] = G.not_(a[..., -1]), G.not_(b[..., -1])
    one = c.const(1)
    if op in (">", "<="):
        a, b = b, a  # a > b  ⇔  b < a;  a ≤ b  ⇔  ¬(b < a)
    ge = carry_out(c, a, G.not_(b), cin=one, schedule=schedule, style=style)  # a ≥ b
    return G.not_(ge) if op in ("<", ">") else ge
