"""Claims about the verification engines themselves.

* ``sat-encoder`` — the SAT miter (:func:`proofs_check.equivalence.check_sat`, whose Tseitin/BDD encoder is
  ``_Tseitin`` in ``proofs_check/equivalence/sat.py``) gives the same verdict as brute force
  (:func:`check_exhaustive`, which only uses ``Circuit.evaluate``) on random boolean/threshold circuits, and
  every SAT counterexample reproduces under ``Circuit.evaluate``. The random circuits are built to hit the
  corners of the threshold encoding: θ on the boundary (Σ = θ attainable), negative weights, repeated and
  constant arguments, and each circuit is compared with (a) a copy with one gate changed, (b) a copy rebuilt
  gate by gate through equivalent forms (¬T(−w, 1−θ), negated arguments, split weights, constant arguments,
  De Morgan, …) and (c) its truth table as an and/or/not sum of minterms (no threshold gates at all).
* ``equivalence-traps`` — the reproducers of an outside review (issue 7) never come out ``equal`` from any
  method, and two true identities do.

:func:`reproducer_pairs` builds the trap and identity circuit pairs; :func:`write_reproducers` saves them as
JSON circuit files (for ``lrnn-circuits equiv A B``).
"""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np

from .claims import Check, Claim, register
from .verdict import Verdict

# =========================================================================================================
# sat-encoder: random boolean/threshold circuits as a small gate list, built in several equivalent ways
#
# A spec is (k, gates, outputs): inputs are nodes 0..k-1, node k is the constant 0 and node k+1 the constant 1,
# gate g is node k+2+g. A gate is ("and"|"or"|"xor", args) or ("not", [a]) or ("threshold", args, weights, θ).

_SAT_SEED = 0


def _random_spec(rng, k: int, n_gates: int, n_outputs: int):
    nodes = k + 2
    gates = []
    for _ in range(n_gates):
        def pick():
            if rng.random() < 0.08:  # a constant argument
                return k + int(rng.integers(2))
            if rng.random() < 0.6:  # favour recent nodes so that circuits get deep
                return max(0, nodes - int(rng.geometric(0.3)))
            return int(rng.integers(nodes))
        r = rng.random()
        if r < 0.45:
            m = int(rng.integers(1, 6))
            args = [pick() for _ in range(m)]
            if m >= 2 and rng.random() < 0.3:  # a repeated argument
                args[-1] = args[0]
            w = [int(x) for x in rng.integers(-3, 4, size=m)]
            if not any(w):
                w[0] = 1
            u = rng.random()
            if u < 0.6:  # θ on the boundary: Σ = θ exactly attainable (by a random assignment of the args)
                sub = rng.integers(0, 2, size=m)
                th = int(sum(wi * si for wi, si in zip(w, sub)))
            elif u < 0.8:  # one off the boundary
                sub = rng.integers(0, 2, size=m)
                th = int(sum(wi * si for wi, si in zip(w, sub))) + int(rng.choice([-1, 1]))
            else:
                th = int(rng.integers(-4, 5))
            gates.append(("threshold", args, w, th))
        elif r < 0.85:
            op = ("and", "or", "xor")[int(rng.integers(3))]
            m = 2 if rng.random() < 0.6 else int(rng.integers(3, 5))
            gates.append((op, [pick() for _ in range(m)]))
        else:
            gates.append(("not", [pick()]))
        nodes += 1
    outs = [nodes - 1] + [int(rng.integers(k + 2, nodes)) for _ in range(n_outputs - 1)]
    return k, gates, outs


