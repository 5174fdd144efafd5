"""Deterministic finite automata (complete: every state has one successor per symbol).

States and symbols are indices ``0..k−1`` and ``0..s−1``; ``names`` / ``alphabet`` keep the labels of the
textual format (:mod:`.text`). ``delta[q][σ]`` is the successor of q on σ. A word is a sequence of symbol
indices read left to right; it is accepted when the state reached from ``start`` is in ``accepting``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from circuits import CircuitError

__all__ = ["DFA", "random_dfa"]


@dataclass(frozen=True)
class DFA:
    delta: tuple  # delta[q][σ] = successor state
    start: int
    accepting: frozenset
    alphabet: tuple = field(default=())  # symbol labels; default "0", "1", …
    names: tuple = field(default=())  # state labels; default "0", "1", …

    def __post_init__(self):
        delta = tuple(tuple(int(v) for v in row) for row in self.delta)
        if not delta or not delta[0]:
            raise CircuitError("DFA needs at least one state and one symbol")
        k, s = len(delta), len(delta[0])
        if any(len(row) != s for row in delta):
            raise CircuitError("DFA transition table: every state needs one successor per symbol")
        if any(not 0 <= v < k for row in delta for v in row):
            raise CircuitError(f"DFA transition table: successors must be states 0..{k - 1}")
        if not 0 <= int(self.start) < k:
            raise CircuitError(f"DFA start state {self.start} is not a state 0..{k - 1}")
        acc = frozenset(int(q) for q in self.accepting)
        if any(not 0 <= q < k for q in acc):
            raise CircuitError(f"DFA accepting states must be states 0..{k - 1}")
        alphabet = tuple(self.alphabet) or tuple(str(i) for i in range(s))
        names = tuple(self.names) or tuple(str(i) for i in range(k))
        if len(alphabet) != s or len(names) != k:
            raise CircuitError("DFA labels: one label per symbol and per state")
        object.__setattr__(self, "delta", delta)
        object.__setattr__(self, "start", int(self.start))
        object.__setattr__(self, "accepting", acc)
        object.__setattr__(self, "alphabet", alphabet)
        object.__setattr__(self, "names", names)

    @property
    def num_states(self) -> int:
        return len(self.delta)

    @property
    def num_symbols(self) -> int:
        return len(self.delta[0])

    def _word(self, word) -> list:
        w = [int(a) for a in word]
        if any(not 0 <= a < self.num_symbols for a in w):
            raise CircuitError(f"word {list(word)!r} has a symbol outside 0..{self.num_symbols - 1}")
        return w

    def run(self, word) -> int:
        """The state reached from ``start`` after reading ``word``."""
        q = self.start
        for a in self._word(word):
            q = self.delta[q][a]
        return q

    def accepts(self, word) -> bool:
        return self.run(word) in self.accepting


def random_dfa(num_states: int, num_symbols: int, seed: int = 0) -> DFA:
    """A random complete DFA (uniform successors, start 0, each state accepting with probability 1/2)."""
    rng = np.random.default_rng(seed)
    delta = rng.integers(0, num_states, size=(num_states, num_symbols)).tolist()
    acc = {q for q in range(num_states) if rng.random() < 0.5}
    return DFA(delta, 0, frozenset(acc))
