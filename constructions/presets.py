"""Named architectures as circuits: each preset builds its transitions from its own inputs, the way the
architecture does, then runs the shared prefix scan (``constructions.lrnn.scan_states``).

Every LRNN preset is one *column* of the architecture's state: the recurrence ``h_t = A_t h_{t-1} + b_t`` with
``h ∈ R^d``. A matrix-valued state (DeltaNet's d_k × d_v memory, RWKV-7's wkv, mLSTM's C) is d_v such columns that
share ``A_t`` and differ only in the value entry that scales ``b_t``; a circuit for the whole state is d_v copies
of the ``b`` part with one shared transition. Gates that form ``A_t`` and ``b_t`` (products of gates with keys,
the low-rank factors of a Householder product, …) are part of the circuit; nonlinear pre-processing that lies
outside the recurrence (``exp`` of a discretisation, key normalisation, projections) is not: its results are
inputs. See ``docs/presets.md`` for the table, the inputs and the simplifications.

Conventions shared by every preset:

* inputs are named as listed per preset, plus ``h0[i]`` (the initial state); outputs ``h[t][i]`` (all states) or
  ``h[n-1][i]`` (the last state, with ``final_only``; LRNN presets then use the balanced ``reduce`` schedule);
* ``preset.build(n, d, rank=None, scan="brent-kung", final_only=False, **options) -> Circuit``;
* ``preset.reference(values, n, **options)`` is the sequential recurrence on the same input values, written
  directly from the architecture's formula (not from the circuit code): exact over ``Fraction`` for the LRNN
  presets (object arrays), float64 for the nonlinear ones. It returns all n states, shape (n, d).
* ``preset.sample(n, d, rng, exact=True, **options)`` draws input values (small fractions, or floats) that the
  tests use; PD-SSM's ``P`` is column one-hot.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from circuits import Circuit, CircuitError

from .common import random_fractions, random_onehot_columns, sequential_affine
from .linalg import tree_sum
from .lrnn import Transitions, output_states, scan_states
from .scans import SCHEDULES

__all__ = ["Preset", "PRESETS", "preset_names"]


# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Preset:
    """A named architecture.

    ``family``: diagonal / pd / dplr / dense (LRNN presets) or ``nonlinear`` (chains). ``recurrence``: the
    recurrence as built, one line. ``source``: the citation. ``exact``: whether the circuit evaluates exactly
    over fractions. ``inputs``: the input names, for documentation.
    """

    name: str
    family: str
    recurrence: str
    source: str
    exact: bool
    inputs: str
    _shapes: Callable = field(repr=False)  # (n, d, opts) -> {name: shape}, in declaration order (h0 added)
    _make: Callable = field(repr=False)  # LRNN: (c, w, n, d, opts) -> Transitions; chain: -> states (n, d)
    _reference: Callable = field(repr=False)  # (values, n, opts) -> (n, d) array
    options: dict = field(default_factory=dict)  # extra build options and their defaults
    rank_option: str | None = None  # the option that a rank other than 1 sets (deltaproduct: householders)
    notes: str = ""

    # ------------------------------------------------------------------------------------------------------
    @property
    def linear(self) -> bool:
        return self.family != "nonlinear"

    def _opts(self, rank: int | None = None, **extra) -> dict:
        """The build options: defaults, then ``extra``; ``rank`` (None = not given) sets ``rank_option``."""
        unknown = sorted(set(extra) - set(self.options))
        if unknown:
            allowed = ", ".join(self.options) or "none"
            raise CircuitError(f"{self.name}: unknown option(s) {', '.join(unknown)} (options: {allowed})")
        opts = dict(self.options)
        opts.update(extra)
        if rank is not None:
            if not isinstance(rank, (int, np.integer)) or isinstance(rank, bool):
                raise CircuitError(f"{self.name}: rank must be an integer, got {rank!r}")
            if self.rank_option is None:
                if rank != 1:
                    raise CircuitError(f"{self.name}: the architecture fixes the transition's structure; "
                                       f"rank = {rank} does not apply")
            else:
                if self.rank_option in extra and extra[self.rank_option] != rank:
                    raise CircuitError(f"{self.name}: rank = {rank} and {self.rank_option} = "
                                       f"{extra[self.rank_option]} disagree")
                opts[self.rank_option] = int(rank)
        for k, v in opts.items():
            if isinstance(self.options.get(k), int) and not isinstance(self.options.get(k), bool):
                if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
                    raise CircuitError(f"{self.name}: {k} must be an integer >= 1, got {v!r}")
                opts[k] = int(v)
        return opts

    def input_shapes(self, n: int, d: int, rank: int | None = None, **extra) -> dict:
        """Input array name → shape, in the order the circuit declares them."""
        shapes = dict(self._shapes(n, d, self._opts(rank, **extra)))
        shapes.update(self._state_inputs(d))
        return shapes

    def _state_inputs(self, d: int) -> dict:
        if self.name == "slstm":
            return {"h0": (d,), "c0": (d,), "n0": (d,)}
        return {"h0": (d,)}

    def build(self, n: int, d: int, rank: int | None = None, scan: str = "brent-kung", final_only: bool = False,
              **extra) -> Circuit:
        """The preset's circuit: outputs ``h[t][i]``, or ``h[n-1][i]`` (the last state) with ``final_only`` or
        ``scan="reduce"`` (which computes the last state only). Nonlinear presets are chains and ignore ``scan``
        except for that."""
        for nm, v in (("n", n), ("d", d)):
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
                raise CircuitError(f"{nm} must be an integer >= 1, got {v!r}")
        n, d = int(n), int(d)
        if scan not in SCHEDULES:
            raise CircuitError(f"unknown scan {scan!r}; choose one of {', '.join(SCHEDULES)}")
        opts = self._opts(rank, **extra)
        final_only = bool(final_only) or scan == "reduce"  # the reduce schedule computes the last state only
        c = Circuit("arithmetic" if self.linear else "mixed")
        shapes = dict(self._shapes(n, d, opts))
        shapes.update(self._state_inputs(d))
        w = {name: c.input(name, shape) for name, shape in shapes.items()}
        if self.linear:
            tr = self._make(c, w, n, d, opts)
            states = scan_states(c, tr, w["h0"], scan=scan, final_only=final_only)
        else:
            states = self._make(c, w, n, d, opts)
            states = states[-1] if final_only else states
        output_states(c, states, n, final_only)
        return c

    def transitions(self, c: Circuit, n: int, d: int, rank: int | None = None, **extra) -> Transitions:
        """Declare the preset's inputs (without ``h0``) on ``c`` and return its ``Transitions`` (LRNN presets)."""
        if not self.linear:
            raise CircuitError(f"{self.name} is a nonlinear chain; it has no transitions")
        opts = self._opts(rank, **extra)
        w = {name: c.input(name, shape) for name, shape in self._shapes(n, d, opts).items()}
        return self._make(c, w, n, d, opts)

    def reference(self, values: dict, n: int, **extra) -> np.ndarray:
        """The sequential recurrence from the input values: all n states, shape (n, d)."""
        opts = self._opts(None, **extra)
        return self._reference(values, n, opts)

    def sample(self, n: int, d: int, rng, exact: bool = True, rank: int | None = None, **extra) -> dict:
        """Random input values: small fractions p/q (|p| ≤ 3, q ≤ 3) if ``exact``, else floats ~ N(0, 0.5²).
        PD-SSM's ``P`` is column one-hot; sLSTM's ``n0`` is positive."""
        shapes = self.input_shapes(n, d, rank, **extra)
        out = {}
        for name, shape in shapes.items():
            out[name] = random_fractions(rng, shape) if exact else rng.normal(0.0, 0.5, size=shape)
        if self.name == "pd-ssm":
            P = random_onehot_columns(rng, n, d)
            out["P"] = P.astype(object) if exact else P.astype(float)
        if self.name == "slstm":
            out["n0"] = rng.uniform(0.5, 1.5, size=shapes["n0"])
        return out


