"""CLI: stats/draw for --model transformer, and the compare table."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reports.cli import main


def _run(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_stats_transformer_matches_its_closed_form(capsys):
    code, out, _ = _run(["stats", "--model", "transformer", "--n", "8", "--d", "1", "--precision", "4", "--json"],
                        capsys)
    assert code == 0
    data = json.loads(out)
    assert data["basis"] == "threshold" and data["matches_closed_form"] is True
    assert data["closed_form"]["depth"] == data["depth"]
    code, out, _ = _run(["stats", "--model", "transformer", "--n", "64", "--d", "1", "--precision", "4", "--json"],
                        capsys)
    assert json.loads(out)["depth"] == data["depth"]  # constant depth


def test_stats_transformer_formula_only_and_boolean(capsys):
    code, out, _ = _run(["stats", "--model", "transformer", "--n", "4096", "--d", "1", "--precision", "4",
                         "--formula-only", "--json"], capsys)
    assert code == 0
    big = json.loads(out)
    assert big["exact"] and "closed form" in big["how"] and big["size"] > 10**9
    code, out, _ = _run(["stats", "--model", "transformer", "--n", "2", "--d", "1", "--precision", "4",
                         "--basis", "boolean", "--json"], capsys)
    small = json.loads(out)
    assert small["basis"] == "boolean" and small["max_fanin"] <= 2 and small["depth"] > big["depth"]


@pytest.mark.parametrize("args, msg", [
    (["--basis", "arithmetic"], "--basis"),
    (["--precision", "40"], "--precision"),
    (["--frac", "9", "--precision", "8"], "--frac"),
    (["--scan", "sklansky"], "--scan: does not apply"),
    (["--layers", "0"], "--layers"),
])
def test_stats_transformer_bad_options_exit_2(args, msg):
    r = subprocess.run([sys.executable, "-m", "reports.cli", "stats", "--model", "transformer", "--n", "4"] + args,
                       capture_output=True, text=True)
    assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr


def test_compare_json_and_table(capsys):
    code, out, _ = _run(["compare", "--n-max", "16", "--precision", "4", "--d", "1", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["n"] == [8, 16]
    rows = {(r["model"], r["n"]): r for r in data["rows"]}
    assert {m for m, _ in rows} == {"rnn", "diagonal", "dense", "diagonal-boolean", "transformer-threshold",
                                    "transformer-boolean"}
    assert all(r["how"] == "built" for r in data["rows"])
    assert rows["rnn", 16]["depth"] == 2 * rows["rnn", 8]["depth"]  # linear in n
    assert rows["transformer-threshold", 16]["depth"] == rows["transformer-threshold", 8]["depth"]
    assert rows["transformer-boolean", 16]["depth"] > rows["transformer-boolean", 8]["depth"]
    assert rows["diagonal", 16]["depth"] > rows["diagonal", 8]["depth"]
    code, out, _ = _run(["compare", "--n-max", "16", "--precision", "4", "--d", "1"], capsys)
    assert "DEPTH" in out and "SIZE" in out and "transformer layer (threshold)" in out


def test_compare_above_the_cap_labels_its_sources(capsys):
    code, out, _ = _run(["compare", "--n-min", "64", "--n-max", "64", "--precision", "4", "--d", "1",
                         "--max-gates", "2000", "--json"], capsys)
    rows = {r["model"]: r for r in json.loads(out)["rows"]}
    assert rows["transformer-threshold"]["how"].startswith("closed form")
    assert rows["transformer-boolean"]["how"].startswith("fit")
    assert rows["diagonal-boolean"]["how"] == "size: upper bound; depth: depth model"


def test_compare_bad_range_exit_2():
    r = subprocess.run([sys.executable, "-m", "reports.cli", "compare", "--n-min", "64", "--n-max", "8"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "--n-max" in r.stderr and "Traceback" not in r.stderr
