"""The report: files written whole, the page's sections, plain-Unicode text, byte-identical reruns, the parallel
builds, and the headless Chromium check."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: a few quick claims of each status, so that the test stays short (the full table is `lrnn-circuits verify`)
CLAIMS = ["affine-assoc", "scan-prefixes", "rational-addition", "cor5-exact-rationals"]
QUICK = ["--quick", "--json", "--skip", "tracr"] + [a for c in CLAIMS for a in ("--claim", c)]
EPOCH = "1767225600"  # 2026-01-01
#: TeX residue that must not reach the page's text
TEX = ("_{", "^{", "\\frac", "$", "^", "\\")


def _cli(*args, env=None, timeout=300):
    e = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    return subprocess.run([sys.executable, "-m", "reports.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=e, timeout=timeout)


def _visible_text(page: str) -> str:
    """The page's text outside tags, <style> and <code> (identifiers of the code keep their underscores)."""
    body = page.split("<body>", 1)[1]
    body = re.sub(r"<code>.*?</code>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The quick report written twice: into a directory holding a foreign file (--force), and into a new one."""
    base = tmp_path_factory.mktemp("report")
    first = base / "first"
    first.mkdir()
    (first / "keep").write_text("x")
    r1 = _cli("report", "-o", str(first), "--force", *QUICK)
    assert r1.returncode == 0, r1.stderr
    second = base / "second"
    r2 = _cli("report", "-o", str(second), *QUICK)
    assert r2.returncode == 0, r2.stderr
    return first, second


def test_files_written_whole_and_foreign_files_kept(runs):
    first, _ = runs
    assert (first / "keep").read_text() == "x"  # only the report's own files are written
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert {".lrnn-circuits-report", "index.html", "report.md", "report.json", "keep", "figures/depth.svg",
            "figures/size.svg", "figures/scans.svg"} <= set(names)
    assert not [n for n in names if n.endswith(".tmp") or "probe" in n]
    for svg in first.glob("figures/*.svg"):
        text = svg.read_text()
        assert text.startswith("<svg") and text.rstrip().endswith("</svg>"), svg.name


def test_two_runs_are_byte_identical(runs):
    first, second = runs
    files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(files) >= 8
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_page_sections(runs):
    first, _ = runs
    page = (first / "index.html").read_text()
    data = json.loads((first / "report.json").read_text())
    body = page.split("<body>", 1)[1]
    assert "<?xml" not in body and "<!DOCTYPE" not in body.upper().replace("<!DOCTYPE HTML>", "")
    assert "http://" not in body and "https://" not in body and "<script" not in page  # offline, no scripts
    # the headline figure: both kinds of points (built and not built), and a legend that says so
    depth_svg = (first / "figures" / "depth.svg").read_text()
    assert '<img src="figures/depth.svg"' in page and "built and measured" in depth_svg
    assert "closed form" in depth_svg and "stops at n" in depth_svg
    kinds = {r["how"].split(" ")[0] for r in data["headline"]["rows"]}
    assert "built" in kinds and len(kinds) >= 3
    # the tables: every model and n, the sources list, the scan schedules
    assert page.count('<table class="num">') >= 3 and "Sources, model by model" in page
    for m in data["headline"]["models"]:
        assert html.escape(m["label"]) in page
    assert data["headline"]["n"] == [4, 16, 64, 256, 1024, 4096]
    stopped = [r for r in data["headline"]["rows"] if r["depth"] is None]
    assert stopped and all("not computed" in r["how"] for r in stopped)  # never a made-up number
    assert "the depth line stops at n" in page
    for name in data["scans"]["schedules"]:
        assert f"<td>{name}</td>" in page
    # the date of SOURCE_DATE_EPOCH
    assert data["date"] == "2026-01-01" and "written on 2026-01-01" in page


def test_claims_table_and_legend(runs):
    first, _ = runs
    page = (first / "index.html").read_text()
    data = json.loads((first / "report.json").read_text())
    assert [r["id"] for r in data["claims"]["rows"]] == CLAIMS
    statuses = {r["id"]: r["status"] for r in data["claims"]["rows"]}
    assert statuses["rational-addition"] == "verified-with-erratum" and statuses["cor5-exact-rationals"] == "open"
    assert '<table class="claims">' in page
    for st in ("proved", "checked", "verified-with-erratum", "open", "failed"):
        assert f"<li><b>{st}</b>:" in page  # the legend: one line per status
    ev = {r["id"]: r["evidence"] for r in data["claims"]["rows"]}
    assert "deliberately broken" in ev["affine-assoc"] and "Erratum:" in page
    assert "rsolve" not in page and "issue" not in _visible_text(page).lower()


def test_no_tex_residue_in_the_page_text(runs):
    first, _ = runs
    page = (first / "index.html").read_text()
    text = _visible_text(page)
    for t in TEX:
        assert t not in text, (t, text[max(0, text.find(t) - 80): text.find(t) + 80])
    md = (first / "report.md").read_text()
    md_text = re.sub(r"`[^`]*`", " ", md)
    for t in ("_{", "^{", "\\frac", "$"):
        assert t not in md_text, t
    for ref in re.findall(r"\]\((figures/[^)]+\.svg)\)", md):
        assert (first / ref).is_file(), ref


def test_diagrams_section(runs):
    first, _ = runs
    page = (first / "index.html").read_text()
    data = json.loads((first / "report.json").read_text())
    try:
        import reports.diagrams  # noqa: F401
    except ImportError:
        pytest.skip("reports.diagrams is not available")
    items = data["diagrams"]["items"]
    assert data["diagrams"]["available"] and len(items) >= 5
    for g in items:
        assert f'<img src="figures/{g["name"]}.svg"' in page
        assert (first / "figures" / f"{g['name']}.svg").read_text().lstrip().startswith("<svg")


def test_plain_unicode_rewrites():
    from reports.plain import plain
    assert plain("h_t = A_t h_{t-1} + b_t") == "hₜ = Aₜ hₜ₋₁ + bₜ"
    assert plain("n = 2^k, error 2^-40, x^(p−1)") == "n = 2ᵏ, error 2⁻⁴⁰, xᵖ⁻¹"
    assert plain("$\\frac{a}{b} \\le c$") == "(a)/(b) ≤ c"
    assert plain("a gap of 2^−(D−1); P_σ diag(D_σ)") == "a gap of 2⁻⁽ᴰ⁻¹⁾; P(σ) diag(D(σ))"
    assert plain("weights 2^O(√p)") == "weights 2 to the power O(√p)"
    assert plain("solved by rsolve") == "solved symbolically"
    assert plain("lrnn_bounds and build_lrnn") == "lrnn_bounds and build_lrnn"  # code names stay


def test_every_registered_claim_text_is_plain():
    """Not only the claims of the quick run: every statement, reference and check name in the registry."""
    from proofs_check.claims import REGISTRY, load_builtin
    from reports.plain import IDENTIFIER, plain
    load_builtin()
    for c in REGISTRY.values():
        for t in [c.statement, c.reference, c.why_open or ""] + [ch.name for ch in c.checks]:
            p = IDENTIFIER.sub(" ", plain(t))
            for bad in TEX:
                assert bad not in p, (c.id, bad, p)
            assert not re.search(r"(?<![A-Za-z0-9])[A-Za-z]_[A-Za-z0-9]", p), (c.id, p)


def test_tracr_missing_is_one_line(monkeypatch):
    import builtins

    from reports.report import Doc, _tracr_section, render_html
    from reports.report_data import _tracr, settings
    real = builtins.__import__

    def no_tracr(name, *a, **kw):
        if name == "tracr" or name.startswith("tracr."):
            raise ImportError("No module named 'tracr'")
        return real(name, *a, **kw)
    monkeypatch.setattr(builtins, "__import__", no_tracr)
    ticks = []
    tr = _tracr(settings(quick=True), ticks.append)
    assert tr["available"] is False and "not installed" in tr["why"] and ticks == ["tracr"]
    doc = Doc()
    _tracr_section(doc, tr)
    page = render_html(doc, "t")
    assert page.count("<p>") == 1 and "tracr is not installed" in page and "<table" not in page


def test_parallel_headline_equals_serial():
    from reports.report_data import _headline, settings
    from dataclasses import replace
    s = replace(settings(quick=True), ns=(4, 16), max_gates=2_000, model_max_gates=500)
    serial = _headline(s, lambda label: None)
    parallel = _headline(s, lambda label: None, workers=2)
    assert serial == parallel and len(serial["rows"]) == 2 * len(serial["models"])


@pytest.mark.parametrize("args, env, msg", [
    (["--claim", "no-such-claim"], None, "no-such-claim"),
    (["--skip", "nothing"], None, "--skip"),
    ([], {"SOURCE_DATE_EPOCH": "yesterday"}, "SOURCE_DATE_EPOCH"),
    (["--workers", "0"], None, "--workers"),
])
def test_bad_options_exit_2_before_computing(tmp_path, args, env, msg):
    out = tmp_path / "r"
    r = _cli("report", "--quick", "-o", str(out), *args, env=env, timeout=60)
    assert r.returncode == 2 and msg in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed: the render check is skipped")
def test_chromium_renders_the_page(runs, tmp_path):
    from reports.render_check import render_problems
    first, _ = runs
    problems, facts = render_problems(first)
    assert problems == [], problems
    n_img = (first / "index.html").read_text().count("<img ")
    assert len(facts["images"]) == n_img >= 3 and all(i["ok"] for i in facts["images"])
    shot = first / "screenshot.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # a page with a missing figure is caught
    broken = tmp_path / "broken"
    shutil.copytree(first, broken)
    (broken / "figures" / "size.svg").unlink()
    r = _cli("report", "--check-render-only", "-o", str(broken), timeout=180)
    assert r.returncode == 1 and "figures/size.svg" in r.stderr, (r.returncode, r.stderr)
    # and so is a console error (console.error logs at Chromium's INFO level)
    noisy = tmp_path / "noisy"
    shutil.copytree(first, noisy)
    page = noisy / "index.html"
    page.write_text(page.read_text().replace("</body>", '<script>console.error("boom")</script></body>', 1))
    problems, _ = render_problems(noisy, screenshot=False)
    assert any("boom" in p for p in problems), problems
