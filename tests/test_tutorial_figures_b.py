"""The figures of tutorials 5–8 (reports/site_figures/tutorials_b.py): each is SVG, each is used by its tutorial,
and each shows the object the tutorial builds."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from reports.site_figures import tutorials_b as T

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = {"t5": "05-transformers.md", "t6": "06-nc1-barrington.md", "t7": "07-dplr-wfa.md",
             "t8": "08-verifying.md"}


def _tutorial(name: str) -> str:
    return (ROOT / "docs" / "tutorials" / TUTORIALS[name[:2]]).read_text(encoding="utf-8")


def _drawn_wires(svg: str) -> set[int]:
    """Wire ids of the nodes of a circuit drawing (graphviz names them w<id>)."""
    return {int(w) for w in re.findall(r"<title>w(\d+)</title>", svg)}


def _check_circuit_drawing(svg: str, c) -> None:
    """Every gate of c is drawn, and every other drawn node is an input or a constant of c."""
    drawn = _drawn_wires(svg)
    gates = set(np.flatnonzero(c.depths() > 0).tolist())
    assert len(gates) == c.size()
    assert gates <= drawn, f"gates missing from the drawing: {sorted(gates - drawn)[:5]}"
    assert all(c.op_of(w) in ("input", "const") for w in drawn - gates)


def test_every_figure_is_svg_and_referenced_by_its_tutorial():
    assert T.FIGURES, "no figures"
    for name in T.FIGURES:
        assert re.fullmatch(r"t[5-8]-[a-z0-9-]+\.svg", name), name
        assert f"](../figures/{name})" in _tutorial(name), f"{name} is not shown by its tutorial"


def test_every_figure_a_tutorial_shows_is_defined_here():
    for key, page in TUTORIALS.items():
        text = (ROOT / "docs" / "tutorials" / page).read_text(encoding="utf-8")
        for name in re.findall(r"\]\(\.\./figures/([^)]+)\)", text):
            assert name in T.FIGURES, f"{page} shows {name}, which no figure function produces"


def test_figures_are_collected_by_the_package():
    from reports import site_figures

    for name, fn in T.FIGURES.items():
        assert site_figures.FIGURES.get(name) is fn


def test_t5_depth_plot():
    svg = T.t5_depth_plot()
    assert "<svg" in svg[:4000]
    assert "threshold circuit" in svg and "fan-in-2" in svg
    for n in T.T5_LENGTHS:
        assert f">{n}<" in svg  # the tick labels of the lengths measured
    depths = T.t5_depths()  # the plotted data (cached by the figure call)
    assert len(set(depths["threshold"])) == 1  # flat
    assert list(depths["boolean"]) == sorted(set(depths["boolean"]))  # strictly growing
    assert min(depths["boolean"]) > depths["threshold"][0]


def test_t5_layer_summary_is_the_layer_at_n4():
    from constructions.transformer import build_circuit, forms

    c = build_circuit(forms.model(4), narrow=False)  # the layer section 3 of the tutorial measures at n = 4
    svg = T.t5_layer_summary()
    assert f"{c.size():,}" in svg and f"{c.depth()}" in svg
    assert c.size() == forms.measure(4)["size"]


def test_t6_program_plot_draws_the_program_of_x1_and_x2():
    from constructions.automata import barrington

    assert f"`{T.T6_FORMULA}`" in _tutorial("t6")
    prog = barrington.compile_formula("x1 & x2")
    svg = T.t6_program_plot()
    assert svg.count("reads x") == len(prog.instructions) == 4
    for var in {i for i, _, _ in prog.instructions}:
        assert f"reads x{var}" in svg


def test_t6_program_table_is_the_same_program():
    from constructions.automata import barrington

    prog = barrington.compile_formula("x1 & x2")
    svg = T.t6_program_table()
    assert "<svg" in svg[:4000] and f"{len(prog.instructions)} instructions" in svg
    c = barrington.program_lrnn(prog)  # final state only, the default
    assert f"{c.size()} gates, depth {c.depth()}" in svg  # the caption's circuit is the program's PD-LRNN


def test_t6_pd_circuit_is_the_circuit_of_x1_xor_x2():
    from constructions.automata import barrington

    assert f"`{T.T6_CIRCUIT_FORMULA}`" in _tutorial("t6")
    prog = barrington.compile_formula("x1 ^ x2")
    c = barrington.program_lrnn(prog)
    svg = T.t6_pd_circuit_svg()
    _check_circuit_drawing(svg, c)
    assert c.size() == T.t6_pd_circuit().size() and c.count_ops() == T.t6_pd_circuit().count_ops()
    # and it computes x1 ^ x2
    X = barrington.assignments(2)
    final = [tuple(int(v) for v in row) for row in barrington.run_program_lrnn(c, prog, X)]
    assert final == [barrington.TARGET_STATE if a ^ b else barrington.H0 for a, b in X.tolist()]


def test_t7_wfa_is_the_tutorials_automaton_with_every_transition():
    from constructions.automata.text import parse_automaton

    text = _tutorial("t7")
    assert T.T7_WFA.strip() in text  # the automaton the tutorial parses
    wfa = parse_automaton(T.T7_WFA)
    svg = T.t7_wfa_svg()
    labels = sorted(re.findall(r">([a-z] / [^<]+)<", svg))
    expected = sorted(f"{wfa.alphabet[a]} / {wfa.A[a, p, q]}" for a in range(wfa.num_symbols)
                      for p in range(wfa.num_states) for q in range(wfa.num_states) if wfa.A[a, p, q] != 0)
    assert labels == expected and len(labels) == 4


def test_t7_pd_lrnn_is_thm8s_circuit():
    from constructions.automata import wfa as W
    from constructions.automata.text import parse_automaton

    wfa = parse_automaton(T.T7_WFA)
    c = W.build_pd_lrnn(wfa, T.T7_LENGTH)
    _check_circuit_drawing(T.t7_pd_lrnn_svg(), c)
    words = W.all_words(2, T.T7_LENGTH)
    y = c.evaluate({"x": np.eye(2, dtype=np.int64)[words]}, "fraction")["y"]
    assert [y[i][-1] for i in range(len(words))] == [wfa.weight(w) for w in words]


def test_t8_miter_never_fires_and_is_drawn_whole():
    c, parts = T.t8_miter()
    bits = np.array([[(k >> i) & 1 for i in range(4)] for k in range(16)], dtype=bool)
    assert not c.evaluate({"a": bits[:, :2], "b": bits[:, 2:]}, "bool")["differ"].any()
    assert sum(len(p[1]) for p in parts) == c.size()  # the three parts hold every gate
    _check_circuit_drawing(T.t8_miter_svg(), c)


def test_t8_miter_fires_when_one_adder_is_broken():
    # the same construction with a broken adder must output 1 somewhere: the figure's check can fail
    from circuits import Circuit
    from constructions.bits import adder_circuit

    c = Circuit("boolean")
    a, b = c.input("a", (2,)), c.input("b", (2,))
    good = c.embed(adder_circuit(2, "ripple"), {"a": a, "b": b})
    bad_s = c.xor(a, b)  # no carry into bit 1
    diff = c.or_(*c.xor(np.append(good["s"], good["c"]), np.append(bad_s, c.and_(a[1], b[1]))))
    c.output("differ", diff)
    bits = np.array([[(k >> i) & 1 for i in range(4)] for k in range(16)], dtype=bool)
    assert c.evaluate({"a": bits[:, :2], "b": bits[:, 2:]}, "bool")["differ"].any()


@pytest.mark.parametrize("name", sorted(T.FIGURES))
def test_figure_names_follow_the_contract(name):
    assert name.startswith(("t5-", "t6-", "t7-", "t8-")) and name.endswith(".svg")
