"""The fixed-point transformer of :mod:`.spec` as an explicit threshold circuit, bit-exact with :mod:`.reference`.

Every number is a vector of wires, least significant bit first, two's complement. Two kinds of work:

* **fixed-width arithmetic** (embedding lookup, the linear maps Q, K, V, O and the MLP, the scores, residual
  additions, ReLU) acts on one position or one pair of positions at a time. It is written as a signed bit heap —
  every term is a bit with weight ±2^k — reduced by a Dadda tree and one parallel-prefix adder
  (:mod:`constructions.bits`, built with fan-in-2 AND/OR/NOT, which are threshold gates). Its depth depends on
  p, d and the weights, never on n;
* **the n-wide steps of attention** use unbounded fan-in threshold gates, in a depth that does not depend on n:
  - the maximal scores: ``max_method="bits"`` (default) scans the score bits from the most significant down,
    keeping the positions that agree with the maximum so far (2 levels per score bit, O(n²·W) gates);
    ``max_method="pairs"`` compares all pairs (one gate ``[S_ij ≥ S_ij']`` each, then an AND of fan-in n:
    2 levels, but n³ gates of fan-in 2W — for small n);
  - the average ``⌊Σ_{j∈M} v_j / |M|⌋`` without computing |M|: with the selection mask m_j, the gate
    ``[Σ_j m_j·(v_j − t) ≥ 0]`` fires iff the mean is ≥ t, so one gate per possible value t of the mean gives
    its thermometer code (after a level of ANDs m_j ∧ v_j,b), and one more level turns it into bits
    (3 levels; one gate per value in the range of v, so 2^p at most).

Ranges. A raw interval [lo, hi] is kept for every coordinate at every position (interval arithmetic through
the layer; a map that may overflow gets the full p-bit range, and then wraps, as the reference does). With
``narrow=True`` (default) a coordinate whose values fit k < p bits is built with k bits and sign-extended by
wiring (no gates), and the thermometer spans only [lo, hi]. ``narrow=False`` builds every number at p bits,
so that the structure depends on p, d and the weights only (used for the depth-against-n claim).

Inputs: ``tok`` — for every free position (not in ``spec.fixed``), the one-hot bits of its token (shape
(free positions, |vocab|)). Outputs: ``y`` — the residual after the last layer at the readout coordinates,
shape (n, len(readout), p).
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit, CircuitError

from ..bits import add_columns
from ..bits._gates import gates_for
from ..common import ceil_log2
from .reference import token_indices
from .spec import FixedSpec

__all__ = ["build_circuit", "run_circuit", "encode_tokens", "MAX_METHODS", "score_width"]

MAX_METHODS = ("bits", "pairs")


def _width(lo: int, hi: int) -> int:
    """Two's-complement bits for every integer in [lo, hi] (at least 1)."""
    k = 1
    while not (-(1 << (k - 1)) <= lo and hi <= (1 << (k - 1)) - 1):
        k += 1
    return k


def _naf(w: int) -> list[tuple[int, int]]:
    """Non-adjacent form of w: [(shift, ±1)], the fewest signed powers of two summing to w."""
    out, s = [], 0
    while w:
        if w & 1:
            d = 2 - (w & 3)  # +1 if w ≡ 1 (mod 4), −1 if w ≡ 3
            out.append((s, d))
            w -= d
        w >>= 1
        s += 1
    return out


class _Vec:
    """Numbers on a batch of positions: ``bits`` (batch, m, p) wire ids (bits at and above ``width[k]`` repeat
    bit ``width[k]−1``), and raw ranges ``lo``, ``hi`` (batch, m) of Python ints."""

    def __init__(self, bits, width, lo, hi):
        self.bits, self.width, self.lo, self.hi = bits, np.asarray(width, dtype=np.int64), lo, hi

    @property
    def m(self) -> int:
        return self.bits.shape[1]


