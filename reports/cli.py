"""The ``lrnn-circuits`` command line.

Every command reports bad input as one line on stderr and exits with status 2 (no traceback).
"""
from __future__ import annotations

import argparse
import json
import sys
import textwrap

from circuits import Circuit, CircuitError, __version__

EXPORT_FORMATS = ("json", "npz", "aiger", "blif", "graphml", "dot")


class UsageError(Exception):
    pass


class _Names:
    """A registry's names as argparse ``choices``, read when needed (a help text, or checking a value) and each
    time afresh, so building the parser loads no registry and a name registered later is accepted. ``also``:
    further accepted values that are not listed (aliases)."""

    def __init__(self, noun: str, load, also=None):
        self.noun = noun
        self._load, self._also = load, also

    def names(self) -> tuple:
        return tuple(self._load())

    def __iter__(self):
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __contains__(self, value) -> bool:
        return value in self.names() or (self._also is not None and value in self._also())


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs: a paragraph whose lines are indented is kept as written (tables, examples), any
    other is wrapped. Help texts wrap as usual, but never inside a hyphenated name (kogge-stone)."""

    def _fill_text(self, text, width, indent):
        out = []
        for para in text.split("\n\n"):
            lines = para.splitlines()
            if any(ln[:1].isspace() for ln in lines):
                out.append("\n".join(indent + ln for ln in lines))
            else:
                out.append(textwrap.fill(" ".join(para.split()), width, initial_indent=indent,
                                         subsequent_indent=indent, break_on_hyphens=False))
        return "\n\n".join(out)

    def _split_lines(self, text, width):
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def _check_value(self, action, value):
        names = action.choices
        if isinstance(names, _Names) and value not in names:
            raise argparse.ArgumentError(action, f"unknown {names.noun} {value!r}; choose one of "
                                                 f"{', '.join(names)}")
        super()._check_value(action, value)


def _int_arg(lo: int, hi: int | None = None):
    """An argparse type: an integer in [lo, hi], with a one-line error naming the bound."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if v < lo:
            raise argparse.ArgumentTypeError(f"must be >= {lo}, got {v}")
        if hi is not None and v > hi:
            raise argparse.ArgumentTypeError(f"must be <= {hi:,}, got {v:,}")
        return v
    return parse


def _registry(module: str, name: str):
    """A loader of ``module.name`` (a registry of names: a dict, tuple or list; a callable is called)."""
    def load():
        import importlib
        obj = getattr(importlib.import_module(module), name)
        return obj() if callable(obj) else obj
    return load


def _claim_ids() -> list[str]:
    from proofs_check.claims import REGISTRY, load_builtin
    load_builtin()
    return list(REGISTRY)


MODEL_NAMES = _Names("model", _registry("constructions.models", "model_names"))
SCAN_NAMES = _Names("scan", _registry("constructions.scans", "SCHEDULES"))
SCHEDULE_NAMES = _Names("schedule", _registry("constructions.scans", "SCHEDULES"))
BASES = _Names("basis", _registry("constructions.models", "MODEL_BASES"))
ADDER_NAMES = _Names("adder", _registry("constructions.bits", "ADDERS"))
MULTIPLIER_NAMES = _Names("multiplier", _registry("constructions.bits", "MULTIPLIERS"))
COMPARISONS = _Names("comparison", _registry("constructions.models", "COMPARATOR_OPS"),
                     also=lambda: _registry("constructions.models", "COMPARATOR_OPS")().values())
ACTIVATIONS = _Names("activation", _registry("constructions.rnn", "ACTIVATIONS"))
CLAIM_IDS = _Names("claim", _claim_ids)


def _add_model_options(p, need_model: bool = False, build: bool = True) -> None:
    from constructions.models import MAX_D, MAX_N
    g = p.add_argument_group("model" if need_model else "model (instead of FILE)")
    g.add_argument("--model", required=need_model, choices=MODEL_NAMES, metavar="NAME",
                   help="the model to build, one of: %(choices)s (LRNN families, the nonlinear RNN, the "
                        "transformer, bit-level blocks and named architectures; 'lrnn-circuits models' describes "
                        "each)")
    g.add_argument("--n", type=_int_arg(1, MAX_N), help="sequence length (default 8)")
    g.add_argument("--d", type=_int_arg(1, MAX_D), help="state dimension (default 2)")
    g.add_argument("--rank", type=_int_arg(1), help="DPLR rank (default 1); deltaproduct: Householder factors")
    g.add_argument("--scan", choices=SCAN_NAMES, metavar="SCAN",
                   help="prefix schedule, one of: %(choices)s (default brent-kung)")
    g.add_argument("--final-only", action="store_true", help="only the last state (balanced reduction)")
    g.add_argument("--mode", choices=["free", "token"],
                   help="LRNN families. free: parameters are inputs; token: one-hot tokens choose constant "
                        "transitions")
    g.add_argument("--alphabet", type=_int_arg(1), help="token mode: alphabet size (default 2)")
    g.add_argument("--seed", type=_int_arg(0), help="token mode: seed of the example parameters (default 0)")
    g.add_argument("--m", type=_int_arg(1), help="rnn and some presets: input dimension per step (default 1); "
                                                 "iterated-add: how many numbers")
    g.add_argument("--hidden", type=_int_arg(1), help="rnn: hidden width of an MLP step")
    g.add_argument("--act", choices=ACTIVATIONS, metavar="ACT", help="rnn: activation: %(choices)s (default relu)")
    b = p.add_argument_group("bit level (arithmetic models lowered to bits, and the blocks adder, multiplier, "
                             "comparator, iterated-add)")
    b.add_argument("--basis", choices=BASES, metavar="BASIS",
                   help="one of: %(choices)s. LRNN families and linear architectures: arithmetic (default), or "
                        "lowered to P-bit numbers over boolean or threshold gates; iterated-add and transformer: "
                        "threshold (default) or boolean")
    b.add_argument("--precision", type=_integer, metavar="P", help="bits per number (required below arithmetic)")
    b.add_argument("--number", help="wrap (integers mod 2^P, default) or fixed:F (two's-complement fixed point, "
                                    "F fraction bits)")
    b.add_argument("--adder", choices=ADDER_NAMES, metavar="ADDER",
                   help="boolean: the adder's carry chain, one of: %(choices)s (default sklansky)")
    b.add_argument("--multiplier", choices=MULTIPLIER_NAMES, metavar="MUL",
                   help="boolean: one of: %(choices)s (default dadda)")
    b.add_argument("--op", choices=COMPARISONS, metavar="OP",
                   help="comparator: one of: %(choices)s (default lt)")
    b.add_argument("--signed", action="store_true", help="comparator: two's-complement operands")
    t = p.add_argument_group("transformer (--model transformer: random nonzero weights, --seed chooses them)")
    t.add_argument("--layers", type=_int_arg(1, 64), help="layers (default 1)")
    t.add_argument("--heads", type=_int_arg(1, 64), help="attention heads per layer (default 1)")
    t.add_argument("--causal", action="store_true", help="causal masking")
    t.add_argument("--frac", type=_integer, metavar="F", help="fraction bits of the fixed point (default P // 4)")
    if build:
        g.add_argument("--max-gates", type=_int_arg(1), default=None,
                       help="refuse to build above this many gates (default: from the available memory)")


