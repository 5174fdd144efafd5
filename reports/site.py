"""The mkdocs hook of the documentation site (``hooks: [reports/site.py]`` in ``mkdocs.yml``).

At build time it adds generated pages and files to the site; nothing is written into ``docs/``:

* ``cli.md`` — the command-line reference, rendered from ``reports.cli.build_parser()`` (every subcommand, its
  help, description, usage, arguments, choices and defaults);
* ``api/<package>.md`` — the Python API reference, rendered with ``inspect`` from the docstrings and signatures
  of the public names of the modules in ``API_PAGES``;
* ``figures/<name>`` — every figure of ``reports.site_figures.FIGURES``;
* in ``classes.md``, the placeholder ``<!-- class-map -->`` becomes the table of ``CLASS_MAP`` (each model, its
  class, and the claims of ``proofs_check.claims`` that support the placement, read from the registry);
* in ``install.md``, ``<!-- extras -->`` becomes the table of the optional extras read from ``setup.cfg``.

The functions that render are plain Python (``cli_reference_markdown``, ``api_markdown``,
``class_map_markdown``) and can be called without mkdocs.
"""
from __future__ import annotations

import argparse
import html
import importlib
import inspect
import pkgutil
import re

# ---------------------------------------------------------------------------------------------------------
# the complexity-class map
CLASSES = ("TC⁰", "NC¹", "PNC¹", "L", "P")

#: (model, class, relation, source in the literature, claim ids of ``proofs_check.claims`` that back it here)
CLASS_MAP = (
    ("Transformer, fixed precision (average-hard attention)", "TC⁰", "in",
     "Merrill & Sabharwal 2023; Chiang 2025",
     ("transformer-tc0", "transformer-exact", "threshold-iterated-addition")),
    ("Diagonal LRNN (Mamba, S4)", "TC⁰", "in",
     "Merrill, Petty & Sabharwal 2024",
     ("lrnn-equals-recurrence", "lrnn-depth-log")),
    ("PD-LRNN (A = P·D: permutation × diagonal)", "NC¹", "complete",
     "Thm 7 (in NC¹), Thm 8 (NC¹-hard)",
     ("pd-closure", "thm7-pd-closure-general", "thm7-pd-lowered-depth", "wfa-to-pd-lrnn", "barrington",
      "group-word-problem")),
    ("DPLR LRNN (DeltaNet, RWKV-7: diagonal + low rank)", "PNC¹", "complete",
     "Thm 3 (in PNC¹), Thm 5 (PNC¹-hard), Thm 6 (any WFA)",
     ("dplr-rank", "thm5-rwkv7-products", "thm5-deltanet-products", "wfa-to-dplr-lrnn")),
    ("Any LRNN over Q", "PNC¹", "in",
     "Thm 3; Cor 5 (boolean depth O(log n · log* n))",
     ("affine-assoc", "lrnn-equals-recurrence", "lrnn-depth-log", "cor5-exact-rationals")),
    ("Nonlinear RNN, log precision", "L", "complete",
     "Prop 1 / Cor 1 (in L), Thm 2 / Cor 4 (L-hard)",
     ("thm2-graph-connectivity", "prop1-cor1-upper-bounds", "rnn-depth-linear")),
    ("Nonlinear RNN, polynomial precision", "P", "complete",
     "Prop 1 / Cor 1 (in P), Thm 1 / Cor 2–3 (P-hard)",
     ("thm1-stack-rnn", "prop1-cor1-upper-bounds", "rnn-unrolled-depth-linear", "rnn-no-associative-combine")),
)

CLASS_MAP_MARKER = "<!-- class-map -->"


def class_map_claim_ids() -> list[str]:
    """Every claim id the class map names, in order of first mention."""
    seen: dict[str, None] = {}
    for *_, ids in CLASS_MAP:
        for i in ids:
            seen.setdefault(i, None)
    return list(seen)


def _registry() -> dict:
    from proofs_check.claims import REGISTRY, load_builtin

    load_builtin()
    return REGISTRY


def _cell(text) -> str:
    return html.escape(str(text), quote=False).replace("|", "&#124;").replace("\n", " ")


