"""The monotone circuit value problem through the two-stack machine of Thm 1 (Merrill et al. 2026, v3; P-complete
by Goldschlager 1977), and so through its RNN (:mod:`constructions.hardness.stack`).

A monotone circuit: inputs x_1..x_m, then gates m+1..N, each ``(op, i, j)`` with op in {and, or} and i, j < its
own index (wires are numbered from 1; the gates are read in topological order). The machine keeps every wire's
value on stack A (the newest on top) and uses stack B as scratch. Tokens:

* ``in0`` / ``in1`` push an input value on A;
* ``m`` moves the top of A onto B (a pop of A and a push on B in the same step);
* ``r`` reads the top of A into the control (first operand, then second);
* ``pad`` — clock padding: a step that reads no input; the machine moves the top of B back onto A, or idles when
  B is empty. The padding gives the machine the time to restore A after a look-up;
* ``and`` / ``or`` push the gate's value (from the two operands in the control) on A.

Gate k = op(i, j) is the token block ``m^a r pad^a m^b r pad^b op`` with a = (k − 1) − i and b = (k − 1) − j,
the distances of the operands below the top of A. One recurrent step per token (one machine step per token). At the
end A holds every wire's value, the output gate on top.
"""
from __future__ import annotations

import random

from .stack import CACHES, StackMachine

__all__ = ["mcvp_machine", "random_monotone_circuit", "evaluate_circuit", "circuit_tokens", "TOKENS"]

TOKENS = ("in0", "in1", "m", "r", "pad", "and", "or")


def mcvp_machine() -> StackMachine:
    """The two-stack machine above, with only the rules a well-formed stream uses (others halt the machine)."""
    idle = "idle"
    first = [("a", v) for v in (0, 1)]
    both = [("b", v, w) for v in (0, 1) for w in (0, 1)]
    states = (idle, *first, *both)
    rules = {}
    for b in (0, 1):  # inputs come first, while B is empty
        for cA in CACHES:
            rules[(idle, f"in{b}", (cA, "E"))] = (idle, (f"push{b}", "noop"))
    for q in (idle, *first):
        for cA in (0, 1):
            for cB in CACHES:
                rules[(q, "m", (cA, cB))] = (q, ("pop", f"push{cA}"))
                rules[(q, "r", (cA, cB))] = ((("a", cA) if q == idle else ("b", q[1], cA)), ("noop", "noop"))
    for q in (idle, *first, *both):
        for cA in CACHES:
            for cB in CACHES:
                if cB == "E":
                    rules[(q, "pad", (cA, cB))] = (q, ("noop", "noop"))
                else:
                    rules[(q, "pad", (cA, cB))] = (q, (f"push{cB}", "pop"))
    for (_, v, w) in both:
        for cA in (0, 1):
            rules[(("b", v, w), "and", (cA, "E"))] = (idle, (f"push{v & w}", "noop"))
            rules[(("b", v, w), "or", (cA, "E"))] = (idle, (f"push{v | w}", "noop"))
    return StackMachine(states, TOKENS, 2, rules, idle, "mcvp")


def random_monotone_circuit(n_inputs: int, n_gates: int, rng: random.Random, window: int | None = None):
    """Gates ``(op, i, j)`` (wires numbered from 1, inputs first). Each operand is a uniformly random earlier
    wire, or with ``window`` one of the ``window`` most recent wires (shorter streams: the look-up distance is
    below ``window``)."""
    if n_inputs < 1 or n_gates < 1:
        raise ValueError("a circuit needs at least one input and one gate")
    gates = []
    for k in range(n_inputs + 1, n_inputs + n_gates + 1):
        lo = 1 if window is None else max(1, k - window)
        gates.append((rng.choice(("and", "or")), rng.randint(lo, k - 1), rng.randint(lo, k - 1)))
    return gates


def evaluate_circuit(gates, inputs) -> list:
    """Every wire's value (wire 1 first), by direct evaluation."""
    vals = [int(b) for b in inputs]
    for op, i, j in gates:
        a, b = vals[i - 1], vals[j - 1]
        vals.append(a & b if op == "and" else a | b)
    return vals


def circuit_tokens(gates, inputs) -> list:
    toks = [f"in{int(b)}" for b in inputs]
    k = len(inputs)
    for op, i, j in gates:
        if not (1 <= i <= k and 1 <= j <= k):
            raise ValueError(f"gate {k + 1} reads wire {max(i, j)}, which is not earlier")
        k += 1
        for w in (i, j):
            a = (k - 1) - w
            toks += ["m"] * a + ["r"] + ["pad"] * a
        toks.append(op)
    return toks


DEMO_GATES = (("or", 1, 2), ("and", 3, 1))  # x3 = x1 ∨ x2, x4 = x3 ∧ x1


def demo_trace(inputs=(1, 0), gates=DEMO_GATES) -> dict:
    """The stack-machine RNN on a small monotone circuit, step by step (exact): per step the token, the decoded
    control and stacks (top first), the stack codes, and the state vector."""
    from .stack import compile_machine
    rnn = compile_machine(mcvp_machine())
    toks = circuit_tokens(gates, inputs)
    h = rnn.state()
    steps = []
    for t, tok in enumerate(toks, 1):
        h = rnn.step(h, tok)
        q, (A, B) = rnn.decode(h)
        steps.append({"t": t, "token": tok, "control": "-".join(map(str, q)) if isinstance(q, tuple) else q,
                      "A": A, "B": B, "code_A": str(h[rnn.stack_index(0)]), "code_B": str(h[rnn.stack_index(1)]),
                      "state": [str(v) for v in h]})
    vals = evaluate_circuit(gates, inputs)
    return {"machine": "mcvp (two stacks)", "gates": [list(g) for g in gates], "inputs": list(inputs),
            "state_dim": rnn.d, "hidden_units": rnn.hidden, "tokens": len(toks), "steps": steps,
            "output": steps[-1]["A"][0], "expected": vals[-1]}
