"""Transformers compiled by tracr (RASP programs) read as :class:`~.spec.TransformerSpec`, and so as circuits.

tracr is an optional dependency (``pip install 'lrnn-circuits[tracr]'``); it is imported only inside the functions
that need it, so this module imports without it.

Use::

    model = compile_program("make_reverse", [1, 2, 3], max_seq_len=5)   # or "module:function"
    spec, decoder = from_tracr(model)                                   # n = 6 positions, BOS at 0
    result = check_model(model)   # precision search, one circuit per length, every input against tracr

or from the command line: ``lrnn-circuits tracr make_reverse --vocab 1,2,3 --max-seq-len 5 [--json]`` (exit status
1 when some input disagrees with tracr).

How a compiled tracr model computes (``tracr.compiler.assemble``, ``tracr.transformer.model``/``attention``), and
how each part maps onto the spec:

* input: ``[BOS, t_1, …, t_L]`` encoded by ``model.input_encoder.encoding_map`` (BOS always at position 0). The
  embedding is ``token_embed[token] + pos_embed[position]``; the token rows also write the ``one`` coordinate, and
  ``pos_embed`` row 0 (the BOS position) is zero. Spec: ``vocab`` = the encoder's tokens in encoding order
  without the pad token (the compiled model never masks and our inputs never contain it), ``fixed = {0: BOS}``,
  ``token_embed`` and ``pos_embed`` the same rows, ``n`` = L + 1 positions;
* each tracr layer is an attention block then an MLP block (either may be all zero), residual connections, no
  layer norm (``model_config.layer_norm`` is False; a model with it is refused), causal masking iff
  ``model_config.causal``. Spec: one :class:`~.spec.Layer` per tracr layer;
* attention: haiku computes ``x @ W`` with W of shape (d, heads·key_size); head h is the column block
  ``[h·key_size, (h+1)·key_size)`` of query/key/value (value size = key size) and the row block of
  ``attn/linear``. The spec writes ``W·x``, so every matrix is transposed: ``wq = W_query[:, block]ᵀ``,
  ``wo = W_linearᵀ`` (d × Σ dv), biases as they are (tracr's are zero);
* MLP: ``relu(x @ W1 + b1) @ W2 + b2`` becomes ``[(W1ᵀ, b1), (W2ᵀ, b2)]`` (the activation must be ReLU);
* output: ``x @ U`` with U the projection of the residual onto the output space; categorical outputs take the
  argmax (the first index on ties, like ``jnp.argmax``) and decode it with ``model.output_encoder``; numerical
  outputs are the single coordinate's value. Spec: ``readout`` = the residual coordinates U projects onto, in
  the output space's order; :class:`TracrDecoder` does the argmax or the division by 2^F. tracr's own decoded
  output at position 0 is replaced by BOS, so only positions 1..L are compared.

Weights: tracr stores float32; each is converted to the exact rational it denotes, ``Fraction(float(w))``, so the
spec is the model tracr actually runs (not the compiler's intended rationals — a float32 ``-41.666668`` stays what
it is). ``denominator=K`` instead takes ``Fraction(w).limit_denominator(K)`` (the nearest rational with a
denominator ≤ K), which recovers thirds and the like. Either way :func:`~.spec.quantize` then rounds to 2^−F.

Pruning (on by default): parts that are exactly zero in every fixed-point reading are dropped — attention heads
whose values never reach the residual, query/key coordinates that are zero on either side, value coordinates the
output map ignores, MLP hidden units with no input or no output weight, sublayers left empty, and residual
coordinates that are never written (always 0) or never read (and not read out), repeated to a fixed point. A
dropped term adds exactly 0 to every sum (raw(0) = 0, relu(0) = 0, a zero score term), so the pruned spec computes
the same raw integers as the full one at every precision; it only makes the circuit smaller.

Softmax against average-hard attention. tracr scores are ``q·k / √key_size`` and softmaxed; the spec takes the
exact maximum set of ``q·k`` and averages it (the positive scale does not move the maximum). tracr's categorical
heads (``craft.chamber.categorical_attn``) give a matching key the score ``coldness`` (100), a non-matching one 0,
and BOS ``coldness/2`` (``coldness`` when the head always attends to BOS, as selector width does), so:

* where the selector matches some position, hard attention averages exactly the matching positions; softmax also
  gives each other position a weight about e^(−Δ/√key_size), Δ ≥ 50, so tracr's value is off by that amount —
  harmless for categorical outputs, part of the tolerance for numerical ones;
* where nothing matches, both attend to BOS alone (its value row is the head's default output);
* selector width (BOS ties the matches on purpose) averages BOS with the w matches, 1/(w+1) in both;
* the two differ where scores are nearly tied: softmax then splits the weight, hard attention keeps only the
  strictly larger score. tracr's selectors are boolean and the weights are small multiples of 1/2, so compiled
  scores tie exactly or differ by ≥ 50; a score difference below 1/2^(2F) is lost in fixed point (or created by
  rounding), which is one reason a too small F disagrees with tracr;
* fixed point floors every linear map and every attention mean; tracr's discretising MLPs
  (``numerical_mlp``, slope 100) then decide which side of a threshold a value falls. :func:`required_precision`
  finds the F at which the exact fixed-point model and tracr agree on the given inputs — a finite check, not a
  proof for other inputs or lengths.

Numerical outputs are compared with a tolerance: ``|circuit − tracr| ≤ tolerance`` (default 1/100), which has to
absorb the floors of fixed point (each below 2^−F) and tracr's own float32 and softmax error.
"""
from __future__ import annotations

