"""Group automata (constructions/automata/groups.py): the groups' orders from their generators, the word
problem, and the token-mode PD-LRNN circuit of a word against direct composition; the claim and its negative
control."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from circuits import CircuitError
from constructions.automata import groups as G
from constructions.automata import perm
from constructions.scans import SCHEDULES


@pytest.mark.parametrize("grp, order", [(G.cyclic(1), 1), (G.cyclic(7), 7), (G.S3, 6), (G.A5, 60),
                                        (G.S5, 120)])
def test_orders_from_generators(grp, order):
    els = G.elements(grp)
    assert len(els) == order
    assert all(perm.is_permutation(p) and len(p) == grp.k for p in els)


def test_a5_is_even_and_s5_is_not():
    def odd(p):
        return sum(1 for i in range(len(p)) for j in range(i) if p[j] > p[i]) % 2
    assert not any(odd(p) for p in G.elements(G.A5))
    assert any(odd(p) for p in G.elements(G.S5))


def test_word_problem_direct():
    r, t = 0, 1  # S5: the 5-cycle and the transposition
    assert G.is_identity(G.S5, [r] * 5)
    assert not G.is_identity(G.S5, [r] * 4)
    assert G.is_identity(G.S5, [t, t])
    # first letter acts first: r then t is t ∘ r
    assert G.word_value(G.S5, [r, t]) == perm.compose(G.S5.generators[t], G.S5.generators[r])
    assert G.word_value(G.S5, []) == perm.identity(5)
    assert G.is_identity(G.cyclic(4), [0, 0, 0, 0])


def test_all_words():
    W = G.all_words(G.S3, 3)
    assert W.shape == (8, 3)
    assert len({tuple(w) for w in W.tolist()}) == 8


@pytest.mark.parametrize("scan", [s for s in SCHEDULES if s != "reduce"])
def test_every_s5_word_up_to_6_every_scan(scan):
    for n in range(1, 7):
        c = G.word_lrnn(G.S5, n, scan=scan)
        W = G.all_words(G.S5, n)
        assert G.run_word_lrnn(c, G.S5, W) == [G.word_value(G.S5, w) for w in W]


def test_every_s5_word_up_to_8_final_state():
    total = 0
    for n in range(1, 9):
        c = G.word_lrnn(G.S5, n, final_only=True)
        W = G.all_words(G.S5, n)
        assert G.run_word_lrnn(c, G.S5, W) == [G.word_value(G.S5, w) for w in W]
        total += len(W)
    assert total == 2 ** 9 - 2


def test_all_prefix_states_are_the_prefix_elements():
    rng = np.random.default_rng(3)
    n = 40
    c = G.word_lrnn(G.A5, n, scan="sklansky")
    w = G.random_word(G.A5, n, rng)
    x = np.zeros((n, 2), dtype=np.int64)
    x[np.arange(n), w] = 1
    h = np.asarray(c.evaluate({"x": x}, "fraction")["h"])
    for t in range(n):
        assert G.element_of_state(h[t]) == G.word_value(G.A5, w[: t + 1])


@pytest.mark.parametrize("grp", [G.cyclic(5), G.S3, G.A5, G.S5])
def test_random_words_of_length_1000(grp):
    rng = np.random.default_rng(7)
    c = G.word_lrnn(grp, 1000)
    W = np.stack([G.random_word(grp, 1000, rng) for _ in range(5)])
    assert G.run_word_lrnn(c, grp, W) == [G.word_value(grp, w) for w in W]


@given(st.lists(st.integers(0, 1), min_size=1, max_size=30), st.sampled_from(["brent-kung", "kogge-stone",
                                                                             "serial", "reduce"]))
def test_property_circuit_equals_composition(word, scan):
    c = G.word_lrnn(G.S5, len(word), scan=scan)
    assert G.run_word_lrnn(c, G.S5, [word]) == [G.word_value(G.S5, word)]


def test_depth_logarithmic():
    ns = [2 ** k for k in range(4, 11)]
    dep = [G.word_lrnn(G.S5, n).depth() for n in ns]
    steps = {b - a for a, b in zip(dep, dep[1:])}
    assert len(steps) == 1 and steps.pop() > 0
    assert G.word_lrnn(G.S5, 1024, scan="serial").depth() > 10 * dep[-1]  # the serial chain is linear


def test_negative_control_transpose_is_caught():
    c = G.word_lrnn(G.S5, 1, _mutant="transpose")
    got = G.run_word_lrnn(c, G.S5, [[0]])
    assert got != [G.word_value(G.S5, [0])]


def test_errors():
    with pytest.raises(CircuitError, match="unknown group"):
        G.group("Q8")
    assert G.group("Z9").k == 9
    with pytest.raises(CircuitError, match="m >= 1"):
        G.cyclic(0)
    with pytest.raises(CircuitError, match="generator indices"):
        G.word_value(G.S3, [0, 2])
    with pytest.raises(CircuitError, match="not a permutation"):
        G.element_of_state([0, 0, 1])
    with pytest.raises(CircuitError, match="not a permutation"):
        G.Group("bad", 3, ((0, 0, 1),), ("g",))


def test_claim_group_word_problem_quick():
    from proofs_check.barrington_claims import _word_check

    v = _word_check(True)
    assert v.status == "equal", v.why
    assert v.evidence["scope"]["every word of length"] == [1, 6]
    assert _word_check(True, "transpose").status == "not_equal"
