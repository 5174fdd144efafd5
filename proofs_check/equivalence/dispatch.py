"""Pick an engine for a pair of circuits."""
from __future__ import annotations

import inspect

from circuits import CircuitError

from ..verdict import Verdict
from ._common import _kind, _setup
from .exhaustive import check_exhaustive
from .pit import check_pit
from .sat import check_sat
from .symbolic import check_symbolic

def check_boolean(c1, c2, max_inputs: int = 20, timeout: float | None = None, **kw) -> Verdict:
    """Exhaustive when the outputs read at most ``max_inputs`` inputs, else SAT."""
    pairs, V = _setup(c1, c2, "boolean")
    if V is None:
        return pairs
    k = int(V.relevant([c1.cone(), c2.cone()]).size)
    if k <= max_inputs:
        return check_exhaustive(c1, c2, max_inputs=max_inputs, **_accepted(check_exhaustive, kw))
    return check_sat(c1, c2, timeout=timeout, **_accepted(check_sat, kw))



def _accepted(fn, kw: dict) -> dict:
    params = inspect.signature(fn).parameters
    return {k: v for k, v in kw.items() if k in params}


_ENGINES = {"sympy": check_symbolic, "symbolic": check_symbolic, "pit": check_pit, "exhaustive": check_exhaustive,
            "sat": check_sat, "boolean": check_boolean}


def check_equivalent(c1, c2, method: str = "auto", symbolic_max_wires: int = 2000, **kw) -> Verdict:
    """Pick an engine. ``method`` is ``"auto"`` or one of ``sympy``, ``pit``, ``exhaustive``, ``sat``,
    ``boolean``; keyword arguments go to the engines that accept them.

    ``auto`` classifies each circuit by the ops its output cone uses (not by its declared basis):
    boolean/threshold → :func:`check_boolean`; arithmetic → :func:`check_symbolic` when the two cones together
    have at most ``symbolic_max_wires`` wires (falling back to PIT only when sympy hits a resource limit; never
    from a decided verdict), else
    :func:`check_pit`; anything else (activations, or arithmetic mixed with logic) → ``undecided``.
    """
    if method != "auto":
        fn = _ENGINES.get(method)
        if fn is None:
            raise CircuitError(f"unknown method {method!r}; choose auto, {', '.join(_ENGINES)}")
        return fn(c1, c2, **_accepted(fn, kw))
    cones = [c1.cone(), c2.cone()]
    kinds = {_kind(c, cone) for c, cone in zip((c1, c2), cones)}
    if len(kinds) > 1 and "either" in kinds:
        kinds.discard("either")
    if kinds == {"either"}:
        kinds = {"arithmetic"}
    if kinds == {"boolean"}:
        return check_boolean(c1, c2, **kw)
    if kinds == {"arithmetic"}:
        total = int(cones[0].size + cones[1].size)
        if total <= symbolic_max_wires:
            v = check_symbolic(c1, c2, **_accepted(check_symbolic, kw))
            if v.status != "undecided" or not v.evidence.get("engine_limit"):
                return v  # decided, or undecided for a reason that a weaker engine must not paper over
            w = check_pit(c1, c2, **_accepted(check_pit, kw))
            w.evidence["fallback_from"] = f"sympy: {v.why}"
            return w
        return check_pit(c1, c2, **_accepted(check_pit, kw))
    return Verdict("undecided", "auto", why=f"circuits are of kinds {sorted(kinds)}: no single engine applies; "
                                            f"choose method='pit', 'sat', … explicitly")
