"""Depth-2 comparison with polynomial weights, and what it buys: iterated addition in depth 3 and
multiplication in depth 4, every weight polynomial in the widths.

**Linear forms.** Gates here read *linear forms*: ``Σ cᵢ·wireᵢ + const`` with a known range of values
(``_Form``). A form over first-layer gates costs no depth of its own, so a threshold gate on such a form sits one
level above the gates it reads. A function φ of a form G with a small range is an exact ±-weighted sum of
gates ``[G ≥ g]``, one per change of φ (telescoping: ``φ(G) = φ(min) + Σ_g (φ(g) − φ(g−1))·[G ≥ g]``).

**Comparison by residues** (the signed-digit number ``D = Σ 2^i dᵢ``, digits dᵢ ∈ {−1, 0, 1}; for a > b,
dᵢ = aᵢ − bᵢ). Digits in blocks of L: block value ``D_k`` (|D_k| < 2^L) and the part above it
``H_k = Σ_{i ≥ (k+1)L} 2^(i−(k+1)L) dᵢ``. The sign of D is the sign of the highest nonzero block, so
``sgn D = Σ_k sgn(D_k)·[H_k = 0]``. ``[H_k = 0]`` is not a threshold of a small form, but ``H_k mod q`` is a
function of ``R_(k,q) = Σ (2^(i−(k+1)L) mod q)·dᵢ`` (range ±(q−1)·#digits), so the *score*

    ``Score = Σ_k Σ_(q ∈ P) sgn(D_k)·[q | H_k]``

is a sum of functions of the small forms ``G = D_k + M·R_(k,q)`` (first layer: one gate per change,
weights ≤ M·(q−1)); the top gate reads the score with weights ±1. For the highest nonzero block k* every
q divides H_(k*) = 0, which gives |P|·sgn(D); below k*, H_k ≠ 0 and |H_k| < 2^(h_k) (h_k digits above block
k), so at most r(h_k) primes of P divide it (their product ≤ |H_k|). With |P| > e = Σ_k r(h_k),
``Score ≥ 1`` iff D > 0 and ``Score = 0`` iff D = 0. Blocks whose H_k is small (range at most a residue form's)
test ``H_k = 0`` exactly with one form of weight |P| instead. This is the Chinese-remainder technique of the
published L̂T₂ simulations of large-weight threshold gates (Goldmann & Karpinski 1993/1998; Hofmeister 1996),
specialised to comparison; see docs/threshold.md for the sizes and weight bounds.

**Two-operand addition in depth 2** (of bits given as forms): bit j of X + Y is ``(x_j + y_j + c_j) mod 2`` and
the carry ``c_j = [Σ_(i<j) 2^i (xᵢ + yᵢ − 1) ≥ 1]`` is a comparison of signed digits. Its score is multiplied
by ``α(s) = ±1`` (s = x_j + y_j; the sign folds into each first-layer form as a third mixed-radix digit), so
bit j is one top gate ``[α(s)·Score + β(s) ≥ 0]``.

**Iterated addition in depth 3**: the block-save step of :func:`.blocks.heap_sum` (each block's sum by the
depth-2 bit-of-a-weighted-sum circuit, weights < 2^L ≤ h) gives two numbers X, Y whose bits are ±1-sums of
its first-layer gates — exact linear forms over depth-1 gates — and the depth-2 adder reads those forms
directly: depth 1 + 2 = 3.
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit
from circuits.errors import CircuitError

from ..common import ceil_log2


class _Form:
    """``Σ coef·wire + const``, whose values on every input lie in [lo, hi] (wires and coefficients as int64
    arrays, each wire once)."""

    __slots__ = ("w", "cf", "const", "lo", "hi")

    def __init__(self, terms=None, const=0, lo=None, hi=None):
        terms = dict(terms or {})
        self.w = np.array(list(terms.keys()), dtype=np.int64)
        self.cf = np.array(list(terms.values()), dtype=np.int64)
        self.const = int(const)
        self.lo = self.const if lo is None else int(lo)
        self.hi = self.const if hi is None else int(hi)

    @staticmethod
    def combine(pairs):
        """Σ m·f over (m, f) pairs; the range is the sum of the ranges (independent parts)."""
        out = _Form()
        ws, cs = [], []
        for m, f in pairs:
            m = int(m)
            if m == 0:
                continue
            ws.append(f.w)
            cs.append(m * f.cf)
            out.const += m * f.const
            out.lo += min(m * f.lo, m * f.hi)
            out.hi += max(m * f.lo, m * f.hi)
        if ws:
            w, cf = np.concatenate(ws), np.concatenate(cs)
            if w.size:
                u, inv = np.unique(w, return_inverse=True)
                acc = np.zeros(u.size, dtype=np.int64)
                np.add.at(acc, inv, cf)
                keep = acc != 0
                out.w, out.cf = u[keep], acc[keep]
        return out

    @property
    def terms(self) -> bool:
        return self.w.size > 0

    @property
    def constant(self) -> bool:
        return not self.w.size or self.lo == self.hi


def _piecewise(c: Circuit, form: _Form, segments):
    """Gates and weights with ``Σ weight·gate + const = φ(form)``, φ = v on each segment [a, b] (disjoint) and
    0 elsewhere: one gate ``[form ≥ g]`` per change point g in (lo, hi]."""
    delta: dict = {}
    for a, b, v in segments:
        if v == 0 or b < a:
            continue
        delta[a] = delta.get(a, 0) + v
        delta[b + 1] = delta.get(b + 1, 0) - v
    const = sum(d for g, d in delta.items() if g <= form.lo)
    pts = sorted(g for g, d in delta.items() if d and form.lo < g <= form.hi)
    if not pts or not form.terms:
        if pts:  # a constant form: φ(const)
            const += sum(delta[g] for g in pts if g <= form.const)
        return [], [], const
    args, w = form.w, form.cf
    th = np.array([g - form.const for g in pts], dtype=np.int64)
    ys = np.atleast_1d(c.threshold(np.broadcast_to(args, (len(pts), args.size)), w, th))
    return [int(y) for y in ys], [int(delta[g]) for g in pts], const


def _primes_from(q0: int, k: int) -> list:
    """The k smallest primes ≥ q0."""
    out, n = [], max(2, int(q0))
    while len(out) < k:
        if all(n % d for d in range(2, int(n ** 0.5) + 1)):
            out.append(n)
        n += 1
    return out


def _r_max(hmax: int, q0: int) -> int:
    """The most distinct primes ≥ q0 that can divide a nonzero integer of absolute value ≤ hmax."""
    r, prod = 0, 1
    for q in _primes_from(q0, max(1, hmax.bit_length())):
        if prod * q > hmax:
            break
        prod *= q
        r += 1
    return r


def default_block(n: int) -> int:
    """Default block length L for n digits: ⌈log₂ n⌉ (at least 1), so 2^L < 2n."""
    return max(1, ceil_log2(max(n, 1)))


def default_q0(L: int) -> int:
    """Default smallest prime modulus: the first prime ≥ 2^L + 1."""
    return _primes_from((1 << L) + 1, 1)[0]


def score_plan(digit_ranges, L: int | None = None, q0: int | None = None):
    """The block modes and the prime set of :func:`_score` for digits with these (lo, hi) ranges:
    ``(L, q0, modes, P, e)``, modes[k] ∈ {'top', 'exact', 'residue'}, e the error bound (|P| = e + 1)."""
    n = len(digit_ranges)
    L = default_block(n) if L is None else int(L)
    q0 = default_q0(L) if q0 is None else int(q0)
    B = -(-n // L) if n else 0
    modes, e = [], 0
    for k in range(B):
        hi_digits = digit_ranges[(k + 1) * L:]
        hlo = sum(min(lo << i, hi << i) for i, (lo, hi) in enumerate(hi_digits))
        hhi = sum(max(lo << i, hi << i) for i, (lo, hi) in enumerate(hi_digits))
        nvar = sum(lo != hi for lo, hi in hi_digits)
        if hlo == hhi:  # nothing varies above: compare to the constant
            modes.append(("top", hlo))
        elif hhi - hlo <= 2 * (q0 - 1) * max(nvar, 1):
            modes.append(("exact", None))
        else:
            modes.append(("residue", None))
            e += _r_max(max(abs(hlo), abs(hhi)), q0)
    P = _primes_from(q0, e + 1) if any(m[0] == "residue" for m in modes) else []
    return L, q0, modes, P, e


def _score(c: Circuit, digits, sel=None, L: int | None = None, q0: int | None = None):
    """Gates, weights and a constant whose weighted sum is ``α(sel)·Score`` (α = 1 without ``sel``), where
    ``Score = W·sgn(D) + err`` for ``D = Σ 2^i dᵢ`` (dᵢ = the forms ``digits``), |err| ≤ W − 1, and Score = 0
    when D = 0. ``sel = (form, α)``, α a function of the selector's value. Returns (wires, weights, const, W)."""
    n = len(digits)
    if n == 0:
        return [], [], 0, 1
    L, q0, modes, P, _ = score_plan([(d.lo, d.hi) for d in digits], L, q0)
    W = max(1, len(P))
    if sel is None:
        sform, alpha = _Form(), (lambda v: 1)
    else:
        sform, alpha = sel
    svals = [(v, int(alpha(v))) for v in range(sform.lo, sform.hi + 1)]
    wires, weights, const = [], [], 0
    for k, (mode, top_value) in enumerate(modes):
        blk = digits[k * L:(k + 1) * L]
        Dk = _Form.combine([(1 << i, d) for i, d in enumerate(blk)])
        high = digits[(k + 1) * L:]
        if mode == "top":
            if top_value != 0:
                continue  # a nonzero constant above: block k never decides
            tests = [(_Form(), None, W)]
        elif mode == "exact":
            tests = [(_Form.combine([(1 << i, d) for i, d in enumerate(high)]), None, W)]
        else:
            tests = [(_Form.combine([(pow(2, i, q), d) for i, d in enumerate(high)]), q, 1) for q in P]
        M1 = Dk.hi - Dk.lo + 1
        for R, q, wt in tests:
            M2 = R.hi - R.lo + 1
            G = _Form.combine([(1, Dk), (M1, R), (M1 * M2, sform)])
            G.const -= Dk.lo + M1 * R.lo + M1 * M2 * sform.lo
            G.lo, G.hi = 0, M1 * M2 * (sform.hi - sform.lo + 1) - 1
            segs = []
            for v, a in svals:
                if a == 0:
                    continue
                for r in range(R.lo, R.hi + 1):
                    if (r != 0) if q is None else (r % q):
                        continue
                    base = M1 * (r - R.lo) + M1 * M2 * (v - sform.lo)
                    if Dk.lo <= -1:
                        segs.append((base, base + (-1 - Dk.lo), -a * wt))
                    if Dk.hi >= 1:
                        segs.append((base + (1 - Dk.lo), base + (Dk.hi - Dk.lo), a * wt))
            ws, wts, k0 = _piecewise(c, G, segs)
            wires += ws
            weights += wts
            const += k0
    return wires, weights, const, W


