"""Engine 1: exact polynomial identity over Q (sympy sparse polynomials)."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from circuits import CircuitError
from circuits._graph import ranges as _ranges
from circuits.ops import OPS, WIDE

from ..verdict import Verdict
from circuits.evaluate import height_bits

from ._common import ARITH_OPS, _TooBig, _base_evidence, _confirm, _ops_in, _setup
from .pit import EXACT_CONFIRM_BITS
from .primes import random_prime


def check_symbolic(c1, c2, max_gates: int = 5000, max_terms: int = 200_000, seed: int = 0) -> Verdict:
    """Exact polynomial identity over ℚ for arithmetic circuits.

    Both circuits are evaluated over sympy's sparse polynomial ring ``ℚ[inputs]`` (``sympy.polys.rings``), gate by
    gate in topological order over the output cones, memoised, freeing each polynomial after its last use. Two
    output elements are equal iff their polynomials are equal, i.e. the circuits agree on every rational input.
    ``undecided`` if the cones together exceed ``max_gates`` wires or a polynomial would exceed ``max_terms``
    terms (``evidence["engine_limit"]``: a resource limit, so another engine may try), or a cone holds a
    non-arithmetic gate. When two polynomials differ the answer is ``not_equal``, with an integer point found by
    :func:`integer_witness` and confirmed on the circuits (exactly, or modulo random large primes when the exact
    values would be huge).
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
        ev["engine_limit"] = True
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
        ev["engine_limit"] = True
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


def _candidates(limit: int):
    """0, 1, −1, 2, −2, … (``limit`` values): small integers first, so exact values stay small."""
    yield 0
    k = 1
    n = 1
    while n < limit:
        yield k
        n += 1
        if n < limit:
            yield -k
            n += 1
        k += 1


def integer_witness(d, max_candidates: int = 100_000):
    """An integer point where the nonzero sparse polynomial ``d`` (a sympy ``PolyElement``) is nonzero.

    Variable by variable: substitute the first of 0, 1, −1, 2, … that leaves the polynomial nonzero. One exists
    among any deg+1 values — write d = Σ_j c_j·x^j with c_D ≠ 0 as a polynomial in x over the field of fractions
    of the other variables; d(a) = 0 at no more than D values a. So the search ends within deg_x(d)+1 candidates
    per variable, and the final constant is d at that point, nonzero. Returns (point, value), or None if a
    variable would need more than ``max_candidates`` candidates.
    """
    cur = d
    point = []
    for x in d.ring.gens:
        if cur.degree(x) <= 0:
            point.append(0)
            continue
        limit = min(max_candidates, cur.degree(x) + 1)
        for a in _candidates(limit):
            nxt = cur.subs(x, a)
            if nxt:
                cur = nxt
                point.append(a)
                break
        else:
            return None
    value = cur.LC if cur else 0
    return point, value


def _symbolic_counterexample(V, pairs, rel, R, d, deg, seed):
    """An input point where the circuits differ, found from the difference polynomial ``d`` (nonzero)."""
    found = integer_witness(d)
    if found is None:
        return None
    pt, value = found
    row = np.empty(V.n, dtype=object)
    row[:] = 0
    for j, v in zip(rel.tolist(), pt):
        row[j] = v
    extra = {"difference_at_point": str(value)}
    c1, c2 = V.circuits
    # exact values at the point have at most about deg·log2(max|a|) + (coefficient bits) bits
    big = max((abs(v) for v in pt), default=0)
    bits = deg * math.log2(big) if big > 1 else 0.0
    try:
        hb = [height_bits(c)[0] for c in (c1, c2)]
        bits += max(float(np.max(h)) if h.size else 0.0 for h in hb)
    except CircuitError:
        bits = math.inf
    if math.isfinite(bits) and bits <= EXACT_CONFIRM_BITS:
        consts = list(c1.constants) + list(c2.constants)
        dom = "int" if all(isinstance(v, int) for v in consts) else "fraction"
        return _confirm(V, pairs, row, dom, extra)
    # too large to evaluate exactly: the circuits' values differ modulo some prime not dividing d(point)
    rng = np.random.default_rng(seed)
    num = Fraction(int(value.numerator), int(value.denominator)) if hasattr(value, "numerator") else Fraction(value)
    dens = [Fraction(v).denominator for v in list(c1.constants) + list(c2.constants)]
    for _ in range(20):
        p = random_prime(rng, avoid=[num.numerator] + [q for q in dens if q > 1])
        ce = _confirm(V, pairs, np.array([int(v) % p for v in row.tolist()], dtype=np.int64), ("gf", p), extra)
        if ce is not None:
            ce["inputs"] = V.assignment(row.tolist())
            ce["note"] = (f"exact evaluation skipped (values of about {bits:.3g} bits); the values differ modulo "
                          f"p = {p}, hence also exactly")
            return ce
    return None