# ---------------------------------------------------------------------------------------------------------
# helpers shared by the builders
def _obj(values: dict, name: str) -> np.ndarray:
    return np.asarray(values[name], dtype=object)


def _ones(c: Circuit, n: int, d: int) -> np.ndarray:
    return c.const(1, (n, d))


def _diag_transitions(a, b, d: int) -> Transitions:
    return Transitions("diagonal", d, {"a": np.asarray(a)}, np.asarray(b))


def _dplr_transitions(D, U, V, b, d: int) -> Transitions:
    U = np.asarray(U)
    return Transitions("dplr", d, {"D": np.asarray(D), "U": U, "V": np.asarray(V)}, np.asarray(b),
                       rank=int(U.shape[-1]))


def _diag(v) -> np.ndarray:
    v = np.asarray(v, dtype=object)
    M = np.zeros((v.size, v.size), dtype=object)
    for i in range(v.size):
        M[i, i] = v[i]
    return M


def _eye(d: int) -> np.ndarray:
    return _diag([1] * d)


# ---------------------------------------------------------------------------------------------------------
# mamba: selective SSM, one channel. A_t = diag(exp(Δ_t a)) given as abar; b_t = Δ_t · (B_t x_t)
def _mamba_shapes(n, d, o):
    return {"abar": (n, d), "delta": (n,), "Bx": (n, d)}


