"""Thm 5 (iterated 3×3 products by RWKV-7 / DeltaNet circuits) and Thm 7 (PD closure, lowered PD depth)."""
from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuits import CircuitError
from constructions.automata import products as P
from proofs_check import products_claims as pc

DOC = Path(__file__).resolve().parent.parent / "docs" / "products.md"


def _sign(x):
    return (x > 0) - (x < 0)


@pytest.mark.parametrize("arch", P.ARCHS)
@pytest.mark.parametrize("N,scan", [(1, "brent-kung"), (2, "reduce"), (3, "sklansky"), (4, "serial")])
def test_products_through_circuits(arch, N, scan):
    rng = np.random.default_rng(N)
    streams = [P.random_stream(rng, N) for _ in range(3)]
    res = P.run_streams(arch, streams, scan=scan)
    for si, s in enumerate(streams):
        want = P.direct_product(s)
        assert (res["products"][si] == want).all()
        for i in range(3):
            for j in range(3):
                assert P.sign_entry(res, si, i, j) == _sign(want[i, j])
                # the state is the product times the construction's positive scale, exactly
                assert res["states"][si, j, P.X[i]] == res["scales"][si] * want[i, j]
    assert all(sc > 0 for sc in res["scales"])


def test_hand_product_and_scale():
    A = [[1, 2, 0], [0, 1, 0], [0, 0, -1]]
    B = [[0, 1, 0], [1, 0, 0], [2, 0, 1]]
    want = np.array(B, dtype=object).dot(np.array(A, dtype=object))  # A applied first
    assert (P.direct_product([A, B]) == want).all()
    res = P.run_streams("rwkv7", [[A, B]], scan="brent-kung")
    assert (res["products"][0] == want).all()
    # largest squared row norm q = 5: α = 2^-⌈log₂(q + 1)⌉ = 1/8; scale σ² (α σ²)^(2N) with σ = 1/2, N = 2
    sch = res["schedules"][0]
    assert sch["alpha"] == Fraction(1, 8)
    assert sch["scale"] == Fraction(1, 4) * (Fraction(1, 8) * Fraction(1, 4)) ** 4


def test_rwkv7_ranges_and_unconstrained_variant():
    rng = np.random.default_rng(1)
    s = P.random_stream(rng, 5)
    cons = P.rwkv7_constraints(P.rwkv7_schedule(s))
    assert cons["ok"] and 0 < cons["w_min"] and cons["w_max"] < 1 and cons["a_norm_max"] <= 1
    worst = [[[2, 2, 2]] * 3]
    assert P.rwkv7_constraints(P.rwkv7_schedule(worst))["a_norm_max"] == Fraction(13, 16)
    res = P.run_streams("rwkv7", [s], scan="brent-kung", alpha=1, sigma=1)
    assert res["scales"][0] == 1 and (res["products"][0] == P.direct_product(s)).all()
    assert not P.rwkv7_constraints(res["schedules"][0])["ok"]


@pytest.mark.parametrize("arch", P.ARCHS)
def test_bos_fix(arch):
    """Without the BOS steps the state stays 0: the product is lost at N = 1 already."""
    M = [[1, 0, 0], [0, 2, 0], [0, 0, 1]]
    res = P.run_streams(arch, [[M]], scan="brent-kung", bos=False)
    assert all(x == 0 for x in np.asarray(res["states"]).ravel())
    assert (P.run_streams(arch, [[M]], scan="brent-kung")["products"][0] == np.array(M, dtype=object)).all()
    assert P.stream_length(arch, 1) == P.BOS_STEPS + P.STEPS_PER_MATRIX[arch]


def test_deltanet_rates_outside_unit_interval():
    M = [[1, -2, 0], [0, 0, 0], [2, 2, 2]]  # q = 5, 0, 12
    r = P.deltanet_rates(P.deltanet_schedule([M]))
    assert set(r["rates"]) == {0, 1, 2, Fraction(2) + Fraction(5, 2), Fraction(2) + 6}
    assert not r["within_0_1"]
    assert P.deltanet_schedule([M])["scale"] == 1


@settings(max_examples=8, deadline=None)
@given(st.lists(st.lists(st.lists(st.integers(-3, 3), min_size=3, max_size=3), min_size=3, max_size=3),
                min_size=1, max_size=3), st.sampled_from(P.ARCHS))
def test_property_small_streams(stream, arch):
    res = P.run_streams(arch, [stream], scan="ladner-fischer")
    assert (res["products"][0] == P.direct_product(stream)).all()


@pytest.mark.parametrize("bad,msg", [([], "at least one matrix"), ([[[1, 2], [3, 4]]], "3×3"),
                                     ([[[1, 0, 0], [0, 1.5, 0], [0, 0, 1]]], "integers"),
                                     ([[[1, 0, 0], [0, "x", 0], [0, 0, 1]]], "integers")])
def test_errors(bad, msg):
    with pytest.raises(CircuitError, match=msg) as e:
        P.rwkv7_schedule(bad)
    assert "\n" not in str(e.value)


def test_error_arch_and_lengths():
    with pytest.raises(CircuitError, match="unknown architecture"):
        P.schedule("mamba", [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]])
    with pytest.raises(CircuitError, match="same number"):
        P.run_streams("rwkv7", [[np.eye(3, dtype=int)], [np.eye(3, dtype=int)] * 2])
    with pytest.raises(CircuitError, match="N must be"):
        P.product_circuit("deltanet", 0)


