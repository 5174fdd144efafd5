"""Algebraic lemmas behind the LRNN constructions, checked symbolically with sympy.

Every lemma is a function with no arguments returning a :class:`~proofs_check.verdict.Verdict`; every lemma has a
*negative control*: a deliberately broken variant that the **same checker** must refute (status ``"not_equal"``
with a concrete counterexample made of small integers / rationals and re-verified with exact integer or
``Fraction`` arithmetic that does not go through sympy).

* ``affine-assoc``: affine composition is associative and equals two steps of ``h_t = A_t h_{t-1} + b_t``.
  Negative controls: wrong compositions (``AFFINE_VARIANTS``: bias / order / matrix swapped, biases added).
* ``pd-closure``: permutation·diagonal matrices are closed under product (``P3 = P1 P2``,
  ``D3 = P2ᵀ D1 P2 D2``).  Negative control: a 0/1 "permutation" with two ones in a column.
* ``dplr-rank``: ``(D1 + U1V1ᵀ)(D2 + U2V2ᵀ) = D1D2 + U'V'ᵀ`` with ``U', V'`` of width 2r, so the low-rank
  part has rank <= 2r (and = 2r on random instances).  Negative control: the claim "rank <= r".
* ``rational-addition``: ``a/b + c/d = (ad + bc)/(bd)``.  Negative control: the printed ``(ad + bc)/(bc)``.
* ``rational-order``: a rational 2×2 matrix of finite order has order in {1, 2, 3, 4, 6}.  Negative control:
  claims of order 8 (default) or 5.

``ALL_LEMMAS`` maps id → lemma, ``NEGATIVE_CONTROLS`` maps id → negative control.  See ``docs/algebra.md``.
"""
from __future__ import annotations

import itertools
import math
import random
import time
from fractions import Fraction
from functools import reduce

import sympy as sp
from sympy.matrices.expressions import BlockMatrix, Identity, MatrixSymbol, ZeroMatrix, block_collapse

from .verdict import Verdict

__all__ = [
    "ALL_LEMMAS", "NEGATIVE_CONTROLS",
    "affine_compose", "AFFINE_VARIANTS", "check_affine_composition", "affine_assoc", "affine_assoc_negative",
    "permutation_matrices", "check_pd_family", "pd_closure", "pd_closure_negative", "BAD_PD_MATRIX",
    "pd_operator", "pd_operator_negative",
    "dplr_factor", "check_dplr_rank_claim", "dplr_rank", "dplr_rank_negative",
    "rational_sum", "printed_rational_sum", "smallest_rational_addition_counterexample",
    "rational_addition", "rational_addition_negative",
    "achievable_orders", "matrix_order", "ORDER_WITNESSES", "check_rational_order_claim",
    "rational_order", "rational_order_negative",
]


# ---------------------------------------------------------------------------------------------------------------
# small exact helpers, independent of sympy (used to re-verify counterexamples)
# ---------------------------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------------------------
# 1. affine composition
# ---------------------------------------------------------------------------------------------------------------

def affine_compose(f2, f1):
    """``(A2, b2) ∘ (A1, b1) = (A2 A1, A2 b1 + b2)``: apply ``f1`` first, then ``f2``.

    Works for anything with ``*`` as matrix product and ``+`` (sympy Matrix / MatrixExpr, :class:`_IntMat`).
    """
    (A2, b2), (A1, b1) = f2, f1
    return (A2 * A1, A2 * b1 + b2)


#: The correct composition and deliberately wrong ones (the latter are negative controls).
AFFINE_VARIANTS = {
    "correct": affine_compose,
    # bias transported by the wrong matrix: associative only when matrices commute, never the recurrence
    "bias-swapped": lambda f2, f1: (f2[0] * f1[0], f1[0] * f2[1] + f1[1]),
    # the composition "f2 first, then f1": associative (opposite monoid) but disagrees with the recurrence
    "order-swapped": lambda f2, f1: (f1[0] * f2[0], f1[0] * f2[1] + f1[1]),
    # matrices multiplied in the wrong order, bias right: neither associative nor the recurrence (d >= 2)
    "matrix-swapped": lambda f2, f1: (f1[0] * f2[0], f2[0] * f1[1] + f2[1]),
    # biases simply added: associative, but not the recurrence
    "bias-added": lambda f2, f1: (f2[0] * f1[0], f1[1] + f2[1]),
}


def _affine_numeric_violation(compose, prop, d, rng, tries=200):
    """Search small integer instances (entries in [-2, 2]) violating ``prop`` ('associativity'|'recurrence')."""
    def rmat(r, c):
        return _IntMat([[rng.randint(-2, 2) for _ in range(c)] for _ in range(r)])

    for _ in range(tries):
        A = [rmat(d, d) for _ in range(3)]
        b = [rmat(d, 1) for _ in range(3)]
        f1, f2, f3 = zip(A, b)
        if prop == "associativity":
            L = compose(compose(f3, f2), f1)
            R = compose(f3, compose(f2, f1))
            if L[0] != R[0] or L[1] != R[1]:
                return {"property": "associativity", "d": d,
                        "A1": A[0].tolist(), "b1": b[0].tolist(), "A2": A[1].tolist(), "b2": b[1].tolist(),
                        "A3": A[2].tolist(), "b3": b[2].tolist(),
                        "lhs": {"A": L[0].tolist(), "b": L[1].tolist()},
                        "rhs": {"A": R[0].tolist(), "b": R[1].tolist()},
                        "lhs_is": "(f3∘f2)∘f1", "rhs_is": "f3∘(f2∘f1)"}
        else:
            h0 = rmat(d, 1)
            run = A[1] * (A[0] * h0 + b[0]) + b[1]           # h2 = A2 (A1 h0 + b1) + b2
            C = compose(f2, f1)
            via = C[0] * h0 + C[1]
            if run != via:
                return {"property": "recurrence", "d": d,
                        "A1": A[0].tolist(), "b1": b[0].tolist(), "A2": A[1].tolist(), "b2": b[1].tolist(),
                        "h0": h0.tolist(), "recurrence_h2": run.tolist(), "composed_h2": via.tolist()}
    return None


