"""Claims for Thm 5 (iterated 3×3 integer matrix products by DPLR LRNNs) and Thm 7 (PD LRNNs in NC¹) of
Merrill et al. 2026, with the constructions of :mod:`constructions.automata.products` and the PD gadget of
:mod:`constructions.lrnn`.

* ``thm5-rwkv7-products`` (checked) — the RWKV-7 preset's circuit, fed the construction's schedule, gives
  scale · (M_N ⋯ M_1) exactly (and the sign of every entry) on random streams over {−2..2}, inside RWKV-7's
  parameter ranges. Negative controls: no BOS steps; the rows of each M written as columns.
* ``thm5-deltanet-products`` (checked) — the same for the DeltaNet preset (scale 1); the normalised rates β̂ the
  construction uses are reported (outside (0, 1)). Negative controls: no BOS; rows as columns.
* ``thm5-deltanet-beta`` (proved) — with β̂ ∈ [0, 1] no product of DeltaNet factors on a 3-dim state equals c·M
  (c > 0) when det M < 0 (determinant argument). Negative control: the same argument with β̂ up to 2.
* ``thm7-pd-closure-general`` (checked) — the index formulas of the PD compose gadget give (P2 D2)(P1 D1) and a
  column one-hot P' for every d (sympy with symbolic d); the built gadget equals those formulas for d ≤ 8.
* ``thm7-pd-lowered-depth`` (checked) — the boolean lowering of a PD-LRNN at p = 8 has depth a + b·log₂ n on
  n = 2^3..2^12. Negative control: the serial scan.

``python -m proofs_check.products_claims`` prints the tables of ``docs/products.md`` (``--write`` rewrites them);
``--run [--quick]`` runs these claims and prints one line per check.
"""
from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from .claims import Check, Claim, register
from .verdict import Verdict

# ---------------------------------------------------------------------------------------------------------
# Thm 5: streams through circuits
#: (N matrices, streams, scan) — one circuit per row, evaluated exactly on all its streams at once (3 columns
#: each). Log-depth schedules for a representative set, the serial schedule for the bulk and the long streams.
_QUICK = [(1, 12, "brent-kung"), (2, 6, "brent-kung"), (3, 4, "reduce"), (5, 2, "reduce"),
          (1, 30, "serial"), (2, 15, "serial"), (4, 8, "serial"), (8, 3, "serial"), (16, 1, "serial")]
PLANS = {
    "rwkv7": {True: _QUICK, False: [
        (1, 40, "brent-kung"), (2, 20, "brent-kung"), (3, 20, "brent-kung"), (5, 10, "brent-kung"),
        (8, 8, "reduce"), (16, 4, "reduce"), (32, 2, "reduce"), (64, 1, "reduce"),
        (1, 262, "serial"), (2, 150, "serial"), (3, 120, "serial"), (4, 120, "serial"), (5, 40, "serial"),
        (6, 40, "serial"), (7, 40, "serial"), (8, 40, "serial"), (12, 30, "serial"), (16, 30, "serial"),
        (32, 16, "serial"), (64, 8, "serial"), (128, 4, "serial"), (256, 2, "serial"), (512, 1, "serial"),
        (1024, 2, "serial")]},
    # DeltaNet: 12 steps per matrix with fractional rates (slower to evaluate exactly): fewer long streams
    "deltanet": {True: _QUICK, False: [
        (1, 40, "brent-kung"), (2, 20, "brent-kung"), (3, 10, "brent-kung"), (5, 6, "brent-kung"),
        (8, 4, "reduce"), (16, 2, "reduce"), (32, 1, "reduce"), (64, 1, "reduce"),
        (1, 300, "serial"), (2, 200, "serial"), (3, 150, "serial"), (4, 120, "serial"), (5, 30, "serial"),
        (6, 30, "serial"), (7, 30, "serial"), (8, 30, "serial"), (12, 20, "serial"), (16, 16, "serial"),
        (32, 8, "serial"), (64, 4, "serial"), (128, 2, "serial"), (256, 1, "serial"), (512, 1, "serial"),
        (1024, 1, "serial")]},
}