def _top(c: Circuit, wires, weights, const, theta: int):
    """``[Σ weight·wire + const ≥ θ]`` as one gate (a constant when nothing varies)."""
    if not wires:
        return int(c.const(int(const >= theta)))
    return int(c.threshold(np.array(wires, dtype=np.int64), np.array(weights, dtype=np.int64), theta - const))


# ---------------------------------------------------------------------------------------------------------
# comparison
def compare_residue(c: Circuit, a, b, strict: bool = True, L: int | None = None, q0: int | None = None):
    """``[a > b]`` or ``[a ≥ b]`` in depth 2 with polynomial weights (the score above, top gate
    ``[Score ≥ 1]`` or ``[Score ≥ 0]``)."""
    a = np.atleast_1d(np.asarray(a)).astype(np.int64)
    b = np.atleast_1d(np.asarray(b)).astype(np.int64)
    if a.size != b.size or a.size == 0:
        raise CircuitError("compare: a and b need the same positive number of bits")
    digits = [_Form({int(x): 1, int(y): -1}, 0, -1, 1) if x != y else _Form()
              for x, y in zip(a.tolist(), b.tolist())]
    ws, wts, k0, _ = _score(c, digits, None, L, q0)
    return _top(c, ws, wts, k0, 1 if strict else 0)


