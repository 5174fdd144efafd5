"""The report (``make report`` / ``lrnn-circuits report [-o DIR]``): ``index.html``, ``report.md`` (the same
content in Markdown) and ``figures/*.svg``, offline and self-contained (no network, no scripts; figures are
files beside the page).

Sections: the headline figures (circuit depth and size against n for the nonlinear RNN, the LRNN families, the
LRNN lowered to bits and a transformer layer, each value marked built or closed form / model / bound / fit),
the table of those numbers with their sources, prefix-scan schedules compared, diagrams
(``reports.diagrams``), the claims table (``proofs_check.claims``, quick checks) and circuits of programs
compiled by tracr. Every number is computed when the report is written (:mod:`reports.report_data`).

Options: ``quick`` (fewer n, smaller build cap), ``json`` (also ``report.json``: the data of every table and
figure), ``workers`` / ``scheduler`` (the headline builds through ``proofs_check.sweep``; same results).
The page carries the date of ``SOURCE_DATE_EPOCH`` when it is set and no date otherwise; two runs with the same
options give the same bytes in every file.

The report checks its target directory before computing, writes only its own files (each atomically) and
leaves other files alone.
"""
from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from pathlib import Path

from circuits import CircuitError
from circuits.io import atomic_write_bytes

from .figures import KINDS, headline_figure, kind_of, scans_figure
from .plain import code_spans, plain, sup

#: one letter per kind of number in the tables
MARKS = {"built": "B", "closed form": "C", "depth model": "M", "upper bound": "U", "fit": "F", "not computed": "—"}
#: what each kind means, one line each
KIND_TEXT = {
    "built": "the circuit was built and its gates counted",
    "closed form": "an exact formula (checked against built circuits by the claims below)",
    "depth model": "the lowered circuit's depth computed block by block without building it (exact on the "
                   "sizes the tests build)",
    "upper bound": "the lowered circuit's size bounded by the arithmetic gates × the gates of one lowered gate",
    "fit": "a least-squares fit over built circuits (depth a + b·log₂ n), an extrapolation",
    "not computed": "too costly for this report; the line stops",
}
#: what each claim status means, one line each
STATUS_TEXT = {
    "proved": "every check passed and every supporting check is a symbolic proof covering all sizes",
    "checked": "every check passed; some supporting checks cover finite ranges only (stated in the claim)",
    "verified-with-erratum": "the statement as printed is wrong (the erratum says how); the corrected form "
                             "was proved or checked",
    "open": "not built or not checkable here; the reason is given",
    "failed": "some check did not give the answer it must, or raised an error",
}


def p2(n: int) -> str:
    """n as a power of two in Unicode (2¹⁰) when it is one, else with thousands separators."""
    if n > 0 and n & (n - 1) == 0:
        return "2" + sup(str(n.bit_length() - 1))
    return f"{n:,}"


def num(v) -> str:
    """A count: exact with separators below 10⁸, else three digits × a power of ten."""
    if v is None:
        return "—"
    v = int(v)
    if abs(v) < 10**8:
        return f"{v:,}"
    e = len(str(abs(v))) - 1
    return f"{v / 10**e:.2f} × 10{sup(str(e))}"


# ---------------------------------------------------------------------------------------------------------
# a tiny document model written out as HTML or as Markdown
class Doc:
    """Blocks of the page, rendered both ways: ("h", level, text, id), ("p", text), ("table", head, rows,
    caption), ("fig", file, title, caption), ("ul", items), ("raw", html, md)."""

    def __init__(self):
        self.blocks: list = []

    def h(self, level, text, anchor=None):
        self.blocks.append(("h", level, text, anchor))

    def p(self, text, cls=None):
        self.blocks.append(("p", text, cls))

    def ul(self, items):
        self.blocks.append(("ul", list(items)))

    def table(self, head, rows, cls=None):
        self.blocks.append(("table", list(head), [list(r) for r in rows], cls))

    def fig(self, file, title, caption):
        self.blocks.append(("fig", file, title, caption))


def _html_text(t: str) -> str:
    """Prose with identifiers of the code in <code>; **x** in bold."""
    out = []
    for is_code, piece in code_spans(str(t)):
        e = html.escape(piece)
        out.append(f"<code>{e}</code>" if is_code else e)
    s = "".join(out)
    import re
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)