import importlib
import inspect
import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from circuits import CircuitError

from .build import build_circuit, run_circuit_batch
from .reference import reference
from .spec import MAX_PRECISION, FixedSpec, Head, Layer, TransformerSpec, quantize

__all__ = ["TracrDecoder", "from_tracr", "compile_program", "tracr_outputs", "required_precision",
           "outputs_agree", "full_tokens", "all_inputs", "check_model", "DEFAULT_TOLERANCE", "MAX_RUNS"]

#: numerical outputs agree with tracr when they differ by at most this much
DEFAULT_TOLERANCE = Fraction(1, 100)
#: at most this many input sequences are enumerated by :func:`all_inputs`
MAX_RUNS = 20_000


def _require_tracr():
    try:
        import tracr  # noqa: F401
    except ImportError:
        raise CircuitError("tracr is not installed (pip install 'lrnn-circuits[tracr]')") from None


# ---------------------------------------------------------------------------------------------------------
# decoding
@dataclass(frozen=True)
class TracrDecoder:
    """Reads one position's raw readout row (ints, F fraction bits) the way tracr reads its output space.

    ``categorical``: argmax (first index on ties) → ``labels[index]``; numerical: the value ``raw / 2^F`` as an
    exact Fraction. ``residual_labels`` names the spec's residual coordinates (tracr's basis directions)."""
    categorical: bool
    labels: tuple = ()
    residual_labels: tuple = field(default=(), compare=False)

    def __call__(self, raw_row, frac: int):
        row = [int(v) for v in raw_row]
        if self.categorical:
            if len(row) != len(self.labels):
                raise CircuitError(f"tracr decoder: expected {len(self.labels)} readout values, got {len(row)}")
            return self.labels[max(range(len(row)), key=lambda k: (row[k], -k))]
        if len(row) != 1:
            raise CircuitError(f"tracr decoder: a numerical output has one readout value, got {len(row)}")
        return Fraction(row[0], 1 << frac)


def outputs_agree(decoder: TracrDecoder, ours, theirs, tolerance=DEFAULT_TOLERANCE) -> bool:
    """Whether decoded outputs (one per position) equal tracr's: exactly for categorical outputs, within
    ``tolerance`` for numerical ones (a tracr value of None or NaN never agrees)."""
    ours, theirs = list(ours), list(theirs)
    if len(ours) != len(theirs):
        return False
    if decoder.categorical:
        return all(a == b for a, b in zip(ours, theirs))
    tol = Fraction(tolerance)
    for a, b in zip(ours, theirs):
        try:
            fb = float(b)
        except (TypeError, ValueError):
            return False
        if not np.isfinite(fb) or abs(Fraction(a) - Fraction(fb)) > tol:
            return False
    return True