def check_affine_composition(compose=affine_compose, dims=(1, 2, 3), general=True, seed=0) -> Verdict:
    """Check that ``compose`` is associative and agrees with two steps of ``h_t = A_t h_{t-1} + b_t``.

    * d in ``dims``: fully symbolic d×d matrices / d-vectors, every entry of each difference expanded to 0.
    * general d (``general=True``): ``MatrixSymbol`` operands of symbolic size d; the differences are expanded
      by sympy's matrix-expression algebra (distributivity, MatMul associativity) and must become the zero
      matrix.  For ``affine_compose`` the homogeneous embedding ``[[A, b], [0, 1]]`` is also checked: sympy's
      ``block_collapse`` of the block product equals the embedding of the composition (so composition *is*
      matrix multiplication in dimension d+1) and both parenthesisations of a triple block product agree.
    Any symbolic failure is turned into a concrete small-integer counterexample, re-verified with exact
    integer arithmetic (no sympy).
    """
    t0 = time.perf_counter()
    ev = {"dims": list(dims), "checked": [], "nonzero": []}
    failed = {}
    for d in dims:
        A = [_sym_matrix(f"A{i}", d, d) for i in (1, 2, 3)]
        b = [_sym_matrix(f"b{i}", d, 1) for i in (1, 2, 3)]
        h0 = _sym_matrix("h0", d, 1)
        f1, f2, f3 = zip(A, b)
        L = compose(compose(f3, f2), f1)
        R = compose(f3, compose(f2, f1))
        ok_assoc = _is_zero_matrix(L[0] - R[0]) and _is_zero_matrix(L[1] - R[1])
        C = compose(f2, f1)
        ok_rec = _is_zero_matrix((A[1] * (A[0] * h0 + b[0]) + b[1]) - (C[0] * h0 + C[1]))
        n_sym = 3 * (d * d + d) + d
        for prop, ok in (("associativity", ok_assoc), ("recurrence", ok_rec)):
            (ev["checked"] if ok else ev["nonzero"]).append(
                {"d": d, "property": prop, "symbols": n_sym, "entries": 2 * d * d + 2 * d if prop == "associativity"
                 else d, "expanded_to_zero": ok})
            if not ok:
                failed.setdefault(prop, d)
    if general:
        n = sp.Symbol("d", integer=True, positive=True)
        A = [MatrixSymbol(f"A{i}", n, n) for i in (1, 2, 3)]
        b = [MatrixSymbol(f"b{i}", n, 1) for i in (1, 2, 3)]
        h0 = MatrixSymbol("h0", n, 1)
        f1, f2, f3 = zip(A, b)
        L = compose(compose(f3, f2), f1)
        R = compose(f3, compose(f2, f1))
        dA, db = sp.expand(L[0] - R[0]), sp.expand(L[1] - R[1])
        C = compose(f2, f1)
        drec = sp.expand((A[1] * (A[0] * h0 + b[0]) + b[1]) - (C[0] * h0 + C[1]))
        g = {"d": "symbolic d (MatrixSymbol)", "assoc_A_difference": str(dA), "assoc_b_difference": str(db),
             "unexpanded_b_difference": str(L[1] - R[1]), "recurrence_difference": str(drec)}
        ok_assoc = _is_zero_expr(dA) and _is_zero_expr(db)
        ok_rec = _is_zero_expr(drec)
        g["associativity"] = ok_assoc
        g["recurrence"] = ok_rec
        if compose is affine_compose:
            def emb(Ai, bi):
                return BlockMatrix([[Ai, bi], [ZeroMatrix(1, n), Identity(1)]])
            M1, M2, M3 = (emb(a, c) for a, c in zip(A, b))
            P21 = block_collapse(M2 * M1)
            E21 = emb(*affine_compose(f2, f1))
            hom = all(_is_zero_expr(P21.blocks[i, j] - E21.blocks[i, j]) for i in range(2) for j in range(2))
            Lb = block_collapse(block_collapse(M3 * M2) * M1)
            Rb = block_collapse(M3 * block_collapse(M2 * M1))
            blk = all(_is_zero_expr(Lb.blocks[i, j] - Rb.blocks[i, j]) for i in range(2) for j in range(2))
            g["homogeneous_embedding"] = {"block_product_M2M1": str(P21.blocks.tolist()),
                                          "equals_embedding_of_composition": hom,
                                          "triple_product_parenthesisations_agree": blk}
            ok_assoc = ok_assoc and hom and blk
        ev["general_d"] = g
        if not ok_assoc:
            failed.setdefault("associativity", "general")
        if not ok_rec:
            failed.setdefault("recurrence", "general")
    if not failed:
        ev["seconds"] = _elapsed(t0)
        return Verdict("equal", "sympy", evidence=ev)
    # turn every symbolic failure into a concrete integer counterexample (d = 1..3)
    rng = random.Random(seed)
    violations = []
    for prop in ("associativity", "recurrence"):
        if prop in failed:
            for d in (1, 2, 3):
                cx = _affine_numeric_violation(compose, prop, d, rng)
                if cx is not None:
                    violations.append(cx)
                    break
    ev["seconds"] = _elapsed(t0)
    if not violations:  # symbolic difference non-zero but no integer witness found: do not claim a refutation
        return Verdict("undecided", "sympy", why=f"symbolic differences non-zero for {sorted(failed)} but no "
                       "small integer witness found", evidence=ev)
    return Verdict("not_equal", "sympy", why="fails " + " and ".join(v["property"] for v in violations),
                   counterexample={"violations": violations}, evidence=ev)


def affine_assoc() -> Verdict:
    """Lemma ``affine-assoc``."""
    return check_affine_composition(affine_compose)


def affine_assoc_negative(variant: str = "bias-swapped") -> Verdict:
    """Negative control: a wrong composition (default ``(A2 A1, A1 b2 + b1)``) must be refuted."""
    if variant == "correct":
        raise ValueError("'correct' is not a negative control")
    v = check_affine_composition(AFFINE_VARIANTS[variant])
    v.evidence["variant"] = variant
    if v.counterexample is not None:
        v.counterexample["variant"] = variant
    return v


# ---------------------------------------------------------------------------------------------------------------
# 2. permutation × diagonal closure
# ---------------------------------------------------------------------------------------------------------------

