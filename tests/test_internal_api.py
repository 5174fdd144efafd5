"""One internal API for the IR, checked on the source with ``ast``.

1. Only ``circuits/core.py`` touches ``Circuit``'s private fields: elsewhere in ``circuits/`` no ``X._field``
   (``X`` anything but ``self``) names one of them, and nothing does ``from .core import _private``. The field
   list is read from ``core.py`` itself: the ``self._x = ...`` assignments in ``Circuit.__init__``.
2. The import graph of ``circuits/`` has no cycle, counting every ``import``/``from`` statement anywhere in a
   file (function-level imports included).

Both checkers are also run on small synthetic sources, so that they are known to catch what they look for.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "circuits"


# ---------------------------------------------------------------------------------------------------------
# checkers
def private_fields(core_src: str, cls: str = "Circuit") -> set[str]:
    """Names ``_x`` assigned as ``self._x = ...`` (or annotated) in ``cls.__init__``."""
    tree = ast.parse(core_src)
    fields: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    for sub in ast.walk(item):
                        targets = sub.targets if isinstance(sub, ast.Assign) else \
                            [sub.target] if isinstance(sub, (ast.AnnAssign, ast.AugAssign)) else []
                        for t in targets:
                            for e in ast.walk(t):
                                if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and \
                                        e.value.id == "self" and e.attr.startswith("_"):
                                    fields.add(e.attr)
    return fields


def field_violations(src: str, fields: set[str], filename: str = "<src>") -> list[str]:
    """``X._field`` with X not ``self``, and ``from .core import _name`` / ``from circuits.core import _name``."""
    out = []
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Attribute) and node.attr in fields:
            if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                out.append(f"{filename}:{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if (node.level == 1 and mod == "core") or (node.level == 0 and mod == "circuits.core"):
                for a in node.names:
                    if a.name.startswith("_"):
                        out.append(f"{filename}:{node.lineno}: from core import {a.name}")
    return out


def import_edges(src: str, module: str, modules: set[str], package: str = "circuits") -> set[str]:
    """Modules of the package that ``module`` imports anywhere in ``src`` (``"__init__"`` for the package)."""
    edges = set()
    for node in ast.walk(ast.parse(src)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == package:
                    targets.append(parts[1] if len(parts) > 1 else "__init__")
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] != package:
                    continue
                base = parts[1:]
            elif node.level == 1:
                base = (node.module or "").split(".") if node.module else []
            else:  # beyond the package
                continue
            if base:
                targets.append(base[0])
            else:  # from . import a, b  /  from circuits import a, b
                for a in node.names:
                    targets.append(a.name if a.name in modules else "__init__")
        edges.update(t for t in targets if t in modules or t == "__init__")
    edges.discard(module)
    return edges


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the directed graph as a list of nodes (first = last), or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {v: WHITE for v in graph}
    for root in sorted(graph):
        if colour[root] != WHITE:
            continue
        stack = [(root, iter(sorted(graph[root])))]
        path = [root]
        colour[root] = GREY
        while stack:
            v, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[v] = BLACK
                stack.pop()
                path.pop()
                continue
            if nxt not in colour:
                continue
            if colour[nxt] == GREY:
                return path[path.index(nxt):] + [nxt]
            if colour[nxt] == WHITE:
                colour[nxt] = GREY
                stack.append((nxt, iter(sorted(graph[nxt]))))
                path.append(nxt)
    return None


def package_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    mods = set(sources)
    return {m: import_edges(src, m, mods) for m, src in sources.items()}


def _package_sources() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(PKG.glob("*.py"))}


# ---------------------------------------------------------------------------------------------------------
# the package itself
def test_fields_are_found():
    fields = private_fields((PKG / "core.py").read_text(encoding="utf-8"))
    assert {"_op", "_a0", "_a1", "_depth", "_consts", "_cache", "_size", "_inputs", "_outputs"} <= fields


def test_only_core_touches_circuit_fields():
    sources = _package_sources()
    fields = private_fields(sources["core"])
    bad = []
    for mod, src in sources.items():
        if mod != "core":
            bad += field_violations(src, fields, f"circuits/{mod}.py")
    assert not bad, "private Circuit fields used outside core.py:\n" + "\n".join(bad)


def test_package_import_graph_is_acyclic():
    graph = package_graph(_package_sources())
    assert graph["core"] <= {"_columns", "_graph", "errors", "names", "ops"}, graph["core"]
    cyc = find_cycle(graph)
    assert cyc is None, "import cycle in circuits/: " + " -> ".join(cyc)


# ---------------------------------------------------------------------------------------------------------
# the checkers catch planted violations
CORE = '''
class Circuit:
    def __init__(self):
        self._op = []
        self._cache: dict = {}
        self.public = 1
        self._a0 = self._a1 = None
    def m(self):
        self._later = 1
'''


def test_checker_reads_fields_from_init():
    assert private_fields(CORE) == {"_op", "_cache", "_a0", "_a1"}


@pytest.mark.parametrize("src,bad", [
    ("def f(c):\n    return c._op.data\n", 1),
    ("def f(circuit):\n    circuit._cache['plan'] = 1\n", 1),
    ("def f(c):\n    c._a0, c._a1 = 1, 2\n", 2),
    ("def f(x):\n    return x.c._op\n", 1),
    ("from .core import _ranges, Circuit\n", 1),
    ("from circuits.core import _ARITY\n", 1),
    ("def f():\n    from .core import _norm_const\n", 1),
    ("class K:\n    def m(self):\n        return self._op\n", 0),
    ("def f(c):\n    return c.columns()['op'], c._later, c._other\n", 0),
    ("from .core import Circuit\nCircuit._from_columns\n", 0),
])
def test_field_checker_on_synthetic_sources(src, bad):
    assert len(field_violations(src, private_fields(CORE))) == bad


def test_cycle_checker_on_synthetic_package():
    ok = {"__init__": "from .core import C\nfrom . import io\n",
          "core": "import numpy\nfrom .ops import X\n",
          "ops": "",
          "io": "from .core import C\nfrom .ops import X\n"}
    g = package_graph(ok)
    assert g["__init__"] == {"core", "io"} and g["io"] == {"core", "ops"}
    assert find_cycle(g) is None
    # a function-level import back into io closes a cycle
    planted = dict(ok, core="import numpy\n\ndef f():\n    from .io import load\n    return load\n")
    cyc = find_cycle(package_graph(planted))
    assert cyc is not None and set(cyc) == {"core", "io"}
    # absolute imports and `from . import` count too; so does the package __init__
    planted = dict(ok, ops="def g():\n    import circuits.io\n")
    assert find_cycle(package_graph(planted)) is not None
    planted = dict(ok, ops="from circuits import C\n")
    assert find_cycle(package_graph(planted)) is not None


def test_planted_violation_in_a_copy_of_the_package_fails():
    sources = _package_sources()
    fields = private_fields(sources["core"])
    sources["draw"] += "\n\ndef _planted(c):\n    return c._op.data\n"
    assert field_violations(sources["draw"], fields)
    sources["core"] += "\n\ndef _planted():\n    from .evaluate import plan\n    return plan\n"
    assert find_cycle(package_graph(sources)) is not None
