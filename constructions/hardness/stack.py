"""Thm 1 of Merrill et al. 2026 (v3): a one-layer MLP RNN with rational state simulates a multi-stack machine.

**The encoding** (base 4; the form of Siegelmann & Sontag 1995). A binary stack ``w = b₁ b₂ … b_D`` (top first)
is the rational ``E(b w) = (2b + 1 + E(w)) / 4``, ``E(empty) = 0``. Every code lies in [0, 1); a stack with top 0
lies in [1/4, 1/2), with top 1 in [3/4, 1), so

* ``top(s) = 1[s ≥ 1/2]`` and ``nonempty(s) = 1[s ≥ 1/4]`` are read by differences of two ReLUs with slope 4
  (``ReLU(4s − 2) − ReLU(4s − 3)`` and ``ReLU(4s) − ReLU(4s − 1)``), exact on every code of every depth: the gaps
  (1/2, 3/4) and (0, 1/4) have width 1/4 at every depth;
* ``push_b(s) = (2b + 1 + s)/4`` and ``pop(s) = 4s − 2·top(s) − 1`` are affine once the top bit is known.

The paper's printed base-2 form ``push_v(s) = v + s/2``, ``head = 1[s ≥ 1]`` has a gap of 2^−(D−1) between the
codes with head 0 and head 1 at depth D (:func:`gap_table`), so a fixed ReLU net (Lipschitz constant L) cannot
read the head once 2^−(D−1) < 1/L: the erratum of ``thm1-stack-rnn``.

**The RNN** (the form of issue 12 and of the paper's Thm 1: one layer, ``h_t = MLP(h_{t−1}, x_t)`` with one
hidden ReLU layer, which is what :func:`constructions.rnn.build_rnn` builds with ``hidden=k``)::

    z_t = ReLU(W h_{t−1} + U x_t + c),    h_t = ReLU(W₂ z_t + c₂)

The state ``h`` holds the finite control one-hot, and per stack a cached top symbol one-hot over
{empty, 0, 1} and the code ``s``. A machine rule ``(q, token, cached tops) → (q', one action per stack)``
(actions noop, push0, push1, pop) becomes hidden units gated by the AND of its k + 2 one-hot literals:
``g = ReLU(Σ literals − (k + 1))`` and ``v = ReLU(s + Σ literals − (k + 2)) = g·s`` (as s < 1). Pop also reads the
new top of ``u = 4s − 2c − 1`` with four ReLUs ``ReLU(4u − i − 16·(k + 2 − Σ literals))``, i = 0..3 (16 > 4u for
any s in [0, 1), so the unit is off unless the rule fires). One recurrent step is one machine step. Weights are
integers in the hidden layer and multiples of 1/4 in the output layer (:meth:`StackRNN.matrices`).
Combinations without a rule fire no unit: the state becomes all zero (a dead state that :meth:`decode` reports).

Exact evaluation: :meth:`StackRNN.step` in Fractions; :meth:`StackRNN.step_scaled` and :class:`SparseRunner`
evaluate the same matrices on the state scaled by K = 4^P in integers (a ReLU net is positively homogeneous:
``N(K h, K x; K c) = K · N(h, x; c)``), asserting that every division is exact — so they are exact as long as
no stack is deeper than P − 1, and raise otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import numpy as np

__all__ = ["encode", "decode", "push", "pop", "top", "nonempty", "encode_base2", "head_base2",
           "Reader", "TOP_READER", "EMPTY_READER", "base2_reader", "gap_table", "gap_by_enumeration",
           "StackMachine", "StackRNN", "SparseRunner", "compile_machine", "ops_machine", "CACHES", "ACTIONS"]

CACHES = ("E", 0, 1)  # cached top symbol of a stack: empty, 0, 1
ACTIONS = ("noop", "push0", "push1", "pop")
GATE_M = 16  # the big constant of the gated pop readers (> 4u for every s in [0, 1))


# ---------------------------------------------------------------------------------------------------------
# the encodings
def encode(stack) -> Fraction:
    """E(b₁ … b_D) with b₁ on top: E(bw) = (2b + 1 + E(w))/4, E(empty) = 0."""
    s = Fraction(0)
    for b in reversed(list(stack)):
        if b not in (0, 1):
            raise ValueError(f"stack symbols must be 0 or 1, got {b!r}")
        s = (2 * b + 1 + s) / 4
    return s


def decode(s) -> list:
    """The stack (top first) with code ``s``; ValueError if ``s`` is not a code."""
    s = Fraction(s)
    out = []
    while s != 0:
        if not 0 < s < 1:
            raise ValueError(f"{s} is not a stack code")
        b = 1 if s >= Fraction(1, 2) else 0
        out.append(b)
        s = 4 * s - 2 * b - 1
        if s < 0:
            raise ValueError("not a stack code (a digit outside {1, 3})")
    return out


def push(s, b) -> Fraction:
    return (2 * b + 1 + Fraction(s)) / 4


def top(s) -> int:
    return 1 if Fraction(s) >= Fraction(1, 2) else 0


def nonempty(s) -> int:
    return 1 if Fraction(s) >= Fraction(1, 4) else 0


def pop(s) -> Fraction:
    s = Fraction(s)
    return 4 * s - 2 * top(s) - 1


def encode_base2(stack) -> Fraction:
    """The paper's printed form: push_v(s) = v + s/2 from s = 0 (head on top: s = Σ b_i 2^−(i−1))."""
    s = Fraction(0)
    for b in reversed(list(stack)):
        s = b + s / 2
    return s


