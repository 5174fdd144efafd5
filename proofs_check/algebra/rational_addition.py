"""Lemma ``rational-addition`` a/b + c/d = (ad + bc)/(bd), and the printed erratum (ad + bc)/(bc)."""
from __future__ import annotations

import time
from fractions import Fraction

import sympy as sp

from ..verdict import Verdict
from ._exact import _elapsed


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
