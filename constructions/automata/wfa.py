"""Weighted finite automata over Q (exact Fractions), deterministic WFAs, and their LRNNs (Thms 6 and 8 of
Merrill et al. 2026).

Convention. A WFA with k states over s symbols is ``(α, A, β)``: an initial row vector α (k,), one matrix per
symbol ``A[σ]`` (k, k) with ``A[σ][p, q]`` the weight of the transition p —σ→ q, and a final vector β (k,).
The weight of a word ``w = w₁ … w_L`` (read left to right) is

    f(w) = αᵀ A[w₁] A[w₂] ⋯ A[w_L] β          (f(ε) = αᵀβ).

Deterministic WFA: α has at most one nonzero entry (one initial state) and every row of every ``A[σ]`` has at
most one nonzero entry (from each state, at most one σ-transition). β is arbitrary. A DFA is the deterministic
WFA with weights 1 and β the indicator of the accepting states (:func:`dfa_to_wfa`).

Zero threshold: the WFA accepts w iff ``f(w) > 0`` — our reading of the "zero-threshold" acceptance in the
paper's Thm 8 (a DFA, as a WFA, accepts exactly its words under this rule, since its weights are 0 or 1).

LRNNs. Both constructions run the WFA forwards on a column state: ``h₀ = α``, ``h_t = A[w_t]ᵀ h_{t−1}``, so
``h_L = (αᵀ A[w₁] ⋯ A[w_L])ᵀ`` and the readout ``y = βᵀ h_L = f(w)``.

* Thm 8 (:func:`pd_tokens`, :func:`build_pd_lrnn`): for a deterministic WFA, ``A[σ]ᵀ`` has at most one nonzero
  per column, so ``A[σ]ᵀ = P_σ diag(D_σ)`` with P_σ column one-hot: if row j of ``A[σ]`` has its nonzero c at
  column q, then ``P_σ[q, j] = 1`` and ``D_σ[j] = c``; a zero row j gives ``P_σ[j, j] = 1``, ``D_σ[j] = 0``.
  One PD layer in token mode (``build_lrnn("pd", mode="token")``), ``h0 = α``, readout β; accept iff ``y > 0``.
* Thm 6 (:func:`dplr_tokens`, :func:`build_dplr_lrnn`): ``A[σ]ᵀ = F₁ ⋯ F_m`` with ``m ≤ 2k − 1`` overwrite
  factors ``I + u vᵀ`` (:mod:`.overwrite`, Lemma 6), padded with identities to exactly ``K = 2k − 1`` steps per
  token. Each (symbol, step) pair is a token of a rank-1 DPLR LRNN (``D = 1, U = u, V = v``): token
  ``σ·K + j`` is the j-th factor *applied* (``F_m`` first, so step j applies ``F_{m−j}``; steps j ≥ m are
  identities ``u = v = 0``). A word ``w₁ … w_L`` becomes the stream of L·K tokens
  ``(w₁·K + 0, …, w₁·K + K−1, w₂·K + 0, …)`` (:func:`expand_word`); the output ``y`` at stream position
  ``t·K + K − 1`` is ``f(w₁ … w_{t+1})``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from circuits import CircuitError

from .dfa import DFA
from .overwrite import overwrite_factors

__all__ = ["WFA", "dfa_to_wfa", "random_wfa", "random_deterministic_wfa", "all_words", "pd_tokens",
           "build_pd_lrnn", "dplr_tokens", "steps_per_token", "expand_word", "build_dplr_lrnn",
           "build_dplr_lrnn_expanded",
           "prefix_outputs"]


def _frac_array(x, shape_err: str) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=object)
        out = np.empty(a.shape, dtype=object)
        out.ravel()[:] = [Fraction(v) for v in a.ravel().tolist()]
    except (TypeError, ValueError):
        raise CircuitError(f"{shape_err}: entries must be rational numbers") from None
    return out


@dataclass(frozen=True)
class WFA:
    alpha: np.ndarray  # (k,) Fractions
    A: np.ndarray  # (s, k, k) Fractions; A[σ][p, q] = weight of p —σ→ q
    beta: np.ndarray  # (k,) Fractions
    alphabet: tuple = field(default=())
    names: tuple = field(default=())

    def __post_init__(self):
        alpha = _frac_array(self.alpha, "WFA initial vector")
        A = _frac_array(self.A, "WFA transition matrices")
        beta = _frac_array(self.beta, "WFA final vector")
        if alpha.ndim != 1 or alpha.size == 0:
            raise CircuitError("WFA initial vector must be a non-empty vector")
        k = alpha.shape[0]
        if A.ndim != 3 or A.shape[1:] != (k, k) or A.shape[0] == 0:
            raise CircuitError(f"WFA transition matrices must have shape (s, {k}, {k}) with s >= 1")
        if beta.shape != (k,):
            raise CircuitError(f"WFA final vector must have {k} entries")
        s = A.shape[0]
        alphabet = tuple(self.alphabet) or tuple(str(i) for i in range(s))
        names = tuple(self.names) or tuple(str(i) for i in range(k))
        if len(alphabet) != s or len(names) != k:
            raise CircuitError("WFA labels: one label per symbol and per state")
        for name, v in (("alpha", alpha), ("A", A), ("beta", beta), ("alphabet", alphabet), ("names", names)):
            object.__setattr__(self, name, v)

    @property
    def num_states(self) -> int:
        return int(self.alpha.shape[0])

    @property
    def num_symbols(self) -> int:
        return int(self.A.shape[0])

    def _word(self, word) -> list:
        w = [int(a) for a in word]
        if any(not 0 <= a < self.num_symbols for a in w):
            raise CircuitError(f"word {list(word)!r} has a symbol outside 0..{self.num_symbols - 1}")
        return w

    def weight(self, word) -> Fraction:
        """``αᵀ A[w₁] ⋯ A[w_L] β``, exactly."""
        r = self.alpha
        for a in self._word(word):
            r = r.dot(self.A[a])
        return Fraction(r.dot(self.beta))

    def accepts(self, word) -> bool:
        """Zero-threshold acceptance: ``f(w) > 0``."""
        return self.weight(word) > 0

    def weights_by_length(self, L: int) -> list:
        """``[f of every word of length ℓ for ℓ = 0..L]``; entry ℓ is an object array of length s^ℓ in the order
        of :func:`all_words` (first symbol most significant)."""
        r = self.alpha[None, :]
        out = [np.array([Fraction(r[0].dot(self.beta))], dtype=object)]
        for _ in range(L):
            r = np.stack([r.dot(self.A[a]) for a in range(self.num_symbols)], axis=1).reshape(-1, self.num_states)
            out.append(r.dot(self.beta))
        return out

    def is_deterministic(self) -> bool:
        """At most one nonzero in α and in every row of every A[σ]."""
        if sum(v != 0 for v in self.alpha.tolist()) > 1:
            return False
        return bool(((self.A != 0).sum(axis=2) <= 1).all())


def dfa_to_wfa(dfa: DFA) -> WFA:
    """The DFA as a deterministic WFA: α = e_start, ``A[σ][q, δ(q, σ)] = 1``, β = accepting indicator."""
    k, s = dfa.num_states, dfa.num_symbols
    A = np.zeros((s, k, k), dtype=int)
    for q in range(k):
        for a in range(s):
            A[a, q, dfa.delta[q][a]] = 1
    alpha = np.zeros(k, dtype=int)
    alpha[dfa.start] = 1
    beta = np.array([int(q in dfa.accepting) for q in range(k)])
    return WFA(alpha, A, beta, dfa.alphabet, dfa.names)


_DET_WEIGHTS = [Fraction(v, q) for v in (-3, -2, -1, 1, 2, 3) for q in (1, 2)]
_FINAL = [Fraction(v, q) for v in (-2, -1, 0, 1, 2) for q in (1, 2)]


def random_deterministic_wfa(num_states: int, num_symbols: int, seed: int = 0, zero_row: float = 0.15) -> WFA:
    """A random deterministic WFA: initial state 0 with weight ±1/2, ±1, …; each row of each A[σ] is zero with
    probability ``zero_row``, else one transition to a uniform state with a weight from ±{1/2, 1, 3/2, 2, 3};
    β from {0, ±1/2, ±1, ±2}."""
    rng = np.random.default_rng(seed)
    k, s = num_states, num_symbols
    A = np.full((s, k, k), Fraction(0), dtype=object)
    for a in range(s):
        for p in range(k):
            if rng.random() >= zero_row:
                A[a, p, int(rng.integers(k))] = _DET_WEIGHTS[int(rng.integers(len(_DET_WEIGHTS)))]
    alpha = np.full(k, Fraction(0), dtype=object)
    alpha[0] = _DET_WEIGHTS[int(rng.integers(len(_DET_WEIGHTS)))]
    beta = np.array([_FINAL[int(rng.integers(len(_FINAL)))] for _ in range(k)], dtype=object)
    return WFA(alpha, A, beta)


def random_wfa(num_states: int, num_symbols: int, seed: int = 0, singular: float = 0.3) -> WFA:
    """A random WFA with small rational weights (numerators −2..2, denominators 1..3, about a third zero). With
    probability ``singular`` per symbol, A[σ] is made singular (rank ≤ k − 1: a zero column, or rank one)."""
    rng = np.random.default_rng(seed)
    k, s = num_states, num_symbols

    def entries(*shape):
        num = rng.integers(-2, 3, size=shape)
        den = rng.integers(1, 4, size=shape)
        out = np.empty(shape, dtype=object)
        out.ravel()[:] = [Fraction(int(a), int(b)) for a, b in zip(num.ravel(), den.ravel())]
        return out

    A = entries(s, k, k)
    for a in range(s):
        if rng.random() < singular:
            if rng.random() < 0.5:
                A[a, :, int(rng.integers(k))] = Fraction(0)
            else:
                A[a] = np.outer(entries(k), entries(k))
    return WFA(entries(k), A, entries(k))


def all_words(num_symbols: int, L: int) -> np.ndarray:
    """Every word of length L as rows of an int array (s^L, L), first symbol most significant."""
    if L == 0:
        return np.zeros((1, 0), dtype=np.int64)
    return np.array(list(itertools.product(range(num_symbols), repeat=L)), dtype=np.int64)


# ---------------------------------------------------------------------------------------------------------
# Thm 8: deterministic WFA -> one-layer PD-LRNN
def pd_tokens(wfa: WFA) -> dict:
    """Per-token PD parameters ``{"P": (s, k, k) 0/1, "D": (s, k), "b": zeros}`` with ``P_σ diag(D_σ) = A[σ]ᵀ``."""
    if not wfa.is_deterministic():
        raise CircuitError("Thm 8 needs a deterministic WFA (at most one nonzero per row of each A[σ] and in α)")
    s, k = wfa.num_symbols, wfa.num_states
    P = np.zeros((s, k, k), dtype=np.int64)
    D = np.full((s, k), Fraction(0), dtype=object)
    for a in range(s):
        for j in range(k):
            nz = [q for q in range(k) if wfa.A[a, j, q] != 0]
            q = nz[0] if nz else j
            P[a, q, j] = 1
            D[a, j] = wfa.A[a, j, q] if nz else Fraction(0)
    return {"P": P, "D": D, "b": np.zeros((s, k), dtype=np.int64)}


def build_pd_lrnn(wfa: WFA, n: int, scan: str = "brent-kung", tokens: dict | None = None):
    """The one-layer PD-LRNN of Thm 8 for words of length n: inputs one-hot ``x[t][σ]``, outputs ``h[t][i]``
    and ``y[t] = f(w₁ … w_{t+1})``; the word's prefix of length t+1 is accepted iff ``y[t] > 0``.
    ``tokens`` overrides :func:`pd_tokens` (for negative controls)."""
    from constructions.lrnn import build_lrnn
    tok = pd_tokens(wfa) if tokens is None else tokens
    return build_lrnn("pd", n, wfa.num_states, scan=scan, mode="token", tokens=tok, h0=wfa.alpha,
                      readout=wfa.beta)


# ---------------------------------------------------------------------------------------------------------
# Thm 6 / Lemma 6: any WFA -> rank-1 DPLR-LRNN with K = 2k − 1 steps per token
def steps_per_token(num_states: int) -> int:
    return 2 * int(num_states) - 1


def dplr_tokens(wfa: WFA, factors: list | None = None) -> dict:
    """Per-(symbol, step) DPLR parameters ``{"D": ones (s·K, k), "U": (s·K, k, 1), "V": (s·K, k, 1), "b": 0}``
    (token ``σ·K + j`` = step j of symbol σ, see the module docstring) and ``"factors"``: per symbol the overwrite
    factors of ``A[σ]ᵀ`` (left to right). ``factors`` overrides the factorisation (for negative controls)."""
    s, k = wfa.num_symbols, wfa.num_states
    K = steps_per_token(k)
    if factors is None:
        factors = [overwrite_factors(wfa.A[a].T) for a in range(s)]
    U = np.full((s * K, k, 1), Fraction(0), dtype=object)
    V = np.full((s * K, k, 1), Fraction(0), dtype=object)
    for a in range(s):
        fs = factors[a]
        if len(fs) > K:
            raise CircuitError(f"symbol {a}: {len(fs)} overwrite factors, more than K = {K} steps per token")
        for j, (u, v) in enumerate(reversed(fs)):  # F_m is applied first
            U[a * K + j, :, 0] = list(u)
            V[a * K + j, :, 0] = list(v)
    return {"D": np.ones((s * K, k), dtype=np.int64), "U": U, "V": V,
            "b": np.zeros((s * K, k), dtype=np.int64), "factors": factors}


def expand_word(word, K: int) -> np.ndarray:
    """The DPLR token stream of a word (or of rows of words, shape (..., L) → (..., L·K)): ``σ·K + j``."""
    w = np.asarray(word, dtype=np.int64)
    return (w[..., :, None] * K + np.arange(K)).reshape(w.shape[:-1] + (w.shape[-1] * K,))


def build_dplr_lrnn_expanded(wfa: WFA, n: int, scan: str = "brent-kung", tokens: dict | None = None):
    """The rank-1 DPLR-LRNN of Thm 6 as a plain token-mode LRNN (``build_lrnn("dplr", rank=1,
    mode="token")``) over the ``s·K`` expanded tokens: ``n·K`` steps, one-hot inputs ``x[t][τ]`` with τ from
    :func:`expand_word`, ``h0 = α``, readout β; ``y[t·K + K − 1]`` is ``f(w₁ … w_{t+1})``."""
    from constructions.lrnn import build_lrnn
    tok = dplr_tokens(wfa) if tokens is None else tokens
    tok = {key: tok[key] for key in ("D", "U", "V", "b")}
    K = steps_per_token(wfa.num_states)
    return build_lrnn("dplr", n * K, wfa.num_states, scan=scan, rank=1, mode="token", tokens=tok,
                      h0=wfa.alpha, readout=wfa.beta)


def _combine(c, x: np.ndarray, coeffs: np.ndarray) -> np.ndarray:
    """Wires of ``Σ_σ x[:, σ] · coeffs[σ, i]`` for constant coefficients (zero terms skipped, unit ones not
    multiplied). x: (n, s) wires; coeffs: (s, k). Returns (n, k)."""
    from constructions.linalg import tree_sum
    n, s = x.shape
    out = np.empty((n, coeffs.shape[1]), dtype=np.int64)
    for i in range(coeffs.shape[1]):
        terms = [x[:, a] if coeffs[a, i] == 1 else c.mul(x[:, a], c.const(coeffs[a, i]))
                 for a in range(s) if coeffs[a, i] != 0]
        out[:, i] = tree_sum(c, np.stack(terms, axis=-1), axis=-1) if terms else int(c.const(0))
    return out


def build_dplr_lrnn(wfa: WFA, n: int, scan: str = "brent-kung", tokens: dict | None = None):
    """The rank-1 DPLR-LRNN of Thm 6 for words of length n, with the word itself as input: one-hot ``x[t][σ]``
    (t < n). Step ``t·K + j`` (j < K) has the transition ``I + U Vᵀ`` with ``U = Σ_σ x[t][σ] u_{σ,j}`` (and V
    alike) — the same constants as the expanded tokens ``σ·K + j`` of :func:`dplr_tokens`, selected by the
    token's one-hot and the step's position j. ``D = 1`` and ``b = 0`` are constants, ``h0 = α``. The states
    come from :func:`constructions.lrnn.scan_states` (the DPLR operator, ``n·K`` steps). Outputs: ``h[t][i]``
    and ``y[t] = βᵀ h`` after the K steps of token t, i.e. ``f(w₁ … w_{t+1})``."""
    from circuits import Circuit
    from constructions.linalg import tree_sum
    from constructions.lrnn import Transitions, scan_states
    tok = dplr_tokens(wfa) if tokens is None else tokens
    s, k = wfa.num_symbols, wfa.num_states
    K = steps_per_token(k)
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise CircuitError(f"n must be an integer >= 1, got {n!r}")
    c = Circuit("arithmetic")
    x = c.input("x", (n, s))
    U = np.empty((n, K, k, 1), dtype=np.int64)
    V = np.empty((n, K, k, 1), dtype=np.int64)
    for j in range(K):
        U[:, j, :, 0] = _combine(c, x, np.asarray(tok["U"])[j::K, :, 0])
        V[:, j, :, 0] = _combine(c, x, np.asarray(tok["V"])[j::K, :, 0])
    D = np.full((n * K, k), int(c.const(1)), dtype=np.int64)
    b = np.full((n * K, k), int(c.const(0)), dtype=np.int64)
    tr = Transitions("dplr", k, {"D": D, "U": U.reshape(n * K, k, 1), "V": V.reshape(n * K, k, 1)}, b, 1)
    states = np.asarray(scan_states(c, tr, c.const(np.asarray(wfa.alpha, dtype=object)), scan=scan))
    h = states[K - 1::K]
    c.output("h", h)
    c.output("y", tree_sum(c, c.mul(h, c.const(np.asarray(wfa.beta, dtype=object))), axis=-1))
    return c


def prefix_outputs(y: np.ndarray, K: int = 1) -> np.ndarray:
    """From circuit outputs ``y`` (batch, n·K) keep the token boundaries: (batch, n), column t = prefix t+1."""
    y = np.asarray(y, dtype=object)
    return y[..., K - 1::K]
