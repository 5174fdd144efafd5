"""Thm 2 (Merrill et al. 2026): a one-layer ReLU RNN with integer weights that decides unary-encoded sorted
deterministic graph connectivity, with state values of O(log n) bits.

**The problem.** Vertices 1..k; each vertex u has at most one out-edge (u, v), with v > u. The stream over the
tokens ``0 | # $`` is ``0^s |``, then for each edge in increasing u the tokens ``0^u | 0^v |``, then ``# 0^t $``.
Because edges only go forward and arrive sorted by u, the walk from s is followed in one pass: keep the current
vertex ``cur`` (first s); when an edge (u, v) with u = cur arrives, ``cur ← v``. At ``$`` the network accepts
iff ``cur = t``, i.e. iff the walk from s **ends** at t: t is reachable from s and t has no out-edge. On
instances whose target t has no out-edge (the form of the L-complete problem, whose target is a sink; Cook &
McKenzie 1987) that is exactly "t is reachable from s". With t read last, a target that has an out-edge is out
of reach of any streaming machine with O(log n) bits: from s = 1 the reachable sets of the k!
edge choices are 2^(k-1) different sets (:func:`distinct_reachable_sets` counts them), and a machine must tell
them all apart before it reads t — k - 1 bits, against O(log k) bits of state here.

**The network.** ``h_t = MLP(h_{t-1}, x_t)`` with x_t the one-hot token (``0 | # $``) and a two-hidden-layer ReLU
MLP with a linear read-out::

    z1 = relu(W1 [h; x] + b1),   z2 = relu(W2 z1 + b2),   h_t = W3 z2 + b3

All weights are small integers, the same for every k (no weight grows with the input). The state
``h = (cur, R, S, U, V, T, m, acc)``: the current vertex ``cur``, a signed counter ``R``, one-hot phase flags
S (reading s), U (reading an edge's u), V (reading its v), T (reading t), the flag m ("this edge starts at
cur") and the output bit acc. The counter never needs a reset (a ReLU network with fixed weights cannot
multiply an unbounded number by a flag exactly, so the construction avoids it):

* reading s, each 0: cur += 1, R += 1 (so R = cur at the first ``|``);
* reading u, each 0: R -= 1, so R = cur - u at the ``|``; then m ← [R = 0] (a tent
  ``relu(R+1) - 2 relu(R) + relu(R-1)``, exact on integers);
* reading v, each 0: R += 1 if m or R < cur; cur += 1 if m and R ≥ cur. As v > u, at the ``|`` R = cur again:
  cur unchanged if m = 0, and cur = R = v if m = 1;
* reading t, each 0: R -= 1; at ``$``: acc ← [R = 0] = [cur = t].

``[R < cur]`` is ``relu(cur-R) - relu(cur-R-1)``, exact on integers; conjunctions of 0/1 values are
``relu(a + b + … - (count - 1))``. Every |state value| is at most k (cur ≤ k; R lies between cur - k and k)
and every hidden value at most k + 1, so the state has O(log k) = O(log n) bits (n ≥ k: the stream is at
least as long as its largest block).

:func:`graph_rnn_weights` gives the matrices (integer numpy object arrays) and the unit names;
:func:`run` runs a token stream in exact integers (:func:`states` gives every state);
:func:`unrolled_circuit` is the network unrolled over n tokens as a circuit with ReLU gates; :func:`run_batch` runs many streams at once (float64 BLAS
on integers checked to stay below 2^31, hence exact; see its docstring); :func:`reference` is a graph search.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["TOKENS", "STATE", "GraphRNN", "graph_rnn_weights", "encode", "tokens_of", "run", "run_batch",
           "reference", "walk_end", "edge_choices", "edges_of_index", "instance_count", "sink_target_count",
           "distinct_reachable_sets", "MAX_K_EXHAUSTIVE", "mutate", "states", "unrolled_circuit"]

TOKENS = "0|#$"
STATE = ("cur", "R", "S", "U", "V", "T", "m", "acc")
INPUTS = STATE + ("x0", "xbar", "xhash", "xdollar")
MAX_K_EXHAUSTIVE = 9  # k!·k² instances: 29,393,280 at k = 9; k = 10 would be 362,880,000

# Layer 1: name -> ({input: coefficient}, bias); z1 = relu(...)
_LAYER1 = [
    ("cur", {"cur": 1}, 0),
    ("R+", {"R": 1}, 0),
    ("R-", {"R": -1}, 0),
    ("R+1", {"R": 1}, 1),
    ("R-1", {"R": 1}, -1),
    ("cur-R", {"cur": 1, "R": -1}, 0),
    ("cur-R-1", {"cur": 1, "R": -1}, -1),
    ("R-cur+1", {"R": 1, "cur": -1}, 1),
    ("R-cur", {"R": 1, "cur": -1}, 0),
] + [(f, {f: 1}, 0) for f in ("S", "U", "V", "T", "m", "acc", "x0", "xbar", "xhash", "xdollar")]

# shorthands over layer-1 units (linear combinations, exact on integers)
_TENT = {"R+1": 1, "R+": -2, "R-1": 1}  # [R = 0]
_LT = {"cur-R": 1, "cur-R-1": -1}  # [R < cur]
_GE = {"R-cur+1": 1, "R-cur": -1}  # [R >= cur]


def _plus(*terms):
    out = {}
    for t in terms:
        for k, v in (t.items() if isinstance(t, dict) else ((t, 1),)):
            out[k] = out.get(k, 0) + v
    return out


# Layer 2: name -> ({layer-1 unit: coefficient}, bias); z2 = relu(...)
_LAYER2 = [
    ("cur", {"cur": 1}, 0),
    ("R+", {"R+": 1}, 0),
    ("R-", {"R-": 1}, 0),
    ("S&0", _plus("S", "x0"), -1),
    ("U&0", _plus("U", "x0"), -1),
    ("T&0", _plus("T", "x0"), -1),
    ("m&V&0", _plus("m", "V", "x0"), -2),
    ("lt&V&0", _plus(_LT, "V", "x0"), -2),
    ("m&lt&V&0", _plus("m", _LT, "V", "x0"), -3),
    ("m&ge&V&0", _plus("m", _GE, "V", "x0"), -3),
    ("S&!bar", {"S": 1, "xbar": -1}, 0),
    ("S&bar", _plus("S", "xbar"), -1),
    ("V&bar", _plus("V", "xbar"), -1),
    ("U&!bar&!hash", {"U": 1, "xbar": -1, "xhash": -1}, 0),
    ("U&bar", _plus("U", "xbar"), -1),
    ("V&!bar", {"V": 1, "xbar": -1}, 0),
    ("U&hash", _plus("U", "xhash"), -1),
    ("T", {"T": 1}, 0),
    ("eq&U&bar", _plus(_TENT, "U", "xbar"), -2),
    ("m&!bar", {"m": 1, "xbar": -1}, 0),
    ("eq&T&dollar", _plus(_TENT, "T", "xdollar"), -2),
    ("acc", {"acc": 1}, 0),
]

# Read-out: state component -> ({layer-2 unit: coefficient}, bias); h = W3 z2 + b3 (linear)
_LAYER3 = [
    ("cur", {"cur": 1, "S&0": 1, "m&ge&V&0": 1}, 0),
    ("R", {"R+": 1, "R-": -1, "S&0": 1, "U&0": -1, "T&0": -1, "m&V&0": 1, "lt&V&0": 1, "m&lt&V&0": -1}, 0),
    ("S", {"S&!bar": 1}, 0),
    ("U", {"S&bar": 1, "V&bar": 1, "U&!bar&!hash": 1}, 0),
    ("V", {"U&bar": 1, "V&!bar": 1}, 0),
    ("T", {"U&hash": 1, "T": 1}, 0),
    ("m", {"eq&U&bar": 1, "m&!bar": 1}, 0),
    ("acc", {"eq&T&dollar": 1, "acc": 1}, 0),
]

H0 = {"S": 1}  # the initial state: phase S, everything else 0


@dataclass
class GraphRNN:
    """The weights of the Thm 2 network (integer object arrays) and the names of their rows and columns."""
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    W3: np.ndarray
    b3: np.ndarray
    h0: np.ndarray
    names: dict = field(default_factory=dict)  # "inputs", "layer1", "layer2", "state"

    def matrices(self) -> dict:
        return {k: getattr(self, k) for k in ("W1", "b1", "W2", "b2", "W3", "b3", "h0")}

    def copy(self) -> "GraphRNN":
        return GraphRNN(**{k: v.copy() for k, v in self.matrices().items()}, names=dict(self.names))

    @property
    def shape(self) -> dict:
        return {"state": len(self.h0), "input": len(TOKENS), "hidden1": self.W1.shape[0],
                "hidden2": self.W2.shape[0]}


def _matrix(rows, cols):
    idx = {c: i for i, c in enumerate(cols)}
    W = np.zeros((len(rows), len(cols)), dtype=object)
    b = np.zeros(len(rows), dtype=object)
    W[:] = 0
    b[:] = 0
    for r, (_, coef, bias) in enumerate(rows):
        for name, v in coef.items():
            W[r, idx[name]] += v
        b[r] = bias
    return W, b


def graph_rnn_weights() -> GraphRNN:
    """The network's weights: ``W1`` (19×12) on ``[h; x]``, ``W2`` (22×19), ``W3`` (8×22), biases, and ``h0``."""
    l1 = [n for n, _, _ in _LAYER1]
    l2 = [n for n, _, _ in _LAYER2]
    W1, b1 = _matrix(_LAYER1, INPUTS)
    W2, b2 = _matrix(_LAYER2, l1)
    W3, b3 = _matrix(_LAYER3, l2)
    h0 = np.array([H0.get(s, 0) for s in STATE], dtype=object)
    return GraphRNN(W1, b1, W2, b2, W3, b3, h0,
                    names={"inputs": list(INPUTS), "layer1": l1, "layer2": l2, "state": list(STATE)})


