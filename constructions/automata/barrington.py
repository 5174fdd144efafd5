"""Barrington's theorem (Barrington 1989, "Bounded-width polynomial-size branching programs recognize exactly
those languages in NC¹"): a boolean formula of depth d becomes a width-5 permutation branching program over S₅
of length ≤ 4^d, and the program becomes a PD-LRNN whose transitions are 5×5 permutation matrices.

**Formulas.** Text with variables ``x1, x2, …`` (1-based), ``~`` (not), ``&`` (and), ``^`` (xor), ``|`` (or)
and parentheses. Precedence, tightest first: ``~`` > ``&`` > ``^`` > ``|``; binary operators associate to the
left (``x1 & x2 & x3`` is ``(x1 & x2) & x3``). ``parse`` returns a tree of tuples: ``("var", i)``,
``("not", f)``, ``("and", f, g)``, ``("or", f, g)``, ``("xor", f, g)``. The depth counts every operator,
``~`` included (a variable has depth 0).

**Programs.** An instruction ``(i, p0, p1)`` reads variable ``x_i`` and yields the permutation ``p0`` if
``x_i = 0`` and ``p1`` if ``x_i = 1`` (image tuples of 0..4). A program ``I_1 … I_L`` is read left to right and
its value on an assignment is ``perm_L ∘ … ∘ perm_1`` — perm_1 is applied first (:mod:`.perm` conventions). A
program *γ-computes* f when its value is γ if f = 1 and the identity if f = 0. ``compile_formula`` returns a
program that computes the formula with the target ``TARGET`` = the 5-cycle (0 1 2 3 4).

**The construction** (``build``; every target γ is a non-identity element of A₅):

* ``x_i`` with target γ: the one instruction ``(i, e, γ)``.
* ``¬f`` with target γ: a program for f with target γ⁻¹, then the constant γ, folded into the last instruction
  (both of its permutations composed with γ): value γ∘γ⁻¹ = e if f, γ if not.
* ``f ∧ g`` with target γ: σ, τ ∈ A₅ with ``[σ, τ] = σ⁻¹τ⁻¹στ = γ`` (both 5-cycles when γ is a 5-cycle or a
  3-cycle, as in Barrington's proof; 3-cycles for the double transpositions); the program is
  ``P(g, τ) · P(f, σ) · P(g, τ⁻¹) · P(f, σ⁻¹)`` read left to right, with value σ^{-f} τ^{-g} σ^f τ^g: γ if
  f = g = 1, e otherwise.
* ``f ∨ g`` = ``¬(¬f ∧ ¬g)`` (De Morgan).
* ``f ⊕ g`` with target γ, as a product of three programs: ``P(f, α₁) · P(g, γ) · P(f, α₂)`` with
  ``α₂ γ⁻¹ α₂⁻¹ = γ`` and ``α₁ = γ⁻¹ α₂⁻¹``. Its value is α₂^f γ^g α₁^f: e for (0, 0), γ for (0, 1),
  ``α₂α₁ = α₂γ⁻¹α₂⁻¹ = γ`` for (1, 0) and ``α₂γα₁ = e`` for (1, 1). The shorter operand is the doubled one.

So the length before optimisation follows the recursion (``length_recursion``)::

    L(x) = 1,  L(¬f) = L(f),  L(f ∧ g) = L(f ∨ g) = 2 L(f) + 2 L(g),  L(f ⊕ g) = L(f) + L(g) + min(L(f), L(g))

hence L ≤ 4^d, and a balanced AND of 2^k inputs has L = 4^k exactly.

**Peephole optimiser** (``optimize``): an instruction whose two permutations are equal is a constant; it is
moved into the next instruction (or into the previous one at the end) and disappears — identities are
constants too; adjacent instructions on the same variable merge into one (their permutations composed). The
result has no constant instruction and no two neighbours on one variable (a formula whose program is constant,
such as ``x1 ^ x1``, keeps one constant instruction).

**PD-LRNN** (``program_lrnn``): position k of the input carries the token ``x_{i_k} ∈ {0, 1}`` (the bit the k-th
instruction reads), one-hot as ``x[k][0], x[k][1]``; the transition at position k is
``P_k = x[k][0]·matrix(p0_k) + x[k][1]·matrix(p1_k)``, ``D = 1``, ``b = 0`` — token mode with one two-letter
alphabet per position (the transitions depend on the position, so the per-position constants are built here
rather than by :func:`constructions.lrnn.token_transitions`, whose constants are shared by all positions). The
start vector is ``h0 = (0, 1, 2, 3, 4)``; the states come from :func:`constructions.lrnn.scan_states` with any
scan schedule, so the depth is O(log L). The final state is ``matrix(value) h0``; the formula is true iff it
equals ``matrix(TARGET) h0`` (``TARGET_STATE``), and otherwise it equals h0.
"""
from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

