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

from .errors import CircuitError
from .names import element_names
from .ops import OPS, WIDE

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
    cached = circuit._cache.get("plan")
    if cached is not None:
        return cached
    op = circuit._op.data
    depth = circuit._depth.data
    gates = np.flatnonzero(depth > 0)
    key = depth[gates].astype(np.int64) * 128 + op[gates]
    order = np.argsort(key, kind="stable")
    gates = gates[order].astype(np.int64)
    key = key[order]
    bounds = np.flatnonzero(np.diff(key)) + 1
    starts = np.concatenate([[0], bounds]).astype(np.int64)
    ends = np.concatenate([bounds, [key.size]]).astype(np.int64)
    groups = [(int(key[s] & 127), gates[s:e]) for s, e in zip(starts.tolist(), ends.tolist())] if key.size else []
    circuit._cache["plan"] = groups
    return groups


def _run(circuit, dom: Domain, vals: np.ndarray, upto: int | None = None):
    """Fill ``vals`` (wires × batch) for all gates, given inputs and constants already set."""
    a0 = circuit._a0.data
    a1 = circuit._a1.data
    woff = circuit._w_off.data
    wargs = circuit._w_args.data
    wwts = circuit._w_wts.data
    wth = circuit._w_theta.data
    from .core import _ranges
    for code, g in plan(circuit):
        name = OPS[code & ~WIDE].name
        if code & WIDE:
            rows = a0[g]
            lo, hi = woff[rows], woff[rows + 1]
            lens = hi - lo
            idx = _ranges(lo, lens)
            starts = np.zeros(len(g), dtype=np.int64)
            np.cumsum(lens[:-1], out=starts[1:])
            vals[g] = dom.wide(name, vals[wargs[idx]], starts, wwts[idx], wth[rows])
        elif name in ("add", "sub", "mul", "and", "or", "xor"):
            fn = getattr(dom, name + "_" if name in ("and", "or") else name)
            vals[g] = fn(vals[a0[g]], vals[a1[g]])
        else:
            fn = getattr(dom, "not_" if name == "not" else name)
            vals[g] = fn(vals[a0[g]])
    return vals


# ---------------------------------------------------------------------------------------------------------
def _input_values(circuit, values: dict, dom: Domain):
    """Per input array: converted values and whether batched; returns (list, batch size or None)."""
    if not isinstance(values, dict):
        raise CircuitError("values must be a dict of input name -> value")
    known = set()
    got = []
    batch = None
    for name, shape, ids in circuit._inputs:
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


def evaluate(circuit, values: dict, domain="float", outputs=None):
    dom = make_domain(domain)
    got, batch = _input_values(circuit, values, dom)
    B = batch or 1
    n = len(circuit)
    vals = np.empty((n, B), dtype=dom.dtype)
    for ids, arr, b in got:
        flat_ids = ids.ravel()
        if b is None:
            vals[flat_ids] = arr.reshape(-1, 1)
        else:
            vals[flat_ids] = arr.reshape(b, -1).T
    op = circuit._op.data
    cidx = np.flatnonzero(op == 1)
    if cidx.size:
        cv = np.array([dom.const(circuit._consts[i]) for i in circuit._a0.data[cidx].tolist()],
                      dtype=dom.dtype)
        vals[cidx] = cv.reshape(-1, 1)
    _run(circuit, dom, vals)
    result = {}
    for name, shape, ids in circuit._outputs:
        if outputs is not None and name not in outputs:
            continue
        v = vals[ids.ravel()]  # (m, B)
        if batch is None:
            v = v[:, 0].reshape(shape)
            v = dom.to_python(v)
            result[name] = v[()] if shape == () else v
        else:
            result[name] = dom.to_python(v.T.reshape((B,) + shape))
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


def degree_of(circuit) -> int:
    bad = set(circuit.count_ops()) - {"add", "sub", "mul", "neg"}
    if bad:
        raise CircuitError(f"degree() is defined for arithmetic circuits; this one has {', '.join(sorted(bad))}")
    n = len(circuit)
    if n == 0:
        return 0
    # int64 is exact while 2**depth fits; otherwise Python ints
    dtype = np.int64 if int(circuit._depth.data.max()) < 62 else object
    dom = _DegreeDomain(dtype)
    vals = np.zeros((n, 1), dtype=dtype)
    vals[circuit._op.data == 0] = 1
    _run(circuit, dom, vals)
    ids = circuit.output_ids() if circuit._outputs else np.arange(n)
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
    op = circuit._op.data
    consts = np.flatnonzero(op == 1)
    a0 = circuit._a0.data
    for w in consts.tolist():
        f = Fraction(circuit.constants[int(a0[w])])
        num = abs(f.numerator)
        vals[w, 0] = complex(math.log2(num) if num else -np.inf, math.log2(f.denominator))
    with np.errstate(over="ignore", invalid="ignore"):
        _run(circuit, _HeightDomain(), vals)
    ids = (circuit.output_ids() if circuit._outputs else np.arange(n)) if wires is None else np.asarray(wires)
    v = vals[ids, 0]
    return v.real.copy(), v.imag.copy()
