"""Claims about the threshold blocks (:mod:`constructions.threshold`).

* ``threshold-iterated-addition`` — the sum of m p-bit numbers in depth 2 (direct, exponential weights) and 5
  (block-save, weights ≤ m), the same depth for every m of the grid; the direct method's size equals its
  closed form.
* ``threshold-compare-multiply`` — comparison in depth 1, 2, 3 and multiplication in depth 3 / 6.
* ``threshold-to-boolean`` — every threshold gate becomes a fan-in-2 boolean circuit equal to it, within the
  depth bound of :func:`constructions.threshold.to_boolean.gate_depth_bound`.

Every check evaluates the built circuits (``Circuit.evaluate`` over ``bool``) against integer arithmetic, or
compares two circuits with :func:`proofs_check.equivalence.check_exhaustive`; every finite check reports its
range as ``evidence["scope"]``. Each claim has a negative control: a deliberately broken block that the same
check rejects. Registered by ``load()``.
"""
from __future__ import annotations

import numpy as np

from .claims import Check, Claim, register
from .verdict import Verdict

_M_GRID = {True: (2, 3, 5, 8, 17, 64), False: tuple(range(2, 257))}


def _assignments(k: int) -> np.ndarray:
    idx = np.arange(1 << k)
    return ((idx[:, None] >> np.arange(k)) & 1).astype(bool)


def _value(bits) -> np.ndarray:
    b = np.asarray(bits).astype(object)
    return (b * np.array([1 << i for i in range(b.shape[-1])], dtype=object)).sum(axis=-1)


def _bits(vals: np.ndarray, p: int) -> np.ndarray:
    return ((vals[..., None] >> np.arange(p)) & 1).astype(bool)


def _refuted(what: str, inputs, got, want, scope_so_far) -> Verdict:
    return Verdict("not_equal", "reference", why=what,
                   counterexample={"inputs": inputs, "circuit": got, "expected": want},
                   evidence={"scope_so_far": scope_so_far})


# ---------------------------------------------------------------------------------------------------------
# iterated addition
def _iterated_check(quick: bool, broken: bool = False) -> Verdict:
    from constructions.threshold import ITERATED_ADD_DEPTH, build_iterated_add, iterated_add_size

    runs = 0
    # exhaustive: m·p ≤ 10 (quick) / 12
    lim = 10 if quick else 12
    for method in ("direct", "block"):
        for m in range(2, 7):
            for p in range(1, 5):
                if m * p > lim:
                    continue
                c = build_iterated_add(m, p, method)
                if broken:
                    c = _break_last_gate(c)
                X = _assignments(m * p).reshape(-1, m, p)
                got = _value(np.asarray(c.evaluate({"x": X}, "bool")["s"]))
                want = _value(X).sum(axis=1)
                bad = np.flatnonzero(got != want)
                runs += 1
                if bad.size:
                    i = int(bad[0])
                    return _refuted(f"{method} m={m} p={p}: wrong sum", {"x": _value(X[i]).tolist()},
                                    int(got[i]), int(want[i]), {"method": method, "m": m, "p": p})
    # random, p = 8, and the depth for every m of the grid
    rng = np.random.default_rng(0)
    depths = {"direct": set(), "block": set()}
    for method in ("direct", "block"):
        for m in _M_GRID[quick]:
            c = build_iterated_add(m, 8, method)
            depths[method].add(c.depth())
            if method == "direct" and c.size() != iterated_add_size(m, 8):
                return Verdict("not_equal", "formula", why=f"direct m={m}: size {c.size()} ≠ closed form "
                               f"{iterated_add_size(m, 8)}")
            if m in (2, 17, 64, 256) or (quick and m in _M_GRID[True]):
                vals = rng.integers(0, 256, size=(8, m))
                vals[0] = 255
                got = _value(np.asarray(c.evaluate({"x": _bits(vals, 8)}, "bool")["s"]))
                want = vals.astype(object).sum(axis=1)
                if (got != want).any():
                    i = int(np.flatnonzero(got != want)[0])
                    return _refuted(f"{method} m={m} p=8: wrong sum", {"x": vals[i].tolist()}, int(got[i]),
                                    int(want[i]), {"method": method, "m": m})
                runs += 1
    for method, ds in depths.items():
        if ds != {ITERATED_ADD_DEPTH[method]}:
            return Verdict("not_equal", "measured", why=f"{method}: depths {sorted(ds)} over m, expected "
                           f"{ITERATED_ADD_DEPTH[method]} for all")
    grid = _M_GRID[quick]
    scope = {"exhaustive m·p ≤": lim, "m (p = 8, depth and direct size)": [grid[0], grid[-1]] if not quick
             else list(grid), "methods": ["direct", "block"],
             "random sums at p = 8": "8 per m in {2, 17, 64, 256}" if not quick else "8 per m"}
    return Verdict("equal", "reference", evidence={"scope": scope, "circuits_evaluated": runs,
                                                   "depth": dict(ITERATED_ADD_DEPTH)})


