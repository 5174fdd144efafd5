"""Exact size and depth of the LRNN circuits of ``constructions.lrnn``, in closed form.

Every LRNN circuit is: the fold of h0 into the first transition (one *apply*), then for every combine node
of the schedule one *apply* (``b' = A2 b1 + b2``) and, for the nodes whose A part is needed, one *compose*
(``A' = A2 A1``). So, with S the schedule's number of combine nodes and N_A the number of nodes whose A is
needed::

    size = (S + 1) · C_b(d) + N_A · C_A(d)

A node's A part is needed iff the node does not cover input 0: a node covering input 0 is never a later
operand (a later operand starts right after an earlier one), and a node not covering input 0 is, in a
schedule without dead nodes, a later operand or an earlier operand of a node not covering input 0. So
N_A = S − C₀, C₀ = the number of combine nodes covering input 0 (n − 1 for a full scan, one per level for
``reduce``).

Depth: each combine adds exactly γ(d) to the depth of the b part through its deepest operand, and the fold
gives input 0 a head start of one γ, so ``depth = γ(d) · ℓ₀`` where ℓ₀ is the schedule's depth when input 0
counts as one level (``leaf0_depth``): the schedule depth D, plus one when a longest path starts at input 0.

Per-family costs (C_b, C_A, γ), from the block formulas of ``constructions.linalg`` (a balanced tree of m
terms has m − 1 adds and depth ⌈log₂ m⌉):

=========  ==================  ====================  =====================
family     C_b (apply)         C_A (compose)         γ (depth per combine)
=========  ==================  ====================  =====================
diagonal   2d                  d                     2
dense      2d²                 2d³ − d²              1 + ⌈log₂(d+1)⌉
pd         2d² + d             2d³ + d²              2 + ⌈log₂(d+1)⌉
=========  ==================  ====================  =====================

DPLR nodes change representation with the covered range (rank ρ = r·m while 2ρ < d, dense after), so its
size and depth are sums over the schedule's nodes of per-combine costs (``dplr_cost``), each a closed form in
(d, ρ₂, ρ₁); there is no single expression in n.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from circuits import CircuitError

from .common import ceil_log2
from .scans import SCHEDULES, n_sym, schedule
from .scans import closed_form as scan_closed_form

__all__ = ["d_sym", "family_costs", "leaf0_depth", "covering0", "closed_form", "exact_size", "exact_depth",
           "dplr_cost", "tree_paths", "product_closed_form", "LOG_FAMILIES"]

d_sym = sp.Symbol("d", positive=True, integer=True)
LOG_FAMILIES = ("diagonal", "dense", "pd")


def _clog2(x):
    return sp.ceiling(sp.log(x, 2))


def family_costs(family: str) -> dict:
    """``{"C_b", "C_A", "gamma", "alpha"}`` as sympy expressions in ``d_sym`` (alpha: depth of a compose)."""
    d = d_sym
    table = {
        "diagonal": {"C_b": 2 * d, "C_A": d, "gamma": sp.Integer(2), "alpha": sp.Integer(1)},
        "dense": {"C_b": 2 * d**2, "C_A": 2 * d**3 - d**2, "gamma": 1 + _clog2(d + 1), "alpha": 1 + _clog2(d)},
        "pd": {"C_b": 2 * d**2 + d, "C_A": 2 * d**3 + d**2, "gamma": 2 + _clog2(d + 1), "alpha": 2 + _clog2(d)},
    }
    if family not in table:
        raise CircuitError(f"closed forms exist for {', '.join(table)}; use dplr_cost for dplr")
    return table[family]


def leaf0_depth(sched) -> int:
    """The schedule's depth when input 0 counts as one level (longest path, prefixes only)."""
    lv0 = np.zeros(sched.num_nodes, dtype=np.int64)
    lv0[0] = 1
    off = sched.n
    for lv in sched.levels:
        k = lv.shape[0]
        lv0[off : off + k] = 1 + np.maximum(lv0[lv[:, 0]], lv0[lv[:, 1]])
        off += k
    return int(lv0[sched.prefix].max())


def covering0(sched) -> int:
    """Number of combine nodes that cover input 0."""
    return int((sched.ranges[sched.n :, 0] == 0).sum())


def _leaf0_form(scan: str):
    """ℓ₀ for n = 2^k, k ≥ 1 (see docs/lrnn.md for the derivations)."""
    n = n_sym
    lg = sp.log(n, 2)
    forms = {
        "serial": n,
        "sklansky": lg + 1,
        "kogge-stone": lg + 1,
        "reduce": lg + 1,
        "brent-kung": sp.Piecewise((2, sp.Eq(n, 2)), (2 * lg - 1, True)),
        "blelloch": sp.Piecewise((2, sp.Eq(n, 2)), (2 * lg - 1, True)),
        "han-carlson": sp.Piecewise((2, sp.Eq(n, 2)), (lg + 1, True)),
        "ladner-fischer": sp.Piecewise((2, sp.Eq(n, 2)), (3, sp.Eq(n, 4)), (lg + 2, True)),
    }
    return forms[scan]


def closed_form(family: str, scan: str):
    """``(size, depth)`` of ``build_lrnn(family, n, d, scan)`` as sympy expressions in n (= 2^k, k ≥ 1) and d.
    ``scan="reduce"`` is the final-state-only circuit."""
    if scan not in SCHEDULES:
        raise CircuitError(f"unknown scan {scan!r}")
    f = family_costs(family)
    S, _ = scan_closed_form(scan)
    C0 = sp.log(n_sym, 2) if scan == "reduce" else n_sym - 1
    size = (S + 1) * f["C_b"] + (S - C0) * f["C_A"]
    return sp.expand(size), f["gamma"] * _leaf0_form(scan)


