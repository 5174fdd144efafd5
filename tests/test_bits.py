"""constructions/bits: adders, comparators, multipliers against integer arithmetic; closed forms; AIG counts
and equivalence against ABC (skipped when berkeley-abc is absent); the docs table."""
from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from circuits import Circuit
from constructions import bits
from constructions.bits import forms
from constructions.bits.table import ABC_ADDER_TARGETS, ABC_MULTIPLIER_TARGET, PRECISIONS, measure, row_line

ROOT = Path(__file__).resolve().parents[1]
ABC = shutil.which("berkeley-abc")
needs_abc = pytest.mark.skipif(ABC is None, reason="berkeley-abc not installed (apt-get install berkeley-abc)")


def ints(bitrows, signed=False):
    """Rows of bools (LSB first) -> Python ints."""
    bitrows = np.asarray(bitrows, dtype=bool)
    p = bitrows.shape[-1]
    w = [1 << i for i in range(p)]
    out = [sum(wi for wi, b in zip(w, row) if b) for row in bitrows.tolist()]
    if signed:
        out = [v - (1 << p) if v >> (p - 1) else v for v in out]
    return out


def all_pairs(p, extra=0):
    X = np.array(list(itertools.product([0, 1], repeat=2 * p + extra)), dtype=bool)
    return X[:, :p], X[:, p:2 * p], X[:, 2 * p:]


def random_pairs(p, n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2, (n, p)).astype(bool), rng.integers(0, 2, (n, p)).astype(bool)


VARIANTS = [("ripple", "ling", "default")] + [(s, st, sl) for s in bits.PREFIX_ADDERS for st in bits.STYLES
                                              for sl in ("default", None, 0, 2)]


def _adder(p, adder, style, slack, cin=False):
    c = Circuit("boolean")
    a, b = c.input("a", (p,)), c.input("b", (p,))
    ci = c.input("ci") if cin else None
    kw = {} if adder == "ripple" else {"style": style, "slack": slack}
    s, co = bits.add(c, a, b, adder, cin=ci, **kw)
    c.output("s", s)
    c.output("c", co)
    return c


@pytest.mark.parametrize("adder,style,slack", VARIANTS)
def test_adders_exhaustive_small(adder, style, slack):
    for p in range(1, 7):
        c = _adder(p, adder, style, slack, cin=True)
        A, B, C = all_pairs(p, 1)
        out = c.evaluate({"a": A, "b": B, "ci": C[:, 0]}, "bool")
        got = [s + (int(k) << p) for s, k in zip(ints(out["s"]), out["c"])]
        want = [x + y + int(z) for x, y, z in zip(ints(A), ints(B), C[:, 0])]
        assert got == want, (adder, style, slack, p)


@pytest.mark.parametrize("adder", bits.ADDERS)
def test_adders_random_to_64(adder):
    for p in (7, 13, 32, 33, 64):
        c = bits.adder_circuit(p, adder)
        A, B = random_pairs(p, 300, p)
        out = c.evaluate({"a": A, "b": B}, "bool")
        got = [s + (int(k) << p) for s, k in zip(ints(out["s"]), out["c"])]
        assert got == [x + y for x, y in zip(ints(A), ints(B))], (adder, p)


@pytest.mark.parametrize("adder", ["ripple", "sklansky", "kogge-stone"])
def test_subtract_negate_exhaustive(adder):
    for p in range(1, 6):
        c = Circuit("boolean")
        a, b = c.input("a", (p,)), c.input("b", (p,))
        d, nb = bits.subtract(c, a, b, adder)
        c.output("d", d)
        c.output("nb", nb)
        c.output("n", bits.negate(c, a, adder))
        A, B, _ = all_pairs(p)
        out = c.evaluate({"a": A, "b": B}, "bool")
        M = 1 << p
        assert ints(out["d"]) == [(x - y) % M for x, y in zip(ints(A), ints(B))]
        assert out["nb"].tolist() == [x >= y for x, y in zip(ints(A), ints(B))]
        assert ints(out["n"]) == [(-x) % M for x in ints(A)]