def _threshold_variant(c, rng, args, w, th):
    """An equivalent threshold gate written differently (a random rewrite; its result is a wire)."""
    args, w = list(args), list(w)
    choice = int(rng.integers(6))
    if choice == 0:  # [S ≥ θ] = ¬[−S ≥ 1 − θ]
        return c.not_(c.threshold(np.array(args), [-x for x in w], 1 - th))
    if choice == 1:  # w·a = w − w·¬a
        i = int(rng.integers(len(args)))
        na = int(c.not_(args[i]))
        th -= w[i]
        args[i], w[i] = na, -w[i]
    elif choice == 2:  # a constant argument: 1 with weight t shifts θ by t; 0 changes nothing
        t = int(rng.integers(-3, 4))
        one = int(rng.integers(2))
        args.append(int(c.const(one)))
        w.append(t)
        th += t * one
    elif choice == 3:  # a weight split over a repeated argument
        i = int(rng.integers(len(args)))
        a = int(rng.integers(-3, 4))
        args.append(args[i])
        w.append(w[i] - a)
        w[i] = a
    elif choice == 4:  # arguments permuted
        perm = rng.permutation(len(args))
        args, w = [args[j] for j in perm], [w[j] for j in perm]
    # choice 5: as is
    return c.threshold(np.array(args), w, th)


def _build(spec, style: str = "plain", rng=None, mutate: int | None = None):
    """Build a spec as a ``mixed``-basis circuit. ``style="rewritten"`` replaces every gate by an equivalent
    form chosen by ``rng``; ``mutate`` is the index of a gate to change (θ ± 1, a weight, and↔or, xor→or, …)."""
    from circuits import Circuit

    k, gates, outs = spec
    c = Circuit("mixed")
    x = c.input("x", (k,))
    w_of = [int(v) for v in np.atleast_1d(x).tolist()] + [int(c.const(0)), int(c.const(1))]
    for gi, g in enumerate(gates):
        op, args = g[0], [w_of[a] for a in g[1]]
        if gi == mutate:
            if op == "threshold":
                w, th = list(g[2]), g[3]
                if rng.random() < 0.7:
                    th += int(rng.choice([-1, 1]))
                else:
                    i = int(rng.integers(len(w)))
                    w[i] += int(rng.choice([-1, 1]))
                g = ("threshold", g[1], w, th)
            elif op == "not":
                op, args = "and", args + args
            else:
                op = {"and": "or", "or": "and", "xor": "or"}[op]
        if op == "threshold":
            _, _, w, th = g
            if style == "rewritten":
                out = _threshold_variant(c, rng, args, w, th)
            else:
                out = c.threshold(np.array(args), w, th)
        elif op == "not":
            if style == "rewritten" and rng.random() < 0.5:  # ¬a = [−a ≥ 0]
                out = c.threshold(np.array(args), [-1], 0)
            else:
                out = c.not_(args[0])
        elif style == "rewritten" and rng.random() < 0.6:
            if op == "and":  # De Morgan, or a threshold [Σ a ≥ m]
                out = c.not_(c.or_(*[c.not_(a) for a in args])) if rng.random() < 0.5 else \
                    c.threshold(np.array(args), [1] * len(args), len(args))
            elif op == "or":
                out = c.not_(c.and_(*[c.not_(a) for a in args])) if rng.random() < 0.5 else \
                    c.threshold(np.array(args), [1] * len(args), 1)
            else:  # xor: ¬a ⊕ ¬b ⊕ rest, or a ⊕ b = (a ∧ ¬b) ∨ (¬a ∧ b)
                if len(args) == 2 and rng.random() < 0.5:
                    a, b = args
                    out = c.or_(c.and_(a, c.not_(b)), c.and_(c.not_(a), b))
                else:
                    out = c.xor(c.not_(args[0]), c.not_(args[1]), *args[2:])
        else:
            out = {"and": c.and_, "or": c.or_, "xor": c.xor}[op](*args)
        w_of.append(int(out))
    c.output("y", np.array([w_of[o] for o in outs]))
    return c


