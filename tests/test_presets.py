"""Named architectures (constructions.presets): each circuit equals its preset's sequential recurrence.

LRNN presets are checked exactly over rationals for several (n, d), including non powers of two, and several
scans; the nonlinear chains over floats. Negative controls show that the comparison catches a wrong sign, a
wrong factor order and a transposed transition.
"""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuits import CircuitError
from constructions.lrnn import build_lrnn
from constructions.models import build_model, model_names
from constructions.presets import PRESETS

LRNN = [name for name, p in PRESETS.items() if p.family != "nonlinear"]
NONLINEAR = [name for name, p in PRESETS.items() if p.family == "nonlinear"]
EXPECTED = {"mamba", "s4d", "deltanet", "gated-deltanet", "deltaproduct", "rwkv7", "pd-ssm", "mamba2", "gla",
            "mlstm", "elman", "slstm"}
SHAPES = [(1, 1), (3, 2), (6, 3), (7, 4), (12, 5)]
SCANS = [("serial", False), ("sklansky", False), ("brent-kung", False), ("kogge-stone", False),
         ("brent-kung", True)]  # final_only = the balanced reduce schedule


def _h(res):
    """The states of an evaluate() result: the array ``h``, or a final-state circuit's ``h[n-1][i]``."""
    if "h" in res:
        return res["h"]
    keys = sorted((k for k in res if k.startswith("h[")), key=lambda k: int(k.rsplit("[", 1)[1][:-1]))
    return np.stack([np.asarray(res[k], dtype=object) for k in keys], axis=-1)


def _eval_exact(c, values):
    return np.asarray(_h(c.evaluate(values, domain="fraction")), dtype=object)


def _states(preset, n, d, scan="brent-kung", final_only=False, seed=0, **extra):
    rng = np.random.default_rng(seed)
    c = preset.build(n, d, scan=scan, final_only=final_only, **extra)
    values = preset.sample(n, d, rng, exact=preset.exact, **extra)
    return c, values


# ---------------------------------------------------------------------------------------------------------
def test_registry_and_attributes():
    assert EXPECTED <= set(PRESETS)
    for name, p in PRESETS.items():
        assert p.name == name
        assert p.family in ("diagonal", "pd", "dplr", "dense", "nonlinear")
        assert isinstance(p.recurrence, str) and p.recurrence
        assert isinstance(p.source, str) and any(ch.isdigit() for ch in p.source)  # carries a year
        assert p.exact is (p.family != "nonlinear")
    fam = {n: PRESETS[n].family for n in PRESETS}
    assert fam["deltanet"] == fam["gated-deltanet"] == fam["deltaproduct"] == fam["rwkv7"] == "dplr"
    assert fam["pd-ssm"] == "pd"
    assert all(fam[n] == "diagonal" for n in ("mamba", "mamba2", "s4d", "gla", "mlstm"))


@pytest.mark.parametrize("name", LRNN)
@pytest.mark.parametrize("scan,final_only", SCANS)
def test_lrnn_presets_exact(name, scan, final_only):
    p = PRESETS[name]
    for k, (n, d) in enumerate(SHAPES):
        c, values = _states(p, n, d, scan, final_only, seed=k)
        assert c.basis == "arithmetic"
        got = _eval_exact(c, values)
        ref = p.reference(values, n)
        assert ref.shape == (n, d)
        want = ref[-1] if final_only else ref
        assert got.shape == want.shape
        assert all(isinstance(x, (int, Fraction)) for x in got.ravel())
        assert np.array_equal(got, want), (name, n, d, scan, final_only)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(LRNN), n=st.integers(1, 17), d=st.integers(1, 6),
       scan=st.sampled_from(["serial", "sklansky", "kogge-stone", "brent-kung", "ladner-fischer", "han-carlson",
                             "blelloch", "reduce"]),
       seed=st.integers(0, 2**16))
def test_lrnn_presets_exact_property(name, n, d, scan, seed):
    p = PRESETS[name]
    c, values = _states(p, n, d, scan, final_only=False, seed=seed)
    ref = p.reference(values, n)
    assert np.array_equal(_eval_exact(c, values), ref[-1] if scan == "reduce" else ref)


@pytest.mark.parametrize("h", [1, 2, 3, 4])
@pytest.mark.parametrize("n,d", [(5, 2), (9, 5), (6, 7)])
def test_deltaproduct_householders(h, n, d):
    """Rank-h Householder products, incl. h ≥ d/2 (dense scan nodes) and h > d."""
    p = PRESETS["deltaproduct"]
    for scan in ("serial", "sklansky"):
        c, values = _states(p, n, d, scan, householders=h, seed=h * 100 + d)
        assert c.inputs["k"].shape == (n, h, d)
        assert np.array_equal(_eval_exact(c, values), p.reference(values, n))


