"""Thm 2: the graph-connectivity ReLU RNN (constructions.hardness.graph) against a graph search, its instance
family, its precision, the negative control, the claim and the rnn-graph command."""
from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest

from constructions.hardness.graph import (STATE, TOKENS, distinct_reachable_sets, edges_of_index, graph_rnn_weights,
                                          instance_count, mutate, reference, run, run_batch, sink_target_count,
                                          tokens_of, walk_end)
from proofs_check.hardness_graph_claims import NEGATIVE_MUTATION, _net, exhaustive, long_chains


def test_weights_are_small_integers_of_fixed_shape():
    net = graph_rnn_weights()
    assert net.shape == {"state": 8, "input": 4, "hidden1": 19, "hidden2": 22}
    for name, m in net.matrices().items():
        assert all(isinstance(v, int) and abs(v) <= 3 for v in np.asarray(m).ravel()), name
    assert net.W1.shape == (19, 12) and net.W2.shape == (22, 19) and net.W3.shape == (8, 22)


def test_instance_counts_match_enumeration():
    assert [instance_count(k) for k in range(1, 8)] == [math.factorial(k) * k * k for k in range(1, 8)]
    assert sum(instance_count(k) for k in range(1, 7)) == 29_367  # k = 1..6
    assert sum(instance_count(k) for k in range(1, 8)) == 276_327  # k = 1..7
    for k in range(1, 6):
        sets = {tuple(sorted(edges_of_index(k, i).items())) for i in range(math.factorial(k))}
        assert len(sets) == math.factorial(k)  # every edge set once
        assert all(v > u for e in sets for u, v in e)
        sinks = sum(t not in dict(e) for e in sets for t in range(1, k + 1)) * k
        assert sinks == sink_target_count(k)
    with pytest.raises(ValueError):
        edges_of_index(3, 6)


def test_small_instances_exact_runner():
    """Every instance for k ≤ 4 through the exact (Python-integer) runner."""
    net = graph_rnn_weights()
    for k in range(1, 5):
        for i in range(math.factorial(k)):
            e = edges_of_index(k, i)
            for s in range(1, k + 1):
                for t in range(1, k + 1):
                    acc, biggest = run(tokens_of(k, e, s, t), net)
                    assert acc == walk_end(e, s, t), (k, e, s, t)
                    assert biggest <= k


def test_batch_equals_exact_and_fractions_work():
    rng = np.random.default_rng(5)
    net = graph_rnn_weights()
    streams = []
    for _ in range(40):
        k = int(rng.integers(1, 9))
        e = edges_of_index(k, int(rng.integers(math.factorial(k))))
        streams.append(tokens_of(k, e, int(rng.integers(1, k + 1)), int(rng.integers(1, k + 1))))
    L = max(map(len, streams))
    codes = np.full((len(streams), L), -1)
    for r, x in enumerate(streams):
        codes[r, :len(x)] = [TOKENS.index(c) for c in x]
    acc, big = run_batch(codes, net)
    frac = graph_rnn_weights()
    for m in frac.matrices().values():
        m[...] = np.vectorize(Fraction, otypes=[object])(m)
    for r, x in enumerate(streams):
        assert (bool(acc[r] == 1), int(big[r])) == run(x, net) == run(x, frac)


def test_exhaustive_k_up_to_6_zero_errors():
    for k in range(1, 7):
        r = exhaustive(k)
        assert r["instances"] == instance_count(k) and r["sink_target"] == sink_target_count(k)
        assert r["errors"] == 0 and r["non_binary"] == 0
        assert r["accepted"] == k * math.factorial(k)  # each walk ends at exactly one vertex
        assert r["max_state"] == k


def test_walk_end_equals_reachability_on_sink_targets():
    e = {1: 3, 3: 4}
    assert reference(e, 1, 3) and not walk_end(e, 1, 3)  # 3 is reachable but has an out-edge
    assert walk_end(e, 1, 4) and reference(e, 1, 4)
    assert not run(tokens_of(4, e, 1, 3))[0] and run(tokens_of(4, e, 1, 4))[0]
    # t with an out-edge needs k - 1 bits before t is read: 2^(k-1) different reachable sets from s = 1
    assert [distinct_reachable_sets(k) for k in range(1, 7)] == [2 ** (k - 1) for k in range(1, 7)]


def test_long_chains_and_log_precision():
    r = long_chains((30, 120))
    assert r["errors"] == 0 and r["exact_run_agrees"]
    assert r["max_state"] == 120  # the largest vertex: log2(120) < 7 bits against log2(14,640) ≈ 13.8
    assert r["max_state"].bit_length() < math.log2(r["max_len"])


def test_negative_control_errs():
    r = exhaustive(5, mutation=NEGATIVE_MUTATION)
    assert r["errors"] > 0 and r["first_error"]["network"] != r["first_error"]["expected"]
    assert long_chains((30,), NEGATIVE_MUTATION)["errors"] > 0