_MODEL_OPTIONS = ("rank", "scan", "final_only", "mode", "alphabet", "seed", "m", "hidden", "act",
                  "basis", "precision", "number", "adder", "multiplier", "op", "signed", "layers", "heads",
                  "causal", "frac")


def _integer(text: str) -> int:
    """An argparse type: any integer (the model spec checks its range)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text[:40]!r}") from None


def _spec(a):
    """The validated model spec of a command's --model options (flag wording for errors)."""
    from constructions.models import SpecError, make_spec
    given = {k: getattr(a, k) for k in _MODEL_OPTIONS}
    try:
        return make_spec(a.model, a.n, a.d, **given)
    except SpecError as e:
        raise _flag_error(e) from None


def _flag_error(e) -> UsageError:
    """A model spec's error with the option written as its command-line flag."""
    flag = "--model" if e.option == "model" else "--" + e.option.replace("_", "-")
    return UsageError(f"{flag}: {e.reason}")


def _load(a) -> Circuit:
    """The circuit of a command: from FILE, or built from --model options (after the size guard)."""
    path = getattr(a, "file", None)
    model = getattr(a, "model", None)
    if path and model:
        raise UsageError("give either FILE or --model, not both")
    if model:
        from constructions.models import SpecError, build, check_size
        spec = _spec(a)
        try:
            check_size(spec, getattr(a, "max_gates", None))
        except SpecError as e:
            raise _flag_error(e) from None
        return build(spec)
    given = [k for k in ("n",) + _MODEL_OPTIONS + ("d",) if getattr(a, k, None) not in (None, False)]
    if given:
        raise UsageError(f"--{given[0].replace('_', '-')} needs --model")
    if not path:
        raise UsageError("give a circuit FILE or --model NAME")
    return Circuit.load(path)


# ---------------------------------------------------------------------------------------------------------
def cmd_info(a) -> int:
    c = _load(a)
    s = c.summary()
    if a.json:
        print(json.dumps(s, indent=2))
        return 0
    print(f"basis       {s['basis']}")
    print(f"size        {s['size']:,} gates")
    print(f"depth       {s['depth']}")
    print(f"inputs      {s['inputs']:,}")
    print(f"outputs     {s['outputs']:,}")
    print(f"constants   {s['constants']}")
    print(f"max fan-in  {s['max_fanin']}    max fan-out {s['max_fanout']}    width {s['width']:,}")
    print("ops         " + ", ".join(f"{k} {v:,}" for k, v in s["count_ops"].items()))
    return 0


def cmd_draw(a) -> int:
    from circuits.draw import draw
    c = _load(a)
    fmt = draw(c, a.output, max_gates=a.summary_above, legend=not a.no_legend)
    kind = "summary" if c.size() > a.summary_above else "circuit"
    print(f"wrote {a.output} ({fmt}, {kind} drawing of {c.size():,} gates)")
    return 0


def cmd_export(a) -> int:
    from circuits.io import write
    c = _load(a)
    write(c, a.output, a.format, summary_above=a.summary_above)
    print(f"wrote {a.output} ({a.format})")
    return 0


def cmd_schedule(a) -> int:
    from constructions.scans import SCHEDULES, schedule
    if a.name not in SCHEDULES:
        raise UsageError(f"unknown schedule {a.name!r}; choose one of {', '.join(SCHEDULES)}")
    from circuits.guard import available_memory
    nodes = a.n * max(1, (a.n - 1).bit_length())  # kogge-stone has about n·log₂n nodes, the others fewer
    need = 64 * nodes  # index data per node (levels, ranges, positions), with headroom
    if need > available_memory() // 2:
        raise CircuitError(f"{a.name} on n = {a.n:,} would need about {need / 2**30:,.1f} GiB of index data, "
                           f"more than half the available memory")
    s = schedule(a.name, a.n)
    out = {"schedule": a.name, "n": a.n, "size": s.size, "depth": s.depth}
    if a.json:
        print(json.dumps(out))
    else:
        print(f"{a.name} on n = {a.n}: size {s.size} combine nodes, depth {s.depth} levels")
    return 0


