"""Lemma ``rational-order``: a rational 2×2 matrix of finite multiplicative order has order 1, 2, 3, 4 or 6."""
from __future__ import annotations

import itertools
import math
import time
from fractions import Fraction
from functools import reduce

import sympy as sp

from ..verdict import Verdict
from ._exact import _elapsed, _IntMat


def _totient_bound_argument():
    """Symbolic part of φ(m) >= sqrt(m/2): per prime power, φ(p^k)² >= p^k (p odd), φ(2^k)² >= 2^k / 2.

    * p odd, k = 1: (p − 1)² − p = p² − 3p + 1 >= 0 exactly for p >= (3 + √5)/2 ≈ 2.618, so for all p >= 3.
    * p odd, k >= 2: φ(p^k)² / p^k = p^(k−2) (p − 1)² >= 1.
    * p = 2: φ(2^k)² = 2^(2k−2) >= 2^(k−1) = 2^k / 2 for k >= 1.
    Multiplicativity of φ then gives φ(m)² >= m/2 (at most one factor 2^k loses the factor 1/2).
    """
    p = sp.Symbol("p", real=True)
    k = sp.Symbol("k", integer=True, positive=True)
    sol = sp.solve_univariate_inequality(p ** 2 - 3 * p + 1 >= 0, p, relational=False)
    odd_k1 = sp.Interval(3, sp.oo).is_subset(sol)
    q = sp.Symbol("q", positive=True)
    odd_k2 = sp.simplify((q ** (k - 1) * (q - 1)) ** 2 / q ** k - q ** (k - 2) * (q - 1) ** 2) == 0
    two = sp.simplify((2 ** (k - 1)) ** 2 / (2 ** k / 2) - 2 ** (k - 1)) == 0
    return odd_k1 and odd_k2 and two, {"p^2-3p+1>=0 solution set": str(sol), "contains [3, oo)": odd_k1,
                                       "odd p, k>=2: phi(p^k)^2/p^k simplifies to p^(k-2)(p-1)^2 (>= 4)": odd_k2,
                                       "p=2: phi(2^k)^2/(2^k/2) simplifies to 2^(k-1) (>= 1)": two}


def achievable_orders(n=2):
    """Orders of finite-order rational n×n matrices, computed from cyclotomic polynomials.

    The minimal polynomial μ of A with A^k = I divides x^k − 1 = ∏_{m | k} Φ_m (square-free, Φ_m irreducible over
    Q), so μ = ∏_{m ∈ S} Φ_m for a set S with Σ φ(m) = deg μ <= n.  φ(m) <= n forces m <= 2n² (φ(m) >= √(m/2)).
    For each admissible S the order is computed directly as the least k with μ | x^k − 1 (polynomial remainder),
    and compared with lcm(S).  Returns ``(orders, table, ms)`` with ``ms`` the m <= 2n² having φ(m) <= n.
    """
    x = sp.Symbol("x")
    bound = 2 * n * n
    ms = [m for m in range(1, bound + 1) if sp.totient(m) <= n]
    table = []
    orders = set()
    for size in range(1, n + 1):
        for S in itertools.combinations(ms, size):
            if sum(int(sp.totient(m)) for m in S) > n:
                continue
            mu = sp.expand(reduce(lambda u, v: u * v, [sp.cyclotomic_poly(m, x) for m in S]))
            L = reduce(math.lcm, S)
            order = next(k for k in range(1, L + 1) if sp.rem(x ** k - 1, mu, x) == 0)
            table.append({"S": list(S), "minimal_polynomial": str(sp.factor(mu)), "degree": int(sp.degree(mu, x)),
                          "order_by_remainder": order, "lcm": L})
            orders.add(order)
    return sorted(orders), table, ms


def matrix_order(A, max_order=24):
    """Least k >= 1 with A^k = I (exact Fractions), or None if none <= max_order."""
    M = _IntMat([[Fraction(v) for v in r] for r in A])
    n = len(A)
    I_ = _IntMat([[Fraction(int(i == j)) for j in range(n)] for i in range(n)])
    P = M
    for k in range(1, max_order + 1):
        if P == I_:
            return k
        P = P * M
    return None


#: Integer companion matrices (of the minimal polynomial shown) realising each order.
ORDER_WITNESSES = {
    1: ("x - 1 (A = I)", [[1, 0], [0, 1]]),
    2: ("(x - 1)(x + 1) = x^2 - 1", [[0, 1], [1, 0]]),
    3: ("Phi_3 = x^2 + x + 1", [[0, -1], [1, -1]]),
    4: ("Phi_4 = x^2 + 1", [[0, -1], [1, 0]]),
    6: ("Phi_6 = x^2 - x + 1", [[0, -1], [1, 1]]),
}


