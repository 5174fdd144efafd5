"""The compose and apply gadgets of ``constructions.lrnn``, checked against affine composition.

An LRNN circuit is a prefix scan whose combine nodes are expanded into gates by the transition family's
*operator* (``constructions.lrnn._Diagonal``, ``_Dense``, ``_PD``, ``_DPLR``): ``compose`` builds the A part of
``(A2, b2) ∘ (A1, b1)``, i.e. ``A2 A1``, and ``apply`` builds ``A2 b1 + b2`` (also used for the fold of h0).
The checks here call the very functions the scan calls (``constructions.lrnn._compose`` / ``_apply``, the
dispatch by family) on *input wires*, turn the resulting circuit into sympy expressions with
:func:`circuits.symbolic.to_sympy`, and compare with the algebra::

    rep(compose(A2, A1)) == rep(A2) · rep(A1)          apply(A, x, plus) == rep(A) · x + plus

where ``rep`` is the matrix a family's parts stand for: ``diag(a)``, ``A``, ``P · diag(D)``,
``diag(D) + U Vᵀ`` (DPLR low-rank form) or ``A`` (DPLR dense form).

* diagonal, dense, DPLR: the identity is a polynomial identity in all the input symbols (every entry
  expanded to 0), so it holds for every value of the parameters.
* PD: the representation requires P to be column one-hot (each column one 1, the others 0); the gather in
  the compose (``g = P1ᵀ D2``) is only right under that constraint. The identity is proved on the set of
  column one-hot P1, P2 (D1, D2, x, plus symbolic) by an exact Shannon expansion (``zero_on_onehot``): a
  residual that expands to 0 vanishes everywhere; otherwise a column of P occurring in it is replaced in turn
  by each of its d unit vectors and each branch is decided the same way. Closure is checked the same way: the
  output P is again column one-hot (0/1 entries, one 1 per column) for every column one-hot P1, P2.
* DPLR: every representation path is covered: both operands low rank with 2(ρ2 + ρ1) < d (stays low rank,
  rank ρ2 + ρ1), both low rank with 2(ρ2 + ρ1) ≥ d (switch to dense), one or both operands dense; operand
  ranks 1..min(3, d) (leaves keep the input rank r even when 2r ≥ d). The output's form must be the one the
  scan's ``node_forms`` expects.

The dimension d is finite (1..6), so every gadget check is ``finite`` with that scope. A negative control per
family and gadget (a broken operator, e.g. operands swapped) must give ``not_equal``; its counterexample is a
concrete small-integer point, re-checked by evaluating the gadget circuit exactly (``domain="fraction"``)
against numpy products of the represented matrices.
"""
from __future__ import annotations

import contextlib
import itertools
import random
import time
from fractions import Fraction

import numpy as np
import sympy as sp

from .verdict import Verdict

__all__ = ["FAMILIES", "gadget_circuit", "check_gadget", "check_family", "broken_operator", "BREAKS",
           "dplr_form_pairs", "zero_on_onehot"]

FAMILIES = ("diagonal", "dense", "pd", "dplr")
MAX_RANK = 3


# ---------------------------------------------------------------------------------------------------------
# building one gadget
def _shapes(family: str, d: int, form: int) -> dict:
    from constructions.lrnn import _part_shapes
    return _part_shapes(family, d, form)


def _operand(c, prefix: str, family: str, d: int, form: int) -> dict:
    """Input wires for one operand's A parts, with a leading batch axis of 1 (the gadgets are batched)."""
    return {k: np.asarray(c.input(f"{k}{prefix}", shp))[None] for k, shp in _shapes(family, d, form).items()}


def _tr(family: str, d: int):
    from constructions.lrnn import Transitions
    from circuits import WIRE
    return Transitions(family, d, {}, np.empty((0, d), dtype=WIRE), 0)


def gadget_circuit(family: str, d: int, gadget: str, f2: int = 0, f1: int = 0):
    """The circuit of one gadget with input wires: ``gadget="compose"`` (operands ``…2`` later, ``…1`` earlier,
    of forms f2, f1) or ``"apply"`` (operand ``…2`` of form f2, vector ``x``, addend ``plus``). Outputs: the
    result's parts (``out_P``, ``out_D`` …) or ``y``."""
    import constructions.lrnn as L
    from circuits import Circuit

    c = Circuit("arithmetic")
    tr = _tr(family, d)
    A2 = _operand(c, "2", family, d, f2)
    if gadget == "compose":
        A1 = _operand(c, "1", family, d, f1)
        res = L._compose(c, tr, A2, A1)
        for k, v in res.items():
            c.output(f"out_{k}", np.asarray(v)[0])
    else:
        x = np.asarray(c.input("x", (d,)))[None]
        plus = np.asarray(c.input("plus", (d,)))[None]
        c.output("y", np.asarray(L._apply(c, tr, A2, x, plus))[0])
    return c


