"""AND count and AIG depth of a boolean circuit as ABC counts them after AIGER export.

``circuits.io.write_aiger`` writes ``a ∧ b`` as one AND, ``a ∨ b`` as ``¬(¬a ∧ ¬b)``, ``a ⊕ b`` as
``¬(a∧b) ∧ ¬(¬a∧¬b)`` (3 ANDs, 2 levels), ``¬a`` as a complemented edge (free), and wide gates as balanced
trees of those. ABC's ``read_aiger`` builds the AIG through structural hashing (``Abc_AigAnd``): ``x∧0 = 0``,
``x∧1 = x``, ``x∧x = x``, ``x∧¬x = 0``, and an AND of the same two literals is made once. :func:`aig_stats`
replays exactly that, so ``ands`` is ABC's ``and =`` and ``levels`` its ``lev =`` of ``print_stats`` on the
exported file (``tests/test_bits.py`` checks both against ABC when it is installed).
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit
from circuits.errors import CircuitError
from circuits.ops import OPS, WIDE

from ..common import pairwise_reduce

__all__ = ["aig_stats", "aig_lower"]


def aig_lower(c: Circuit):
    """Structurally hashed AIG of ``c``: returns ``(lit, ands, level)`` — the literal of every wire
    (``2·var + complement``; var 0 is the constant, vars ``1..I`` the inputs), the AND nodes as a list of
    ``(lit0, lit1)`` for vars ``I+1, I+2, …``, and the level of every var."""
    if c.basis not in ("boolean",):
        raise CircuitError(f"AIG statistics need a boolean circuit, not {c.basis!r}")
    cols = c.columns()
    op, a0, a1 = cols["op"].tolist(), cols["arg0"].tolist(), cols["arg1"].tolist()
    consts = c.constants
    in_ids = c.input_ids().tolist()
    n = len(op)
    lit = [0] * n
    for k, w in enumerate(in_ids):
        lit[w] = 2 * (k + 1)
    level = [0] * (len(in_ids) + 1)
    ands: list[tuple[int, int]] = []
    table: dict[tuple[int, int], int] = {}
    base = len(in_ids) + 1

    def and2(x, y):
        if x > y:
            x, y = y, x
        if x == 0:
            return 0
        if x == 1 or x == y:
            return y
        if x ^ y == 1:
            return 0
        key = (x, y)
        r = table.get(key)
        if r is None:
            v = base + len(ands)
            ands.append(key)
            level.append(1 + max(level[x >> 1], level[y >> 1]))
            r = 2 * v
            table[key] = r
        return r

    def or2(x, y):
        return and2(x ^ 1, y ^ 1) ^ 1

    def xor2(x, y):
        t1 = and2(x, y)
        t2 = and2(x ^ 1, y ^ 1)
        return and2(t1 ^ 1, t2 ^ 1)

    fns = {"and": and2, "or": or2, "xor": xor2}
    for g in range(n):
        code = op[g]
        if code == 0:
            continue
        if code == 1:
            lit[g] = int(consts[a0[g]])
            continue
        name = OPS[code & ~WIDE].name
        if code & WIDE:
            lit[g] = pairwise_reduce([lit[x] for x in c.args_of(g)], fns[name])
        elif name == "not":
            lit[g] = lit[a0[g]] ^ 1
        else:
            lit[g] = fns[name](lit[a0[g]], lit[a1[g]])
    return lit, ands, level


def aig_stats(c: Circuit) -> dict:
    """``{"ands", "levels"}`` of the structurally hashed AIG of ``c``'s outputs (the cone of the declared
    outputs, all wires if none are declared), as ABC's ``print_stats`` reports them after ``read_aiger``."""
    lit, ands, level = aig_lower(c)
    outs = c.output_ids().tolist() if c.outputs else list(range(len(c)))
    base = len(level) - len(ands)
    seen = np.zeros(len(level), dtype=bool)
    stack = [lit[w] >> 1 for w in outs]
    count = 0
    depth = 0
    for v in stack:
        depth = max(depth, level[v])
    while stack:
        v = stack.pop()
        if v < base or seen[v]:
            continue
        seen[v] = True
        count += 1
        x, y = ands[v - base]
        stack.append(x >> 1)
        stack.append(y >> 1)
    return {"ands": count, "levels": depth}
