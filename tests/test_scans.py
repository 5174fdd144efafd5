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

from circuits.errors import CircuitError
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
from proofs_check.scan_monoid import free_monoid_problems, free_monoid_words, structure_problems

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


# structure_problems (the independent interval re-check of the node model) and the free-monoid evaluation
# live in proofs_check.scan_monoid, shared with the claim 'scan-prefixes' of `lrnn-circuits verify`.


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
        words = ["".join(w) for w in free_monoid_words(schedule(name, n), leaves)]
        assert words == list(out)


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
        assert free_monoid_problems(s) == [], (name, n)
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
        with pytest.raises(CircuitError):
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
        # levels are as-soon-as-possible: the textbook count 2k − 1 places the first down-sweep level after
        # the up-sweep root, which it does not read, so the longest path is 2k − 2 (k >= 2)
        assert schedule("brent-kung", n).depth == (2 * k - 2 if k >= 2 else 1)
        assert schedule("brent-kung", n).size == 2 * n - 2 - k
        assert schedule("ladner-fischer", n).depth == (k + 1 if k >= 3 else k)
        assert schedule("han-carlson", n).depth == (k + 1 if k >= 3 else k)


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
    # ...but the identity padding changes it for other n: one more combine at n = 7, and one level less
    assert (schedule("blelloch", 7).size, schedule("blelloch", 7).depth) == (9, 3)
    assert (schedule("brent-kung", 7).size, schedule("brent-kung", 7).depth) == (8, 4)


# --------------------------------------------------------------------------
# regression: the vectorised builder reproduces the original per-pair builder
# --------------------------------------------------------------------------
#
# A plain-Python transcription of the original (pre-vectorisation) builder:
# same level order, same row order, same node numbering, same dead-node
# removal.  The module must produce exactly these index arrays.


def _ref_ceil_log2(n: int) -> int:
    return (n - 1).bit_length()


def _ref_position_network(n, pair_levels):
    levels, cur, nxt = [], list(range(n)), n
    for pairs in pair_levels:
        rows = [(cur[i], cur[j]) for i, j in pairs]
        for t, (i, _) in enumerate(pairs):
            cur[i] = nxt + t
        nxt += len(rows)
        if rows:
            levels.append(rows)
    return levels, cur


def _ref_sklansky(n):
    return [
        [(i, ((i >> (d + 1)) << (d + 1)) + (1 << d) - 1) for i in range(n) if (i >> d) & 1]
        for d in range(_ref_ceil_log2(n))
    ]


def _ref_kogge_stone(n):
    return [[(i, i - (1 << d)) for i in range(1 << d, n)] for d in range(_ref_ceil_log2(n))]


def _ref_brent_kung(n):
    L = n.bit_length() - 1
    up = [[(i, i - (1 << d)) for i in range((2 << d) - 1, n, 2 << d)] for d in range(L)]
    down = [[(i, i - (1 << d)) for i in range(3 * (1 << d) - 1, n, 2 << d)] for d in reversed(range(L))]
    return up + down