def rational_order() -> Verdict:
    """Lemma ``rational-order``: finite orders of rational 2×2 matrices are exactly {1, 2, 3, 4, 6}."""
    t0 = time.perf_counter()
    x = sp.Symbol("x")
    ok_bound, bound_info = _totient_bound_argument()
    # numerical sanity of φ(m) >= sqrt(m/2) well beyond the bound actually used (m <= 8)
    sanity = all(2 * int(sp.totient(m)) ** 2 >= m for m in range(1, 2001))
    orders, table, ms = achievable_orders(2)
    # the structural facts used, checked for the m that occur
    cyc = {m: {"Phi_m": str(sp.cyclotomic_poly(m, x)), "degree": int(sp.degree(sp.cyclotomic_poly(m, x), x)),
               "totient": int(sp.totient(m)), "irreducible_over_Q": sp.Poly(sp.cyclotomic_poly(m, x), x).is_irreducible}
           for m in range(1, 9)}
    facts_ok = all(v["degree"] == v["totient"] and v["irreducible_over_Q"] for v in cyc.values())
    # x^k - 1 = prod_{m|k} Phi_m, square-free, for k up to 12
    fact_k = all(sp.expand(x ** k - 1 - sp.prod([sp.cyclotomic_poly(m, x) for m in sp.divisors(k)])) == 0 and
                 sp.gcd(x ** k - 1, sp.diff(x ** k - 1, x)) == 1 for k in range(1, 13))
    lcm_ok = all(row["order_by_remainder"] == row["lcm"] for row in table)
    # companion-matrix witnesses, powers computed exactly; minimal polynomials checked with sympy
    witnesses = {}
    wit_ok = True
    for n_, (mu, A) in ORDER_WITNESSES.items():
        k = matrix_order(A)
        M = sp.Matrix(A)
        pw = [str(M ** j) for j in range(1, n_ + 1)]
        witnesses[n_] = {"minimal_polynomial": mu, "A": A, "computed_order": k, "powers": pw,
                         "charpoly": str(M.charpoly(x).as_expr())}
        wit_ok = wit_ok and k == n_ and M ** n_ == sp.eye(2)
    # exhaustive cross-check: integer 2x2 matrices with entries in [-2, 2]
    found = set()
    for e in itertools.product(range(-2, 3), repeat=4):
        k = matrix_order([[e[0], e[1]], [e[2], e[3]]], max_order=12)
        if k is not None:
            found.add(k)
    ev = {"totient_bound": bound_info, "totient_bound_numeric_m<=2000": sanity,
          "m_with_totient<=2 (m<=8)": ms, "cyclotomic_facts": cyc, "x^k-1_factorisation_k<=12": fact_k,
          "admissible_minimal_polynomials": table, "orders": orders, "order_equals_lcm": lcm_ok,
          "witnesses": witnesses, "exhaustive_entries_in_[-2,2]_orders_found": sorted(found),
          "seconds": _elapsed(t0)}
    ok = (ok_bound and sanity and ms == [1, 2, 3, 4, 6] and facts_ok and fact_k and lcm_ok and wit_ok
          and orders == [1, 2, 3, 4, 6] and sorted(found) == [1, 2, 3, 4, 6])
    if not ok:
        return Verdict("not_equal", "sympy", why="some step of the finite-order argument failed", evidence=ev)
    return Verdict("equal", "sympy", evidence=ev)


def _rationalise_rotation(n, denom=10):
    """The rotation by 2π/n with entries rounded to multiples of 1/denom (a rational 'approximation')."""
    c = Fraction(round(math.cos(2 * math.pi / n) * denom), denom)
    s = Fraction(round(math.sin(2 * math.pi / n) * denom), denom)
    return [[c, -s], [s, c]]


def _short(v, limit=120) -> str:
    """A rational as text, or its size when it is huge (powers of a rational rotation)."""
    p, q = (int(v.p), int(v.q)) if isinstance(v, sp.Rational) else (None, None)
    if p is not None and max(abs(p), q).bit_length() > 400:
        return f"p/q with {abs(p).bit_length()}-bit numerator and {q.bit_length()}-bit denominator"
    s = str(v)
    return s if len(s) <= limit else f"{s[:40]}…({len(s)} characters)"


