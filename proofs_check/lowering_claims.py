"""Claims about lowering arithmetic circuits to bits (``constructions.lowering``, issue 9).

* ``lowering`` (checked) — ``lower`` of dense and diagonal LRNNs (d = 2, every scan) at p = 8 equals the
  arithmetic circuit evaluated in the same number system (``circuits.numbers``) on random inputs, for ``wrap``
  and ``fixed:3``, boolean and threshold; a SAT miter proves two lowerings of one small LRNN with different
  adders and multipliers equal on every input; ``lowered_depth`` equals the built lowering's depth. Negative
  control: a lowering whose adder block drops its carries must disagree.
* ``cor5-exact-rationals`` (open) — the paper's Cor 5 for exact rationals.
"""
from __future__ import annotations

import numpy as np

from .claims import Check, Claim, register
from .verdict import Verdict

P = 8


def _inputs(c, rng, batch, number):
    vals = {n: rng.integers(-(2 ** (P - 1)), 2 ** (P - 1), size=(batch,) + tuple(s)) for n, s, _ in c.input_arrays()}
    return vals if number == "wrap" else {n: v / 32 for n, v in vals.items()}


def _compare(c, L, vals, number, what):
    from circuits.numbers import number_domain
    from constructions.lowering import decode_outputs, encode_inputs
    ref = c.evaluate(vals, domain=number_domain(P, number))
    got = decode_outputs(c, L.evaluate(encode_inputs(c, vals, P, number), domain="bool"), P)
    for k in ref:
        r = np.asarray(ref[k], dtype=object)
        if not np.array_equal(r, got[k]):
            bad = np.argwhere(r != got[k])[0]
            return Verdict("not_equal", "reference", why=f"{what}: output {k}{list(bad[1:])}",
                           counterexample={"case": what, "output": k, "arithmetic": int(r[tuple(bad)]),
                                           "lowered": int(got[k][tuple(bad)])})
    return None


def check_lowering(quick: bool, broken: bool = False) -> Verdict:
    import constructions.lowering as lw
    from constructions.models import build, make_spec
    from constructions.scans import SCHEDULES
    rng = np.random.default_rng(2026)
    n = 8 if quick else 16
    scans = ("sklansky",) if quick else SCHEDULES
    real_add = lw._BooleanBlocks.add
    if broken:
        lw._BooleanBlocks.add = lambda self, x, y: np.asarray(self.c.xor(x, y), dtype=np.int64)
    runs = 0
    try:
        for family in (("dense",) if quick else ("dense", "diagonal")):
            for scan in scans:
                c = build(make_spec(family, n, 2, scan=scan))
                combos = [("boolean", "wrap")]
                if scan in ("sklansky", "brent-kung"):
                    combos += [("boolean", "fixed:3"), ("threshold", "wrap")]
                for basis, number in combos:
                    L = lw.lower(c, basis, P, number)
                    bad = _compare(c, L, _inputs(c, rng, 16, number), number, f"{family}/{scan}/{basis}/{number}")
                    if bad is not None:
                        return bad
                    runs += 1
    finally:
        lw._BooleanBlocks.add = real_add
    return Verdict("equal", "reference", evidence={
        "scope": {"families": ["dense"] if quick else ["dense", "diagonal"], "d": 2, "n": n, "scans": list(scans), "p": P,
                  "numbers": ["wrap", "fixed:3 (sklansky, brent-kung)"],
                  "bases": ["boolean", "threshold (sklansky, brent-kung)"],
                  "random inputs per circuit": 16},
        "circuits": runs,
        "what": "lowered circuit evaluated on the input bits vs the arithmetic circuit in the number domain"})