def cmd_stats(a) -> int:
    from constructions.models import SpecError, stats
    spec = _spec(a)
    try:
        out = stats(spec, max_gates=a.max_gates, formula_only=a.formula_only)
    except SpecError as e:
        raise _flag_error(e) from None
    if a.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"model       {_describe(spec)}")
    if a.formula_only:
        lo = f" (at least {out['size_low']:,})" if "size_low" in out else ""
        print(f"size        {out['size']:,} gates{lo}")
        lo = f" (at least {out['depth_low']:,})" if "depth_low" in out else ""
        print(f"depth       {out['depth']:,}{lo}")
        if "arithmetic" in out:
            print(f"arithmetic  size {out['arithmetic']['size']:,}, depth {out['arithmetic']['depth']:,}")
        print(f"from        {out['how']}" + ("" if out["exact"] else " (not exact)"))
        return 0
    print(f"basis       {out['basis']}")
    print(f"size        {out['size']:,} gates")
    print(f"depth       {out['depth']}")
    if "arithmetic" in out:
        ar = out["arithmetic"]
        ratio = f" ({out['depth_ratio']}× deeper)" if out.get("depth_ratio") else ""
        print(f"arithmetic  depth {ar['depth']}, size {ar['size']:,} (the circuit before lowering){ratio}")
    if "aig" in out:
        print(f"AIG         {out['aig']['ands']:,} ANDs, {out['aig']['levels']} levels (as ABC counts them)")
    print(f"inputs      {out['inputs']:,}    outputs {out['outputs']:,}")
    print("ops         " + ", ".join(f"{k} {v:,}" for k, v in out["count_ops"].items()))
    if "closed_form" in out:
        cf = out["closed_form"]
        print(f"closed form size {cf['size']:,}, depth {cf['depth']}: "
              + ("matches" if out["matches_closed_form"] else "DIFFERS"))
    elif "estimate" in out:
        e = out["estimate"]
        dep = "" if e["depth"] is None else f", depth {e['depth']:,}"
        print(f"predicted   {e['size']:,} gates{dep} ({e['how']})")
    return 0


def _describe(spec) -> str:
    dims = [] if spec.kind == "block" else [f"n = {spec.n:,}", f"d = {spec.d:,}"]
    parts = dims + [f"{k} {v}" for k, v in spec.to_dict().items() if k not in ("name", "n", "d", "final_only")]
    if spec.final_only:
        parts.append("last state only")
    return f"{spec.name}  ({', '.join(parts)})"


def cmd_compare(a) -> int:
    from reports.compare import compare, format_table
    if a.n_max < a.n_min:
        raise UsageError(f"--n-max ({a.n_max:,}) is below --n-min ({a.n_min:,})")
    ns, n = [], a.n_min
    while n <= a.n_max:
        ns.append(n)
        n *= 2
    tty = sys.stderr.isatty() and not a.json

    def progress(label):
        if tty:
            print(f"\r  building {label:<40}", end="", file=sys.stderr, flush=True)
    data = compare(ns, precision=a.precision, d=a.d, max_gates=a.max_gates, progress=progress)
    if tty:
        print("\r" + " " * 52 + "\r", end="", file=sys.stderr, flush=True)
    if a.json:
        print(json.dumps(data, indent=2))
    else:
        print(format_table(data), end="")
    return 0


def _model_flags(name: str) -> tuple[list[str], list[str]]:
    """The command-line flags of a model's options: (its own, the lowering's to bits)."""
    from constructions.models import LOWER_OPTIONS, applicable, model_options
    kind, _ = applicable(name)
    flags = [o for o in model_options(name) if o in ("n", "d") + _MODEL_OPTIONS]
    bits = [o for o in flags if kind in ("lrnn", "preset") and o in LOWER_OPTIONS]
    return ["--" + o.replace("_", "-") for o in flags if o not in bits], ["--" + o for o in bits]


def cmd_models(a) -> int:
    from constructions.models import applicable, model_description, model_names, model_options
    names = model_names()
    if a.names:
        print("\n".join(names))
        return 0
    rows = []
    for m in names:
        own, bits = _model_flags(m)
        rows.append({"name": m, "kind": applicable(m)[0], "description": model_description(m),
                     "options": model_options(m), "flags": own + bits, "_own": own, "_bits": bits})
    if a.json:
        print(json.dumps([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows], indent=2))
        return 0
    w = max(len(m) for m in names)
    for r in rows:
        opts = " ".join(r["_own"]) or "no options"
        if r["_bits"]:
            opts += f"; to bits {' '.join(r['_bits'][:2])} …"
        print(f"{r['name']:<{w}}  {r['description']} — {opts}")
    return 0


def cmd_verify(a) -> int:
    import time

    from proofs_check.claims import run_claims
    from proofs_check.sweep import SweepError
    if a.workers is not None and a.scheduler is not None:
        raise UsageError("give --workers (local processes) or --scheduler (a Dask cluster), not both")
    t0 = time.perf_counter()
    try:
        results = run_claims(a.claim, quick=a.quick, fail_fast=a.fail_fast, workers=a.workers,
                             scheduler=a.scheduler, progress=None if not a.json else False)
    except KeyError as e:
        raise UsageError(str(e).strip("'\""))
    except SweepError as e:
        raise UsageError(str(e)) from None
    elapsed = time.perf_counter() - t0
    failed = [r for r in results if r.status == "failed"]
    if a.json:
        print(json.dumps({"quick": a.quick, "seconds": round(elapsed, 2),
                          "claims": [r.to_dict() for r in results]}, indent=2))
    else:
        rows = [(r.claim.id, r.claim.reference, r.status, f"{r.seconds:.1f}s", r.evidence_summary())
                for r in results]
        w = [max(len(x[i]) for x in rows + [("claim", "reference", "status", "time", "")]) for i in range(4)]
        w[1] = min(w[1], 40)
        print(f"{'claim':<{w[0]}}  {'reference':<{w[1]}}  {'status':<{w[2]}}  {'time':>{w[3]}}  evidence")
        for cid, ref, st, tm, ev in rows:
            ref = ref if len(ref) <= w[1] else ref[: w[1] - 1] + "…"
            print(f"{cid:<{w[0]}}  {ref:<{w[1]}}  {st:<{w[2]}}  {tm:>{w[3]}}  {ev}")
        for r in results:
            if r.erratum:
                print(f"erratum [{r.claim.id}]: {r.erratum['what']}; counterexample "
                      f"{json.dumps(r.erratum.get('counterexample'))}; fix: {r.erratum['fix']}")
        from proofs_check.claims import STATUSES
        print(f"{len(results)} claims: " + ", ".join(
            f"{sum(r.status == s for r in results)} {s}" for s in STATUSES if any(r.status == s for r in results))
            + f" ({elapsed:.1f} s{', quick' if a.quick else ''})")
        if failed:
            for r in failed:
                bad = [x for x in r.results if not x.ok]
                print(f"FAILED [{r.claim.id}]: " + ("; ".join(f"{x.name}: {x.problem}" for x in bad[:3])
                                                    or "no supporting check"), file=sys.stderr)
    return 1 if failed else 0


