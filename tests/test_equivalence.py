"""Tests for proofs_check/equivalence.py.

Every engine gets positive cases and negative controls it must reject; every ``not_equal`` counterexample is
re-evaluated here, independently of the engine, to show that the two circuits really differ on it.
"""
from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from circuits import Circuit, CircuitError
from circuits.names import element_names
from constructions.linalg import matmul, product_tree
from proofs_check.equivalence import (P31, check_boolean, check_equivalent, check_exhaustive, check_pit,
                                      check_sat, check_symbolic, matches)
from proofs_check.verdict import Verdict

from conftest import random_circuit


# ---------------------------------------------------------------------------------------------------------
# helpers
def flat_outputs(c, values, domain):
    res = c.evaluate(values, domain=domain)
    out = {}
    for name, shape, _ in c.output_arrays():
        arr = np.asarray(res[name], dtype=object)
        for en, v in zip(element_names(name, shape), arr.reshape(-1).tolist()):
            out[en] = v
    return out


def own_inputs(c, assignment):
    mine = {n for n, _ in c.input_elements()}
    return {k: v for k, v in assignment.items() if k in mine}


def assert_really_differs(c1, c2, v: Verdict, domain):
    """Re-evaluate the counterexample on both circuits and check the named output differs."""
    assert v.status == "not_equal", v.summary()
    ce = v.counterexample
    assert ce is not None and "inputs" in ce and "output" in ce
    inputs = ce["inputs"]
    if domain == "bool":
        inputs = {k: bool(x) for k, x in inputs.items()}
    o1 = flat_outputs(c1, own_inputs(c1, inputs), domain)[ce["output"]]
    o2 = flat_outputs(c2, own_inputs(c2, inputs), domain)[ce["output"]]
    if isinstance(domain, tuple):
        o1, o2 = int(o1) % domain[1], int(o2) % domain[1]
    assert o1 != o2
    json.dumps(v.to_dict())  # a verdict is always serialisable


def mutate(c, index=None, rng=None):
    """Change one gate through the JSON form: add<->sub, mul->add, and<->or, xor->or, neg->add, not->and/or,
    threshold θ+1."""
    j = c.to_json()
    gates = j["gates"]
    cand = [i for i, g in enumerate(gates) if g[0] not in ("input", "const")]
    i = cand[index if index is not None else int(rng.integers(len(cand)))]
    g = gates[i]
    swap = {"add": "sub", "sub": "add", "mul": "add", "and": "or", "or": "and", "xor": "or"}
    if g[0] == "threshold":
        g[3] += 1
    elif g[0] in swap:
        g[0] = swap[g[0]]
    elif g[0] == "neg":
        gates[i] = ["add", g[1], g[1]]
    elif g[0] == "not":
        gates[i] = ["and" if c.basis == "boolean" else "or", g[1], g[1]]
    return Circuit.from_json(j)


def copy_of(c):
    return Circuit.from_json(c.to_json())


# ---------------------------------------------------------------------------------------------------------
# arithmetic fixtures
def mm(order="ab", d=2):
    c = Circuit("arithmetic")
    A = c.input("A", (d, d))
    B = c.input("B", (d, d))
    c.output("C", matmul(c, A, B) if order == "ab" else matmul(c, B, A))
    return c


def mm_serial(d=2):
    """A@B built independently: serial sums from the last index down, operands of each product swapped."""
    c = Circuit("arithmetic")
    A = c.input("A", (d, d))
    B = c.input("B", (d, d))
    out = np.empty((d, d), dtype=np.int64)
    for i in range(d):
        for j in range(d):
            acc = c.mul(B[d - 1, j], A[i, d - 1])
            for k in range(d - 2, -1, -1):
                acc = c.add(c.mul(B[k, j], A[i, k]), acc)
            out[i, j] = acc
    c.output("C", out)
    return c


ARITH_ENGINES = [check_symbolic, check_pit]


@pytest.mark.parametrize("engine", ARITH_ENGINES)
def test_matmul_equal_to_independent_build(engine):
    for d in (2, 3):
        v = engine(mm("ab", d), mm_serial(d))
        assert v.status == "equal", v.summary()


@pytest.mark.parametrize("engine", ARITH_ENGINES)
def test_matmul_noncommutative_negative_control(engine):
    c1, c2 = mm("ab"), mm("ba")
    v = engine(c1, c2)
    assert_really_differs(c1, c2, v, "fraction")


