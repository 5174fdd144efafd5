"""Claims for Thm 1 (a one-layer MLP RNN with rational state simulates a two-stack machine), its base-2 erratum,
the unrolled RNN circuits, and Prop 1 / Cor 1 of Merrill et al. 2026 (v3), with the constructions of
:mod:`constructions.hardness.stack` and :mod:`constructions.hardness.mcvp`.

* ``thm1-stack-rnn`` (verified-with-erratum) — the base-4 stack RNN, checked: every binary stack to depth 20
  through the RNN's push / pop / nop steps and the top / empty readers; every operation sequence over
  {push0, push1, pop} up to length 12 against a reference stack; the monotone circuit value problem through the
  two-stack RNN (random circuits with ≥ 1,000 gates; every assignment of circuits with ≤ 10 inputs); the margin
  table. Negative controls: the printed base-2 encoding with a fixed ReLU head reader (a counterexample stack);
  an RNN with one weight changed.
* ``rnn-unrolled-depth-linear`` (checked) — the RNN unrolled by :func:`constructions.rnn.build_rnn` computes
  the same states and has depth exactly n × (depth of one step).
* ``rnn-no-associative-combine`` (checked) — the number of linear pieces of the n-fold composed step map on a
  line of states grows with n. Negative control: the same network without its ReLUs (1 piece for every n).
* ``prop1-cor1-upper-bounds`` (open) — why this library does not prove them.

The big sweeps run through :func:`proofs_check.sweep.sweep` (:func:`configure` sets workers or a scheduler).
``python -m proofs_check.hardness_stack_claims`` prints the Thm 1 tables of ``docs/hardness.md``; ``--write``
rewrites them, ``--check`` exits 1 when the file differs, ``--run [--quick] [--workers N]`` runs the claims.
"""
from __future__ import annotations

import math
import random
import time
from fractions import Fraction

import numpy as np

from .claims import Check, Claim, configure_sweeps, register, sweep_options
from .verdict import Verdict

def configure(workers=None, scheduler=None, progress=None) -> None:
    """How the big sweeps run (see :func:`proofs_check.sweep.sweep`); the same as
    :func:`proofs_check.claims.configure_sweeps`."""
    configure_sweeps(workers=workers, scheduler=scheduler, progress=progress)


def _sweep(fn, cases, desc):
    from .sweep import sweep
    return sweep(fn, cases, chunk_size=1, desc=desc, **sweep_options())


# ---------------------------------------------------------------------------------------------------------
# the RNNs under test (and their mutants)
MUTANTS = ("push-weight", "pop-bias")


def ops_rnn(mutant: str | None = None):
    """The compiled ops machine; ``mutant`` changes one weight: ``push-weight`` (the 1/4 that carries the old
    code into push1 becomes 1/2) or ``pop-bias`` (the bias of the first pop reader unit + 1: an emptied stack
    reads as nonempty)."""
    from constructions.hardness.stack import compile_machine, ops_machine
    rnn = compile_machine(ops_machine())
    return _mutate(rnn, mutant)


def mcvp_rnn(mutant: str | None = None):
    from constructions.hardness.mcvp import mcvp_machine
    from constructions.hardness.stack import compile_machine
    return _mutate(compile_machine(mcvp_machine()), mutant)


def _mutate(rnn, mutant):
    if mutant is None:
        return rnn
    if mutant not in MUTANTS:
        raise ValueError(f"unknown mutant {mutant!r}; choose one of {', '.join(MUTANTS)}")
    rules = list(rnn.machine.rules.values())
    for i, (r, kind) in enumerate(rnn.units):
        acts = rules[r][1]
        if mutant == "push-weight" and kind == "v0" and acts[0] == "push1":
            rnn.W2[rnn.stack_index(0), i] = Fraction(1, 2)
            return rnn
        if mutant == "pop-bias" and kind == "pop0.0":
            rnn.c[i] += 1  # the nonempty reader after a pop: ReLU(4u − …) becomes ReLU(4u + 1 − …)
            return rnn
    raise AssertionError("mutation site not found")


# ---------------------------------------------------------------------------------------------------------
# every binary stack up to a depth, through the RNN (chunks: the subtree above one bottom stack)
def _closed_codes(bits: np.ndarray, depth: int, P: int) -> np.ndarray:
    """K·E(w) with K = 4^P for stacks of one depth given as integers (symbol i = bit i, i = 0 the top), by the
    closed form E(b₁…b_D) = Σ (2b_i + 1)/4^i of the definition."""
    out = np.zeros(bits.shape, dtype=np.int64)
    for i in range(depth):
        out += (2 * ((bits >> i) & 1) + 1) * (4 ** (P - 1 - i))
    return out


def _readers_int(S: np.ndarray, K: int):
    """The base-4 top and nonempty readers (their weights) on codes scaled by K (exact in integers)."""
    from constructions.hardness.stack import EMPTY_READER, TOP_READER

    def read(rd):
        acc = np.zeros(S.shape, dtype=np.int64)
        for a, b, w in zip(rd.w1, rd.b1, rd.w2):
            acc += int(w) * np.maximum(int(a) * S + int(b) * K, 0)
        return acc
    return read(TOP_READER), read(EMPTY_READER)