@pytest.mark.parametrize("schedule", ["reduce", "sklansky", "brent-kung", "serial"])
def test_comparators_exhaustive(schedule):
    import operator
    fns = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
           "!=": operator.ne}
    for p in range(1, 6):
        c = Circuit("boolean")
        a, b = c.input("a", (p,)), c.input("b", (p,))
        names = {}
        for k, (op, sg) in enumerate(itertools.product(bits.COMPARISONS, (False, True))):
            c.output(f"y{k}", bits.compare(c, a, b, op, sg, schedule=schedule))
            names[f"y{k}"] = (op, sg)
        A, B, _ = all_pairs(p)
        out = c.evaluate({"a": A, "b": B}, "bool")
        for nm, (op, sg) in names.items():
            want = [fns[op](x, y) for x, y in zip(ints(A, sg), ints(B, sg))]
            assert out[nm].tolist() == want, (schedule, p, op, sg)


def test_comparator_random_64():
    c = bits.comparator_circuit(64, "<", signed=True)
    A, B = random_pairs(64, 400, 5)
    B[:50] = A[:50]  # equal operands too
    out = c.evaluate({"a": A, "b": B}, "bool")["y"]
    assert out.tolist() == [x < y for x, y in zip(ints(A, True), ints(B, True))]


@pytest.mark.parametrize("mult", bits.MULTIPLIERS)
def test_multipliers_exhaustive_small(mult):
    for p in range(1, 7):
        for width in bits.WIDTHS:
            for adder in ("ripple", "sklansky", "kogge-stone") if p <= 4 else ("brent-kung",):
                c = bits.multiplier_circuit(p, mult, adder, width)
                A, B, _ = all_pairs(p)
                out = c.evaluate({"a": A, "b": B}, "bool")["p"]
                M = 1 << (2 * p if width == "full" else p)
                assert ints(out) == [(x * y) % M for x, y in zip(ints(A), ints(B))], (mult, p, width, adder)


@pytest.mark.parametrize("mult", bits.MULTIPLIERS)
@pytest.mark.parametrize("adder", bits.PREFIX_ADDERS)
def test_multipliers_random_every_adder(mult, adder):
    for p in (9, 24):
        for width in bits.WIDTHS:
            c = bits.multiplier_circuit(p, mult, adder, width)
            A, B = random_pairs(p, 100, p)
            M = 1 << (2 * p if width == "full" else p)
            out = c.evaluate({"a": A, "b": B}, "bool")["p"]
            assert ints(out) == [(x * y) % M for x, y in zip(ints(A), ints(B))], (mult, adder, p, width)


@pytest.mark.parametrize("mult", bits.MULTIPLIERS)
def test_multipliers_random_64(mult):
    for width in bits.WIDTHS:
        c = bits.multiplier_circuit(64, mult, "sklansky", width)
        A, B = random_pairs(64, 60, 64)
        M = 1 << (128 if width == "full" else 64)
        out = c.evaluate({"a": A, "b": B}, "bool")["p"]
        assert ints(out) == [(x * y) % M for x, y in zip(ints(A), ints(B))], (mult, width)


def test_csa_and_one_bit_blocks():
    c = Circuit("boolean")
    x, y, z = c.input("x", (4,)), c.input("y", (4,)), c.input("z", (4,))
    s, k = bits.csa(c, x, y, z)
    c.output("s", s)
    c.output("k", k)
    X = np.array(list(itertools.product([0, 1], repeat=12)), dtype=bool)
    out = c.evaluate({"x": X[:, :4], "y": X[:, 4:8], "z": X[:, 8:]}, "bool")
    got = [u + 2 * v for u, v in zip(ints(out["s"]), ints(out["k"]))]
    assert got == [a + b + d for a, b, d in zip(ints(X[:, :4]), ints(X[:, 4:8]), ints(X[:, 8:]))]


def test_threshold_basis_and_batch():
    """The blocks work on a threshold-basis circuit (xor from and/or/not) and over a batch axis."""
    c = Circuit("threshold")
    a, b = c.input("a", (3, 5)), c.input("b", (3, 5))
    s, co = bits.add(c, a, b, "kogge-stone")
    c.output("s", s)
    c.output("lt", bits.compare(c, a, b, "<"))
    assert "xor" not in c.count_ops()
    rng = np.random.default_rng(3)
    A, B = rng.integers(0, 2, (40, 3, 5)).astype(bool), rng.integers(0, 2, (40, 3, 5)).astype(bool)
    out = c.evaluate({"a": A, "b": B}, "bool")
    for r in range(3):
        xs, ys = ints(A[:, r]), ints(B[:, r])
        assert ints(out["s"][:, r]) == [(x + y) % 32 for x, y in zip(xs, ys)]
        assert out["lt"][:, r].tolist() == [x < y for x, y in zip(xs, ys)]