@pytest.mark.parametrize("engine", ARITH_ENGINES)
def test_one_gate_changed_add_to_sub(engine):
    c1 = mm_serial(2)
    j = c1.to_json()
    i = next(i for i, g in enumerate(j["gates"]) if g[0] == "add")
    j["gates"][i][0] = "sub"
    c2 = Circuit.from_json(j)
    v = engine(c1, c2)
    assert_really_differs(c1, c2, v, "fraction")


def test_pit_counterexample_is_exact_and_mod_p():
    c1, c2 = mm("ab"), mm("ba")
    v = check_pit(c1, c2, seed=5)
    ce = v.counterexample
    p = int(ce["p"])
    assert ce["domain"] == "int" and p >= 2**61
    assert ce["first"] % p == ce["first_mod_p"] and ce["second"] % p == ce["second_mod_p"]
    assert ce["first_mod_p"] != ce["second_mod_p"]
    assert_really_differs(c1, c2, v, "int")
    assert_really_differs(c1, c2, v, ("gf", p))


def test_pit_evidence_fields_and_trials_reach_the_bound():
    v = check_pit(mm("ab", 3), mm_serial(3), seed=3)
    ev = v.evidence
    for k in ("primes", "trials", "seed", "degree", "bound", "per_trial", "log2_coefficient_height",
              "prime_divides_difference", "point_is_root", "primes_in_range_at_least"):
        assert k in ev
    assert v.status == "equal" and v.method == "pit"
    assert ev["seed"] == 3 and ev["degree"] == 2 and len(ev["primes"]) == ev["trials"]
    assert all(2**61 <= int(q) < 2**62 for q in ev["primes"])
    assert len(set(ev["primes"])) == ev["trials"]  # a fresh prime per trial
    assert ev["bound"] == pytest.approx(ev["per_trial"] ** ev["trials"]) and ev["bound"] <= 2.0**-40
    assert ev["per_trial"] ** (ev["trials"] - 1) > 2.0**-40  # the fewest trials that reach the bound
    assert check_pit(mm("ab", 3), mm_serial(3), seed=3).evidence["primes"] == ev["primes"]  # reproducible


def test_pit_vacuous_bound_is_undecided():
    def power(k):
        c = Circuit("arithmetic")
        x = c.input("x")
        for _ in range(k):
            x = c.mul(x, x)
        c.output("y", x)
        return c
    v = check_pit(power(70), power(70), seed=0)  # degree 2^70 > 2^61: no bound
    assert v.status == "undecided" and ">= 1" in v.why
    w = check_pit(power(40), power(40), seed=0)  # degree 2^40: 2^-21 per trial, two trials suffice
    assert w.status == "equal" and w.evidence["trials"] == 2
    u = check_pit(power(40), power(40), seed=0, max_trials=1)
    assert u.status == "undecided" and "max_trials" in u.why


def test_pit_rejects_bad_parameters():
    for kw in ({"error_bound": 0}, {"error_bound": 1.5}, {"max_trials": 0}):
        with pytest.raises(CircuitError):
            check_pit(mm(), mm(), **kw)


def test_pit_sees_multiples_of_any_fixed_prime():
    """A difference whose coefficients are all multiples of one prime is still found: the primes are random."""
    for q in (101, P31):
        c1 = Circuit("arithmetic")
        x = c1.input("x")
        c1.output("y", c1.mul(c1.const(q), x))
        c2 = Circuit("arithmetic")
        x2 = c2.input("x")
        c2.output("y", c2.sub(x2, x2))
        v = check_pit(c1, c2, seed=0)
        assert_really_differs(c1, c2, v, "int")
        assert_really_differs(c1, c2, check_symbolic(c1, c2), "fraction")


def test_pit_agrees_with_sympy_on_random_grid():
    agree = decided = 0
    for seed in range(60):
        rng = np.random.default_rng(seed)
        c = random_circuit(rng, "arithmetic", n_inputs=int(rng.integers(1, 5)), n_gates=int(rng.integers(3, 16)))
        for other in (copy_of(c), mutate(c, rng=rng)):
            s = check_symbolic(c, other)
            p = check_pit(c, other, seed=seed)
            if s.status == "undecided":
                continue
            decided += 1
            assert s.status == p.status, (seed, s.summary(), p.summary())
            agree += 1
            if s.status == "not_equal":
                assert_really_differs(c, other, s, "fraction")
                assert_really_differs(c, other, p, "fraction")
    assert decided >= 100 and agree == decided


