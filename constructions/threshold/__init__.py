"""Threshold-circuit blocks (TC⁰) and their lowering to fan-in-2 boolean circuits.

* :mod:`.blocks` — majority, exact threshold, symmetric functions, comparison (depth 1, 2, 3), the bits of a
  weighted sum, iterated addition of m p-bit numbers in constant depth (depth 2 with exponential weights,
  depth 3 ("residue") or 5 ("block") with polynomial weights, for every m), multiplication (depth 3 / 4 / 6).
* :mod:`.residue` — comparison in depth 2 with polynomial weights (``compare(..., 2, method="residue")``),
  two-operand addition in depth 2, and the depth-3 iterated addition behind ``method="residue"``.
* :mod:`.to_boolean` — ``threshold_to_boolean(circuit)``: every threshold gate of fan-in m becomes a fan-in-2
  boolean circuit of depth O(log m) (a carry-save tree of the weights' shifted copies, then a comparison).

Numbers are unsigned wire vectors, least significant bit first. Depths, sizes and the published bounds they
meet are in ``docs/threshold.md``.
"""
from .blocks import (COMPARE_DEPTH, COMPARE_METHODS, ITERATED_ADD_DEPTH, METHODS, MULTIPLY_DEPTH, at_least, build_compare,
                     build_exactly, build_iterated_add, build_majority, build_multiply, compare, compare_size,
                     exactly, heap_sum, iterated_add, iterated_add_size, majority, multiply, sum_bits,
                     sum_bits_count, symmetric, two_operand_add)

__all__ = [
    "COMPARE_DEPTH", "COMPARE_METHODS", "ITERATED_ADD_DEPTH", "METHODS", "MULTIPLY_DEPTH", "at_least", "build_compare",
    "build_exactly", "build_iterated_add", "build_majority", "build_multiply", "compare", "compare_size",
    "exactly", "heap_sum", "iterated_add", "iterated_add_size", "majority", "multiply", "sum_bits",
    "sum_bits_count", "symmetric", "two_operand_add",
]
