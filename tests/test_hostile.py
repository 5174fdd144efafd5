"""Hostile inputs: every row of docs/hostile-inputs.md is a case here, and each ends in exit status 2 with one
line on stderr, no traceback, in bounded time and memory, leaving no partial output."""
from __future__ import annotations

import io
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from circuits import Circuit

DOC = Path(__file__).resolve().parent.parent / "docs" / "hostile-inputs.md"
MEMORY = 4 << 30  # address-space limit for each case
SECONDS = 20


def _deep(depth=5000):
    return "[" * depth + "]" * depth


def _npz(tmp, name, **override):
    c = Circuit("arithmetic")
    x = c.input("x", (2,))
    c.output("y", c.add(x[0], x[1]))
    good = tmp / "good.npz"
    c.save(good)
    with np.load(good) as z:
        cols = {k: z[k] for k in z.files}
    cols.update(override)
    buf = io.BytesIO()
    np.savez(buf, **cols)
    (tmp / name).write_bytes(buf.getvalue())
    return tmp / name


def _aig(tmp, name, data: bytes):
    (tmp / name).write_bytes(data)
    return tmp / name


def _good_aig_bytes(tmp):
    c = Circuit("boolean")
    a = c.input("a", (3,))
    c.output("y", c.and_(c.or_(a[0], a[1]), c.xor(a[1], a[2])))
    c.write_aiger(tmp / "good.aig")
    return (tmp / "good.aig").read_bytes()


def _json_doc(tmp, name, gates, outputs=()):
    doc = {"format": "lrnn-circuits", "version": 1, "basis": "arithmetic", "gates": gates,
           "outputs": list(outputs)}
    (tmp / name).write_text(json.dumps(doc))
    return tmp / name


def _truncated_npz(tmp):
    p = _npz(tmp, "t.npz")
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p


def _foreign_dir(tmp):
    d = tmp / "d"
    d.mkdir()
    (d / "keep").write_text("x")
    return d