def _truth_table_circuit(c0, k: int):
    """The function of ``c0`` rebuilt as an or of minterms over and/not gates (no threshold gates)."""
    from circuits import Circuit

    X = ((np.arange(1 << k)[:, None] >> np.arange(k)) & 1).astype(bool)
    Y = np.asarray(c0.evaluate({"x": X}, domain="bool")["y"], dtype=bool).reshape(1 << k, -1)
    c = Circuit("mixed")
    x = np.atleast_1d(c.input("x", (k,)))
    nx = c.not_(x)
    outs = []
    for j in range(Y.shape[1]):
        rows = np.flatnonzero(Y[:, j])
        if rows.size == 0:
            outs.append(int(c.const(0)))
            continue
        terms = [c.and_(np.where(X[r], x, nx)) if k > 1 else (x[0] if X[r, 0] else nx[0]) for r in rows.tolist()]
        terms = [int(t) for t in terms]
        outs.append(terms[0] if len(terms) == 1 else int(c.or_(np.array(terms))))
    c.output("y", np.array(outs))
    return c


def _reproduces(c1, c2, ce) -> bool:
    """Independently of the engine: do the two circuits differ at the counterexample's inputs?"""
    if not ce or "inputs" not in ce:
        return False
    k = sum(1 for _ in c1.input_elements())
    row = np.zeros((1, k), dtype=bool)
    for name, v in ce["inputs"].items():
        if name.startswith("x[") and name.endswith("]"):
            row[0, int(name[2:-1])] = bool(v)
    a = np.asarray(c1.evaluate({"x": row}, domain="bool")["y"], dtype=bool).ravel()
    b = np.asarray(c2.evaluate({"x": row}, domain="bool")["y"], dtype=bool).ravel()
    return bool((a != b).any())


def _sat_cases(quick: bool):
    """(pair kind, inputs, circuit 1, circuit 2) for the sat-encoder check, deterministic."""
    rng = np.random.default_rng(_SAT_SEED)
    n = 60 if quick else 300
    for i in range(n):
        k = int(rng.integers(1, 13))
        spec = _random_spec(rng, k, int(rng.integers(3, 25 if quick else 40)), int(rng.integers(1, 4)))
        c = _build(spec)
        gi = int(rng.integers(len(spec[1])))
        yield i, "mutated", k, c, _build(spec, rng=rng, mutate=gi)
        yield i, "rewritten", k, c, _build(spec, "rewritten", rng=rng)
        if k <= 8:
            yield i, "truth-table", k, c, _truth_table_circuit(c, k)


def _threshold_stats(c) -> tuple[int, int]:
    cols = c.columns()
    from circuits.ops import BY_NAME, WIDE
    thr = np.flatnonzero(cols["op"] == (BY_NAME["threshold"].code | WIDE))
    neg = sum(1 for g in thr.tolist() if min(c.threshold_params(g)[0]) < 0)
    return int(thr.size), neg


def check_sat_encoder(quick: bool, encoder_bug: bool = False) -> Verdict:
    """SAT verdict = exhaustive verdict on every pair; every SAT counterexample reproduces.

    ``encoder_bug`` (a negative control) runs the same comparison with ``_Tseitin.threshold`` shifted by one
    (θ + 1), which the comparison must detect."""
    from .equivalence import check_exhaustive, check_sat
    from .equivalence import sat as sat_mod

    orig = sat_mod._Tseitin.threshold
    if encoder_bug:
        def shifted(self, lits, weights, theta):
            return orig(self, lits, weights, int(theta) + 1)
        sat_mod._Tseitin.threshold = shifted
    counts = {"mutated": 0, "rewritten": 0, "truth-table": 0}
    verdicts = {"equal": 0, "not_equal": 0}
    thr_gates = neg_w = 0
    kmax = 0
    try:
        for i, kind, k, c1, c2 in _sat_cases(quick):
            kmax = max(kmax, k)
            t, nw = _threshold_stats(c1)
            thr_gates += t
            neg_w += nw
            ex = check_exhaustive(c1, c2, max_inputs=16)
            sv = check_sat(c1, c2)
            bad = None
            if ex.status == "undecided":
                bad = f"exhaustive undecided: {ex.why}"
            elif sv.status != ex.status:
                bad = f"SAT says {sv.status} ({sv.why}), brute force says {ex.status}"
            elif sv.status == "not_equal" and not _reproduces(c1, c2, sv.counterexample):
                bad = "the SAT counterexample does not reproduce under Circuit.evaluate"
            if bad:
                return Verdict("not_equal", "sat-vs-exhaustive", why=f"case {i} ({kind}, {k} inputs): {bad}",
                               counterexample={"case": i, "pair": kind, "inputs": k, "seed": _SAT_SEED,
                                               "quick": quick, "sat": sv.to_dict(),
                                               "exhaustive_counterexample": ex.counterexample,
                                               "circuit_1": c1.to_json(), "circuit_2": c2.to_json()})
            counts[kind] += 1
            verdicts[sv.status] += 1
    finally:
        sat_mod._Tseitin.threshold = orig
    total = sum(counts.values())
    return Verdict("equal", "sat-vs-exhaustive",
                   why=f"{total} circuit pairs: the SAT verdict equals brute force, counterexamples reproduce",
                   evidence={"scope": {"circuit_pairs": total, "inputs": [1, kmax], "seed": _SAT_SEED,
                                       **{f"{kind}_pairs": m for kind, m in counts.items()}},
                             "verdicts": verdicts, "threshold_gates": thr_gates,
                             "threshold_gates_with_negative_weights": neg_w,
                             "oracle": "check_exhaustive (Circuit.evaluate on all 2^k inputs)"})


