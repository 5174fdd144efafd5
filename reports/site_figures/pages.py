"""Figures of the reference pages of the documentation site (names prefixed ``site-``)."""
from __future__ import annotations

from typing import Callable

from . import svg_from_dot


def classes_svg() -> str:
    """The nested classes TC⁰ ⊆ NC¹ ⊆ PNC¹ ⊆ L ⊆ P, each model in its class (``reports.site.CLASS_MAP``)."""
    from reports.site import class_map_dot

    return svg_from_dot(class_map_dot())


FIGURES: dict[str, Callable[[], str]] = {
    "site-classes.svg": classes_svg,
}
