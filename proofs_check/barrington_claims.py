"""Claims about Barrington's construction and group word problems (:mod:`constructions.automata.barrington`,
:mod:`constructions.automata.groups`).

* ``barrington`` — random formulas of depth ≤ 5: the program built by ``build`` (before optimisation) and by
  ``compile_formula`` (after the peephole optimiser) has, on every assignment, the value TARGET when the
  formula is true and the identity when it is false; the PD-LRNN circuit of the optimised program (and, in full
  mode, of the unoptimised one), evaluated exactly, ends in ``TARGET_STATE`` or ``h0`` accordingly; the length
  before optimisation equals the documented recursion and is ≤ 4^depth; balanced ANDs of 2^k inputs have
  length 4^k.
* ``group-word-problem`` — every word of length ≤ 8 over the two generators of S₅ and random words of length
  1,000 (and, smaller, over Z₇, S₃, A₅): the PD-LRNN circuit's final state, decoded, equals the direct
  composition of the word; the circuit depth grows by a constant per doubling of n (O(log n)).

Each claim has negative controls: the same check run on a deliberately broken construction must fail.
Registered by ``load()``.
"""
from __future__ import annotations

import time

import numpy as np

from .claims import Check, Claim, register
from .verdict import Verdict

SEED = 20261201
_N_FORMULAS = {True: 30, False: 300}


def _formulas(quick: bool):
    from constructions.automata import barrington as B

    rng = np.random.default_rng(SEED)
    out = []
    for _ in range(_N_FORMULAS[quick]):
        nv = int(rng.integers(1, 7))
        out.append((B.random_formula(rng, 5, nv), nv))
    return out


def _barrington_check(quick: bool, mutant: str | None = None) -> Verdict:
    from constructions.automata import barrington as B

    t0 = time.perf_counter()
    target = np.array(B.TARGET)
    target_state = np.array(B.TARGET_STATE)
    depths: dict = {}
    assignments = circuits = 0
    lengths, opt_lengths = [], []
    for f, nv in _formulas(quick):
        text = B.to_text(f)
        X = B.assignments(nv)
        want = B.evaluate_formula(f, X)
        ins0 = B.build(f, _mutant=mutant)
        ins = B.optimize(ins0)
        L, rec, d = len(ins0), B.length_recursion(f), B.depth(f)
        if L != rec or L > 4 ** d:
            return Verdict("not_equal", "formula", why=f"{text}: length {L}, recursion {rec}, 4^depth {4 ** d}")
        for name, prog in (("program", ins0), ("optimised program", ins)):
            got = B.program_values(prog, X)
            exp = np.where(want[:, None], target[None, :], np.arange(5)[None, :])
            bad = np.flatnonzero((got != exp).any(axis=1))
            if bad.size:
                i = int(bad[0])
                return Verdict("not_equal", "reference", why=f"{name} of {text} disagrees with the formula",
                               counterexample={"formula": text, "assignment": X[i].astype(int).tolist(),
                                               "formula_value": bool(want[i]), "program_value": got[i].tolist()})
        for name, prog in (("optimised", ins),) + ((("unoptimised", ins0),) if not quick else ()):
            c = B.program_lrnn(prog)
            h = B.run_program_lrnn(c, prog, X)
            exp = np.where(want[:, None], target_state[None, :], np.arange(5)[None, :])
            bad = np.flatnonzero((h != exp).any(axis=1))
            circuits += 1
            if bad.size:
                i = int(bad[0])
                return Verdict("not_equal", "reference", why=f"PD-LRNN circuit of the {name} program of {text} "
                               "disagrees with the formula",
                               counterexample={"formula": text, "assignment": X[i].astype(int).tolist(),
                                               "formula_value": bool(want[i]), "final_state": h[i].tolist()})
        depths[d] = depths.get(d, 0) + 1
        assignments += len(X)
        lengths.append(L)
        opt_lengths.append(len(ins))
    ands = {}
    for k in range(0, 5 if quick else 6):
        L = len(B.build(B.balanced_and(k), _mutant=mutant))
        ands[2 ** k] = L
        if L != 4 ** k:
            return Verdict("not_equal", "formula", why=f"balanced AND of {2 ** k} inputs: length {L} ≠ 4^{k}")
    # depth against length: one more constant per ×4 of the length (balanced ANDs, optimised programs)
    and_depth = {}
    for k in range(1, 5 if quick else 6):
        prog = B.compile_formula(B.balanced_and(k))
        and_depth[len(prog)] = B.program_lrnn(prog).depth()
    ds = list(and_depth.values())
    steps = {b - a for a, b in zip(ds, ds[1:])}
    if len(steps) != 1:
        return Verdict("not_equal", "measured", why=f"PD-LRNN depth per ×4 of the length not constant: {and_depth}")
    n = _N_FORMULAS[quick]
    scope = {"formulas": n, "seed": SEED, "max depth": 5, "variables": [1, 6],
             "formulas by depth": {str(k): v for k, v in sorted(depths.items())},
             "assignments": "every assignment of each formula's variables (%d in all)" % assignments,
             "PD-LRNN circuits": "optimised programs" + ("" if quick else " and unoptimised programs")
             + ", final state by the balanced reduction, evaluated over int",
             "balanced AND inputs": [1, max(ands)]}
    return Verdict("equal", "reference", evidence={
        "scope": scope, "circuits_evaluated": circuits, "balanced_and_lengths": ands,
        "pd_lrnn_depth_by_length": {str(k): v for k, v in and_depth.items()}, "depth_per_x4_length": steps.pop(),
        "length_before_optimisation": {"mean": round(float(np.mean(lengths)), 1), "max": int(max(lengths))},
        "length_after_optimisation": {"mean": round(float(np.mean(opt_lengths)), 1), "max": int(max(opt_lengths))},
        "seconds": round(time.perf_counter() - t0, 2)})