# ---------------------------------------------------------------------------------------------------------
# the matrices the parts stand for
def _sym_array(name: str, shape) -> sp.Matrix:
    """The sympy symbols ``to_sympy`` gives the elements of input ``name`` (``A2[0][1]``)."""
    if len(shape) == 1:
        return sp.Matrix(shape[0], 1, lambda i, _: sp.Symbol(f"{name}[{i}]"))
    return sp.Matrix(shape[0], shape[1], lambda i, j: sp.Symbol(f"{name}[{i}][{j}]"))


def _as_matrix(arr) -> sp.Matrix:
    a = np.asarray(arr, dtype=object)
    return sp.Matrix(a.shape[0], 1, list(a)) if a.ndim == 1 else sp.Matrix(a.tolist())


def rep(family: str, parts: dict) -> sp.Matrix:
    """The matrix a family's parts stand for (parts as sympy matrices / column vectors)."""
    if family == "diagonal":
        return sp.diag(*list(parts["a"]))
    if "A" in parts:
        return parts["A"]
    if family == "pd":
        return parts["P"] * sp.diag(*list(parts["D"]))
    return sp.diag(*list(parts["D"])) + parts["U"] * parts["V"].T


def _input_parts(suffix: str, family: str, d: int, form: int) -> dict:
    return {k: _sym_array(f"{k}{suffix}", shp) for k, shp in _shapes(family, d, form).items()}


def expected_form(family: str, d: int, f2: int, f1: int) -> int:
    """The form of ``compose``'s result that the scan expects (``constructions.lrnn.node_forms``'s rule)."""
    from constructions.lrnn import lowrank_ok
    if family != "dplr" or not f2 or not f1:
        return 0
    return f2 + f1 if lowrank_ok(f2 + f1, d) else 0


# ---------------------------------------------------------------------------------------------------------
# identities on the column one-hot patterns
def _onehot_cols(P: sp.Matrix) -> list[list[sp.Symbol]]:
    return [list(P[:, j]) for j in range(P.shape[1])]


def _unit_subs(poly, col: list[int], one: int):
    """``poly`` with generator ``one`` set to 1 and the other generators of ``col`` to 0."""
    zero = [i for i in col if i != one]
    out: dict = {}
    for m, c in poly.items():
        if any(m[i] for i in zero):
            continue
        if m[one]:
            m = m[:one] + (0,) + m[one + 1:]
        out[m] = out.get(m, 0) + c
    return poly.ring.from_dict({m: c for m, c in out.items() if c})


def zero_on_onehot(poly, cols: list[list[int]], budget: list | None = None) -> bool | None:
    """Whether the polynomial ``poly`` (a ``sympy.polys.rings.PolyElement``, so already expanded) vanishes at
    every point where each list of generator indices in ``cols`` is one-hot (one variable 1, the others 0),
    identically in all other generators. Exact, by Shannon expansion: the zero polynomial vanishes everywhere;
    otherwise a column occurring in it is replaced in turn by each of its unit vectors and every branch must
    vanish; a branch with no column left that is not the zero polynomial is a witness. Returns None when more
    than ``budget[0]`` branches were needed (undecided)."""
    budget = [20000] if budget is None else budget
    if not poly:
        return True
    monoms = poly.monoms()
    used = [any(m[i] for m in monoms) for i in range(len(monoms[0]))]
    occurring = [col for col in cols if any(used[i] for i in col)]
    if not occurring:
        return False
    col = max(occurring, key=lambda cl: sum(1 for m in monoms if any(m[i] for i in cl)))
    rest = [cl for cl in cols if cl is not col]
    for k in range(len(col)):
        budget[0] -= 1
        if budget[0] < 0:
            return None
        r = zero_on_onehot(_unit_subs(poly, col, col[k]), rest, budget)
        if r is not True:
            return r
    return True


