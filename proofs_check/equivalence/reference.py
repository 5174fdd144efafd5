"""A circuit against a Python reference function."""
from __future__ import annotations

import math
import secrets
from fractions import Fraction

import numpy as np

from circuits import CircuitError
from circuits.names import element_name

from ..verdict import Verdict
from ._common import ARITH_OPS, _domain_str, _py
from .pit import DEFAULT_ERROR_BOUND, trials_needed

SAMPLE_BITS = 62  # exact domains: inputs uniform in [0, 2^62)


def _default_sampler(domain):
    """(sampler, size of the set each input is drawn from uniformly, or None when no such set applies)."""
    if domain == "bool":
        return (lambda rng, name, shape: rng.integers(0, 2, size=shape).astype(bool)), None
    if domain in ("int", "fraction", "rational"):
        def big(rng, name, shape):
            return _objarr(shape, [int(v) for v in np.ravel(rng.integers(0, 2**SAMPLE_BITS, size=shape,
                                                                          dtype=np.int64))])
        return big, 2**SAMPLE_BITS
    if isinstance(domain, (tuple, list)) and str(domain[0]).lower() == "gf":
        p = int(domain[1])
        return (lambda rng, name, shape: rng.integers(0, p, size=shape, dtype=np.int64)), p
    if domain == "float":
        return (lambda rng, name, shape: rng.normal(size=shape)), None
    raise CircuitError(f"matches: no default input sampler for domain {domain!r}")


def _objarr(shape, flat) -> np.ndarray:
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(shape)


def _same(domain, got, want) -> bool:
    if domain == "bool":
        return bool(got) == bool(want)
    if isinstance(domain, (tuple, list)):
        return int(got) % int(domain[1]) == int(want) % int(domain[1])
    if domain == "float":
        g, w = float(got), float(want)
        return (math.isnan(g) and math.isnan(w)) or math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-12)
    try:
        return Fraction(got) == Fraction(want)
    except (TypeError, ValueError):
        return got == want


