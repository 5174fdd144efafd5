"""Bit-level arithmetic: fixed-width integers as boolean wire vectors, adders, comparators and multipliers.

Integers
--------
A p-bit integer is an int array of wire ids of a ``boolean`` (or ``threshold``/``mixed``) circuit whose **last
axis** holds the bits, **least significant first**; leading axes are a batch and every block works
elementwise over them. Unsigned or two's-complement, as the block says. Gates are appended through a folding
layer (``x∧0 = 0``, ``x⊕1 = ¬x``, …), so constant operands cost nothing; on the ``threshold`` basis (no xor)
``a⊕b`` is built from and/or/not.

Blocks (all take the circuit ``c`` first and return wire ids)
------------------------------------------------------------
* ``half_adder(c, a, b) -> (s, carry)``; ``full_adder(c, a, b, cin) -> (s, carry)``, elementwise;
* ``csa(c, x, y, z) -> (s, k)``: 3:2 carry-save compression of bit vectors, ``x + y + z = s + 2k``;
* ``add(c, a, b, adder="sklansky", cin=None, style="ling", slack="default") -> (s, cout)``: ``adder`` is
  ``"ripple"`` or any scan schedule of :mod:`constructions.scans` except ``reduce`` (:data:`ADDERS`); the
  schedule runs over the carry operator ``(g, p)`` through ``scans.run``. ``style`` is ``"ling"`` (AIG-lean,
  default) or ``"textbook"``; ``slack`` trades ANDs for AIG depth in the sum bits (see
  :mod:`constructions.bits.adders`);
* ``subtract(c, a, b, adder) -> (d, cout)`` (``cout`` = no borrow, ``a ≥ b`` unsigned), ``negate(c, a)``;
* ``compare(c, a, b, op="<", signed=False, schedule="reduce")`` for ``op`` in ``< <= > >= == !=``;
  ``equal(c, a, b)``; ``carry_out(c, a, b, cin, schedule)``;
* ``reduce_columns(c, columns, method="dadda"|"wallace"|"array")`` reduces columns of equally weighted bits
  (column k has weight 2^k) to two rows with full and half adders; ``add_columns(c, columns, width, ...)``
  adds them with a final adder — the carry-save tree of a weighted sum;
* ``multiply(c, a, b, multiplier="dadda", adder="sklansky", width="full"|"truncated")``: array, Wallace and
  Dadda multipliers of unsigned operands; ``width="full"`` gives the 2p-bit product, ``"truncated"`` the low
  p bits (the product mod 2^p, the same bits for two's-complement operands);
* ``zero_extend`` / ``sign_extend``, ``as_bits``.

Whole circuits: ``adder_circuit(p, adder)`` (inputs ``a[0..p-1]``, ``b[0..p-1]``; outputs ``s[0..p-1]`` then
``c``, the carry-out), ``multiplier_circuit(p, multiplier, adder, width)`` (outputs ``p[0..2p-1]``) and
``comparator_circuit(p, op, signed)`` (output ``y``), in the input and output order of ABC's ``gen``.

Costs: ``aig_stats(c)`` gives the AND count and AIG depth as ABC's ``print_stats`` reports them after AIGER
export; :mod:`constructions.bits.forms` holds the closed forms of the literature (``docs/bits.md``).
"""
from .adders import (ADDERS, COMPARISONS, DEFAULT_SLACK, PREFIX_ADDERS, STYLES, add, as_bits, carry_out,  # noqa: F401
                     compare, csa, equal, full_adder, half_adder, negate, prefix_add, ripple_add, sign_extend,
                     subtract, zero_extend)
from .aig import aig_lower, aig_stats  # noqa: F401
from .blocks import adder_circuit, comparator_circuit, multiplier_circuit  # noqa: F401
from .multipliers import (MULTIPLIERS, REDUCTIONS, WIDTHS, add_columns, dadda_heights, multiply,  # noqa: F401
                          partial_products, reduce_columns)