def _check_streams(arch: str, quick: bool, broken: str | None = None, plan=None) -> Verdict:
    """Every stream of the plan through the preset's circuit: the product read off block X (divided by the
    construction's positive scale) equals M_N ⋯ M_1 computed by integer matrix multiplication, every entry's sign
    readout equals the sign of the product's entry, and (RWKV-7) every schedule lies in RWKV-7's ranges.

    ``broken``: ``"no-bos"`` (the BOS steps left out) or ``"transpose"`` (each M's rows written as columns)."""
    from constructions.automata import products as P
    t0 = time.perf_counter()
    plan = PLANS[arch][quick] if plan is None else plan
    if broken == "no-bos":
        plan = [(1, 4, "brent-kung"), (2, 2, "serial")]
    elif broken == "transpose":
        plan = [(2, 4, "brent-kung"), (3, 2, "serial")]
    rng = np.random.default_rng(2026 if arch == "rwkv7" else 2027)
    streams_done = 0
    by_scan: dict = {}
    extremes: dict = {}
    for N, count, scan in plan:
        streams = [P.random_stream(rng, N) for _ in range(count)]
        fed = [[list(map(list, zip(*M))) for M in s] for s in streams] if broken == "transpose" else streams
        res = P.run_streams(arch, fed, scan=scan, bos=broken != "no-bos")
        for si, s in enumerate(streams):
            want = P.direct_product(s)
            got = res["products"][si]
            bad = [(i, j) for i in range(3) for j in range(3)
                   if got[i, j] != want[i, j] or P.sign_entry(res, si, i, j) != (want[i, j] > 0) - (want[i, j] < 0)]
            if bad:
                i, j = bad[0]
                return Verdict("not_equal", "reference", why=f"{arch}: N = {N} ({scan}): entry ({i}, {j}) of the "
                               f"product is {want[i, j]}, the circuit gives {got[i, j]} (after dividing by the scale)",
                               counterexample={"arch": arch, "N": N, "scan": scan, "matrices": s,
                                               "entry": [i, j], "product": want.tolist(),
                                               "circuit_product": got.tolist(),
                                               "sign_readout": P.sign_entry(res, si, i, j), "broken": broken},
                               evidence={"streams_before": streams_done})
            sch = res["schedules"][si]
            if arch == "rwkv7":
                cons = P.rwkv7_constraints(sch)
                if not cons["ok"]:
                    return Verdict("not_equal", "reference", why=f"rwkv7 schedule outside RWKV-7's ranges: {cons}",
                                   counterexample={"N": N, "matrices": s, "constraints": cons})
                for k in ("w_min", "w_max", "a_norm_min", "a_norm_max"):
                    f = min if k.endswith("min") else max
                    extremes[k] = f(extremes.get(k, cons[k]), cons[k])
            else:
                rates = P.deltanet_rates(sch)["rates"]
                extremes.setdefault("rates", set()).update(rates)
        streams_done += count
        key = "log-depth (" + scan + ")" if scan != "serial" else "serial"
        by_scan.setdefault(key, []).append([N, count, res["circuit"].depth(), res["circuit"].size()])
    if arch == "deltanet":
        extremes["rates"] = sorted(extremes["rates"])
    Ns = [N for N, _, _ in plan]
    return Verdict("equal", "reference", evidence={
        "scope": {"streams": streams_done, "N (matrices per stream)": [min(Ns), max(Ns)],
                  "entries": [-2, 2], "columns per stream": 3,
                  "per schedule [N, streams, circuit depth, circuit size]": by_scan},
        "parameter_ranges": {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in extremes.items()},
        "seconds": round(time.perf_counter() - t0, 2),
        "what": "one preset circuit per (N, schedule), evaluated exactly (fractions) on every stream's schedule; "
                "the circuit's block X divided by the construction's scale equals the integer product, all 9 "
                "entries, and the sign readout equals the product entry's sign"})


#: one long stream through the balanced-reduction circuit, one value column (full: the longest the budget allows)
LONG = {"rwkv7": {True: 16, False: 1024}, "deltanet": {True: 16, False: 512}}


def _check_long(arch: str, quick: bool) -> Verdict:
    """One stream of ``LONG`` matrices through the log-depth (balanced reduction) circuit, one value column c:
    block X of the final state equals scale · (M_N ⋯ M_1) e_c exactly."""
    from constructions.automata import products as P
    from constructions.lrnn import collect_states
    rng = np.random.default_rng(99)
    N = LONG[arch][quick]
    col = int(rng.integers(0, 3))
    s = P.random_stream(rng, N)
    sch = P.schedule(arch, s)
    c = P.product_circuit(arch, N, "reduce")
    vals = {k: v[col: col + 1] for k, v in P._inputs(arch, [sch]).items()}
    h = np.asarray(collect_states(c.evaluate(vals, domain="fraction"), sch["n"], P.D, True), dtype=object)[0]
    want = sch["scale"] * P.direct_product(s)[:, col]
    if not (h[list(P.X)] == want).all():
        return Verdict("not_equal", "reference", why=f"{arch}: N = {N}, column {col} differs",
                       counterexample={"matrices": s, "column": col})
    return Verdict("equal", "reference", evidence={
        "scope": {"N": N, "streams": 1, "column": col, "scan": "reduce"},
        "circuit": {"steps": sch["n"], "depth": c.depth(), "size": c.size()},
        "bits of the largest |entry| of the product column":
            max(abs(int(x)) for x in want / sch["scale"]).bit_length()})