def _mamba_make(c, w, n, d, o):
    b = c.mul(np.asarray(w["delta"])[:, None], w["Bx"])
    return _diag_transitions(w["abar"], b, d)


def _mamba_ref(values, n, o):
    abar, delta, Bx = _obj(values, "abar"), _obj(values, "delta"), _obj(values, "Bx")
    return sequential_affine(lambda t: _diag(abar[t]), lambda t: delta[t] * Bx[t], _obj(values, "h0"), n)


# s4d: time-invariant diagonal
def _s4d_shapes(n, d, o):
    return {"abar": (d,), "bx": (n, d)}


def _s4d_make(c, w, n, d, o):
    a = np.broadcast_to(np.asarray(w["abar"])[None, :], (n, d)).copy()
    return _diag_transitions(a, w["bx"], d)


def _s4d_ref(values, n, o):
    abar, bx = _obj(values, "abar"), _obj(values, "bx")
    return sequential_affine(lambda t: _diag(abar), lambda t: bx[t], _obj(values, "h0"), n)


# mamba2: scalar gate times identity
def _mamba2_shapes(n, d, o):
    return {"a": (n,), "b": (n, d)}


def _mamba2_make(c, w, n, d, o):
    a = np.broadcast_to(np.asarray(w["a"])[:, None], (n, d)).copy()
    return _diag_transitions(a, w["b"], d)


def _mamba2_ref(values, n, o):
    a, b = _obj(values, "a"), _obj(values, "b")
    d = b.shape[1]
    return sequential_affine(lambda t: a[t] * _eye(d), lambda t: b[t], _obj(values, "h0"), n)


# gla: S_t = (α_t 1ᵀ) ⊙ S_{t-1} + k_t v_tᵀ (d_k × d_v), one value column
def _gla_shapes(n, d, o):
    return {"alpha": (n, d), "v": (n,), "k": (n, d)}


def _gla_make(c, w, n, d, o):
    b = c.mul(np.asarray(w["v"])[:, None], w["k"])
    return _diag_transitions(w["alpha"], b, d)


def _gla_ref(values, n, o):
    alpha, v, k = _obj(values, "alpha"), _obj(values, "v"), _obj(values, "k")
    return sequential_affine(lambda t: _diag(alpha[t]), lambda t: v[t] * k[t], _obj(values, "h0"), n)


# mlstm: C_t = f_t C_{t-1} + i_t v_t k_tᵀ (d_v × d_k); one row of C as a column state
def _mlstm_shapes(n, d, o):
    return {"f": (n,), "i": (n,), "v": (n,), "k": (n, d)}


def _mlstm_make(c, w, n, d, o):
    a = np.broadcast_to(np.asarray(w["f"])[:, None], (n, d)).copy()
    iv = c.mul(w["i"], w["v"])
    b = c.mul(np.asarray(iv)[:, None], w["k"])
    return _diag_transitions(a, b, d)


def _mlstm_ref(values, n, o):
    f, i, v, k = (_obj(values, x) for x in ("f", "i", "v", "k"))
    # the matrix memory's row: C_t[r, :] = f_t C_{t-1}[r, :] + i_t v_t[r] k_tᵀ
    row = _obj(values, "h0").copy()
    out = []
    for t in range(n):
        row = np.array([f[t] * row[j] + i[t] * v[t] * k[t][j] for j in range(row.size)], dtype=object)
        out.append(row)
    return np.array(out, dtype=object)


# pd-ssm: A_t = P_t diag(D_t), P column one-hot
def _pd_shapes(n, d, o):
    return {"P": (n, d, d), "D": (n, d), "b": (n, d)}


def _pd_make(c, w, n, d, o):
    return Transitions("pd", d, {"P": np.asarray(w["P"]), "D": np.asarray(w["D"])}, np.asarray(w["b"]))


