"""Algebraic lemmas behind the LRNN constructions, checked symbolically with sympy: one module per lemma.

Every lemma is a function with no arguments returning a :class:`~proofs_check.verdict.Verdict`; every lemma has a
*negative control*: a deliberately broken variant that the **same checker** must refute (status ``"not_equal"``
with a concrete counterexample made of small integers / rationals and re-verified with exact integer or
``Fraction`` arithmetic that does not go through sympy).

* :mod:`.affine` — ``affine-assoc``: affine composition is associative and equals two steps of
  ``h_t = A_t h_{t-1} + b_t``. Negative controls: wrong compositions (``AFFINE_VARIANTS``).
* :mod:`.pd` — ``pd-closure``: permutation·diagonal matrices are closed under product; ``pd-operator``: the
  column one-hot × diagonal composition formula. Negative controls: a 0/1 non-permutation; ``D' = D2 ⊙ D1``.
* :mod:`.dplr` — ``dplr-rank``: ``(D1 + U1V1ᵀ)(D2 + U2V2ᵀ) = D1D2 + U'V'ᵀ`` with ``U', V'`` of width 2r.
  Negative control: the claim "rank <= r".
* :mod:`.rational_addition` — ``rational-addition``: ``a/b + c/d = (ad + bc)/(bd)``. Negative control: the
  printed ``(ad + bc)/(bc)``.
* :mod:`.rational_order` — ``rational-order``: a rational 2×2 matrix of finite order has order in
  {1, 2, 3, 4, 6}; ``deltanet-router``: a rational matrix of order 2m = 1,404 exists only in dimension >= 32
  (witness: block companion of Φ₄Φ₂₇Φ₁₃). Negative controls: claimed rational 2×2 matrices of order 8 / 1,404.

These lemmas are algebra typed here; the gadgets the circuits are actually built from (the compose and apply
operators of ``constructions.lrnn``) are checked against affine composition in :mod:`proofs_check.gadgets`.

``ALL_LEMMAS`` maps id → lemma, ``NEGATIVE_CONTROLS`` maps id → negative control.  See ``docs/algebra.md``.
"""
from __future__ import annotations

from ._exact import _elapsed, _exact_rank, _IntMat, _is_zero_expr, _is_zero_matrix, _num, _sym_matrix  # noqa: F401
from .affine import (AFFINE_VARIANTS, affine_assoc, affine_assoc_negative, affine_compose,
                     check_affine_composition)
from .dplr import check_dplr_rank_claim, dplr_factor, dplr_rank, dplr_rank_negative
from .pd import (BAD_PD_MATRIX, check_pd_family, pd_closure, pd_closure_negative, pd_operator, pd_operator_negative,
                 permutation_matrices)
from .rational_addition import (printed_rational_sum, rational_addition, rational_addition_negative, rational_sum,
                                smallest_rational_addition_counterexample)
from .rational_order import (ORDER_WITNESSES, ROUTER_CYCLE, achievable_orders, check_rational_order_claim,
                             deltanet_router, deltanet_router_negative, matrix_order, min_rational_dimension,
                             rational_order, rational_order_negative)

__all__ = [
    "ALL_LEMMAS", "NEGATIVE_CONTROLS",
    "affine_compose", "AFFINE_VARIANTS", "check_affine_composition", "affine_assoc", "affine_assoc_negative",
    "permutation_matrices", "check_pd_family", "pd_closure", "pd_closure_negative", "BAD_PD_MATRIX",
    "pd_operator", "pd_operator_negative",
    "dplr_factor", "check_dplr_rank_claim", "dplr_rank", "dplr_rank_negative",
    "rational_sum", "printed_rational_sum", "smallest_rational_addition_counterexample",
    "rational_addition", "rational_addition_negative",
    "achievable_orders", "matrix_order", "ORDER_WITNESSES", "check_rational_order_claim",
    "rational_order", "rational_order_negative",
    "ROUTER_CYCLE", "min_rational_dimension", "deltanet_router", "deltanet_router_negative",
]

ALL_LEMMAS = {
    "affine-assoc": affine_assoc,
    "pd-closure": pd_closure,
    "pd-operator": pd_operator,
    "dplr-rank": dplr_rank,
    "rational-addition": rational_addition,
    "rational-order": rational_order,
    "deltanet-router": deltanet_router,
}

NEGATIVE_CONTROLS = {
    "affine-assoc": affine_assoc_negative,
    "pd-closure": pd_closure_negative,
    "pd-operator": pd_operator_negative,
    "dplr-rank": dplr_rank_negative,
    "rational-addition": rational_addition_negative,
    "rational-order": rational_order_negative,
    "deltanet-router": deltanet_router_negative,
}
