"""Depth and size of transformer circuits against n: built, or from a checked closed form.

With ``narrow=False`` the circuit's structure depends on p, d and the weights only (see :mod:`.build`). Its
threshold depth is then one number for every n ≥ 2, and its size an exact polynomial in n: quadratic for
``max_method="bits"`` (the scores of the n² pairs, a chain of O(W) gates per pair, a thermometer per position
with fan-in O(n)), cubic for ``"pairs"`` (n³ comparisons). :func:`closed_form` fits that polynomial exactly (in
rationals) through the first deg+1 sizes, and **checks** it, and the constant depth, on further built sizes;
it is a formula checked on a finite range, and says so. The boolean (fan-in 2) version from
``threshold_to_boolean`` has depth Θ(log n) (each gate of fan-in n becomes a tree of depth O(log n)); above
the build cap its figures are a least-squares **fit** (depth = a + b·log₂ n, size a polynomial), labelled so.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from circuits import CircuitError

from .build import build_circuit
from .spec import quantize, random_spec

__all__ = ["model", "measure", "closed_form", "transformer_stats", "BASES", "poly_eval"]

BASES = ("threshold", "boolean")
_DEGREE = {"bits": 2, "pairs": 3}


def model(n: int, d: int = 1, precision: int = 4, frac: int = 1, layers: int = 1, heads: int = 1,
          causal: bool = False, seed: int = 0):
    """The random model used for depth and size figures (nonzero weights, vocabulary of 4 tokens)."""
    return quantize(random_spec(n, d, layers=layers, heads=heads, causal=causal, precision=precision, frac=frac,
                                seed=seed), precision, frac)


def measure(n: int, basis: str = "threshold", max_method: str = "bits", **kw) -> dict:
    """Build the circuit at n (``narrow=False``) and return its size and depth."""
    if basis not in BASES:
        raise CircuitError(f"transformer: basis must be one of {', '.join(BASES)}, not {basis!r}")
    c = build_circuit(model(n, **kw), max_method=max_method, narrow=False)
    if basis == "boolean":
        from ..threshold.to_boolean import threshold_to_boolean
        c = threshold_to_boolean(c)
    return {"n": n, "size": int(c.size()), "depth": int(c.depth()), "max_fanin": int(c.max_fanin())}


def _solve(points: list[tuple[int, int]]) -> list[Fraction]:
    """Exact coefficients (constant first) of the polynomial through the points (Lagrange, in rationals)."""
    k = len(points)
    A = [[Fraction(x) ** j for j in range(k)] + [Fraction(y)] for x, y in points]
    for col in range(k):  # Gauss–Jordan on a Vandermonde system with distinct nodes
        piv = next(r for r in range(col, k) if A[r][col] != 0)
        A[col], A[piv] = A[piv], A[col]
        A[col] = [v / A[col][col] for v in A[col]]
        for r in range(k):
            if r != col and A[r][col] != 0:
                f = A[r][col]
                A[r] = [a - f * b for a, b in zip(A[r], A[col])]
    return [A[r][k] for r in range(k)]


def poly_eval(coef, n: int) -> int:
    v = sum(c * Fraction(n) ** j for j, c in enumerate(coef))
    if v.denominator != 1:
        raise CircuitError(f"transformer closed form: non-integer size {v} at n = {n}")
    return int(v)


def closed_form(max_method: str = "bits", check_at=(6, 8, 12), **kw) -> dict:
    """Size polynomial and constant depth of the threshold circuit, fitted at n = 2..deg+2 and checked at
    ``check_at`` (built). Raises if a check fails."""
    deg = _DEGREE[max_method]
    fit_at = list(range(2, deg + 3))
    pts = {n: measure(n, "threshold", max_method, **kw) for n in fit_at + [m for m in check_at if m not in fit_at]}
    coef = _solve([(n, pts[n]["size"]) for n in fit_at])
    depth = pts[fit_at[0]]["depth"]
    for n in check_at:
        if poly_eval(coef, n) != pts[n]["size"] or pts[n]["depth"] != depth:
            raise CircuitError(f"transformer closed form fails at n = {n}: built size {pts[n]['size']}, depth "
                               f"{pts[n]['depth']}; formula {poly_eval(coef, n)}, depth {depth}")
    return {"size_coefficients": [str(c) for c in coef], "coef": coef, "depth": depth, "fitted_at": fit_at,
            "checked_at": list(check_at), "max_method": max_method}


def _fit_log(points) -> tuple[float, float]:
    xs = np.array([math.log2(n) for n, _ in points])
    ys = np.array([v for _, v in points], dtype=float)
    b, a = np.polyfit(xs, ys, 1)
    return float(a), float(b)


def transformer_stats(n: int, d: int = 1, precision: int = 4, frac: int = 1, layers: int = 1, heads: int = 1,
                      causal: bool = False, basis: str = "threshold", max_method: str = "bits",
                      max_gates: int = 2_000_000, seed: int = 0, _cache: dict | None = None) -> dict:
    """Size and depth at n: built while the closed-form size is under ``max_gates``; above, the checked closed
    form (threshold) or a fit over built sizes (boolean). ``how`` says which."""
    if not isinstance(n, int) or n < 1:
        raise CircuitError(f"transformer: n must be a positive integer, got {n!r}")
    kw = dict(d=d, precision=precision, frac=frac, layers=layers, heads=heads, causal=causal, seed=seed)
    key = (max_method, tuple(sorted(kw.items())))
    cache = _cache if _cache is not None else _CACHE
    if key not in cache:
        cache[key] = closed_form(max_method, **kw)
    cf = cache[key]
    predicted = poly_eval(cf["coef"], n) if n >= 2 else None
    out = {"model": "transformer", "n": n, "basis": basis, **kw, "max_method": max_method}
    if basis == "threshold":
        if predicted is None or predicted <= max_gates:
            m = measure(n, "threshold", max_method, **kw)
            out.update(size=m["size"], depth=m["depth"], how="built")
        else:
            out.update(size=predicted, depth=cf["depth"], how=f"closed form (checked at n = {cf['fitted_at'] + cf['checked_at']})")
        return out
    if basis != "boolean":
        raise CircuitError(f"transformer: basis must be one of {', '.join(BASES)}, not {basis!r}")
    cap = max_gates // 8  # the boolean circuit is several times the threshold one
    if predicted is None or predicted <= cap:
        m = measure(n, "boolean", max_method, **kw)
        out.update(size=m["size"], depth=m["depth"], how="built")
        return out
    bkey = ("boolean",) + key
    if bkey not in cache:
        ns, k = [], 2
        while len(ns) < 4 or poly_eval(cf["coef"], k) <= cap:
            if poly_eval(cf["coef"], k) > 4 * cap and len(ns) >= 3:
                break
            ns.append(k)
            k *= 2
        cache[bkey] = [measure(m, "boolean", max_method, **kw) for m in ns]
    pts = cache[bkey]
    a, b = _fit_log([(p["n"], p["depth"]) for p in pts])
    deg = _DEGREE[max_method]
    coef = np.polyfit([p["n"] for p in pts], [p["size"] for p in pts], min(deg, len(pts) - 1))
    out.update(size=int(round(float(np.polyval(coef, n)))), depth=int(round(a + b * math.log2(n))),
               how=f"fit over built n = {[p['n'] for p in pts]} (depth ≈ {a:.1f} + {b:.2f}·log₂ n)")
    return out


_CACHE: dict = {}
