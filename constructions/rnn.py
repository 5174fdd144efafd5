"""Nonlinear RNNs unrolled as chains.

``h[t] = σ(W h[t-1] + U x[t] + c)`` (t = 0..n-1, ``h[-1] = h0``, σ = relu or step) has no associative combine:
step t needs h[t-1], so the circuit is a chain of n steps. Each step is one balanced addition tree per unit
over the d + m + 1 terms ``W[i][j]·h[t-1][j]``, ``U[i][k]·x[t][k]``, ``c[i]`` — the ``h`` products first,
so they take the tree's full ⌈log₂(d+m+1)⌉ levels — then the activation. With the optional MLP step
(hidden width k)::

    z[t] = σ(W h[t-1] + U x[t] + c),   h[t] = σ(W2 z[t] + c2)

Exact figures (every step has the same shape, and its deepest path runs through h[t-1]):

* one layer: size = n·d·(2(d+m) + 1), depth = n·(2 + ⌈log₂(d+m+1)⌉)
* MLP step:  size = n·(k·(2(d+m) + 1) + d·(2k + 1)), depth = n·(4 + ⌈log₂(d+m+1)⌉ + ⌈log₂(k+1)⌉)

(with ``W`` of shape (k, d) and ``U`` (k, m) in the MLP case).
"""
from __future__ import annotations

import numpy as np

from circuits import Circuit, CircuitError

from .common import ceil_log2
from .linalg import tree_sum

__all__ = ["build_rnn", "rnn_reference", "rnn_size", "rnn_depth", "ACTIVATIONS"]

ACTIVATIONS = ("relu", "step")
_LOOP_STEPS = 3  # steps built by the builders before the rest is repeated


def _layer(c, W, h, U, x, bias, act):
    """σ(W h + U x + bias) with one tree per unit, h-products first."""
    terms = [c.mul(W, np.asarray(h)[None, :])]
    if U is not None:
        terms.append(c.mul(U, np.asarray(x)[None, :]))
    terms.append(np.asarray(bias)[:, None])
    pre = tree_sum(c, np.concatenate(terms, axis=1), axis=-1)
    return c.act(act, pre)


def _params(c, name, shape, values, mode):
    if mode == "inputs":
        return c.input(name, shape)
    if values is None:
        raise CircuitError(f"params='constants' needs a value for {name}")
    arr = np.asarray(values, dtype=object)
    if arr.shape != shape:
        raise CircuitError(f"{name} must have shape {shape}, got {arr.shape}")
    return c.const(arr)


def build_rnn(n: int, d: int, m: int = 1, act: str = "relu", hidden: int | None = None,
              params: str = "inputs", values: dict | None = None) -> Circuit:
    """The unrolled RNN as a ``mixed``-basis circuit.

    Inputs: ``x[t][k]`` (m per step), ``h0[i]``, and with ``params="inputs"`` the weights ``W``, ``U``, ``c``
    (and ``W2``, ``c2`` with ``hidden``). With ``params="constants"`` the weights are constants taken from
    ``values``. Outputs ``h[t][i]``.
    """
    for nm, v, lo in (("n", n, 1), ("d", d, 1), ("m", m, 0)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < lo:
            raise CircuitError(f"{nm} must be an integer >= {lo}, got {v!r}")
    if act not in ACTIVATIONS:
        raise CircuitError(f"unknown activation {act!r}; choose one of {', '.join(ACTIVATIONS)}")
    if hidden is not None and (not isinstance(hidden, (int, np.integer)) or hidden < 1):
        raise CircuitError(f"hidden must be an integer >= 1, got {hidden!r}")
    if params not in ("inputs", "constants"):
        raise CircuitError("params must be 'inputs' or 'constants'")
    values = values or {}
    c = Circuit("mixed")
    k = hidden or d
    W = _params(c, "W", (k, d), values.get("W"), params)
    U = _params(c, "U", (k, m), values.get("U"), params) if m else None
    bias = _params(c, "c", (k,), values.get("c"), params)
    if hidden is not None:
        W2 = _params(c, "W2", (d, k), values.get("W2"), params)
        c2 = _params(c, "c2", (d,), values.get("c2"), params)
    x = c.input("x", (n, m)) if m else None
    h = c.input("h0", (d,))
    states = []
    # Steps 0, 1, 2 by the builders; every later step is step 2 with its arguments moved by one step per copy
    # (x by one row, the state and the step's own gates by one step's gates, W, U, c not at all), so the rest
    # of the chain is appended by one ``repeat_block`` call: the same gates, ids and depths as the loop gives.
    for t in range(min(n, _LOOP_STEPS)):
        lo = len(c)
        z = _layer(c, W, h, U, None if x is None else x[t], bias, act)
        h = _layer(c, W2, z, None, None, c2, act) if hidden is not None else z
        states.append(np.asarray(h))
    if n > _LOOP_STEPS:
        ids = c.repeat_block(lo, len(c), n - _LOOP_STEPS)  # strides: step 2 minus step 1
        pos = np.asarray(h) - lo  # the state's place in a step
        c.output("h", np.concatenate([np.stack(states), ids[:, pos]]))
    else:
        c.output("h", np.stack(states))
    return c


def rnn_size(n: int, d: int, m: int = 1, hidden: int | None = None) -> int:
    if hidden is None:
        return n * d * (2 * (d + m) + 1)
    k = hidden
    return n * (k * (2 * (d + m) + 1) + d * (2 * k + 1))


def rnn_depth(n: int, d: int, m: int = 1, hidden: int | None = None) -> int:
    per = 2 + ceil_log2(d + m + 1)
    if hidden is not None:
        per += 2 + ceil_log2(hidden + 1)
    return n * per


def rnn_reference(values: dict, n: int, act: str = "relu", hidden: bool = False):
    """The recurrence on exact numbers (object arrays), for checking circuits."""
    def sigma(v):
        return np.array([(x if x > 0 else 0) if act == "relu" else (1 if x >= 0 else 0) for x in v], dtype=object)

    W = np.asarray(values["W"], dtype=object)
    U = np.asarray(values["U"], dtype=object) if "U" in values else None
    cb = np.asarray(values["c"], dtype=object)
    h = np.asarray(values["h0"], dtype=object)
    x = np.asarray(values["x"], dtype=object) if "x" in values else None
    out = []
    for t in range(n):
        pre = W.dot(h) + cb
        if U is not None and U.shape[1]:
            pre = pre + U.dot(x[t])
        h = sigma(pre)
        if hidden:
            h = sigma(np.asarray(values["W2"], dtype=object).dot(h) + np.asarray(values["c2"], dtype=object))
        out.append(h)
    return np.array(out, dtype=object)
