"""Figures of the reference pages of the documentation site (names prefixed ``site-``)."""
from __future__ import annotations

from typing import Callable

FIGURES: dict[str, Callable[[], str]] = {}
