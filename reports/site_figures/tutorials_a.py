"""Figures of tutorials 1–4 (``docs/tutorials/01-…`` to ``04-…``), produced when the site is built.

Each function returns SVG text; ``FIGURES`` maps the file names the tutorials refer to (``../figures/<name>``)
to them. The circuits drawn here are built with the same calls the tutorials show, and
``tests/test_tutorial_figures_a.py`` checks that they are the circuits the tutorials build.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

from . import svg_from_dot, svg_from_matplotlib

# the scans compared in tutorial 2, with one colour and marker each in the plots
SCANS = ("serial", "sklansky", "kogge-stone", "brent-kung")
STYLE = {"serial": ("#d62728", "o"), "sklansky": ("#1f77b4", "s"), "kogge-stone": ("#2ca02c", "^"),
         "brent-kung": ("#9467bd", "D"), "ripple": ("#d62728", "o")}


def _figure(width: float = 6.0, height: float = 3.6):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


# ---------------------------------------------------------------------------------------------------------
# tutorial 1: the first circuit
def first_circuit():
    """Tutorial 1's circuit: two steps of the scalar recurrence h ← a·h + b, unrolled one after the other."""
    from circuits import Circuit

    c = Circuit("arithmetic")
    a = c.input("a", (2,))
    b = c.input("b", (2,))
    h0 = c.input("h0")
    h1 = c.add(c.mul(a[0], h0), b[0])
    h2 = c.add(c.mul(a[1], h1), b[1])
    c.output("y", h2)
    return c


def t1_first_circuit() -> str:
    return svg_from_dot(first_circuit().to_dot())


# ---------------------------------------------------------------------------------------------------------
# tutorial 2: unrolling an LRNN
def lrnn_n4(scan: str):
    """The scalar LRNN h_t = a_t h_{t−1} + b_t (diagonal family, d = 1) with n = 4, through ``scan``."""
    from constructions.lrnn import build_lrnn

    return build_lrnn("diagonal", n=4, d=1, scan=scan)


def _lrnn_drawing(scan: str) -> Callable[[], str]:
    """The teaching diagram of ``reports.diagrams``: the circuit of :func:`lrnn_n4`, one frame per combine."""
    def fig() -> str:
        from reports.diagrams import lrnn_scan_diagram

        return lrnn_scan_diagram(scan, "diagonal", n=4, d=1).svg

    fig.__name__ = f"t2_{scan.replace('-', '_')}_n4"
    return fig


DEPTH_NS = tuple(2 ** k for k in range(1, 9))  # n = 2 … 256


@lru_cache(maxsize=None)
def depth_table(ns=DEPTH_NS, scans=SCANS) -> dict:
    """Measured depth and size of the scalar LRNN circuit for every scan and n: ``{scan: [(n, depth, size)]}``."""
    from constructions.lrnn import build_lrnn

    out = {}
    for scan in scans:
        rows = []
        for n in ns:
            c = build_lrnn("diagonal", n=n, d=1, scan=scan)
            rows.append((n, c.depth(), c.size()))
        out[scan] = rows
    return out


