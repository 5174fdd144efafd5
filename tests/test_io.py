"""File formats: JSON and npz round trips, loader validation, AIGER/BLIF (through ABC when installed), drawing."""
from __future__ import annotations

import itertools
import json
import subprocess

import numpy as np
import pytest
from conftest import abc_exe, has_abc, random_circuit

from circuits import Circuit, CircuitError
from circuits import draw as drawmod
from circuits.io import read_aiger


def _same_outputs(c1, c2, values, domain):
    r1, r2 = c1.evaluate(values, domain=domain), c2.evaluate(values, domain=domain)
    assert r1.keys() == r2.keys()
    for k in r1:
        assert np.array_equal(np.asarray(r1[k], dtype=object), np.asarray(r2[k], dtype=object)), k


@pytest.mark.parametrize("ext", [".json", ".npz"])
@pytest.mark.parametrize("basis", ["arithmetic", "boolean", "threshold", "mixed"])
def test_round_trip(tmp_path, ext, basis):
    rng = np.random.default_rng(7)
    for seed in range(4):
        c = random_circuit(np.random.default_rng(seed), basis, n_inputs=3, n_gates=50)
        path = tmp_path / f"c{seed}{ext}"
        c.save(path)
        d = Circuit.load(path)
        assert (d.basis, d.size(), d.depth(), d.count_ops()) == (c.basis, c.size(), c.depth(), c.count_ops())
        assert d.depths().tolist() == c.depths().tolist()
        assert list(d.inputs) == list(c.inputs) and list(d.outputs) == list(c.outputs)
        dom = "bool" if basis in ("boolean", "threshold") else "fraction"
        for _ in range(5):
            x = rng.integers(0, 2, 3) if dom == "bool" else rng.integers(-5, 6, 3)
            _same_outputs(c, d, {"x": x}, dom)


def test_json_format_is_as_documented(tmp_path):
    c = Circuit("mixed")
    x = c.input("x", (2,))
    h = c.const("1/3")
    s = c.sub(x[0], h)
    t = c.threshold(np.array([x[0], x[1]]), [2, -1], 1)
    a = c.and_(x[0], x[1], s)
    r = c.act("relu", s)
    c.output("o", np.array([s, t, a, r]))
    c.save(tmp_path / "c.json")
    obj = json.loads((tmp_path / "c.json").read_text())
    assert obj["format"] == "lrnn-circuits" and obj["version"] == 1 and obj["basis"] == "mixed"
    assert obj["gates"] == [["input", "x[0]"], ["input", "x[1]"], ["const", "1/3"], ["sub", 0, 2],
                            ["threshold", [0, 1], [2, -1], 1], ["and", 0, 1, 3], ["relu", 3]]
    assert obj["outputs"] == [["o[0]", 3], ["o[1]", 4], ["o[2]", 5], ["o[3]", 6]]


def _doc(gates, basis="arithmetic", outputs=()):
    return {"format": "lrnn-circuits", "version": 1, "basis": basis, "gates": gates, "outputs": list(outputs)}


@pytest.mark.parametrize("doc,msg", [
    (_doc([["input", "x"], ["add", 0, 2], ["input", "y"]]), "not an earlier gate"),
    (_doc([["input", "x"], ["add", 0, 1]]), "not an earlier gate"),
    (_doc([["input", "x"], ["frob", 0]]), "unknown op"),
    (_doc([["input", "x"], ["and", 0, 0]]), "not in the arithmetic basis"),
    (_doc([["const", 2]], basis="boolean"), "0 or 1"),
    (_doc([["const", 1.5]]), "constant"),
    (_doc([["input", "x"], ["add", 0]]), "takes 2"),
    (_doc([["input", "x"]], outputs=[["y", 5]]), "does not exist"),
    (_doc([["input", "x"], ["input", "x"]]), "already used"),
    ({"format": "other"}, "not a circuit"),
    (_doc([["input", "x"]], basis="quantum"), "unknown basis"),
    (_doc([["input", "x"], ["threshold", [0], [1.5], 1]], basis="threshold"), "integer"),
])
def test_json_loader_rejects(tmp_path, doc, msg):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(doc))
    with pytest.raises(CircuitError, match=msg):
        Circuit.load(p)


