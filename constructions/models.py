"""One entry point for every model the library builds: ``build_model(name, ...)`` → ``Circuit``.

Names: the LRNN families (``diagonal``, ``pd``, ``dplr``, ``dense``), ``rnn`` (the nonlinear RNN), ``parity``,
the stand-alone bit-level blocks (``adder``, ``multiplier``, ``comparator``, ``iterated-add``) and the named
architectures registered in ``constructions.presets``. The CLI's ``--model`` options map onto the keyword
arguments here.

Bit level: every model whose circuit is arithmetic (the LRNN families and the linear presets) takes
``basis="boolean"|"threshold"`` with ``precision`` (and ``number``, ``adder``, ``multiplier``); the circuit is
then ``constructions.lowering.lower`` of the arithmetic one. Its size is guarded by an upper bound: the
arithmetic circuit's gates by op, times the gates of one lowered gate of that op at that precision
(:func:`op_costs`).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace

import numpy as np

from circuits import Circuit, CircuitError
from circuits.errors import InternalError

from .common import random_onehot_columns
from .lrnn import FAMILIES, build_lrnn
from .rnn import build_rnn
from .scans import SCHEDULES


def _presets() -> dict:
    try:
        from .presets import PRESETS
    except ImportError:  # presets not available
        return {}
    return PRESETS


BOOLEAN_MODELS = ("parity",)

#: stand-alone bit-level blocks and the options each takes (``precision`` is required by all)
BLOCK_MODELS = {
    "adder": {"precision", "adder", "basis"},
    "multiplier": {"precision", "multiplier", "adder", "basis"},
    "comparator": {"precision", "op", "signed", "basis"},
    "iterated-add": {"precision", "m", "basis"},
}
#: the options of a lowering to bits (arithmetic models only)
LOWER_OPTIONS = ("basis", "precision", "number", "adder", "multiplier")
MODEL_BASES = ("arithmetic", "boolean", "threshold")
#: comparator operations: names usable on a command line, and the symbols of ``constructions.bits.COMPARISONS``
COMPARATOR_OPS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}


#: the transformer (``constructions.transformer``, random nonzero weights) and its options
TRANSFORMER_OPTIONS = {"layers", "heads", "causal", "precision", "frac", "basis", "seed"}
TRANSFORMER_BASES = ("threshold", "boolean")


def model_names() -> list[str]:
    return list(FAMILIES) + ["rnn", "transformer"] + list(BOOLEAN_MODELS) + list(BLOCK_MODELS) + \
        [p for p in _presets() if p not in FAMILIES and p != "rnn"]


#: what each built-in model is, one line each (``lrnn-circuits models``); the named architectures describe
#: themselves from their ``constructions.presets`` entry (:func:`model_description`)
MODEL_DESCRIPTIONS = {
    "diagonal": "LRNN family, diagonal transitions: h_t = a_t ⊙ h_{t-1} + b_t",
    "pd": "LRNN family, permutation-diagonal transitions A_t = P_t diag(D_t) (NC¹-complete)",
    "dplr": "LRNN family, diagonal-plus-low-rank transitions A_t = diag(D_t) + U_t V_tᵀ (PNC¹-complete)",
    "dense": "LRNN family, dense d×d transitions: h_t = A_t h_{t-1} + b_t",
    "rnn": "nonlinear RNN h_t = σ(W h_{t-1} + U x_t + c), σ = relu or step: a chain of n steps",
    "transformer": "transformer layers at p-bit fixed point (random nonzero weights) as a threshold circuit",
    "parity": "prefix parity y_t = x_0 ⊕ … ⊕ x_t: fan-in-2 XOR gates along a prefix schedule",
    "adder": "p-bit adder (boolean): ripple carry or a parallel-prefix carry",
    "multiplier": "p-bit multiplier (boolean): partial products, a Dadda, Wallace or array reduction, an adder",
    "comparator": "p-bit comparison of two numbers (boolean): lt, le, gt, ge, eq or ne",
    "iterated-add": "the sum of m p-bit numbers: a depth-2 threshold circuit, or its boolean lowering",
}


def model_description(name: str) -> str:
    """One line: what the model ``name`` is. Named architectures: family, the recurrence as built (up to its
    first annotation) and the first author and year of the source."""
    if name in MODEL_DESCRIPTIONS:
        return MODEL_DESCRIPTIONS[name]
    p = _presets().get(name)
    if p is None:
        raise SpecError("model", f"unknown model {name!r}; choose one of {', '.join(model_names())}")
    family = p.family.upper() if p.family in ("pd", "dplr") else p.family
    what = f"{family} LRNN" if p.linear else "nonlinear chain"
    rec = p.recurrence.split("  ")[0].rstrip(",; ")
    return f"{what}: {rec} ({_first_author(p.source)})"


def _first_author(source: str) -> str:
    """'Gu, Gupta, Goel, Ré 2022, On the …' → 'Gu et al. 2022'; 'Gu & Dao 2023, …' stays 'Gu & Dao 2023'."""
    m = re.match(r"(.*?)\s(\d{4})\b", source)
    if m is None:
        return source.split(",")[0]
    authors = m.group(1).split(",")
    return f"{authors[0]} et al. {m.group(2)}" if len(authors) > 1 else f"{m.group(1)} {m.group(2)}"


def model_options(name: str) -> list[str]:
    """The options that apply to ``name``, in the order of :class:`ModelSpec` (``n`` and ``d`` first where they
    apply; a named architecture's own options after)."""
    kind, opts = applicable(name)
    order = [f for f in ModelSpec.__dataclass_fields__ if f not in ("name", "kind", "options")]
    if kind == "block":
        order = [f for f in order if f not in ("n", "d")]
    elif kind == "boolean":
        order = [f for f in order if f != "d"]
    opts = set(opts) | ({"n", "d"} & set(order))
    return [f for f in order if f in opts] + sorted(opts - set(order))


def build_parity(n: int, scan: str = "brent-kung", final_only: bool = False) -> Circuit:
    """Prefix parity of n bits, y_t = x_0 ⊕ … ⊕ x_t, as a boolean circuit of fan-in-2 XOR gates: the LRNN
    h_t = h_{t−1} ⊕ x_t over GF(2) run through a prefix schedule (``final_only``: the balanced reduction,
    output ``y[n-1]`` only). Its size and depth are the schedule's."""
    from .scans import run, schedule

    c = Circuit("boolean")
    x = c.input("x", (n,))
    sched = schedule("reduce" if final_only else scan, n)
    y = run(sched, np.asarray(x), lambda later, earlier: c.xor(later, earlier))
    if final_only:
        c.output(f"y[{n - 1}]", y[-1])
    else:
        c.output("y", y)
    return c


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
        p["P"] = random_onehot_columns(rng, s, d)
        p["D"] = rng.integers(-2, 3, (s, d))
    else:
        p["D"] = rng.integers(-2, 3, (s, d))
        p["U"] = rng.integers(-2, 3, (s, d, rank))
        p["V"] = rng.integers(-2, 3, (s, d, rank))
    return p


MAX_N = 2**62  # beyond this the closed forms' integers stop meaning anything on a machine
MAX_D = 2**20


class SpecError(CircuitError):
    """A model option that is missing, out of range, or does not apply; ``option`` names it."""

    def __init__(self, option: str, reason: str):
        super().__init__(f"{option}: {reason}")
        self.option = option
        self.reason = reason


@dataclass(frozen=True)
class ModelSpec:
    """One validated model request: which circuit, and every option that applies to it (others are None)."""

    name: str
    n: int
    d: int
    kind: str  # "lrnn" (a family), "rnn", "boolean", "block", "preset"
    scan: str | None = None
    final_only: bool = False
    rank: int | None = None
    mode: str | None = None
    alphabet: int | None = None
    seed: int | None = None
    m: int | None = None
    hidden: int | None = None
    act: str | None = None
    options: tuple = ()  # preset options given, as sorted (name, value) pairs
    basis: str | None = None  # None: the model's own basis (arithmetic for LRNNs); else the lowering's
    precision: int | None = None
    number: str | None = None
    adder: str | None = None
    multiplier: str | None = None
    op: str | None = None  # comparator: one of constructions.bits.COMPARISONS
    signed: bool | None = None  # comparator
    layers: int | None = None  # transformer
    heads: int | None = None  # transformer
    causal: bool | None = None  # transformer
    frac: int | None = None  # transformer: fraction bits F of its fixed point

    @property
    def lowered(self) -> bool:
        """An arithmetic model lowered to bits."""
        return self.basis is not None and self.kind in ("lrnn", "preset")

    def arithmetic(self) -> "ModelSpec":
        """The spec of the arithmetic circuit a lowered spec lowers."""
        return replace(self, basis=None, precision=None, number=None, adder=None, multiplier=None)

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if v is not None and k not in ("options", "kind")}
        if self.kind in ("boolean", "block"):
            out.pop("d")
        if self.kind == "block":
            out.pop("n")
            out.pop("final_only")
        out.update(dict(self.options))
        return out