def _break_last_gate(c):
    """A gate-by-gate copy of the threshold circuit ``c`` whose last threshold gate has θ + 1 (a planted bug
    in the top layer of the most significant output bit)."""
    from circuits import Circuit

    d = Circuit(c.basis)
    mp = np.full(len(c), -1, dtype=np.int64)
    for name, shape, ids in c.input_arrays():
        mp[np.asarray(ids).ravel()] = np.atleast_1d(np.asarray(d.input(name, shape))).ravel()
    cols = c.columns()
    last = max(g for g in range(len(c)) if c.op_of(g) == "threshold")
    for g in range(len(c)):
        if mp[g] >= 0:
            continue
        op = c.op_of(g)
        if op == "const":
            mp[g] = int(d.const(c.constants[int(cols["arg0"][g])]))
            continue
        args = mp[c.args_of(g)]
        if op == "threshold":
            w, th = c.threshold_params(g)
            mp[g] = int(np.atleast_1d(d.threshold(args, w, th + (g == last)))[0])
        elif op == "not":
            mp[g] = int(d.not_(args[0]))
        else:
            mp[g] = int({"and": d.and_, "or": d.or_}[op](args))
    for name, shape, ids in c.output_arrays():
        d.output(name, mp[np.asarray(ids)].reshape(np.shape(ids)))
    return d


# ---------------------------------------------------------------------------------------------------------
# comparison and multiplication
def _compare_multiply_check(quick: bool, broken: bool = False) -> Verdict:
    from constructions.threshold import MULTIPLY_DEPTH, build_compare, build_multiply, compare_size

    pmax = 4 if quick else 6
    for depth in (1, 2, 3):
        for strict in (True, False):
            for p in range(1, pmax + 1):
                # the broken comparator: strict and non-strict swapped
                c = build_compare(p, depth, strict if not broken else not strict)
                out = "gt" if (strict if not broken else not strict) else "ge"
                AB = _assignments(2 * p)
                a, b = _value(AB[:, :p]), _value(AB[:, p:])
                got = np.asarray(c.evaluate({"a": AB[:, :p], "b": AB[:, p:]}, "bool")[out]).reshape(-1)
                want = (a > b) if strict else (a >= b)
                bad = np.flatnonzero(got != want.astype(bool))
                if bad.size:
                    i = int(bad[0])
                    return _refuted(f"compare depth {depth} {'>' if strict else '≥'} p={p}",
                                    {"a": int(a[i]), "b": int(b[i])}, bool(got[i]), bool(want[i]),
                                    {"depth": depth, "p": p})
                if c.size() != compare_size(p, depth) or (p >= 2 and c.depth() != depth):
                    return Verdict("not_equal", "measured", why=f"compare depth {depth} p={p}: depth "
                                   f"{c.depth()}, size {c.size()} ≠ {compare_size(p, depth)}")
    if broken:
        return Verdict("equal", "reference", evidence={"scope": {"note": "broken comparator not caught"}})
    qmax = 3 if quick else 5
    for method in ("direct", "block"):
        for p in range(1, qmax + 1):
            c = build_multiply(p, method)
            AB = _assignments(2 * p)
            got = _value(np.asarray(c.evaluate({"a": AB[:, :p], "b": AB[:, p:]}, "bool")["p"]))
            want = _value(AB[:, :p]) * _value(AB[:, p:])
            if (got != want).any() or (p >= 2 and c.depth() != MULTIPLY_DEPTH[method]):
                return Verdict("not_equal", "reference", why=f"multiply {method} p={p}")
    scope = {"compare p (exhaustive, depths 1–3, > and ≥)": [1, pmax],
             "multiply p (exhaustive, direct and block)": [1, qmax]}
    return Verdict("equal", "reference", evidence={"scope": scope, "multiply_depth": dict(MULTIPLY_DEPTH)})


