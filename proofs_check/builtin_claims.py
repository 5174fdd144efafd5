"""The built-in claims of the paper this library reproduces, with the checks behind them.

Registered by :func:`proofs_check.claims.run_claims` on first use (``load()``).
"""
from __future__ import annotations

import numpy as np

from .claims import Check, Claim, CheckFn, register
from .verdict import Verdict

# ---------------------------------------------------------------------------------------------------------
# the built-in claims


def _scan_check(quick: bool, swap_level: bool = False) -> Verdict:
    """All prefixes of 2×2 matrix products mod p, for every schedule and n = 1..N."""
    from constructions.scans import SCHEDULES, Schedule, run, schedule

    p = 1_000_003
    rng = np.random.default_rng(7)
    N = 40 if quick else 300

    def combine(later, earlier):
        return np.einsum("kij,kjl->kil", later, earlier) % p

    checked = 0
    for name in SCHEDULES:
        for n in range(1, N + 1):
            s = schedule(name, n)
            if swap_level and s.depth:
                lv = list(s.levels)
                L = len(lv) // 2
                lv[L] = np.ascontiguousarray(lv[L][:, ::-1])
                s = Schedule(s.name, s.n, tuple(lv), s.prefix, s.final_only)
            X = rng.integers(0, p, (n, 2, 2))
            got = run(s, X, combine)
            acc, want = None, []
            for t in range(n):
                acc = X[t] if acc is None else (X[t] @ acc) % p
                want.append(acc)
            want = np.array(want)[-1:] if s.final_only else np.array(want)
            checked += 1
            if not np.array_equal(got, want):
                bad = int(np.flatnonzero((got != want).reshape(len(got), -1).any(axis=1))[0])
                return Verdict("not_equal", "reference", why=f"{name}, n = {n}: prefix {bad} wrong",
                               counterexample={"schedule": name, "n": n, "prefix": bad},
                               evidence={"schedules_checked": checked})
    return Verdict("equal", "reference", evidence={"schedules": list(SCHEDULES), "n_max": N, "operator":
                                                    "2x2 matrix product mod 1000003", "runs": checked})


def _lrnn_check(quick: bool, break_compose: bool = False) -> Verdict:
    """Every family × schedule: the circuit equals the sequential recurrence on exact random rationals."""
    import constructions.lrnn as L
    from constructions.lrnn import FAMILIES, build_lrnn, recurrence
    from constructions.scans import SCHEDULES

    from .equivalence import matches

    grid_n = (1, 2, 5, 8, 13) if quick else (1, 2, 3, 5, 8, 13, 16, 31, 33, 64)
    grid_d = (1, 2, 3) if quick else (1, 2, 3, 4)
    orig = L._Dense.compose
    if break_compose:  # negative control: operands of the non-commutative product swapped
        L._Dense.compose = staticmethod(lambda c, A2, A1: orig(c, A1, A2))
    runs = 0
    try:
        families = ["dense"] if break_compose else FAMILIES
        for family in families:
            for scan in SCHEDULES:
                for n in grid_n:
                    for d in grid_d:
                        r = 1 if d < 3 else 2
                        final = scan == "reduce"
                        c = build_lrnn(family, n, d, scan=scan, rank=r, final_only=final)

                        def ref(v, family=family, final=final, n=n):
                            h = recurrence(family, v, v["h0"])
                            if final:  # the final-state circuit's outputs are h[n-1][i]
                                return {f"h[{n - 1}][{i}]": x for i, x in enumerate(h[-1])}
                            return {"h": h}

                        v = matches(c, ref, trials=2, seed=runs, domain="fraction",
                                    input_sampler=_lrnn_sampler(family))
                        runs += 1
                        if v.status != "equal":
                            v.evidence.update({"family": family, "scan": scan, "n": n, "d": d, "runs": runs})
                            return v
    finally:
        L._Dense.compose = orig
    return Verdict("equal", "reference", evidence={"families": list(FAMILIES), "schedules": list(SCHEDULES),
                                                    "n": list(grid_n), "d": list(grid_d), "circuits": runs,
                                                    "trials_each": 2, "domain": "fraction"})


