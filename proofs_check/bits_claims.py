"""Claims about the bit-level arithmetic of ``constructions/bits`` (issue 9).

* ``bits-adders`` — every adder (ripple and a prefix adder per scan schedule, both styles) computes
  ``a + b + cin`` with its carry-out: exhaustively for p ≤ 4 (quick: p ≤ 3), on random operands at p = 16, 64;
  the comparators agree with integer comparison (signed and unsigned), and ripple-carry has size 5p − 3 and
  depth 2p − 1 over {and, or, xor}.
* ``bits-multipliers`` — array, Wallace and Dadda multipliers give the full and truncated product,
  exhaustively for p ≤ 4 (quick: p ≤ 3) and at random for p = 12 (quick: skipped); Dadda uses
  p² − 4p + 3 full and p − 1 half adders.

Each claim has a negative control: the same check run on a deliberately broken construction (one carry
combine made to drop the earlier generate; one full adder's carry replaced by its sum) must come out
``not_equal``.
"""
from __future__ import annotations

import itertools

import numpy as np

from circuits import Circuit

from .claims import Check, Claim, register
from .verdict import Verdict


def _ints(rows, signed=False):
    rows = np.asarray(rows, dtype=bool)
    p = rows.shape[-1]
    out = [sum(1 << i for i, b in enumerate(r) if b) for r in rows.tolist()]
    return [v - (1 << p) if signed and v >> (p - 1) else v for v in out]


def _operands(p, exhaustive, seed=0, n=200):
    if exhaustive:
        X = np.array(list(itertools.product([0, 1], repeat=2 * p + 1)), dtype=bool)
        return X[:, :p], X[:, p:2 * p], X[:, 2 * p]
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 2, (n, p)).astype(bool), rng.integers(0, 2, (n, p)).astype(bool),
            rng.integers(0, 2, n).astype(bool))


def _broken_add(c, a, b, adder, cin=None, **kw):
    """A prefix adder whose scan combine forgets the earlier operand's generate on one level."""
    from constructions.bits import adders
    from constructions import scans
    real_run = scans.run

    def run(sched, leaves, combine):
        calls = [0]

        def bad(later, earlier):
            calls[0] += 1
            if calls[0] == len(sched.levels):  # last level: H = g (drops T ∧ H')
                earlier = earlier.copy()
                earlier[..., 0] = int(c.const(0))
            return combine(later, earlier)
        return real_run(sched, leaves, bad)

    adders.scans.run = run
    try:
        return adders.add(c, a, b, adder, cin=cin, **kw)
    finally:
        adders.scans.run = real_run


def check_adders(quick: bool, broken: bool = False) -> Verdict:
    from constructions import bits
    from constructions.bits import forms
    small = range(1, 4 if quick else 5)
    cases = 0
    for p in list(small) + [16, 64]:
        ex = p in small
        A, B, C = _operands(p, ex, seed=p)
        for adder in bits.ADDERS:
            for style in (bits.STYLES if adder != "ripple" else ("ling",)):
                c = Circuit("boolean")
                a, b, ci = c.input("a", (p,)), c.input("b", (p,)), c.input("ci")
                kw = {} if adder == "ripple" else {"style": style}
                if broken and adder != "ripple" and p > 2:
                    s, co = _broken_add(c, a, b, adder, cin=ci, **kw)
                else:
                    s, co = bits.add(c, a, b, adder, cin=ci, **kw)
                c.output("s", s)
                c.output("c", co)
                out = c.evaluate({"a": A, "b": B, "ci": C}, "bool")
                got = [v + (int(k) << p) for v, k in zip(_ints(out["s"]), out["c"])]
                want = [x + y + int(z) for x, y, z in zip(_ints(A), _ints(B), C)]
                cases += len(want)
                if got != want:
                    k = next(i for i, (u, v) in enumerate(zip(got, want)) if u != v)
                    return Verdict("not_equal", "reference", why=f"{adder} ({style}) p={p}",
                                   counterexample={"a": _ints(A)[k], "b": _ints(B)[k], "cin": int(C[k]),
                                                   "got": got[k], "want": want[k]})
        if ex:
            for op, sg in itertools.product(bits.COMPARISONS, (False, True)):
                c = Circuit("boolean")
                a, b = c.input("a", (p,)), c.input("b", (p,))
                c.output("y", bits.compare(c, a, b, op, sg))
                y = c.evaluate({"a": A, "b": B}, "bool")["y"].tolist()
                want = [eval(f"x {op} z") for x, z in zip(_ints(A, sg), _ints(B, sg))]  # noqa: S307
                if y != want:
                    return Verdict("not_equal", "reference", why=f"compare {op} signed={sg} p={p}")
        r = bits.adder_circuit(p, "ripple")
        if (r.size(), r.depth()) != (forms.ripple_size(p), forms.ripple_depth(p)):
            return Verdict("not_equal", "reference", why=f"ripple p={p}: size/depth {r.size()}/{r.depth()}")
    return Verdict("equal", "reference", evidence={
        "scope": {"p_exhaustive": [1, max(small)], "p_random": [16, 64], "adders": list(bits.ADDERS),
                  "styles": list(bits.STYLES)}, "cases": cases})


