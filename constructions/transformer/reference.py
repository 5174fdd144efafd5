"""The exact reference: the fixed-point transformer of :mod:`.spec` evaluated in plain Python integers.

``reference(fs, tokens)`` returns the raw residual stream after the last layer (n × d Python ints); with
``trace=True`` also every intermediate (embedding, per layer the queries, keys, values, scores, selection sets,
head outputs and the residual after each sublayer) — what tests and the docs' worked example read. The circuit
of :mod:`.build` must give the same raw integers, bit for bit.
"""
from __future__ import annotations

from circuits import CircuitError

from .spec import FixedSpec, wrap

__all__ = ["reference", "linear", "token_indices"]


def token_indices(fs: FixedSpec, tokens) -> list[int]:
    """Vocabulary indices of a full-length token sequence (fixed positions must hold their fixed token)."""
    spec = fs.spec
    tokens = list(tokens)
    if len(tokens) != spec.n:
        raise CircuitError(f"transformer: expected {spec.n} tokens, got {len(tokens)}")
    index = {t: k for k, t in enumerate(spec.vocab)}
    out = []
    for i, t in enumerate(tokens):
        if t not in index:
            raise CircuitError(f"transformer: token {t!r} at position {i} is not in the vocabulary")
        if i in spec.fixed and spec.fixed[i] != t:
            raise CircuitError(f"transformer: position {i} is fixed to {spec.fixed[i]!r}, got {t!r}")
        out.append(index[t])
    return out


def linear(W, b, x, p: int, F: int) -> list[int]:
    """``wrap(⌊Σ_k W[o,k]·x[k] / 2^F⌋ + b[o])`` for every output o (raw integers)."""
    rows = W.tolist() if hasattr(W, "tolist") else W
    bias = b.tolist() if hasattr(b, "tolist") else b
    xs = [int(v) for v in x]
    return [wrap((sum(int(w) * v for w, v in zip(row, xs)) >> F) + int(c), p) for row, c in zip(rows, bias)]


def reference(fs: FixedSpec, tokens, trace: bool = False):
    spec, p, F = fs.spec, fs.precision, fs.frac
    idx = token_indices(fs, tokens)
    n, d = spec.n, spec.d
    x = [[int(fs.embed[i, idx[i], k]) for k in range(d)] for i in range(n)]
    log = {"embed": [row[:] for row in x], "layers": []}
    for L in fs.layers:
        entry = {}
        if L.heads:
            outs = [[] for _ in range(n)]
            entry["heads"] = []
            for h in L.heads:
                q = [linear(h.wq, h.bq, x[i], p, F) for i in range(n)]
                k = [linear(h.wk, h.bk, x[i], p, F) for i in range(n)]
                v = [linear(h.wv, h.bv, x[i], p, F) for i in range(n)]
                S = [[sum(a * b for a, b in zip(q[i], k[j])) for j in range(n)] for i in range(n)]
                sel, avg = [], []
                for i in range(n):
                    allowed = range(i + 1) if spec.causal else range(n)
                    top = max(S[i][j] for j in allowed)
                    M = [j for j in allowed if S[i][j] == top]
                    sel.append(M)
                    a = [sum(v[j][c] for j in M) // len(M) for c in range(len(v[0]))]
                    avg.append(a)
                    outs[i].extend(a)
                entry["heads"].append({"q": q, "k": k, "v": v, "scores": S, "selected": sel, "out": avg})
            attn = [linear(L.wo, L.bo, outs[i], p, F) for i in range(n)]
            x = [[wrap(x[i][c] + attn[i][c], p) for c in range(d)] for i in range(n)]
            entry["after_attention"] = [row[:] for row in x]
        if L.mlp:
            ys = []
            for i in range(n):
                y = x[i]
                for m, (W, b) in enumerate(L.mlp):
                    y = linear(W, b, y, p, F)
                    if m < len(L.mlp) - 1:
                        y = [max(0, t) for t in y]
                ys.append(y)
            x = [[wrap(x[i][c] + ys[i][c], p) for c in range(d)] for i in range(n)]
            entry["after_mlp"] = [row[:] for row in x]
        log["layers"].append(entry)
    return (x, log) if trace else x