def _jsonable(v):
    """A decoded value for JSON: Fractions as floats (exact: dyadic with p ≤ 24 bits), numpy scalars as Python."""
    if isinstance(v, Fraction):
        return float(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


# ---------------------------------------------------------------------------------------------------------
# weights → spec
def _array(params, key: str, par: str) -> np.ndarray:
    try:
        return np.asarray(params[key][par], dtype=np.float64)  # float32 → float64 is exact
    except KeyError:
        raise CircuitError(f"tracr model: parameter {key}/{par} is missing") from None


def _unembedding(model, d: int) -> tuple[np.ndarray, bool]:
    """tracr's unembedding matrix (d × outputs), read by applying its own unembed module to the unit vectors, and
    whether the model takes the argmax (categorical output)."""
    import haiku as hk
    import jax.numpy as jnp
    argmax = []

    @hk.without_apply_rng
    @hk.transform
    def probe(x):
        compiled = model.get_compiled_model()
        argmax.append(bool(compiled.use_unembed_argmax))
        return compiled.unembed(x, use_unembed_argmax=False)

    u = np.asarray(probe.apply({}, jnp.eye(d, dtype=jnp.float32)[None]), dtype=np.float64)[0]
    return u.reshape(d, -1), argmax[0]


def _to_fraction(w: float, denominator: int | None) -> Fraction:
    f = Fraction(float(w))
    return f if denominator is None else f.limit_denominator(denominator)


def from_tracr(model, n: int | None = None, *, prune: bool = True, denominator: int | None = None):
    """The compiled tracr ``model`` as ``(TransformerSpec, TracrDecoder)`` on ``n`` positions (BOS included;
    default max_seq_len + 1). See the module docstring for the mapping, the weight conversion and pruning."""
    _require_tracr()
    cfg = getattr(model, "model_config", None)
    enc = getattr(model, "input_encoder", None)
    if cfg is None or enc is None or not hasattr(model, "params"):
        raise CircuitError("from_tracr: expected a compiled tracr model (compiling.compile_rasp_to_model)")
    if cfg.layer_norm:
        raise CircuitError("from_tracr: models with layer norm are not supported (tracr compiles without it)")
    import jax
    if cfg.activation_function is not jax.nn.relu:
        raise CircuitError("from_tracr: the MLP activation must be ReLU")
    if enc.bos_token is None:
        raise CircuitError("from_tracr: the model has no BOS token")
    if denominator is not None and (not isinstance(denominator, int) or denominator < 1):
        raise CircuitError(f"from_tracr: denominator must be a positive integer, got {denominator!r}")
    params = model.params
    tok_all = _array(params, "token_embed", "embeddings")
    pos_all = _array(params, "pos_embed", "embeddings")
    d = tok_all.shape[1]
    n_max = pos_all.shape[0]
    n = n_max if n is None else n
    if not isinstance(n, int) or not 1 <= n <= n_max:
        raise CircuitError(f"from_tracr: n must be an integer in 1..{n_max} (positions incl. BOS), got {n!r}")
    by_code = sorted(enc.encoding_map.items(), key=lambda kv: kv[1])
    vocab = [t for t, _ in by_code if t != enc.pad_token]
    tok = np.array([tok_all[enc.encoding_map[t]] for t in vocab])
    pos = pos_all[:n]

    H, ks = cfg.num_heads, cfg.key_size
    layers = []  # per layer: (heads [(wq, bq, wk, bk, wv, bv, wo_rows)], bo or None, mlp (W1, b1, W2, b2) or None)
    for li in range(cfg.num_layers):
        a = f"transformer/layer_{li}/attn"
        Q, bQ = _array(params, f"{a}/query", "w"), _array(params, f"{a}/query", "b")
        K, bK = _array(params, f"{a}/key", "w"), _array(params, f"{a}/key", "b")
        V, bV = _array(params, f"{a}/value", "w"), _array(params, f"{a}/value", "b")
        O, bO = _array(params, f"{a}/linear", "w"), _array(params, f"{a}/linear", "b")
        vs = V.shape[1] // H
        if Q.shape[1] != H * ks or K.shape[1] != H * ks or V.shape[1] != H * vs or O.shape[0] != H * vs:
            raise CircuitError(f"from_tracr: layer {li} attention shapes do not match {H} heads of size {ks}")
        heads = []
        for h in range(H):
            qb, vb = slice(h * ks, (h + 1) * ks), slice(h * vs, (h + 1) * vs)
            heads.append([Q[:, qb], bQ[qb], K[:, qb], bK[qb], V[:, vb], bV[vb], O[vb, :]])
        m = f"transformer/layer_{li}/mlp"
        mlp = [_array(params, f"{m}/linear_1", "w"), _array(params, f"{m}/linear_1", "b"),
               _array(params, f"{m}/linear_2", "w"), _array(params, f"{m}/linear_2", "b")]
        layers.append((heads, bO, mlp))

    U, categorical = _unembedding(model, d)
    readout = []
    for c in range(U.shape[1]):
        nz = np.nonzero(U[:, c])[0]
        if len(nz) != 1 or U[nz[0], c] != 1.0:
            raise CircuitError("from_tracr: the unembedding is not a projection onto residual coordinates")
        readout.append(int(nz[0]))
    if categorical:
        out_enc = model.output_encoder
        labels = tuple(t for t, _ in sorted(out_enc.encoding_map.items(), key=lambda kv: kv[1]))
        if len(labels) != len(readout):
            raise CircuitError("from_tracr: the output encoder and the output space differ in size")
    else:
        labels = ()
        if len(readout) != 1:
            raise CircuitError("from_tracr: a numerical output must be one coordinate")

    keep = np.ones(d, dtype=bool)
    if prune:
        keep = _prune(tok, pos, layers, readout, d)
    coords = np.nonzero(keep)[0]
    new_index = {int(c): k for k, c in enumerate(coords)}

    def fr(m):
        return [[_to_fraction(w, denominator) for w in row] for row in np.atleast_2d(m)]

    def frv(v):
        return [_to_fraction(w, denominator) for w in v]

    spec_layers = []
    for heads, bO, mlp in layers:
        sh, wo_cols = [], []
        for Wq, bq, Wk, bk, Wv, bv, Wo in heads:
            Wq, Wk, Wv, Wo = Wq[coords], Wk[coords], Wv[coords], Wo[:, coords]
            qk = _qk_dims(Wq, bq, Wk, bk) if prune else np.arange(Wq.shape[1])
            vd = _v_dims(Wv, bv, Wo) if prune else np.arange(Wv.shape[1])
            if len(vd) == 0:
                continue
            if len(qk) == 0:  # uniform attention: one zero score coordinate
                qk = np.array([0])
                Wq, bq, Wk, bk = (np.zeros_like(Wq), np.zeros_like(bq), np.zeros_like(Wk), np.zeros_like(bk))
            sh.append(Head(fr(Wq[:, qk].T), fr(Wk[:, qk].T), fr(Wv[:, vd].T), frv(bq[qk]), frv(bk[qk]), frv(bv[vd])))
            wo_cols.append(Wo[vd].T)
        bo = bO[coords]
        if not sh and (not prune or np.any(bo)):
            # no head carries anything, but a bias is added (or pruning is off): keep a zero head
            sh.append(Head([[0] * len(coords)], [[0] * len(coords)], [[0] * len(coords)]))
            wo_cols.append(np.zeros((len(coords), 1)))
        wo = fr(np.concatenate(wo_cols, axis=1)) if sh else None
        W1, b1, W2, b2 = mlp
        W1, W2, b2 = W1[coords], W2[:, coords], b2[coords]
        units = _hidden_units(W1, b1, W2) if prune else np.arange(W1.shape[1])
        mlp_spec = ()
        if len(units) or np.any(b2) or not prune:
            if len(units) == 0:
                units = np.array([0])
                W1, b1, W2 = np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2)
            mlp_spec = ((fr(W1[:, units].T), frv(b1[units])), (fr(W2[units].T), frv(b2)))
        if sh or mlp_spec:
            spec_layers.append(Layer(tuple(sh), wo, frv(bo) if sh else None, mlp_spec))

    spec = TransformerSpec(tuple(vocab), n, len(coords), fr(tok[:, coords]), fr(pos[:, coords]),
                           tuple(spec_layers), bool(cfg.causal), {0: enc.bos_token},
                           tuple(new_index[c] for c in readout))
    names = tuple(model.residual_labels[c] for c in coords) if hasattr(model, "residual_labels") else ()
    return spec, TracrDecoder(categorical, labels, names)


