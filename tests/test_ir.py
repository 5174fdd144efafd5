"""The circuit IR: builders, names, bases, metrics (against networkx), evaluation (against a per-gate reference)."""
from __future__ import annotations

from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from conftest import random_circuit, random_inputs, reference_eval
from hypothesis import given, settings
from hypothesis import strategies as st

from circuits import Circuit, CircuitError
from constructions.linalg import matmul, product_tree, tree_sum


# ---------------------------------------------------------------------------------------------------------
# builders and names
def test_input_names_and_shapes():
    c = Circuit()
    s = c.input("s")
    A = c.input("A", (2, 3))
    assert A.shape == (2, 3) and np.issubdtype(A.dtype, np.integer)
    assert int(s) == 0 and A.ravel().tolist() == list(range(1, 7))
    names = [nm for nm, _ in c.input_elements()]
    assert names == ["s", "A[0][0]", "A[0][1]", "A[0][2]", "A[1][0]", "A[1][1]", "A[1][2]"]
    assert list(c.inputs) == ["s", "A"] and c.inputs["s"] == 0
    c.output("y", c.add(A, s))  # broadcasting of id arrays
    assert c.outputs["y"].shape == (2, 3)
    assert [nm for nm, _ in c.output_elements()][:2] == ["y[0][0]", "y[0][1]"]


def test_name_clashes_rejected():
    c = Circuit()
    c.input("x", (2,))
    with pytest.raises(CircuitError, match="already used"):
        c.input("x")
    with pytest.raises(CircuitError, match="clashes"):
        c.input("x[0]")
    c.input("z[0]")
    with pytest.raises(CircuitError, match="clashes"):
        c.input("z", (3,))
    with pytest.raises(CircuitError, match="invalid name"):
        c.input("has space")


def test_const_interning_and_values():
    c = Circuit()
    a = c.const(3)
    b = c.const(3, shape=(2,))
    assert int(a) == b[0] == b[1]
    h = c.const("1/2")
    assert int(h) == int(c.const(Fraction(1, 2))) == int(c.const(0.5))
    assert c.size() == 0 and c.depth() == 0
    assert c.constants == [3, Fraction(1, 2)]
    with pytest.raises(CircuitError):
        c.const("abc")
    with pytest.raises(CircuitError):
        c.const(float("nan"))


def test_basis_enforced():
    c = Circuit("arithmetic")
    x = c.input("x", (2,))
    with pytest.raises(CircuitError, match="not in the arithmetic basis"):
        c.and_(x[0], x[1])
    with pytest.raises(CircuitError, match="not in the arithmetic basis"):
        c.act("relu", x[0])
    b = Circuit("boolean")
    y = b.input("y", (2,))
    with pytest.raises(CircuitError, match="not in the boolean basis"):
        b.add(y[0], y[1])
    with pytest.raises(CircuitError, match="0 or 1"):
        b.const(2)
    t = Circuit("threshold")
    z = t.input("z", (2,))
    with pytest.raises(CircuitError):
        t.xor(z[0], z[1])
    with pytest.raises(CircuitError, match="unknown basis"):
        Circuit("quantum")


def test_bad_wires_rejected():
    c = Circuit()
    x = c.input("x", (2,))
    with pytest.raises(CircuitError, match="does not exist"):
        c.add(x[0], 99)
    with pytest.raises(CircuitError, match="does not exist"):
        c.neg(-1)
    with pytest.raises(CircuitError, match="integers"):
        c.add(x[0], 0.5)
    with pytest.raises(CircuitError, match="broadcast"):
        c.add(x, np.array([0, 1, 0]))


def test_fanin_limit():
    c = Circuit("boolean", fanin_limit=2)
    x = c.input("x", (3,))
    c.and_(x[0], x[1])
    with pytest.raises(CircuitError, match="fanin_limit"):
        c.and_(x[0], x[1], x[2])
    u = Circuit("boolean")
    u.or_(u.input("v", (5,)))  # unbounded fan-in (AC) is fine without a limit
    assert u.max_fanin() == 5


def test_threshold_params_validated():
    c = Circuit("threshold")
    x = c.input("x", (3,))
    g = c.threshold(x, [1, 2, 3], 2)
    assert c.threshold_params(g) == ([1, 2, 3], 2)
    with pytest.raises(CircuitError, match="integers"):
        c.threshold(x, [0.5, 1, 1], 1)
    with pytest.raises(CircuitError):
        c.threshold(x, [1, 1], 1)


