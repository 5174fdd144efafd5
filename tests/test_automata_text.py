"""The textual format for DFAs and WFAs: the documented example, round trips, one-line errors with line numbers."""
import re
from fractions import Fraction
from pathlib import Path

import pytest

from circuits import CircuitError
from constructions.automata.dfa import DFA, random_dfa
from constructions.automata.text import parse_automaton, to_text
from constructions.automata.wfa import WFA, random_deterministic_wfa, random_wfa


def _doc_blocks():
    text = (Path(__file__).resolve().parents[1] / "docs" / "automata.md").read_text()
    return re.findall(r"```automaton\n(.*?)```", text, flags=re.S)


def test_documented_examples_parse():
    blocks = _doc_blocks()
    assert len(blocks) >= 2
    auts = [parse_automaton(b) for b in blocks]
    wfa = next(a for a in auts if isinstance(a, WFA))
    dfa = next(a for a in auts if isinstance(a, DFA))
    # the documented WFA: weight of "a b" is spelled out in the docs
    assert wfa.weight([wfa.alphabet.index("a"), wfa.alphabet.index("b")]) == Fraction(-3, 4)
    assert dfa.accepts([0]) and not dfa.accepts([0, 0])


def test_round_trips():
    for seed in range(10):
        for aut in (random_wfa(3, 2, seed=seed), random_deterministic_wfa(4, 3, seed=seed), random_dfa(3, 2, seed)):
            back = parse_automaton(to_text(aut))
            if isinstance(aut, DFA):
                assert back == aut
            else:
                assert (back.A == aut.A).all() and (back.alpha == aut.alpha).all() and (back.beta == aut.beta).all()


def test_defaults_comments_and_decimals():
    w = parse_automaton("# a comment\n\nwfa\nalphabet x\nstates p q  # two\ninitial p\nfinal q 0.25\np x q\n")
    assert w.weight([0]) == Fraction(1, 4) and w.weight([]) == 0


BAD = [
    ("", 1, "empty automaton"),
    ("nfa\n", 1, "first statement"),
    ("wfa\nalphabet a\nstates p\np b p\n", 4, "unknown symbol 'b'"),
    ("wfa\nalphabet a\nstates p\np a r\n", 4, "unknown state 'r'"),
    ("wfa\nalphabet a\nstates p\np a p 1/0\n", 4, "not a rational weight"),
    ("wfa\nalphabet a\nstates p\np a p\np a p 2\n", 5, "given twice"),
    ("wfa\nalphabet a\nstates p\nstart p\n", 4, "is for dfa"),
    ("dfa\nalphabet a\nstates p\ninitial p\n", 4, "is for wfa"),
    ("dfa\nalphabet a\nstates p q\nstart p\np a q\n", 6, "no transition for state 'q'"),
    ("dfa\nalphabet a\nstates p\np a p\n", 5, "missing 'start'"),
    ("wfa\nstates p\np a p\n", 3, "'alphabet' must come before"),
    ("wfa\nalphabet a a\n", 2, "twice"),
    ("wfa\nalphabet a\nstates p\nfoo bar\n", 4, "unknown statement 'foo'"),
    ("wfa\nalphabet a\n", 3, "missing 'states'"),
]


@pytest.mark.parametrize("text,line,msg", BAD)
def test_errors_name_the_line(text, line, msg):
    with pytest.raises(CircuitError) as e:
        parse_automaton(text)
    s = str(e.value)
    assert "\n" not in s and s.startswith(f"line {line}: ") and msg in s