def head_base2(s) -> int:
    return 1 if Fraction(s) >= 1 else 0


# ---------------------------------------------------------------------------------------------------------
# one-hidden-layer ReLU readers of a scalar code
@dataclass(frozen=True)
class Reader:
    """``out(s) = Σ_i w2[i]·ReLU(w1[i]·s + b1[i]) + b2``."""
    w1: tuple
    b1: tuple
    w2: tuple
    b2: Fraction = Fraction(0)

    def __call__(self, s):
        s = Fraction(s)
        return sum((w * max(a * s + b, 0) for a, b, w in zip(self.w1, self.b1, self.w2)), Fraction(self.b2))

    def lipschitz(self) -> Fraction:
        return sum((abs(Fraction(a) * w) for a, w in zip(self.w1, self.w2)), Fraction(0))


TOP_READER = Reader((4, 4), (-2, -3), (1, -1))  # 0 for s ≤ 1/2, 1 for s ≥ 3/4
EMPTY_READER = Reader((4, 4), (0, -1), (1, -1))  # nonempty: 0 at s = 0, 1 for s ≥ 1/4


def base2_reader(slope) -> Reader:
    """A head reader for the base-2 codes with the given slope: 1 for s ≥ 1, 0 for s ≤ 1 − 1/slope."""
    a = Fraction(slope)
    return Reader((a, a), (1 - a, -a), (1, -1))


def _extremes(base: int, D: int):
    """(largest code with top 0, smallest code with top 1) over stacks of depth 1..D, from the structure of the
    encoding: both encodings are increasing in the top symbol and then in the rest read as digits, so the largest
    top-0 code is 0·1^(D−1) and the smallest top-1 code is the single stack "1"."""
    enc = encode if base == 4 else encode_base2
    return enc([0] + [1] * (D - 1)), enc([1])


@lru_cache(maxsize=None)
def _depth_extremes(base: int, d: int):
    """(largest code with top 0, smallest code with top 1) over every stack of depth exactly d, by enumeration
    (codes scaled by base^d are integers; vectorised)."""
    idx = np.arange(2 ** d, dtype=np.int64)
    bits = (idx[:, None] >> np.arange(d, dtype=np.int64)[None, :]) & 1  # column i = symbol i (0 = top)
    if base == 4:  # E = Σ (2b_i + 1)/4^(i+1)
        w = np.array([4 ** (d - i - 1) for i in range(d)], dtype=np.int64)
        codes, scale = ((2 * bits + 1) * w[None, :]).sum(axis=1), 4 ** d
    else:  # s = Σ b_i / 2^i
        w = np.array([2 ** (d - i) for i in range(d)], dtype=np.int64)
        codes, scale = (bits * w[None, :]).sum(axis=1), 2 ** d
    t = bits[:, 0]
    return Fraction(int(codes[t == 0].max()), scale), Fraction(int(codes[t == 1].min()), scale)


def gap_by_enumeration(base: int, D: int) -> Fraction:
    """min{code : top 1} − max{code : top 0} over every binary stack of depth 1..D, by enumeration."""
    if base not in (2, 4):
        raise ValueError("base must be 2 or 4")
    ext = [_depth_extremes(base, d) for d in range(1, D + 1)]
    return min(e[1] for e in ext) - max(e[0] for e in ext)


