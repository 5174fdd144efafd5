"""Tests for constructions/scans.py (operator-agnostic parallel-prefix schedules).

Correctness is checked by *running* every schedule with a non-commutative
operator (2x2 matrices mod a prime, later @ earlier) against a sequential
product, for every n = 1..300.  Structural properties (level independence,
contiguity, no dead nodes) are re-derived here independently of the
module's own builder checks.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from constructions.scans import (
    SCHEDULES,
    Schedule,
    closed_form,
    exact_depth,
    exact_size,
    n_sym,
    run,
    schedule,
)

P = 1_000_003  # prime; entries < 2^20 so products of two entries fit int64 easily
NMAX = 300
FULL = tuple(s for s in SCHEDULES if s != "reduce")
ALL_N = range(1, NMAX + 1)


def matmul_mod(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """Vectorised non-commutative combine: apply `later` after `earlier`."""
    return np.matmul(later, earlier) % P


def sequential_prefixes(x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    acc = x[0]
    out[0] = acc
    for i in range(1, len(x)):
        acc = (x[i] @ acc) % P
        out[i] = acc
    return out


_rng = np.random.default_rng(20240601)
X = _rng.integers(0, P, size=(NMAX, 2, 2), dtype=np.int64)
# Prefixes of a prefix of X are prefixes of X, so one reference serves all n.
PREF = sequential_prefixes(X)


def ceil_log2_by_search(n: int) -> int:
    d = 0
    while (1 << d) < n:
        d += 1
    return d


def structure_problems(s: Schedule) -> list[str]:
    """Independent re-check of the node model; returns a list of problems."""
    problems = []
    n = s.n
    lo = list(range(n))
    hi = list(range(n))
    used = np.zeros(s.num_nodes, dtype=bool)
    first = n
    for L, lv in enumerate(s.levels):
        if lv.dtype != np.int64 or lv.ndim != 2 or lv.shape[1] != 2 or lv.shape[0] == 0:
            problems.append(f"level {L}: bad array {lv.dtype} {lv.shape}")
            continue
        if lv.min() < 0 or lv.max() >= first:
            problems.append(f"level {L}: reads a node of its own or a later level")
            continue
        for later, earlier in lv.tolist():
            if lo[later] != hi[earlier] + 1:
                problems.append(f"level {L}: non-contiguous ({later}, {earlier})")
            lo.append(lo[earlier])
            hi.append(hi[later])
        used[lv.ravel()] = True
        first += lv.shape[0]
    if first != s.num_nodes:
        problems.append("num_nodes does not match the levels")
    want_shape = (1,) if s.final_only else (n,)
    if s.prefix.shape != want_shape or s.prefix.dtype != np.int64:
        problems.append(f"bad prefix array {s.prefix.dtype} {s.prefix.shape}")
    else:
        want = [(0, n - 1)] if s.final_only else [(0, i) for i in range(n)]
        got = [(lo[v], hi[v]) if 0 <= v < len(lo) else None for v in s.prefix.tolist()]
        if got != want:
            problems.append("prefix nodes do not cover [0..i]")
        used[s.prefix] = True
    if not used[n:].all():
        problems.append(f"dead combine nodes: {np.flatnonzero(~used[n:]) + n}")
    if not problems and not np.array_equal(s.ranges, np.array([lo, hi]).T.reshape(-1, 2)):
        problems.append("Schedule.ranges disagrees")
    return problems


# --------------------------------------------------------------------------
# correctness with a non-commutative operator
# --------------------------------------------------------------------------


def test_operator_is_non_commutative():
    assert not np.array_equal(matmul_mod(X[:1], X[1:2]), matmul_mod(X[1:2], X[:1]))


@pytest.mark.parametrize("name", SCHEDULES)
def test_all_prefixes_match_sequential_product(name):
    for n in ALL_N:
        s = schedule(name, n)
        calls = []

        def combine(later, earlier):
            calls.append(later.shape[0])
            return matmul_mod(later, earlier)

        out = run(s, X[:n], combine)
        assert calls == [lv.shape[0] for lv in s.levels], (name, n)  # once per level
        if s.final_only:
            assert out.shape == (1, 2, 2)
            assert np.array_equal(out[0], PREF[n - 1]), (name, n)
        else:
            assert out.shape == (n, 2, 2)
            assert np.array_equal(out, PREF[:n]), (name, n)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(SCHEDULES),
    n=st.integers(1, 96),
    seed=st.integers(0, 2**32 - 1),
)
def test_exact_integer_matrices_object_dtype(name, n, seed):
    """Python-int (object dtype) 3x3 matrices, no modulus: exact arithmetic."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=(n, 3, 3)).astype(object)
    ref = [x[0]]
    for i in range(1, n):
        ref.append(x[i].dot(ref[-1]))
    s = schedule(name, n)
    out = run(s, x, lambda a, b: np.matmul(a, b))
    assert out.dtype == object
    want = [ref[-1]] if s.final_only else ref
    assert len(out) == len(want)
    for got, exp in zip(out, want):
        assert (got == exp).all()


