"""Fixed-precision number systems as evaluation domains: p-bit two's-complement integers that wrap, and
two's-complement fixed point with F fraction bits.

These are what a circuit lowered to bits (``constructions.bits.lower``) computes, so evaluating the arithmetic
circuit in one of these domains gives, exactly, what its boolean or threshold lowering must give.

A value is held as its **raw** integer r in [−2^(p−1), 2^(p−1)); it stands for r / 2^F (F = 0: the integer r).

- ``wrap(r)``: r mod 2^p, taken into [−2^(p−1), 2^(p−1)) (two's-complement overflow; no saturation).
- input and constant v: r = wrap(⌊v · 2^F⌋) (exact for rationals; floats are taken exactly as their binary value).
- add, sub, neg: wrap(r₁ ± r₂), wrap(−r).
- mul: wrap(⌊r₁ · r₂ / 2^F⌋): the exact product, then an arithmetic right shift by F (rounding toward −∞,
  which is what dropping the low F bits of a two's-complement product does), then wrap.

Names: ``"wrap:P"`` (= fixed point with F = 0) and ``"fixed:P:F"``, as accepted by :func:`number_domain`.
"""
from __future__ import annotations

import math
import re
from fractions import Fraction
from numbers import Integral

import numpy as np

from .errors import CircuitError
from .evaluate import Domain

__all__ = ["FixedPointDomain", "number_domain", "parse_number", "MAX_PRECISION"]

MAX_PRECISION = 4096


def parse_number(number: str, precision: int) -> int:
    """``"wrap"`` → 0 fraction bits, ``"fixed:F"`` → F, checked against the precision (0 ≤ F < p)."""
    if not isinstance(precision, Integral) or isinstance(precision, bool) or not 2 <= precision <= MAX_PRECISION:
        raise CircuitError(f"precision must be an integer in 2..{MAX_PRECISION}, got {precision!r}")
    if number == "wrap":
        return 0
    m = re.fullmatch(r"fixed:(\d{1,5})", str(number))
    if not m:
        raise CircuitError(f"unknown number system {number!r}; use 'wrap' or 'fixed:F' (F fraction bits)")
    f = int(m.group(1))
    if f >= precision:
        raise CircuitError(f"fixed:{f} needs fewer fraction bits than the precision p = {precision}")
    return f


class FixedPointDomain(Domain):
    """p-bit two's complement with F fraction bits (F = 0: integers mod 2^p); values are raw Python ints."""

    dtype = object

    def __init__(self, precision: int, frac: int = 0):
        parse_number(f"fixed:{frac}" if frac else "wrap", precision)
        self.p = int(precision)
        self.f = int(frac)
        self.name = f"wrap:{self.p}" if self.f == 0 else f"fixed:{self.p}:{self.f}"
        self._mod = 1 << self.p
        self._half = 1 << (self.p - 1)

    # raw integers ---------------------------------------------------------------------------------------------
    def wrap(self, r: int) -> int:
        return ((r + self._half) % self._mod) - self._half

    def encode(self, v) -> int:
        """The raw integer of a number: wrap(⌊v · 2^F⌋)."""
        if isinstance(v, bool):
            v = int(v)
        if isinstance(v, float):
            if not math.isfinite(v):
                raise CircuitError(f"{v} has no {self.name} representation")
        try:
            x = Fraction(v) * (1 << self.f)
        except (TypeError, ValueError):
            raise CircuitError(f"value {v!r} is not a number") from None
        return self.wrap(math.floor(x))

    def decode(self, r: int) -> Fraction:
        """The value a raw integer stands for, r / 2^F."""
        return Fraction(int(r), 1 << self.f)

    def _map(self, arr, fn) -> np.ndarray:
        arr = np.asarray(arr, dtype=object)
        out = np.empty(arr.shape, dtype=object)
        out.ravel()[:] = [fn(v) for v in arr.ravel().tolist()]
        return out

    # Domain interface -------------------------------------------------------------------------------------------
    def convert(self, arr):
        return self._map(arr, self.encode)

    def const(self, value):
        return self.encode(value)

    def to_python(self, arr):
        return arr  # raw integers; decode() gives the values

    def add(self, x, y):
        return self._map(x + y, self.wrap)

    def sub(self, x, y):
        return self._map(x - y, self.wrap)

    def neg(self, x):
        return self._map(-x, self.wrap)

    def mul(self, x, y):
        f = self.f
        return self._map(x * y, lambda r: self.wrap(r >> f))  # >> on Python ints is floor division by 2^F

    def _other(self, *a, **k):
        self.unsupported("boolean, threshold and activation")

    and_ = or_ = xor = not_ = wide = relu = step = sigmoid = tanh = exp = recip = _other


def number_domain(precision: int, number: str = "wrap") -> FixedPointDomain:
    """The domain of ``lower(..., precision=p, number=...)``: ``"wrap"`` or ``"fixed:F"``."""
    return FixedPointDomain(precision, parse_number(number, precision))