def test_npz_loader_rejects_tampered_columns(tmp_path):
    c = random_circuit(np.random.default_rng(3), "arithmetic", n_gates=20)
    c.save(tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz") as z:
        data = {k: z[k] for k in z.files}
    bad = dict(data, depth=data["depth"] + (np.arange(data["depth"].size) == data["depth"].size - 1))
    np.savez(tmp_path / "d.npz", **bad)
    with pytest.raises(CircuitError, match="depth"):
        Circuit.load(tmp_path / "d.npz")
    a0 = data["arg0"].copy()
    g = int(np.flatnonzero(data["op"] >= 2)[0])
    a0[g] = g + 1
    np.savez(tmp_path / "e.npz", **dict(data, arg0=a0))
    with pytest.raises(CircuitError, match="not an earlier gate"):
        Circuit.load(tmp_path / "e.npz")
    (tmp_path / "f.npz").write_bytes(b"garbage")
    with pytest.raises(CircuitError):
        Circuit.load(tmp_path / "f.npz")


def test_failed_write_leaves_no_file(tmp_path):
    c = Circuit("arithmetic")
    c.output("y", c.mul(c.input("x"), c.input("z")))
    target = tmp_path / "c.aig"
    with pytest.raises(CircuitError, match="boolean"):
        c.write_aiger(target)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CircuitError, match="does not exist"):
        c.save(tmp_path / "missing" / "c.json")


# ---------------------------------------------------------------------------------------------------------
# AIGER / BLIF
def _bool_circuit(seed, n_inputs=5, n_gates=40):
    return random_circuit(np.random.default_rng(seed), "boolean", n_inputs=n_inputs, n_gates=n_gates, n_outputs=4)


def _exhaustive_equal(c1, c2, n_inputs):
    for bits in itertools.product([0, 1], repeat=n_inputs):
        r1 = c1.evaluate({"x": np.array(bits)}, domain="bool")["y"]
        r2 = c2.evaluate({"x": np.array(bits)}, domain="bool")["y"]
        if not np.array_equal(r1, r2):
            return False
    return True


@pytest.mark.parametrize("seed", range(5))
def test_aiger_round_trip_ourselves(tmp_path, seed):
    c = _bool_circuit(seed)
    c.write_aiger(tmp_path / "c.aig")
    d = read_aiger(tmp_path / "c.aig")
    assert list(d.inputs) == ["x"] and list(d.outputs) == ["y"]
    assert _exhaustive_equal(c, d, 5)


def _flip_one_gate(c: Circuit, seed: int, n_inputs: int) -> Circuit:
    """The same circuit with one gate in the output cone changed (and↔or, xor→or), chosen so that the change
    is visible at the outputs (checked exhaustively)."""
    obj = c.to_json()
    cone = set(c.cone().tolist())
    rng = np.random.default_rng(seed)
    cands = [i for i, g in enumerate(obj["gates"]) if g[0] in ("and", "or", "xor") and i in cone]
    for i in rng.permutation(cands).tolist():
        changed = json.loads(json.dumps(obj))
        changed["gates"][i][0] = {"and": "or", "or": "and", "xor": "or"}[obj["gates"][i][0]]
        bad = Circuit.from_json(changed)
        if not _exhaustive_equal(c, bad, n_inputs):
            return bad
    raise AssertionError("no visible single-gate change")


def _abc(cmd: str) -> str:
    res = subprocess.run([abc_exe(), "-c", cmd], capture_output=True, text=True, timeout=120)
    return res.stdout + res.stderr


@pytest.mark.skipif(not has_abc(), reason="berkeley-abc not installed (apt-get install berkeley-abc)")
@pytest.mark.parametrize("seed", range(4))
def test_abc_cec_aiger_vs_blif(tmp_path, seed):
    c = _bool_circuit(seed, n_inputs=6, n_gates=60)
    c.write_aiger(tmp_path / "c.aig")
    c.write_blif(tmp_path / "c.blif")
    out = _abc(f"cec {tmp_path / 'c.aig'} {tmp_path / 'c.blif'}")
    assert "Networks are equivalent" in out, out
    # negative control: one gate changed (visibly) must be caught, in either format
    bad = _flip_one_gate(c, seed, 6)
    bad.write_blif(tmp_path / "bad.blif")
    bad.write_aiger(tmp_path / "bad.aig")
    assert "NOT EQUIVALENT" in _abc(f"cec {tmp_path / 'c.aig'} {tmp_path / 'bad.blif'}")
    assert "NOT EQUIVALENT" in _abc(f"cec {tmp_path / 'c.blif'} {tmp_path / 'bad.aig'}")