EQUIV_METHODS = ("auto", "symbolic", "pit", "exhaustive", "sat")
EQUIV_EXIT = {"equal": 0, "not_equal": 1, "undecided": 3}


def cmd_equiv(a) -> int:
    from proofs_check.equivalence import check_equivalent
    if not (0 < a.error_bound < 1):
        raise UsageError(f"--error-bound must be in (0, 1), got {a.error_bound}")
    c1 = Circuit.load(a.first)
    c2 = Circuit.load(a.second)
    kw = {"error_bound": a.error_bound}
    if a.seed is not None:
        kw["seed"] = a.seed
    if a.timeout is not None:
        kw["timeout"] = a.timeout
    v = check_equivalent(c1, c2, method=a.method, **kw)
    ev = v.evidence or {}
    bound = ev.get("bound")
    if v.status == "equal" and bound is None:
        bound = 0  # a proof: symbolic identity, every assignment, or an unsatisfiable miter
    out = {"status": v.status, "method": v.method, "bound": bound, "why": v.why,
           "counterexample": v.counterexample or {}, "evidence": ev}
    if a.json:
        from proofs_check.verdict import _jsonable
        print(json.dumps(_jsonable(out), indent=2))
    else:
        line = f"{v.status}  ({v.method}"
        if v.status == "equal":
            line += ", proof" if not bound else f", error probability <= {bound:.3g}"
        print(line + ")")
        if v.why:
            print(f"  {v.why}")
        ce = v.counterexample or {}
        if ce.get("inputs") is not None:
            shown = list(ce["inputs"].items())
            print("  inputs: " + ", ".join(f"{k}={_short(x)}" for k, x in shown[:12]) +
                  (f", … ({len(shown)} in all)" if len(shown) > 12 else ""))
            print(f"  output {ce.get('output')}: first {_short(ce.get('first'))}, second {_short(ce.get('second'))}"
                  f" (re-checked by evaluation over {ce.get('domain')})")
        elif ce:
            print(f"  {json.dumps(ce)[:300]}")
    return EQUIV_EXIT[v.status]


def _short(x) -> str:
    s = str(x)
    return s if len(s) <= 40 else s[:18] + "…" + s[-18:] + f" ({len(s)} digits)"


def cmd_report(a) -> int:
    from reports.report import write_report
    if a.check_render_only:
        from reports.render_check import check_render
        return check_render(a.output)
    opts = (["--quick"] if a.quick else []) + [f"--claim {c}" for c in a.claim or []] + \
        [f"--skip {x}" for x in a.skip or []]  # the output directory is left out: the page is the same anywhere
    path = write_report(a.output, force=a.force, quick=a.quick, json_data=a.json, workers=a.workers,
                        scheduler=a.scheduler, claim_ids=a.claim, skip=tuple(a.skip or ()), opts=opts)
    print(f"wrote {path}, report.md and figures/ in {path.parent}" + (" (and report.json)" if a.json else ""))
    if a.check_render:
        from reports.render_check import check_render
        return check_render(a.output)
    return 0


def _vocab_arg(text: str) -> list:
    """--vocab: comma-separated tokens; an item that reads as an integer is an int, any other a string."""
    items = [t.strip() for t in text.split(",")]
    if any(not t for t in items):
        raise argparse.ArgumentTypeError(f"empty token in {text!r}")
    out = []
    for t in items:
        try:
            out.append(int(t))
        except ValueError:
            out.append(t)
    if len(set(out)) != len(out):
        raise argparse.ArgumentTypeError(f"repeated token in {text!r}")
    return out


def cmd_tracr(a) -> int:
    from fractions import Fraction

    from constructions.transformer.tracr import DEFAULT_TOLERANCE, check_model, compile_program
    if a.precision is not None and a.frac is not None and a.frac >= a.precision:
        raise UsageError(f"--frac must be below --precision ({a.precision}), got {a.frac}")
    tol = DEFAULT_TOLERANCE
    if a.tolerance is not None:
        if not a.tolerance > 0:
            raise UsageError(f"--tolerance must be positive, got {a.tolerance}")
        tol = Fraction(a.tolerance)
    model = compile_program(a.program, a.vocab, a.max_seq_len)
    r = check_model(model, precision=a.precision, frac=a.frac, tolerance=tol)
    if a.json:
        print(json.dumps({"program": a.program, "vocab": a.vocab, "max_seq_len": a.max_seq_len, **r}))
    else:
        print(f"tracr {a.program}: vocab {a.vocab}, lengths 1..{a.max_seq_len} (BOS at position 0)")
        print(f"precision {r['precision']} bits, {r['frac']} fraction bits"
              + ("" if r["categorical"] else f"; numerical output, tolerance {r['tolerance']:g}"))
        for c in r["circuits"]:
            print(f"  length {c['length']} (n = {c['n']}): {c['size']:,} gates, depth {c['depth']}")
        if r["agrees_with_tracr"]:
            print(f"{r['inputs_checked']:,} inputs through the circuits: all agree with tracr")
        else:
            first = next(x for x in r["runs"] if "tracr" in x)
            print(f"{r['inputs_checked']:,} inputs through the circuits: {r['disagreements']:,} disagree with tracr "
                  f"(first: input {first['input']}, circuit {first['output']}, tracr {first['tracr']})")
    return 0 if r["agrees_with_tracr"] else 1


