"""Closed forms for the size and depth of the bit-level blocks, where the literature has them (sources in
``docs/bits.md``). Sizes count gates of the {and, or, xor} basis as ``Circuit.size()`` does; AIG counts are
ABC's ``and =`` after AIGER export (xor = 3 ANDs, or = 1 AND). ``tests/test_bits.py`` compares every formula
with circuits built by :mod:`constructions.bits`.
"""
from __future__ import annotations

from .. import scans
from ..common import ceil_log2

__all__ = ["ripple_size", "ripple_depth", "ripple_aig_ands", "ripple_aig_levels", "prefix_size",
           "prefix_depth", "PREFIX_SIZE_SCHEDULES", "dadda_fa", "dadda_ha", "dadda_stages",
           "reduction_size", "full_adder_size", "half_adder_size"]

#: a full adder over {and, or, xor}: two xors, two ands, one or (Weste–Harris §11.2.1)
full_adder_size = 5
#: a half adder: one xor, one and
half_adder_size = 2


def ripple_size(p: int) -> int:
    """Ripple-carry adder without carry-in (a half adder, then p − 1 full adders): 5p − 3 gates."""
    return 5 * p - 3


def ripple_depth(p: int) -> int:
    """Its depth over {and, or, xor}: 2p − 1 (the carry-out; each full adder adds an and and an or)."""
    return 2 * p - 1


def ripple_aig_ands(p: int) -> int:
    """After AIGER export and structural hashing: 3 ANDs for the half adder, 7 per full adder."""
    return 7 * p - 4


def ripple_aig_levels(p: int) -> int:
    """AIG depth of the ripple-carry adder: 2 levels per full adder on the carry chain, 2p in all."""
    return 2 * p


#: schedules for which :func:`prefix_size` holds (the position networks of Knowles / Harris 2003, and serial)
PREFIX_SIZE_SCHEDULES = ("serial", "sklansky", "kogge-stone", "brent-kung", "ladner-fischer", "han-carlson")


def prefix_size(schedule: str, p: int) -> int:
    """Textbook prefix adder (``style="textbook", slack=None``): 2p gates for (g, p), 3 per "black" cell and 2
    per "grey" cell (the p − 1 cells that produce a prefix ``G_{i:0}`` need no group propagate), p − 1 sum
    xors: ``2p + 3·S − (p − 1) + (p − 1) = 2p + 3·S`` with ``S`` the schedule's number of combines
    (Harris 2003's cell counts)."""
    if schedule not in PREFIX_SIZE_SCHEDULES:
        raise NotImplementedError(f"no size formula for a {schedule!r} adder")
    return 2 * p + 3 * scans.exact_size(schedule, p)


def prefix_depth(schedule: str, p: int) -> int:
    """Depth of the textbook Sklansky adder for p = 2^k ≥ 4: ``2·log₂ p + 2`` — one level for (g, p), two per
    combine level (and, then or) over the log₂ p levels of the carry ``G_{p-2:0}`` (whose last combine reads
    ``G_{p/2-1:0}``, itself of full depth), and the sum xor."""
    k = ceil_log2(p)
    if p & (p - 1) or schedule != "sklansky" or p < 4:
        raise NotImplementedError("prefix_depth covers Sklansky at p = 2^k >= 4")
    return 2 * k + 2


def dadda_fa(p: int) -> int:
    """Full adders of Dadda's p×p reduction: p² − 4p + 3 for p ≥ 3 (Townsend, Swartzlander, Abraham 2003;
    p ≤ 2 needs no reduction)."""
    return p * p - 4 * p + 3 if p >= 3 else 0


def dadda_ha(p: int) -> int:
    """Half adders of Dadda's p×p reduction: p − 1 for p ≥ 3."""
    return p - 1 if p >= 3 else 0


def dadda_stages(p: int) -> int:
    """Reduction stages for p×p (Dadda 1965): the number of terms d_j = 2, 3, 4, 6, 9, … below p."""
    d, k = 2, 0
    while d < p:
        k += 1
        d = (3 * d) // 2
    return k


def reduction_size(p: int, fa: int, ha: int, fa_top: int = 0, ha_top: int = 0) -> int:
    """Gates of a p×p partial-product array plus its reduction: p² ands, 5 per full adder, 2 per half adder;
    adders of the top column build only their sum (2 xors, 1 xor)."""
    return p * p + full_adder_size * fa + half_adder_size * ha - 3 * fa_top - ha_top