def _md_text(t: str) -> str:
    out = []
    for is_code, piece in code_spans(str(t)):
        out.append(f"`{piece}`" if is_code else piece.replace("|", "\\|").replace("<", "&lt;"))
    return "".join(out)


def _slug(text: str) -> str:
    import re
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def render_html(doc: Doc, title: str) -> str:
    body, toc = [], []
    for b in doc.blocks:
        kind = b[0]
        if kind == "h":
            _, level, text, anchor = b
            anchor = anchor or _slug(text)
            if level == 2:
                toc.append(f'<li><a href="#{anchor}">{html.escape(text)}</a></li>')
            body.append(f'<h{level} id="{anchor}">{_html_text(text)}</h{level}>')
        elif kind == "p":
            _, text, cls = b
            c = f' class="{cls}"' if cls else ""
            body.append(f"<p{c}>{_html_text(text)}</p>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{_html_text(i)}</li>" for i in b[1]) + "</ul>")
        elif kind == "table":
            _, head, rows, cls = b
            c = f' class="{cls}"' if cls else ""
            th = "".join(f"<th>{_html_text(h)}</th>" for h in head)
            trs = "".join("<tr>" + "".join(f"<td>{_html_text(x)}</td>" for x in r) + "</tr>" for r in rows)
            body.append(f'<div class="scroll"><table{c}><thead><tr>{th}</tr></thead><tbody>{trs}</tbody>'
                        f"</table></div>")
        elif kind == "fig":
            _, file, t, caption = b
            body.append(f'<figure><img src="{html.escape(file)}" alt="{html.escape(t)}">'
                        f"<figcaption><b>{_html_text(t)}.</b> {_html_text(caption)}</figcaption></figure>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;line-height:1.45;color:#222;
max-width:72em;margin:0 auto;padding:1.5em 2em 4em}}
h1{{margin-bottom:.2em}} h2{{margin-top:2.2em;border-bottom:1px solid #ddd;padding-bottom:.2em}}
nav ol{{columns:2;font-size:.95em}} .lead{{font-size:1.05em;color:#333}} .note{{color:#555;font-size:.92em}}
.scroll{{overflow-x:auto}} table{{border-collapse:collapse;margin:1em 0;font-size:.9em}}
th,td{{border:1px solid #d0d0d0;padding:.3em .55em;vertical-align:top}} th{{background:#f3f3f3}}
table.num td{{text-align:right;white-space:nowrap}} table.num td:first-child{{text-align:left}}
table.claims td:nth-child(4){{white-space:nowrap;font-weight:bold}}
figure{{margin:1.5em 0}} figure img{{max-width:100%;height:auto;border:1px solid #eee;background:#fff}}
figcaption{{font-size:.92em;color:#333;max-width:60em}} code{{font-size:.92em;background:#f5f5f5;padding:0 .2em}}
</style>
</head><body>
<h1>{html.escape(title)}</h1>
<nav><ol>{''.join(toc)}</ol></nav>
{chr(10).join(body)}
</body></html>
"""


def render_md(doc: Doc, title: str) -> str:
    out = [f"# {title}", ""]
    for b in doc.blocks:
        kind = b[0]
        if kind == "h":
            out += ["#" * b[1] + " " + _md_text(b[2]), ""]
        elif kind == "p":
            out += [_md_text(b[1]), ""]
        elif kind == "ul":
            out += [f"- {_md_text(i)}" for i in b[1]] + [""]
        elif kind == "table":
            _, head, rows, _cls = b
            out.append("| " + " | ".join(_md_text(h) for h in head) + " |")
            out.append("|" + "|".join("---" for _ in head) + "|")
            out += ["| " + " | ".join(_md_text(x) for x in r) + " |" for r in rows]
            out.append("")
        elif kind == "fig":
            _, file, t, caption = b
            out += [f"![{_md_text(t)}]({file})", "", f"*{_md_text(t)}.* {_md_text(caption)}", ""]
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------------------
# sections
def _model_label(m: dict) -> str:
    return f"{m['label']} ({m['basis']})"


def _sources(h: dict) -> list[str]:
    """For every model: which n come from which source, in words."""
    items = []
    by = {(r["model"], r["n"]): r for r in h["rows"]}
    for m in h["models"]:
        runs: list = []
        for n in h["n"]:
            r = by.get((m["key"], n))
            if r is None:
                continue
            if runs and runs[-1][0] == r["how"]:
                runs[-1][2] = n
            else:
                runs.append([r["how"], n, n])
        parts = [f"{plain(how)} for n = {p2(a)}" + ("" if a == b else f" … {p2(b)}") for how, a, b in runs]
        items.append(f"**{_model_label(m)}**: " + "; ".join(parts) + ".")
    return items


def _headline_section(doc: Doc, h: dict, files: dict) -> None:
    t = h["transformer"]
    ns = h["n"]
    by = {(r["model"], r["n"]): r for r in h["rows"]}
    doc.h(2, "Depth against sequence length", "depth")
    depth_svg, depth_notes = headline_figure(h, "depth")
    files["figures/depth.svg"] = depth_svg.encode()
    stops = " ".join(depth_notes) if depth_notes else "Every line reaches the largest n."
    doc.fig("figures/depth.svg", "Circuit depth against n",
            f"One line per model, n = {p2(ns[0])} … {p2(ns[-1])}, both axes logarithmic. The nonlinear RNN unrolls "
            f"into a chain whose depth grows like n; the linear RNNs unroll through a parallel prefix scan "
            f"(Brent–Kung) into circuits of depth O(log n); the transformer layer's threshold circuit has the same "
            f"depth at every n, and its fan-in-2 boolean form grows like log n. Filled markers on solid segments "
            f"are circuits that were built and measured; hollow markers on dashed segments come from a closed "
            f"form, a depth model, an upper bound or a fit (the table below says which, cell by cell). {stops}")
    big = ns[-1]
    lines = []
    for key in ("rnn", "diagonal", "dense", "diagonal-boolean", "transformer-threshold", "transformer-boolean"):
        r = by.get((key, big))
        if r is None or r["depth"] is None:
            continue
        lines.append(f"{r['label']} ({r['basis']}): depth {num(r['depth'])} "
                     f"({kind_of(r['how'], 'depth', r['depth'])})")
    if lines:
        doc.p(f"At n = {p2(big)}: " + "; ".join(lines) + ".")
    doc.h(2, "Size against sequence length", "size")
    size_svg, size_notes = headline_figure(h, "size")
    files["figures/size.svg"] = size_svg.encode()
    doc.fig("figures/size.svg", "Circuit size against n",
            "The same models: the number of gates. The RNN and the LRNNs grow linearly in n (the LRNN's "
            "log-depth scan costs a constant factor more gates than the serial chain), the transformer layer "
            "quadratically (n² attention scores). The lowered LRNN's size is an upper bound above the build "
            "cap. " + (" ".join(size_notes) if size_notes else ""))
    doc.h(2, "The numbers and where they come from", "numbers")
    doc.p(f"Models: state width d = {h['d']} for the RNN and the LRNNs (DPLR with rank 1, Brent–Kung scan); the "
          f"lowered LRNN is the diagonal one at p = {h['precision']} bits (wrap-around integers, Sklansky adders, "
          f"Dadda multipliers); the transformer layer has width d = {t['d']}, p = {t['precision']} bits with "
          f"{t['frac']} fraction bit{'s' if t['frac'] != 1 else ''}, one head, average-hard attention. Circuits are "
          f"built and measured while their predicted size is at most {h['max_gates']:,} gates (the boolean "
          f"transformer: an eighth of that); above, closed forms, models, bounds or fits, labelled. The lowered "
          f"LRNN's depth model builds the arithmetic circuit, so it runs while that circuit has at most "
          f"{h['model_max_gates']:,} gates.")
    doc.p("Marks: " + "; ".join(f"**{MARKS[k]}** {k} — {KIND_TEXT[k]}" for k in KINDS) + ".", "note")
    for what in ("depth", "size"):
        rows = []
        for n in ns:
            row = [p2(n)]
            for m in h["models"]:
                r = by.get((m["key"], n))
                if r is None:
                    row.append("")
                    continue
                v = r[what]
                k = kind_of(r["how"], what, v)
                row.append(num(v) if v is None else f"{num(v)} {MARKS[k]}")
            rows.append(row)
        doc.h(3, f"{what.capitalize()} by model and n", f"table-{what}")
        doc.table(["n"] + [_model_label(m) for m in h["models"]], rows, "num")
    doc.h(3, "Sources, model by model", "sources")
    doc.ul(_sources(h))


def _scans_section(doc: Doc, sc: dict, files: dict) -> None:
    doc.h(2, "Prefix-scan schedules compared", "scans")
    doc.p("Every schedule of the scan library computes all n prefixes of an associative operation; they trade "
          "size (combine nodes), depth (levels) and fan-out (how many combines read one node) against each other "
          "(Sklansky 1960; Kogge & Stone 1973; Brent & Kung 1982; Ladner & Fischer 1980; Han & Carlson 1987; "
          "Blelloch 1990). The serial scan is the RNN-like chain; reduce computes the last prefix only. All "
          "numbers are counted on the built schedules.")
    files["figures/scans.svg"] = scans_figure(sc).encode()
    doc.fig("figures/scans.svg", "Scan schedules against n",
            "Size per input, depth and largest fan-out of each schedule (counted on the built schedules; the axes "
            "are logarithmic). Sklansky reaches the minimum depth log₂ n, and Ladner–Fischer one level more, "
            "with a fan-out that grows with n; Kogge–Stone keeps fan-out small with about n·log₂ n nodes; "
            "Brent–Kung keeps the size near 2n at about twice the depth.")
    ns = sc["n"]
    show = [n for n in ns if (n.bit_length() - 1) % 4 == 0] or ns
    if ns[-1] not in show:
        show.append(ns[-1])
    by = {(r["schedule"], r["n"]): r for r in sc["rows"]}
    head = ["schedule"] + [f"n = {p2(n)}: size / depth / fan-out" for n in show]
    rows = [[name] + [f"{num(by[name, n]['size'])} / {by[name, n]['depth']:,} / {by[name, n]['max_fanout']:,}"
                      for n in show] for name in sc["schedules"]]
    doc.table(head, rows, "num")
    doc.p(f"The JSON output (--json) holds every n = {p2(ns[0])} … {p2(ns[-1])}.", "note")


def _diagrams_section(doc: Doc, dg: dict, diagrams: list, files: dict) -> None:
    doc.h(2, "Diagrams", "diagrams")
    if not dg["available"]:
        doc.p(f"No diagrams: {dg['why']}.")
        return
    doc.p("Small circuits drawn gate by gate: the smallest cases of the constructions above.")
    for g in diagrams:
        svg = g.svg
        files[f"figures/{g.name}.svg"] = svg.encode() if isinstance(svg, str) else svg
        doc.h(3, plain(g.title), f"diagram-{_slug(g.name)}")
        doc.fig(f"figures/{g.name}.svg", plain(g.title), plain(g.caption))


def _claims_section(doc: Doc, cl: dict) -> None:
    doc.h(2, "Claims of the paper and their checks", "claims")
    counts = ", ".join(f"{v} {k}" for k, v in cl["counts"].items() if v)
    doc.p(f"Each claim below is re-checked when the report is written (the quick grids; "
          f"lrnn-circuits verify runs the full ones): {counts}. Each supporting check must hold, and each "
          f"negative control — a deliberately broken construction or a wrong formula — must be rejected by the "
          f"same checker.")
    doc.ul([f"**{k}**: {v}." for k, v in STATUS_TEXT.items()])
    rows = []
    for r in cl["rows"]:
        ev = r["evidence"]
        if r.get("erratum"):
            ev += f" Erratum: {r['erratum']['what']}; fix: {r['erratum']['fix']}."
        rows.append([r["id"], r["reference"], r["statement"], r["status"], ev])
    doc.table(["claim", "paper reference", "statement", "status", "evidence"], rows, "claims")


def _tracr_section(doc: Doc, tr: dict) -> None:
    doc.h(2, "Programs compiled by tracr", "tracr")
    if not tr["available"]:
        doc.p(tr["why"] + ".")
        return
    doc.p("RASP programs from tracr's library compiled into transformers (Lindner et al. 2023), read back as "
          "fixed-point transformers and built as threshold circuits; every input sequence of every length (BOS "
          "first) goes through the circuit and its decoded output is compared with tracr's own.")
    rows = []
    for p in tr["programs"]:
        for c in p["circuits"]:
            rows.append([p["program"], ", ".join(map(str, p["vocab"])), f"{c['length']} (n = {c['n']})",
                         f"{p['precision']} ({p['frac']})", num(c["size"]), f"{c['depth']:,}",
                         f"{p['inputs_checked']:,}: " + ("all agree" if p["agrees_with_tracr"] else
                                                         f"{p['disagreements']:,} disagree")])
    doc.table(["program", "vocabulary", "input length", "bits (fraction bits)", "size (gates)", "depth",
               "inputs checked against tracr"], rows, "num")


def _about(doc: Doc, data: dict, opts: list[str]) -> None:
    s = data["settings"]
    doc.h(2, "About this report", "about")
    when = f"written on {data['date']} (SOURCE_DATE_EPOCH)" if data.get("date") else "undated (set " \
        "SOURCE_DATE_EPOCH to date it)"
    doc.p(f"lrnn-circuits {data['version']}, {'quick' if s['quick'] else 'full'} report, {when}. Reproduce it "
          f"with: lrnn-circuits report {' '.join(opts)}".rstrip() + ". Every number was computed when the page was "
          f"written; two runs with the same options give the same files.")
    if s["skip"]:
        doc.p("Sections left out by --skip: " + ", ".join(s["skip"]) + ".", "note")


def build(data: dict, diagrams: list, opts: list[str] | None = None) -> dict[str, bytes]:
    """Every file of the report from the data of :func:`reports.report_data.collect`: relative path → bytes."""
    files: dict[str, bytes] = {}
    doc = Doc()
    s = data["settings"]
    h = data.get("headline")
    intro = ("Circuits built from recurrent and attention models, after Merrill, Jiang, Li, Lin & Sabharwal, "
             "“Why Are Linear RNNs More Parallelizable?” (2026): a linear RNN unrolls through a parallel prefix "
             "scan into a circuit of depth O(log n), a nonlinear RNN into a chain of depth Θ(n), and a "
             "fixed-precision transformer layer is a constant-depth threshold circuit.")
    doc.p(intro, "lead")
    if s["quick"]:
        doc.p("This is the quick report: fewer sequence lengths and a smaller build cap. make report writes the "
              "full one.", "note")
    if h:
        _headline_section(doc, h, files)
    if data.get("scans"):
        _scans_section(doc, data["scans"], files)
    if data.get("diagrams"):
        _diagrams_section(doc, data["diagrams"], diagrams, files)
    if data.get("claims"):
        _claims_section(doc, data["claims"])
    if data.get("tracr"):
        _tracr_section(doc, data["tracr"])
    _about(doc, data, opts or [])
    title = "lrnn-circuits report"
    files["index.html"] = render_html(doc, title).encode("utf-8")
    files["report.md"] = render_md(doc, title).encode("utf-8")
    return dict(sorted(files.items()))


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


def write_report(out_dir, force: bool = False, quick: bool = False, json_data: bool = False, workers=None,
                 scheduler=None, claim_ids=None, skip=(), progress: bool | None = None,
                 opts: list[str] | None = None) -> Path:
    """Compute the report and write ``index.html``, ``report.md`` and ``figures/*.svg`` (and ``report.json``
    with ``json_data``) into ``out_dir`` (see :func:`prepare_output` for which directories it accepts). Only
    the report's own files are written; other files are left alone. Returns the path of ``index.html``."""
    from .report_data import collect, report_date, settings
    s = settings(quick, claim_ids, skip)
    report_date()  # a bad SOURCE_DATE_EPOCH is refused before computing
    out = prepare_output(out_dir, force)
    data, diagrams = collect(s, workers=workers, scheduler=scheduler, progress=progress)
    files = build(data, diagrams, opts)
    if json_data:
        files["report.json"] = (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
    write_files(out, files)
    return out / "index.html"
