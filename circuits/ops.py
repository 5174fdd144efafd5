"""Gate kinds (op codes) and bases.

Every gate of a :class:`circuits.Circuit` stores a one-byte op code. This module is the single table that
maps codes to names, fan-in, the bases that admit them, and whether argument order matters. Later modules
(evaluation, drawing, I/O) look ops up here instead of hard-coding lists.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Op", "OPS", "BY_NAME", "BASES", "WIDE", "ACTIVATIONS", "op_name"]

WIDE = 0x40  # flag bit: the gate's arguments live in the wide (CSR) table


@dataclass(frozen=True)
class Op:
    code: int
    name: str
    arity: int | None  # None = variadic (stored in the wide table when > 2 args, or always for threshold)
    commutative: bool
    symbol: str
    exact: bool = True  # False: only defined over floats (sigmoid, tanh, exp)


_TABLE = [
    Op(0, "input", 0, True, "in"),
    Op(1, "const", 0, True, "c"),
    Op(2, "add", 2, True, "+"),
    Op(3, "sub", 2, False, "−"),
    Op(4, "mul", 2, True, "×"),
    Op(5, "neg", 1, True, "neg"),
    Op(6, "and", None, True, "∧"),
    Op(7, "or", None, True, "∨"),
    Op(8, "xor", None, True, "⊕"),
    Op(9, "not", 1, True, "¬"),
    Op(10, "threshold", None, False, "T"),
    Op(11, "relu", 1, True, "relu"),
    Op(12, "step", 1, True, "step"),
    Op(13, "sigmoid", 1, True, "σ", exact=False),
    Op(14, "tanh", 1, True, "tanh", exact=False),
    Op(15, "exp", 1, True, "exp", exact=False),
    Op(16, "recip", 1, True, "1/x"),
]

OPS: dict[int, Op] = {op.code: op for op in _TABLE}
BY_NAME: dict[str, Op] = {op.name: op for op in _TABLE}
NUM_CODES = 17

#: activation kinds accepted by ``Circuit.act``
ACTIVATIONS = ("relu", "step", "sigmoid", "tanh", "exp", "recip")

_ARITH = {"add", "sub", "mul", "neg"}
_BOOL = {"and", "or", "xor", "not"}
_THRESH = {"threshold", "and", "or", "not"}

#: basis name -> op names it admits (inputs and constants are always admitted)
BASES: dict[str, frozenset[str]] = {
    "arithmetic": frozenset(_ARITH),
    "boolean": frozenset(_BOOL),
    "threshold": frozenset(_THRESH),
    "mixed": frozenset(_ARITH | _BOOL | _THRESH | set(ACTIVATIONS)),
}

#: bases whose constants must be 0 or 1
BOOLEAN_VALUED = frozenset({"boolean", "threshold"})


def op_name(code: int) -> str:
    return OPS[int(code) & ~WIDE].name
