"""Claims about weighted automata and their LRNNs (:mod:`constructions.automata.wfa`, ``.overwrite``).

* ``wfa-to-pd-lrnn`` — Thm 8: a zero-threshold deterministic WFA is simulated by a one-layer PD-LRNN in token
  mode. Random deterministic WFAs (2–5 states, 2 symbols) and random DFAs: every word up to length 8 through
  the built circuit (one circuit per automaton, n = 8, evaluated exactly over Fractions on all words of length
  8 at once; output ``y[t]`` is the weight of the prefix of length t+1, the empty word is ``h0 · readout``).
  The circuit's output equals the WFA's weight exactly and its sign test (``y > 0``) equals acceptance.
* ``wfa-to-dplr-lrnn`` — Lemma 6 and Thm 6: every d×d rational matrix is a product of at most 2d − 1 factors
  ``I + u vᵀ`` (random matrices, singular ones included, exact); and any WFA is computed exactly by a rank-1
  DPLR-LRNN with K = 2d − 1 steps per token (random WFAs, 3–6 states, 2 symbols, every word up to length 6).

Negative controls (the same checks must reject): a PD-LRNN with one token's transition permuted wrongly, a
factorisation / DPLR-LRNN with one factor's sign flipped. Registered by ``load()``.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from .claims import Check, Claim, register
from .verdict import Verdict

THM8 = {True: {"wfas": 8, "dfas": 2, "L": 8, "wfas3": 1, "L3": 4},
        False: {"wfas": 200, "dfas": 20, "L": 8, "wfas3": 20, "L3": 6}}
THM6 = {True: {"wfas": 4, "L": 6}, False: {"wfas": 100, "L": 6}}
THM6_EXPANDED = {True: {"wfas": 1, "L": 3}, False: {"wfas": 8, "L": 4}}
FACTOR = {True: 120, False: 2000}


def _refuted(why, cex, so_far) -> Verdict:
    return Verdict("not_equal", "reference", why=why, counterexample=cex, evidence={"scope_so_far": so_far})


def _label(word) -> str:
    return "".join(str(int(a)) for a in word) or "ε"


def _compare_prefixes(wfa, Y, L, s, accept_only: bool = False):
    """Compare circuit outputs Y (s^L, L) — column ℓ−1 holds the prefixes of length ℓ — with the WFA on every
    word of length 1..L (each word once). Returns None, or (why, counterexample) naming the first word whose
    acceptance differs (else the first whose weight differs) and how many words differ in each sense.
    ``accept_only``: only acceptance counts (the statement of Thm 8 proper)."""
    from constructions.automata.wfa import all_words
    ref = wfa.weights_by_length(L)
    first_acc = first_w = None
    n_acc = n_w = 0
    for ell in range(1, L + 1):
        got = Y[:: s ** (L - ell), ell - 1]  # one row per word of length ℓ, in all_words order
        want = ref[ell]
        acc_bad = np.flatnonzero((got > 0) != (want > 0))
        w_bad = np.flatnonzero(got != want)
        n_acc += acc_bad.size
        n_w += w_bad.size
        W = all_words(s, ell)
        if acc_bad.size and first_acc is None:
            i = int(acc_bad[0])
            first_acc = (_label(W[i]), str(got[i]), str(want[i]))
        if w_bad.size and first_w is None:
            i = int(w_bad[0])
            first_w = (_label(W[i]), str(got[i]), str(want[i]))
    if not n_acc and (accept_only or not n_w):
        return None
    total = sum(s ** ell for ell in range(1, L + 1))
    word, got, want = first_acc or first_w
    what = "acceptance (y > 0)" if first_acc else "weight"
    return (f"{what} differs on word {word} (acceptance differs on {n_acc}, weight on {n_w} of {total} words)",
            {"word": word, "circuit": got, "wfa": want, "acceptance_mismatches": n_acc, "weight_mismatches": n_w})


# ---------------------------------------------------------------------------------------------------------
# Thm 8
def _wrong_perm(tokens: dict) -> dict:
    """Token 0's transition permuted wrongly: the one-hots of its columns 0 and 1 trade places (state 0 goes
    where state 1 should, and vice versa); D unchanged."""
    P = np.array(tokens["P"], copy=True)
    P[0][:, [0, 1]] = P[0][:, [1, 0]]
    return {**tokens, "P": P}


def thm8_automata(quick: bool):
    """(kind, index, alphabet size, max word length, WFA): deterministic WFAs (2–5 states) and DFAs (3–6
    states) over 2 symbols to length L; deterministic WFAs over 3 symbols to length L3."""
    from constructions.automata.dfa import random_dfa
    from constructions.automata.wfa import dfa_to_wfa, random_deterministic_wfa
    cfg = THM8[quick]
    out = [("wfa", i, 2, cfg["L"], random_deterministic_wfa(2 + i % 4, 2, seed=8000 + i))
           for i in range(cfg["wfas"])]
    out += [("dfa", i, 2, cfg["L"], dfa_to_wfa(random_dfa(3 + i % 4, 2, seed=8800 + i)))
            for i in range(cfg["dfas"])]
    out += [("wfa3", i, 3, cfg["L3"], random_deterministic_wfa(2 + i % 4, 3, seed=8500 + i))
            for i in range(cfg["wfas3"])]
    return out


def check_thm8(quick: bool, broken: bool = False, accept_only: bool = False) -> Verdict:
    """Every word through the PD-LRNN circuit: the output equals the weight and ``y > 0`` equals acceptance
    (``accept_only``: acceptance alone)."""
    from constructions.automata.wfa import all_words, build_pd_lrnn, pd_tokens
    cfg = THM8[quick]
    inputs = {}
    words = accepted = 0
    for kind, i, s, L, wfa in thm8_automata(quick):
        if (s, L) not in inputs:
            inputs[(s, L)] = np.eye(s, dtype=np.int64)[all_words(s, L)]
        tok = pd_tokens(wfa)
        if broken:
            tok = _wrong_perm(tok)
        c = build_pd_lrnn(wfa, L, scan="brent-kung", tokens=tok)
        Y = np.asarray(c.evaluate({"x": inputs[(s, L)]}, domain="fraction")["y"], dtype=object)
        # the empty word: the LRNN's initial state read out (h0 = α, readout β, the circuit's constants)
        if sum(a * b for a, b in zip(wfa.alpha.tolist(), wfa.beta.tolist())) != wfa.weight([]):
            return _refuted("empty word", {"automaton": f"{kind} {i}"}, {"automata": i})
        bad = _compare_prefixes(wfa, Y, L, s, accept_only)
        if bad:
            why, cex = bad
            return _refuted(f"{kind} {i} ({wfa.num_states} states): {why}", {"automaton": f"{kind} {i}", **cex},
                            {"automata_before": i, "words": words})
        words += sum(s ** ell for ell in range(L + 1))
        accepted += int(sum((Y[:: s ** (L - ell), ell - 1] > 0).sum() for ell in range(1, L + 1)))
        accepted += int(wfa.weight([]) > 0)
    L, L3 = cfg["L"], cfg["L3"]
    scope = {"random deterministic WFAs": cfg["wfas"], "random DFAs (as WFAs)": cfg["dfas"],
             "states": [2, 6], "alphabet": 2, "word length": [0, L],
             "words per automaton": sum(2 ** ell for ell in range(L + 1)),
             "random deterministic WFAs over 3 symbols": cfg["wfas3"], "word length (3 symbols)": [0, L3],
             "words per automaton (3 symbols)": sum(3 ** ell for ell in range(L3 + 1)), "scan": "brent-kung"}
    return Verdict("equal", "reference", evidence={"scope": scope, "words_checked": words,
                                                   "words_accepted": accepted,
                                                   "domain": "fraction (exact)"})


# ---------------------------------------------------------------------------------------------------------
# Lemma 6: the factorisation
def random_matrices(count: int, seed: int = 6):
    """Random d×d rational matrices, d = 1..6: full random, low rank (rank 0..d−1), permutations (with signs),
    nilpotent shifts and zero first columns; small numerators and denominators."""
    rng = np.random.default_rng(seed)

    def ent(*shape):
        num, den = rng.integers(-2, 3, size=shape), rng.integers(1, 4, size=shape)
        out = np.empty(shape, dtype=object)
        out.ravel()[:] = [Fraction(int(a), int(b)) for a, b in zip(num.ravel(), den.ravel())]
        return out

    for t in range(count):
        d = 1 + t % 6
        kind = (t // 6) % 5
        if kind == 0:
            M = ent(d, d)
        elif kind == 1:
            r = int(rng.integers(0, d))
            M = ent(d, r).dot(ent(r, d)) if r else np.full((d, d), Fraction(0), dtype=object)
        elif kind == 2:
            M = (np.eye(d, dtype=np.int64)[rng.permutation(d)] * rng.choice([-1, 1], size=d)).astype(object)
        elif kind == 3:
            M = np.eye(d, k=1, dtype=np.int64).astype(object)
        else:
            M = ent(d, d)
            M[:, 0] = Fraction(0)
        yield np.vectorize(Fraction, otypes=[object])(M)


def _flip_one(factors):
    """One factor's sign flipped: the first factor's u becomes −u."""
    fs = list(factors)
    if fs:
        u, v = fs[0]
        fs[0] = (tuple(-a for a in u), v)
    return fs


def check_factorisation(quick: bool, broken: bool = False) -> Verdict:
    from constructions.automata.overwrite import deltanet_form, factors_product, overwrite_factors
    count = FACTOR[quick]
    most, total, delta, betas, singular = {}, 0, 0, set(), 0
    for t, M in enumerate(random_matrices(count)):
        d = M.shape[0]
        fs = overwrite_factors(M)
        if broken:  # on matrices of size ≥ 3, so the counterexample is not a trivial 1×1 or 2×2 one
            if not fs or d < 3:
                continue
            fs = _flip_one(fs)
        if len(fs) > 2 * d - 1:
            return _refuted(f"{len(fs)} factors for d = {d} (bound 2d − 1)", {"M": M.tolist()}, {"matrices": t})
        P = factors_product(fs, d)
        if not (P == M).all():
            return _refuted(f"the product of the factors is not M (d = {d})", {"M": M.tolist(),
                            "product": P.tolist()}, {"matrices": t})
        most[d] = max(most.get(d, 0), len(fs))
        total += len(fs)
        singular += int(np.linalg.matrix_rank(np.array(M, dtype=float)) < d)
        for u, v in fs:
            dn = deltanet_form(u, v)
            if dn is not None:
                delta += 1
                betas.add(str(dn[0]))
    scope = {"matrices": count, "d": [1, 6], "entries": "n/m, n in -2..2, m in 1..3; permutations, nilpotent, "
             "low rank, zero first column"}
    return Verdict("equal", "algebra", evidence={
        "scope": scope, "singular_matrices": singular, "max_factors_by_d": {str(k): v for k, v in sorted(most.items())},
        "bound": "2d - 1", "factors": total, "deltanet_form_factors": delta,
        "deltanet_beta_range": [str(min(betas, key=Fraction)), str(max(betas, key=Fraction))] if betas else None})


# ---------------------------------------------------------------------------------------------------------
# Thm 6
def check_thm6(quick: bool, broken: bool = False) -> Verdict:
    from constructions.automata.overwrite import overwrite_factors
    from constructions.automata.wfa import all_words, build_dplr_lrnn, dplr_tokens, random_wfa, steps_per_token
    cfg = THM6[quick]
    L, s = cfg["L"], 2
    X = np.eye(s, dtype=np.int64)[all_words(s, L)]
    words, nfactors, sizes, depths = 0, [], [], []
    for i in range(cfg["wfas"]):
        wfa = random_wfa(3 + i % 4, s, seed=6000 + i)
        k = wfa.num_states
        fs = [overwrite_factors(wfa.A[a].T) for a in range(s)]
        if broken:
            a = next(a for a in range(s) if fs[a])
            fs[a] = _flip_one(fs[a])
        nfactors += [len(f) for f in fs]
        c = build_dplr_lrnn(wfa, L, scan="brent-kung", tokens=dplr_tokens(wfa, factors=fs))
        sizes.append(c.size())
        depths.append(c.depth())
        Y = np.asarray(c.evaluate({"x": X}, domain="fraction")["y"], dtype=object)
        bad = _compare_prefixes(wfa, Y, L, s)
        if bad:
            why, cex = bad
            return _refuted(f"WFA {i} ({k} states, K = {steps_per_token(k)}): {why}",
                            {"wfa": i, **cex}, {"wfas_before": i, "words": words})
        words += sum(s ** ell for ell in range(1, L + 1))
    scope = {"random WFAs": cfg["wfas"], "states": [3, 6], "alphabet": s, "word length": [1, L],
             "words per WFA": sum(s ** ell for ell in range(1, L + 1)), "scan": "brent-kung",
             "empty word": "h0 · readout = αᵀβ (the initial state read out; no steps)",
             "weights": "n/m, n in -2..2, m in 1..3; some A[σ] singular"}
    return Verdict("equal", "reference", evidence={
        "scope": scope, "words_checked": words, "factors_per_symbol_max": max(nfactors),
        "factors_per_symbol_mean": round(sum(nfactors) / len(nfactors), 3),
        "steps_per_token": "K = 2d - 1", "circuit_size_range": [min(sizes), max(sizes)],
        "circuit_depth_range": [min(depths), max(depths)], "domain": "fraction (exact)"})


def check_thm6_expanded(quick: bool, broken: bool = False) -> Verdict:
    """The same DPLR steps as a plain token-mode LRNN (``build_lrnn("dplr", rank=1, mode="token")``) over the
    s·K expanded tokens, the words expanded by :func:`expand_word`; outputs at token boundaries."""
    from constructions.automata.overwrite import overwrite_factors
    from constructions.automata.wfa import (all_words, build_dplr_lrnn_expanded, dplr_tokens, expand_word,
                                            random_wfa, steps_per_token)
    cfg = THM6_EXPANDED[quick]
    L, s = cfg["L"], 2
    W = all_words(s, L)
    words = 0
    for i in range(cfg["wfas"]):
        wfa = random_wfa(3 + i % 4, s, seed=6500 + i)
        K = steps_per_token(wfa.num_states)
        fs = [overwrite_factors(wfa.A[a].T) for a in range(s)]
        if broken:
            a = next(a for a in range(s) if fs[a])
            fs[a] = _flip_one(fs[a])
        c = build_dplr_lrnn_expanded(wfa, L, scan="brent-kung", tokens=dplr_tokens(wfa, factors=fs))
        X = np.eye(s * K, dtype=np.int64)[expand_word(W, K)]
        Y = np.asarray(c.evaluate({"x": X}, domain="fraction")["y"], dtype=object)[:, K - 1::K]
        bad = _compare_prefixes(wfa, Y, L, s)
        if bad:
            why, cex = bad
            return _refuted(f"WFA {i} ({wfa.num_states} states, expanded tokens): {why}", {"wfa": i, **cex},
                            {"wfas_before": i})
        words += sum(s ** ell for ell in range(1, L + 1))
    scope = {"random WFAs": cfg["wfas"], "states": [3, min(6, 2 + cfg["wfas"])], "alphabet": s,
             "word length": [1, L], "encoding": "build_lrnn('dplr', n·K, rank=1, mode='token') over s·K tokens"}
    return Verdict("equal", "reference", evidence={"scope": scope, "words_checked": words})


def load() -> None:
    register(Claim(
        "wfa-to-pd-lrnn", "Thm 8",
        "A zero-threshold deterministic WFA (accept iff weight > 0) is simulated by a one-layer PD-LRNN in token "
        "mode: h0 = α, transitions P_σ diag(D_σ) = A_σᵀ, readout β; the output equals the weight exactly.",
        [Check("pd-lrnn-every-word", check_thm8),
         Check("pd-lrnn-wrong-permutation", lambda q: check_thm8(q, broken=True), expect="not_equal"),
         Check("pd-lrnn-wrong-permutation-acceptance", lambda q: check_thm8(q, broken=True, accept_only=True),
               expect="not_equal")]))
    register(Claim(
        "wfa-to-dplr-lrnn", "Lemma 6, Thm 6",
        "Every d×d rational matrix is a product of at most 2d − 1 (≤ 2d) factors I + u vᵀ; hence every WFA over Q "
        "is computed exactly by a rank-1 DPLR-LRNN taking K = 2d − 1 steps per token.",
        [Check("overwrite-factorisation", check_factorisation),
         Check("overwrite-sign-flipped", lambda q: check_factorisation(q, broken=True), expect="not_equal"),
         Check("dplr-lrnn-every-word", check_thm6),
         Check("dplr-lrnn-sign-flipped", lambda q: check_thm6(q, broken=True), expect="not_equal"),
         Check("dplr-lrnn-expanded-tokens", check_thm6_expanded),
         Check("dplr-lrnn-expanded-sign-flipped", lambda q: check_thm6_expanded(q, broken=True),
               expect="not_equal")]))


# ---------------------------------------------------------------------------------------------------------
# the figures block of docs/automata.md
_BEGIN, _END = "<!-- wfa-figures:begin -->", "<!-- wfa-figures:end -->"


def figures_block(quick: bool = False) -> str:
    """The markdown block of checked ranges and figures, from runs of the checks (full ranges by default)."""
    v8, vf, v6, vx = check_thm8(quick), check_factorisation(quick), check_thm6(quick), check_thm6_expanded(quick)
    for name, v in (("thm8", v8), ("factorisation", vf), ("thm6", v6), ("thm6-expanded", vx)):
        if v.status != "equal":
            raise RuntimeError(f"{name} check did not hold: {v.why}")
    e8, ef, e6 = v8.evidence, vf.evidence, v6.evidence
    s8, sf, s6 = e8["scope"], ef["scope"], e6["scope"]
    most = ", ".join(f"d={d}: {m} (2d−1 = {2 * int(d) - 1})" for d, m in ef["max_factors_by_d"].items())
    lines = [
        f"- **Thm 8** (`wfa-to-pd-lrnn`): {s8['random deterministic WFAs']} random deterministic WFAs and "
        f"{s8['random DFAs (as WFAs)']} random DFAs, {s8['states'][0]}–{s8['states'][1]} states, "
        f"{s8['alphabet']} symbols, every word of length {s8['word length'][0]}–{s8['word length'][1]} "
        f"({s8['words per automaton']} per automaton); and {s8['random deterministic WFAs over 3 symbols']} "
        f"random deterministic WFAs over 3 symbols, every word of length 0–{s8['word length (3 symbols)'][1]} "
        f"({s8['words per automaton (3 symbols)']:,} per automaton). In all {e8['words_checked']:,} words, "
        f"{e8['words_accepted']:,} accepted: the PD-LRNN circuit's output equals the weight exactly and `y > 0` "
        f"equals acceptance (exact Fractions, {s8['scan']} scan).",
        f"- **Lemma 6** (`overwrite-factorisation`): {sf['matrices']:,} random matrices, d = {sf['d'][0]}–"
        f"{sf['d'][1]} ({ef['singular_matrices']:,} singular): the product of the factors equals M exactly. Most "
        f"factors seen: {most}. Of {ef['factors']:,} factors, {ef['deltanet_form_factors']:,} have the DeltaNet "
        f"form I − β k kᵀ, with β from {ef['deltanet_beta_range'][0]} to {ef['deltanet_beta_range'][1]}.",
        f"- **Thm 6** (`dplr-lrnn-every-word`): {s6['random WFAs']} random WFAs, {s6['states'][0]}–"
        f"{s6['states'][1]} states, {s6['alphabet']} symbols, every word of length {s6['word length'][0]}–"
        f"{s6['word length'][1]} ({e6['words_checked']:,} words): the rank-1 DPLR-LRNN's output equals the "
        f"WFA's weight exactly. Overwrite factors per symbol: at most {e6['factors_per_symbol_max']}, mean "
        f"{e6['factors_per_symbol_mean']} (K = 2k − 1 ≤ 11 steps per token); circuit sizes "
        f"{e6['circuit_size_range'][0]:,}–{e6['circuit_size_range'][1]:,} gates, depth "
        f"{e6['circuit_depth_range'][0]}–{e6['circuit_depth_range'][1]} ({s6['scan']} scan, n = "
        f"{s6['word length'][1]} tokens).",
        f"- **Thm 6, expanded tokens** (`dplr-lrnn-expanded-tokens`): {vx.evidence['scope']['random WFAs']} more "
        f"random WFAs through `build_lrnn(\"dplr\", rank=1, mode=\"token\")` over the s·K expanded tokens, every "
        f"word of length 1–{vx.evidence['scope']['word length'][1]} ({vx.evidence['words_checked']} words): "
        f"exact.",
    ]
    return "\n".join(lines)


def _splice(doc: str, block: str) -> str:
    if _BEGIN not in doc or _END not in doc:
        raise SystemExit(f"the figure markers {_BEGIN} … {_END} are missing")
    head, rest = doc.split(_BEGIN, 1)
    _, tail = rest.split(_END, 1)
    return f"{head}{_BEGIN}\n{block}\n{_END}{tail}"


def main(argv=None) -> int:
    import argparse
    from pathlib import Path
    ap = argparse.ArgumentParser(description="Write or check the figures block of docs/automata.md.")
    ap.add_argument("--write", metavar="DOC", help="rewrite the block in this markdown file")
    ap.add_argument("--check", metavar="DOC", help="exit 1 if the block in this file differs from a fresh run")
    ap.add_argument("--quick", action="store_true", help="quick ranges (for trying it out; not for the docs)")
    a = ap.parse_args(argv)
    block = figures_block(a.quick)
    if a.write:
        p = Path(a.write)
        p.write_text(_splice(p.read_text(), block))
    elif a.check:
        p = Path(a.check)
        doc = p.read_text()
        if _splice(doc, block) != doc:
            print(f"{p}: the figures block is out of date (run --write)")
            return 1
        print(f"{p}: the figures block is up to date")
    else:
        print(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
