"""The HTML report (``make report`` / ``lrnn-circuits report``).

For now it shows the core of the library: balanced products of n d×d matrices (the circuit an LRNN unrolls
into) built as explicit circuits, their measured size and depth, and a drawing. Every figure is computed
when the report is written. The report directory is written whole or not at all.
"""
from __future__ import annotations

import html
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from circuits import Circuit, CircuitError, __version__
from circuits.draw import render_svg
from constructions.linalg import product_tree


def _product_circuit(n: int, d: int) -> Circuit:
    c = Circuit("arithmetic")
    c.output("P", product_tree(c, c.input("M", (n, d, d))))
    return c


def _check(c: Circuit, n: int, d: int, rng) -> bool:
    """Evaluate over exact integers and compare with numpy's product (object dtype, exact)."""
    mats = rng.integers(-3, 4, size=(n, d, d)).astype(object)
    want = mats[0]
    for k in range(1, n):
        want = mats[k].dot(want)
    got = c.evaluate({"M": mats}, domain="int")["P"]
    return bool(np.array_equal(np.asarray(got, dtype=object), want))


def build_html() -> str:
    rng = np.random.default_rng(0)
    rows = []
    for d in (2, 4):
        for n in (2, 8, 32, 128, 512):
            c = _product_circuit(n, d)
            rows.append((n, d, c.size(), c.depth(), c.degree(), _check(c, n, d, rng)))
    small = _product_circuit(4, 2)
    svg = render_svg(small.to_dot())
    body = ["<table><tr><th>n</th><th>d</th><th>size (gates)</th><th>depth</th><th>degree</th>"
            "<th>equals the sequential product</th></tr>"]
    for n, d, size, depth, deg, ok in rows:
        body.append(f"<tr><td>{n}</td><td>{d}</td><td>{size:,}</td><td>{depth}</td><td>{deg}</td>"
                    f"<td>{'yes' if ok else '<b>NO</b>'}</td></tr>")
    body.append("</table>")
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lrnn-circuits report</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:right}} svg{{max-width:100%;height:auto}}</style>
</head><body>
<h1>lrnn-circuits report</h1>
<p>lrnn-circuits {html.escape(__version__)}, written {stamp}. An LRNN <i>h<sub>t</sub> = A<sub>t</sub>h<sub>t−1</sub>
+ b<sub>t</sub></i> unrolls into iterated products of its transitions; below, balanced product trees of n d×d
matrices built as explicit arithmetic circuits (fan-in 2), measured, and evaluated exactly against the
sequential product on random integer matrices.</p>
{''.join(body)}
<h2>The product of 4 matrices of size 2×2</h2>
{svg}
</body></html>
"""


def write_report(out_dir) -> Path:
    out = Path(out_dir)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise CircuitError(f"cannot write the report: directory {parent} does not exist")
    if out.exists() and not out.is_dir():
        raise CircuitError(f"cannot write the report: {out} exists and is not a directory")
    page = build_html()
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        (tmp / "index.html").write_text(page, encoding="utf-8")
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=parent))
            os.rename(out, old / "report")
            os.rename(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out / "index.html"
