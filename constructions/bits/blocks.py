"""Whole circuits for the stand-alone blocks, with the interface of ABC's ``gen`` (inputs ``a`` then ``b``,
least significant bit first; the sum bits then the carry-out; the product bits)."""
from __future__ import annotations

from circuits import Circuit

from .adders import add, compare
from .multipliers import multiply

__all__ = ["adder_circuit", "multiplier_circuit", "comparator_circuit"]


def adder_circuit(p: int, adder: str = "sklansky", **kw) -> Circuit:
    """Inputs ``a[0..p-1]``, ``b[0..p-1]``; outputs ``s[0..p-1]`` then ``c`` (the carry-out)."""
    c = Circuit("boolean")
    a, b = c.input("a", (p,)), c.input("b", (p,))
    s, co = add(c, a, b, adder, **kw)
    c.output("s", s)
    c.output("c", co)
    return c


def multiplier_circuit(p: int, multiplier: str = "dadda", adder: str = "sklansky", width: str = "full",
                       **kw) -> Circuit:
    """Inputs ``a[0..p-1]``, ``b[0..p-1]``; output ``p[0..2p-1]`` (``p[0..p-1]`` when truncated)."""
    c = Circuit("boolean")
    a, b = c.input("a", (p,)), c.input("b", (p,))
    c.output("p", multiply(c, a, b, multiplier, adder, width, **kw))
    return c


def comparator_circuit(p: int, op: str = "<", signed: bool = False, **kw) -> Circuit:
    """Inputs ``a[0..p-1]``, ``b[0..p-1]``; output ``y = [a op b]`` (``op`` in ``COMPARISONS``)."""
    c = Circuit("boolean")
    a, b = c.input("a", (p,)), c.input("b", (p,))
    c.output("y", compare(c, a, b, op, signed, **kw))
    return c
