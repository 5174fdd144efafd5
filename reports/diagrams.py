"""Diagrams that teach: the project's own circuits drawn with graphviz, for the report and the docs.

Every builder returns a :class:`Diagram` — a file stem, a one-line title, a caption whose numbers come from the
circuit drawn, and one clean ``<svg>`` element (:func:`circuits.draw.svg_element`: no XML prolog, DOCTYPE or
comments; the same bytes on every run on one machine).

* :func:`lrnn_scan_diagram` — an LRNN (n = 4, d = 2) unrolled by a scan schedule. The circuit is
  ``constructions.lrnn.build_lrnn`` itself; the scan code records, per combine node, the wires of its value
  (``constructions.scans.recording``), and the gates of a combine are those its value needs beyond the values
  of its two operands. Each combine is a cluster labelled with the steps it covers.
* :func:`kogge_stone_diagram` — the 4-bit Kogge–Stone adder of ``constructions.bits`` (generate/propagate
  style), its prefix combines clustered by the bit range they cover.
* :func:`barrington_diagram` — the width-5 permutation program of a formula (``x1 & x2``): one column per
  instruction, and the running product for every assignment, ending at the target 5-cycle or the identity.
* :func:`transformer_diagram` — a small transformer layer's threshold circuit, as the compact summary.
* :func:`summary_diagram` — the compact summary of any circuit (binned depth levels, gates stacked by op).

:func:`report_diagrams` returns them all, in the order the report shows them.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from circuits import Circuit, CircuitError
from circuits.draw import FONT, pinned_node, render_svg_element, summary_dot, text_node, to_dot

__all__ = ["Diagram", "ScanFigure", "report_diagrams", "lrnn_scan_figure", "lrnn_scan_diagram",
           "kogge_stone_figure", "kogge_stone_diagram", "barrington_diagram", "transformer_diagram",
           "summary_diagram", "large_lrnn_diagram", "scan_groups", "cycle_notation"]

SCAN_TITLES = {"serial": "serial", "sklansky": "Sklansky", "brent-kung": "Brent–Kung",
               "kogge-stone": "Kogge–Stone", "ladner-fischer": "Ladner–Fischer", "han-carlson": "Han–Carlson",
               "blelloch": "Blelloch", "reduce": "balanced reduction"}
#: fill of the clusters of gates that prepare a leaf (h₀ folded into step 0; generate/propagate of a bit)
LEAF_FILL = "#fff7e0"


@dataclass(frozen=True)
class Diagram:
    name: str     # file stem: written as figures/<name>.svg
    title: str    # one line
    caption: str  # plain text, Unicode math (h₍t₋₁₎, 2ᵏ), 1–3 sentences; no TeX
    svg: str      # one <svg ...>...</svg> element: no <?xml?> prolog, no DOCTYPE; deterministic


@dataclass(frozen=True)
class ScanGroup:
    """The gates one scan node adds: a combine (``leaf`` False) covering inputs ``lo..hi``, or the gates that
    prepare leaf ``lo = hi`` (``leaf`` True)."""

    node: int
    lo: int
    hi: int
    level: int  # the schedule level of a combine (0-based); -1 for a leaf
    gates: tuple
    leaf: bool = False


@dataclass(frozen=True)
class ScanFigure:
    """A circuit, the schedule its scan ran, the gates of every scan node, and the DOT source drawn."""

    circuit: Circuit
    schedule: object
    groups: tuple  # ScanGroup, combines in node order, then the leaf groups that have gates
    dot: str

    @property
    def combines(self) -> list:
        return [g for g in self.groups if not g.leaf]


def scan_groups(c: Circuit, record) -> list[ScanGroup]:
    """The gates of every node of one recorded scan (``constructions.scans.recording``): a combine's gates are
    the gates its value's wires depend on that its operands' values do not; a leaf's are the gates its value
    depends on (those that prepare it). Raises if two groups share a gate."""
    sched, node_wires = record
    gate = c.depths() > 0
    cones = []
    for w in node_wires:
        w = np.asarray(w, dtype=np.int64)
        w = w[w >= 0]
        mark = np.zeros(len(c), dtype=bool)
        if w.size:
            mark[c.cone(w)] = True
        cones.append(mark & gate)
    ranges = sched.ranges
    offs = sched.level_offsets
    out = []
    owner = np.zeros(len(c), dtype=bool)
    rows = np.concatenate(sched.levels) if sched.levels else np.zeros((0, 2), dtype=np.int64)
    for v in range(sched.n, sched.num_nodes):
        later, earlier = rows[v - sched.n]
        new = cones[v] & ~cones[int(later)] & ~cones[int(earlier)]
        level = int(np.searchsorted(offs, v, side="right")) - 1
        out.append(ScanGroup(v, int(ranges[v, 0]), int(ranges[v, 1]), level, tuple(np.flatnonzero(new).tolist())))
    for v in range(sched.n):
        if cones[v].any():
            out.append(ScanGroup(v, v, v, -1, tuple(np.flatnonzero(cones[v]).tolist()), leaf=True))
    for g in out:
        ids = np.asarray(g.gates, dtype=np.int64)
        if owner[ids].any():
            raise CircuitError("scan_groups: two scan nodes claim the same gate")
        owner[ids] = True
    return out


def _columns(groups, inputs_at: dict) -> dict:
    """Wire → column name for the drawing: a scan node's gates sit in the column of the position it writes (the
    end of its range); ``inputs_at`` maps more wires (inputs, outputs) to positions."""
    col = {int(w): f"p{int(t)}" for w, t in inputs_at.items()}
    for g in groups:
        col.update({int(w): f"p{g.hi}" for w in g.gates})
    return col


def _render(name: str, title: str, caption: str, dot: str) -> Diagram:
    return Diagram(name, title, caption, render_svg_element(dot))


# ---------------------------------------------------------------------------------------------------------
# LRNN scans
def _time_order(c: Circuit, n: int) -> list[int]:
    """The LRNN's inputs left to right in time: h0, then for t = 0..n−1 the transition's parameters and b[t]."""
    arrays = {name: np.asarray(ids) for name, _, ids in c.input_arrays()}
    order = [int(w) for w in arrays.get("h0", np.zeros(0, dtype=np.int64)).ravel()]
    params = [k for k in arrays if k not in ("h0", "b")] + (["b"] if "b" in arrays else [])
    for t in range(n):
        for k in params:
            order += [int(w) for w in arrays[k][t].ravel()]
    return order


def lrnn_scan_figure(scan: str, family: str = "diagonal", n: int = 4, d: int = 2) -> ScanFigure:
    """``constructions.lrnn.build_lrnn(family, n, d, scan=scan)`` with its combines grouped (see
    :func:`scan_groups`) and drawn: inputs in time order, outputs h[t][i] at the bottom in order, one cluster per
    combine labelled with the steps it covers."""
    from constructions import scans
    from constructions.lrnn import build_lrnn

    with scans.recording() as rec:
        c = build_lrnn(family, n, d, scan=scan)
    if len(rec) != 1:
        raise CircuitError(f"lrnn_scan_figure: expected one recorded scan, got {len(rec)}")
    groups = scan_groups(c, rec[0])
    clusters = []
    for g in groups:
        if g.leaf:
            clusters.append(("b[0] ← A[0]·h0 + b[0]", g.gates, LEAF_FILL))
        else:
            clusters.append((f"t = {g.lo}..{g.hi}", g.gates))
    title = (f"{family} LRNN, n = {n}, d = {d}, {SCAN_TITLES.get(scan, scan)} scan: "
             f"{c.size()} gates, depth {c.depth()}")
    extra = [("t = i..j", "a scan combine: the affine map of steps i..j"),
             ("b[0] ← …", "h0 folded into step 0 first", LEAF_FILL)]
    at = {}
    for name, _, ids in c.input_arrays():
        ids = np.asarray(ids)
        for t in range(n if name != "h0" else 1):
            at.update({int(w): t for w in (ids[t].ravel() if name != "h0" else ids.ravel())})
    dot = to_dot(c, max_gates=10_000, clusters=clusters, input_order=_time_order(c, n), title=title,
                 legend_extra=extra, node_groups=_columns(groups, at))
    return ScanFigure(c, rec[0][0], tuple(groups), dot)


def lrnn_scan_diagram(scan: str, family: str = "diagonal", n: int = 4, d: int = 2) -> Diagram:
    """The drawing of :func:`lrnn_scan_figure` as a :class:`Diagram` named ``lrnn-<family>-<scan>``."""
    fig = lrnn_scan_figure(scan, family, n, d)
    c, s = fig.circuit, fig.schedule
    levels = s.depth
    caption = (f"h_t = A_t h₍t₋₁₎ + b_t for t = 0..{n - 1} ({family} A, d = {d}) unrolled by the "
               f"{SCAN_TITLES.get(scan, scan)} schedule: {s.size} combines in {levels} levels, "
               f"{c.size()} gates, depth {c.depth()}. Each frame is one combine of two affine maps, labelled "
               f"with the steps it covers; step 0 has h0 folded in first.")
    return _render(f"lrnn-{family}-{scan}", f"{SCAN_TITLES.get(scan, scan)} scan of a {family} LRNN (n = {n}, "
                   f"d = {d})", caption, fig.dot)


# ---------------------------------------------------------------------------------------------------------
# Kogge–Stone adder
def kogge_stone_figure(bits: int = 4) -> ScanFigure:
    """The ``bits``-bit Kogge–Stone adder of ``constructions.bits.adder_circuit`` (textbook generate/propagate
    style, plain sum bits) with its prefix combines grouped and drawn: a0 b0 a1 b1 … left to right, sum bits at
    the bottom in order, one cluster per (G, P) combine labelled with its bit range."""
    from constructions import scans
    from constructions.bits import adder_circuit

    with scans.recording() as rec:
        c = adder_circuit(bits, "kogge-stone", style="textbook", slack=None)
    if len(rec) != 1:
        raise CircuitError(f"kogge_stone_figure: expected one recorded scan, got {len(rec)}")
    groups = [g for g in scan_groups(c, rec[0])]
    clusters = []
    for g in groups:
        if g.leaf:
            clusters.append((f"bit {g.lo}: g, p", g.gates, LEAF_FILL))
        else:
            clusters.append((f"bits {g.lo}..{g.hi}", g.gates))
    a, b = np.asarray(c.inputs["a"]).ravel(), np.asarray(c.inputs["b"]).ravel()
    order = [int(w) for pair in zip(a, b) for w in pair]
    title = f"{bits}-bit Kogge–Stone adder: {c.size()} gates, depth {c.depth()}"
    extra = [("bit i: g, p", "generate a∧b, propagate a⊕b", LEAF_FILL),
             ("bits i..j", "a prefix combine: (G, P) of bits i..j")]
    at = {int(w): i for i in range(bits) for w in (a[i], b[i])}
    s_out = np.asarray(c.outputs["s"]).ravel()
    at.update({int(w): i for i, w in enumerate(s_out) if c.depths()[int(w)] > 0})
    dot = to_dot(c, max_gates=10_000, clusters=clusters, input_order=order, title=title, legend_extra=extra,
                 node_groups=_columns(groups, at))
    return ScanFigure(c, rec[0][0], tuple(groups), dot)


def kogge_stone_diagram(bits: int = 4) -> Diagram:
    fig = kogge_stone_figure(bits)
    c, s = fig.circuit, fig.schedule
    caption = (f"A {bits}-bit Kogge–Stone adder: {s.size} prefix combines in {s.depth} levels, each frame the "
               f"(generate, propagate) pair of the bit range it covers, (G, P) ∘ (G′, P′) = (G ∨ P∧G′, P∧P′); "
               f"carries c_(i+1) = G of bits 0..i, sums s_i = p_i ⊕ c_i. {c.size()} gates, depth {c.depth()}.")
    return _render(f"kogge-stone-{bits}", f"{bits}-bit Kogge–Stone adder", caption, fig.dot)


# ---------------------------------------------------------------------------------------------------------
# Barrington
def cycle_notation(p) -> str:
    """A permutation (image tuple) in cycle notation, fixed points left out; ``e`` for the identity."""
    p = tuple(int(v) for v in p)
    seen, cycles = set(), []
    for i in range(len(p)):
        if i in seen or p[i] == i:
            seen.add(i)
            continue
        cyc, j = [], i
        while j not in seen:
            seen.add(j)
            cyc.append(j)
            j = p[j]
        cycles.append("(" + " ".join(map(str, cyc)) + ")")
    return "".join(cycles) or "e"


def _grid_dot(title: str, rows: list, widths: list, footer: list) -> str:
    """DOT of a table drawn as pinned boxes (plain labels, so both renderers draw it): ``rows`` of cells
    ``(text, fill or None)``, a cell ``None`` leaves its place empty; ``widths`` per column in inches."""
    xs = np.concatenate([[0.0], np.cumsum(widths)])
    H = 0.3
    lines = ["graph table {",
             f'  graph [layout=neato, fontname="{FONT}", bgcolor=white, pad=0.1];',
             f'  node [fontname="{FONT}", fixedsize=true, shape=box, style=filled, fontsize=10, color="#999999", '
             f'fillcolor="#ffffff", penwidth=0.6];',
             text_node("title", 0, 0.0, float(xs[-1]), title, size=12)]
    y = -0.05
    for r, row in enumerate(rows):
        y -= H
        for k, cell in enumerate(row):
            if cell is None:
                continue
            text, fill = cell
            attrs = f"label={_q_text(text)}" + (f', fillcolor="{fill}"' if fill else "")
            lines.append(pinned_node(f"c{r}_{k}", float(xs[k] + widths[k] / 2), y, widths[k], H, attrs))
    y -= 0.1
    for k, text in enumerate(footer):
        y -= 0.22
        lines.append(text_node(f"f{k}", 0, y, float(xs[-1]), text))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _q_text(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def barrington_diagram(formula: str = "x1 & x2", scan: str = "brent-kung") -> Diagram:
    """The width-5 permutation program of ``formula`` (``constructions.automata.barrington``): one column per
    instruction (the variable it reads and its two permutations), then, for every assignment, the running
    product after each instruction, ending at the target 5-cycle (formula true) or the identity (false)."""
    from constructions.automata import perm
    from constructions.automata.barrington import compile_formula, program_lrnn

    prog = compile_formula(formula)
    L = len(prog)
    e = perm.identity(5)
    ins = prog.instructions
    rows = [[("instruction", "#f4f4f4")] + [(str(k + 1), "#f4f4f4") for k in range(L)] + [("value", "#f4f4f4")],
            [("reads", None)] + [(f"x{i}", None) for i, _, _ in ins] + [None],
            [("if the bit is 0", None)] + [(cycle_notation(a), "#f7f7f7") for _, a, _ in ins] + [None],
            [("if the bit is 1", None)] + [(cycle_notation(b), "#e8f0ff") for _, _, b in ins] + [None]]
    n = prog.n_vars
    n_true = 0
    for bits in itertools.product((0, 1), repeat=n):
        cur = e
        row = [(", ".join(f"x{j + 1} = {v}" for j, v in enumerate(bits)), None)]
        for i, a, b in ins:
            cur = perm.compose(b if bits[i - 1] else a, cur)
            row.append((cycle_notation(cur), None))
        if cur == prog.target:
            n_true += 1
            row.append(("γ: accept", "#b2df8a"))
        elif cur == e:
            row.append(("e: reject", "#eeeeee"))
        else:
            raise CircuitError("barrington_diagram: the program's value is neither the target nor the identity")
        rows.append(row)
    c = program_lrnn(prog, scan=scan)
    footer = ["rows 2–3: the permutation applied when the bit read is 0 or 1 (cycle notation);",
              "rows below: the running product perm_k ∘ … ∘ perm_1 on each assignment.",
              f"target γ = {cycle_notation(prog.target)} (a 5-cycle), e = identity.",
              f"As a PD-LRNN (its final state, a balanced product of 5×5 permutation matrices): {c.size()} "
              f"gates, depth {c.depth()}."]
    title = f"Barrington program for {formula}: {L} instructions over S₅"
    dot = _grid_dot(title, rows, [1.5] + [1.0] * L + [0.95], footer)
    caption = (f"Barrington's width-5 program for {formula}: each instruction reads one bit and applies one of "
               f"two permutations of 5 points; the product is the 5-cycle γ = {cycle_notation(prog.target)} on "
               f"{n_true} of {2 ** n} assignments (formula true) and the identity on the rest. "
               f"Run as a PD-LRNN it is a circuit of {c.size()} gates and depth {c.depth()}.")
    words = {"&": " and ", "|": " or ", "^": " xor ", "~": " not ", "(": " ", ")": " "}
    name = "barrington-" + "-".join("".join(words.get(ch, ch) for ch in formula).split())
    return _render(name, f"Barrington program for {formula}", caption, dot)


# ---------------------------------------------------------------------------------------------------------
# transformer and summaries
def summary_diagram(circuit: Circuit, name: str, title: str, caption: str | None = None) -> Diagram:
    """The compact summary (:func:`circuits.draw.summary_dot`) of any circuit as a :class:`Diagram`."""
    if caption is None:
        caption = (f"{circuit.size():,} gates, depth {circuit.depth()}: the depth levels binned into at most "
                   f"24 rows, each bar the gates of its levels stacked by op.")
    return _render(name, title, caption, summary_dot(circuit, title=title))


def transformer_diagram(n: int = 4, d: int = 2, precision: int = 4) -> Diagram:
    """A one-layer, one-head transformer (``constructions.models.build_model("transformer")``) as a threshold
    circuit, drawn as the compact summary (a few thousand gates)."""
    from constructions.models import build_model

    c = build_model("transformer", n=n, d=d, precision=precision)
    title = f"transformer layer (n = {n}, d = {d}, {precision}-bit): threshold circuit"
    ops = c.count_ops()
    c2 = build_model("transformer", n=2 * n, d=d, precision=precision)
    same = "the same depth" if c2.depth() == c.depth() else f"depth {c2.depth()}"
    caption = (f"One transformer layer (one head, n = {n}, d = {d}, {precision}-bit fixed point) as a threshold "
               f"circuit: {c.size():,} gates, {ops.get('threshold', 0):,} of them threshold gates, depth "
               f"{c.depth()}. At n = {2 * n} it has {c2.size():,} gates and {same}: constant depth (TC⁰).")
    return summary_diagram(c, f"transformer-n{n}-d{d}-p{precision}", title, caption)


def large_lrnn_diagram(n: int = 1024, d: int = 4, family: str = "dense", scan: str = "brent-kung") -> Diagram:
    from constructions.lrnn import build_lrnn

    c = build_lrnn(family, n, d, scan=scan)
    title = f"{family} LRNN, n = {n:,}, d = {d}, {SCAN_TITLES.get(scan, scan)} scan"
    caption = (f"A {family} LRNN with n = {n:,}, d = {d} under the {SCAN_TITLES.get(scan, scan)} scan: "
               f"{c.size():,} gates in depth {c.depth()}, summarised as at most 24 bins of depth levels with the "
               f"gates of each bin stacked by op.")
    return summary_diagram(c, f"summary-{family}-n{n}-d{d}", title, caption)


def report_diagrams(quick: bool = False) -> list[Diagram]:
    """All the diagrams of the report, in order. ``quick``: the large summary at n = 256 instead of 1,024."""
    out = [lrnn_scan_diagram("serial"), lrnn_scan_diagram("sklansky"), lrnn_scan_diagram("sklansky", "dense"),
           lrnn_scan_diagram("brent-kung"), kogge_stone_diagram(4), barrington_diagram("x1 & x2"),
           transformer_diagram()]
    out.append(large_lrnn_diagram(256 if quick else 1024))
    return out
