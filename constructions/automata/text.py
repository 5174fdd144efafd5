"""A small textual format for DFAs and WFAs (documented in ``docs/automata.md``).

One statement per line; ``#`` starts a comment; blank lines are ignored; words are separated by whitespace::

    wfa                     # the first statement: dfa or wfa
    alphabet a b            # symbol labels, once, before any transition
    states p q              # state labels, once, before any statement that names a state
    initial p 1/2           # wfa: initial weight (default 1); states not listed have 0
    final q -1              # wfa: final weight (default 1); states not listed have 0
    p a q 3/2               # wfa: transition p —a→ q with weight 3/2 (default 1)

    dfa
    alphabet a b
    states even odd
    start even              # dfa: the start state, once
    accept odd              # dfa: accepting states (any number of accept lines)
    even a odd              # dfa: transition; every (state, symbol) exactly once

Weights are rationals written as integers, fractions ``n/d`` or decimals (``0.25``). A transition, initial or
final entry may appear only once. Any error is one line: ``line N: what is wrong``, raised as
:class:`circuits.CircuitError`.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from circuits import CircuitError

from .dfa import DFA
from .wfa import WFA

__all__ = ["parse_automaton", "to_text"]


def _err(n: int, msg: str):
    return CircuitError(f"line {n}: {msg}")


def _weight(tok: str, n: int) -> Fraction:
    try:
        return Fraction(tok)
    except (ValueError, ZeroDivisionError):
        raise _err(n, f"{tok!r} is not a rational weight (write 2, -1/3 or 0.25)") from None


def parse_automaton(text: str):
    """Parse a DFA or a WFA (see the module docstring). Returns a :class:`DFA` or a :class:`WFA`."""
    kind = None
    alphabet = states = None
    sidx = qidx = None
    start = None
    accept = set()
    init, final, trans = {}, {}, {}
    last = 0
    for n, raw in enumerate(str(text).splitlines(), start=1):
        toks = raw.split("#", 1)[0].split()
        if not toks:
            continue
        last = n
        head = toks[0]
        if kind is None:
            if head not in ("dfa", "wfa") or len(toks) != 1:
                raise _err(n, "the first statement must be 'dfa' or 'wfa' alone on its line")
            kind = head
            continue
        if head in ("dfa", "wfa"):
            raise _err(n, f"'{head}' may only be the first statement")
        if head in ("alphabet", "states"):
            names = toks[1:]
            if not names:
                raise _err(n, f"'{head}' needs at least one name")
            if len(set(names)) != len(names):
                dup = next(a for a in names if names.count(a) > 1)
                raise _err(n, f"'{head}' lists {dup!r} twice")
            if head == "alphabet":
                if alphabet is not None:
                    raise _err(n, "'alphabet' given twice")
                alphabet, sidx = tuple(names), {a: i for i, a in enumerate(names)}
            else:
                if states is not None:
                    raise _err(n, "'states' given twice")
                kw = {"alphabet", "states", "initial", "final", "start", "accept", "dfa", "wfa"}
                bad = [q for q in names if q in kw]
                if bad:
                    raise _err(n, f"{bad[0]!r} is a keyword and cannot name a state")
                states, qidx = tuple(names), {q: i for i, q in enumerate(names)}
            continue

        def state(tok):
            if qidx is None:
                raise _err(n, "'states' must come before any statement that names a state")
            if tok not in qidx:
                raise _err(n, f"unknown state {tok!r} (states: {' '.join(states)})")
            return qidx[tok]

        if head in ("initial", "final"):
            if kind != "wfa":
                raise _err(n, f"'{head}' is for wfa; a dfa uses 'start' and 'accept'")
            if len(toks) not in (2, 3):
                raise _err(n, f"'{head}' takes a state and an optional weight: {head} STATE [WEIGHT]")
            q = state(toks[1])
            table = init if head == "initial" else final
            if q in table:
                raise _err(n, f"{head} weight of {toks[1]!r} given twice")
            table[q] = _weight(toks[2], n) if len(toks) == 3 else Fraction(1)
        elif head in ("start", "accept"):
            if kind != "dfa":
                raise _err(n, f"'{head}' is for dfa; a wfa uses 'initial' and 'final'")
            if head == "start":
                if len(toks) != 2:
                    raise _err(n, "'start' takes exactly one state")
                if start is not None:
                    raise _err(n, "'start' given twice")
                start = state(toks[1])
            else:
                if len(toks) < 2:
                    raise _err(n, "'accept' needs at least one state")
                accept.update(state(t) for t in toks[1:])
        else:  # a transition
            want = (3, 4) if kind == "wfa" else (3,)
            if len(toks) not in want:
                form = "SRC SYMBOL DST [WEIGHT]" if kind == "wfa" else "SRC SYMBOL DST"
                raise _err(n, f"unknown statement {head!r}; a transition is written {form}")
            p = state(toks[0])
            if sidx is None:
                raise _err(n, "'alphabet' must come before the transitions")
            if toks[1] not in sidx:
                raise _err(n, f"unknown symbol {toks[1]!r} (alphabet: {' '.join(alphabet)})")
            a = sidx[toks[1]]
            q = state(toks[2])
            key = (p, a) if kind == "dfa" else (p, a, q)
            if key in trans:
                what = f"{toks[0]} {toks[1]}" if kind == "dfa" else f"{toks[0]} {toks[1]} {toks[2]}"
                raise _err(n, f"transition {what} given twice")
            trans[key] = q if kind == "dfa" else (_weight(toks[3], n) if len(toks) == 4 else Fraction(1))
    end = last + 1
    if kind is None:
        raise _err(end, "empty automaton: expected 'dfa' or 'wfa'")
    if alphabet is None or states is None:
        raise _err(end, f"missing '{'alphabet' if alphabet is None else 'states'}'")
    k, s = len(states), len(alphabet)
    if kind == "dfa":
        if start is None:
            raise _err(end, "missing 'start'")
        miss = [(p, a) for p in range(k) for a in range(s) if (p, a) not in trans]
        if miss:
            p, a = miss[0]
            raise _err(end, f"dfa has no transition for state {states[p]!r} on {alphabet[a]!r}")
        delta = [[trans[(p, a)] for a in range(s)] for p in range(k)]
        return DFA(delta, start, frozenset(accept), alphabet, states)
    A = np.full((s, k, k), Fraction(0), dtype=object)
    for (p, a, q), w in trans.items():
        A[a, p, q] = w
    alpha = np.array([init.get(q, Fraction(0)) for q in range(k)], dtype=object)
    beta = np.array([final.get(q, Fraction(0)) for q in range(k)], dtype=object)
    return WFA(alpha, A, beta, alphabet, states)


def to_text(aut) -> str:
    """The textual form of a DFA or WFA (parses back to an equal automaton). Zero weights are left out."""
    lines = []
    if isinstance(aut, DFA):
        lines += ["dfa", "alphabet " + " ".join(aut.alphabet), "states " + " ".join(aut.names),
                  "start " + aut.names[aut.start]]
        if aut.accepting:
            lines.append("accept " + " ".join(aut.names[q] for q in sorted(aut.accepting)))
        for p in range(aut.num_states):
            for a in range(aut.num_symbols):
                lines.append(f"{aut.names[p]} {aut.alphabet[a]} {aut.names[aut.delta[p][a]]}")
    elif isinstance(aut, WFA):
        lines += ["wfa", "alphabet " + " ".join(aut.alphabet), "states " + " ".join(aut.names)]
        for q, w in enumerate(aut.alpha.tolist()):
            if w != 0:
                lines.append(f"initial {aut.names[q]} {w}")
        for q, w in enumerate(aut.beta.tolist()):
            if w != 0:
                lines.append(f"final {aut.names[q]} {w}")
        for a in range(aut.num_symbols):
            for p in range(aut.num_states):
                for q in range(aut.num_states):
                    if aut.A[a, p, q] != 0:
                        lines.append(f"{aut.names[p]} {aut.alphabet[a]} {aut.names[q]} {aut.A[a, p, q]}")
    else:
        raise CircuitError(f"to_text: expected a DFA or a WFA, got {type(aut).__name__}")
    return "\n".join(lines) + "\n"