# ---------------------------------------------------------------------------------------------------------
# threshold_to_boolean
def _to_boolean_check(quick: bool, complement: bool = True) -> Verdict:
    from circuits import Circuit

    from constructions.threshold.to_boolean import gate_depth_bound, threshold_to_boolean

    from .equivalence import check_exhaustive

    rng = np.random.default_rng(1)
    n = 40 if quick else 200
    mmax = 7 if quick else 10
    for trial in range(n):
        m = int(rng.integers(1, mmax + 1))
        w = rng.integers(-int(rng.choice([1, 3, 40])), int(rng.choice([1, 3, 40])) + 1, size=m)
        if not complement:  # the negative control needs a negative weight to bite
            w[0] = -abs(int(w[0])) - 1
        tot = int(np.abs(w).sum())
        th = int(rng.integers(-tot - 1, tot + 2))
        c = Circuit("threshold")
        x = c.input("x", (m,))
        c.output("y", c.threshold(x, w, th))
        b = threshold_to_boolean(c, complement=complement)
        v = check_exhaustive(c, b)
        if v.status != "equal":
            v.evidence.update({"weights": w.tolist(), "theta": th, "trial": trial})
            return v
        if b.max_fanin() > 2 or b.depth() > gate_depth_bound(w, th):
            return Verdict("not_equal", "measured", why=f"fan-in {b.max_fanin()} or depth {b.depth()} above "
                           f"the bound {gate_depth_bound(w, th)}", evidence={"weights": w.tolist(), "theta": th})
    scope = {"random gates": n, "fan-in m": [1, mmax], "weights": "|w| ≤ 1, 3 or 40, signs mixed",
             "theta": "uniform in [−Σ|w| − 1, Σ|w| + 1]"}
    return Verdict("equal", "exhaustive", evidence={"scope": scope, "what": "each converted gate against the "
                                                    "threshold gate on all 2^m inputs; fan-in ≤ 2; depth ≤ "
                                                    "gate_depth_bound"})


# ---------------------------------------------------------------------------------------------------------
# polynomial weights: the residue comparator (depth 2), iterated addition (depth 3), multiplication (depth 4)
def _residue_bound(m: int, p: int) -> int:
    N = (m * ((1 << p) - 1)).bit_length()
    return 6 * N ** 3 + 2 * m


def _poly_check(quick: bool, broken: bool = False) -> Verdict:
    from constructions.threshold import (ITERATED_ADD_DEPTH, MULTIPLY_DEPTH, build_compare, build_iterated_add,
                                         build_multiply, compare_size)

    def maxw(c):
        return int(np.abs(c.wide_table()[2]).max())

    pmax = 5 if quick else 6
    for strict in (True, False):
        for p in range(1, pmax + 1):
            c = build_compare(p, 2, strict, "residue")
            if broken:
                c = _break_last_gate(c)  # the top gate of the score with θ + 1
            AB = _assignments(2 * p)
            a, b = _value(AB[:, :p]), _value(AB[:, p:])
            got = np.asarray(c.evaluate({"a": AB[:, :p], "b": AB[:, p:]}, "bool")["gt" if strict else "ge"])
            want = ((a > b) if strict else (a >= b)).astype(bool)
            bad = np.flatnonzero(got.reshape(-1) != want)
            if bad.size:
                i = int(bad[0])
                return _refuted(f"residue compare {'>' if strict else '≥'} p={p}", {"a": int(a[i]), "b": int(b[i])},
                                bool(got.reshape(-1)[i]), bool(want[i]), {"p": p})
            if c.depth() != 2 or c.size() != compare_size(p, 2, "residue") or maxw(c) > 2 * p ** 3:
                return Verdict("not_equal", "measured", why=f"residue compare p={p}: depth {c.depth()}, size "
                               f"{c.size()}, max weight {maxw(c)} (bound 2p³ = {2 * p ** 3})")
    rng = np.random.default_rng(3)
    for p in ((16,) if quick else (16, 32)):
        c = build_compare(p, 2, True, "residue")
        a = rng.integers(0, 1 << p, size=64)
        b = np.where(np.arange(64) % 2 == 0, a ^ (1 << rng.integers(0, p, size=64)), rng.integers(0, 1 << p, size=64))
        got = np.asarray(c.evaluate({"a": _bits(a, p), "b": _bits(b, p)}, "bool")["gt"]).reshape(-1)
        if (got != (a > b)).any() or maxw(c) > 2 * p ** 3:
            return Verdict("not_equal", "reference", why=f"residue compare p={p} on random pairs")
    lim = 8 if quick else 12
    for m in range(2, 7):
        for p in range(1, 5):
            if m * p > lim:
                continue
            c = build_iterated_add(m, p, "residue")
            X = _assignments(m * p).reshape(-1, m, p)
            got = _value(np.asarray(c.evaluate({"x": X}, "bool")["s"]))
            if (got != _value(X).sum(axis=1)).any() or c.depth() != ITERATED_ADD_DEPTH["residue"] \
                    or maxw(c) > _residue_bound(m, p):
                return Verdict("not_equal", "reference", why=f"residue iterated addition m={m} p={p}")
    grid = (2, 3, 17, 64) if quick else (2, 3, 5, 8, 17, 64, 129, 256)
    for m in grid:
        c = build_iterated_add(m, 8, "residue")
        vals = rng.integers(0, 256, size=(6, m))
        vals[0] = 255
        got = _value(np.asarray(c.evaluate({"x": _bits(vals, 8)}, "bool")["s"]))
        if (got != vals.astype(object).sum(axis=1)).any() or c.depth() != 3 or maxw(c) > _residue_bound(m, 8):
            return Verdict("not_equal", "reference", why=f"residue iterated addition m={m} p=8: depth "
                           f"{c.depth()}, max weight {maxw(c)}")
    qmax = 3 if quick else 5
    for p in range(1, qmax + 1):
        c = build_multiply(p, "residue")
        AB = _assignments(2 * p)
        got = _value(np.asarray(c.evaluate({"a": AB[:, :p], "b": AB[:, p:]}, "bool")["p"]))
        if (got != _value(AB[:, :p]) * _value(AB[:, p:])).any() or (p >= 2 and c.depth() != MULTIPLY_DEPTH["residue"]):
            return Verdict("not_equal", "reference", why=f"residue multiply p={p}")
    scope = {"compare p (exhaustive, > and ≥)": [1, pmax], "compare random p": [16] if quick else [16, 32],
             "iterated addition exhaustive m·p ≤": lim, "iterated addition m (p = 8, random)": list(grid),
             "multiply p (exhaustive)": [1, qmax],
             "weight bounds": "compare 2p³; iterated addition 6N³ + 2m, N = bitlen(m(2^p − 1))"}
    return Verdict("equal", "reference", evidence={"scope": scope, "depth": {"compare": 2, "iterated addition": 3,
                                                                              "multiply": 4}})


