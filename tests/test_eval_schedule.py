"""Evaluation schedules give identical results: deep, narrow runs (scalar path at batch 1, topological chunks)
against the per-gate reference and against the plain level-by-level path, in every domain."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from conftest import random_circuit, random_inputs, reference_eval

import circuits.evaluate as ev
from circuits import Circuit


def _level_by_level(monkeypatch):
    monkeypatch.setattr(ev, "MIN_RUN_LEVELS", 10**12)


CASES = [("arithmetic", "int"), ("arithmetic", "fraction"), ("arithmetic", "gf"), ("arithmetic", "gf-big"),
         ("arithmetic", "float"), ("boolean", "bool"), ("boolean", "int"), ("boolean", "float"),
         ("threshold", "bool"), ("mixed", "fraction"), ("mixed", "float"), ("mixed", "int")]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("basis,mode", CASES)
def test_deep_runs_match_reference_and_level_path(seed, basis, mode, monkeypatch):
    rng = np.random.default_rng(77 + seed)
    consts = (2, -1) if mode in ("int", "gf", "gf-big") else (2, -1, Fraction(1, 3))
    monkeypatch.setattr(ev, "CHUNK", 7)  # many chunks: arguments cross chunk boundaries
    c = random_circuit(rng, basis, n_inputs=3, n_gates=300, const_values=consts, n_outputs=12)
    assert any(isinstance(it, ev._Run) for it in ev._schedule(c))
    p = 1_000_003 if mode == "gf" else (1 << 61) - 1
    vals = random_inputs(rng, c, "int" if mode.startswith("gf") else mode)
    if mode.startswith("gf"):
        vals = {k: v % p for k, v in vals.items()}
    dom = ("gf", p) if mode.startswith("gf") else mode
    got = c.evaluate(vals, domain=dom)["y"]
    c2 = Circuit.from_json(c.to_json())  # a fresh circuit: no cached schedule
    _level_by_level(monkeypatch)
    plain = c2.evaluate(vals, domain=dom)["y"]
    if mode == "float":
        assert np.array_equal(np.asarray(got, float), np.asarray(plain, float), equal_nan=True)
    else:
        assert list(got) == list(plain)
    if mode not in ("gf-big",) and not (basis == "boolean" and mode == "float"):
        ref = reference_eval(c, vals, "gf" if mode == "gf" else mode, p)
        for k, (nm, _) in enumerate(c.output_elements()):
            if mode == "float":
                assert got[k] == ref[nm] or (np.isnan(got[k]) and np.isnan(ref[nm])) or \
                    np.isclose(got[k], ref[nm], rtol=1e-12)
            else:
                assert got[k] == ref[nm]


def test_float_specials_identical(monkeypatch):
    """NaN, ±inf and -0.0 through relu/step/neg/mul/sub on the scalar path and the numpy path."""
    c = Circuit("mixed")
    x = c.input("x", (6,))
    w = x
    for _ in range(12):  # a deep chain of narrow levels
        w = c.act("relu", c.sub(c.mul(w, c.neg(w[::-1])), w))
        w = c.add(w, c.act("step", w))
    c.output("y", w)
    v = {"x": [float("nan"), float("inf"), -0.0, 0.0, -1.5, 2.0]}
    got = c.evaluate(v)["y"]
    c2 = Circuit.from_json(c.to_json())
    _level_by_level(monkeypatch)
    plain = c2.evaluate(v)["y"]
    assert np.array_equal(got, plain, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(plain))


def test_batched_deep_circuit_uses_level_path_and_agrees():
    rng = np.random.default_rng(5)
    c = random_circuit(rng, "arithmetic", n_inputs=3, n_gates=200, const_values=(2, -1))
    xs = rng.integers(-5, 6, size=(4, 3))
    batched = c.evaluate({"x": xs}, domain="int")["y"]
    for i in range(4):
        assert list(batched[i]) == list(c.evaluate({"x": xs[i]}, domain="int")["y"])


def test_rnn_chain_schedule_is_one_run():
    from constructions.rnn import build_rnn, rnn_reference

    n = 300
    c = build_rnn(n, 3)
    items = ev._schedule(c)
    runs = [it for it in items if isinstance(it, ev._Run)]
    assert runs and sum(r.gates.size for r in runs) > 0.7 * c.size()
    rng = np.random.default_rng(1)
    vals = {nm: rng.integers(-3, 4, size=shape) for nm, shape, _ in c.input_arrays()}
    got = c.evaluate(vals, domain="int")["h"]
    ref = rnn_reference(vals, n)
    assert (got == ref).all()
