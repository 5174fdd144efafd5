"""Lowering arithmetic circuits to bits: the lowered circuit computes the arithmetic circuit in the number domain."""
from __future__ import annotations

import numpy as np
import pytest

from circuits import Circuit, CircuitError
from circuits.numbers import number_domain
from constructions.lowering import bit_name, decode_outputs, encode_inputs, lower
from constructions.models import build, make_spec
from constructions.scans import SCHEDULES

P = 8


def _random_values(c, rng, batch, number):
    vals = {n: rng.integers(-(2 ** (P - 1)), 2 ** (P - 1), size=(batch,) + tuple(s)) for n, s, _ in c.input_arrays()}
    if number != "wrap":  # exact binary fractions with more bits than F, so the input rounding is exercised too
        vals = {n: v / 32 for n, v in vals.items()}
    return vals


def _agree(c, L, vals, number):
    ref = c.evaluate(vals, domain=number_domain(P, number))
    got = decode_outputs(c, L.evaluate(encode_inputs(c, vals, P, number), domain="bool"), P)
    assert ref.keys() == got.keys()
    for k in ref:
        assert np.array_equal(np.asarray(ref[k], dtype=object), got[k]), k


@pytest.mark.parametrize("family", ["dense", "diagonal"])
@pytest.mark.parametrize("scan", [s for s in SCHEDULES])
def test_lowered_lrnn_equals_arithmetic_in_the_number_domain(family, scan):
    """Acceptance: dense and diagonal LRNNs, d = 2, every scan, p = 8, on random inputs (n = 16; wrap on all
    schedules, fixed point and threshold on two)."""
    rng = np.random.default_rng(hash((family, scan)) % 2**32)
    c = build(make_spec(family, 16, 2, scan=scan))
    L = lower(c, "boolean", P, "wrap", adder="kogge-stone")
    assert L.basis == "boolean" and L.max_fanin() <= 2
    _agree(c, L, _random_values(c, rng, 24, "wrap"), "wrap")
    if scan in ("sklansky", "brent-kung"):
        for basis, number in [("boolean", "fixed:3"), ("threshold", "wrap"), ("threshold", "fixed:3")]:
            L = lower(c, basis, P, number)
            _agree(c, L, _random_values(c, rng, 24, number), number)


@pytest.mark.parametrize("adder", ["ripple", "brent-kung", "han-carlson"])
@pytest.mark.parametrize("multiplier", ["array", "wallace", "dadda"])
def test_every_adder_and_multiplier_on_a_circuit_with_constants_sub_and_neg(adder, multiplier):
    rng = np.random.default_rng(7)
    c = Circuit("arithmetic")
    x = c.input("x", (3,))
    y = c.mul(c.sub(x[0], x[1]), c.neg(x[2]))
    z = c.add(c.mul(y, c.const(-3)), c.mul(x[0], x[0]))
    c.output("z", z)
    c.output("w", c.sub(c.const(5), y))
    for number in ("wrap", "fixed:2"):
        L = lower(c, "boolean", P, number, adder=adder, multiplier=multiplier)
        _agree(c, L, _random_values(c, rng, 64, number), number)


@pytest.mark.parametrize("method", ["direct", "block", "residue"])
def test_every_threshold_method_on_a_circuit_with_constants_sub_and_neg(method):
    from constructions.threshold import METHODS
    assert method in METHODS
    rng = np.random.default_rng(8)
    c = Circuit("arithmetic")
    x = c.input("x", (3,))
    y = c.mul(c.sub(x[0], x[1]), c.neg(x[2]))
    c.output("z", c.add(c.mul(y, c.const(-3)), c.mul(x[0], x[0])))
    for number in ("wrap", "fixed:2"):
        L = lower(c, "threshold", P, number, threshold_method=method)
        _agree(c, L, _random_values(c, rng, 16, number), number)


def test_threshold_lowering_has_constant_depth_per_arithmetic_level():
    """On the threshold basis each add/mul costs a constant number of levels, whatever p."""
    c = build(make_spec("diagonal", 8, 2, scan="sklansky"))
    depths = {p: lower(c, "threshold", p, "wrap").depth() for p in (4, 8, 16)}
    assert len(set(depths.values())) == 1, depths
    bdepths = [lower(c, "boolean", p, "wrap").depth() for p in (4, 8, 16)]
    assert bdepths[0] < bdepths[1] < bdepths[2]  # the boolean adders and multipliers grow with p


def test_names():
    c = build(make_spec("diagonal", 4, 1, final_only=True))
    L = lower(c, "boolean", P)
    assert {n for n, _, _ in L.input_arrays()} == {bit_name(n) for n, _, _ in c.input_arrays()}
    assert all(s[-1] == P for _, s, _ in L.input_arrays())
    assert [n for n, _, _ in L.output_arrays()] == [f"h.bit[3][0][{k}]" for k in range(P)]
    assert bit_name("h[3][0]") == "h.bit[3][0]" and bit_name("x") == "x.bit"


def test_negative_control_a_carry_dropped_in_the_adder_block_is_caught(monkeypatch):
    """The agreement check is not vacuous: an adder block without carries (bitwise xor) must disagree."""
    import constructions.lowering as lw
    c = build(make_spec("dense", 4, 2, scan="sklansky"))
    vals = _random_values(c, np.random.default_rng(1), 16, "wrap")
    _agree(c, lower(c, "boolean", P), vals, "wrap")

    def no_carry(self, x, y):
        return np.asarray(self.c.xor(x, y), dtype=np.int64)
    monkeypatch.setattr(lw._BooleanBlocks, "add", no_carry)
    with pytest.raises(AssertionError):
        _agree(c, lower(c, "boolean", P), vals, "wrap")