def cmd_barrington(a) -> int:
    from constructions.automata.barrington import (TARGET_STATE, compile_formula, depth, length_recursion, parse,
                                                   program_lrnn, to_text)

    f = parse(a.formula)
    prog = compile_formula(f, optimise=not a.no_optimize)
    out = prog.to_json()
    circ = None
    if a.circuit:
        c = program_lrnn(prog)
        circ = {"size": c.size(), "depth": c.depth(), "scan": "reduce", "target_state": list(TARGET_STATE)}
    if a.json:
        if circ:
            out["circuit"] = circ
        print(json.dumps(out))
        return 0
    name = lambda p: "e" if list(p) == [0, 1, 2, 3, 4] else str(list(p))  # noqa: E731
    print(f"formula {to_text(f)}: depth {depth(f)}, {prog.n_vars} variable(s)")
    print(f"length {len(prog)}" + ("" if a.no_optimize else
                                   f" after optimisation ({length_recursion(f)} before; ≤ 4^{depth(f)})"))
    print(f"target {list(prog.target)}: the formula is true iff perm_L ∘ … ∘ perm_1 = target (perm_1 first), "
          "false iff it is the identity e")
    w = max(len(str(len(prog))), 1)
    for k, (i, p0, p1) in enumerate(prog.instructions, 1):
        print(f"  {k:>{w}}  x{i:<4} if 0: {name(p0):<16} if 1: {name(p1)}")
    if circ:
        print(f"PD-LRNN circuit (5×5 permutation-matrix transitions, {circ['scan']} scan, final state): "
              f"{circ['size']:,} gates, depth {circ['depth']}; true iff the final state is {circ['target_state']} "
              f"(start (0, 1, 2, 3, 4))")
    return 0


def cmd_rnn_graph(a) -> int:
    import math

    from proofs_check.hardness_graph_claims import MAX_K_CLI, exhaustive, summary
    from proofs_check.sweep import SweepError
    if a.k > MAX_K_CLI:
        raise UsageError(f"--k {a.k}: {math.factorial(a.k) * a.k * a.k:,} instances (k!·k²) is too many; "
                         f"use k <= {MAX_K_CLI}")
    if a.workers is not None and a.scheduler is not None:
        raise UsageError("give --workers (local processes) or --scheduler (a Dask cluster), not both")
    try:
        r = exhaustive(a.k, workers=a.workers, scheduler=a.scheduler, progress=None if not a.json else False)
    except SweepError as e:
        raise UsageError(str(e)) from None
    out = summary(r)
    if a.json:
        print(json.dumps(out))
    else:
        print(f"k = {a.k}: {out['instances']:,} instances (k!·k²; {out['sink_target_instances']:,} with a target "
              f"without out-edge), {out['errors']:,} errors, {out['accepted']:,} accepted")
        print(f"largest state value {out['max_state']:,} ({out['max_state_bits']} bits); longest input "
              f"{out['max_input_length']:,} tokens (log2 {out['log2_input_length']}); {out['seconds']:.2f} s")
        if r["first_error"]:
            print(f"first error: {json.dumps(r['first_error'])}")
    return 1 if out["errors"] else 0


def cmd_stack_demo(a) -> int:
    from constructions.hardness.mcvp import DEMO_GATES, demo_trace
    bits = a.inputs
    if not bits or any(ch not in "01" for ch in bits) or len(bits) > 8:
        raise UsageError(f"--inputs must be 1 to 8 bits (0/1), got {bits!r}")
    if len(bits) < 2:
        raise UsageError("--inputs: the demo circuit reads x1 and x2; give at least 2 bits")
    out = demo_trace(tuple(int(ch) for ch in bits), DEMO_GATES)
    if a.json:
        print(json.dumps(out))
        return 0
    print(f"Thm 1 stack RNN: h_t = ReLU(W2 ReLU(W h_(t-1) + U x_t + c)), state dim {out['state_dim']}, "
          f"{out['hidden_units']} hidden units; circuit "
          + ", ".join(f"x{len(bits) + i + 1} = {op}(x{x}, x{y})" for i, (op, x, y) in enumerate(out["gates"]))
          + f"; inputs {bits}")
    print(f"{'t':>3}  {'token':6} {'control':8} {'stack A (top first)':20} {'stack B':8} {'code A':>12} code B")
    for s in out["steps"]:
        print(f"{s['t']:>3}  {s['token']:6} {s['control']:8} {''.join(map(str, s['A'])) or '-':20} "
              f"{''.join(map(str, s['B'])) or '-':8} {s['code_A']:>12} {s['code_B']}")
    print(f"output (top of A) {out['output']}, direct evaluation {out['expected']}")
    return 0 if out["output"] == out["expected"] else 1