def test_deltaproduct_rank_option():
    p = PRESETS["deltaproduct"]
    assert p.build(4, 5).inputs["beta"].shape == (4, 2)  # default: 2 Householder factors
    assert p.build(4, 5, rank=3).inputs["beta"].shape == (4, 3)  # --rank h sets householders
    assert build_model("deltaproduct", n=4, d=5, householders=4).inputs["beta"].shape == (4, 4)
    assert build_model("deltaproduct", n=4, d=5, rank=1).inputs["beta"].shape == (4, 1)  # 1 is a rank too
    assert p.build(4, 5, rank=1).inputs["beta"].shape == (4, 1)
    with pytest.raises(CircuitError):
        p.build(4, 5, rank=3, householders=2)
    with pytest.raises(CircuitError):
        p.build(4, 5, householders=0)


@pytest.mark.parametrize("name", NONLINEAR)
@pytest.mark.parametrize("n,d,m", [(1, 1, 1), (5, 3, 2), (9, 4, 1)])
def test_nonlinear_presets_float(name, n, d, m):
    p = PRESETS[name]
    rng = np.random.default_rng(n * 10 + d)
    c = p.build(n, d, m=m)
    assert c.basis == "mixed"
    values = p.sample(n, d, rng, exact=False, m=m)
    got = np.asarray(c.evaluate(values, domain="float")["h"], dtype=float)
    ref = p.reference(values, n, m=m)
    assert got.shape == ref.shape == (n, d)
    assert np.allclose(got, ref, rtol=1e-12, atol=1e-12)
    last = _h(p.build(n, d, m=m, final_only=True).evaluate(values, domain="float"))
    assert np.allclose(np.asarray(last, dtype=float), ref[-1])
    # a chain: depth grows linearly in n
    assert p.build(2 * n, d, m=m).depth() == 2 * c.depth()


def test_slstm_exp_forget_and_ops():
    p = PRESETS["slstm"]
    n, d = 4, 3
    c = p.build(n, d, forget="exp")
    values = p.sample(n, d, np.random.default_rng(7), exact=False)
    got = np.asarray(c.evaluate(values, domain="float")["h"], dtype=float)
    assert np.allclose(got, p.reference(values, n, forget="exp"))
    assert not np.allclose(got, p.reference(values, n))  # sigmoid forget gate differs
    ops = c.count_ops()
    assert ops["exp"] == 2 * n * d and ops["recip"] == n * d and ops["sigmoid"] == n * d
    with pytest.raises(CircuitError):
        p.build(n, d, forget="relu")
    exact_values = p.sample(n, d, np.random.default_rng(0), exact=True)
    exact_values["n0"] = np.ones(d, dtype=int)
    with pytest.raises(CircuitError, match="cannot be evaluated in the fraction domain"):  # float-only gates
        c.evaluate(exact_values, domain="fraction")


# ---------------------------------------------------------------------------------------------------------
# negative controls: the comparison must catch near-miss recurrences
def test_negative_control_deltanet_sign():
    p = PRESETS["deltanet"]
    n, d = 6, 3
    c, values = _states(p, n, d, "sklansky", seed=3)
    got = _eval_exact(c, values)
    beta, k, v = (np.asarray(values[x], dtype=object) for x in ("beta", "k", "v"))
    h = np.asarray(values["h0"], dtype=object)
    wrong = []
    for t in range(n):
        A = np.identity(d, dtype=int).astype(object) + beta[t] * np.outer(k[t], k[t])  # I + β k kᵀ: wrong sign
        h = A.dot(h) + beta[t] * v[t] * k[t]
        wrong.append(h)
    assert np.array_equal(got, p.reference(values, n))
    assert not np.array_equal(got, np.array(wrong, dtype=object))


def test_negative_control_deltaproduct_order():
    """A_t = F_h ⋯ F_1 (factor 1 applied first); the reversed product F_1 ⋯ F_h must disagree."""
    p = PRESETS["deltaproduct"]
    n, d, H = 5, 4, 3
    c, values = _states(p, n, d, "serial", householders=H, seed=11)
    got = _eval_exact(c, values)
    beta, k, v = (np.asarray(values[x], dtype=object) for x in ("beta", "k", "v"))
    h = np.asarray(values["h0"], dtype=object)
    wrong = []
    for t in range(n):
        for j in reversed(range(H)):
            h = h - beta[t, j] * k[t, j] * k[t, j].dot(h) + beta[t, j] * v[t, j] * k[t, j]
        wrong.append(h)
    assert not np.array_equal(got, np.array(wrong, dtype=object))


