"""threshold_to_boolean on whole circuits: the batched (level by level, per gate signature) conversion against the
gate-by-gate one (same size, depth and gate counts), equivalence on a small transformer circuit with a negative
control, and circuits whose gates need their own normalisation (repeated or constant arguments, zero weights,
gates that become constant)."""
from __future__ import annotations

import numpy as np
import pytest

from circuits import Circuit, CircuitError
from circuits.io import from_columns
from constructions.threshold import build_compare, build_iterated_add, build_multiply
from constructions.threshold.to_boolean import _threshold_to_boolean_gate_by_gate, threshold_to_boolean
from constructions.transformer import build_circuit, quantize, random_spec
from constructions.transformer.build import encode_tokens
from proofs_check.equivalence import check_exhaustive


def _small_transformer(n=4, narrow=False):
    fs = quantize(random_spec(n, 1, causal=False, precision=4, frac=1, seed=3), 4, 1)
    return fs, build_circuit(fs, narrow=narrow)


def _token_inputs(fs, count, seed):
    rng = np.random.default_rng(seed)
    vocab = list(fs.spec.vocab)
    seqs = [[vocab[int(i)] for i in rng.integers(0, len(vocab), size=fs.n)] for _ in range(count)]
    return encode_tokens(fs, seqs)


def _outputs(c, values):
    out = c.evaluate(values, domain="bool")
    return {k: np.asarray(v) for k, v in out.items()}


def _same_outputs(a, b, values) -> bool:
    oa, ob = _outputs(a, values), _outputs(b, values)
    return oa.keys() == ob.keys() and all(np.array_equal(oa[k], ob[k]) for k in oa)


def _with_theta(c: Circuit, gate: int, weights, theta) -> Circuit:
    """A copy of ``c`` in which the threshold gate ``gate`` has other weights and θ (a corrupted copy)."""
    cols = {k: np.array(v) for k, v in c.columns().items()}
    row = int(cols["arg0"][gate])
    lo, hi = int(cols["wide_offsets"][row]), int(cols["wide_offsets"][row + 1])
    cols["wide_weights"][lo:hi] = weights
    cols["wide_theta"][row] = theta
    return from_columns(c.basis, cols["op"], cols["arg0"], cols["arg1"], cols["depth"], cols["wide_offsets"],
                        cols["wide_args"], cols["wide_weights"], cols["wide_theta"], c.constants,
                        c.input_arrays(), c.output_arrays())


def _stats(b: Circuit):
    return b.size(), b.depth(), b.count_ops(), b.max_fanin()


# ---------------------------------------------------------------------------------------------------------
# a small transformer circuit
def test_transformer_circuit_equivalent_on_random_tokens():
    fs, c = _small_transformer()
    b = threshold_to_boolean(c)
    assert b.basis == "boolean" and b.max_fanin() <= 2
    assert [(n, s) for n, s, _ in b.input_arrays()] == [(n, s) for n, s, _ in c.input_arrays()]
    assert [(n, s) for n, s, _ in b.output_arrays()] == [(n, s) for n, s, _ in c.output_arrays()]
    values = _token_inputs(fs, 64, seed=5)
    assert _same_outputs(c, b, values)