def _positive(option: str, v, lo: int = 1, hi: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise SpecError(option, f"must be an integer, got {v!r}")
    v = int(v)
    if v < lo:
        raise SpecError(option, f"must be >= {lo}, got {v}")
    if hi is not None and v > hi:
        raise SpecError(option, f"must be <= {hi:,}, got {v:,}")
    return v


def applicable(name: str) -> tuple[str, set[str]]:
    """(kind, the options that apply) for a model name."""
    if name in FAMILIES:
        opts = {"scan", "final_only", "mode", "alphabet", "seed"} | ({"rank"} if name == "dplr" else set())
        return "lrnn", opts | set(LOWER_OPTIONS)
    if name == "rnn":
        return "rnn", {"m", "hidden", "act"}
    if name == "transformer":
        return "transformer", set(TRANSFORMER_OPTIONS)
    if name in BOOLEAN_MODELS:
        return "boolean", {"scan", "final_only"}
    if name in BLOCK_MODELS:
        return "block", set(BLOCK_MODELS[name])
    p = _presets().get(name)
    if p is None:
        raise SpecError("model", f"unknown model {name!r}; choose one of {', '.join(model_names())}")
    opts = {"final_only"} | set(p.options)
    if p.linear:
        opts.add("scan")
        opts.update(LOWER_OPTIONS)
    if p.rank_option is not None:
        opts.add("rank")
    return "preset", opts


def _nonlinear(name: str, kind: str) -> bool:
    return kind == "rnn" or (kind == "preset" and not _presets()[name].linear)


def _lowering_options(name: str, given: dict) -> dict:
    """The validated lowering options of an arithmetic model ({} for its arithmetic circuit)."""
    from circuits.numbers import MAX_PRECISION, parse_number

    from .bits import ADDERS, MULTIPLIERS
    basis = given.get("basis", "arithmetic")
    if basis not in MODEL_BASES:
        raise SpecError("basis", f"unknown basis {basis!r}; choose one of {', '.join(MODEL_BASES)}")
    if basis == "arithmetic":
        for k in LOWER_OPTIONS[1:]:
            if k in given:
                raise SpecError(k, "applies to basis boolean or threshold only (the arithmetic circuit has no "
                                   "precision)")
        return {}
    if "precision" not in given:
        raise SpecError("precision", f"is required for basis {basis}")
    p = _positive("precision", given["precision"], 2, MAX_PRECISION)
    number = given.get("number", "wrap")
    try:
        parse_number(number, p)
    except CircuitError as e:
        raise SpecError("number", str(e)) from None
    kw = {"basis": basis, "precision": p, "number": number}
    if basis == "threshold":
        for k in ("adder", "multiplier"):
            if k in given:
                raise SpecError(k, "applies to basis boolean only (the threshold lowering has no adder choice)")
        return kw
    kw["adder"] = _choice("adder", given.get("adder", "sklansky"), ADDERS)
    kw["multiplier"] = _choice("multiplier", given.get("multiplier", "dadda"), MULTIPLIERS)
    return kw


def _choice(option: str, v, choices) -> str:
    if v not in choices:
        raise SpecError(option, f"unknown {option} {v!r}; choose one of {', '.join(choices)}")
    return v


#: iterated addition with exponential weights keeps m·(2^p − 1) below the IR's int64 weights
_ITERATED_ADD_WEIGHTS = 1 << 62


def _block_spec(name: str, given: dict) -> dict:
    """The validated options of a stand-alone block (``precision`` required)."""
    from circuits.numbers import MAX_PRECISION

    from .bits import ADDERS, MULTIPLIERS
    if "precision" not in given:
        raise SpecError("precision", f"is required for model {name!r}")
    p = _positive("precision", given["precision"], 1, MAX_PRECISION)
    kw: dict = {"precision": p}
    if name == "iterated-add":
        basis = given.get("basis", "threshold")
        if basis not in ("threshold", "boolean"):
            raise SpecError("basis", f"model 'iterated-add' is built over basis threshold or boolean, not {basis!r}")
        if "m" not in given:
            raise SpecError("m", "is required for model 'iterated-add' (how many numbers to add)")
        m = _positive("m", given["m"], 1, MAX_D)
        if m * ((1 << p) - 1) >= _ITERATED_ADD_WEIGHTS:
            raise SpecError("precision", f"m·(2^p − 1) must stay below 2^62 (the IR's int64 threshold weights); "
                                         f"got m = {m:,}, p = {p:,}")
        kw.update(basis=basis, m=m)
        return kw
    basis = given.get("basis", "boolean")
    if basis != "boolean":
        raise SpecError("basis", f"model {name!r} is a boolean circuit; basis {basis!r} does not apply")
    kw["basis"] = "boolean"
    if name in ("adder", "multiplier"):
        kw["adder"] = _choice("adder", given.get("adder", "sklansky"), ADDERS)
    if name == "multiplier":
        kw["multiplier"] = _choice("multiplier", given.get("multiplier", "dadda"), MULTIPLIERS)
    if name == "comparator":
        op = given.get("op", "lt")
        op = COMPARATOR_OPS.get(op, op)
        if op not in COMPARATOR_OPS.values():
            raise SpecError("op", f"unknown comparison {given.get('op')!r}; choose one of "
                                  f"{', '.join(COMPARATOR_OPS)}")
        kw.update(op=op, signed=bool(given.get("signed", False)))
    return kw


def make_spec(name: str, n: int | None = None, d: int | None = None, **given) -> ModelSpec:
    """Validate a model request once. ``given`` holds only the options the caller set (None = not set); an
    option that does not apply to the model is refused, not ignored. ``n`` defaults to 8 and ``d`` to 2 where
    they apply (stand-alone blocks take neither)."""
    given = {k: v for k, v in given.items() if v is not None and v is not False}
    kind, opts = applicable(name)
    if _nonlinear(name, kind):
        bad = [k for k in LOWER_OPTIONS if k in given]
        if bad:
            raise SpecError(bad[0], f"model {name!r} is nonlinear and cannot be lowered to bits (only circuits "
                                    f"of add, sub, mul and neg gates can)")
    if kind == "block":
        for k, v in (("n", n), ("d", d)):
            if v is not None:
                raise SpecError(k, f"does not apply to model {name!r} (its options: {', '.join(sorted(opts))})")
        extra = sorted(set(given) - opts)
        if extra:
            raise SpecError(extra[0], f"does not apply to model {name!r} (its options: {', '.join(sorted(opts))})")
        return ModelSpec(name=name, n=1, d=1, kind=kind, **_block_spec(name, given))
    n = _positive("n", 8 if n is None else n, 1, MAX_N)
    if kind == "boolean":
        if d is not None:
            raise SpecError("d", f"does not apply to model {name!r} (its options: {', '.join(sorted(opts))})")
        d = 1
    else:
        d = _positive("d", 2 if d is None else d, 1, MAX_D)
    extra = sorted(set(given) - opts)
    if extra:
        raise SpecError(extra[0], f"does not apply to model {name!r} (its options: "
                                  f"{', '.join(sorted(opts)) or 'none'})")
    kw: dict = {"name": name, "n": n, "d": d, "kind": kind, "final_only": bool(given.get("final_only", False))}
    if "scan" in opts:
        scan = given.get("scan", "brent-kung")
        if scan not in SCHEDULES:
            raise SpecError("scan", f"unknown scan {scan!r}; choose one of {', '.join(SCHEDULES)}")
        kw["scan"] = scan
    if kind == "lrnn":
        mode = given.get("mode", "free")
        if mode not in ("free", "token"):
            raise SpecError("mode", f"unknown mode {mode!r}; choose free or token")
        kw["mode"] = mode
        for k in ("alphabet", "seed"):
            if k in given and mode != "token":
                raise SpecError(k, "applies to mode token only")
        if mode == "token":
            kw["alphabet"] = _positive("alphabet", given.get("alphabet", 2), 1, 1 << 20)
            kw["seed"] = _positive("seed", given.get("seed", 0), 0)
        if name == "dplr":
            kw["rank"] = _positive("rank", given.get("rank", 1), 1, d)
    elif kind == "transformer":
        kw.update(_transformer_options(given))
    elif kind == "rnn":
        kw["m"] = _positive("m", given.get("m", 1), 1, MAX_D)
        if "hidden" in given:
            kw["hidden"] = _positive("hidden", given["hidden"], 1, MAX_D)
        act = given.get("act", "relu")
        if act not in ("relu", "step"):
            raise SpecError("act", f"unknown activation {act!r}; choose relu or step")
        kw["act"] = act
    elif kind == "preset":
        p = _presets()[name]
        if "rank" in given:
            kw["rank"] = _positive("rank", given["rank"], 1, MAX_D)
        popts = {k: v for k, v in given.items() if k in p.options}
        for k, v in popts.items():
            if isinstance(p.options[k], int) and not isinstance(p.options[k], bool):
                popts[k] = _positive(k, v, 1, MAX_D)
        try:
            p._opts(kw.get("rank"), **popts)
        except CircuitError as e:
            raise SpecError("rank" if "rank" in str(e) else sorted(popts)[0] if popts else "model",
                            str(e).split(": ", 1)[-1]) from None
        kw["options"] = tuple(sorted(popts.items()))
    if kind in ("lrnn", "preset"):
        kw.update(_lowering_options(name, given))
    return ModelSpec(**kw)


def _transformer_options(given: dict) -> dict:
    from .transformer import MAX_PRECISION
    basis = given.get("basis", "threshold")
    if basis not in TRANSFORMER_BASES:
        raise SpecError("basis", f"the transformer is built as a threshold circuit, or lowered to boolean; "
                                 f"choose one of {', '.join(TRANSFORMER_BASES)}, not {basis!r}")
    p = _positive("precision", given.get("precision", 8), 2, MAX_PRECISION)
    frac = _positive("frac", given.get("frac", p // 4), 0, p - 1)
    return {"basis": basis, "precision": p, "frac": frac,
            "layers": _positive("layers", given.get("layers", 1), 1, 64),
            "heads": _positive("heads", given.get("heads", 1), 1, 64),
            "causal": bool(given.get("causal", False)), "seed": _positive("seed", given.get("seed", 0), 0)}


def _transformer_kw(spec: ModelSpec) -> dict:
    return dict(d=spec.d, precision=spec.precision, frac=spec.frac, layers=spec.layers, heads=spec.heads,
                causal=spec.causal, seed=spec.seed)


def build_transformer(spec: ModelSpec) -> Circuit:
    """The transformer of ``constructions.transformer.forms.model`` (random nonzero weights) as a threshold
    circuit with the structure that does not depend on n (``narrow=False``), or its fan-in-2 boolean version."""
    from .transformer import build_circuit
    from .transformer.forms import model
    c = build_circuit(model(spec.n, **_transformer_kw(spec)), narrow=False)
    if spec.basis == "boolean":
        from .threshold.to_boolean import threshold_to_boolean
        c = threshold_to_boolean(c)
    return c


def build(spec: ModelSpec) -> Circuit:
    """The circuit of a validated spec."""
    if spec.kind == "transformer":
        return build_transformer(spec)
    if spec.lowered:
        from .lowering import lower
        return lower(_arithmetic_circuit(spec.arithmetic()), spec.basis, spec.precision, spec.number,
                     **_block_kw(spec))
    if spec.kind == "block":
        return build_block(spec)
    return _build_arithmetic(spec)


def _block_kw(spec: ModelSpec) -> dict:
    return {"adder": spec.adder, "multiplier": spec.multiplier} if spec.basis == "boolean" else {}


_LAST_ARITHMETIC: dict = {}


def _arithmetic_circuit(spec: ModelSpec) -> Circuit:
    """``build(spec)`` of an arithmetic spec, kept for the next call (the size guard of a lowered model builds
    the arithmetic circuit to count its ops, and the lowering needs it again)."""
    c = _LAST_ARITHMETIC.get(spec)
    if c is None:
        c = _build_arithmetic(spec)
        _LAST_ARITHMETIC.clear()
        _LAST_ARITHMETIC[spec] = c
    return c


def build_block(spec: ModelSpec) -> Circuit:
    """A stand-alone block: ``adder``, ``multiplier``, ``comparator`` (boolean, from ``constructions.bits``)
    or ``iterated-add`` (threshold, from ``constructions.threshold``; boolean through ``threshold_to_boolean``)."""
    from . import bits
    p = spec.precision
    if spec.name == "adder":
        return bits.adder_circuit(p, spec.adder)
    if spec.name == "multiplier":
        return bits.multiplier_circuit(p, spec.multiplier, spec.adder, "full")
    if spec.name == "comparator":
        return bits.comparator_circuit(p, spec.op, bool(spec.signed))
    from .threshold import build_iterated_add
    c = build_iterated_add(spec.m, p)
    if spec.basis == "boolean":
        from .threshold.to_boolean import threshold_to_boolean
        c = threshold_to_boolean(c)
    return c


def _build_arithmetic(spec: ModelSpec) -> Circuit:
    name, n, d = spec.name, spec.n, spec.d
    if spec.kind == "lrnn":
        if spec.mode == "token":
            return build_lrnn(name, n, d, scan=spec.scan, final_only=spec.final_only, mode="token",
                              tokens=example_tokens(name, d, spec.alphabet, spec.rank or 1, spec.seed),
                              readout=np.ones(d, dtype=int))
        return build_lrnn(name, n, d, scan=spec.scan, rank=spec.rank or 1, final_only=spec.final_only)
    if spec.kind == "rnn":
        return build_rnn(n, d, m=spec.m, act=spec.act, hidden=spec.hidden)
    if spec.kind == "boolean":
        return build_parity(n, spec.scan, spec.final_only)
    p = _presets()[name]
    return p.build(n=n, d=d, rank=spec.rank, scan=spec.scan or "brent-kung", final_only=spec.final_only,
                   **dict(spec.options))


def build_model(name: str, n: int = 8, d: int | None = None, **given) -> Circuit:
    """``build(make_spec(name, n, d, **given))``."""
    return build(make_spec(name, n, d, **given))


def _pow2_bounds(n: int) -> tuple[int, int]:
    lo = 1 << (n.bit_length() - 1)
    return lo, (lo if lo == n else lo << 1)


SCHEDULE_EXACT_N = 1 << 22  # up to here the schedule is built and counted; beyond, closed forms at n = 2^k


def predict(spec: ModelSpec) -> dict:
    """Size and depth without building the circuit.

    ``{"size", "depth", "exact", "how"}``. Exact for the free-mode LRNN families (closed forms of
    ``constructions.lrnn_bounds`` with the schedule counted, or the n = 2^k closed forms; for other n above
    :data:`SCHEDULE_EXACT_N`, the values at the neighbouring powers of two bound them: ``size``/``depth`` are
    then the upper bounds and ``size_low``/``depth_low`` the lower) and the RNN; an estimate elsewhere (token
    mode: the free-mode circuit, which has at least as many gates before constant folding; presets: the
    family's scan plus a per-step cost measured at n = 4 and n = 8; DPLR beyond the exact range: the dense
    family's size, which bounds it).
    """
    from .lrnn_bounds import LOG_FAMILIES, closed_form, dplr_cost, exact_depth, exact_size
    from .rnn import rnn_depth, rnn_size

    if spec.lowered:
        return _predict_lowered(spec)
    if spec.kind == "block":
        return _predict_block(spec)
    if spec.kind == "transformer":
        return _predict_transformer(spec)
    n, d = spec.n, spec.d
    if spec.kind == "rnn":
        return {"size": rnn_size(n, d, spec.m, spec.hidden), "depth": rnn_depth(n, d, spec.m, spec.hidden),
                "exact": True, "how": "closed form"}
    if spec.kind == "boolean":
        from .scans import closed_form as scan_closed_form
        from .scans import schedule
        sc = "reduce" if spec.final_only else spec.scan
        if n <= SCHEDULE_EXACT_N:
            s_ = schedule(sc, n)
            return {"size": s_.size, "depth": s_.depth, "exact": True, "how": "the schedule, counted"}
        size_f, depth_f = scan_closed_form(sc)
        lo, hi = _pow2_bounds(n)
        out = {"size": int(size_f.subs(n_sym_(), hi)), "depth": int(depth_f.subs(n_sym_(), hi)),
               "exact": lo == hi, "how": "schedule closed form at n = 2^k" if lo == hi else
               f"schedule closed forms at n = {lo:,} and {hi:,} (bounds)"}
        if lo != hi:
            out.update({"size_low": int(size_f.subs(n_sym_(), lo)), "depth_low": int(depth_f.subs(n_sym_(), lo))})
        return out
    if spec.kind == "preset":
        p = _presets()[spec.name]
        pre = {k: build(replace(spec, n=k)) for k in (4, 8)}
        if p.linear:
            rank = int(dict(spec.options).get(p.rank_option, spec.rank or p.options.get(p.rank_option, 1))) \
                if p.rank_option else 1
            fam_spec = ModelSpec(p.family, n, d, "lrnn", scan=spec.scan or "brent-kung",
                                 final_only=spec.final_only, mode="free", rank=rank if p.family == "dplr" else None)
            fam = {k: predict(replace(fam_spec, n=k)) for k in (4, 8, n)}
        else:
            fam = {k: {"size": 0, "depth": 0} for k in (4, 8, n)}
        extra = {k: (pre[k].size() - fam[k]["size"], pre[k].depth() - fam[k]["depth"]) for k in (4, 8)}
        per_size = max(0, (extra[8][0] - extra[4][0]) // 4)
        per_depth = max(0, (extra[8][1] - extra[4][1]) // 4)
        size = fam[n]["size"] + max(0, extra[4][0] - 4 * per_size) + n * per_size
        depth = fam[n]["depth"] + max(0, extra[4][1] - 4 * per_depth) + n * per_depth
        what = f"the {p.family} scan plus " if p.linear else ""
        return {"size": size, "depth": depth, "exact": False,
                "how": f"estimate: {what}{per_size} gates per step, measured at n = 4 and 8"}
    scan = "reduce" if spec.final_only else spec.scan
    exact = spec.mode == "free"
    how = "closed form" if exact else "estimate: the free-mode circuit"
    if spec.name == "dplr":
        if n <= SCHEDULE_EXACT_N:
            size, depth = dplr_cost(n, d, spec.rank or 1, scan)
            return {"size": size, "depth": depth, "exact": exact,
                    "how": "per-combine cost sum over the schedule" if exact else how}
        dense = predict(replace(spec, name="dense", rank=None, mode="free"))
        return {"size": dense["size"], "depth": dense["depth"], "exact": False,
                "how": "estimate: the dense family's closed form, which bounds DPLR"}
    if spec.name not in LOG_FAMILIES:  # pragma: no cover - every family is handled above
        raise SpecError("model", f"no closed form for {spec.name!r}")
    if n <= SCHEDULE_EXACT_N:
        return {"size": exact_size(spec.name, scan, n, d), "depth": exact_depth(spec.name, scan, n, d),
                "exact": exact, "how": how + (" (schedule counted)" if exact else "")}
    size_f, depth_f = closed_form(spec.name, scan)
    lo, hi = _pow2_bounds(n)
    vals = {}
    for k in {lo, hi}:
        vals[k] = (_at_pow2(size_f, k, d), _at_pow2(depth_f, k, d))
    out = {"size": vals[hi][0], "depth": vals[hi][1], "exact": exact and lo == hi,
           "how": how + (" at n = 2^k" if lo == hi else f" at n = {lo:,} and {hi:,} (bounds)")}
    if lo != hi:
        out.update({"size_low": vals[lo][0], "depth_low": vals[lo][1]})
    return out


#: up to this many arithmetic gates, a lowered model's guard builds the arithmetic circuit to count its ops
OPS_COUNT_BUILD = 1 << 20
#: boolean multipliers up to this width are built to measure them; wider ones are bounded (10·q² + adder)
MUL_BUILD_MAX = 32


def _one_op(op: str) -> Circuit:
    c = Circuit("arithmetic", fold=False)
    x, y = c.input("x"), c.input("y")
    c.output("z", c.neg(x) if op == "neg" else getattr(c, op)(x, y))
    return c


def _measure(c: Circuit) -> dict:
    return {"size": c.size(), "depth": c.depth(), "fanin": int(len(c.wide_table()[1]))}


_OP_COSTS: dict = {}


def op_costs(basis: str, precision: int, number: str = "wrap", adder: str | None = None,
             multiplier: str | None = None) -> dict:
    """Gates, depth and wide fan-in (arguments of threshold and n-ary gates) of **one** arithmetic gate of each
    op lowered by ``constructions.lowering.lower`` with these options: ``{op: {"size", "depth", "fanin",
    "exact"}}``. Measured on a one-gate circuit; a boolean ``mul`` wider than :data:`MUL_BUILD_MAX` bits
    (q = precision + fraction bits) is bounded instead by ``10·q² + (a lowered add at 2q bits)`` — q² partial
    products, at most q² full adders (5 gates; each removes one bit) and 2q² half adders (2 gates; at most one
    per column of 2q per stage, at most q stages) — with no depth (``None``). Cached."""
    from circuits.numbers import parse_number

    from .lowering import lower
    key = (basis, precision, number, adder, multiplier)
    if key in _OP_COSTS:
        return _OP_COSTS[key]
    kw = {"adder": adder, "multiplier": multiplier} if basis == "boolean" else {}
    q = precision + parse_number(number, precision)
    out = {}
    for op in ("add", "sub", "neg", "mul"):
        if op == "mul" and basis == "boolean" and q > MUL_BUILD_MAX:
            add2 = _measure(lower(_one_op("add"), basis, 2 * q, "wrap", **kw))
            out[op] = {"size": 10 * q * q + add2["size"], "depth": None, "fanin": 0, "exact": False}
            continue
        try:
            out[op] = {**_measure(lower(_one_op(op), basis, precision, number, **kw)), "exact": True}
        except (CircuitError, ValueError, OverflowError) as e:
            # the threshold blocks keep weights in int64; beyond that they refuse (CircuitError) or, for some
            # widths, fail inside numpy (ValueError): either way this precision cannot be lowered
            why = str(e).split(": ", 1)[-1].split(" (")[0] if isinstance(e, CircuitError) else \
                "its weights overflow the IR's int64 threshold weights"
            raise SpecError("precision", f"{precision:,} is too large for the {basis} lowering of {op} "
                                         f"({why})") from None
    _OP_COSTS[key] = out
    return out


def _predict_lowered(spec: ModelSpec) -> dict:
    """Upper bounds for a lowered model: Σ over ops of (arithmetic gates of that op) × (gates of one lowered
    gate of that op); depth ≤ arithmetic depth × the deepest lowered gate. Counted on the arithmetic circuit
    when it has at most :data:`OPS_COUNT_BUILD` gates, else from its predicted size × the largest lowered
    gate."""
    arith = predict(spec.arithmetic())
    costs = op_costs(spec.basis, spec.precision, spec.number, spec.adder, spec.multiplier)
    what = "" if arith["exact"] else f" (the arithmetic figures are an {arith['how']})"
    if arith["size"] <= OPS_COUNT_BUILD:
        c = _arithmetic_circuit(spec.arithmetic())
        counts = c.count_ops()
        a_size, a_depth = c.size(), c.depth()
        used = [o for o in counts if counts[o]]
        size = sum(counts[o] * costs[o]["size"] for o in used)
        fanin = sum(counts[o] * costs[o]["fanin"] for o in used)
        how = "upper bound: the arithmetic circuit's gates by op × the gates of one lowered gate of that op"
    else:
        a_size, a_depth = arith["size"], arith["depth"]
        used = list(costs)
        size = a_size * max(costs[o]["size"] for o in used)
        fanin = a_size * max(costs[o]["fanin"] for o in used)
        how = "upper bound: the arithmetic circuit's predicted size × the largest lowered gate" + what
    depths = [costs[o]["depth"] for o in used]
    depth = None if None in depths else a_depth * max(depths, default=0)
    return {"size": size, "depth": depth, "fanin": fanin, "exact": False, "how": how,
            "arithmetic": {"size": a_size, "depth": a_depth}}


def _predict_block(spec: ModelSpec) -> dict:
    """Size and depth of a stand-alone block: adders and comparators are built (O(p log p) gates) and counted;
    multipliers up to :data:`MUL_BUILD_MAX` bits too, wider ones bounded as in :func:`op_costs`; iterated
    addition (threshold) by its closed form, and over the boolean basis by a bound per threshold gate."""
    from . import bits
    p = spec.precision
    if spec.name in ("adder", "comparator") or (spec.name == "multiplier" and p <= MUL_BUILD_MAX):
        return {**_measure(build_block(spec)), "exact": True, "built": True, "how": "the block, built and counted"}
    if spec.name == "multiplier":
        add2 = bits.adder_circuit(2 * p, spec.adder).size()
        return {"size": 10 * p * p + add2, "depth": None, "fanin": 0, "exact": False,
                "how": f"upper bound: 10·p² + a {2 * p}-bit {spec.adder} adder"}
    from .threshold import ITERATED_ADD_DEPTH, iterated_add_size
    size = iterated_add_size(spec.m, p)
    fanin = size * (spec.m * p + size)  # no gate reads more than every input and every gate
    if spec.basis == "threshold":
        return {"size": size, "depth": ITERATED_ADD_DEPTH["direct"], "fanin": fanin, "exact": False,
                "how": "closed form of the gates; depth at most 2; fan-in bounded by gates × (inputs + gates)"}
    return _predict_iterated_add_boolean(spec, size, fanin)


def _predict_iterated_add_boolean(spec: ModelSpec, size: int, fanin: int) -> dict:
    """Bound for ``threshold_to_boolean`` of the iterated addition: per threshold gate with a bit heap of B bits
    in Q + 1 columns and S Dadda stages, at most 5·B (full adders: each removes a bit) + 2·(Q+1)·S (half adders:
    one per column per stage) + 8·(Q+1) (the prefix carry and the final or) + m (complemented arguments) + 4
    gates; depth at most 2 × the largest ``gate_depth_bound``. The threshold circuit is built for this (its
    own size is guarded first)."""
    from circuits.guard import max_gates_default

    from .threshold import build_iterated_add
    from .threshold.to_boolean import dadda_stages, gate_depth_bound, heap_heights
    if size + fanin // 2 > max_gates_default():
        return {"size": size, "depth": None, "fanin": fanin, "exact": False,
                "how": "the threshold circuit alone (too big to bound its boolean form)"}
    t = build_iterated_add(spec.m, spec.precision)
    total, deep = 0, 0
    for g in range(len(t)):
        if t.op_of(g) != "threshold":
            continue
        w, th = t.threshold_params(g)
        hts, Q = heap_heights(w, th)
        if not hts:
            continue
        S = dadda_stages(max(hts))
        total += 5 * sum(hts) + 2 * (Q + 1) * S + 8 * (Q + 1) + len(w) + 4
        deep = max(deep, gate_depth_bound(w, th))
    return {"size": total, "depth": t.depth() * deep, "fanin": 0, "exact": False,
            "how": "upper bound: a carry-save tree and a carry per threshold gate"}


#: threshold gates of fan-in m become about this many fan-in-2 gates per argument (an upper estimate for the
#: size guard of the boolean transformer, from the built circuits of ``threshold_to_boolean``)
T2B_GATES_PER_ARG = 8


def _predict_transformer(spec: ModelSpec) -> dict:
    """The threshold circuit: its size polynomial and depth, fitted and checked on small built n
    (``constructions.transformer.forms.closed_form``); the boolean one: an estimate from the threshold
    circuit's fan-in."""
    from .transformer.forms import closed_form, poly_eval
    key = tuple(sorted(_transformer_kw(spec).items()))
    cf = _TRANSFORMER_FORMS.get(key)
    if cf is None:
        cf = _TRANSFORMER_FORMS[key] = closed_form(**_transformer_kw(spec))
    n = spec.n
    if n == 1:
        c = build_transformer(replace(spec, basis="threshold"))
        size, depth = c.size(), c.depth()
    else:
        size, depth = poly_eval(cf["coef"], n), cf["depth"]
    how = f"closed form (size polynomial in n fitted at n = {cf['fitted_at']}, checked at {cf['checked_at']})"
    # fan-in: the thermometer gates dominate (2^p per position and coordinate, fan-in ~ n(p+1)); bound it by
    # size × the largest fan-in
    fanin = size * 2 + n * n * spec.d * spec.heads * spec.layers * (1 << spec.precision) * (spec.precision + 1)
    if spec.basis == "boolean":
        return {"size": T2B_GATES_PER_ARG * (size + fanin), "depth": None, "fanin": 0, "exact": False,
                "how": "estimate: the threshold circuit's gates and arguments, "
                       f"{T2B_GATES_PER_ARG} boolean gates each"}
    return {"size": size, "depth": depth, "fanin": fanin, "exact": True, "how": how}


_TRANSFORMER_FORMS: dict = {}


def _at_pow2(expr, n: int, d: int) -> int:
    """A closed form's value at n = 2^k (and d), exactly: log(n) is replaced by k·log 2 first, so no symbolic
    simplification of log(2^k)/log(2) is needed (that took half a second at n = 2^30)."""
    import sympy as sp
    k = n.bit_length() - 1
    val = expr.subs(sp.log(n_sym_()), k * sp.log(2)).subs({n_sym_(): n, d_sym_(): d})
    if not val.is_Integer:
        val = sp.nsimplify(val)
    if not val.is_Integer:
        raise InternalError(f"closed form {expr} is not an integer at n = {n}, d = {d}: {val}")
    return int(val)


def n_sym_():
    from .scans import n_sym
    return n_sym


def d_sym_():
    from .lrnn_bounds import d_sym
    return d_sym


def _where(spec: ModelSpec) -> str:
    if spec.kind == "block":
        return f"p = {spec.precision:,}" + (f", m = {spec.m:,}" if spec.m else "")
    at = f"n = {spec.n:,}, d = {spec.d:,}"
    return at + (f", {spec.basis} at p = {spec.precision:,}" if spec.lowered else "")


#: a wide argument (int32 id + int64 weight) costs about this fraction of a gate's bytes
FANIN_PER_GATE = 2


def check_size(spec: ModelSpec, max_gates: int | None = None) -> dict:
    """Refuse (``CircuitError``) a spec whose predicted size exceeds ``max_gates`` (default: from the available
    memory); otherwise return the prediction. Wide fan-in (threshold circuits) counts one gate per
    :data:`FANIN_PER_GATE` arguments. A lowered model's arithmetic circuit is guarded first."""
    from circuits.guard import BYTES_PER_GATE, max_gates_default

    limit = max_gates_default() if max_gates is None else int(max_gates)
    if spec.lowered:
        check_size(spec.arithmetic(), limit)
    pred = predict(spec)
    fanin = pred.get("fanin", 0)
    cost = pred["size"] + fanin // FANIN_PER_GATE
    if cost > limit:
        what = "about" if pred["exact"] or "estimate" in pred["how"] else "up to"
        wide = f" and {fanin:,} fan-in arguments" if fanin else ""
        raise CircuitError(f"{spec.name} at {_where(spec)} would have {what} {pred['size']:,} gates{wide} "
                           f"({cost * BYTES_PER_GATE / 2**30:,.1f} GiB), above the limit of {limit:,} gates "
                           f"({pred['how']})")
    return pred


def stats(spec: ModelSpec, max_gates: int | None = None, formula_only: bool = False) -> dict:
    """Size and depth of a model as a JSON-ready dict.

    ``formula_only``: from the closed forms, without building (any n); ``exact`` says whether the numbers are
    exact or bounds (then ``size_low`` / ``depth_low`` may give the other side; lowered models: upper bounds,
    with the arithmetic circuit's size and depth). Otherwise the circuit is built (after the size guard,
    :func:`check_size`) and measured; where an exact closed form exists the dict also carries it and
    ``matches_closed_form``, else the estimate it was guarded by. A lowered model also reports the arithmetic
    circuit it lowers (``arithmetic``: size and depth) and ``depth_ratio``; a boolean circuit its AIG (``aig``:
    ANDs and levels as ABC counts them)."""
    out = {"model": spec.name, **spec.to_dict()}
    if formula_only:
        pred = predict(spec)
        if pred["depth"] is None:
            raise SpecError("formula_only", f"no depth bound for {spec.name} at {_where(spec)} without building "
                                            f"(multipliers wider than {MUL_BUILD_MAX} bits); build it instead")
        out.update({k: pred[k] for k in ("size", "depth", "exact", "how")})
        out.update({k: pred[k] for k in ("size_low", "depth_low", "arithmetic") if k in pred})
        return out
    pred = check_size(spec, max_gates)
    c = build(spec)
    out.update({"basis": c.basis, "size": c.size(), "depth": c.depth(), "count_ops": c.count_ops(),
                "inputs": int(c.input_ids().size), "outputs": int(c.output_ids().size),
                "max_fanin": c.max_fanin(), "width": c.width()})
    if spec.lowered:
        a = _arithmetic_circuit(spec.arithmetic())
        out["arithmetic"] = {"size": a.size(), "depth": a.depth()}
        out["depth_ratio"] = round(c.depth() / a.depth(), 3) if a.depth() else None
    if c.basis == "boolean":
        from .bits import aig_stats
        out["aig"] = aig_stats(c)
    if pred.get("built"):
        pass  # the prediction was this very circuit
    elif pred["exact"]:
        out["closed_form"] = {"size": pred["size"], "depth": pred["depth"]}
        out["matches_closed_form"] = out["closed_form"] == {"size": out["size"], "depth": out["depth"]}
    else:
        out["estimate"] = {"size": pred["size"], "depth": pred["depth"], "how": pred["how"]}
    return out
