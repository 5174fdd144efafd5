"""Figures of the documentation site, produced by the library when the site is built.

Every submodule of this package defines ``FIGURES: dict[str, Callable[[], str]]``: a file name (``"t2-sklansky.svg"``,
prefixed with the tutorial number or ``site-`` for the reference pages, unique across the package) mapped to a
zero-argument function that returns the SVG text. This module imports every submodule and merges their dicts into
``FIGURES``; the mkdocs hook (``reports/site.py``) serves each entry as the generated file ``figures/<name>``, so a
page under ``docs/tutorials/`` shows it with ``![caption](../figures/t2-sklansky.svg)`` and a page in ``docs/``
with ``![caption](figures/site-classes.svg)``. Nothing is written into ``docs/``.

Helpers for figure functions: ``svg_from_dot`` (graphviz DOT source to SVG text), ``svg_from_matplotlib``
(a matplotlib figure to SVG text, no timestamp, figure closed) and ``render`` (call one figure by name and check
that it returned SVG).
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Callable

__all__ = ["FIGURES", "FigureError", "collect", "render", "svg_from_dot", "svg_from_matplotlib"]

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*\.svg$")


class FigureError(ValueError):
    """A figure module that breaks the contract (bad or duplicate name, not callable, not SVG)."""


def svg_from_dot(dot_src: str) -> str:
    """SVG text of a graphviz DOT source (system ``dot`` when present, otherwise the in-process renderer)."""
    from circuits.draw import render_svg

    return render_svg(dot_src)


def svg_from_matplotlib(fig) -> str:
    """SVG of a matplotlib figure, deterministic (:func:`reports.figures.svg_of`); closes it."""
    from reports.figures import svg_of

    return svg_of(fig)


def collect() -> dict[str, Callable[[], str]]:
    """Import every submodule of this package and merge their ``FIGURES`` dicts (sorted by name).

    Raises ``FigureError`` on a duplicate name (naming both modules), a name that is not a plain lower-case
    ``.svg`` file name, or a value that is not callable. Submodules whose name starts with ``_`` are skipped.
    """
    merged: dict[str, Callable[[], str]] = {}
    owner: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        modname = f"{__name__}.{info.name}"
        mod = importlib.import_module(modname)
        figs = getattr(mod, "FIGURES", None)
        if figs is None:
            continue
        if not isinstance(figs, dict):
            raise FigureError(f"{modname}.FIGURES must be a dict of file name -> function, not {type(figs).__name__}")
        for name, fn in figs.items():
            if not isinstance(name, str) or not NAME_RE.match(name):
                raise FigureError(f"{modname}: figure name {name!r} must be a lower-case file name ending in .svg")
            if not callable(fn):
                raise FigureError(f"{modname}: figure {name!r} is not a zero-argument function")
            if name in merged:
                raise FigureError(f"duplicate figure name {name!r}: defined in {owner[name]} and in {modname}")
            merged[name] = fn
            owner[name] = modname
    return dict(sorted(merged.items()))


def render(name: str) -> str:
    """Produce the figure ``name`` and check that it is SVG text; returns the text."""
    if name not in FIGURES:
        raise FigureError(f"unknown figure {name!r} (known: {', '.join(FIGURES) or 'none'})")
    svg = FIGURES[name]()
    if isinstance(svg, bytes):
        svg = svg.decode("utf-8")
    if not isinstance(svg, str) or "<svg" not in svg[:4000]:
        raise FigureError(f"figure {name!r} did not return SVG text")
    return svg


FIGURES: dict[str, Callable[[], str]] = collect()
