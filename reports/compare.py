"""The headline comparison: circuit depth and size against sequence length n for the nonlinear RNN, LRNNs
(arithmetic, and lowered to p-bit boolean circuits) and a transformer layer (threshold, and fan-in-2 boolean).

Every figure says where it comes from (``how``):

* ``built`` — the circuit was built and measured (while the predicted size is at most ``max_gates``);
* ``closed form`` — an exact formula: the RNN's and LRNNs' closed forms (``constructions.lrnn_bounds``,
  checked against built circuits by ``verify``), the transformer's size polynomial and constant depth (fitted
  and checked on built circuits, ``constructions.transformer.forms``);
* ``depth model`` — the lowered LRNN's depth from ``constructions.lowering.lowered_depth`` (the lowering's
  blocks built once per class of gates; exact, checked against built lowerings in the tests);
* ``upper bound`` — the lowered LRNN's size from its gates by op × one lowered gate of each op;
* ``fit`` — the boolean transformer above the cap: a least-squares fit (depth a + b·log₂ n) over built sizes.

DPLR has no single expression in n: above the cap its figures are the per-combine costs of
``constructions.lrnn_bounds.dplr_cost`` summed over the schedule (labelled ``closed form: per-combine sum``).
A figure that was not computed (the lowered depth model above ``model_max_gates`` arithmetic gates) is
``None`` with ``how`` saying why; no number is made up.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MODELS", "ALL_MODELS", "compare", "cell", "format_table"]


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    basis: str


MODELS = (
    Row("rnn", "nonlinear RNN", "arithmetic"),
    Row("diagonal", "LRNN diagonal", "arithmetic"),
    Row("dense", "LRNN dense", "arithmetic"),
    Row("diagonal-boolean", "LRNN diagonal, p-bit", "boolean"),
    Row("transformer-threshold", "transformer layer", "threshold"),
    Row("transformer-boolean", "transformer layer", "boolean"),
)
#: every model :func:`cell` knows: :data:`MODELS` and the PD and DPLR (rank 1) LRNN families
ALL_MODELS = MODELS[:2] + (Row("pd", "LRNN PD", "arithmetic"), Row("dplr", "LRNN DPLR (rank 1)", "arithmetic")) \
    + MODELS[2:]
_ROWS = {m.key: m for m in ALL_MODELS}


def _arith(name: str, n: int, d: int, max_gates: int) -> dict:
    from constructions.models import build, make_spec, predict
    spec = make_spec(name, n, d)
    pred = predict(spec)
    if pred["size"] <= max_gates:
        c = build(spec)
        return {"size": c.size(), "depth": c.depth(), "how": "built"}
    if name == "dplr" and pred["exact"]:
        return {"size": pred["size"], "depth": pred["depth"], "how": "closed form: per-combine sum"}
    how = "closed form" if pred["exact"] else pred["how"]
    return {"size": pred["size"], "depth": pred["depth"], "how": how}


def _lowered(name: str, n: int, d: int, p: int, max_gates: int, model_max_gates: int | None = None) -> dict:
    from constructions.lowering import lowered_depth
    from constructions.models import build, make_spec, predict
    spec = make_spec(name, n, d, basis="boolean", precision=p)
    pred = predict(spec)
    if pred["size"] <= max_gates:
        c = build(spec)
        return {"size": c.size(), "depth": c.depth(), "how": "built"}
    if model_max_gates is not None and predict(spec.arithmetic())["size"] > model_max_gates:
        return {"size": pred["size"], "depth": None,
                "how": f"size: upper bound; depth: not computed (the depth model builds the arithmetic circuit, "
                       f"capped at {model_max_gates:,} gates)"}
    arith = build(spec.arithmetic())
    return {"size": pred["size"], "depth": lowered_depth(arith, "boolean", p)["depth"],
            "how": "size: upper bound; depth: depth model"}


def cell(key: str, n: int, d: int = 2, precision: int = 8, max_gates: int = 2_000_000,
         model_max_gates: int | None = None, transformer: dict | None = None, _cache: dict | None = None) -> dict:
    """One model of :data:`ALL_MODELS` at one n: ``{"model", "label", "basis", "n", "size", "depth", "how"}``.
    ``transformer``: keyword arguments of ``transformer_stats`` that differ from the LRNNs' (``d``,
    ``precision``, ``frac``); by default the transformer takes ``d``, ``precision`` and ``frac = precision // 4``.
    ``model_max_gates``: the lowered LRNN's depth model runs only while its arithmetic circuit is at most this
    big (None: always)."""
    m = _ROWS[key]
    if key in ("rnn", "diagonal", "pd", "dplr", "dense"):
        r = _arith(key, n, d, max_gates)
    elif key == "diagonal-boolean":
        r = _lowered("diagonal", n, d, precision, max_gates, model_max_gates)
    else:
        from constructions.transformer.forms import transformer_stats
        kw = {"d": d, "precision": precision, "frac": precision // 4, **(transformer or {})}
        t = transformer_stats(n, basis=m.basis, max_gates=max_gates, _cache=_cache, **kw)
        r = {"size": t["size"], "depth": t["depth"], "how": t["how"]}
    return {"model": m.key, "label": m.label, "basis": m.basis, "n": n, **r}


def compare(n_values, precision: int = 8, d: int = 2, max_gates: int = 2_000_000, progress=None) -> dict:
    """Rows for every model of :data:`MODELS` at every n (``progress``: called with a short label per cell)."""
    cache: dict = {}
    rows = []
    for n in n_values:
        for m in MODELS:
            if progress:
                progress(f"{m.key} n={n}")
            rows.append(cell(m.key, n, d, precision, max_gates, _cache=cache))
    return {"precision": precision, "d": d, "max_gates": max_gates, "n": list(n_values), "rows": rows}


def _mark(how: str) -> str:
    return "" if how == "built" else ("*" if how.startswith("closed form") else "~")


def format_table(data: dict) -> str:
    """Two tables (depth, then size), one column per model; * closed form, ~ model, bound or fit."""
    ns = data["n"]
    by = {(r["model"], r["n"]): r for r in data["rows"]}
    heads = [f"{m.label} ({m.basis})" for m in MODELS]
    lines = [f"d = {data['d']}, p = {data['precision']} bits; built up to {data['max_gates']:,} gates "
             f"(* closed form, ~ depth model / bound / fit, else built)", ""]
    for what in ("depth", "size"):
        lines.append(what.upper())
        w = [max(len(h), 12) for h in heads]
        lines.append(f"{'n':>6}  " + "  ".join(h.rjust(k) for h, k in zip(heads, w)))
        for n in ns:
            cells = []
            for m, k in zip(MODELS, w):
                r = by[m.key, n]
                v = r[what]
                cells.append((("—" if v is None else f"{v:,}") + _mark(r["how"])).rjust(k))
            lines.append(f"{n:>6}  " + "  ".join(cells))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