def permutation_matrices(d):
    """All d! permutation matrices ``P_π`` with ``P_π e_j = e_{π(j)}`` (a 1 at row π(j), column j)."""
    out = []
    for pi in itertools.permutations(range(d)):
        P = sp.zeros(d, d)
        for j, i in enumerate(pi):
            P[i, j] = 1
        out.append((pi, P))
    return out


def _is_permutation_matrix(M) -> bool:
    d = M.shape[0]
    if any(e not in (0, 1) for e in M):
        return False
    return all(sum(M[i, j] for j in range(d)) == 1 for i in range(d)) and \
        all(sum(M[i, j] for i in range(d)) == 1 for j in range(d))


def _is_diagonal(M) -> bool:
    return all(sp.expand(M[i, j]) == 0 for i in range(M.shape[0]) for j in range(M.shape[1]) if i != j)


def _is_pd_shape(M) -> bool:
    """``M = P D`` for a permutation P and diagonal D: each column has <= 1 non-zero, in distinct rows."""
    rows = []
    for j in range(M.shape[1]):
        nz = [i for i in range(M.shape[0]) if sp.expand(M[i, j]) != 0]
        if len(nz) > 1:
            return False
        rows += nz
    return len(rows) == len(set(rows))


def _int_column_is_01_multiple(col) -> bool:
    nz = {x for x in col if x != 0}
    return len(nz) <= 1


#: A 0/1 matrix that is *not* a permutation: column 1 holds two ones.
BAD_PD_MATRIX = [[1, 1], [0, 1]]


def _is_01diag_shape(M) -> bool:
    """``M = B D`` for some 0/1 matrix B and diagonal D: the non-zero entries of each column are equal."""
    for j in range(M.shape[1]):
        nz = [sp.expand(M[i, j]) for i in range(M.shape[0]) if sp.expand(M[i, j]) != 0]
        if any(sp.expand(e - nz[0]) != 0 for e in nz[1:]):
            return False
    return True


def _pd_numeric_witness(M1, M2, d, want_closure_failure):
    """Smallest positive integer diagonals (values 1..3, lexicographic) exposing the failure, with ints only."""
    iM1, iM2 = _IntMat(M1.tolist()), _IntMat(M2.tolist())
    for vals in itertools.product(range(1, 4), repeat=2 * d):
        iD1 = _IntMat([[vals[i] if i == j else 0 for j in range(d)] for i in range(d)])
        iD2 = _IntMat([[vals[d + i] if i == j else 0 for j in range(d)] for i in range(d)])
        iprod = iM1 * iD1 * iM2 * iD2
        iM3 = iM1 * iM2
        iD3 = iM2.T * iD1 * iM2 * iD2
        formula = iM3 * iD3
        not_01diag = not all(_int_column_is_01_multiple(c) for c in zip(*iprod.rows))
        if (not_01diag if want_closure_failure else formula != iprod):
            return {"d": d, "M1": [[int(e) for e in r] for r in M1.tolist()],
                    "M2": [[int(e) for e in r] for r in M2.tolist()],
                    "D1_diag": list(vals[:d]), "D2_diag": list(vals[d:]),
                    "product": iprod.tolist(), "formula_M3": iM3.tolist(), "formula_D3": iD3.tolist(),
                    "formula_M3_D3": formula.tolist(), "formula_matches_product": formula == iprod,
                    "product_not_01_times_diagonal": not_01diag}
    return None


def check_pd_family(members, d) -> Verdict:
    """Check that ``{M D : M in members, D diagonal}`` is closed under products via the PD formula.

    For every ordered pair ``(M1, M2)`` of ``members`` (sympy 0/1 matrices) and symbolic diagonals
    ``D1 = diag(x)``, ``D2 = diag(y)``: ``M1 D1 · M2 D2 == M3 D3`` with ``M3 = M1 M2`` and
    ``D3 = M2ᵀ D1 M2 D2`` (entrywise expansion), ``D3`` diagonal, ``M3`` a permutation matrix, and the product
    of "permutation × diagonal" shape (<= 1 non-zero per column, in distinct rows).  On failure, a pair whose
    product is not even of the form (0/1 matrix)·(diagonal) is preferred (closure fails outright); the
    counterexample uses small positive integer diagonals and is verified with integer arithmetic.
    """
    t0 = time.perf_counter()
    x = sp.symbols(f"x0:{d}")
    y = sp.symbols(f"y0:{d}")
    D1, D2 = sp.diag(*x), sp.diag(*y)
    n_pairs = 0
    failing = []
    for M1, M2 in itertools.product(members, repeat=2):
        n_pairs += 1
        prod = M1 * D1 * M2 * D2
        M3 = M1 * M2
        D3 = M2.T * D1 * M2 * D2
        fails = []
        if not _is_zero_matrix(prod - M3 * D3):
            fails.append("product != (M1 M2)(M2^T D1 M2 D2)")
        if not _is_diagonal(D3):
            fails.append("D3 = M2^T D1 M2 D2 is not diagonal")
        if not _is_permutation_matrix(M3):
            fails.append("M3 = M1 M2 is not a permutation matrix")
        if not _is_pd_shape(prod):
            fails.append("product is not (permutation x diagonal)")
        if not _is_01diag_shape(prod):
            fails.append("product is not (0/1 matrix x diagonal)")
        if fails:
            failing.append((M1, M2, prod, fails))
    ev = {"d": d, "pairs_checked": n_pairs, "symbols": 2 * d, "failing_pairs": len(failing)}
    if not failing:
        ev["seconds"] = _elapsed(t0)
        return Verdict("equal", "sympy", evidence=ev)
    failing.sort(key=lambda f: "product is not (0/1 matrix x diagonal)" not in f[3])  # stable: closure first
    for M1, M2, prod, fails in failing:
        closure = "product is not (0/1 matrix x diagonal)" in fails
        cx = _pd_numeric_witness(M1, M2, d, closure)
        if cx is None and closure and "product != (M1 M2)(M2^T D1 M2 D2)" in fails:
            cx = _pd_numeric_witness(M1, M2, d, False)
        if cx is not None:
            cx.update({"symbolic_failures": fails, "symbolic_product": str(prod.tolist())})
            ev["seconds"] = _elapsed(t0)
            return Verdict("not_equal", "sympy", why="; ".join(fails), counterexample=cx, evidence=ev)
    return Verdict("undecided", "sympy", why="symbolic failures without a small integer witness", evidence=ev)