def _qk_dims(Wq, bq, Wk, bk):
    q_live = np.any(Wq != 0, axis=0) | (bq != 0)
    k_live = np.any(Wk != 0, axis=0) | (bk != 0)
    return np.nonzero(q_live & k_live)[0]


def _v_dims(Wv, bv, Wo):
    v_live = np.any(Wv != 0, axis=0) | (bv != 0)
    return np.nonzero(v_live & np.any(Wo != 0, axis=1))[0]


def _hidden_units(W1, b1, W2):
    in_live = np.any(W1 != 0, axis=0) | (b1 != 0)
    return np.nonzero(in_live & np.any(W2 != 0, axis=1))[0]


def _prune(tok, pos, layers, readout, d) -> np.ndarray:
    """The residual coordinates to keep: written by something and read by something (or read out), to a fixed
    point (dropping a coordinate can silence a head coordinate or a hidden unit, which can free others)."""
    keep = np.ones(d, dtype=bool)
    while True:
        c = np.nonzero(keep)[0]
        written = np.any(tok[:, c] != 0, axis=0) | np.any(pos[:, c] != 0, axis=0)
        read = np.zeros(len(c), dtype=bool)
        read[[int(np.searchsorted(c, r)) for r in readout if keep[r]]] = True
        for heads, bO, (W1, b1, W2, b2) in layers:
            for Wq, bq, Wk, bk, Wv, bv, Wo in heads:
                Wq_, Wk_, Wv_, Wo_ = Wq[c], Wk[c], Wv[c], Wo[:, c]
                vd = _v_dims(Wv_, bv, Wo_)
                if len(vd) == 0:
                    continue
                qk = _qk_dims(Wq_, bq, Wk_, bk)
                read |= np.any(Wq_[:, qk] != 0, axis=1) | np.any(Wk_[:, qk] != 0, axis=1)
                read |= np.any(Wv_[:, vd] != 0, axis=1)
                written |= np.any(Wo_[vd] != 0, axis=0)
            written |= bO[c] != 0
            W1_, W2_ = W1[c], W2[:, c]
            u = _hidden_units(W1_, b1, W2_)
            read |= np.any(W1_[:, u] != 0, axis=1)
            written |= np.any(W2_[u] != 0, axis=0) | (b2[c] != 0)
        new = np.zeros(d, dtype=bool)
        new[c[written & read]] = True
        for r in readout:
            new[r] = True
        if np.array_equal(new, keep):
            return keep
        keep = new


