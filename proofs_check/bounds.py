"""Closed-form size and depth: derivations, agreement with built circuits, and growth measured on circuits.

Every check returns a ``Verdict``; the finite ones carry ``evidence["scope"]`` (the grid actually run).

* ``check_derivation(id)`` — a construction defined recursively (a schedule on n = 2^k from one on n/2, a
  product tree) has its recurrence solved with sympy's ``rsolve``; the solution must equal the registered
  closed form identically in k (a proof for every k *given the recurrence*). The evidence says where the
  recurrence comes from: typed from the textbook (the schedules' recurrences) or with constants counted from
  the built gadgets (the dense product), and ``check_recurrence(id)`` checks it against the counts of the built
  schedules / gadgets for k ≤ K (finite).
* ``check_formula(id, quick)`` — the closed form equals the size and depth of built circuits (or schedules)
  on a parameter grid; a mismatch is a counterexample. ``product:<family>/<scan>`` compares the iterated
  product ``A[n-1] ⋯ A[0]`` (compose gadgets only), so a compose that is one gate too deep is seen even where
  the states' depth hides it.
* ``check_gadget_costs(family)`` — the per-combine constants of ``constructions.lrnn_bounds.family_costs``
  (C_b, γ for the apply gadget; C_A, α for the compose gadget) equal the size and depth of the gadgets built by
  ``constructions.lrnn`` (``proofs_check.gadgets.gadget_circuit``), d = 1..8.
* ``check_measured_log_depth`` / ``check_measured_linear_depth`` — growth read off built circuits:
  an LRNN's measured depth at n = 2^k is exactly a·k + b on the grid (Θ(log n)), a serial scan's and the
  nonlinear RNN chain's is exactly n × (the measured depth of one step) (Θ(n)).
* ``classify_growth(expr)`` / ``check_growth`` — the growth class of a formula in n by sympy limits (kept for
  the formulas; the claims use the measured checks).

Each kind has a negative control (a wrong formula or a broken circuit the same checker must reject), in
``NEGATIVE_CONTROLS``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
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
    source: str = "typed from the textbook construction; checked against the built schedules' counts " \
                  "(check_recurrence), not derived from the code"
    counted: Callable[[int], int] | None = None  # f(k) counted from the built construction (None: not countable)


def _derivations() -> list[Derivation]:
    f, k = _f, k_sym
    dense = LB.family_costs("dense")
    return [
        Derivation("sklansky-size", "Sklansky combine nodes", f(k) - 2 * f(k - 1) - 2 ** (k - 1), {f(0): 0},
                   lambda: scan_form("sklansky")[0],
                   "two Sklansky networks on n/2, then n/2 combines joining the halves",
                   counted=lambda kk: schedule("sklansky", 2**kk).size),
        Derivation("sklansky-depth", "Sklansky levels", f(k) - f(k - 1) - 1, {f(0): 0},
                   lambda: scan_form("sklansky")[1], "the halves run in parallel, then one level",
                   counted=lambda kk: schedule("sklansky", 2**kk).depth),
        Derivation("reduce-size", "balanced reduction combines", f(k) - 2 * f(k - 1) - 1, {f(0): 0},
                   lambda: scan_form("reduce")[0], "two trees on n/2 and one root combine",
                   counted=lambda kk: schedule("reduce", 2**kk).size),
        Derivation("reduce-depth", "balanced reduction levels", f(k) - f(k - 1) - 1, {f(0): 0},
                   lambda: scan_form("reduce")[1], "two trees in parallel, then the root",
                   counted=lambda kk: schedule("reduce", 2**kk).depth),
        Derivation("brent-kung-size", "Brent–Kung combine nodes", f(k) - f(k - 1) - (2**k - 1), {f(0): 0},
                   lambda: scan_form("brent-kung")[0],
                   "n/2 pair combines, Brent–Kung on the n/2 pair results, n/2 − 1 fix-up combines",
                   counted=lambda kk: schedule("brent-kung", 2**kk).size),
        Derivation("dense-product-size", "gates of the dense balanced product of n d×d matrices",
                   f(k) - 2 * f(k - 1) - dense["C_A"], {f(0): 0},
                   lambda: LB.product_closed_form("dense", "reduce")[0],
                   "two products of n/2 matrices and one d×d matrix product (C_A(d) = 2d³ − d² gates)",
                   source="shape f(k) = 2f(k−1) + 1 compose from the reduce schedule's counts; the constant C_A(d) "
                          "counted from the built dense compose gadget for d = 1..8 (check_gadget_costs); the "
                          "recurrence itself checked on built products (check_recurrence, d = 3)",
                   counted=lambda kk: _product_measure("dense", "reduce", 2**kk, 3)[0]),
        Derivation("dense-product-depth", "depth of the dense balanced product",
                   f(k) - f(k - 1) - dense["alpha"], {f(0): 0},
                   lambda: LB.product_closed_form("dense", "reduce")[1],
                   "the halves in parallel, then one matrix product of depth α(d) = 1 + ⌈log₂ d⌉",
                   source="shape from the reduce schedule's levels; α(d) counted from the built dense compose "
                          "gadget for d = 1..8 (check_gadget_costs); the recurrence checked on built products "
                          "(check_recurrence, d = 3)",
                   counted=lambda kk: _product_measure("dense", "reduce", 2**kk, 3)[1]),
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
          "rsolve": sp.sstr(sol), "closed_form": sp.sstr(form), "why": dv.why, "recurrence_source": dv.source}
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


def check_recurrence(id: str, kmax: int = 10) -> Verdict:
    """The recurrence of derivation ``id`` holds for the values counted on the built construction
    (schedules, or built product circuits), k = 1..kmax: residual 0 at every k, and the initial value."""
    dv = DERIVATIONS[id]
    if dv.counted is None:
        return Verdict("undecided", "count", why=f"{id}: nothing to count")
    d = 3 if LB.d_sym in dv.recurrence.free_symbols else None
    vals = {kk: dv.counted(kk) for kk in range(0, kmax + 1)}
    rec = dv.recurrence.subs(LB.d_sym, d) if d is not None else dv.recurrence
    for (f0, v0) in dv.initial.items():
        if vals[int(f0.args[0])] != v0:
            return Verdict("not_equal", "count", why=f"{id}: initial value {f0} = {v0} but built {vals[0]}",
                           counterexample={"k": int(f0.args[0]), "built": vals[int(f0.args[0])], "recurrence": v0})
    for kk in range(1, kmax + 1):
        res = rec.subs(k_sym, kk).replace(lambda e: isinstance(e, sp.Function) and e.func == _f,
                                           lambda e: sp.Integer(vals[int(e.args[0])]))
        if sp.simplify(res) != 0:
            return Verdict("not_equal", "count", why=f"{id}: the recurrence fails on the built construction at "
                           f"k = {kk}", counterexample={"k": kk, "n": 2**kk, "residual": str(res),
                                                          "counted": {str(j): vals[j] for j in (kk - 1, kk)}})
    scope = {"k (n = 2^k)": [0, kmax]}
    if d is not None:
        scope["d"] = [d]
    return Verdict("equal", "count", evidence={"scope": scope, "counted": {str(j): v for j, v in vals.items()},
                                               "recurrence": f"{sp.sstr(dv.recurrence)} = 0"})


# ---------------------------------------------------------------------------------------------------------
# formulas against built circuits
_COMPILED: dict = {}


def _at(expr, n, d=None) -> int:
    """The closed form at (n, d), exactly. For n = 2^k the expression is rewritten once per (expr, d) as a
    polynomial in k and 2^k (``expand_log``), then evaluated by substitution; other n go through sympy."""
    if n >= 1 and n & (n - 1) == 0:
        key = (expr, d)
        if key not in _COMPILED:
            e = expr.subs(LB.d_sym, d) if d is not None else expr
            _COMPILED[key] = sp.expand_log(e.subs(n_sym, 2**k_sym), force=True)
        val = _COMPILED[key].subs(k_sym, n.bit_length() - 1)
        if val.is_Integer:
            return int(val)
    val = expr.subs({n_sym: n, LB.d_sym: d} if d is not None else {n_sym: n})
    return int(sp.nsimplify(val))


def _measure_lrnn(family, scan, n, d, rank=1):
    from constructions.lrnn import build_lrnn
    c = build_lrnn(family, n, d, scan=scan, rank=rank, final_only=scan == "reduce")
    return c.size(), c.depth()


def _product_measure(family, scan, n, d, rank=1):
    """(size, depth) of the iterated product A[n-1] ⋯ A[0] built by ``constructions.lrnn.iterated_product``."""
    from circuits import Circuit
    from constructions.lrnn import free_transitions, iterated_product
    c = Circuit("arithmetic")
    tr = free_transitions(c, family, n, d, rank)
    parts = iterated_product(c, tr, scan)
    for k, v in parts.items():
        c.output(f"P_{k}", np.asarray(v))
    return c.size(), c.depth()


#: grids: (k range of n = 2^k, d values) per mode; large d only with small n (the circuits grow like n·d³)
_LRNN_GRID = {True: [((1, 5), (1, 2, 3, 4, 5))],
              False: [((1, 7), (1, 2, 3, 4, 5)), ((1, 4), (7, 8))]}
_PRODUCT_GRID = {True: [((1, 4), (1, 2, 3, 4))],
                 False: [((1, 6), (1, 2, 3, 4, 5)), ((1, 3), (7, 8))]}
_DPLR_GRID = {True: ((1, 2, 5, 8, 16, 33), ((2, 1), (4, 1), (5, 1), (6, 2), (8, 1), (3, 3))),
              False: ((1, 2, 3, 5, 8, 13, 16, 33, 64), ((2, 1), (4, 1), (5, 1), (6, 1), (6, 2), (8, 1), (3, 3),
                                                        (7, 3)))}
_RNN_GRID = {True: ((1, 2, 8, 33), ((1, 1, None), (3, 2, None), (2, 0, None), (2, 1, 4))),
             False: ((1, 2, 3, 8, 33, 100), ((1, 1, None), (3, 2, None), (2, 0, None), (2, 1, 4)))}


def _grid_scope(grid) -> dict:
    return {"n = 2^k, k": [[lo, hi] for (lo, hi), _ in grid], "d": [list(ds) for _, ds in grid],
            "pairs": "each k range with the d values beside it"}


def _formula_points(id: str, quick: bool):
    """(params, predicted (size, depth), measure callable) for the grid of formula ``id``."""
    kind, _, rest = id.partition(":")
    if kind == "schedule":
        S, D = scan_form(rest)
        kmax = 9 if quick else 12
        for kk in range(1, kmax + 1):
            n = 2**kk
            yield {"n": n}, (_at(S, n), _at(D, n)), (lambda n=n: (schedule(rest, n).size, schedule(rest, n).depth))
    elif kind in ("lrnn", "product"):
        family, scan = rest.split("/")
        if kind == "lrnn":
            S, D = LB.closed_form(family, scan)
            grid, measure = _LRNN_GRID[quick], _measure_lrnn
        else:
            S, D = LB.product_closed_form(family, scan)
            grid, measure = _PRODUCT_GRID[quick], _product_measure
        for (k0, k1), ds in grid:
            for kk in range(k0, k1 + 1):
                for d in ds:
                    n = 2**kk
                    yield ({"n": n, "d": d}, (_at(S, n, d), _at(D, n, d)),
                           (lambda n=n, d=d: measure(family, scan, n, d)))
    elif kind == "dplr":
        ns, dr = _DPLR_GRID[quick]
        for n in ns:
            for d, r in dr:
                yield ({"n": n, "d": d, "rank": r}, LB.dplr_cost(n, d, r, rest),
                       (lambda n=n, d=d, r=r: _measure_lrnn("dplr", rest, n, d, r)))
    elif kind == "rnn":
        from constructions.rnn import build_rnn, rnn_depth, rnn_size
        ns, cfgs = _RNN_GRID[quick]
        for n in ns:
            for d, mm, hidden in cfgs:
                def m(n=n, d=d, mm=mm, hidden=hidden):
                    c = build_rnn(n, d, mm, hidden=hidden)
                    return c.size(), c.depth()
                yield ({"n": n, "d": d, "m": mm, "hidden": hidden},
                       (rnn_size(n, d, mm, hidden), rnn_depth(n, d, mm, hidden)), m)
    else:
        raise KeyError(id)


def formula_scope(id: str, quick: bool) -> dict:
    kind, _, rest = id.partition(":")
    if kind == "schedule":
        return {"n = 2^k, k": [1, 9 if quick else 12]}
    if kind == "lrnn":
        return _grid_scope(_LRNN_GRID[quick])
    if kind == "product":
        return _grid_scope(_PRODUCT_GRID[quick])
    if kind == "dplr":
        ns, dr = _DPLR_GRID[quick]
        return {"n": list(ns), "(d, rank)": [list(x) for x in dr]}
    ns, cfgs = _RNN_GRID[quick]
    return {"n": list(ns), "(d, m, hidden)": [list(x) for x in cfgs]}


def formula_ids() -> list[str]:
    ids = [f"schedule:{s}" for s in SCHEDULES]
    ids += [f"lrnn:{f}/{s}" for f in LB.LOG_FAMILIES for s in SCHEDULES]
    ids += [f"product:{f}/{s}" for f in LB.LOG_FAMILIES for s in SCHEDULES]
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
                           counterexample={"formula_id": id, "params": params, "formula": list(pred),
                                           "measured": list(got)},
                           evidence={"points_checked": points})
    return Verdict("equal", "grid", evidence={"formula": id, "points": points, "quick": quick,
                                              "scope": formula_scope(id, quick)})


# ---------------------------------------------------------------------------------------------------------
# per-combine constants counted from the built gadgets
GADGET_DIMS = tuple(range(1, 9))


def gadget_costs(family: str, d: int) -> dict:
    """Size and depth of the apply and compose gadgets that ``constructions.lrnn`` builds (inputs at depth 0)."""
    from .gadgets import gadget_circuit
    ap = gadget_circuit(family, d, "apply")
    co = gadget_circuit(family, d, "compose")
    return {"C_b": ap.size(), "gamma": ap.depth(), "C_A": co.size(), "alpha": co.depth()}


def check_gadget_costs(family: str, dims=GADGET_DIMS, costs: Callable | None = None) -> Verdict:
    """``family_costs`` (or ``costs(d) -> dict``) equals the built gadgets' sizes and depths for d in ``dims``."""
    f = LB.family_costs(family)
    rows = {}
    for d in dims:
        got = gadget_costs(family, d)
        want = costs(d) if costs is not None else {k: _at(f[k], 1, d) for k in ("C_b", "gamma", "C_A", "alpha")}
        rows[str(d)] = got
        bad = [k for k in got if got[k] != want[k]]
        if bad:
            return Verdict("not_equal", "count", why=f"{family}, d = {d}: {bad[0]} is {want[bad[0]]} in "
                           f"lrnn_bounds but the built gadget has {got[bad[0]]}",
                           counterexample={"family": family, "d": d, "constants": bad, "lrnn_bounds": want,
                                           "built": got})
    return Verdict("equal", "count", evidence={"family": family, "scope": {"d": [min(dims), max(dims)]},
                                               "built": rows})