# ---------------------------------------------------------------------------------------------------------
# one gadget against the algebra
def _difference(family, d, gadget, f2, f1, exprs):
    """List of (what, residual) that must all be 0, and the columns of the one-hot constraint (PD)."""
    A2 = _input_parts("2", family, d, f2)
    R2 = rep(family, A2)
    onehot = []
    if family == "pd":
        onehot = _onehot_cols(A2["P"])
    if gadget == "apply":
        x, plus = _sym_array("x", (d,)), _sym_array("plus", (d,))
        want = R2 * x + plus
        got = _as_matrix(exprs["y"])
        return [("apply", got[i] - want[i]) for i in range(d)], onehot, []
    A1 = _input_parts("1", family, d, f1)
    if family == "pd":
        onehot = onehot + _onehot_cols(A1["P"])
    want = R2 * rep(family, A1)
    parts = {k[4:]: _as_matrix(v) for k, v in exprs.items()}
    got = rep(family, parts)
    res = [("compose", got[i, j] - want[i, j]) for i in range(d) for j in range(d)]
    closure = []
    if family == "pd":  # the result's P is column one-hot again
        P = parts["P"]
        for j in range(d):
            closure.append((f"column {j} of the result's P sums to 1", sp.Add(*P[:, j]) - 1))
            for i in range(d):
                closure.append((f"P[{i}][{j}] is 0/1", P[i, j] ** 2 - P[i, j]))
                for l_ in range(i + 1, d):
                    closure.append((f"P[{i}][{j}] P[{l_}][{j}] = 0", P[i, j] * P[l_, j]))
    return res, onehot, closure


def _zero_all(exprs, onehot) -> list:
    """Per expression: True (vanishes identically, or on every one-hot pattern of ``onehot``), False, None."""
    if not onehot:
        return [sp.expand(e) == 0 for e in exprs]
    syms = sorted(set().union(*[sp.sympify(e).free_symbols for e in exprs]) | {v for col in onehot for v in col},
                  key=str)
    R = sp.ring(syms, sp.QQ)[0]
    index = {v: i for i, v in enumerate(syms)}
    cols = [[index[v] for v in col] for col in onehot]
    return [zero_on_onehot(R(sp.sympify(e)), cols) for e in exprs]


def _random_point(family, d, gadget, f2, f1, rng):
    """Input values (numpy object arrays of ints): small integers; PD's P column one-hot."""
    vals = {}
    specs = [("2", f2)] + ([("1", f1)] if gadget == "compose" else [])
    for suffix, form in specs:
        for k, shp in _shapes(family, d, form).items():
            if family == "pd" and k == "P":
                P = np.zeros(shp, dtype=object)
                P[...] = 0
                for j in range(d):
                    P[rng.randrange(d), j] = 1
                vals[f"P{suffix}"] = P
            else:
                a = np.empty(shp, dtype=object)
                a.ravel()[:] = [rng.randint(-3, 3) for _ in range(a.size)]
                vals[f"{k}{suffix}"] = a
    if gadget == "apply":
        for k in ("x", "plus"):
            a = np.empty((d,), dtype=object)
            a[:] = [rng.randint(-3, 3) for _ in range(d)]
            vals[k] = a
    return vals


def _np_rep(family, vals, suffix, form, d):
    V = {k[: -len(suffix)]: np.asarray(v, dtype=object) for k, v in vals.items() if k.endswith(suffix)}
    if family == "diagonal":
        return np.diag(V["a"])
    if family == "pd":
        return V["P"].dot(np.diag(V["D"]))
    if family == "dplr" and form > 0:
        return np.diag(V["D"]) + V["U"].dot(V["V"].T)
    return V["A"]


def _np_out_rep(family, out, d):
    parts = {k[4:]: np.asarray(v, dtype=object) for k, v in out.items()}
    if family == "diagonal":
        return np.diag(parts["a"])
    if "A" in parts:
        return parts["A"]
    if family == "pd":
        return parts["P"].dot(np.diag(parts["D"]))
    return np.diag(parts["D"]) + parts["U"].dot(parts["V"].T)


def _counterexample(c, family, d, gadget, f2, f1, seed=0, tries=400):
    """A concrete point where the gadget circuit (evaluated exactly) differs from the algebra (numpy)."""
    rng = random.Random(seed)
    for _ in range(tries):
        vals = _random_point(family, d, gadget, f2, f1, rng)
        out = c.evaluate({k: v for k, v in vals.items()}, domain="fraction")
        R2 = _np_rep(family, vals, "2", f2, d)
        if gadget == "apply":
            want = R2.dot(vals["x"]) + vals["plus"]
            got = np.asarray(out["y"], dtype=object)
        else:
            want = R2.dot(_np_rep(family, vals, "1", f1, d))
            got = _np_out_rep(family, out, d)
            if family == "pd":  # closure: the output P must be column one-hot
                P = np.asarray(out["out_P"], dtype=object)
                if not all(sorted(P[:, j].tolist()) == [0] * (d - 1) + [1] for j in range(d)):
                    return _cx(vals, out, got, want, "the result's P is not column one-hot")
        if got.shape != want.shape or not (got == want).all():
            return _cx(vals, out, got, want, "gadget != algebra")
    return None


