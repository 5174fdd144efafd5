"""Thm 2 (Merrill et al. 2026): the one-layer ReLU RNN of :mod:`constructions.hardness.graph` decides unary
sorted deterministic graph connectivity, checked on every instance for k = 1..7 (quick: 1..5) and on long
chains, with a negative control (one weight changed by one).

The exhaustive check cuts the k! edge sets of each k into ranges of consecutive indices; a case is
``(k, start, stop, mutation)`` and runs all k² choices of (s, t) for each edge set of its range through the
network (:func:`constructions.hardness.graph.run_batch`, exact int64) and through a graph search. The cases run
through :func:`proofs_check.sweep.sweep` (in-process, local processes or a Dask cluster).

Registered by ``load()`` as ``thm2-graph-connectivity``.
"""
from __future__ import annotations

import math
import time

import numpy as np

from .claims import Check, Claim, register, sweep_options
from .verdict import Verdict

__all__ = ["graph_chunk", "exhaustive", "summary", "long_chains", "NEGATIVE_MUTATION", "MAX_K_CLI", "load"]

MAX_K_CLI = 9  # k = 9: 29,393,280 instances (minutes); k = 10 would be 362,880,000
# the negative control: the read-out weight of "m & [R >= cur] & V & 0" in cur' changed from 1 to 2
NEGATIVE_MUTATION = ("W3", "cur", "m&ge&V&0", 1)
EDGE_SETS_PER_CASE = 40


def _net(mutation):
    from constructions.hardness.graph import graph_rnn_weights, mutate
    net = graph_rnn_weights()
    if mutation is None:
        return net
    matrix, row, col, delta = mutation
    names = net.names
    rows = {"W1": names["layer1"], "W2": names["layer2"], "W3": names["state"]}[matrix]
    cols = {"W1": names["inputs"], "W2": names["layer1"], "W3": names["layer2"]}[matrix]
    return mutate(net, matrix, rows.index(row) if isinstance(row, str) else row,
                  cols.index(col) if isinstance(col, str) else col, delta)


def graph_chunk(case) -> dict:
    """Run every (s, t) of the edge sets ``start..stop-1`` with k vertices; counts, errors and the largest
    state value. ``case = (k, start, stop, mutation)``; ``mutation`` is None or ``(matrix, row, col, delta)``."""
    from constructions.hardness.graph import TOKENS, edges_of_index, reference, run_batch, tokens_of
    k, start, stop, mutation = case
    net = _net(mutation)
    streams, meta = [], []
    for i in range(start, stop):
        e = edges_of_index(k, i)
        for s in range(1, k + 1):
            for t in range(1, k + 1):
                streams.append(tokens_of(k, e, s, t))
                meta.append((i, s, t, reference(e, s, t), t not in e))
    L = max(len(x) for x in streams)
    codes = np.full((len(streams), L), -1, dtype=np.int64)
    lut = {c: j for j, c in enumerate(TOKENS)}
    for r, x in enumerate(streams):
        codes[r, :len(x)] = [lut[c] for c in x]
    acc, biggest = run_batch(codes, net)
    out = {"instances": len(streams), "sink_target": 0, "errors": 0, "reachable_non_sink": 0,
           "accepted": int((acc == 1).sum()), "max_state": int(biggest.max()), "max_len": L,
           "min_len": min(len(x) for x in streams), "first_error": None,
           "non_binary": int(((acc != 0) & (acc != 1)).sum())}
    for r, (i, s, t, reach, sink) in enumerate(meta):
        want = reach and sink
        out["sink_target"] += sink
        out["reachable_non_sink"] += reach and not sink
        if acc[r] != int(want):
            out["errors"] += 1
            if out["first_error"] is None:
                out["first_error"] = {"k": k, "edges": edges_of_index(k, i), "s": s, "t": t,
                                      "network": int(acc[r]), "expected": int(want), "stream": streams[r]}
    return out


