"""The transformer threshold circuit against its exact reference; depth against n; closed forms; errors."""
from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest

from circuits import CircuitError
from constructions.transformer import (Head, Layer, TransformerSpec, build_circuit, quantize, random_spec,
                                       reference, run_circuit_batch)
from constructions.transformer.forms import closed_form, measure, poly_eval
from proofs_check.transformer_claims import _perturbed, reference_mismatch


def _check(n, d, p, causal, layers=1, heads=1, narrow=True, max_method="bits", seqs=6, seed=None):
    F = 2 if p >= 8 else 1
    fs = quantize(random_spec(n, d, layers=layers, heads=heads, causal=causal, precision=p, frac=F,
                              seed=n if seed is None else seed), p, F)
    c = build_circuit(fs, max_method=max_method, narrow=narrow)
    rng = random.Random(n * 1000 + d * 10 + p)
    tokens = [[rng.randrange(4) for _ in range(n)] for _ in range(seqs)]
    assert reference_mismatch(fs, c, tokens) is None
    return fs, c


# the acceptance grid: n ∈ {1..16, 32, 64}, d ∈ {1, 2, 4}, p ∈ {4, 8}, with and without causal masking.
# Each (d, p, causal) runs a spread of n here; benchmarks/transformer_grid.py runs every cell.
_NS = {(1, 4): tuple(range(1, 17)) + (32,), (2, 4): (1, 2, 5, 8, 13, 16), (4, 4): (1, 3, 7, 16),
       (1, 8): (1, 2, 3, 6, 11, 16), (2, 8): (1, 4, 9), (4, 8): (1, 3, 6)}


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("p", [4, 8])
@pytest.mark.parametrize("d", [1, 2, 4])
def test_circuit_equals_reference(d, p, causal):
    for n in _NS[d, p]:
        _check(n, d, p, causal, seqs=4)


@pytest.mark.parametrize("causal", [False, True])
def test_n64(causal):
    _check(64, 1, 4, causal, seqs=4)


@pytest.mark.parametrize("causal", [False, True])
def test_two_layers_two_heads(causal):
    for n in (1, 3, 6, 9):
        _check(n, 2, 4, causal, layers=2, heads=2)
    _check(5, 2, 8, causal, layers=2, heads=2)


@pytest.mark.parametrize("narrow", [True, False])
@pytest.mark.parametrize("max_method", ["bits", "pairs"])
def test_methods_and_widths_agree(narrow, max_method):
    for n, causal in ((4, False), (5, True)):
        _check(n, 2, 6, causal, narrow=narrow, max_method=max_method, layers=2, heads=2)


def test_ties_attend_uniformly():
    """All-zero queries: every score ties, so each position averages every allowed value (floor of the mean)."""
    d = 1
    spec = TransformerSpec(vocab=(0, 1, 2), n=4, d=d, token_embed=[[0], [1], [3]], pos_embed=[[0]] * 4,
                           layers=(Layer(heads=(Head(wq=[[0]], wk=[[1]], wv=[[1]]),), wo=[[1]]),), causal=True)
    fs = quantize(spec, 6, 0)
    c = build_circuit(fs)
    seq = [2, 1, 0, 2]
    got = run_circuit_batch(fs, c, [seq])[0]
    # causal means 3, 2, 4/3, 6/4 → floors 3, 2, 1, 1; plus the residual
    assert got == [[3 + 3], [1 + 2], [0 + 1], [3 + 1]]
    assert got == reference(fs, seq)


def test_negative_control_perturbed_weight_is_caught():
    fs = quantize(random_spec(5, 2, precision=6, frac=1, seed=2), 6, 1)
    c = build_circuit(_perturbed(fs))
    rng = random.Random(0)
    tokens = [[rng.randrange(4) for _ in range(5)] for _ in range(32)]
    assert reference_mismatch(fs, c, tokens) is not None


def test_depth_is_flat_over_n_up_to_512():
    depths = {n: measure(n)["depth"] for n in (8, 64, 512)}
    assert len(set(depths.values())) == 1, depths
    causal = {n: measure(n, causal=True)["depth"] for n in (8, 64)}
    assert set(causal.values()) == set(depths.values())