def _check_tokens(arch: str, quick: bool) -> Verdict:
    """Token mode: the step parameters as one fixed table over the alphabet of ``(kind, row, entries)`` tokens
    (entries in [lo, hi]), built by ``constructions.lrnn``'s token mode (DPLR family); streams given as one-hot
    tokens; column ``c`` of the product times the scale of the table's fixed α equals block X of the final
    state."""
    from constructions.automata import products as P
    rng = np.random.default_rng(7)
    plan = [(1, 2, -1, 1), (2, 1, -1, 1)] if quick else [(1, 4, -2, 2), (2, 3, -2, 2), (4, 2, -1, 1)]
    done = 0
    for N, count, lo, hi in plan:
        col = int(rng.integers(0, 3))
        c, toks = P.token_circuit(arch, N, col, lo, hi)
        streams = [P.random_stream(rng, N, lo, hi) for _ in range(count)]
        out = c.evaluate({"x": np.stack([P.token_inputs(arch, s, toks) for s in streams])}, domain="fraction")
        h = np.asarray(out["h"], dtype=object)[:, -1]
        for i, s in enumerate(streams):
            sch = P.rwkv7_schedule(s, alpha=P.rwkv7_alpha(3 * max(lo * lo, hi * hi))) if arch == "rwkv7" \
                else P.deltanet_schedule(s)
            want = sch["scale"] * P.direct_product(s)[:, col]
            if not (h[i, list(P.X)] == want).all():
                return Verdict("not_equal", "reference", why=f"token mode {arch}, N = {N}, column {col}",
                               counterexample={"matrices": s, "column": col, "want": want.tolist(),
                                               "got": h[i].tolist()})
        done += count
    return Verdict("equal", "reference", evidence={
        "scope": {"streams": done, "(N, streams, lo, hi)": [list(x) for x in plan],
                  "alphabet sizes": {f"[{lo}, {hi}]": len(P.alphabet(arch, lo, hi)) for _, _, lo, hi in plan}},
        "what": "one-hot token streams through build_lrnn(..., mode='token') with the fixed per-token table"})


def _check_phase(blocks=None) -> Verdict:
    """The step period of each construction (steps per matrix) is the order of a rational block-diagonal matrix
    with blocks of orders 1, 2, 3, 4, 6 (``phase_counter``), and the orbit of (1, …, 1) has that many distinct states.
    ``blocks``: the DeltaNet counter's blocks (a negative control passes blocks of the wrong orders)."""
    from constructions.automata import products as P
    rows = {}
    for arch, p in P.STEPS_PER_MATRIX.items():
        R = P.phase_counter(p, blocks if arch == "deltanet" else None)
        u = np.ones(R.shape[0], dtype=object)  # non-zero in every block
        orbit, x = set(), u
        for _ in range(p):
            orbit.add(tuple(x))
            x = R.dot(x)
        order = P.matrix_order(R)
        rows[arch] = {"period": p, "dimension": R.shape[0], "order": order, "distinct phase states": len(orbit),
                      "R": R.tolist()}
        if order != p or len(orbit) != p:
            return Verdict("not_equal", "reference", why=f"{arch}: counter of order {order}, {len(orbit)} phase "
                           f"states, period {p}", counterexample=rows[arch])
    return Verdict("equal", "reference", evidence={
        "scope": {"periods": {a: r["period"] for a, r in rows.items()}}, "counters": rows,
        "what": "rational matrices whose orders are the constructions' step periods, from 2×2 blocks of orders "
                "1, 2, 3, 4, 6 only (no order 1,404 needed)"})


def _plan_text(arch: str) -> str:
    def part(plan):
        total = sum(c for _, c, _ in plan)
        logd = [(N, c) for N, c, s in plan if s != "serial"]
        return (f"{total:,} random streams over {{−2..2}} with N ≤ {max(N for N, _, _ in plan):,}, "
                f"{sum(c for _, c in logd)} of them (N ≤ {max(N for N, _ in logd)}) through log-depth circuits "
                f"(Brent–Kung or balanced reduction), the others through the serial scan")
    return part(PLANS[arch][False]) + " (quick: " + part(PLANS[arch][True]) + ")"


def _neg(arch: str, broken: str):
    def fn(quick: bool) -> Verdict:
        v = _check_streams(arch, quick, broken)
        v.evidence["broken"] = broken
        return v
    return fn


def _rwkv7_unconstrained(quick: bool) -> Verdict:
    """Negative control: the unconstrained variant (α = 1, σ = 1) computes the product unscaled, but the same
    check rejects it: w = 1 and a' = q + 1 > 1 are outside RWKV-7's ranges."""
    from constructions.automata import products as P
    rng = np.random.default_rng(5)
    s = [P.random_stream(rng, 2) for _ in range(2)]
    res = P.run_streams("rwkv7", s, scan="brent-kung", alpha=1, sigma=1)
    exact = all((res["products"][i] == P.direct_product(x)).all() for i, x in enumerate(s))
    cons = P.rwkv7_constraints(res["schedules"][0])
    if cons["ok"]:
        return Verdict("equal", "reference", why="the unconstrained variant passed the range check")
    return Verdict("not_equal", "reference", why="outside RWKV-7's ranges (w ∈ (0, 1), a' ∈ [0, 1])",
                   counterexample={"matrices": s[0], "constraints": {k: str(v) for k, v in cons.items()},
                                   "product_exact_anyway": exact, "scale": str(res["scales"][0])})


