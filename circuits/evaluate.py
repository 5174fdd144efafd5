"""Level-by-level evaluation of a circuit over a number domain, with a leading batch axis.

Gates are grouped by (depth, op) once per circuit (a stable sort of the columns); each group is one numpy call
on a value matrix of shape (wires, batch). Domains:

* ``"float"`` – float64; boolean gates treat non-zero as true and give 0.0/1.0
* ``"int"`` – exact Python integers (object arrays); inputs and constants must be integers
* ``"fraction"`` – exact rationals (``fractions.Fraction`` in object arrays)
* ``("gf", p)`` – integers modulo a prime-or-not modulus p < 2⁶², int64 arithmetic (products of residues above
  2³¹ are reduced exactly with an extended-precision quotient estimate); arithmetic gates only
* ``"bool"`` – numpy bool; boolean and threshold gates only

Activations ``relu``/``step`` are exact (int/fraction/float); ``sigmoid``/``tanh``/``exp`` are float only.
"""
from __future__ import annotations

import math
from fractions import Fraction
from numbers import Integral

import numpy as np

from . import _graph
from ._graph import ranges
from .core import extension
from .errors import CircuitError
from .names import element_names
from .ops import BY_NAME, OPS, WIDE

__all__ = ["evaluate", "make_domain", "Domain", "degree_of", "plan"]


# ---------------------------------------------------------------------------------------------------------
# domains
class Domain:
    name = "?"
    dtype = object
    supports = frozenset()

    def unsupported(self, op: str):
        raise CircuitError(f"{op} gates cannot be evaluated in the {self.name} domain")

    # conversions ------------------------------------------------------------------------------------------
    def convert(self, arr: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def const(self, value):
        raise NotImplementedError

    def to_python(self, arr: np.ndarray):
        return arr

    # boolean helpers ----------------------------------------------------------------------------------------
    def truth(self, x):
        return x != 0

    def from_bool(self, b):
        return np.where(b, 1, 0).astype(self.dtype)

    def and_(self, x, y):
        return self.from_bool(self.truth(x) & self.truth(y))

    def or_(self, x, y):
        return self.from_bool(self.truth(x) | self.truth(y))

    def xor(self, x, y):
        return self.from_bool(self.truth(x) ^ self.truth(y))

    def not_(self, x):
        return self.from_bool(~self.truth(x))

    def wide(self, name, vals, starts, weights, theta):
        """Wide gates: ``vals`` (T, B) concatenated argument values, segment ``starts``."""
        if name == "threshold":
            w = weights.reshape(-1, 1)
            if self.dtype == object:
                w = w.astype(object)
            s = np.add.reduceat(self.weighted(vals, w), starts, axis=0)
            return self.from_bool(s >= theta.reshape(-1, 1))
        t = self.truth(vals)
        if name == "and":
            r = np.logical_and.reduceat(t, starts, axis=0)
        elif name == "or":
            r = np.logical_or.reduceat(t, starts, axis=0)
        else:
            r = np.logical_xor.reduceat(t, starts, axis=0)
        return self.from_bool(r)

    def weighted(self, vals, w):
        return vals * w

    # arithmetic ------------------------------------------------------------------------------------------------
    def add(self, x, y):
        return x + y

    def sub(self, x, y):
        return x - y

    def mul(self, x, y):
        return x * y

    def neg(self, x):
        return -x

    def relu(self, x):
        return np.where(x > 0, x, 0).astype(self.dtype)

    def step(self, x):
        return self.from_bool(x >= 0)

    def sigmoid(self, x):
        self.unsupported("sigmoid")

    def tanh(self, x):
        self.unsupported("tanh")

    def exp(self, x):
        self.unsupported("exp")

    def recip(self, x):
        self.unsupported("recip")


class FloatDomain(Domain):
    name = "float"
    dtype = np.float64

    def convert(self, arr):
        try:
            return np.asarray(arr, dtype=np.float64)
        except (TypeError, ValueError):
            raise CircuitError("input values must be numbers for the float domain") from None

    def const(self, value):
        return float(value)

    def relu(self, x):
        return np.maximum(x, 0.0)

    def sigmoid(self, x):
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-x))

    def tanh(self, x):
        return np.tanh(x)

    def exp(self, x):
        with np.errstate(over="ignore"):
            return np.exp(x)

    def recip(self, x):
        with np.errstate(divide="ignore"):
            return 1.0 / x


class IntDomain(Domain):
    name = "int"
    dtype = object

    def convert(self, arr):
        arr = np.asarray(arr)
        flat = arr.ravel().tolist()
        out = []
        for v in flat:
            if isinstance(v, (bool, Integral)):
                out.append(int(v))
            else:
                try:
                    f = Fraction(v) if not isinstance(v, str) else Fraction(v)
                except (TypeError, ValueError):
                    raise CircuitError(f"input value {v!r} is not an integer") from None
                if f.denominator != 1:
                    raise CircuitError(f"input value {v!r} is not an integer (use domain='fraction')")
                out.append(int(f))
        res = np.empty(len(out), dtype=object)
        res[:] = out
        return res.reshape(arr.shape)

    def const(self, value):
        if isinstance(value, Fraction):
            raise CircuitError(f"constant {value} is not an integer (use domain='fraction')")
        return int(value)