# ---------------------------------------------------------------------------------------------------------
# growth measured on built circuits
def check_measured_log_depth(family: str, scan: str, d: int, kmax: int, rank: int = 1, measure=None) -> Verdict:
    """The measured depth of ``build_lrnn(family, 2^k, d, scan)`` for k = 1..kmax is exactly a·k + b from k = 3
    on (a, b from k = 3, 4; a > 0), i.e. a·log₂ n + b: Θ(log n) on the grid. A serial scan fails it."""
    measure = measure or (lambda n: _measure_lrnn(family, scan, n, d, rank)[1])
    depths = {kk: measure(2**kk) for kk in range(1, kmax + 1)}
    a = depths[4] - depths[3]
    b = depths[3] - 3 * a
    ev = {"family": family, "scan": scan, "d": d, "rank": rank if family == "dplr" else None,
          "measured_depth": {str(2**kk): v for kk, v in depths.items()}, "fit": f"{a}·log2(n) + {b}"}
    bad = [kk for kk in range(3, kmax + 1) if depths[kk] != a * kk + b]
    if a <= 0 or bad:
        kk = bad[0] if bad else 4
        return Verdict("not_equal", "measured", why=f"{family}/{scan}: measured depth is not a·log2(n) + b "
                       f"(n = {2**kk}: {depths[kk]}, fit {a * kk + b})",
                       counterexample={"n": 2**kk, "measured": depths[kk], "fit_a_log2n_plus_b": a * kk + b,
                                       "a": a, "b": b}, evidence=ev)
    ev["class"] = classify_growth(a * sp.log(n_sym, 2) + b)
    ev["scope"] = {"n = 2^k, k": [1, kmax], "d": [d]}
    return Verdict("equal", "measured", evidence=ev)