# ---------------------------------------------------------------------------------------------------------
# compiling and running tracr
def _lib_program(name: str, max_seq_len: int):
    from tracr.compiler import lib
    from tracr.rasp import rasp
    obj = getattr(lib, name, None) if not name.startswith("_") else None
    if isinstance(obj, rasp.SOp):
        return obj
    if not callable(obj) or isinstance(obj, type):
        known = sorted(k for k, v in vars(lib).items() if k.startswith("make_") and callable(v))
        raise CircuitError(f"tracr: unknown program {name!r} (a function of tracr.compiler.lib such as "
                           f"{', '.join(known[:4])}, …, or module:function)")
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        raise CircuitError(f"tracr: cannot inspect the arguments of lib.{name}") from None
    args = []
    for p in sig.parameters.values():
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name == "max_seq_len":
            args.append(("kw", p.name, max_seq_len))
        elif p.name in ("sop", "vals", "tokens") and not any(a[0] == "pos" for a in args):
            args.append(("pos", p.name, rasp.tokens))
        else:
            raise CircuitError(f"tracr: lib.{name} needs the argument {p.name!r}; only programs taking no "
                               f"argument, rasp.tokens or max_seq_len can be named (write module:function)")
    pos = [v for kind, _, v in args if kind == "pos"]
    kw = {k: v for kind, k, v in args if kind == "kw"}
    return _call_user(obj, f"lib.{name}", *pos, **kw)


def _call_user(fn, what: str, *args, **kw):
    """Call code that builds a RASP program (tracr's or the user's); its failure is bad input, said in one line."""
    try:
        return fn(*args, **kw)
    except CircuitError:
        raise
    except Exception as e:  # noqa: BLE001 - any failure of the program's own code
        raise CircuitError(f"tracr: {what} failed: {type(e).__name__}: {_one_line(e)}") from None


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def _module_program(spec: str):
    mod_name, _, fn_name = spec.partition(":")
    if not mod_name or not fn_name:
        raise CircuitError(f"tracr: expected module:function, got {spec!r}")
    try:
        mod = importlib.import_module(mod_name)
    except ImportError as e:
        raise CircuitError(f"tracr: cannot import module {mod_name!r} ({e})") from None
    fn = getattr(mod, fn_name, None)
    if not callable(fn):
        raise CircuitError(f"tracr: module {mod_name!r} has no function {fn_name!r}")
    return _call_user(fn, spec)


_COMPILED: dict = {}


def compile_program(program, vocab, max_seq_len: int):
    """Compile a RASP program with tracr. ``program`` is the name of a function of ``tracr.compiler.lib`` taking no
    argument, ``rasp.tokens`` (make_length, make_reverse, make_hist, …) or ``max_seq_len`` (make_sort_freq), a
    string ``module:function`` naming a zero-argument function that returns a RASP program, a callable of that
    kind, or a RASP program. BOS is the token ``"BOS"`` (``"compiler_bos"`` if the vocabulary holds "BOS").

    Compiling takes seconds (tracr initialises the model through jax), so a program given by name is compiled
    once per (name, vocabulary, max_seq_len) in a process and the model reused; do not modify it."""
    _require_tracr()
    from tracr.compiler import compiling
    from tracr.rasp import rasp
    if not isinstance(max_seq_len, int) or isinstance(max_seq_len, bool) or max_seq_len < 1:
        raise CircuitError(f"tracr: max_seq_len must be a positive integer, got {max_seq_len!r}")
    vocab = set(vocab)
    if not vocab:
        raise CircuitError("tracr: the vocabulary is empty")
    key = (program, frozenset(vocab), max_seq_len) if isinstance(program, str) else None
    if key is not None and key in _COMPILED:
        return _COMPILED[key]
    if isinstance(program, rasp.SOp):
        prog = program
    elif isinstance(program, str):
        prog = _module_program(program) if ":" in program else _lib_program(program, max_seq_len)
    elif callable(program):
        prog = _call_user(program, getattr(program, "__name__", "the program"))
    else:
        raise CircuitError(f"tracr: a program must be a name, module:function or a callable, got {program!r}")
    if not isinstance(prog, rasp.SOp):
        raise CircuitError(f"tracr: {program!r} did not give a RASP program (got {type(prog).__name__})")
    bos = "BOS" if "BOS" not in vocab else "compiler_bos"
    try:
        model = compiling.compile_rasp_to_model(prog, vocab=vocab, max_seq_len=max_seq_len, compiler_bos=bos)
    except Exception as e:  # noqa: BLE001 - tracr refusing (or failing on) a program is bad input
        raise CircuitError(f"tracr could not compile the program: {type(e).__name__}: {_one_line(e)}") from None
    if key is not None:
        _COMPILED[key] = model
    return model