def test_negative_control_rwkv7_transpose():
    """One row of the paper's wkv state evolves by G_tᵀ; applying G_t = diag(w) − κ̂ (a ⊙ κ̂)ᵀ to a column
    differs."""
    p = PRESETS["rwkv7"]
    n, d = 5, 4
    c, values = _states(p, n, d, "brent-kung", seed=5)
    got = _eval_exact(c, values)
    w, kap, a, v, k = (np.asarray(values[x], dtype=object) for x in ("w", "kappa", "a", "v", "k"))
    h = np.asarray(values["h0"], dtype=object)
    wrong = []
    for t in range(n):
        G = np.diag(w[t]).astype(object) - np.outer(kap[t], a[t] * kap[t])
        h = G.dot(h) + v[t] * k[t]
        wrong.append(h)
    assert not np.array_equal(got, np.array(wrong, dtype=object))


# ---------------------------------------------------------------------------------------------------------
def test_gate_counts_are_scan_plus_transition_gates():
    """The scan is the shared code: a preset's size is the generic family's plus its own per-token gates."""
    n, d = 11, 6
    dplr = build_lrnn("dplr", n, d, rank=1).size()
    diag = build_lrnn("diagonal", n, d).size()
    # DeltaNet's D = 1 is a constant: the IR folds the multiplications by 1, so it costs less than generic DPLR
    assert PRESETS["deltanet"].build(n, d).size() < dplr + n * (2 * d + 2)  # −β, −β·k, β·v, (β v)·k
    assert PRESETS["gated-deltanet"].build(n, d).size() == dplr + n * (2 * d + 3)
    assert PRESETS["rwkv7"].build(n, d).size() == dplr + 3 * n * d  # a⊙κ̂, its negation, v·k
    assert PRESETS["mamba"].build(n, d).size() == diag + n * d
    assert PRESETS["mamba2"].build(n, d).size() == diag
    assert PRESETS["s4d"].build(n, d).size() == diag
    assert PRESETS["gla"].build(n, d).size() == diag + n * d
    assert PRESETS["mlstm"].build(n, d).size() == diag + n * (d + 1)
    assert PRESETS["pd-ssm"].build(n, d).size() == build_lrnn("pd", n, d).size()


def test_options_and_errors():
    with pytest.raises(CircuitError):
        PRESETS["deltanet"].build(4, 3, rank=2)  # the architecture fixes rank 1
    with pytest.raises(CircuitError):
        PRESETS["mamba"].build(4, 3, householders=2)  # not an option of mamba
    with pytest.raises(CircuitError):
        PRESETS["gla"].build(4, 3, scan="nope")
    with pytest.raises(CircuitError):
        PRESETS["gla"].build(0, 3)
    # reduce = last state only, named like the full circuit's last row
    assert list(PRESETS["gla"].build(4, 3, scan="reduce").outputs) == ["h[3][0]", "h[3][1]", "h[3][2]"]
    c = PRESETS["mamba"].build(4, 3)
    assert set(c.inputs) == {"abar", "delta", "Bx", "h0"}
    assert set(c.inputs) == set(PRESETS["mamba"].input_shapes(4, 3))
    for name, p in PRESETS.items():
        c = p.build(3, 2)
        shapes = p.input_shapes(3, 2)
        assert {k: v.shape if hasattr(v, "shape") else () for k, v in c.inputs.items()} == shapes


# ---------------------------------------------------------------------------------------------------------
def test_build_model_and_names():
    names = model_names()
    for name in PRESETS:
        assert name in names
        c = build_model(name, n=5, d=3)
        assert c.size() > 0 and c.outputs["h"].shape == (5, 3)
        scan = {"scan": "reduce"} if PRESETS[name].linear else {}  # chains have no scan: refused, not ignored
        c = build_model(name, n=5, d=3, final_only=True, **scan)
        assert list(c.outputs) == ["h[4][0]", "h[4][1]", "h[4][2]"]
        if not PRESETS[name].linear:
            with pytest.raises(CircuitError, match="scan: does not apply"):
                build_model(name, n=5, d=3, scan="sklansky")
    # build_model goes through the same builder
    c1 = build_model("gated-deltanet", n=7, d=4, scan="sklansky")
    c2 = PRESETS["gated-deltanet"].build(7, 4, scan="sklansky")
    assert (c1.size(), c1.depth()) == (c2.size(), c2.depth())


def test_cli_stats_deltanet_large():
    """'How deep is DeltaNet at 4k tokens': the CLI answers, and the depth is the DPLR scan's."""
    r = subprocess.run([sys.executable, "-m", "reports.cli", "stats", "--model", "deltanet", "--n", "4096",
                        "--d", "16", "--json"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["model"] == "deltanet" and out["size"] > 0
    # the transition's own gates sit beside the scan: the depth is the generic rank-1 DPLR scan's at 4096
    assert out["depth"] == build_lrnn("dplr", 4096, 16, rank=1).depth()


def test_cli_models_lists_presets():
    r = subprocess.run([sys.executable, "-m", "reports.cli", "models"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0
    listed = r.stdout.split()
    assert EXPECTED <= set(listed)