def compare_residue_size(p: int, L: int | None = None, q0: int | None = None) -> int:
    """Gates of :func:`compare_residue` for p-bit operands, from the plan alone: a test of block k (block
    length ℓ, |D_k| ≤ 2^ℓ − 1) with rows r ∈ [R_lo, R_hi], q | r (r = 0 for an exact test) has 4 change points
    per row (start and end of the −1 and +1 runs of φ), less one when the first row starts at the bottom of
    the form's range (folded into the constant) and one when the last row ends at its top; plus the top gate."""
    L, q0, modes, P, _ = score_plan([(-1, 1)] * p, L, q0)
    n = 0
    for k, (mode, _) in enumerate(modes):
        h = max(0, p - (k + 1) * L)
        if mode == "top":
            ranges = [(0, 0, None)]
        elif mode == "exact":
            ranges = [(-((1 << h) - 1), (1 << h) - 1, None)]
        else:
            ranges = []
            for q in P:
                s = sum(pow(2, i, q) for i in range(h))
                ranges.append((-s, s, q))
        for lo, hi, q in ranges:
            rows = [r for r in range(lo, hi + 1) if (r == 0 if q is None else r % q == 0)]
            n += 4 * len(rows) - (lo in rows) - (hi in rows)
    return n + 1


# ---------------------------------------------------------------------------------------------------------
# addition of two numbers given as forms of bits, depth 2 above the forms' wires
def _bit_form(w) -> _Form:
    if w is None:
        return _Form()
    if isinstance(w, _Form):
        return w
    return _Form({int(w): 1}, 0, 0, 1)