def class_map_markdown() -> str:
    """The class map as markdown tables: the models by class, then every claim named with its reference."""
    reg = _registry()
    missing = [i for i in class_map_claim_ids() if i not in reg]
    if missing:
        raise ValueError(f"class map names claims that are not registered: {', '.join(missing)}")
    lines = ["| model | class | | source | claims |", "|---|---|---|---|---|"]
    for model, cls, rel, source, ids in CLASS_MAP:
        rel_text = f"{cls}-complete" if rel == "complete" else f"in {cls}"
        claims = ", ".join(f"[`{i}`](#claim-{i})" for i in ids)
        lines.append(f"| {_cell(model)} | **{cls}** | {rel_text} | {_cell(source)} | {claims} |")
    lines += ["", "### The claims named above", "",
              "| claim | paper reference | statement |", "|---|---|---|"]
    for i in class_map_claim_ids():
        c = reg[i]
        statement = c.statement if len(c.statement) <= 300 else c.statement[:297].rstrip() + "…"
        lines.append(f'| <span id="claim-{i}"></span>`{i}` | {_cell(c.reference)} | {_cell(statement)} |')
    return "\n".join(lines) + "\n"


def class_map_dot() -> str:
    """Graphviz DOT of the nested classes TC⁰ ⊆ NC¹ ⊆ PNC¹ ⊆ L ⊆ P with each model placed in its class."""
    fills = ("#fff7e6", "#e8f4fd", "#eaf7e4", "#f6e8f7", "#fdecea")
    by_class: dict[str, list] = {c: [] for c in CLASSES}
    for k, (model, cls, rel, _, _) in enumerate(CLASS_MAP):
        by_class[cls].append((k, model, rel))
    out = ['digraph classes {', '  graph [fontname="Helvetica", rankdir=LR, nodesep=0.15, ranksep=0.3];',
           '  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", fillcolor=white];']
    outer_first = list(reversed(CLASSES))
    for depth, cls in enumerate(outer_first):
        out.append("  " * (depth + 1) + f"subgraph cluster_{depth} {{")
        ind = "  " * (depth + 2)
        fill = fills[len(CLASSES) - 1 - depth]
        out.append(f'{ind}label="{cls}"; labeljust=l; style="rounded,filled"; fillcolor="{fill}"; fontsize=14;')
        for k, model, rel in by_class[cls]:
            name, _, detail = model.partition(" (")
            label = name.replace(", ", ",\\n") + (f"\\n({detail}" if detail else "")
            label = label.replace('"', "'") + (f"\\n{cls}-complete" if rel == "complete" else "")
            style = ', penwidth=2' if rel == "complete" else ""
            out.append(f'{ind}m{k} [label="{label}"{style}];')
    for depth in reversed(range(len(outer_first))):
        out.append("  " * (depth + 1) + "}")
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------------
# the CLI reference
def _subparsers(parser: argparse.ArgumentParser):
    """(name, help, subparser) for every subcommand, in the order they were added."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sp in action.choices.items():
                yield name, helps.get(name, ""), sp


def subcommands() -> list[str]:
    """The subcommands of ``lrnn-circuits``, from ``build_parser()``."""
    from reports.cli import build_parser

    return [name for name, _, _ in _subparsers(build_parser())]


def _usage(parser: argparse.ArgumentParser) -> str:
    fmt = argparse.HelpFormatter(parser.prog, width=80)
    fmt.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return fmt.format_help().strip()


def _expand_help(action: argparse.Action) -> str:
    text = action.help or ""
    if text == argparse.SUPPRESS:
        return ""
    if "%" in text:
        params = dict(vars(action), prog="lrnn-circuits")
        if action.choices is not None:
            params["choices"] = ", ".join(map(str, action.choices))
        try:
            text = text % params
        except (KeyError, TypeError, ValueError):
            pass
    return text


def _arg_name(action: argparse.Action) -> str:
    if action.option_strings:
        names = ", ".join(action.option_strings)
        if action.nargs == 0:
            return names
        metavar = action.metavar or action.dest.upper()
        if isinstance(metavar, tuple):
            metavar = " ".join(metavar)
        return f"{names} {metavar}"
    name = action.metavar or action.dest
    return name if action.nargs != "?" else f"[{name}]"


def _arguments_table(parser: argparse.ArgumentParser) -> list[str]:
    rows = []
    for a in parser._actions:
        if isinstance(a, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if a.help == argparse.SUPPRESS:
            continue
        # the choices, unless the help text already names them
        choices = ", ".join(f"`{c}`" for c in a.choices) if a.choices and "%(choices)" not in (a.help or "") \
            else ""
        default = ""
        if a.default not in (None, False, argparse.SUPPRESS) and a.nargs != 0:
            default = f"`{a.default}`"
        elif isinstance(a, argparse._VersionAction):
            default = ""
        need = "required" if a.required else ("" if a.option_strings or a.nargs in ("?", "*") else "required")
        rows.append(f"| <code>{_cell(_arg_name(a))}</code> | {_cell(_expand_help(a))} | {choices} | {default} "
                    f"| {need} |")
    if not rows:
        return ["No arguments."]
    return ["| argument | meaning | choices | default | |", "|---|---|---|---|---|", *rows]


def cli_reference_markdown() -> str:
    """The command-line reference page, rendered from ``reports.cli.build_parser()``."""
    from reports.cli import build_parser

    p = build_parser()
    subs = list(_subparsers(p))
    out = ["# Command-line reference", "",
           "This page is generated from the command's argument parser (`reports.cli.build_parser()`) when the site "
           "is built, so it lists exactly what `lrnn-circuits` accepts. `lrnn-circuits COMMAND --help` prints the "
           "same. Bad input gives a one-line message and exit status 2.", "",
           f"{p.description or ''}", "", "```text", _usage(p), "```", "",
           *_arguments_table(p), "", "## Subcommands", "",
           "| command | what it does |", "|---|---|"]
    out += [f"| [`{name}`](#{name}) | {_cell(help_)} |" for name, help_, _ in subs]
    for name, help_, sp in subs:
        out += ["", f"## `{name}` {{ #{name} }}", "", _cell(help_) if help_ else ""]
        if sp.description and sp.description != help_:
            out += ["", _cell(sp.description)]
        out += ["", "```text", _usage(sp), "```", "", *_arguments_table(sp)]
        if sp.epilog:
            out += ["", "```text", sp.epilog, "```"]  # the examples, one invocation a line
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------------
# the API reference
#: page -> (title, introduction, modules). A package without ``__all__`` stands for its public submodules.
API_PAGES = {
    "circuits": ("circuits — the IR",
                 "The circuit IR: `Circuit` and its builders, evaluation, file formats, drawing, number domains.",
                 ["circuits", "circuits.core", "circuits.evaluate", "circuits.io", "circuits.draw",
                  "circuits.numbers", "circuits.errors"]),
    "constructions": ("constructions — the models as circuits",
                      "Prefix scans, LRNNs and their presets, nonlinear RNNs, bit-level blocks and lowering, "
                      "threshold circuits, transformers, automata, the hardness constructions.",
                      ["constructions.scans", "constructions.lrnn", "constructions.presets", "constructions.models",
                       "constructions.rnn", "constructions.linalg", "constructions.bits", "constructions.lowering",
                       "constructions.threshold", "constructions.transformer", "constructions.automata",
                       "constructions.hardness"]),
    "proofs_check": ("proofs_check — verification",
                     "The claims registry, equivalence engines, sweeps and the closed-form bounds.",
                     ["proofs_check.claims", "proofs_check.verdict", "proofs_check.equivalence", "proofs_check.sweep",
                      "proofs_check.bounds"]),
    "reports": ("reports — the report and the CLI",
                "The HTML report, the comparison table, the command line and this site's hook and figures.",
                ["reports.report", "reports.compare", "reports.cli", "reports.site", "reports.site_figures"]),
}

_ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|obj|exc):`~?([^`]+)`")


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_UNDERLINE = re.compile(r"^\s*(-{3,}|={3,}|~{3,})\s*$")


def _escape_outside_code(line: str) -> str:
    """``<`` and ``&`` escaped for HTML except inside code spans (where markdown shows them as they are)."""
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(line):
        out.append(html.escape(line[pos:m.start()], quote=False).replace("&gt;", ">"))
        out.append(m.group(0))
        pos = m.end()
    out.append(html.escape(line[pos:], quote=False).replace("&gt;", ">"))
    return "".join(out)


def _docstring_markdown(doc: str | None) -> str:
    """A docstring as markdown: RST roles become code, doctest lines a fenced block, underlined section titles
    bold lines (not headings, which would break the page's outline)."""
    if not doc:
        return ""
    doc = _ROLE.sub(lambda m: f"``{m.group(1)}``", doc)
    out, in_doctest = [], False
    for line in doc.splitlines():
        is_doctest = line.lstrip().startswith((">>>", "..."))
        if is_doctest and not in_doctest:
            if out and out[-1].strip():
                out.append("")
            out.append("```pycon")
            in_doctest = True
        elif in_doctest and not line.strip():
            out.append("```")
            in_doctest = False
        if in_doctest:
            out.append(line)
        elif _UNDERLINE.match(line) and out and out[-1].strip():
            out[-1] = f"**{out[-1].strip()}**"
            out.append("")
        else:
            out.append(_escape_outside_code(line))
    if in_doctest:
        out.append("```")
    text = "\n".join(out)
    # a bullet list straight after a sentence needs a blank line in markdown
    text = re.sub(r"(?m)^([^\n*\-\s][^\n]*)\n(\s*[*\-] )", r"\1\n\n\2", text)
    return text


class _Raw(str):
    """An annotation kept as the text it was written as (``from __future__ import annotations``), unquoted."""

    def __repr__(self):
        return str(self)


def _signature(obj, name: str, method: bool = False) -> str:
    """``name(params) -> result`` with annotations as written; ``self``/``cls`` dropped for methods."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return f"{name}(…)"
    params = list(sig.parameters.values())
    if method and params and params[0].name in ("self", "cls"):
        params = params[1:]
    params = [q.replace(annotation=_Raw(q.annotation)) if isinstance(q.annotation, str) else q for q in params]
    ret = sig.return_annotation
    ret = _Raw(ret) if isinstance(ret, str) else ret
    text = str(sig.replace(parameters=params, return_annotation=ret))
    return name + re.sub(r" at 0x[0-9a-f]+", "", text)


def _public_members(mod):
    """(name, object) pairs that the module makes public: ``__all__``, else what it defines without a ``_``."""
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n, o in vars(mod).items()
                 if not n.startswith("_") and (inspect.isfunction(o) or inspect.isclass(o))
                 and getattr(o, "__module__", None) == mod.__name__]
    return [(n, getattr(mod, n)) for n in names if hasattr(mod, n)]


def _expand(modname: str) -> list:
    """The module, or for a package without ``__all__`` the package and its public submodules."""
    mod = importlib.import_module(modname)
    mods = [mod]
    if hasattr(mod, "__path__") and getattr(mod, "__all__", None) is None:
        for info in sorted(pkgutil.iter_modules(mod.__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                mods.append(importlib.import_module(f"{modname}.{info.name}"))
    return mods


def _class_doc(cls) -> str | None:
    """The class's own docstring: not one inherited from a base, nor the signature a dataclass writes."""
    doc = cls.__dict__.get("__doc__")
    if not isinstance(doc, str) or doc.startswith(f"{cls.__name__}("):
        return None
    return inspect.cleandoc(doc)


def _class_markdown(cls, qual: str) -> list[str]:
    short = cls.__name__
    out = [f"### class `{short}` {{ #{qual} }}", "", "```python", _signature(cls, short, method=True), "```", "",
           _docstring_markdown(_class_doc(cls)), ""]
    for mname, member in vars(cls).items():
        if mname.startswith("_"):
            continue
        raw = member
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if isinstance(member, property):
            doc = inspect.getdoc(member)
            out += [f"#### `{short}.{mname}` (property) {{ #{qual}.{mname} }}", "", _docstring_markdown(doc), ""]
            continue
        if not inspect.isfunction(member):
            continue
        kind = "classmethod" if isinstance(raw, classmethod) else "staticmethod" if isinstance(raw, staticmethod) \
            else ""
        out += [f"#### `{short}.{mname}` {{ #{qual}.{mname} }}", "", "```python",
                (f"@{kind}\n" if kind else "") + _signature(member, mname, method=kind != "staticmethod"), "```", "",
                _docstring_markdown(inspect.getdoc(member)), ""]
    return out


def _data_repr(obj) -> str:
    r = repr(obj)
    r = re.sub(r" at 0x[0-9a-f]+", "", r)
    return r if len(r) <= 100 else r[:97] + "…"


def api_markdown(page: str) -> str:
    """The API reference page ``page`` (a key of ``API_PAGES``)."""
    title, intro, modnames = API_PAGES[page]
    out = [f"# {title}", "", intro, "",
           "Generated from the docstrings and signatures when the site is built. Only the public names are listed "
           "(a module's `__all__`, otherwise the functions and classes it defines without a leading underscore).",
           ""]
    seen = set()
    for top in modnames:
        for mod in _expand(top):
            if mod.__name__ in seen:
                continue
            seen.add(mod.__name__)
            out += [f"## `{mod.__name__}` {{ #{mod.__name__} }}", "", _docstring_markdown(inspect.getdoc(mod)), ""]
            data = []
            for name, obj in _public_members(mod):
                qual = f"{mod.__name__}.{name}"
                if inspect.isclass(obj):
                    out += _class_markdown(obj, qual)
                elif callable(obj) and (inspect.isfunction(obj) or inspect.isbuiltin(obj)):
                    out += [f"### `{name}` {{ #{qual} }}", "", "```python", _signature(obj, name), "```", "",
                            _docstring_markdown(inspect.getdoc(obj)), ""]
                elif inspect.ismodule(obj):
                    continue
                else:
                    data.append(f"| `{name}` | <code>{_cell(_data_repr(obj))}</code> |")
            if data:
                out += ["**Constants**", "", "| name | value |", "|---|---|", *data, ""]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------------
# the optional extras (install.md), read from setup.cfg
EXTRAS_MARKER = "<!-- extras -->"

#: what each extra of setup.cfg is for (a test checks that every extra has an entry)
EXTRA_PURPOSES = {
    "test": "the test suite, the SAT engine, running the docs' code",
    "docs": "this site: `make docs`",
    "tracr": "tracr-compiled RASP programs as circuits (`lrnn-circuits tracr`)",
    "dask": "sweeps on a Dask cluster (`lrnn-circuits verify --scheduler`)",
    "bench": "the graph-library baseline of `benchmarks/bench_build.py` (`make bench`)",
}


def extras(setup_cfg=None) -> dict[str, list[str]]:
    """The optional extras of ``setup.cfg``: name -> requirement lines."""
    import configparser
    from pathlib import Path

    path = Path(setup_cfg) if setup_cfg else Path(__file__).resolve().parents[1] / "setup.cfg"
    cp = configparser.ConfigParser(comment_prefixes=("#",), inline_comment_prefixes=None)
    cp.read(path, encoding="utf-8")
    section = cp["options.extras_require"] if cp.has_section("options.extras_require") else {}
    return {name: [r.strip() for r in value.splitlines() if r.strip()] for name, value in section.items()}


def extras_markdown(setup_cfg=None) -> str:
    """The table of optional extras: what each installs (from setup.cfg) and what it is for."""
    lines = ["| extra | installs | for |", "|---|---|---|"]
    for name, reqs in extras(setup_cfg).items():
        installs = ", ".join(f"`{r}`" for r in reqs)
        lines.append(f"| `{name}` | {installs} | {EXTRA_PURPOSES.get(name, '')} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------
# mkdocs hook functions
def on_files(files, config):
    """Add the generated pages (CLI and API reference) and the figures to the site."""
    from mkdocs.structure.files import File

    from reports.site_figures import FIGURES, render

    generated = {"cli.md": cli_reference_markdown()}
    for page in API_PAGES:
        generated[f"api/{page}.md"] = api_markdown(page)
    for name in FIGURES:
        generated[f"figures/{name}"] = render(name)
    for uri, content in generated.items():
        old = files.get_file_from_path(uri)
        if old is not None:
            raise ValueError(f"docs/{uri} exists but is generated at build time; remove it from docs/")
        files.append(File.generated(config, uri, content=content))
    return files


# a fence opening with a language and further words: ```python continuation, ```python notest (the options of
# the tests that run the docs' code), which pymdownx.superfences would not recognise as a fence at all
_FENCE_OPTIONS = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[A-Za-z0-9_+-]+)"
                            r"(?P<options>(?:[ \t]+[A-Za-z0-9_:.=-]+)+)[ \t]*$", re.M)


def strip_fence_options(markdown: str) -> str:
    """``python continuation`` / ``python notest`` fences become plain ``python`` fences for rendering."""
    return _FENCE_OPTIONS.sub(lambda m: f"{m['indent']}{m['fence']}{m['lang']}", markdown)


def on_page_markdown(markdown, page, config, files):
    """Fill the class map's placeholder with the table built from ``CLASS_MAP`` and the claims registry; drop
    the test options of fenced blocks (``continuation``, ``notest``) so that the blocks render as code."""
    if CLASS_MAP_MARKER in markdown:
        markdown = markdown.replace(CLASS_MAP_MARKER, class_map_markdown())
    if EXTRAS_MARKER in markdown:
        markdown = markdown.replace(EXTRAS_MARKER, extras_markdown())
    return strip_fence_options(markdown)
