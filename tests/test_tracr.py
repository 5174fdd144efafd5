"""tracr-compiled RASP programs as threshold circuits: every input through the circuits agrees with tracr."""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from fractions import Fraction

import pytest

pytest.importorskip("tracr", reason="tracr is an optional extra (pip install 'lrnn-circuits[tracr]')")

from tracr.compiler import lib  # noqa: E402
from tracr.rasp import rasp  # noqa: E402

from circuits import CircuitError  # noqa: E402
from constructions.transformer import Layer, build_circuit, quantize, reference, run_circuit  # noqa: E402
from constructions.transformer.tracr import (  # noqa: E402
    TracrDecoder, all_inputs, check_model, compile_program, from_tracr, full_tokens, outputs_agree,
    required_precision, tracr_outputs)
from reports.cli import _vocab_arg, main  # noqa: E402

VOCAB = [1, 2, 3]
N = 5
COUNT = 3 + 9 + 27 + 81 + 243  # every sequence of length 1..5 over 3 tokens


@pytest.fixture(scope="module")
def length():
    model = compile_program("make_length", VOCAB, N)
    return model, check_model(model)


@pytest.fixture(scope="module")
def reverse():
    model = compile_program("make_reverse", VOCAB, N)
    return model, check_model(model)


def _tracr_io(result):
    """Inputs and tracr's outputs of a check that agreed on every input (the circuit's outputs are tracr's)."""
    assert result["agrees_with_tracr"]
    return [tuple(x["input"]) for x in result["runs"]], [x["output"] for x in result["runs"]]


def _reference_outputs(spec, decoder, p, F, seq):
    fs = quantize(spec.with_n(len(seq) + 1), p, F)
    x = reference(fs, full_tokens(fs.spec, seq))
    return [decoder([x[i][c] for c in spec.readout], F) for i in fs.spec.free_positions]


# ---------------------------------------------------------------------------------------------------------
# every input, through the circuits
@pytest.mark.parametrize("which", ["length", "reverse"])
def test_every_input_agrees_through_the_circuit(which, request):
    model, r = request.getfixturevalue(which)
    assert r["inputs_checked"] == COUNT == len(r["runs"])
    assert r["agrees_with_tracr"] and r["disagreements"] == 0
    assert r["basis"] == "threshold" and r["size"] > 0 and r["depth"] > 0
    assert [c["length"] for c in r["circuits"]] == [1, 2, 3, 4, 5]
    assert (r["size"], r["depth"]) == (r["circuits"][-1]["size"], r["circuits"][-1]["depth"])
    # what the programs mean, independently of tracr
    for run in r["runs"]:
        s = run["input"]
        assert run["output"] == ([len(s)] * len(s) if which == "length" else s[::-1])
    # tracr's outputs (batched, compiled) are model.apply's (eager, one sequence): a few of one length
    ins = [tuple(run["input"]) for run in r["runs"] if len(run["input"]) == N][::100]
    assert tracr_outputs(model, ins) == [model.apply(["BOS", *s]).decoded[1:] for s in ins]


def test_the_circuit_itself(length):
    """run_circuit on one circuit, by hand, against the reference (the raw integers, bit for bit)."""
    model, r = length
    spec, dec = from_tracr(model, n=4)
    fs = quantize(spec, r["precision"], r["frac"])
    c = build_circuit(fs)
    assert c.basis == "threshold"
    for seq in [(1, 2, 3), (3, 3, 1), (2, 2, 2)]:
        toks = full_tokens(spec, seq)
        raw = run_circuit(fs, c, toks)
        x = reference(fs, toks)
        assert raw == [[x[i][k] for k in spec.readout] for i in range(spec.n)]
        assert [dec(raw[i], fs.frac) for i in (1, 2, 3)] == [3, 3, 3]


# ---------------------------------------------------------------------------------------------------------
# the spec read from tracr
def test_spec_layout(length, reverse):
    spec, dec = from_tracr(length[0])
    assert spec.fixed == {0: "BOS"} and spec.n == N + 1 and not spec.causal
    assert set(spec.vocab) == {1, 2, 3, "BOS"}  # the pad token never occurs
    assert dec.categorical and dec.labels == (0, 1, 2, 3, 4, 5)
    names = [dec.residual_labels[k] for k in spec.readout]  # tracr's output space, value by value
    assert names[0].startswith("length") and names == [f"{names[0].split(':')[0]}:{v}" for v in range(6)]
    spec_r, dec_r = from_tracr(reverse[0])
    assert dec_r.labels == (1, 2, 3) and len(spec_r.layers) == 4
    # the layers that tracr leaves empty are gone, the working ones stay
    assert [bool(L.heads) for L in spec_r.layers] == [True, False, False, True]
    assert spec.with_n(3).n == from_tracr(length[0], n=3)[0].n == 3


