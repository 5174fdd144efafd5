"""Engine 1: exact polynomial identity over Q (sympy sparse polynomials)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from circuits import CircuitError
from circuits.core import _ranges
from circuits.ops import OPS, WIDE

from ..verdict import Verdict
from ._common import ARITH_OPS, P31, _TooBig, _base_evidence, _compare, _confirm, _ops_in, _setup

def check_symbolic(c1, c2, max_gates: int = 5000, max_terms: int = 200_000, seed: int = 0) -> Verdict:
    """Exact polynomial identity over ℚ for arithmetic circuits.

    Both circuits are evaluated over sympy's sparse polynomial ring ``ℚ[inputs]`` (``sympy.polys.rings``), gate by
    gate in topological order over the output cones, memoised, freeing each polynomial after its last use. Two
    output elements are equal iff their polynomials are equal, i.e. the circuits agree on every rational input.
    ``undecided`` if the cones together exceed ``max_gates`` wires, a polynomial would exceed ``max_terms``
    terms, or a cone holds a non-arithmetic gate.
    """
    method = "sympy"
    pairs, V = _setup(c1, c2, method)
    if V is None:
        return pairs
    cones = [c1.cone(), c2.cone()]
    for k, (c, cone) in enumerate(zip((c1, c2), cones)):
        bad = _ops_in(c, cone) - ARITH_OPS
        if bad:
            return Verdict("undecided", method, why=f"circuit {k + 1} uses {', '.join(sorted(bad))}; "
                                                    f"the sympy engine handles add/sub/mul/neg only")
    total = int(cones[0].size + cones[1].size)
    ev = _base_evidence(V, pairs)
    ev.update({"cone_wires": total, "max_gates": max_gates, "max_terms": max_terms})
    if total > max_gates:
        return Verdict("undecided", method, why=f"output cones have {total} wires (> max_gates={max_gates}); "
                                                f"use check_pit", evidence=ev)
    import sympy as sp
    from sympy.polys.domains import QQ
    from sympy.polys.rings import PolyRing

    rel = V.relevant(cones)
    syms = [sp.Symbol(V.name(int(j))) for j in rel] or [sp.Symbol("_none")]
    R = PolyRing(syms, QQ)
    gen_of_col = {int(j): R.gens[i] for i, j in enumerate(rel)}
    try:
        polys = [_polys(c, R, V.col_of_wire(k), gen_of_col, cone, max_terms)
                 for k, (c, cone) in enumerate(zip((c1, c2), cones))]
    except _TooBig as e:
        return Verdict("undecided", method, why=f"polynomial too large: {e}; use check_pit", evidence=ev)
    w1 = c1.output_ids()[pairs.i1].tolist()
    w2 = c2.output_ids()[pairs.i2].tolist()
    diff_at = None
    for j, (a, b) in enumerate(zip(w1, w2)):
        if polys[0][a] != polys[1][b]:
            diff_at = j
            break
    if diff_at is None:
        return Verdict("equal", method, why="every output element is the same polynomial over QQ", evidence=ev)
    d = polys[0][w1[diff_at]] - polys[1][w2[diff_at]]
    deg = max((sum(m) for m in d.keys()), default=0)
    ev.update({"differing_output": pairs.name(diff_at), "difference_terms": len(d), "difference_degree": deg})
    ce = _symbolic_counterexample(V, pairs, rel, R, d, deg, seed)
    if ce is None:
        return Verdict("undecided", method, why=f"output {pairs.name(diff_at)} has different polynomials, but no "
                                                f"differing input point was found to confirm it", evidence=ev)
    return Verdict("not_equal", method, why=f"output {pairs.name(diff_at)} differs as a polynomial "
                                            f"(difference has {len(d)} terms, degree {deg})",
                   counterexample=ce, evidence=ev)


def _polys(c, R, col_of_wire, gen_of_col, cone, max_terms):
    """Polynomials of the output wires of ``c`` (dict wire -> PolyElement), non-recursive, memoised."""
    cols = c.columns()
    op = cols["op"]
    a0 = cols["arg0"]
    a1 = cols["arg1"]
    offsets, args = c.fanin_csr()
    cone_l = cone.tolist()
    idx = _ranges(offsets[cone], offsets[cone + 1] - offsets[cone])
    uses = np.bincount(args[idx].astype(np.int64), minlength=len(c)).astype(np.int64)
    outs = set(c.output_ids().tolist())
    for w in outs:
        uses[w] += 1 << 40  # never freed
    zero = R.zero
    ex: dict[int, object] = {}
    for g in cone_l:
        code = int(op[g])
        if code == 0:
            ex[g] = gen_of_col[int(col_of_wire[g])]
            continue
        if code == 1:
            v = Fraction(c.constants[int(a0[g])])
            ex[g] = R.ground_new(R.domain(v.numerator, v.denominator)) if v else zero
            continue
        name = OPS[code & ~WIDE].name
        x = ex[int(a0[g])]
        if name == "neg":
            r = -x
            used = (int(a0[g]),)
        else:
            y = ex[int(a1[g])]
            used = (int(a0[g]), int(a1[g]))
            if name == "add":
                r = x + y
            elif name == "sub":
                r = x - y
            elif name == "mul":
                if len(x) * len(y) > 20 * max_terms:
                    raise _TooBig(f"a product of {len(x)}×{len(y)} terms at wire {g}")
                r = x * y
            else:  # pragma: no cover - filtered by the caller
                raise CircuitError(f"sympy engine: unexpected op {name}")
        if len(r) > max_terms:
            raise _TooBig(f"{len(r)} terms at wire {g} (> max_terms={max_terms})")
        ex[g] = r
        for a in used:
            uses[a] -= 1
            if uses[a] <= 0:
                ex.pop(a, None)
    return ex


def _symbolic_counterexample(V, pairs, rel, R, d, deg, seed):
    """An input point where the difference polynomial ``d`` is nonzero, confirmed on the circuits."""
    rng = np.random.default_rng(seed)
    c1, c2 = V.circuits
    ngen = len(R.gens)
    if deg <= 4096:
        # points in [-N, N]^n with 2N+1 > 2·deg: each try hits a root with probability < 1/2 (Schwartz–Zippel)
        N = max(2, deg)
        for _ in range(64):
            pt = [int(v) for v in rng.integers(-N, N + 1, size=ngen)]
            if _poly_at(d, pt) != 0:
                row = np.empty(V.n, dtype=object)
                row[:] = 0
                for j, v in zip(rel.tolist(), pt):
                    row[j] = v
                return _confirm(V, pairs, row, "fraction")
        return None
    # huge degree: exact values would be enormous; find and confirm the difference in GF(p) instead
    return _gf_counterexample(V, pairs, P31, rng, tries=64)


def _poly_at(d, pt) -> Fraction:
    """Exact value of a sparse polynomial at an integer point (term by term; no intermediate rings)."""
    total = Fraction(0)
    for mon, coeff in d.items():
        t = Fraction(int(coeff.numerator), int(coeff.denominator))
        for i, e in enumerate(mon):
            if e:
                t *= pt[i] ** e
        total += t
    return total


def _gf_counterexample(V, pairs, p, rng, tries):
    X = np.zeros((tries, V.n), dtype=np.int64)
    X[:] = rng.integers(0, p, size=(tries, V.n), dtype=np.int64)
    hit, _, _ = _compare(V, pairs, X, ("gf", p))
    if hit is None:
        return None
    return _confirm(V, pairs, X[hit[0]], ("gf", p),
                    {"note": f"values differ modulo p = {p}, hence also as exact rationals"})


# ---------------------------------------------------------------------------------------------------------
# 2. randomized polynomial identity testing over GF(p)