def pd_closure(dims=(1, 2, 3, 4)) -> Verdict:
    """Lemma ``pd-closure`` for all pairs of permutations of size d = 1..4 with symbolic diagonals."""
    t0 = time.perf_counter()
    per_d = []
    for d in dims:
        perms = [P for _, P in permutation_matrices(d)]
        v = check_pd_family(perms, d)
        if not v.equal:
            return v
        # D3 is explicitly diag(x_{π2(i)} y_i): the conjugate P2ᵀ D1 P2 permutes D1's diagonal by π2
        x = sp.symbols(f"x0:{d}")
        conj_ok = all(P.T * sp.diag(*x) * P == sp.diag(*[x[pi[i]] for i in range(d)])
                      for pi, P in permutation_matrices(d))
        if not conj_ok:
            return Verdict("not_equal", "sympy", why=f"P^T diag(x) P != diag(x_pi) at d={d}")
        per_d.append({"d": d, "permutations": math.factorial(d), "pairs": v.evidence["pairs_checked"],
                      "conjugation_P^T_diag(x)_P_equals_diag(x_pi(i))": conj_ok, "seconds": v.evidence["seconds"]})
    return Verdict("equal", "sympy", evidence={"per_d": per_d, "seconds": _elapsed(t0),
                                               "permutation_convention": "P e_j = e_{pi(j)}",
                                               "checks": ["M1 D1 M2 D2 == (M1 M2)(M2^T D1 M2 D2) entrywise",
                                                          "M2^T D1 M2 D2 diagonal", "M1 M2 permutation matrix",
                                                          "product has <=1 non-zero per column, distinct rows"]})


def pd_closure_negative() -> Verdict:
    """Negative control: add the 0/1 non-permutation ``[[1, 1], [0, 1]]`` to the 2×2 permutations."""
    members = [P for _, P in permutation_matrices(2)] + [sp.Matrix(BAD_PD_MATRIX)]
    v = check_pd_family(members, 2)
    v.evidence["family"] = "2x2 permutations + [[1, 1], [0, 1]] (two ones in column 1)"
    return v


def _pd_operator_check(gather: bool, dims=(1, 2, 3)) -> Verdict:
    """The composition used by ``constructions.lrnn`` for the PD family, for every column one-hot P (every map
    f: [d] → [d], not only permutations): ``(P2 D2)(P1 D1) = (P2 P1) diag(g ⊙ D1)`` with
    ``g = P1ᵀ D2`` (``gather=True``, the operator), or the naive ``g = D2`` (``gather=False``)."""
    t0 = time.perf_counter()
    pairs = 0
    for d in dims:
        x = sp.symbols(f"x0:{d}")
        y = sp.symbols(f"y0:{d}")
        D2, D1 = sp.diag(*x), sp.diag(*y)
        maps = list(itertools.product(range(d), repeat=d))
        mats = []
        for f in maps:
            P = sp.zeros(d, d)
            for j, i in enumerate(f):
                P[i, j] = 1
            mats.append((f, P))
        for f2, P2 in mats:
            for f1, P1 in mats:
                pairs += 1
                g = (P1.T * sp.Matrix(x)) if gather else sp.Matrix(x)
                lhs = P2 * D2 * P1 * D1
                P3 = P2 * P1
                rhs = P3 * sp.diag(*[g[j] * y[j] for j in range(d)])
                one_hot = all(sum(P3[:, j]) == 1 for j in range(d)) and set(P3) <= {0, 1}
                if (lhs - rhs).expand() != sp.zeros(d, d) or not one_hot:
                    # a concrete instance: x_i = i + 2, y_j = 1
                    sub = {**{xi: i + 2 for i, xi in enumerate(x)}, **{yj: 1 for yj in y}}
                    L, R = lhs.subs(sub), rhs.subs(sub)
                    assert L != R  # the instance shows the difference
                    return Verdict("not_equal", "sympy", why=f"d = {d}: (P2 D2)(P1 D1) != (P2 P1) diag(g ⊙ D1)",
                                   counterexample={"d": d, "f2": list(f2), "f1": list(f1),
                                                   "D2_diag": [i + 2 for i in range(d)], "D1_diag": [1] * d,
                                                   "product": [[int(v) for v in L.row(i)] for i in range(d)],
                                                   "formula": [[int(v) for v in R.row(i)] for i in range(d)]},
                                   evidence={"pairs_checked": pairs})
    return Verdict("equal", "sympy", why="PD composition identity holds for all column one-hot pairs",
                   evidence={"dims": list(dims), "pairs": pairs, "seconds": round(time.perf_counter() - t0, 3),
                             "formula": "(P2 D2)(P1 D1) = (P2 P1) diag((P1ᵀ D2) ⊙ D1)"})


def pd_operator() -> Verdict:
    """Lemma ``pd-operator``: the PD family's composition formula, for all column one-hot P, d = 1..3."""
    return _pd_operator_check(gather=True)


def pd_operator_negative() -> Verdict:
    """Negative control: the naive ``D' = D2 ⊙ D1`` (forgetting to route D2 through P1)."""
    return _pd_operator_check(gather=False)


# ---------------------------------------------------------------------------------------------------------------
# 3. diagonal-plus-low-rank products
# ---------------------------------------------------------------------------------------------------------------

def dplr_factor(D1, U1, V1, D2, U2, V2):
    """``U', V'`` (d × 2r) with ``(D1 + U1 V1ᵀ)(D2 + U2 V2ᵀ) = D1 D2 + U' V'ᵀ``.

    ``U' = [D1 U2 + U1 (V1ᵀ U2), U1]`` and ``V' = [V2, D2ᵀ V1]``.  (Expanding: D1 U2 V2ᵀ + U1 V1ᵀ U2 V2ᵀ
    + U1 V1ᵀ D2.)  Valid for any square D1, D2; for diagonal D2, ``D2ᵀ = D2``.
    """
    return (D1 * U2 + U1 * (V1.T * U2)).row_join(U1), V2.row_join(D2.T * V1)


