"""Open the report in headless Chromium and check that it renders: every referenced file exists and loads as an
image, the page logs no console error, and a screenshot is saved (``DIR/screenshot.png``).

Use: ``python -m reports.render_check [DIR]`` (default ``report``) or ``lrnn-circuits report --check-render``
(after writing) / ``--check-render-only``. Exit status 0 when the page renders cleanly, 1 when a check fails,
2 when the page or Chromium is missing.

How: the page has no scripts, so the check loads a copy of the report in a temporary directory with a small
probe script appended (``probe.html``): after the load event it records, for every ``<img>``, whether it loaded
(``complete`` and a nonzero ``naturalWidth``) and any error event, and Chromium's ``--dump-dom`` prints the
result. Console messages come from ``--enable-logging=stderr --v=0``. Then Chromium takes the screenshot of the
real page. The report directory gets only ``screenshot.png`` (written atomically).
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["find_chromium", "references", "check_render", "render_problems"]

WINDOW = (1280, 2400)
TIMEOUT = 120

_PROBE = """<script>
(function () {
  var errors = [];
  window.addEventListener("error", function (e) {
    errors.push(String(e.message || (e.target && (e.target.src || e.target.href)) || "error"));
  }, true);
  window.addEventListener("load", function () {
    var imgs = Array.prototype.map.call(document.images, function (im) {
      return {src: im.getAttribute("src"), ok: im.complete && im.naturalWidth > 0, w: im.naturalWidth};
    });
    var pre = document.createElement("pre");
    pre.id = "render-probe";
    var mark = "@@REN" + "DER@@";
    pre.textContent = mark + JSON.stringify({images: imgs, errors: errors}) + mark;
    document.body.appendChild(pre);
  });
})();
</script>"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def references(page: str) -> list[str]:
    """Local files the page refers to (``src``/``href`` that are not anchors or URLs with a scheme)."""
    refs = []
    for m in re.finditer(r'\s(?:src|href)="([^"]*)"', page):
        ref = html.unescape(m.group(1))
        if ref.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
            continue
        refs.append(ref)
    return sorted(set(refs))


def _chromium(binary: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
           f"--user-data-dir={cwd / 'profile'}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd)


def _console_errors(stderr: str) -> list[str]:
    """Console messages of the page from Chromium's log. The page runs no script of its own (and the probe logs
    nothing), so every console message counts; Chromium logs them all at its INFO level, whatever the
    message's own level (console.error included)."""
    out = []
    for line in stderr.splitlines():
        if ":CONSOLE" in line:
            out.append(line.strip())
        elif "Failed to load resource" in line or "Uncaught" in line:
            out.append(line.strip())
    return out


def render_problems(out_dir, screenshot: bool = True) -> tuple[list[str], dict]:
    """Check the report in ``out_dir``; returns (problems, facts). ``facts``: images seen, console lines,
    screenshot path. Raises FileNotFoundError when the page or Chromium is missing."""
    out = Path(out_dir)
    page_path = out / "index.html"
    if not page_path.is_file():
        raise FileNotFoundError(f"no report page at {page_path}")
    binary = find_chromium()
    if binary is None:
        raise FileNotFoundError("chromium is not installed (needed to check the rendering)")
    page = page_path.read_text(encoding="utf-8")
    problems = []
    refs = references(page)
    for ref in refs:
        if not (out / ref).is_file():
            problems.append(f"missing file: {ref}")
    facts: dict = {"references": refs}
    with tempfile.TemporaryDirectory(prefix="lrnn-render-") as tmp:
        tmp = Path(tmp)
        site = tmp / "site"
        shutil.copytree(out, site, ignore=shutil.ignore_patterns("screenshot.png", "report.json"))
        probe = site / "probe.html"
        probe.write_text(page.replace("</body>", _PROBE + "</body>", 1), encoding="utf-8")
        r = _chromium(binary, ["--virtual-time-budget=10000", "--run-all-compositor-stages-before-draw",
                               "--dump-dom", probe.as_uri()], tmp)
        m = re.search(r"@@RENDER@@(.*?)@@RENDER@@", html.unescape(r.stdout), re.S)
        if m is None:
            problems.append("the page did not finish loading in Chromium"
                            + (f" ({r.stderr.strip().splitlines()[-1]})" if r.stderr.strip() else ""))
            result = {"images": [], "errors": []}
        else:
            result = json.loads(m.group(1))
        facts["images"] = result["images"]
        for im in result["images"]:
            if not im["ok"]:
                problems.append(f"image did not load: {im['src']}")
        for e in result["errors"]:
            problems.append(f"page error: {e}")
        console = _console_errors(r.stderr)
        facts["console"] = console
        problems += [f"console: {c}" for c in console]
        imgs = re.findall(r"<img\s", page)
        if len(result["images"]) != len(imgs) and m is not None:
            problems.append(f"the page has {len(imgs)} images, Chromium saw {len(result['images'])}")
        if screenshot:
            shot = tmp / "screenshot.png"
            r2 = _chromium(binary, [f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                                    "--virtual-time-budget=10000", page_path.resolve().as_uri()], tmp)
            problems += [f"console: {c}" for c in _console_errors(r2.stderr) if c not in console]
            if not shot.is_file() or shot.stat().st_size == 0:
                problems.append("Chromium wrote no screenshot")
            else:
                from circuits.io import atomic_write_bytes
                atomic_write_bytes(out / "screenshot.png", shot.read_bytes())
                facts["screenshot"] = str(out / "screenshot.png")
    return problems, facts


def check_render(out_dir="report") -> int:
    """Print the outcome; 0 clean, 1 a problem, 2 no page or no Chromium."""
    try:
        problems, facts = render_problems(out_dir)
    except FileNotFoundError as e:
        print(f"render check: {e}", file=sys.stderr)
        return 2
    except subprocess.TimeoutExpired:
        print(f"render check: Chromium did not finish within {TIMEOUT} s", file=sys.stderr)
        return 1
    if problems:
        for p in problems:
            print(f"render check: {p}", file=sys.stderr)
        return 1
    print(f"render check: {len(facts['images'])} images loaded, no console errors; screenshot "
          f"{facts.get('screenshot')}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(check_render(sys.argv[1] if len(sys.argv) > 1 else "report"))
