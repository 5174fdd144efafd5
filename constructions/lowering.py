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
from circuits.ops import BY_NAME, OPS

OPS_CONST = BY_NAME["const"].code

__all__ = ["lower", "lowered_depth", "LOWERABLE_OPS", "BASES", "bit_name", "encode_inputs", "decode_outputs"]

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


def _prepare(circuit, basis, precision, number, adder, multiplier, threshold_method):
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
    out = Circuit(basis)
    blocks = _BooleanBlocks(out, p, F, adder, multiplier) if basis == "boolean" else \
        _ThresholdBlocks(out, p, F, threshold_method)
    cols = circuit.columns()
    op = np.asarray(cols["op"])
    code = {OPS[k].name: k for k in OPS}
    is_const = op == code["const"]
    gates = np.flatnonzero(~is_const & (op != code["input"]))
    depth = np.asarray(cols["depth"], dtype=np.int64)
    order = gates[np.argsort(depth[gates], kind="stable")]
    levels = np.split(order, np.flatnonzero(np.diff(depth[order])) + 1) if order.size else []
    return (p, number_domain(p, number), out, blocks, op, np.asarray(cols["arg0"], dtype=np.int64),
            np.asarray(cols["arg1"], dtype=np.int64), code, is_const, levels)


def lower(circuit: Circuit, basis: str = "boolean", precision: int = 8, number: str = "wrap",
          adder: str = "sklansky", multiplier: str = "dadda", threshold_method: str = "direct") -> Circuit:
    """The circuit ``circuit`` computes, in p-bit fixed precision, over ``basis`` (see the module docstring)."""
    p, dom, out, blocks, op, a0, a1, code, is_const, levels = _prepare(
        circuit, basis, precision, number, adder, multiplier, threshold_method)
    W = np.full((len(op), p), -1, dtype=np.int64)  # the p bit wires of every wire of the arithmetic circuit

    for name, shape, ids in circuit.input_arrays():
        W[np.asarray(ids, dtype=np.int64).ravel()] = np.asarray(out.input(bit_name(name), tuple(shape) + (p,)),
                                                                dtype=np.int64).reshape(-1, p)
    _const_bits(circuit, out, dom, p, a0, is_const, W)
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


def _const_bits(circuit, out, dom, p, a0, is_const, W):
    consts = circuit.constants
    for g in np.flatnonzero(is_const):
        r = dom.const(consts[int(a0[g])]) % (1 << p)
        W[g] = [int(out.const((r >> k) & 1)) for k in range(p)]