def _dplr_symbolic(d, r):
    D1 = sp.diag(*sp.symbols(f"p0:{d}"))
    D2 = sp.diag(*sp.symbols(f"q0:{d}"))
    U1, V1, U2, V2 = (_sym_matrix(n, d, r) for n in ("u", "v", "s", "t"))
    lhs = (D1 + U1 * V1.T) * (D2 + U2 * V2.T)
    Up, Vp = dplr_factor(D1, U1, V1, D2, U2, V2)
    ok = _is_zero_matrix(lhs - (D1 * D2 + Up * Vp.T))
    return ok, {"d": d, "r": r, "symbols": 2 * d + 4 * d * r, "U'_shape": list(Up.shape),
                "V'_shape": list(Vp.shape), "entries_expanded_to_zero": d * d if ok else None}


def _dplr_general():
    """General d and r: block-matrix identity with MatrixSymbols (D1, D2 arbitrary d×d)."""
    d, r = sp.symbols("d r", integer=True, positive=True)
    D1, D2 = MatrixSymbol("D1", d, d), MatrixSymbol("D2", d, d)
    U1, V1, U2, V2 = (MatrixSymbol(n, d, r) for n in ("U1", "V1", "U2", "V2"))
    X = D1 * U2 + U1 * V1.T * U2
    Up = BlockMatrix([[X, U1]])                 # d × 2r
    VpT = BlockMatrix([[V2.T], [V1.T * D2]])    # 2r × d  (= [V2, D2ᵀ V1]ᵀ)
    low = block_collapse(Up * VpT)
    lhs = (D1 + U1 * V1.T) * (D2 + U2 * V2.T)
    diff = sp.expand(lhs - D1 * D2 - low)
    return _is_zero_expr(diff), {"U'V'^T (block_collapse)": str(low), "difference_expanded": str(diff)}


def _rand_rational(rng, int_only):
    if int_only:
        return rng.randint(-3, 3)
    return Fraction(rng.randint(-9, 9), rng.randint(1, 5))


def _dplr_instance(d, r, rng, int_only=False):
    def mat(rr, cc):
        return [[_rand_rational(rng, int_only) for _ in range(cc)] for _ in range(rr)]
    return {"d": d, "r": r,
            "D1_diag": [_rand_rational(rng, int_only) for _ in range(d)],
            "D2_diag": [_rand_rational(rng, int_only) for _ in range(d)],
            "U1": mat(d, r), "V1": mat(d, r), "U2": mat(d, r), "V2": mat(d, r)}


def _dplr_low_part(inst):
    """``(D1 + U1V1ᵀ)(D2 + U2V2ᵀ) − D1 D2`` with exact Fractions (no sympy)."""
    d = inst["d"]

    def diag(v):
        return _IntMat([[Fraction(v[i]) if i == j else Fraction(0) for j in range(d)] for i in range(d)])
    D1, D2 = diag(inst["D1_diag"]), diag(inst["D2_diag"])
    U1, V1, U2, V2 = (_IntMat([[Fraction(x) for x in r] for r in inst[k]]) for k in ("U1", "V1", "U2", "V2"))
    return ((D1 + U1 * V1.T) * (D2 + U2 * V2.T) - D1 * D2).rows


def check_dplr_rank_claim(bound, cases=((2, 1), (3, 1), (4, 1), (4, 2), (5, 2), (6, 3)), seeds=range(4),
                          int_only=False) -> Verdict:
    """Check the claim ``rank((D1+U1V1ᵀ)(D2+U2V2ᵀ) − D1D2) <= bound(r)`` on random exact instances.

    The rank is computed exactly (sympy ``Matrix.rank`` and, independently, Fraction elimination); an instance
    exceeding the bound refutes the claim.  Returns ``equal`` only in the sense "no instance violates the
    bound" — the *proof* of the bound 2r is the factorisation in :func:`dplr_rank`.
    """
    t0 = time.perf_counter()
    ranks = []
    for (d, r), seed in itertools.product(cases, seeds):
        rng = random.Random(1000 * d + 100 * r + seed)
        inst = _dplr_instance(d, r, rng, int_only)
        low = _dplr_low_part(inst)
        rk = sp.Matrix(low).rank()
        rk2 = _exact_rank(low)
        if rk != rk2:
            return Verdict("undecided", "sympy", why=f"sympy rank {rk} != Fraction rank {rk2}")
        ranks.append({"d": d, "r": r, "seed": seed, "rank": rk})
        if rk > bound(r):
            cx = {k: ([[_num(x) for x in row] for row in v] if isinstance(v, list) and v and isinstance(v[0], list)
                      else [_num(x) for x in v] if isinstance(v, list) else v) for k, v in inst.items()}
            cx.update({"seed": seed, "rank": rk, "claimed_bound": bound(r),
                       "product_minus_D1D2": [[_num(x) for x in row] for row in low]})
            return Verdict("not_equal", "sympy", why=f"rank {rk} > claimed bound {bound(r)} (d={d}, r={r})",
                           counterexample=cx, evidence={"ranks": ranks, "seconds": _elapsed(t0)})
    return Verdict("equal", "sympy", evidence={"ranks": ranks, "seconds": _elapsed(t0)})


def dplr_rank(cases=((3, 1), (4, 1), (4, 2))) -> Verdict:
    """Lemma ``dplr-rank``: identity proved symbolically (d, r in ``cases`` and general d, r), bound rank <= 2r;
    exact rank 2r observed on random rational instances with d >= 2r (a *generic* statement, not a proof)."""
    t0 = time.perf_counter()
    sym = []
    for d, r in cases:
        ok, info = _dplr_symbolic(d, r)
        sym.append(info)
        if not ok:
            return Verdict("not_equal", "sympy", why=f"factorisation fails at d={d}, r={r}", evidence={"cases": sym})
    ok_g, info_g = _dplr_general()
    if not ok_g:
        return Verdict("not_equal", "sympy", why="general block identity fails", evidence=info_g)
    gen = check_dplr_rank_claim(lambda r: 2 * r)
    if not gen.equal:
        return gen
    exact = [x for x in gen.evidence["ranks"]]
    all_2r = all(x["rank"] == 2 * x["r"] for x in exact)
    ev = {"symbolic_cases": sym, "general_d_r": info_g,
          "bound": "rank(product - D1 D2) <= 2r, since it equals U' V'^T with U', V' of width 2r (proved)",
          "generic_exactness": {"statement": "rank == 2r for random rational instances with d >= 2r "
                                             "(checked, not proved: a Zariski-generic statement)",
                                "instances": exact, "all_equal_2r": all_2r},
          "seconds": _elapsed(t0)}
    if not all_2r:
        return Verdict("undecided", "sympy", why="bound proved, but some random instance had rank < 2r",
                       evidence=ev)
    return Verdict("equal", "sympy", evidence=ev)