def mutate(net: GraphRNN, matrix: str, row: int, col: int | None, delta: int) -> GraphRNN:
    """A copy of ``net`` with one weight (``col`` None: one bias or h0 entry) changed by ``delta``."""
    out = net.copy()
    arr = getattr(out, matrix)
    if col is None:
        arr[row] += delta
    else:
        arr[row, col] += delta
    return out


# ---------------------------------------------------------------------------------------------------------
# streams
def tokens_of(k: int, edges: dict, s: int, t: int) -> str:
    """The stream ``0^s | (0^u | 0^v |)… # 0^t $`` (edges in increasing u)."""
    parts = ["0" * s + "|"]
    for u in sorted(edges):
        parts.append("0" * u + "|" + "0" * edges[u] + "|")
    parts.append("#" + "0" * t + "$")
    return "".join(parts)


def encode(tokens: str) -> np.ndarray:
    """Token indices (0 for '0', 1 for '|', 2 for '#', 3 for '$')."""
    try:
        return np.array([TOKENS.index(c) for c in tokens], dtype=np.int64)
    except ValueError:
        bad = next(c for c in tokens if c not in TOKENS)
        raise ValueError(f"token {bad!r} is not one of {' '.join(TOKENS)}") from None


def _relu(v):
    return np.array([x if x > 0 else 0 for x in v], dtype=object)


