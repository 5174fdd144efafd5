"""The one verdict type every check returns.

``Verdict.status`` is ``"equal"`` (the claim holds: proved, or passed a randomized test whose error bound is
stated), ``"not_equal"`` (refuted: ``counterexample`` holds input values and the differing output), or
``"undecided"`` (``why`` says why: too big for the engine, a timeout, …).

``method`` names the engine (``"sympy"``, ``"pit-gf(p)"``, ``"exhaustive"``, ``"sat"``, ``"reference"``,
``"algebra"`` …); ``evidence`` is a JSON-serialisable dict of what was done (parameters, seeds, trial counts,
error bounds) so that a report can show it and a reader can re-run it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction

STATUSES = ("equal", "not_equal", "undecided")


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, bool) or x is None or isinstance(x, (int, float, str)):
        return x
    if isinstance(x, Fraction):
        return str(x)
    try:  # numpy scalars and arrays
        import numpy as np
        if isinstance(x, np.ndarray):
            return _jsonable(x.tolist())
        if isinstance(x, np.generic):
            return x.item()
    except ImportError:  # pragma: no cover
        pass
    return str(x)


@dataclass
class Verdict:
    status: str
    method: str
    why: str = ""
    counterexample: dict | None = None
    evidence: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"verdict status must be one of {STATUSES}, got {self.status!r}")

    @property
    def equal(self) -> bool:
        return self.status == "equal"

    def __bool__(self) -> bool:  # a verdict is truthy only when the claim holds
        return self.equal

    def to_dict(self) -> dict:
        return _jsonable(asdict(self))

    def summary(self) -> str:
        s = f"{self.status} ({self.method})"
        if self.why:
            s += f": {self.why}"
        return s
