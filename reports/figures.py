"""The report's figures (matplotlib, SVG), drawn from the data of :mod:`reports.report_data`.

Built values are drawn with filled markers on solid segments; values from a closed form, a depth model, an
upper bound or a fit with hollow markers on dashed segments. A line that has no value at some n stops there,
with a note. The SVG output is deterministic: no date in the metadata, a fixed hash salt for the ids, text
kept as text (``svg.fonttype = none``), and no XML prolog (the files are valid SVG without it).
"""
from __future__ import annotations

import io

__all__ = ["KINDS", "kind_of", "headline_figure", "scans_figure", "svg_of"]

#: where a number comes from: the short kinds, in the order of the legends
KINDS = ("built", "closed form", "depth model", "upper bound", "fit", "not computed")

_COLORS = {"rnn": "#d62728", "diagonal": "#1f77b4", "pd": "#17becf", "dplr": "#9467bd", "dense": "#2ca02c",
           "diagonal-boolean": "#ff7f0e", "transformer-threshold": "#7f7f7f", "transformer-boolean": "#8c564b"}
_MARKERS = {"rnn": "o", "diagonal": "s", "pd": "D", "dplr": "v", "dense": "^", "diagonal-boolean": "P",
            "transformer-threshold": "X", "transformer-boolean": "*"}


def kind_of(how: str, what: str, value) -> str:
    """The kind (one of :data:`KINDS`) of the ``what`` ("depth" or "size") figure of a cell labelled ``how``."""
    if value is None:
        return "not computed"
    h = how
    if h.startswith("size:") and ";" in h:  # "size: upper bound; depth: depth model"
        parts = dict(p.strip().split(": ", 1) for p in h.split(";"))
        h = parts.get(what, h)
    for k in KINDS[:-1]:
        if h.startswith(k):
            return k
    if h.startswith("estimate"):
        return "upper bound" if "bound" in h else "fit"
    return "closed form"


def _setup():
    import matplotlib
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "lrnn-circuits", "svg.fonttype": "none", "font.size": 9,
                                "font.family": "DejaVu Sans", "axes.titlesize": 10})
    import matplotlib.pyplot as plt
    return plt


def svg_of(fig) -> str:
    """The figure as one ``<svg>`` element (no XML prolog, DOCTYPE or comments), deterministic: no date or
    creator in the metadata, a fixed hash salt for the ids, text kept as text. Closes the figure. The one
    matplotlib-to-SVG path of the report and the docs site."""
    import matplotlib
    import matplotlib.pyplot as plt

    from circuits.draw import svg_element
    buf = io.StringIO()
    try:
        with matplotlib.rc_context({"svg.hashsalt": "lrnn-circuits", "svg.fonttype": "none"}):
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    finally:
        plt.close(fig)
    return svg_element(buf.getvalue())


def _log2_ticks(ax, ns):
    from matplotlib.ticker import FixedLocator, NullLocator
    ks = sorted({n.bit_length() - 1 for n in ns})
    step = 1 if len(ks) <= 10 else 2
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_locator(FixedLocator([2**k for k in ks[::step]]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([f"2{_sup(k)}" for k in ks[::step]])


def headline_figure(h: dict, what: str) -> tuple[str, list[str]]:
    """Depth or size (``what``) against n, one line per model. Returns (svg, notes): a note for every line
    that stops before the largest n."""
    from matplotlib.lines import Line2D
    plt = _setup()
    fig, ax = plt.subplots(figsize=(8.6, 5.0))
    by = {(r["model"], r["n"]): r for r in h["rows"]}
    notes = []
    handles = []
    for m in h["models"]:
        key = m["key"]
        color, marker = _COLORS.get(key, "k"), _MARKERS.get(key, "o")
        pts = []
        for n in h["n"]:
            r = by.get((key, n))
            if r is None:
                continue
            v = r[what]
            pts.append((n, v, kind_of(r["how"], what, v)))
        good = [(n, v, k) for n, v, k in pts if v is not None]
        for (n0, v0, k0), (n1, v1, k1) in zip(good, good[1:]):
            ax.plot([n0, n1], [v0, v1], color=color, lw=1.4, ls="-" if k0 == k1 == "built" else "--", zorder=2)
        for n, v, k in good:
            ax.plot([n], [v], marker=marker, ms=6 if marker != "*" else 9, color=color, ls="none", zorder=3,
                    markerfacecolor=color if k == "built" else "white", markeredgewidth=1.3)
        label = f"{m['label']} ({m['basis']})"
        handles.append(Line2D([], [], color=color, marker=marker, label=label, markerfacecolor=color))
        missing = [n for n, v, _ in pts if v is None]
        if good and missing:
            last = good[-1]
            ax.annotate(f"stops at n = 2{_sup(last[0].bit_length() - 1)}", xy=last[:2], xytext=(6, -10),
                        textcoords="offset points", fontsize=8, color=color)
            why = next(by[key, n]["how"] for n in missing)
            notes.append(f"{label}: the {what} line stops at n = 2{_sup(last[0].bit_length() - 1)} — "
                         f"{why.split('depth: ', 1)[-1] if what == 'depth' else why}.")
    _log2_ticks(ax, h["n"])
    ax.set_yscale("log")
    ax.set_xlabel("sequence length n (log scale)")
    ax.set_ylabel(("circuit depth" if what == "depth" else "circuit size (gates)") + " (log scale)")
    ax.set_title(f"Circuit {what} against sequence length")
    ax.grid(True, which="major", color="#dddddd", lw=0.6)
    style = [Line2D([], [], color="#333333", marker="o", ls="-", markerfacecolor="#333333",
                    label="filled marker, solid line: built and measured"),
             Line2D([], [], color="#333333", marker="o", ls="--", markerfacecolor="white",
                    label="hollow marker, dashed line: closed form,\ndepth model, upper bound or fit")]
    leg = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="model",
                    frameon=False)
    ax.add_artist(leg)
    ax.legend(handles=style, loc="lower left", bbox_to_anchor=(1.01, 0.0), fontsize=8, title="where the value "
              "comes from", frameon=False)
    return svg_of(fig), notes


def scans_figure(sc: dict) -> str:
    """Size per input, depth and largest fan-out of every schedule against n (three panels)."""
    from matplotlib.lines import Line2D
    plt = _setup()
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4))
    by = {(r["schedule"], r["n"]): r for r in sc["rows"]}
    cmap = plt.get_cmap("tab10")
    handles = []
    for i, name in enumerate(sc["schedules"]):
        ns = [n for n in sc["n"] if (name, n) in by]
        rows = [by[name, n] for n in ns]
        color = cmap(i % 10)
        mk = "osD^vP*X"[i % 8]
        for ax, ys in zip(axes, ([r["size"] / r["n"] for r in rows], [r["depth"] for r in rows],
                                 [r["max_fanout"] for r in rows])):
            ax.plot(ns, ys, color=color, marker=mk, ms=4, lw=1.2)
        handles.append(Line2D([], [], color=color, marker=mk, ms=4, label=name))
    titles = ("size per input (combine nodes / n)", "depth (levels)", "largest fan-out")
    for ax, t in zip(axes, titles):
        _log2_ticks(ax, sc["n"])
        ax.set_yscale("log", base=2)
        ax.set_title(t)
        ax.set_xlabel("n (log scale)")
        ax.grid(True, color="#dddddd", lw=0.6)
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    return svg_of(fig)


def _sup(k: int) -> str:
    from .plain import sup
    return sup(str(k)) or f"({k})"
