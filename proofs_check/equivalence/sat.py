"""Engine 3b: a SAT miter over a Tseitin encoding (threshold gates by BDD)."""
from __future__ import annotations

import threading
from bisect import bisect_right

import numpy as np

from circuits import CircuitError
from circuits.evaluate import plan
from circuits.ops import OPS, WIDE

from ..verdict import Verdict
from ._common import BOOL_OPS, _TooBig, _base_evidence, _confirm
from .exhaustive import _boolean_setup

class _Tseitin:
    """Clauses for circuits over shared input variables 1..n; TRUE is variable n+1.

    Gates are hashed structurally (after normalising their arguments), so a subcircuit that both circuits
    compute the same way gets one variable and the solver never has to rediscover it:

    * and/or: arguments deduplicated and sorted, constants folded, ``x ∧ ¬x`` = FALSE; ``or`` is ``¬and(¬…)``;
    * xor: arguments reduced to variables with a parity flip (``¬x`` = ``x ⊕ 1``), pairs cancelled, sorted;
    * threshold: rewritten as ``Σ wᵥ·v ≥ θ`` over variables (negated arguments and constants folded into θ,
      repeated variables merged), then sign-normalised so the first weight is positive
      (``[S ≥ θ] = ¬[−S ≥ 1 − θ]``); trivially true/false gates become constants.
    """

    def __init__(self, n_inputs: int, max_bdd_nodes: int):
        self.T = n_inputs + 1
        self.nv = n_inputs + 1
        self.clauses: list[list[int]] = [[self.T]]
        self.max_bdd_nodes = max_bdd_nodes
        self.bdd_nodes = 0
        self.threshold_gates = 0
        self.cache: dict = {}
        self.hits = 0

    def new(self) -> int:
        self.nv += 1
        return self.nv

    # gates ------------------------------------------------------------------------------------------------
    def and_(self, lits) -> int:
        T = self.T
        s = set()
        for lit in lits:
            if lit == T:
                continue
            if lit == -T or -lit in s:
                return -T
            s.add(lit)
        if not s:
            return T
        if len(s) == 1:
            return next(iter(s))
        key = ("and",) + tuple(sorted(s))
        v = self.cache.get(key)
        if v is not None:
            self.hits += 1
            return v
        v = self.new()
        self.clauses.extend([[-v, a] for a in key[1:]])
        self.clauses.append([v] + [-a for a in key[1:]])
        self.cache[key] = v
        return v

    def or_(self, lits) -> int:
        return -self.and_([-a for a in lits])

    def xor(self, lits) -> int:
        T = self.T
        parity = False
        odd: set[int] = set()
        for lit in lits:
            if abs(lit) == T:
                parity ^= lit == T
                continue
            if lit < 0:
                parity ^= True
                lit = -lit
            odd ^= {lit}
        vs = sorted(odd)
        if not vs:
            r = -T
        else:
            r = vs[0]
            for y in vs[1:]:
                r = self._xor2(r, y)
        return -r if parity else r

    def _xor2(self, x: int, y: int) -> int:
        key = ("xor", x, y)
        v = self.cache.get(key)
        if v is not None:
            self.hits += 1
            return v
        v = self.new()
        self.clauses.extend([[-v, x, y], [-v, -x, -y], [v, -x, y], [v, x, -y]])
        self.cache[key] = v
        return v

    def ite(self, s: int, hi: int, lo: int) -> int:
        """v ⇔ (s ? hi : lo)."""
        if hi == lo:
            return hi
        T = self.T
        if hi == T and lo == -T:
            return s
        if hi == -T and lo == T:
            return -s
        key = ("ite", s, hi, lo)
        v = self.cache.get(key)
        if v is not None:
            return v
        v = self.new()
        self.clauses.extend([[-s, -hi, v], [-s, hi, -v], [s, -lo, v], [s, lo, -v], [-hi, -lo, v], [hi, lo, -v]])
        self.cache[key] = v
        return v

    def threshold(self, lits, weights, theta) -> int:
        """v ⇔ [Σ wᵢ·litᵢ ≥ θ] (see the class docstring for the normal form)."""
        self.threshold_gates += 1
        T = self.T
        acc: dict[int, int] = {}
        th = int(theta)
        for lit, w in zip(lits, weights):
            w = int(w)
            if w == 0:
                continue
            if abs(lit) == T:
                if lit == T:
                    th -= w
                continue
            if lit < 0:  # w·¬v = w − w·v
                th -= w
                acc[-lit] = acc.get(-lit, 0) - w
            else:
                acc[lit] = acc.get(lit, 0) + w
        vs = sorted(v for v, w in acc.items() if w)
        ws = [acc[v] for v in vs]
        lo_sum = sum(w for w in ws if w < 0)
        hi_sum = sum(w for w in ws if w > 0)
        if th <= lo_sum:
            return T
        if th > hi_sum:
            return -T
        flip = ws[0] < 0
        if flip:
            ws = [-w for w in ws]
            th = 1 - th
        key = ("thr", tuple(vs), tuple(ws), th)
        v = self.cache.get(key)
        if v is None:
            v = self._bdd(vs, ws, th)
            self.cache[key] = v
        else:
            self.hits += 1
        return -v if flip else v

    def _bdd(self, vs, ws, theta) -> int:
        """[Σ wᵢ·vᵢ ≥ θ] by a reduced ordered BDD of if-then-else nodes, memoised per level by the interval of
        bounds each node decides (Abío, Nieuwenhuis, Oliveras, Rodríguez-Carbonell, Mayer-Eichberger 2012).
        Each node is an equivalence, so the gate's output is fully constrained in both directions."""
        T = self.T
        ys, a, K = [], [], theta
        for v, w in zip(vs, ws):
            if w > 0:
                ys.append(v)
                a.append(w)
            else:  # w·v = w + |w|·(¬v)
                ys.append(-v)
                a.append(-w)
                K -= w
        order = sorted(range(len(a)), key=lambda i: (-a[i], i))
        ys = [ys[i] for i in order]
        a = [a[i] for i in order]
        n = len(a)
        rest = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            rest[i] = rest[i + 1] + a[i]
        inf = float("inf")
        starts: list[list] = [[] for _ in range(n + 1)]  # per level: sorted interval starts
        nodes: list[list] = [[] for _ in range(n + 1)]   # per level: (lo, hi, lit), same order

        def known(i, k):
            if k <= 0:
                return (-inf, 0, T)
            if k > rest[i]:
                return (rest[i] + 1, inf, -T)
            q = bisect_right(starts[i], k) - 1
            if q >= 0 and nodes[i][q][1] >= k:
                return nodes[i][q]
            return None

        stack = [(0, K)]
        while stack:
            i, k = stack[-1]
            if known(i, k) is not None:
                stack.pop()
                continue
            r0 = known(i + 1, k)
            if r0 is None:
                stack.append((i + 1, k))
                continue
            r1 = known(i + 1, k - a[i])
            if r1 is None:
                stack.append((i + 1, k - a[i]))
                continue
            lo = max(r0[0], r1[0] + a[i])
            hi = min(r0[1], r1[1] + a[i])
            lit = self.ite(ys[i], r1[2], r0[2])
            q = bisect_right(starts[i], lo)
            starts[i].insert(q, lo)
            nodes[i].insert(q, (lo, hi, lit))
            self.bdd_nodes += 1
            if self.bdd_nodes > self.max_bdd_nodes:
                raise _TooBig(f"threshold BDDs exceed max_bdd_nodes={self.max_bdd_nodes}")
            stack.pop()
        return int(known(0, K)[2])

    # a whole circuit ------------------------------------------------------------------------------------------------
    def circuit(self, c, col_of_wire, cone) -> np.ndarray:
        """Literal of every wire in ``cone`` (an array over all wires; 0 elsewhere)."""
        cols = c.columns()
        op, a0, a1 = cols["op"], cols["arg0"], cols["arg1"]
        lit = np.zeros(len(c), dtype=np.int64)
        mask = np.zeros(len(c), dtype=bool)
        mask[cone] = True
        ins = cone[op[cone] == 0]
        lit[ins] = col_of_wire[ins] + 1
        for w in cone[op[cone] == 1].tolist():
            v = c.constants[int(a0[w])]
            if v not in (0, 1):
                raise CircuitError(f"constant {v} is not 0/1")
            lit[w] = self.T if v == 1 else -self.T
        for code, g in plan(c):
            g = g[mask[g]]
            if not g.size:
                continue
            name = OPS[code & ~WIDE].name
            if name == "not":
                lit[g] = -lit[a0[g]]
                continue
            if name not in BOOL_OPS:
                raise CircuitError(f"SAT encoding: {name} gates are not boolean")
            if code & WIDE:
                for w in g.tolist():
                    args = lit[c.args_of(w)].tolist()
                    if name == "threshold":
                        wts, th = c.threshold_params(w)
                        lit[w] = self.threshold(args, wts, th)
                    else:
                        lit[w] = {"and": self.and_, "or": self.or_, "xor": self.xor}[name](args)
            else:
                fn = {"and": self.and_, "or": self.or_, "xor": self.xor}[name]
                lit[g] = [fn(pair) for pair in zip(lit[a0[g]].tolist(), lit[a1[g]].tolist())]
        return lit