def add_forms(c: Circuit, xs, ys, nbits: int | None = None):
    """Bits of X + Y (``max(len) + 1`` of them, or the low ``nbits``); xs, ys are lists of bits given as wires,
    ``None`` (0) or :class:`_Form` (0/1-valued forms). Each output bit is one gate two levels above the forms'
    wires: the score of the carry comparison times ±1, plus a function of s = x_j + y_j."""
    P_ = max(len(xs), len(ys))
    xs = [_bit_form(w) for w in xs] + [_Form()] * (P_ - len(xs))
    ys = [_bit_form(w) for w in ys] + [_Form()] * (P_ - len(ys))
    nbits = P_ + 1 if nbits is None else nbits
    digits = [_Form.combine([(1, x), (1, y), (1, _Form(const=-1))]) for x, y in zip(xs, ys)]
    out = []
    for j in range(nbits):
        s = _Form.combine([(1, xs[j]), (1, ys[j])]) if j < P_ else _Form()
        s.lo, s.hi = max(s.lo, 0), min(s.hi, 2)
        if s.constant:
            sv = s.const
            ws, wts, k0, _ = _score(c, digits[:j])
            if sv % 2:
                ws, wts, k0 = ws, [-x for x in wts], -k0
            out.append(_top(c, ws, wts, k0 + (-1 if sv % 2 == 0 else 0), 0))
            continue
        ws, wts, k0, _ = _score(c, digits[:j], (s, lambda v: 1 - 2 * (v % 2)))
        bw, bwt, bk = _piecewise(c, _shift(s), [(v - s.lo, v - s.lo, -1) for v in range(s.lo, s.hi + 1)
                                                 if v % 2 == 0])
        out.append(_top(c, ws + bw, wts + bwt, k0 + bk, 0))
    return np.array(out, dtype=np.int64)


def _shift(f: _Form) -> _Form:
    """f − lo (range [0, hi − lo])."""
    g = _Form(None, f.const - f.lo, 0, f.hi - f.lo)
    g.w, g.cf = f.w, f.cf
    return g


# ---------------------------------------------------------------------------------------------------------
# iterated addition: block-save (depth 1 + its ±1 sums as forms), then add_forms (depth 2)
def _sum_bit_forms(c: Circuit, x, w, nbits: int):
    """Bits 0..nbits−1 of Σ wᵢxᵢ (wᵢ ≥ 0) as ±1-forms over first-layer gates (``sum_bits`` without its top
    gates: bit j = Σ_t (−1)^(t+1) [R_j ≥ t·2^j], exactly)."""
    x = np.asarray(x, dtype=np.int64)
    w = np.asarray(w, dtype=np.int64)
    out = []
    for j in range(nbits):
        r = w % (1 << (j + 1))
        T = int(r.sum()) >> j
        if T == 0:
            out.append(_Form())
            continue
        keep = r != 0
        args, wr = x[keep], r[keep]
        th = np.arange(1, T + 1, dtype=np.int64) << j
        ys = np.atleast_1d(c.threshold(np.broadcast_to(args, (T, args.size)), wr, th))
        out.append(_Form({int(y): (1 if t % 2 == 0 else -1) for t, y in enumerate(ys.tolist())}, 0, 0, 1))
    return out


def heap_sum_residue(c: Circuit, cols, nbits: int | None = None):
    """Bits of ``Σ_k 2^k Σ cols[k]`` in depth 3 with polynomial weights."""
    cols = [list(col) for col in cols]
    total = sum(len(col) << k for k, col in enumerate(cols))
    nb = max(1, total.bit_length())
    nbits = nb if nbits is None else nbits
    h = max((len(col) for col in cols), default=0)
    if h == 0:
        return np.array([int(c.const(0))] * nbits, np.int64)
    Lb = max(1, ceil_log2(h))
    rows = [[None] * nb, [None] * nb]
    for B in range(-(-len(cols) // Lb)):
        lo = B * Lb
        xs = [wv for k in range(lo, min(lo + Lb, len(cols))) for wv in cols[k]]
        ws = [1 << (k - lo) for k in range(lo, min(lo + Lb, len(cols))) for _ in cols[k]]
        if not xs:
            continue
        top = sum(ws)
        bits = _sum_bit_forms(c, xs, ws, max(1, top.bit_length()))
        for r, f in enumerate(bits):
            if lo + r < nb:
                rows[B % 2][lo + r] = f
    s = add_forms(c, rows[0], rows[1], min(nbits, nb + 1))
    if s.size < nbits:
        s = np.concatenate([s, [int(c.const(0))] * (nbits - s.size)])
    return s[:nbits]