def test_bad_arguments():
    c = Circuit("boolean")
    a, b = c.input("a", (4,)), c.input("b", (5,))
    from circuits.errors import CircuitError
    with pytest.raises(CircuitError):
        bits.add(c, a, b)
    with pytest.raises(CircuitError):
        bits.add(c, a, a, "reduce")
    with pytest.raises(CircuitError):
        bits.compare(c, a, a, "<>")
    with pytest.raises(CircuitError):
        bits.add(Circuit("arithmetic"), [0], [0])


# ------------------------------------------------------------------------------------------------------
# closed forms against built circuits
def test_ripple_closed_forms():
    for p in list(range(1, 20)) + [32, 64]:
        c = bits.adder_circuit(p, "ripple")
        assert (c.size(), c.depth()) == (forms.ripple_size(p), forms.ripple_depth(p))
        st = bits.aig_stats(c)
        assert (st["ands"], st["levels"]) == (forms.ripple_aig_ands(p), forms.ripple_aig_levels(p))


@pytest.mark.parametrize("schedule", forms.PREFIX_SIZE_SCHEDULES)
def test_prefix_closed_forms(schedule):
    for p in list(range(1, 18)) + [32, 64]:
        c = bits.adder_circuit(p, schedule, style="textbook", slack=None)
        assert c.size() == forms.prefix_size(schedule, p), (schedule, p)
        if schedule == "sklansky" and p >= 4 and p & (p - 1) == 0:
            assert c.depth() == forms.prefix_depth(schedule, p)
    c = bits.adder_circuit(9, "serial", style="textbook", slack=None)
    assert c.size() == forms.ripple_size(9)  # the serial prefix adder is the ripple-carry adder


def test_dadda_counts_and_stages():
    for p in range(3, 20):
        for method in ("dadda", "wallace"):
            st = {}
            c = Circuit("boolean")
            a, b = c.input("a", (p,)), c.input("b", (p,))
            bits.reduce_columns(c, bits.partial_products(c, a, b), method, stats=st)
            assert st["stages"] == forms.dadda_stages(p) == len(bits.dadda_heights(p)), (method, p)
            assert c.size() == forms.reduction_size(p, st["fa"], st["ha"], st["fa_top"], st["ha_top"])
            if method == "dadda":
                assert (st["fa"], st["ha"]) == (forms.dadda_fa(p), forms.dadda_ha(p)), p


# ------------------------------------------------------------------------------------------------------
# targets of issue 9 and the docs table
def test_targets_64_bit_adders():
    depths = []
    for name, (ta, tl) in ABC_ADDER_TARGETS.items():
        ands, lev = measure("adder", name, 64)
        assert ands <= ta and lev <= tl, (name, ands, lev)
        depths.append(lev)
    assert min(depths) <= 13


def test_target_32_bit_multiplier():
    ands, lev = measure("multiplier", "dadda", 32, "sklansky")
    assert ands <= ABC_MULTIPLIER_TARGET[0] and lev <= ABC_MULTIPLIER_TARGET[1]


def test_docs_table_adder_rows_current():
    """The adder rows of docs/bits.md are what the code measures now (benchmarks/bits_table.py --check
    compares the whole table)."""
    doc = (ROOT / "docs" / "bits.md").read_text()
    for name in bits.ADDERS:
        line = row_line("adder", name, None, [measure("adder", name, p) for p in PRECISIONS])
        assert line in doc, line
    line = row_line("multiplier", "dadda", "sklansky", [measure("multiplier", "dadda", p, "sklansky")
                                                         for p in PRECISIONS[:3]])
    assert line[:-2] in doc  # the p = 64 figure is checked by the benchmark's --check


# ------------------------------------------------------------------------------------------------------
# ABC
def abc(cmd: str, cwd) -> str:
    r = subprocess.run([ABC, "-c", cmd], cwd=cwd, capture_output=True, text=True, timeout=300)
    return r.stdout + r.stderr


def abc_stats(path, cwd):
    out = abc(f"read_aiger {path}; print_stats", cwd)
    m = re.search(r"and\s*=\s*(\d+)\s+lev\s*=\s*(\d+)", out)
    assert m, out
    return int(m.group(1)), int(m.group(2))


