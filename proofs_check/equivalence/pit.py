"""Engine 2: randomized polynomial identity testing over GF(p)."""
from __future__ import annotations

import math

import numpy as np

from circuits import CircuitError

from ..verdict import Verdict
from ._common import ARITH_OPS, P31, _base_evidence, _compare, _confirm, _ops_in, _setup

def _is_prime(p: int) -> bool:
    import sympy as sp
    return bool(sp.isprime(p))


def check_pit(c1, c2, trials: int = 10, p: int = P31, seed: int = 0) -> Verdict:
    """Randomized polynomial identity test over GF(p) (Schwartz 1980; Zippel 1979).

    Both circuits are evaluated, in one batched call each, at the same ``trials`` points drawn uniformly from
    GF(p)^n (numpy ``default_rng(seed)``). If the output polynomials differ, their difference is a nonzero
    polynomial of degree ≤ deg = max formal degree of the two circuits, which vanishes at a random point with
    probability ≤ deg/p; so ``equal`` is wrong with probability ≤ (deg/p)^trials — provided the difference is
    nonzero *modulo p* (a difference whose every coefficient is a multiple of p is invisible in GF(p)).
    A difference found in GF(p) is a proof of inequality (equal rationals have equal residues); it is
    re-evaluated exactly over the integers when the numbers stay small enough.
    """
    method = f"pit-gf({p})"
    if not isinstance(p, (int, np.integer)) or not (2 <= int(p) < 2**31) or not _is_prime(int(p)):
        raise CircuitError(f"check_pit: p must be a prime < 2**31, got {p!r}")
    p = int(p)
    trials = int(trials)
    if trials < 1:
        raise CircuitError("check_pit: trials must be >= 1")
    pairs, V = _setup(c1, c2, method)
    if V is None:
        return pairs
    for k, c in enumerate((c1, c2)):
        bad = _ops_in(c) - ARITH_OPS
        if bad:
            return Verdict("undecided", method, why=f"circuit {k + 1} uses {', '.join(sorted(bad))}; PIT handles "
                                                    f"arithmetic circuits (add/sub/mul/neg) only")
    try:
        deg = max(c1.degree(), c2.degree())
    except CircuitError as e:
        return Verdict("undecided", method, why=str(e))
    ev = _base_evidence(V, pairs)
    per = deg / p
    ev.update({"p": p, "trials": trials, "seed": seed, "degree": deg, "per_trial_bound": per,
               "bound": per ** trials,
               "log10_bound": (trials * math.log10(per)) if deg > 0 else None,
               "points": "uniform in GF(p)^n from numpy.random.default_rng(seed)",
               "assumes": "the difference polynomial is nonzero modulo p (not every coefficient divisible by p)"})
    if deg >= p:
        return Verdict("undecided", method, why=f"degree {deg} >= p = {p}: the Schwartz–Zippel bound is vacuous",
                       evidence=ev)
    rng = np.random.default_rng(seed)
    X = rng.integers(0, p, size=(trials, V.n), dtype=np.int64)
    try:
        hit, o1, o2 = _compare(V, pairs, X, ("gf", p))
    except CircuitError as e:
        return Verdict("undecided", method, why=f"cannot evaluate over GF({p}): {e}", evidence=ev)
    if hit is None:
        return Verdict("equal", method,
                       why=f"{trials} random points in GF({p}) agree; error probability <= ({deg}/{p})^{trials}",
                       evidence=ev)
    t, j = hit
    ev["differing_trial"] = t
    row = X[t]
    gf1, gf2 = int(o1[t, j]), int(o2[t, j])
    extra = {"first_mod_p": gf1, "second_mod_p": gf2, "p": p}
    bits = deg * 31 + 64
    if bits <= 2_000_000:
        consts = list(c1.constants) + list(c2.constants)
        dom = "int" if all(isinstance(v, int) for v in consts) else "fraction"
        exact = np.empty(V.n, dtype=object)
        exact[:] = [int(v) for v in row.tolist()]
        ce = _confirm(V, pairs, exact, dom, extra)
        if ce is None:
            return Verdict("undecided", method, why="internal inconsistency: values differ in GF(p) but agree "
                                                    "exactly", evidence=ev)
    else:
        ce = _confirm(V, pairs, row, ("gf", p), extra)
        if ce is None:
            return Verdict("undecided", method, why="internal inconsistency: the GF(p) difference did not reproduce",
                           evidence=ev)
        ce["note"] = f"exact re-evaluation skipped (about {bits} bits); values differ modulo p, hence exactly"
    return Verdict("not_equal", method, why=f"output {ce['output']} differs at a random point (trial {t})",
                   counterexample=ce, evidence=ev)