def _depth_size_panels(table: dict, xlabel: str, depth_label: str, titles: tuple, grid_kw: dict):
    """Two log-log panels, depth and size against the parameter, one line per row of ``table``
    (``{name: [(x, depth, size)]}``, styled by :data:`STYLE`)."""
    fig = _figure(9.0, 3.6)
    ax1, ax2 = fig.subplots(1, 2)
    for name, rows in table.items():
        col, mk = STYLE[name]
        xs = [r[0] for r in rows]
        ax1.plot(xs, [r[1] for r in rows], marker=mk, color=col, label=name, markersize=4)
        ax2.plot(xs, [r[2] for r in rows], marker=mk, color=col, label=name, markersize=4)
    for ax, what in ((ax1, depth_label), (ax2, "size (gates)")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(what)
        ax.grid(True, alpha=0.3, **grid_kw)
    ax1.set_title(titles[0], fontsize=titles[2])
    ax2.set_title(titles[1], fontsize=titles[2])
    ax1.legend(fontsize=8)
    return fig


def _line_plot(series, xlabel: str, ylabel: str, title: str, xbase=None, ybase=None, size=(6.0, 3.4)) -> str:
    """One axis of lines: ``series`` is a list of (xs, ys, plot keywords); log scales with the given bases
    (``ybase="e"``: natural log scale); a grid, the legend and the title."""
    fig = _figure(*size)
    ax = fig.subplots()
    for xs, ys, kw in series:
        ax.plot(xs, ys, **kw)
    if xbase:
        ax.set_xscale("log", base=xbase)
    if ybase == "e":
        ax.set_yscale("log")
    elif ybase:
        ax.set_yscale("log", base=ybase)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return svg_from_matplotlib(fig)


def t2_depth_vs_n() -> str:
    fig = _depth_size_panels(depth_table(), "sequence length n", "depth (gates on the longest path)",
                             ("depth: n against log n", "size: every scan is O(n log n) or less", None),
                             {"which": "major"})
    fig.suptitle("scalar LRNN hₜ = aₜhₜ₋₁ + bₜ, measured on built circuits", fontsize=10)
    fig.tight_layout()
    return svg_from_matplotlib(fig)


def t2_schedules_n8() -> str:
    """The four prefix schedules at n = 8 as networks: one column per position, one row per level, a dot where
    a combine (later, earlier) writes the later position, a line from the earlier operand's position."""
    from constructions.scans import schedule

    n = 8
    fig = _figure(10.0, 3.4)
    axes = fig.subplots(1, len(SCANS))
    for ax, name in zip(axes, SCANS):
        s = schedule(name, n)
        ranges = s.ranges
        col, _ = STYLE[name]
        for x in range(n):
            ax.plot([x, x], [0, s.depth + 0.6], color="#bbbbbb", lw=0.8, zorder=1)
        for level, rows in enumerate(s.levels, start=1):
            for later, earlier in rows.tolist():
                x_later = int(ranges[later, 1])  # the position a node belongs to: the last input it covers
                x_earlier = int(ranges[earlier, 1])
                ax.plot([x_earlier, x_later], [level - 1, level], color=col, lw=1.0, zorder=2)
                ax.plot([x_later], [level], marker="o", color=col, markersize=5, zorder=3)
        ax.set_ylim(s.depth + 0.6, -0.4)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_xticks(range(n))
        ax.set_yticks(range(s.depth + 1))
        ax.set_xlabel("position")
        ax.set_title(f"{name}\nsize {s.size}, depth {s.depth}", fontsize=9)
    axes[0].set_ylabel("level")
    fig.tight_layout()
    return svg_from_matplotlib(fig)


# ---------------------------------------------------------------------------------------------------------
# tutorial 3: nonlinear RNNs
def t3_rnn_vs_lrnn_depth() -> str:
    from constructions.lrnn import build_lrnn
    from constructions.rnn import build_rnn

    ns = DEPTH_NS
    rnn = [build_rnn(n, d=2, m=1).depth() for n in ns]
    lrnn = [build_lrnn("dense", n=n, d=2, scan="brent-kung").depth() for n in ns]
    return _line_plot([(ns, rnn, dict(marker="o", color="#d62728", label="ReLU RNN, d = 2 (a chain)", markersize=4)),
                       (ns, lrnn, dict(marker="D", color="#9467bd", label="dense LRNN, d = 2, Brent–Kung scan",
                                       markersize=4))],
                      "sequence length n", "circuit depth", "unrolled depth, measured", 2, 2, (6.0, 3.6))


PIECE_STEPS = 5


@lru_cache(maxsize=None)
def pieces(n: int = PIECE_STEPS, relu: bool = True) -> tuple:
    """Affine pieces of λ ↦ h_t(λ), t = 1..n, for the one-stack RNN under pop^n on its line of states."""
    from proofs_check.hardness_stack_claims import count_pieces, ops_rnn, piece_line

    rnn = ops_rnn()
    h0, e = piece_line(rnn)
    return tuple(count_pieces(rnn, ["pop"] * n, h0, e, relu=relu))


def t3_pieces() -> str:
    steps = list(range(1, PIECE_STEPS + 1))
    return _line_plot([(steps, pieces(), dict(marker="o", color="#d62728", label="with ReLU (the stack RNN)")),
                       (steps, pieces(relu=False), dict(marker="s", color="#1f77b4",
                                                        label="without ReLU (affine: one piece)"))],
                      "n (steps composed)", "affine pieces of λ ↦ h_n(λ)",
                      "composing the step map: pieces under pop^n", None, "e")


MARGIN_DEPTHS = tuple(range(1, 33))


def t3_margins() -> str:
    from constructions.hardness.stack import gap_table

    rows = gap_table(depths=MARGIN_DEPTHS, enumerate_up_to=10)
    D = [r["depth"] for r in rows]
    return _line_plot([(D, [float(r["gap2"]) for r in rows], dict(marker="o", markersize=3, color="#d62728",
                                                                   label="printed base 2: push_v(s) = v + s/2")),
                       (D, [float(r["gap4"]) for r in rows], dict(marker="s", markersize=3, color="#2ca02c",
                                                                   label="base 4: E(bw) = (2b + 1 + E(w))/4"))],
                      "stack depth D", "gap between top-0 and top-1 codes",
                      "margin a fixed ReLU reader must resolve (exact)", None, 2)


# ---------------------------------------------------------------------------------------------------------
# tutorial 4: from arithmetic to bits
def adder4(adder: str):
    """The 4-bit adder tutorial 4 draws (textbook style: g = a∧b, p = a⊕b, one carry operator per combine)."""
    from constructions.bits import adder_circuit

    return adder_circuit(4, adder, style="textbook", slack=None)


def _adder_drawing(adder: str) -> Callable[[], str]:
    """Kogge–Stone: the teaching diagram of ``reports.diagrams`` (the circuit of :func:`adder4`, one frame per
    prefix combine); ripple: the plain drawing."""
    def fig() -> str:
        if adder == "kogge-stone":
            from reports.diagrams import kogge_stone_diagram

            return kogge_stone_diagram(4).svg
        return svg_from_dot(adder4(adder).to_dot())

    fig.__name__ = f"t4_adder_{adder.replace('-', '_')}_4"
    return fig


ADDER_PS = (4, 8, 16, 32, 64)
ADDERS_PLOTTED = ("ripple", "sklansky", "kogge-stone", "brent-kung")


@lru_cache(maxsize=None)
def adder_table(ps=ADDER_PS, adders=ADDERS_PLOTTED) -> dict:
    """``{adder: [(p, depth, size)]}`` of the p-bit adders (default style), measured on built circuits."""
    from constructions.bits import adder_circuit

    out = {}
    for a in adders:
        circuits = [adder_circuit(p, a) for p in ps]
        out[a] = [(p, c.depth(), c.size()) for p, c in zip(ps, circuits)]
    return out


def t4_adder_depth() -> str:
    fig = _depth_size_panels(adder_table(), "bits p", "depth (and / or / xor / not gates)",
                             ("adder depth: ripple 2p − 1, prefix O(log p)", "adder size", 10), {})
    fig.tight_layout()
    return svg_from_matplotlib(fig)


# ---------------------------------------------------------------------------------------------------------
FIGURES: dict[str, Callable[[], str]] = {
    "t1-first-circuit.svg": t1_first_circuit,
    "t2-depth-vs-n.svg": t2_depth_vs_n,
    "t2-schedules-n8.svg": t2_schedules_n8,
    **{f"t2-{scan}-n4.svg": _lrnn_drawing(scan) for scan in SCANS},
    "t3-rnn-vs-lrnn-depth.svg": t3_rnn_vs_lrnn_depth,
    "t3-pieces.svg": t3_pieces,
    "t3-margins.svg": t3_margins,
    **{f"t4-adder-{a}-4.svg": _adder_drawing(a) for a in ("ripple", "kogge-stone")},
    "t4-adder-depth.svg": t4_adder_depth,
}