def lowered_depth(circuit: Circuit, basis: str = "boolean", precision: int = 8, number: str = "wrap",
                  adder: str = "sklansky", multiplier: str = "dadda", threshold_method: str = "direct",
                  cache: bool = True) -> dict:
    """The depth of ``lower(circuit, ...)`` without building it: ``{"depth", "aig_levels"}`` (``aig_levels``:
    the AIG depth ABC would report, boolean basis only).

    The blocks of :func:`lower` are built by the same code, but once per *class* of gates instead of once per
    gate. Two gates of the same level and op are in one class when their operands' bits have the same depths
    (IR and AIG estimate), the same constant bits, and the same pattern of shared bits; the blocks' wiring
    depends on nothing else, so every gate of a class gets the same output depths. A class is built on stub
    wires that arrive at exactly those depths (chains of and/xor/not gates on fresh inputs), all classes of a
    level and op in one batch, as :func:`lower` builds them — so the work is (levels × classes × block size)
    instead of (gates × block size). With ``cache``, a level whose classes are those of an earlier level
    shifted by a constant depth reuses its outputs, shifted (the blocks wire by relative depths).
    ``tests/test_lowering.py`` checks the result against built lowerings, and the cache against no cache."""
    from .bits._gates import gates_for

    p, dom, out, blocks, op, a0, a1, code, is_const, levels = _prepare(
        circuit, basis, precision, number, adder, multiplier, threshold_method)
    G = gates_for(out) if basis == "boolean" else None
    n = len(op)
    PI = np.zeros((n, p), dtype=np.int64)  # IR depth of each bit
    PA = np.zeros((n, p), dtype=np.int64)  # AIG-depth estimate of each bit
    PC = np.full((n, p), -1, dtype=np.int64)  # constant value of each bit, −1 if not constant
    orig = np.zeros((n, p), dtype=np.int64)  # where each bit comes from: w·p + k (a fresh bit) or −1 − value
    for name, shape, ids in circuit.input_arrays():
        ids = np.asarray(ids, dtype=np.int64).ravel()
        orig[ids] = ids[:, None] * p + np.arange(p)
    if is_const.any():
        Wc = np.full((n, p), -1, dtype=np.int64)
        _const_bits(circuit, out, dom, p, a0, is_const, Wc)
        PC[is_const] = _const_codes(out, Wc[is_const])
        orig[is_const] = -1 - PC[is_const]
    pristine = ~is_const  # every bit of the wire is its own fresh bit (no constant, no alias)
    stubs = _Stubs(out, G)
    memo: dict = {}

    for level in levels:
        for name in ("add", "sub", "mul", "neg"):
            g = level[op[level] == code[name]]
            if not g.size:
                continue
            ops_ = [a0[g]] if name == "neg" else [a0[g], a1[g]]
            k = len(ops_)
            ir = np.concatenate([PI[o] for o in ops_], axis=1)
            ag = np.concatenate([PA[o] for o in ops_], axis=1)
            cv = np.concatenate([PC[o] for o in ops_], axis=1)
            og = np.concatenate([orig[o] for o in ops_], axis=1)  # (G, k·p) origins
            share = _share_pattern(og, ops_, pristine, p)
            free = cv < 0
            s_ir = int(ir[free].min()) if free.any() else 0
            s_ag = int(ag[free].min()) if free.any() else 0
            keys = np.concatenate([np.where(free, ir - s_ir, 0), np.where(free, ag - s_ag, 0), cv, share], axis=1)
            uniq, first, inv = np.unique(keys, axis=0, return_index=True, return_inverse=True)
            inv = inv.ravel()
            mkey = (name, uniq.shape, uniq.tobytes()) if cache else None
            if mkey is not None and mkey in memo:
                rir, rag, rc, alias = memo[mkey]
                rir, rag = rir + s_ir, rag + s_ag
            else:
                # stub operands: one fresh wire per distinct origin of the class, constants as themselves
                S = np.empty((len(first), k * p), dtype=np.int64)
                for r, gi in enumerate(first.tolist()):
                    made = {}
                    for j in range(k * p):
                        o = int(og[gi, j])
                        if cv[gi, j] >= 0:
                            S[r, j] = int(out.const(int(cv[gi, j])))
                        elif o in made:
                            S[r, j] = made[o]
                        else:
                            S[r, j] = made[o] = stubs.make(int(ir[gi, j]), int(ag[gi, j]))
                res = blocks.neg(S[:, :p]) if name == "neg" else getattr(blocks, name)(S[:, :p], S[:, p:])
                res = np.asarray(res, dtype=np.int64).reshape(len(first), p)
                rir = out.depths()[res].astype(np.int64)
                rag = G.aig_depth(res) if G is not None else np.zeros_like(rir)
                rc = _const_codes(out, res)
                alias = np.full((len(first), p), -1, dtype=np.int64)  # output bit = operand bit j, or −1
                for r in range(len(first)):
                    pos = {int(w): j for j, w in enumerate(S[r].tolist())}
                    alias[r] = [pos.get(int(w), -1) for w in res[r].tolist()]
                if mkey is not None:
                    memo[mkey] = (rir - s_ir, rag - s_ag, rc, alias)
            PI[g], PA[g], PC[g] = rir[inv], rag[inv], rc[inv]
            # origins of the outputs: a fresh bit, a constant, or an alias of an operand bit
            new = g[:, None] * p + np.arange(p)
            al = alias[inv]
            take = np.take_along_axis(og, np.where(al >= 0, al, 0), axis=1)
            orig[g] = np.where(PC[g] >= 0, -1 - PC[g], np.where(al >= 0, take, new))
            pristine[g] = (orig[g] == new).all(axis=1)
    out_ids = [np.asarray(ids, dtype=np.int64).ravel() for _, _, ids in circuit.output_arrays()]
    out_ids = np.concatenate(out_ids) if out_ids else np.zeros(0, np.int64)
    res = {"depth": int(PI[out_ids].max()) if out_ids.size else 0}
    if G is not None:
        res["aig_levels"] = int(PA[out_ids].max()) if out_ids.size else 0
    return res