@pytest.mark.parametrize("name", SCHEDULES)
def test_string_concatenation_monoid(name):
    """Free monoid: the value of a prefix spells out exactly which inputs, in order."""
    for n in (1, 2, 3, 7, 33, 64, 100):
        leaves = np.array([f"<{i}>" for i in range(n)], dtype=object)

        def cat(later, earlier):
            out = np.empty(len(later), dtype=object)
            out[:] = [e + l for l, e in zip(later, earlier)]
            return out

        out = run(schedule(name, n), leaves, cat)
        want = ["".join(leaves[: i + 1]) for i in range(n)]
        assert list(out) == ([want[-1]] if name == "reduce" else want)


# --------------------------------------------------------------------------
# negative controls
# --------------------------------------------------------------------------


def _swap_level(s: Schedule, L: int) -> Schedule:
    levels = list(s.levels)
    levels[L] = levels[L][:, ::-1].copy()
    return dataclasses.replace(s, levels=tuple(levels))


@pytest.mark.parametrize("name", SCHEDULES)
def test_negative_control_swapped_level_is_detected(name):
    detected = 0
    for n in (2, 3, 5, 8, 13, 16, 31, 64, 100):
        s = schedule(name, n)
        for L in range(s.depth):
            bad = _swap_level(s, L)
            out = run(bad, X[:n], matmul_mod)
            want = PREF[n - 1 : n] if s.final_only else PREF[:n]
            assert not np.array_equal(out, want), (name, n, L)
            detected += 1
    assert detected > 0


def test_negative_control_structure_checker():
    s = schedule("brent-kung", 16)
    assert structure_problems(s) == []
    # operand from the same level -> not independent
    levels = [lv.copy() for lv in s.levels]
    levels[1][0, 1] = s.level_offsets[1]
    assert structure_problems(dataclasses.replace(s, levels=tuple(levels)))
    # swapped operands -> non-contiguous
    assert structure_problems(_swap_level(s, 0))
    # an extra unused combine -> dead node
    levels = list(s.levels) + [np.array([[1, 0]], dtype=np.int64)]
    assert any("dead" in p for p in structure_problems(dataclasses.replace(s, levels=tuple(levels))))
    # wrong prefix node
    pre = s.prefix.copy()
    pre[5] = pre[4]
    assert structure_problems(dataclasses.replace(s, prefix=pre))


# --------------------------------------------------------------------------
# structure
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCHEDULES)
def test_structure_levels_independent_contiguous_no_dead_nodes(name):
    for n in ALL_N:
        s = schedule(name, n)
        assert s.name == name and s.n == n and s.final_only == (name == "reduce")
        assert structure_problems(s) == [], (name, n)
        assert s.num_nodes == n + s.size
        assert s.level_offsets.tolist() == [n + sum(lv.shape[0] for lv in s.levels[:L]) for L in range(s.depth + 1)]


@pytest.mark.parametrize("name", SCHEDULES)
def test_n_equals_one(name):
    s = schedule(name, 1)
    assert s.depth == 0 and s.size == 0 and s.levels == ()
    assert s.prefix.tolist() == [0]
    leaves = np.array([[1, 2], [3, 4]])[None]
    out = run(s, leaves, lambda a, b: pytest.fail("combine must not be called"))
    assert np.array_equal(out, leaves)


def test_cached_and_read_only():
    s = schedule("sklansky", 37)
    assert schedule("sklansky", 37) is s
    assert schedule("sklansky", np.int64(37)) is s
    with pytest.raises(ValueError):
        s.levels[0][0, 0] = 0
    with pytest.raises(ValueError):
        s.prefix[0] = 1
    with pytest.raises(ValueError):
        s.ranges[0, 0] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.n = 3  # type: ignore[misc]


def test_errors():
    for bad in ("foo", "Sklansky", "kogge_stone", ""):
        with pytest.raises(ValueError) as e:
            schedule(bad, 8)
        msg = str(e.value)
        assert "\n" not in msg and all(name in msg for name in SCHEDULES)
    for bad_n in (0, -1, -100):
        with pytest.raises(ValueError) as e:
            schedule("serial", bad_n)
        msg = str(e.value)
        assert "\n" not in msg and all(name in msg for name in SCHEDULES)
    for bad_n in (2.5, "3", None, True):
        with pytest.raises(TypeError):
            schedule("serial", bad_n)
    with pytest.raises(ValueError):
        closed_form("nope")
    with pytest.raises(ValueError):
        exact_size("serial", 0)
    with pytest.raises(ValueError):
        exact_depth("nope", 4)