def tracr_outputs(model, inputs) -> list[list]:
    """tracr's decoded outputs (positions 1..L, BOS excluded) for each input sequence (without BOS): the same
    forward pass and decoding as ``model.apply``, batched by length."""
    _require_tracr()
    import jax
    import jax.numpy as jnp
    enc = model.input_encoder
    forward = jax.jit(model.forward)  # the same function, compiled once per sequence length
    inputs = [list(s) for s in inputs]
    out: list = [None] * len(inputs)
    by_len: dict = {}
    for k, s in enumerate(inputs):
        by_len.setdefault(len(s), []).append(k)
    for _, ks in sorted(by_len.items()):
        try:
            batch = [enc.encode([enc.bos_token, *inputs[k]]) for k in ks]
        except ValueError as e:
            raise CircuitError(f"tracr: {str(e).splitlines()[0]}") from None
        res = forward(model.params, jnp.array(batch))
        rows = np.asarray(res.unembedded_output).tolist()
        for k, row in zip(ks, rows):
            dec = model.output_encoder.decode(row) if model.output_encoder else row
            out[k] = list(dec[1:])
    return out


# ---------------------------------------------------------------------------------------------------------
# fixed point against tracr
def full_tokens(spec: TransformerSpec, seq) -> list:
    """The full-length token sequence: fixed tokens at their positions, ``seq`` in the free positions in order."""
    seq = list(seq)
    free = spec.free_positions
    if len(seq) != len(free):
        raise CircuitError(f"transformer: expected {len(free)} free tokens, got {len(seq)}")
    out = [None] * spec.n
    for p, t in spec.fixed.items():
        out[p] = t
    for p, t in zip(free, seq):
        out[p] = t
    return out


def all_inputs(vocab, max_len: int, min_len: int = 1, limit: int = MAX_RUNS) -> list[tuple]:
    """Every sequence over ``vocab`` of length min_len..max_len (shorter first), at most ``limit`` of them."""
    vocab = list(vocab)
    total = sum(len(vocab) ** L for L in range(min_len, max_len + 1))
    if total > limit:
        raise CircuitError(f"tracr: {total:,} input sequences (|vocab| = {len(vocab)}, lengths {min_len}..{max_len})"
                           f" exceed the limit of {limit:,}; use a shorter --max-seq-len or a smaller vocabulary")
    return [s for L in range(min_len, max_len + 1) for s in itertools.product(vocab, repeat=L)]


def _raw(c: Fraction, F: int) -> int:
    return round(c * (1 << F))  # the rounding rule of spec.quantize: nearest, ties to even


def _bits(v: int) -> int:
    """Two's-complement bits needed for v."""
    return (v if v >= 0 else -v - 1).bit_length() + 1


def _constant_bits(spec: TransformerSpec, F: int) -> int:
    """Bits the raw constants of ``spec`` need at F fraction bits (what quantize checks)."""
    vals = [c for row in spec.token_embed for c in row] + [c for row in spec.pos_embed for c in row]
    for L in spec.layers:
        for h in L.heads:
            for m in (h.wq, h.wk, h.wv, [h.bq], [h.bk], [h.bv]):
                vals.extend(c for row in m for c in row)
        if L.heads:
            vals.extend(c for row in L.wo for c in row)
            vals.extend(L.bo)
        for W, b in L.mlp:
            vals.extend(c for row in W for c in row)
            vals.extend(b)
    return max((_bits(_raw(c, F)) for c in vals), default=1)