def _solver_name(timeout, solver):
    if solver:
        return solver
    return "cadical195" if timeout is None else "glucose4"  # CaDiCaL in pysat cannot be interrupted


def check_sat(c1, c2, timeout: float | None = None, solver: str | None = None,
              max_bdd_nodes: int = 200_000) -> Verdict:
    """SAT miter: Tseitin-encode both circuits over shared input variables, assert that some matched output
    pair differs, and solve. UNSAT → ``equal`` (a proof, up to the solver's correctness); SAT → ``not_equal``
    with the model as counterexample, re-evaluated with ``evaluate(domain="bool")``.

    Encodes and/or/xor/not of any fan-in, constants 0/1 and threshold gates (by a BDD of if-then-else nodes).
    ``timeout`` (seconds) uses an interruptible solver (Glucose 4 unless ``solver`` is given); without a
    timeout the default is CaDiCaL 1.9.5.
    """
    from pysat.solvers import Solver

    method = "sat"
    early, pairs, V, cones = _boolean_setup(c1, c2, method)
    if early is not None:
        return early
    ev = _base_evidence(V, pairs)
    enc = _Tseitin(V.n, max_bdd_nodes)
    try:
        lits = [enc.circuit(c, V.col_of_wire(k), cone) for k, (c, cone) in enumerate(zip((c1, c2), cones))]
    except _TooBig as e:
        return Verdict("undecided", method, why=str(e), evidence=ev)
    l1 = lits[0][c1.output_ids()[pairs.i1]]
    l2 = lits[1][c2.output_ids()[pairs.i2]]
    keep = l1 != l2  # identical literals cannot differ
    l1, l2 = l1[keep], l2[keep]
    name = _solver_name(timeout, solver)
    ev.update({"solver": name, "threshold_gates": enc.threshold_gates, "bdd_nodes": enc.bdd_nodes,
               "structural_hash_hits": enc.hits, "outputs_in_miter": int(l1.size)})
    if l1.size == 0:
        ev.update({"variables": enc.nv, "clauses": len(enc.clauses)})
        return Verdict("equal", method, why="every output pair is the same literal after encoding", evidence=ev)
    d = np.arange(enc.nv + 1, enc.nv + 1 + l1.size, dtype=np.int64)
    enc.nv += l1.size
    enc.clauses.extend(np.stack([-d, l1, l2], axis=1).tolist())
    enc.clauses.extend(np.stack([-d, -l1, -l2], axis=1).tolist())
    enc.clauses.append(d.tolist())
    ev.update({"variables": enc.nv, "clauses": len(enc.clauses), "encoding": "Tseitin; threshold via BDD"})
    with Solver(name=name, bootstrap_with=enc.clauses) as s:
        if timeout is None:
            res = s.solve()
        else:
            timer = threading.Timer(float(timeout), s.interrupt)
            timer.start()
            try:
                res = s.solve_limited(expect_interrupt=True)
            finally:
                timer.cancel()
        model = s.get_model() if res else None
    if res is None:
        ev["timeout"] = timeout
        return Verdict("undecided", method, why=f"SAT solver timed out after {timeout} s", evidence=ev)
    if not res:
        return Verdict("equal", method, why="miter is unsatisfiable: no input makes any output pair differ",
                       evidence=ev)
    val = np.zeros(V.n + 1, dtype=bool)
    m = np.asarray([x for x in model if abs(x) <= V.n], dtype=np.int64)
    val[m[m > 0]] = True
    row = val[1:]
    ce = _confirm(V, pairs, row, "bool")
    if ce is None:
        return Verdict("undecided", method, why="internal inconsistency: the SAT model does not make the circuits "
                                                "differ under evaluate()", evidence=ev)
    ce["inputs"] = {n: int(v) for n, v in ce["inputs"].items()}
    ce["first"], ce["second"] = int(ce["first"]), int(ce["second"])
    return Verdict("not_equal", method, why=f"output {ce['output']} differs (SAT model)", counterexample=ce,
                   evidence=ev)