@pytest.mark.parametrize("kw,msg", [({"basis": "arithmetic"}, "basis"), ({"precision": 1}, "precision"),
                                    ({"number": "fixed:8"}, "fewer fraction bits"), ({"adder": "nope"}, "adder"),
                                    ({"multiplier": "nope"}, "multiplier")])
def test_bad_arguments(kw, msg):
    c = build(make_spec("diagonal", 2, 1))
    with pytest.raises(CircuitError, match=msg):
        lower(c, **kw)


def test_gates_that_cannot_be_lowered_are_refused():
    c = Circuit("mixed")
    x = c.input("x")
    c.output("y", c.act("relu", x))
    with pytest.raises(CircuitError, match="relu"):
        lower(c)


@pytest.mark.parametrize("family,n,d,scan", [("dense", 8, 2, "sklansky"), ("dense", 16, 3, "brent-kung"),
                                             ("diagonal", 32, 2, "kogge-stone"), ("dense", 8, 2, "serial")])
@pytest.mark.parametrize("basis,number,adder", [("boolean", "wrap", "sklansky"), ("boolean", "fixed:3", "ripple"),
                                                ("boolean", "wrap", "han-carlson"), ("threshold", "wrap", None)])
def test_lowered_depth_equals_the_built_lowering(family, n, d, scan, basis, number, adder):
    """The depth model (blocks built once per class of gates, on stubs) gives the built circuit's depth and the
    AIG depth ABC would report — with and without its cache."""
    from constructions.bits import aig_stats
    from constructions.lowering import lowered_depth
    c = build(make_spec(family, n, d, scan=scan))
    kw = {"adder": adder} if adder else {}
    L = lower(c, basis, P, number, **kw)
    want = {"depth": L.depth()}
    if basis == "boolean":
        want["aig_levels"] = aig_stats(L)["levels"]
    assert lowered_depth(c, basis, P, number, **kw) == want
    assert lowered_depth(c, basis, P, number, cache=False, **kw) == want


def test_lowered_depth_with_constants_and_shared_operands():
    """Constant bits fold and x·x shares its operands' wires: the classes must tell these apart."""
    from constructions.bits import aig_stats
    from constructions.lowering import lowered_depth
    c = Circuit("arithmetic")
    x = c.input("x", (4,))
    y = [c.mul(x[i], x[i]) for i in range(2)] + [c.mul(x[2], x[3]), c.mul(x[3], c.const(3))]
    z = [c.add(y[0], y[1]), c.add(y[2], c.const(-1)), c.neg(y[3]), c.sub(y[3], y[3])]
    c.output("z", c.mul(c.add(z[0], z[1]), c.add(z[2], z[3])))
    c2 = Circuit("arithmetic")  # x + x folds to a shift (constant and aliased bits), far shallower than an adder
    x = c2.input("x", (2,))
    s = c2.add(x[0], x[0])
    c2.output("y", c2.mul(c2.add(s, x[1]), s))
    c3 = Circuit("arithmetic")  # the same level and profiles, one gate with shared operands: two classes
    x = c3.input("x", (2,))
    s3 = c3.add(x[0], x[0])
    c3.output("y", c3.mul(c3.add(x[0], x[1]), s3))
    for circ in (c, c2, c3):
        for adder in ("ripple", "kogge-stone"):
            L = lower(circ, "boolean", P, "wrap", adder=adder)
            assert lowered_depth(circ, "boolean", P, "wrap", adder=adder) == {"depth": L.depth(),
                                                                              "aig_levels": aig_stats(L)["levels"]}


def test_lowered_circuits_export_to_aiger_and_blif_and_abc_proves_two_lowerings_equal(tmp_path):
    import subprocess

    from conftest import abc_exe, has_abc

    from circuits.io import read_aiger
    c = build(make_spec("diagonal", 4, 2, scan="sklansky"))
    a = lower(c, "boolean", P, "wrap", adder="ripple", multiplier="array")
    b = lower(c, "boolean", P, "wrap", adder="kogge-stone", multiplier="dadda")
    a.write_aiger(tmp_path / "a.aig")
    b.write_aiger(tmp_path / "b.aig")
    a.write_blif(tmp_path / "a.blif")
    assert (tmp_path / "a.blif").read_text().startswith(".model")
    back = read_aiger(tmp_path / "a.aig")
    vals = _random_values(c, np.random.default_rng(5), 8, "wrap")
    bits_in = encode_inputs(c, vals, P)
    got, want = back.evaluate(bits_in, domain="bool"), a.evaluate(bits_in, domain="bool")
    assert got.keys() == want.keys() and all(np.array_equal(got[k], want[k]) for k in want)
    if not has_abc():
        pytest.skip("berkeley-abc not installed: the ABC cross-check of two lowerings is skipped")
    out = subprocess.run([abc_exe(), "-c", f"cec {tmp_path / 'a.aig'} {tmp_path / 'b.aig'}"],
                         capture_output=True, text=True, timeout=300).stdout
    assert "Networks are equivalent" in out, out[-500:]
    bad = lower(c, "boolean", P, "fixed:1")
    bad.write_aiger(tmp_path / "bad.aig")
    out = subprocess.run([abc_exe(), "-c", f"cec {tmp_path / 'a.aig'} {tmp_path / 'bad.aig'}"],
                         capture_output=True, text=True, timeout=300).stdout
    assert "NOT EQUIVALENT" in out.upper() and "Networks are equivalent" not in out, out[-500:]


def test_docs_depth_table_is_what_the_code_gives():
    """docs/lowering.md's table: the p = 8, n ≤ 32 cells recomputed by benchmarks/lowering_table.py --check."""
    import subprocess
    import sys
    from pathlib import Path
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "lowering_table.py"
    r = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "18 cells recomputed" in r.stdout