def test_symbolic_rational_constants():
    c1 = Circuit("arithmetic")
    x = c1.input("x")
    c1.output("y", c1.mul(c1.const(Fraction(1, 3)), c1.add(x, x)))
    c2 = Circuit("arithmetic")
    x = c2.input("x")
    c2.output("y", c2.mul(c2.const(Fraction(2, 3)), x))
    assert check_symbolic(c1, c2).equal
    assert check_pit(c1, c2).equal


def test_symbolic_too_large_is_undecided_and_auto_falls_back_to_pit():
    def blow(k, swap=False):
        c = Circuit("arithmetic")
        x = c.input("x", (6,))
        s = x[0]
        for i in range(1, 6):
            s = c.add(x[i], s) if swap else c.add(s, x[i])
        for _ in range(k):
            s = c.mul(s, s)
        c.output("y", s)
        return c
    v = check_symbolic(blow(5), blow(5, True), max_terms=2000)
    assert v.status == "undecided"
    w = check_equivalent(blow(5), blow(5, True), max_terms=2000)
    assert w.status == "equal" and w.method.startswith("pit") and "fallback_from" in w.evidence
    assert check_symbolic(mm(), mm(), max_gates=10).status == "undecided"


def test_symbolic_and_pit_refuse_boolean_gates():
    c = random_circuit(np.random.default_rng(0), "boolean", n_inputs=3, n_gates=5)
    assert check_symbolic(c, c).status == "undecided"
    assert check_pit(c, c).status == "undecided"


# ---------------------------------------------------------------------------------------------------------
# boolean fixtures
def ripple_adder(n, flip_at=None):
    """Boolean-basis ripple-carry adder; ``flip_at`` turns the generate AND of bit i into an OR."""
    c = Circuit("boolean")
    a = c.input("a", (n,))
    b = c.input("b", (n,))
    cin = c.const(0)
    s = []
    for i in range(n):
        t = c.xor(a[i], b[i])
        s.append(c.xor(t, cin))
        g = c.or_(a[i], b[i]) if i == flip_at else c.and_(a[i], b[i])
        cin = c.or_(g, c.and_(cin, t))
    s.append(cin)
    c.output("s", np.array(s))
    return c


def threshold_adder(n):
    """Threshold-basis adder: carry = MAJ(a, b, c) = [a + b + c ≥ 2], sum = [a + b + c − 2·carry ≥ 1]."""
    c = Circuit("threshold")
    a = c.input("a", (n,))
    b = c.input("b", (n,))
    cin = c.const(0)
    s = []
    for i in range(n):
        cout = c.threshold(np.array([a[i], b[i], cin]), 1, 2)
        s.append(c.threshold(np.array([a[i], b[i], cin, cout]), [1, 1, 1, -2], 1))
        cin = cout
    s.append(cin)
    c.output("s", np.array(s))
    return c


def parity_tree(n):
    c = Circuit("boolean")
    y = np.asarray(c.input("x", (n,)))
    while y.size > 1:
        h = y.size // 2
        s = c.xor(y[0:2 * h:2], y[1:2 * h:2])
        y = np.concatenate([s, y[2 * h:]]) if y.size % 2 else s
    c.output("p", y[0])
    return c


def parity_chain(n, flip_at=None):
    """Parity from the last input down, each XOR spelled (u ∧ ¬v) ∨ (¬u ∧ v); ``flip_at`` makes one step
    an OR."""
    c = Circuit("boolean")
    x = c.input("x", (n,))
    acc = x[n - 1]
    for i in range(n - 2, -1, -1):
        if i == flip_at:
            acc = c.or_(acc, x[i])
        else:
            acc = c.or_(c.and_(acc, c.not_(x[i])), c.and_(c.not_(acc), x[i]))
    c.output("p", acc)
    return c


def test_adders_small_all_boolean_engines():
    for n in (3, 5):
        good, bad = ripple_adder(n), ripple_adder(n, flip_at=1)
        thr = threshold_adder(n)
        for engine in (check_exhaustive, check_sat, check_boolean, check_equivalent):
            assert engine(good, thr).status == "equal", engine.__name__
            assert engine(good, copy_of(good)).status == "equal"
            v = engine(good, bad)
            assert_really_differs(good, bad, v, "bool")
            v = engine(thr, bad)
            assert_really_differs(thr, bad, v, "bool")