def test_vectorised_calls_return_shapes():
    c = Circuit()
    A = c.input("A", (5, 3, 3))
    B = c.input("B", (5, 3, 3))
    P = matmul(c, A, B)
    assert P.shape == (5, 3, 3)
    assert c.count_ops() == {"mul": 5 * 27, "add": 5 * 9 * 2}
    assert c.depth() == 1 + 2  # mul, then a two-level tree of three terms


def test_columns_view_survives_growth():
    c = Circuit(capacity=16)
    x = c.input("x", (4,))
    view = c.columns()["op"]
    before = view.copy()
    for _ in range(200):  # many appends force the columns to grow while the view is held
        c.add(c.input(f"u{_}", (500,)), x[0])
    assert np.array_equal(view, before)  # the old view is still valid memory
    assert c.size() == 200 * 500


# ---------------------------------------------------------------------------------------------------------
# metrics against networkx
def _nx_graph(c: Circuit):
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(len(c)))
    for w in range(len(c)):
        for a in c.args_of(w):
            g.add_edge(a, w)
    return g


@pytest.mark.parametrize("basis", ["arithmetic", "boolean", "threshold", "mixed"])
@pytest.mark.parametrize("seed", range(6))
def test_metrics_match_networkx(basis, seed):
    rng = np.random.default_rng(seed)
    c = random_circuit(rng, basis, n_inputs=int(rng.integers(1, 6)), n_gates=int(rng.integers(1, 120)))
    g = _nx_graph(c)
    gate_nodes = [w for w in range(len(c)) if c.op_of(w) not in ("input", "const")]
    assert c.size() == len(gate_nodes)
    assert sum(c.count_ops().values()) == c.size()
    # depth of each wire = edges on the longest path into it
    longest = {}
    for w in nx.topological_sort(g):
        preds = list(g.predecessors(w))
        longest[w] = 0 if not preds else 1 + max(longest[p] for p in preds)
    assert c.depths().tolist() == [longest[w] for w in range(len(c))]
    # circuit depth = longest path ending at an output
    outs = c.output_ids().tolist()
    assert c.depth() == max(longest[o] for o in outs)
    # dag_longest_path_length agrees when taken over the whole graph
    assert int(c.depths().max()) == nx.dag_longest_path_length(nx.DiGraph(g))
    assert c.max_fanin() == max(g.in_degree(w) for w in range(len(c)))
    assert c.max_fanout() == max(g.out_degree(w) for w in range(len(c)))
    layers = c.layers()
    for k, cnt in enumerate(layers):
        assert cnt == sum(1 for w in gate_nodes if longest[w] == k + 1)
    assert c.width() == max(layers)
    path = c.critical_path()
    assert len(path) == c.depth() + 1 and path[-1] in outs
    assert all(path[i] in c.args_of(path[i + 1]) for i in range(len(path) - 1))
    assert c.depths()[path[0]] == 0
    cone = set(c.cone().tolist())
    assert cone == set(outs) | set().union(*(nx.ancestors(g, o) for o in outs))


def test_to_networkx_export():
    c = Circuit()
    x = c.input("x", (2,))
    sq = c.mul(x[0], x[0])
    c.output("y", c.sub(sq, x[1]))
    g = c.to_networkx()
    assert isinstance(g, nx.DiGraph) and g.number_of_nodes() == len(c)
    assert g.nodes[0]["name"] == "x[0]" and g.nodes[int(sq)]["op"] == "mul"
    assert g.edges[0, int(sq)]["pos"] == "0,1"  # x·x keeps both argument positions
    assert g.edges[int(sq), int(c.outputs["y"])]["pos"] == "0"
    assert g.nodes[int(c.outputs["y"])]["outputs"] == "y"


def test_degree():
    c = Circuit()
    x = c.input("x", (3,))
    p = c.mul(c.mul(x[0], x[1]), c.add(x[2], c.const(1)))
    c.output("p", p)
    assert c.degree() == 3
    c2 = Circuit()
    y = c2.input("y")
    z = y
    for _ in range(70):  # degree 2**70: beyond int64, computed exactly
        z = c2.mul(z, z)
    c2.output("z", z)
    assert c2.degree() == 2**70
    b = Circuit("boolean")
    b.output("o", b.not_(b.input("i")))
    with pytest.raises(CircuitError, match="arithmetic"):
        b.degree()