def check_sat_miter(quick: bool) -> Verdict:
    """Two lowerings of one small LRNN (ripple + array against Kogge–Stone + Dadda) are equal on every input."""
    from constructions.lowering import lower
    from constructions.models import build, make_spec
    from proofs_check.equivalence import check_equivalent
    c = build(make_spec("diagonal", 2, 1, scan="sklansky"))
    p = 4
    a = lower(c, "boolean", p, "wrap", adder="ripple", multiplier="array")
    b = lower(c, "boolean", p, "wrap", adder="kogge-stone", multiplier="dadda")
    v = check_equivalent(a, b, method="sat")
    ev = dict(v.evidence or {})
    ev["scope"] = {"circuit": "diagonal LRNN n = 2, d = 1", "p": p, "inputs (bits)": int(a.input_ids().size),
                   "lowerings": ["ripple + array", "kogge-stone + dadda"]}
    return Verdict(v.status, v.method, why=v.why, counterexample=v.counterexample, evidence=ev)


def check_sat_miter_negative(quick: bool) -> Verdict:
    """The miter must find the difference when one lowering is taken at another precision's wrap-around."""
    from constructions.lowering import lower
    from constructions.models import build, make_spec
    from proofs_check.equivalence import check_equivalent
    c = build(make_spec("diagonal", 2, 1, scan="sklansky"))
    a = lower(c, "boolean", 4, "wrap", adder="ripple", multiplier="array")
    b = lower(c, "boolean", 4, "fixed:1", adder="ripple", multiplier="array")
    return check_equivalent(a, b, method="sat")


def check_depth_model(quick: bool) -> Verdict:
    from constructions.bits import aig_stats
    from constructions.lowering import lower, lowered_depth
    from constructions.models import build, make_spec
    cases = [("dense", 8, 2, "brent-kung", "sklansky")]
    if not quick:
        cases += [("diagonal", 16, 2, "kogge-stone", "ripple"), ("dense", 16, 3, "sklansky", "han-carlson"), ("dense", 8, 2, "serial", "brent-kung")]
    for fam, n, d, scan, adder in cases:
        c = build(make_spec(fam, n, d, scan=scan))
        L = lower(c, "boolean", P, "wrap", adder=adder)
        want = {"depth": L.depth(), "aig_levels": aig_stats(L)["levels"]}
        got = lowered_depth(c, "boolean", P, "wrap", adder=adder)
        if got != want:
            return Verdict("not_equal", "reference", why=f"{fam} n={n} d={d} {scan}/{adder}",
                           counterexample={"built": want, "model": got})
    return Verdict("equal", "reference", evidence={"scope": {"cases": [list(x) for x in cases], "p": P}})


def load() -> None:
    register(Claim(
        "lowering", "issue 9: LRNN arithmetic at fixed precision as boolean and threshold circuits",
        "lower() of dense and diagonal LRNNs (d = 2, n = 16, every scan; quick: dense, n = 8, Sklansky) at p = 8 "
        "computes exactly the arithmetic circuit in the same number system (wrap; fixed:3 and the threshold "
        "basis on the Sklansky and Brent–Kung scans); two lowerings with different adders and multipliers are equal on every input "
        "(SAT, one small case); lowered_depth gives the built lowering's depth.",
        [Check("lowered vs arithmetic in the number domain, random inputs", check_lowering, kind="finite"),
         Check("SAT miter: ripple + array vs Kogge–Stone + Dadda lowering (diagonal n = 2, d = 1, p = 4)",
               check_sat_miter, kind="finite"),
         Check("lowered_depth against built lowerings", check_depth_model, kind="finite"),
         Check("negative control: adder blocks without carries", lambda q: check_lowering(q, broken=True),
               "not_equal"),
         Check("negative control: miter of a wrap and a fixed:1 lowering", check_sat_miter_negative,
               "not_equal")]))
    register(Claim(
        "cor5-exact-rationals", "Cor 5 (LRNNs over exact rationals in log depth at the bit level)",
        "An LRNN over exact rationals, lowered to bits, has boolean depth O(log n · log* n).",
        [], why_open="not built: exact rational arithmetic needs iterated multiplication and division of "
                     "growing-size numbers in log depth (Jung 1985, Beame–Cook–Hoover); constructions.lowering "
                     "covers fixed precision only (wrap and fixed-point), where the depth table of "
                     "docs/lowering.md shows the overhead"))
