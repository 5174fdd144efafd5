"""A transformer as data: weights as exact rationals (:class:`TransformerSpec`), and the same weights quantised
to p-bit fixed point (:class:`FixedSpec`), which the circuit and the exact reference both read.

Fixed point (``docs/transformer.md``): a value v is stored as a p-bit two's-complement integer r ("raw"), with
v = r / 2^F. ``wrap(r)`` reduces r to [−2^(p−1), 2^(p−1)) modulo 2^p.

* constants — weights, biases, embedding tables — are rounded to the nearest raw integer (ties to even):
  ``raw(c) = round(c · 2^F)``; this happens once, in :func:`quantize`;
* a linear map (constant W, b) is ``wrap(⌊Σ_k raw(W)[o,k] · x[k] / 2^F⌋ + raw(b)[o])``: the exact sum, one
  floor, then the bias, then wrap;
* scores are exact: ``S_ij = Σ_k q_ik · k_jk`` (an integer in units of 2^(−2F), never rounded or wrapped);
* average-hard attention: M_i = the allowed positions j (all, or j ≤ i when causal) with maximal S_ij; the
  head's output is ``⌊Σ_{j∈M_i} v_j / |M_i|⌋`` per coordinate, the floor of the exact mean (always in range);
* a layer: ``x ← wrap(x + W_O·concat(heads))`` (one linear map over the concatenated heads), then
  ``x ← wrap(x + MLP(x))``, MLP = linear, ReLU, …, linear. Either sublayer may be absent;
* embedding: ``x_i = wrap(raw(E_tok)[token_i] + raw(E_pos)[i])``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from circuits import CircuitError

__all__ = ["Head", "Layer", "TransformerSpec", "FixedSpec", "FixedHead", "FixedLayer", "quantize", "wrap",
           "random_spec", "MAX_PRECISION"]

#: raw values must fit the int64 weights of the IR's threshold gates with room for sums
MAX_PRECISION = 24


def _matrix(m, rows: int | None, cols: int | None, what: str) -> tuple:
    """A rational matrix as a tuple of tuples of Fractions, shape checked."""
    try:
        out = tuple(tuple(Fraction(v) if not isinstance(v, float) else Fraction(v) for v in row) for row in m)
    except (TypeError, ValueError) as e:
        raise CircuitError(f"{what}: entries must be numbers ({e})") from None
    if rows is not None and len(out) != rows:
        raise CircuitError(f"{what}: expected {rows} rows, got {len(out)}")
    widths = {len(r) for r in out}
    if len(widths) > 1:
        raise CircuitError(f"{what}: rows of different lengths {sorted(widths)}")
    if cols is not None and out and len(out[0]) != cols:
        raise CircuitError(f"{what}: expected {cols} columns, got {len(out[0])}")
    return out


def _vector(v, size: int, what: str) -> tuple:
    if v is None:
        return tuple(Fraction(0) for _ in range(size))
    out = _matrix([v], 1, size, what)[0]
    return out


@dataclass(frozen=True)
class Head:
    """One attention head: ``q = Wq·x + bq``, ``k = Wk·x + bk`` (dk × d), ``v = Wv·x + bv`` (dv × d)."""
    wq: tuple
    wk: tuple
    wv: tuple
    bq: tuple | None = None
    bk: tuple | None = None
    bv: tuple | None = None


@dataclass(frozen=True)
class Layer:
    """Heads (may be empty: no attention sublayer), the output map ``wo`` (d × Σ dv) with bias ``bo``, and the
    MLP as a list of ``(W, b)`` (ReLU between them; empty: no MLP sublayer)."""
    heads: tuple = ()
    wo: tuple | None = None
    bo: tuple | None = None
    mlp: tuple = ()


@dataclass(frozen=True)
class TransformerSpec:
    """Token vocabulary (any hashable values), n positions, width d, tables ``token_embed`` (|vocab| × d) and
    ``pos_embed`` (n × d), the layers, ``causal`` masking, ``fixed`` = {position: token} for positions whose
    token is a constant of the circuit (e.g. BOS at 0), and ``readout`` = the residual coordinates output."""
    vocab: tuple
    n: int
    d: int
    token_embed: tuple
    pos_embed: tuple
    layers: tuple
    causal: bool = False
    fixed: dict = field(default_factory=dict)
    readout: tuple | None = None

    def __post_init__(self):
        if not isinstance(self.n, int) or self.n < 1:
            raise CircuitError(f"transformer: n must be a positive integer, got {self.n!r}")
        if not isinstance(self.d, int) or self.d < 1:
            raise CircuitError(f"transformer: d must be a positive integer, got {self.d!r}")
        if len(set(self.vocab)) != len(self.vocab) or not self.vocab:
            raise CircuitError("transformer: the vocabulary must be non-empty with distinct tokens")
        object.__setattr__(self, "token_embed", _matrix(self.token_embed, len(self.vocab), self.d, "token_embed"))
        object.__setattr__(self, "pos_embed", _matrix(self.pos_embed, self.n, self.d, "pos_embed"))
        for pos, tok in self.fixed.items():
            if not (isinstance(pos, int) and 0 <= pos < self.n) or tok not in self.vocab:
                raise CircuitError(f"transformer: fixed token {tok!r} at position {pos!r} is not valid")
        ro = tuple(range(self.d)) if self.readout is None else tuple(int(k) for k in self.readout)
        if any(not 0 <= k < self.d for k in ro):
            raise CircuitError(f"transformer: readout coordinates must lie in 0..{self.d - 1}")
        object.__setattr__(self, "readout", ro)
        layers = []
        for li, L in enumerate(self.layers):
            heads = []
            for hi, h in enumerate(L.heads):
                what = f"layer {li} head {hi}"
                wq = _matrix(h.wq, None, self.d, what + " wq")
                wk = _matrix(h.wk, len(wq), self.d, what + " wk")
                wv = _matrix(h.wv, None, self.d, what + " wv")
                if not wq or not wv:
                    raise CircuitError(f"{what}: query/key and value dimensions must be ≥ 1")
                heads.append(Head(wq, wk, wv, _vector(h.bq, len(wq), what + " bq"),
                                  _vector(h.bk, len(wq), what + " bk"), _vector(h.bv, len(wv), what + " bv")))
            dv = sum(len(h.wv) for h in heads)
            wo = bo = None
            if heads:
                if L.wo is None:
                    raise CircuitError(f"layer {li}: heads need an output map wo (d × {dv})")
                wo = _matrix(L.wo, self.d, dv, f"layer {li} wo")
                bo = _vector(L.bo, self.d, f"layer {li} bo")
            mlp, width = [], self.d
            for k, (W, b) in enumerate(L.mlp):
                W = _matrix(W, None, width, f"layer {li} mlp {k} W")
                mlp.append((W, _vector(b, len(W), f"layer {li} mlp {k} b")))
                width = len(W)
            if mlp and width != self.d:
                raise CircuitError(f"layer {li}: the MLP must end in width d = {self.d}, not {width}")
            layers.append(Layer(tuple(heads), wo, bo, tuple(mlp)))
        object.__setattr__(self, "layers", tuple(layers))

    @property
    def free_positions(self) -> list[int]:
        return [i for i in range(self.n) if i not in self.fixed]

    def with_n(self, n: int) -> "TransformerSpec":
        """The same model on the first n positions (n ≤ self.n)."""
        if not 1 <= n <= self.n:
            raise CircuitError(f"transformer: n must lie in 1..{self.n}, got {n}")
        return TransformerSpec(self.vocab, n, self.d, self.token_embed, self.pos_embed[:n], self.layers, self.causal,
                               {p: t for p, t in self.fixed.items() if p < n}, self.readout)


# ---------------------------------------------------------------------------------------------------------
# fixed point
def wrap(r: int, p: int) -> int:
    half = 1 << (p - 1)
    return ((r + half) % (1 << p)) - half


def _raw(v: Fraction, F: int) -> int:
    return round(v * (1 << F))  # Fraction.__round__: nearest, ties to even


def _raw_matrix(m, F: int) -> np.ndarray:
    return np.array([[_raw(v, F) for v in row] for row in m], dtype=object).reshape(len(m), -1)


@dataclass(frozen=True)
class FixedHead:
    wq: np.ndarray
    bq: np.ndarray
    wk: np.ndarray
    bk: np.ndarray
    wv: np.ndarray
    bv: np.ndarray


@dataclass(frozen=True)
class FixedLayer:
    heads: tuple
    wo: np.ndarray | None
    bo: np.ndarray | None
    mlp: tuple


@dataclass(frozen=True)
class FixedSpec:
    """The raw integers of a spec at precision p with F fraction bits (object arrays of Python ints)."""
    spec: TransformerSpec
    precision: int
    frac: int
    embed: np.ndarray  # (n, |vocab|, d): wrap(raw tok + raw pos), the embedding of token v at position i
    layers: tuple

    @property
    def n(self) -> int:
        return self.spec.n

    @property
    def d(self) -> int:
        return self.spec.d


def quantize(spec: TransformerSpec, precision: int, frac: int = 0) -> FixedSpec:
    """Round every constant of ``spec`` to raw p-bit fixed point with ``frac`` fraction bits. A constant that does
    not fit p bits is an error (no silent wrap of weights)."""
    if not isinstance(precision, int) or not 2 <= precision <= MAX_PRECISION:
        raise CircuitError(f"transformer: precision must be an integer in 2..{MAX_PRECISION}, got {precision!r}")
    if not isinstance(frac, int) or not 0 <= frac < precision:
        raise CircuitError(f"transformer: fraction bits must be an integer in 0..{precision - 1}, got {frac!r}")
    p, F = precision, frac
    lo, hi = -(1 << (p - 1)), (1 << (p - 1)) - 1

    def fit(m, what):
        r = _raw_matrix(m, F) if m is not None else None
        if r is not None and r.size:
            bad = [int(v) for v in r.ravel() if not lo <= v <= hi]
            if bad:
                raise CircuitError(f"transformer: {what} has a constant {Fraction(bad[0], 1 << F)} that needs more "
                                   f"than p = {p} bits with F = {F} fraction bits (raw {bad[0]})")
        return r

    tok = fit(spec.token_embed, "token_embed")
    pos = fit(spec.pos_embed, "pos_embed")
    embed = np.empty((spec.n, len(spec.vocab), spec.d), dtype=object)
    for i in range(spec.n):
        for v in range(len(spec.vocab)):
            for k in range(spec.d):
                embed[i, v, k] = wrap(tok[v, k] + pos[i, k], p)
    layers = []
    for li, L in enumerate(spec.layers):
        heads = tuple(FixedHead(fit(h.wq, f"layer {li} wq"), fit([h.bq], f"layer {li} bq")[0],
                                fit(h.wk, f"layer {li} wk"), fit([h.bk], f"layer {li} bk")[0],
                                fit(h.wv, f"layer {li} wv"), fit([h.bv], f"layer {li} bv")[0]) for h in L.heads)
        wo = fit(L.wo, f"layer {li} wo") if L.heads else None
        bo = fit([L.bo], f"layer {li} bo")[0] if L.heads else None
        mlp = tuple((fit(W, f"layer {li} mlp W"), fit([b], f"layer {li} mlp b")[0]) for W, b in L.mlp)
        layers.append(FixedLayer(heads, wo, bo, mlp))
    return FixedSpec(spec, p, F, embed, tuple(layers))


# ---------------------------------------------------------------------------------------------------------
# random models for tests and benchmarks
def random_spec(n: int, d: int, vocab: int = 4, layers: int = 1, heads: int = 1, causal: bool = False,
                mlp_width: int | None = None, scale: int = 4, seed: int = 0, precision: int = 8,
                frac: int = 2) -> TransformerSpec:
    """Random small nonzero rational weights (multiples of 2^−frac with 1 ≤ |raw| ≤ 2^(precision−1)/scale, so that
    the raw constants fit), a token vocabulary 0..vocab−1; an MLP of width ``mlp_width`` (default d) per layer."""
    rng = np.random.default_rng([seed, 1])  # the layers' weights: the same for every n
    rng_emb = np.random.default_rng([seed, 2])  # the token table, then the position rows: a prefix for smaller n
    top = max(1, (1 << (precision - 1)) // max(1, scale))
    unit = Fraction(1, 1 << frac)

    def mat(r, c, g=rng):  # nonzero entries: every weight matters, so no part of the circuit is dead
        mag = g.integers(1, top + 1, size=(r, c))
        sign = np.where(g.integers(0, 2, size=(r, c)) == 1, 1, -1)
        return [[unit * int(v) for v in row] for row in mag * sign]

    h = mlp_width or d
    Ls = []
    for _ in range(layers):
        hs = tuple(Head(mat(d, d), mat(d, d), mat(d, d), mat(1, d)[0], mat(1, d)[0], mat(1, d)[0])
                   for _ in range(heads))
        Ls.append(Layer(hs, mat(d, d * heads), mat(1, d)[0], ((mat(h, d), mat(1, h)[0]), (mat(d, h), mat(1, d)[0]))))
    tok = mat(vocab, d, rng_emb)
    return TransformerSpec(tuple(range(vocab)), n, d, tok, mat(n, d, rng_emb), tuple(Ls), causal)


def bits_for(values) -> int:
    """Two's-complement bits needed for these integers."""
    m = max((max(-int(v) - 1, int(v)) for v in values), default=0)
    return max(1, m.bit_length() + 1) if m > 0 else 1