def states(tokens: str, net: GraphRNN | None = None) -> np.ndarray:
    """Every state h_1 … h_n of the network on one stream, in exact integers: an object array (n, 8)."""
    net = net or graph_rnn_weights()
    h = net.h0.copy()
    eye = np.eye(len(TOKENS), dtype=np.int64).astype(object)
    out = []
    for c in encode(tokens):
        z1 = _relu(net.W1.dot(np.concatenate([h, eye[c]])) + net.b1)
        z2 = _relu(net.W2.dot(z1) + net.b2)
        h = net.W3.dot(z2) + net.b3
        out.append(h)
    return np.array(out, dtype=object).reshape(len(out), len(STATE))


def unrolled_circuit(n: int, net: GraphRNN | None = None):
    """The network unrolled over n tokens as a ``mixed``-basis circuit: inputs ``x`` (n, 4), the one-hot tokens,
    and ``h0`` (8,); output ``h`` (n, 8), the states. The weights are constants (a product by 0 or 1 folds away),
    each step is the three layers as written — two ReLU layers and the linear read-out, one balanced addition tree
    per unit — so step t needs step t − 1 and the depth is exactly n × (depth of one step)."""
    from circuits import Circuit, CircuitError

    from ..linalg import tree_sum
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise CircuitError(f"n must be an integer >= 1, got {n!r}")
    net = net or graph_rnn_weights()
    c = Circuit("mixed")
    d = len(STATE)
    W1, b1, W2, b2, W3, b3 = (c.const(np.asarray(a, dtype=object)) for a in
                              (net.W1, net.b1, net.W2, net.b2, net.W3, net.b3))
    x = c.input("x", (n, len(TOKENS)))
    h = c.input("h0", (d,))

    def layer(W, v, b, act):
        pre = tree_sum(c, np.concatenate([c.mul(W, np.asarray(v)[None, :]), np.asarray(b)[:, None]], axis=1),
                       axis=-1)
        return c.act("relu", pre) if act else pre

    out = []
    for t in range(n):
        z1 = layer(W1, np.concatenate([np.asarray(h), np.asarray(x[t])]), b1, True)
        z2 = layer(W2, z1, b2, True)
        h = layer(W3, z2, b3, False)
        out.append(np.asarray(h))
    c.output("h", np.stack(out))
    return c


