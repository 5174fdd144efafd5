"""lrnn-circuits IR: explicit circuits with depth kept at append time.

>>> from circuits import Circuit
>>> c = Circuit("arithmetic")
>>> x = c.input("x", (2,))
>>> c.output("y", c.mul(x[0], c.add(x[0], x[1])))
>>> c.size(), c.depth(), c.evaluate({"x": [2, 3]}, domain="int")["y"]
(2, 2, 10)
"""
from .core import WIRE, Circuit
from .errors import CircuitError, InternalError
from .ops import ACTIVATIONS, BASES, OPS

# The modules behind Circuit.evaluate / to_sympy / save / load / to_json / draw / …: importing them registers
# their implementations with circuits.core (which does not import them: the package has no import cycle).
from . import draw, evaluate, io, symbolic  # noqa: E402,F401  (registration)

__all__ = ["Circuit", "CircuitError", "InternalError", "WIRE", "BASES", "OPS", "ACTIVATIONS"]
__version__ = "0.1.0"