def _lin(W, b, X, F: int) -> np.ndarray:
    """``⌊W·x / 2^F⌋ + b`` for every row x of X, without wrap (int64: p ≤ 24 keeps every sum far below 2^63)."""
    W = np.asarray(W, dtype=np.int64).reshape(len(W), -1)
    return ((X @ W.T) >> F) + np.asarray(b, dtype=np.int64)


def _max_bits(a) -> int:
    a = np.asarray(a, dtype=np.int64)
    if not a.size:
        return 1
    return _bits(int(max(a.max(), -a.min() - 1)))


def _intermediate_bits(fs: FixedSpec, tokens, tok_raw: np.ndarray, pos_raw: np.ndarray) -> tuple[int, list]:
    """The residual after the last layer of the exact reference, and the two's-complement bits its largest
    intermediate needs before any wrap (every embedding sum, query/key/value, output map, MLP unit and residual
    sum). ``tok_raw``, ``pos_raw``: the raw embedding tables (int64) before they are added and wrapped.

    The reference runs at ``fs.precision`` with ``trace=True``; each value it wraps is recomputed from the traced
    inputs of its step without the wrap. A count above ``fs.precision`` means the reference wrapped there."""
    spec, F = fs.spec, fs.frac
    x_out, log = reference(fs, tokens, trace=True)
    idx = {t: k for k, t in enumerate(spec.vocab)}
    need = _max_bits(tok_raw[[idx[t] for t in tokens]] + pos_raw[:len(tokens)])
    x = np.array(log["embed"], dtype=np.int64)
    for L, entry in zip(fs.layers, log["layers"]):
        if L.heads:
            for h, he in zip(L.heads, entry["heads"]):
                for W, b in ((h.wq, h.bq), (h.wk, h.bk), (h.wv, h.bv)):
                    need = max(need, _max_bits(_lin(W, b, x, F)))
            outs = np.concatenate([np.array(he["out"], dtype=np.int64) for he in entry["heads"]], axis=1)
            a = _lin(L.wo, L.bo, outs, F)
            need = max(need, _max_bits(a), _max_bits(x + a))
            x = np.array(entry["after_attention"], dtype=np.int64)
        if L.mlp:
            y = x
            for m, (W, b) in enumerate(L.mlp):
                y = _lin(W, b, y, F)
                need = max(need, _max_bits(y))
                if m < len(L.mlp) - 1:
                    y = np.maximum(y, 0)
            need = max(need, _max_bits(x + y))
            x = np.array(entry["after_mlp"], dtype=np.int64)
    return need, x_out


def _decode_positions(spec: TransformerSpec, decoder: TracrDecoder, x, F: int) -> list:
    return [decoder([x[i][c] for c in spec.readout], F) for i in spec.free_positions]


def required_precision(spec: TransformerSpec, inputs, expected, decoder: TracrDecoder, *, precision=None,
                       frac=None, tolerance=DEFAULT_TOLERANCE, max_frac: int | None = None) -> tuple[int, int]:
    """The smallest ``(precision, frac)`` at which the exact fixed-point reference (:func:`~.spec.quantize` +
    :func:`~.reference.reference`, decoded) gives ``expected[k]`` on ``inputs[k]`` for every k, with no constant
    out of range and no intermediate wrapped.

    ``inputs`` are token sequences without the fixed BOS, of any lengths up to ``spec.n − 1`` (each is run on
    ``spec.with_n``); ``expected`` are tracr's outputs for them (:func:`tracr_outputs`). F is searched upward from
    0 (or taken from ``frac``); for each F the precision is the smallest that holds every constant and every
    intermediate (or ``precision``, which must then hold them). With ``frac`` given, agreement is not required
    (the caller reports it); otherwise an F where the reference disagrees is skipped. Raises CircuitError when no
    F up to ``max_frac`` (default: while p ≤ MAX_PRECISION) works."""
    inputs = [list(s) for s in inputs]
    expected = [list(e) for e in expected]
    if len(inputs) != len(expected):
        raise CircuitError("required_precision: inputs and expected outputs differ in number")
    if not inputs:
        raise CircuitError("required_precision: no inputs to check")
    if precision is not None and (not isinstance(precision, int) or not 2 <= precision <= MAX_PRECISION):
        raise CircuitError(f"transformer: precision must be an integer in 2..{MAX_PRECISION}, got {precision!r}")
    specs = {}
    for s in inputs:
        L = len(s) + len(spec.fixed)
        if L > spec.n:
            raise CircuitError(f"required_precision: input of length {len(s)} is longer than the model's "
                               f"{spec.n - len(spec.fixed)} free positions")
        if L not in specs:
            specs[L] = spec.with_n(L)
    if frac is not None:
        fracs = [frac]
    else:
        top = (precision - 1) if precision is not None else MAX_PRECISION - 1
        fracs = range(0, (top if max_frac is None else min(top, max_frac)) + 1)
    reasons = []
    for F in fracs:
        p_const = max(_constant_bits(spec, F), F + 1, 2)
        if p_const > MAX_PRECISION or (precision is not None and p_const > precision):
            reasons.append(f"F = {F}: constants need {p_const} bits")
            break
        p_try = precision if precision is not None else MAX_PRECISION
        fixed = {L: quantize(sp, p_try, F) for L, sp in specs.items()}
        tok_raw = np.array([[_raw(c, F) for c in row] for row in spec.token_embed], dtype=np.int64)
        pos_raw = np.array([[_raw(c, F) for c in row] for row in spec.pos_embed], dtype=np.int64)
        need, ok = p_const, True
        for s, e in zip(inputs, expected):
            fs = fixed[len(s) + len(spec.fixed)]
            bits, x = _intermediate_bits(fs, full_tokens(fs.spec, s), tok_raw, pos_raw)
            need = max(need, bits)
            if need > p_try:
                reasons.append(f"F = {F}: an intermediate needs {bits} bits (more than {p_try})")
                ok = False
                break
            if frac is None and not outputs_agree(decoder, _decode_positions(fs.spec, decoder, x, F), e, tolerance):
                reasons.append(f"F = {F}: disagrees with tracr on {s}")
                ok = False
                break
        if ok:
            return (precision if precision is not None else need), F
    why = "; ".join(reasons[-2:]) if reasons else "no fraction bits to try"
    raise CircuitError(f"tracr: no precision up to {MAX_PRECISION} bits makes the fixed-point model agree with "
                       f"tracr without overflow ({why})")