def test_run_argument_checks_and_dtype_promotion():
    s = schedule("kogge-stone", 5)
    with pytest.raises(ValueError):
        run(s, np.zeros((4, 2)), lambda a, b: a + b)
    with pytest.raises(ValueError):
        run(s, np.zeros((5, 2)), lambda a, b: (a + b)[:, :1])
    out = run(s, np.arange(5), lambda a, b: (a + b) * 0.5)
    assert out.dtype == np.float64
    # trailing shape is arbitrary; a list of leaves is accepted
    out = run(s, [[i, 1] for i in range(5)], lambda a, b: a + b)
    assert out.tolist() == [[0, 1], [1, 2], [3, 3], [6, 4], [10, 5]]


# --------------------------------------------------------------------------
# sizes and depths
# --------------------------------------------------------------------------


def _eval_at(expr: sympy.Expr, n: int) -> int:
    v = sympy.expand_log(sympy.sympify(expr).subs(n_sym, n), force=True)
    v = sympy.nsimplify(v)
    assert v.is_Integer, (expr, n, v)
    return int(v)


@pytest.mark.parametrize("name", SCHEDULES)
def test_closed_forms_match_measured_for_powers_of_two(name):
    size_expr, depth_expr = closed_form(name)
    assert size_expr.free_symbols <= {n_sym} and depth_expr.free_symbols <= {n_sym}
    for k in range(1, 13):
        s = schedule(name, 2**k)
        assert _eval_at(size_expr, 2**k) == s.size, (name, k)
        assert _eval_at(depth_expr, 2**k) == s.depth, (name, k)


@pytest.mark.parametrize("name", SCHEDULES)
def test_exact_formulas_match_measured(name):
    ns = list(ALL_N) + [511, 512, 513, 1000, 1023, 1024, 1025, 1536]
    for fn, attr in ((exact_size, "size"), (exact_depth, "depth")):
        for n in ns:
            try:
                want = fn(name, n)
            except NotImplementedError:
                continue
            assert isinstance(want, int)
            assert want == getattr(schedule(name, n), attr), (fn.__name__, name, n)


def test_required_exact_formulas_exist():
    for name in ("serial", "reduce", "kogge-stone"):
        assert exact_size(name, 10) == schedule(name, 10).size
    for name in ("serial", "reduce", "sklansky", "kogge-stone"):
        assert exact_depth(name, 10) == schedule(name, 10).depth


def test_specific_depths_and_sizes():
    for n in ALL_N:
        c = ceil_log2_by_search(n)
        assert schedule("serial", n).depth == n - 1
        assert schedule("serial", n).size == n - 1
        assert schedule("sklansky", n).depth == c
        assert schedule("kogge-stone", n).depth == c
        assert schedule("reduce", n).depth == c
        assert schedule("reduce", n).size == n - 1
        # Kogge-Stone: sum over 2^j < n of (n - 2^j)
        assert schedule("kogge-stone", n).size == sum(n - 2**j for j in range(n.bit_length()) if 2**j < n)
    for k in range(1, 10):
        n = 2**k
        assert schedule("brent-kung", n).depth == 2 * k - 1
        assert schedule("brent-kung", n).size == 2 * n - 2 - k
        assert schedule("ladner-fischer", n).depth == (k + 1 if k >= 2 else 1)
        assert schedule("han-carlson", n).depth == (k + 1 if k >= 2 else 1)


def test_snir_bound_for_full_prefix_schedules():
    # Snir (1986): every prefix circuit on n inputs has size + depth >= 2n - 2.
    for name in FULL:
        for n in ALL_N:
            s = schedule(name, n)
            assert s.size + s.depth >= 2 * n - 2, (name, n)


def test_blelloch_equals_brent_kung_for_powers_of_two():
    # Without identity combines, Blelloch's up/down-sweep on 2^k inputs is the
    # Brent-Kung network (same rows, same node numbering).
    for k in range(0, 10):
        a, b = schedule("blelloch", 2**k), schedule("brent-kung", 2**k)
        assert len(a.levels) == len(b.levels)
        assert all(np.array_equal(x, y) for x, y in zip(a.levels, b.levels))
        assert np.array_equal(a.prefix, b.prefix)
    # ...but the identity padding makes it deeper for other n.
    assert schedule("blelloch", 5).depth > schedule("brent-kung", 5).depth
