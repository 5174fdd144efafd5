"""Threshold blocks (constructions/threshold): exhaustive for small widths, random beyond; constant depth of
iterated addition for m = 2..256; threshold_to_boolean against the original, its depth bound, AIGER export and
an ABC ``cec`` cross-check against an independent construction."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from circuits import Circuit
from constructions.common import ceil_log2
from constructions.threshold import (ITERATED_ADD_DEPTH, MULTIPLY_DEPTH, build_compare, build_exactly,
                                     build_iterated_add, build_majority, build_multiply, compare_size,
                                     iterated_add_size, symmetric)
from constructions.threshold.to_boolean import (dadda_stages, gate_depth_bound, threshold_gate,
                                                threshold_to_boolean)
from proofs_check.equivalence import check_exhaustive


def _bits(vals, p):
    vals = np.asarray(vals, dtype=object)
    return np.array([[(int(v) >> i) & 1 for i in range(p)] for v in vals.ravel()], dtype=bool).reshape(
        vals.shape + (p,))


def _value(bits):
    b = np.asarray(bits).astype(object)
    return (b * np.array([1 << i for i in range(b.shape[-1])], dtype=object)).sum(axis=-1)


def _all_assignments(k):
    idx = np.arange(1 << k)
    return ((idx[:, None] >> np.arange(k)) & 1).astype(bool)


# ---------------------------------------------------------------------------------------------------------
# majority, exact threshold, symmetric
@pytest.mark.parametrize("m", [1, 2, 3, 6, 9])
def test_majority_and_exactly_exhaustive(m):
    X = _all_assignments(m)
    ones = X.sum(axis=1)
    c = build_majority(m)
    assert c.depth() == 1 and c.size() == 1
    got = np.asarray(c.evaluate({"x": X}, "bool")["y"]).reshape(-1)
    assert (got == (2 * ones > m)).all()
    for k in range(m + 1):
        c = build_exactly(m, k)
        assert c.depth() == 2 and c.size() == 3
        got = np.asarray(c.evaluate({"x": X}, "bool")["y"]).reshape(-1)
        assert (got == (ones == k)).all()


def test_symmetric_parity_and_weighted():
    m = 7
    X = _all_assignments(m)
    c = Circuit("threshold")
    x = c.input("x", (m,))
    w = np.array([1, 2, 3, 1, 0, 2, 5])
    c.output("par", symmetric(c, x, lambda s: s % 2))
    c.output("mod3", symmetric(c, x, lambda s: s % 3 == 0, weights=w))
    out = c.evaluate({"x": X}, "bool")
    assert (np.asarray(out["par"]).reshape(-1) == (X.sum(1) % 2 == 1)).all()
    assert (np.asarray(out["mod3"]).reshape(-1) == ((X.astype(int) @ w) % 3 == 0)).all()
    assert c.depth() == 2


# ---------------------------------------------------------------------------------------------------------
# comparison
@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("strict", [True, False])
def test_compare_exhaustive(depth, strict):
    for p in range(1, 6):
        c = build_compare(p, depth, strict)
        AB = _all_assignments(2 * p)
        a, b = _value(AB[:, :p]), _value(AB[:, p:])
        got = np.asarray(c.evaluate({"a": AB[:, :p], "b": AB[:, p:]}, "bool")["gt" if strict else "ge"])
        assert (got.reshape(-1) == ((a > b) if strict else (a >= b)).astype(bool)).all(), (p, depth, strict)
        assert c.size() == compare_size(p, depth)
        if p >= 2:
            assert c.depth() == depth


@pytest.mark.parametrize("depth,p", [(1, 40), (2, 40), (3, 40), (2, 64), (3, 64)])
def test_compare_random_wide(depth, p):
    rng = np.random.default_rng(p + depth)
    a = [int(v) for v in rng.integers(0, 1 << 62, size=300)]
    b = [v if i % 3 == 0 else int(rng.integers(0, 1 << 62)) for i, v in enumerate(a)]
    b = [v ^ (1 << int(rng.integers(0, 20))) if i % 5 == 1 else v for i, v in enumerate(b)]  # near misses
    a = [v % (1 << p) for v in a]
    b = [v % (1 << p) for v in b]
    c = build_compare(p, depth, True)
    got = np.asarray(c.evaluate({"a": _bits(a, p), "b": _bits(b, p)}, "bool")["gt"]).reshape(-1)
    assert (got == np.array([x > y for x, y in zip(a, b)])).all()


def test_compare_depth1_weight_limit():
    from circuits.errors import CircuitError
    with pytest.raises(CircuitError):
        build_compare(64, 1)


# ---------------------------------------------------------------------------------------------------------
# iterated addition
@pytest.mark.parametrize("method", ["direct", "block"])
def test_iterated_add_exhaustive_small(method):
    for m in range(2, 7):
        for p in range(1, 4):
            if m * p > 12:
                continue
            c = build_iterated_add(m, p, method)
            X = _all_assignments(m * p).reshape(-1, m, p)
            got = _value(np.asarray(c.evaluate({"x": X}, "bool")["s"]))
            want = _value(X).sum(axis=1)
            assert (got == want).all(), (method, m, p)
            assert c.depth() == ITERATED_ADD_DEPTH[method]


@pytest.mark.parametrize("method", ["direct", "block"])
@pytest.mark.parametrize("m,p", [(2, 16), (7, 8), (33, 8), (100, 5), (130, 8), (17, 24)])
def test_iterated_add_random(method, m, p):
    rng = np.random.default_rng(m * 100 + p)
    vals = rng.integers(0, 1 << p, size=(40, m))
    vals[0] = (1 << p) - 1  # the largest sum
    vals[1] = 0
    c = build_iterated_add(m, p, method)
    got = _value(np.asarray(c.evaluate({"x": _bits(vals, p)}, "bool")["s"]))
    assert (got == vals.astype(object).sum(axis=1)).all()
    assert np.asarray(c.outputs["s"]).size == (m * ((1 << p) - 1)).bit_length()


@pytest.mark.parametrize("method", ["direct", "block"])
def test_iterated_add_depth_independent_of_m(method):
    """p = 8, every m = 2..256: one depth for all."""
    depths = {m: build_iterated_add(m, 8, method).depth() for m in range(2, 257)}
    assert set(depths.values()) == {ITERATED_ADD_DEPTH[method]}, depths


def test_iterated_add_size_closed_form():
    for m in (2, 3, 5, 16, 31, 64, 255, 256):
        for p in (1, 4, 8):
            assert build_iterated_add(m, p, "direct").size() == iterated_add_size(m, p), (m, p)


def test_block_method_weights_polynomial():
    """Block-save: every weight below the column height h ≤ 2^L, thresholds below h·2^(2L) (h = m here)."""
    for m in (4, 16, 64, 256):
        c = build_iterated_add(m, 16, "block")
        _, _, wts, th = c.wide_table()
        assert np.abs(wts).max() <= m
        assert np.abs(th).max() <= m * (1 << (2 * ceil_log2(m)))
        d = build_iterated_add(m, 16, "direct")
        assert np.abs(d.wide_table()[2]).max() == 1 << 15  # the direct method's weights are exponential


# ---------------------------------------------------------------------------------------------------------
# multiplication
@pytest.mark.parametrize("method", ["direct", "block"])
def test_multiply_exhaustive_and_random(method):
    for p in range(1, 6):
        c = build_multiply(p, method)
        AB = _all_assignments(2 * p)
        got = _value(np.asarray(c.evaluate({"a": AB[:, :p], "b": AB[:, p:]}, "bool")["p"]))
        assert (got == _value(AB[:, :p]) * _value(AB[:, p:])).all(), (method, p)
        if p >= 2:
            assert c.depth() == MULTIPLY_DEPTH[method]
    p = 16
    rng = np.random.default_rng(5)
    a = [int(v) for v in rng.integers(0, 1 << p, size=50)] + [(1 << p) - 1]
    b = [int(v) for v in rng.integers(0, 1 << p, size=50)] + [(1 << p) - 1]
    c = build_multiply(p, method)
    got = _value(np.asarray(c.evaluate({"a": _bits(a, p), "b": _bits(b, p)}, "bool")["p"]))
    assert list(got) == [x * y for x, y in zip(a, b)]
    assert c.depth() == MULTIPLY_DEPTH[method]


# ---------------------------------------------------------------------------------------------------------
# threshold_to_boolean
def _one_gate(m, args, w, th):
    c = Circuit("threshold")
    x = c.input("x", (m,))
    c.output("y", c.threshold(x[np.asarray(args)], np.asarray(w), int(th)))
    return c


def test_to_boolean_random_gates_exhaustive():
    rng = np.random.default_rng(11)
    for _ in range(120):
        m = int(rng.integers(1, 10))
        k = int(rng.integers(1, m + 3))
        args = rng.integers(0, m, size=k)  # repeated arguments included
        wmax = int(rng.choice([1, 3, 50]))
        w = rng.integers(-wmax, wmax + 1, size=k)
        tot = int(np.abs(w).sum())
        th = int(rng.integers(-tot - 1, tot + 2))  # constant-true and constant-false gates included
        c = _one_gate(m, args, w, th)
        b = threshold_to_boolean(c)
        assert b.basis == "boolean" and b.max_fanin() <= 2
        v = check_exhaustive(c, b)
        assert v.status == "equal", (args, w, th, v.summary())
        if len(set(args.tolist())) == k:
            assert b.depth() <= gate_depth_bound(w, th)


@pytest.mark.parametrize("m", [5, 32, 100, 255])
def test_to_boolean_majority_depth_log(m):
    """Random inputs; depth between the fan-in-2 lower bound ⌈log₂ m⌉ and the closed-form bound."""
    c = _one_gate(m, np.arange(m), np.where(np.arange(m) % 3 == 0, -2, 1), -m // 4)
    b = threshold_to_boolean(c)
    w, th = c.threshold_params(int(c.outputs["y"]))
    rng = np.random.default_rng(m)
    X = rng.integers(0, 2, size=(300, m)).astype(bool)
    X[0] = True
    X[1] = False
    assert (np.asarray(c.evaluate({"x": X}, "bool")["y"]) == np.asarray(b.evaluate({"x": X}, "bool")["y"])).all()
    bound = gate_depth_bound(w, th)
    assert ceil_log2(m) <= b.depth() <= bound
    # the bound is O(log m): 3 levels per Dadda stage, W(h) < log_{3/2} h + 2 (d_s ≥ 1.5^(s−1)), plus a
    # carry of depth 2⌈log₂ Q⌉ + 2
    assert dadda_stages(m + 1) < np.log(m + 1) / np.log(1.5) + 2
    assert b.max_fanin() <= 2


def test_to_boolean_whole_circuits():
    """Whole threshold circuits (several layers, and/or gates, constants) converted: exhaustive."""
    for c in (build_iterated_add(3, 3, "block"), build_multiply(3, "direct"), build_compare(4, 3, False),
              build_exactly(6, 2)):
        b = threshold_to_boolean(c)
        assert b.max_fanin() <= 2
        v = check_exhaustive(c, b)
        assert v.status == "equal", v.summary()


def test_to_boolean_negative_control():
    """Ignoring the signs of the weights (taking |w|) is caught."""
    c = _one_gate(4, [0, 1, 2, 3], [2, -1, 1, -3], 0)
    bad = threshold_to_boolean(c, complement=False)
    assert check_exhaustive(c, bad).status == "not_equal"


# ---------------------------------------------------------------------------------------------------------
# AIGER export, ABC
ABC = shutil.which("berkeley-abc") or shutil.which("abc")


def _dp_gate(m, w, th):
    """An independent construction of [Σ wᵢxᵢ ≥ θ]: a decision diagram over the prefix sums (one mux per
    (position, remaining threshold)), fan-in 2."""
    c = Circuit("boolean", fanin_limit=2)
    x = c.input("x", (m,))
    suffix_hi = [sum(max(0, v) for v in w[i:]) for i in range(m + 1)]
    suffix_lo = [sum(min(0, v) for v in w[i:]) for i in range(m + 1)]
    memo = {}

    def f(i, t):  # [Σ_{j≥i} w_j x_j ≥ t]
        if suffix_lo[i] >= t:
            return 1
        if suffix_hi[i] < t:
            return 0
        if (i, t) not in memo:
            hi, lo = f(i + 1, t - w[i]), f(i + 1, t)
            xi = int(x[i])
            if hi == 1 and lo == 0:
                r = xi
            elif hi == 0 and lo == 1:
                r = int(c.not_(xi))
            elif hi in (0, 1):
                r = int(c.or_(xi, lo)) if hi == 1 else int(c.and_(c.not_(xi), lo))
            elif lo in (0, 1):
                r = int(c.or_(c.not_(xi), hi)) if lo == 1 else int(c.and_(xi, hi))
            else:
                r = int(c.or_(c.and_(xi, hi), c.and_(c.not_(xi), lo)))
            memo[(i, t)] = r
        return memo[(i, t)]

    out = f(0, th)
    c.output("y", c.const(out) if out in (0, 1) and not memo else out)
    return c


def _abc(cmd):
    r = subprocess.run([ABC, "-c", cmd], capture_output=True, text=True, timeout=120)
    return r.stdout + r.stderr


def test_to_boolean_exports_to_aiger(tmp_path):
    from circuits.io import read_aiger
    c = _one_gate(9, np.arange(9), [3, -2, 1, 1, -5, 2, 2, 1, -1], 1)
    b = threshold_to_boolean(c)
    path = tmp_path / "g.aig"
    b.write_aiger(path)
    back = read_aiger(path)
    assert check_exhaustive(c, back).status == "equal"


@pytest.mark.skipif(ABC is None, reason="berkeley-abc is not installed (apt-get install berkeley-abc): the "
                                        "ABC cec cross-check of threshold_to_boolean is skipped")
def test_abc_cec_against_independent_construction(tmp_path):
    m = 13
    w = [3, -2, 1, 1, -5, 2, 2, 1, -1, 4, 1, -1, 2]
    th = 3
    ours = threshold_to_boolean(_one_gate(m, np.arange(m), w, th))
    ref = _dp_gate(m, w, th)
    assert check_exhaustive(ours, ref).status == "equal"  # our evaluator agrees before ABC is asked
    a, r, bad = tmp_path / "ours.aig", tmp_path / "ref.aig", tmp_path / "bad.aig"
    ours.write_aiger(a)
    ref.write_aiger(r)
    threshold_to_boolean(_one_gate(m, np.arange(m), w, th + 1)).write_aiger(bad)
    out = _abc(f"read_aiger {a}; print_stats")
    assert "and =" in out and "lev =" in out, out
    assert "Networks are equivalent" in _abc(f"cec {a} {r}")
    assert "NOT EQUIVALENT" in _abc(f"cec {bad} {r}").upper()


# ---------------------------------------------------------------------------------------------------------
# depth 2 comparison, depth 3 iterated addition, depth 4 multiplication — polynomial weights (residue score)
def _max_w_th(c):
    _, _, wts, th = c.wide_table()
    return int(np.abs(wts).max()), int(np.abs(th).max())


@pytest.mark.parametrize("strict", [True, False])
def test_compare_residue_exhaustive(strict):
    for p in range(1, 7):
        c = build_compare(p, 2, strict, "residue")
        AB = _all_assignments(2 * p)
        a, b = _value(AB[:, :p]), _value(AB[:, p:])
        got = np.asarray(c.evaluate({"a": AB[:, :p], "b": AB[:, p:]}, "bool")["gt" if strict else "ge"])
        assert (got.reshape(-1) == ((a > b) if strict else (a >= b)).astype(bool)).all(), (p, strict)
        assert c.depth() == 2 and c.size() == compare_size(p, 2, "residue")


@pytest.mark.parametrize("p,n", [(12, 400), (16, 400), (24, 200), (32, 100), (64, 12)])
def test_compare_residue_random_and_weights(p, n):
    """Random pairs, half of them equal above a random bit (the hard cases: many residues agree); depth 2;
    weights ≤ 2p³ and thresholds ≤ 4p⁴ (polynomial), against the exponential 2^(p−1) of depth 1."""
    rng = np.random.default_rng(p)
    a = [int(v) % (1 << p) for v in rng.integers(0, 1 << 62, size=n)]
    b = []
    for i, v in enumerate(a):
        mask = (1 << int(rng.integers(0, p))) - 1
        b.append((v & ~mask) | (int(rng.integers(0, 1 << 62)) & mask) if i % 2 else int(rng.integers(0, 1 << 62))
                 % (1 << p))
    b[0] = a[0]
    for strict in (True, False):
        c = build_compare(p, 2, strict, "residue")
        assert c.depth() == 2 and c.size() == compare_size(p, 2, "residue")
        got = np.asarray(c.evaluate({"a": _bits(a, p), "b": _bits(b, p)}, "bool")["gt" if strict else "ge"])
        assert (got.reshape(-1) == np.array([(x > y) if strict else (x >= y) for x, y in zip(a, b)])).all()
        w, th = _max_w_th(c)
        assert w <= 2 * p ** 3 and th <= 4 * p ** 4, (p, w, th)


def test_compare_residue_weights_polynomial_grid():
    """Weights stay below 2p³ for every p ≤ 64 (built, not evaluated)."""
    for p in list(range(1, 17)) + [20, 28, 40, 48, 64]:
        w, th = _max_w_th(build_compare(p, 2, True, "residue"))
        assert w <= 2 * p ** 3 and th <= 4 * p ** 4, (p, w, th)


def _residue_weight_bound(m, p):
    """6·N³ + 2m, N = bitlen(m(2^p − 1)) digits: first layer of the block-save step < 2^⌈log₂ m⌉ < 2m; forms
    of the adder ≤ 3·2^(L+1)·(2·q_max·N + 1) with 2^L < 2N, measured below 6N³ on the grids of the tests."""
    N = (m * ((1 << p) - 1)).bit_length()
    return 6 * N ** 3 + 2 * m


def test_iterated_add_residue_exhaustive_small():
    for m in range(2, 7):
        for p in range(1, 5):
            if m * p > 12:
                continue
            c = build_iterated_add(m, p, "residue")
            X = _all_assignments(m * p).reshape(-1, m, p)
            got = _value(np.asarray(c.evaluate({"x": X}, "bool")["s"]))
            assert (got == _value(X).sum(axis=1)).all(), (m, p)
            assert c.depth() == ITERATED_ADD_DEPTH["residue"] == 3
            assert _max_w_th(c)[0] <= _residue_weight_bound(m, p)


@pytest.mark.parametrize("m,p", [(2, 16), (7, 8), (33, 8), (100, 5), (130, 8), (17, 16), (256, 8)])
def test_iterated_add_residue_random_and_weights(m, p):
    rng = np.random.default_rng(m * 100 + p)
    vals = rng.integers(0, 1 << p, size=(24, m))
    vals[0] = (1 << p) - 1
    vals[1] = 0
    vals[2, 1:] = 0
    vals[2, 0] = (1 << p) - 1  # long carry chains: one number at its maximum, the rest 0 / 1
    vals[3] = 1
    c = build_iterated_add(m, p, "residue")
    got = _value(np.asarray(c.evaluate({"x": _bits(vals, p)}, "bool")["s"]))
    assert (got == vals.astype(object).sum(axis=1)).all()
    assert c.depth() == 3
    assert _max_w_th(c)[0] <= _residue_weight_bound(m, p), _max_w_th(c)


def test_iterated_add_residue_depth_independent_of_m():
    """Every m = 2..256 at p = 2, and m ∈ {3, 64, 256} at p = 8: depth 3 (a few seconds)."""
    depths = {m: build_iterated_add(m, 2, "residue").depth() for m in range(2, 257)}
    depths.update({(m, 8): build_iterated_add(m, 8, "residue").depth() for m in (3, 64, 256)})
    assert set(depths.values()) == {3}, depths


def test_multiply_residue():
    for p in range(1, 6):
        c = build_multiply(p, "residue")
        AB = _all_assignments(2 * p)
        got = _value(np.asarray(c.evaluate({"a": AB[:, :p], "b": AB[:, p:]}, "bool")["p"]))
        assert (got == _value(AB[:, :p]) * _value(AB[:, p:])).all(), p
        if p >= 2:
            assert c.depth() == MULTIPLY_DEPTH["residue"] == 4
    p = 12
    rng = np.random.default_rng(7)
    a = [int(v) for v in rng.integers(0, 1 << p, size=12)] + [(1 << p) - 1]
    b = [int(v) for v in rng.integers(0, 1 << p, size=12)] + [(1 << p) - 1]
    c = build_multiply(p, "residue")
    got = _value(np.asarray(c.evaluate({"a": _bits(a, p), "b": _bits(b, p)}, "bool")["p"]))
    assert list(got) == [x * y for x, y in zip(a, b)]
    assert c.depth() == 4
    # column heights ≤ p: the bound of iterated addition with m = p numbers of 2p bits
    assert _max_w_th(c)[0] <= _residue_weight_bound(p, 2 * p), _max_w_th(c)


def test_residue_heap_sum_through_lowering_api():
    """``heap_sum(cols, "residue")`` (the entry point constructions.lowering uses) on a ragged heap."""
    from constructions.threshold import heap_sum
    c = Circuit("threshold")
    x = c.input("x", (9,))
    cols = [[x[0], x[1], x[2]], [], [x[3], x[4]], [x[5]], [x[6], x[7], x[8]]]
    c.output("s", heap_sum(c, cols, "residue"))
    X = _all_assignments(9)
    got = _value(np.asarray(c.evaluate({"x": X}, "bool")["s"]))
    want = sum((1 << k) * X[:, [int(w) for w in col]].sum(axis=1).astype(object) for k, col in enumerate(cols) if col)
    assert (got == want).all() and c.depth() == 3


def test_docs_tables_are_what_the_code_gives():
    """docs/threshold.md's measured tables: their cheap rows recomputed by benchmarks/threshold_tables.py."""
    import subprocess
    import sys
    from pathlib import Path
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "threshold_tables.py"
    r = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and "current" in r.stdout, r.stdout + r.stderr
