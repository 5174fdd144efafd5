"""The built-in claims of the paper this library reproduces, with the checks behind them.

Registered by :func:`proofs_check.claims.run_claims` on first use (``load()``). Every check exercises the code
that builds the circuits (schedules, gadgets, built circuits) or, for the lemmas, states that it is algebra;
every finite check reports the range it ran as ``evidence["scope"]``; every claim has negative controls.
See the section "The claims" of ``docs/verification.md``.
"""
from __future__ import annotations

import numpy as np

from .claims import Check, CheckFn, Claim, register
from .verdict import Verdict

# ---------------------------------------------------------------------------------------------------------
# scan schedules


def _scan_nmax(quick: bool) -> int:
    return 64 if quick else 300


def _scan_check(quick: bool) -> Verdict:
    from constructions.scans import SCHEDULES

    from .scan_monoid import check_schedules
    return check_schedules(SCHEDULES, _scan_nmax(quick), structure=not quick)


def _scan_negative(name: str) -> CheckFn:
    def fn(quick: bool) -> Verdict:
        from .scan_monoid import check_schedules, swap_level
        v = check_schedules([name], 16, mutate=lambda s: swap_level(s, s.depth // 2) if s.depth else s,
                            structure=False)
        v.evidence["broken"] = "the middle level's operands swapped (later ↔ earlier)"
        return v
    return fn


# ---------------------------------------------------------------------------------------------------------
# LRNN circuits against the recurrence
_LRNN_N = {True: (1, 2, 5, 8, 13), False: (1, 2, 3, 5, 8, 13, 16, 31, 33, 64)}
_LRNN_D = {True: (1, 2, 3), False: (1, 2, 3, 4)}
# DPLR (d, rank): the low-rank compose (2(ρ2 + ρ1) < d) only happens from d = 5 on
_DPLR_DR = {True: ((1, 1), (2, 1), (3, 2), (5, 1)), False: ((1, 1), (2, 1), (3, 2), (4, 2), (5, 1), (6, 1), (6, 2))}


def _lrnn_check(quick: bool, break_compose: bool = False) -> Verdict:
    """Every family × schedule: the circuit equals the sequential recurrence on exact random rationals."""
    import constructions.lrnn as L
    from constructions.lrnn import FAMILIES, build_lrnn, recurrence
    from constructions.scans import SCHEDULES

    from .equivalence import matches

    grid_n = _LRNN_N[quick]
    orig = L._Dense.__dict__["compose"]
    if break_compose:  # negative control: operands of the non-commutative product swapped
        dense_compose = L._Dense.compose
        L._Dense.compose = staticmethod(lambda c, A2, A1: dense_compose(c, A1, A2))
    runs = 0
    last = None
    try:
        families = ["dense"] if break_compose else FAMILIES
        for family in families:
            drs = _DPLR_DR[quick] if family == "dplr" else [(d, 1) for d in _LRNN_D[quick]]
            for scan in SCHEDULES:
                for n in grid_n:
                    for d, r in drs:
                        final = scan == "reduce"
                        c = build_lrnn(family, n, d, scan=scan, rank=r, final_only=final)

                        def ref(v, family=family, final=final, n=n):
                            h = recurrence(family, v, v["h0"])
                            if final:  # the final-state circuit's outputs are h[n-1][i]
                                return {f"h[{n - 1}][{i}]": x for i, x in enumerate(h[-1])}
                            return {"h": h}

                        fixed = {"P": _onehot_P(n, d, runs)} if family == "pd" else None
                        v = matches(c, ref, seed=runs, domain="fraction", fixed=fixed)
                        runs += 1
                        last = v
                        if v.status != "equal":
                            v.evidence.update({"family": family, "scan": scan, "n": n, "d": d, "rank": r,
                                               "runs": runs})
                            return v
    finally:
        L._Dense.compose = orig
    scope = {"families": list(FAMILIES), "schedules": list(SCHEDULES), "n": list(grid_n),
             "d": [min(_LRNN_D[quick]), max(_LRNN_D[quick])],
             "dplr (d, rank)": [list(x) for x in _DPLR_DR[quick]],
             "pd P": "one random column one-hot P per circuit (fixed), other inputs random"}
    return Verdict("equal", "reference", evidence={
        "scope": scope, "circuits": runs, "error_bound_each": last.evidence.get("bound") if last else None,
        "what": "each circuit against the sequential recurrence by proofs_check.equivalence.matches: inputs "
                "uniform in [0, 2^62), Schwartz–Zippel error bound ≤ 2^-40 per circuit (PD: for the fixed P)"})


def _onehot_P(n: int, d: int, seed: int) -> np.ndarray:
    """A random column one-hot P for each of the n transitions (the PD family's representation)."""
    from constructions.common import random_onehot_columns
    return random_onehot_columns(np.random.default_rng(seed), n, d, dtype=object)


# ---------------------------------------------------------------------------------------------------------
# gadgets
def _gadget_check(family: str) -> CheckFn:
    def fn(quick: bool) -> Verdict:
        from .gadgets import LOWRANK_EXTRA, check_family
        return check_family(family, extra=LOWRANK_EXTRA[quick] if family == "dplr" else ())
    return fn


def _gadget_negative(family: str, gadget: str) -> CheckFn:
    def fn(quick: bool) -> Verdict:
        from .gadgets import negative_control
        return negative_control(family, gadget)
    return fn


def _gadget_checks(family: str) -> list[Check]:
    from .gadgets import BREAKS
    return [Check(f"{family} compose and apply gadgets of constructions.lrnn = affine composition (to_sympy)",
                  _gadget_check(family))] + [
        Check(f"negative control: {family} {g} broken ({BREAKS[family][g][0]})", _gadget_negative(family, g),
              "not_equal") for g in ("compose", "apply")]


# ---------------------------------------------------------------------------------------------------------
# closed forms and measured depth
def _formula_checks(ids: list[str]) -> CheckFn:
    from . import bounds

    def fn(quick: bool) -> Verdict:
        total = 0
        scopes = {}
        for i in ids:
            v = bounds.check_formula(i, quick=quick)
            if v.status != "equal":
                return v
            total += v.evidence.get("points", 0)
            scopes[i] = v.evidence["scope"]
        return Verdict("equal", "grid", evidence={"formulas": ids, "points": total, "quick": quick,
                                                  "scope": _merge_scopes(scopes)})
    return fn


def _merge_scopes(scopes: dict) -> dict:
    """One scope per distinct grid, naming the formulas that used it."""
    out: dict = {}
    for i, sc in scopes.items():
        kind = i.split(":")[0]
        out.setdefault(kind, {"grid": sc, "formulas": []})["formulas"].append(i.split(":", 1)[1])
    return out


def _gadget_cost_checks(families) -> CheckFn:
    from . import bounds

    def fn(quick: bool) -> Verdict:
        built = {}
        for f in families:
            v = bounds.check_gadget_costs(f)
            if v.status != "equal":
                return v
            built[f] = v.evidence["built"]
        return Verdict("equal", "count", evidence={
            "scope": {"d": [min(bounds.GADGET_DIMS), max(bounds.GADGET_DIMS)], "families": list(families)},
            "built": built, "compared": "lrnn_bounds.family_costs C_b, γ (apply) and C_A, α (compose)"})
    return fn


def _derivations(ids: list[str]) -> CheckFn:
    from . import bounds

    def fn(quick: bool) -> Verdict:
        ev = {}
        for i in ids:
            v = bounds.check_derivation(i)
            if v.status != "equal":
                return v
            ev[i] = {"rsolve": v.evidence["rsolve"], "recurrence": v.evidence["recurrence"],
                     "recurrence_source": v.evidence["recurrence_source"]}
        return Verdict("equal", "rsolve", evidence={"solutions": ev, "covers": "every k (n = 2^k), given the "
                                                    "recurrence; the recurrences are checked on built objects "
                                                    "separately"})
    return fn


def _recurrences(ids: list[str]) -> CheckFn:
    from . import bounds

    def fn(quick: bool) -> Verdict:
        kmax = 8 if quick else 12
        counted = {}
        for i in ids:
            km = min(kmax, 10) if i.startswith("dense") else kmax
            v = bounds.check_recurrence(i, kmax=km)
            if v.status != "equal":
                return v
            counted[i] = v.evidence["scope"]
        return Verdict("equal", "count", evidence={"scope": counted,
                                                   "what": "the recurrence's residual is 0 on the counts of the "
                                                           "built schedules / product circuits at each k"})
    return fn


_LOG_SCANS = ("sklansky", "kogge-stone", "brent-kung", "ladner-fischer", "han-carlson", "blelloch", "reduce")


def _measured_log(quick: bool) -> Verdict:
    """Θ(log n) read off built circuits: every family × logarithmic schedule, and the serial scan Θ(n)."""
    from constructions.lrnn import FAMILIES

    from . import bounds
    kmax = 7 if quick else 9
    fits = {}
    for family in FAMILIES:
        d, r = (5, 1) if family == "dplr" else (2, 1)
        for scan in _LOG_SCANS:
            v = bounds.check_measured_log_depth(family, scan, d, kmax, rank=r)
            if v.status != "equal":
                return v
            fits[f"{family}/{scan}"] = v.evidence["fit"]
        lin = bounds.check_measured_linear_depth(lambda n, family=family, d=d, r=r: _build_serial(family, n, d, r),
                                                 [2, 3, 5, 8, 16] if quick else [2, 3, 5, 8, 16, 33, 64],
                                                 f"{family}/serial")
        if lin.status != "equal":
            return lin
        fits[f"{family}/serial"] = f"{lin.evidence['step_depth']}·n"
    return Verdict("equal", "measured", evidence={
        "scope": {"n = 2^k, k": [1, kmax], "d": "2 (dplr: 5, rank 1)", "families": list(FAMILIES),
                  "schedules": list(_LOG_SCANS) + ["serial"]},
        "depth_fits": fits, "what": "measured depth = a·log2(n) + b exactly on the grid (k ≥ 3); serial: "
                                    "depth(n) = n × depth(1)"})


def _build_serial(family, n, d, r):
    from constructions.lrnn import build_lrnn
    return build_lrnn(family, n, d, scan="serial", rank=r)


def _rnn_linear(quick: bool, broken: bool = False) -> Verdict:
    """The unrolled RNN's depth and size are exactly n × one step's, measured on built chains."""
    from constructions.rnn import build_rnn

    ns = [2, 3, 5, 8, 16, 33, 64] if quick else [2, 3, 4, 5, 8, 13, 16, 33, 64, 100, 200]
    cfgs = [(1, 1, None, "relu"), (3, 2, None, "relu"), (2, 0, None, "step"), (2, 1, 4, "relu")]
    steps = {}
    for d, m, hidden, act in cfgs:
        if broken:
            def build(n, d=d, m=m):
                return _not_a_chain(n, d, m)
        else:
            def build(n, d=d, m=m, hidden=hidden, act=act):
                return build_rnn(n, d, m, act=act, hidden=hidden)
        v = _bounds_linear(build, ns, f"rnn d={d} m={m} hidden={hidden} {act}")
        if v.status != "equal":
            return v
        steps[f"d={d} m={m} hidden={hidden} {act}"] = {"step_depth": v.evidence["step_depth"],
                                                       "step_size": v.evidence["step_size"]}
    return Verdict("equal", "measured", evidence={
        "scope": {"n": ns, "(d, m, hidden, act)": [list(c) for c in cfgs]}, "steps": steps,
        "what": "depth(n) = n × depth(1) and size(n) = n × size(1) on every built chain: depth Θ(n)"})


def _bounds_linear(build, ns, label):
    from . import bounds
    return bounds.check_measured_linear_depth(build, ns, label)


def _not_a_chain(n, d, m):
    """Negative control: every step reads h0 instead of h[t-1] (no recurrence), built with rnn.py's layer."""
    from circuits import Circuit
    from constructions.rnn import _layer
    c = Circuit("mixed")
    W, U, bias = c.input("W", (d, d)), (c.input("U", (d, m)) if m else None), c.input("c", (d,))
    x = c.input("x", (n, m)) if m else None
    h0 = c.input("h0", (d,))
    c.output("h", np.stack([np.asarray(_layer(c, W, h0, U, None if x is None else x[t], bias, "relu"))
                            for t in range(n)]))
    return c


def _lemma(id: str, negative: bool = False) -> CheckFn:
    def fn(quick: bool) -> Verdict:
        from .algebra import ALL_LEMMAS, NEGATIVE_CONTROLS
        return (NEGATIVE_CONTROLS if negative else ALL_LEMMAS)[id]()
    return fn


def _fn(name: str) -> CheckFn:
    def fn(quick: bool) -> Verdict:
        from . import algebra
        return getattr(algebra.dplr, name)()
    return fn


def _bounds_neg(name: str) -> CheckFn:
    def fn(quick: bool) -> Verdict:
        from . import bounds
        return bounds.NEGATIVE_CONTROLS[name]()
    return fn


# ---------------------------------------------------------------------------------------------------------
def load() -> None:
    from constructions.lrnn_bounds import LOG_FAMILIES
    from constructions.scans import SCHEDULES

    register(Claim(
        "scan-prefixes", "prefix schedules of Thm 3's construction (Ladner & Fischer 1980; Sklansky; Kogge–Stone; "
        "Brent–Kung; Han–Carlson; Blelloch)",
        "For n ≤ 300 (quick: n ≤ 64), every prefix schedule computes exactly the prefixes x_0 ⋯ x_i in the free "
        "monoid, hence all prefixes of every associative (non-commutative) operation.",
        [Check("free monoid (symbols as runs of intervals), all schedules", _scan_check)]
        + [Check(f"negative control: {s} with its middle level's operands swapped", _scan_negative(s), "not_equal")
           for s in SCHEDULES]))
    register(Claim(
        "scan-formulas", "Sklansky 1960; Kogge & Stone 1973; Brent & Kung 1982; Harris 2003",
        "The schedules' sizes and depths equal their closed forms for n = 2^k ≤ 4096 (quick: ≤ 512); the "
        "textbook recurrences hold on the built schedules for n = 2^k ≤ 4096 (quick: ≤ 256) and rsolve solves "
        "them to the closed forms for every k.",
        [Check("textbook recurrences solved by rsolve (every k)", _derivations(
            ["sklansky-size", "sklansky-depth", "reduce-size", "reduce-depth", "brent-kung-size"]), kind="proof"),
         Check("the recurrences hold on the built schedules' counts", _recurrences(
             ["sklansky-size", "sklansky-depth", "reduce-size", "reduce-depth", "brent-kung-size"])),
         Check("closed forms vs built schedules", _formula_checks([f"schedule:{s}" for s in SCHEDULES])),
         Check("negative control: Sklansky size n·log₂n", _bounds_neg("derivation"), "not_equal")]))
    register(Claim(
        "lrnn-equals-recurrence", "Thm 3's construction (LRNN as a prefix-scan circuit), on a grid",
        "For n ≤ 64, d ≤ 4 (DPLR: d ≤ 6, rank ≤ 2; quick: n ≤ 13, d ≤ 3, DPLR d ≤ 5), the prefix-scan circuit of "
        "every family and schedule agrees with h_t = A_t h_{t-1} + b_t (randomized identity test, error ≤ 2^-40 "
        "per circuit; PD for one random column one-hot P per circuit).",
        [Check("circuits vs the sequential recurrence over Q", _lrnn_check),
         Check("negative control: dense composition with operands swapped", lambda q: _lrnn_check(q, True),
               "not_equal")]))
    register(Claim(
        "lrnn-gadgets", "Thm 3's construction: the combine of affine maps, as built for each family",
        "For d ≤ 6, the diagonal and dense compose gadgets compute A2·A1 and their apply gadgets A·x + plus, as "
        "polynomial identities in every parameter (PD and DPLR gadgets: claims pd-closure and dplr-rank).",
        _gadget_checks("diagonal") + _gadget_checks("dense")))
    register(Claim(
        "lrnn-depth-log", "Thm 3 (LRNNs in PNC¹: O(log n) depth), as built: closed forms vs measured circuits",
        "Measured on built circuits: with a logarithmic schedule the depth is exactly a·log₂ n + b for "
        "n = 2^k ≤ 512 (quick: ≤ 128; d = 2, DPLR d = 5), with the serial scan c·n; sizes and depths equal the "
        "closed forms of lrnn_bounds for n = 2^k ≤ 128 with d ≤ 5 and n ≤ 16 with d ∈ {7, 8} (quick: n ≤ 32, "
        "d ≤ 5; DPLR's dplr_cost for n ≤ 64, d ≤ 8, rank ≤ 3; iterated products of diagonal and dense for "
        "n ≤ 64); the per-combine constants equal the built gadgets' for d ≤ 8.",
        [Check("per-combine constants = built gadgets (d ≤ 8)", _gadget_cost_checks(LOG_FAMILIES)),
         Check("closed forms vs built state circuits", _formula_checks(
             [f"lrnn:{f}/{s}" for f in LOG_FAMILIES for s in SCHEDULES] + [f"dplr:{s}" for s in SCHEDULES])),
         Check("iterated products vs product_closed_form (diagonal, dense)", _formula_checks(
             [f"product:{f}/{s}" for f in ("diagonal", "dense") for s in SCHEDULES])),
         Check("growth measured on built circuits", _measured_log),
         Check("dense balanced product: rsolve (every k, given the recurrence)",
               _derivations(["dense-product-size", "dense-product-depth"]), kind="proof"),
         Check("dense product recurrence on built products", _recurrences(["dense-product-size",
                                                                           "dense-product-depth"])),
         Check("negative control: formula without the A-only-where-used saving", _bounds_neg("formula"),
               "not_equal"),
         Check("negative control: a serial scan is not logarithmic (measured)", _bounds_neg("measured-growth"),
               "not_equal"),
         Check("negative control: a dense compose two gates deeper (planted mutant)",
               _bounds_neg("deeper-compose"), "not_equal"),
         Check("negative control: PD compose depth α off by one in the cost table", _bounds_neg("gadget-costs"),
               "not_equal")]))
    register(Claim(
        "rnn-depth-linear", "the unrolled nonlinear RNN chain (the construction behind the 'nonlinear RNNs are "
        "sequential' discussion; not a bound of Prop 1 or a hardness result of Thms 1–2)",
        "For n ≤ 200 (quick: ≤ 64), the built chain h_t = σ(W h_{t-1} + U x_t + c) (also with an MLP step) has "
        "depth and size exactly n × those of one built step: depth Θ(n).",
        [Check("measured: depth(n) = n × step depth on built chains", _rnn_linear),
         Check("closed form of rnn.py vs built chains", _formula_checks(["rnn:chain"])),
         Check("negative control: steps that read h0 instead of h[t-1] (no chain)",
               lambda q: _rnn_linear(q, broken=True), "not_equal")]))
    register(Claim(
        "affine-assoc", "Thm 3 (proof: affine maps compose associatively)",
        "(A2, b2) ∘ (A1, b1) = (A2A1, A2b1 + b2) is associative and equals two steps of the recurrence, for "
        "every d (MatrixSymbol).",
        [Check("sympy, d = 1..3 and MatrixSymbol of symbolic size", _lemma("affine-assoc"), kind="proof"),
         Check("negative control: wrong composition", _lemma("affine-assoc", True), "not_equal")]))
    register(Claim(
        "pd-closure", "lemma used in Thm 7's proof (PD LRNNs in NC¹): closure of P·D under products; and the PD "
        "gadgets the circuits use",
        "For d ≤ 4, products of permutation × diagonal matrices are permutation × diagonal; for d ≤ 3 column "
        "one-hot × diagonal matrices compose as (P2 D2)(P1 D1) = (P2 P1) diag((P1ᵀ D2) ⊙ D1); for d ≤ 6 the "
        "PD compose gadget of constructions.lrnn computes this product (and a column one-hot P) for every "
        "column one-hot P1, P2, and the apply gadget P·diag(D)·x + plus.",
        [Check("sympy, all permutations", _lemma("pd-closure")),
         Check("the PD composition formula, all column one-hot P", _lemma("pd-operator")),
         Check("negative control: a non-permutation 0/1 factor", _lemma("pd-closure", True), "not_equal"),
         Check("negative control: D' = D2 ⊙ D1 without routing through P1", _lemma("pd-operator", True),
               "not_equal")] + _gadget_checks("pd")))
    register(Claim(
        "dplr-rank", "lemma behind the DPLR scan circuits (diagonal + low rank is closed under products, rank "
        "adds); not Thms 5–6, which are expressivity results",
        "For every d and r, (D1 + U1V1ᵀ)(D2 + U2V2ᵀ) = D1D2 + U'V'ᵀ with U', V' of width 2r (rank ≤ 2r; exactly "
        "2r on the random instances tried, d ≤ 6); for d ≤ 6 and ranks ≤ 3 the DPLR compose and apply gadgets "
        "of constructions.lrnn compute the product on every representation path (low rank while 2ρ < d, dense "
        "after, mixed), and the low-rank compose also for ranks (1, 2), (2, 1) at d = 7 and (2, 2), (1, 3), (3, 1) "
        "at d = 9 (quick: d = 7 only).",
        [Check("factorisation, MatrixSymbol (every d, r)", _fn("dplr_factorisation"), kind="proof"),
         Check("rank exactly 2r on random rational instances", _fn("dplr_generic_rank")),
         Check("negative control: the claim rank ≤ r", _lemma("dplr-rank", True), "not_equal")]
        + _gadget_checks("dplr")))
    register(Claim(
        "rational-addition", "App. A (rational arithmetic) — erratum",
        "a/b + c/d = (ad + bc)/(bd).",
        [Check("sympy identity", _lemma("rational-addition"), kind="proof"),
         Check("the printed denominator bc refuted (smallest counterexample)", _lemma("rational-addition", True),
               "not_equal")],
        erratum={"what": "the appendix prints the denominator of a/b + c/d as bc",
                 "fix": "the denominator is bd: a/b + c/d = (ad + bc)/(bd)"}))
    register(Claim(
        "rational-order", "lemma: finite orders in GL₂(Q) (used by the deltanet-router erratum)",
        "A rational 2×2 matrix of finite multiplicative order has order 1, 2, 3, 4 or 6.",
        [Check("cyclotomic degrees (φ(m) ≤ 2 ⇒ m ≤ 8, proved per prime power) and witnesses",
               _lemma("rational-order"), kind="proof"),
         Check("negative control: a claimed rational matrix of order 8", _lemma("rational-order", True),
               "not_equal")]))
    register(Claim(
        "deltanet-router", "Thm 5 (DeltaNet construction: the router lemma) — erratum",
        "The router cycles through 2m = 1,404 positions; a rational matrix of multiplicative order 1,404 exists "
        "(block companion of Φ₄·Φ₂₇·Φ₁₃, dimension 32), but no rational 2×2 one does.",
        [Check("finite orders of rational 2×2 matrices are 1, 2, 3, 4, 6", _lemma("rational-order"), kind="proof"),
         Check("a rational 32×32 matrix of order exactly 1,404", _lemma("deltanet-router"), kind="proof"),
         Check("negative control: the printed rational 2×2 matrix of order 1,404", _lemma("deltanet-router", True),
               "not_equal")],
        erratum={"what": "the DeltaNet construction of Thm 5 routes with a cycle of 2m = 1,404 positions generated "
                         "by a rational 2×2 matrix, but the finite multiplicative orders of rational 2×2 matrices "
                         "are only 1, 2, 3, 4 and 6 (a rotation by 2π/1404 has irrational entries: cos(2π/1404) "
                         "has degree 216 over Q)",
                 "fix": "generate the cycle with a matrix of order exactly 1,404 that is rational: e.g. the "
                        "1,404-cycle permutation matrix, or the 32×32 block companion matrix of Φ₄·Φ₂₇·Φ₁₃ "
                        "(order lcm(4, 27, 13) = 1,404; 32 = φ(4) + φ(27) + φ(13) is the least dimension), or "
                        "work over Q(cos 2π/1404)"}))
