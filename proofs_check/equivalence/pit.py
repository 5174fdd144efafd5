"""Engine 2: randomized polynomial identity testing modulo random large primes.

Each trial draws a fresh prime p uniformly from the primes in [2^61, 2^62) and a fresh point uniform in GF(p)^n,
and evaluates both circuits there (``Circuit.evaluate`` over ``("gf", p)``, batched per prime). If the two
circuits differ as polynomials over ℚ, one output's difference is d = F/M with F ∈ ℤ[x] nonzero, and a trial
misses it only if

* p divides every coefficient of F — F has a nonzero coefficient of absolute value ≤ 2^B, where B bounds the
  sum of the absolute values of F's coefficients, computed from the circuits (``circuits.evaluate.height_bits``:
  ‖f ± g‖₁ ≤ ‖f‖₁ + ‖g‖₁, ‖fg‖₁ ≤ ‖f‖₁‖g‖₁, constants a/b contribute |a| and b); such an integer has at most
  ⌊B/61⌋ prime divisors ≥ 2^61, out of at least N primes in the range (Rosser–Schoenfeld), so this happens with
  probability ≤ ⌊B/61⌋ / N;
* or F mod p is nonzero but vanishes at the random point: probability ≤ deg/p ≤ deg/2^61 (Schwartz 1980;
  Zippel 1979), deg the formal degree of the circuits.

So one trial misses with probability ε ≤ ⌊B/61⌋/N + deg/2^61, and t independent trials with ε^t. The engine runs
the fewest trials that bring ε^t to at most ``error_bound`` (default 2^−40) and answers ``equal`` only then;
when that needs more than ``max_trials`` trials, or ε ≥ 1, it still looks for a difference but answers
``undecided`` if it finds none. A prime that divides a constant's denominator is never drawn (the count N is
lowered accordingly). A difference found modulo p is a proof of inequality: equal rationals have equal residues.
"""
from __future__ import annotations

import math
import secrets
from fractions import Fraction

import numpy as np

from circuits import CircuitError
from circuits.evaluate import height_bits

from ..verdict import Verdict
from ._common import ARITH_OPS, _base_evidence, _compare, _confirm, _ops_in, _setup
from .primes import PRIME_BITS, large_prime_divisors_bound, primes_in_range_lower_bound, random_prime

DEFAULT_ERROR_BOUND = 2.0 ** -40
EXACT_CONFIRM_BITS = 200_000  # re-evaluate a counterexample exactly when values stay below about this many bits


def pit_error_per_trial(c1, c2, pairs=None, bits: int = PRIME_BITS) -> dict:
    """The per-trial miss probability ε and its two parts, for the output pairs compared (all by default)."""
    deg = max(c1.degree(), c2.degree())
    i1 = np.arange(c1.output_ids().size) if pairs is None else pairs.i1
    i2 = np.arange(c2.output_ids().size) if pairs is None else pairs.i2
    n1, m1 = height_bits(c1)
    n2, m2 = height_bits(c2)
    if i1.size:
        with np.errstate(invalid="ignore"):
            b = np.maximum(n1[i1] + m2[i2], n2[i2] + m1[i1]) + 1.0
        b = b[~np.isnan(b)]
        height = float(b.max()) if b.size else -math.inf
    else:
        height = -math.inf
    if math.isfinite(height):
        height = height * (1 + 1e-9) + 1.0  # slack for float64 logarithms
    dens = [Fraction(v).denominator for v in list(c1.constants) + list(c2.constants)]
    excluded = sum(large_prime_divisors_bound(math.log2(d), bits) for d in dens if d > 1)
    n_primes = primes_in_range_lower_bound(bits) - excluded
    divisors = large_prime_divisors_bound(height, bits)
    eps_prime = divisors / n_primes if n_primes > 0 else math.inf
    eps_point = deg / 2.0 ** (bits - 1)
    return {"degree": deg, "log2_coefficient_height": height, "primes_in_range_at_least": n_primes,
            "prime_divides_difference": eps_prime, "point_is_root": eps_point, "per_trial": eps_prime + eps_point,
            "denominators": sorted(set(d for d in dens if d > 1))[:20]}


def trials_needed(eps: float, error_bound: float) -> int | None:
    """Fewest t with eps^t ≤ error_bound (None when eps ≥ 1)."""
    if eps <= 0:
        return 1
    if eps >= 1 or not math.isfinite(eps):
        return None
    return max(1, math.ceil(math.log(error_bound) / math.log(eps) - 1e-12))