def exhaustive(k: int, *, mutation=None, workers=None, scheduler=None, progress=None) -> dict:
    """Every instance with k vertices (k!·k² of them) through the network and the graph search."""
    from constructions.hardness.graph import instance_count, sink_target_count

    from .sweep import sweep
    t0 = time.perf_counter()
    n_sets = math.factorial(k)
    cases = [(k, a, min(a + EDGE_SETS_PER_CASE, n_sets), mutation) for a in range(0, n_sets, EDGE_SETS_PER_CASE)]
    parts = sweep(graph_chunk, cases, workers=workers, scheduler=scheduler, chunk_size=1,
                  progress=progress, desc=f"rnn-graph k={k}")
    tot = {key: sum(p[key] for p in parts) for key in ("instances", "sink_target", "errors",
                                                       "reachable_non_sink", "accepted", "non_binary")}
    tot["max_state"] = max(p["max_state"] for p in parts)
    tot["max_len"] = max(p["max_len"] for p in parts)
    tot["min_len"] = min(p["min_len"] for p in parts)
    tot["first_error"] = next((p["first_error"] for p in parts if p["first_error"]), None)
    tot.update(k=k, formula_instances=instance_count(k), formula_sink_target=sink_target_count(k),
               seconds=time.perf_counter() - t0, cases=len(cases))
    return tot


def summary(r: dict) -> dict:
    """The ``rnn-graph`` JSON line of one :func:`exhaustive` result."""
    return {"k": r["k"], "instances": r["instances"], "errors": r["errors"],
            "max_state_bits": int(r["max_state"]).bit_length(),
            "log2_input_length": round(math.log2(r["max_len"]), 3),
            "max_state": r["max_state"], "max_input_length": r["max_len"],
            "sink_target_instances": r["sink_target"], "accepted": r["accepted"],
            "seconds": round(r["seconds"], 3)}


