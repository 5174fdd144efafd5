"""Model specs: one validation at the entry, predictions without building, the size guard, the parity model."""
from __future__ import annotations

import numpy as np
import pytest

from circuits import CircuitError
from constructions.lrnn import FAMILIES
from constructions.models import (SpecError, build, build_model, check_size, make_spec, model_names, predict)
from constructions.presets import PRESETS
from constructions.scans import SCHEDULES
from proofs_check.equivalence import matches


@pytest.mark.parametrize("family", FAMILIES)
def test_family_predictions_equal_built_circuits(family):
    for n in (1, 2, 5, 16, 33):
        for d in (1, 3):
            for scan in SCHEDULES:
                rank = {"rank": min(2, d)} if family == "dplr" else {}
                spec = make_spec(family, n, d, scan=scan, **rank)
                c = build(spec)
                p = predict(spec)
                assert p["exact"] and (p["size"], p["depth"]) == (c.size(), c.depth()), (family, n, d, scan)


def test_preset_and_rnn_predictions():
    for name in list(PRESETS) + ["rnn"]:
        for n in (3, 17):
            spec = make_spec(name, n, 3)
            c = build(spec)
            p = predict(spec)
            assert (p["size"], p["depth"]) == (c.size(), c.depth()), (name, n, p)
            assert p["exact"] == (name == "rnn")  # presets are estimates, and say so


def test_closed_forms_answer_any_n_without_building():
    p = predict(make_spec("dense", 2**40, 64))
    assert p["exact"] and p["size"] > 5 * 10**17
    q = predict(make_spec("dense", 2**40 + 3, 4))  # not a power of two: bounds from 2^40 and 2^41
    assert not q["exact"] and q["size_low"] < q["size"] and q["depth_low"] <= q["depth"]
    small = predict(make_spec("dense", 2**22 - 1, 2))  # schedule counted: exact for every n up to 2^22
    assert small["exact"]
    with pytest.raises(CircuitError, match="above the limit"):
        check_size(make_spec("dense", 2**30, 64))
    assert check_size(make_spec("dense", 64, 2), max_gates=10**6)["size"] == build_model("dense", 64, 2).size()
    with pytest.raises(CircuitError, match="above the limit"):
        check_size(make_spec("dense", 64, 2), max_gates=100)


@pytest.mark.parametrize("name,given,option", [
    ("dense", {"m": 3}, "m"), ("dense", {"act": "step"}, "act"), ("elman", {"scan": "sklansky"}, "scan"),
    ("elman", {"act": "step"}, "act"), ("rnn", {"final_only": True}, "final_only"), ("dplr", {"rank": 5}, "rank"),
    ("dense", {"seed": 2}, "seed"), ("deltanet", {"mode": "token"}, "mode"), ("mamba", {"rank": 2}, "rank"),
    ("parity", {"m": 2}, "d"), ("nosuch", {}, "model"), ("dense", {"scan": "zigzag"}, "scan"),
])
def test_options_that_do_not_apply_are_refused(name, given, option):
    with pytest.raises(SpecError) as e:
        make_spec(name, 8, 4, **given)
    assert e.value.option == option and "--" not in str(e.value)  # flag wording belongs to the CLI


def test_deltaproduct_rank_one_is_one_householder_step():
    assert build_model("deltaproduct", 4, 3, rank=1).inputs["beta"].shape == (4, 1)
    assert build_model("deltaproduct", 4, 3).inputs["beta"].shape == (4, 2)  # the default
    assert build_model("deltaproduct", 4, 3, rank=3).inputs["beta"].shape == (4, 3)


@pytest.mark.parametrize("scan", SCHEDULES)
def test_parity_is_prefix_xor(scan):
    for n in (1, 2, 7, 12):
        final = scan == "reduce"
        c = build_model("parity", n, scan=scan, final_only=final)
        s = make_spec("parity", n, scan=scan, final_only=final)
        assert (c.size(), c.depth()) == (predict(s)["size"], predict(s)["depth"])

        def ref(v, n=n, final=final):
            y = np.cumsum(np.asarray(v["x"], dtype=int)) % 2
            return {f"y[{n - 1}]": y[-1]} if final else {"y": y}
        v = matches(c, ref, domain="bool")
        assert v.equal and "all" in v.evidence["inputs"], v.summary()
    assert "parity" in model_names()
    with pytest.raises(SpecError):
        make_spec("parity", 8, 3)  # d does not apply


def test_stats_measures_the_built_circuit_and_compares_with_the_closed_form():
    from constructions.models import stats
    spec = make_spec("dense", 9, 2, scan="sklansky")
    c = build(spec)
    out = stats(spec)
    assert (out["size"], out["depth"], out["max_fanin"]) == (c.size(), c.depth(), c.max_fanin())
    assert out["closed_form"] == {"size": c.size(), "depth": c.depth()} and out["matches_closed_form"] is True
    f = stats(spec, formula_only=True)
    assert f["exact"] and (f["size"], f["depth"]) == (c.size(), c.depth()) and "count_ops" not in f
    with pytest.raises(CircuitError, match="above the limit"):
        stats(spec, max_gates=c.size() - 1)


def test_stats_reports_a_closed_form_mismatch(monkeypatch):
    import constructions.models as models
    spec = make_spec("diagonal", 8, 2)
    real = models.predict
    monkeypatch.setattr(models, "predict", lambda s: {**real(s), "depth": real(s)["depth"] + 1})
    out = models.stats(spec)
    assert out["matches_closed_form"] is False


@pytest.mark.parametrize("family", ["dense", "diagonal", "pd"])
def test_closed_forms_at_powers_of_two_equal_the_counted_schedule(family, monkeypatch):
    """The n = 2^k closed-form path (used above SCHEDULE_EXACT_N) gives the same numbers as the counted one."""
    import constructions.models as models
    for d in (1, 3, 64):
        for scan in ("brent-kung", "sklansky", "kogge-stone", "serial"):
            spec = make_spec(family, 1024, d, scan=scan)
            counted = predict(spec)
            monkeypatch.setattr(models, "SCHEDULE_EXACT_N", 1)
            formula = predict(spec)
            monkeypatch.setattr(models, "SCHEDULE_EXACT_N", 1 << 22)
            assert (formula["size"], formula["depth"]) == (counted["size"], counted["depth"]), (family, d, scan)