def _cx(vals, out, got, want, what):
    def js(a):
        a = np.asarray(a, dtype=object)
        if a.ndim:
            return [js(x) for x in a]
        f = Fraction(a[()])
        return int(f) if f.denominator == 1 else str(f)
    return {"what": what, "inputs": {k: js(v) for k, v in vals.items()},
            "circuit_outputs": {k: js(v) for k, v in out.items()},
            "circuit_matrix": js(got), "algebra": js(want), "rechecked_by": "exact evaluation (fractions)"}


def check_gadget(family: str, d: int, gadget: str, f2: int = 0, f1: int = 0) -> Verdict:
    """One gadget of one family, dimension d, operand forms f2 (later) and f1 (earlier): ``equal`` when the
    symbolic difference is 0 (on the column one-hot variety for PD), ``not_equal`` with a re-checked
    counterexample otherwise."""
    from circuits.symbolic import to_sympy

    c = gadget_circuit(family, d, gadget, f2, f1)
    ev = {"family": family, "d": d, "gadget": gadget, "forms": [f2, f1] if gadget == "compose" else [f2],
          "gates": c.size()}
    if gadget == "compose":
        outs = {name for name, _, _ in c.output_arrays()}
        want_form = expected_form(family, d, f2, f1)
        got_form = 0 if "out_A" in outs else (int(c.outputs["out_U"].shape[-1]) if "out_U" in outs else 0)
        ev["result_form"] = got_form
        if family == "dplr" and got_form != want_form:
            return Verdict("not_equal", "sympy", why=f"dplr compose of forms ({f2}, {f1}) at d = {d} gives form "
                           f"{got_form}, the scan expects {want_form}",
                           counterexample={"d": d, "forms": [f2, f1], "result_form": got_form,
                                           "expected_form": want_form}, evidence=ev)
    exprs = to_sympy(c)
    res, onehot, closure = _difference(family, d, gadget, f2, f1, exprs)
    items = res + closure
    verdicts = list(zip([w for w, _ in items], _zero_all([e for _, e in items], onehot)))
    bad = [what for what, ok in verdicts if ok is False]
    if not bad and any(ok is None for _, ok in verdicts):
        return Verdict("undecided", "sympy", why="the one-hot expansion exceeded its budget", evidence=ev)
    if not bad:
        return Verdict("equal", "sympy", evidence=ev)
    cx = _counterexample(c, family, d, gadget, f2, f1)
    ev["symbolic_failures"] = bad[:5]
    if cx is None:
        return Verdict("undecided", "sympy", why=f"symbolic residual ({bad[0]}) but no small witness found",
                       evidence=ev)
    cx.update({"family": family, "d": d, "gadget": gadget, "forms": ev["forms"]})
    return Verdict("not_equal", "sympy", why=f"{family} {gadget} at d = {d}, forms {ev['forms']}: {bad[0]}",
                   counterexample=cx, evidence=ev)


def dplr_form_pairs(d: int, max_rank: int = MAX_RANK) -> list[tuple[int, int]]:
    forms = [0] + list(range(1, min(max_rank, d) + 1))
    return list(itertools.product(forms, forms))


def _path(d, f2, f1) -> str:
    if f2 and f1:
        return "low-rank ∘ low-rank → low-rank" if expected_form("dplr", d, f2, f1) else \
            "low-rank ∘ low-rank → dense (2(ρ2+ρ1) ≥ d)"
    if f2 or f1:
        return "low-rank ∘ dense → dense"
    return "dense ∘ dense → dense"


def cases(family: str, dims) -> list[tuple[int, str, int, int]]:
    out = []
    for d in dims:
        if family == "dplr":
            forms = [0] + list(range(1, min(MAX_RANK, d) + 1))
            out += [(d, "compose", f2, f1) for f2, f1 in dplr_form_pairs(d)]
            out += [(d, "apply", f, 0) for f in forms]
        else:
            out += [(d, "compose", 0, 0), (d, "apply", 0, 0)]
    return out