def check_rational_order_claim(n, candidates) -> Verdict:
    """Check the claim "some rational 2×2 matrix has order exactly n", with proposed candidates.

    Refuted when n is not an achievable order (cyclotomic argument of :func:`achievable_orders`); the
    candidates are then each refuted by computing exact powers (A^n != I, or A^k = I for some k < n).
    """
    t0 = time.perf_counter()
    x = sp.Symbol("x")
    orders, _, _ = achievable_orders(2)
    cand = []
    for name, A in candidates:
        entries = [sp.sympify(v) if not isinstance(v, (int, Fraction)) else sp.Rational(str(v)) for r in A for v in r]
        rational = all(e.is_rational for e in entries)
        info = {"name": name, "A": [[str(v) for v in r] for r in A], "rational_entries": rational}
        if rational:
            M = sp.Matrix(2, 2, entries)
            if n <= 64:
                k = matrix_order(A, max_order=4 * n)
            else:  # order exactly n <=> A^n = I and A^k != I for the proper divisors k: powers by squaring
                k = next((j for j in sorted(sp.divisors(n)) if M ** j == sp.eye(2)), None)
                info["order_searched"] = f"divisors of {n}"
            An = M ** n
            info.update({"order": k, "A^n": [[_short(v) for v in r] for r in An.tolist()],
                         "A^n_is_identity": An == sp.eye(2)})
            info["refuted"] = k != n
        else:
            M = sp.Matrix(2, 2, entries)
            k = next((j for j in range(1, 4 * n + 1) if sp.simplify(M ** j - sp.eye(2)) == sp.zeros(2, 2)), None)
            info.update({"order": k, "refuted": True, "reason": "entries are irrational"})
        cand.append(info)
    phi = sp.cyclotomic_poly(n, x)
    ev = {"claimed_order": n, "achievable_orders": orders, "Phi_n": str(phi), "deg_Phi_n": int(sp.degree(phi, x)),
          "candidates": cand, "seconds": _elapsed(t0)}
    if n in orders:
        ok = [c for c in cand if not c["refuted"]]
        return Verdict("equal", "sympy", evidence=ev) if ok or not cand else \
            Verdict("undecided", "sympy", why="order achievable but no candidate realises it", evidence=ev)
    rational_cands = [c for c in cand if c["rational_entries"]]
    if any(not c["refuted"] for c in cand):  # would contradict the lemma: report loudly
        return Verdict("undecided", "sympy", why="a candidate realises a supposedly impossible order", evidence=ev)
    cx = {"claimed_order": n, "why_impossible": f"deg Phi_{n} = {ev['deg_Phi_n']} > 2, and {n} is not an lcm of "
          "m's with sum of phi(m) <= 2", "achievable_orders": orders,
          "rational_candidates": [{"A": c["A"], "order": c["order"], "A^n_is_identity": c["A^n_is_identity"]}
                                  for c in rational_cands]}
    return Verdict("not_equal", "sympy", why=f"no rational 2x2 matrix has order {n}", counterexample=cx, evidence=ev)


def rational_order_negative(n: int = 8) -> Verdict:
    """Negative control: "a rational 2×2 matrix of order n" for n = 8 (default) or 5 is refuted.

    Candidates: the rotation by 2π/n rounded to tenths (rational, fails A^n = I), the exact rotation (order n but
    irrational entries), and for n = 8 the rational [[0, -1], [1, 0]] which satisfies A^8 = I but has order 4.
    """
    cands = [(f"rotation by 2pi/{n}, entries rounded to 1/10", _rationalise_rotation(n)),
             (f"exact rotation by 2pi/{n}", [[sp.cos(2 * sp.pi / n), -sp.sin(2 * sp.pi / n)],
                                              [sp.sin(2 * sp.pi / n), sp.cos(2 * sp.pi / n)]])]
    if n % 4 == 0:
        cands.append(("[[0,-1],[1,0]] (satisfies A^8 = I)", [[0, -1], [1, 0]]))
    return check_rational_order_claim(n, cands)


# ---------------------------------------------------------------------------------------------------------------
# the DeltaNet router of the paper's Thm 5 construction (an erratum)
# ---------------------------------------------------------------------------------------------------------------

#: The cycle length the printed router needs: 2m positions with m = 702.
ROUTER_CYCLE = 1404