def dplr_rank_negative() -> Verdict:
    """Negative control: the claim rank <= r is refuted by a small integer instance of rank 2r."""
    v = check_dplr_rank_claim(lambda r: r, cases=((2, 1), (4, 2)), seeds=range(20), int_only=True)
    v.evidence["claim"] = "rank(product - D1 D2) <= r"
    return v


# ---------------------------------------------------------------------------------------------------------------
# 4. rational addition (and the printed erratum)
# ---------------------------------------------------------------------------------------------------------------

def rational_sum(a, b, c, d):
    """``(ad + bc)/(bd)`` — the correct numerator/denominator rule."""
    return Fraction(a * d + b * c, b * d)


def printed_rational_sum(a, b, c, d):
    """``(ad + bc)/(bc)`` — the variant printed in the paper's appendix (an erratum)."""
    return Fraction(a * d + b * c, b * c)


def smallest_rational_addition_counterexample(max_sum=40):
    """The smallest positive-integer (a, b, c, d) with a/b + c/d != (ad + bc)/(bc).

    "Smallest": a, b, c, d >= 1 integers, minimising a + b + c + d, ties broken lexicographically on (a, b, c, d).
    The search enumerates sums s = 4, 5, … and, within a sum, tuples in lexicographic order, so the first hit is
    the minimum.  Verified with Fraction.
    """
    for s in range(4, max_sum + 1):
        for a in range(1, s - 2):
            for b in range(1, s - a - 1):
                for c in range(1, s - a - b):
                    d = s - a - b - c
                    if Fraction(a, b) + Fraction(c, d) != printed_rational_sum(a, b, c, d):
                        return (a, b, c, d)
    return None


def _rational_symbols():
    a, c = sp.symbols("a c")
    b, d = sp.symbols("b d", nonzero=True)
    return a, b, c, d


def rational_addition() -> Verdict:
    """Lemma ``rational-addition``: a/b + c/d = (ad + bc)/(bd) for b, d != 0."""
    t0 = time.perf_counter()
    a, b, c, d = _rational_symbols()
    diff = a / b + c / d - (a * d + b * c) / (b * d)
    together = sp.cancel(sp.together(diff))
    # exact identity of the cross-multiplied form (polynomial, no division)
    poly = sp.expand((a * d + b * c) - (a / b + c / d) * b * d)
    ok = together == 0 and poly == 0
    ev = {"difference": str(diff), "cancel(together(difference))": str(together),
          "cross_multiplied_expanded": str(poly), "assumptions": "b != 0, d != 0", "seconds": _elapsed(t0)}
    return Verdict("equal" if ok else "not_equal", "sympy", evidence=ev)


def rational_addition_negative() -> Verdict:
    """Negative control: the printed variant (ad + bc)/(bc) is refuted by the smallest counterexample.

    Also characterises when the printed variant holds: for b, c, d != 0,
    (ad + bc)/(bd) − (ad + bc)/(bc) = (ad + bc)(c − d)/(bcd), which is 0 iff c = d or ad + bc = 0.
    """
    t0 = time.perf_counter()
    a, b, c, d = _rational_symbols()
    c = sp.Symbol("c", nonzero=True)  # the printed variant divides by c
    true_sum, printed = (a * d + b * c) / (b * d), (a * d + b * c) / (b * c)
    diff = sp.cancel(sp.together(true_sum - printed))
    num, den = sp.fraction(diff)
    closed = sp.expand(diff * b * c * d - (a * d + b * c) * (c - d)) == 0
    const, factors = sp.factor_list(num)
    factor_strs = sorted(str(f) for f, _ in factors)
    irreducible = all(sp.Poly(f, a, b, c, d).is_irreducible for f, _ in factors)
    branch_cd = sp.simplify(diff.subs(d, c)) == 0
    branch_sum0 = sp.simplify(diff.subs(a, -b * c / d)) == 0
    cx = smallest_rational_addition_counterexample()
    if cx is None or diff == 0:
        return Verdict("undecided", "sympy", why="no counterexample found")
    A, B, C, Dd = cx
    lhs = Fraction(A, B) + Fraction(C, Dd)
    rhs = printed_rational_sum(A, B, C, Dd)
    ev = {"difference_true_minus_printed": str(diff), "numerator_factors": factor_strs,
          "factors_irreducible": irreducible, "closed_form_(ad+bc)(c-d)/(bcd)": closed,
          "printed_holds_iff": "c = d or a*d + b*c = 0 (given b, c, d != 0)",
          "branch_c_eq_d_gives_zero": branch_cd, "branch_ad_plus_bc_eq_0_gives_zero": branch_sum0,
          "smallest_definition": "positive integers a,b,c,d >= 1 minimising a+b+c+d, ties lexicographic on "
                                 "(a,b,c,d); exhaustive search by increasing sum",
          "seconds": _elapsed(t0)}
    return Verdict("not_equal", "sympy", why=f"a/b + c/d = {lhs} but printed (ad+bc)/(bc) = {rhs}",
                   counterexample={"a": A, "b": B, "c": C, "d": Dd, "a/b + c/d": str(lhs),
                                   "(ad+bc)/(bd)": str(rational_sum(A, B, C, Dd)), "(ad+bc)/(bc)": str(rhs)},
                   evidence=ev)


# ---------------------------------------------------------------------------------------------------------------
# 5. finite multiplicative order of rational n×n (here 2×2) matrices
# ---------------------------------------------------------------------------------------------------------------

