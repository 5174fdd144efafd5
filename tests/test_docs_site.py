"""The documentation site: the strict mkdocs build, the generated CLI and API reference, the class map, the figures."""
from __future__ import annotations

import html
import importlib.util
import inspect
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import reports.site as site
import reports.site_figures as site_figures
from proofs_check.claims import REGISTRY, load_builtin
from reports.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
TUTORIALS = ("01-first-circuit.md", "02-unrolling-lrnns.md", "03-nonlinear-rnns.md", "04-arithmetic-to-bits.md",
             "05-transformers.md", "06-nc1-barrington.md", "07-dplr-wfa.md", "08-verifying.md")


def _nav_pages(nav) -> list[str]:
    out = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        out += _nav_pages(value) if isinstance(value, list) else [value]
    return out


def _nav() -> list[str]:
    # mkdocs.yml is plain YAML except for no custom tags; yaml comes with mkdocs (skip when absent)
    yaml = pytest.importorskip("yaml", reason="PyYAML (installed with mkdocs) is needed to read mkdocs.yml")
    return _nav_pages(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"])


# ---------------------------------------------------------------------------------------------------------
# the class map
def test_class_map_names_only_registered_claims():
    load_builtin()
    ids = site.class_map_claim_ids()
    assert ids, "the class map names no claim"
    missing = [i for i in ids if i not in REGISTRY]
    assert not missing, f"class map names unregistered claims: {missing}"
    md = site.class_map_markdown()
    for i in ids:
        assert f"`{i}`" in md and REGISTRY[i].reference.split()[0] in html.unescape(md)


def test_class_map_places_every_model_in_a_known_class_and_fills_the_chain():
    classes = {cls for _, cls, _, _, _ in site.CLASS_MAP}
    assert classes <= set(site.CLASSES)
    # the stated results: PD-LRNNs NC¹-complete, DPLR PNC¹-complete, nonlinear RNNs L- and P-complete
    complete = {(cls, model.split(" (")[0]) for model, cls, rel, _, _ in site.CLASS_MAP if rel == "complete"}
    assert {c for c, _ in complete} == {"NC¹", "PNC¹", "L", "P"}
    assert {cls for model, cls, _, _, _ in site.CLASS_MAP if model.startswith("Transformer")} == {"TC⁰"}
    assert site.CLASS_MAP_MARKER in (DOCS / "classes.md").read_text()


def test_class_map_figure_nests_the_classes():
    dot = site.class_map_dot()
    order = [dot.index(f'label="{c}"') for c in reversed(site.CLASSES)]
    assert order == sorted(order)  # P outermost, TC⁰ innermost
    assert dot.count("subgraph cluster_") == len(site.CLASSES)
    assert dot.count(" [label=") == len(site.CLASS_MAP)


def test_unknown_claim_in_the_class_map_is_an_error(monkeypatch):
    monkeypatch.setattr(site, "CLASS_MAP", site.CLASS_MAP + (("X", "P", "in", "", ("no-such-claim",)),))
    with pytest.raises(ValueError, match="no-such-claim"):
        site.class_map_markdown()


# ---------------------------------------------------------------------------------------------------------
# the CLI reference
def _parser_subcommands():
    import argparse

    for a in build_parser()._actions:
        if isinstance(a, argparse._SubParsersAction):
            return a.choices
    raise AssertionError("build_parser() has no subcommands")


def test_cli_reference_has_every_subcommand_and_option():
    md = site.cli_reference_markdown()
    subs = _parser_subcommands()
    assert site.subcommands() == list(subs)
    for name, sp in subs.items():
        assert f"## `{name}` {{ #{name} }}" in md
        section = md.split(f"## `{name}` {{ #{name} }}", 1)[1].split("\n## `", 1)[0]
        for action in sp._actions:
            for opt in action.option_strings:
                if opt not in ("-h", "--help"):
                    assert opt in section, f"{name}: option {opt} missing from the CLI reference"
            if action.choices and not action.option_strings:
                for c in action.choices:
                    assert str(c) in section
    assert "object at 0x" not in md  # choices expanded, not a repr


# ---------------------------------------------------------------------------------------------------------
# the API reference
def test_api_pages_document_every_public_name():
    for page, (_, _, modnames) in site.API_PAGES.items():
        md = site.api_markdown(page)
        for top in modnames:
            for mod in site._expand(top):
                assert f"{{ #{mod.__name__} }}" in md
                for name, obj in site._public_members(mod):
                    if inspect.isclass(obj) or inspect.isfunction(obj):
                        assert f"{{ #{mod.__name__}.{name} }}" in md, f"{mod.__name__}.{name} not on api/{page}"


def test_docstring_rendering():
    doc = ("Title\n-----\n\nUse :func:`run_claims` when a < b.\n\n>>> 1 + 1\n2\n\nAfter the example.\n"
           "A list:\n* one\n* two")
    md = site._docstring_markdown(doc)
    assert "**Title**" in md and "-----" not in md
    assert "``run_claims``" in md and "a &lt; b" in md
    assert "```pycon\n>>> 1 + 1\n2\n```" in md
    assert "A list:\n\n* one" in md
    assert site._docstring_markdown("``n < 1``") == "``n < 1``"  # code spans untouched


def test_class_docs_are_the_class_own():
    from proofs_check.claims import Check
    from proofs_check.sweep import SweepError

    assert site._class_doc(Check) is None  # a dataclass without a docstring: not its generated signature
    md = "\n".join(site._class_markdown(SweepError, "proofs_check.sweep.SweepError"))
    assert inspect.getdoc(Exception) not in md
    assert site._class_doc(site_figures.FigureError) == site_figures.FigureError.__doc__.strip()


def test_fence_options_are_dropped_for_rendering():
    md = "```python continuation\nx = 1\n```\n    ```python notest\n    y\n    ```\n```text\nz\n```\n"
    assert site.strip_fence_options(md) == "```python\nx = 1\n```\n    ```python\n    y\n    ```\n```text\nz\n```\n"


def test_signature_rendering():
    # this module has `from __future__ import annotations`: the annotations are kept as the text written
    def f(self, a: int | None = None, *rest, k: str = "x") -> dict:
        pass

    assert site._signature(f, "f", method=True) == "f(a: int | None = None, *rest, k: str = 'x') -> dict"


# ---------------------------------------------------------------------------------------------------------
# the figure registry
def test_figures_are_svg_and_named_by_contract():
    assert "site-classes.svg" in site_figures.FIGURES
    assert all(site_figures.NAME_RE.match(n) for n in site_figures.FIGURES)
    svg = site_figures.render("site-classes.svg")
    assert "<svg" in svg and "TC⁰" in svg and "PNC¹" in svg
    with pytest.raises(site_figures.FigureError, match="unknown figure"):
        site_figures.render("no-such.svg")


def _fake_package(monkeypatch, modules: dict):
    infos = [types.SimpleNamespace(name=n) for n in modules]
    monkeypatch.setattr(site_figures.pkgutil, "iter_modules", lambda path: infos)
    monkeypatch.setattr(site_figures.importlib, "import_module",
                        lambda name: types.SimpleNamespace(FIGURES=modules[name.rsplit(".", 1)[1]]))


def test_duplicate_figure_names_are_refused(monkeypatch):
    _fake_package(monkeypatch, {"a": {"t1-x.svg": str}, "b": {"t1-x.svg": str}})
    with pytest.raises(site_figures.FigureError, match=r"duplicate figure name 't1-x.svg'.*\.a and in .*\.b"):
        site_figures.collect()


@pytest.mark.parametrize("figs, message", [({"T1 X.svg": str}, "lower-case file name"),
                                           ({"t1-x.png": str}, "ending in .svg"),
                                           ({"t1-x.svg": "not callable"}, "not a zero-argument function"),
                                           (["t1-x.svg"], "must be a dict")])
def test_bad_figure_entries_are_refused(monkeypatch, figs, message):
    _fake_package(monkeypatch, {"a": figs})
    with pytest.raises(site_figures.FigureError, match=message):
        site_figures.collect()


def test_every_extra_of_setup_cfg_is_described(tmp_path):
    found = site.extras()
    assert {"test", "docs"} <= set(found) and all(found.values())
    assert set(found) == set(site.EXTRA_PURPOSES), "describe each extra of setup.cfg in reports.site.EXTRA_PURPOSES"
    md = site.extras_markdown()
    for name, reqs in found.items():
        assert all(f"`{r}`" in md for r in reqs) and site.EXTRA_PURPOSES[name] in md
    assert site.EXTRAS_MARKER in (DOCS / "install.md").read_text()
    cfg = tmp_path / "setup.cfg"
    cfg.write_text("[options.extras_require]\n# a comment\nfoo =\n    bar>=1\n    baz\n")
    assert site.extras(cfg) == {"foo": ["bar>=1", "baz"]}


def test_generated_pages_are_not_kept_in_docs():
    for uri in ["cli.md", *(f"api/{p}.md" for p in site.API_PAGES)]:
        assert not (DOCS / uri).exists(), f"docs/{uri} is generated at build time"
    assert not (DOCS / "figures").exists()


# ---------------------------------------------------------------------------------------------------------
# the nav and the strict build
def test_nav_lists_every_page_and_the_eight_tutorials():
    nav = _nav()
    for t in TUTORIALS:
        assert f"tutorials/{t}" in nav
    generated = {"cli.md", *(f"api/{p}.md" for p in site.API_PAGES)}
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert not pages - set(nav), f"pages missing from the nav: {sorted(pages - set(nav))}"
    missing = set(nav) - pages - generated - {f"tutorials/{t}" for t in TUTORIALS}
    assert not missing, f"nav names pages that do not exist: {sorted(missing)}"


def _docstring_with_a_fence():
    """A fenced block in a test module's docstring is not a test (tests/conftest.py keeps such blocks out):

    ```python
    raise AssertionError("a docstring block of a test module was collected as a test")
    ```
    """


def test_docstring_blocks_of_test_modules_are_not_collected(request):
    assert request.config.option.markdowndocs, "setup.cfg's addopts should turn --markdown-docs on"
    items = request.session.items
    assert any(i.nodeid == "tests/test_docs_site.py::test_docstring_blocks_of_test_modules_are_not_collected"
               for i in items)
    fences = [i.nodeid for i in items if i.nodeid.startswith("tests/") and "CodeFence" in i.nodeid]
    assert not fences, f"docstring blocks of test modules collected: {fences}"


def _have_mkdocs() -> bool:
    return all(importlib.util.find_spec(m) for m in ("mkdocs", "material"))


@pytest.mark.skipif(not _have_mkdocs(), reason="mkdocs / mkdocs-material not installed (pip install '.[docs]')")
def test_mkdocs_build_strict(tmp_path):
    out = tmp_path / "site"
    res = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"),
                          "-d", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert res.returncode == 0, f"mkdocs build --strict failed:\n{res.stderr[-3000:]}"
    assert not (ROOT / "docs" / "figures").exists()

    cli = (out / "cli" / "index.html").read_text()
    for name in _parser_subcommands():
        assert f'id="{name}"' in cli, f"CLI reference page lacks subcommand {name}"

    classes = (out / "classes" / "index.html").read_text()
    assert site.CLASS_MAP_MARKER not in classes
    load_builtin()
    named = set(re.findall(r'id="claim-([a-z0-9-]+)"', classes))
    assert named == set(site.class_map_claim_ids()) and named <= set(REGISTRY)
    assert 'src="../figures/site-classes.svg"' in classes
    install = (out / "install" / "index.html").read_text()
    assert site.EXTRAS_MARKER not in install and "mkdocs-material" in install

    for name in site_figures.FIGURES:
        f = out / "figures" / name
        assert f.is_file() and "<svg" in f.read_text()[:4000], f"figure {name} missing from the site"
    for page in site.API_PAGES:
        assert (out / "api" / page / "index.html").is_file()
    # every fence rendered as code: none left as a paragraph starting with ``` (an unrecognised fence)
    for f in out.rglob("*.html"):
        text = f.read_text()
        assert not re.search(r"<p>(```|~~~)", text), f"{f.relative_to(out)}: a fenced block did not render"
        # offline: nothing loaded from the network (no CDN fonts, scripts, styles or images)
        assert not re.search(r'<(script|img)[^>]* src="(https?:)?//', text), f"{f.relative_to(out)} loads a URL"
        assert not re.search(r'<link[^>]* href="(https?:)?//', text), f"{f.relative_to(out)} links a remote file"
    for t in TUTORIALS:
        if (DOCS / "tutorials" / t).exists():
            assert (out / "tutorials" / t[:-3] / "index.html").is_file()