class FractionDomain(IntDomain):
    name = "fraction"

    def convert(self, arr):
        arr = np.asarray(arr)
        out = []
        for v in arr.ravel().tolist():
            try:
                out.append(Fraction(v))
            except (TypeError, ValueError):
                raise CircuitError(f"input value {v!r} is not a rational number") from None
        res = np.empty(len(out), dtype=object)
        res[:] = out
        return res.reshape(arr.shape)

    def const(self, value):
        return Fraction(value)

    def recip(self, x):
        if any(v == 0 for v in x.ravel().tolist()):
            raise CircuitError("recip of 0 in the fraction domain")
        out = np.empty(x.shape, dtype=object)
        out.ravel()[:] = [1 / Fraction(v) for v in x.ravel().tolist()]
        return out

    def to_python(self, arr):
        if arr.dtype == object:
            flat = [v if isinstance(v, Fraction) else Fraction(v) for v in arr.ravel().tolist()]
            res = np.empty(len(flat), dtype=object)
            res[:] = flat
            return res.reshape(arr.shape)
        return arr


GF_MAX = 2**62  # moduli up to this bound: sums of two residues fit in int64


def _longdouble_ok() -> bool:
    return np.finfo(np.longdouble).nmant >= 63


def mulmod(x: np.ndarray, y: np.ndarray, p: int) -> np.ndarray:
    """``x·y mod p`` for int64 arrays of residues in [0, p), p < 2⁶², exactly.

    The quotient q ≈ x·y/p is estimated in extended precision (64-bit mantissa: its error is below 1, so q is the
    true quotient ± 1); the remainder x·y − q·p is then exact in wrapping 64-bit arithmetic, because its true
    value lies in (−2p, 2p) ⊂ int64, and one correction step brings it into [0, p). Where ``long double`` has no
    64-bit mantissa the product is formed with Python integers instead.
    """
    if p < 2**31:
        return (x * y) % p
    if not _longdouble_ok():  # pragma: no cover - platforms without x87 extended precision
        r = (x.astype(object) * y.astype(object)) % p
        return r.astype(np.int64)
    xl = x.astype(np.longdouble)
    yl = y.astype(np.longdouble)
    q = np.floor(xl * yl / np.longdouble(p)).astype(np.uint64)
    with np.errstate(over="ignore"):
        r = (x.astype(np.uint64) * y.astype(np.uint64) - q * np.uint64(p)).view(np.int64)
    r = np.where(r < 0, r + p, r)
    r = np.where(r >= p, r - p, r)
    return r


class GFDomain(Domain):
    dtype = np.int64

    def __init__(self, p: int):
        if not isinstance(p, Integral) or not (2 <= int(p) < GF_MAX):
            raise CircuitError(f"GF modulus must be an integer with 2 <= p < 2**62, got {p!r}")
        self.p = int(p)
        self.name = f"GF({self.p})"

    def convert(self, arr):
        arr = np.asarray(arr)
        if arr.dtype == bool:
            return arr.astype(np.int64)
        if np.issubdtype(arr.dtype, np.integer):
            if arr.dtype == np.uint64:
                return (arr % np.uint64(self.p)).astype(np.int64)
            return np.mod(arr.astype(np.int64), self.p)
        out = [self.const(Fraction(v)) for v in arr.ravel().tolist()]
        return np.array(out, dtype=np.int64).reshape(arr.shape)

    def const(self, value):
        f = Fraction(value)
        den = f.denominator % self.p
        if den == 0:
            raise CircuitError(f"constant {value} has a denominator divisible by p = {self.p}")
        return (f.numerator % self.p) * pow(den, -1, self.p) % self.p

    def add(self, x, y):
        r = x + y
        r %= self.p
        return r

    def sub(self, x, y):
        r = x - y
        r %= self.p
        return r

    def mul(self, x, y):
        return mulmod(x, y, self.p)

    def neg(self, x):
        return (-x) % self.p

    def _nonarith(self, *a, **k):
        self.unsupported("boolean, threshold and activation")

    and_ = or_ = xor = not_ = wide = relu = step = sigmoid = tanh = exp = recip = _nonarith


class BoolDomain(Domain):
    name = "bool"
    dtype = np.bool_

    def convert(self, arr):
        arr = np.asarray(arr)
        if arr.dtype == bool:
            return arr
        if arr.dtype == object or not np.all((arr == 0) | (arr == 1)):
            raise CircuitError("bool-domain input values must be 0/1 or True/False")
        return arr.astype(bool)

    def const(self, value):
        if value not in (0, 1):
            raise CircuitError(f"constant {value} is not 0 or 1 (bool domain)")
        return bool(value)

    def truth(self, x):
        return x

    def from_bool(self, b):
        return np.asarray(b, dtype=bool)

    def weighted(self, vals, w):
        return vals.astype(np.int64) * w

    def _arith(self, *a):
        self.unsupported("arithmetic")

    add = sub = mul = neg = relu = step = recip = _arith