def test_single_weight_changes_of_the_readout():
    """Mutation sweep: every nonzero read-out weight (W3) changed by +1 and by -1. The k ≤ 6 sweeps reject all
    of them but one, which is equivalent on this language: R- in R' from -1 to 0 (R then stops at -1 instead
    of going further below 0, and every later test only asks whether R is 0 or below cur). (The weight of acc
    in acc' is caught only because the batches keep stepping on the all-zero padding input after ``$``; on a
    stream that ends at ``$`` it would not matter, as acc is set by the last token.)"""
    net = graph_rnn_weights()
    equivalent, total = set(), 0
    for i, j in zip(*np.nonzero(net.W3.astype(np.int64))):
        for d in (1, -1):
            total += 1
            if not any(exhaustive(k, mutation=("W3", int(i), int(j), d))["errors"] for k in (3, 5, 6)):
                equivalent.add((STATE[i], net.names["layer2"][j], d))
    assert total == 46
    assert equivalent == {("R", "R-", 1)}


def test_mutation_by_name_matches_index():
    net = _net(NEGATIVE_MUTATION)
    i = STATE.index("cur")
    j = graph_rnn_weights().names["layer2"].index("m&ge&V&0")
    assert net.W3[i, j] == 2


def test_bad_tokens_and_overflow_guard():
    with pytest.raises(ValueError, match="not one of"):
        run("0|x")
    big = graph_rnn_weights()
    with pytest.raises(ValueError, match="integer weights"):
        run_batch(np.zeros((1, 3), dtype=int), mutate(big, "W3", 0, 0, Fraction(1, 2)))


def test_claim_quick_and_negative():
    from proofs_check.claims import Claim, run_claim
    from proofs_check import hardness_graph_claims as mod
    captured = []
    orig = mod.register
    try:
        mod.register = captured.append
        mod.load()
    finally:
        mod.register = orig
    (claim,) = captured
    assert isinstance(claim, Claim) and claim.id == "thm2-graph-connectivity"
    r = run_claim(claim, quick=True)
    assert r.status == "checked", r.evidence_summary()
    neg = [x for x in r.results if x.expect == "not_equal"]
    assert neg and neg[0].verdict.status == "not_equal"
    assert r.to_dict()["scope"]


def test_cli_rnn_graph(capsys):
    from reports.cli import main
    assert main(["rnn-graph", "--k", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["k"] == 4 and out["instances"] == 384 and out["errors"] == 0 and out["max_state_bits"] == 3
    assert {"log2_input_length", "seconds"} <= set(out)
    assert main(["rnn-graph", "--k", "3", "--json", "--workers", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["instances"] == 54
    for argv, msg in ((["--k", "10"], "362,880,000 instances"), (["--k", "0"], ">= 1"),
                      (["--k", "x"], "integer"), (["--k", "3", "--workers", "2", "--scheduler", "a"], "not both")):
        assert main(["rnn-graph", *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert msg in err and len(err.splitlines()) == 1


def test_docs_tables_are_current():
    """docs/hardness.md's weight and count tables are what the code prints now (precision: --check)."""
    from pathlib import Path

    from proofs_check.hardness_graph_claims import _blocks, _render
    doc = Path(__file__).resolve().parents[1] / "docs" / "hardness.md"
    text = doc.read_text(encoding="utf-8")
    assert _render(text, _blocks(cheap=True)) == text, \
        "docs/hardness.md is stale: python -m proofs_check.hardness_graph_claims --write"


def test_cli_rnn_graph_on_a_dask_scheduler(capsys):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] not installed (optional extra)")
    from reports.cli import main
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        assert main(["rnn-graph", "--k", "5", "--json", "--scheduler", cluster.scheduler_address]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["instances"] == 3000 and out["errors"] == 0


def test_unrolled_circuit_equals_the_network_and_is_a_chain():
    from constructions.hardness.graph import encode, graph_rnn_weights, states, tokens_of, unrolled_circuit
    net = graph_rnn_weights()
    toks = tokens_of(5, {1: 3, 3: 5, 4: 5}, 1, 5)
    c = unrolled_circuit(len(toks), net)
    x = np.eye(4, dtype=np.int64).astype(object)[encode(toks)]
    got = np.asarray(c.evaluate({"x": x, "h0": net.h0}, domain="int")["h"], dtype=object)
    assert (got == states(toks, net)).all()
    assert got[-1][-1] == 1  # accepted: 1 → 3 → 5 ends at t = 5
    per = unrolled_circuit(1, net).depth()
    assert [unrolled_circuit(n, net).depth() for n in (2, 5, 9)] == [2 * per, 5 * per, 9 * per]


def test_unrolled_check_catches_a_mutant(monkeypatch):
    """Plant a mutant in the unrolled construction (one read-out weight changed): the claim's check rejects it."""
    from constructions.hardness import graph
    from proofs_check import hardness_stack_claims as hs
    assert hs._check_graph_unrolled(True)[0] is None
    real = graph.unrolled_circuit
    monkeypatch.setattr(graph, "unrolled_circuit",
                        lambda n, net=None: real(n, graph.mutate(graph.graph_rnn_weights(), "W3", 0, 0, 1)))
    problem, _ = hs._check_graph_unrolled(True)
    assert problem and "differs" in problem