#: DPLR compose cases that stay low rank with ranks above 1 (only possible from d = 7 on): (d, ρ2, ρ1)
LOWRANK_EXTRA = {True: ((7, 1, 2), (7, 2, 1)), False: ((7, 1, 2), (7, 2, 1), (9, 2, 2), (9, 1, 3), (9, 3, 1))}


def check_family(family: str, dims=range(1, 7), gadgets=("compose", "apply"), extra=()) -> Verdict:
    """Every case of one family for d in ``dims`` (DPLR: every pair of forms, ranks 1..3, plus the low-rank
    compose cases ``extra`` = (d, ρ2, ρ1)): ``equal`` with the scope as data, or the first ``not_equal``."""
    t0 = time.perf_counter()
    dims = list(dims)
    n = 0
    paths: dict = {}
    todo = cases(family, dims)
    if family == "dplr" and "compose" in gadgets:
        todo += [(d, "compose", f2, f1) for d, f2, f1 in extra]
    for d, gadget, f2, f1 in todo:
        if gadget not in gadgets:
            continue
        v = check_gadget(family, d, gadget, f2, f1)
        n += 1
        if v.status != "equal":
            v.evidence["cases_checked"] = n
            return v
        if family == "dplr":
            key = _path(d, f2, f1) if gadget == "compose" else ("apply, low rank" if f2 else "apply, dense")
            paths[key] = paths.get(key, 0) + 1
    scope = {"d": [min(dims), max(dims)], "gadgets": list(gadgets)}
    if family == "dplr":
        scope["rank"] = [1, MAX_RANK]
        scope["paths"] = paths
        if extra and "compose" in gadgets:
            scope["low-rank compose beyond d = 6 (d, ρ2, ρ1)"] = [list(e) for e in extra]
    if family == "pd":
        scope["P"] = "every column one-hot P1, P2 (exact expansion over the one-hot columns)"
    ev = {"family": family, "cases": n, "scope": scope, "seconds": round(time.perf_counter() - t0, 3),
          "compared_with": "(A2, b2) ∘ (A1, b1) = (A2 A1, A2 b1 + b2) on the represented matrices",
          "gadgets_built_by": "constructions.lrnn._compose / _apply (the functions the scan calls)"}
    return Verdict("equal", "sympy", evidence=ev)


# ---------------------------------------------------------------------------------------------------------
# negative controls: broken operators
def _swap_compose(op):
    orig = op.compose
    if op.__name__ == "_DPLR":
        return staticmethod(lambda c, A2, A1, d: orig(c, A1, A2, d))
    return staticmethod(lambda c, A2, A1: orig(c, A1, A2))


def _diag_compose_twice(op):
    return staticmethod(lambda c, A2, A1: {"a": c.mul(A2["a"], A2["a"])})


def _swap_apply(op):
    orig = op.apply
    return staticmethod(lambda c, A, x, plus: orig(c, A, plus, x))


#: family → {gadget: (description, patch factory)}
BREAKS = {
    "diagonal": {"compose": ("a2 ⊙ a2 (the later operand used twice)", _diag_compose_twice),
                 "apply": ("x and plus swapped: A·plus + x", _swap_apply)},
    "dense": {"compose": ("operands swapped: A1 A2", _swap_compose),
              "apply": ("x and plus swapped: A·plus + x", _swap_apply)},
    "pd": {"compose": ("operands swapped: (P1 D1)(P2 D2)", _swap_compose),
           "apply": ("x and plus swapped: A·plus + x", _swap_apply)},
    "dplr": {"compose": ("operands swapped: A1 A2", _swap_compose),
             "apply": ("x and plus swapped: A·plus + x", _swap_apply)},
}


def _operator(family):
    import constructions.lrnn as L
    return {"diagonal": L._Diagonal, "dense": L._Dense, "pd": L._PD, "dplr": L._DPLR}[family]


@contextlib.contextmanager
def broken_operator(family: str, gadget: str):
    """Temporarily replace one gadget of a family's operator by its broken variant (``BREAKS``)."""
    op = _operator(family)
    attr = gadget
    saved = op.__dict__[attr]
    setattr(op, attr, BREAKS[family][gadget][1](op))
    try:
        yield BREAKS[family][gadget][0]
    finally:
        setattr(op, attr, saved)


def negative_control(family: str, gadget: str, dims=range(1, 7)) -> Verdict:
    """The family's checker on a broken gadget: must be ``not_equal``."""
    with broken_operator(family, gadget) as what:
        v = check_family(family, dims, gadgets=(gadget,))
    v.evidence["broken"] = what
    if v.counterexample is not None:
        v.counterexample["broken"] = what
    return v