# ---------------------------------------------------------------------------------------------------------
#: each command's examples as (invocation, comment): its --help shows them all, the top-level help the first that
#: runs the command itself (an example list may first write the files the command reads)
EXAMPLES = {
    "info": [("lrnn-circuits info --model dplr --n 16 --d 4 --rank 2", ""),
             ("lrnn-circuits info --model comparator --precision 8 --op le --json", "")],
    "draw": [("lrnn-circuits draw --model diagonal --n 8 --d 1 -o diagonal.svg", ""),
             ("lrnn-circuits draw --model dense --n 64 --summary-above 500 -o dense.svg", "a summary drawing")],
    "export": [("lrnn-circuits export --model parity --n 16 --format aiger -o parity.aig", "for ABC"),
               ("lrnn-circuits export --model pd --n 8 --d 3 --format json -o pd.json", "")],
    "schedule": [("lrnn-circuits schedule brent-kung --n 1024", ""),
                 ("lrnn-circuits schedule kogge-stone --n 4096 --json", "")],
    "stats": [("lrnn-circuits stats --model deltanet --n 64 --d 4", ""),
              ("lrnn-circuits stats --model dense --n 8 --basis boolean --precision 4", "lowered to 4-bit gates"),
              ("lrnn-circuits stats --model mamba --n 1048576 --formula-only", "closed form, nothing built")],
    "compare": [("lrnn-circuits compare --n-max 256 --precision 4", ""),
                ("lrnn-circuits compare --n-min 16 --n-max 1024 --json", "")],
    "models": [("lrnn-circuits models", ""), ("lrnn-circuits models --names", "one name a line")],
    "verify": [("lrnn-circuits verify --quick", "every claim, smaller grids"),
               ("lrnn-circuits verify --claim affine-assoc --claim barrington", ""),
               ("lrnn-circuits verify --quick --workers 2", "the checks on two local processes; same results")],
    "equiv": [("lrnn-circuits export --model diagonal --n 8 --scan sklansky --format json -o sk.json", ""),
              ("lrnn-circuits export --model diagonal --n 8 --scan serial --format json -o se.json", ""),
              ("lrnn-circuits equiv sk.json se.json", "equal: two schedules, the same states")],
    "report": [("lrnn-circuits report -o report", "then open report/index.html"),
               ("lrnn-circuits report --quick --json -o small", "fewer n; the data also as report.json")],
    "tracr": [("lrnn-circuits tracr make_length --vocab a,b,c --max-seq-len 4", "")],
    "barrington": [("lrnn-circuits barrington 'x1 & ~x2 | x3'", ""),
                   ("lrnn-circuits barrington 'x1 ^ x2' --circuit --json", "")],
    "rnn-graph": [("lrnn-circuits rnn-graph --k 4", ""),
                  ("lrnn-circuits rnn-graph --k 7 --workers 2", "two local processes")],
    "stack-demo": [("lrnn-circuits stack-demo --inputs 10", ""), ("lrnn-circuits stack-demo --inputs 11 --json", "")],
}

#: descriptions of the commands whose parser gives none (the others: their ``description``, else their help)
DESCRIPTIONS = {
    "verify": "Re-run the checks behind every claim (the paper's theorems and this library's own constructions) "
              "and print a table: each claim's reference, status, time and evidence, and any erratum with its "
              "counterexample. Exit status 1 if a claim fails.",
    "report": "Compute the report and write index.html, report.md (the same in Markdown) and figures/*.svg into "
              "the output directory, offline and self-contained: the headline figures of depth and size against "
              "n, the table of their numbers and sources, prefix schedules compared, diagrams and the claims "
              "table. Every number is computed when the report is written; only the report's own files are "
              "written, each whole.",
}

#: the width the command table of the top-level help is wrapped to
_TABLE_WIDTH = 79


def _example_line(cmd: str, comment: str) -> str:
    return f"$ {cmd}" + (f"   # {comment}" if comment else "")


def headline_example(command: str) -> str:
    """The example of ``command`` the top-level help shows: the first that runs the command itself."""
    return next(e for e, _ in EXAMPLES[command] if e.split()[1] == command)