def _word_check(quick: bool, mutant: str | None = None) -> Verdict:
    from constructions.automata import groups as G

    rng = np.random.default_rng(SEED)
    S5 = G.S5
    max_len = 6 if quick else 8
    words = 0
    for n in range(1, max_len + 1):
        c = G.word_lrnn(S5, n, final_only=True, _mutant=mutant)
        W = G.all_words(S5, n)
        got = G.run_word_lrnn(c, S5, W)
        for w, g in zip(W, got):
            if g != G.word_value(S5, w):
                return Verdict("not_equal", "reference", why=f"S5 word of length {n}",
                               counterexample={"word": w.tolist(), "circuit": list(g),
                                               "composition": list(G.word_value(S5, w))})
        words += len(W)
    n_rand, B = 1000, (4 if quick else 20)
    others = [] if quick else [G.cyclic(7), G.S3, G.A5]
    for grp in [S5] + others:
        c = G.word_lrnn(grp, n_rand, _mutant=mutant)
        W = np.stack([G.random_word(grp, n_rand, rng) for _ in range(B)])
        got = G.run_word_lrnn(c, grp, W)
        for w, g in zip(W, got):
            if g != G.word_value(grp, w):
                return Verdict("not_equal", "reference", why=f"{grp.name} random word of length {n_rand}",
                               counterexample={"word_prefix": w[:20].tolist(), "circuit": list(g),
                                               "composition": list(G.word_value(grp, w))})
    # depth against n: one more constant per doubling from n = 64 on (brent-kung, all prefixes)
    ns = [2 ** k for k in range(3, 10 if quick else 12)]
    dep = [G.word_lrnn(S5, n).depth() for n in ns]
    steps = {dep[i + 1] - dep[i] for i in range(3, len(ns) - 1)}
    if len(steps) != 1:
        return Verdict("not_equal", "measured", why=f"depth steps per doubling not constant: {dep} for n = {ns}")
    scope = {"S5 generators": list(S5.names), "every word of length": [1, max_len], "words": words,
             "random words of length 1000": {g.name: B for g in [S5] + others}, "seed": SEED,
             "depth measured at n": [ns[0], ns[-1]], "domain": "int"}
    return Verdict("equal", "reference", evidence={"scope": scope,
                                                   "depth_by_n": dict(zip(map(str, ns), dep)),
                                                   "depth_per_doubling": steps.pop()})


def load() -> None:
    register(Claim(
        "barrington",
        "Barrington 1989 (width-5 permutation programs over S₅); paper Thm 8 (PD-LRNNs are NC¹-hard)",
        "For 300 random formulas of depth ≤ 5 over ≤ 6 variables (seeded; quick: 30), on every assignment the "
        "width-5 program (before and after peephole optimisation) has the value (0 1 2 3 4) when the formula is "
        "true and the identity when false, and its PD-LRNN circuit (5×5 permutation-matrix transitions, a scan) "
        "ends in the target state exactly when the formula is true; the length before optimisation follows the "
        "documented recursion, is ≤ 4^depth, and is 4^k for a balanced AND of 2^k inputs (k ≤ 5; quick ≤ 4), "
        "whose PD-LRNN circuits' depth grows by one constant per ×4 of the length (O(log L)).",
        [Check("random formulas, every assignment, program and circuit", _barrington_check),
         Check("negative control: AND's commutator blocks in the wrong order ([τ, σ] = γ⁻¹)",
               lambda q: _barrington_check(q, "commutator-order"), "not_equal"),
         Check("negative control: AND's third block conjugated with τ instead of τ⁻¹",
               lambda q: _barrington_check(q, "conjugation"), "not_equal"),
         Check("negative control: XOR's last block with α₁ instead of α₂",
               lambda q: _barrington_check(q, "xor-conjugator"), "not_equal")]))
    register(Claim(
        "group-word-problem",
        "group automata as PD-LRNNs (paper §5, Thm 7–8: permutation-diagonal transitions)",
        "Every word of length ≤ 8 (quick: ≤ 6) over the S₅ generators (0 1 2 3 4) and (0 1), and 20 random words "
        "of length 1,000 over S₅, A₅, S₃ and Z₇ (quick: 4, S₅ only), through the token-mode PD-LRNN circuit, "
        "evaluated exactly, give the element that direct composition gives; the circuit depth grows by a "
        "constant per doubling of n for n = 64..2048 (quick: ..512).",
        [Check("all short S5 words, random long words, depth per doubling", _word_check),
         Check("negative control: transposed permutation matrices (the inverse convention)",
               lambda q: _word_check(q, "transpose"), "not_equal")]))
