"""Shared test helpers: random circuits and an independent per-gate reference evaluator."""
from __future__ import annotations

import shutil
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import settings

from circuits import Circuit

# no per-example deadline: timing belongs to benchmarks, and a busy CI machine must not make tests flaky
settings.register_profile("lrnn", deadline=None, print_blob=True)
settings.load_profile("lrnn")

ARITH = ["add", "sub", "mul", "neg"]
BOOL = ["and", "or", "xor", "not"]


def random_circuit(rng, basis="arithmetic", n_inputs=4, n_gates=40, wide=True, n_outputs=3,
                   const_values=(2, -1, Fraction(1, 3))):
    """A random circuit whose gates pick earlier wires at random (so all depths/fan-outs occur)."""
    c = Circuit(basis)
    x = c.input("x", (n_inputs,))
    wires = list(np.asarray(x).tolist())
    if basis in ("boolean", "threshold"):
        const_values = (0, 1)
    for v in const_values:
        wires.append(int(c.const(v)))
    ops = {"arithmetic": ARITH, "boolean": BOOL, "threshold": ["threshold", "and", "or", "not"],
           "mixed": ARITH + ["relu", "step", "threshold"]}[basis]
    for _ in range(n_gates):
        op = ops[rng.integers(len(ops))]
        # favour recent wires so that circuits get deep
        def pick():
            k = len(wires)
            return wires[int(k - 1 - min(k - 1, rng.geometric(0.3) - 1))] if rng.random() < 0.7 else \
                wires[int(rng.integers(k))]
        if op in ("neg", "not", "relu", "step"):
            g = c.gate(op, pick()) if op not in ("relu", "step") else c.act(op, pick())
        elif op == "threshold":
            k = int(rng.integers(1, 5))
            args = [pick() for _ in range(k)]
            w = rng.integers(-3, 4, size=k)
            g = c.threshold(np.array(args), w, int(rng.integers(-2, 3)))
        elif op in ("and", "or", "xor") and wide and rng.random() < 0.3:
            g = c.gate(op, *[pick() for _ in range(int(rng.integers(3, 5)))])
        else:
            g = c.gate(op, pick(), pick())
        wires.append(int(g))
    outs = [wires[-1]] + [wires[int(rng.integers(len(wires)))] for _ in range(n_outputs - 1)]
    c.output("y", np.array(outs))
    return c


def reference_eval(c: Circuit, inputs: dict, mode: str, p: int | None = None):
    """Per-gate Python evaluation, written independently of circuits.evaluate.

    ``inputs`` maps element names to Python numbers; mode is 'int', 'fraction', 'float', 'gf' or 'bool'.
    """
    names = dict((w, nm) for nm, w in c.input_elements())
    val = []
    for g in range(len(c)):
        op = c.op_of(g)
        args = [val[a] for a in c.args_of(g)]
        if op == "input":
            v = inputs[names[g]]
        elif op == "const":
            v = c.constants[int(c.columns()["arg0"][g])]
            if mode == "gf":
                f = Fraction(v)
                v = f.numerator * pow(f.denominator, -1, p) % p
            elif mode == "float":
                v = float(v)
            elif mode == "bool":
                v = bool(v)
        elif op == "add":
            v = args[0] + args[1]
        elif op == "sub":
            v = args[0] - args[1]
        elif op == "mul":
            v = args[0] * args[1]
        elif op == "neg":
            v = -args[0]
        elif op == "and":
            v = all(a != 0 for a in args)
        elif op == "or":
            v = any(a != 0 for a in args)
        elif op == "xor":
            v = sum(1 for a in args if a != 0) % 2 == 1
        elif op == "not":
            v = args[0] == 0
        elif op == "threshold":
            w, th = c.threshold_params(g)
            v = sum(wi * ai for wi, ai in zip(w, args)) >= th
        elif op == "relu":
            v = args[0] if args[0] > 0 else 0
        elif op == "step":
            v = args[0] >= 0
        else:
            raise AssertionError(op)
        if op in ("and", "or", "xor", "not", "threshold", "step"):
            v = bool(v) if mode == "bool" else (1.0 if v else 0.0) if mode == "float" else int(v)
        if mode == "gf" and op not in ("input",):
            v %= p
        val.append(v)
    return {nm: val[w] for nm, w in c.output_elements()}


def has_abc() -> bool:
    return shutil.which("berkeley-abc") is not None or shutil.which("abc") is not None


def abc_exe() -> str:
    return shutil.which("berkeley-abc") or shutil.which("abc")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def random_inputs(rng, c, mode):
    """Random values for every input element of ``c``: bool, small fractions, floats or integers."""
    out = {}
    for nm, _ in c.input_elements():
        if mode == "bool":
            out[nm] = bool(rng.integers(2))
        elif mode == "fraction":
            out[nm] = Fraction(int(rng.integers(-9, 10)), int(rng.integers(1, 6)))
        elif mode == "float":
            out[nm] = float(rng.normal())
        else:
            out[nm] = int(rng.integers(-50, 51))
    return out


@pytest.hookimpl(hookwrapper=True)
def pytest_collect_file(file_path, parent):
    """The markdown-docs plugin (``--markdown-docs`` in setup.cfg) runs the python blocks of docs/ and README.md;
    it would also import every test module a second time to look for fenced blocks in docstrings. Test modules
    are tests, not documentation: keep only the ordinary collectors for them."""
    outcome = yield
    if file_path.suffix == ".py":
        result = outcome.get_result() or []
        outcome.force_result([c for c in result if type(c).__name__ != "MarkdownDocstringCodeModule"])