def _ref_odd_even(n, inner):
    m = n // 2
    out = [[(2 * t + 1, 2 * t) for t in range(m)]]
    out += [[(2 * i + 1, 2 * j + 1) for i, j in lv] for lv in inner(m)]
    out.append([(2 * t, 2 * t - 1) for t in range(1, (n + 1) // 2)])
    return out


def _ref_blelloch(n):
    K = _ref_ceil_log2(n)
    N = 1 << K
    levels, nxt = [], n
    arr = list(range(n)) + [None] * (N - n)

    def level(pairs_and_slots, store):
        nonlocal nxt
        rows = []
        for (later, earlier), slot in pairs_and_slots:
            if later is None:
                store[slot] = earlier
            elif earlier is None:
                store[slot] = later
            else:
                rows.append((later, earlier))
                store[slot] = nxt
                nxt += 1
        if rows:
            levels.append(rows)

    for d in range(K):
        level([((arr[i], arr[i - (1 << d)]), i) for i in range((2 << d) - 1, N, 2 << d)], arr)
    root = arr[N - 1]
    E = {0: None}
    for d in reversed(range(K)):
        level([((arr[s + (1 << d) - 1], E[s]), s + (1 << d)) for s in range(0, N, 2 << d)], E)
    return levels, [E[i + 1] for i in range(n - 1)] + [root]


def _ref_reduce(n):
    levels, cur, nxt = [], list(range(n)), n
    while len(cur) > 1:
        k = len(cur) // 2
        levels.append([(cur[2 * t + 1], cur[2 * t]) for t in range(k)])
        cur = list(range(nxt, nxt + k)) + cur[2 * k :]
        nxt += k
    return levels, cur


def _ref_prune(n, levels, prefix):
    rows = [r for lv in levels for r in lv]
    live = [False] * (n + len(rows))
    for v in prefix:
        live[v] = True
    for v in range(len(live) - 1, n - 1, -1):
        if live[v]:
            live[rows[v - n][0]] = live[rows[v - n][1]] = True
    new_id, nxt, old, out = list(range(n)) + [-1] * len(rows), n, n, []
    for lv in levels:
        keep = []
        for later, earlier in lv:
            if live[old]:
                keep.append((new_id[later], new_id[earlier]))
                new_id[old] = nxt
                nxt += 1
            old += 1
        if keep:
            out.append(keep)
    return out, [new_id[v] for v in prefix]


def reference_schedule(name: str, n: int) -> tuple[list[list[tuple[int, int]]], list[int]]:
    if name == "serial":
        levels, prefix = _ref_position_network(n, [[(t, t - 1)] for t in range(1, n)])
    elif name in ("blelloch", "reduce"):
        levels, prefix = _ref_prune(n, *(_ref_blelloch(n) if name == "blelloch" else _ref_reduce(n)))
    else:
        pairs = {
            "sklansky": _ref_sklansky,
            "kogge-stone": _ref_kogge_stone,
            "brent-kung": _ref_brent_kung,
            "ladner-fischer": lambda m: _ref_odd_even(m, _ref_sklansky),
            "han-carlson": lambda m: _ref_odd_even(m, _ref_kogge_stone),
        }[name](n)
        levels, prefix = _ref_position_network(n, pairs)
    return levels, prefix


@pytest.mark.parametrize("name", SCHEDULES)
def test_identical_to_reference_builder(name):
    from constructions import scans

    for n in list(ALL_N) + [511, 512, 513, 1000, 1023, 1024, 1025, 1536, 4097]:
        s = schedule(name, n)
        levels, prefix = reference_schedule(name, n)
        # the reference builds the textbook levels; schedules are those levels re-levelled as soon as possible
        levels, prefix = scans.asap(n, [np.array(lv, dtype=np.int64).reshape(-1, 2) for lv in levels],
                                    np.array(prefix, dtype=np.int64))
        assert [lv.tolist() for lv in s.levels] == [lv.tolist() for lv in levels], (name, n)
        assert s.prefix.tolist() == prefix.tolist(), (name, n)


def test_reference_builder_blelloch_keeps_only_live_nodes():
    # sanity of the reference itself: blelloch(5) drops dead down-sweep nodes
    levels, prefix = _ref_blelloch(5)
    pruned, _ = _ref_prune(5, levels, prefix)
    assert sum(map(len, pruned)) == exact_size("blelloch", 5) < sum(map(len, levels))


# --------------------------------------------------------------------------
# vectorised internals: ranges, checks, speed
# --------------------------------------------------------------------------


def test_ranges_paths_agree():
    from constructions import scans

    for name in SCHEDULES:
        for n in (1, 2, 3, 7, 64, 100, 257):
            s = schedule(name, n)
            fresh = dataclasses.replace(s)  # no cached ranges
            rows = np.concatenate(s.levels) if s.levels else np.empty((0, 2), dtype=np.int64)
            by_level = scans._level_ranges(n, s.levels, s.num_nodes)
            assert np.array_equal(scans._jump_ranges(n, rows), by_level), (name, n)
            assert np.array_equal(fresh.ranges, by_level) and np.array_equal(s.ranges, by_level), (name, n)
            assert not fresh.ranges.flags.writeable and not s.ranges.flags.writeable
    # a deep schedule (serial, depth > 64) without cached ranges uses pointer jumping
    s = schedule("serial", 5000)
    assert np.array_equal(dataclasses.replace(s).ranges, s.ranges)
    assert s.ranges[s.prefix].tolist() == [[0, i] for i in range(5000)]


def test_levels_are_read_only_int64_for_every_name():
    for name in SCHEDULES:
        s = schedule(name, 77)
        assert all(lv.dtype == np.int64 and not lv.flags.writeable for lv in s.levels), name
        assert s.prefix.dtype == np.int64 and not s.prefix.flags.writeable, name


def test_builder_checks_reject_bad_levels():
    from constructions import scans

    # non-contiguous: position 2 combined with 0 while 1 is not yet included
    with pytest.raises(RuntimeError, match="non-contiguous"):
        scans._position_network(3, [(np.array([2]), np.array([0]))])
    # a level writing a position twice
    with pytest.raises(RuntimeError):
        scans._position_network(3, [(np.array([1, 1]), np.array([0, 0]))])
    # a network that does not finish every prefix
    with pytest.raises(RuntimeError, match="prefixes"):
        scans._position_network(3, [(slice(1, 3, 1), slice(0, 2, 1))])
    # mismatched operand lengths, a negative position
    with pytest.raises(RuntimeError):
        scans._position_network(3, [(slice(1, 3, 1), slice(0, 1, 1))])
    with pytest.raises(RuntimeError):
        scans._position_network(3, [(np.array([1]), np.array([-1]))])
    # the same level as slices and as arrays gives the same result
    a = scans._position_network(9, scans._kogge_stone_pairs(9))
    b = scans._position_network(9, ((np.arange(9)[i], np.arange(9)[j]) for i, j in scans._kogge_stone_pairs(9)))
    assert all(np.array_equal(x, y) for x, y in zip(a[0], b[0])) and np.array_equal(a[1], b[1])
    # whole-schedule verification: own-level read, non-contiguity, wrong prefix
    s = schedule("brent-kung", 16)
    rows = np.concatenate(s.levels)
    sizes = [lv.shape[0] for lv in s.levels]
    args = dict(prefix=s.prefix, final_only=False, claimed=False)
    scans._verify("t", 16, rows, sizes, ranges=s.ranges, **args)  # the real one passes
    bad = rows.copy()
    bad[sizes[0], 1] = s.level_offsets[1]  # level 1 reads a node of level 1
    with pytest.raises(RuntimeError, match="own or a later level"):
        scans._verify("t", 16, bad, sizes, ranges=scans._level_ranges(16, np.split(bad, np.cumsum(sizes)[:-1]), 16 + len(bad)), **args)
    swapped = rows.copy()
    swapped[:sizes[0]] = swapped[:sizes[0], ::-1]
    with pytest.raises(RuntimeError, match="non-contiguous"):
        scans._verify("t", 16, swapped, sizes, ranges=scans._level_ranges(16, np.split(swapped, np.cumsum(sizes)[:-1]), 16 + len(rows)), **args)
    with pytest.raises(RuntimeError, match="inconsistent"):
        scans._verify("t", 16, rows, sizes, ranges=s.ranges[::-1].copy(), prefix=s.prefix, final_only=False, claimed=True)
    pre = s.prefix.copy()
    pre[3] = pre[2]
    with pytest.raises(RuntimeError, match="prefixes"):
        scans._verify("t", 16, rows, sizes, ranges=s.ranges, prefix=pre, final_only=False, claimed=False)


@pytest.mark.parametrize("name", SCHEDULES)
def test_large_schedules_match_formulas(name):
    """Big schedules (the vectorised builder) still agree with the size formula and have tight levels."""
    s = schedule(name, 2**18 + 3)
    assert s.size == exact_size(name, 2**18 + 3)
    last = s.levels[-1]
    assert len(last) > 0
