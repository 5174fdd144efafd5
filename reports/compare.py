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
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MODELS", "compare", "format_table"]


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


def _arith(name: str, n: int, d: int, max_gates: int) -> dict:
    from constructions.models import build, make_spec, predict
    spec = make_spec(name, n, d)
    pred = predict(spec)
    if pred["size"] <= max_gates:
        c = build(spec)
        return {"size": c.size(), "depth": c.depth(), "how": "built"}
    how = "closed form" if pred["exact"] else pred["how"]
    return {"size": pred["size"], "depth": pred["depth"], "how": how}


def _lowered(name: str, n: int, d: int, p: int, max_gates: int) -> dict:
    from constructions.lowering import lowered_depth
    from constructions.models import build, make_spec, predict
    spec = make_spec(name, n, d, basis="boolean", precision=p)
    pred = predict(spec)
    if pred["size"] <= max_gates:
        c = build(spec)
        return {"size": c.size(), "depth": c.depth(), "how": "built"}
    arith = build(spec.arithmetic())
    return {"size": pred["size"], "depth": lowered_depth(arith, "boolean", p)["depth"],
            "how": "size: upper bound; depth: depth model"}


def compare(n_values, precision: int = 8, d: int = 2, max_gates: int = 2_000_000, progress=None) -> dict:
    """Rows for every model of :data:`MODELS` at every n (``progress``: called with a short label per cell)."""
    from constructions.transformer.forms import transformer_stats
    cache: dict = {}
    rows = []
    for n in n_values:
        for m in MODELS:
            if progress:
                progress(f"{m.key} n={n}")
            if m.key in ("rnn", "diagonal", "dense"):
                r = _arith(m.key, n, d, max_gates)
            elif m.key == "diagonal-boolean":
                r = _lowered("diagonal", n, d, precision, max_gates)
            else:
                t = transformer_stats(n, d=d, precision=precision, frac=precision // 4, basis=m.basis,
                                      max_gates=max_gates, _cache=cache)
                r = {"size": t["size"], "depth": t["depth"], "how": t["how"]}
            rows.append({"model": m.key, "label": m.label, "basis": m.basis, "n": n, **r})
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