def cec(ours, theirs, cwd, fast=False) -> bool:
    if fast:  # &cec with a high conflict limit: multipliers
        out = abc(f"&r {ours}; &cec -n -C 1000000 {theirs}", cwd)
        if "NOT EQUIVALENT" in out:
            return False
        m = re.search(r"UNSAT =\s*(\d+)\.\s+SAT =\s*(\d+)\.\s+UNDEC =\s*(\d+)", out)
        assert m, out
        if int(m.group(2)):
            return False
        assert int(m.group(3)) == 0, out
        return True
    out = abc(f"cec -n {ours} {theirs}", cwd)
    if "Networks are equivalent" in out:
        return True
    assert "NOT EQUIVALENT" in out.upper() or "are not equivalent" in out, out
    return False


def our_levels_from_file(path) -> int:
    """AND-depth of the exported AIGER file itself, read back with circuits.io (not gates are free)."""
    from circuits.io import read_aiger
    r = read_aiger(path)
    cols = r.columns()
    op = cols["op"]
    d = np.zeros(len(r), dtype=np.int64)
    from circuits.ops import BY_NAME
    for g in range(len(r)):
        if op[g] == BY_NAME["and"].code:
            d[g] = 1 + max(d[cols["arg0"][g]], d[cols["arg1"][g]])
        elif op[g] == BY_NAME["not"].code:
            d[g] = d[cols["arg0"][g]]
    return int(d[r.output_ids()].max())


@needs_abc
def test_abc_counts_equal_aig_stats(tmp_path):
    cases = [bits.adder_circuit(32, a) for a in bits.ADDERS] + \
            [bits.multiplier_circuit(8, m, "kogge-stone") for m in bits.MULTIPLIERS] + \
            [bits.comparator_circuit(16, "<=", True), bits.multiplier_circuit(16, "dadda", "sklansky", "truncated")]
    for k, c in enumerate(cases):
        f = tmp_path / f"c{k}.aig"
        c.write_aiger(f)
        st = bits.aig_stats(c)
        assert abc_stats(f.name, tmp_path) == (st["ands"], st["levels"]), k
        assert our_levels_from_file(f) == st["levels"], k


@needs_abc
def test_abc_cec_adders_32(tmp_path):
    abc("gen -N 32 -a gen32.blif", tmp_path)
    assert (tmp_path / "gen32.blif").exists()
    for k, (adder, style, slack) in enumerate(VARIANTS):
        c = bits.adder_circuit(32, adder, **({} if adder == "ripple" else {"style": style, "slack": slack}))
        c.write_aiger(tmp_path / f"a{k}.aig")
        assert cec(f"a{k}.aig", "gen32.blif", tmp_path), (adder, style, slack)


@needs_abc
def test_abc_cec_rejects_broken_adder(tmp_path):
    abc("gen -N 32 -a gen32.blif", tmp_path)
    c = Circuit("boolean")
    a, b = c.input("a", (32,)), c.input("b", (32,))
    s, co = bits.add(c, a, b, "kogge-stone")
    s = s.copy()
    s[17] = c.xor(s[17], c.and_(a[3], b[29]))  # wrong whenever a3 = b29 = 1
    c.output("s", s)
    c.output("c", co)
    c.write_aiger(tmp_path / "broken.aig")
    assert not cec("broken.aig", "gen32.blif", tmp_path)


@needs_abc
def test_abc_cec_multipliers_8(tmp_path):
    abc("gen -N 8 -m genm8.blif; read_blif genm8.blif; strash; write_aiger genm8.aig", tmp_path)
    for m in bits.MULTIPLIERS:
        c = bits.multiplier_circuit(8, m, "sklansky")
        c.write_aiger(tmp_path / f"{m}.aig")
        assert cec(f"{m}.aig", "genm8.aig", tmp_path, fast=True), m
    c = bits.multiplier_circuit(8, "dadda", "sklansky")
    c2 = Circuit("boolean")
    a, b = c2.input("a", (8,)), c2.input("b", (8,))
    pr = bits.multiply(c2, a, b).copy()
    pr[9] = c2.not_(pr[9])
    c2.output("p", pr)
    c2.write_aiger(tmp_path / "broken.aig")
    assert not cec("broken.aig", "genm8.aig", tmp_path, fast=True)
