"""One entry point for every model the library builds: ``build_model(name, ...)`` → ``Circuit``.

Names: the LRNN families (``diagonal``, ``pd``, ``dplr``, ``dense``), ``rnn`` (the nonlinear RNN), and the
named architectures registered in ``constructions.presets``. The CLI's ``--model`` options map onto the
keyword arguments here.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from circuits import Circuit, CircuitError

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


def model_names() -> list[str]:
    return list(FAMILIES) + ["rnn"] + list(BOOLEAN_MODELS) + \
        [p for p in _presets() if p not in FAMILIES and p != "rnn"]


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
    kind: str  # "lrnn" (a family), "rnn", "boolean", "preset"
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

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if v is not None and k not in ("options", "kind")}
        if self.kind == "boolean":
            out.pop("d")
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
        return "lrnn", opts
    if name == "rnn":
        return "rnn", {"m", "hidden", "act"}
    if name in BOOLEAN_MODELS:
        return "boolean", {"scan", "final_only"}
    p = _presets().get(name)
    if p is None:
        raise SpecError("model", f"unknown model {name!r}; choose one of {', '.join(model_names())}")
    opts = {"final_only"} | set(p.options)
    if p.linear:
        opts.add("scan")
    if p.rank_option is not None:
        opts.add("rank")
    return "preset", opts


def make_spec(name: str, n: int = 8, d: int | None = None, **given) -> ModelSpec:
    """Validate a model request once. ``given`` holds only the options the caller set (None = not set); an
    option that does not apply to the model is refused, not ignored."""
    given = {k: v for k, v in given.items() if v is not None and v is not False}
    kind, opts = applicable(name)
    n = _positive("n", n, 1, MAX_N)
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
    return ModelSpec(**kw)


def build(spec: ModelSpec) -> Circuit:
    """The circuit of a validated spec."""
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
        subs = {n_sym_(): k, d_sym_(): d}
        vals[k] = (int(size_f.subs(subs)), int(depth_f.subs(subs)))
    out = {"size": vals[hi][0], "depth": vals[hi][1], "exact": exact and lo == hi,
           "how": how + (" at n = 2^k" if lo == hi else f" at n = {lo:,} and {hi:,} (bounds)")}
    if lo != hi:
        out.update({"size_low": vals[lo][0], "depth_low": vals[lo][1]})
    return out


def n_sym_():
    from .scans import n_sym
    return n_sym


def d_sym_():
    from .lrnn_bounds import d_sym
    return d_sym


def check_size(spec: ModelSpec, max_gates: int | None = None) -> dict:
    """Refuse (``CircuitError``) a spec whose predicted size exceeds ``max_gates`` (default: from the available
    memory); otherwise return the prediction."""
    from circuits.guard import BYTES_PER_GATE, max_gates_default

    limit = max_gates_default() if max_gates is None else int(max_gates)
    pred = predict(spec)
    if pred["size"] > limit:
        raise CircuitError(f"{spec.name} at n = {spec.n:,}, d = {spec.d:,} would have about {pred['size']:,} "
                           f"gates ({pred['size'] * BYTES_PER_GATE / 2**30:,.1f} GiB), above the limit of "
                           f"{limit:,} gates ({pred['how']})")
    return pred


def stats(spec: ModelSpec, max_gates: int | None = None, formula_only: bool = False) -> dict:
    """Size and depth of a model as a JSON-ready dict.

    ``formula_only``: from the closed forms, without building (any n); ``exact`` says whether the numbers are
    exact or bounds (then ``size_low`` / ``depth_low`` may give the other side). Otherwise the circuit is built
    (after the size guard, :func:`check_size`) and measured; where an exact closed form exists the dict also
    carries it and ``matches_closed_form``, else the estimate it was guarded by."""
    out = {"model": spec.name, **spec.to_dict()}
    if formula_only:
        pred = predict(spec)
        out.update({k: pred[k] for k in ("size", "depth", "exact", "how")})
        out.update({k: pred[k] for k in ("size_low", "depth_low") if k in pred})
        return out
    pred = check_size(spec, max_gates)
    c = build(spec)
    out.update({"size": c.size(), "depth": c.depth(), "count_ops": c.count_ops(),
                "inputs": int(c.input_ids().size), "outputs": int(c.output_ids().size),
                "max_fanin": c.max_fanin(), "width": c.width()})
    if pred["exact"]:
        out["closed_form"] = {"size": pred["size"], "depth": pred["depth"]}
        out["matches_closed_form"] = out["closed_form"] == {"size": out["size"], "depth": out["depth"]}
    else:
        out["estimate"] = {"size": pred["size"], "depth": pred["depth"], "how": pred["how"]}
    return out