def long_chains(ks=(50, 100, 200, 300), mutation=None) -> dict:
    """Long inputs: for each k, the chain 1 → 2 → … → k with gaps (an edge missing every 17th vertex) and
    random deterministic graphs, with several (s, t); int64 batches, and one exact run in Python integers."""
    from constructions.hardness.graph import TOKENS, reference, run, run_batch, tokens_of
    net = _net(mutation)
    rng = np.random.default_rng(2)
    streams, want = [], []
    for k in ks:
        graphs = [{u: u + 1 for u in range(1, k)}, {u: u + 1 for u in range(1, k) if u % 17}]
        for _ in range(3):
            graphs.append({u: int(rng.integers(u + 1, min(k, u + 4) + 1)) for u in range(1, k)
                           if rng.random() < 0.9})
        for e in graphs:
            for s, t in ((1, k), (1, k - 1), (2, k), (k // 2, k), (k, k), (1, 1), (3, int(rng.integers(3, k + 1)))):
                streams.append(tokens_of(k, e, s, t))
                want.append(reference(e, s, t) and t not in e)
    L = max(len(x) for x in streams)
    codes = np.full((len(streams), L), -1, dtype=np.int64)
    lut = {c: j for j, c in enumerate(TOKENS)}
    for r, x in enumerate(streams):
        codes[r, :len(x)] = [lut[c] for c in x]
    acc, biggest = run_batch(codes, net)
    errors = [r for r in range(len(streams)) if acc[r] != int(want[r])]
    exact = run(streams[0], net)  # the first chain, k = ks[0], in Python integers
    return {"streams": len(streams), "errors": len(errors), "accepted": int(sum(want)),
            "max_state": int(biggest.max()), "max_len": L, "k": list(ks),
            "exact_run_agrees": exact[0] == bool(want[0]) and exact[1] == int(biggest[0]),
            "first_error": None if not errors else {"stream_length": len(streams[errors[0]]),
                                                    "network": int(acc[errors[0]]), "expected": want[errors[0]]}}


# ---------------------------------------------------------------------------------------------------------
def _ks(quick):
    return range(1, 6) if quick else range(1, 8)


def _check_exhaustive(quick: bool, mutation=None) -> Verdict:
    rows = []
    for k in _ks(quick):
        r = exhaustive(k, mutation=mutation, **sweep_options())
        rows.append(summary(r))
        if r["instances"] != r["formula_instances"] or r["sink_target"] != r["formula_sink_target"]:
            return Verdict("undecided", "enumeration", why=f"k={k}: enumerated {r['instances']} instances "
                           f"({r['sink_target']} with a sink target), formula {r['formula_instances']} "
                           f"({r['formula_sink_target']})")
        if r["errors"]:
            return Verdict("not_equal", "exhaustive", why=f"k={k}: {r['errors']} of {r['instances']} instances wrong",
                           counterexample=r["first_error"], evidence={"per_k": rows})
    ks = list(_ks(quick))
    spot = _exact_spot_checks(ks[-1], 50 if quick else 300, mutation)
    if spot:
        return Verdict("not_equal", "exhaustive", why="the exact Python-integer runner disagrees with the reference",
                       counterexample=spot)
    return Verdict("equal", "exhaustive", evidence={
        "scope": {"k": [ks[0], ks[-1]], "instances": sum(x["instances"] for x in rows),
                  "s, t": "all in 1..k", "edge sets": "all k! per k"},
        "per_k": rows,
        "decides": "accept iff the walk from s ends at t (t reachable from s, t without out-edge); equal to "
                   "reachability on the sink-target instances",
        "sink_target_instances": sum(x["sink_target_instances"] for x in rows),
        "exact_runner_spot_checks": f"{50 if quick else 300} random instances with k = {ks[-1]}"})


def _exact_spot_checks(k: int, n: int, mutation=None) -> dict | None:
    """``n`` random instances with k vertices through :func:`run` (Python integers, no batching or padding):
    the first that disagrees with the reference, or None."""
    from constructions.hardness.graph import edges_of_index, run, tokens_of, walk_end
    net = _net(mutation)
    rng = np.random.default_rng(k)
    for _ in range(n):
        e = edges_of_index(k, int(rng.integers(math.factorial(k))))
        s, t = (int(v) for v in rng.integers(1, k + 1, size=2))
        got = run(tokens_of(k, e, s, t), net)[0]
        if got != walk_end(e, s, t):
            return {"k": k, "edges": e, "s": s, "t": t, "network": int(got), "expected": int(not got)}
    return None


def _check_long(quick: bool, mutation=None) -> Verdict:
    ks = (20, 60) if quick else (50, 100, 200, 300)
    r = long_chains(ks, mutation)
    if r["errors"]:
        return Verdict("not_equal", "reference", why=f"{r['errors']} of {r['streams']} long streams wrong",
                       counterexample=r["first_error"])
    if not r["exact_run_agrees"]:
        return Verdict("undecided", "reference", why="the exact run and the int64 batch differ")
    return Verdict("equal", "reference", evidence={
        "scope": {"k": list(ks), "streams": r["streams"], "longest stream": r["max_len"]},
        "max_state_bits": r["max_state"].bit_length(), "log2_input_length": round(math.log2(r["max_len"]), 3)})


def _negative(quick: bool) -> Verdict:
    """The same exhaustive check on the network with :data:`NEGATIVE_MUTATION` (it must find errors)."""
    return _check_exhaustive(quick, mutation=NEGATIVE_MUTATION)


def load() -> None:
    register(Claim(
        "thm2-graph-connectivity", "Thm 2 / Cor 4",
        "A one-layer ReLU RNN (h_t = MLP(h_{t-1}, x_t), integer weights, the same for every k) decides unary "
        "sorted deterministic graph connectivity (target without out-edge) with O(log n)-bit state",
        [Check("every instance, k = 1..7 (quick 1..5)", _check_exhaustive),
         Check("long chains and random graphs, k up to 300 (quick 60)", _check_long),
         Check("negative control: read-out weight of m&[R>=cur]&V&0 in cur' 1 -> 2", _negative,
               expect="not_equal")]))


# ---------------------------------------------------------------------------------------------------------
# the tables of docs/hardness.md (``python -m proofs_check.hardness_graph_claims`` prints them; ``--write``
# rewrites the blocks between <!-- TAG:begin --> and <!-- TAG:end -->, ``--check`` exits 1 if they are stale)
_DOC = "docs/hardness.md"


def _affine(coef: dict, bias) -> str:
    parts = []
    for name, v in coef.items():
        if v == 0:
            continue
        sign = "-" if v < 0 else "+"
        mag = "" if abs(v) == 1 else f"{abs(v)}·"
        shown = f"[{name}]" if any(ch in name for ch in "+-&!") else name
        parts.append(f"{sign} {mag}{shown}")
    if bias:
        parts.append(f"{'-' if bias < 0 else '+'} {abs(bias)}")
    text = " ".join(parts) or "0"
    return text[2:] if text.startswith("+ ") else "-" + text[2:] if text.startswith("- ") else text


def weights_markdown() -> str:
    """The three weight matrices, one row per unit, read from the built matrices (not from their spec)."""
    from constructions.hardness.graph import graph_rnn_weights
    net = graph_rnn_weights()
    nm = net.names
    lines = [f"State h = ({', '.join(nm['state'])}), h0 = ({', '.join(str(v) for v in net.h0)}); input x = one-hot "
             f"of the token (x0 for `0`, xbar `|`, xhash `#`, xdollar `$`). Sizes: W1 {net.W1.shape[0]}×"
             f"{net.W1.shape[1]}, W2 {net.W2.shape[0]}×{net.W2.shape[1]}, W3 {net.W3.shape[0]}×{net.W3.shape[1]}; "
             f"every weight and bias is an integer in [{min(int(m.min()) for m in net.matrices().values())}, "
             f"{max(int(m.max()) for m in net.matrices().values())}].", "",
             "| layer | unit | value |", "|---|---|---|"]
    for layer, W, b, rows, cols, wrap in (("1", net.W1, net.b1, nm["layer1"], nm["inputs"], "relu"),
                                          ("2", net.W2, net.b2, nm["layer2"], nm["layer1"], "relu"),
                                          ("out", net.W3, net.b3, nm["state"], nm["layer2"], "")):
        for r, name in enumerate(rows):
            expr = _affine({cols[j]: int(W[r, j]) for j in range(W.shape[1])}, int(b[r]))
            lines.append(f"| {layer} | `{name}` | `{wrap}({expr})` |" if wrap
                         else f"| {layer} | `{name}'` | `{expr}` |")
    return "\n".join(lines) + "\n"


def counts_markdown(ks=range(1, 8)) -> str:
    from constructions.hardness.graph import distinct_reachable_sets, instance_count, sink_target_count
    lines = ["| k | edge sets k! | instances k!·k² | target without out-edge k·k!·H_k | reachable sets from 1 |",
             "|---|---|---|---|---|"]
    for k in ks:
        lines.append(f"| {k} | {math.factorial(k):,} | {instance_count(k):,} | {sink_target_count(k):,} | "
                     f"{distinct_reachable_sets(k):,} |")
    lines.append(f"| 1..{ks[-1]} | {sum(math.factorial(k) for k in ks):,} | "
                 f"{sum(instance_count(k) for k in ks):,} | {sum(sink_target_count(k) for k in ks):,} | |")
    return "\n".join(lines) + "\n"


def precision_markdown(ks=range(1, 8), chains=(50, 100, 200, 300)) -> str:
    """Runs the exhaustive check for each k and the long chains: errors, state bits against log₂ n."""
    lines = ["| inputs | instances | errors | largest state | bits | longest input n | log₂ n |",
             "|---|---|---|---|---|---|---|"]
    for k in ks:
        r = exhaustive(k, progress=False)
        assert r["instances"] == r["formula_instances"]
        lines.append(f"| every instance, k = {k} | {r['instances']:,} | {r['errors']} | {r['max_state']} | "
                     f"{r['max_state'].bit_length()} | {r['max_len']:,} | {math.log2(r['max_len']):.2f} |")
    c = long_chains(chains)
    lines.append(f"| chains and random graphs, k = {', '.join(map(str, chains))} | {c['streams']} | {c['errors']} | "
                 f"{c['max_state']} | {c['max_state'].bit_length()} | {c['max_len']:,} | "
                 f"{math.log2(c['max_len']):.2f} |")
    return "\n".join(lines) + "\n"


def _render(text: str, blocks: dict) -> str:
    for tag, body in blocks.items():
        begin, end = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + begin + "\n" + body + end + tail
    return text


def _blocks(cheap: bool = False) -> dict:
    out = {"thm2-weights": weights_markdown(), "thm2-counts": counts_markdown()}
    if not cheap:
        out["thm2-precision"] = precision_markdown()
    return out


if __name__ == "__main__":  # pragma: no cover
    import sys
    args = sys.argv[1:]
    if "--write" in args or "--check" in args:
        old = open(_DOC, encoding="utf-8").read()
        new = _render(old, _blocks())
        if "--write" in args:
            open(_DOC, "w", encoding="utf-8").write(new)
        elif new != old:
            print(f"{_DOC} is out of date (python -m proofs_check.hardness_graph_claims --write)", file=sys.stderr)
            sys.exit(1)
    else:
        for tag, body in _blocks().items():
            print(f"## {tag}\n\n{body}")