def _lrnn_sampler(family):
    from fractions import Fraction

    def sample(rng, name, shape):
        if family == "pd" and name == "P":  # the PD family's P is column one-hot
            P = np.zeros(shape, dtype=object)
            P[...] = 0
            n, d, _ = shape
            for t in range(n):
                P[t, rng.integers(0, d, d), np.arange(d)] = 1
            return P
        num = rng.integers(-4, 5, shape)
        den = rng.integers(1, 4, shape)
        out = np.empty(shape, dtype=object)
        out.ravel()[:] = [Fraction(int(a), int(b)) for a, b in zip(num.ravel(), den.ravel())]
        return out
    return sample


def _formula_checks(ids: list[str]) -> CheckFn:
    from . import bounds

    def fn(quick: bool) -> Verdict:
        total = 0
        for i in ids:
            v = bounds.check_formula(i, quick=quick)
            if v.status != "equal":
                return v
            total += v.evidence.get("points", 0)
        return Verdict("equal", "grid", evidence={"formulas": ids, "points": total, "quick": quick})
    return fn


def _growth_checks(cases: list[tuple[str, str | None, str]]) -> CheckFn:
    from . import bounds

    def fn(quick: bool) -> Verdict:
        classes = {}
        for model, scan, expected in cases:
            for d in (1, 2, 4, 8):
                v = bounds.check_growth(model, scan, expected, d=d)
                if v.status != "equal":
                    return v
            classes[f"{model}/{scan}" if scan else model] = expected
        return Verdict("equal", "sympy-limit", evidence={"depth_classes": classes, "d": [1, 2, 4, 8]})
    return fn


def _derivations(ids: list[str]) -> CheckFn:
    from . import bounds

    def fn(quick: bool) -> Verdict:
        ev = {}
        for i in ids:
            v = bounds.check_derivation(i)
            if v.status != "equal":
                return v
            ev[i] = v.evidence["rsolve"]
        return Verdict("equal", "rsolve", evidence={"solutions": ev})
    return fn


def _lemma(id: str, negative: bool = False) -> CheckFn:
    def fn(quick: bool) -> Verdict:
        from .algebra import ALL_LEMMAS, NEGATIVE_CONTROLS
        return (NEGATIVE_CONTROLS if negative else ALL_LEMMAS)[id]()
    return fn


