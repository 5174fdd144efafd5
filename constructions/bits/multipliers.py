"""Column compression (Wallace, Dadda, array) and multipliers on p-bit wire vectors.

A *column set* is a list of columns; column ``k`` is a list of wires (or equal-shape wire arrays, for a batch)
of weight ``2^k``. :func:`reduce_columns` compresses it to at most two bits per column with full adders (3:2)
and half adders (2:2):

* ``"wallace"`` (Wallace 1964): every stage puts each group of three bits of a column into a full adder and a
  remaining pair into a half adder (a single bit passes), until every column has at most two bits; the
  number of stages equals the length of Dadda's height sequence (checked in tests/test_bits.py);
* ``"dadda"`` (Dadda 1965): stage targets ``d_1 = 2``, ``d_{j+1} = ⌊3 d_j / 2⌋``; each stage reduces every
  column just to the next target, counting the carries that enter from the column below, with a full adder
  when two or more bits must go and a half adder when one must — the fewest adders per stage. For a p×p
  product it uses ``p² − 4p + 3`` full and ``p − 1`` half adders (Townsend, Swartzlander, Abraham 2003);
* ``"array"``: the partial-product rows are added one after another in carry-save form (the array multiplier
  of Weste–Harris §11.9.1), depth linear in the number of rows.

Which bits of a column feed which adder is a wiring choice that changes no count: bits are taken in order of
their (estimated) AIG depth, earliest first, and the latest of a full adder's three inputs goes to its fast
input (``cin``: 2 AIG levels to the outputs instead of 4) — the timing-driven wiring of Oklobdzija, Villeger,
Liu (1996). Bits a stage does not need to touch are left for the next stage.
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit
from circuits.errors import CircuitError

from ._gates import gates_for
from .adders import ADDERS, add, as_bits

__all__ = ["REDUCTIONS", "MULTIPLIERS", "WIDTHS", "dadda_heights", "reduce_columns", "add_columns",
           "partial_products", "multiply"]

REDUCTIONS = ("dadda", "wallace", "array")
MULTIPLIERS = REDUCTIONS
WIDTHS = ("full", "truncated")


def dadda_heights(h: int) -> list[int]:
    """Dadda's stage targets below ``h``, largest first: ``d_1 = 2``, ``d_{j+1} = ⌊1.5·d_j⌋``."""
    d = [2]
    while (d[-1] * 3) // 2 < h:
        d.append((d[-1] * 3) // 2)
    return [x for x in reversed(d) if x < h]


class _Counter(dict):
    def bump(self, k, n=1):
        self[k] = self.get(k, 0) + n


def _fa(c, G, bits, top: bool, cnt=None):
    """A full adder on three wires, the latest on the fast input; only the sum in the top column."""
    if cnt is not None:
        cnt.bump("fa")
        if top:
            cnt.bump("fa_top")
    d = [int(np.max(G.aig_depth(b))) for b in bits]
    order = np.argsort(d, kind="stable")
    a, b, cin = (bits[k] for k in order)
    if G.native_threshold:
        s, carry = G.full_adder_threshold(a, b, cin)
        return s, (None if top else carry)
    x = G.xor(a, b)
    s = G.xor(x, cin)
    if top:
        return s, None
    return s, G.or_(G.and_(a, b), G.and_(cin, x))


def _ha(c, G, bits, top: bool, cnt=None):
    if cnt is not None:
        cnt.bump("ha")
        if top:
            cnt.bump("ha_top")
    a, b = bits
    if G.native_threshold and not top:
        return G.half_adder_threshold(a, b)
    return G.xor(a, b), (None if top else G.and_(a, b))


def _sorted(G, col):
    if len(col) <= 1:
        return list(col)
    d = [int(np.max(G.aig_depth(b))) for b in col]
    return [col[k] for k in np.argsort(d, kind="stable")]


def reduce_columns(c: Circuit, columns, method: str = "dadda", width: int | None = None, stats: dict | None = None):
    """Compress ``columns`` (see the module docstring) to at most two wires per column. Columns at index
    ``width`` and above are dropped (sums modulo ``2^width``; the adders of column ``width − 1`` build no
    carry). Returns the new columns; ``stats`` (a dict, if given) receives the counts ``fa``, ``ha``, ``stages``
    and ``fa_top``, ``ha_top`` (those of the top column, which build no carry)."""
    if method not in REDUCTIONS:
        raise CircuitError(f"unknown reduction {method!r}; choose one of {', '.join(REDUCTIONS)}")
    G = gates_for(c)
    W = len(columns) if width is None else int(width)
    cols = [[np.asarray(b, dtype=np.int64) for b in col] for col in list(columns)[:W]]
    cols += [[] for _ in range(W - len(cols))]
    cnt = _Counter(fa=0, ha=0, fa_top=0, ha_top=0, stages=0)
    if method == "array":
        cols = _reduce_array(c, G, cols, W, cnt)
    else:
        while max((len(col) for col in cols), default=0) > 2:
            h = max(len(col) for col in cols)
            target = dadda_heights(h)[0] if method == "dadda" else None
            cols = _stage(c, G, cols, W, target, cnt)
            cnt.bump("stages")
    if stats is not None:
        stats.update(cnt)
    return cols


def _stage(c, G, cols, W, target, cnt):
    nxt = [[] for _ in range(W)]
    carries_in = 0
    for k in range(W):
        col = _sorted(G, cols[k])
        top = k == W - 1
        used = 0
        if target is None:  # Wallace: all triples, then a remaining pair
            if True:
                while len(col) - used >= 3:
                    s, cy = _fa(c, G, col[used:used + 3], top, cnt)
                    used += 3
                    nxt[k].append(s)
                    if cy is not None:
                        nxt[k + 1].append(cy)
                if len(col) - used == 2:
                    s, cy = _ha(c, G, col[used:used + 2], top, cnt)
                    used += 2
                    nxt[k].append(s)
                    if cy is not None:
                        nxt[k + 1].append(cy)
        else:  # Dadda: just down to the target, counting the carries from column k − 1
            h = len(col) + carries_in
            carries_in = 0
            while h > target:
                if h - target >= 2:
                    s, cy = _fa(c, G, col[used:used + 3], top, cnt)
                    used += 3
                    h -= 2
                else:
                    s, cy = _ha(c, G, col[used:used + 2], top, cnt)
                    used += 2
                    h -= 1
                nxt[k].append(s)
                if cy is not None:
                    nxt[k + 1].append(cy)
                    carries_in += 1
        nxt[k] = col[used:] + nxt[k]
    return nxt


def _reduce_array(c, G, cols, W, cnt):
    """Carry-save accumulation one bit per column at a time (rows of an array multiplier)."""
    acc_s = [None] * W
    acc_c = [None] * W  # carries into column k
    depth_rows = max((len(col) for col in cols), default=0)
    pending = [list(col) for col in cols]
    for _ in range(depth_rows):
        new_s, new_c = [None] * W, [None] * W
        for k in range(W):
            take = pending[k].pop(0) if pending[k] else None
            bits = [b for b in (acc_s[k], acc_c[k], take) if b is not None]
            top = k == W - 1
            if len(bits) == 3:
                s, cy = _fa(c, G, bits, top, cnt)
            elif len(bits) == 2:
                s, cy = _ha(c, G, bits, top, cnt)
            else:
                s, cy = (bits[0] if bits else None), None
            new_s[k] = s
            if cy is not None:
                new_c[k + 1] = cy
        acc_s, acc_c = new_s, new_c
        cnt.bump("stages")
    return [[b for b in (acc_s[k], acc_c[k]) if b is not None] + pending[k] for k in range(W)]


def add_columns(c: Circuit, columns, width: int, method: str = "dadda", adder: str = "sklansky",
                stats: dict | None = None, **adder_kw):
    """The sum of a column set modulo ``2^width`` as ``width`` bits: :func:`reduce_columns`, then one
    ``adder`` over the columns from the first that still holds two bits (the ones below are already final)."""
    if adder not in ADDERS:
        raise CircuitError(f"unknown adder {adder!r}; choose one of {', '.join(ADDERS)}")
    cols = reduce_columns(c, columns, method, width, stats)
    zero = int(c.const(0))
    shape = next((np.shape(b) for col in cols for b in col), ())
    z = np.full(shape, zero, dtype=np.int64)
    out = [col[0] if col else z for col in cols]
    k0 = next((k for k, col in enumerate(cols) if len(col) >= 2), width)
    if k0 < width:
        r0 = np.stack([cols[k][0] if len(cols[k]) > 0 else z for k in range(k0, width)], axis=-1)
        r1 = np.stack([cols[k][1] if len(cols[k]) > 1 else z for k in range(k0, width)], axis=-1)
        s, _ = add(c, r0, r1, adder, **adder_kw)
        for k in range(k0, width):
            out[k] = s[..., k - k0]
    return np.stack([np.broadcast_to(o, shape) for o in out], axis=-1)


def partial_products(c: Circuit, a, b, width: int | None = None):
    """Columns of the partial products ``a_j ∧ b_i`` (weight ``2^(i+j)``), up to column ``width − 1``."""
    a, b = as_bits(c, a), as_bits(c, b)
    p, q = a.shape[-1], b.shape[-1]
    W = p + q if width is None else width
    G = gates_for(c)
    cols = [[] for _ in range(W)]
    for i in range(q):
        for j in range(p):
            if i + j < W:
                cols[i + j].append(G.and_(a[..., j], b[..., i]))
    return cols


def multiply(c: Circuit, a, b, multiplier: str = "dadda", adder: str = "sklansky", width: str = "full",
             stats: dict | None = None, **adder_kw):
    """The unsigned product of two p-bit vectors: ``width="full"`` gives 2p bits, ``"truncated"`` the low p
    bits (the product modulo 2^p, the same bits for two's-complement operands). ``multiplier`` is one of
    :data:`MULTIPLIERS`, ``adder`` any of :data:`constructions.bits.ADDERS` (the final carry-propagate adder)."""
    if multiplier not in MULTIPLIERS:
        raise CircuitError(f"unknown multiplier {multiplier!r}; choose one of {', '.join(MULTIPLIERS)}")
    if width not in WIDTHS:
        raise CircuitError(f"width must be one of {', '.join(WIDTHS)}, not {width!r}")
    a, b = as_bits(c, a), as_bits(c, b)
    if a.shape[-1] != b.shape[-1]:
        raise CircuitError(f"operands have {a.shape[-1]} and {b.shape[-1]} bits")
    p = a.shape[-1]
    W = 2 * p if width == "full" else p
    cols = partial_products(c, a, b, W)
    return add_columns(c, cols, W, multiplier, adder, stats, **adder_kw)