def check_pit(c1, c2, error_bound: float = DEFAULT_ERROR_BOUND, max_trials: int = 64, seed: int | None = None,
              search_trials: int = 8) -> Verdict:
    """Randomized polynomial identity test modulo random primes in [2^61, 2^62); see the module docstring.

    ``seed`` seeds the choice of primes and points (default: fresh entropy, recorded in the evidence so the run
    can be repeated). ``search_trials`` is how many trials to run looking for a difference when ``equal`` is out
    of reach anyway.
    """
    method = "pit"
    if not (0 < float(error_bound) < 1):
        raise CircuitError(f"check_pit: error_bound must be in (0, 1), got {error_bound!r}")
    max_trials = int(max_trials)
    if max_trials < 1:
        raise CircuitError("check_pit: max_trials must be >= 1")
    pairs, V = _setup(c1, c2, method)
    if V is None:
        return pairs
    for k, c in enumerate((c1, c2)):
        bad = _ops_in(c) - ARITH_OPS
        if bad:
            return Verdict("undecided", method, why=f"circuit {k + 1} uses {', '.join(sorted(bad))}; PIT handles "
                                                    f"arithmetic circuits (add/sub/mul/neg) only")
    if seed is None:
        seed = secrets.randbits(63)
    try:
        err = pit_error_per_trial(c1, c2, pairs)
    except CircuitError as e:
        return Verdict("undecided", method, why=str(e))
    eps = err["per_trial"]
    need = trials_needed(eps, error_bound)
    reachable = need is not None and need <= max_trials
    trials = need if reachable else min(max_trials, search_trials)
    ev = _base_evidence(V, pairs)
    ev.update(err)
    ev.update({"prime_bits": PRIME_BITS, "seed": seed, "error_bound_required": error_bound,
               "trials": trials, "max_trials": max_trials,
               "points": "one uniform point of GF(p)^n per trial, a fresh random prime p per trial"})
    rng = np.random.default_rng(seed)
    all_dens = [Fraction(v).denominator for v in list(c1.constants) + list(c2.constants)]
    primes = []
    for t in range(trials):
        p = random_prime(rng, avoid=[d for d in all_dens if d > 1])
        primes.append(p)
        X = rng.integers(0, p, size=(1, V.n), dtype=np.int64) if V.n else np.zeros((1, 0), np.int64)
        try:
            hit, o1, o2 = _compare(V, pairs, X, ("gf", p))
        except CircuitError as e:
            return Verdict("undecided", method, why=f"cannot evaluate modulo {p}: {e}", evidence=ev)
        if hit is not None:
            ev["primes"] = [str(q) for q in primes]
            return _refuted(V, pairs, X[0], p, t, int(o1[0, hit[1]]), int(o2[0, hit[1]]), err, ev)
    ev["primes"] = [str(q) for q in primes]
    bound = eps ** trials if eps > 0 else 0.0
    ev["bound"] = bound
    ev["log2_bound"] = (trials * math.log2(eps)) if 0 < eps < math.inf else (-math.inf if eps == 0 else math.inf)
    if reachable:
        return Verdict("equal", method, why=f"{trials} random prime{'s' if trials > 1 else ''} and point{'s' if trials > 1 else ''} agree; error probability <= "
                                            f"{bound:.3g} (<= {error_bound:.3g})", evidence=ev)
    if need is None:
        why = (f"per-trial miss probability {eps:.3g} >= 1 (degree {err['degree']}, coefficients up to "
               f"2^{err['log2_coefficient_height']:.4g}): no number of trials bounds the error")
    else:
        why = f"{need} trials needed to reach {error_bound:.3g} (> max_trials={max_trials})"
    return Verdict("undecided", method, why=f"{trials} trials agree, but {why}", evidence=ev)


def _refuted(V, pairs, row, p, t, v1, v2, err, ev) -> Verdict:
    """A difference modulo p at ``row``: confirm it (exactly when affordable) and return not_equal."""
    extra = {"first_mod_p": v1, "second_mod_p": v2, "p": str(p)}
    c1, c2 = V.circuits
    bits = err["degree"] * PRIME_BITS + max(0.0, err["log2_coefficient_height"])
    cone = int(c1.cone().size + c2.cone().size)
    if math.isfinite(bits) and bits <= EXACT_CONFIRM_BITS and cone <= 200_000:
        consts = list(c1.constants) + list(c2.constants)
        dom = "int" if all(isinstance(v, int) for v in consts) else "fraction"
        exact = np.empty(V.n, dtype=object)
        exact[:] = [int(v) for v in row.tolist()]
        ce = _confirm(V, pairs, exact, dom, extra)
        if ce is None:
            return Verdict("undecided", "pit", why="internal inconsistency: values differ modulo p but agree "
                                                   "exactly", evidence=ev)
    else:
        ce = _confirm(V, pairs, row, ("gf", p), extra)
        if ce is None:
            return Verdict("undecided", "pit", why="internal inconsistency: the difference modulo p did not "
                                                   "reproduce", evidence=ev)
        ce["note"] = (f"exact re-evaluation skipped (values of about {bits:.3g} bits); the values differ modulo "
                      f"p = {p}, hence also exactly")
    ev["differing_trial"] = t
    return Verdict("not_equal", "pit", why=f"output {ce['output']} differs at a random point modulo a random "
                                           f"prime (trial {t})", counterexample=ce, evidence=ev)
