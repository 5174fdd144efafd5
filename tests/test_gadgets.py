"""The compose/apply gadgets of constructions.lrnn against affine composition (proofs_check.gadgets), their
negative controls, and planted mutants of constructions/ that the claims must catch."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

import constructions.lrnn as L
from constructions.linalg import matmul, tree_sum
from proofs_check import gadgets as G
from proofs_check.claims import REGISTRY, load_builtin, run_claim


@pytest.mark.parametrize("family", G.FAMILIES)
def test_gadgets_equal_affine_composition(family):
    v = G.check_family(family, extra=G.LOWRANK_EXTRA[True] if family == "dplr" else ())
    assert v.status == "equal", v.summary()
    assert v.evidence["scope"]["d"] == [1, 6]
    if family == "dplr":
        paths = v.evidence["scope"]["paths"]
        assert set(paths) == {"low-rank ∘ low-rank → low-rank", "low-rank ∘ low-rank → dense (2(ρ2+ρ1) ≥ d)",
                              "low-rank ∘ dense → dense", "dense ∘ dense → dense", "apply, low rank",
                              "apply, dense"}
        assert paths["low-rank ∘ low-rank → low-rank"] == 2 + 2  # d = 5, 6 with ranks (1, 1), d = 7 extras


@pytest.mark.parametrize("family,gadget", [(f, g) for f in G.FAMILIES for g in ("compose", "apply")])
def test_each_gadget_negative_control_is_rejected(family, gadget):
    v = G.negative_control(family, gadget)
    assert v.status == "not_equal", v.summary()
    cx = v.counterexample
    assert cx["broken"] == G.BREAKS[family][gadget][0]
    # the counterexample is real: re-evaluate the broken gadget circuit at that point, independently
    d = cx["d"]
    f2, f1 = (cx["forms"] + [0])[:2]
    with G.broken_operator(family, gadget):
        c = G.gadget_circuit(family, d, gadget, f2, f1)
    vals = {k: np.array(v_, dtype=object) for k, v_ in cx["inputs"].items()}
    out = c.evaluate(vals, domain="fraction")
    assert {k: np.asarray(v_, dtype=object).tolist() for k, v_ in out.items()} == cx["circuit_outputs"]
    assert cx["circuit_matrix"] != cx["algebra"] or cx["what"] != "gadget != algebra"
    # and the correct gadget agrees with the algebra at the same point
    good = G.gadget_circuit(family, d, gadget, f2, f1).evaluate(vals, domain="fraction")
    if gadget == "apply":
        want = np.asarray(cx["algebra"], dtype=object)
        assert (np.asarray(good["y"], dtype=object) == want).all()


def test_gadget_symbols_are_the_circuit_inputs():
    """The sympy symbols of the algebra are the ones to_sympy gives the circuit's inputs (no silent mismatch)."""
    from circuits.symbolic import to_sympy
    c = G.gadget_circuit("dense", 2, "compose")
    e = to_sympy(c)["out_A"]
    assert e[0, 1] - (sp.Symbol("A2[0][0]") * sp.Symbol("A1[0][1]") + sp.Symbol("A2[0][1]") * sp.Symbol("A1[1][1]")) == 0


def test_zero_on_onehot():
    x = sp.symbols("x0:3")
    y = sp.symbols("y0:2")
    a = sp.Symbol("a")
    syms = list(x) + list(y) + [a]
    R = sp.ring(syms, sp.QQ)[0]
    cols = [[0, 1, 2], [3, 4]]
    assert G.zero_on_onehot(R(x[0] * x[1]), cols) is True
    assert G.zero_on_onehot(R(x[0] ** 2 - x[0]), cols) is True
    assert G.zero_on_onehot(R(x[0] + x[1] + x[2] - 1), cols) is True
    assert G.zero_on_onehot(R(a * (y[0] + y[1]) - a), cols) is True
    assert G.zero_on_onehot(R(x[0] - x[1]), cols) is False
    assert G.zero_on_onehot(R(x[0] * y[0] - a), cols) is False
    # brute force agrees on random polynomials of low degree
    rng = np.random.default_rng(0)
    for _ in range(30):
        terms = [int(rng.integers(-1, 2)) * sp.Mul(*[syms[int(i)] for i in rng.integers(0, 5, int(rng.integers(0, 3)))])
                 for _ in range(4)]
        e = sp.Add(*terms)
        brute = all(sp.expand(e.subs({**{v: int(i == k) for i, v in enumerate(x)},
                                      **{v: int(i == m) for i, v in enumerate(y)}})) == 0
                    for k, m in itertools.product(range(3), range(2)))
        assert G.zero_on_onehot(R(e), cols) is brute, e


