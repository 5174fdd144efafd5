"""Automata and their LRNN circuits: permutations (:mod:`.perm`), and — as they land — DFAs, group automata,
weighted finite automata, Barrington's width-5 programs, and the constructions of Thms 5–8 of the paper.
See ``docs/automata.md``."""