def min_rational_dimension(m: int) -> tuple[int, list[int]]:
    """The block sizes of the smallest block-diagonal rational companion matrix of order ``m``: one companion of
    Φ_{p^k} (size φ(p^k)) per prime power p^k ‖ m, the factor 2 dropped when m ≡ 2 (mod 4) (Φ₂ contributes −1,
    which −Φ_{odd} already gives). Returns (dimension, the cyclotomic indices used). That no smaller rational
    matrix has order m is Kuzmanovich & Pavlichenkov (2002); this module checks the witness, not the minimality."""
    idx = [int(p) ** int(k) for p, k in sp.factorint(m).items()]
    if m % 4 == 2:
        idx = [q for q in idx if q != 2]
    return sum(int(sp.totient(q)) for q in idx), sorted(idx)


def _order_mod(mu, x, m: int) -> int | None:
    """The multiplicative order of x modulo the square-free μ, if it divides m: least divisor k of m with
    x^k ≡ 1 (mod μ) (computed by polynomial powering mod μ)."""
    P = sp.Poly(mu, x, domain="QQ")
    one = sp.Poly(1, x, domain="QQ")
    X = sp.Poly(x, x, domain="QQ")

    def powmod(k):
        r, b = one, X
        while k:
            if k & 1:
                r = (r * b).rem(P)
            b = (b * b).rem(P)
            k >>= 1
        return r
    for k in sorted(sp.divisors(m)):
        if powmod(k) == one:
            return k
    return None


def deltanet_router() -> Verdict:
    """The corrected router: a rational matrix of order exactly 2m = 1,404 exists in dimension 32 (block
    companion matrix of Φ₄·Φ₂₇·Φ₁₃, order lcm(4, 27, 13) = 1,404), while a 2×2 one cannot exist (lemma
    ``rational-order``: finite orders are 1, 2, 3, 4, 6). The witness's order is computed exactly: the companion
    matrix of a square-free μ has the order of x modulo μ, the least divisor k of 1,404 with x^k ≡ 1 (mod μ)."""
    t0 = time.perf_counter()
    x = sp.Symbol("x")
    m = ROUTER_CYCLE
    dim, idx = min_rational_dimension(m)
    mu = sp.expand(reduce(lambda u, v: u * v, [sp.cyclotomic_poly(q, x) for q in idx]))
    order = _order_mod(mu, x, m)
    square_free = sp.degree(sp.gcd(mu, sp.diff(mu, x)), x) == 0
    orders2, _, _ = achievable_orders(2)
    ev = {"cycle": m, "factorisation": {str(p): int(k) for p, k in sp.factorint(m).items()},
          "witness": f"block companion of {' * '.join(f'Phi_{q}' for q in idx)}", "dimension": dim,
          "degree_of_mu": int(sp.degree(mu, x)), "mu_square_free": bool(square_free), "order_of_witness": order,
          "orders_of_rational_2x2": orders2, "1404_in_2x2_orders": m in orders2,
          "remark": f"a 2x2 rotation by 2pi/{m} needs cos(2pi/{m}), of degree phi({m})/2 = "
                    f"{int(sp.totient(m)) // 2} over Q; minimality of dimension {dim} is Kuzmanovich & "
                    "Pavlichenkov 2002 (not checked here)",
          "seconds": _elapsed(t0)}
    if order == m and square_free and dim == sp.degree(mu, x) and m not in orders2:
        return Verdict("equal", "sympy", evidence=ev)
    return Verdict("not_equal", "sympy", why="the dimension-32 router witness does not have order 1404", evidence=ev)


def _cayley_rotation(t: Fraction):
    """The rational rotation with tan(θ/2) = t: [[(1−t²)/(1+t²), −2t/(1+t²)], [2t/(1+t²), (1−t²)/(1+t²)]]."""
    c, s = (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)
    return [[c, -s], [s, c]]


def deltanet_router_negative() -> Verdict:
    """Negative control: the printed route, "a rational 2×2 matrix of order 2m = 1,404", is refuted. Candidates:
    the rotation by 2π/1404 rounded to 1/10 (= I, order 1), and the rational (Cayley) rotation with
    tan(θ/2) = 1/447 ≈ tan(π/1404), which is orthogonal and rational but of infinite order."""
    m = ROUTER_CYCLE
    cands = [(f"rotation by 2pi/{m}, entries rounded to 1/10", _rationalise_rotation(m)),
             (f"Cayley rotation tan(theta/2) = 1/447 ~ tan(pi/{m})", _cayley_rotation(Fraction(1, 447)))]
    v = check_rational_order_claim(m, cands)
    v.evidence["printed_claim"] = f"a rational 2x2 matrix cycles through 2m = {m} router positions"
    return v