import numpy as np

from circuits import WIRE, Circuit, CircuitError

from . import perm

__all__ = ["parse", "to_text", "depth", "num_vars", "evaluate_formula", "assignments", "Program", "build",
           "compile_formula", "optimize", "length_recursion", "TARGET", "TARGET_STATE", "H0", "program_values",
           "program_lrnn", "run_program_lrnn", "random_formula", "balanced_and", "PRECEDENCE", "MAX_LENGTH"]

E = perm.identity(5)
TARGET = perm.cycle(5, 0, 1, 2, 3, 4)
H0 = (0, 1, 2, 3, 4)
TARGET_STATE = tuple(int(v) for v in perm.matrix(TARGET) @ np.array(H0))
PRECEDENCE = ("~", "&", "^", "|")  # tightest first

# ---------------------------------------------------------------------------------------------------------
# formulas
_TOKEN = re.compile(r"\s*(?:(x\d+)|([&|^~()]))")


def _tokens(text: str) -> list:
    if not isinstance(text, str):
        raise CircuitError(f"a formula must be text, got {type(text).__name__}")
    out, pos = [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise CircuitError(f"formula: unexpected {text[pos]!r} at column {pos + 1} (use x1, x2, …, ~, &, ^, |, "
                               f"parentheses)")
        if m.group(1):
            i = int(m.group(1)[1:])
            if i < 1:
                raise CircuitError(f"formula: variables are numbered from 1 (x1, x2, …), got {m.group(1)!r}")
            out.append(("var", i, pos))
        else:
            out.append((m.group(2), None, pos))
        pos = m.end()
    out.append(("end", None, len(text)))
    return out


def parse(text: str):
    """The formula tree of ``text`` (see the module docstring); a one-line ``CircuitError`` for bad text."""
    try:
        return _parse(text)
    except RecursionError:
        raise CircuitError("formula: nested too deeply") from None


def _parse(text: str):
    toks = _tokens(text)
    if toks[0][0] == "end":
        raise CircuitError("formula: empty")
    pos = 0

    def peek():
        return toks[pos][0]

    def take(kind):
        nonlocal pos
        t = toks[pos]
        if t[0] != kind:
            what = "the end" if t[0] == "end" else repr(t[0] if t[0] != "var" else f"x{t[1]}")
            raise CircuitError(f"formula: expected {kind!r} at column {t[2] + 1}, found {what}")
        pos += 1
        return t

    def atom():
        nonlocal pos
        t = toks[pos]
        if t[0] == "var":
            pos += 1
            return ("var", t[1])
        if t[0] == "~":
            pos += 1
            return ("not", atom())
        if t[0] == "(":
            pos += 1
            f = level(len(_BIN) - 1)
            take(")")
            return f
        what = "the end" if t[0] == "end" else repr(t[0])
        raise CircuitError(f"formula: expected a variable, '~' or '(' at column {t[2] + 1}, found {what}")

    def level(k):  # k indexes _BIN, tightest first
        if k < 0:
            return atom()
        sym, name = _BIN[k]
        f = level(k - 1)
        while peek() == sym:
            take(sym)
            f = (name, f, level(k - 1))
        return f

    f = level(len(_BIN) - 1)
    if peek() != "end":
        t = toks[pos]
        raise CircuitError(f"formula: unexpected {t[0] if t[0] != 'var' else 'x%d' % t[1]!r} at column {t[2] + 1}")
    return f


_BIN = (("&", "and"), ("^", "xor"), ("|", "or"))
_SYM = {"and": "&", "xor": "^", "or": "|"}


def to_text(f) -> str:
    """Fully parenthesised text that ``parse`` reads back to the same tree."""
    if f[0] == "var":
        return f"x{f[1]}"
    if f[0] == "not":
        return "~" + to_text(f[1])
    return f"({to_text(f[1])} {_SYM[f[0]]} {to_text(f[2])})"


def depth(f) -> int:
    if f[0] == "var":
        return 0
    return 1 + max(depth(g) for g in f[1:])


def num_vars(f) -> int:
    """The largest variable index."""
    if f[0] == "var":
        return f[1]
    return max(num_vars(g) for g in f[1:])


def assignments(n: int) -> np.ndarray:
    """Every assignment of n variables, shape (2^n, n), bool; column j is x_{j+1}."""
    idx = np.arange(1 << n)
    return ((idx[:, None] >> np.arange(n)) & 1).astype(bool)


def evaluate_formula(f, X) -> np.ndarray:
    """The formula on a batch of assignments X (shape (B, ≥ num_vars)), bool (B,)."""
    X = np.asarray(X, dtype=bool)
    op = f[0]
    if op == "var":
        return X[:, f[1] - 1]
    if op == "not":
        return ~evaluate_formula(f[1], X)
    a, b = evaluate_formula(f[1], X), evaluate_formula(f[2], X)
    return {"and": a & b, "or": a | b, "xor": a ^ b}[op]


def balanced_and(k: int):
    """The balanced AND of 2^k variables x1 … x_{2^k}."""
    leaves = [("var", i + 1) for i in range(1 << k)]
    while len(leaves) > 1:
        leaves = [("and", leaves[j], leaves[j + 1]) for j in range(0, len(leaves), 2)]
    return leaves[0]


def random_formula(rng, max_depth: int, n_vars: int, leaf_prob: float = 0.2):
    """A random formula of depth ≤ max_depth over x1..x_{n_vars}: below the root, a node is a leaf with
    probability ``leaf_prob`` (always at depth budget 0); inner nodes are ~, &, |, ^ with probabilities
    1/7, 2/7, 2/7, 2/7."""
    def gen(budget, root):
        if budget == 0 or (not root and rng.random() < leaf_prob):
            return ("var", int(rng.integers(1, n_vars + 1)))
        op = ("not", "and", "and", "or", "or", "xor", "xor")[int(rng.integers(0, 7))]
        if op == "not":
            return ("not", gen(budget - 1, False))
        return (op, gen(budget - 1, False), gen(budget - 1, False))
    return gen(int(max_depth), True)


# ---------------------------------------------------------------------------------------------------------
# the group-theoretic gadgets (computed, not typed: searched in A₅ once)
def _sign(p) -> int:
    return -1 if sum(1 for i in range(len(p)) for j in range(i) if p[j] > p[i]) % 2 else 1


@functools.lru_cache(maxsize=None)
def _a5() -> tuple:
    return tuple(p for p in itertools.permutations(range(5)) if _sign(p) == 1)


@functools.lru_cache(maxsize=None)
def _and_pairs() -> dict:
    """γ ↦ (σ, τ) with [σ, τ] = γ, for every γ ∈ A₅ ∖ {e}: the first pair in sorted order with both 5-cycles,
    else with both 3-cycles, else any pair of non-identity elements."""
    out = {}
    rank = {(5,): 0, (3, 1, 1): 1}
    best = {}
    for s in _a5():
        for t in _a5():
            if s == E or t == E:
                continue
            g = perm.commutator(s, t)
            if g == E:
                continue
            r = max(rank.get(perm.cycle_type(s), 2), rank.get(perm.cycle_type(t), 2))
            if g not in best or r < best[g]:
                best[g] = r
                out[g] = (s, t)
    return out


@functools.lru_cache(maxsize=None)
def _xor_conjugators() -> dict:
    """γ ↦ (α₁, α₂) with α₂ γ⁻¹ α₂⁻¹ = γ, α₁ = γ⁻¹ α₂⁻¹, both in A₅ ∖ {e} (the first α₂ in sorted order)."""
    out = {}
    for g in _a5():
        if g == E:
            continue
        gi = perm.inverse(g)
        for a2 in _a5():
            a1 = perm.compose(gi, perm.inverse(a2))
            if a2 != E and a1 != E and perm.compose(a2, perm.compose(gi, perm.inverse(a2))) == g:
                out[g] = (a1, a2)
                break
    return out


# ---------------------------------------------------------------------------------------------------------
# programs
@dataclass(frozen=True)
class Program:
    """A width-5 permutation program: ``instructions`` is a tuple of ``(var_index (1-based), perm_if_0,
    perm_if_1)``; it computes its formula with ``target``: value ``target`` if true, identity if false."""

    instructions: tuple
    target: tuple
    n_vars: int

    def __len__(self) -> int:
        return len(self.instructions)

    def value(self, assignment) -> tuple:
        """``perm_L ∘ … ∘ perm_1`` on one assignment (a sequence of bits, x1 first)."""
        return perm.compose_word([p1 if assignment[i - 1] else p0 for i, p0, p1 in self.instructions], 5)

    def to_json(self) -> dict:
        return {"length": len(self), "target": list(self.target),
                "program": [[int(i), list(p0), list(p1)] for i, p0, p1 in self.instructions]}


def _check_target(target) -> tuple:
    target = tuple(int(v) for v in target)
    if target == E or not perm.is_permutation(target) or len(target) != 5 or _sign(target) != 1:
        raise CircuitError(f"a target must be a non-identity even permutation of 5 points, got {target!r}")
    return target


def build(f, target=TARGET, _mutant: str | None = None) -> list:
    """The instructions of a program that ``target``-computes the formula tree f, before optimisation (see the
    module docstring). ``_mutant`` plants a bug, for negative controls only: ``"commutator-order"`` (AND's
    four blocks in the order f, g, f⁻¹, g⁻¹: value [τ, σ] = γ⁻¹), ``"conjugation"`` (AND's third block with
    target τ instead of τ⁻¹), ``"xor-conjugator"`` (XOR's last block with α₁ instead of α₂)."""
    if _mutant not in (None, "commutator-order", "conjugation", "xor-conjugator"):
        raise CircuitError(f"unknown mutant {_mutant!r}")
    return _build(f, _check_target(target), _mutant)


def _build(f, g, mut) -> list:
    op = f[0]
    if op == "var":
        return [(f[1], E, g)]
    if op == "not":
        body = _build(f[1], perm.inverse(g), mut)
        i, a0, a1 = body[-1]
        return body[:-1] + [(i, perm.compose(g, a0), perm.compose(g, a1))]
    if op == "or":
        return _build(("not", ("and", ("not", f[1]), ("not", f[2]))), g, mut)
    if op == "and":
        s, t = _and_pairs()[g]
        si, ti = perm.inverse(s), perm.inverse(t)
        A, B = _build(f[2], t, mut), _build(f[1], s, mut)
        C = _build(f[2], t if mut == "conjugation" else ti, mut)
        D = _build(f[1], si, mut)
        return (B + A + D + C) if mut == "commutator-order" else (A + B + C + D)
    if op == "xor":
        lf, lg = length_recursion(f[1]), length_recursion(f[2])
        dbl, once = (f[1], f[2]) if lf <= lg else (f[2], f[1])
        a1, a2 = _xor_conjugators()[g]
        return _build(dbl, a1, mut) + _build(once, g, mut) + _build(dbl, a1 if mut == "xor-conjugator" else a2, mut)
    raise CircuitError(f"unknown formula node {op!r}")


@functools.lru_cache(maxsize=4096)
def length_recursion(f) -> int:
    """The documented recursion for the length before optimisation: L(x) = 1, L(¬f) = L(f),
    L(f ∧ g) = L(f ∨ g) = 2L(f) + 2L(g), L(f ⊕ g) = L(f) + L(g) + min(L(f), L(g))."""
    op = f[0]
    if op == "var":
        return 1
    if op == "not":
        return length_recursion(f[1])
    a, b = length_recursion(f[1]), length_recursion(f[2])
    if op in ("and", "or"):
        return 2 * a + 2 * b
    return a + b + min(a, b)


def optimize(instructions) -> list:
    """The peephole optimiser (module docstring): constants folded forward, same-variable neighbours merged."""
    out: list = []
    pending = E  # a constant still to be applied before the next instruction
    for i, p0, p1 in instructions:
        p0, p1 = perm.compose(p0, pending), perm.compose(p1, pending)
        pending = E
        if out and out[-1][0] == i:
            _, q0, q1 = out.pop()
            p0, p1 = perm.compose(p0, q0), perm.compose(p1, q1)
        if p0 == p1:
            pending = p0
            continue
        out.append((i, p0, p1))
    if pending != E:
        if out:
            i, q0, q1 = out.pop()
            out.append((i, perm.compose(pending, q0), perm.compose(pending, q1)))
        else:
            out.append((instructions[0][0], pending, pending))
    if not out:  # the program is the identity on every input: keep one instruction
        out.append((instructions[0][0], E, E))
    return out


MAX_LENGTH = 1 << 20


def compile_formula(formula, optimise: bool = True, target=TARGET, max_length: int = MAX_LENGTH) -> Program:
    """A program that ``target``-computes the formula (text or tree); optimised unless ``optimise=False``.
    Refuses (``CircuitError``) a formula whose program before optimisation would exceed ``max_length``."""
    f = parse(formula) if isinstance(formula, str) else formula
    try:
        L = length_recursion(f)
    except RecursionError:
        raise CircuitError("formula: nested too deeply") from None
    if L > max_length:
        raise CircuitError(f"formula: its program would have {L:,} instructions before optimisation, above the "
                           f"limit of {max_length:,}")
    ins = build(f, target)
    if optimise:
        ins = optimize(ins)
    return Program(tuple(ins), tuple(target), num_vars(f))


def program_values(instructions, X) -> np.ndarray:
    """The program's value on a batch of assignments X (shape (B, ≥ n_vars)): (B, 5) image tuples, composed
    instruction by instruction (perm_1 first)."""
    X = np.asarray(X, dtype=bool)
    B = X.shape[0]
    cur = np.tile(np.arange(5), (B, 1))
    rows = np.arange(B)[:, None]
    for i, p0, p1 in instructions:
        p = np.where(X[:, i - 1, None], np.array(p1)[None, :], np.array(p0)[None, :])
        cur = p[rows, cur]  # (p ∘ cur)[j] = p[cur[j]]
    return cur


# ---------------------------------------------------------------------------------------------------------
# the PD-LRNN
def program_lrnn(program, scan: str = "brent-kung", final_only: bool = True) -> Circuit:
    """The PD-LRNN circuit of a program (module docstring): input ``x`` of shape (L, 2) (position k carries the
    one-hot bit read by instruction k), outputs the states ``h[t][i]`` (all t with the schedule ``scan``, or
    the last only, built by the balanced reduction, with ``final_only``)."""
    from constructions.lrnn import Transitions, output_states, scan_states

    ins = program.instructions if isinstance(program, Program) else tuple(program)
    L = len(ins)
    if L < 1:
        raise CircuitError("a program needs at least one instruction")
    c = Circuit("arithmetic")
    x = c.input("x", (L, 2))
    M = np.array([[perm.matrix(p0), perm.matrix(p1)] for _, p0, p1 in ins], dtype=np.int64)  # (L, 2, 5, 5)
    P = np.empty((L, 5, 5), dtype=WIRE)
    zero = int(c.const(0))
    for r in range(5):
        for s in range(5):
            m0, m1 = M[:, 0, r, s] == 1, M[:, 1, r, s] == 1
            P[:, r, s] = zero
            both = m0 & m1
            P[m0 & ~m1, r, s] = x[m0 & ~m1, 0]
            P[m1 & ~m0, r, s] = x[m1 & ~m0, 1]
            if both.any():
                P[both, r, s] = c.add(x[both, 0], x[both, 1])
    D = c.const(np.ones(5, dtype=object), (L, 5))
    b = c.const(np.zeros(5, dtype=object), (L, 5))
    tr = Transitions("pd", 5, {"P": P, "D": D}, b)
    states = scan_states(c, tr, c.const(np.array(H0, dtype=object)), scan=scan, final_only=final_only)
    output_states(c, states, L, final_only)
    return c


def run_program_lrnn(c: Circuit, program, X, domain: str = "int") -> np.ndarray:
    """Evaluate ``program_lrnn(program)`` exactly on a batch of assignments X: the final states, (B, 5)."""
    ins = program.instructions if isinstance(program, Program) else tuple(program)
    X = np.asarray(X, dtype=bool)
    bits = X[:, [i - 1 for i, _, _ in ins]]  # (B, L): the bit instruction k reads
    onehot = np.stack([~bits, bits], axis=-1).astype(np.int64)
    out = c.evaluate({"x": onehot}, domain)
    L = len(ins)
    if "h" in out:
        return np.asarray(out["h"], dtype=object)[:, L - 1, :]
    return np.stack([np.asarray(out[f"h[{L - 1}][{i}]"], dtype=object) for i in range(5)], axis=-1)
