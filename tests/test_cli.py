"""The lrnn-circuits command line: commands, formats, and one-line errors with exit status 2."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from circuits import Circuit
from constructions.linalg import product_tree
from reports.cli import main


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "reports.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def circuit_file(tmp_path):
    c = Circuit()
    c.output("P", product_tree(c, c.input("M", (4, 2, 2))))
    path = tmp_path / "p.json"
    c.save(path)
    return path, c


@pytest.fixture
def bool_file(tmp_path):
    c = Circuit("boolean")
    x = c.input("x", (3,))
    c.output("y", c.xor(c.and_(x[0], x[1]), x[2]))
    path = tmp_path / "b.json"
    c.save(path)
    return path, c


def test_info(circuit_file, capsys):
    path, c = circuit_file
    assert main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["size"], info["depth"], info["count_ops"]) == (c.size(), c.depth(), c.count_ops())
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{c.size():,} gates" in out and "depth" in out


@pytest.mark.parametrize("fmt,ext", [("json", ".json"), ("npz", ".npz"), ("graphml", ".graphml"), ("dot", ".dot"),
                                     ("aiger", ".aig"), ("blif", ".blif")])
def test_export_formats(bool_file, tmp_path, fmt, ext):
    path, c = bool_file
    out = tmp_path / f"out{ext}"
    assert main(["export", str(path), "--format", fmt, "-o", str(out)]) == 0
    assert out.exists() and out.stat().st_size > 0
    if fmt in ("json", "npz", "aiger"):
        d = Circuit.load(out)
        for bits in np.ndindex(2, 2, 2):
            assert d.evaluate({"x": np.array(bits)}, "bool")["y"] == c.evaluate({"x": np.array(bits)}, "bool")["y"]


def test_draw(circuit_file, tmp_path):
    path, _ = circuit_file
    out = tmp_path / "p.svg"
    assert main(["draw", str(path), "-o", str(out)]) == 0
    assert "<svg" in out.read_text()


def test_version_and_help():
    r = _cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("lrnn-circuits ")
    r = _cli("--help")
    assert r.returncode == 0 and "info" in r.stdout and "export" in r.stdout


@pytest.mark.parametrize("make_args,msg", [
    (lambda d: ["info", str(d / "missing.json")], "no such file"),
    (lambda d: ["info", str(d / "malformed.json")], "malformed JSON"),
    (lambda d: ["info", str(d / "later.json")], "not an earlier gate"),
    (lambda d: ["info", str(d / "basis.json")], "not in the boolean basis"),
    (lambda d: ["export", str(d / "arith.json"), "--format", "aiger", "-o", str(d / "x.aig")], "boolean circuit"),
    (lambda d: ["export", str(d / "arith.json"), "--format", "png", "-o", str(d / "x.png")], "invalid choice"),
    (lambda d: ["export", str(d / "arith.json"), "--format", "json", "-o", str(d / "x.txt")], "writes a .json"),
    (lambda d: ["draw", str(d / "arith.json"), "-o", str(d / "x.pdf")], "unknown output format"),
    (lambda d: ["info"], "FILE"),
    (lambda d: ["stats", "--model", "dense", "--n", "0"], "--n: must be >= 1"),
    (lambda d: ["stats", "--model", "dplr", "--d", "2", "--rank", "3"], "rank"),
    (lambda d: ["stats", "--model", "dense", "--scan", "zigzag"], "unknown scan"),
    (lambda d: ["stats", "--model", "deltanet", "--mode", "token"], "--mode: does not apply"),
    (lambda d: ["schedule", "zigzag", "--n", "4"], "unknown schedule"),
    (lambda d: ["verify", "--claim", "no-such-claim"], "unknown claim"),
    (lambda d: ["frobnicate"], "invalid choice"),
])
def test_bad_input_one_line_exit_2(tmp_path, make_args, msg):
    (tmp_path / "malformed.json").write_text("{not json")
    doc = {"format": "lrnn-circuits", "version": 1, "basis": "arithmetic", "gates": [["input", "x"], ["neg", 1]],
           "outputs": []}
    (tmp_path / "later.json").write_text(json.dumps(doc))
    doc = dict(doc, basis="boolean", gates=[["input", "x"], ["add", 0, 0]])
    (tmp_path / "basis.json").write_text(json.dumps(doc))
    c = Circuit()
    c.output("y", c.mul(c.input("a"), c.input("b")))
    c.save(tmp_path / "arith.json")
    r = _cli(*make_args(tmp_path))
    assert r.returncode == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and msg in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x.aig").exists() and not (tmp_path / "x.pdf").exists()


def test_report_refuses_foreign_directories_before_computing(tmp_path):
    import time
    d = tmp_path / "d"
    d.mkdir()
    (d / "keep").write_text("x")
    for target in (d, "/proc/rep", tmp_path / "missing" / "rep", d / "keep"):
        t0 = time.perf_counter()
        r = _cli("report", "-o", str(target))
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
        assert time.perf_counter() - t0 < 5  # refused before the report is computed
    assert sorted(p.name for p in d.iterdir()) == ["keep"] and (d / "keep").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_report_files_are_written_atomically_into_its_own_directory(tmp_path):
    from reports.report import MARKER, prepare_output, write_files
    out = prepare_output(tmp_path / "r")
    write_files(out, {"index.html": b"one", "figures/a.svg": b"<svg/>"})
    (out / "notes.txt").write_text("mine")
    again = prepare_output(out)  # a directory the report made may be written again, without --force
    write_files(again, {"index.html": b"two"})
    assert (out / "index.html").read_bytes() == b"two" and (out / "figures" / "a.svg").read_bytes() == b"<svg/>"
    assert (out / "notes.txt").read_text() == "mine" and (out / MARKER).exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