# ---------------------------------------------------------------------------------------------------------
# DeltaNet rates: the determinant obstruction
def _det_obstruction(max_rate) -> Verdict:
    """For DeltaNet factors F = I − β k kᵀ on a 3-dim state with normalised rate β̂ = β ‖k‖² ∈ [0, max_rate]:
    det F = 1 − β‖k‖² as a polynomial identity (sympy, symbolic β, k), so det F ≥ 0 when max_rate ≤ 1, and a
    product of factors has det ≥ 0, while det(c M) = c³ det M < 0 for c > 0 and M = diag(−1, 1, 1). With a larger
    range the argument fails and a factorisation is exhibited (``not_equal``)."""
    import sympy as sp
    b = sp.Symbol("beta")
    k = sp.Matrix(sp.symbols("k0:3"))
    F = sp.eye(3) - b * k * k.T
    lemma = sp.expand(F.det() - (1 - b * (k.T * k)[0])) == 0
    c = sp.Symbol("c", positive=True)
    M = sp.diag(-1, 1, 1)
    detcM = sp.factor((c * M).det())
    neg = bool(sp.ask(sp.Q.negative(detcM), sp.Q.positive(c)))
    min_det = sp.Min(*[1 - x for x in (0, max_rate)])  # 1 − β̂ is decreasing in β̂: its minimum is at max_rate
    ev = {"determinant_lemma_d3": lemma, "det(cM)": str(detcM), "det(cM) < 0 for c > 0": neg,
          "beta_hat_range": [0, str(max_rate)], "min det of a factor": str(min_det)}
    if not (lemma and neg):
        return Verdict("undecided", "sympy", why="a step of the argument did not go through", evidence=ev)
    if min_det >= 0:
        ev["argument"] = ("det(F_T ⋯ F_1) = Π (1 − β̂_t) ≥ 0 for β̂_t ∈ [0, 1], but det(cM) = −c³ < 0: no product "
                          "of such factors is c·M")
        return Verdict("equal", "sympy", evidence=ev)
    kk = sp.Matrix([1, 0, 0])
    Fw = sp.eye(3) - 2 * kk * kk.T
    return Verdict("not_equal", "sympy", why=f"with β̂ up to {max_rate} a factor has det {min_det} < 0",
                   counterexample={"factor": "I − 2 e_0 e_0ᵀ (β̂ = 2, a reflection)",
                                   "factor_matrix": [[int(x) for x in Fw.row(i)] for i in range(3)],
                                   "equals_M": Fw == M}, evidence=ev)


# ---------------------------------------------------------------------------------------------------------
# Thm 7 (a): PD closure for every d, from the gadget's index formulas
def _index_formulas(naive: bool = False):
    """The PD compose gadget's formulas with symbolic d: P'[i,j] = Σ_k P2[i,k] P1[k,j] (``matmul``),
    g[j] = Σ_l P1[l,j] D2[l] (``tree_sum`` of P1ᵀ ⊙ D2), D'[j] = g[j] D1[j]; P1, P2 column one-hot with their
    ones at rows f(j), g2(k) (KroneckerDelta). ``naive``: D'[j] = D2[j] D1[j] (no routing through P1)."""
    import sympy as sp
    d = sp.Symbol("d", integer=True, positive=True)
    i, j, k, l_ = sp.symbols("i j k l", integer=True, nonnegative=True)
    f, g2 = sp.Function("f"), sp.Function("g")
    D1, D2 = sp.IndexedBase("D1"), sp.IndexedBase("D2")
    P1 = lambda r, col: sp.KroneckerDelta(r, f(col))  # noqa: E731
    P2 = lambda r, col: sp.KroneckerDelta(r, g2(col))  # noqa: E731
    Pp = sp.Sum(P2(i, k) * P1(k, j), (k, 0, d - 1)).doit()
    gj = D2[j] if naive else sp.Sum(P1(l_, j) * D2[l_], (l_, 0, d - 1)).doit()
    Dp = gj * D1[j]
    lhs = sp.Sum(P2(i, k) * D2[k] * P1(k, j) * D1[j], (k, 0, d - 1)).doit()  # ((P2 D2)(P1 D1))[i, j]
    return sp, d, (i, j), (f, g2), Pp, Dp, lhs


