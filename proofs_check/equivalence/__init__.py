"""Equivalence engines: decide whether two circuits compute the same outputs.

Every engine returns a :class:`proofs_check.verdict.Verdict`:

* :func:`check_symbolic` – exact polynomial identity over ℚ (sympy sparse polynomials), small arithmetic circuits.
* :func:`check_pit` – randomized polynomial identity testing over GF(p) with the Schwartz–Zippel bound.
* :func:`check_exhaustive` – all 2^k assignments of a boolean/threshold circuit pair (batched, chunked).
* :func:`check_sat` – a SAT miter (Tseitin encoding, threshold gates by an interval-memoised BDD).
* :func:`check_boolean` – exhaustive when there are at most ``max_inputs`` inputs, else SAT.
* :func:`matches` – a circuit against a Python reference function, on random exact inputs.
* :func:`check_equivalent` – dispatches on the ops the two circuits use.

Matching rules (all engines):

* **Outputs** are matched by element name (``y[0][1]``). If the two circuits' output element names differ, the
  verdict is ``not_equal`` with ``why = "outputs differ: …"`` and the names found in only one circuit in
  ``counterexample`` (no input assignment: the interfaces themselves differ).
* **Inputs** are matched by element name. An input declared in only one circuit is a free variable: it takes the
  same arbitrary values as every other variable, and the other circuit simply ignores it. So ``x`` and ``x + y − y``
  are equal, ``x`` and ``x·y`` are not. The evidence lists inputs found in only one circuit.

Counterexamples are always re-evaluated with ``Circuit.evaluate`` on the reported inputs before they are
reported; an engine whose counterexample does not reproduce returns ``undecided`` rather than a wrong verdict.
"""
from __future__ import annotations
from __future__ import annotations

from ._common import ARITH_OPS, BOOL_OPS, P31
from .dispatch import check_boolean, check_equivalent
from .exhaustive import check_exhaustive
from .pit import check_pit
from .reference import matches
from .sat import check_sat
from .symbolic import check_symbolic

__all__ = ["check_symbolic", "check_pit", "check_exhaustive", "check_sat", "check_boolean", "matches",
           "check_equivalent", "P31", "ARITH_OPS", "BOOL_OPS"]
