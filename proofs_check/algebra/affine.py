"""Lemma ``affine-assoc``: affine maps compose associatively, and composing equals two steps of the recurrence."""
from __future__ import annotations

import random
import time

import sympy as sp
from sympy.matrices.expressions import BlockMatrix, Identity, MatrixSymbol, ZeroMatrix, block_collapse

from ..verdict import Verdict
from ._exact import _elapsed, _IntMat, _is_zero_expr, _is_zero_matrix, _sym_matrix


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
