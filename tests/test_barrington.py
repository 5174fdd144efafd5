"""Barrington programs (constructions/automata/barrington.py): the parser (precedence, errors), programs and
their PD-LRNN circuits against the formula on every assignment, the length recursion and the known lengths, the
peephole optimiser, the negative controls, the CLI and the doc table."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from circuits import CircuitError
from constructions.automata import barrington as B
from constructions.automata import perm
from reports.cli import main

E = perm.identity(5)


def _agrees(f, ins) -> bool:
    X = B.assignments(B.num_vars(f))
    want = B.evaluate_formula(f, X)
    exp = np.where(want[:, None], np.array(B.TARGET)[None, :], np.arange(5)[None, :])
    return bool((B.program_values(ins, X) == exp).all())


def _circuit_agrees(f, prog, scan="brent-kung", final_only=True) -> bool:
    X = B.assignments(B.num_vars(f))
    want = B.evaluate_formula(f, X)
    c = B.program_lrnn(prog, scan=scan, final_only=final_only)
    h = B.run_program_lrnn(c, prog, X)
    exp = np.where(want[:, None], np.array(B.TARGET_STATE)[None, :], np.arange(5)[None, :])
    return bool((h == exp).all())


# ---------------------------------------------------------------------------------------------------------
# parser
@pytest.mark.parametrize("text, tree", [
    ("x1", ("var", 1)),
    ("~x1", ("not", ("var", 1))),
    ("x1 & ~x2 | x3", ("or", ("and", ("var", 1), ("not", ("var", 2))), ("var", 3))),
    ("x1 | x2 ^ x3 & x4", ("or", ("var", 1), ("xor", ("var", 2), ("and", ("var", 3), ("var", 4))))),
    ("x1 & x2 & x3", ("and", ("and", ("var", 1), ("var", 2)), ("var", 3))),
    ("~(x1 | x2)", ("not", ("or", ("var", 1), ("var", 2)))),
    ("x12^x3", ("xor", ("var", 12), ("var", 3))),
    ("  ( x1 )  ", ("var", 1)),
])
def test_parse_precedence(text, tree):
    assert B.parse(text) == tree
    assert B.parse(B.to_text(tree)) == tree


@pytest.mark.parametrize("text, msg", [
    ("", "empty"), ("   ", "empty"), ("x0", "numbered from 1"), ("x1 &", "column 5"), ("x1 x2", "unexpected"),
    ("(x1", "expected '\\)'"), ("x1)", "unexpected"), ("y1", "unexpected 'y'"), ("x1 && x2", "column 5"),
    ("x", "unexpected 'x'"), ("~", "the end"), ("()", "column 2"),
])
def test_parse_errors_one_line(text, msg):
    with pytest.raises(CircuitError, match=msg) as e:
        B.parse(text)
    assert "\n" not in str(e.value)


def test_parse_deep_nesting_is_an_error():
    with pytest.raises(CircuitError, match="nested too deeply"):
        B.parse("(" * 5000 + "x1" + ")" * 5000)


def test_too_long_is_refused():
    with pytest.raises(CircuitError, match="above the limit"):
        B.compile_formula(B.balanced_and(11))


# ---------------------------------------------------------------------------------------------------------
# programs
@pytest.mark.parametrize("text", ["x1", "~x1", "x1 & x2", "x1 | x2", "x1 ^ x2", "~(x1 ^ x2)", "x1 & ~x2 | x3",
                                  "(x1 ^ x2) & (x3 | ~x1)", "x1 ^ x2 ^ x3 ^ x4", "x1 ^ x1", "x1 & ~x1",
                                  "~~~x2 | x1 & x3"])
def test_program_and_circuit_every_assignment(text):
    f = B.parse(text)
    ins0 = B.build(f)
    prog = B.compile_formula(f)
    assert _agrees(f, ins0) and _agrees(f, prog.instructions)
    assert _circuit_agrees(f, prog) and _circuit_agrees(f, B.compile_formula(f, optimise=False))
    assert len(ins0) == B.length_recursion(f) <= 4 ** B.depth(f)
    for i, p0, p1 in ins0:
        assert 1 <= i <= B.num_vars(f) and perm.is_permutation(p0) and perm.is_permutation(p1)


@pytest.mark.parametrize("scan", ["serial", "sklansky", "kogge-stone", "ladner-fischer", "blelloch"])
def test_circuit_every_scan_all_states(scan):
    f = B.parse("(x1 | x2) & ~(x3 ^ x1)")
    assert _circuit_agrees(f, B.compile_formula(f), scan=scan, final_only=False)


def test_known_lengths():
    assert len(B.compile_formula("x1 | x2")) <= 4
    assert len(B.compile_formula("x1 ^ x2")) <= 11
    for k in range(6):
        assert len(B.build(B.balanced_and(k))) == 4 ** k


def test_recursion_values():
    assert B.length_recursion(B.parse("x1")) == 1
    assert B.length_recursion(B.parse("~x1")) == 1
    assert B.length_recursion(B.parse("x1 & x2")) == 4
    assert B.length_recursion(B.parse("(x1 & x2) ^ x3")) == 4 + 1 + 1
    assert B.length_recursion(B.parse("(x1 & x2) | (x3 ^ x4)")) == 2 * 4 + 2 * 3


@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(1, 5))
def test_property_random_formulas(seed, d, nv):
    rng = np.random.default_rng(seed)
    f = B.random_formula(rng, d, nv)
    assert B.depth(f) <= d and B.num_vars(f) <= nv
    ins0 = B.build(f)
    assert len(ins0) == B.length_recursion(f) <= 4 ** B.depth(f)
    assert _agrees(f, ins0)
    assert _agrees(f, B.optimize(ins0))


def test_random_formulas_through_the_circuit():
    rng = np.random.default_rng(5)
    for _ in range(15):
        f = B.random_formula(rng, 4, 4)
        assert _circuit_agrees(f, B.compile_formula(f))


def test_other_targets():
    f = B.parse("x1 & (x2 | ~x3)")
    for tgt in [perm.cycle(5, 0, 2, 4, 1, 3), perm.cycle(5, 0, 1, 2), (1, 0, 3, 2, 4)]:
        prog = B.compile_formula(f, target=tgt)
        X = B.assignments(3)
        want = B.evaluate_formula(f, X)
        exp = np.where(want[:, None], np.array(tgt)[None, :], np.arange(5)[None, :])
        assert (B.program_values(prog.instructions, X) == exp).all()
    with pytest.raises(CircuitError, match="non-identity even"):
        B.compile_formula(f, target=perm.cycle(5, 0, 1))
    with pytest.raises(CircuitError, match="non-identity even"):
        B.compile_formula(f, target=E)


def test_gadgets_found():
    pairs = B._and_pairs()
    conj = B._xor_conjugators()
    assert len(pairs) == len(conj) == 59  # every non-identity element of A5
    for g, (s, t) in pairs.items():
        assert perm.commutator(s, t) == g
        # as documented: 5-cycles for 5-cycles and 3-cycles, 3-cycles for double transpositions
        want = (3, 1, 1) if perm.cycle_type(g) == (2, 2, 1) else (5,)
        assert perm.cycle_type(s) == perm.cycle_type(t) == want
    for g, (a1, a2) in conj.items():
        assert perm.compose(a2, a1) == g and perm.compose(a2, perm.compose(g, a1)) == E


# ---------------------------------------------------------------------------------------------------------
# the optimiser
def test_optimiser_merges_and_drops():
    c = perm.cycle(5, 0, 1, 2, 3, 4)
    t = perm.cycle(5, 0, 1)
    ins = [(1, E, E), (1, c, t), (1, t, c), (2, c, c), (3, E, c)]
    out = B.optimize(ins)
    assert out == [(1, perm.compose(t, c), perm.compose(c, t)), (3, c, perm.compose(c, c))]
    X = B.assignments(3)
    assert (B.program_values(out, X) == B.program_values(ins, X)).all()
    # a trailing constant folds into the previous instruction
    out = B.optimize([(1, E, c), (2, t, t)])
    assert out == [(1, t, perm.compose(t, c))]
    # a constant program keeps one constant instruction
    assert B.optimize([(2, c, E), (2, perm.inverse(c), E)]) == [(2, E, E)]
    assert B.optimize([(2, c, c)]) == [(2, c, c)]


@given(st.lists(st.tuples(st.integers(1, 3), st.sampled_from(list(B._a5())[:12] + [E]),
                          st.sampled_from(list(B._a5())[:12] + [E])), min_size=1, max_size=12))
def test_property_optimiser_keeps_the_value(ins):
    out = B.optimize(ins)
    X = B.assignments(3)
    assert (B.program_values(out, X) == B.program_values(ins, X)).all()
    assert len(out) <= len(ins)
    if len(out) > 1:
        assert all(p0 != p1 for _, p0, p1 in out)
        assert all(a[0] != b[0] for a, b in zip(out, out[1:]))


# ---------------------------------------------------------------------------------------------------------
# negative controls: the same checks reject broken constructions
@pytest.mark.parametrize("mutant, text", [("commutator-order", "x1 & x2"), ("conjugation", "x1 & x2"),
                                          ("xor-conjugator", "x1 ^ x2")])
def test_mutants_rejected(mutant, text):
    f = B.parse(text)
    ins = B.build(f, _mutant=mutant)
    assert not _agrees(f, ins)
    assert not _circuit_agrees(f, B.Program(tuple(ins), B.TARGET, 2))


def test_claim_quick_and_controls():
    from proofs_check.barrington_claims import _barrington_check

    v = _barrington_check(True)
    assert v.status == "equal", v.why
    assert v.evidence["scope"]["formulas"] == 30 and v.evidence["scope"]["max depth"] == 5
    for m in ("commutator-order", "conjugation", "xor-conjugator"):
        assert _barrington_check(True, m).status == "not_equal"


# ---------------------------------------------------------------------------------------------------------
# CLI
def test_cli_json(capsys):
    assert main(["barrington", "x1 | x2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"length", "target", "program"}
    assert out["length"] == len(out["program"]) == 4
    assert out["target"] == list(B.TARGET)
    # replay the program exactly as documented: perm_L ∘ … ∘ perm_1, perm_1 first
    for a in range(2):
        for b in range(2):
            x = {1: a, 2: b}
            val = list(range(5))
            for i, p0, p1 in out["program"]:
                p = p1 if x[i] else p0
                val = [p[v] for v in val]
            assert val == (out["target"] if (a or b) else list(range(5)))


def test_cli_circuit_and_listing(capsys):
    assert main(["barrington", "x1 ^ x2", "--json", "--circuit"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["circuit"]["target_state"] == list(B.TARGET_STATE) and out["circuit"]["depth"] > 0
    assert main(["barrington", "x1 & ~x2 | x3", "--no-optimize"]) == 0
    text = capsys.readouterr().out
    assert "perm_L ∘ … ∘ perm_1" in text and "x3" in text


@pytest.mark.parametrize("bad", ["x1 &", "x0", "", "x1 $ x2"])
def test_cli_bad_formula(capsys, bad):
    assert main(["barrington", bad]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "formula" in err


# ---------------------------------------------------------------------------------------------------------
# docs
def test_doc_tables_current():
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "barrington_table.py"
    r = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_doc_states_the_conventions():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "barrington.md").read_text()
    assert str(tuple(B.TARGET_STATE)) in doc and str(list(B.TARGET)) in doc
    assert "perm_L ∘ … ∘ perm_1" in doc and "~` > `&` > `^` > `|`" in doc
