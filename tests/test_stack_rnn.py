"""Thm 1: the base-4 stack encoding, its ReLU readers, the stack-machine RNN, the monotone circuit value problem
through it, the base-2 erratum, the unrolled circuits and the claims."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from constructions.hardness import mcvp as M
from constructions.hardness import stack as S
from proofs_check import hardness_stack_claims as HC
from proofs_check.claims import REGISTRY, run_claim

ROOT = Path(__file__).resolve().parents[1]


def _stacks(max_depth):
    for d in range(max_depth + 1):
        for i in range(2 ** d):
            yield [(i >> k) & 1 for k in range(d)]


def test_encoding_roundtrip_and_ops():
    for w in _stacks(8):
        s = S.encode(w)
        assert 0 <= s < 1 and S.decode(s) == w
        for b in (0, 1):
            assert S.push(s, b) == S.encode([b] + w)
            assert S.pop(S.push(s, b)) == s
        if w:
            assert S.top(s) == w[0] and S.nonempty(s) == 1
            assert S.TOP_READER(s) == w[0] and S.EMPTY_READER(s) == 1
        else:
            assert S.EMPTY_READER(s) == 0
    with pytest.raises(ValueError):
        S.decode(Fraction(5, 8))  # a digit 2: not a code
    with pytest.raises(ValueError):
        S.encode([2])


def test_gap_table_matches_enumeration_and_halves():
    rows = S.gap_table(range(1, 13), 12)  # raises if structure and enumeration disagree
    assert all(r["gap4"] > Fraction(1, 4) for r in rows)
    assert [r["gap2"] for r in rows] == [Fraction(1, 2 ** (D - 1)) for D in range(1, 13)]
    assert S.gap_by_enumeration(2, 5) == Fraction(1, 16)


def test_base2_reader_fails_where_lipschitz_says():
    for k in (2, 5, 10):
        v = HC.check_reader(True, 2, 2 ** k)
        assert v.status == "not_equal"
        # the reader with slope 2^k separates gaps ≥ 2^-k: wrong first at depth k + 2 (gap 2^-(k+1))
        assert v.counterexample["depth"] == k + 2
        w = v.counterexample["stack_top_first"]
        assert S.base2_reader(2 ** k)(S.encode_base2(w)) != w[0]
    assert HC.check_reader(True, 4).status == "equal"


def test_ops_rnn_against_list_stack():
    rnn = S.compile_machine(S.ops_machine())
    rng = random.Random(3)
    toks = [rng.choice(rnn.machine.tokens) for _ in range(300)]
    h, ref = rnn.state(), []
    for tok in toks:
        h = rnn.step(h, tok)
        if tok.startswith("push"):
            ref.insert(0, int(tok[-1]))
        elif tok == "pop" and ref:
            ref.pop(0)
        assert rnn.decode(h) == ("q", [ref])
    # weights: integers in the hidden layer, quarters in the output layer
    assert all(isinstance(v, int) for v in rnn.W.ravel())
    assert all((4 * v).denominator == 1 for v in rnn.W2.ravel())


def test_scaled_and_sparse_runners_agree_with_fractions():
    rnn = S.compile_machine(M.mcvp_machine())
    rng = random.Random(1)
    gates = M.random_monotone_circuit(4, 6, rng, window=3)
    x = [1, 0, 1, 1]
    toks = M.circuit_tokens(gates, x)
    want = rnn.run(toks)[-1]
    runner = S.SparseRunner(rnn, 11)
    hd, st = runner.run(toks)
    assert runner.decode(hd, st) == rnn.decode(want)
    K = 4 ** 11
    H = np.array([[int(v * K) for v in rnn.state()]], dtype=object)
    idx = {t: i for i, t in enumerate(rnn.machine.tokens)}
    for tok in toks:
        H = rnn.step_scaled(H, [idx[tok]], K)
    assert [Fraction(int(v), K) for v in H[0]] == list(want)
    q, (A, B) = rnn.decode(want)
    assert q == "idle" and A == M.evaluate_circuit(gates, x)[::-1] and B == []


def test_scale_too_small_is_refused():
    rnn = S.compile_machine(S.ops_machine())
    runner = S.SparseRunner(rnn, 3)
    with pytest.raises(ArithmeticError):
        runner.run(["push1"] * 5)


def test_machine_refuses_pop_on_empty_and_dead_state():
    with pytest.raises(ValueError, match="pops an empty stack"):
        S.StackMachine(("q",), ("t",), 1, {("q", "t", ("E",)): ("q", ("pop",))}, "q")
    rnn = S.compile_machine(M.mcvp_machine())
    h = rnn.step(rnn.state(), "and")  # no rule: idle cannot apply a gate
    assert all(v == 0 for v in h)
    with pytest.raises(ValueError, match="one-hot"):
        rnn.decode(h)


def test_mcvp_small_and_mutant():
    assert HC.mcvp_case((1, 5, 30, 4, None))["ok"]
    assert HC.mcvp_case((2, 3, 20, None, None))["ok"]
    r = HC.all_assignments_case((3, 4, 6, None))
    assert r["ok"] == r["assignments"] == 16
    bad = HC.all_assignments_case((3, 4, 6, "pop-bias"))
    assert bad["ok"] < 16 and bad["counterexample"]


def test_stack_chunk_and_sequences_catch_mutants():
    assert HC.stack_chunk(((), 0, 6, 7, None)) == {"checked": 127, "counterexample": None}
    assert HC.stack_chunk(((), 0, 6, 7, "push-weight"))["counterexample"]
    assert HC.ops_chunk(("pop", 5, 6, None))["counterexample"] is None
    ce = HC.ops_chunk(("push1", 4, 5, "push-weight"))["counterexample"]
    assert ce and S.ops_machine().run(ce["sequence"])[1][0] == ce["reference_top_first"]
    rnn = HC.ops_rnn("push-weight")
    try:
        got = rnn.decode(rnn.run(ce["sequence"])[-1])[1][0]
    except ValueError:  # the mutant's state is not even a stack code
        got = None
    assert got != ce["reference_top_first"]


def test_unrolled_circuit_and_pieces():
    assert HC.check_unrolled(True).status == "equal"
    assert HC.check_unrolled_log(True).status == "not_equal"
    rnn = HC.ops_rnn()
    h0, e = HC.piece_line(rnn)
    counts = HC.count_pieces(rnn, ["pop"] * 3, h0, e)
    assert counts[0] < counts[1] < counts[2]
    assert HC.count_pieces(rnn, ["pop"] * 3, h0, e, relu=False) == [1, 1, 1]


def test_claims_quick():
    if "thm1-stack-rnn" not in REGISTRY:
        HC.load()
    res = run_claim(REGISTRY["thm1-stack-rnn"], quick=True)
    assert res.status == "verified-with-erratum", res.evidence_summary()
    assert res.erratum["counterexample"]["depth"] == 12
    for cid, status in (("rnn-unrolled-depth-linear", "checked"), ("rnn-no-associative-combine", "checked"),
                        ("prop1-cor1-upper-bounds", "open")):
        r = run_claim(REGISTRY[cid], quick=True)
        assert r.status == status, r.evidence_summary()


def test_docs_tables_are_current():
    r = subprocess.run([sys.executable, "-m", "proofs_check.hardness_stack_claims", "--check"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_cli_stack_demo():
    from reports.cli import main
    r = subprocess.run([sys.executable, "-m", "reports.cli", "stack-demo", "--json", "--inputs", "01"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0
    out = json.loads(r.stdout)
    assert out["output"] == out["expected"] == 0 and out["steps"][-1]["token"] == "and"
    r = subprocess.run([sys.executable, "-m", "reports.cli", "stack-demo", "--inputs", "0a"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert main(["stack-demo", "--inputs", "11"]) == 0
