"""The HTML report (``make report`` / ``lrnn-circuits report``).

Depth and size of LRNN circuits against a nonlinear RNN, the claims table (quick checks), balanced matrix
products, and a drawing. Every figure is computed when the report is written. The report checks its target
directory before computing, writes only its own files (each atomically) and leaves other files alone.
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
from circuits.io import atomic_write_bytes
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


def _depth_table() -> str:
    """Depth against n: LRNN (dense, d = 4) with three scans and the nonlinear RNN, all measured."""
    from constructions.lrnn import build_lrnn
    from constructions.rnn import build_rnn

    ns = [2**k for k in range(2, 11, 2)]
    cols = [("dense LRNN, serial", lambda n: build_lrnn("dense", n, 4, scan="serial")),
            ("dense LRNN, Sklansky", lambda n: build_lrnn("dense", n, 4, scan="sklansky")),
            ("dense LRNN, Brent–Kung", lambda n: build_lrnn("dense", n, 4, scan="brent-kung")),
            ("ReLU RNN", lambda n: build_rnn(n, 4, 1))]
    head = "".join(f"<th>{html.escape(name)}<br>depth / size</th>" for name, _ in cols)
    rows = []
    for n in ns:
        cells = []
        for _, make in cols:
            c = make(n)
            cells.append(f"<td>{c.depth():,} / {c.size():,}</td>")
        rows.append(f"<tr><td>{n:,}</td>{''.join(cells)}</tr>")
    return f"<table><tr><th>n</th>{head}</tr>{''.join(rows)}</table>"


def _presets_table(n: int = 256, d: int = 8) -> str:
    """Every named architecture at one size: all states and last state only (Brent–Kung scan)."""
    from constructions.presets import PRESETS

    rows = []
    for name, p in PRESETS.items():
        full = p.build(n, d)
        last = p.build(n, d, final_only=True)
        rows.append(f"<tr><td style='text-align:left'>{html.escape(name)}</td><td>{html.escape(p.family)}</td>"
                    f"<td>{full.size():,}</td><td>{full.depth():,}</td><td>{last.size():,}</td>"
                    f"<td>{last.depth():,}</td></tr>")
    return (f"<p>n = {n}, d = {d}, Brent–Kung scan for the linear ones; the nonlinear chains ignore the scan."
            "</p><table><tr><th>preset</th><th>family</th><th>size</th><th>depth</th><th>size, last state</th>"
            "<th>depth, last state</th></tr>" + "".join(rows) + "</table>")


def _claims_table() -> str:
    from proofs_check.claims import run_claims

    rows = []
    for r in run_claims(quick=True):
        rows.append(f"<tr><td>{html.escape(r.claim.id)}</td><td style='text-align:left'>"
                    f"{html.escape(r.claim.reference)}</td><td style='text-align:left'>"
                    f"{html.escape(r.claim.statement)}</td><td><b>{html.escape(r.status)}</b></td>"
                    f"<td style='text-align:left'>{html.escape(r.evidence_summary())}</td></tr>")
        if r.erratum:
            rows.append(f"<tr><td></td><td colspan=4 style='text-align:left'>erratum: "
                        f"{html.escape(r.erratum['what'])}; fix: {html.escape(r.erratum['fix'])}</td></tr>")
    return ("<table><tr><th>claim</th><th>reference</th><th>statement</th><th>status</th><th>evidence</th></tr>"
            + "".join(rows) + "</table>")


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
            "<th>agrees with the sequential product (one random integer point)</th></tr>"]
    for n, d, size, depth, deg, ok in rows:
        body.append(f"<tr><td>{n}</td><td>{d}</td><td>{size:,}</td><td>{depth}</td><td>{deg}</td>"
                    f"<td>{'yes' if ok else '<b>NO</b>'}</td></tr>")
    body.append("</table>")
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lrnn-circuits report</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;}} table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:right;vertical-align:top}}
svg{{max-width:100%;height:auto}}</style>
</head><body>
<h1>lrnn-circuits report</h1>
<p>lrnn-circuits {html.escape(__version__)}, written {stamp}. Every figure below was computed when this page was
written.</p>
<h2>Depth: linear RNNs against a nonlinear RNN</h2>
<p>A linear RNN <i>h<sub>t</sub> = A<sub>t</sub>h<sub>t−1</sub> + b<sub>t</sub></i> unrolls through a parallel
prefix scan into a bounded fan-in arithmetic circuit whose depth grows with log n (Sklansky, Brent–Kung); the
serial scan and the nonlinear RNN <i>h<sub>t</sub> = relu(W h<sub>t−1</sub> + U x<sub>t</sub> + c)</i> grow
linearly. State dimension 4.</p>
{_depth_table()}
<h2>Named architectures</h2>
{_presets_table()}
<h2>Claims</h2>
<p>The checks behind each claim (quick grids; <code>lrnn-circuits verify</code> runs the full ones).</p>
{_claims_table()}
<h2>Balanced matrix products</h2>
<p>Products of n d×d matrices as balanced trees, evaluated exactly against the sequential product on random
integer matrices.</p>
{''.join(body)}
<h2>The product of 4 matrices of size 2×2</h2>
{svg}
</body></html>
"""


MARKER = ".lrnn-circuits-report"  # marks a directory that `report` created; its files may be replaced


def prepare_output(out_dir, force: bool = False) -> Path:
    """Check, before any computing, that ``out_dir`` can take the report: it is a directory the report made
    (holding :data:`MARKER`), an empty directory, a new directory in a writable parent, or ``force`` is given.
    Writability is tested by creating and removing a temporary file."""
    out = Path(out_dir)
    if out.exists():
        if not out.is_dir():
            raise CircuitError(f"cannot write the report: {out} exists and is not a directory")
        foreign = next((p.name for p in out.iterdir() if p.name != MARKER), None)
        if foreign is not None and not (out / MARKER).exists() and not force:
            raise CircuitError(f"cannot write the report: {out} is not empty and was not made by 'report' "
                               f"(it holds {foreign!r}); choose another directory or pass --force")
        probe_dir = out
    else:
        probe_dir = out.parent if str(out.parent) else Path(".")
        if not probe_dir.is_dir():
            raise CircuitError(f"cannot write the report: directory {probe_dir} does not exist")
    try:
        fd, probe = tempfile.mkstemp(prefix=".probe.", dir=probe_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise CircuitError(f"cannot write the report in {probe_dir}: {e.strerror or e}") from None
    return out


def write_files(out: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (relative path → bytes) into ``out``, each atomically; touch nothing else but the marker."""
    made = not out.exists()
    out.mkdir(exist_ok=True)
    try:
        (out / MARKER).write_text("written by lrnn-circuits report; files here may be replaced\n")
        for rel, data in files.items():
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(target, data)
    except BaseException:
        if made:
            shutil.rmtree(out, ignore_errors=True)
        raise


def write_report(out_dir, force: bool = False) -> Path:
    """Compute the report and write ``index.html`` into ``out_dir`` (see :func:`prepare_output` for which
    directories it accepts). Only the report's own files are written; other files are left alone."""
    out = prepare_output(out_dir, force)
    page = build_html()
    write_files(out, {"index.html": page.encode("utf-8")})
    return out / "index.html"