def make_domain(domain) -> Domain:
    if isinstance(domain, Domain):
        return domain
    if isinstance(domain, str):
        d = domain.lower()
        if d == "float":
            return FloatDomain()
        if d == "int":
            return IntDomain()
        if d in ("fraction", "rational"):
            return FractionDomain()
        if d == "bool":
            return BoolDomain()
        if d.startswith("gf"):
            try:
                return GFDomain(int(d[2:].strip(":()")))
            except ValueError:
                pass
    elif isinstance(domain, (tuple, list)) and len(domain) == 2 and str(domain[0]).lower() == "gf":
        return GFDomain(domain[1])
    raise CircuitError(f"unknown domain {domain!r}; use 'float', 'int', 'fraction', ('gf', p) or 'bool'")


# ---------------------------------------------------------------------------------------------------------
# the schedule
def plan(circuit):
    """Groups of gates by (depth, op code), in evaluation order: list of ``(code, gate_ids)``."""
    return circuit.level_plan()


#: a depth level with at most this many gates is "narrow"; consecutive narrow levels form one run
NARROW = 48
#: a run is evaluated in topological chunks of at most this many gates
CHUNK = 1 << 16
#: runs shorter than this many levels are not worth the scalar path
MIN_RUN_LEVELS = 8

_C = {nm: BY_NAME[nm].code for nm in ("add", "sub", "mul", "neg", "and", "or", "xor", "not", "relu", "step")}


class _Run:
    """Consecutive narrow depth levels (``gates``: their ids, ascending). Built on first use: the (code, gates)
    groups for the level-by-level path, and topological chunks for the scalar path (gates in id order, their
    arguments as indices into a local list that starts with the values read from outside the chunk)."""

    __slots__ = ("gates", "codes", "_groups", "_chunks")

    def __init__(self, gates, codes):
        self.gates = gates
        self.codes = codes
        self._groups = None
        self._chunks = None

    def groups(self, cols):
        if self._groups is None:
            self._groups = _graph_groups(cols["op"], cols["depth"], self.gates)
        return self._groups

    def chunks(self, cols):
        if self._chunks is not None:
            return self._chunks
        a0, a1 = cols["arg0"], cols["arg1"]
        out = []
        for s in range(0, self.gates.size, CHUNK):
            G = self.gates[s : s + CHUNK]
            x = a0[G].astype(np.int64)
            y = a1[G].astype(np.int64)
            y = np.where(y < 0, x, y)  # unary gates: any valid index
            args = np.concatenate([x, y])
            g0 = int(G[0])
            span = int(G[-1]) - g0 + 1
            if span <= 4 * G.size:  # a dense map of the chunk's id range
                where = np.full(span, -1, dtype=np.int64)
                where[G - g0] = np.arange(G.size)
                rel = args - g0
                inside = (rel >= 0) & (rel < span)
                pos = np.full(args.size, -1, dtype=np.int64)
                pos[inside] = where[rel[inside]]
                local = pos >= 0
            else:
                pos = np.searchsorted(G, args)
                local = pos < G.size
                local[local] = G[pos[local]] == args[local]
            ext, inv = np.unique(args[~local], return_inverse=True)
            idx = np.empty(args.size, dtype=np.int32)
            idx[local] = ext.size + pos[local]
            idx[~local] = inv
            m = G.size
            out.append((G, ext.astype(np.int32), idx[:m], idx[m:]))
        self._chunks = out
        return out


def _graph_groups(op, depth, gates=None):
    """(code, ids) groups of ``gates`` by (depth, op), in evaluation order (``level_plan`` on a subset); all
    gates (every wire of depth > 0) when ``gates`` is None."""
    if gates is None:
        if not depth.size or int(depth.max()) >= (1 << 23):
            return _graph_groups(op, depth, np.flatnonzero(depth > 0))
        key = np.left_shift(depth, 7, dtype=np.int32)  # depth·128 + op in int32, over all wires
        key |= op
        order = np.argsort(key, kind="stable")
        key = key[order]
        first = int(np.searchsorted(key, np.int32(128)))  # depth-0 wires (inputs, constants) sort first
        order, key = order[first:], key[first:]
        if not order.size:
            return []
        bounds = np.flatnonzero(key[1:] != key[:-1]) + 1
        starts = [0] + bounds.tolist()
        ends = bounds.tolist() + [key.size]
        return [(c, order[a:b]) for c, a, b in zip((key[starts] & 127).tolist(), starts, ends)]
    return _graph.level_plan(op, depth, gates)


def _schedule(circuit) -> list:
    """The evaluation schedule (cached on the circuit): a list of items in evaluation order, each a
    ``(code, gates)`` group of one depth level, or a ``_Run`` of at least ``MIN_RUN_LEVELS`` consecutive
    levels of at most ``NARROW`` gates each."""
    def build(c):
        cols = c.columns()
        return _items(cols["op"], cols["depth"])
    return circuit.cached("eval_schedule", build)


