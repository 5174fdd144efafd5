"""Automata and their LRNN circuits.

* :mod:`.perm` — permutations as image tuples (composition: the first letter acts first);
* :mod:`.groups` — group automata (Z_m, S₃, A₅, S₅), the word problem, a word's PD-LRNN circuit;
* :mod:`.barrington` — boolean formulas → width-5 permutation programs over S₅ → PD-LRNNs (NC¹);
* :mod:`.dfa`, :mod:`.wfa`, :mod:`.text` — DFAs, weighted finite automata over Q, a textual format;
  deterministic WFAs → PD-LRNNs (Thm 8), WFAs → DPLR-LRNNs (Thm 6);
* :mod:`.overwrite` — a rational matrix as a product of at most 2d − 1 rank-one "overwrite" factors (Lemma 6);
* :mod:`.products` — iterated 3×3 integer matrix products by RWKV-7- and DeltaNet-style LRNNs (Thm 5).

See ``docs/automata.md``, ``docs/barrington.md`` and ``docs/products.md``.
"""
