"""Symbolic view of small circuits: output → sympy expression.

Only the cone of the outputs is visited, once per wire, in topological (id) order; results are memoised in a
dict, so shared subcircuits are built once and there is no recursion. Input elements become sympy symbols
named after the element (``A[0][1]``). Boolean gates use sympy's logic (``And``, ``Or``, ``Xor``, ``Not``),
threshold gates become ``Piecewise((1, Σ wᵢxᵢ ≥ θ), (0, True))``, relu ``Max(0, x)`` and step
``Piecewise((1, x ≥ 0), (0, True))``.
"""
from __future__ import annotations

import numpy as np

from .core import extension
from .errors import CircuitError
from .names import element_names
from .ops import WIDE


def _boolean(c) -> bool:
    return c.basis in ("boolean", "threshold")


@extension("to_sympy")
def to_sympy(c, flat: bool = False, max_gates: int = 200_000, symbols: dict | None = None):
    """Output name → sympy expression (an object array of expressions for array outputs).

    ``flat=True`` returns element name → expression instead. ``symbols`` may map input element names to sympy
    expressions to substitute for the default symbols.
    """
    import sympy as sp

    cone = c.cone()
    if cone.size > max_gates:
        raise CircuitError(f"to_sympy: the output cone has {cone.size} wires (> max_gates={max_gates}); "
                           f"use randomized checks for circuits this large")
    boolean = _boolean(c)
    sym = {}
    for name, wid in c.input_elements():
        sym[wid] = (symbols or {}).get(name) or sp.Symbol(name)
    cols = c.columns()
    consts = c.constants
    op = cols["op"]
    a0 = cols["arg0"]
    a1 = cols["arg1"]
    ex: dict[int, object] = {}
    for g in cone.tolist():
        code = int(op[g])
        base = code & ~WIDE
        if base == 0:
            e = sym[g]
        elif base == 1:
            v = consts[int(a0[g])]
            e = (sp.true if v else sp.false) if boolean else sp.Rational(v.numerator, v.denominator) \
                if hasattr(v, "denominator") else sp.Integer(v)
        elif code & WIDE:
            args = [ex[x] for x in c.args_of(g)]
            if base == 10:
                w, th = c.threshold_params(g)
                s = sp.Add(*[wi * (_as_int(x) if boolean else x) for wi, x in zip(w, args)])
                cond = s >= th
                e = cond if boolean else sp.Piecewise((1, cond), (0, True))
            else:
                e = _logic(sp, base, args, boolean)
        else:
            x = ex[int(a0[g])]
            y = ex[int(a1[g])] if base in (2, 3, 4, 6, 7, 8) else None
            if base == 2:
                e = x + y
            elif base == 3:
                e = x - y
            elif base == 4:
                e = x * y
            elif base == 5:
                e = -x
            elif base in (6, 7, 8):
                e = _logic(sp, base, [x, y], boolean)
            elif base == 9:
                e = sp.Not(x) if boolean else 1 - x
            elif base == 11:
                e = sp.Max(0, x)
            elif base == 12:
                e = sp.Piecewise((1, x >= 0), (0, True))
            elif base == 13:
                e = 1 / (1 + sp.exp(-x))
            elif base == 14:
                e = sp.tanh(x)
            elif base == 15:
                e = sp.exp(x)
            elif base == 16:
                e = 1 / x
            else:  # pragma: no cover - every op code is handled above
                raise CircuitError(f"to_sympy: unhandled op code {code}")
        ex[g] = e
    if flat:
        out = {}
        for name, shape, ids in c.output_arrays():
            for en, wid in zip(element_names(name, shape), ids.ravel().tolist()):
                out[en] = ex[wid]
        return out
    out = {}
    for name, shape, ids in c.output_arrays():
        if shape == ():
            out[name] = ex[int(ids)]
        else:
            arr = np.empty(ids.size, dtype=object)
            arr[:] = [ex[w] for w in ids.ravel().tolist()]
            out[name] = arr.reshape(shape)
    return out


def _as_int(x):
    import sympy as sp
    return sp.Piecewise((1, x), (0, True)) if isinstance(x, sp.logic.boolalg.Boolean) else x


def _logic(sp, base, args, boolean):
    if boolean:
        return {6: sp.And, 7: sp.Or, 8: sp.Xor}[base](*args)
    # over numbers (mixed basis): 0/1 polynomials
    if base == 6:
        return sp.Mul(*args)
    if base == 7:
        return 1 - sp.Mul(*[1 - a for a in args])
    r = args[0]
    for a in args[1:]:
        r = r + a - 2 * r * a
    return r
