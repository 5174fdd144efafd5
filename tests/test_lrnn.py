"""LRNN circuits equal the sequential recurrence, for every family and schedule; closed forms equal the built
circuits; LRNN depth grows like log n and RNN depth like n."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuits import Circuit, CircuitError
from constructions.lrnn import (FAMILIES, build_lrnn, collect_states, free_transitions, iterated_product, need_a,
                                recurrence, scan_states)
from constructions.lrnn_bounds import (LOG_FAMILIES, closed_form, covering0, d_sym, dplr_cost, exact_depth,
                                       exact_size, leaf0_depth, product_closed_form)
from constructions.rnn import build_rnn, rnn_depth, rnn_reference, rnn_size
from constructions.scans import SCHEDULES, n_sym, schedule

P = 2_147_483_647  # prime


def random_params(rng, family, n, d, r=1, lo=-5, hi=6, fractions=False):
    def ints(shape):
        x = rng.integers(lo, hi, shape)
        if fractions:
            den = rng.integers(1, 4, shape)
            return np.vectorize(lambda a, b: Fraction(int(a), int(b)), otypes=[object])(x, den)
        return x

    p = {"b": ints((n, d))}
    if family == "diagonal":
        p["a"] = ints((n, d))
    elif family == "dense":
        p["A"] = ints((n, d, d))
    elif family == "pd":
        Pm = np.zeros((n, d, d), dtype=np.int64)
        for t in range(n):
            Pm[t, rng.integers(0, d, d), np.arange(d)] = 1  # column one-hot
        p["P"] = Pm
        p["D"] = ints((n, d))
    else:
        p["D"] = ints((n, d))
        p["U"] = ints((n, d, r))
        p["V"] = ints((n, d, r))
    return p


def _check(c, family, n, d, r, rng, final_only, batch=2):
    """Evaluate over GF(P) on ``batch`` random points and compare with the exact recurrence mod P."""
    ps = [random_params(rng, family, n, d, r) for _ in range(batch)]
    h0s = [rng.integers(-5, 6, d) for _ in range(batch)]
    values = {k: np.stack([p[k] for p in ps]) for k in ps[0]}
    values["h0"] = np.stack(h0s)
    got = collect_states(c.evaluate(values, domain=("gf", P)), n, d, final_only)
    for i in range(batch):
        want = recurrence(family, ps[i], h0s[i])
        want = want[-1] if final_only else want
        want = np.vectorize(lambda v: int(v) % P, otypes=[object])(want)
        assert np.array_equal(np.asarray(got[i], dtype=object), want), (family, n, d, r)


GRID_N = list(range(1, 34)) + [64, 100]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("scan", SCHEDULES)
def test_every_family_and_schedule_equals_recurrence(family, scan):
    rng = np.random.default_rng(hash((family, scan)) % 2**32)
    final_only = scan == "reduce"
    for d in (1, 2, 3, 4):
        ranks = [1, 2] if (family == "dplr" and d >= 2) else [1]
        for r in ranks:
            for n in GRID_N:
                c = build_lrnn(family, n, d, scan=scan, rank=r, final_only=final_only)
                _check(c, family, n, d, r, rng, final_only)


@pytest.mark.parametrize("family", FAMILIES)
def test_exported_json_evaluates_the_same(family, tmp_path):
    rng = np.random.default_rng(5)
    for n, d, scan in ((1, 2, "sklansky"), (7, 3, "brent-kung"), (12, 2, "kogge-stone")):
        c = build_lrnn(family, n, d, scan=scan, rank=1)
        c.save(tmp_path / "c.json")
        back = Circuit.load(tmp_path / "c.json")
        p = random_params(rng, family, n, d, fractions=True)
        p["h0"] = rng.integers(-3, 4, d)
        a = c.evaluate(p, domain="fraction")["h"]
        b = back.evaluate(p, domain="fraction")["h"]
        assert np.array_equal(a, b)
        assert np.array_equal(a, recurrence(family, p, p["h0"]))


@settings(max_examples=60, deadline=None)
@given(family=st.sampled_from(FAMILIES), scan=st.sampled_from(SCHEDULES), n=st.integers(1, 40),
       d=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_property_circuit_equals_recurrence_over_rationals(family, scan, n, d, seed):
    rng = np.random.default_rng(seed)
    r = int(rng.integers(1, d + 1)) if family == "dplr" else 1
    final_only = scan == "reduce"
    c = build_lrnn(family, n, d, scan=scan, rank=r, final_only=final_only)
    p = random_params(rng, family, n, d, r, lo=-3, hi=4, fractions=True)
    h0 = np.array([Fraction(int(x), 2) for x in rng.integers(-3, 4, d)], dtype=object)
    got = collect_states(c.evaluate({**p, "h0": h0}, domain="fraction"), n, d, final_only)
    want = recurrence(family, p, h0)
    assert np.array_equal(got, want[-1] if final_only else want)


def test_negative_control_wrong_operand_order_is_caught():
    """Composing (A1, b1) ∘ (A2, b2) instead of (A2, b2) ∘ (A1, b1) must be detected by the same check."""
    import constructions.lrnn as L

    rng = np.random.default_rng(0)
    orig = L._Dense.compose

    def swapped(c, A2, A1):
        return orig(c, A1, A2)

    L._Dense.compose = staticmethod(swapped)
    try:
        c = build_lrnn("dense", 8, 2, scan="sklansky")
        with pytest.raises(AssertionError):
            _check(c, "dense", 8, 2, 1, rng, False)
    finally:
        L._Dense.compose = staticmethod(orig)
    _check(build_lrnn("dense", 8, 2, scan="sklansky"), "dense", 8, 2, 1, rng, False)


def test_token_mode_recognises_parity_like_language():
    """Token mode: one-hot inputs select constant transitions; y[t] = cᵀ h_t."""
    # two tokens: 0 keeps the state, 1 swaps the two coordinates (a PD transition)
    tokens = {"P": np.array([[[1, 0], [0, 1]], [[0, 1], [1, 0]]]), "D": np.ones((2, 2), dtype=int),
              "b": np.zeros((2, 2), dtype=int)}
    n = 9
    c = build_lrnn("pd", n, 2, scan="brent-kung", mode="token", tokens=tokens, h0=[1, 0], readout=[0, 1])
    rng = np.random.default_rng(3)
    for _ in range(10):
        w = rng.integers(0, 2, n)
        onehot = np.eye(2, dtype=int)[w]
        y = c.evaluate({"x": onehot}, domain="int")["y"]
        assert list(y) == [int(np.sum(w[: t + 1]) % 2) for t in range(n)]  # y[t] = parity of the prefix
    with pytest.raises(CircuitError, match="one 1 per column"):
        build_lrnn("pd", 3, 2, mode="token", tokens={**tokens, "P": np.array([[[1, 1], [1, 0]]] * 2)})


def test_token_mode_equals_recurrence_all_families():
    from constructions.models import example_tokens

    rng = np.random.default_rng(11)
    for family in FAMILIES:
        tok = example_tokens(family, 3, 3, rank=1, seed=4)
        c = build_lrnn(family, 10, 3, scan="ladner-fischer", mode="token", tokens=tok)
        w = rng.integers(0, 3, 10)
        params = {k: np.asarray(v)[w] for k, v in tok.items()}
        got = c.evaluate({"x": np.eye(3, dtype=int)[w]}, domain="int")["h"]
        assert np.array_equal(got, recurrence(family, params, np.zeros(3, dtype=int)))


def test_iterated_product_all_schedules():
    rng = np.random.default_rng(2)
    for scan in SCHEDULES:
        for n in (1, 2, 5, 16):
            c = Circuit()
            tr = free_transitions(c, "dense", n, 3)
            prods = iterated_product(c, tr, scan=scan)
            c.output("Q", prods["A"])
            S, D = product_closed_form("dense", scan)
            if n >= 2 and (n & (n - 1)) == 0:
                assert c.size() == int(S.subs({n_sym: n, d_sym: 3}))
                assert c.depth() == int(D.subs({n_sym: n, d_sym: 3}))
            A = rng.integers(-3, 4, (n, 3, 3)).astype(object)
            got = c.evaluate({"A": A, "b": np.zeros((n, 3), dtype=int)}, domain="int")["Q"]
            pref, acc = [], None
            for t in range(n):
                acc = A[t] if acc is None else A[t].dot(acc)
                pref.append(acc)
            want = np.array([pref[-1]]) if scan == "reduce" else np.array(pref)
            assert np.array_equal(got, want)


# ---------------------------------------------------------------------------------------------------------
# closed forms
@pytest.mark.parametrize("family", LOG_FAMILIES)
@pytest.mark.parametrize("scan", SCHEDULES)
def test_closed_forms_match_built_circuits(family, scan):
    S, D = closed_form(family, scan)
    final_only = scan == "reduce"
    for k in range(1, 8):
        for d in (1, 2, 3, 4, 5):
            c = build_lrnn(family, 2**k, d, scan=scan, final_only=final_only)
            assert c.size() == int(S.subs({n_sym: 2**k, d_sym: d})), (k, d)
            assert c.depth() == int(D.subs({n_sym: 2**k, d_sym: d})), (k, d)
    for n in range(1, 40):
        for d in (1, 2, 3):
            c = build_lrnn(family, n, d, scan=scan, final_only=final_only)
            assert (c.size(), c.depth()) == (exact_size(family, scan, n, d), exact_depth(family, scan, n, d))


def test_dense_product_formula_from_the_issue():
    """The balanced product of n d×d matrices: size (n−1)(2d³−d²), depth ⌈log₂n⌉(1+⌈log₂d⌉)."""
    for n in (2, 3, 8, 13, 64):
        for d in (1, 2, 3, 4, 5):
            c = Circuit()
            tr = free_transitions(c, "dense", n, d)
            c.output("Q", iterated_product(c, tr, scan="reduce")["A"])
            assert c.size() == (n - 1) * (2 * d**3 - d**2)
            assert c.depth() == math.ceil(math.log2(n)) * (1 + math.ceil(math.log2(d)) if d > 1 else 1)


def test_schedule_facts_used_by_the_formulas():
    for scan in SCHEDULES:
        for n in range(1, 70):
            s = schedule(scan, n)
            # nodes covering input 0: one per prefix for full scans, one per level for the reduction
            assert covering0(s) == (s.depth if scan == "reduce" else n - 1)
            # the A-needed nodes are exactly the nodes not covering input 0
            need = need_a(s, False)[n:]
            assert np.array_equal(need, s.ranges[n:, 0] > 0)
            assert leaf0_depth(s) in (s.depth, s.depth + 1)


def test_dplr_cost_model_matches():
    for scan in SCHEDULES:
        for n in (1, 2, 3, 7, 16, 33):
            for d, r in ((2, 1), (3, 1), (4, 1), (6, 1), (6, 2), (8, 3), (3, 3)):
                c = build_lrnn("dplr", n, d, scan=scan, rank=r, final_only=scan == "reduce")
                assert (c.size(), c.depth()) == dplr_cost(n, d, r, scan), (scan, n, d, r)


def test_dplr_low_rank_cheaper_than_dense_for_small_rank():
    """The low-rank form pays off: DPLR with r = 1 at d = 16 costs less than the dense family."""
    a = build_lrnn("dplr", 16, 16, scan="serial", rank=1)
    b = build_lrnn("dense", 16, 16, scan="serial")
    assert a.size() < b.size()


# ---------------------------------------------------------------------------------------------------------
# growth
def test_lrnn_depth_logarithmic_rnn_depth_linear():
    ks = range(4, 13)
    lr = [build_lrnn("diagonal", 2**k, 2, scan="sklansky").depth() for k in ks]
    rn = [build_rnn(2**k, 2, 1).depth() for k in ks]
    # LRNN: each doubling of n adds the same constant (one combine level): depth = a·log2(n) + b
    steps = np.diff(lr)
    assert len(set(steps.tolist())) == 1 and steps[0] > 0
    # RNN: depth doubles with n: depth = c·n
    assert all(rn[i + 1] == 2 * rn[i] for i in range(len(rn) - 1))
    assert rn[-1] > 100 * lr[-1]


def test_rnn_equals_reference_and_formulas():
    rng = np.random.default_rng(8)
    for n in (1, 2, 7):
        for d, m, hidden in ((1, 1, None), (2, 0, None), (3, 2, None), (2, 1, 3)):
            for act in ("relu", "step"):
                c = build_rnn(n, d, m, act=act, hidden=hidden)
                k = hidden or d
                v = {"W": rng.integers(-2, 3, (k, d)), "c": rng.integers(-2, 3, k), "h0": rng.integers(-2, 3, d)}
                if m:
                    v["U"] = rng.integers(-2, 3, (k, m))
                    v["x"] = rng.integers(-2, 3, (n, m))
                if hidden:
                    v["W2"] = rng.integers(-2, 3, (d, k))
                    v["c2"] = rng.integers(-2, 3, d)
                got = c.evaluate(v, domain="int")["h"]
                assert np.array_equal(got, rnn_reference(v, n, act, hidden is not None))
                assert (c.size(), c.depth()) == (rnn_size(n, d, m, hidden), rnn_depth(n, d, m, hidden))


def test_rnn_with_constant_weights():
    W = [[1, -1], [0, 1]]
    c = build_rnn(4, 2, 1, params="constants", values={"W": W, "U": [[1], [1]], "c": [0, 0]})
    out = c.evaluate({"x": [[1], [0], [2], [1]], "h0": [0, 0]}, domain="int")["h"]
    want = rnn_reference({"W": W, "U": [[1], [1]], "c": [0, 0], "x": [[1], [0], [2], [1]], "h0": [0, 0]}, 4)
    assert np.array_equal(out, want)
    with pytest.raises(CircuitError, match="shape"):
        build_rnn(2, 2, 1, params="constants", values={"W": [[1]], "U": [[1], [1]], "c": [0, 0]})


@pytest.mark.parametrize("bad", [dict(n=0, d=2), dict(n=3, d=0), dict(n=3, d=2, scan="nope"),
                                 dict(n=3, d=2, family="dplr", rank=3), dict(n=3, d=2, family="sparse")])
def test_bad_parameters(bad):
    kw = dict(bad)
    family = kw.pop("family", "dense")
    with pytest.raises(CircuitError):
        build_lrnn(family, **kw)


def test_final_state_outputs_named_like_the_full_circuit():
    """The final-state circuit's outputs are h[n-1][i], so it can be checked against the full circuit."""
    from proofs_check.equivalence import check_equivalent
    full = build_lrnn("dense", 6, 2, scan="sklansky")
    last = build_lrnn("dense", 6, 2, final_only=True)
    assert list(last.outputs) == ["h[5][0]", "h[5][1]"]
    trimmed = Circuit.from_json({**full.to_json(), "outputs": [o for o in full.to_json()["outputs"]
                                                               if o[0].startswith("h[5]")]})
    assert check_equivalent(trimmed, last).status == "equal"
    assert check_equivalent(full, last).status == "not_equal"  # different output sets


def test_scan_states_final_only_shape():
    c = Circuit()
    tr = free_transitions(c, "diagonal", 5, 3)
    h = scan_states(c, tr, c.input("h0", (3,)), final_only=True)
    assert np.asarray(h).shape == (3,)


def test_scan_states_reduce_means_last_state():
    c = Circuit()
    tr = free_transitions(c, "dense", 6, 2)
    assert np.asarray(scan_states(c, tr, c.input("h0", (2,)), scan="reduce")).shape == (2,)