def sat_theta_control(quick: bool) -> Verdict:
    """Negative control: two circuits that differ in one threshold θ by one (Σ = θ attainable)."""
    from circuits import Circuit

    from .equivalence import check_sat

    def build(th):
        c = Circuit("threshold")
        x = c.input("x", (3,))
        c.output("y", c.threshold(x, [2, -1, 1], th))
        return c

    c1, c2 = build(1), build(2)
    v = check_sat(c1, c2)
    if v.status == "not_equal" and not _reproduces(c1, c2, v.counterexample):
        return Verdict("undecided", "sat", why="counterexample does not reproduce", evidence=v.to_dict())
    return v


# =========================================================================================================
# equivalence-traps
P31 = 2**31 - 1


def _scalar_pair():
    from circuits import Circuit
    c1, c2 = Circuit("arithmetic"), Circuit("arithmetic")
    return c1, c1.input("x"), c2, c2.input("x")


def _fermat():
    """x^(p−1) by square-and-multiply, p = 2^31 − 1, against 1 (they differ at x = 0)."""
    c1, x, c2, _ = _scalar_pair()
    e = P31 - 1
    acc, base = None, x
    while e:
        if e & 1:
            acc = base if acc is None else c1.mul(acc, base)
        e >>= 1
        if e:
            base = c1.mul(base, base)
    c1.output("y", acc)
    c2.output("y", c2.const(1))
    return c1, c2


def _hundred_roots():
    """Π_{a=1..100} (x − a) against 0."""
    c1, x, c2, _ = _scalar_pair()
    acc = None
    for a in range(1, 101):
        f = c1.sub(x, c1.const(a))
        acc = f if acc is None else c1.mul(acc, f)
    c1.output("y", acc)
    c2.output("y", c2.const(0))
    return c1, c2


def _mersenne_multiple():
    """x doubled 31 times minus x, i.e. (2^31 − 1)·x, against x − x."""
    c1, x, c2, x2 = _scalar_pair()
    acc = x
    for _ in range(31):
        acc = c1.add(acc, acc)
    c1.output("y", c1.sub(acc, x))
    c2.output("y", c2.sub(x2, x2))
    return c1, c2