def matches(circuit, reference, trials: int | None = None, seed: int | None = None, domain="fraction",
            input_sampler=None, fixed: dict | None = None, error_bound: float = DEFAULT_ERROR_BOUND,
            reference_degree: int | None = None, max_trials: int = 64, max_exhaustive: int = 16) -> Verdict:
    """Compare ``circuit`` against a Python reference function.

    ``reference(values)`` receives ``{input array name: value}`` for ONE input point (a numpy array of the
    input's shape, or a Python scalar for shape ``()``) and returns ``{output array name: array or scalar}``.

    When it says ``equal``, and on what evidence:

    * ``domain="bool"`` with at most ``max_exhaustive`` input bits: every assignment is tried, so ``equal`` is
      exact (no sampler is used).
    * Arithmetic circuits (add/sub/mul/neg) over ``"fraction"``, ``"int"`` or ``("gf", p)``: inputs are drawn
      uniformly from S = [0, 2^62) (or GF(p)), where the Schwartz–Zippel lemma applies. If the reference computes
      a polynomial of degree ≤ D — D = ``reference_degree`` if given, else the circuit's own degree; the
      evidence records this assumption — a difference survives one trial with probability ≤ max(D, deg)/|S|.
      Trials run until that bound, raised to the number of trials, is at most ``error_bound`` (2^−40); only then
      is the answer ``equal``. Inputs named in ``fixed`` keep the given value in every trial; the bound then
      holds for that value.
    * Anything else — a custom ``input_sampler``, floats, activation gates, too few trials, too many boolean
      inputs — is a test without an error bound: agreement gives ``undecided`` (with the number of agreeing
      trials), never ``equal``. A disagreement is always ``not_equal``, confirmed by a fresh evaluation.
    """
    method = "reference"
    fixed = dict(fixed or {})
    arrays = circuit.input_arrays()
    names = {n for n, _, _ in arrays}
    unknown = sorted(set(fixed) - names)
    if unknown:
        raise CircuitError(f"matches: fixed input {unknown[0]!r} is not an input of the circuit")
    if seed is None:
        seed = secrets.randbits(63)
    rng = np.random.default_rng(seed)
    ev = {"seed": seed, "domain": _domain_str(domain)}
    # how the inputs are chosen, and what bound that gives
    sample_size = None
    exhaustive = False
    free_bits = sum(int(np.prod(s, dtype=np.int64)) for n, s, _ in arrays if n not in fixed)
    if domain == "bool" and input_sampler is None and free_bits <= max_exhaustive:
        exhaustive = True
        trials = 1 << free_bits
        ev.update({"inputs": f"all {trials} assignments of {free_bits} input bits"})
    elif input_sampler is not None:
        sampler = input_sampler
        ev["inputs"] = "custom sampler (no error bound)"
    else:
        sampler, sample_size = _default_sampler(domain)
        ev["inputs"] = (f"uniform in [0, 2^{SAMPLE_BITS})" if sample_size == 2**SAMPLE_BITS else
                        f"uniform in GF({sample_size})" if sample_size else "random (no error bound)")
    per = None
    if sample_size is not None:
        ops = set(circuit.count_ops()) - {"input", "const"}
        if ops <= {"add", "sub", "mul", "neg"}:
            deg = circuit.degree()
            D = max(deg, int(reference_degree)) if reference_degree is not None else deg
            per = D / sample_size
            ev.update({"degree": deg, "reference_degree": D,
                       "assumes": "the reference computes a polynomial of degree <= " + str(D) +
                                  ("" if reference_degree is not None else " (the circuit's degree)")})
        else:
            ev["inputs"] += f"; no error bound: the circuit uses {', '.join(sorted(ops - ARITH_OPS))}"
    if not exhaustive and trials is None:
        need = trials_needed(per, error_bound) if per is not None else None
        trials = need if need is not None and need <= max_trials else 20
    trials = int(trials)
    if trials < 1:
        raise CircuitError("matches: trials must be >= 1")
    ev["trials"] = trials
    if fixed:
        ev["fixed_inputs"] = sorted(fixed)
    samples = {}
    for k, (name, shape, _) in enumerate(arrays):
        if name in fixed:
            v = np.asarray(fixed[name], dtype=object)
            if v.shape != shape:
                raise CircuitError(f"matches: fixed input {name!r} has shape {v.shape}, the circuit's is {shape}")
            vals = [v] * trials
        elif exhaustive:
            size = int(np.prod(shape, dtype=np.int64))
            offset = sum(int(np.prod(s, dtype=np.int64)) for n, s, _ in arrays[:k] if n not in fixed)
            idx = np.arange(trials, dtype=np.int64)
            bits = ((idx[:, None] >> (offset + np.arange(size))) & 1).astype(bool)
            vals = [bits[t].reshape(shape) for t in range(trials)]
        else:
            vals = [np.asarray(sampler(rng, name, shape)) for _ in range(trials)]
        dtype = object if any(v.dtype == object for v in vals) else None
        if dtype is object:
            stacked = np.empty((trials,) + shape, dtype=object)
            for t, v in enumerate(vals):
                stacked[t] = v[()] if shape == () else v
        else:
            stacked = np.stack(vals)
        samples[name] = stacked
    res = circuit.evaluate(samples, domain=domain)
    got = {}  # output name -> (trials, elements) object matrix
    for name, shape, ids in circuit.output_arrays():
        g = np.asarray(res[name], dtype=object)
        got[name] = g.reshape(trials, ids.size) if arrays else np.broadcast_to(g.reshape(1, ids.size),
                                                                                (trials, ids.size))
    for t in range(trials):
        point = {name: _py(samples[name][t]) if shape == () else samples[name][t] for name, shape, _ in arrays}
        want = reference({k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in point.items()})
        if not isinstance(want, dict):
            raise CircuitError("matches: the reference must return a dict of output name -> value")
        for name, shape, ids in circuit.output_arrays():
            if name not in want:
                raise CircuitError(f"matches: the reference returned no value for output {name!r}")
            g = got[name][t]
            try:
                w = np.broadcast_to(np.asarray(want[name], dtype=object), shape)
            except ValueError:
                raise CircuitError(f"matches: reference output {name!r} has shape {np.shape(want[name])}, "
                                   f"the circuit's is {shape}") from None
            for j, (gv, wv) in enumerate(zip(g.tolist(), w.ravel().tolist())):
                if not _same(domain, gv, wv):
                    # confirm with a fresh un-batched evaluation of this one point
                    single = circuit.evaluate(point, domain=domain)
                    sv = np.asarray(single[name], dtype=object).reshape(-1)[j]
                    if _same(domain, sv, wv):  # pragma: no cover - batched and single evaluation disagree
                        return Verdict("undecided", method, why="internal inconsistency in evaluation", evidence=ev)
                    el = element_name(name, tuple(int(i) for i in np.unravel_index(j, shape))) if shape else name
                    ce = {"inputs": {k: _tolist(v) for k, v in point.items()}, "output": el,
                          "circuit": _py(sv), "reference": _py(wv), "trial": t}
                    ev["failed_trial"] = t
                    return Verdict("not_equal", method, why=f"output {el} differs from the reference (trial {t})",
                                   counterexample=ce, evidence=ev)
    if exhaustive:
        return Verdict("equal", method, why=f"agrees with the reference on all {trials} assignments", evidence=ev)
    if per is not None:
        bound = per ** trials
        ev.update({"per_trial_bound": per, "bound": bound})
        if bound <= error_bound:
            return Verdict("equal", method, why=f"agrees with the reference on {trials} random points; error "
                                                f"probability <= {bound:.3g} (Schwartz–Zippel)", evidence=ev)
        return Verdict("undecided", method, why=f"agrees on {trials} random points, but the error bound {bound:.3g} "
                                                f"is above {error_bound:.3g}", evidence=ev)
    return Verdict("undecided", method, why=f"agrees with the reference on {trials} trials, but these inputs give "
                                            f"no error bound ({ev['inputs']})", evidence=ev)


def _tolist(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    return _py(v)
