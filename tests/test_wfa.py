"""WFAs over Q, deterministic WFAs, Lemma 6 overwrite factors, Thm 8 (PD-LRNN) and Thm 6 (DPLR-LRNN)."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuits import CircuitError
from constructions.automata.dfa import DFA, random_dfa
from constructions.automata.overwrite import deltanet_form, factors_product, overwrite_factors
from constructions.automata.wfa import (WFA, all_words, build_dplr_lrnn, build_dplr_lrnn_expanded, build_pd_lrnn,
                                        dfa_to_wfa, dplr_tokens, expand_word, pd_tokens, random_deterministic_wfa,
                                        random_wfa, steps_per_token)
from proofs_check import wfa_claims


def _frac(M):
    return np.vectorize(Fraction, otypes=[object])(np.asarray(M, dtype=object))


def test_weight_order_convention():
    # α A[w1] A[w2] … β with A[σ][p, q] the weight of p —σ→ q: a goes 0 → 1, b goes 1 → 0
    wfa = WFA([1, 0], [[[0, 1], [0, 0]], [[0, 0], [1, 0]]], [0, 1])
    assert wfa.weight([0]) == 1 and wfa.weight([0, 1]) == 0 and wfa.weight([0, 1, 0]) == 1
    assert wfa.weight([1, 0]) == 0 and wfa.weight([]) == 0
    count_a = WFA([1, 0], [[[1, 1], [0, 1]], [[1, 0], [0, 1]]], [0, Fraction(1, 2)])
    assert count_a.weight([0, 0, 1, 0]) == Fraction(3, 2)


def test_weights_by_length_matches_weight():
    wfa = random_wfa(3, 3, seed=5)
    table = wfa.weights_by_length(4)
    for ell in range(5):
        for i, w in enumerate(all_words(3, ell)):
            assert table[ell][i] == wfa.weight(w)


def test_dfa_runs_and_as_wfa():
    dfa = DFA([[1, 0], [0, 1]], 0, {1})  # parity of the a's
    assert dfa.accepts([0]) and not dfa.accepts([0, 0, 1]) and dfa.run([0, 1, 0]) == 0
    for seed in range(5):
        d = random_dfa(4, 2, seed=seed)
        wfa = dfa_to_wfa(d)
        assert wfa.is_deterministic()
        for ell in range(6):
            for w in all_words(2, ell):
                assert wfa.accepts(w) == d.accepts(w)


def test_errors_are_one_line():
    with pytest.raises(CircuitError, match="shape"):
        WFA([1, 0], [[[1, 0]]], [1, 0])
    with pytest.raises(CircuitError, match="outside"):
        random_wfa(2, 2).weight([0, 2])
    with pytest.raises(CircuitError, match="successors"):
        DFA([[0, 3]], 0, set())
    with pytest.raises(CircuitError, match="deterministic"):
        pd_tokens(WFA([1, 0], [[[1, 1], [0, 1]]], [0, 1]))


def test_deterministic_generator_and_pd_tokens():
    for seed in range(20):
        wfa = random_deterministic_wfa(2 + seed % 4, 2, seed=seed)
        assert wfa.is_deterministic()
        tok = pd_tokens(wfa)
        for a in range(2):
            assert (tok["P"][a].astype(object).dot(np.diag(tok["D"][a])) == wfa.A[a].T).all()


def test_thm8_pd_lrnn_circuit_matches_every_word():
    wfa = random_deterministic_wfa(4, 2, seed=3)
    c = build_pd_lrnn(wfa, 6)
    W = all_words(2, 6)
    y = c.evaluate({"x": np.eye(2, dtype=int)[W]}, domain="fraction")["y"]
    for i, w in enumerate(W):
        assert y[i, -1] == wfa.weight(w) and (y[i, -1] > 0) == wfa.accepts(w)
        assert y[i, 2] == wfa.weight(w[:3])


def test_thm8_check_and_negative_control():
    assert wfa_claims.check_thm8(True).status == "equal"
    v = wfa_claims.check_thm8(True, broken=True)
    assert v.status == "not_equal" and "differs" in v.why
    v = wfa_claims.check_thm8(True, broken=True, accept_only=True)  # the wrong permutation changes acceptance
    assert v.status == "not_equal" and v.counterexample["acceptance_mismatches"] > 0


def _matrices():
    rng = np.random.default_rng(0)
    yield _frac([[0, 1], [1, 0]])
    yield _frac(np.zeros((3, 3), dtype=int))
    yield _frac(np.eye(4, k=1, dtype=int))
    yield _frac([[5]])
    for d in range(1, 7):
        yield _frac(rng.integers(-3, 4, size=(d, d)))
        r = d // 2
        yield _frac(rng.integers(-2, 3, size=(d, r)).dot(rng.integers(-2, 3, size=(r, d))) if r else [[0] * d] * d)


def test_overwrite_factors_exact_and_bounded():
    for M in _matrices():
        d = M.shape[0]
        fs = overwrite_factors(M)
        assert len(fs) <= 2 * d - 1
        assert (factors_product(fs, d) == M).all()
        if fs:
            u, v = fs[-1]
            bad = fs[:-1] + [(tuple(-a for a in u), v)]
            assert not (factors_product(bad, d) == M).all()
    assert overwrite_factors(np.eye(3, dtype=int)) == []


def test_deltanet_form():
    # I − 2 e eᵀ with e = (1, −1): u = −2 e, v = e
    assert deltanet_form((-2, 2), (1, -1)) == (2, (1, -1))
    assert deltanet_form((1, 0), (0, 1)) is None
    assert deltanet_form((1, 0), (0, 0)) is None
    beta, k = deltanet_form((-1, 0), (1, 0))
    assert (factors_product([((-1, 0), (1, 0))], 2) == _frac([[0, 0], [0, 1]])).all() and beta == 1


def test_expand_word():
    assert expand_word([1, 0], 3).tolist() == [3, 4, 5, 0, 1, 2]
    assert expand_word([[0], [1]], 2).tolist() == [[0, 1], [2, 3]]


def test_thm6_dplr_lrnn_exact_and_expanded_form_agrees():
    wfa = random_wfa(3, 2, seed=11)
    K = steps_per_token(3)
    L = 4
    W = all_words(2, L)
    y = build_dplr_lrnn(wfa, L).evaluate({"x": np.eye(2, dtype=int)[W]}, domain="fraction")["y"]
    c2 = build_dplr_lrnn_expanded(wfa, L)
    y2 = c2.evaluate({"x": np.eye(2 * K, dtype=int)[expand_word(W, K)]}, domain="fraction")["y"][:, K - 1::K]
    for i, w in enumerate(W):
        for t in range(L):
            assert y[i, t] == wfa.weight(w[: t + 1]) == y2[i, t]
    tok = dplr_tokens(wfa)
    assert all(len(f) <= K for f in tok["factors"])


def test_thm6_and_factorisation_checks_with_negative_controls():
    assert wfa_claims.check_factorisation(True).status == "equal"
    assert wfa_claims.check_factorisation(True, broken=True).status == "not_equal"
    assert wfa_claims.check_thm6(True).status == "equal"
    assert wfa_claims.check_thm6(True, broken=True).status == "not_equal"


def test_docs_figures_block_states_the_full_ranges():
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[1] / "docs" / "automata.md").read_text()
    block = doc.split("<!-- wfa-figures:begin -->", 1)[1].split("<!-- wfa-figures:end -->", 1)[0]
    full8, full6 = wfa_claims.THM8[False], wfa_claims.THM6[False]
    assert f"{full8['wfas']} random deterministic WFAs" in block and f"length 0–{full8['L']}" in block
    assert f"{full6['wfas']} random WFAs" in block and f"length 1–{full6['L']}" in block
    assert f"{wfa_claims.FACTOR[False]:,} random matrices" in block


@st.composite
def _rational_matrix(draw):
    d = draw(st.integers(1, 5))
    q = st.fractions(min_value=-3, max_value=3, max_denominator=4)
    M = np.empty((d, d), dtype=object)
    for i in range(d):
        for j in range(d):
            M[i, j] = draw(st.one_of(st.just(Fraction(0)), q))
    return M


@settings(max_examples=150, deadline=None)
@given(_rational_matrix())
def test_overwrite_factors_property(M):
    d = M.shape[0]
    fs = overwrite_factors(M)
    assert len(fs) <= 2 * d - 1
    assert (factors_product(fs, d) == M).all()
    assert all(any(a != 0 for a in u) and any(b != 0 for b in v) for u, v in fs)  # no identity factors
