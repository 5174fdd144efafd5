"""Input/output names: arrays are named once, element names are derived on demand.

An array named ``x`` with shape ``(2, 3)`` has elements ``x[0][0]`` … ``x[1][2]`` (0-based, one bracket per
axis, C order); a scalar named ``x`` has the single element ``x``.
"""
from __future__ import annotations

import re
from itertools import product

import numpy as np

from .errors import CircuitError

_BASE = re.compile(r"^[^\[\]\s]+$")
_ELEM = re.compile(r"^([^\[\]\s]+)((?:\[-?\d+\])+)$")
_IDX = re.compile(r"\[(-?\d+)\]")


def check_name(name) -> str:
    if not isinstance(name, str) or not name:
        raise CircuitError(f"a name must be a non-empty string, got {name!r}")
    if not (_BASE.match(name) or _ELEM.match(name)):
        raise CircuitError(f"invalid name {name!r}: use letters/digits/_ and optional [i] indices, no spaces")
    return name


def element_name(name: str, index: tuple[int, ...]) -> str:
    return name + "".join(f"[{i}]" for i in index)


def element_names(name: str, shape: tuple[int, ...]):
    """Yield the element names of an array in C order."""
    if shape == ():
        yield name
        return
    for idx in product(*(range(s) for s in shape)):
        yield element_name(name, idx)


def parse_element(name: str) -> tuple[str, tuple[int, ...]]:
    """``"h[3][1]"`` → ``("h", (3, 1))``; ``"x"`` → ``("x", ())``."""
    m = _ELEM.match(name)
    if not m:
        return name, ()
    return m.group(1), tuple(int(i) for i in _IDX.findall(m.group(2)))


def group_elements(items):
    """Group ``(element_name, id)`` pairs into arrays where the indices form a full 0-based grid.

    Returns a list of ``(name, shape, ids)`` in first-appearance order. Names that do not form a full grid stay
    scalars under their literal element name.
    """
    groups: dict[str, list] = {}
    order: list[str] = []
    for nm, wid in items:
        base, idx = parse_element(nm)
        key = base if idx else "\0" + nm
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((idx, nm, wid))
    out = []
    for key in order:
        members = groups[key]
        if key.startswith("\0"):
            for _, nm, wid in members:
                out.append((nm, (), np.asarray(wid, dtype=np.int32)))
            continue
        ranks = {len(i) for i, _, _ in members}
        full = False
        if len(ranks) == 1:
            rank = ranks.pop()
            idx = np.array([i for i, _, _ in members], dtype=np.int64).reshape(len(members), rank)
            if idx.min() >= 0:
                shape = tuple(int(m) + 1 for m in idx.max(axis=0))
                if int(np.prod(shape)) == len(members):
                    flat = np.ravel_multi_index(idx.T, shape)
                    if len(np.unique(flat)) == len(members):
                        ids = np.empty(len(members), dtype=np.int32)
                        ids[flat] = [w for _, _, w in members]
                        out.append((key, shape, ids.reshape(shape)))
                        full = True
        if not full:
            for _, nm, wid in members:
                out.append((nm, (), np.asarray(wid, dtype=np.int32)))
    return out