def _in_range(sp, expr, d, points):
    """Replace every Piecewise whose first condition holds whenever one of ``points`` lies in [0, d−1] by its
    first branch (the points are rows of one-hot columns, so they do). The condition is decided by substituting
    point → u, d → u + 1 + e with u, e non-negative integer symbols."""
    u = sp.Symbol("u", integer=True, nonnegative=True)
    e = sp.Symbol("e", integer=True, nonnegative=True)

    def implied(cond):
        return any(sp.simplify(cond.subs(p, u).subs(d, u + 1 + e)) is sp.true for p in points)

    def fold(x):
        if isinstance(x, sp.Piecewise) and implied(x.args[0].cond):
            return x.args[0].expr
        return x
    return expr.replace(lambda x: isinstance(x, sp.Piecewise), fold)


def pd_closure_every_d(naive: bool = False) -> Verdict:
    t0 = time.perf_counter()
    sp, d, (i, j), (f, g2), Pp, Dp, lhs = _index_formulas(naive)
    pts = [f(j), g2(f(j))]
    rhs = Pp * Dp  # ((P2 P1) diag(D'))[i, j] = P'[i, j] D'[j]
    diff = sp.simplify(_in_range(sp, sp.piecewise_fold(lhs - rhs), d, pts))
    ii = sp.Symbol("ii", integer=True, nonnegative=True)
    col_sum = _in_range(sp, sp.Sum(Pp.subs(i, ii), (ii, 0, d - 1)).doit(), d, pts)
    Pp_in = _in_range(sp, Pp, d, pts)
    zero_one = sp.simplify(Pp_in ** 2 - Pp_in) == 0
    ev = {"P'[i,j]": str(Pp_in), "D'[j]": str(_in_range(sp, Dp, d, pts)), "residual": str(diff),
          "column sum of P'": str(sp.simplify(col_sum)), "P' entries 0/1": zero_one,
          "formula": "naive D' = D2 ⊙ D1" if naive else "gadget: D' = (P1ᵀ D2) ⊙ D1",
          "seconds": round(time.perf_counter() - t0, 3)}
    if diff == 0 and sp.simplify(col_sum - 1) == 0 and zero_one:
        ev["what"] = ("with P1 e_j = e_f(j), P2 e_k = e_g(k) for arbitrary maps f, g of [0, d) and symbolic d, the "
                      "gadget's index formulas give ((P2 D2)(P1 D1))[i, j] = P'[i, j] D'[j] and P'[i, j] = "
                      "δ(i, g(f(j))): column one-hot")
        return Verdict("equal", "sympy", evidence=ev)
    # a concrete witness at d = 2: f = id, g = id, D2 = (2, 3), D1 = (1, 1): naive D'[0] = D2[0], true D2[f(0)]
    return Verdict("not_equal", "sympy", why=f"residual {diff} is not 0 for every f",
                   counterexample={"d": 2, "P1": [[0, 1], [1, 0]], "P2": [[1, 0], [0, 1]], "D2": [2, 3],
                                   "D1": [1, 1], "product": [[0, 2], [3, 0]],
                                   "formula_naive": [[0, 3], [2, 0]]}, evidence=ev)


def gadget_is_index_formula(dims=range(1, 9), swap: bool = False) -> Verdict:
    """The built PD compose gadget (``constructions.lrnn._compose``, as the scan calls it) equals the index
    formulas as polynomial identities in all its inputs (P unconstrained), for each d in ``dims``."""
    import sympy as sp

    from . import gadgets
    t0 = time.perf_counter()
    for d in dims:
        if swap:
            with gadgets.broken_operator("pd", "compose"):
                c = gadgets.gadget_circuit("pd", d, "compose")
        else:
            c = gadgets.gadget_circuit("pd", d, "compose")
        ex = c.to_sympy()
        P2, P1 = gadgets._sym_array("P2", (d, d)), gadgets._sym_array("P1", (d, d))
        D2, D1 = gadgets._sym_array("D2", (d,)), gadgets._sym_array("D1", (d,))
        outP, outD = gadgets._as_matrix(ex["out_P"]), gadgets._as_matrix(ex["out_D"])
        for i in range(d):
            for j in range(d):
                if sp.expand(outP[i, j] - sum(P2[i, k] * P1[k, j] for k in range(d))) != 0:
                    return Verdict("not_equal", "sympy", why=f"d = {d}: out_P[{i}][{j}] is not Σ_k P2[i,k] P1[k,j]",
                                   counterexample={"d": d, "entry": [i, j], "gadget": str(outP[i, j])})
        for j in range(d):
            if sp.expand(outD[j] - D1[j] * sum(P1[l_, j] * D2[l_] for l_ in range(d))) != 0:
                return Verdict("not_equal", "sympy", why=f"d = {d}: out_D[{j}] is not D1[j] Σ_l P1[l,j] D2[l]",
                               counterexample={"d": d, "entry": j, "gadget": str(outD[j])})
    return Verdict("equal", "sympy", evidence={
        "scope": {"d": [min(dims), max(dims)], "P": "unconstrained symbols (the identity is polynomial)"},
        "seconds": round(time.perf_counter() - t0, 3),
        "what": "to_sympy of the gadget circuit built by constructions.lrnn._compose equals the index formulas"})


