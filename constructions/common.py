"""Small helpers shared by the constructions: integer logarithms and random exact inputs.

Each exists once here; the builders, the closed forms and the checks import them.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

__all__ = ["ceil_log2", "floor_log2", "pairwise_reduce", "random_fractions", "random_integers",
           "random_onehot_columns", "sequential_affine"]


def ceil_log2(n: int) -> int:
    """⌈log₂ n⌉ for an integer n ≥ 1, exact for any size (no floats); 0 for n ≤ 1 (no halving rounds needed)."""
    n = int(n)
    return (n - 1).bit_length() if n > 1 else 0


def floor_log2(n: int) -> int:
    """⌊log₂ n⌋ for an integer n ≥ 1, exact for any size."""
    n = int(n)
    if n < 1:
        raise ValueError(f"floor_log2 needs n >= 1, got {n}")
    return n.bit_length() - 1


def pairwise_reduce(xs: list, fn):
    """Combine a non-empty list by a balanced tree of ``fn``: adjacent pairs level by level, an odd last item
    carried up unchanged (depth ⌈log₂ len⌉)."""
    while len(xs) > 1:
        nxt = [fn(xs[i], xs[i + 1]) for i in range(0, len(xs) - 1, 2)]
        if len(xs) % 2:
            nxt.append(xs[-1])
        xs = nxt
    return xs[0]


def random_integers(rng: np.random.Generator, shape, lo: int = -2, hi: int = 2) -> np.ndarray:
    """Uniform integers in [lo, hi] as an object array of Python ints (exact arithmetic downstream)."""
    vals = rng.integers(lo, hi + 1, size=shape)
    out = np.empty(vals.shape, dtype=object)
    for idx in np.ndindex(*vals.shape):
        out[idx] = int(vals[idx])
    return out


def random_fractions(rng: np.random.Generator, shape, num: int = 3, den: int = 3) -> np.ndarray:
    """Small exact fractions p/q with |p| ≤ ``num`` and 1 ≤ q ≤ ``den``, as an object array."""
    p = rng.integers(-num, num + 1, size=shape)
    q = rng.integers(1, den + 1, size=shape)
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(*out.shape):
        out[idx] = Fraction(int(p[idx]), int(q[idx]))
    return out


def random_onehot_columns(rng: np.random.Generator, count: int, d: int, dtype=int) -> np.ndarray:
    """``count`` random d×d 0/1 matrices with exactly one 1 per column (the PD family's P), shape (count, d, d)."""
    P = np.zeros((count, d, d), dtype=int)
    for t in range(count):
        P[t, rng.integers(0, d, d), np.arange(d)] = 1
    return P.astype(dtype)


def sequential_affine(A_of, b_of, h0, n: int) -> np.ndarray:
    """The sequential recurrence h_t = A_t h_{t-1} + b_t, t = 0..n−1, on exact numbers (object arrays): all n
    states, shape (n, d). ``A_of(t)`` gives the d×d transition, ``b_of(t)`` the d-vector. The one reference loop
    the presets and ``constructions.lrnn.recurrence`` share."""
    h = np.asarray(h0, dtype=object)
    out = []
    for t in range(n):
        h = np.asarray(A_of(t), dtype=object).dot(h) + np.asarray(b_of(t), dtype=object)
        out.append(h)
    return np.array(out, dtype=object)