# ---------------------------------------------------------------------------------------------------------
# the whole check: tracr model → circuits → every input
def check_model(model, *, precision=None, frac=None, tolerance=DEFAULT_TOLERANCE, max_method: str = "bits",
                limit: int = MAX_RUNS) -> dict:
    """Run every input sequence of every length 1..max_seq_len through the circuits of a compiled tracr model and
    compare the decoded outputs with tracr's.

    The spec comes from :func:`from_tracr`; the precision from :func:`required_precision` on all those inputs
    (``precision``/``frac`` given are taken as they are). One circuit is built per length L (n = L + 1 positions
    with BOS) by :func:`~.build.build_circuit` and evaluated by :func:`~.build.run_circuit_batch`. Returns a dict:
    ``size``, ``depth`` (largest length), ``basis``, ``precision``, ``frac``, ``circuits`` (per length),
    ``inputs_checked``, ``agrees_with_tracr``, ``disagreements``, ``categorical``, ``tolerance`` (numerical
    outputs) and ``runs`` = [{"input", "output"}] (decoded circuit outputs without the BOS position; a run that
    disagrees also has ``"tracr"``)."""
    spec, decoder = from_tracr(model)
    bos = spec.fixed[0]
    vocab = [t for t in spec.vocab if t != bos]
    max_len = spec.n - 1
    inputs = all_inputs(vocab, max_len, limit=limit)
    expected = tracr_outputs(model, inputs)
    if precision is None or frac is None:
        precision, frac = required_precision(spec, inputs, expected, decoder, precision=precision, frac=frac,
                                             tolerance=tolerance)
    runs, circuits, bad = [], [], 0
    size = depth = 0
    for L in range(1, max_len + 1):
        fs = quantize(spec.with_n(L + 1), precision, frac)
        circuit = build_circuit(fs, max_method=max_method)
        size, depth = circuit.size(), circuit.depth()
        circuits.append({"length": L, "n": L + 1, "size": size, "depth": depth})
        ks = [k for k, s in enumerate(inputs) if len(s) == L]
        raw = run_circuit_batch(fs, circuit, [full_tokens(fs.spec, inputs[k]) for k in ks])
        for k, rows in zip(ks, raw):
            out = [decoder([rows[i][c] for c in range(len(spec.readout))], frac) for i in fs.spec.free_positions]
            run = {"input": [_jsonable(t) for t in inputs[k]], "output": [_jsonable(v) for v in out]}
            if not outputs_agree(decoder, out, expected[k], tolerance):
                bad += 1
                run["tracr"] = [_jsonable(v) for v in expected[k]]
            runs.append(run)
    result = {"size": size, "depth": depth, "basis": "threshold", "precision": precision, "frac": frac,
              "circuits": circuits, "inputs_checked": len(runs), "agrees_with_tracr": bad == 0,
              "disagreements": bad, "categorical": decoder.categorical, "runs": runs}
    if not decoder.categorical:
        result["tolerance"] = float(tolerance)
    return result