def test_product_tree_shape_and_formula():
    for n in (1, 2, 3, 5, 8, 13):
        for d in (1, 2, 3, 4):
            c = Circuit()
            c.output("P", product_tree(c, c.input("M", (n, d, d))))
            assert c.size() == (n - 1) * (2 * d**3 - d**2)
            assert c.depth() == int(np.ceil(np.log2(n))) * (1 + int(np.ceil(np.log2(d))))
    c = Circuit()
    with pytest.raises(ValueError):
        tree_sum(c, np.zeros((0,), dtype=np.int32))


# ---------------------------------------------------------------------------------------------------------
# evaluation against the per-gate reference
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("basis,mode", [("arithmetic", "int"), ("arithmetic", "fraction"), ("arithmetic", "gf"),
                                        ("arithmetic", "float"), ("boolean", "bool"), ("boolean", "int"),
                                        ("threshold", "bool"), ("mixed", "fraction"), ("mixed", "float")])
def test_evaluate_matches_reference(seed, basis, mode):
    rng = np.random.default_rng(1000 + seed)
    consts = (2, -1) if mode in ("int", "gf") else (2, -1, Fraction(1, 3))
    c = random_circuit(rng, basis, n_inputs=3, n_gates=60, const_values=consts)
    p = 1_000_003
    vals = random_inputs(rng, c, mode)
    if mode == "gf":
        vals = {k: v % p for k, v in vals.items()}
    ref = reference_eval(c, vals, mode, p)
    dom = ("gf", p) if mode == "gf" else mode
    got = c.evaluate(vals, domain=dom)["y"]
    for k, (nm, _) in enumerate(c.output_elements()):
        if mode == "float":
            assert np.isclose(got[k], ref[nm], rtol=1e-9, atol=1e-9) or (np.isinf(ref[nm]) and got[k] == ref[nm])
        else:
            assert got[k] == ref[nm], (nm, got[k], ref[nm])
            if mode == "fraction":
                assert isinstance(got[k], Fraction)


def test_evaluate_batched_and_element_names():
    c = Circuit()
    A = c.input("A", (2, 2))
    s = c.input("s")
    c.output("t", c.add(c.mul(A[0, 0], A[1, 1]), s))
    c.output("B", c.mul(A, s))
    batch = np.arange(12).reshape(3, 2, 2)
    out = c.evaluate({"A": batch, "s": [1, 2, 3]}, domain="int")
    assert out["t"].shape == (3,) and out["B"].shape == (3, 2, 2)
    for b in range(3):
        single = c.evaluate({"A": batch[b], "s": b + 1}, domain="int")
        assert out["t"][b] == single["t"] == batch[b, 0, 0] * batch[b, 1, 1] + b + 1
        assert np.array_equal(out["B"][b], single["B"])
    by_elem = c.evaluate({"A[0][0]": 2, "A[0][1]": 0, "A[1][0]": 0, "A[1][1]": 5, "s": 1}, domain="int")
    assert by_elem["t"] == 11 and isinstance(by_elem["t"], int)


def test_evaluate_errors():
    c = Circuit()
    x = c.input("x", (2,))
    c.output("y", c.add(x[0], x[1]))
    with pytest.raises(CircuitError, match="missing"):
        c.evaluate({}, domain="int")
    with pytest.raises(CircuitError, match="unknown input"):
        c.evaluate({"x": [1, 2], "z": 3})
    with pytest.raises(CircuitError, match="shape"):
        c.evaluate({"x": [1, 2, 3]})
    with pytest.raises(CircuitError, match="not an integer"):
        c.evaluate({"x": [1, 2.5]}, domain="int")
    with pytest.raises(CircuitError, match="unknown domain"):
        c.evaluate({"x": [1, 2]}, domain="complex")
    with pytest.raises(CircuitError, match="bool domain|cannot be evaluated"):
        c.evaluate({"x": [1, 0]}, domain="bool")
    h = Circuit()
    h.output("z", h.mul(h.input("u"), h.const("1/2")))
    with pytest.raises(CircuitError, match="not an integer"):
        h.evaluate({"u": 3}, domain="int")
    assert h.evaluate({"u": 3}, domain="fraction")["z"] == Fraction(3, 2)
    assert h.evaluate({"u": 3}, domain=("gf", 7))["z"] == 3 * 4 % 7  # 1/2 = 4 mod 7
    with pytest.raises(CircuitError, match="divisible"):
        h.evaluate({"u": 3}, domain=("gf", 2))
    m = Circuit("mixed")
    m.output("s", m.act("sigmoid", m.input("v")))
    assert abs(m.evaluate({"v": 0.0})["s"] - 0.5) < 1e-12
    with pytest.raises(CircuitError, match="sigmoid"):
        m.evaluate({"v": 0}, domain="fraction")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_product_tree_equals_sequential_product(n, d, seed):
    rng = np.random.default_rng(seed)
    c = Circuit()
    c.output("P", product_tree(c, c.input("M", (n, d, d))))
    mats = rng.integers(-4, 5, size=(n, d, d)).astype(object)
    want = mats[0]
    for k in range(1, n):
        want = mats[k].dot(want)
    assert np.array_equal(c.evaluate({"M": mats}, domain="int")["P"], want)