def stack_chunk(case) -> dict:
    """``case = (base, lo, hi, P, mutant)``: the stacks w·base for every w with |base| + |w| in [lo, hi]
    (``base`` a tuple of bits, top first). The base is built from the empty state by RNN pushes; then level by
    level every stack of the next depth is reached by an RNN push of each stack of this depth, and checked: its
    code against the closed form, its cache and control one-hot, the top / empty readers, an RNN pop gives back
    the parent state exactly, an RNN nop leaves it. Returns counts and the first counterexample."""
    base, lo, hi, P, mutant = case
    rnn = ops_rnn(mutant)
    K = 4 ** P
    tok = {t: i for i, t in enumerate(rnn.machine.tokens)}
    sidx, cidx = rnn.stack_index(0), [rnn.cache_index(0, c) for c in ("E", 0, 1)]
    h = np.array([int(v * K) for v in rnn.state()], dtype=np.int64)[None, :]
    for b in reversed(base):
        h = rnn.step_scaled(h, [tok[f"push{b}"]], K)
    bits = np.zeros(1, dtype=np.int64)
    for i, b in enumerate(base):
        bits |= b << i
    depth = len(base)
    checked, bad = 0, None

    def fail(msg, i):
        w = [int((int(bits_now[i]) >> k) & 1) for k in range(depth)]
        return {"stack_top_first": w, "depth": depth, "problem": msg}

    while depth <= hi:
        bits_now = bits
        if depth >= lo:
            S = h[:, sidx]
            exp = _closed_codes(bits, depth, P)
            top_read, ne_read = _readers_int(S, K)
            topb = (bits & 1) if depth else np.zeros_like(bits)
            onehot = np.zeros((len(bits), 3), dtype=np.int64)
            onehot[np.arange(len(bits)), (topb + 1) if depth else 0] = K
            checks = [("code", S != exp),
                      ("control", h[:, rnn.q_index("q")] != K),
                      ("cache", np.any(h[:, cidx] != onehot, axis=1)),
                      ("top reader", top_read != topb * K),
                      ("empty reader", ne_read != (K if depth else 0))]
            nop = rnn.step_scaled(h, np.full(len(bits), tok["nop"]), K)
            checks.append(("nop", np.any(nop != h, axis=1)))
            for msg, m in checks:
                if m.any() and bad is None:
                    bad = fail(msg, int(np.flatnonzero(m)[0]))
            checked += len(bits)
        if depth == hi:
            break
        kids, kbits = [], []
        for b in (0, 1):
            hk = rnn.step_scaled(h, np.full(len(bits), tok[f"push{b}"]), K)
            back = rnn.step_scaled(hk, np.full(len(bits), tok["pop"]), K)
            m = np.any(back != h, axis=1)
            if depth + 1 >= lo and m.any() and bad is None:
                bad = fail(f"push{b} then pop does not give the stack back", int(np.flatnonzero(m)[0]))
            kids.append(hk)
            kbits.append((bits << 1) | b)
        h = np.concatenate(kids)
        bits = np.concatenate(kbits)
        depth += 1
    return {"checked": checked, "counterexample": bad}


def stack_cases(max_depth: int, split: int, mutant=None) -> list:
    """One case for the depths < ``split``, and one per bottom stack of depth ``split`` (2^split cases)."""
    P = max_depth + 1
    cases = [((), 0, min(split - 1, max_depth), P, mutant)]
    if split <= max_depth:
        for i in range(2 ** split):
            base = tuple((i >> k) & 1 for k in range(split))
            cases.append((base, split, max_depth, P, mutant))
    return cases


def stack_plan(quick: bool):
    """(largest depth, depth of the bottom stacks that split the sweep into tasks)."""
    return (10, 4) if quick else (20, 7)


def check_all_stacks(quick: bool, mutant=None) -> Verdict:
    D, split = stack_plan(quick)
    t0 = time.perf_counter()
    parts = _sweep(stack_chunk, stack_cases(D, split, mutant), "stacks")
    n = sum(p["checked"] for p in parts)
    bad = next((p["counterexample"] for p in parts if p["counterexample"]), None)
    ev = {"stacks": n, "expected": 2 ** (D + 1) - 1, "depth": [0, D], "tasks": len(parts),
          "seconds": round(time.perf_counter() - t0, 2), "scope": {"stack_depth": [0, D], "stacks": n}}
    if bad or n != 2 ** (D + 1) - 1:
        return Verdict("not_equal", "exhaustive", why=f"{bad['problem']}" if bad else "missing stacks",
                       counterexample=bad, evidence=ev)
    return Verdict("equal", "exhaustive", evidence=ev)


# ---------------------------------------------------------------------------------------------------------
# every operation sequence up to a length, against a reference stack
OPS = ("push0", "push1", "pop")