# ---------------------------------------------------------------------------------------------------------
# Thm 7 (b): lowered PD-LRNN depth against n
def lowered_depths(ks, scan: str = "brent-kung", d: int = 2, p: int = 8) -> list[dict]:
    """Arithmetic and boolean (lowered, p-bit wrap) depth of the free PD-LRNN circuit for n = 2^k."""
    from constructions.lowering import lowered_depth
    from constructions.lrnn import build_lrnn
    rows = []
    for k in ks:
        c = build_lrnn("pd", 2 ** k, d, scan=scan)
        r = lowered_depth(c, "boolean", p)
        rows.append({"n": 2 ** k, "arith_depth": c.depth(), "bool_depth": r["depth"], "aig_levels": r["aig_levels"]})
    return rows


def fit_log(rows, key="bool_depth") -> dict:
    """Exact least-squares fit depth ≈ a + b·log₂ n (Fractions), residuals, and increments per doubling."""
    xs = [Fraction(r["n"].bit_length() - 1) for r in rows]
    ys = [Fraction(r[key]) for r in rows]
    m = len(xs)
    mx, my = sum(xs) / m, sum(ys) / m
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    a = my - b * mx
    res = [y - (a + b * x) for x, y in zip(xs, ys)]
    inc = [int(ys[i + 1] - ys[i]) for i in range(m - 1)]
    return {"a": a, "b": b, "max_abs_residual": max(abs(r) for r in res), "increments": inc}


def check_lowered_depth(quick: bool, scan: str = "brent-kung") -> Verdict:
    ks = list(range(3, 6)) if quick else list(range(3, 13))
    if scan == "serial":
        ks = list(range(2, 5))
    rows = lowered_depths(ks, scan)
    fit = fit_log(rows)
    inc = fit["increments"]
    ev = {"rows": rows, "fit": {"a": str(fit["a"]), "b": str(fit["b"]), "a_float": round(float(fit["a"]), 3),
                                "b_float": round(float(fit["b"]), 3),
                                "max_abs_residual": str(fit["max_abs_residual"])},
          "increments_per_doubling": inc, "scan": scan}
    # logarithmic on the grid: every doubling of n adds the same depth up to 2, and the fit is within 2
    if max(inc) - min(inc) <= 2 and fit["max_abs_residual"] <= 2:
        ev["scope"] = {"n = 2^k, k": [ks[0], ks[-1]], "family": "pd (free, d = 2)", "scan": scan,
                       "precision": "p = 8, wrap", "basis": "boolean (sklansky adders, dadda multipliers)"}
        ev["what"] = "measured depth = a + b·log₂ n within ±2, every doubling adds the same depth within 2"
        return Verdict("equal", "measured", evidence=ev)
    return Verdict("not_equal", "measured", why=f"{scan}: depth increments per doubling {inc} are not constant",
                   counterexample={"rows": rows, "increments": inc}, evidence=ev)