def test_pruning_is_exact(reverse):
    """The pruned spec gives the same raw readout as tracr's full weights, at the same (p, F)."""
    model, r = reverse
    p, F = r["precision"], r["frac"]
    full, dec_full = from_tracr(model, prune=False)
    small, dec = from_tracr(model)
    assert small.d < full.d and full.d == len(model.residual_labels)
    for seq in [(1,), (3, 1), (1, 2, 3, 1, 2), (2, 2, 3, 3, 1)]:
        assert _reference_outputs(full, dec_full, p, F, seq) == _reference_outputs(small, dec, p, F, seq)


def test_limit_denominator_option(length):
    spec, _ = from_tracr(length[0], denominator=1000)
    weights = {w for L in spec.layers for W, b in L.mlp for row in W for w in row}
    assert Fraction(-52, 3) in weights  # float32 -17.333334 read back as the compiler's −52/3
    exact, _ = from_tracr(length[0])
    assert Fraction(-52, 3) not in {w for L in exact.layers for W, b in L.mlp for row in W for w in row}


# ---------------------------------------------------------------------------------------------------------
# the precision search
def test_required_precision_is_smallest(length):
    model, r = length
    spec, dec = from_tracr(model)
    ins, exp = _tracr_io(r)
    p, F = required_precision(spec, ins, exp, dec)
    assert (p, F) == (r["precision"], r["frac"])
    assert all(outputs_agree(dec, _reference_outputs(spec, dec, p, F, s), e) for s, e in zip(ins, exp))
    # one fraction bit fewer disagrees somewhere
    assert F > 0
    p0, _ = required_precision(spec, ins, exp, dec, frac=F - 1)
    assert not all(outputs_agree(dec, _reference_outputs(spec, dec, p0, F - 1, s), e) for s, e in zip(ins, exp))
    # one bit of precision fewer overflows a constant or an intermediate
    with pytest.raises(CircuitError, match="no precision"):
        required_precision(spec, ins, exp, dec, precision=p - 1, frac=F)


def test_negative_control_perturbed_weight(length):
    """Silencing one MLP weight (a threshold unit of selector width) breaks the agreement at every F."""
    model, r = length
    spec, dec = from_tracr(model)
    L0 = spec.layers[0]
    (W1, b1), second = L0.mlp
    row = next(k for k, w in enumerate(W1) if 100 in w)
    W1 = [[0 if (k == row and w == 100) else w for w in ws] for k, ws in enumerate(W1)]
    bad = spec.__class__(spec.vocab, spec.n, spec.d, spec.token_embed, spec.pos_embed,
                         (Layer(L0.heads, L0.wo, L0.bo, ((W1, b1), second)),) + spec.layers[1:], spec.causal,
                         spec.fixed, spec.readout)
    ins, exp = _tracr_io(r)
    with pytest.raises(CircuitError, match="disagrees with tracr"):
        required_precision(bad, ins, exp, dec)
    # and the circuit of the perturbed spec, at the precision that works for the real model, disagrees too: on the
    # length of the first input where its reference does
    p, F = r["precision"], r["frac"]
    seq, e = next((s, e) for s, e in zip(ins, exp) if _reference_outputs(bad, dec, p, F, s) != e)
    fs = quantize(bad.with_n(len(seq) + 1), p, F)
    raw = run_circuit(fs, build_circuit(fs), full_tokens(fs.spec, seq))
    assert [dec(row, F) for row in raw[1:]] != e


def test_decoder_and_agreement():
    cat = TracrDecoder(True, ("a", "b", "c"))
    assert cat([0, 5, 5], 3) == "b"  # ties: the first maximum, like jnp.argmax
    assert outputs_agree(cat, ["a", "b"], ["a", "b"]) and not outputs_agree(cat, ["a", "b"], ["a", "c"])
    num = TracrDecoder(False)
    assert num([-3], 2) == Fraction(-3, 4)
    assert outputs_agree(num, [Fraction(1, 2)], [0.505], Fraction(1, 100))
    assert not outputs_agree(num, [Fraction(1, 2)], [0.52], Fraction(1, 100))
    assert not outputs_agree(num, [Fraction(1, 2)], [None]) and not outputs_agree(num, [1], [1, 1])
    with pytest.raises(CircuitError):
        cat([1, 2], 0)


# ---------------------------------------------------------------------------------------------------------
# a numerical program, through the command line (module:function)
def frac_of_ones():
    return lib.make_frac_prevs(rasp.tokens == 1)


FRAC = f"{__name__}:frac_of_ones"  # this module, already imported


def _cli_json(*args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["tracr", FRAC, "--vocab", "1,2", "--max-seq-len", "3", *args, "--json"])
    return status, json.loads(out.getvalue())


@pytest.fixture(scope="module")
def numerical():
    return _cli_json()


