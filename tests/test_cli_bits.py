"""The bit level from the command line: lowered models (--basis/--precision), the stand-alone blocks as models,
their size guard, and the refusals."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from circuits import CircuitError
from circuits.io import read_aiger
from constructions.bits import aig_stats
from constructions.lowering import lower
from constructions.models import (BLOCK_MODELS, SpecError, build, check_size, make_spec, model_names, op_costs,
                                  predict)
from reports.cli import main


def _stats(capsys, *args):
    assert main(["stats", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _bits(v, p):
    return np.array([(v >> k) & 1 for k in range(p)], dtype=bool)


def test_adder_model_aiger_order_and_values(tmp_path):
    p = 4
    out = tmp_path / "add.aig"
    assert main(["export", "--model", "adder", "--precision", str(p), "--adder", "kogge-stone",
                 "--format", "aiger", "-o", str(out)]) == 0
    c = read_aiger(out)
    # inputs a[0..p-1] then b[0..p-1]; outputs s[0..p-1] then the carry-out c, in that order in the file
    assert [n for n, _, _ in c.input_arrays()] == ["a", "b"]
    assert [n for n, _, _ in c.output_arrays()] == ["s", "c"]
    ins = c.input_ids().tolist()
    assert ins == np.concatenate([np.ravel(c.inputs["a"]), np.ravel(c.inputs["b"])]).tolist()
    for x, y in itertools.product(range(1 << p), repeat=2):
        r = c.evaluate({"a": _bits(x, p), "b": _bits(y, p)}, "bool")
        s = sum(int(b) << k for k, b in enumerate(np.ravel(r["s"])))
        assert s + (int(np.ravel(r["c"])[0]) << p) == x + y, (x, y)


def test_adder_model_blif_output_order(tmp_path):
    out = tmp_path / "add.blif"
    assert main(["export", "--model", "adder", "--precision", "3", "--format", "blif", "-o", str(out)]) == 0
    text = out.read_text()
    line = next(ln for ln in text.splitlines() if ln.startswith(".outputs"))
    assert line.split()[1:] == ["s[0]", "s[1]", "s[2]", "c"]
    line = next(ln for ln in text.splitlines() if ln.startswith(".inputs"))
    assert line.split()[1:] == ["a[0]", "a[1]", "a[2]", "b[0]", "b[1]", "b[2]"]


@pytest.mark.parametrize("mult", ["array", "wallace", "dadda"])
def test_multiplier_model_values(mult, capsys):
    p = 4
    c = build(make_spec("multiplier", precision=p, multiplier=mult, adder="ripple"))
    assert list(c.outputs) == ["p"] and np.size(c.outputs["p"]) == 2 * p
    for x, y in itertools.product(range(1 << p), repeat=2):
        r = np.ravel(c.evaluate({"a": _bits(x, p), "b": _bits(y, p)}, "bool")["p"])
        assert sum(int(b) << k for k, b in enumerate(r)) == x * y
    out = _stats(capsys, "--model", "multiplier", "--precision", str(p), "--multiplier", mult, "--adder", "ripple")
    assert (out["size"], out["depth"]) == (c.size(), c.depth())
    assert out["aig"] == aig_stats(c)


@pytest.mark.parametrize("op,fn", [("lt", lambda x, y: x < y), ("ge", lambda x, y: x >= y),
                                   ("eq", lambda x, y: x == y)])
def test_comparator_model(op, fn):
    p = 3
    for signed in (False, True):
        c = build(make_spec("comparator", precision=p, op=op, signed=signed))
        for x, y in itertools.product(range(1 << p), repeat=2):
            sx, sy = (x - (1 << p) if signed and x >> (p - 1) else x), (y - (1 << p) if signed and y >> (p - 1) else y)
            r = c.evaluate({"a": _bits(x, p), "b": _bits(y, p)}, "bool")["y"]
            assert bool(np.ravel(r)[0]) == fn(sx, sy), (op, signed, x, y)


@pytest.mark.parametrize("basis", ["threshold", "boolean"])
def test_iterated_add_model(basis, capsys):
    m, p = 3, 3
    c = build(make_spec("iterated-add", m=m, precision=p, basis=basis))
    assert c.basis == basis
    rng = np.random.default_rng(1)
    for _ in range(40):
        xs = rng.integers(0, 1 << p, m)
        r = np.ravel(c.evaluate({"x": np.stack([_bits(int(v), p) for v in xs])}, "bool")["s"])
        assert sum(int(b) << k for k, b in enumerate(r)) == int(xs.sum())
    out = _stats(capsys, "--model", "iterated-add", "--m", str(m), "--precision", str(p), "--basis", basis)
    assert (out["size"], out["depth"]) == (c.size(), c.depth())
    pred = predict(make_spec("iterated-add", m=m, precision=p, basis=basis))
    assert pred["size"] >= c.size() and pred["depth"] >= c.depth()


def test_blocks_are_listed(capsys):
    assert main(["models"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert set(BLOCK_MODELS) <= set(names) and names == model_names()


LOWERED = [("dense", ["--d", "2"], "boolean", ["--adder", "kogge-stone"]),
           ("diagonal", ["--d", "3", "--scan", "sklansky"], "threshold", ["--number", "fixed:2"]),
           ("dense", ["--d", "2", "--mode", "token"], "boolean", ["--multiplier", "array", "--adder", "ripple"]),
           ("deltanet", ["--d", "2"], "boolean", ["--number", "fixed:3"]),
           ("mamba", [], "threshold", [])]


@pytest.mark.parametrize("model,opts,basis,extra", LOWERED)
def test_lowered_stats_equal_library(model, opts, basis, extra, capsys):
    p = 6
    out = _stats(capsys, "--model", model, "--n", "5", *opts, "--basis", basis, "--precision", str(p), *extra)
    # the same thing through the library, without models.py
    flags = dict(zip(opts[::2], opts[1::2]))
    kw = {k.lstrip("-").replace("-", "_"): (int(v) if v.isdigit() else v) for k, v in flags.items()}
    d = kw.pop("d", None)
    arith = build(make_spec(model, 5, d, **kw))
    low_kw = dict(zip([e.lstrip("-") for e in extra[::2]], extra[1::2]))
    number = low_kw.pop("number", "wrap")
    c = lower(arith, basis, p, number, **low_kw)
    assert (out["size"], out["depth"], out["count_ops"]) == (c.size(), c.depth(), c.count_ops())
    assert out["arithmetic"] == {"size": arith.size(), "depth": arith.depth()}
    assert out["basis"] == basis
    if basis == "boolean":
        assert out["aig"] == aig_stats(c)
    else:
        assert "aig" not in out
    # the guard's prediction is an upper bound on both
    assert out["estimate"]["size"] >= c.size() and out["estimate"]["depth"] >= c.depth()


def test_lowered_formula_only_bounds(capsys):
    out = _stats(capsys, "--model", "dense", "--n", "6", "--basis", "boolean", "--precision", "8", "--formula-only")
    c = build(make_spec("dense", 6, basis="boolean", precision=8))
    assert out["exact"] is False and out["size"] >= c.size() and out["depth"] >= c.depth()
    big = _stats(capsys, "--model", "dense", "--n", str(2**30), "--d", "64", "--basis", "threshold",
                 "--precision", "8", "--formula-only")
    arith = predict(make_spec("dense", 2**30, 64))
    assert big["exact"] is False and big["arithmetic"] == {"size": arith["size"], "depth": arith["depth"]}
    assert big["size"] >= 31 * arith["size"]  # an 8-bit threshold add alone has 31 gates


def test_op_costs_bound_wide_multipliers():
    exact = op_costs("boolean", 32, "wrap", "sklansky", "dadda")["mul"]
    assert exact["exact"] and exact["depth"] > 0
    bound = op_costs("boolean", 33, "wrap", "sklansky", "dadda")["mul"]
    assert not bound["exact"] and bound["depth"] is None and bound["size"] >= exact["size"]
    # the 10·q² bound holds where the multiplier is still built
    for mult in ("array", "wallace", "dadda"):
        for q in (5, 12, 24):
            c = lower(_mul_circuit(), "boolean", q, "wrap", "ripple", mult)
            assert c.size() <= 10 * q * q


def _mul_circuit():
    from circuits import Circuit
    c = Circuit("arithmetic")
    c.output("z", c.mul(c.input("x"), c.input("y")))
    return c


def test_guard_refuses_lowered_model_with_prediction():
    spec = make_spec("dense", 64, 8, basis="boolean", precision=16)
    pred = predict(spec)
    limit = 2 * pred["arithmetic"]["size"]  # the arithmetic circuit fits, its lowering does not
    with pytest.raises(CircuitError, match=f"up to {pred['size']:,} gates.*above the limit of {limit:,} gates"):
        check_size(spec, limit)
    with pytest.raises(CircuitError, match="above the limit of 1,000 gates"):  # the arithmetic circuit first
        check_size(spec, 1000)
    assert check_size(spec, pred["size"])["size"] == pred["size"]


@pytest.mark.parametrize("args,msg", [
    (["--model", "dense", "--basis", "boolean", "--precision", "0"], "--precision: must be >= 2"),
    (["--model", "dense", "--basis", "boolean", "--precision", "99999"], "--precision: must be <= 4,096"),
    (["--model", "dense", "--basis", "boolean"], "--precision: is required"),
    (["--model", "dense", "--precision", "8"], "--precision: applies to basis boolean or threshold only"),
    (["--model", "dense", "--basis", "threshold", "--precision", "8", "--adder", "ripple"], "--adder: applies"),
    (["--model", "dense", "--basis", "threshold", "--precision", "60"], "--precision: 60 is too large"),
    (["--model", "rnn", "--basis", "boolean", "--precision", "8"], "--basis: model 'rnn' is nonlinear"),
    (["--model", "slstm", "--precision", "8"], "--precision: model 'slstm' is nonlinear"),
    (["--model", "parity", "--basis", "boolean"], "--basis: does not apply"),
    (["--model", "adder", "--precision", "8", "--n", "4"], "--n: does not apply"),
    (["--model", "adder", "--precision", "8", "--basis", "threshold"], "--basis: model 'adder' is a boolean"),
    (["--model", "adder"], "--precision: is required for model 'adder'"),
    (["--model", "multiplier", "--precision", "4", "--multiplier", "booth"], "--multiplier: unknown multiplier"),
    (["--model", "comparator", "--precision", "4", "--op", "lessish"], "--op: unknown comparison"),
    (["--model", "iterated-add", "--precision", "4"], "--m: is required"),
    (["--model", "iterated-add", "--m", "4", "--precision", "61"], "--precision: m·(2^p − 1)"),
    (["--model", "iterated-add", "--m", "4", "--precision", "4", "--basis", "arithmetic"], "--basis: model"),
    (["--model", "multiplier", "--precision", "100", "--formula-only"], "--formula-only: no depth bound"),
])
def test_refusals(args, msg, capsys):
    assert main(["stats", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and msg in err[0], err


def test_spec_error_names_the_option():
    with pytest.raises(SpecError) as e:
        make_spec("dense", basis="boolean", precision=8, number="fixed:8")
    assert e.value.option == "number"