# ---------------------------------------------------------------------------------------------------------
def load() -> None:
    register(Claim(
        "thm5-rwkv7-products", "Thm 5 (RWKV-7 computes iterated 3×3 integer matrix products; the sign of an entry is "
        "PNC¹-complete), as built: constructions.automata.products",
        "The rwkv7 preset's circuit (d = 6, parameters as inputs), fed the construction's schedule (3 BOS steps, "
        "6 steps per matrix, w ∈ (0, 1), normalised rate a' ∈ [0, 1]), ends with scale · (M_N ⋯ M_1) in its 3 "
        "value columns, scale > 0 known, so the product and the sign of every entry are read off exactly: for "
        + _plan_text("rwkv7") + "; one stream of 1,024 matrices (quick: 16) through the balanced-reduction "
        "circuit, one column. The same steps as a fixed per-token table (token mode, a one-layer model) on "
        "one-hot token streams, N ≤ 4.",
        [Check("streams through the preset's circuits, exact (fractions), vs integer matrix products",
               lambda q: _check_streams("rwkv7", q)),
         Check("token mode: a fixed per-token parameter table (one layer), one-hot token streams",
               lambda q: _check_tokens("rwkv7", q)),
         Check("one long stream through the balanced-reduction (log-depth) circuit, one column",
               lambda q: _check_long("rwkv7", q)),
         Check("negative control: BOS steps left out (the state stays 0)", _neg("rwkv7", "no-bos"), "not_equal"),
         Check("negative control: each M's rows written as columns (computes products of Mᵀ)",
               _neg("rwkv7", "transpose"), "not_equal"),
         Check("negative control: the unconstrained variant α = σ = 1 (exact, but w = 1 and a' > 1)",
               _rwkv7_unconstrained, "not_equal")]))
    register(Claim(
        "thm5-deltanet-products", "Thm 5 (DeltaNet computes iterated 3×3 integer matrix products), by a construction "
        "without the router (see the erratum deltanet-router)",
        "The deltanet preset's circuit (d = 6), fed the construction's schedule (3 BOS steps, 12 steps per matrix: "
        "per row a clear, a write through a reflection and the reflection undone; then 3 swaps), ends with "
        "M_N ⋯ M_1 exactly in its 3 value columns: for " + _plan_text("deltanet") + "; one stream of 512 matrices "
        "(quick: 16) through the balanced-reduction circuit, one column; and as a fixed per-token "
        "table (token mode) on one-hot token streams, N ≤ 4. The normalised rates β̂ = β‖k‖² "
        "used are 0, 1, 2 and 2 + q/2 (q = ‖row‖²): outside (0, 1).",
        [Check("streams through the preset's circuits, exact (fractions), vs integer matrix products",
               lambda q: _check_streams("deltanet", q)),
         Check("token mode: a fixed per-token parameter table (one layer), one-hot token streams",
               lambda q: _check_tokens("deltanet", q)),
         Check("one long stream through the balanced-reduction (log-depth) circuit, one column",
               lambda q: _check_long("deltanet", q)),
         Check("the step periods 6 and 12 are orders of rational matrices built from 2×2 blocks (phase counters)",
               lambda q: _check_phase()),
         Check("negative control: BOS steps left out", _neg("deltanet", "no-bos"), "not_equal"),
         Check("negative control: a phase counter from blocks of orders 4 and 2 (order 4, not 12)",
               lambda q: _check_phase((4, 2)), "not_equal"),
         Check("negative control: each M's rows written as columns", _neg("deltanet", "transpose"), "not_equal")]))
    register(Claim(
        "thm5-deltanet-beta", "Thm 5's DeltaNet construction: the range of β (the audit: the published program "
        "needs unrestricted rational β)",
        "With normalised rates β̂ = β‖k‖² ∈ [0, 1] (DeltaNet's sigmoid range with unit keys), no product of DeltaNet "
        "transitions I − β k kᵀ on a 3-dim state equals c·M with c > 0 for an integer M with det M < 0 (e.g. "
        "diag(−1, 1, 1)): each factor has det 1 − β̂ ≥ 0. So an in-place construction needs β̂ > 1.",
        [Check("determinant lemma det(I − β k kᵀ) = 1 − β‖k‖² (sympy, d = 3) and det(c·diag(−1,1,1)) < 0",
               lambda q: _det_obstruction(1), kind="proof"),
         Check("negative control: the same argument with β̂ up to 2 (reflections) fails", lambda q: _det_obstruction(2),
               "not_equal")]))
    register(Claim(
        "thm7-pd-closure-general", "lemma of Thm 7 (PD LRNNs in NC¹): P·D closed under products, for every d, from "
        "the compose gadget of constructions.lrnn (extends pd-closure, which is for d ≤ 4 / gadget d ≤ 6)",
        "For every d (symbolic) and every column one-hot P1, P2, the PD compose gadget's index formulas "
        "P' = P2 P1, D' = (P1ᵀ D2) ⊙ D1 satisfy (P2 D2)(P1 D1) = P' diag(D') with P' column one-hot (proved with "
        "symbolic d); the built gadget computes exactly those formulas for d ≤ 8 (checked).",
        [Check("index formulas, symbolic d (KroneckerDelta sums)", lambda q: pd_closure_every_d(), kind="proof"),
         Check("the built gadget = the index formulas (to_sympy, d ≤ 8; quick d ≤ 5)",
               lambda q: gadget_is_index_formula(range(1, 6) if q else range(1, 9))),
         Check("negative control: D' = D2 ⊙ D1 (not routed through P1), symbolic d",
               lambda q: pd_closure_every_d(naive=True), "not_equal"),
         Check("negative control: the gadget with its operands swapped",
               lambda q: gadget_is_index_formula(range(2, 4), swap=True), "not_equal")]))
    register(Claim(
        "thm7-pd-lowered-depth", "Thm 7 (PD LRNNs in NC¹), as built: the PD-LRNN circuit lowered to bits",
        "The free PD-LRNN circuit (d = 2, Brent–Kung scan) lowered to a fan-in-2 boolean circuit at p = 8 bits "
        "(wrap) has depth a + b·log₂ n within ±2 for n = 2^3..2^12 (quick: 2^3..2^5), every doubling of n adding "
        "the same depth within 2: O(log n) on that range.",
        [Check("lowered_depth against n, exact least-squares fit", lambda q: check_lowered_depth(q)),
         Check("negative control: the serial scan (depth linear in n)",
               lambda q: check_lowered_depth(q, "serial"), "not_equal")]))


