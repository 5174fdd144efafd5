"""One entry point for every model the library builds: ``build_model(name, ...)`` → ``Circuit``.

Names: the LRNN families (``diagonal``, ``pd``, ``dplr``, ``dense``), ``rnn`` (the nonlinear RNN), and the
named architectures registered in ``constructions.presets``. The CLI's ``--model`` options map onto the
keyword arguments here.
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit, CircuitError

from .lrnn import FAMILIES, build_lrnn
from .rnn import build_rnn
from .scans import SCHEDULES


def _presets() -> dict:
    try:
        from .presets import PRESETS
    except ImportError:  # presets not available
        return {}
    return PRESETS


def model_names() -> list[str]:
    return list(FAMILIES) + ["rnn"] + [p for p in _presets() if p not in FAMILIES and p != "rnn"]


def example_tokens(family: str, d: int, alphabet: int, rank: int = 1, seed: int = 0) -> dict:
    """Deterministic per-token parameters for token mode (small integers; PD: column one-hot P)."""
    rng = np.random.default_rng(seed)
    s = alphabet
    p = {"b": rng.integers(-2, 3, (s, d))}
    if family == "diagonal":
        p["a"] = rng.integers(-2, 3, (s, d))
    elif family == "dense":
        p["A"] = rng.integers(-2, 3, (s, d, d))
    elif family == "pd":
        P = np.zeros((s, d, d), dtype=int)
        for k in range(s):
            P[k, rng.integers(0, d, d), np.arange(d)] = 1
        p["P"] = P
        p["D"] = rng.integers(-2, 3, (s, d))
    else:
        p["D"] = rng.integers(-2, 3, (s, d))
        p["U"] = rng.integers(-2, 3, (s, d, rank))
        p["V"] = rng.integers(-2, 3, (s, d, rank))
    return p


def build_model(name: str, n: int, d: int, rank: int = 1, scan: str = "brent-kung", final_only: bool = False,
                mode: str = "free", m: int = 1, hidden: int | None = None, act: str = "relu",
                alphabet: int = 2, seed: int = 0, **extra) -> Circuit:
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise CircuitError(f"--n must be >= 1, got {n}")
    if not isinstance(d, (int, np.integer)) or d < 1:
        raise CircuitError(f"--d must be >= 1, got {d}")
    if scan not in SCHEDULES:
        raise CircuitError(f"unknown scan {scan!r}; choose one of {', '.join(SCHEDULES)}")
    if name in FAMILIES:
        if name == "dplr" and not 1 <= rank <= d:
            raise CircuitError(f"--rank must satisfy 1 <= rank <= d = {d}, got {rank}")
        if mode == "token":
            if alphabet < 1:
                raise CircuitError(f"--alphabet must be >= 1, got {alphabet}")
            return build_lrnn(name, n, d, scan=scan, final_only=final_only, mode="token",
                              tokens=example_tokens(name, d, alphabet, rank, seed),
                              readout=np.ones(d, dtype=int))
        if mode != "free":
            raise CircuitError(f"unknown mode {mode!r}; choose free or token")
        return build_lrnn(name, n, d, scan=scan, rank=rank, final_only=final_only)
    if name == "rnn":
        return build_rnn(n, d, m=m, act=act, hidden=hidden)
    presets = _presets()
    if name in presets:
        p = presets[name]
        if mode != "free":
            raise CircuitError(f"--mode {mode} is for the LRNN families; {name} builds its transitions from its "
                               f"own inputs")
        if "m" in p.options:
            extra.setdefault("m", m)
        return p.build(n=n, d=d, rank=rank, scan=scan, final_only=final_only, **extra)
    raise CircuitError(f"unknown model {name!r}; choose one of {', '.join(model_names())}")


def predicted(name: str, n: int, d: int, rank: int = 1, scan: str = "brent-kung", final_only: bool = False,
              mode: str = "free", m: int = 1, hidden: int | None = None, **_) -> dict | None:
    """Size and depth from the closed forms (free-mode LRNN families and the RNN), or None."""
    from .lrnn_bounds import LOG_FAMILIES, dplr_cost, exact_depth, exact_size
    from .rnn import rnn_depth, rnn_size

    sc = "reduce" if final_only else scan
    if name in LOG_FAMILIES and mode == "free":
        return {"size": exact_size(name, sc, n, d), "depth": exact_depth(name, sc, n, d)}
    if name == "dplr" and mode == "free":
        s, dep = dplr_cost(n, d, rank, sc)
        return {"size": s, "depth": dep}
    if name == "rnn":
        return {"size": rnn_size(n, d, m, hidden), "depth": rnn_depth(n, d, m, hidden)}
    return None