class _Stubs:
    """New wires at a given IR depth and AIG-depth estimate, each a fresh gate (so no two are the same wire).

    A stub extends the nearest existing stub below it: ``not`` adds (1, 0), ``and`` with a fresh input (1, 1),
    ``xor`` with a fresh input (1, 2) to (IR depth, AIG estimate); on the threshold basis only the IR depth
    matters. Depth 0 is a fresh input."""

    def __init__(self, out, G):
        self.out, self.G = out, G
        self.by_ir: dict[int, dict[int, int]] = {}

    def _fresh(self) -> int:
        return int(self.out.input(f"stub{len(self.out)}"))

    def make(self, ir: int, aig: int) -> int:
        out, G = self.out, self.G
        if G is None:
            aig = 0
        if ir == 0:
            if aig:
                raise CircuitError(f"lowered_depth: no stub at depth 0 with AIG estimate {aig}")
            return self._fresh()
        base, bir, baig = None, 0, 0
        for lo in range(ir - 1, -1, -1):  # the nearest stub strictly below that can still reach the target
            for a2, w in self.by_ir.get(lo, {}).items():
                if 0 <= aig - a2 <= (2 * (ir - lo) if G is not None else 0):
                    base, bir, baig = w, lo, a2
                    break
            if base is not None:
                break
        if base is None:
            base = self._fresh()
        w, d, e = base, bir, baig
        while d < ir:
            need = aig - e
            left = ir - d
            if G is not None and need > left:
                w, e = int(out.xor(w, self._fresh())), e + 2
            elif G is not None and need > 0:
                w, e = int(out.and_(w, self._fresh())), e + 1
            else:
                w = int(out.not_(w))
            d += 1
            self.by_ir.setdefault(d, {})[e] = w
        if e != aig:
            raise CircuitError(f"lowered_depth: no stub for depth {ir} with AIG estimate {aig}")
        return w


def _const_codes(out, wires) -> np.ndarray:
    """The constant value (0/1) of each lowered wire, −1 where it is not a constant."""
    cols = out.columns()
    wires = np.asarray(wires, dtype=np.int64)
    isc = cols["op"][wires] == OPS_CONST
    res = np.full(wires.shape, -1, dtype=np.int64)
    if isc.any():
        consts = out.constants
        res[isc] = [int(consts[k]) for k in cols["arg0"][wires[isc]].tolist()]
    return res


def _share_pattern(og: np.ndarray, ops_, pristine: np.ndarray, p: int) -> np.ndarray:
    """For each operand bit, the first operand bit of its row with the same origin (constants: −1).

    Fast path: when every operand of a row is pristine (its bits are its own), bits are shared only between
    two operands that are the same wire."""
    G, m = og.shape
    pat = np.broadcast_to(np.arange(m), (G, m)).copy()
    if len(ops_) == 2:
        same = ops_[0] == ops_[1]
        pat[same, p:] = np.arange(p)
    slow = ~np.logical_and.reduce([pristine[o] for o in ops_])
    if slow.any():
        sub = og[slow]
        sp = np.empty(sub.shape, dtype=np.int64)
        for j in range(m):
            sp[:, j] = np.argmax(sub[:, :j + 1] == sub[:, j:j + 1], axis=1)
        pat[slow] = sp
    return np.where(og < 0, -1, pat)


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