# ---------------------------------------------------------------------------------------------------------
# tables for docs/products.md
def schedule_table() -> str:
    """Steps, scale and parameter ranges of the two constructions (cheap, exact)."""
    from constructions.automata import products as P
    worst = [[[2, 2, 2], [2, 2, 2], [2, 2, 2]], [[0, 0, 0], [1, -2, 0], [0, 0, -1]]]
    r = P.rwkv7_schedule(worst)
    cons = P.rwkv7_constraints(r)
    dn = P.deltanet_schedule(worst)
    rates = P.deltanet_rates(dn)
    lines = ["| construction | d | BOS steps | steps per matrix | scale per matrix | parameter ranges used | "
             "token alphabet (entries −2..2) |",
             "|---|---|---|---|---|---|---|",
             f"| rwkv7 | {P.D} | {P.BOS_STEPS} | {P.STEPS_PER_MATRIX['rwkv7']} | "
             f"(α σ²)² = {(r['alpha'] * r['sigma'] ** 2) ** 2} (α = {r['alpha']}, σ = {r['sigma']}) | "
             f"w ∈ [{cons['w_min']}, {cons['w_max']}], a' = a‖κ‖² ∈ [{cons['a_norm_min']}, {cons['a_norm_max']}] | "
             f"{len(P.alphabet('rwkv7'))} tokens |",
             f"| deltanet | {P.D} | {P.BOS_STEPS} | {P.STEPS_PER_MATRIX['deltanet']} | 1 | "
             f"β̂ = β‖k‖² ∈ {{{', '.join(str(x) for x in rates['rates'])}}} | {len(P.alphabet('deltanet'))} tokens |"]
    return "\n".join(lines) + "\n\n(stream: two matrices over {−2..2} including the all-2 matrix, q = 12)\n"


def plan_table() -> str:
    """What the Thm 5 claims run (full mode), and the size of the circuits per length (built, not evaluated)."""
    from constructions.automata import products as P
    lines = ["| construction | streams (full) | N | through log-depth circuits | quick |", "|---|---|---|---|---|"]
    for arch in P.ARCHS:
        full, quick = PLANS[arch][False], PLANS[arch][True]
        logd = [(N, c) for N, c, sc in full if sc != "serial"]
        lines.append(f"| {arch} | {sum(c for _, c, _ in full):,} | 1..{max(N for N, _, _ in full):,} | "
                     f"{sum(c for _, c in logd)} (N ≤ {max(N for N, _ in logd)}) | "
                     f"{sum(c for _, c, _ in quick)} streams, N ≤ {max(N for N, _, _ in quick)} |")
    lines += ["", "| construction | N | steps n | scan | depth | size (gates) |", "|---|---|---|---|---|---|"]
    for arch in P.ARCHS:
        for N in (1, 64, 1024):
            for scan in ("brent-kung", "reduce", "serial"):
                c = P.product_circuit(arch, N, scan)
                lines.append(f"| {arch} | {N:,} | {P.stream_length(arch, N):,} | {scan} | {c.depth():,} | "
                             f"{c.size():,} |")
    return "\n".join(lines) + "\n"


def depth_table(ks=range(3, 13)) -> str:
    rows = lowered_depths(ks)
    fit = fit_log(rows)
    lines = ["| n | arithmetic depth | boolean depth (p = 8) | AIG levels |", "|---|---|---|---|"]
    lines += [f"| {r['n']} | {r['arith_depth']} | {r['bool_depth']} | {r['aig_levels']} |" for r in rows]
    lines.append("")
    lines.append(f"Fit: boolean depth ≈ {float(fit['a']):.2f} + {float(fit['b']):.3f}·log₂ n (exact least squares, "
                 f"largest residual {float(fit['max_abs_residual']):.2f}); increments per doubling: "
                 f"{', '.join(map(str, fit['increments']))}.")
    return "\n".join(lines) + "\n"


def _write_docs(path="docs/products.md") -> None:
    text = open(path, encoding="utf-8").read()
    for tag, body in (("schedules", schedule_table()), ("plan", plan_table()), ("depth", depth_table())):
        begin, end = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + begin + "\n" + body + end + tail
    open(path, "w", encoding="utf-8").write(text)


IDS = ("thm5-rwkv7-products", "thm5-deltanet-products", "thm5-deltanet-beta", "thm7-pd-closure-general",
       "thm7-pd-lowered-depth")


def _run(quick: bool) -> int:
    """Run this module's claims (before they are built in) and print one line per check."""
    from .claims import REGISTRY, run_claim
    if IDS[0] not in REGISTRY:
        load()
    bad = 0
    for cid in IDS:
        r = run_claim(REGISTRY[cid], quick)
        bad += r.status == "failed"
        print(f"{cid}: {r.status} ({r.seconds:.1f} s) — {r.evidence_summary()}")
        for x in r.results:
            print(f"    [{'ok' if x.ok else 'PROBLEM'}] {x.expect:9} {x.verdict.status:9} {x.seconds:6.2f} s  {x.name}")
    return 1 if bad else 0


if __name__ == "__main__":  # pragma: no cover
    import sys
    if "--run" in sys.argv:
        sys.exit(_run("--quick" in sys.argv))
    if "--write" in sys.argv:
        _write_docs()
    else:
        print(schedule_table())
        print(plan_table())
        print(depth_table())
