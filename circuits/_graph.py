"""The package's one internal module: facts and algorithms on raw IR columns, shared by ``core``, ``io``,
``evaluate`` and the SAT encoder (``proofs_check``).

Everything here works on plain numpy columns (``op``, ``arg0``, ``arg1``, ``depth``, the wide table), never on
a ``Circuit``'s fields: a ``Circuit`` hands its columns out through read-only accessors (``columns()``,
``wide_table()``, ``level_plan()``, ``fanin_csr()``), as ABC's ``gia.h`` hands out its objects. This module
imports only ``ops`` and ``errors``, so it sits at the bottom of the package's import graph.

* ``WIRE`` – dtype of wire ids
* ``ARITY`` – fan-in per op code (-1 for wide gates: look the row up in the wide table)
* ``ranges`` – concatenated ``arange``s, vectorised
* ``fanin_csr`` – arguments of every wire as CSR
* ``level_plan`` – gates grouped by (depth, op code): the evaluation / embedding / SAT-encoding order
* ``norm_const`` – a constant as an exact number (int or Fraction)
"""
from __future__ import annotations

import re
from fractions import Fraction
from numbers import Integral, Rational, Real

import numpy as np

from .errors import CircuitError
from .ops import OPS, WIDE

__all__ = ["WIRE", "ARITY", "ranges", "fanin_csr", "level_plan", "norm_const"]

WIRE = np.int32  # dtype of wire ids

#: arity per op code (wide gates are looked up in the wide table); variadic ops stored inline have 2 args
ARITY = np.zeros(128, dtype=np.int64)
for _op in OPS.values():
    ARITY[_op.code] = 2 if _op.arity is None else _op.arity
    ARITY[_op.code | WIDE] = -1
del _op


def ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + l)`` for each (s, l), vectorised."""
    lens = np.asarray(lens, dtype=np.int64)
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.asarray(starts, dtype=np.int64)
    keep = lens > 0
    starts, lens = starts[keep], lens[keep]
    ends = np.cumsum(lens)
    out = np.ones(total, dtype=np.int64)
    out[0] = starts[0]
    out[ends[:-1]] = starts[1:] - (starts[:-1] + lens[:-1]) + 1
    return np.cumsum(out)


def fanin_csr(op, a0, a1, woff, wargs):
    """Arguments of every wire as CSR ``(offsets, args)``: ``args[offsets[g]:offsets[g+1]]`` in order."""
    ar = ARITY[op]
    wide = ar < 0
    rows = a0[wide]
    cnt = ar.copy()
    cnt[wide] = woff[rows + 1] - woff[rows]
    offsets = np.zeros(op.size + 1, dtype=np.int64)
    np.cumsum(cnt, out=offsets[1:])
    args = np.empty(int(offsets[-1]), dtype=WIRE)
    has1 = ar >= 1
    args[offsets[:-1][has1]] = a0[has1]
    has2 = ar == 2
    args[offsets[:-1][has2] + 1] = a1[has2]
    if wide.any():
        lens = cnt[wide]
        args[ranges(offsets[:-1][wide], lens)] = wargs[ranges(woff[rows], lens)]
    return offsets, args


def level_plan(op: np.ndarray, depth: np.ndarray, gates: np.ndarray | None = None) -> list:
    """Gates grouped by (depth, op code), in evaluation order: a list of ``(code, gate_ids)`` (int64 ids,
    ascending within a group). ``gates``: only these (default: every wire of depth > 0)."""
    gates = np.flatnonzero(depth > 0) if gates is None else np.asarray(gates)
    if not gates.size:
        return []
    key = depth[gates].astype(np.int64) * 128 + op[gates]
    order = np.argsort(key, kind="stable")
    gates = gates[order].astype(np.int64)
    key = key[order]
    bounds = np.flatnonzero(np.diff(key)) + 1
    starts = np.concatenate([[0], bounds]).tolist()
    ends = np.concatenate([bounds, [key.size]]).tolist()
    codes = (key[starts] & 127).tolist()
    return [(c, gates[s:e]) for c, s, e in zip(codes, starts, ends)]


_CONST_STR = re.compile(r"^\s*[+-]?\d+(\.\d+)?(\s*/\s*\d+)?\s*$")


def norm_const(value):
    """A constant as an exact number: int, or Fraction with denominator > 1."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (Integral, np.integer)):
        return int(value)
    if isinstance(value, str):
        if not _CONST_STR.match(value):
            raise CircuitError(f"constant {value[:40]!r} is not an integer or a fraction 'p/q'")
        try:
            v = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise CircuitError(f"constant {value!r} is not an integer or a fraction 'p/q'") from None
    elif isinstance(value, Rational):
        v = Fraction(int(value.numerator), int(value.denominator))
    elif isinstance(value, (Real, np.floating)):
        f = float(value)
        if not np.isfinite(f):
            raise CircuitError(f"constant {value!r} is not finite")
        v = Fraction(f)
    else:
        try:  # sympy Rational and the like
            v = Fraction(int(value.p), int(value.q))
        except (AttributeError, TypeError):
            raise CircuitError(f"constant {value!r} is not a number") from None
    return int(v) if v.denominator == 1 else v