class _Builder:
    def __init__(self, fs: FixedSpec, max_method: str, narrow: bool, adder: str):
        if not isinstance(fs, FixedSpec):
            raise CircuitError("build_circuit: expected a FixedSpec (use transformer.quantize(spec, p, F))")
        if max_method not in MAX_METHODS:
            raise CircuitError(f"build_circuit: max_method must be one of {', '.join(MAX_METHODS)}, "
                               f"not {max_method!r}")
        self.fs, self.spec = fs, fs.spec
        self.p, self.F = fs.precision, fs.frac
        self.max_method, self.narrow, self.adder = max_method, narrow, adder
        self.c = Circuit("threshold")
        self.G = gates_for(self.c)
        self.G.unit_wide = True  # wiring choices by threshold depth, not by fan-in (which grows with n)
        self.G.native_threshold = True  # full adders and XORs as threshold gates
        self.zero, self.one = int(self.c.const(0)), int(self.c.const(1))
        self.full = (-(1 << (self.p - 1)), (1 << (self.p - 1)) - 1)

    # -----------------------------------------------------------------------------------------------------
    # helpers
    def _clip(self, lo: int, hi: int) -> tuple[int, int]:
        """A range that may leave the p-bit range wraps: anything is then possible."""
        return (lo, hi) if self.full[0] <= lo and hi <= self.full[1] else self.full

    def _uniform(self, lo, hi, relu: bool = False) -> None:
        """Without ``narrow``, every range is the full p-bit one (ReLU outputs: [0, 2^(p−1) − 1]), so that the
        circuit's structure depends on p, d and the weights only — never on n or the positions' ranges."""
        if not self.narrow:
            lo[...] = 0 if relu else self.full[0]
            hi[...] = self.full[1]

    def _widths(self, lo, hi) -> np.ndarray:
        """Per coordinate (axis 1), the bits used: p, or with ``narrow`` the most any position needs."""
        m = lo.shape[1]
        if not self.narrow:
            return np.full(m, self.p, dtype=np.int64)
        return np.array([max(_width(int(lo[b, k]), int(hi[b, k])) for b in range(lo.shape[0])) for k in range(m)],
                        dtype=np.int64)

    def _extend(self, bits, width) -> np.ndarray:
        """Fill bits at and above width[k] with copies of bit width[k]−1 (sign extension by wiring)."""
        bits = np.array(bits, dtype=np.int64)
        for k, w in enumerate(np.asarray(width).tolist()):
            bits[:, k, w:] = bits[:, k, w - 1:w]
        return bits

    def _heap(self, shape, terms, const: int, width: int) -> np.ndarray:
        """Bits (shape + (width,)) of ``const + Σ ±2^col·bit`` modulo 2^width; ``terms`` = [(col, wires, neg)].
        A negative term −2^col·x is ¬x·2^col − 2^col."""
        cols = [[] for _ in range(width)]
        C = int(const)
        for col, w, neg in terms:
            if col >= width:
                continue
            if neg:
                w = self.G.not_(w)
                C -= 1 << col
            cols[col].append(np.broadcast_to(np.asarray(w, dtype=np.int64), shape))
        C %= 1 << width
        for b in range(width):
            if C >> b & 1:
                cols[b].append(np.full(shape, self.one, dtype=np.int64))
        if not any(cols):
            return np.full(shape + (width,), self.zero, dtype=np.int64)
        return np.asarray(add_columns(self.c, cols, width, "dadda", self.adder), dtype=np.int64)

    @staticmethod
    def _signed_bits(width: int):
        """(bit index, is the negative top bit) of a width-bit two's-complement number."""
        return [(b, b == width - 1) for b in range(width)]

    # -----------------------------------------------------------------------------------------------------
    # blocks
    def embed(self, tok) -> _Vec:
        fs, spec, p = self.fs, self.spec, self.p
        n, d, V = spec.n, spec.d, len(spec.vocab)
        free = {pos: r for r, pos in enumerate(spec.free_positions)}
        index = {t: k for k, t in enumerate(spec.vocab)}
        lo = np.empty((n, d), dtype=object)
        hi = np.empty((n, d), dtype=object)
        for i in range(n):
            vs = [index[spec.fixed[i]]] if i in spec.fixed else range(V)
            for k in range(d):
                vals = [int(fs.embed[i, v, k]) for v in vs]
                lo[i, k], hi[i, k] = min(vals), max(vals)
        self._uniform(lo, hi)
        width = self._widths(lo, hi)
        bits = np.full((n, d, p), self.zero, dtype=np.int64)
        want_args, want_w, where = [], [], []
        for i in range(n):
            for k in range(d):
                for b in range(int(width[k])):
                    if i in spec.fixed:
                        v = index[spec.fixed[i]]
                        bits[i, k, b] = self.one if (int(fs.embed[i, v, k]) >> b) & 1 else self.zero
                        continue
                    mask = np.array([(int(fs.embed[i, v, k]) >> b) & 1 for v in range(V)], dtype=np.int64)
                    if self.narrow and mask.sum() == 0:
                        bits[i, k, b] = self.zero
                    elif self.narrow and mask.sum() == V:
                        bits[i, k, b] = self.one
                    else:
                        want_args.append(tok[free[i]])
                        want_w.append(mask)
                        where.append((i, k, b))
        if where:
            g = np.atleast_1d(self.c.threshold(np.array(want_args), np.array(want_w), 1))
            for (i, k, b), w in zip(where, g.tolist()):
                bits[i, k, b] = w
        return _Vec(self._extend(bits, width), width, lo, hi)

    def linear(self, W, bvec, x: _Vec) -> _Vec:
        """``wrap(⌊W·x / 2^F⌋ + b)`` on every position of x."""
        F, p = self.F, self.p
        B = x.bits.shape[0]
        o_n, m = W.shape
        lo = np.empty((B, o_n), dtype=object)
        hi = np.empty((B, o_n), dtype=object)
        for o in range(o_n):
            for r in range(B):
                s_lo = s_hi = 0
                for k in range(m):
                    w = int(W[o, k])
                    a, z = w * int(x.lo[r, k]), w * int(x.hi[r, k])
                    s_lo += min(a, z)
                    s_hi += max(a, z)
                lo[r, o], hi[r, o] = self._clip((s_lo >> F) + int(bvec[o]), (s_hi >> F) + int(bvec[o]))
        self._uniform(lo, hi)
        width = self._widths(lo, hi)
        out = np.full((B, o_n, p), self.zero, dtype=np.int64)
        for o in range(o_n):
            terms = []
            for k in range(m):
                w = int(W[o, k])
                if w == 0:
                    continue
                for b, top in self._signed_bits(int(x.width[k])):
                    for s, sgn in _naf(w):
                        terms.append((b + s, x.bits[:, k, b], (sgn < 0) != top))
            N = F + int(width[o])
            bits = self._heap((B,), terms, int(bvec[o]) << F, N)
            out[:, o, :width[o]] = bits[:, F:N]
        return _Vec(self._extend(out, width), width, lo, hi)

    def add(self, x: _Vec, y: _Vec) -> _Vec:
        B, m = x.bits.shape[:2]
        lo = np.empty((B, m), dtype=object)
        hi = np.empty((B, m), dtype=object)
        for r in range(B):
            for k in range(m):
                lo[r, k], hi[r, k] = self._clip(int(x.lo[r, k]) + int(y.lo[r, k]), int(x.hi[r, k]) + int(y.hi[r, k]))
        self._uniform(lo, hi)
        width = self._widths(lo, hi)
        out = np.full((B, m, self.p), self.zero, dtype=np.int64)
        for k in range(m):
            terms = [(b, v.bits[:, k, b], top) for v in (x, y) for b, top in self._signed_bits(int(v.width[k]))]
            out[:, k, :width[k]] = self._heap((B,), terms, 0, int(width[k]))
        return _Vec(self._extend(out, width), width, lo, hi)

    def relu(self, x: _Vec) -> _Vec:
        B, m = x.bits.shape[:2]
        lo = np.empty((B, m), dtype=object)
        hi = np.empty((B, m), dtype=object)
        for r in range(B):
            for k in range(m):
                lo[r, k], hi[r, k] = max(0, int(x.lo[r, k])), max(0, int(x.hi[r, k]))
        self._uniform(lo, hi, relu=True)
        width = self._widths(lo, hi)
        out = np.full((B, m, self.p), self.zero, dtype=np.int64)
        for k in range(m):
            wk, top = int(width[k]), x.bits[:, k, int(x.width[k]) - 1]
            if all(int(v) >= 0 for v in x.lo[:, k]) and wk <= int(x.width[k]):
                out[:, k, :wk] = x.bits[:, k, :wk]  # never negative: the identity
                continue
            if all(int(v) <= 0 for v in x.hi[:, k]):
                continue  # never positive: 0
            low = x.bits[:, k, :wk - 1]  # bits below the (zero) sign bit of the result
            g = self.c.threshold(np.stack([low, np.broadcast_to(top[:, None], low.shape)], axis=-1), [1, -1], 1)
            out[:, k, :wk - 1] = np.asarray(g).reshape(B, wk - 1)
        return _Vec(self._extend(out, width), width, lo, hi)

    # -----------------------------------------------------------------------------------------------------
    # attention
    def pairs(self):
        n = self.spec.n
        return [(i, j) for i in range(n) for j in (range(i + 1) if self.spec.causal else range(n))]

    def scores(self, q: _Vec, k: _Vec, P):
        """Bits of the exact scores S_ij on the pairs P, and their width W."""
        I = np.array([i for i, _ in P])
        J = np.array([j for _, j in P])
        dk = q.m
        los, his = [], []
        for i, j in (P if self.narrow else ()):
            a = b = 0
            for c in range(dk):
                prods = [int(u) * int(v) for u in (q.lo[i, c], q.hi[i, c]) for v in (k.lo[j, c], k.hi[j, c])]
                a += min(prods)
                b += max(prods)
            los.append(a)
            his.append(b)
        W = _width(min(los), max(his)) if self.narrow else score_width(self.p, dk)
        terms = []
        for c in range(dk):
            qa = self._signed_bits(int(q.width[c]))
            kb = self._signed_bits(int(k.width[c]))
            for a, ta in qa:
                for b, tb in kb:
                    w = self.G.and_(q.bits[I, c, a], k.bits[J, c, b])
                    terms.append((a + b, w, ta != tb))
        return self._heap((len(P),), terms, 0, W), W

    def select_bits(self, S):
        """Mask of the maximal rows of S (shape (G, |J|, W): G query positions sharing the candidate set J, two's
        complement score bits), MSB first, 2 levels a bit."""
        c = self.c
        Gn, Jn, W = S.shape
        # literals u_b of the offset-binary score: u_b = s_b below the top, u_top = 1 − s_top
        pol = np.ones(W, dtype=np.int64)
        pol[W - 1] = -1

        def gate(cols, coefs, theta):
            """[Σ coef·u ≥ θ] per (query, candidate); cols: (wires, polarity), wires broadcast to (G, |J|)."""
            args, ws, th = [], [], theta
            for (wire, pl), cf in zip(cols, coefs):
                args.append(np.broadcast_to(np.asarray(wire, dtype=np.int64), (Gn, Jn)))
                ws.append(cf * pl)
                if pl < 0:
                    th -= cf
            return np.asarray(c.threshold(np.stack(args, axis=-1), np.array(ws, dtype=np.int64), th)).reshape(Gn, Jn)

        def any_of(g, theta=1, w=1):
            return np.asarray(c.threshold(g, w, theta)).reshape(Gn, 1)

        b = W - 1
        lit = (S[:, :, b], pol[b])
        anyb = any_of(S[:, :, b], 1 - Jn, -1)  # some u_top = 1
        alive = None
        while True:
            if alive is None:  # every allowed position is alive before the top bit
                new_alive = gate([lit, (anyb, 1)], [1, -1], 0)
                if b == 0:
                    return new_alive
                nxt = (S[:, :, b - 1], pol[b - 1])
                g = gate([lit, (anyb, 1), nxt], [1, -1, 2], 2)
            else:
                new_alive = gate([(alive, 1), lit, (anyb, 1)], [2, 1, -1], 2)
                if b == 0:
                    return new_alive
                nxt = (S[:, :, b - 1], pol[b - 1])
                g = gate([(alive, 1), lit, (anyb, 1), nxt], [2, 1, -1, 2], 4)
            anyb = any_of(g)
            alive, b, lit = new_alive, b - 1, nxt

    def select_pairs(self, S):
        """Mask of the maximal rows of S (G, |J|, W) by all pairwise comparisons [S_j ≥ S_j'] (one gate each) and
        an AND of fan-in |J|."""
        Gn, Jn, W = S.shape
        pw = np.array([1 << b for b in range(W)], dtype=np.int64)
        pw[W - 1] = -pw[W - 1]
        args = np.concatenate([np.broadcast_to(S[:, :, None, :], (Gn, Jn, Jn, W)),
                               np.broadcast_to(S[:, None, :, :], (Gn, Jn, Jn, W))], axis=-1)
        ge = np.asarray(self.c.threshold(args, np.concatenate([pw, -pw]), 0)).reshape(Gn, Jn, Jn)
        return np.asarray(self.c.threshold(ge, 1, Jn)).reshape(Gn, Jn)

    def average(self, m, v: _Vec, J):
        """⌊Σ_{j∈J, m_j} v_j / Σ m_j⌋ for every coordinate of v, for G query positions sharing J (m: (G, |J|)):
        thermometer gates, then bits. Returns (bits (G, dv, p), widths, lo, hi per coordinate)."""
        c, G, p = self.c, self.G, self.p
        Gn, Jn = m.shape
        dv = v.m
        out = np.full((Gn, dv, p), self.zero, dtype=np.int64)
        los, his, widths = [], [], []
        for cc in range(dv):
            lo = min(int(v.lo[j, cc]) for j in J)
            hi = max(int(v.hi[j, cc]) for j in J)
            kv = int(v.width[cc])
            R = hi - lo
            kw = _width(lo, hi) if self.narrow else p
            los.append(lo)
            his.append(hi)
            widths.append(kw)
            row = out[:, cc, :]
            if R == 0:
                for r in range(kw):
                    row[:, r] = self.one if (lo >> r) & 1 else self.zero
                row[:, kw:] = row[:, kw - 1:kw]
                continue
            A = np.asarray(G.and_(m[:, :, None], v.bits[J][None, :, cc, :kv])).reshape(Gn, Jn * kv)
            wb = np.array([1 << b for b in range(kv)], dtype=np.int64)
            wb[kv - 1] = -wb[kv - 1]
            args = np.concatenate([A, m], axis=1)  # (G, |J|·kv + |J|)
            ts = np.arange(1, R + 1, dtype=np.int64)
            wts = np.concatenate([np.broadcast_to(np.tile(wb, Jn), (R, Jn * kv)),
                                  np.broadcast_to(-(lo + ts)[:, None], (R, Jn))], axis=1)
            therm = np.asarray(c.threshold(np.broadcast_to(args[:, None, :], (Gn, R, args.shape[1])), wts, 0))
            therm = therm.reshape(Gn, R)
            vals = lo + np.arange(R + 1)
            for r in range(kw):
                bit = (vals >> r) & 1  # two's complement bits (numpy's >> is arithmetic)
                delta = np.diff(bit)
                base = int(bit[0])
                nz = np.flatnonzero(delta)
                if nz.size == 0:
                    row[:, r] = self.one if base else self.zero
                elif nz.size == 1 and delta[nz[0]] == 1 and base == 0:
                    row[:, r] = therm[:, nz[0]]
                else:
                    row[:, r] = np.asarray(c.threshold(therm[:, nz], delta[nz], 1 - base)).reshape(Gn)
            row[:, kw:] = row[:, kw - 1:kw]
        return out, widths, los, his

    def attention(self, L, x: _Vec) -> _Vec:
        spec, p = self.spec, self.p
        n = spec.n
        P = self.pairs()
        per_i = {}
        for t, (i, j) in enumerate(P):
            per_i.setdefault(i, []).append((t, j))
        groups = {}  # query positions with the same candidate set share every gate call
        for i in range(n):
            groups.setdefault(tuple(j for _, j in per_i[i]), []).append(i)
        head_bits, head_w, head_lo, head_hi = [], [], [], []
        for h in L.heads:
            q = self.linear(h.wq, h.bq, x)
            k = self.linear(h.wk, h.bk, x)
            v = self.linear(h.wv, h.bv, x)
            S, _W = self.scores(q, k, P)
            bits = np.full((n, v.m, p), self.zero, dtype=np.int64)
            lo = np.empty((n, v.m), dtype=object)
            hi = np.empty((n, v.m), dtype=object)
            wmax = np.zeros(v.m, dtype=np.int64)
            for J, rows_i in groups.items():
                J = list(J)
                idx = np.array([[t for t, _ in per_i[i]] for i in rows_i])
                Si = S[idx]  # (G, |J|, W)
                mask = self.select_bits(Si) if self.max_method == "bits" else self.select_pairs(Si)
                b, ws, ls, hs = self.average(mask, v, J)
                bits[rows_i] = b
                for i in rows_i:
                    lo[i], hi[i] = ls, hs
                wmax = np.maximum(wmax, ws)
            head_bits.append(self._extend(bits, wmax))
            head_w.append(wmax)
            head_lo.append(lo)
            head_hi.append(hi)
        cat = _Vec(np.concatenate(head_bits, axis=1), np.concatenate(head_w),
                   np.concatenate(head_lo, axis=1), np.concatenate(head_hi, axis=1))
        return self.linear(L.wo, L.bo, cat)

    def mlp(self, L, x: _Vec) -> _Vec:
        y = x
        for t, (W, b) in enumerate(L.mlp):
            y = self.linear(W, b, y)
            if t < len(L.mlp) - 1:
                y = self.relu(y)
        return y

    def build(self) -> Circuit:
        spec = self.spec
        tok = self.c.input("tok", (len(spec.free_positions), len(spec.vocab)))
        x = self.embed(np.asarray(tok, dtype=np.int64).reshape(len(spec.free_positions), len(spec.vocab)))
        for L in self.fs.layers:
            if L.heads:
                x = self.add(x, self.attention(L, x))
            if L.mlp:
                x = self.add(x, self.mlp(L, x))
        self.c.output("y", x.bits[:, list(spec.readout), :])
        return self.c