def _pd_ref(values, n, o):
    P, D, b = _obj(values, "P"), _obj(values, "D"), _obj(values, "b")
    return sequential_affine(lambda t: P[t].dot(_diag(D[t])), lambda t: b[t], _obj(values, "h0"), n)


# deltanet: A_t = I − β_t k_t k_tᵀ, b_t = β_t v_t k_t
def _delta_shapes(n, d, o):
    return {"beta": (n,), "k": (n, d), "v": (n,)}


def _delta_make(c, w, n, d, o):
    beta, k, v = w["beta"], np.asarray(w["k"]), w["v"]
    U = c.mul(np.asarray(c.neg(beta))[:, None], k)  # −β_t k_t
    b = c.mul(np.asarray(c.mul(beta, v))[:, None], k)  # (β_t v_t) k_t
    return _dplr_transitions(_ones(c, n, d), U[:, :, None], k[:, :, None], b, d)


def _delta_ref(values, n, o):
    beta, k, v = _obj(values, "beta"), _obj(values, "k"), _obj(values, "v")
    d = k.shape[1]
    return sequential_affine(lambda t: _eye(d) - beta[t] * np.outer(k[t], k[t]), lambda t: beta[t] * v[t] * k[t],
                       _obj(values, "h0"), n)


# gated deltanet: A_t = α_t (I − β_t k_t k_tᵀ), b_t = β_t v_t k_t
def _gdelta_shapes(n, d, o):
    return {"alpha": (n,), "beta": (n,), "k": (n, d), "v": (n,)}


def _gdelta_make(c, w, n, d, o):
    alpha, beta, k, v = w["alpha"], w["beta"], np.asarray(w["k"]), w["v"]
    D = np.broadcast_to(np.asarray(alpha)[:, None], (n, d)).copy()
    U = c.mul(np.asarray(c.neg(c.mul(alpha, beta)))[:, None], k)  # −α_t β_t k_t
    b = c.mul(np.asarray(c.mul(beta, v))[:, None], k)
    return _dplr_transitions(D, U[:, :, None], k[:, :, None], b, d)


def _gdelta_ref(values, n, o):
    alpha, beta, k, v = (_obj(values, x) for x in ("alpha", "beta", "k", "v"))
    d = k.shape[1]
    return sequential_affine(lambda t: alpha[t] * (_eye(d) - beta[t] * np.outer(k[t], k[t])),
                       lambda t: beta[t] * v[t] * k[t], _obj(values, "h0"), n)


# deltaproduct: h DeltaNet steps per token. With F_j = I − β_j k_j k_jᵀ (j = 1..h, step j applied j-th):
#   A_t = F_h ⋯ F_2 F_1,   b_t = Σ_j (F_h ⋯ F_{j+1}) β_j v_j k_j.
# Low-rank form of A_t: start from F_h and multiply on the right by F_{h−1}, …, F_1 using
#   (I + U Vᵀ)(I + u kᵀ) = I + [U, u + U (Vᵀ u)] [V, k]ᵀ,
# so V = [k_1 … k_h] needs no gates and U_j = −β_j (k_j + Σ_{l>j} U_l (k_lᵀ k_j)), U_h = −β_h k_h.
# b_t by the delta rule: s_1 = β_1 v_1 k_1, s_j = s_{j−1} + β_j (v_j − k_jᵀ s_{j−1}) k_j, b_t = s_h.
def _dprod_shapes(n, d, o):
    h = o["householders"]
    return {"beta": (n, h), "k": (n, h, d), "v": (n, h)}