def _items(op, depth, gates=None) -> list:
    """The schedule items of ``gates`` (ascending wire ids; None: every wire), whose arguments outside
    ``gates`` are computed before: groups of one (depth, op) and narrow runs."""
    dsub = depth if gates is None else depth[gates]
    if not dsub.size or int(dsub.max()) == 0:
        return []
    D = int(dsub.max())
    width = np.bincount(dsub, minlength=D + 1)
    narrow = width <= NARROW
    narrow[0] = False
    edge = np.diff(np.concatenate([[0], narrow.astype(np.int8), [0]]))
    lo, hi = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)  # runs of levels [lo, hi)
    keep = hi - lo >= MIN_RUN_LEVELS
    lo, hi = lo[keep], hi[keep]
    if not lo.size:  # no narrow runs: every group is one (depth, op) group
        return _graph_groups(op, depth, gates if gates is None else gates[dsub > 0])
    run_of = np.full(D + 1, -1, dtype=np.int64)
    run_of[np.repeat(lo, hi - lo) + _graph.ranges(np.zeros(lo.size), hi - lo)] = \
        np.repeat(np.arange(lo.size), hi - lo)
    gates = np.flatnonzero(depth > 0) if gates is None else gates[dsub > 0]
    rid = run_of[depth[gates]]
    in_run = rid >= 0
    groups = _graph_groups(op, depth, gates[~in_run])
    runs = []
    rg = gates[in_run]
    rr = rid[in_run]
    if rr.size > 1 and (rr[1:] < rr[:-1]).any():  # a stable sort keeps the ids ascending in each run
        order = np.argsort(rr, kind="stable")
        rg, rr = rg[order], rr[order]
    cuts = np.searchsorted(rr, np.arange(lo.size + 1))
    for r in range(lo.size):
        g = rg[cuts[r] : cuts[r + 1]]
        runs.append((int(lo[r]), _Run(g, frozenset(np.unique(op[g]).tolist()))))
    items, k = [], 0
    for level, run in runs:
        while k < len(groups) and int(depth[groups[k][1][0]]) < level:
            items.append(groups[k])
            k += 1
        items.append(run)
    items.extend(groups[k:])
    return items


#: blocks of ``repeat_block`` with more gates per copy than this are evaluated as other gates
BLOCK_MAX = 4096


class _Block:
    """Copies of one block (``Circuit.repeated_blocks``): wires ``lo .. lo + count·B − 1``, copy j's gate s
    has op ``op[s]`` and arguments ``arg + j·stride``. At batch 1 the copies run through one generated
    Python function (straight-line code per copy, in-copy values in local variables), chunk by chunk."""

    __slots__ = ("lo", "B", "count", "codes", "op", "args", "fixed", "seqs", "carry", "keep", "_fns")

    def __init__(self, lo, B, count, op, A, st, keep):
        self.lo, self.B, self.count = lo, B, count
        self.keep = keep  # the gates (positions in a copy) whose values are written to the value matrix
        self.op = op.tolist()
        self.codes = frozenset(self.op)
        unary = _graph.ARITY[op] == 1
        per = (st == B) & (A >= lo - B)
        inner = per & (A >= lo)
        fixed, seqs, carry = {}, {}, {}
        names = []
        for s in range(B):
            row = []
            for k in (0, 1):
                if k == 1 and unary[s]:
                    row.append(None)
                    continue
                a, t = int(A[s, k]), int(st[s, k])
                if inner[s, k]:
                    row.append(f"v{a - lo}")
                elif per[s, k]:
                    u = a - (lo - B)
                    carry.setdefault(u, f"c{u}")
                    row.append(f"c{u}")
                elif t == 0:
                    row.append(fixed.setdefault(a, f"f{len(fixed)}"))
                else:
                    row.append(seqs.setdefault((a, t), f"e{len(seqs)}"))
            names.append(row)
        self.args = names
        self.fixed, self.seqs, self.carry = fixed, seqs, carry
        self._fns = {}

    def fn(self, key, exprs):
        f = self._fns.get(key)
        if f is None:
            f = self._fns[key] = self._compile(exprs)
        return f

    def _compile(self, exprs):
        fx = list(self.fixed.values())
        sq = list(self.seqs.values())
        cr = [self.carry[u] for u in sorted(self.carry)]
        lines = ["def _block(F, S, C, out):"]
        if fx:
            lines.append(f"    {', '.join(fx)}, = F")
        if cr:
            lines.append(f"    {', '.join(cr)}, = C")
        lines.append("    ap = out.append")
        if sq:
            lines.append(f"    for {', '.join(sq)}, in zip(*S):")
        else:
            lines.append("    for _ in range(S):")
        for s, (code, row) in enumerate(zip(self.op, self.args)):
            lines.append(f"        v{s} = " + exprs[code].format(x=row[0], y=row[1]))
        lines.append(f"        ap(({''.join(f'v{s}, ' for s in self.keep)}))")
        for u in sorted(self.carry):
            lines.append(f"        c{u} = v{u}")
        lines.append(f"    return ({''.join(f'c{u}, ' for u in sorted(self.carry))})")
        env: dict = {}
        exec(compile("\n".join(lines), f"<repeated block at wire {self.lo}>", "exec"), env)
        return env["_block"]


