"""Small exact helpers shared by the lemmas, independent of sympy where they re-verify counterexamples."""
from __future__ import annotations

import time
from fractions import Fraction

import sympy as sp
from sympy.matrices.expressions import ZeroMatrix


class _IntMat:
    """A tiny exact matrix over Python ints / Fractions: ``*`` is the matrix product, ``+`` the sum."""

    def __init__(self, rows):
        self.rows = [list(r) for r in rows]

    def __mul__(self, other):
        o = other.rows
        return _IntMat([[sum(a * o[k][j] for k, a in enumerate(row)) for j in range(len(o[0]))] for row in self.rows])

    def __add__(self, other):
        return _IntMat([[a + b for a, b in zip(r, s)] for r, s in zip(self.rows, other.rows)])

    def __sub__(self, other):
        return _IntMat([[a - b for a, b in zip(r, s)] for r, s in zip(self.rows, other.rows)])

    def __eq__(self, other):
        return self.rows == other.rows

    @property
    def T(self):
        return _IntMat(list(map(list, zip(*self.rows))))

    def tolist(self):
        return [[_num(x) for x in r] for r in self.rows]


def _num(x):
    """Exact number → JSON-friendly value (int, or the string of a Fraction)."""
    x = Fraction(x)
    return int(x) if x.denominator == 1 else str(x)


def _exact_rank(rows) -> int:
    """Rank by Fraction Gaussian elimination (independent of sympy)."""
    m = [[Fraction(x) for x in r] for r in rows]
    rank, ncol = 0, len(m[0]) if m else 0
    for c in range(ncol):
        piv = next((i for i in range(rank, len(m)) if m[i][c] != 0), None)
        if piv is None:
            continue
        m[rank], m[piv] = m[piv], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][c] != 0:
                f = m[i][c] / m[rank][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[rank])]
        rank += 1
    return rank


def _is_zero_matrix(M) -> bool:
    """Every entry of an explicit sympy matrix expands to 0."""
    return all(sp.expand(e) == 0 for e in M)


def _is_zero_expr(E) -> bool:
    """A matrix expression (MatrixSymbol algebra) simplifies to the zero matrix."""
    E = sp.expand(E)
    return E == 0 or isinstance(E, ZeroMatrix) or getattr(E, "is_ZeroMatrix", False) is True


def _sym_matrix(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}{j}" if cols > 1 else f"{name}_{i}"))


def _elapsed(t0):
    return round(time.perf_counter() - t0, 4)