def _half():
    """x/2 (times the constant 1/2) against 2^30·x = ((p + 1)/2)·x, p = 2^31 − 1."""
    c1, x, c2, x2 = _scalar_pair()
    c1.output("y", c1.mul(x, c1.const(Fraction(1, 2))))
    c2.output("y", c2.mul(x2, c2.const((P31 + 1) // 2)))
    return c1, c2


def _binomial():
    """(x + y)² against x² + 2xy + y² (true)."""
    from circuits import Circuit
    c1, c2 = Circuit("arithmetic"), Circuit("arithmetic")
    x, y = c1.input("x"), c1.input("y")
    s = c1.add(x, y)
    c1.output("z", c1.mul(s, s))
    x, y = c2.input("x"), c2.input("y")
    xy = c2.mul(x, y)
    c2.output("z", c2.add(c2.add(c2.mul(x, x), c2.add(xy, xy)), c2.mul(y, y)))
    return c1, c2


def _lrnn_final(scan: str, n: int, d: int):
    """The final state of a dense LRNN by the given scan (all states built, only h[n−1] is an output:
    ``build_lrnn(final_only=True)`` would use the ``reduce`` schedule whatever ``scan`` says)."""
    from circuits import Circuit
    from constructions.lrnn import free_transitions, output_states, scan_states

    c = Circuit("arithmetic")
    tr = free_transitions(c, "dense", n, d)
    h0 = c.input("h0", (d,))
    states = scan_states(c, tr, h0, scan=scan)
    output_states(c, np.asarray(states)[-1], n, final_only=True)
    return c


def _lrnn_serial_vs_bk(n: int = 6, d: int = 2):
    """Final states of a dense LRNN: serial scan against Brent–Kung (true)."""
    return _lrnn_final("serial", n, d), _lrnn_final("brent-kung", n, d)


#: name → (builder, expected verdict, description)
REPRODUCERS = {
    "fermat": (_fermat, "not_equal", "x^(p-1) by square-and-multiply (p = 2^31-1) vs 1; differ at x = 0"),
    "hundred-roots": (_hundred_roots, "not_equal", "prod_{a=1..100} (x - a) vs 0"),
    "mersenne-multiple": (_mersenne_multiple, "not_equal", "(2^31-1)*x by 31 doublings minus x vs x - x"),
    "half": (_half, "not_equal", "x * (1/2) vs 2^30 * x (equal mod 2^31-1 only)"),
    "binomial": (_binomial, "equal", "(x+y)^2 vs x^2 + 2xy + y^2"),
    "lrnn-serial-vs-brent-kung": (_lrnn_serial_vs_bk, "equal",
                                  "final state of a dense LRNN (n = 6, d = 2): serial vs Brent-Kung scan"),
}
TRAPS = [k for k, v in REPRODUCERS.items() if v[1] == "not_equal"]
IDENTITIES = [k for k, v in REPRODUCERS.items() if v[1] == "equal"]
TRAP_METHODS = ("auto", "symbolic", "pit")
MAX_BOUND = 2.0**-40  # an 'equal' from a randomized engine must state an error bound at most this


def reproducer_pairs() -> dict:
    """name → (circuit 1, circuit 2, expected status, description)."""
    return {k: (*b(), exp, desc) for k, (b, exp, desc) in REPRODUCERS.items()}


def write_reproducers(directory) -> list[dict]:
    """Save every reproducer pair as ``<name>.a.json`` / ``<name>.b.json`` in ``directory`` (created if
    missing) plus ``manifest.json``; returns the manifest entries
    ``{"name", "a", "b", "expect", "description"}`` (``expect``: ``not_equal`` for a trap — no engine may say
    ``equal`` — or ``equal`` for a true identity)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, (c1, c2, exp, desc) in reproducer_pairs().items():
        a, b = directory / f"{name}.a.json", directory / f"{name}.b.json"
        c1.save(a)
        c2.save(b)
        manifest.append({"name": name, "a": str(a), "b": str(b), "expect": exp, "description": desc})
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _naive_pit(c1, c2, method):
    """A deliberately unsound engine (the one the review found): a few random points in GF(2^31 − 1), 'equal'
    when they agree. Used by the negative control only."""
    rng = np.random.default_rng(1)
    for _ in range(3):
        vals = {nm: int(rng.integers(1, P31)) for nm, _ in c1.input_elements()}
        r1 = c1.evaluate(vals, domain=("gf", P31))
        r2 = c2.evaluate({k: v for k, v in vals.items() if k in dict(c2.input_elements())}, domain=("gf", P31))
        for k in r1:
            if int(np.asarray(r1[k]).ravel()[0]) % P31 != int(np.asarray(r2[k]).ravel()[0]) % P31:
                return Verdict("not_equal", "naive-pit", counterexample={"inputs": vals, "output": k})
    return Verdict("equal", "naive-pit")


def check_traps(quick: bool, engine=None) -> Verdict:
    """No trap is ``equal`` under any method of :data:`TRAP_METHODS` (``undecided`` is tolerated, a raising
    engine is not); every identity is ``equal`` under every method, by a symbolic proof or with a stated
    error bound ≤ 2^-40. ``engine(c1, c2, method)`` defaults to :func:`check_equivalent`."""
    if engine is None:
        from .equivalence import check_equivalent

        def engine(c1, c2, method):
            return check_equivalent(c1, c2, method=method)
    table: dict = {}
    wrong = []
    for name, (c1, c2, exp, _) in reproducer_pairs().items():
        for m in TRAP_METHODS:
            try:
                v = engine(c1, c2, m)
                st, extra = v.status, {"method": v.method, "why": v.why[:200]}
                if v.evidence.get("bound") is not None:
                    extra["bound"] = v.evidence["bound"]
            except Exception as e:  # an engine that raises on a reproducer is a failure, shown as such
                st, extra = "error", {"why": f"{type(e).__name__}: {e}"[:200]}
            table[f"{name}/{m}"] = {"status": st, **extra}
            if exp == "not_equal":
                if st in ("equal", "error"):
                    wrong.append(f"{name}/{m}: {st} (must not be equal)")
            elif st != "equal":
                wrong.append(f"{name}/{m}: {st} (must be equal)")
            elif extra.get("method") not in ("sympy", "symbolic") and not (
                    isinstance(extra.get("bound"), (int, float)) and extra["bound"] <= MAX_BOUND):
                wrong.append(f"{name}/{m}: equal without a symbolic proof or a bound <= 2^-40 "
                             f"(bound {extra.get('bound')})")
    scope = {"traps": TRAPS, "identities": IDENTITIES, "methods": list(TRAP_METHODS)}
    if wrong:
        return Verdict("not_equal", "engines", why="; ".join(wrong)[:400],
                       counterexample={"wrong": wrong, "verdicts": table}, evidence={"scope": scope})
    return Verdict("equal", "engines", why="no trap is equal under any method; every identity is equal",
                   evidence={"scope": scope, "verdicts": table})


# =========================================================================================================
def load() -> None:
    register(Claim(
        "sat-encoder", "engine soundness (issue 7): SAT miter, Tseitin/BDD encoding of threshold gates",
        "On random and/or/xor/not/threshold circuits with 1..12 inputs (seed 0; θ on the boundary, negative "
        "weights, repeated and constant arguments), check_sat gives the verdict of exhaustive evaluation for "
        "each circuit against a one-gate mutant, an equivalent rewrite and its truth table, and every SAT "
        "counterexample reproduces.",
        [Check("SAT vs brute force on random circuit pairs", check_sat_encoder, kind="finite"),
         Check("negative control: two circuits differing in one θ by one", sat_theta_control, "not_equal"),
         Check("negative control: the comparison with an encoder whose θ is off by one",
               lambda q: check_sat_encoder(q, encoder_bug=True), "not_equal")]))
    register(Claim(
        "equivalence-traps", "engine soundness (issue 7, items 1–3 and acceptance)",
        "No engine (auto, symbolic, pit) answers equal on the review's reproducers: x^(p−1) vs 1 (p = 2^31−1), "
        "Π_{a=1..100}(x−a) vs 0, (2^31−1)·x vs x−x, x/2 vs 2^30·x; and (x+y)² vs x²+2xy+y² and the final "
        "states of a dense LRNN (n = 6, d = 2) under serial vs Brent–Kung scans come out equal under each "
        "method (symbolically or with an error bound ≤ 2^-40).",
        [Check("the reproducers under every method", check_traps, kind="finite"),
         Check("negative control: a naive fixed-prime PIT must be caught on the traps",
               lambda q: check_traps(q, engine=_naive_pit), "not_equal")]))
