"""Figures of tutorials 5–8 (``docs/tutorials/05-…`` to ``08-…``), produced when the site is built.

Each function returns SVG text; ``FIGURES`` maps the file names the tutorials refer to (``../figures/<name>``)
to them. The objects drawn are built by the helpers below with the same calls the tutorials show, and
``tests/test_tutorial_figures_b.py`` checks that each drawing shows the object the tutorial builds.
"""
from __future__ import annotations

import functools
from typing import Callable

from . import svg_from_dot, svg_from_matplotlib

# tutorial 5: the sequence lengths of the depth plot (the layer of constructions.transformer.forms.model)
T5_LENGTHS = (2, 4, 8)
# tutorial 6: the formula whose program and PD-LRNN circuit are drawn
T6_FORMULA = "x1 & x2"
T6_CIRCUIT_FORMULA = "x1 ^ x2"
# tutorial 7: the deterministic WFA of docs/automata.md
T7_WFA = """\
wfa
alphabet a b
states p q
initial p 1
final p 1
final q -1/2
p a q 3/2
q a p 1/2
p b p 2
q b q 1
"""
T7_LENGTH = 2  # the PD-LRNN drawn reads words of this length


def _figure(width: float = 6.0, height: float = 3.6):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _dot(c, summary: bool = False, **options) -> str:
    """DOT of a circuit drawing: ``circuits.draw.to_dot``, or ``summary_dot`` with ``summary``."""
    from circuits import draw

    return (draw.summary_dot if summary else draw.to_dot)(c, **options)


# ---------------------------------------------------------------------------------------------------------
# tutorial 5: transformers as threshold circuits
@functools.lru_cache(maxsize=None)
def t5_depths(lengths=T5_LENGTHS) -> dict:
    """Threshold and fan-in-2 boolean depth of the layer of ``forms.model`` at each n (``narrow=False``)."""
    from constructions.transformer import forms

    return {basis: tuple(forms.measure(n, basis)["depth"] for n in lengths) for basis in forms.BASES}


def t5_depth_plot() -> str:
    depths = t5_depths()
    fig = _figure(6.0, 3.4)
    ax = fig.add_subplot()
    ax.plot(T5_LENGTHS, depths["threshold"], "s-", color="#ff7f00", label="threshold circuit (unbounded fan-in)")
    ax.plot(T5_LENGTHS, depths["boolean"], "o-", color="#1f77b4", label="lowered to fan-in-2 and/or/not")
    ax.set_xscale("log", base=2)
    ax.set_xticks(T5_LENGTHS, [str(n) for n in T5_LENGTHS])
    ax.set_xlabel("sequence length n")
    ax.set_ylabel("depth (gates on the longest path)")
    ax.set_ylim(0, max(depths["boolean"]) * 1.1)
    ax.set_title("one transformer layer (d = 1, p = 4 bits, F = 1)", fontsize=10)
    ax.legend(fontsize=8, loc="center right")
    ax.grid(alpha=0.3)
    return svg_from_matplotlib(fig)


def t5_layer():
    """The layer of ``forms.model`` at n = 4 as a threshold circuit (``narrow=False``)."""
    from constructions.transformer import build_circuit, forms

    return build_circuit(forms.model(4), narrow=False)


def t5_layer_summary() -> str:
    return svg_from_dot(_dot(t5_layer(), summary=True, title="one transformer layer at n = 4: gates per depth level"))


# ---------------------------------------------------------------------------------------------------------
# tutorial 6: Barrington programs and PD-LRNNs
def t6_program():
    from constructions.automata import barrington

    return barrington.compile_formula(T6_FORMULA)