def test_to_sympy():
    import sympy as sp

    c = Circuit()
    x = c.input("x", (2,))
    c.output("y", c.sub(c.mul(x[0], x[1]), c.mul(c.const("1/2"), x[0])))
    c.output("v", c.neg(x))
    e = c.to_sympy()
    a, b = sp.symbols("x[0] x[1]")
    assert sp.expand(e["y"] - (a * b - a / 2)) == 0
    assert list(e["v"]) == [-a, -b]
    assert set(c.to_sympy(flat=True)) == {"y", "v[0]", "v[1]"}
    bc = Circuit("threshold")
    z = bc.input("z", (3,))
    bc.output("m", bc.threshold(z, [1, 1, 1], 2))
    m = bc.to_sympy()["m"]
    z0, z1, z2 = sp.symbols("z[0] z[1] z[2]")
    assert bool(m.subs({z0: True, z1: True, z2: False})) is True
    assert bool(m.subs({z0: True, z1: False, z2: False})) is False


def test_constant_identities_fold():
    c = Circuit()
    x = c.input("x", (3,))
    one, zero = c.const(1), c.const(0)
    assert c.mul(x, one).tolist() == x.tolist() and c.mul(one, x[0]) == x[0]
    assert c.mul(x[1], zero) == zero and c.add(zero, x[2]) == x[2] and c.sub(x[2], zero) == x[2]
    mixed = c.mul(x, np.array([one, x[0], zero]))
    assert mixed[0] == x[0] and mixed[2] == zero and c.op_of(mixed[1]) == "mul"
    assert c.size() == 1 and c.count_ops() == {"mul": 1}
    assert c.op_of(c.sub(zero, x[0])) == "sub"  # 0 − x is a gate (no neg folding)
    raw = Circuit(fold=False)
    y = raw.input("y")
    assert raw.op_of(raw.mul(y, raw.const(1))) == "mul" and raw.size() == 1


@pytest.mark.parametrize("basis", ["arithmetic", "boolean", "threshold", "mixed"])
def test_embed_equals_composition(basis):
    """Embedding a circuit feeds its inputs from this circuit's wires: the result evaluates like composing the
    two evaluations."""
    rng = np.random.default_rng(21)
    inner = random_circuit(rng, basis, n_inputs=3, n_gates=40)
    outer = Circuit(basis)
    z = outer.input("z", (3,))
    pre = outer.not_(z) if basis in ("boolean", "threshold") else outer.add(z, outer.const(2))
    got = outer.embed(inner, {"x": pre})
    outer.output("y", got["y"])
    dom = "bool" if basis in ("boolean", "threshold") else "fraction"
    for _ in range(8):
        zv = rng.integers(0, 2, 3) if dom == "bool" else rng.integers(-4, 5, 3)
        xv = (1 - zv) if dom == "bool" else zv + 2
        a = outer.evaluate({"z": zv}, domain=dom)["y"]
        b = inner.evaluate({"x": xv}, domain=dom)["y"]
        assert np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
    assert outer.depth() <= inner.depth() + 1


def test_embed_errors_and_basis():
    inner = Circuit()
    inner.output("p", inner.mul(inner.input("u"), inner.input("v")))
    outer = Circuit("boolean")
    a = outer.input("a")
    with pytest.raises(CircuitError, match="missing input 'v'"):
        outer.embed(inner, {"u": a})
    with pytest.raises(CircuitError, match="not in the boolean basis"):
        outer.embed(inner, {"u": a, "v": a})


def test_pickle_round_trip():
    import pickle

    c = Circuit()
    c.output("P", product_tree(c, c.input("M", (5, 2, 2))))
    d = pickle.loads(pickle.dumps(c))
    M = np.arange(20).reshape(5, 2, 2)
    assert np.array_equal(c.evaluate({"M": M}, "int")["P"], d.evaluate({"M": M}, "int")["P"])
    d.output("extra", d.add(d.inputs["M"][0, 0, 0], d.inputs["M"][1, 1, 1]))  # still appendable
    assert d.size() == c.size() + 1 and d.depth() == c.depth()