def _totient_bound_argument():
    """Symbolic part of φ(m) >= sqrt(m/2): per prime power, φ(p^k)² >= p^k (p odd), φ(2^k)² >= 2^k / 2.

    * p odd, k = 1: (p − 1)² − p = p² − 3p + 1 >= 0 exactly for p >= (3 + √5)/2 ≈ 2.618, so for all p >= 3.
    * p odd, k >= 2: φ(p^k)² / p^k = p^(k−2) (p − 1)² >= 1.
    * p = 2: φ(2^k)² = 2^(2k−2) >= 2^(k−1) = 2^k / 2 for k >= 1.
    Multiplicativity of φ then gives φ(m)² >= m/2 (at most one factor 2^k loses the factor 1/2).
    """
    p = sp.Symbol("p", real=True)
    k = sp.Symbol("k", integer=True, positive=True)
    sol = sp.solve_univariate_inequality(p ** 2 - 3 * p + 1 >= 0, p, relational=False)
    odd_k1 = sp.Interval(3, sp.oo).is_subset(sol)
    q = sp.Symbol("q", positive=True)
    odd_k2 = sp.simplify((q ** (k - 1) * (q - 1)) ** 2 / q ** k - q ** (k - 2) * (q - 1) ** 2) == 0
    two = sp.simplify((2 ** (k - 1)) ** 2 / (2 ** k / 2) - 2 ** (k - 1)) == 0
    return odd_k1 and odd_k2 and two, {"p^2-3p+1>=0 solution set": str(sol), "contains [3, oo)": odd_k1,
                                       "odd p, k>=2: phi(p^k)^2/p^k simplifies to p^(k-2)(p-1)^2 (>= 4)": odd_k2,
                                       "p=2: phi(2^k)^2/(2^k/2) simplifies to 2^(k-1) (>= 1)": two}


def achievable_orders(n=2):
    """Orders of finite-order rational n×n matrices, computed from cyclotomic polynomials.

    The minimal polynomial μ of A with A^k = I divides x^k − 1 = ∏_{m | k} Φ_m (square-free, Φ_m irreducible over
    Q), so μ = ∏_{m ∈ S} Φ_m for a set S with Σ φ(m) = deg μ <= n.  φ(m) <= n forces m <= 2n² (φ(m) >= √(m/2)).
    For each admissible S the order is computed directly as the least k with μ | x^k − 1 (polynomial remainder),
    and compared with lcm(S).  Returns ``(orders, table, ms)`` with ``ms`` the m <= 2n² having φ(m) <= n.
    """
    x = sp.Symbol("x")
    bound = 2 * n * n
    ms = [m for m in range(1, bound + 1) if sp.totient(m) <= n]
    table = []
    orders = set()
    for size in range(1, n + 1):
        for S in itertools.combinations(ms, size):
            if sum(int(sp.totient(m)) for m in S) > n:
                continue
            mu = sp.expand(reduce(lambda u, v: u * v, [sp.cyclotomic_poly(m, x) for m in S]))
            L = reduce(math.lcm, S)
            order = next(k for k in range(1, L + 1) if sp.rem(x ** k - 1, mu, x) == 0)
            table.append({"S": list(S), "minimal_polynomial": str(sp.factor(mu)), "degree": int(sp.degree(mu, x)),
                          "order_by_remainder": order, "lcm": L})
            orders.add(order)
    return sorted(orders), table, ms


def matrix_order(A, max_order=24):
    """Least k >= 1 with A^k = I (exact Fractions), or None if none <= max_order."""
    M = _IntMat([[Fraction(v) for v in r] for r in A])
    n = len(A)
    I_ = _IntMat([[Fraction(int(i == j)) for j in range(n)] for i in range(n)])
    P = M
    for k in range(1, max_order + 1):
        if P == I_:
            return k
        P = P * M
    return None


#: Integer companion matrices (of the minimal polynomial shown) realising each order.
ORDER_WITNESSES = {
    1: ("x - 1 (A = I)", [[1, 0], [0, 1]]),
    2: ("(x - 1)(x + 1) = x^2 - 1", [[0, 1], [1, 0]]),
    3: ("Phi_3 = x^2 + x + 1", [[0, -1], [1, -1]]),
    4: ("Phi_4 = x^2 + 1", [[0, -1], [1, 0]]),
    6: ("Phi_6 = x^2 - x + 1", [[0, -1], [1, 1]]),
}


def rational_order() -> Verdict:
    """Lemma ``rational-order``: finite orders of rational 2×2 matrices are exactly {1, 2, 3, 4, 6}."""
    t0 = time.perf_counter()
    x = sp.Symbol("x")
    ok_bound, bound_info = _totient_bound_argument()
    # numerical sanity of φ(m) >= sqrt(m/2) well beyond the bound actually used (m <= 8)
    sanity = all(2 * int(sp.totient(m)) ** 2 >= m for m in range(1, 2001))
    orders, table, ms = achievable_orders(2)
    # the structural facts used, checked for the m that occur
    cyc = {m: {"Phi_m": str(sp.cyclotomic_poly(m, x)), "degree": int(sp.degree(sp.cyclotomic_poly(m, x), x)),
               "totient": int(sp.totient(m)), "irreducible_over_Q": sp.Poly(sp.cyclotomic_poly(m, x), x).is_irreducible}
           for m in range(1, 9)}
    facts_ok = all(v["degree"] == v["totient"] and v["irreducible_over_Q"] for v in cyc.values())
    # x^k - 1 = prod_{m|k} Phi_m, square-free, for k up to 12
    fact_k = all(sp.expand(x ** k - 1 - sp.prod([sp.cyclotomic_poly(m, x) for m in sp.divisors(k)])) == 0 and
                 sp.gcd(x ** k - 1, sp.diff(x ** k - 1, x)) == 1 for k in range(1, 13))
    lcm_ok = all(row["order_by_remainder"] == row["lcm"] for row in table)
    # companion-matrix witnesses, powers computed exactly; minimal polynomials checked with sympy
    witnesses = {}
    wit_ok = True
    for n_, (mu, A) in ORDER_WITNESSES.items():
        k = matrix_order(A)
        M = sp.Matrix(A)
        pw = [str(M ** j) for j in range(1, n_ + 1)]
        witnesses[n_] = {"minimal_polynomial": mu, "A": A, "computed_order": k, "powers": pw,
                         "charpoly": str(M.charpoly(x).as_expr())}
        wit_ok = wit_ok and k == n_ and M ** n_ == sp.eye(2)
    # exhaustive cross-check: integer 2x2 matrices with entries in [-2, 2]
    found = set()
    for e in itertools.product(range(-2, 3), repeat=4):
        k = matrix_order([[e[0], e[1]], [e[2], e[3]]], max_order=12)
        if k is not None:
            found.add(k)
    ev = {"totient_bound": bound_info, "totient_bound_numeric_m<=2000": sanity,
          "m_with_totient<=2 (m<=8)": ms, "cyclotomic_facts": cyc, "x^k-1_factorisation_k<=12": fact_k,
          "admissible_minimal_polynomials": table, "orders": orders, "order_equals_lcm": lcm_ok,
          "witnesses": witnesses, "exhaustive_entries_in_[-2,2]_orders_found": sorted(found),
          "seconds": _elapsed(t0)}
    ok = (ok_bound and sanity and ms == [1, 2, 3, 4, 6] and facts_ok and fact_k and lcm_ok and wit_ok
          and orders == [1, 2, 3, 4, 6] and sorted(found) == [1, 2, 3, 4, 6])
    if not ok:
        return Verdict("not_equal", "sympy", why="some step of the finite-order argument failed", evidence=ev)
    return Verdict("equal", "sympy", evidence=ev)


