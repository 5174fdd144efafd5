"""The measured tables of docs/transformer.md (between its markers), written by code.

    .venv/bin/python benchmarks/transformer_tables.py          # rebuild every table, rewrite the doc blocks
    .venv/bin/python benchmarks/transformer_tables.py --check  # recompute the cheap rows; exit 1 if the doc differs

Blocks: ``depth`` (the transformer layer of ``constructions.transformer.forms.model`` at d = 1, p = 4: threshold
depth and size against n, built up to n = 512 and from the checked closed form above; the boolean version's
depth while it is built), ``compare`` (``lrnn-circuits compare`` at its defaults; full run only), ``tracr``
(tracr-compiled programs through their circuits; full run only, with the ``[tracr]`` extra).
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DOC = Path(__file__).resolve().parents[1] / "docs" / "transformer.md"
BUILT = (2, 4, 8, 16, 32, 64, 128, 256, 512)
CHEAP = (2, 4, 8, 16)
FORMULA = (1024, 4096, 65536)
BOOLEAN = (2, 4, 8, 16, 32, 64, 128)


def depth_rows(ns, boolean_ns):
    from constructions.transformer.forms import closed_form, measure, poly_eval
    cf = {c: closed_form(causal=c) for c in (False, True)}
    for n in ns:
        cells = []
        for causal in (False, True):
            if n in FORMULA:
                cells += [f"{cf[causal]['depth']}*", f"{poly_eval(cf[causal]['coef'], n):,}*"]
            else:
                m = measure(n, causal=causal)
                cells += [str(m["depth"]), f"{m['size']:,}"]
        b = measure(n, "boolean")["depth"] if n in boolean_ns else "—"
        yield f"| {n:,} | " + " | ".join(cells) + f" | {b} |"


def depth_block(cheap: bool) -> str:
    from constructions.transformer.forms import closed_form
    ns = CHEAP if cheap else BUILT + FORMULA
    rows = list(depth_rows(ns, [n for n in BOOLEAN if n in ns]))
    out = ["| n | depth | size | depth (causal) | size (causal) | boolean depth |",
           "|---|---|---|---|---|---|"] + rows
    if not cheap:
        cfs = {c: closed_form(causal=c) for c in (False, True)}
        for causal, cf in cfs.items():
            a, b, c2 = cf["size_coefficients"]
            out.append("")
            out.append(f"{'Causal' if causal else 'Non-causal'}: size = {c2}·n² + {b}·n + {a} (fitted at n = "
                       f"{cf['fitted_at']}, checked at n = {cf['checked_at']} and every built row above); "
                       f"depth {cf['depth']} for every n ≥ 2.")
        from constructions.transformer.forms import measure
        s64, s512 = measure(64)["size"], measure(512)["size"]
        out.append("")
        out.append(f"Fitted exponent of the size between n = 64 and 512: "
                   f"{math.log(s512 / s64) / math.log(8):.3f}.")
    return "\n".join(out) + "\n"


def compare_block() -> str:
    from reports.compare import compare, format_table
    ns = [8 << k for k in range(10)]
    return "```text\n" + format_table(compare(ns)) + "```\n"


TRACR_PROGRAMS = (("make_length", (1, 2, 3), 5), ("make_reverse", (1, 2, 3), 5), ("make_hist", (1, 2, 3), 4),
                  ("make_sort_freq", (1, 2, 3), 3))


def tracr_block() -> str | None:
    """tracr programs through their circuits (None when tracr is not installed)."""
    try:
        import tracr  # noqa: F401
    except ImportError:
        return None
    from constructions.transformer.tracr import check_model, compile_program
    out = ["| program | vocab | max length | p | F | size (longest) | depth | inputs | agree with tracr |",
           "|---|---|---|---|---|---|---|---|---|"]
    for name, vocab, L in TRACR_PROGRAMS:
        r = check_model(compile_program(name, vocab, L))
        out.append(f"| `{name}` | {{{', '.join(map(str, vocab))}}} | {L} | {r['precision']} | {r['frac']} | "
                   f"{r['size']:,} | {r['depth']} | {r['inputs_checked']:,} | "
                   f"{'all' if r['agrees_with_tracr'] else str(r['disagreements']) + ' disagree'} |")
    return "\n".join(out) + "\n"


def _replace(text: str, name: str, block: str) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    i, j = text.index(begin) + len(begin), text.index(end)
    return text[:i] + "\n" + block + text[j:]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args(argv)
    text = DOC.read_text()
    if a.check:
        missing = [r for r in depth_block(True).splitlines()[2:] if r not in text]
        for r in missing:
            print(f"docs/transformer.md lacks the row: {r}")
        return 1 if missing else 0
    text = _replace(text, "depth", depth_block(False))
    text = _replace(text, "compare", compare_block())
    tb = tracr_block()
    if tb is None:
        print("tracr is not installed: the tracr table is left as it is")
    else:
        text = _replace(text, "tracr", tb)
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(text)
    tmp.replace(DOC)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