def test_log_depth_of_product_circuits():
    depths = [P.product_circuit("rwkv7", 2 ** k, scan="brent-kung").depth() for k in range(2, 7)]
    inc = np.diff(depths)
    assert inc.max() - inc.min() <= 2 and inc.max() <= 10  # a constant per doubling, not linear growth


@pytest.mark.parametrize("arch", P.ARCHS)
def test_token_mode(arch):
    """The step parameters as a fixed table over the alphabet (entries in [−1, 1]), one-hot token streams."""
    toks = P.alphabet(arch, -1, 1)
    assert len(toks) == (3 + 3 * 27 + 3 if arch == "rwkv7" else 3 + 3 + 2 * 3 * 27 + 3)
    rng = np.random.default_rng(11)
    c, toks = P.token_circuit(arch, 2, 2, -1, 1)
    streams = [P.random_stream(rng, 2, -1, 1) for _ in range(2)]
    h = np.asarray(c.evaluate({"x": np.stack([P.token_inputs(arch, s, toks) for s in streams])},
                              domain="fraction")["h"], dtype=object)[:, -1]
    for i, s in enumerate(streams):
        sch = P.rwkv7_schedule(s, alpha=P.rwkv7_alpha(3)) if arch == "rwkv7" else P.deltanet_schedule(s)
        assert (h[i, list(P.X)] == sch["scale"] * P.direct_product(s)[:, 2]).all()
    with pytest.raises(CircuitError, match="not in the alphabet"):
        P.token_inputs(arch, [[[2, 0, 0], [0, 1, 0], [0, 0, 1]]], toks)


def test_tokens_drive_the_schedule():
    """The schedule is the token sequence's parameters: one source for the free and the token mode."""
    M = [[1, -1, 0], [0, 0, 0], [2, 1, -2]]
    toks = P.stream_tokens("deltanet", [M])
    assert toks[:3] == [("bos", 0), ("bos", 1), ("bos", 2)] and toks[-1] == ("swap", 2)
    assert len(toks) == P.stream_length("deltanet", 1)
    sch = P.deltanet_schedule([M])
    for t, tok in enumerate(toks):
        p = P.deltanet_step(tok)
        assert sch["beta"][t] == p["beta"] and list(sch["k"][t]) == list(p["k"])
    with pytest.raises(CircuitError, match="unknown token"):
        P.rwkv7_step(("swap", 0), Fraction(1, 4))


# ---------------------------------------------------------------------------------------------------------
# claims and their negative controls (small plans)
@pytest.mark.parametrize("arch", P.ARCHS)
def test_stream_check_and_negatives(arch):
    plan = [(1, 3, "brent-kung"), (2, 2, "serial")]
    v = pc._check_streams(arch, True, plan=plan)
    assert v.status == "equal" and v.evidence["scope"]["streams"] == 5
    for broken in ("no-bos", "transpose"):
        assert pc._check_streams(arch, True, broken).status == "not_equal"


@pytest.mark.parametrize("arch", P.ARCHS)
def test_long_check_quick(arch):
    v = pc._check_long(arch, True)
    assert v.status == "equal" and v.evidence["scope"]["N"] == 16 and v.evidence["circuit"]["depth"] < 60


def test_phase_counters():
    for arch, p in P.STEPS_PER_MATRIX.items():
        assert P.matrix_order(P.phase_counter(p)) == p
    assert P.phase_counter(12).shape == (4, 4) and P.phase_counter(6).shape == (2, 2)
    assert P.matrix_order(P.phase_counter(12, (4, 2))) == 4
    with pytest.raises(CircuitError, match="orders 1, 2, 3, 4, 6"):
        P.phase_counter(1404)
    assert pc._check_phase().status == "equal" and pc._check_phase((4, 2)).status == "not_equal"


def test_unconstrained_negative():
    assert pc._rwkv7_unconstrained(True).status == "not_equal"


def test_det_obstruction():
    assert pc._det_obstruction(1).status == "equal"
    v = pc._det_obstruction(2)
    assert v.status == "not_equal" and v.counterexample["equals_M"]


def test_pd_closure_every_d_and_gadget():
    v = pc.pd_closure_every_d()
    assert v.status == "equal" and v.evidence["P'[i,j]"] == "KroneckerDelta(i, g(f(j)))"
    assert pc.pd_closure_every_d(naive=True).status == "not_equal"
    assert pc.gadget_is_index_formula(range(1, 5)).status == "equal"
    assert pc.gadget_is_index_formula(range(2, 3), swap=True).status == "not_equal"


def test_fit_log_exact():
    rows = [{"n": 2 ** k, "bool_depth": 5 + 3 * k} for k in range(3, 7)]
    f = pc.fit_log(rows)
    assert f["a"] == 5 and f["b"] == 3 and f["max_abs_residual"] == 0 and f["increments"] == [3, 3, 3]


def test_lowered_depth_small():
    rows = pc.lowered_depths(range(3, 5))
    assert [r["n"] for r in rows] == [8, 16]
    assert rows[1]["bool_depth"] > rows[0]["bool_depth"]


# ---------------------------------------------------------------------------------------------------------
# docs: the tables are the code's output
def _block(tag):
    text = DOC.read_text(encoding="utf-8")
    m = re.search(rf"<!-- {tag}:begin -->\n(.*?)<!-- {tag}:end -->", text, re.S)
    assert m, f"docs/products.md has no {tag} block"
    return m.group(1)


def test_doc_schedule_table():
    assert _block("schedules") == pc.schedule_table()


def test_doc_depth_rows():
    block = _block("depth")
    for r in pc.lowered_depths(range(3, 5)):
        assert f"| {r['n']} | {r['arith_depth']} | {r['bool_depth']} | {r['aig_levels']} |" in block