def load() -> None:
    from constructions.lrnn_bounds import LOG_FAMILIES
    from constructions.scans import SCHEDULES

    from . import bounds

    register(Claim(
        "scan-prefixes", "Thm 3 (parallel prefix; Ladner & Fischer 1980)",
        "Every prefix schedule computes all prefixes of an associative, non-commutative operation, for every n.",
        [Check("2x2 matrix products mod p, all schedules", _scan_check),
         Check("negative control: one level with operands swapped", lambda q: _scan_check(q, swap_level=True),
               "not_equal")]))
    register(Claim(
        "scan-formulas", "Sklansky 1960; Kogge & Stone 1973; Brent & Kung 1982; Harris 2003",
        "The schedules' sizes and depths equal their closed forms (rsolve derivations for n = 2^k, grid check).",
        [Check("recurrences solved by rsolve", _derivations(["sklansky-size", "sklansky-depth", "reduce-size",
                                                             "reduce-depth", "brent-kung-size"])),
         Check("closed forms vs built schedules", _formula_checks([f"schedule:{s}" for s in SCHEDULES])),
         Check("negative control: Sklansky size n·log₂n", lambda q: bounds.NEGATIVE_CONTROLS["derivation"](),
               "not_equal")]))
    register(Claim(
        "lrnn-equals-recurrence", "Thm 3",
        "The prefix-scan circuit of an LRNN (diagonal, PD, DPLR, dense transitions; every schedule) computes "
        "exactly the states of h_t = A_t h_{t-1} + b_t.",
        [Check("circuits vs the sequential recurrence over Q", _lrnn_check),
         Check("negative control: composition with operands swapped", lambda q: _lrnn_check(q, True),
               "not_equal")]))
    register(Claim(
        "lrnn-depth-log", "Thm 3 (LRNNs in PNC¹: O(log n)-depth bounded fan-in arithmetic circuits)",
        "LRNN circuits with a logarithmic scan have depth Θ(log n) and their closed forms match the circuits.",
        [Check("depth classes by sympy limits", _growth_checks(
            [(f, s, "Θ(log n)") for f in LOG_FAMILIES for s in SCHEDULES if s != "serial"]
            + [(f, "serial", "Θ(n)") for f in LOG_FAMILIES])),
         Check("closed forms vs built circuits", _formula_checks(
             [f"lrnn:{f}/{s}" for f in LOG_FAMILIES for s in SCHEDULES] + [f"dplr:{s}" for s in SCHEDULES])),
         Check("dense balanced product: rsolve", _derivations(["dense-product-size", "dense-product-depth"])),
         Check("negative control: formula without the A-only-where-used saving",
               lambda q: bounds.NEGATIVE_CONTROLS["formula"](), "not_equal"),
         Check("negative control: a serial scan is not logarithmic",
               lambda q: bounds.NEGATIVE_CONTROLS["growth"](), "not_equal")]))
    register(Claim(
        "rnn-depth-linear", "Prop 1; Thms 1–2 (nonlinear RNNs are sequential)",
        "The unrolled nonlinear RNN h_t = σ(W h_{t-1} + U x_t + c) has depth Θ(n), exactly n times the step depth.",
        [Check("depth class by sympy limits", _growth_checks([("rnn", None, "Θ(n)")])),
         Check("closed form vs built chains", _formula_checks(["rnn:chain"])),
         Check("negative control: the RNN chain is not logarithmic",
               lambda q: bounds.check_growth("rnn", None, "Θ(log n)"), "not_equal")]))
    register(Claim(
        "affine-assoc", "Thm 3 (proof: affine maps compose associatively)",
        "(A2, b2) ∘ (A1, b1) = (A2A1, A2b1 + b2) is associative and equals two steps of the recurrence.",
        [Check("sympy, d = 1..3 and MatrixSymbol", _lemma("affine-assoc")),
         Check("negative control: wrong composition", _lemma("affine-assoc", True), "not_equal")]))
    register(Claim(
        "pd-closure", "Thm 7 (PD LRNNs in NC¹)",
        "Products of permutation × diagonal matrices are permutation × diagonal; column one-hot × diagonal "
        "matrices (PD-SSM) compose as (P2 D2)(P1 D1) = (P2 P1) diag((P1ᵀ D2) ⊙ D1), the formula the circuits use.",
        [Check("sympy, all permutations d = 1..4", _lemma("pd-closure")),
         Check("the PD operator's formula, all column one-hot P, d = 1..3", _lemma("pd-operator")),
         Check("negative control: a non-permutation 0/1 factor", _lemma("pd-closure", True), "not_equal"),
         Check("negative control: D' = D2 ⊙ D1 without routing through P1", _lemma("pd-operator", True),
               "not_equal")]))
    register(Claim(
        "dplr-rank", "Thms 5–6 (DPLR transitions)",
        "The product of two diagonal + rank-r maps is diagonal + rank ≤ 2r (exactly 2r on random instances).",
        [Check("sympy factorization and random ranks", _lemma("dplr-rank")),
         Check("negative control: the claim rank ≤ r", _lemma("dplr-rank", True), "not_equal")]))
    register(Claim(
        "rational-addition", "App. A (rational arithmetic) — erratum",
        "a/b + c/d = (ad + bc)/(bd).",
        [Check("sympy identity", _lemma("rational-addition")),
         Check("the printed denominator bc refuted (smallest counterexample)", _lemma("rational-addition", True),
               "not_equal")],
        erratum={"what": "the appendix prints the denominator of a/b + c/d as bc",
                 "fix": "the denominator is bd: a/b + c/d = (ad + bc)/(bd)"}))
    register(Claim(
        "rational-order", "limits of 'rational rotation' routers (PD/DPLR constructions over Q)",
        "A rational 2×2 matrix of finite multiplicative order has order 1, 2, 3, 4 or 6.",
        [Check("cyclotomic degrees and witnesses", _lemma("rational-order")),
         Check("negative control: a claimed rational matrix of order 8", _lemma("rational-order", True),
               "not_equal")]))