# id -> function(tmp) returning the argument list
CASES = {
    "json-deep": lambda t: ["info", _write(t / "deep.json", _deep())],
    "json-huge-int": lambda t: ["info", _write(t / "big.json", '{"format": "lrnn-circuits", "version": 1, '
                                           '"basis": "arithmetic", "gates": [["const", ' + "9" * 10000 + "]]}")],
    "json-const-exponent": lambda t: ["info", _json_doc(t, "e.json", [["const", "1e1000000000"]])],
    "npz-empty": lambda t: ["info", _write(t / "e.npz", "")],
    "npz-garbage": lambda t: ["info", _write(t / "g.npz", bytes(np.random.default_rng(0).integers(0, 256, 300,
                                                                                                 np.uint8)))],
    "npz-truncated": lambda t: ["info", _truncated_npz(t)],
    "npz-meta-number": lambda t: ["info", _npz(t, "m.npz", meta=np.array(12345))],
    "npz-2d-column": lambda t: ["info", _npz(t, "c.npz", arg0=np.zeros((3, 2), np.int32))],
    "npz-float-column": lambda t: ["info", _npz(t, "f.npz", op=np.zeros(3, np.float64))],
    "npz-deep-meta": lambda t: ["info", _npz(t, "d.npz", meta=np.array(_deep()))],
    "aig-negative-literal": lambda t: ["info", _aig(t, "n.aig", b"aig 3 2 0 1 1\n6\n\x02\x06")],
    "aig-bad-m": lambda t: ["info", _aig(t, "m.aig", b"aig 5 2 0 1 1\n6\n\x02\x01")],
    "aig-truncated": lambda t: ["info", _aig(t, "t.aig", _good_aig_bytes(t).split(b"\n", 2)[0] + b"\n"
                                                + _good_aig_bytes(t).split(b"\n", 2)[1] + b"\n\x02")],
    "aig-output-range": lambda t: ["info", _aig(t, "o.aig", b"aig 3 2 0 1 1\n99\n\x02\x01")],
    "aig-symbol-range": lambda t: ["info", _aig(t, "s.aig", b"aig 3 2 0 1 1\n6\n\x02\x01i7 z\n")],
    "aig-ascii": lambda t: ["info", _aig(t, "a.aig", b"aag 1 1 0 1 0\n2\n2\n")],
    "aig-huge-header": lambda t: ["info", _aig(t, "h.aig", b"aig 1000000000000 1000000000000 0 0 0\n")],
    "draw-deep-json": lambda t: ["draw", _write(t / "deep.json", _deep()), "-o", str(t / "out.svg")],
    "n-overflow": lambda t: ["stats", "--model", "dense", "--n", "99999999999999999999999"],
    "d-overflow": lambda t: ["stats", "--model", "dense", "--d", "99999999999999999999999"],
    "too-big": lambda t: ["stats", "--model", "dense", "--n", "1073741824", "--d", "64"],
    "too-big-diagonal": lambda t: ["stats", "--model", "diagonal", "--n", "1073741824", "--d", "1"],
    "schedule-too-big": lambda t: ["schedule", "kogge-stone", "--n", "1073741824"],
    "flag-not-applicable": lambda t: ["stats", "--model", "elman", "--act", "step"],
    "scan-on-chain": lambda t: ["stats", "--model", "elman", "--scan", "sklansky"],
    "m-on-dense": lambda t: ["stats", "--model", "dense", "--m", "3"],
    "hidden-on-dense": lambda t: ["stats", "--model", "dense", "--hidden", "4"],
    "max-gates-negative": lambda t: ["stats", "--model", "dense", "--max-gates", "-1"],
    "m-zero": lambda t: ["stats", "--model", "rnn", "--m", "0"],
    "seed-negative": lambda t: ["stats", "--model", "dense", "--mode", "token", "--seed", "-1"],
    "seed-free-mode": lambda t: ["stats", "--model", "dense", "--seed", "3"],
    "model-flag-without-model": lambda t: ["info", "--n", "5"],
    "rank-above-d": lambda t: ["stats", "--model", "dplr", "--d", "2", "--rank", "3"],
    "precision-zero": lambda t: ["stats", "--model", "dense", "--basis", "boolean", "--precision", "0"],
    "precision-huge": lambda t: ["stats", "--model", "dense", "--basis", "boolean", "--precision", "99999"],
    "basis-without-precision": lambda t: ["stats", "--model", "dense", "--basis", "boolean"],
    "precision-without-basis": lambda t: ["stats", "--model", "dense", "--precision", "8"],
    "fixed-too-many-bits": lambda t: ["stats", "--model", "dense", "--basis", "boolean", "--precision", "8",
                                      "--number", "fixed:9"],
    "number-float": lambda t: ["stats", "--model", "dense", "--basis", "boolean", "--precision", "8",
                               "--number", "float"],
    "adder-unknown": lambda t: ["stats", "--model", "dense", "--basis", "boolean", "--precision", "8",
                                "--adder", "nope"],
    "adder-on-threshold": lambda t: ["stats", "--model", "dense", "--basis", "threshold", "--precision", "8",
                                     "--adder", "ripple"],
    "lower-nonlinear": lambda t: ["stats", "--model", "elman", "--basis", "boolean", "--precision", "8"],
    "threshold-weights-overflow": lambda t: ["stats", "--model", "dense", "--basis", "threshold", "--precision", "60"],
    "lowered-too-big": lambda t: ["stats", "--model", "dense", "--n", "4096", "--d", "4", "--basis", "boolean",
                                  "--precision", "32", "--max-gates", "10000000"],
    "block-n": lambda t: ["stats", "--model", "adder", "--precision", "8", "--n", "4"],
    "block-no-precision": lambda t: ["stats", "--model", "multiplier"],
    "multiplier-too-big": lambda t: ["stats", "--model", "multiplier", "--precision", "4096", "--max-gates", "1000000"],
    "iterated-add-m-zero": lambda t: ["stats", "--model", "iterated-add", "--m", "0", "--precision", "4"],
    "iterated-add-weights": lambda t: ["stats", "--model", "iterated-add", "--m", "4", "--precision", "61"],
    "iterated-add-fanin": lambda t: ["stats", "--model", "iterated-add", "--m", "100000", "--precision", "40"],
    "formula-only-wide-multiplier": lambda t: ["stats", "--model", "multiplier", "--precision", "100",
                                               "--formula-only"],
    "report-foreign-dir": lambda t: ["report", "-o", _foreign_dir(t)],
    "report-unwritable": lambda t: ["report", "-o", "/proc/rep"],
    "report-over-file": lambda t: ["report", "-o", _write(t / "afile", "x")],
    "equiv-missing": lambda t: ["equiv", _json_doc(t, "a.json", [["input", "x"]], [["y", 0]]), t / "missing.json"],
    "equiv-bound": lambda t: ["equiv", _json_doc(t, "a.json", [["input", "x"]], [["y", 0]]),
                              _json_doc(t, "b.json", [["input", "x"]], [["y", 0]]), "--error-bound", "2"],
}


def _write(path: Path, content) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def _table() -> dict:
    rows = {}
    for line in DOC.read_text().splitlines():
        m = re.match(r"^\| ([a-z0-9-]+) \| (.*) \| (.*) \|$", line)
        if m and m.group(1) != "id":
            frag = re.findall(r"`([^`]*)`", m.group(3))
            rows[m.group(1)] = frag[0] if frag else m.group(3)
    return rows


def test_table_and_cases_match():
    rows = _table()
    assert set(rows) == set(CASES), (sorted(set(rows) - set(CASES)), sorted(set(CASES) - set(rows)))


def _limit():  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input(case, tmp_path):
    expect = _table()[case]
    args = [str(a) for a in CASES[case](tmp_path)]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "reports.cli", *args], capture_output=True, text=True,
                       timeout=SECONDS, preexec_fn=_limit)
    elapsed = time.perf_counter() - t0
    assert r.returncode == 2, (case, r.returncode, r.stderr[-800:])
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, (case, r.stderr[-800:])
    assert expect in lines[0], (case, expect, lines[0])
    assert elapsed < SECONDS
    assert sorted(p.name for p in tmp_path.rglob("*")) == before, case  # nothing written, nothing left behind
