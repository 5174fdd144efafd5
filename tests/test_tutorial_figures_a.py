"""The figures of tutorials 1–4 (reports/site_figures/tutorials_a.py): each returns SVG, each is referenced by a
tutorial and every tutorial figure exists, the drawn circuits are the ones the tutorials build, and the plotted
data follow the formulas the tutorials state."""
import math
import re
from pathlib import Path

import pytest

from reports import site_figures
from reports.site_figures import tutorials_a as T

DOCS = Path(__file__).resolve().parent.parent / "docs" / "tutorials"
PAGES = ("01-first-circuit.md", "02-unrolling-lrnns.md", "03-nonlinear-rnns.md", "04-arithmetic-to-bits.md")


@pytest.fixture(scope="module")
def svgs():
    return {name: site_figures.render(name) for name in T.FIGURES}


def titles(svg: str) -> list[str]:
    return re.findall(r'class="node"[^>]*>\s*<title>([^<]*)</title>', svg)


def drawn_wires(svg: str) -> set:
    return {t for t in titles(svg) if re.fullmatch(r"w\d+", t)}


def test_every_figure_is_registered_and_svg(svgs):
    assert set(T.FIGURES) <= set(site_figures.FIGURES)
    for name, svg in svgs.items():
        assert name.startswith(("t1-", "t2-", "t3-", "t4-")), name
        assert "<svg" in svg[:4000] and svg.rstrip().endswith("</svg>"), name


def test_pages_refer_to_existing_figures_and_use_them_all():
    used = set()
    for page in PAGES:
        text = (DOCS / page).read_text()
        refs = set(re.findall(r"\]\(\.\./figures/([^)]+)\)", text))
        assert refs, f"{page} shows no figure"
        assert refs <= set(site_figures.FIGURES), f"{page}: unknown figures {refs - set(site_figures.FIGURES)}"
        used |= refs
    assert set(T.FIGURES) <= used, f"figures no tutorial shows: {set(T.FIGURES) - used}"


def first_python_block(page: str) -> str:
    text = (DOCS / page).read_text()
    return re.search(r"```python\n(.*?)```", text, re.S).group(1)


def test_t1_figure_draws_the_circuit_the_tutorial_builds(svgs):
    ns: dict = {}
    exec(first_python_block("01-first-circuit.md"), ns)  # the tutorial's own code, as written
    built = ns["c"]
    drawn = T.first_circuit()
    assert built.to_json() == drawn.to_json()
    svg = svgs["t1-first-circuit.svg"]
    assert drawn_wires(svg) == {f"w{i}" for i in range(len(drawn))}
    for label in ("a[0]", "a[1]", "b[0]", "b[1]", "h0", "y"):
        assert f">{label}<" in svg, label


@pytest.mark.parametrize("scan", T.SCANS)
def test_t2_drawings_are_the_n4_lrnn_circuits(svgs, scan):
    from constructions.lrnn import build_lrnn

    c = build_lrnn("diagonal", n=4, d=1, scan=scan)      # the call tutorial 2 makes
    assert c.to_json() == T.lrnn_n4(scan).to_json()
    svg = svgs[f"t2-{scan}-n4.svg"]
    assert drawn_wires(svg) == {f"w{w}" for w in range(len(c))}      # every wire, nothing else
    assert f"{c.size()} gates, depth {c.depth()}" in svg
    assert len([t for t in titles(svg) if t.startswith("out")]) == 4


def test_t2_plotted_depths_follow_the_stated_formulas(svgs):
    table = T.depth_table()                      # the data of t2-depth-vs-n.svg (cached when it was drawn)
    for scan, rows in table.items():
        for n, depth, size in rows:
            k = int(math.log2(n))
            if n < 4:
                continue
            ell0 = {"serial": n, "sklansky": k + 1, "kogge-stone": k + 1, "brent-kung": 2 * k - 1}[scan]
            assert depth == 2 * ell0, (scan, n)
    assert table["serial"][-1][1] > table["brent-kung"][-1][1] > table["sklansky"][-1][1]


def test_t3_pieces_grow_and_affine_stays_one(svgs):
    with_relu = T.pieces()                       # the data of t3-pieces.svg
    assert len(with_relu) == T.PIECE_STEPS
    assert all(a < b for a, b in zip(with_relu, with_relu[1:]))
    assert T.pieces(relu=False) == (1,) * T.PIECE_STEPS


@pytest.mark.parametrize("adder", ["ripple", "kogge-stone"])
def test_t4_adder_drawings(svgs, adder):
    c = T.adder4(adder)
    wires = drawn_wires(svgs[f"t4-adder-{adder}-4.svg"])
    gates = {f"w{w}" for w in range(len(c)) if c.op_of(w) not in ("input", "const")}
    assert gates <= wires <= {f"w{w}" for w in range(len(c))}
    assert len([t for t in titles(svgs[f"t4-adder-{adder}-4.svg"]) if t.startswith("out")]) == 5  # s[0..3], c


def test_t4_adder_table_ripple_formula(svgs):
    rows = T.adder_table()                       # the data of t4-adder-depth.svg
    assert rows["ripple"] == [(p, 2 * p - 1, 5 * p - 3) for p in T.ADDER_PS]
    assert rows["kogge-stone"][-1][1] < rows["ripple"][-1][1]          # p = 8: prefix carries beat the chain