def t6_program_plot() -> str:
    """The width-5 program of ``x1 & x2``: five points per column, one column per instruction; the lines say
    where each point goes when the bit the instruction reads is 0 (grey) or 1 (blue)."""
    prog = t6_program()
    L = len(prog.instructions)
    fig = _figure(1.6 + 1.25 * L, 3.2)
    ax = fig.add_subplot()
    for k, (var, p0, p1) in enumerate(prog.instructions):
        for i in range(5):
            ax.plot([k, k + 1], [i, p0[i]], color="#999999", lw=1.2, ls="--", zorder=1)
            ax.plot([k, k + 1], [i, p1[i]], color="#1f77b4", lw=1.6, zorder=2)
        ax.text(k + 0.5, 4.55, f"reads x{var}", ha="center", fontsize=9)
    for k in range(L + 1):
        ax.scatter([k] * 5, range(5), s=28, color="black", zorder=3)
    ax.set_yticks(range(5), [str(i) for i in range(5)])
    ax.set_xticks(range(L + 1), [f"after {k}" if k else "start" for k in range(L + 1)], fontsize=8)
    ax.set_ylim(-0.5, 5.0)
    ax.invert_yaxis()
    ax.set_ylabel("point of {0,…,4}")
    ax.plot([], [], color="#999999", ls="--", label="bit = 0")
    ax.plot([], [], color="#1f77b4", label="bit = 1")
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False)
    ax.set_title(f"Barrington program of {T6_FORMULA} (value: the 5-cycle when true, the identity when false)",
                 fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return svg_from_matplotlib(fig)


def t6_program_table() -> str:
    """The same program as a table: each instruction's two permutations (cycle notation) and the running product
    on every assignment (``reports.diagrams.barrington_diagram``)."""
    from reports.diagrams import barrington_diagram

    return barrington_diagram(T6_FORMULA).svg


def t6_pd_circuit():
    """The PD-LRNN circuit (final state, balanced reduction) of the optimised program of ``x1 ^ x2``."""
    from constructions.automata import barrington

    return barrington.program_lrnn(barrington.compile_formula(T6_CIRCUIT_FORMULA))


def t6_pd_circuit_svg() -> str:
    return svg_from_dot(_dot(t6_pd_circuit(), title=f"PD-LRNN circuit of {T6_CIRCUIT_FORMULA}"))


# ---------------------------------------------------------------------------------------------------------
# tutorial 7: weighted automata and their LRNNs
def t7_wfa():
    from constructions.automata.text import parse_automaton

    return parse_automaton(T7_WFA)


def wfa_dot(wfa) -> str:
    """DOT of a WFA: one circle per state labelled with its initial and final weights, one edge per nonzero
    transition labelled ``symbol / weight``."""
    lines = ["digraph wfa {", '  graph [rankdir=LR, fontname="Helvetica"];',
             '  node [shape=circle, fontname="Helvetica", fontsize=11, style=filled, fillcolor="#f3f6fb"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    for q, name in enumerate(wfa.names):
        label = f"{name}\\nα={wfa.alpha[q]}, β={wfa.beta[q]}"
        lines.append(f'  s{q} [label="{label}"];')
    for a, sym in enumerate(wfa.alphabet):
        for p in range(wfa.num_states):
            for q in range(wfa.num_states):
                w = wfa.A[a, p, q]
                if w != 0:
                    lines.append(f'  s{p} -> s{q} [label="{sym} / {w}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def t7_wfa_svg() -> str:
    return svg_from_dot(wfa_dot(t7_wfa()))


def t7_pd_lrnn():
    """Thm 8's PD-LRNN of the tutorial's WFA for words of length ``T7_LENGTH``."""
    from constructions.automata import wfa as W

    return W.build_pd_lrnn(t7_wfa(), T7_LENGTH)


def t7_pd_lrnn_svg() -> str:
    return svg_from_dot(_dot(t7_pd_lrnn(), title=f"PD-LRNN of the WFA, words of length {T7_LENGTH}"))


# ---------------------------------------------------------------------------------------------------------
# tutorial 8: verification
def t8_miter():
    """A 2-bit ripple-carry adder and a 2-bit Kogge–Stone adder on shared inputs, with an XOR per output and
    an OR of the XORs: the miter, whose output is 1 exactly on the inputs where the two adders differ.
    Returns ``(circuit, clusters)``; the clusters name the gates of each part."""
    import numpy as np

    from circuits import Circuit
    from constructions.bits import adder_circuit

    c = Circuit("boolean")
    a, b = c.input("a", (2,)), c.input("b", (2,))
    parts, outs = [], []
    for label, adder in (("ripple-carry adder", "ripple"), ("Kogge–Stone adder", "kogge-stone")):
        lo = len(c)
        o = c.embed(adder_circuit(2, adder), {"a": a, "b": b})
        parts.append((label, np.arange(lo, len(c))))
        outs.append(np.append(o["s"], o["c"]))
    lo = len(c)
    diff = c.or_(*c.xor(outs[0], outs[1]))
    c.output("differ", diff)
    parts.append(("miter: XOR per output, then OR", np.arange(lo, len(c)), "#fdecea"))
    return c, parts


def t8_miter_svg() -> str:
    c, parts = t8_miter()
    return svg_from_dot(_dot(c, clusters=parts))


FIGURES: dict[str, Callable[[], str]] = {
    "t5-depth.svg": t5_depth_plot,
    "t5-layer-summary.svg": t5_layer_summary,
    "t6-program.svg": t6_program_plot,
    "t6-program-table.svg": t6_program_table,
    "t6-pd-circuit.svg": t6_pd_circuit_svg,
    "t7-wfa.svg": t7_wfa_svg,
    "t7-pd-lrnn.svg": t7_pd_lrnn_svg,
    "t8-miter.svg": t8_miter_svg,
}