def gap_table(depths=range(1, 65), enumerate_up_to: int = 20) -> list[dict]:
    """Per depth D: the gap between the head-0 and head-1 code sets for both encodings (from the extremal stacks;
    checked against full enumeration for D ≤ ``enumerate_up_to``), the smallest slope a ReLU reader needs
    (1/gap: a reader with Lipschitz constant L separates points at distance g only if L·g ≥ 1)."""
    rows = []
    for D in depths:
        row = {"depth": D}
        for base in (2, 4):
            m0, m1 = _extremes(base, D)
            g = m1 - m0
            if D <= enumerate_up_to:
                ge = gap_by_enumeration(base, D)
                if ge != g:
                    raise AssertionError(f"base {base}, depth {D}: enumeration gives {ge}, structure {g}")
            row[f"gap{base}"] = g
            row[f"max_top0_base{base}"] = m0
            row[f"min_top1_base{base}"] = m1
        row["enumerated"] = D <= enumerate_up_to
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------------------
# machines and their RNNs
@dataclass
class StackMachine:
    """A deterministic k-stack machine over binary stack symbols. ``rules[(q, token, caches)] = (q', actions)``
    where ``caches`` is the tuple of the stacks' top symbols ("E" for empty, 0, 1) and ``actions`` one of
    :data:`ACTIONS` per stack. A combination without a rule halts the machine (the RNN's state dies)."""
    states: tuple
    tokens: tuple
    n_stacks: int
    rules: dict
    start: object
    name: str = "machine"

    def __post_init__(self):
        for (q, tok, caches), (q2, acts) in self.rules.items():
            if q not in self.states or q2 not in self.states or tok not in self.tokens:
                raise ValueError(f"rule {(q, tok, caches)}: unknown state or token")
            if len(caches) != self.n_stacks or len(acts) != self.n_stacks:
                raise ValueError(f"rule {(q, tok, caches)}: one cache and one action per stack")
            for c, a in zip(caches, acts):
                if c not in CACHES or a not in ACTIONS:
                    raise ValueError(f"rule {(q, tok, caches)}: bad cache {c!r} or action {a!r}")
                if a == "pop" and c == "E":
                    raise ValueError(f"rule {(q, tok, caches)}: pops an empty stack (write a noop rule instead)")

    def run(self, tokens, stacks=None):
        """The machine itself on Python lists (top = index 0). Returns (state, stacks); raises on a missing rule."""
        q = self.start
        st = [list(s) for s in (stacks or [[] for _ in range(self.n_stacks)])]
        for tok in tokens:
            caches = tuple(s[0] if s else "E" for s in st)
            key = (q, tok, caches)
            if key not in self.rules:
                raise KeyError(f"no rule for {key}")
            q, acts = self.rules[key]
            for s, a in zip(st, acts):
                if a == "pop":
                    s.pop(0)
                elif a != "noop":
                    s.insert(0, int(a[-1]))
        return q, st


def ops_machine() -> StackMachine:
    """One stack, tokens push0 / push1 / pop / nop. Pop on the empty stack is a no-op (the empty stack stays empty;
    the machines of the paper never pop an empty stack, and :class:`StackMachine` refuses a rule that would)."""
    rules = {}
    for c in CACHES:
        rules[("q", "push0", (c,))] = ("q", ("push0",))
        rules[("q", "push1", (c,))] = ("q", ("push1",))
        rules[("q", "pop", (c,))] = ("q", ("noop" if c == "E" else "pop",))
        rules[("q", "nop", (c,))] = ("q", ("noop",))
    return StackMachine(("q",), ("push0", "push1", "pop", "nop"), 1, rules, "q", "ops")