def score_width(p: int, dk: int) -> int:
    """Bits of an exact score Σ_{c<dk} q_c·k_c of p-bit two's-complement numbers: 2p + ⌈log₂ dk⌉."""
    return 2 * p + ceil_log2(dk)


def build_circuit(fs: FixedSpec, max_method: str = "bits", narrow: bool = True, adder: str = "sklansky") -> Circuit:
    """The threshold circuit of a quantised transformer (see the module docstring)."""
    return _Builder(fs, max_method, narrow, adder).build()


def encode_tokens(fs: FixedSpec, sequences) -> dict:
    """Circuit inputs for a batch of full-length token sequences: ``{"tok": bool (batch, free, |vocab|)}``."""
    spec = fs.spec
    free = spec.free_positions
    rows = []
    for seq in sequences:
        idx = token_indices(fs, seq)
        oh = np.zeros((len(free), len(spec.vocab)), dtype=bool)
        for r, pos in enumerate(free):
            oh[r, idx[pos]] = True
        rows.append(oh)
    return {"tok": np.array(rows, dtype=bool).reshape(len(rows), len(free), len(spec.vocab))}


def run_circuit(fs: FixedSpec, circuit: Circuit, tokens) -> list[list[int]]:
    """Raw readout values (n × len(readout)) the circuit computes on one full-length token sequence."""
    return run_circuit_batch(fs, circuit, [tokens])[0]


def run_circuit_batch(fs: FixedSpec, circuit: Circuit, sequences) -> list:
    sequences = [list(s) for s in sequences]
    if not sequences:
        return []
    out = circuit.evaluate(encode_tokens(fs, sequences), domain="bool")["y"]
    bits = np.asarray(out, dtype=np.int64).reshape(len(sequences), fs.n, len(fs.spec.readout), fs.precision)
    p = fs.precision
    weights = np.array([1 << b for b in range(p)], dtype=object)
    weights[p - 1] = -weights[p - 1]
    vals = (bits.astype(object) * weights).sum(axis=-1)
    return [[[int(v) for v in row] for row in seq] for seq in vals]