def _rationalise_rotation(n, denom=10):
    """The rotation by 2π/n with entries rounded to multiples of 1/denom (a rational 'approximation')."""
    c = Fraction(round(math.cos(2 * math.pi / n) * denom), denom)
    s = Fraction(round(math.sin(2 * math.pi / n) * denom), denom)
    return [[c, -s], [s, c]]


def check_rational_order_claim(n, candidates) -> Verdict:
    """Check the claim "some rational 2×2 matrix has order exactly n", with proposed candidates.

    Refuted when n is not an achievable order (cyclotomic argument of :func:`achievable_orders`); the
    candidates are then each refuted by computing exact powers (A^n != I, or A^k = I for some k < n).
    """
    t0 = time.perf_counter()
    x = sp.Symbol("x")
    orders, _, _ = achievable_orders(2)
    cand = []
    for name, A in candidates:
        entries = [sp.sympify(v) if not isinstance(v, (int, Fraction)) else sp.Rational(str(v)) for r in A for v in r]
        rational = all(e.is_rational for e in entries)
        info = {"name": name, "A": [[str(v) for v in r] for r in A], "rational_entries": rational}
        if rational:
            k = matrix_order(A, max_order=4 * n)
            An = sp.Matrix(2, 2, entries) ** n
            info.update({"order": k, "A^n": [[str(v) for v in r] for r in An.tolist()],
                         "A^n_is_identity": An == sp.eye(2)})
            info["refuted"] = k != n
        else:
            M = sp.Matrix(2, 2, entries)
            k = next((j for j in range(1, 4 * n + 1) if sp.simplify(M ** j - sp.eye(2)) == sp.zeros(2, 2)), None)
            info.update({"order": k, "refuted": True, "reason": "entries are irrational"})
        cand.append(info)
    phi = sp.cyclotomic_poly(n, x)
    ev = {"claimed_order": n, "achievable_orders": orders, "Phi_n": str(phi), "deg_Phi_n": int(sp.degree(phi, x)),
          "candidates": cand, "seconds": _elapsed(t0)}
    if n in orders:
        ok = [c for c in cand if not c["refuted"]]
        return Verdict("equal", "sympy", evidence=ev) if ok or not cand else \
            Verdict("undecided", "sympy", why="order achievable but no candidate realises it", evidence=ev)
    rational_cands = [c for c in cand if c["rational_entries"]]
    if any(not c["refuted"] for c in cand):  # would contradict the lemma: report loudly
        return Verdict("undecided", "sympy", why="a candidate realises a supposedly impossible order", evidence=ev)
    cx = {"claimed_order": n, "why_impossible": f"deg Phi_{n} = {ev['deg_Phi_n']} > 2, and {n} is not an lcm of "
          "m's with sum of phi(m) <= 2", "achievable_orders": orders,
          "rational_candidates": [{"A": c["A"], "order": c["order"], "A^n_is_identity": c["A^n_is_identity"]}
                                  for c in rational_cands]}
    return Verdict("not_equal", "sympy", why=f"no rational 2x2 matrix has order {n}", counterexample=cx, evidence=ev)


def rational_order_negative(n: int = 8) -> Verdict:
    """Negative control: "a rational 2×2 matrix of order n" for n = 8 (default) or 5 is refuted.

    Candidates: the rotation by 2π/n rounded to tenths (rational, fails A^n = I), the exact rotation (order n but
    irrational entries), and for n = 8 the rational [[0, -1], [1, 0]] which satisfies A^8 = I but has order 4.
    """
    cands = [(f"rotation by 2pi/{n}, entries rounded to 1/10", _rationalise_rotation(n)),
             (f"exact rotation by 2pi/{n}", [[sp.cos(2 * sp.pi / n), -sp.sin(2 * sp.pi / n)],
                                              [sp.sin(2 * sp.pi / n), sp.cos(2 * sp.pi / n)]])]
    if n % 4 == 0:
        cands.append(("[[0,-1],[1,0]] (satisfies A^8 = I)", [[0, -1], [1, 0]]))
    return check_rational_order_claim(n, cands)


# ---------------------------------------------------------------------------------------------------------------

ALL_LEMMAS = {
    "affine-assoc": affine_assoc,
    "pd-closure": pd_closure,
    "pd-operator": pd_operator,
    "dplr-rank": dplr_rank,
    "rational-addition": rational_addition,
    "rational-order": rational_order,
}

NEGATIVE_CONTROLS = {
    "affine-assoc": affine_assoc_negative,
    "pd-closure": pd_closure_negative,
    "pd-operator": pd_operator_negative,
    "dplr-rank": dplr_rank_negative,
    "rational-addition": rational_addition_negative,
    "rational-order": rational_order_negative,
}