@dataclass
class StackRNN:
    """The compiled RNN. State layout: control one-hot (``len(states)``), per stack a cache one-hot over
    :data:`CACHES`, then the k stack codes. Input: the token one-hot."""
    machine: StackMachine
    W: np.ndarray  # (H, d) integers
    U: np.ndarray  # (H, T) integers
    c: np.ndarray  # (H,) integers
    W2: np.ndarray  # (d, H) Fractions (multiples of 1/4)
    c2: np.ndarray  # (d,) zeros
    units: list = field(default_factory=list)  # what each hidden unit is (rule index, kind)

    @property
    def d(self) -> int:
        return self.W.shape[1]

    @property
    def hidden(self) -> int:
        return self.W.shape[0]

    def q_index(self, q) -> int:
        return self.machine.states.index(q)

    def cache_index(self, j: int, c) -> int:
        return len(self.machine.states) + 3 * j + CACHES.index(c)

    def stack_index(self, j: int) -> int:
        return len(self.machine.states) + 3 * self.machine.n_stacks + j

    def stack_indices(self) -> list:
        return [self.stack_index(j) for j in range(self.machine.n_stacks)]

    def matrices(self) -> dict:
        """The weights in the names of :func:`constructions.rnn.build_rnn` (``hidden=k``)."""
        return {"W": self.W, "U": self.U, "c": self.c, "W2": self.W2, "c2": self.c2}

    def token_vector(self, tok) -> np.ndarray:
        x = np.zeros(len(self.machine.tokens), dtype=object)
        x[self.machine.tokens.index(tok)] = 1
        return x

    def state(self, q=None, stacks=None) -> np.ndarray:
        """The state vector (Fractions) of control ``q`` and stacks (lists, top first)."""
        m = self.machine
        q = m.start if q is None else q
        stacks = stacks or [[] for _ in range(m.n_stacks)]
        h = np.array([Fraction(0)] * self.d, dtype=object)
        h[self.q_index(q)] = Fraction(1)
        for j, st in enumerate(stacks):
            h[self.cache_index(j, st[0] if st else "E")] = Fraction(1)
            h[self.stack_index(j)] = encode(st)
        return h

    def step(self, h, tok) -> np.ndarray:
        """One recurrent step in exact Fractions (dense matrices)."""
        x = self.token_vector(tok)
        z = np.maximum(self.W.dot(h) + self.U.dot(x) + self.c, 0)
        return np.maximum(self.W2.dot(z) + self.c2, 0)

    def run(self, tokens, h=None) -> list:
        h = self.state() if h is None else h
        out = []
        for tok in tokens:
            h = self.step(h, tok)
            out.append(h)
        return out

    def decode(self, h):
        """(control, stacks) of a state vector, checking it is a valid configuration (one-hot control, one-hot
        caches agreeing with the codes); ValueError on a dead or malformed state."""
        m = self.machine
        nq = len(m.states)
        ctrl = [Fraction(v) for v in h[:nq]]
        if sorted(ctrl) != [0] * (nq - 1) + [1]:
            raise ValueError(f"control is not one-hot: {[str(v) for v in ctrl]}")
        q = m.states[ctrl.index(1)]
        stacks = []
        for j in range(m.n_stacks):
            cache = [Fraction(h[self.cache_index(j, c)]) for c in CACHES]
            if sorted(cache) != [0, 0, 1]:
                raise ValueError(f"cache of stack {j} is not one-hot: {[str(v) for v in cache]}")
            st = decode(h[self.stack_index(j)])
            if CACHES[cache.index(1)] != (st[0] if st else "E"):
                raise ValueError(f"cache of stack {j} disagrees with its code")
            stacks.append(st)
        return q, stacks

    # -- exact integer evaluation of the same matrices on the state scaled by K ------------------------------
    def _int_matrices(self):
        """(W, U, c, 4·W₂) as int64 arrays (memoised: compile first, then mutate, then run)."""
        if getattr(self, "_ints", None) is None:
            if any(4 * v != int(4 * v) for v in self.W2.ravel()) or any(v != 0 for v in self.c2):
                raise ValueError("the scaled step needs W2 in multiples of 1/4 and c2 = 0")
            self._ints = (self.W.astype(np.int64), self.U.astype(np.int64), self.c.astype(np.int64),
                          np.array([[int(4 * v) for v in row] for row in self.W2], dtype=np.int64))
        return self._ints

    def step_scaled(self, H, toks, K: int) -> np.ndarray:
        """A batch of steps on integer states ``H`` (B, d) that are K × the true states; ``toks`` (B,) token
        indices. int64 when no intermediate can exceed 2^62, Python ints otherwise; raises if a division by 4
        is not exact."""
        W, U, c, W2q = self._int_matrices()
        H = np.asarray(H)
        if H.dtype == object:
            big = max((abs(int(v)) for v in H.ravel()), default=0)
        else:
            big = int(np.abs(H).max(initial=0))
        pre_bound = int(np.abs(W).sum(1).max()) * big + K * int((np.abs(U).sum(1) + np.abs(c)).max())
        bound = max(pre_bound, 1) * (int(np.abs(W2q).sum(1).max()) + 1)
        dt = np.int64 if bound < 2 ** 62 else object
        if dt is object:
            W, U, c, W2q = (a.astype(object) for a in (W, U, c, W2q))
        H = H.astype(dt)
        pre = H.dot(W.T) + K * (U.T[np.asarray(toks)] + c[None, :])
        z = np.maximum(pre, 0)
        out4 = z.dot(W2q.T)
        if np.any(out4 % 4 != 0):
            raise ArithmeticError("a division by 4 is not exact: a stack deeper than the scale allows")
        return np.maximum(out4 // 4, 0)


def compile_machine(machine: StackMachine) -> StackRNN:
    """The RNN weights of ``machine`` (see the module docstring for the units)."""
    m = machine
    k = m.n_stacks
    nq, T = len(m.states), len(m.tokens)
    d = nq + 4 * k
    lay = StackRNN(m, None, None, None, None, None)
    rowsW, rowsU, cs, units = [], [], [], []
    out_cols = []  # per unit: {state index: coefficient}
    nlit = k + 2

    def literals(q, tok, caches):
        w = [0] * d
        u = [0] * T
        w[m.states.index(q)] = 1
        u[m.tokens.index(tok)] = 1
        for j, cj in enumerate(caches):
            w[lay.cache_index(j, cj)] += 1
        return w, u

    def unit(w, u, bias, out, what):
        rowsW.append(w)
        rowsU.append(u)
        cs.append(bias)
        out_cols.append(out)
        units.append(what)

    for r, ((q, tok, caches), (q2, acts)) in enumerate(m.rules.items()):
        w, u = literals(q, tok, caches)
        gout = {lay.q_index(q2): Fraction(1)}
        for j, (cj, a) in enumerate(zip(caches, acts)):
            si = lay.stack_index(j)
            if a == "noop":
                gout[lay.cache_index(j, cj)] = gout.get(lay.cache_index(j, cj), 0) + 1
            elif a in ("push0", "push1"):
                b = int(a[-1])
                gout[lay.cache_index(j, b)] = gout.get(lay.cache_index(j, b), 0) + 1
                gout[si] = gout.get(si, 0) + Fraction(2 * b + 1, 4)
            else:  # pop: the new code 4v − (2c + 1)g
                gout[si] = gout.get(si, 0) - (2 * cj + 1)
                gout[lay.cache_index(j, "E")] = gout.get(lay.cache_index(j, "E"), 0) + 1
        unit(w, u, -(nlit - 1), gout, (r, "g"))
        for j, (cj, a) in enumerate(zip(caches, acts)):
            si = lay.stack_index(j)
            if cj == "E":
                continue  # the code is 0: nothing to carry
            # v = ReLU(s + Σ literals − nlit) = g·s
            wv = list(w)
            wv[si] += 1
            coef = {"noop": Fraction(1), "push0": Fraction(1, 4), "push1": Fraction(1, 4), "pop": Fraction(4)}[a]
            unit(wv, u, -nlit, {si: coef}, (r, f"v{j}"))
            if a == "pop":
                # ReLU(4u − i − M(nlit − Σ lit)) with u = 4s − 2c − 1, i = 0..3
                # nonempty(u)·g = R0 − R1 → +cache 0/1, −cache E;  top1(u)·g = R2 − R3 → +cache 1, −cache 0
                ce, c0, c1 = (lay.cache_index(j, x) for x in CACHES)
                outs = [{ce: -1, c0: 1}, {ce: 1, c0: -1}, {c0: -1, c1: 1}, {c0: 1, c1: -1}]
                for i in range(4):
                    wp = [GATE_M * x for x in w]
                    wp[si] += 16
                    unit(wp, [GATE_M * x for x in u], -4 * (2 * cj + 1) - i - GATE_M * nlit,
                         {kk: Fraction(v) for kk, v in outs[i].items()}, (r, f"pop{j}.{i}"))
    H = len(units)
    W = np.array(rowsW, dtype=object).reshape(H, d)
    U = np.array(rowsU, dtype=object).reshape(H, T)
    c = np.array(cs, dtype=object)
    W2 = np.array([[Fraction(0)] * H for _ in range(d)], dtype=object)
    for i, col in enumerate(out_cols):
        for kk, v in col.items():
            W2[kk, i] += Fraction(v)
    c2 = np.array([Fraction(0)] * d, dtype=object)
    return StackRNN(m, W, U, c, W2, c2, units)


class SparseRunner:
    """Exact evaluation of a :class:`StackRNN`'s matrices along one long stream, on the state scaled by K = 4^P
    (Python integers). A hidden unit is evaluated only when it can be
    positive: with every code in [0, 1] (asserted), ``pre_i ≤ D_i + Σ_j max(W_ij, 0)`` where D_i is the part of
    the pre-activation from the one-hot coordinates and the token; when that bound is ≤ 0 the unit is exactly 0.
    Every division (by 4 in W₂, by K for the one-hot coordinates) is asserted exact. The one-hot part ``hd`` is
    a tuple of integers; D and the candidate units are memoised per (hd, token)."""

    def __init__(self, rnn: StackRNN, P: int):
        self.rnn = rnn
        self.K = 4 ** P  # may be reset between runs (the structures below do not depend on it)
        self.si = rnn.stack_indices()
        self.di = [i for i in range(rnn.d) if i not in self.si]
        W = rnn.W.astype(np.int64)
        self.Wd = W[:, self.di]
        self.Ws = [[(j, int(v)) for j, v in enumerate(row) if v != 0] for row in rnn.W[:, self.si]]
        self.Ut = rnn.U.astype(np.int64).T
        self.c = rnn.c.astype(np.int64)
        self.up = np.maximum(W[:, self.si], 0).sum(1)
        if any(v != 0 for v in rnn.c2):
            raise ValueError("the scaled runners assume c2 = 0")
        W2q = [[4 * Fraction(v) for v in row] for row in rnn.W2]
        if any(v.denominator != 1 for row in W2q for v in row):
            raise ValueError("W2 is not a multiple of 1/4")
        self.cols = [[(kk, int(W2q[kk][i])) for kk in range(rnn.d) if W2q[kk][i] != 0] for i in range(rnn.hidden)]
        self._memo: dict = {}

    def initial(self, q=None, stacks=None):
        h = self.rnn.state(q, stacks)
        hd = tuple(int(h[i]) for i in self.di)
        S = [int(h[i] * self.K) for i in self.si]
        return hd, S

    def _candidates(self, hd: tuple, tok: int) -> list:
        """The units that can be positive for this one-hot part and token, with their offsets D_i (memoised: a
        function of (hd, tok) only)."""
        key = (hd, tok)
        got = self._memo.get(key)
        if got is None:
            D = self.Wd.dot(np.array(hd, dtype=np.int64)) + self.Ut[tok] + self.c
            got = [(int(D[i]), self.Ws[i], self.cols[i]) for i in np.flatnonzero(D + self.up > 0).tolist()]
            if len(self._memo) > 100_000:
                self._memo.clear()
            self._memo[key] = got
        return got

    def step(self, hd: tuple, S: list, tok: int):
        K = self.K
        for s in S:
            if not 0 <= s <= K:
                raise ArithmeticError("a code outside [0, 1]")
        out = [0] * self.rnn.d
        for Di, ws, cols in self._candidates(hd, tok):
            pre = Di * K
            for j, w in ws:
                pre += w * S[j]
            if pre > 0:
                for kk, w in cols:
                    out[kk] += w * pre
        K4 = 4 * K
        hd2 = []
        for kk in self.di:
            v = out[kk]
            if v % K4:
                raise ArithmeticError("a one-hot coordinate is not an integer")
            hd2.append(v // K4 if v > 0 else 0)
        S2 = []
        for kk in self.si:
            v = out[kk]
            if v % 4:
                raise ArithmeticError("a division by 4 is not exact: a stack deeper than the scale allows")
            S2.append(v // 4 if v > 0 else 0)
        return tuple(hd2), S2

    def run(self, tokens, hd=None, S=None):
        if hd is None:
            hd, S = self.initial()
        idx = {t: i for i, t in enumerate(self.rnn.machine.tokens)}
        for tok in tokens:
            hd, S = self.step(hd, S, idx[tok])
        return hd, S

    def decode(self, hd, S):
        h = np.array([Fraction(0)] * self.rnn.d, dtype=object)
        for n, kk in enumerate(self.di):
            h[kk] = Fraction(int(hd[n]))
        for n, kk in enumerate(self.si):
            h[kk] = Fraction(S[n], self.K)
        return self.rnn.decode(h)