def _broken_fa(c, G, bits_, top, cnt=None):
    from constructions.bits import multipliers
    s, cy = multipliers._real_fa(c, G, bits_, top, cnt)
    return s, (None if cy is None else s)


def check_multipliers(quick: bool, broken: bool = False) -> Verdict:
    from constructions import bits
    from constructions.bits import forms, multipliers
    small = range(1, 4 if quick else 5)
    sizes = list(small) + ([] if quick else [12])
    if broken:
        multipliers._real_fa = multipliers._fa
        multipliers._fa = _broken_fa
    try:
        for p in sizes:
            ex = p in small
            A, B, _ = _operands(p, ex, seed=p)
            for m in bits.MULTIPLIERS:
                for width in bits.WIDTHS:
                    st = {}
                    c = bits.multiplier_circuit(p, m, "sklansky", width, stats=st)
                    M = 1 << (2 * p if width == "full" else p)
                    got = _ints(c.evaluate({"a": A, "b": B}, "bool")["p"])
                    want = [(x * y) % M for x, y in zip(_ints(A), _ints(B))]
                    if got != want:
                        k = next(i for i, (u, v) in enumerate(zip(got, want)) if u != v)
                        return Verdict("not_equal", "reference", why=f"{m} {width} p={p}",
                                       counterexample={"a": _ints(A)[k], "b": _ints(B)[k], "got": got[k],
                                                       "want": want[k]})
                    if m == "dadda" and width == "full" and (st["fa"], st["ha"]) != (forms.dadda_fa(p),
                                                                                    forms.dadda_ha(p)):
                        return Verdict("not_equal", "reference", why=f"dadda p={p}: {st}")
    finally:
        if broken:
            multipliers._fa = multipliers._real_fa
    return Verdict("equal", "reference", evidence={
        "scope": {"p_exhaustive": [1, max(small)], "p_random": sizes[len(small):],
                  "multipliers": list(bits.MULTIPLIERS), "widths": list(bits.WIDTHS)}})


def load() -> None:
    register(Claim(
        "bits-adders", "issue 9: bit-level adders and comparators",
        "Ripple-carry and every prefix adder (one per scan schedule, Ling and textbook styles) compute a + b + cin "
        "with its carry-out; comparators (<, <=, >, >=, ==, !=, signed and unsigned) agree with integer "
        "comparison; ripple-carry has size 5p − 3 and depth 2p − 1.",
        [Check("adders and comparators against integer arithmetic", check_adders, kind="finite"),
         Check("negative control: a prefix adder whose last combine level drops the earlier generate",
               lambda q: check_adders(q, broken=True), "not_equal")]))
    register(Claim(
        "bits-multipliers", "issue 9: array, Wallace and Dadda multipliers",
        "Array, Wallace and Dadda multipliers give the full 2p-bit and the truncated p-bit product; Dadda's "
        "reduction uses p² − 4p + 3 full and p − 1 half adders (p ≥ 3).",
        [Check("multipliers against integer multiplication", check_multipliers, kind="finite"),
         Check("negative control: a reduction whose full adders output their sum as carry",
               lambda q: check_multipliers(q, broken=True), "not_equal")]))