@pytest.mark.skipif(not has_abc(), reason="berkeley-abc not installed (apt-get install berkeley-abc)")
def test_abc_reads_our_stats(tmp_path):
    c = Circuit("boolean")
    x = c.input("x", (8,))
    level = x
    while level.size > 1:  # balanced AND tree of 8 inputs: 7 ANDs, 3 levels
        level = c.and_(level[0::2], level[1::2])
    c.output("y", level[0])
    c.write_aiger(tmp_path / "t.aig")
    out = _abc(f"read {tmp_path / 't.aig'}; print_stats")
    import re
    m = re.search(r"and\s*=\s*(\d+).*lev\s*=\s*(\d+)", out)
    assert m, out
    assert (int(m.group(1)), int(m.group(2))) == (c.size(), c.depth())


def test_aiger_rejects_non_boolean(tmp_path):
    c = Circuit("threshold")
    x = c.input("x", (3,))
    c.output("m", c.threshold(x, [1, 1, 1], 2))
    with pytest.raises(CircuitError, match="threshold"):
        c.write_aiger(tmp_path / "m.aig")
    with pytest.raises(CircuitError, match="threshold"):
        c.write_blif(tmp_path / "m.blif")


def test_varint_known_values():
    from circuits.io import _varint
    # AIGER examples: 0 -> 00, 127 -> 7f, 128 -> 80 01, 16383 -> ff 7f, 16384 -> 80 80 01
    assert _varint(np.array([0, 127, 128, 16383, 16384])) == bytes.fromhex("00 7f 8001 ff7f 808001")


# ---------------------------------------------------------------------------------------------------------
# drawing
def _small():
    c = Circuit()
    x = c.input("x", (2,))
    c.output("d", c.sub(x[0], c.mul(x[1], c.const(3))))
    return c


def test_dot_shows_names_order_and_ranks():
    src = _small().to_dot()
    assert '"x[0]"' in src and '"d"' in src
    assert 'label="1"' in src and 'label="2"' in src  # argument order of the subtraction
    assert "rank=same" in src


def test_summary_above_cap(tmp_path):
    from constructions.linalg import product_tree
    c = Circuit()
    c.output("P", product_tree(c, c.input("M", (64, 3, 3))))
    src = c.to_dot(max_gates=100)
    assert "summary" in src and src.count("->") < 80
    assert f"{c.size():,} gates" in src


def test_draw_svg_in_process(tmp_path, monkeypatch):
    monkeypatch.setattr(drawmod, "system_dot", lambda: None)
    out = tmp_path / "c.svg"
    _small().draw(out)
    assert out.read_text().lstrip().startswith("<?xml") and "<svg" in out.read_text()
    with pytest.raises(CircuitError, match="needs the graphviz"):
        _small().draw(tmp_path / "c.png")
    assert not (tmp_path / "c.png").exists()
    assert "<svg" in _small()._repr_svg_()


@pytest.mark.skipif(drawmod.system_dot() is None, reason="graphviz dot not installed")
def test_draw_png_with_system_dot(tmp_path):
    out = tmp_path / "c.png"
    _small().draw(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_written_files_get_usual_permissions(tmp_path):
    import os
    import stat

    from circuits.io import current_umask
    c = _small()
    c.save(tmp_path / "c.json")
    mode = stat.S_IMODE(os.stat(tmp_path / "c.json").st_mode)
    assert mode == 0o666 & ~current_umask()


def test_write_dispatches_by_format_and_refuses_a_mismatched_extension(tmp_path):
    from circuits.io import format_of, write
    c = random_circuit(np.random.default_rng(3), "boolean", 4, 20)
    for fmt, name in [("json", "a.json"), ("npz", "a.npz"), ("aiger", "a.aig"), ("blif", "a.blif"),
                      ("graphml", "a.graphml"), ("dot", "a.gv")]:
        assert write(c, tmp_path / name, fmt) == fmt and (tmp_path / name).stat().st_size > 0
        assert format_of(name) == fmt
    back = Circuit.load(tmp_path / "a.aig")
    assert back.size() >= 1 and back.basis == "boolean"
    with pytest.raises(CircuitError, match="writes a .aig file"):
        write(c, tmp_path / "b.json", "aiger")
    assert not (tmp_path / "b.json").exists()
    with pytest.raises(CircuitError, match="unknown extension"):
        write(c, tmp_path / "b.txt")