def _dprod_make(c, w, n, d, o):
    h = o["householders"]
    beta, k, v = np.asarray(w["beta"]), np.asarray(w["k"]), np.asarray(w["v"])
    nb = np.asarray(c.neg(beta))  # (n, h)
    U = [None] * h
    U[h - 1] = np.asarray(c.mul(nb[:, h - 1, None], k[:, h - 1]))
    if h > 1:  # all Gram entries k_lᵀ k_j (l > j) at once
        jj, ll = np.triu_indices(h, 1)
        gram = tree_sum(c, c.mul(k[:, ll], k[:, jj]), axis=-1)  # (n, pairs)
        pair = {(int(j), int(l)): p for p, (j, l) in enumerate(zip(jj, ll))}
    for j in range(h - 2, -1, -1):
        terms = [k[:, j]] + [np.asarray(c.mul(U[l], np.asarray(gram)[:, pair[(j, l)], None]))
                             for l in range(j + 1, h)]
        y = tree_sum(c, np.stack(terms, axis=-1), axis=-1)
        U[j] = np.asarray(c.mul(nb[:, j, None], y))
    Uw = np.stack(U, axis=-1)  # (n, d, h)
    Vw = np.swapaxes(k, 1, 2)  # (n, d, h)
    s = np.asarray(c.mul(np.asarray(c.mul(beta[:, 0], v[:, 0]))[:, None], k[:, 0]))
    for j in range(1, h):
        err = c.sub(v[:, j], tree_sum(c, c.mul(k[:, j], s), axis=-1))
        s = np.asarray(c.add(s, c.mul(np.asarray(c.mul(beta[:, j], err))[:, None], k[:, j])))
    return _dplr_transitions(_ones(c, n, d), Uw, Vw, s, d)


def _dprod_ref(values, n, o):
    beta, k, v = _obj(values, "beta"), _obj(values, "k"), _obj(values, "v")
    h_, d = k.shape[1], k.shape[2]
    state = _obj(values, "h0").copy()
    out = []
    for t in range(n):
        for j in range(h_):  # one DeltaNet step per Householder factor, j = 1..h in order
            state = (_eye(d) - beta[t, j] * np.outer(k[t, j], k[t, j])).dot(state) + beta[t, j] * v[t, j] * k[t, j]
        out.append(state)
    return np.array(out, dtype=object)


# rwkv7: the paper's state wkv_t = wkv_{t−1} G_t + v_tᵀ k_t (d_v × d_k, row vectors), with
# G_t = diag(w_t) − κ̂_tᵀ (a_t ⊙ κ̂_t). One row of wkv, as a column vector h, evolves by A_t = G_tᵀ:
#   h_t = (diag(w_t) − (a_t ⊙ κ̂_t) κ̂_tᵀ) h_{t−1} + v_t k_t   →  D = w, U = −(a ⊙ κ̂), V = κ̂.
def _rwkv_shapes(n, d, o):
    return {"w": (n, d), "kappa": (n, d), "a": (n, d), "v": (n,), "k": (n, d)}


def _rwkv_make(c, w, n, d, o):
    kap = np.asarray(w["kappa"])
    U = c.neg(c.mul(w["a"], kap))
    b = c.mul(np.asarray(w["v"])[:, None], w["k"])
    return _dplr_transitions(w["w"], np.asarray(U)[:, :, None], kap[:, :, None], b, d)


def _rwkv_ref(values, n, o):
    wd, kap, a, v, k = (_obj(values, x) for x in ("w", "kappa", "a", "v", "k"))
    row = _obj(values, "h0").copy()  # one row of wkv, multiplied on the right as in the paper
    out = []
    for t in range(n):
        G = _diag(wd[t]) - np.outer(kap[t], a[t] * kap[t])
        row = row.dot(G) + v[t] * k[t]
        out.append(row)
    return np.array(out, dtype=object)


# ---------------------------------------------------------------------------------------------------------
# nonlinear chains (mixed basis, float only)
def _affine(c, W, h, U, x, bias):
    """W h + U x + bias, one balanced tree per unit, the h-products first. W (..., d, d), U (..., d, m)."""
    W, U = np.asarray(W), np.asarray(U)
    hp = c.mul(W, np.asarray(h)[..., None, :])
    xp = c.mul(U, np.broadcast_to(np.asarray(x), U.shape[:-2] + (U.shape[-1],))[..., None, :])
    return tree_sum(c, np.concatenate([hp, xp, np.asarray(bias)[..., None]], axis=-1), axis=-1)


def _elman_shapes(n, d, o):
    m = o["m"]
    return {"W": (d, d), "U": (d, m), "c": (d,), "x": (n, m)}


def _elman_make(c, w, n, d, o):
    h = w["h0"]
    states = []
    for t in range(n):
        h = c.act("tanh", _affine(c, w["W"], h, w["U"], np.asarray(w["x"])[t], w["c"]))
        states.append(np.asarray(h))
    return np.stack(states)


def _elman_ref(values, n, o):
    W, U, cb, x = (np.asarray(values[k], dtype=float) for k in ("W", "U", "c", "x"))
    h = np.asarray(values["h0"], dtype=float)
    out = []
    for t in range(n):
        h = np.tanh(W @ h + U @ x[t] + cb)
        out.append(h)
    return np.array(out)


