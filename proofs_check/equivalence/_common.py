"""Shared plumbing of the equivalence engines: the union of the inputs, matched outputs, batched
evaluation, confirmation of counterexamples."""
from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction

import numpy as np

from circuits.names import element_name, element_names, parse_element
from circuits.ops import OPS, WIDE

from ..verdict import Verdict

P31 = 2**31 - 1  # a Mersenne prime < 2^31: the default PIT field
ARITH_OPS = frozenset({"add", "sub", "mul", "neg"})
BOOL_OPS = frozenset({"and", "or", "xor", "not", "threshold"})
_SHOW = 10  # how many names to list in a "why"/evidence


class _TooBig(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------
# shared plumbing: the union of the inputs, matched outputs, batched evaluation
class _Vars:
    """The union of the input elements of several circuits, as columns ``0 .. n-1``.

    An input array declared with the same name and shape by every circuit that uses that name (and never as
    element-style scalars ``x[i]``) is one block of columns; any other input is expanded to element names and
    matched name by name.
    """

    def __init__(self, circuits):
        self.circuits = circuits
        shapes: dict[str, set] = {}
        elem_bases: set[str] = set()
        for c in circuits:
            for name, shape, _ in c.input_arrays():
                base, idx = parse_element(name)
                if idx:
                    elem_bases.add(base)
                else:
                    shapes.setdefault(name, set()).add(shape)
        block_ok = {n for n, s in shapes.items() if len(s) == 1 and n not in elem_bases}
        self._seg_start: list[int] = []
        self._segs: list[tuple[str, tuple]] = []
        blocks: dict[str, int] = {}
        elems: dict[str, int] = {}
        n = 0
        self.index = []  # per circuit: list of (name, shape, column index array of shape `shape`)
        self.users = []  # per circuit: boolean mask over columns (declared by this circuit)
        per_circuit_cols = []
        for c in circuits:
            idxs = []
            for name, shape, _ in c.input_arrays():
                m = int(np.prod(shape, dtype=np.int64))
                if name in block_ok:
                    if name not in blocks:
                        blocks[name] = n
                        self._seg_start.append(n)
                        self._segs.append((name, shape))
                        n += m
                    cols = np.arange(blocks[name], blocks[name] + m, dtype=np.int64)
                else:
                    cols = np.empty(m, dtype=np.int64)
                    for j, en in enumerate(element_names(name, shape)):
                        col = elems.get(en)
                        if col is None:
                            col = elems[en] = n
                            self._seg_start.append(n)
                            self._segs.append((en, ()))
                            n += 1
                        cols[j] = col
                idxs.append((name, shape, cols.reshape(shape)))
            self.index.append(idxs)
            per_circuit_cols.append(np.concatenate([i.ravel() for _, _, i in idxs]) if idxs
                                    else np.zeros(0, np.int64))
        self.n = n
        for cols in per_circuit_cols:
            mask = np.zeros(n, dtype=bool)
            mask[cols] = True
            self.users.append(mask)

    def name(self, col: int) -> str:
        k = bisect_right(self._seg_start, col) - 1
        name, shape = self._segs[k]
        if shape == ():
            return name
        return element_name(name, tuple(int(i) for i in np.unravel_index(col - self._seg_start[k], shape)))

    def col_of_wire(self, k: int) -> np.ndarray:
        """Column of every input wire of circuit ``k`` (-1 for other wires)."""
        c = self.circuits[k]
        out = np.full(len(c), -1, dtype=np.int64)
        for (_, _, ids), (_, _, cols) in zip(c.input_arrays(), self.index[k]):
            out[np.asarray(ids, dtype=np.int64).ravel()] = cols.ravel()
        return out

    def relevant(self, cones) -> np.ndarray:
        """Sorted columns that some circuit's output cone reads."""
        used = np.zeros(self.n, dtype=bool)
        for k, cone in enumerate(cones):
            cw = self.col_of_wire(k)[cone]
            used[cw[cw >= 0]] = True
        return np.flatnonzero(used)

    def values(self, k: int, X: np.ndarray) -> dict:
        """Input values of circuit ``k`` from a (batch, n) matrix."""
        return {name: X[:, cols] for name, _, cols in self.index[k]}

    def only_in_one(self) -> tuple[list[str], int]:
        """(first few names, count) of the input elements that only some of the circuits declare."""
        if len(self.users) < 2:
            return [], 0
        cnt = np.sum(self.users, axis=0)
        return [self.name(int(j)) for j in np.flatnonzero(cnt < len(self.users))[:_SHOW]], \
            int(np.sum(cnt < len(self.users)))

    def assignment(self, row) -> dict:
        return {self.name(j): _py(v) for j, v in enumerate(row)}


def _py(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, Fraction) and v.denominator == 1:
        return int(v)
    return v


class _Pairs:
    """Output elements matched by name: positions ``i1`` / ``i2`` in each circuit's flat output order."""

    def __init__(self, c1, i1, i2):
        self.c1, self.i1, self.i2 = c1, i1, i2
        arrs = c1.output_arrays()
        self._starts = np.cumsum([0] + [ids.size for _, _, ids in arrs])[:-1].tolist()
        self._arrs = [(n, s) for n, s, _ in arrs]

    def __len__(self):
        return len(self.i1)

    def name(self, j: int) -> str:
        """Element name of pair ``j``."""
        pos = int(self.i1[j])
        k = bisect_right(self._starts, pos) - 1
        name, shape = self._arrs[k]
        if shape == ():
            return name
        return element_name(name, tuple(int(i) for i in np.unravel_index(pos - self._starts[k], shape)))


def _match_outputs(c1, c2, method: str):
    """``_Pairs`` or a ``not_equal`` Verdict when the output element names differ."""
    a1 = [(n, s) for n, s, _ in c1.output_arrays()]
    a2 = [(n, s) for n, s, _ in c2.output_arrays()]
    if a1 == a2:
        i = np.arange(c1.output_ids().size)
        return _Pairs(c1, i, i)
    names1 = [n for n, _ in c1.output_elements()]
    pos2 = {n: j for j, (n, _) in enumerate(c2.output_elements())}
    set1 = set(names1)
    only1 = [n for n in names1 if n not in pos2]
    only2 = [n for n in pos2 if n not in set1]
    if only1 or only2:
        why = "outputs differ:"
        if only1:
            why += f" only in the first circuit: {', '.join(only1[:_SHOW])}" + (" …" if len(only1) > _SHOW else "")
        if only2:
            why += (";" if only1 else "") + f" only in the second circuit: {', '.join(only2[:_SHOW])}" + \
                (" …" if len(only2) > _SHOW else "")
        return Verdict("not_equal", method, why=why,
                       counterexample={"outputs_only_in_first": only1[:100], "outputs_only_in_second": only2[:100]})
    return _Pairs(c1, np.arange(len(names1)), np.array([pos2[n] for n in names1], dtype=np.int64))


def _run_flat(c, values: dict, domain, batch: int) -> np.ndarray:
    """Evaluate ``c`` and return its outputs as a (batch, output elements) matrix, in output-element order."""
    res = c.evaluate(values, domain=domain)
    batched = bool(c.input_arrays())
    parts = []
    for name, shape, ids in c.output_arrays():
        v = res[name]
        arr = v if isinstance(v, np.ndarray) else np.array(v, dtype=object)
        if batched:
            arr = arr.reshape(batch, ids.size)
        else:
            arr = np.broadcast_to(arr.reshape(1, ids.size), (batch, ids.size))
        parts.append(arr)
    if not parts:
        return np.zeros((batch, 0), dtype=object)
    dtypes = {p.dtype for p in parts}
    if len(dtypes) > 1:
        parts = [p.astype(object) for p in parts]
    return np.concatenate(parts, axis=1)


def _compare(V: _Vars, pairs: _Pairs, X: np.ndarray, domain):
    """Evaluate both circuits on the rows of X; return (first differing (row, pair) or None, out1, out2)."""
    c1, c2 = V.circuits
    B = X.shape[0]
    o1 = _run_flat(c1, V.values(0, X), domain, B)[:, pairs.i1]
    o2 = _run_flat(c2, V.values(1, X), domain, B)[:, pairs.i2]
    if o1.shape[1] == 0:
        return None, o1, o2
    diff = np.asarray(o1 != o2, dtype=bool)
    if not diff.any():
        return None, o1, o2
    r, j = np.argwhere(diff)[0]
    return (int(r), int(j)), o1, o2


def _confirm(V: _Vars, pairs: _Pairs, row: np.ndarray, domain, extra=None):
    """Re-evaluate both circuits at one input row (a fresh batch-of-one call); counterexample dict or None."""
    hit, o1, o2 = _compare(V, pairs, row.reshape(1, -1), domain)
    if hit is None:
        return None
    j = hit[1]
    ce = {"inputs": V.assignment(row.tolist()), "output": pairs.name(j),
          "first": _py(o1[0, j]), "second": _py(o2[0, j]), "domain": _domain_str(domain)}
    if extra:
        ce.update(extra)
    return ce


def _domain_str(domain) -> str:
    return domain if isinstance(domain, str) else f"{domain[0]}({domain[1]})"


def _ops_in(c, cone=None) -> set[str]:
    cone = c.cone() if cone is None else cone
    codes = np.unique(c.columns()["op"][cone].astype(np.int64) & ~WIDE)
    return {OPS[int(k)].name for k in codes} - {"input", "const"}


def _consts_in(c, cone) -> list:
    cols = c.columns()
    cw = cone[cols["op"][cone] == 1]
    return [c.constants[int(i)] for i in cols["arg0"][cw].tolist()]


def _kind(c, cone=None) -> str:
    """'arithmetic', 'boolean' or 'mixed', from the ops the output cone actually uses."""
    cone = c.cone() if cone is None else cone
    ops = _ops_in(c, cone)
    if not ops:  # only inputs/constants reach the outputs: go by the declared basis
        if c.basis in ("boolean", "threshold"):
            return "boolean"
        if c.basis == "arithmetic" or not all(v in (0, 1) for v in _consts_in(c, cone)):
            return "arithmetic"
        return "either"
    if ops <= ARITH_OPS:
        return "arithmetic"
    if ops <= BOOL_OPS and all(v in (0, 1) for v in _consts_in(c, cone)):
        return "boolean"
    return "mixed"


def _base_evidence(V: _Vars, pairs: _Pairs) -> dict:
    only, n_only = V.only_in_one()
    ev = {"inputs": V.n, "outputs_compared": len(pairs)}
    if n_only:
        ev["inputs_in_one_circuit_only"] = n_only
        ev["inputs_in_one_circuit_only_names"] = only
    return ev


def _setup(c1, c2, method):
    pairs = _match_outputs(c1, c2, method)
    if isinstance(pairs, Verdict):
        return pairs, None
    return pairs, _Vars([c1, c2])