def check_measured_linear_depth(build: Callable, ns, label: str) -> Verdict:
    """``build(n)`` measured for n in ``ns``: depth(n) = n · depth(1) and size(n) = n · size(1) exactly, with
    depth(1) ≥ 1 — the chain's depth is n × the measured step depth (Θ(n))."""
    c1 = build(1)
    step_d, step_s = c1.depth(), c1.size()
    got = {}
    for n in ns:
        c = build(n)
        got[str(n)] = [c.size(), c.depth()]
        if c.depth() != n * step_d or c.size() != n * step_s or step_d < 1:
            return Verdict("not_equal", "measured", why=f"{label}: n = {n} has depth {c.depth()}, size {c.size()}; "
                           f"n × step = {n * step_d}, {n * step_s}",
                           counterexample={"n": n, "measured_depth": c.depth(), "measured_size": c.size(),
                                           "n_times_step_depth": n * step_d, "n_times_step_size": n * step_s},
                           evidence={"step_depth": step_d, "step_size": step_s, "measured": got})
    return Verdict("equal", "measured", evidence={"label": label, "step_depth": step_d, "step_size": step_s,
                                                  "measured_size_depth": got,
                                                  "class": classify_growth(step_d * n_sym)})


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


def _neg_deeper_compose() -> Verdict:
    # a planted mutant: the dense compose two gates deeper (−(−A2A1)); the product check must see it
    import constructions.lrnn as L
    saved = L._Dense.__dict__["compose"]
    orig = L._Dense.compose
    L._Dense.compose = staticmethod(lambda c, A2, A1: {"A": c.neg(c.neg(orig(c, A2, A1)["A"]))})
    try:
        return check_formula("product:dense/brent-kung", quick=True)
    finally:
        L._Dense.compose = saved


def _neg_gadget_costs() -> Verdict:
    # lrnn_bounds' compose depth α off by one must be seen against the built gadgets
    f = LB.family_costs("pd")
    return check_gadget_costs("pd", dims=(1, 2, 3), costs=lambda d: {
        "C_b": _at(f["C_b"], 1, d), "gamma": _at(f["gamma"], 1, d), "C_A": _at(f["C_A"], 1, d),
        "alpha": _at(f["alpha"], 1, d) + 1})


def _neg_measured_growth() -> Verdict:
    # a serial scan is not logarithmic, measured
    return check_measured_log_depth("dense", "serial", 2, 6)


NEGATIVE_CONTROLS = {"derivation": _neg_derivation, "formula": _neg_formula, "growth": _neg_growth,
                     "deeper-compose": _neg_deeper_compose, "gadget-costs": _neg_gadget_costs,
                     "measured-growth": _neg_measured_growth}