_GATES = ("z", "i", "f", "o")


def _slstm_shapes(n, d, o):
    m = o["m"]
    s = {f"W_{g}": (d, d) for g in _GATES}
    s.update({f"U_{g}": (d, m) for g in _GATES})
    s.update({f"b_{g}": (d,) for g in _GATES})
    s["x"] = (n, m)
    return s


def _slstm_make(c, w, n, d, o):
    if o["forget"] not in ("sigmoid", "exp"):
        raise CircuitError(f"slstm: forget must be 'sigmoid' or 'exp', got {o['forget']!r}")
    W = np.stack([np.asarray(w[f"W_{g}"]) for g in _GATES])  # (4, d, d)
    U = np.stack([np.asarray(w[f"U_{g}"]) for g in _GATES])  # (4, d, m)
    bias = np.stack([np.asarray(w[f"b_{g}"]) for g in _GATES])  # (4, d)
    x = np.asarray(w["x"])
    h, cs, ns = w["h0"], w["c0"], w["n0"]
    states = []
    for t in range(n):
        pre = np.asarray(_affine(c, W, np.asarray(h)[None, :], U, x[t][None, :], bias))  # (4, d)
        z = c.act("tanh", pre[0])
        i = c.act("exp", pre[1])
        f = c.act(o["forget"], pre[2])
        og = c.act("sigmoid", pre[3])
        cs = c.add(c.mul(f, cs), c.mul(i, z))
        ns = c.add(c.mul(f, ns), i)
        h = c.mul(og, c.mul(cs, c.act("recip", ns)))
        states.append(np.asarray(h))
    return np.stack(states)


def _slstm_ref(values, n, o):
    f32 = {k: np.asarray(v, dtype=float) for k, v in values.items()}
    h, cs, ns = f32["h0"], f32["c0"], f32["n0"]
    x = f32["x"]
    sig = lambda u: 1.0 / (1.0 + np.exp(-u))  # noqa: E731
    out = []
    for t in range(n):
        pre = {g: f32[f"W_{g}"] @ h + f32[f"U_{g}"] @ x[t] + f32[f"b_{g}"] for g in _GATES}
        z, i = np.tanh(pre["z"]), np.exp(pre["i"])
        f = sig(pre["f"]) if o["forget"] == "sigmoid" else np.exp(pre["f"])
        og = sig(pre["o"])
        cs = f * cs + i * z
        ns = f * ns + i
        h = og * cs / ns
        out.append(h)
    return np.array(out)


