"""Claims about transformers as threshold circuits (:mod:`constructions.transformer`).

* ``transformer-exact`` — the threshold circuit computes the fixed-point average-hard-attention transformer of
  :mod:`constructions.transformer.spec` exactly: its outputs equal the plain-Python reference, bit for bit, on
  random token sequences over a grid of n, d, p, masking, layers and heads.
* ``transformer-tc0`` — a fixed-precision average-hard-attention transformer layer is a constant-depth
  threshold circuit (Merrill & Sabharwal 2023; Chiang 2025): the built circuits have one depth for every n
  built, their size is the checked quadratic closed form, and the fan-in-2 boolean version's depth grows.

Negative controls: a circuit built from a spec with one weight changed must disagree with the reference; the
same constant-depth check must reject the boolean (fan-in 2) circuits, whose depth grows with n.
"""
from __future__ import annotations

import math
import random

from .claims import Check, Claim, register
from .verdict import Verdict

#: (n values, d, p, causal, layers, heads) of the reference grid; quick keeps the first rows
_GRID_QUICK = [((1, 2, 3, 5), 1, 4, False, 1, 1), ((1, 2, 4), 1, 4, True, 1, 1), ((3,), 2, 4, True, 2, 2)]
_GRID_FULL = [((1, 2, 3, 5, 8, 16), 1, 4, False, 1, 1), ((1, 2, 4, 7, 16), 1, 8, True, 1, 1),
              ((3, 6), 2, 8, False, 2, 2), ((3, 5), 2, 4, True, 2, 2), ((16,), 2, 4, False, 1, 1),
              ((5,), 4, 8, True, 1, 1), ((32,), 1, 4, False, 1, 1)]
_FLAT_N = {True: (8, 16), False: (8, 64, 512)}
_CHECK_AT = {True: (6,), False: (6, 8, 12)}


def reference_mismatch(fs, circuit, sequences):
    """The first sequence on which the circuit's raw outputs differ from the reference's, or None."""
    from constructions.transformer import reference, run_circuit_batch
    got = run_circuit_batch(fs, circuit, sequences)
    for seq, g in zip(sequences, got):
        want = reference(fs, seq)
        want = [[row[k] for k in fs.spec.readout] for row in want]
        if g != want:
            return {"tokens": list(seq), "circuit": g, "expected": want}
    return None


def _perturbed(fs):
    """The same quantised model with the first query weight of the first head plus one (raw)."""
    import dataclasses
    L = fs.layers[0]
    h = L.heads[0]
    wq = h.wq.copy()
    wq[0, 0] = int(wq[0, 0]) + 1
    heads = (dataclasses.replace(h, wq=wq),) + L.heads[1:]
    return dataclasses.replace(fs, layers=(dataclasses.replace(L, heads=heads),) + fs.layers[1:])


def _exact_check(quick: bool, broken: bool = False) -> Verdict:
    from constructions.transformer import build_circuit, quantize, random_spec
    grid = _GRID_QUICK if quick else _GRID_FULL
    rng = random.Random(0)
    runs = 0
    for ns, d, p, causal, layers, heads in grid:
        F = 2 if p >= 8 else 1
        for n in ns:
            fs = quantize(random_spec(n, d, layers=layers, heads=heads, causal=causal, precision=p, frac=F,
                                      seed=n), p, F)
            c = build_circuit(_perturbed(fs) if broken else fs)
            seqs = [[rng.randrange(4) for _ in range(n)] for _ in range(16)]
            bad = reference_mismatch(fs, c, seqs)
            runs += len(seqs)
            if bad:
                return Verdict("not_equal", "reference", why=f"n={n} d={d} p={p} causal={causal}: circuit ≠ reference",
                               counterexample=bad)
    scope = {"grid": [{"n": list(ns), "d": d, "p": p, "causal": causal, "layers": L, "heads": H}
                      for ns, d, p, causal, L, H in grid], "random_sequences": runs}
    return Verdict("equal", "reference", evidence={"scope": scope, "sequences": runs})


def flat_depth(depths: dict) -> bool:
    return len(set(depths.values())) == 1


def _tc0_check(quick: bool, boolean: bool = False) -> Verdict:
    from constructions.transformer.forms import closed_form, measure, poly_eval
    if boolean:  # the negative control: the same check on the fan-in-2 circuits
        depths = {n: measure(n, "boolean")["depth"] for n in (2, 4)}
        if flat_depth(depths):
            return Verdict("equal", "built", evidence={"depths": depths, "scope": {"n": [2, 4]}})
        return Verdict("not_equal", "built", why="the boolean circuit's depth depends on n",
                       counterexample={"depths": depths})
    ns = _FLAT_N[quick]
    out = {}
    for causal in (False, True):
        cf = closed_form(causal=causal, check_at=_CHECK_AT[quick])
        built = {n: measure(n, causal=causal) for n in (ns if not causal else ns[:2])}
        depths = {n: m["depth"] for n, m in built.items()}
        if not flat_depth(depths) or any(dd != cf["depth"] for dd in depths.values()):
            return Verdict("not_equal", "built", why=f"depth depends on n (causal={causal})",
                           counterexample={"depths": depths})
        for n, m in built.items():
            if m["size"] != poly_eval(cf["coef"], n):
                return Verdict("not_equal", "formula", why=f"size at n={n}: {m['size']} ≠ closed form "
                               f"{poly_eval(cf['coef'], n)}")
        a, b = max(built), min(built)
        exponent = math.log(built[a]["size"] / built[b]["size"]) / math.log(a / b)
        out["causal" if causal else "non_causal"] = {
            "depth": cf["depth"], "depths_built": depths, "sizes_built": {n: m["size"] for n, m in built.items()},
            "size_polynomial": cf["size_coefficients"], "closed_form_checked_at": cf["checked_at"],
            "size_at_4096": poly_eval(cf["coef"], 4096), "fitted_exponent": round(exponent, 3)}
    return Verdict("equal", "built", evidence={**out, "model": "d=1, p=4, F=1, 1 layer, 1 head, random nonzero "
                                               "weights, max_method=bits, narrow=False",
                                               "scope": {"n": list(ns)}})


def load() -> None:
    register(Claim(
        "transformer-exact",
        "average-hard attention (Merrill, Sabharwal & Smith 2022; Chiang 2025) at fixed precision",
        "The threshold circuit of a p-bit fixed-point transformer (embeddings, Q/K/V/O maps, exact scores, "
        "average-hard attention with or without causal masking, residuals, ReLU MLP, several heads and layers) "
        "outputs exactly the reference's raw values on random token sequences, over the grid in the scope.",
        [Check("circuit vs the exact reference on random tokens", _exact_check),
         Check("negative control: one query weight changed by one unit", lambda q: _exact_check(q, True),
               "not_equal")]))
    register(Claim(
        "transformer-tc0",
        "Merrill & Sabharwal 2023 (log-precision transformers are in uniform TC⁰); Chiang 2025 (average-hard "
        "attention transformers in TC⁰)",
        "A fixed-precision average-hard-attention transformer layer is a constant-depth threshold circuit: the "
        "built circuits (d = 1, p = 4) have the same depth at n = 8, 64 and 512 (quick: 8, 16; causal: 8, 64), "
        "and their size is the quadratic closed form checked on built sizes; its value at n = 4096 follows.",
        [Check("depth over n, size against the checked closed form", _tc0_check),
         Check("negative control: the fan-in-2 boolean circuits (depth grows with n)",
               lambda q: _tc0_check(q, True), "not_equal")]))
