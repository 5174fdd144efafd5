"""The claims about the verification engines (proofs_check/engine_claims.py) and the reproducer files."""
from __future__ import annotations

import json

import numpy as np
import pytest

from circuits import Circuit
from proofs_check import engine_claims as E
from proofs_check.claims import REGISTRY, load_builtin, run_claim
from proofs_check.equivalence import check_equivalent, check_exhaustive
from proofs_check.equivalence import sat as sat_mod


def test_engine_claims_are_registered_with_negative_controls():
    load_builtin()
    for cid in ("sat-encoder", "equivalence-traps"):
        claim = REGISTRY[cid]
        assert any(ch.expect == "not_equal" for ch in claim.checks)
        assert any(ch.expect == "equal" and ch.kind == "finite" for ch in claim.checks)


@pytest.mark.parametrize("cid", ["sat-encoder", "equivalence-traps"])
def test_engine_claims_are_checked_with_a_scope(cid):
    load_builtin()
    r = run_claim(REGISTRY[cid], quick=True)
    assert r.status == "checked", r.evidence_summary()
    d = r.to_dict()
    assert d["scope"] and all(isinstance(s, dict) for s in d["scope"].values())
    json.dumps(d)
    for res in r.results:
        if res.expect == "not_equal":
            assert res.verdict.counterexample


# ---------------------------------------------------------------------------------------------------------
# sat-encoder
def test_random_specs_reach_the_corners_of_the_threshold_encoding():
    rng = np.random.default_rng(0)
    boundary = negative = repeated = constant = 0
    for _ in range(200):
        k, gates, _ = E._random_spec(rng, 6, 20, 2)
        for g in gates:
            if g[0] != "threshold":
                continue
            _, args, w, th = g
            sums = {sum(wi * ((m >> i) & 1) for i, wi in enumerate(w)) for m in range(1 << len(w))}
            boundary += th in sums
            negative += min(w) < 0
            repeated += len(set(args)) < len(args)
            constant += any(a in (k, k + 1) for a in args)
    assert min(boundary, negative, repeated, constant) >= 50, (boundary, negative, repeated, constant)


def test_rebuilds_are_equivalent_and_mutants_mostly_not():
    rng = np.random.default_rng(3)
    differ = 0
    for _ in range(40):
        spec = E._random_spec(rng, 5, 15, 2)
        c = E._build(spec)
        assert check_exhaustive(c, E._build(spec, "rewritten", rng=rng)).status == "equal"
        assert check_exhaustive(c, E._truth_table_circuit(c, 5)).status == "equal"
        differ += check_exhaustive(c, E._build(spec, rng=rng, mutate=len(spec[1]) - 1)).status == "not_equal"
    assert differ >= 10


@pytest.mark.parametrize("shift", [1, -1])
def test_sat_check_catches_an_encoder_with_theta_off_by_one(monkeypatch, shift):
    orig = sat_mod._Tseitin.threshold

    def shifted(self, lits, weights, theta):
        return orig(self, lits, weights, int(theta) + shift)

    monkeypatch.setattr(sat_mod._Tseitin, "threshold", shifted)
    v = E.check_sat_encoder(quick=True)
    assert v.status == "not_equal", v.summary()
    assert v.counterexample["circuit_1"] and v.counterexample["circuit_2"]


def test_sat_check_catches_a_bdd_boundary_bug(monkeypatch):
    """[Σ ≥ θ] encoded as [Σ > θ] inside the BDD (θ passed on shifted only for gates that reach the BDD)."""
    orig = sat_mod._Tseitin._bdd
    monkeypatch.setattr(sat_mod._Tseitin, "_bdd", lambda self, vs, ws, th: orig(self, vs, ws, th + 1))
    assert E.check_sat_encoder(quick=True).status == "not_equal"


def test_sat_check_passes_and_restores_the_encoder():
    orig = sat_mod._Tseitin.threshold
    assert E.check_sat_encoder(quick=True, encoder_bug=True).status == "not_equal"
    assert sat_mod._Tseitin.threshold is orig
    v = E.check_sat_encoder(quick=True)
    assert v.status == "equal", v.summary()
    sc = v.evidence["scope"]
    assert sc["seed"] == 0 and sc["inputs"][0] == 1 and sc["circuit_pairs"] > 100


def test_theta_control_counterexample_is_on_the_boundary():
    v = E.sat_theta_control(True)
    assert v.status == "not_equal"
    x = [v.counterexample["inputs"][f"x[{i}]"] for i in range(3)]
    assert 2 * x[0] - x[1] + x[2] == 1  # Σ = θ of the first circuit exactly


# ---------------------------------------------------------------------------------------------------------
# equivalence-traps
def test_reproducer_pairs_have_matching_interfaces():
    for name, (c1, c2, exp, _) in E.reproducer_pairs().items():
        assert [n for n, _ in c1.input_elements()] == [n for n, _ in c2.input_elements()], name
        assert [n for n, _ in c1.output_elements()] == [n for n, _ in c2.output_elements()], name
        assert exp in ("equal", "not_equal")


def test_traps_really_differ_by_exact_evaluation():
    from fractions import Fraction
    pairs = E.reproducer_pairs()
    at = {"fermat": 0, "hundred-roots": 0, "mersenne-multiple": 1, "half": 1}
    for name, x in at.items():
        c1, c2, _, _ = pairs[name]
        y1 = c1.evaluate({"x": Fraction(x)}, domain="fraction")["y"]
        y2 = c2.evaluate({"x": Fraction(x)}, domain="fraction")["y"]
        assert y1 != y2, name


def test_lrnn_identity_is_not_two_copies_of_one_circuit():
    c1, c2, _, _ = E.reproducer_pairs()["lrnn-serial-vs-brent-kung"]
    assert c1.to_json() != c2.to_json()
    assert c1.depth() != c2.depth()


def test_naive_fixed_prime_pit_is_caught():
    v = E.check_traps(True, engine=E._naive_pit)
    assert v.status == "not_equal"
    wrong = " ".join(v.counterexample["wrong"])
    for trap in ("fermat/", "mersenne-multiple/", "half/"):
        assert trap in wrong


def test_an_engine_that_raises_is_a_failure():
    def boom(c1, c2, method):
        raise RuntimeError("no")
    v = E.check_traps(True, engine=boom)
    assert v.status == "not_equal" and "error" in v.why


def test_write_reproducers_round_trip(tmp_path):
    manifest = E.write_reproducers(tmp_path / "repro")
    assert {m["name"] for m in manifest} == set(E.REPRODUCERS)
    assert json.loads((tmp_path / "repro" / "manifest.json").read_text()) == manifest
    for m in manifest:
        c1, c2 = Circuit.load(m["a"]), Circuit.load(m["b"])
        o1, o2, _, _ = E.reproducer_pairs()[m["name"]]
        assert c1.to_json() == o1.to_json() and c2.to_json() == o2.to_json()
        if m["name"] in ("binomial", "half", "mersenne-multiple"):  # cheap ones: the files give the same verdict
            assert check_equivalent(c1, c2).status == m["expect"]