def _blocks(circuit) -> list:
    """The repeated blocks the block path can evaluate (cached): every argument outside the copies names a
    wire before the first copy (so the wires before ``lo`` hold all a block reads from outside)."""
    def build(c):
        cols = c.columns()
        op, a0, a1 = cols["op"], cols["arg0"], cols["arg1"]
        out = []
        for lo, B, count, st in c.repeated_blocks():
            if B > BLOCK_MAX or count < 2:
                continue
            A = np.stack([a0[lo : lo + B], a1[lo : lo + B]], axis=1).astype(np.int64)
            o = op[lo : lo + B]
            unary = _graph.ARITY[o] == 1
            A[unary, 1] = A[unary, 0]
            st = np.array(st, dtype=np.int64)
            st[unary, 1] = st[unary, 0]
            per = (st == B) & (A >= lo - B)
            ext = ~per
            if ext.any():
                ea, es = A[ext], st[ext]
                ends = np.stack([ea, ea + (count - 1) * es])
                if int(ends.max()) >= lo or int(ends.min()) < 0:
                    continue
            end = lo + B * count
            # values read after the copies (outputs, later gates): only those gates are written out
            refs = [c.output_ids(), a0[end:], a1[end:], c.wide_table()[1]]
            refs = np.concatenate([np.asarray(r, dtype=np.int64).ravel() for r in refs])
            refs = refs[(refs >= lo) & (refs < end)]
            keep = np.unique((refs - lo) % B).tolist()
            out.append(_Block(lo, B, count, o, A, st, keep))
        return out
    return circuit.cached("eval_blocks", build)


def _block_schedule(circuit, blocks) -> list:
    """The schedule with the repeated blocks as items: the wires between blocks by ``_items``, in id order."""
    def build(c):
        cols = c.columns()
        op, depth = cols["op"], cols["depth"]
        items, at = [], 0
        for b in blocks:
            if b.lo > at:
                items.extend(_items(op, depth, np.arange(at, b.lo)))
            items.append(b)
            at = b.lo + b.B * b.count
        if at < len(c):
            items.extend(_items(op, depth, np.arange(at, len(c))))
        return items
    return circuit.cached("eval_block_schedule", build)


#: copies per call of a block's generated function
_BLOCK_ROWS = 1 << 16


