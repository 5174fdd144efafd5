"""The mutation suite (benchmarks/mutants.py): the harness itself, and the whole suite (slow: every mutant runs
``verify --quick`` in its own copy of the source, two at a time)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load():
    spec = importlib.util.spec_from_file_location("lrnn_mutants", ROOT / "benchmarks" / "mutants.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


M = _load()


def test_missing_anchor_raises(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\ny = 2\ny = 2\n")
    with pytest.raises(M.AnchorError, match="0 times"):
        M.apply_mutant(tmp_path, M.Mutant("gone", "pkg/a.py", "z = 3", "z = 4", "anchor no longer in the code"))
    with pytest.raises(M.AnchorError, match="2 times"):
        M.apply_mutant(tmp_path, M.Mutant("twice", "pkg/a.py", "y = 2", "y = 3", "ambiguous anchor"))
    with pytest.raises(M.AnchorError, match="does not exist"):
        M.apply_mutant(tmp_path, M.Mutant("nofile", "pkg/b.py", "x", "y", "missing file"))
    with pytest.raises(M.AnchorError):
        M.apply_mutant(tmp_path, M.Mutant("same", "pkg/a.py", "x = 1", "x = 1", "no change"))
    assert (tmp_path / "pkg" / "a.py").read_text() == "x = 1\ny = 2\ny = 2\n"  # nothing was written
    M.apply_mutant(tmp_path, M.Mutant("ok", "pkg/a.py", "x = 1", "x = 5", "fine"))
    assert (tmp_path / "pkg" / "a.py").read_text() == "x = 5\ny = 2\ny = 2\n"


def test_run_one_reports_a_missing_anchor_as_an_error_not_a_pass(tmp_path):
    m = M.Mutant("gone", "constructions/lrnn.py", "this text is not in lrnn.py", "x", "rotted mutant")
    r = M.run_one(m, files=["constructions/lrnn.py"])
    assert r.outcome == "error" and "0 times" in r.detail
    with pytest.raises(M.AnchorError):
        M.run_suite((m,))


def test_every_mutant_anchor_occurs_exactly_once_in_the_source():
    assert len(M.MUTANTS) >= 12
    assert len({m.name for m in M.MUTANTS}) == len(M.MUTANTS)
    for m in M.MUTANTS:
        M.check_anchor(M.REPO, m)


def test_the_required_mutants_are_there():
    names = {m.name for m in M.MUTANTS}
    for required in ("diagonal-swap", "pd-swap", "dplr-swap", "dense-swap", "dplr-d2-for-d1", "pd-no-p1t",
                     "kogge-stone-short", "dense-alpha-off-by-one", "h0-wrong-step", "sat-theta-off-by-one"):
        assert required in names
    paths = {m.path for m in M.MUTANTS}
    assert {"constructions/lrnn.py", "constructions/scans.py", "constructions/lrnn_bounds.py",
            "proofs_check/equivalence/sat.py"} <= paths


def test_copy_holds_the_working_tree_files(tmp_path):
    files = M.source_files()
    assert "proofs_check/claims.py" in files and "benchmarks/mutants.py" in files
    M.copy_source(M.REPO, tmp_path, ["constructions/lrnn.py"])
    M.apply_mutant(tmp_path, M.mutant_by_name("h0-wrong-step"))
    assert (tmp_path / "constructions/lrnn.py").read_text() != (M.REPO / "constructions/lrnn.py").read_text()


def _fake(tmp_path, mods=None, rc=1, out='{"claims": [{"id": "a", "status": "failed", "checks": []}]}', err=""):
    copy = tmp_path / "src"
    copy.mkdir(exist_ok=True)
    if mods is None:
        mods = {"constructions.lrnn": str(copy / "constructions" / "lrnn.py"),
                "reports.cli": str(copy / "reports" / "cli.py")}
    m = M.mutant_by_name("h0-wrong-step")
    return M.classify(m, copy, rc, out, err, mods, 1.0)


def test_classify(tmp_path):
    assert _fake(tmp_path).outcome == "killed"
    assert _fake(tmp_path, rc=0, out='{"claims": [{"id": "a", "status": "checked", "checks": []}]}').outcome \
        == "survived"
    # exit status 2, a traceback from the CLI, output that is not verify's JSON: errors, not kills
    assert _fake(tmp_path, rc=2, out="").outcome == "error"
    assert _fake(tmp_path, err="Traceback (most recent call last):\n  ...\nValueError: x").outcome == "error"
    assert _fake(tmp_path, out="not json").outcome == "error"
    # imported the installed package, or never imported the mutated module: errors
    r = _fake(tmp_path, mods={"constructions.lrnn": str(ROOT / "constructions" / "lrnn.py")})
    assert r.outcome == "error" and "outside the copy" in r.detail
    r = _fake(tmp_path, mods={"reports.cli": str(tmp_path / "src" / "reports" / "cli.py")})
    assert r.outcome == "error" and "never imported" in r.detail
    assert _fake(tmp_path, mods={}).outcome == "error"
    assert M.classify(None, tmp_path / "src", 1, "x", "", {}, 1.0).outcome == "error"


def test_the_mutation_suite_kills_every_mutant():
    control, results = M.run_suite(M.MUTANTS, jobs=2, timeout=300)
    table = M.format_table(control, results)
    print(table)
    assert control.outcome == "passed", f"the unmutated copy must pass verify --quick:\n{table}"
    assert not [r for r in results if r.outcome == "error"], table
    assert M.score(results) == 100.0, table