def ops_chunk(case) -> dict:
    """``case = (first, L, P, mutant)``: every sequence over push0 / push1 / pop of length 1..L that starts with
    ``first`` (or only the empty sequence when ``first`` is None), level by level through the RNN (batched).
    Reference: a Python list per sequence (top at index 0; pop on the empty list leaves it empty), packed into
    (depth, bits) and compared with the RNN's state (code against the closed form, cache, control)."""
    first, L, P, mutant = case
    rnn = ops_rnn(mutant)
    K = 4 ** P
    tok = {t: i for i, t in enumerate(rnn.machine.tokens)}
    sidx, cidx = rnn.stack_index(0), [rnn.cache_index(0, c) for c in ("E", 0, 1)]
    h = np.array([int(v * K) for v in rnn.state()], dtype=np.int64)[None, :]
    lists = [[]]
    checked, bad = 0, None
    levels = ([[first]] + [list(OPS)] * (L - 1)) if first else []

    def sequence(lvl, i):  # the sequence at index i of a level: children are concatenated op by op
        seq = []
        while lvl:
            ops = levels[lvl - 1]
            n_parent = len(lists_at[lvl - 1])
            seq.append(ops[i // n_parent])
            i %= n_parent
            lvl -= 1
        return seq[::-1]

    lists_at = []
    for lvl in range(len(levels) + 1):
        if lvl:
            hs, new_lists = [], []
            for op in levels[lvl - 1]:
                hs.append(rnn.step_scaled(h, np.full(len(lists), tok[op]), K))
                if op == "pop":
                    new_lists += [st[1:] for st in lists]
                else:
                    b = int(op[-1])
                    new_lists += [[b] + st for st in lists]
            h, lists = np.concatenate(hs), new_lists
        lists_at.append(lists)
        if lvl == 0 and first:
            continue  # the empty sequence belongs to the case with first = None
        depth = np.array([len(st) for st in lists], dtype=np.int64)
        bits = np.array([sum(b << k for k, b in enumerate(st)) for st in lists], dtype=np.int64)
        exp = np.zeros(len(depth), dtype=np.int64)
        for i in range(int(depth.max(initial=0))):
            exp += np.where(i < depth, (2 * ((bits >> i) & 1) + 1) * (4 ** (P - 1 - i)), 0)
        onehot = np.zeros((len(depth), 3), dtype=np.int64)
        onehot[np.arange(len(depth)), np.where(depth > 0, (bits & 1) + 1, 0)] = K
        m = (h[:, sidx] != exp) | np.any(h[:, cidx] != onehot, axis=1) | (h[:, rnn.q_index("q")] != K)
        if m.any() and bad is None:
            i = int(np.flatnonzero(m)[0])
            bad = {"sequence": sequence(lvl, i), "reference_top_first": lists[i],
                   "problem": "the RNN's state differs from the reference list stack"}
        checked += len(depth)
    return {"checked": checked, "counterexample": bad}


def seq_plan(quick: bool) -> int:
    return 7 if quick else 12


def check_all_sequences(quick: bool, mutant=None) -> Verdict:
    L = seq_plan(quick)
    P = L + 1
    t0 = time.perf_counter()
    parts = _sweep(ops_chunk, [(None, L, P, mutant)] + [(op, L, P, mutant) for op in OPS], "sequences")
    n = sum(p["checked"] for p in parts)
    expected = sum(3 ** k for k in range(L + 1))
    bad = next((p["counterexample"] for p in parts if p["counterexample"]), None)
    ev = {"sequences": n, "expected": expected, "seconds": round(time.perf_counter() - t0, 2),
          "pop_on_empty": "a no-op (the empty stack stays empty)",
          "scope": {"length": [0, L], "sequences": n, "alphabet": list(OPS)}}
    if bad or n != expected:
        return Verdict("not_equal", "exhaustive", why=bad["problem"] if bad else "missing sequences",
                       counterexample=bad, evidence=ev)
    return Verdict("equal", "exhaustive", evidence=ev)


# ---------------------------------------------------------------------------------------------------------
# the monotone circuit value problem through the two-stack RNN
_RUNNERS: dict = {}  # per process: the compiled runner of each mutant


def _runner(mutant):
    from constructions.hardness.stack import SparseRunner
    if mutant not in _RUNNERS:
        _RUNNERS[mutant] = SparseRunner(mcvp_rnn(mutant), 1)
    return _RUNNERS[mutant]


def mcvp_case(case) -> dict:
    """``case = (seed, n_inputs, n_gates, window, mutant)``: one random monotone circuit and one random assignment,
    the token stream through the RNN (exact, :class:`SparseRunner`); the final stack A must hold every wire's
    value (direct evaluation), B empty, the control idle."""
    from constructions.hardness.mcvp import circuit_tokens, evaluate_circuit, random_monotone_circuit
    seed, m, g, window, mutant = case
    rng = random.Random(seed)
    gates = random_monotone_circuit(m, g, rng, window)
    x = [rng.randint(0, 1) for _ in range(m)]
    toks = circuit_tokens(gates, x)
    vals = evaluate_circuit(gates, x)
    runner = _runner(mutant)
    runner.K = 4 ** (m + g + 1)  # stack A holds at most m + g symbols
    try:
        hd, S = runner.run(toks)
        q, stacks = runner.decode(hd, S)
        ok = q == "idle" and stacks[0] == vals[::-1] and stacks[1] == []
        why = "" if ok else "the final stacks differ from direct evaluation"
    except (ValueError, ArithmeticError) as e:
        ok, why = False, str(e)
    return {"ok": ok, "steps": len(toks), "output": vals[-1], "why": why,
            "counterexample": None if ok else {"seed": seed, "inputs": m, "gates": g, "why": why}}


def all_assignments_case(case) -> dict:
    """``case = (seed, n_inputs, n_gates, mutant)``: one random monotone circuit (operands anywhere), every
    assignment through the RNN (exact, :class:`SparseRunner`); the final stacks against direct evaluation."""
    from constructions.hardness.mcvp import circuit_tokens, evaluate_circuit, random_monotone_circuit
    seed, m, g, mutant = case
    gates = random_monotone_circuit(m, g, random.Random(seed))
    runner = _runner(mutant)
    runner.K = 4 ** (m + g + 1)  # stack A holds at most m + g symbols
    ok, steps, bad = 0, 0, None
    for a in range(2 ** m):
        x = [(a >> i) & 1 for i in range(m)]
        toks = circuit_tokens(gates, x)
        steps += len(toks)
        try:
            q, st = runner.decode(*runner.run(toks))
            good = q == "idle" and st[0] == evaluate_circuit(gates, x)[::-1] and st[1] == []
        except (ValueError, ArithmeticError):
            good = False
        ok += good
        if not good and bad is None:
            bad = {"seed": seed, "inputs": m, "gates": g, "assignment": x}
    return {"ok": ok, "assignments": 2 ** m, "steps": steps, "counterexample": bad}


def mcvp_plan(quick: bool):
    """(big circuits: count, gates, window; circuits with unrestricted operands: count, gates; small circuits
    per input count, largest input count, gates)."""
    return (3, 100, 4, 1, 40, 1, 6, 8) if quick else (200, 1000, 8, 2, 150, 2, 10, 10)


def check_mcvp(quick: bool, mutant=None) -> Verdict:
    n_big, gates, window, n_wide, wide_g, per_m, max_m, small_g = mcvp_plan(quick)
    t0 = time.perf_counter()
    cases = [(1000 + i, 10 + i % 21, gates, window, mutant) for i in range(n_big)]
    cases += [(5000 + i, 10 + i, wide_g, None, mutant) for i in range(n_wide)]
    big = _sweep(mcvp_case, cases, "mcvp")
    small = _sweep(all_assignments_case, [(7 * m + r, m, small_g, mutant) for m in range(1, max_m + 1)
                                          for r in range(per_m)], "mcvp-all")
    bad = next((p["counterexample"] for p in big + small if p["counterexample"]), None)
    ev = {"big_circuits": n_big, "gates_per_big_circuit": gates, "window": window,
          "wide_circuits": n_wide, "gates_per_wide_circuit": wide_g,
          "big_steps": sum(p["steps"] for p in big),
          "small_circuits": len(small), "assignments": sum(p["assignments"] for p in small),
          "small_steps": sum(p["steps"] for p in small),
          "outputs_one": sum(p["output"] for p in big), "seconds": round(time.perf_counter() - t0, 2),
          "scope": {"big": {"circuits": n_big, "gates": gates, "inputs": [10, 30], "operand_window": window,
                            "assignments_each": 1},
                    "wide": {"circuits": n_wide, "gates": wide_g, "operands": "any earlier wire"},
                    "all_assignments": {"inputs": [1, max_m], "gates": small_g, "circuits_per_input_count": per_m}}}
    if bad:
        return Verdict("not_equal", "exhaustive", why="the RNN's stacks differ from direct evaluation",
                       counterexample=bad, evidence=ev)
    return Verdict("equal", "exhaustive", evidence=ev)


# ---------------------------------------------------------------------------------------------------------
# the erratum: readers against depth
def reader_plan(quick: bool) -> int:
    """Depth up to which the reader checks enumerate every stack."""
    return 8 if quick else 12


def check_reader(quick: bool, base: int = 4, slope=None) -> Verdict:
    """A fixed ReLU head reader on every depth 1..64: all stacks by enumeration to depth 12 (quick 8), the extremal
    stacks (largest head-0 code, smallest head-1 code) beyond. Base 4: :data:`TOP_READER`; base 2: the printed
    encoding with :func:`base2_reader` of the given slope."""
    from constructions.hardness.stack import (TOP_READER, base2_reader, encode, encode_base2, gap_table)
    enc, reader = (encode, TOP_READER) if base == 4 else (encode_base2, base2_reader(slope))
    E = reader_plan(quick)
    for D in range(1, 65):
        stacks = ([[(i >> k) & 1 for k in range(D)] for i in range(2 ** D)] if D <= E else
                  [[0] + [1] * (D - 1), [1] + [0] * (D - 1), [1]])
        for w in stacks:
            if reader(enc(w)) != w[0]:
                return Verdict("not_equal", "exhaustive", why=f"the reader reads {reader(enc(w))} at depth {D}",
                               counterexample={"stack_top_first": w, "depth": D, "code": str(enc(w)),
                                               "read": str(reader(enc(w))), "head": w[0],
                                               "reader_lipschitz": str(reader.lipschitz()),
                                               "gap_at_depth": str(gap_table([D], 0)[0][f"gap{base}"])})
    return Verdict("equal", "exhaustive", evidence={"reader_lipschitz": str(reader.lipschitz()),
                                                    "scope": {"depth": [1, 64], "all_stacks_to_depth": E}})


def check_gaps(quick: bool) -> Verdict:
    """The margin table for depths 1..64 (enumeration to depth 20, quick 12): the base-4 gap stays ≥ 1/4, the
    base-2 gap halves at every depth (so any fixed Lipschitz bound is beaten)."""
    from constructions.hardness.stack import gap_table
    E = 12 if quick else 20  # enumeration depth of the gap table
    rows = gap_table(range(1, 65), E)
    g4 = min(r["gap4"] for r in rows)
    halves = all(rows[i + 1]["gap2"] * 2 == rows[i]["gap2"] for i in range(len(rows) - 1))
    ev = {"min_gap4": str(g4), "gap2_at_64": str(rows[-1]["gap2"]),
          "scope": {"depth": [1, 64], "enumerated_to_depth": E}}
    if g4 < Fraction(1, 4) or not halves:
        return Verdict("not_equal", "exhaustive", why="gap table not as stated", evidence=ev)
    return Verdict("equal", "exhaustive", evidence=ev)


def check_mutant(quick: bool) -> Verdict:
    """Negative control: the ops RNN with one weight changed, through the sequence sweep (quick: length 5)."""
    v = check_all_sequences(True, "push-weight")
    w = check_mcvp(True, "pop-bias") if not quick else None
    if v.status == "not_equal" and (w is None or w.status == "not_equal"):
        return Verdict("not_equal", "exhaustive", why="the mutants are rejected", counterexample=v.counterexample,
                       evidence={"push-weight": v.why,
                                 "pop-bias": w.why if w is not None else "not run in quick mode"})
    return Verdict("equal", "exhaustive", why="a mutant passed")


# ---------------------------------------------------------------------------------------------------------
# unrolled circuits
def unrolled_circuit(n: int, rnn=None):
    from constructions.rnn import build_rnn
    rnn = rnn or ops_rnn()
    return build_rnn(n, rnn.d, len(rnn.machine.tokens), act="relu", hidden=rnn.hidden, params="constants",
                     values=rnn.matrices())


def depth_rows(ns, build=None):
    build = build or unrolled_circuit
    rows = []
    for n in ns:
        c = build(n)
        rows.append({"n": n, "depth": c.depth(), "size": c.size()})
    return rows


def _graph_streams(quick: bool) -> list[str]:
    """Thm 2 streams for the unrolled graph network: random instances with k = 3..7 and one long chain."""
    from constructions.hardness.graph import edges_of_index, tokens_of
    rng = random.Random(11)
    out = []
    for _ in range(4 if quick else 40):
        k = rng.randint(3, 7)
        i = rng.randrange(math.factorial(k))
        out.append(tokens_of(k, edges_of_index(k, i), rng.randint(1, k), rng.randint(1, k)))
    kc = 8 if quick else 20
    out.append(tokens_of(kc, {u: u + 1 for u in range(1, kc)}, 1, kc))
    return out


def _check_graph_unrolled(quick: bool):
    """The Thm 2 network unrolled: equal to the network's states on every stream, and depth n × depth(1).
    Returns ``(problem or None, evidence)``."""
    from constructions.hardness.graph import TOKENS, encode, graph_rnn_weights, states
    from constructions.hardness.graph import unrolled_circuit as graph_unrolled
    net = graph_rnn_weights()
    eye = np.eye(len(TOKENS), dtype=np.int64).astype(object)
    streams = _graph_streams(quick)
    L = max(len(s) for s in streams)
    c = graph_unrolled(L, net)
    for s in streams:  # padded with all-zero inputs, which leave the state unchanged
        x = np.zeros((L, len(TOKENS)), dtype=object)
        x[:len(s)] = eye[encode(s)]
        got = np.asarray(c.evaluate({"x": x, "h0": net.h0}, domain="int")["h"], dtype=object)
        want = states(s, net)
        if not (got[:len(s)] == want).all() or not (got[len(s):] == want[-1]).all():
            return f"the unrolled graph network differs from the network on {s!r}", {"stream": s}
    ns = [1, 2, 4, 8, 16, 32] if quick else [1, 2, 4, 8, 16, 32, 64, 128, 256, 384]
    rows = depth_rows(ns, lambda n: graph_unrolled(n, net))
    per = rows[0]["depth"]
    ev = {"graph_depth_per_step": per, "graph_rows": rows, "graph_streams": len(streams),
          "graph_longest_stream": L}
    bad = [r for r in rows if r["depth"] != per * r["n"]]
    if bad:
        return f"graph network: depth {bad[0]['depth']} at n = {bad[0]['n']}, not n × {per}", ev
    return None, ev


def check_unrolled(quick: bool) -> Verdict:
    """The unrolled circuit (build_rnn with the stack RNN's matrices as constants) evaluated exactly on a random
    token stream equals the RNN's steps (and the two-stack MCVP RNN's circuit on the demo circuit's streams), and
    its depth is exactly n × depth(1) for every n measured."""
    rnn = ops_rnn()
    n_eval = 12 if quick else 40
    rng = random.Random(5)
    toks = [rng.choice(rnn.machine.tokens) for _ in range(n_eval)]
    c = unrolled_circuit(n_eval, rnn)
    x = np.array([list(rnn.token_vector(t)) for t in toks], dtype=object)
    got = c.evaluate({"x": x, "h0": rnn.state()}, domain="fraction")["h"]
    want = rnn.run(toks)
    if any(Fraction(got[t][i]) != want[t][i] for t in range(n_eval) for i in range(rnn.d)):
        return Verdict("not_equal", "exhaustive", why="the unrolled circuit differs from the RNN")
    # the two-stack MCVP RNN unrolled on the demo circuit's stream (every assignment of its two inputs)
    from constructions.hardness.mcvp import DEMO_GATES, circuit_tokens
    two = mcvp_rnn()
    assignments = ((1, 0),) if quick else ((0, 0), (0, 1), (1, 0), (1, 1))
    for xs in assignments:
        toks2 = circuit_tokens(DEMO_GATES, xs)
        c2 = unrolled_circuit(len(toks2), two)
        x2 = np.array([list(two.token_vector(t)) for t in toks2], dtype=object)
        got2 = c2.evaluate({"x": x2, "h0": two.state()}, domain="fraction")["h"]
        want2 = two.run(toks2)
        if any(Fraction(got2[t][i]) != want2[t][i] for t in range(len(toks2)) for i in range(two.d)):
            return Verdict("not_equal", "exhaustive", why="the unrolled two-stack circuit differs from the RNN",
                           counterexample={"inputs": list(xs)})
    ns = [1, 2, 4, 8, 16, 32] if quick else [1, 2, 4, 8, 16, 32, 64, 128, 256, 384]
    rows = depth_rows(ns)
    per = rows[0]["depth"]
    bad = [r for r in rows if r["depth"] != per * r["n"]]
    ev = {"depth_per_step": per, "rows": rows, "evaluated_steps": n_eval,
          "scope": {"n": ns, "evaluated_n": n_eval, "two_stack_evaluated": {"circuit": "demo", "assignments": len(assignments)}}}
    if bad:
        return Verdict("not_equal", "exhaustive", why="depth is not n × depth(1)", counterexample=bad[0], evidence=ev)
    problem, gev = _check_graph_unrolled(quick)
    ev.update(gev)
    ev["scope"]["graph_evaluated"] = {"streams": gev.get("graph_streams"), "longest": gev.get("graph_longest_stream")}
    if problem:
        return Verdict("not_equal", "exhaustive", why=problem, evidence=ev)
    return Verdict("equal", "exhaustive", evidence=ev)


def check_unrolled_log(quick: bool) -> Verdict:
    """Negative control: the claim "depth = n × depth(1)" applied to the log-depth LRNN scan must fail."""
    from constructions.lrnn import build_lrnn
    ns = [1, 2, 4, 8, 16, 32]
    ds = [build_lrnn("diagonal", n, 2, scan="brent-kung").depth() for n in ns]
    if any(d != ds[0] * n for d, n in zip(ds, ns)):
        i = next(i for i, (d, n) in enumerate(zip(ds, ns)) if d != ds[0] * n)
        return Verdict("not_equal", "exhaustive", why=f"depth {ds[i]} at n = {ns[i]}, not {ds[0] * ns[i]}",
                       counterexample={"n": ns[i], "depth": ds[i], "n_times_depth1": ds[0] * ns[i]})
    return Verdict("equal", "exhaustive", why="the LRNN scan was linear")


# ---------------------------------------------------------------------------------------------------------
# pieces of the composed step map on a line of states
def _pl_layer(pieces, A, b, relu: bool):
    """Apply x ↦ σ(A x + b) to a piecewise-affine map λ ↦ x(λ) = p + λ q given as pieces (lo, hi, p, q);
    splits each piece where a unit changes sign (exact)."""
    out = []
    for lo, hi, p, q in pieces:
        P0, Q0 = A.dot(p) + b, A.dot(q)
        cuts = sorted({-P0[i] / Q0[i] for i in range(len(P0)) if Q0[i] != 0 and lo < -P0[i] / Q0[i] < hi}) \
            if relu else []
        edges = [lo] + cuts + [hi]
        for a, z in zip(edges, edges[1:]):
            mid = (a + z) / 2
            if relu:
                on = np.array([1 if P0[i] + mid * Q0[i] > 0 else 0 for i in range(len(P0))], dtype=object)
                out.append((a, z, P0 * on, Q0 * on))
            else:
                out.append((a, z, P0, Q0))
    return out


def count_pieces(rnn, tokens, h0, direction, lo=Fraction(0), hi=Fraction(1), relu: bool = True) -> list:
    """Number of maximal affine pieces of λ ↦ h_t(λ) for t = 1..len(tokens), h_0(λ) = h0 + λ·direction,
    λ ∈ [lo, hi] (adjacent pieces with the same affine map merged)."""
    pieces = [(Fraction(lo), Fraction(hi), np.array(h0, dtype=object), np.array(direction, dtype=object))]
    counts = []
    for tok in tokens:
        x = rnn.token_vector(tok)
        pieces = _pl_layer(pieces, rnn.W, rnn.U.dot(x) + rnn.c, relu)
        pieces = _pl_layer(pieces, rnn.W2, rnn.c2, relu)
        merged = []
        for pc in pieces:
            if merged and all(merged[-1][2] == pc[2]) and all(merged[-1][3] == pc[3]):
                merged[-1] = (merged[-1][0], pc[1], pc[2], pc[3])
            else:
                merged.append(pc)
        pieces = merged
        counts.append(len(pieces))
    return counts


def piece_line(rnn):
    """The line: control q, cache "top 1", code λ ∈ [0, 1] (its direction: the code coordinate)."""
    h0 = rnn.state("q", [[1]])
    h0[rnn.stack_index(0)] = Fraction(0)
    e = np.array([Fraction(0)] * rnn.d, dtype=object)
    e[rnn.stack_index(0)] = Fraction(1)
    return h0, e


def check_pieces(quick: bool, relu: bool = True) -> Verdict:
    """Pieces of the composed map of ``pop^n`` on the line grow strictly with n (n = 1..6, quick 1..4)."""
    rnn = ops_rnn()
    n = 4 if quick else 6
    h0, e = piece_line(rnn)
    counts = count_pieces(rnn, ["pop"] * n, h0, e, relu=relu)
    ev = {"tokens": f"pop^n, n = 1..{n}", "pieces": counts, "relu": relu, "scope": {"n": [1, n]}}
    if all(a < b for a, b in zip(counts, counts[1:])):
        return Verdict("equal", "exhaustive", evidence=ev)
    return Verdict("not_equal", "exhaustive", why=f"pieces do not grow: {counts}",
                   counterexample={"pieces": counts}, evidence=ev)


# ---------------------------------------------------------------------------------------------------------
ERRATUM = {
    "what": "the printed stack encoding push_v(s) = v + s/2 with head = 1[s ≥ 1] puts the largest head-0 code of "
            "depth D at 1 − 2^−(D−1), a gap of 2^−(D−1) below the smallest head-1 code 1 (distance 2^−D from the "
            "best threshold), so a fixed ReLU net, whose Lipschitz constant L is fixed, misreads the head once "
            "2^−(D−1) < 1/L",
    "fix": "base 4: E(bw) = (2b + 1 + E(w))/4; head-0 codes lie in [1/4, 1/2), head-1 codes in [3/4, 1), empty = 0: "
           "gap > 1/4 at every depth, read by ReLU(4s − 2) − ReLU(4s − 3) (Siegelmann & Sontag 1995)"}


def load() -> None:
    register(Claim(
        "thm1-stack-rnn", "Thm 1 (one-layer poly-precision MLP RNN simulates multi-stack machines) — erratum",
        "A one-layer ReLU MLP RNN h_t = ReLU(W₂ ReLU(W h_{t−1} + U x_t + c)) with rational state (base-4 stack "
        "codes) simulates a two-stack machine one step per token, and so evaluates monotone circuits "
        "(gates read in topological order, clock padding to restore the stacks).",
        [Check("every binary stack to depth 20 through the RNN's push / pop / nop and the top / empty readers",
               check_all_stacks),
         Check("every push0 / push1 / pop sequence to length 12 against a Python list stack", check_all_sequences),
         Check("monotone circuit value: 200 random circuits of 1,000 gates, every assignment of circuits with "
               "1..10 inputs", check_mcvp),
         Check("margin table, depths 1..64: base-4 gap ≥ 1/4, base-2 gap halves", check_gaps),
         Check("the base-4 top reader at every depth 1..64", lambda q: check_reader(q, 4)),
         Check("negative control: the printed base-2 encoding read by a fixed ReLU reader (slope 2^10)",
               lambda q: check_reader(q, 2, 2 ** 10), "not_equal"),
         Check("negative control: one weight changed (push carry 1/4 → 1/2; a pop reader's bias + 1)", check_mutant,
               "not_equal")],
        erratum=ERRATUM))
    register(Claim(
        "rnn-unrolled-depth-linear", "§ nonlinear RNNs as circuits (the contrast with Thm 3)",
        "The stack RNN (Thm 1) and the graph RNN (Thm 2) unrolled into arithmetic circuits with relu gates compute "
        "the RNNs' states and have depth exactly n × (depth of one step).",
        [Check("the unrolled circuits equal the RNNs; depth = n × depth(1) for n up to 384", check_unrolled),
         Check("negative control: the same depth test on a log-depth LRNN scan", check_unrolled_log, "not_equal")]))
    register(Claim(
        "rnn-no-associative-combine", "§ nonlinear RNNs as circuits (why no scan)",
        "The composed step maps of the stack RNN have no bounded description: on a line of states, the number of "
        "affine pieces of the n-fold composition grows with n.",
        [Check("pieces of pop^n on the line (control q, cache 1, code λ ∈ [0, 1]) grow strictly", check_pieces),
         Check("negative control: the same network without its ReLUs (affine: one piece)",
               lambda q: check_pieces(q, relu=False), "not_equal")]))
    register(Claim(
        "prop1-cor1-upper-bounds", "Prop 1 / Cor 1 (upper bounds on nonlinear RNNs)",
        "An RNN with polynomial precision can be simulated in P; with log precision in L.",
        [],
        why_open="Prop 1 / Cor 1 are statements about every RNN whose arithmetic is rounded to a given precision "
                 "(p(n) bits): a step of fixed size on p-bit numbers is polynomial-time (and log-space when p = "
                 "O(log n)), and n steps compose. The argument is about Turing machines and rounding, not about a "
                 "circuit; this library builds exact rational circuits and has no model of a rounding machine or "
                 "of space, so it neither proves nor checks these bounds. What it does show is the other side: "
                 "the unrolled circuits have depth Θ(n) (rnn-unrolled-depth-linear) and the codes of Thm 1 need "
                 "2·depth bits (exact in Fractions)."))


# ---------------------------------------------------------------------------------------------------------
# docs tables
def gap_markdown(depths=(1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 56, 64)) -> str:
    from constructions.hardness.stack import TOP_READER, base2_reader, gap_table
    rows = {r["depth"]: r for r in gap_table(range(1, 65), 20)}
    lines = ["| depth D | base-2 gap | base-2 slope needed (1/gap) | base-4 gap | enumerated |",
             "|---|---|---|---|---|"]
    for D in depths:
        r = rows[D]
        lines.append(f"| {D} | {r['gap2']} | {1 / r['gap2']} | {r['gap4']} | "
                     f"{'all 2^' + str(D + 1) + ' − 1 stacks' if r['enumerated'] else 'extremal stacks'} |")
    v = check_reader(True, 2, 2 ** 10)
    ce = v.counterexample
    lines += ["", f"Base-4 reader ReLU(4s − 2) − ReLU(4s − 3): Lipschitz constant {TOP_READER.lipschitz()}, right at "
                  f"every depth 1..64. Base-2 reader with slope 2^10 (Lipschitz constant "
                  f"{base2_reader(2 ** 10).lipschitz()}): first wrong at depth {ce['depth']}, stack "
                  f"{''.join(map(str, ce['stack_top_first']))} (top first), code {ce['code']}, read {ce['read']} "
                  f"instead of {ce['head']}."]
    return "\n".join(lines) + "\n"


def construction_markdown() -> str:
    from constructions.hardness.mcvp import mcvp_machine
    from constructions.hardness.stack import compile_machine, ops_machine
    lines = ["| machine | stacks | control states | tokens | rules | state dim d | hidden units | one step: depth |",
             "|---|---|---|---|---|---|---|---|"]
    for m in (ops_machine(), mcvp_machine()):
        r = compile_machine(m)
        depth = unrolled_circuit(1, r).depth()
        lines.append(f"| {m.name} | {m.n_stacks} | {len(m.states)} | {len(m.tokens)} | {len(m.rules)} | {r.d} | "
                     f"{r.hidden} | {depth} |")
    rows = depth_rows([1, 8, 32, 128, 384])
    lines += ["", "| n (ops RNN unrolled) | depth | size (gates) |", "|---|---|---|"]
    lines += [f"| {r['n']} | {r['depth']:,} | {r['size']:,} |" for r in rows]
    rnn = ops_rnn()
    h0, e = piece_line(rnn)
    counts = count_pieces(rnn, ["pop"] * 6, h0, e)
    lines += ["", f"Affine pieces of λ ↦ h_n(λ) for pop^n on the line (control q, cache 1, code λ ∈ [0, 1]), "
                  f"n = 1..6: {', '.join(map(str, counts))}; without the ReLUs: "
                  f"{', '.join(map(str, count_pieces(rnn, ['pop'] * 6, h0, e, relu=False)))}."]
    return "\n".join(lines) + "\n"


def plan_markdown() -> str:
    """What ``thm1-stack-rnn`` runs, full and quick, from the plan constants of the checks."""
    def stacks(q):
        D, split = stack_plan(q)
        return (f"all {2 ** (D + 1) - 1:,} stacks of depth ≤ {D} ({len(stack_cases(D, split))} sweep tasks: one per "
                f"bottom stack of depth {split}, one for the shallower stacks)")

    def seqs(q):
        L = seq_plan(q)
        return f"all {sum(3 ** k for k in range(L + 1)):,} sequences of length ≤ {L}"

    def mcvp(q):
        n_big, gates, window, n_wide, wide_g, per_m, max_m, small_g = mcvp_plan(q)
        return (f"{n_big} random circuits of {gates:,} gates with 10–30 inputs (operands among the {window} most "
                f"recent wires), one random assignment each; {n_wide} circuit(s) of {wide_g} gates with operands "
                f"anywhere; every assignment of {per_m} random {small_g}-gate circuit(s) per input count 1..{max_m} "
                f"({per_m * sum(2 ** m for m in range(1, max_m + 1)):,} assignments)")

    ce = check_reader(True, 2, 2 ** 10).counterexample
    rows = [("every binary stack through the ops RNN: reached by RNN pushes; code = the closed form Σ(2bᵢ+1)/4^i; "
             "cache and control one-hot; top / empty readers; an RNN pop gives the parent back; nop leaves it",
             stacks(False), stacks(True)),
            ("every sequence over {push0, push1, pop} from the empty stack, batched through the ops RNN, against a "
             "Python list stack (pop on the empty stack leaves it empty)",
             seqs(False), seqs(True)),
            ("monotone circuit value through the two-stack RNN: final stack A = every wire's value by direct "
             "evaluation, B empty, control idle", mcvp(False), mcvp(True)),
            ("margin table (base-4 gap ≥ 1/4, base-2 gap halves per depth)", "depths 1..64, enumeration to 20",
             "depths 1..64, enumeration to 12"),
            ("the base-4 top reader", f"every stack to depth {reader_plan(False)}, the extremal stacks to depth 64",
             f"every stack to depth {reader_plan(True)}, extremal to 64"),
            ("negative control: the printed base-2 encoding with a fixed reader of slope 2^10",
             f"rejected: wrong first at depth {ce['depth']}", "same"),
            ("negative control: one weight changed (push1's carry 1/4 → 1/2; a pop reader's bias + 1)",
             "rejected by the sequence sweep (length ≤ 7) and the circuit check (quick plan)",
             "the push mutant only")]
    lines = ["| check | full | quick |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + "\n"


_DOC = "docs/hardness.md"


def _render(text: str) -> str:
    for tag, body in (("gaps", gap_markdown()), ("construction", construction_markdown()),
                      ("plan", plan_markdown())):
        begin, end = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + begin + "\n" + body + end + tail
    return text


if __name__ == "__main__":  # pragma: no cover
    import sys
    args = sys.argv[1:]
    if "--write" in args or "--check" in args:
        old = open(_DOC, encoding="utf-8").read()
        new = _render(old)
        if "--write" in args:
            open(_DOC, "w", encoding="utf-8").write(new)
        elif new != old:
            print(f"{_DOC} is out of date (python -m proofs_check.hardness_stack_claims --write)", file=sys.stderr)
            sys.exit(1)
    elif "--run" in args:
        from .claims import REGISTRY, run_claim
        if "--workers" in args:
            configure(workers=int(args[args.index("--workers") + 1]))
        load()
        for cid in ("thm1-stack-rnn", "rnn-unrolled-depth-linear", "rnn-no-associative-combine",
                    "prop1-cor1-upper-bounds"):
            res = run_claim(REGISTRY[cid], quick="--quick" in args)
            print(f"{cid}: {res.status} ({res.seconds:.1f} s) — {res.evidence_summary()}")
            for r in res.results:
                print(f"    {r.name[:70]:70s} {r.verdict.status:10s} {r.seconds:6.2f} s {r.problem}")
    else:
        print(gap_markdown())
        print(construction_markdown())
        print(plan_markdown())
