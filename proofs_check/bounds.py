"""Closed-form size and depth: derivations, agreement with built circuits, and growth classes.

Three kinds of checks, each returning a ``Verdict``:

* ``check_derivation(id)`` — a construction defined recursively (a schedule on n = 2^k from one on n/2, a
  product tree) has its recurrence solved with sympy's ``rsolve``; the solution must equal the registered
  closed form identically in k. This proves the formula for every n = 2^k, not only on a grid.
* ``check_formula(id, quick)`` — the closed form equals the size and depth of built circuits (or schedules)
  on a parameter grid; a mismatch is a counterexample.
* ``classify_growth(expr)`` / ``check_growth(id)`` — the growth class of a formula in n (Θ(1), Θ(log n), Θ(n),
  Θ(n log n), …) by sympy limits, so "LRNN depth is Θ(log n), RNN depth is Θ(n)" is a computed statement.

Each kind has a negative control (a wrong formula that the same checker must reject), in ``NEGATIVE_CONTROLS``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from constructions import lrnn_bounds as LB
from constructions.scans import SCHEDULES, n_sym, schedule
from constructions.scans import closed_form as scan_form

from .verdict import Verdict

k_sym = sp.Symbol("k", integer=True, nonnegative=True)
_f = sp.Function("f")


# ---------------------------------------------------------------------------------------------------------
# derivations by rsolve
@dataclass(frozen=True)
class Derivation:
    id: str
    what: str
    recurrence: sp.Expr  # in f(k), equal to 0
    initial: dict  # {f(k0): value}
    closed: Callable[[], sp.Expr]  # the registered closed form, in n (= 2^k) and maybe d
    why: str  # where the recurrence comes from


def _derivations() -> list[Derivation]:
    f, k, d = _f, k_sym, LB.d_sym
    dense = LB.family_costs("dense")
    return [
        Derivation("sklansky-size", "Sklansky combine nodes", f(k) - 2 * f(k - 1) - 2 ** (k - 1), {f(0): 0},
                   lambda: scan_form("sklansky")[0],
                   "two Sklansky networks on n/2, then n/2 combines joining the halves"),
        Derivation("sklansky-depth", "Sklansky levels", f(k) - f(k - 1) - 1, {f(0): 0},
                   lambda: scan_form("sklansky")[1], "the halves run in parallel, then one level"),
        Derivation("reduce-size", "balanced reduction combines", f(k) - 2 * f(k - 1) - 1, {f(0): 0},
                   lambda: scan_form("reduce")[0], "two trees on n/2 and one root combine"),
        Derivation("reduce-depth", "balanced reduction levels", f(k) - f(k - 1) - 1, {f(0): 0},
                   lambda: scan_form("reduce")[1], "two trees in parallel, then the root"),
        Derivation("brent-kung-size", "Brent–Kung combine nodes", f(k) - f(k - 1) - (2**k - 1), {f(0): 0},
                   lambda: scan_form("brent-kung")[0],
                   "n/2 pair combines, Brent–Kung on the n/2 pair results, n/2 − 1 fix-up combines"),
        Derivation("dense-product-size", "gates of the dense balanced product of n d×d matrices",
                   f(k) - 2 * f(k - 1) - dense["C_A"], {f(0): 0},
                   lambda: LB.product_closed_form("dense", "reduce")[0],
                   "two products of n/2 matrices and one d×d matrix product (2d³ − d² gates)"),
        Derivation("dense-product-depth", "depth of the dense balanced product",
                   f(k) - f(k - 1) - dense["alpha"], {f(0): 0},
                   lambda: LB.product_closed_form("dense", "reduce")[1],
                   "the halves in parallel, then one matrix product of depth 1 + ⌈log₂ d⌉"),
    ]


DERIVATIONS = {dv.id: dv for dv in _derivations()}


def _solve(dv: Derivation) -> sp.Expr:
    return sp.simplify(sp.rsolve(dv.recurrence, _f(k_sym), dv.initial))


def check_derivation(id: str, closed: sp.Expr | None = None) -> Verdict:
    """Solve the recurrence and compare with the closed form (or ``closed``) at n = 2^k, identically in k."""
    dv = DERIVATIONS[id]
    sol = _solve(dv)
    form = dv.closed() if closed is None else closed
    sub = sp.piecewise_fold(form.subs(n_sym, 2**k_sym))
    if isinstance(sub, sp.Piecewise):  # branches for small n: compare the general branch, check the rest
        sub = sub.args[-1][0]
    diff = sp.simplify(sp.expand_log(sp.expand(sol - sub), force=True))
    ev = {"recurrence": f"{sp.sstr(dv.recurrence)} = 0", "initial": {str(a): str(b) for a, b in dv.initial.items()},
          "rsolve": sp.sstr(sol), "closed_form": sp.sstr(form), "why": dv.why}
    if diff == 0:
        return Verdict("equal", "rsolve", evidence=ev)
    for kk in range(0, 12):  # a concrete k where they differ
        vals = {k_sym: kk}
        a, b = sol.subs(vals), sub.subs(vals)
        free = (a - b).free_symbols
        if free:
            a, b = a.subs({s: 3 for s in free}), b.subs({s: 3 for s in free})
        if sp.simplify(a - b) != 0:
            return Verdict("not_equal", "rsolve", why=f"recurrence solution and closed form differ at k = {kk}",
                           counterexample={"k": kk, "n": 2**kk, "recurrence": str(a), "closed_form": str(b)},
                           evidence=ev)
    return Verdict("undecided", "rsolve", why=f"difference {sp.sstr(diff)} not simplified to 0", evidence=ev)


# ---------------------------------------------------------------------------------------------------------
# formulas against built circuits
def _at(expr, n, d=None) -> int:
    val = expr.subs({n_sym: n, LB.d_sym: d} if d is not None else {n_sym: n})
    return int(sp.nsimplify(val))


def _measure_lrnn(family, scan, n, d):
    from constructions.lrnn import build_lrnn
    c = build_lrnn(family, n, d, scan=scan, final_only=scan == "reduce")
    return c.size(), c.depth()


def _formula_points(id: str, quick: bool):
    """(params, predicted (size, depth), measure callable) for the grid of formula ``id``."""
    kmax = 6 if quick else 9
    kind, _, rest = id.partition(":")
    if kind == "schedule":
        S, D = scan_form(rest)
        for kk in range(1, kmax + 4):
            n = 2**kk
            yield {"n": n}, (_at(S, n), _at(D, n)), (lambda n=n: (schedule(rest, n).size, schedule(rest, n).depth))
    elif kind == "lrnn":
        family, scan = rest.split("/")
        S, D = LB.closed_form(family, scan)
        for kk in range(1, kmax + 1):
            for d in (1, 2, 3, 4) if quick else (1, 2, 3, 4, 5, 8):
                n = 2**kk
                yield ({"n": n, "d": d}, (_at(S, n, d), _at(D, n, d)),
                       (lambda n=n, d=d: _measure_lrnn(family, scan, n, d)))
    elif kind == "dplr":
        from constructions.lrnn import build_lrnn
        for n in (1, 2, 5, 8, 16, 33) if quick else (1, 2, 3, 5, 8, 13, 16, 33, 64):
            for d, r in ((2, 1), (4, 1), (6, 2), (8, 1), (3, 3)):
                def m(n=n, d=d, r=r):
                    c = build_lrnn("dplr", n, d, scan=rest, rank=r, final_only=rest == "reduce")
                    return c.size(), c.depth()
                yield {"n": n, "d": d, "rank": r}, LB.dplr_cost(n, d, r, rest), m
    elif kind == "rnn":
        from constructions.rnn import build_rnn, rnn_depth, rnn_size
        for n in (1, 2, 8, 33) if quick else (1, 2, 3, 8, 33, 100):
            for d, mm, hidden in ((1, 1, None), (3, 2, None), (2, 0, None), (2, 1, 4)):
                def m(n=n, d=d, mm=mm, hidden=hidden):
                    c = build_rnn(n, d, mm, hidden=hidden)
                    return c.size(), c.depth()
                yield ({"n": n, "d": d, "m": mm, "hidden": hidden},
                       (rnn_size(n, d, mm, hidden), rnn_depth(n, d, mm, hidden)), m)
    else:
        raise KeyError(id)


def formula_ids() -> list[str]:
    ids = [f"schedule:{s}" for s in SCHEDULES]
    ids += [f"lrnn:{f}/{s}" for f in LB.LOG_FAMILIES for s in SCHEDULES]
    ids += [f"dplr:{s}" for s in SCHEDULES]
    ids += ["rnn:chain"]
    return ids


def check_formula(id: str, quick: bool = False, predict: Callable | None = None) -> Verdict:
    """Closed form == measured on the grid. ``predict(params) -> (size, depth)`` overrides the formula (used by
    the negative control)."""
    points = 0
    for params, pred, measure in _formula_points(id, quick):
        if predict is not None:
            pred = predict(params)
        got = measure()
        points += 1
        if tuple(pred) != tuple(got):
            return Verdict("not_equal", "grid", why=f"{id}: formula {tuple(pred)} but built {tuple(got)}",
                           counterexample={"params": params, "formula": list(pred), "measured": list(got)},
                           evidence={"points_checked": points})
    return Verdict("equal", "grid", evidence={"formula": id, "points": points, "quick": quick})


# ---------------------------------------------------------------------------------------------------------
# growth classes
_CLASSES = [("Θ(1)", sp.Integer(1)), ("Θ(log n)", sp.log(n_sym)), ("Θ(n)", n_sym),
            ("Θ(n log n)", n_sym * sp.log(n_sym)), ("Θ(n²)", n_sym**2)]


def classify_growth(expr) -> str:
    """The growth class of ``expr`` in n as n → ∞ (the last branch of a Piecewise is the large-n one)."""
    expr = sp.piecewise_fold(sp.sympify(expr))
    if isinstance(expr, sp.Piecewise):
        expr = expr.args[-1][0]
    for name, g in _CLASSES:
        lim = sp.limit(expr / g, n_sym, sp.oo)
        if lim.is_finite and lim.is_positive:
            return name
    return "other"


def depth_expr(model: str, scan: str | None = None, d: int = 4):
    """Depth formula in n with d fixed: an LRNN family with a scan, or the nonlinear RNN (m = 1)."""
    if model == "rnn":
        return n_sym * (2 + math.ceil(math.log2(d + 2)))
    return LB.closed_form(model, scan)[1].subs(LB.d_sym, d)


def check_growth(model: str, scan: str | None, expected: str, d: int = 4) -> Verdict:
    expr = depth_expr(model, scan, d)
    got = classify_growth(expr)
    ev = {"model": model, "scan": scan, "d": d, "depth_formula": sp.sstr(expr), "class": got}
    if got == expected:
        return Verdict("equal", "sympy-limit", evidence=ev)
    return Verdict("not_equal", "sympy-limit", why=f"depth of {model} is {got}, not {expected}",
                   counterexample={"expected": expected, "got": got}, evidence=ev)


# ---------------------------------------------------------------------------------------------------------
# negative controls: wrong formulas the same checkers must reject
def _neg_derivation() -> Verdict:
    # the classic slip: Sklansky size n·log₂ n instead of (n/2)·log₂ n
    return check_derivation("sklansky-size", closed=n_sym * sp.log(n_sym, 2))


def _neg_formula() -> Verdict:
    # the dense LRNN without the "A only where used" saving: every combine pays C_A
    def wrong(p):
        s = schedule("brent-kung", p["n"])
        f = LB.family_costs("dense")
        cb, ca = (int(f[x].subs(LB.d_sym, p["d"])) for x in ("C_b", "C_A"))
        return (s.size + 1) * cb + s.size * ca, LB.exact_depth("dense", "brent-kung", p["n"], p["d"])
    return check_formula("lrnn:dense/brent-kung", quick=True, predict=wrong)


def _neg_growth() -> Verdict:
    # a serial scan is not logarithmic
    return check_growth("dense", "serial", "Θ(log n)")


NEGATIVE_CONTROLS = {"derivation": _neg_derivation, "formula": _neg_formula, "growth": _neg_growth}