def _document(p: argparse.ArgumentParser, sub) -> None:
    """Give every command its examples (epilog) and a description (its help, where none is given), and the
    top-level help the table of commands: name, what it does, an example."""
    helps = {a.dest: a.help for a in sub._choices_actions}
    rows = []
    w = max(len(name) for name in sub.choices) + 2
    for name, parser in sub.choices.items():
        help_ = helps.get(name) or ""
        parser.formatter_class = _Formatter
        if parser.description is None:
            parser.description = DESCRIPTIONS.get(name) or (help_[:1].upper() + help_[1:] + "." if help_ else None)
        examples = EXAMPLES.get(name, [])
        if examples:
            parser.epilog = "examples:\n" + "\n".join("  " + _example_line(*e) for e in examples)
        lines = textwrap.wrap(help_, _TABLE_WIDTH - 2 - w, break_on_hyphens=False) or [""]
        rows.append(f"  {name:<{w}}{lines[0]}")
        rows += [" " * (2 + w) + ln for ln in lines[1:]]
        if examples:
            rows.append(" " * (2 + w) + "$ " + headline_example(name))
    p.epilog = ("commands:\n" + "\n".join(rows) + "\n\n"
                "Each command's --help gives its options, the names they accept, and examples.")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lrnn-circuits", usage="%(prog)s [-h] [--version] COMMAND [OPTIONS]",
                description="Recurrent and attention models as explicit circuits: size, depth, drawings, export, "
                            "verification of the claims, and a report.",
                formatter_class=_Formatter)
    p.add_argument("--version", action="version", version=f"lrnn-circuits {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, help=argparse.SUPPRESS,
                           prog=p.prog)

    s = sub.add_parser("info", help="size, depth and gate counts of a circuit file or a model",
                       description="Size, depth, inputs, outputs, fan-in, fan-out, width and gate counts by op of "
                                   "a circuit: read from FILE, or built from --model and its options (after a "
                                   "size check against the available memory).")
    s.add_argument("file", nargs="?", help="circuit file (.json, .npz or .aig)")
    _add_model_options(s)
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(func=cmd_info)

    s = sub.add_parser("draw", help="draw a circuit to SVG or PNG",
                       description="Draw a circuit (FILE, or built from --model) with graphviz, one node per gate; "
                                   "above --summary-above gates, a summary drawing instead. The format follows "
                                   "the extension of -o: .svg, .png, or .dot for the graphviz source.")
    s.add_argument("file", nargs="?", help="circuit file, or use --model")
    _add_model_options(s)
    s.add_argument("-o", "--output", required=True, help="OUT.svg, OUT.png or OUT.dot")
    s.add_argument("--summary-above", type=_int_arg(1), default=2000, metavar="GATES",
                   help="above this many gates draw a summary (default 2000)")
    s.add_argument("--no-legend", action="store_true", help="leave out the legend of colours and shapes")
    s.set_defaults(func=cmd_draw)

    s = sub.add_parser("export", help="convert a circuit (or build a model) to a file format",
                       description="Write a circuit (FILE, or built from --model) in one of the formats: json and "
                                   "npz (this library's, loadable again), aiger and blif (boolean circuits, for "
                                   "ABC and other tools), graphml and dot (graphs). The file is written whole or "
                                   "not at all.")
    s.add_argument("file", nargs="?", help="circuit file, or use --model")
    _add_model_options(s)
    s.add_argument("--format", required=True, choices=EXPORT_FORMATS, metavar="FORMAT",
                   help="one of: %(choices)s")
    s.add_argument("-o", "--output", required=True, help="output file; its extension must match FORMAT")
    s.add_argument("--summary-above", type=_int_arg(1), default=2000, metavar="GATES",
                   help="for --format dot: above this many gates, a summary (default 2000)")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("schedule", help="size and depth of a prefix schedule (in combine nodes)",
                       description="Size (combine nodes) and depth (levels) of a parallel prefix schedule over n "
                                   "elements, the skeleton every LRNN circuit is built on ('reduce' computes the "
                                   "last prefix only).")
    s.add_argument("name", choices=SCHEDULE_NAMES, metavar="NAME", help="the schedule, one of: %(choices)s")
    s.add_argument("--n", type=_int_arg(1, 2**62), required=True, help="number of elements")
    s.add_argument("--json", action="store_true", help='{"schedule", "n", "size", "depth"}')
    s.set_defaults(func=cmd_schedule)

    s = sub.add_parser("stats", help="build a model's circuit and print its size, depth and gate counts",
                       description="Build a model's circuit and measure it: size, depth, gate counts, and the "
                                   "closed form it is checked against where one exists. Lowered models also give "
                                   "the arithmetic circuit they lower, boolean ones their AIG as ABC counts it. "
                                   "--formula-only builds nothing and takes any n.")
    _add_model_options(s, need_model=True)
    s.add_argument("--formula-only", action="store_true",
                   help="do not build: size and depth from the closed forms (any n)")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser("compare", help="the headline table: depth and size against n, model by model",
                       description="The headline table: depth and size against n (doubling from --n-min to "
                                   "--n-max) for the nonlinear RNN, the LRNNs (arithmetic and p-bit boolean) and "
                                   "a transformer layer (threshold and boolean). Circuits up to --max-gates are "
                                   "built; larger ones come from closed forms, models or fits, and the table says "
                                   "which.")
    s.add_argument("--n-min", type=_int_arg(2, 2**20), default=8, help="smallest n (default 8); n doubles")
    s.add_argument("--n-max", type=_int_arg(2, 2**20), default=4096, help="largest n (default 4096)")
    s.add_argument("--precision", type=_int_arg(2, 16), default=8, help="bits p (default 8)")
    s.add_argument("--d", type=_int_arg(1, 16), default=2, help="state / model width (default 2)")
    s.add_argument("--max-gates", type=_int_arg(1), default=2_000_000,
                   help="build circuits up to this size; above, closed forms, models or fits (default 2,000,000)")
    s.add_argument("--json", action="store_true", help='{"precision", "d", "n", "rows": [{"model", "basis", '
                                                       '"n", "size", "depth", "how"}, …]}')
    s.set_defaults(func=cmd_compare)

    s = sub.add_parser("models", help="the models, one line each: what it is and its options",
                       description="Every model that --model accepts, one line each: its name, what it is, and "
                                   "the options that apply to it.")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--names", action="store_true", help="the names only, one a line")
    g.add_argument("--json", action="store_true", help='[{"name", "kind", "description", "options", "flags"}, …]')
    s.set_defaults(func=cmd_models)

    s = sub.add_parser("verify", help="re-run the checks behind every claim and print a table")
    s.add_argument("--claim", action="append", metavar="ID", choices=CLAIM_IDS,
                   help="only this claim (repeatable), one of: %(choices)s")
    s.add_argument("--quick", action="store_true", help="smaller grids (under a minute)")
    s.add_argument("--fail-fast", action="store_true", help="stop at the first failed claim (same exit status)")
    s.add_argument("--json", action="store_true", help="per-claim evidence as JSON")
    s.add_argument("--workers", type=_int_arg(1), help="run the checks on N local processes (default: this process "
                                                       "only; the results are the same)")
    s.add_argument("--scheduler", metavar="ADDRESS", help="run the checks on a Dask scheduler (tcp://HOST:PORT); "
                                                          "needs the extra dask[distributed]")
    s.set_defaults(func=cmd_verify)

    s = sub.add_parser("equiv", help="decide whether two circuit files compute the same outputs",
                       description="Decide whether two circuit files compute the same outputs on every input. "
                                   "Exit status: 0 equal, 1 not equal (with a counterexample, re-checked by "
                                   "evaluation), 3 undecided, 2 bad input.")
    s.add_argument("first", help="circuit file (.json, .npz or .aig)")
    s.add_argument("second", help="circuit file (.json, .npz or .aig)")
    s.add_argument("--method", default="auto", choices=EQUIV_METHODS,
                   help="auto (by the gates used), symbolic (sympy, exact), pit (random primes), exhaustive, sat")
    s.add_argument("--error-bound", type=float, default=2.0**-40,
                   help="pit: answer equal only when the error probability is at most this (default 2^-40)")
    s.add_argument("--seed", type=int, default=None, help="pit: seed of the random primes and points")
    s.add_argument("--timeout", type=float, default=None, help="sat: seconds before giving up (undecided)")
    s.add_argument("--json", action="store_true",
                   help='{"status", "method", "bound", "counterexample", "why", "evidence"}')
    s.set_defaults(func=cmd_equiv)

    s = sub.add_parser("report", help="write the report: index.html, report.md and figures/*.svg (offline)")
    s.add_argument("-o", "--output", default="report", help="output directory (default: report)")
    s.add_argument("--force", action="store_true",
                   help="write into a non-empty directory that 'report' did not make (other files are kept)")
    s.add_argument("--quick", action="store_true", help="a small report: fewer n, a smaller build cap")
    s.add_argument("--json", action="store_true", help="also write DIR/report.json: the data of every table and "
                                                       "figure")
    s.add_argument("--workers", type=_int_arg(1), help="build the headline circuits in N local processes")
    s.add_argument("--scheduler", metavar="ADDRESS", help="build the headline circuits on a Dask scheduler "
                                                          "(tcp://HOST:PORT; needs dask[distributed])")
    s.add_argument("--claim", action="append", metavar="ID", help="only this claim in the claims table "
                                                                  "(repeatable)")
    s.add_argument("--skip", action="append", choices=("headline", "scans", "diagrams", "claims", "tracr"),
                   help="leave a section out (repeatable)")
    s.add_argument("--check-render", action="store_true",
                   help="then open the page in headless Chromium: no missing image, no console error, "
                        "a screenshot (DIR/screenshot.png); exit 1 if the check fails")
    s.add_argument("--check-render-only", action="store_true",
                   help="check the page already in DIR in headless Chromium without rebuilding it")
    s.set_defaults(func=cmd_report)
    s = sub.add_parser("tracr", help="a RASP program compiled by tracr, as threshold circuits",
                       description="Compile a RASP program with tracr, turn the compiled transformer into one "
                                   "threshold circuit per input length, and check every circuit against tracr on "
                                   "every input over the vocabulary (exit 1 if any disagrees). Needs the extra "
                                   "tracr.")
    s.add_argument("program", help="a function of tracr.compiler.lib (make_length, make_reverse, …) or "
                                   "module:function returning a RASP program")
    s.add_argument("--vocab", type=_vocab_arg, required=True,
                   help="comma-separated tokens (integers are read as ints, other items as strings)")
    s.add_argument("--max-seq-len", type=_int_arg(1, 64), required=True, help="longest input (without BOS)")
    s.add_argument("--precision", type=_int_arg(2, 24), help="bits p (default: the smallest that works)")
    s.add_argument("--frac", type=_int_arg(0, 23), help="fraction bits F (default: the smallest that works)")
    s.add_argument("--tolerance", type=float, help="numerical outputs: largest |circuit - tracr| (default 0.01)")
    s.add_argument("--json", action="store_true",
                   help='{"size", "depth", "basis", "precision", "frac", "agrees_with_tracr", "runs", …}')
    s.set_defaults(func=cmd_tracr)
    s = sub.add_parser("barrington", help="a boolean formula as Barrington's width-5 permutation program",
                       description="Compile a boolean formula (variables x1, x2, …; ~ & ^ | and parentheses; "
                                   "precedence ~ > & > ^ > |) into a width-5 permutation program. An instruction "
                                   "[i, perm_if_0, perm_if_1] reads x_i (1-based) and yields perm_if_0 or "
                                   "perm_if_1; a permutation is the list of images of 0..4. The program is read "
                                   "left to right and its value is perm_L ∘ … ∘ perm_1 (perm_1 applied first): "
                                   "the target 5-cycle if the formula is true, the identity if false.")
    s.add_argument("formula", help="e.g. 'x1 & ~x2 | x3'")
    s.add_argument("--no-optimize", action="store_true", help="the program before the peephole optimiser")
    s.add_argument("--circuit", action="store_true",
                   help="also build the PD-LRNN circuit of the program and give its size and depth")
    s.add_argument("--json", action="store_true",
                   help='{"length": L, "target": [5 ints], "program": [[var_index, perm_if_0, perm_if_1], …]} '
                        '(with --circuit also "circuit": {"size", "depth", "scan", "target_state"})')
    s.set_defaults(func=cmd_barrington)
    s = sub.add_parser("rnn-graph", help="Thm 2: the graph-connectivity ReLU RNN on all k-vertex instances",
                       description="Thm 2: run the ReLU RNN that decides graph connectivity on every instance with "
                                   "k vertices (k!·k² of them) and check each answer (exit 1 if any is wrong); "
                                   "report the largest state value and the longest input.")
    s.add_argument("--k", type=_int_arg(1), required=True, help="vertices (1..9; k!·k² instances)")
    s.add_argument("--workers", type=_int_arg(1), help="local processes (default: this process only)")
    s.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler (tcp://HOST:PORT); needs the extra "
                                                          "dask[distributed]")
    s.add_argument("--json", action="store_true", help='{"k", "instances", "errors", "max_state_bits", '
                                                       '"log2_input_length", "seconds", …}')
    s.set_defaults(func=cmd_rnn_graph)
    s = sub.add_parser("stack-demo", help="Thm 1: a trace of the two-stack-machine ReLU RNN",
                       description="Thm 1: a step-by-step trace of the ReLU RNN that simulates a two-stack machine "
                                   "evaluating a small monotone circuit on the input bits (exit 1 if the output "
                                   "is wrong).")
    s.add_argument("--inputs", default="10", help="the input bits x1 x2 … (default 10)")
    s.add_argument("--json", action="store_true", help='{"gates", "inputs", "state_dim", "hidden_units", "steps": '
                                                       '[{"t", "token", "control", "A", "B", "code_A", "code_B", '
                                                       '"state"}, …], "output", "expected"}')
    s.set_defaults(func=cmd_stack_demo)
    _document(p, sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        return args.func(args)
    except UsageError as e:
        print(f"lrnn-circuits: error: {e}", file=sys.stderr)
        return 2
    except (CircuitError, OSError, MemoryError) as e:  # bad input; InternalError and other bugs keep their traceback
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"lrnn-circuits: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lrnn-circuits: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