def _run_block(b: _Block, vals, key, exprs):
    fn = b.fn(key, exprs)
    col = vals[:, 0]
    F = col[np.array(list(b.fixed), dtype=np.int64)].tolist() if b.fixed else ()
    C = col[np.array(sorted(b.carry), dtype=np.int64) + (b.lo - b.B)].tolist() if b.carry else ()
    seq_a = np.array([a for a, _ in b.seqs], dtype=np.int64)
    seq_s = np.array([t for _, t in b.seqs], dtype=np.int64)
    step = max(1, _BLOCK_ROWS // b.B)
    obj = vals.dtype == object
    for j0 in range(0, b.count, step):
        j1 = min(b.count, j0 + step)
        if seq_a.size:
            ids = seq_a[:, None] + seq_s[:, None] * np.arange(j0, j1, dtype=np.int64)[None, :]
            S = col[ids].tolist()
        else:
            S = j1 - j0
        out = []
        C = fn(F, S, C, out)
        if not b.keep:
            continue
        if obj:
            tmp = np.empty((j1 - j0, len(b.keep)), dtype=object)
            tmp[...] = out
        else:
            tmp = np.array(out, dtype=vals.dtype).reshape(j1 - j0, len(b.keep))
        dst = col[b.lo + j0 * b.B : b.lo + j1 * b.B].reshape(j1 - j0, b.B)
        if len(b.keep) < b.B:
            dst[:, b.keep] = tmp
        else:
            dst[...] = tmp


def _block_exprs(dom: Domain):
    """Python expressions per op code for the block path (the scalar kernel's operations, written inline), and
    a key for the generated functions; None where the scalar path does not apply."""
    C = _C
    if type(dom) is FloatDomain:
        e = {C["neg"]: "(-{x})", C["relu"]: "({x} if {x} > 0.0 or {x} != {x} else 0.0)",
             C["step"]: "(1.0 if {x} >= 0 else 0.0)",
             C["and"]: "(1.0 if ({x} != 0 and {y} != 0) else 0.0)",
             C["or"]: "(1.0 if ({x} != 0 or {y} != 0) else 0.0)",
             C["xor"]: "(1.0 if (({x} != 0) != ({y} != 0)) else 0.0)",
             C["not"]: "(0.0 if {x} != 0 else 1.0)"}
        key = "float"
    elif type(dom) in (IntDomain, FractionDomain):
        e = {C["neg"]: "(-{x})", C["relu"]: "({x} if {x} > 0 else 0)", C["step"]: "(1 if {x} >= 0 else 0)",
             C["and"]: "(1 if ({x} != 0 and {y} != 0) else 0)", C["or"]: "(1 if ({x} != 0 or {y} != 0) else 0)",
             C["xor"]: "(1 if (({x} != 0) != ({y} != 0)) else 0)", C["not"]: "(0 if {x} != 0 else 1)"}
        key = "exact"
    elif type(dom) is GFDomain:
        p = dom.p
        return {C["add"]: f"(({{x}} + {{y}}) % {p})", C["sub"]: f"(({{x}} - {{y}}) % {p})",
                C["mul"]: f"(({{x}} * {{y}}) % {p})", C["neg"]: f"((-{{x}}) % {p})"}, ("gf", p)
    elif type(dom) is BoolDomain:
        return {C["and"]: "({x} and {y})", C["or"]: "({x} or {y})", C["xor"]: "({x} != {y})",
                C["not"]: "(not {x})"}, "bool"
    else:
        return None
    e.update({C["add"]: "({x} + {y})", C["sub"]: "({x} - {y})", C["mul"]: "({x} * {y})"})
    return e, key


def _group(dom: Domain, vals, code, g, a0, a1, woff, wargs, wwts, wth):
    name = OPS[code & ~WIDE].name
    if code & WIDE:
        rows = a0[g]
        lo, hi = woff[rows], woff[rows + 1]
        lens = hi - lo
        idx = ranges(lo, lens)
        starts = np.zeros(len(g), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        vals[g] = dom.wide(name, vals[wargs[idx]], starts, wwts[idx], wth[rows])
        return
    s, e = int(g[0]), int(g[-1]) + 1
    out = slice(s, e) if e - s == g.size else g  # groups are ascending: a full range is a slice
    if type(dom) is FloatDomain and name in _UFUNC and vals.dtype == np.float64:
        _float_group(_UFUNC[name], vals, g, a0, a1, s if e - s == g.size else None)
        return
    if name in ("add", "sub", "mul", "and", "or", "xor"):
        fn = getattr(dom, name + "_" if name in ("and", "or") else name)
        vals[out] = fn(vals[a0[g]], vals[a1[g]])
    else:
        fn = getattr(dom, "not_" if name == "not" else name)
        vals[out] = fn(vals[a0[g]])


_UFUNC = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "neg": np.negative, "relu": None}
del _UFUNC["relu"]
_ROWS = 1 << 15  # values per chunk of a float group (rows × batch), so that the gathered operands stay in cache


def _float_group(fn, vals, g, a0, a1, start):
    """A group over float64 in chunks: gather the operands into reused buffers, write the result in place
    (same ufuncs as ``FloatDomain``, so the same results)."""
    B = vals.shape[1]
    R = max(1, _ROWS // B)
    k = g.size
    bx = np.empty((min(R, k), B))
    by = np.empty((min(R, k), B)) if fn.nin == 2 else None
    for i in range(0, k, R):
        j = min(i + R, k)
        gi = g[i:j]
        x = bx[: j - i]
        np.take(vals, a0[gi], axis=0, out=x, mode="wrap")
        if start is not None:
            dst = vals[start + i : start + j]
        else:
            dst = x
        if by is None:
            fn(x, out=dst)
        else:
            y = by[: j - i]
            np.take(vals, a1[gi], axis=0, out=y, mode="wrap")
            fn(x, y, out=dst)
        if start is None:
            vals[gi] = dst


def _run(circuit, dom: Domain, vals: np.ndarray):
    """Fill ``vals`` (wires × batch) for all gates, given inputs and constants already set."""
    cols = circuit.columns()
    a0, a1 = cols["arg0"], cols["arg1"]
    woff, wargs, wwts, wth = circuit.wide_table()
    scalar = _scalar_kernel(dom) if vals.shape[1] == 1 else None
    items, exprs = None, None
    if scalar is not None and circuit.repeated_blocks():
        blocks = _blocks(circuit)
        exprs = _block_exprs(dom)
        if blocks and exprs is not None and all(b.codes <= set(exprs[0]) for b in blocks):
            items = _block_schedule(circuit, blocks)
    for item in _schedule(circuit) if items is None else items:
        if isinstance(item, _Block):
            _run_block(item, vals, exprs[1], exprs[0])
        elif isinstance(item, _Run):
            if scalar is not None and item.codes <= scalar[1]:
                _run_scalar(item, cols, vals, scalar[0])
            else:
                for code, g in item.groups(cols):
                    _group(dom, vals, code, g, a0, a1, woff, wargs, wwts, wth)
        else:
            _group(dom, vals, item[0], item[1], a0, a1, woff, wargs, wwts, wth)
    return vals


# ---------------------------------------------------------------------------------------------------------
# the scalar path for narrow runs at batch 1: one Python operation per gate, same results as the numpy path
def _scalar_kernel(dom: Domain):
    """(per-op functions, op codes they cover) for the scalar path, or None where it does not apply."""
    C = _C
    if type(dom) is FloatDomain:
        k = {C["neg"]: lambda x, y: -x,
             C["relu"]: lambda x, y: x if x > 0.0 or x != x else 0.0,
             C["step"]: lambda x, y: 1.0 if x >= 0 else 0.0,
             C["and"]: lambda x, y: 1.0 if (x != 0 and y != 0) else 0.0,
             C["or"]: lambda x, y: 1.0 if (x != 0 or y != 0) else 0.0,
             C["xor"]: lambda x, y: 1.0 if ((x != 0) != (y != 0)) else 0.0,
             C["not"]: lambda x, y: 0.0 if x != 0 else 1.0}
        return ("field", k), frozenset(k) | {C["add"], C["sub"], C["mul"]}
    if type(dom) in (IntDomain, FractionDomain):
        k = {C["neg"]: lambda x, y: -x,
             C["relu"]: lambda x, y: x if x > 0 else 0,
             C["step"]: lambda x, y: 1 if x >= 0 else 0,
             C["and"]: lambda x, y: 1 if (x != 0 and y != 0) else 0,
             C["or"]: lambda x, y: 1 if (x != 0 or y != 0) else 0,
             C["xor"]: lambda x, y: 1 if ((x != 0) != (y != 0)) else 0,
             C["not"]: lambda x, y: 0 if x != 0 else 1}
        return ("field", k), frozenset(k) | {C["add"], C["sub"], C["mul"]}
    if type(dom) is GFDomain:
        return ("gf", dom.p), frozenset({C["add"], C["sub"], C["mul"], C["neg"]})
    if type(dom) is BoolDomain:
        k = {C["and"]: lambda x, y: x and y, C["or"]: lambda x, y: x or y,
             C["xor"]: lambda x, y: x != y, C["not"]: lambda x, y: not x}
        return ("field", k), frozenset(k)
    return None


def _run_scalar(run: _Run, cols, vals, kernel):
    ADD, SUB, MUL = _C["add"], _C["sub"], _C["mul"]
    kind, k = kernel
    col = vals[:, 0]
    op = cols["op"]
    for G, ext, xs, ys in run.chunks(cols):
        ops = op[G]
        L = col[ext].tolist()
        ap = L.append
        if kind == "gf":
            p = k
            for o, x, y in zip(ops.tolist(), xs.tolist(), ys.tolist()):
                if o == ADD:
                    ap((L[x] + L[y]) % p)
                elif o == MUL:
                    ap((L[x] * L[y]) % p)
                elif o == SUB:
                    ap((L[x] - L[y]) % p)
                else:
                    ap((-L[x]) % p)
        else:
            for o, x, y in zip(ops.tolist(), xs.tolist(), ys.tolist()):
                if o == ADD:
                    ap(L[x] + L[y])
                elif o == MUL:
                    ap(L[x] * L[y])
                elif o == SUB:
                    ap(L[x] - L[y])
                else:
                    ap(k[o](L[x], L[y]))
        res = L[ext.size:]
        if vals.dtype == object:
            tmp = np.empty(len(res), dtype=object)
            tmp[:] = res
            col[G] = tmp
        else:
            col[G] = res


# ---------------------------------------------------------------------------------------------------------
def _input_values(circuit, values: dict, dom: Domain):
    """Per input array: converted values and whether batched; returns (list, batch size or None)."""
    if not isinstance(values, dict):
        raise CircuitError("values must be a dict of input name -> value")
    known = set()
    got = []
    batch = None
    for name, shape, ids in circuit.input_arrays():
        known.add(name)
        if name in values:
            raw = values[name]
        else:
            elems = list(element_names(name, shape))
            missing = [e for e in elems if e not in values]
            if missing:
                raise CircuitError(f"missing value for input {missing[0]!r}"
                                   + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
            known.update(elems)
            parts = [np.asarray(values[e]) for e in elems]
            if parts and any(p.ndim for p in parts):
                raw = np.stack(parts, axis=-1).reshape(parts[0].shape + shape)
            else:
                raw = np.array(values[elems[0]] if shape == () else [values[e] for e in elems],
                               dtype=object if dom.dtype == object else None).reshape(shape)
        arr = np.asarray(raw, dtype=object) if dom.dtype == object and not isinstance(raw, np.ndarray) else \
            np.asarray(raw)
        if arr.shape == shape:
            b = None
        elif arr.ndim == len(shape) + 1 and arr.shape[1:] == shape:
            b = arr.shape[0]
            if batch is not None and b != batch:
                raise CircuitError(f"input {name!r} has batch size {b}, another input has {batch}")
            batch = b
        else:
            raise CircuitError(f"input {name!r} expects shape {shape} (or (batch,) + {shape}), "
                               f"got {arr.shape}")
        got.append((ids, dom.convert(arr), b))
    extra = [k for k in values if k not in known]
    if extra:
        raise CircuitError(f"unknown input name {extra[0]!r}")
    return got, batch


#: the value matrix (wires × batch) is kept below this many bytes: a bigger batch is evaluated in slices that
#: reuse one buffer (fresh memory costs a page fault per page; the same pages reused cost nothing)
VALUES_BYTES = 1 << 31


def _as_slice(ids: np.ndarray):
    """Wire ids as a slice when they are a contiguous ascending range (inputs usually are)."""
    if ids.size > 1 and int(ids[-1]) - int(ids[0]) + 1 == ids.size and bool((np.diff(ids) == 1).all()):
        return slice(int(ids[0]), int(ids[-1]) + 1)
    return ids


def _batch_slices(n: int, B: int, itemsize: int) -> list:
    if B <= 1 or n * B * itemsize <= VALUES_BYTES:
        return [(0, B)]
    per = max(1, VALUES_BYTES // max(1, n * itemsize))
    k = -(-B // per)
    step = -(-B // k)
    return [(s, min(B, s + step)) for s in range(0, B, step)]


@extension("evaluate")
def evaluate(circuit, values: dict, domain="float", outputs=None):
    dom = make_domain(domain)
    got, batch = _input_values(circuit, values, dom)
    B = batch or 1
    n = len(circuit)
    slices = _batch_slices(n, B, np.dtype(dom.dtype).itemsize)
    width = max(e - s for s, e in slices)
    buf = np.empty(n * width, dtype=dom.dtype)
    cols = circuit.columns()
    cidx = np.flatnonzero(cols["op"] == 1)
    cv = None
    if cidx.size:
        consts = circuit.constants
        cv = np.array([dom.const(consts[i]) for i in cols["arg0"][cidx].tolist()], dtype=dom.dtype).reshape(-1, 1)
    dest = [(_as_slice(ids.ravel()), arr, b) for ids, arr, b in got]
    result: dict = {}
    for s, e in slices:
        m = e - s
        vals = buf[: n * m].reshape(n, m)
        for where, arr, b in dest:
            if b is None:
                vals[where] = arr.reshape(-1, 1)
            else:
                vals[where] = arr[s:e].reshape(m, -1).T
        if cv is not None:
            vals[cidx] = cv
        _run(circuit, dom, vals)
        for name, shape, ids in circuit.output_arrays():
            if outputs is not None and name not in outputs:
                continue
            v = vals[ids.ravel()]  # (k, m)
            if batch is None:
                v = v[:, 0].reshape(shape)
                v = dom.to_python(v)
                result[name] = v[()] if shape == () else v
            else:
                v = dom.to_python(v.T.reshape((m,) + shape))
                if len(slices) == 1:
                    result[name] = v
                else:
                    if name not in result:
                        result[name] = np.empty((B,) + shape, dtype=v.dtype)
                    result[name][s:e] = v
    del buf
    if result and batch is None:
        for k, v in result.items():
            if isinstance(v, np.generic):
                result[k] = v.item()
    return result


# ---------------------------------------------------------------------------------------------------------
class _DegreeDomain(Domain):
    """Formal degree as a 'domain': inputs 1, constants 0, add/sub/neg max, mul sum."""

    name = "degree"

    def __init__(self, dtype):
        self.dtype = dtype

    def add(self, x, y):
        return np.maximum(x, y)

    sub = add

    def mul(self, x, y):
        return x + y

    def neg(self, x):
        return x


@extension("degree")
def degree_of(circuit) -> int:
    bad = set(circuit.count_ops()) - {"add", "sub", "mul", "neg"}
    if bad:
        raise CircuitError(f"degree() is defined for arithmetic circuits; this one has {', '.join(sorted(bad))}")
    n = len(circuit)
    if n == 0:
        return 0
    # int64 is exact while 2**depth fits; otherwise Python ints
    cols = circuit.columns()
    dtype = np.int64 if int(cols["depth"].max()) < 62 else object
    dom = _DegreeDomain(dtype)
    vals = np.zeros((n, 1), dtype=dtype)
    vals[cols["op"] == 0] = 1
    _run(circuit, dom, vals)
    ids = circuit.output_ids() if circuit.output_arrays() else np.arange(n)
    return int(vals[ids, 0].max()) if ids.size else 0


class _HeightDomain(Domain):
    """Bounds on coefficient size as a 'domain' (complex128: real part log₂ N, imaginary part log₂ M).

    A wire's polynomial is written F/M with F ∈ ℤ[x] and M a positive integer, and the pair bounds
    ‖F‖₁ ≤ 2^(log₂ N) (sum of absolute values of the coefficients) and M ≤ 2^(log₂ M). The rules are
    ‖F₁M₂ ± F₂M₁‖₁ ≤ ‖F₁‖₁M₂ + ‖F₂‖₁M₁ and ‖F₁F₂‖₁ ≤ ‖F₁‖₁‖F₂‖₁, with denominators multiplying.
    """

    name = "height"
    dtype = np.complex128

    def add(self, x, y):
        n = np.logaddexp2(x.real + y.imag, y.real + x.imag)
        return n + 1j * (x.imag + y.imag)

    sub = add

    def mul(self, x, y):
        return x + y

    def neg(self, x):
        return x


def height_bits(circuit, wires=None) -> tuple[np.ndarray, np.ndarray]:
    """(log₂ N, log₂ M) per wire of ``wires`` (default: the outputs): the wire computes F/M with F ∈ ℤ[x],
    ‖F‖₁ ≤ N (sum of |coefficients|) and M a positive integer ≤ M's bound. Arithmetic circuits only; float64
    logarithms (callers add slack); ``inf`` when the bound overflows, ``-inf`` for a wire that is identically 0
    by its constants."""
    bad = set(circuit.count_ops()) - {"add", "sub", "mul", "neg"}
    if bad:
        raise CircuitError(f"height_bits() is defined for arithmetic circuits; this one has {', '.join(sorted(bad))}")
    n = len(circuit)
    vals = np.zeros((n, 1), dtype=np.complex128)
    cols = circuit.columns()
    consts = np.flatnonzero(cols["op"] == 1)
    a0 = cols["arg0"]
    values = circuit.constants
    for w in consts.tolist():
        f = Fraction(values[int(a0[w])])
        num = abs(f.numerator)
        vals[w, 0] = complex(math.log2(num) if num else -np.inf, math.log2(f.denominator))
    with np.errstate(over="ignore", invalid="ignore"):
        _run(circuit, _HeightDomain(), vals)
    ids = (circuit.output_ids() if circuit.output_arrays() else np.arange(n)) if wires is None else np.asarray(wires)
    v = vals[ids, 0]
    return v.real.copy(), v.imag.copy()
