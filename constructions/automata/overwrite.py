"""Lemma 6 (Merrill et al. 2026): any d×d rational matrix is a product of at most 2d "overwrite" factors, each
the identity plus a rank-one matrix, ``I + u vᵀ`` — a DPLR transition with ``D = 1`` and rank 1.

The factorisation here is exact (Fractions) and uses at most ``2d − 1`` factors, for every matrix, singular or
not. By induction on d, with ``m`` the first column of M:

* ``m ≠ 0``: ``F = I + (m − e₀) wᵀ`` maps e₀ to m. Take ``w = e₀`` (a column overwrite: F is I with column 0
  replaced by m) when ``m₀ ≠ 0``, else ``w = e₀ + e_j`` for the first j with ``m_j ≠ 0``; either way
  ``det F = wᵀm ≠ 0``. Then ``M' = F⁻¹M`` (Sherman–Morrison, exact) has first column e₀, so
  ``M' = [[1, r], [0, M'']] = diag(1, M'') · (I + e₀ (0, r)ᵀ)``.
* ``m = 0``: ``M = diag(1, M'') · (I + e₀ (−1, r)ᵀ)`` — one factor that overwrites coordinate 0 with
  ``(0, r)ᵀ h`` (a row overwrite), where ``r`` is the rest of row 0.
* ``d = 1``: ``[m] = I + (m − 1)``, no factor when m = 1.

The factors of M'' act on coordinates 1..d−1 (u, v padded with a leading 0). So at most 2 factors per level and
1 for the last: ``2d − 1``. A factor that is the identity (``u = 0`` or ``v = 0``) is never emitted.

The product is read left to right: ``M = F₁ F₂ ⋯ F_k``; applied to a column vector, ``F_k`` acts first.

DeltaNet form. ``I + u vᵀ = I − β k kᵀ`` exactly when ``u vᵀ`` is symmetric, i.e. ``u = λ v``; then
``k = v`` and ``β = −λ`` (unnormalised k; with ``‖k‖ = 1``, β would be ``−λ‖v‖²``, irrational norms aside).
:func:`deltanet_form` returns ``(β, k)`` or None.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from circuits import CircuitError

__all__ = ["overwrite_factors", "factor_matrix", "factors_product", "deltanet_form", "as_fraction_matrix"]


def as_fraction_matrix(M) -> list:
    """A square matrix as a list of lists of Fractions (one-line error otherwise)."""
    try:
        rows = [[Fraction(v) for v in row] for row in np.asarray(M, dtype=object).tolist()]
    except (TypeError, ValueError):
        raise CircuitError("overwrite factors: the matrix must have rational entries") from None
    if not rows or any(len(r) != len(rows) for r in rows):
        raise CircuitError("overwrite factors: the matrix must be square and non-empty")
    return rows


def _factor(M: list) -> list:
    d = len(M)
    if d == 1:
        m = M[0][0]
        return [] if m == 1 else [((m - 1,), (Fraction(1),))]
    m = [M[i][0] for i in range(d)]
    out = []
    if all(v == 0 for v in m):
        rest = [row[1:] for row in M[1:]]
        last = (tuple([Fraction(1)] + [Fraction(0)] * (d - 1)), tuple([Fraction(-1)] + M[0][1:]))
    else:
        if m[0] != 0:
            w = [Fraction(0)] * d
            w[0] = Fraction(1)
        else:
            j = next(i for i in range(d) if m[i] != 0)
            w = [Fraction(0)] * d
            w[0] = w[j] = Fraction(1)
        u = list(m)
        u[0] -= 1
        if any(v != 0 for v in u):
            out.append((tuple(u), tuple(w)))
            # F⁻¹ = I − u wᵀ / (1 + wᵀu)  (Sherman–Morrison); M' = F⁻¹ M
            den = 1 + sum(a * b for a, b in zip(w, u))
            wM = [sum(w[i] * M[i][c] for i in range(d)) for c in range(d)]
            M = [[M[i][c] - u[i] * wM[c] / den for c in range(d)] for i in range(d)]
        rest = [row[1:] for row in M[1:]]
        r = M[0][1:]
        last = (tuple([Fraction(1)] + [Fraction(0)] * (d - 1)), tuple([Fraction(0)] + r)) \
            if any(v != 0 for v in r) else None
    for u2, v2 in _factor(rest):
        out.append(((Fraction(0),) + tuple(u2), (Fraction(0),) + tuple(v2)))
    if last is not None:
        out.append(last)
    return out


def overwrite_factors(M) -> list:
    """Factors ``[(u₁, v₁), …, (u_k, v_k)]`` (tuples of Fractions) with ``M = (I + u₁v₁ᵀ) ⋯ (I + u_kv_kᵀ)``,
    ``k ≤ 2d − 1``."""
    return _factor(as_fraction_matrix(M))


def factor_matrix(u, v) -> np.ndarray:
    """``I + u vᵀ`` as an object array of Fractions."""
    d = len(u)
    out = np.empty((d, d), dtype=object)
    for i in range(d):
        for j in range(d):
            out[i, j] = Fraction(int(i == j)) + Fraction(u[i]) * Fraction(v[j])
    return out


def factors_product(factors, d: int) -> np.ndarray:
    """``(I + u₁v₁ᵀ) ⋯ (I + u_kv_kᵀ)`` exactly (object array of Fractions)."""
    P = np.empty((d, d), dtype=object)
    for i in range(d):
        for j in range(d):
            P[i, j] = Fraction(int(i == j))
    for u, v in factors:
        P = P.dot(factor_matrix(u, v))
    return P


def deltanet_form(u, v):
    """``(β, k)`` with ``I + u vᵀ = I − β k kᵀ`` when u is a multiple of v (v ≠ 0), else None."""
    u = [Fraction(a) for a in u]
    v = [Fraction(a) for a in v]
    piv = next((i for i, a in enumerate(v) if a != 0), None)
    if piv is None:
        return None
    lam = u[piv] / v[piv]
    if any(a != lam * b for a, b in zip(u, v)):
        return None
    return -lam, tuple(v)