def _eval(expr, **subs) -> int:
    val = expr.subs({sp.Symbol(k, positive=True, integer=True): v for k, v in subs.items()})
    return int(sp.nsimplify(val))


def exact_size(family: str, scan: str, n: int, d: int) -> int:
    """Size for any n ≥ 1 from the formula, with S and C₀ read off the schedule."""
    s = schedule(scan, n)
    f = family_costs(family)
    cb, ca = _eval(f["C_b"], d=d), _eval(f["C_A"], d=d)
    return (s.size + 1) * cb + (s.size - covering0(s)) * ca


def exact_depth(family: str, scan: str, n: int, d: int) -> int:
    return _eval(family_costs(family)["gamma"], d=d) * leaf0_depth(schedule(scan, n))


def product_closed_form(family: str, scan: str):
    """The iterated product ``A[n-1] ⋯ A[0]`` alone (``constructions.lrnn.iterated_product``): every node needs
    its A part and every compose has the same depth α, so size = S·C_A and depth = α·D."""
    f = family_costs(family)
    S, D = scan_closed_form(scan)
    return sp.expand(S * f["C_A"]), f["alpha"] * D


# ---------------------------------------------------------------------------------------------------------
# DPLR: per-node costs summed over the schedule
@lru_cache(maxsize=None)
def tree_paths(m: int) -> tuple:
    """Adds on the path of each leaf of the balanced tree of ``constructions.linalg.tree_sum`` (adjacent
    pairs, odd last term carried up)."""
    paths = [0] * m
    groups = [[i] for i in range(m)]
    while len(groups) > 1:
        nxt = []
        for j in range(0, len(groups) - 1, 2):
            merged = groups[j] + groups[j + 1]
            for leaf in merged:
                paths[leaf] += 1
            nxt.append(merged)
        if len(groups) % 2:
            nxt.append(groups[-1])
        groups = nxt
    return tuple(paths)


def _tree_depth(depths: list[int]) -> int:
    p = tree_paths(len(depths))
    return max(dep + pl for dep, pl in zip(depths, p))




def _apply_cost(node, dx, dplus, d):
    """(size, depth) of ``A x + plus`` for a node description."""
    if node["form"] == 0:
        prod = max(node["dA"], dx) + 1
        return 2 * d * d, _tree_depth([prod] * d + [dplus])
    r = node["form"]
    dw = max(node["dV"], dx) + 1 + ceil_log2(d)
    duw = max(node["dU"], dw) + 1
    ddx = max(node["dD"], dx) + 1
    size = r * d + r * (d - 1) + d * r + d + d * (r + 1)
    return size, _tree_depth([duw] * r + [ddx, dplus])


def _to_dense_cost(node, d):
    r = node["form"]
    prod = max(node["dU"], node["dV"]) + 1
    return d * d * r + d * d * (r - 1) + d, max(prod + ceil_log2(r), node["dD"]) + 1


def _compose_cost(n2, n1, d, out_form):
    if out_form > 0:
        r2, r1 = n2["form"], n1["form"]
        dM = max(n2["dV"], n1["dU"]) + 1 + ceil_log2(d)
        ddu = max(n2["dD"], n1["dU"]) + 1
        dum = max(n2["dU"], dM) + 1
        dleft = _tree_depth([dum] * r2 + [ddu])
        size = r2 * r1 * d + r2 * r1 * (d - 1) + d * r1 + d * r1 * r2 + d * r1 * r2 + d + d * r2
        node = {"form": out_form, "dD": max(n2["dD"], n1["dD"]) + 1, "dU": max(dleft, n2["dU"]),
                "dV": max(n1["dV"], max(n1["dD"], n2["dV"]) + 1)}
        return size, node
    size = 0
    dense = []
    for nd in (n2, n1):
        if nd["form"] > 0:
            s, dep = _to_dense_cost(nd, d)
            size += s
            dense.append(dep)
        else:
            dense.append(nd["dA"])
    size += 2 * d**3 - d * d
    return size, {"form": 0, "dA": max(dense) + 1 + ceil_log2(d)}


def dplr_cost(n: int, d: int, rank: int, scan: str) -> tuple[int, int]:
    """(size, depth) of ``build_lrnn("dplr", n, d, scan, rank)`` by summing per-combine costs over the
    schedule (``scan="reduce"``: the final-state circuit). Depths are tracked per part as maxima, so the depth
    is an upper bound; the tests compare it with built circuits."""
    from .lrnn import need_a, node_forms

    s = schedule(scan, n)
    need = need_a(s, False)
    forms = node_forms("dplr", d, rank, s)
    nodes: list = [{"form": rank, "dD": 0, "dU": 0, "dV": 0} for _ in range(n)] + [None] * s.size
    db = [0] * s.num_nodes
    size, db[0] = _apply_cost(nodes[0], 0, 0, d)
    off = n
    for lv in s.levels:
        for later, earlier in lv.tolist():
            sz, db[off] = _apply_cost(nodes[later], db[earlier], db[later], d)
            size += sz
            if need[off]:
                sz, nodes[off] = _compose_cost(nodes[later], nodes[earlier], d, int(forms[off]))
                size += sz
            off += 1
    return size, max(db[v] for v in s.prefix.tolist())
