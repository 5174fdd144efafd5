"""Lowering an arithmetic circuit to bits: the same computation in p-bit fixed precision as a boolean (fan-in 2)
or threshold circuit.

``lower(circuit, basis="boolean", precision=p, number="wrap"|"fixed:F", adder=..., multiplier=...)``

Number systems (exactly those of :mod:`circuits.numbers`): every wire holds a p-bit two's-complement raw integer
r standing for r / 2^F; ``wrap`` is F = 0. add, sub and neg wrap modulo 2^p; mul takes the exact product, drops
its low F bits (rounding toward −∞) and wraps. Inputs and constants are encoded as wrap(⌊v·2^F⌋).

Names: an input array ``x`` of shape S becomes the input ``x.bit`` of shape S + (p,): bit k (k = 0 the least
significant) of element ``x[i][j]`` is ``x.bit[i][j][k]``. Outputs likewise: ``h`` → ``h.bit``.

Blocks:

- ``basis="boolean"``: adders of :mod:`constructions.bits` (``adder``: ``ripple`` or any scan schedule), its
  subtractor and negation, and its multipliers (``multiplier``: array, wallace, dadda). A level of the arithmetic
  circuit is lowered at once: the blocks work elementwise over a batch of operands.
- ``basis="threshold"``: the constant-depth blocks of :mod:`constructions.threshold`: each sum or product is
  the low bits of a weighted bit heap (``sum_bits``, depth 2); ``sub`` and ``neg`` complement their operand
  first (one more level). The depth per arithmetic gate is then a constant, whatever p.

Evaluating the lowered circuit on the bits of the inputs gives the bits of the arithmetic circuit's values in
the number domain (``circuits.numbers.number_domain(p, number)``), exactly; ``encode_inputs`` and
``decode_outputs`` convert.
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit, CircuitError
from circuits.numbers import number_domain, parse_number
from circuits.ops import OPS

__all__ = ["lower", "LOWERABLE_OPS", "BASES", "bit_name", "encode_inputs", "decode_outputs"]

LOWERABLE_OPS = ("input", "const", "add", "sub", "mul", "neg")
BASES = ("boolean", "threshold")


def bit_name(name: str) -> str:
    """The name of the bit array of an input or output: ``x`` → ``x.bit``; ``h[3][1]`` → ``h.bit[3][1]``."""
    base, _, rest = name.partition("[")
    return f"{base}.bit" + (f"[{rest}" if rest else "")


def _check(circuit: Circuit, basis: str) -> None:
    if not isinstance(circuit, Circuit):
        raise CircuitError(f"lower: expected a Circuit, got {type(circuit).__name__}")
    if basis not in BASES:
        raise CircuitError(f"lower: basis must be one of {', '.join(BASES)}, not {basis!r}")
    bad = sorted(set(circuit.count_ops()) - set(LOWERABLE_OPS))
    if bad:
        raise CircuitError(f"lower: only {', '.join(LOWERABLE_OPS[2:])} gates can be lowered to bits; this circuit "
                           f"has {', '.join(bad)}")


def lower(circuit: Circuit, basis: str = "boolean", precision: int = 8, number: str = "wrap",
          adder: str = "sklansky", multiplier: str = "dadda", threshold_method: str = "direct") -> Circuit:
    """The circuit ``circuit`` computes, in p-bit fixed precision, over ``basis`` (see the module docstring)."""
    from . import bits

    _check(circuit, basis)
    p = int(precision) if not isinstance(precision, bool) else precision
    F = parse_number(number, p)
    if basis == "boolean":
        if adder not in bits.ADDERS:
            raise CircuitError(f"lower: unknown adder {adder!r}; choose one of {', '.join(bits.ADDERS)}")
        if multiplier not in bits.MULTIPLIERS:
            raise CircuitError(f"lower: unknown multiplier {multiplier!r}; choose one of "
                               f"{', '.join(bits.MULTIPLIERS)}")
    dom = number_domain(p, number)
    out = Circuit(basis)
    cols = circuit.columns()
    op = np.asarray(cols["op"])
    a0 = np.asarray(cols["arg0"], dtype=np.int64)
    a1 = np.asarray(cols["arg1"], dtype=np.int64)
    depth = np.asarray(cols["depth"], dtype=np.int64)
    W = np.full((len(op), p), -1, dtype=np.int64)  # the p bit wires of every wire of the arithmetic circuit

    for name, shape, ids in circuit.input_arrays():
        W[np.asarray(ids, dtype=np.int64).ravel()] = np.asarray(out.input(bit_name(name), tuple(shape) + (p,)),
                                                                dtype=np.int64).reshape(-1, p)
    consts = circuit.constants
    code = {OPS[k].name: k for k in OPS}
    is_const = op == code["const"]
    for g in np.flatnonzero(is_const):
        r = dom.const(consts[int(a0[g])]) % (1 << p)
        W[g] = [int(out.const((r >> k) & 1)) for k in range(p)]

    blocks = _BooleanBlocks(out, p, F, adder, multiplier) if basis == "boolean" else \
        _ThresholdBlocks(out, p, F, threshold_method)
    gates = np.flatnonzero(~is_const & (op != code["input"]))
    order = gates[np.argsort(depth[gates], kind="stable")]
    levels = np.split(order, np.flatnonzero(np.diff(depth[order])) + 1) if order.size else []
    for level in levels:
        for name in ("add", "sub", "mul", "neg"):
            g = level[op[level] == code[name]]
            if g.size:
                x = W[a0[g]]
                W[g] = blocks.neg(x) if name == "neg" else getattr(blocks, name)(x, W[a1[g]])

    for name, shape, ids in circuit.output_arrays():
        bits_ = W[np.asarray(ids, dtype=np.int64).ravel()].reshape(tuple(shape) + (p,))
        if "[" in name:  # an element name (e.g. the last state h[n-1][i]): one scalar output per bit
            for k in range(p):
                out.output(f"{bit_name(name)}[{k}]", int(bits_[k]))
        else:
            out.output(bit_name(name), bits_)
    return out


class _BooleanBlocks:
    """Batched blocks over (G, p) arrays of bit wires."""

    def __init__(self, c, p, F, adder, multiplier):
        self.c, self.p, self.F, self.adder, self.multiplier = c, p, F, adder, multiplier

    def add(self, x, y):
        from .bits import add
        return np.asarray(add(self.c, x, y, self.adder)[0], dtype=np.int64)

    def sub(self, x, y):
        from .bits import subtract
        return np.asarray(subtract(self.c, x, y, self.adder)[0], dtype=np.int64)

    def neg(self, x):
        from .bits import negate
        return np.asarray(negate(self.c, x, self.adder), dtype=np.int64)

    def mul(self, x, y):
        from .bits import multiply, sign_extend
        p, F = self.p, self.F
        if F == 0:
            return np.asarray(multiply(self.c, x, y, self.multiplier, self.adder, width="truncated"), dtype=np.int64)
        # bits F..F+p−1 of the signed product: the low F+p bits of the product of the sign-extended operands
        xe, ye = sign_extend(self.c, x, F + p), sign_extend(self.c, y, F + p)
        prod = multiply(self.c, xe, ye, self.multiplier, self.adder, width="truncated")
        return np.asarray(prod, dtype=np.int64)[..., F:F + p]


class _ThresholdBlocks:
    """Constant-depth blocks, one gate at a time: the low bits of a weighted bit heap (``sum_bits``)."""

    def __init__(self, c, p, F, method):
        from .threshold import METHODS
        if method not in METHODS:
            raise CircuitError(f"lower: unknown threshold method {method!r}; choose one of {', '.join(METHODS)}")
        self.c, self.p, self.F, self.method = c, p, F, method
        self.one = int(c.const(1))

    def _low_bits(self, cols, nbits):
        """The low ``nbits`` bits of Σ_k 2^k Σ cols[k] (columns at or above nbits do not matter)."""
        from .threshold import heap_sum, sum_bits
        cols = [list(col) for col in cols[:nbits]]
        if self.method == "direct":
            xs = [w for col in cols for w in col]
            ws = [1 << k for k, col in enumerate(cols) for _ in col]
            return np.asarray(sum_bits(self.c, xs, ws, nbits), dtype=np.int64)
        s = np.asarray(heap_sum(self.c, cols, self.method), dtype=np.int64)[:nbits]
        if s.size < nbits:
            s = np.concatenate([s, [int(self.c.const(0))] * (nbits - s.size)])
        return s

    def _each(self, fn, *arrays):
        return np.array([fn(*rows) for rows in zip(*arrays)], dtype=np.int64).reshape(-1, self.p)

    def add(self, x, y):
        return self._each(lambda a, b: self._low_bits([[a[k], b[k]] for k in range(self.p)], self.p), x, y)

    def sub(self, x, y):  # a + ¬b + 1
        def one(a, b):
            nb = np.asarray(self.c.not_(b), dtype=np.int64)
            cols = [[a[k], nb[k]] for k in range(self.p)]
            cols[0].append(self.one)
            return self._low_bits(cols, self.p)
        return self._each(one, x, y)

    def neg(self, x):  # ¬a + 1
        def one(a):
            na = np.asarray(self.c.not_(a), dtype=np.int64)
            cols = [[na[k]] for k in range(self.p)]
            cols[0].append(self.one)
            return self._low_bits(cols, self.p)
        return self._each(one, x)

    def mul(self, x, y):
        p, F = self.p, self.F
        n = F + p  # bits F..F+p−1 of the signed product = of the product of the (F+p)-bit sign extensions

        def one(a, b):
            a = np.concatenate([a, np.repeat(a[-1:], F)]) if F else a
            b = np.concatenate([b, np.repeat(b[-1:], F)]) if F else b
            cols = [[] for _ in range(n)]
            for i in range(n):
                row = np.asarray(self.c.and_(a[: n - i], np.full(n - i, b[i])), dtype=np.int64)
                for k in range(n - i):
                    cols[i + k].append(int(row[k]))
            return self._low_bits(cols, n)[F:F + p]
        return self._each(one, x, y)


def encode_inputs(circuit: Circuit, values: dict, precision: int, number: str = "wrap") -> dict:
    """Bits for the lowered circuit's inputs from values for the arithmetic circuit's inputs (leading batch
    axes allowed): ``{"x.bit": bool array of shape batch + S + (p,)}``."""
    dom = number_domain(precision, number)
    out = {}
    for name, shape, _ in circuit.input_arrays():
        if name not in values:
            raise CircuitError(f"missing input {name!r}")
        raw = dom.convert(np.asarray(values[name], dtype=object))
        out[bit_name(name)] = to_bits(raw, precision)
    return out


def to_bits(raw, p: int) -> np.ndarray:
    """Raw p-bit integers → bool array with a trailing axis of p bits, least significant first."""
    raw = np.asarray(raw, dtype=object)
    u = np.vectorize(lambda r: int(r) % (1 << p), otypes=[object])(raw) if raw.size else raw
    return np.stack([np.vectorize(lambda v, k=k: bool((v >> k) & 1), otypes=[bool])(u) for k in range(p)],
                    axis=-1) if raw.size else np.zeros(raw.shape + (p,), dtype=bool)


def decode_outputs(circuit: Circuit, bits_out: dict, precision: int) -> dict:
    """The lowered circuit's output bits → raw signed p-bit integers, keyed by the arithmetic circuit's output
    names (compare with ``circuit.evaluate(..., domain=number_domain(p, number))``)."""
    p = int(precision)
    out = {}
    weights = [1 << k for k in range(p)]
    for name, _, _ in circuit.output_arrays():
        if "[" in name:
            b = np.stack([np.asarray(bits_out[f"{bit_name(name)}[{k}]"]) for k in range(p)], axis=-1)
        else:
            b = np.asarray(bits_out[bit_name(name)])
        flat = b.reshape(-1, p).astype(int)
        vals = [sum(w for w, bit in zip(weights, row) if bit) for row in flat.tolist()]
        vals = [v - (1 << p) if v >= 1 << (p - 1) else v for v in vals]
        arr = np.empty(len(vals), dtype=object)
        arr[:] = vals
        out[name] = arr.reshape(b.shape[:-1]) if b.ndim > 1 else arr[0]
    return out
