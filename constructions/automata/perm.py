"""Permutations of {0, …, k−1} as tuples of images: ``p[i]`` is the image of i.

Composition follows the convention used throughout :mod:`constructions.automata`: ``compose(q, p)`` is
``q ∘ p`` — apply p first, then q — so ``compose(q, p)[i] = q[p[i]]``. A word ``p_1 p_2 … p_L`` read left to
right acts as ``p_L ∘ … ∘ p_1``. As a matrix, ``matrix(p)`` is the permutation matrix P with ``P[p[i], i] = 1``,
so ``matrix(compose(q, p)) = matrix(q) @ matrix(p)`` and ``matrix(p) @ e_i = e_{p[i]}``.
"""
from __future__ import annotations

import numpy as np

from circuits import CircuitError

__all__ = ["identity", "compose", "compose_word", "inverse", "cycle", "matrix", "is_permutation", "order",
           "cycle_type", "commutator"]


def is_permutation(p) -> bool:
    try:
        t = tuple(int(v) for v in p)
    except (TypeError, ValueError):
        return False
    return sorted(t) == list(range(len(t)))


def _check(p) -> tuple:
    if not is_permutation(p):
        raise CircuitError(f"not a permutation of 0..k−1: {p!r}")
    return tuple(int(v) for v in p)


def identity(k: int) -> tuple:
    return tuple(range(k))


def compose(q, p) -> tuple:
    """``q ∘ p`` (p first)."""
    q, p = _check(q), _check(p)
    if len(q) != len(p):
        raise CircuitError(f"cannot compose permutations of {len(q)} and {len(p)} points")
    return tuple(q[i] for i in p)


def compose_word(word, k: int | None = None) -> tuple:
    """``p_L ∘ … ∘ p_1`` for the word ``p_1 … p_L`` (the identity of k points for an empty word)."""
    word = [_check(p) for p in word]
    if not word:
        if k is None:
            raise CircuitError("compose_word: an empty word needs k")
        return identity(k)
    out = word[0]
    for p in word[1:]:
        out = compose(p, out)
    return out


def inverse(p) -> tuple:
    p = _check(p)
    inv = [0] * len(p)
    for i, v in enumerate(p):
        inv[v] = i
    return tuple(inv)


def cycle(k: int, *points) -> tuple:
    """The cycle (a b c …) on k points: a → b → c → … → a."""
    pts = [int(v) for v in points]
    if len(set(pts)) != len(pts) or any(not 0 <= v < k for v in pts):
        raise CircuitError(f"cycle: points must be distinct and in 0..{k - 1}, got {points!r}")
    img = list(range(k))
    for a, b in zip(pts, pts[1:] + pts[:1]):
        img[a] = b
    return tuple(img)


def commutator(p, q) -> tuple:
    """``[p, q] = p⁻¹ ∘ q⁻¹ ∘ p ∘ q`` as a word read left to right: q, p, q⁻¹, p⁻¹ — i.e. ``p⁻¹q⁻¹pq`` with
    the rightmost applied first."""
    return compose(inverse(p), compose(inverse(q), compose(p, q)))


def matrix(p) -> np.ndarray:
    """The permutation matrix P (int64) with ``P[p[i], i] = 1``."""
    p = _check(p)
    m = np.zeros((len(p), len(p)), dtype=np.int64)
    m[list(p), list(range(len(p)))] = 1
    return m


def order(p) -> int:
    p = _check(p)
    q, k = p, 1
    while q != identity(len(p)):
        q = compose(p, q)
        k += 1
    return k


def cycle_type(p) -> tuple:
    """Cycle lengths, descending."""
    p = _check(p)
    seen, out = set(), []
    for i in range(len(p)):
        if i in seen:
            continue
        j, n = i, 0
        while j not in seen:
            seen.add(j)
            j = p[j]
            n += 1
        out.append(n)
    return tuple(sorted(out, reverse=True))