def run(tokens: str, net: GraphRNN | None = None) -> tuple[bool, int]:
    """Run the network on one stream in exact integers (Python ints; Fractions work too).

    Returns ``(accept, max_state)``: the output bit acc after the last token, and the largest |value| of any
    state component along the run (h0 included)."""
    net = net or graph_rnn_weights()
    h = net.h0.copy()
    biggest = max(abs(v) for v in h)
    eye = np.eye(len(TOKENS), dtype=np.int64).astype(object)
    for c in encode(tokens):
        z1 = _relu(net.W1.dot(np.concatenate([h, eye[c]])) + net.b1)
        z2 = _relu(net.W2.dot(z1) + net.b2)
        h = net.W3.dot(z2) + net.b3
        biggest = max(biggest, max(abs(v) for v in h))
    return bool(h[STATE.index("acc")] == 1), int(biggest)


_SAFE = 1 << 31  # every |state| and |hidden| value must stay below this


def _exact_float(a) -> np.ndarray:
    a = np.asarray(a, dtype=object)
    if any(int(v) != v or abs(v) > 1 << 10 for v in a.ravel()):
        raise ValueError("run_batch needs integer weights of magnitude <= 1024; use run() for others")
    return a.astype(np.int64).astype(np.float64)


def run_batch(codes: np.ndarray, net: GraphRNN | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Run B streams at once: ``codes`` is a (B, L) int array of token indices, with -1 as padding (an all-zero
    input vector, which leaves every state unchanged; put it after ``$``). Returns the acc value per stream
    (int64) and the largest |state value| per stream (int64).

    Exact: the weights are integers of magnitude ≤ 2^10 and every state and hidden value is checked to stay
    below 2^31 (an OverflowError otherwise), so each product is an integer below 2^41 and each sum of at most
    ``width + 1`` of them is an integer far below 2^53 — float64 (BLAS) arithmetic on them is exact integer
    arithmetic. :func:`run` is the Python-integer runner for anything else."""
    net = net or graph_rnn_weights()
    W1, b1, W2, b2, W3, b3, h0 = (_exact_float(m) for m in (net.W1, net.b1, net.W2, net.b2, net.W3, net.b3,
                                                              net.h0))
    if max(W1.shape[1], W2.shape[1], W3.shape[1]) > 1 << 10:
        raise ValueError("run_batch: layers wider than 1024 units")
    d = len(h0)
    W1h, W1x = W1[:, :d].T.copy(), W1[:, d:].T.copy()
    onehot = np.vstack([np.eye(len(TOKENS)), np.zeros((1, len(TOKENS)))])
    codes = np.asarray(codes, dtype=np.int64)
    B = codes.shape[0]
    h = np.tile(h0, (B, 1))
    biggest = np.abs(h).max(axis=1)
    W2T, W3T = W2.T.copy(), W3.T.copy()
    for step in range(codes.shape[1]):
        x = onehot[codes[:, step]]  # -1 picks the zero row
        z1 = np.maximum(h @ W1h + x @ W1x + b1, 0)
        z2 = np.maximum(z1 @ W2T + b2, 0)
        h = z2 @ W3T + b3
        m = np.abs(h).max(axis=1)
        np.maximum(biggest, m, out=biggest)
        if B and max(m.max(), z1.max(), z2.max()) >= _SAFE:
            raise OverflowError(f"a value reached 2^31 at step {step}; use run() for exact big integers")
    return h[:, STATE.index("acc")].astype(np.int64), biggest.astype(np.int64)


# ---------------------------------------------------------------------------------------------------------
# the reference and the instance family
def reference(edges: dict, s: int, t: int) -> bool:
    """Graph search: is t reachable from s (following out-edges)?"""
    seen, stack = set(), [s]
    while stack:
        u = stack.pop()
        if u in seen:
            continue
        seen.add(u)
        if u in edges:
            stack.append(edges[u])
    return t in seen


def walk_end(edges: dict, s: int, t: int) -> bool:
    """What the network decides: t is reachable from s and t has no out-edge (the walk from s ends at t)."""
    return reference(edges, s, t) and t not in edges


def edge_choices(k: int) -> list[int]:
    """Out-edge choices per vertex u = 1..k: none, or v in u+1..k — that is k - u + 1 choices."""
    return [k - u + 1 for u in range(1, k + 1)]


def edges_of_index(k: int, index: int) -> dict:
    """The edge set number ``index`` (0 ≤ index < k!), in mixed radix over :func:`edge_choices` (vertex 1 is
    the fastest digit; digit 0 = no edge, digit j = the edge u → u + j)."""
    edges = {}
    for u, r in zip(range(1, k + 1), edge_choices(k)):
        index, j = divmod(index, r)
        if j:
            edges[u] = u + j
    if index:
        raise ValueError(f"edge-set index out of range for k = {k}")
    return edges


def instance_count(k: int) -> int:
    """Instances with k vertices: Π_u (k - u + 1) = k! edge sets, times k choices of s and k of t."""
    return math.prod(edge_choices(k)) * k * k


def sink_target_count(k: int) -> int:
    """Instances whose target t has no out-edge: for each t, t's digit is fixed to "none" (1 of k - t + 1
    choices), so Σ_t k!/(k - t + 1) edge sets, times k choices of s: k · k! · H_k."""
    return k * sum(math.factorial(k) // (k - t + 1) for t in range(1, k + 1))


def distinct_reachable_sets(k: int, s: int = 1) -> int:
    """How many different sets of vertices are reachable from s over all k! edge sets (2^(k-s) for s ≤ k):
    the number of states a one-pass machine must tell apart before it reads t, if t may have an out-edge."""
    sets = set()
    for i in range(math.factorial(k)):
        e = edges_of_index(k, i)
        sets.add(frozenset(v for v in range(1, k + 1) if reference(e, s, v)))
    return len(sets)