def load() -> None:
    register(Claim(
        "threshold-iterated-addition",
        "iterated addition in TC⁰: Siu & Roychowdhury 1994; Hofmeister, Hohberg & Köhling 1991 (block-save)",
        "The sum of m p-bit numbers is computed by the direct threshold circuit in depth 2 (weights < 2^p) and "
        "by the block-save circuit in depth 5 (weights ≤ m), for every m = 2..256 at p = 8 (quick: 6 values "
        "of m), correct on all inputs for m·p ≤ 12 (quick: ≤ 10) and on random sums at p = 8; the direct "
        "circuit's size equals its closed form.",
        [Check("exhaustive small sums, random p = 8, constant depth over m", _iterated_check),
         Check("negative control: the last threshold gate's θ off by one", lambda q: _iterated_check(q, True),
               "not_equal")]))
    register(Claim(
        "threshold-compare-multiply",
        "comparison in depth 1 (exponential weights), 2 (weights 2^O(√p)), 3 (weights ±1); multiplication "
        "from iterated addition (depth 3 / 6)",
        "For p ≤ 6 (quick: ≤ 4) the comparators of depth 1, 2 and 3 compute a > b and a ≥ b with the stated "
        "depth and closed-form size; for p ≤ 5 (quick: ≤ 3) the multipliers compute the 2p-bit product in "
        "depth 3 (direct) and 6 (block).",
        [Check("exhaustive comparators and multipliers", _compare_multiply_check),
         Check("negative control: > and ≥ swapped", lambda q: _compare_multiply_check(q, True), "not_equal")]))
    register(Claim(
        "threshold-polynomial-weights",
        "comparison in L̂T₂ (Goldmann & Karpinski 1993; Hofmeister 1996; Alon & Bruck 1994); iterated addition "
        "and multiplication with polynomial weights (Siu & Roychowdhury 1994: depth 2 and 3; Hofmeister, "
        "Hohberg & Köhling 1991: multiplication in depth 4)",
        "The residue comparator computes a > b and a ≥ b in depth 2 with weights ≤ 2p³ (exhaustive p ≤ 6, quick "
        "≤ 5; random p = 16, 32); the residue iterated addition is correct in depth 3 with weights ≤ 6N³ + 2m "
        "(exhaustive m·p ≤ 12, quick ≤ 8; random p = 8 for m up to 256, quick 64); the residue multiplier "
        "computes the 2p-bit product in depth 4 (exhaustive p ≤ 5, quick ≤ 3).",
        [Check("exhaustive and random, depth and weight bounds", _poly_check),
         Check("negative control: the comparator's top gate with θ + 1", lambda q: _poly_check(q, True),
               "not_equal")]))
    register(Claim(
        "threshold-to-boolean",
        "threshold gate → fan-in-2 boolean circuit of depth O(log m) (carry-save tree: Wallace 1964, Dadda "
        "1965; then a prefix carry)",
        "Random threshold gates of fan-in ≤ 10 (quick: ≤ 7) with mixed-sign weights are equal to their "
        "fan-in-2 boolean conversion on all inputs, within depth [w<0] + 3·W(h) + 2⌈log₂ Q⌉ + 3.",
        [Check("converted gates vs the gates, exhaustive", _to_boolean_check),
         Check("negative control: negative weights taken as |w| (no complement)",
               lambda q: _to_boolean_check(q, complement=False), "not_equal")]))