# ---------------------------------------------------------------------------------------------------------
# planted mutants: the claims that must catch them
def _dplr_compose_d1_for_d2(c, A2, A1, d):
    """The mutant of issue 7: D1 where D2 belongs in the low-rank compose (wrong only when it stays low rank,
    i.e. d >= 5)."""
    if "A" not in A2 and "A" not in A1 and L.lowrank_ok(A2["U"].shape[-1] + A1["U"].shape[-1], d):
        D2, U2, V2 = A2["D"], A2["U"], A2["V"]
        D1, U1, V1 = A1["D"], A1["U"], A1["V"]
        M = matmul(c, np.swapaxes(V2, -1, -2), U1)
        du = c.mul(np.asarray(D1)[..., None], U1)  # mutant: D1 instead of D2
        um = c.mul(np.asarray(U2)[..., :, None, :], np.swapaxes(M, -1, -2)[..., None, :, :])
        left = L._rows_plus(c, um, du)
        return {"D": c.mul(D2, D1), "U": np.concatenate([left, U2], axis=-1),
                "V": np.concatenate([V1, c.mul(np.asarray(D1)[..., None], V2)], axis=-1)}
    return L._Dense.compose(c, L._DPLR.to_dense(c, A2), L._DPLR.to_dense(c, A1))


def test_dplr_d1_d2_mutant_is_caught(monkeypatch):
    monkeypatch.setattr(L._DPLR, "compose", staticmethod(_dplr_compose_d1_for_d2))
    assert G.check_family("dplr", dims=range(1, 5)).status == "equal"  # invisible below d = 5
    v = G.check_family("dplr")
    assert v.status == "not_equal" and v.counterexample["d"] == 5 and v.counterexample["forms"] == [1, 1]
    load_builtin()
    assert run_claim(REGISTRY["dplr-rank"], quick=True).status == "failed"


def _pd_compose_without_gather(c, A2, A1):
    return {"P": matmul(c, A2["P"], A1["P"]), "D": c.mul(A2["D"], A1["D"])}


def _pd_compose_P_reversed(c, A2, A1):
    P = matmul(c, A1["P"], A2["P"])
    g = tree_sum(c, c.mul(np.swapaxes(A1["P"], -1, -2), np.asarray(A2["D"])[..., None, :]), axis=-1)
    return {"P": P, "D": c.mul(g, A1["D"])}


@pytest.mark.parametrize("mutant", [_pd_compose_without_gather, _pd_compose_P_reversed])
def test_pd_mutants_are_caught(monkeypatch, mutant):
    monkeypatch.setattr(L._PD, "compose", staticmethod(mutant))
    v = G.check_family("pd", dims=range(1, 4))
    assert v.status == "not_equal"


def test_pd_gadget_needs_one_hot_P():
    """Honesty of the PD check: the compose is only right for column one-hot P; with P unconstrained the same
    identity fails, so the one-hot expansion is doing real work."""
    from circuits.symbolic import to_sympy
    c = G.gadget_circuit("pd", 2, "compose")
    res, onehot, _ = G._difference("pd", 2, "compose", 0, 0, to_sympy(c))
    assert any(sp.expand(e) != 0 for _, e in res)
    assert all(G._zero_all([e for _, e in res], onehot))


def test_compose_depth_mutant_is_caught_by_lrnn_depth_log(monkeypatch):
    orig = L._Diagonal.compose
    monkeypatch.setattr(L._Diagonal, "compose",
                        staticmethod(lambda c, A2, A1: {"a": c.neg(c.neg(orig(c, A2, A1)["a"]))}))
    load_builtin()
    assert run_claim(REGISTRY["lrnn-depth-log"], quick=True).status == "failed"


def test_cost_constant_mutant_is_caught_by_lrnn_depth_log(monkeypatch):
    import constructions.lrnn_bounds as LB
    orig = LB.family_costs

    def off_by_one(family):
        t = dict(orig(family))
        if family == "dense":
            t["alpha"] = t["alpha"] + 1
        return t
    monkeypatch.setattr(LB, "family_costs", off_by_one)
    load_builtin()
    assert run_claim(REGISTRY["lrnn-depth-log"], quick=True).status == "failed"


def test_rnn_step_mutant_is_caught_by_rnn_depth_linear(monkeypatch):
    import constructions.rnn as R
    orig = R._layer
    monkeypatch.setattr(R, "_layer", lambda c, W, h, U, x, bias, act: orig(c, W, h, U, x, c.neg(c.neg(bias)), act))
    load_builtin()
    assert run_claim(REGISTRY["rnn-depth-linear"], quick=True).status == "failed"