def test_boolean_depth_grows_with_n():
    d = [measure(n, "boolean")["depth"] for n in (2, 4, 8)]
    assert d[0] < d[1] < d[2]


@pytest.mark.parametrize("causal", [False, True])
def test_size_is_the_checked_quadratic(causal):
    cf = closed_form(causal=causal)
    coef = [Fraction(c) for c in cf["size_coefficients"]]
    assert len(coef) == 3 and coef[2] > 0
    assert measure(20, causal=causal)["size"] == poly_eval(coef, 20)


def test_pairs_method_is_cubic():
    cf = closed_form("pairs", check_at=(6, 7))
    assert len(cf["coef"]) == 4 and cf["coef"][3] > 0
    assert cf["depth"] < closed_form()["depth"]  # two levels for the max instead of 2W


def test_closed_form_refuses_a_wrong_polynomial(monkeypatch):
    import constructions.transformer.forms as forms
    real = forms.measure

    def skewed(n, *a, **k):
        m = real(n, *a, **k)
        if n == 8:
            m["size"] += 1
        return m
    monkeypatch.setattr(forms, "measure", skewed)
    with pytest.raises(CircuitError, match="closed form fails at n = 8"):
        forms.closed_form()


def test_errors():
    spec = random_spec(3, 1, precision=8, frac=2)
    with pytest.raises(CircuitError, match="precision"):
        quantize(spec, 1, 0)
    with pytest.raises(CircuitError, match="fraction bits"):
        quantize(spec, 4, 4)
    big = TransformerSpec(vocab=(0,), n=1, d=1, token_embed=[[100]], pos_embed=[[0]], layers=())
    with pytest.raises(CircuitError, match="needs more than p = 4 bits"):
        quantize(big, 4, 0)
    fs = quantize(spec, 8, 2)
    with pytest.raises(CircuitError, match="expected 3 tokens"):
        reference(fs, [0, 1])
    with pytest.raises(CircuitError, match="not in the vocabulary"):
        reference(fs, [0, 1, 9])
    with pytest.raises(CircuitError, match="max_method"):
        build_circuit(fs, max_method="tournament")
    with pytest.raises(CircuitError, match="wo"):
        TransformerSpec(vocab=(0,), n=1, d=1, token_embed=[[0]], pos_embed=[[0]],
                        layers=(Layer(heads=(Head([[1]], [[1]], [[1]]),)),))


def test_overflow_wraps_like_the_reference():
    """Values that leave the p-bit range wrap in both the circuit and the reference."""
    spec = TransformerSpec(vocab=(0, 1), n=2, d=1, token_embed=[[7], [-8]], pos_embed=[[0], [0]],
                           layers=(Layer(mlp=(([[7]], [0]), ([[1]], [0]))),))
    fs = quantize(spec, 4, 0)
    c = build_circuit(fs)
    for seq in ([0, 1], [1, 0], [0, 0]):
        got = run_circuit_batch(fs, c, [seq])[0]
        assert got == reference(fs, seq)
    assert reference(fs, [0, 0])[0][0] == ((7 + 7 * 7 + 8) % 16) - 8  # 7 + wrap(49) wrapped again


def test_fixed_positions_are_constants():
    spec = random_spec(4, 1, precision=6, frac=1, seed=5)
    spec = TransformerSpec(spec.vocab, spec.n, spec.d, spec.token_embed, spec.pos_embed, spec.layers, fixed={0: 3})
    fs = quantize(spec, 6, 1)
    c = build_circuit(fs)
    assert c.inputs["tok"].shape == (3, 4) if hasattr(c.inputs["tok"], "shape") else True
    rng = random.Random(1)
    tokens = [[3] + [rng.randrange(4) for _ in range(3)] for _ in range(8)]
    assert reference_mismatch(fs, c, tokens) is None
    with pytest.raises(CircuitError, match="fixed"):
        reference(fs, [0, 0, 0, 0])


def test_docs_depth_table_is_what_the_code_gives():
    """docs/transformer.md's depth table: its cheap rows recomputed by benchmarks/transformer_tables.py."""
    import subprocess
    import sys
    from pathlib import Path
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "transformer_tables.py"
    r = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