def test_flipped_gate_and_to_or():
    c1 = ripple_adder(4)
    j = c1.to_json()
    i = next(i for i, g in enumerate(j["gates"]) if g[0] == "and")
    j["gates"][i][0] = "or"
    c2 = Circuit.from_json(j)
    for engine in (check_exhaustive, check_sat):
        assert_really_differs(c1, c2, engine(c1, c2), "bool")


def test_sat_beyond_exhaustive_range_24_inputs():
    n = 12  # 24 inputs
    good, thr = ripple_adder(n), threshold_adder(n)
    assert check_exhaustive(good, thr).status == "undecided"
    v = check_sat(good, thr)
    assert v.status == "equal" and v.evidence["threshold_gates"] == 2 * n
    assert check_boolean(good, thr).method == "sat"
    for flip in (0, 7, 11):
        bad = ripple_adder(n, flip_at=flip)
        assert_really_differs(good, bad, check_sat(good, bad), "bool")
        assert_really_differs(thr, bad, check_sat(thr, bad), "bool")
    p1, p2 = parity_tree(24), parity_chain(24)
    assert check_sat(p1, p2).status == "equal"
    assert check_equivalent(p1, p2).method == "sat"
    for flip in (0, 13):
        bad = parity_chain(24, flip_at=flip)
        assert_really_differs(p1, bad, check_sat(p1, bad), "bool")