def test_transformer_negative_control():
    """A copy of the threshold circuit with one gate complemented (weights −w, θ 1 − θ: the gate's negation)
    computes something else on the same inputs, and its conversion follows the copy, not the original."""
    fs, c = _small_transformer()
    values = _token_inputs(fs, 64, seed=5)
    b = threshold_to_boolean(c)
    thr = [g for g in c.cone().tolist() if c.op_of(g) == "threshold"]
    assert thr, "the transformer circuit has threshold gates in its output cone"
    g = thr[len(thr) // 2]
    w, th = c.threshold_params(g)
    bad = _with_theta(c, g, [-v for v in w], 1 - th)
    assert not _same_outputs(c, bad, values)  # the corruption shows on these inputs
    bad_b = threshold_to_boolean(bad)
    assert not _same_outputs(c, bad_b, values)
    assert not _same_outputs(b, bad_b, values)
    assert _same_outputs(bad, bad_b, values)


@pytest.mark.parametrize("narrow", [False, True])
def test_transformer_batched_matches_gate_by_gate(narrow):
    """The batched conversion builds every gate as the gate-by-gate one does: the same size, depth and gate
    counts, and the same function."""
    fs, c = _small_transformer(n=2, narrow=narrow)
    b = threshold_to_boolean(c)
    r = _threshold_to_boolean_gate_by_gate(c)
    assert _stats(b) == _stats(r)
    assert _same_outputs(b, r, _token_inputs(fs, 32, seed=1))


# ---------------------------------------------------------------------------------------------------------
# circuits with irregular gates, exhaustive
def _irregular_circuit():
    """Threshold gates of one signature with distinct, repeated and constant arguments in one level, zero
    weights, gates that fold to constants and feed later gates, wide and/or/xor, several signatures per
    level and fan-in."""
    c = Circuit("mixed")
    x = c.input("x", (5,))
    zero, one = c.const(0), c.const(1)
    w = np.array([2, -1, 3, 0])
    args = np.array([[x[0], x[1], x[2], x[3]],     # regular
                     [x[1], x[2], x[3], x[4]],     # regular
                     [x[0], x[0], x[2], x[3]],     # repeated argument (2 − 1 = 1)
                     [x[1], x[2], x[1], x[0]],     # repeated argument, weights summing to 3 − 2·0
                     [x[0], one, x[2], x[4]],      # constant argument
                     [zero, x[3], one, x[4]],      # two constants
                     [x[4], x[3], x[4], x[3]]])    # repeated, one through a zero weight
    t1 = c.threshold(args, w, 2)
    t2 = c.threshold(args[:, :3], np.array([[1, 1, 1]] * 4 + [[-2, 1, 1]] * 3), np.array([2, 1, 3, 0, -1, 1, 4]))
    k0 = c.threshold(np.stack([one, zero]), [1, 1], 1)      # constant 1
    k1 = c.threshold(np.stack([x[0], x[0]]), [1, -1], 1)    # constant 0 after merging
    k2 = c.threshold(np.stack([x[1], x[2]]), [5, 5], 11)    # constant 0: θ above the total
    k3 = c.threshold(np.stack([x[1], x[2]]), [-5, 3], -5)   # constant 1: θ' ≤ 0
    a = c.and_(t1[0], k0)
    o = c.or_(np.stack([t1[1], t1[2], k1, t2[3], t2[0]]))
    e = c.xor(np.stack([t1[3], t1[4], t1[5]]))
    f = c.xor(t1[6], k2)
    n = c.not_(k3)
    late = c.threshold(np.stack([a, o, e, f, n, k0, k1, t2[1], t2[2], t2[4], t2[5], t2[6]]),
                       [1, -2, 3, 1, 4, 1, 5, 2, -1, 1, 1, -3], 2)
    late2 = c.threshold(np.stack([late, k1, k2, x[4]]), [2, 7, 1, 1], 2)
    c.output("t1", t1)
    c.output("t2", t2)
    c.output("k", np.stack([k0, k1, k2, k3]))
    c.output("y", np.stack([a, o, e, f, n, late, late2]))
    return c


@pytest.mark.parametrize("complement", [True, False])
def test_irregular_gates_exhaustive(complement):
    c = _irregular_circuit()
    b = threshold_to_boolean(c, complement=complement)
    r = _threshold_to_boolean_gate_by_gate(c, complement=complement)
    assert _stats(b) == _stats(r)
    assert b.max_fanin() <= 2
    assert check_exhaustive(b, r).status == "equal"
    assert check_exhaustive(c, b).status == ("equal" if complement else "not_equal")


def test_whole_threshold_circuits_match_gate_by_gate():
    for c in (build_iterated_add(3, 3, "block"), build_multiply(3, "direct"), build_compare(4, 3, False)):
        b = threshold_to_boolean(c)
        assert _stats(b) == _stats(_threshold_to_boolean_gate_by_gate(c))
        assert check_exhaustive(c, b).status == "equal"


def test_many_signatures_in_one_level_random():
    """Many threshold gates of one level with random weights, θ and argument choices (some repeated): every
    gate's conversion agrees with the gate, exhaustively over 7 inputs."""
    rng = np.random.default_rng(7)
    c = Circuit("threshold")
    x = c.input("x", (7,))
    for k in (1, 2, 3, 5):
        B = 40
        args = x[rng.integers(0, 7, size=(B, k))]
        w = rng.choice([-3, -1, 0, 1, 2], size=(B, k))
        w[: B // 2] = w[0]  # half the gates share one weight vector
        th = rng.integers(-4, 6, size=B)
        th[: B // 4] = th[0]
        c.output(f"y{k}", c.threshold(args, w, th))
    b = threshold_to_boolean(c)
    assert _stats(b) == _stats(_threshold_to_boolean_gate_by_gate(c))
    assert check_exhaustive(c, b).status == "equal"


def test_unsupported_gates_are_refused():
    c = Circuit("mixed")
    x = c.input("x", (2,))
    c.output("y", c.add(x[0], x[1]))
    with pytest.raises(CircuitError, match="add gates are not boolean or threshold"):
        threshold_to_boolean(c)
    with pytest.raises(CircuitError, match="add gates are not boolean or threshold"):
        _threshold_to_boolean_gate_by_gate(c)
    c = Circuit("mixed")
    x = c.input("x")
    c.output("y", c.and_(x, c.const(2)))
    with pytest.raises(CircuitError, match="not boolean"):
        threshold_to_boolean(c)
