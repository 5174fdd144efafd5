"""``Circuit.repeat_block``: the copies equal the builder calls they stand for (columns, depths, ids)."""
import numpy as np
import pytest

from circuits import Circuit, CircuitError


def _step(c, t, state, x, w, pre, mode):
    """One step of a small chain: its arguments are the state (previous step), x[t] (stride), fixed w, and in
    ``mode`` 1 a pre-built chain ``pre[t]`` whose depth grows faster than the state's (so the deepest argument
    changes after a while), in ``mode`` 2 a pre-built array of constant depth."""
    m = c.mul(state, w)
    a = c.add(m, x[t])
    if mode == 1:
        a = c.add(a, pre[t])
    elif mode == 2:
        a = c.sub(pre[t], a)
    r = c.act("relu", a)
    s = c.add(r[::-1], state)
    return c.neg(s)


def _build(n, mode, repeat, k=3):
    c = Circuit("mixed")
    x = c.input("x", (n, k))
    w = c.input("w", (k,))
    state = c.input("h0", (k,))
    pre = None
    if mode == 1:  # pre[t] has depth 12(t + 1); the state starts deeper and grows slower, then pre takes over
        p = c.input("p", (k,))
        rows = []
        for _ in range(n):
            for _ in range(4):
                p = c.add(c.mul(c.neg(p), w), w)
            rows.append(p)
        pre = np.stack(rows)
        for _ in range(40):
            state = c.neg(state)
    elif mode == 2:
        pre = c.mul(x, x)
    out = []
    t = 0
    while t < n:
        if repeat and t == 3 and n > 3:
            ids = c.repeat_block(lo, len(c), n - 3)
            out.append(ids[:, np.asarray(state) - lo])
            break
        lo = len(c)
        state = _step(c, t, state, x, w, pre, mode)
        out.append(np.asarray(state)[None])
        t += 1
    c.output("h", np.concatenate(out))
    g = len(c)  # a gate after the copies that reads gates inside them (not only the states)
    c.output("tail", c.sub(c.add(g - 2, g // 2 + 1), g - 5))
    return c


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("n", [1, 3, 4, 5, 40, 200])
def test_repeat_equals_loop(n, mode):
    a, b = _build(n, mode, False), _build(n, mode, True)
    ca, cb = a.columns(), b.columns()
    for key in ca:
        assert np.array_equal(ca[key], cb[key]), key
    assert a.size() == b.size() and a.depth() == b.depth() and a.layers() == b.layers()
    assert np.array_equal(a.outputs["h"], b.outputs["h"])
    rng = np.random.default_rng(n)
    vals = {nm: rng.standard_normal(shape) for nm, shape, _ in a.input_arrays()}
    ra, rb = a.evaluate(vals), b.evaluate(vals)
    assert np.array_equal(ra["h"], rb["h"]) and np.array_equal(ra["tail"], rb["tail"])
    ints = {nm: rng.integers(-3, 4, shape) for nm, shape, _ in a.input_arrays()}
    for dom in ("int", "fraction"):
        assert np.array_equal(a.evaluate(ints, domain=dom)["h"], b.evaluate(ints, domain=dom)["h"])
    batch = {nm: rng.standard_normal((3,) + shape) for nm, shape, _ in a.input_arrays()}
    assert np.array_equal(a.evaluate(batch)["h"], b.evaluate(batch)["h"])


def test_repeat_block_explicit_strides_and_errors():
    c = Circuit("arithmetic")
    x = c.input("x", (6,))
    lo = len(c)
    s = c.add(x[0], x[1])
    ids = c.repeat_block(lo, len(c), 4, strides=[[1, 1]])  # s_j = x[j] + x[j+1]
    ref = Circuit("arithmetic")
    y = ref.input("x", (6,))
    ref.add(y[:-1], y[1:])
    assert np.array_equal(c.columns()["arg0"], ref.columns()["arg0"])
    assert np.array_equal(c.columns()["arg1"], ref.columns()["arg1"])
    assert ids.shape == (4, 1) and int(s) == lo
    with pytest.raises(CircuitError):
        c.repeat_block(lo, len(c), 1, strides=[[1, 1]])  # not the last gates
    lo = len(c)
    c.add(x[4], x[5])
    with pytest.raises(CircuitError):
        c.repeat_block(lo, len(c), 1, strides=[[100, 1]])  # wire 104 does not exist yet
    with pytest.raises(CircuitError):
        c.repeat_block(0, len(c), 1)  # inputs in the block