def _truth_table_mux(n, table):
    """A boolean (and/or/not) circuit computing ``table`` (length 2^n, bit i of the index = x[i]) by Shannon
    expansion: an independent second description of a threshold function, with no threshold gate."""
    c = Circuit("boolean")
    x = c.input("x", (n,))
    level = [c.const(int(v)) for v in table]
    for i in range(n):  # combine on x[i]: entries 2k (x[i]=0) and 2k+1 (x[i]=1)
        s = x[i]
        level = [c.or_(c.and_(s, level[2 * k + 1]), c.and_(c.not_(s), level[2 * k])) for k in range(len(level) // 2)]
    c.output("y", level[0])
    return c


def test_sat_threshold_bdd_encoding_against_truth_tables():
    """Random threshold gates (negative weights, repeated and constant arguments) against a mux tree built from
    their truth table: the SAT engine must prove them equal, and reject a single flipped truth-table entry."""
    for seed in range(40):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(1, 6))
        k = int(rng.integers(1, 9))
        w = rng.integers(-7, 8, size=k)
        theta = int(rng.integers(-10, 11))
        src = rng.integers(-1, n, size=k)  # -1: the constant 1
        c1 = Circuit("threshold")
        x = c1.input("x", (n,))
        args = np.array([c1.const(1) if s < 0 else x[s] for s in src])
        c1.output("y", c1.threshold(args, w, theta))
        pts = (np.arange(2 ** n)[:, None] >> np.arange(n)) & 1
        vals = np.where(src[None, :] < 0, 1, pts[:, np.maximum(src, 0)])
        table = (vals @ w) >= theta
        c2 = _truth_table_mux(n, table)
        assert check_sat(c1, c2).status == "equal", seed
        bad = table.copy()
        bad[int(rng.integers(len(bad)))] ^= True
        c3 = _truth_table_mux(n, bad)
        assert_really_differs(c1, c3, check_sat(c1, c3), "bool")
        assert check_exhaustive(c1, c3).status == "not_equal"


def test_sat_agrees_with_exhaustive_on_random_grid():
    for basis in ("boolean", "threshold"):
        for seed in range(40):
            rng = np.random.default_rng(1000 + seed)
            c = random_circuit(rng, basis, n_inputs=int(rng.integers(1, 7)), n_gates=int(rng.integers(3, 30)))
            for other in (copy_of(c), mutate(c, rng=rng)):
                e, s = check_exhaustive(c, other), check_sat(c, other)
                assert e.status == s.status, (basis, seed, e.summary(), s.summary())
                if e.status == "not_equal":
                    assert_really_differs(c, other, e, "bool")
                    assert_really_differs(c, other, s, "bool")


def _multiplier(n, swap=False):
    """Array multiplier with carry-save columns; ``swap`` exchanges the operands (a classic hard SAT miter)."""
    c = Circuit("boolean")
    a = c.input("a", (n,))
    b = c.input("b", (n,))
    if swap:
        a, b = b, a
    cols = [[] for _ in range(2 * n)]
    for i in range(n):
        for j in range(n):
            cols[i + j].append(c.and_(a[i], b[j]))
    out = []
    for k in range(2 * n):
        bits = cols[k]
        while len(bits) > 2:
            x, y, z = bits.pop(), bits.pop(), bits.pop()
            t = c.xor(x, y)
            bits.insert(0, c.xor(t, z))
            if k + 1 < 2 * n:
                cols[k + 1].append(c.or_(c.and_(x, y), c.and_(z, t)))
        if len(bits) == 2:
            out.append(c.xor(*bits))
            if k + 1 < 2 * n:
                cols[k + 1].append(c.and_(*bits))
        else:
            out.append(bits[0] if bits else c.const(0))
    c.output("p", np.array(out))
    return c


def test_sat_timeout_is_undecided():
    m = _multiplier(3)
    r = m.evaluate({"a": [1, 1, 0], "b": [1, 0, 1]}, domain="bool")["p"]
    assert sum(int(v) << i for i, v in enumerate(r)) == 3 * 5
    assert check_sat(_multiplier(4), _multiplier(4, swap=True)).status == "equal"
    v = check_sat(_multiplier(12), _multiplier(12, swap=True), timeout=0.3)
    assert v.status == "undecided" and "timed out" in v.why


def test_boolean_engines_refuse_arithmetic():
    assert check_exhaustive(mm(), mm()).status == "undecided"
    assert check_sat(mm(), mm()).status == "undecided"


# ---------------------------------------------------------------------------------------------------------
# names, interfaces, dispatch
def test_inputs_matched_by_element_name():
    c1 = Circuit("arithmetic")
    x = c1.input("x", (3,))
    c1.output("y", c1.mul(c1.add(x[0], x[1]), x[2]))
    c2 = Circuit("arithmetic")
    x2 = [c2.input(f"x[{i}]") for i in (2, 1, 0)][::-1]  # element-style scalars, declared in another order
    c2.output("y", c2.add(c2.mul(x2[2], x2[0]), c2.mul(x2[1], x2[2])))
    for engine in (check_symbolic, check_pit, check_equivalent):
        assert engine(c1, c2).status == "equal"


def test_inputs_in_one_circuit_only_are_free_variables():
    c1 = Circuit("arithmetic")
    x = c1.input("x")
    c1.output("y", x)
    c2 = Circuit("arithmetic")
    x2, z = c2.input("x"), c2.input("z")
    c2.output("y", c2.sub(c2.add(x2, z), z))
    c3 = Circuit("arithmetic")
    x3, z3 = c3.input("x"), c3.input("z")
    c3.output("y", c3.mul(x3, z3))
    for engine in (check_symbolic, check_pit):
        v = engine(c1, c2)
        assert v.status == "equal" and v.evidence["inputs_in_one_circuit_only"] == 1
        assert_really_differs(c1, c3, engine(c1, c3), "fraction")


def test_output_names_must_match():
    c1 = mm()
    c2 = Circuit("arithmetic")
    A = c2.input("A", (2, 2))
    B = c2.input("B", (2, 2))
    c2.output("D", matmul(c2, A, B))
    for engine in (check_symbolic, check_pit, check_exhaustive, check_sat):
        v = engine(c1, c2)
        assert v.status == "not_equal" and v.why.startswith("outputs differ")
        assert "C[0][0]" in v.counterexample["outputs_only_in_first"]


def test_output_order_does_not_matter():
    c1 = Circuit("arithmetic")
    x = c1.input("x", (2,))
    c1.output("s", c1.add(x[0], x[1]))
    c1.output("p", c1.mul(x[0], x[1]))
    c2 = Circuit("arithmetic")
    x = c2.input("x", (2,))
    c2.output("p", c2.mul(x[1], x[0]))
    c2.output("s", c2.add(x[1], x[0]))
    assert check_symbolic(c1, c2).equal and check_pit(c1, c2).equal


def test_dispatcher():
    assert check_equivalent(mm("ab"), mm_serial()).method == "sympy"
    assert check_equivalent(mm("ab", 8), mm_serial(8)).method.startswith("pit")  # cone > 2000 wires
    assert check_equivalent(mm("ab"), mm_serial(), method="pit", seed=11).evidence["seed"] == 11
    assert check_equivalent(ripple_adder(3), threshold_adder(3)).method == "exhaustive"
    m = Circuit("mixed")
    x = m.input("x")
    m.output("y", m.act("relu", x))
    v = check_equivalent(m, m)
    assert v.status == "undecided"
    ar = Circuit("mixed")  # mixed basis, but only arithmetic gates: classified by the ops it uses
    x = ar.input("x")
    ar.output("y", ar.mul(x, x))
    assert check_equivalent(ar, copy_of(ar)).equal
    with pytest.raises(CircuitError):
        check_equivalent(mm(), mm(), method="nope")


# ---------------------------------------------------------------------------------------------------------
# against a Python reference
def _chain_circuit(n=3, d=2):
    c = Circuit("arithmetic")
    M = c.input("M", (n, d, d))
    c.output("P", product_tree(c, M))
    return c


def test_matches_product_tree_vs_numpy():
    c = _chain_circuit()

    def ref(v):
        M = v["M"]
        return {"P": np.dot(M[2], np.dot(M[1], M[0]))}

    def wrong(v):
        M = v["M"]
        return {"P": np.dot(M[0], np.dot(M[1], M[2]))}

    v = matches(c, ref, seed=0)
    assert v.status == "equal" and v.evidence["bound"] <= 2.0**-40 and v.evidence["degree"] == 3
    w = matches(c, wrong, seed=0)
    assert w.status == "not_equal"
    ce = w.counterexample
    got = flat_outputs(c, {"M": np.array(ce["inputs"]["M"], dtype=object)}, "fraction")[ce["output"]]
    M = np.array(ce["inputs"]["M"], dtype=object)
    want = np.dot(M[0], np.dot(M[1], M[2]))
    idx = tuple(int(s) for s in ce["output"][2:-1].split("]["))
    assert got == ce["circuit"] and want[idx] == ce["reference"] and got != want[idx]
    assert matches(c, ref, domain="int", seed=0).equal
    assert matches(c, ref, domain="int", trials=1, seed=0, error_bound=2.0**-80).status == "undecided"
    assert matches(c, ref, domain=("gf", 101), trials=5).status == "undecided"  # (3/101)^5 > 2^-40
    assert matches(c, ref, domain=("gf", 101), trials=9).equal  # (3/101)^9 < 2^-40


def test_matches_custom_sampler_and_boolean():
    c = ripple_adder(3)

    def ref(v):
        a = sum(int(b) << i for i, b in enumerate(v["a"]))
        b = sum(int(b) << i for i, b in enumerate(v["b"]))
        return {"s": [((a + b) >> i) & 1 for i in range(4)]}

    v = matches(c, ref, domain="bool")
    assert v.equal and v.evidence["trials"] == 64  # all assignments of 6 input bits
    assert matches(ripple_adder(3, flip_at=0), ref, domain="bool").status == "not_equal"
    seen = []

    def sampler(rng, name, shape):
        seen.append(name)
        return np.ones(shape, dtype=bool)

    v = matches(c, ref, domain="bool", trials=2, input_sampler=sampler)
    assert v.status == "undecided" and "no error bound" in v.why and seen == ["a", "a", "b", "b"]


def test_scalars_constants_and_serialisable_evidence():
    s = Circuit("arithmetic")
    x, y = s.input("x"), s.input("y")
    s.output("z", s.mul(x, y))
    assert matches(s, lambda v: {"z": v["x"] * v["y"]}).equal
    w = matches(s, lambda v: {"z": v["x"] + v["y"]})
    assert w.status == "not_equal"
    ce = w.counterexample
    assert Fraction(ce["inputs"]["x"]) * Fraction(ce["inputs"]["y"]) == ce["circuit"] != ce["reference"]
    k1 = Circuit("arithmetic")
    k1.output("y", k1.const(3))
    k2 = Circuit("arithmetic")
    k2.output("y", k2.add(k2.const(1), k2.const(2)))
    k3 = Circuit("arithmetic")
    k3.output("y", k3.const(Fraction(7, 2)))
    for engine in (check_symbolic, check_pit):
        v = engine(k1, k2)
        assert v.equal
        json.dumps(v.to_dict())
        assert_really_differs(k1, k3, engine(k1, k3), "fraction")
    sq = Circuit("arithmetic")  # x·x equals x only on 0/1 inputs: not an arithmetic identity
    x = sq.input("x")
    sq.output("y", sq.mul(x, x))
    idc = Circuit("arithmetic")
    idc.output("y", idc.input("x"))
    assert_really_differs(sq, idc, check_symbolic(sq, idc), "fraction")