def test_cli_json_numerical_within_tolerance(numerical):
    status, out = numerical
    assert status == 0
    assert {"size", "depth", "basis", "precision", "frac", "runs", "agrees_with_tracr", "disagreements"} <= set(out)
    assert out["basis"] == "threshold" and out["agrees_with_tracr"] is True and out["disagreements"] == 0
    assert isinstance(out["size"], int) and isinstance(out["depth"], int) and out["size"] > 0
    assert out["categorical"] is False and out["tolerance"] == 0.01
    assert out["vocab"] == [1, 2] and len(out["runs"]) == out["inputs_checked"] == 2 + 4 + 8
    for run in out["runs"]:  # the fraction of ones so far, to the tolerance (outputs are exact dyadic numbers)
        s = run["input"]
        assert len(run["output"]) == len(s)
        exact = [Fraction(sum(t == 1 for t in s[:i + 1]), i + 1) for i in range(len(s))]
        assert all(abs(Fraction(o) - e) <= Fraction(1, 100) for o, e in zip(run["output"], exact))
        assert all(Fraction(o) * 2 ** out["frac"] == int(Fraction(o) * 2 ** out["frac"]) for o in run["output"])


def test_numerical_zero_tolerance_refused(numerical):
    """No dyadic number equals tracr's float32 2/3: a zero tolerance is refused, with the reason."""
    model = compile_program(FRAC, [1, 2], 3)  # the command's model (compiled once)
    with pytest.raises(CircuitError, match="disagrees with tracr"):
        check_model(model, tolerance=0)


def test_cli_too_few_fraction_bits_disagrees(numerical, capsys):
    """Negative control through the circuits: with F = 0 the fractions 1/2, 1/3, 2/3 are floored to 0."""
    status, out = _cli_json("--frac", "0")
    assert status == 1
    assert out["agrees_with_tracr"] is False and out["disagreements"] > 0 and out["frac"] == 0
    wrong = [x for x in out["runs"] if "tracr" in x]
    assert len(wrong) == out["disagreements"] and all(x["output"] != x["tracr"] for x in wrong)
    assert main(["tracr", FRAC, "--vocab", "1,2", "--max-seq-len", "3", "--frac", "0"]) == 1
    assert "disagree with tracr" in capsys.readouterr().out


def test_cli_text(numerical, capsys):
    assert main(["tracr", FRAC, "--vocab", "1,2", "--max-seq-len", "3", "--tolerance", "0.05"]) == 0
    text = capsys.readouterr().out
    assert "14 inputs" in text and "all agree with tracr" in text and "tolerance 0.05" in text


# ---------------------------------------------------------------------------------------------------------
# programs by name
def test_compile_program_names():
    with pytest.raises(CircuitError, match="unknown program"):
        compile_program("make_nothing", VOCAB, 2)
    with pytest.raises(CircuitError, match="needs the argument"):
        compile_program("make_sort_unique", VOCAB, 2)
    with pytest.raises(CircuitError, match="cannot import"):
        compile_program("no_such_module_xyz:f", VOCAB, 2)
    with pytest.raises(CircuitError, match="did not give a RASP program"):
        compile_program("os:getcwd", VOCAB, 2)
    with pytest.raises(CircuitError, match="max_seq_len"):
        compile_program("make_length", VOCAB, 0)
    m = compile_program("tracr.compiler.lib:make_length", VOCAB, N)  # the shapes of the fixture's: quick
    assert m.apply(["BOS", 1, 3]).decoded == ["BOS", 2, 2]
    assert compile_program("make_length", VOCAB, N) is compile_program("make_length", VOCAB, N)  # compiled once


def test_too_many_inputs_refused():
    with pytest.raises(CircuitError, match="exceed the limit"):
        all_inputs(range(10), 6)


# ---------------------------------------------------------------------------------------------------------
# the command line
def test_cli_vocab_parsing(capsys):
    assert _vocab_arg("1, 2,x,-4") == [1, 2, "x", -4]
    for bad in ["1,,2", "1,1"]:
        assert main(["tracr", "make_length", "--vocab", bad, "--max-seq-len", "2"]) == 2
        assert "--vocab" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["make_nothing"], ["no_such_module_xyz:f"], ["make_length", "--frac", "5",
                                                                               "--precision", "4"]])
def test_cli_bad_input_exit_2(args, capsys):
    assert main(["tracr", *args, "--vocab", "1,2", "--max-seq-len", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lrnn-circuits: error:") and err.count("\n") == 1


def test_cli_bad_program_subprocess():
    p = subprocess.run([sys.executable, "-m", "reports.cli", "tracr", "make_nothing", "--vocab", "1,2,x",
                        "--max-seq-len", "2"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "Traceback" not in p.stderr and p.stderr.count("\n") == 1
    assert "unknown program 'make_nothing'" in p.stderr


def test_cli_without_tracr(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tracr", None)  # import tracr now raises ImportError
    assert main(["tracr", "make_length", "--vocab", "1,2", "--max-seq-len", "2"]) == 2
    err = capsys.readouterr().err
    assert "tracr is not installed" in err and err.count("\n") == 1
