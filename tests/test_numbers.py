"""Fixed-precision number domains: wrap-around integers and two's-complement fixed point."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from circuits import Circuit, CircuitError
from circuits.numbers import FixedPointDomain, number_domain, parse_number


def _circuit():
    c = Circuit("arithmetic")
    x = c.input("x", (3,))
    c.output("m", c.mul(x[0], x[1]))
    c.output("s", c.sub(c.add(x[0], x[2]), c.const(Fraction(3, 4))))
    c.output("n", c.neg(x[2]))
    return c


@given(p=st.integers(2, 40), f=st.integers(0, 39),
       xs=st.lists(st.fractions(min_value=-(2**20), max_value=2**20, max_denominator=64), min_size=3, max_size=3))
def test_fixed_point_evaluation_follows_the_documented_rules(p, f, xs):
    """Against a direct computation from the rules in circuits/numbers.py, on the value scale."""
    f = min(f, p - 1)
    dom = number_domain(p, "fixed:%d" % f if f else "wrap")
    lo, hi = -(2 ** (p - 1)), 2 ** (p - 1)

    def wrap(r):
        while r < lo:
            r += 2**p
        while r >= hi:
            r -= 2**p
        return r

    raw = [wrap(math.floor(x * 2**f)) for x in xs]
    out = _circuit().evaluate({"x": xs}, domain=dom)
    assert out["m"] == wrap(math.floor(Fraction(raw[0] * raw[1], 2**f)))
    assert out["s"] == wrap(raw[0] + raw[2] - wrap(math.floor(Fraction(3, 4) * 2**f)))
    assert out["n"] == wrap(-raw[2])
    for v in out.values():
        assert lo <= v < hi and dom.decode(v) * 2**f == v


def test_wrap_is_two_complement_overflow_and_batches():
    dom = number_domain(8)
    out = _circuit().evaluate({"x": np.array([[100, 3, 127], [-128, -1, -128]])}, domain=dom)
    assert list(out["m"]) == [300 - 256, 128 - 256]  # 100·3 wraps; (−128)(−1) = 128 wraps to −128
    assert list(out["n"]) == [-127, -128]  # −(−128) wraps to −128
    assert dom.name == "wrap:8" and number_domain(16, "fixed:3").name == "fixed:16:3"


def test_fixed_product_rounds_toward_minus_infinity():
    dom = number_domain(16, "fixed:2")
    # 0.25 · (−0.25) = −1/16: raw 1 · (−1) = −1, shifted right by 2 → −1 (floor), i.e. −0.25, not 0
    assert _circuit().evaluate({"x": [0.25, -0.25, 0]}, domain=dom)["m"] == -1
    assert _circuit().evaluate({"x": [0.25, 0.25, 0]}, domain=dom)["m"] == 0


@pytest.mark.parametrize("p,number,msg", [(1, "wrap", "precision"), (8, "fixed:8", "fewer fraction bits"),
                                          (8, "fixed:-1", "unknown number"), (8, "float", "unknown number"),
                                          (True, "wrap", "precision"), (10**6, "wrap", "precision")])
def test_bad_number_systems_are_refused(p, number, msg):
    with pytest.raises(CircuitError, match=msg):
        parse_number(number, p)


def test_non_arithmetic_gates_and_bad_values_are_refused():
    c = Circuit("mixed")
    x = c.input("x")
    c.output("y", c.act("relu", x))
    with pytest.raises(CircuitError, match="cannot be evaluated"):
        c.evaluate({"x": 1}, domain=FixedPointDomain(8))
    with pytest.raises(CircuitError, match="no wrap:8 representation"):
        _circuit().evaluate({"x": [float("inf"), 0, 0]}, domain=FixedPointDomain(8))