# ---------------------------------------------------------------------------------------------------------
_LIST = [
    Preset("mamba", "diagonal", "h_t = diag(abar_t) h_{t-1} + delta_t * Bx_t",
           "Gu & Dao 2023, Mamba: Linear-Time Sequence Modeling with Selective State Spaces", True,
           "abar[t][i], delta[t], Bx[t][i], h0[i]", _mamba_shapes, _mamba_make, _mamba_ref,
           notes="one channel; abar = exp(Δ_t a) is computed outside the circuit; "
                 "B̄_t x_t simplified to Δ_t B_t x_t"),
    Preset("mamba2", "diagonal", "h_t = a_t h_{t-1} + b_t   (A_t = a_t I)",
           "Dao & Gu 2024, Transformers are SSMs (Mamba-2, SSD)", True, "a[t], b[t][i], h0[i]",
           _mamba2_shapes, _mamba2_make, _mamba2_ref),
    Preset("s4d", "diagonal", "h_t = diag(abar) h_{t-1} + bx_t   (time-invariant)",
           "Gu, Gupta, Goel, Ré 2022, On the Parameterization and Initialization of Diagonal State Space "
           "Models (S4D)", True, "abar[i], bx[t][i], h0[i]", _s4d_shapes, _s4d_make, _s4d_ref),
    Preset("gla", "diagonal", "h_t = diag(alpha_t) h_{t-1} + v_t k_t",
           "Yang, Wang, Shen, Panda, Kim 2024, Gated Linear Attention Transformers with Hardware-Efficient "
           "Training (GLA)", True, "alpha[t][i], v[t], k[t][i], h0[i]", _gla_shapes, _gla_make, _gla_ref),
    Preset("mlstm", "diagonal", "h_t = f_t h_{t-1} + i_t v_t k_t   (A_t = f_t I)",
           "Beck et al. 2024, xLSTM: Extended Long Short-Term Memory (mLSTM)", True,
           "f[t], i[t], v[t], k[t][j], h0[j]", _mlstm_shapes, _mlstm_make, _mlstm_ref,
           notes="one row of the matrix memory C; gates f, i are inputs; normaliser and output not built"),
    Preset("pd-ssm", "pd", "h_t = P_t diag(D_t) h_{t-1} + b_t",
           "Terzić et al. 2025, Structured Sparse Transition Matrices to Enable State Tracking in State-Space "
           "Models (PD-SSM)", True, "P[t][i][j] (column one-hot), D[t][i], b[t][i], h0[i]",
           _pd_shapes, _pd_make, _pd_ref),
    Preset("deltanet", "dplr", "h_t = (I - beta_t k_t k_t^T) h_{t-1} + beta_t v_t k_t",
           "Schlag, Irie, Schmidhuber 2021, Linear Transformers Are Secretly Fast Weight Programmers; "
           "Yang, Wang, Zhang, Shen, Kim 2024, Parallelizing Linear Transformers with the Delta Rule over "
           "Sequence Length", True, "beta[t], k[t][i], v[t], h0[i]", _delta_shapes, _delta_make, _delta_ref),
    Preset("gated-deltanet", "dplr", "h_t = alpha_t (I - beta_t k_t k_t^T) h_{t-1} + beta_t v_t k_t",
           "Yang, Kautz, Hatamizadeh 2025, Gated Delta Networks: Improving Mamba2 with Delta Rule (ICLR 2025)",
           True, "alpha[t], beta[t], k[t][i], v[t], h0[i]", _gdelta_shapes, _gdelta_make, _gdelta_ref),
    Preset("deltaproduct", "dplr",
           "h_t = F_{t,h} ... F_{t,1} h_{t-1} + sum_j F_{t,h} ... F_{t,j+1} beta_{t,j} v_{t,j} k_{t,j},"
           "  F_{t,j} = I - beta_{t,j} k_{t,j} k_{t,j}^T",
           "Siems, Carstensen, Zela, Hutter, Pontil, Grazzi 2025, DeltaProduct: Improving State-Tracking in "
           "Linear RNNs via Householder Products", True, "beta[t][j], k[t][j][i], v[t][j], h0[i]",
           _dprod_shapes, _dprod_make, _dprod_ref, options={"householders": 2}, rank_option="householders",
           notes="A_t = F_h ... F_1 (step j applied j-th) as one rank-h DPLR; b_t by h delta-rule steps"),
    Preset("rwkv7", "dplr", "h_t = (diag(w_t) - (a_t * kappa_t) kappa_t^T) h_{t-1} + v_t k_t",
           "Peng et al. 2025, RWKV-7 \"Goose\" with Expressive Dynamic State Evolution", True,
           "w[t][i], kappa[t][i], a[t][i], v[t], k[t][i], h0[i]", _rwkv_shapes, _rwkv_make, _rwkv_ref,
           notes="one row of wkv as a column: A_t = G_t^T of the paper's G_t = diag(w) - kappa^T (a * kappa)"),
    Preset("elman", "nonlinear", "h_t = tanh(W h_{t-1} + U x_t + c)",
           "Elman 1990, Finding Structure in Time", False, "W[i][j], U[i][k], c[i], x[t][k], h0[i]",
           _elman_shapes, _elman_make, _elman_ref, options={"m": 1}),
    Preset("slstm", "nonlinear",
           "c_t = f_t c_{t-1} + i_t z_t, n_t = f_t n_{t-1} + i_t, h_t = o_t c_t / n_t;"
           "  z = tanh(.), i = exp(.), f = sigmoid(.), o = sigmoid(.), (.) = W_g h_{t-1} + U_g x_t + b_g",
           "Beck et al. 2024, xLSTM: Extended Long Short-Term Memory (sLSTM)", False,
           "W_g[i][j], U_g[i][k], b_g[i] (g = z, i, f, o), x[t][k], h0[i], c0[i], n0[i]",
           _slstm_shapes, _slstm_make, _slstm_ref, options={"m": 1, "forget": "sigmoid"},
           notes="no stabiliser state m_t (it cancels in c_t / n_t); full recurrent matrices"),
]

PRESETS: dict[str, Preset] = {p.name: p for p in _LIST}


def preset_names() -> list[str]:
    return list(PRESETS)
