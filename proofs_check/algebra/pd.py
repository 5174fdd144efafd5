"""Lemmas ``pd-closure`` (permutation × diagonal matrices are closed under products) and ``pd-operator`` (the
column one-hot × diagonal composition formula, as algebra).

The PD *gadgets* the circuits are built from are checked in :mod:`proofs_check.gadgets`."""
from __future__ import annotations

import itertools
import math
import time

import sympy as sp

from ..verdict import Verdict
from ._exact import _elapsed, _IntMat, _is_zero_matrix


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
                                               "scope": {"d": [min(dims), max(dims)],
                                                         "P": "every pair of d×d permutation matrices"},
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
                             "scope": {"d": [min(dims), max(dims)], "P": "every pair of column one-hot P1, P2"},
                             "formula": "(P2 D2)(P1 D1) = (P2 P1) diag((P1ᵀ D2) ⊙ D1)"})


def pd_operator() -> Verdict:
    """Lemma ``pd-operator``: the PD family's composition formula, for all column one-hot P, d = 1..3."""
    return _pd_operator_check(gather=True)


def pd_operator_negative() -> Verdict:
    """Negative control: the naive ``D' = D2 ⊙ D1`` (forgetting to route D2 through P1)."""
    return _pd_operator_check(gather=False)
